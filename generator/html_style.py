"""The look of the HTML twin: one table of styles, used as a stylesheet and inlined for Canvas
(which removes stylesheets, and of an inline style keeps only the properties it allows)."""

from __future__ import annotations

import re

# --- the look: one table of styles, used as a stylesheet and inlined for Canvas -------------

# A box that scrolls sideways shows a shadow at an edge where more of it lies beyond, so a reader
# on a narrow screen sees that a table, a formula or a figure goes on (Lea Verou's scroll shadows:
# the white covers move with the content, the shadows stay at the box's edges).
SCROLL_CUE = ("background-image: linear-gradient(to right, #ffffff 30%, rgba(255, 255, 255, 0)), "
              "linear-gradient(to left, #ffffff 30%, rgba(255, 255, 255, 0)), "
              "linear-gradient(to right, rgba(0, 0, 0, 0.22), rgba(0, 0, 0, 0)), "  # as dark at the top of a tall box
              "linear-gradient(to left, rgba(0, 0, 0, 0.22), rgba(0, 0, 0, 0)); "  # as in its middle
              "background-position: 0 0, 100% 0, 0 0, 100% 0; background-repeat: no-repeat; "
              "background-size: 2.5rem 100%, 2.5rem 100%, 0.9rem 100%, 0.9rem 100%; "
              "background-attachment: local, local, scroll, scroll; background-color: #ffffff")

STYLES: dict[str, str] = {
    "sheet": "max-width: 60rem; margin: 0 auto; padding: 0 1rem; line-height: 1.55; color: #1a1a1a",
    "course": "margin: 0.2rem 0; color: #404040",
    "key-note": "color: #1f4e79; font-weight: bold; margin: 0.2rem 0",
    "note": "color: #4d4d4d; font-size: 0.95em",
    "hang": "margin: 0.6rem 0 0.2rem 0",  # a list's heading
    "entry": "margin: 0.15rem 0; padding-left: 3em; text-indent: -1.5em",  # a list's line, indented under its heading
    "problem": "margin-top: 2.2rem; border-top: 1px solid #c8c8c8; padding-top: 0.6rem",
    "solution": "color: #1f4e79; margin-top: 1.2rem",
    "part": "font-size: 1.05em; margin: 1.4rem 0 0.4rem 0",  # nearer the text it heads than the text before it
    "derivation": ("margin: 0.6rem 0 1rem 0; border-left: 3px solid #d0dbe6; padding: 0.2rem 0 0.2rem 0.6rem; "
                   "max-width: 52rem; overflow-x: auto; overflow-y: hidden; display: grid; "  # reasons near their steps
                   "grid-template-columns: max-content max-content minmax(9rem, 1fr); "
                   "column-gap: 0; row-gap: 0.45rem; align-items: baseline; " + SCROLL_CUE),  # "=" spaces itself
    "lhs": "text-align: right",
    "rhs": "text-align: left",
    "why": "margin: 0; padding-left: 0.8rem; color: #4d4d4d; font-size: 0.92em; text-align: right",
    "display": "overflow-x: auto; overflow-y: hidden; padding: 0.15rem 0; margin: 0.5rem 0; text-align: center; "
               + SCROLL_CUE,
    # a display inside a paragraph (a note's tall definition): a block of its own that scrolls
    "display-in-text": "display: block; overflow-x: auto; overflow-y: hidden; padding: 0.15rem 0; margin: 0.4rem 0; "
                       "text-align: center; " + SCROLL_CUE,
    # a formula of a list's line: as wide as the line at most, scrolling beyond
    "entry-math": "display: inline-block; max-width: 100%; overflow-x: auto; overflow-y: hidden; "
                  "vertical-align: middle; text-indent: 0; " + SCROLL_CUE,
    # one of a display's formulas set side by side: on a narrow screen the next wraps under it
    "display-part": "display: inline-block; margin: 0.1rem 1rem; vertical-align: middle",
    "scroll": "overflow-x: auto; " + SCROLL_CUE,
    # a figure's image, a link to it at full size (said under it on a narrow screen)
    "figure-frame": "display: block",
    "data": "border-collapse: collapse; margin: 0.5rem 0; font-variant: tabular-nums",  # the shorthand: Canvas keeps it
    "cell": "border-bottom: 1px solid #d9d9d9; padding: 0.2rem 0.7rem; text-align: right",
    "head": "border-bottom: 2px solid #808080; padding: 0.2rem 0.7rem; text-align: right",
    # a row's name: ruled like the row's other cells, not like the column heads
    "rowhead": "border-bottom: 1px solid #d9d9d9; padding: 0.2rem 0.7rem; text-align: right",
    "text": "text-align: left",  # a cell of words or code names: after cell, so it wins
    "center": "text-align: center",  # a centred column of the PDF's table
    "rule": "border-top: 2px solid #808080",  # a \\midrule between groups of rows, as wide as the head's
    "end": "border-bottom: 2px solid #808080",  # the \\bottomrule: the last row's, as dark as the head's
    "figure": "margin: 1rem 0",
    "image": "width: 100%; max-width: 46rem; height: auto; display: block",
    "caption": "font-size: 0.95em; color: #333333; margin-top: 0.3rem",
    "erratum": "margin: 0.4rem 0 1rem 0",
    "verdict": "margin: 0.25rem 0",
    "letters": "list-style-type: none; padding-left: 2rem",  # the letters are text (html.lettered)
    "marker": "display: inline-block; min-width: 2rem; margin-left: -2rem",
}
PAGE_CSS = """
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font-family: "Latin Modern Roman", "Latin Modern Math", "STIX Two Text", "Times New Roman", serif;
  font-size: 1.05rem; }  /* Greek and sub- and superscripts in words (an alt text) from a math font, as the text's */
math { font-family: "Latin Modern Math", "STIX Two Math", "Cambria Math", math; font-size: 1em; }
math[display="block"] { margin: 0.1rem 0; }
msqrt:not(:last-child) { margin-inline-end: -0.12em; }  /* Chromium leaves a gap after a root; TeX sets it close */
math:has(> msqrt:last-child, > mrow:only-child > msqrt:last-child) { margin-inline-end: -0.12em; }  /* sqrt(b): */
.lhs math { margin-inline-end: 0 !important; }  /* a derivation's left side keeps its space before the "=" */
.entry-math > math { margin-inline-end: 0 !important; }  /* in a box that scrolls, a root's bar is not clipped */
msup + mo { padding-inline-start: 0.06em; }  /* TeX's space after a script: exp[-z]^2) is not exp[-z])^2 */
h4 math { font-weight: bold; }  /* a heading's formula in bold, as \boldmath sets it in the PDF */
h4 code { white-space: nowrap; }  /* a check's name moves to the next line whole, not broken at its dot */
mtr > mtd:first-child { padding-inline-start: 0.1em; }  /* a matrix's entries close to its brackets, as amsmath */
mtr > mtd:last-child { padding-inline-end: 0.1em; }  /* sets them (no column space at either edge) */
.sheet p, .sheet li, .sheet figcaption { max-width: 48rem; }
.sheet p.why { max-width: none; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 1.2rem 0 0.4rem 0; }
h2 { font-size: 1.3rem; }
h3 { font-size: 1.12rem; }
a { color: #0b5394; }
code { font-family: "Latin Modern Mono", "DejaVu Sans Mono", monospace; font-size: 0.88em; }
caption { caption-side: top; text-align: left; font-size: 0.95em; padding-bottom: 0.3rem; }
.scroll caption { position: sticky; left: 0; max-width: calc(100vw - 2rem); }
[tabindex="0"]:focus { outline: 2px solid #0b5394; outline-offset: 2px; }
.cards .label { display: none; }
@media (max-width: 36rem) {
  /* a wide table of the audit as cards: a row a card, each value under its column's name */
  .cards, .cards tbody, .cards tr { display: block; }
  .cards thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  .cards tr { padding: 0.4rem 0; border-bottom: 1px solid #bbb; }
  .cards td { display: grid !important; grid-template-columns: 8.6rem minmax(0, 1fr); column-gap: 0.5rem;
    padding: 0.05rem 0 !important; border: 0 !important; text-align: left !important; }
  .cards .label { display: block; color: #4d4d4d; }
}
@media (max-width: 36rem) { a.figure-frame::after { content: "Tap the figure to see it at full size."; display: block;
  font-size: 0.85em; color: #4d4d4d; margin-top: 0.2rem; }
  .sheet { padding: 0 0.6rem; } math { font-size: 0.95em; } .data th, .data td { padding: 0.2rem 0.4rem; }
  .data th { white-space: nowrap; }
  .derivation { padding-left: 0.4rem; } .derivation .rhs { padding-left: 0.6rem; } }
@media (max-width: 48rem) { .derivation { grid-template-columns: minmax(0, 1fr); row-gap: 0.2rem; }
  .derivation .lhs { text-align: left; } .derivation .rhs { padding-left: 1rem; }
  .derivation .why { text-align: left; padding-left: 2rem; margin-bottom: 0.3rem; } }
"""
# in a card, a formula wider than the card scrolls in its cell, with the cue at that cell's edge
PAGE_CSS += "@media (max-width: 36rem) { .cards .value { overflow-x: auto; overflow-y: hidden; " + SCROLL_CUE + "; } }\n"
# Narrower than 36rem, a figure fits the screen, its text small: a line under it (not part of the page's
# text, which the PDF shares) says that the figure opens at full size, where it can be zoomed.
# Narrower than 48rem, a derivation is one column: each step's reason on its own lines under
# the step, wrapped to the width of the screen (a column as wide as its widest formula would
# set a long reason beyond the screen's edge); a formula wider than the screen scrolls.

# Canvas keeps the style attribute but of it only these properties (instructure/canvas-lms,
# gems/canvas_sanitize: CanvasSanitize::SANITIZE, :style_properties and :style_expressions);
# the rest it drops without a word. So the Canvas body is given only these.
CANVAS_PROPERTIES = re.compile(
    r"(?:background|border|clear|color|cursor|direction|display|float|font|height|left|line-height"
    r"|list-style|margin|max-height|max-width|min-height|min-width|overflow|overflow-x|overflow-y"
    r"|padding|position|right|text-align|table-layout|text-decoration|text-indent|top|vertical-align"
    r"|visibility|white-space|width|z-index|zoom"
    r"|background-(?:attachment|color|image|position|repeat)|background-position-(?:x|y)"
    r"|border-(?:bottom|collapse|color|left|right|spacing|style|top|width)"
    r"|border-(?:bottom|left|right|top)-(?:color|style|width)"
    r"|font-(?:family|size|stretch|style|variant|weight)|list-style-(?:image|position|type)"
    r"|margin-(?:bottom|left|right|top|offset)|padding-(?:bottom|left|right|top))")

# What the Canvas body sets otherwise, with what Canvas keeps and without a media query: a
# derivation's grid (Canvas drops grid-template-columns) becomes lines of text. Each step is
# a block of two boxes, the formula and its reason, which stands beside it where the line has
# room and wraps under it, indented, where it has not; a reason longer than the line wraps.
CANVAS_STYLES: dict[str, str] = {
    "derivation": ("margin: 0.6rem 0 1rem 0; border-left: 3px solid #d0dbe6; padding: 0.2rem 0 0.2rem 0.6rem; "
                   "overflow-x: auto; overflow-y: hidden; " + SCROLL_CUE),
    "lhs": "text-align: left",
    "rhs": ("display: inline-block; min-width: 50%; margin: 0.15rem 0 0.15rem 1rem; text-align: left; "
            "vertical-align: baseline"),
    "why": ("display: inline-block; margin: 0 0 0.3rem 2rem; color: #4d4d4d; font-size: 0.92em; "
            "text-align: left; vertical-align: baseline"),
}


def stylesheet() -> str:
    """The page's stylesheet, its comments left in this file: they are for whoever edits it, not
    for every reader of a page (a student's key need not say what its rules do in the audit)."""
    rules = [f".{name} {{ {css}; }}" for name, css in STYLES.items()]
    page = re.sub(r"[ \t]*/\*.*?\*/", "", PAGE_CSS, flags=re.S).strip()
    return "\n".join(rules) + "\n" + page  # the page's rules last: its media query wins


def canvas_css(css: str) -> str:
    """An inline style as Canvas keeps it: the declarations of the properties it allows."""
    declarations = (d.strip() for d in css.split(";"))
    return "; ".join(d for d in declarations if d and CANVAS_PROPERTIES.fullmatch(d.split(":")[0].strip().lower()))


def inline_styles(body: str) -> str:
    """Canvas keeps ``style`` attributes but drops stylesheets: copy each class's style inline
    (its Canvas form, where it has one), of each only what Canvas keeps."""
    def styled(match: re.Match) -> str:
        names = match.group(1).split()
        css = canvas_css("; ".join(CANVAS_STYLES.get(n, STYLES.get(n, "")) for n in names))
        return f'class="{match.group(1)}" style="{css};"' if css else match.group(0)
    return re.sub(r'class="([^"]*)"', styled, body)
