"""The accessible HTML twin of the key: the same model, the same numbers, MathML for the math.

Nothing here computes or proves. ``html_build.build_html`` loads the very render model the PDF
is made from (``build.load_model``); this module takes the same Jinja context (``build.context``), fills the HTML
templates in ``templates/html`` and converts every formula to MathML, so the page reads
without JavaScript and in a screen reader. The formulas are the LaTeX strings SymPy printed
for the PDF (and the few typed in the templates, as in the LaTeX templates), converted by
``latex2mathml`` after a small normalisation; numbers go through the one formatter
(``numbers.format_quantity``) and into a ledger, exactly as in the PDF.

How math and numbers travel through a template. The gate (``finalize``) turns every value a
template prints into text: config strings and prose are HTML-escaped; a number or a SymPy
formula becomes a private marker. Templates write math between ``\\( \\)`` (inline) and
``\\[ \\]`` (display), as the LaTeX templates write ``$ $`` and ``\\[ \\]``. After rendering,
``_Finisher`` converts each math segment to MathML, with markers replaced by the formula's
LaTeX or by the number's MathML; markers in prose become the number as HTML text. Whatever
is left that looks like LaTeX (a backslash, a stray marker) stops the build, so no raw LaTeX
can reach a reader.

Two outputs from one rendering path: the standalone page (``<activity>-key.html`` with its
figures beside it in ``<activity>-key-figures/``) and the body of the Canvas page
(``<activity>-key.canvas.html``), which has no ``<head>``, starts at ``<h2>`` (Canvas shows the
page title as the ``<h1>``) and carries its styles inline, since Canvas removes stylesheets.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from .build import context
from .errors import RenderError
from .html_build import build_html, figure_directory_name  # noqa: F401  (the module's public face)
from .html_style import inline_styles, stylesheet
from .mathml import MARKER_CLOSE, MARKER_OPEN, NumberForms, _top_level_split, latex_to_mathml, number_forms
from .numbers import Latex, Ledger, SympyLatex
from .paths import TEMPLATES as SHARED_TEMPLATES
from .render import Gate, fill

TEMPLATES = SHARED_TEMPLATES / "html"
SHEET = "sheet.html.j2"
AUDIT_SHEET = "audit.html.j2"
_OPEN, _CLOSE = MARKER_OPEN, MARKER_CLOSE
_MARKER = re.compile(_OPEN + r"([ns])(\d+)" + _CLOSE)
_MATH = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", re.S)


# --- the gate: every printed value becomes escaped text or a marker -------------------------

def escape_text(text: str) -> str:
    """HTML-escape, and neutralise what the finisher would read as math or a marker."""
    escaped = html.escape(text, quote=True)
    return escaped.replace("\\", "&#92;").replace("$", "&#36;").replace(_OPEN, "&#xE000;").replace(_CLOSE, "&#xE001;")


def prose(latex: Latex) -> str:
    """Code-written prose (a justification, a title, an erratum): text with $math$ in it."""
    parts = str(latex).split("$")
    if len(parts) % 2 == 0:
        raise RenderError(f"unbalanced $ in {latex!r}")
    out = []
    for index, part in enumerate(parts):
        if index % 2:
            out.append(r"\(" + part + r"\)")
            continue
        if "\\" in part:
            raise RenderError(f"a LaTeX command outside math in {latex!r}",
                              hint="generator/html.py reads only $math$ in prose; write plain text around it")
        out.append(html.escape(part, quote=False).replace("--", "\u2013"))  # a ~ is the finisher's (prose_text)
    return "".join(out)


class HtmlGate(Gate):
    """The shared gate of ``render.Gate`` with HTML escaping, and math kept aside for MathML.

    Numbers and formulas are replaced by markers while the template renders; the finisher
    then turns the markers into MathML and the formatter's HTML forms.
    """

    format_name = "HTML"
    line_comment_prefix = None
    apostrophe = "\u2019"
    no_break_space = "\u00a0"
    joiner = "\u2060"  # a word joiner: Unicode lets a line break after "|"

    def __init__(self, audit: bool = False):
        super().__init__(audit)
        self.numbers: list[NumberForms] = []
        self.formulas: list[str] = []

    def escape(self, text: str) -> str:
        return escape_text(text)

    def trusted(self, text: str) -> str:
        return jinja2.runtime.Markup(text)

    def break_point(self) -> str:
        return "<wbr>"

    def math_source(self, latex: str) -> str:
        return html.escape(latex, quote=False)  # the finisher reads \( ... \) as MathML

    def formatted(self, value, **style):
        return number_forms(value, **style)

    def number_markup(self, forms: NumberForms) -> str:
        self.numbers.append(forms)
        return f"{_OPEN}n{len(self.numbers) - 1}{_CLOSE}"

    def formula_markup(self, latex: SympyLatex) -> str:
        self.formulas.append(str(latex))
        return f"{_OPEN}s{len(self.formulas) - 1}{_CLOSE}"

    def prose(self, latex: Latex) -> str:
        return prose(latex)

    def quoted_markup(self, words) -> str:
        return prose(words)

    def filters(self) -> dict[str, Any]:
        return {"tabular": tabular, "lettered": lettered, "display_parts": display_parts}


def display_parts(content: str) -> jinja2.runtime.Markup:
    """A display's formulas set apart by \\qquad (as the PDF sets them side by side), each a
    block of its own that wraps under the one before it where the screen is too narrow for both;
    a display of one formula stays one."""
    content, parts, depth, start = str(content), [], 0, 0
    for at, char in enumerate(content):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and content.startswith("\\qquad", at):
            parts.append(content[start:at])
            start = at + len("\\qquad")
    parts.append(content[start:])
    if len(parts) == 1:
        return jinja2.runtime.Markup(f"\\[ {content} \\]")
    return jinja2.runtime.Markup(" ".join(f'<span class="display-part">\\[ {part.strip()} \\]</span>' for part in parts))


_LIST_TAG = re.compile(r"<(/?)(li|ol|ul)\b[^>]*>")


def lettered(items: str) -> jinja2.runtime.Markup:
    """A lettered list's items, each opening with its letter as text, "(a)" as in the PDF: a
    ``::marker`` style would say it only where stylesheets reach, and Canvas removes them."""
    items, out, depth, letter, last = str(items), [], 0, 0, 0
    for tag in _LIST_TAG.finditer(items):
        closing, name = tag.group(1), tag.group(2)
        if name == "li" and not closing and depth == 0:
            out.append(items[last:tag.end()] + f'<span class="marker">({chr(ord("a") + letter)}) </span>')
            letter, last = letter + 1, tag.end()
        elif name != "li":
            depth += -1 if closing else 1
    return jinja2.runtime.Markup("".join(out) + items[last:])


# --- the prose's LaTeX subset, in HTML -------------------------------------------------------

_RULE = re.compile(r"\\(toprule|midrule|bottomrule)\b")
_CELL = re.compile(r"\s&\s")
_EMPH = re.compile(r"\\emph\{([^{}\\]*)\}")


def tabular(rows: str, header: bool = False, columns: str = "") -> jinja2.runtime.Markup:
    """A table body written as LaTeX's tabular rows (see templates/prose.j2), as HTML rows.

    With ``header`` the rows before the first \\midrule are the column headers; otherwise each
    row's first cell names its row. \\midrule starts a new group of rows, and the PDF draws it:
    so does the page, above each group's first row but the first group's (the header's rule is
    the head's own). ``columns`` is the tabular's column spec: an ``l`` column is set flush left and
    a ``c`` column centred, head and cells, as in the PDF.
    """
    def kind(base: str, j: int, rule: bool = False, end: bool = False) -> str:
        align = {"l": " text", "c": " center"}.get(columns[j:j + 1], "")
        return base + align + (" rule" if rule else "") + (" end" if end else "")

    groups: list[list[list[str]]] = [[]]
    for piece in _RULE.split(rows):
        if piece in ("toprule", "bottomrule"):
            continue
        if piece == "midrule":
            groups.append([])
            continue
        for row in piece.split("\\\\"):
            if row.strip():
                groups[-1].append(list(enumerate(cell.strip() for cell in _CELL.split(" " + row.strip() + " "))))
    groups = [g for g in groups if g]
    if not header:
        groups = _wrapped(groups)
    out = []
    if header and groups:
        head = groups.pop(0)
        cells = ("".join(f'<th scope="col" class="{kind("head", j)}">{c}</th>' for j, c in r) for r in head)
        out.append("  <thead>" + "".join(f"<tr>{row}</tr>" for row in cells) + "</thead>")
    for number, group in enumerate(groups):
        lines = []
        for i, r in enumerate(group):
            rule = number > 0 and i == 0  # a \midrule above this row: on its cells, for Canvas keeps no stylesheet
            end = number == len(groups) - 1 and i == len(group) - 1  # the \bottomrule below the last row
            first = (f'<th scope="row" class="{kind("rowhead", 0, rule, end)}">{r[0][1]}</th>' if not header
                     else f'<td class="{kind("cell", 0, rule, end)}">{r[0][1]}</td>')
            lines.append("    <tr>" + first + "".join(f'<td class="{kind("cell", j, rule, end)}">{c}</td>'
                                                    for j, c in r[1:]) + "</tr>")
        out.append("  <tbody>\n" + "\n".join(lines) + "\n  </tbody>")
    return jinja2.runtime.Markup("\n".join(out))


WRAP_COLUMNS = 7  # a table of a few named rows wider than this many values is set in parts


def _wrapped(groups: list[list[list[tuple[int, str]]]]) -> list[list[list[tuple[int, str]]]]:
    """A table of a few named rows and many values (the data points, the weights by k) in parts of
    at most WRAP_COLUMNS values, each part with the rows' names and groups: a phone's screen holds
    a part, where the whole would scroll sideways. A part starts a group of rows, ruled as a
    \\midrule is."""
    rows = [r for g in groups for r in g]
    values = len(rows[0]) - 1 if rows else 0
    if len(rows) > 3 or values <= WRAP_COLUMNS or any(len(r) != values + 1 for r in rows):
        return groups
    size = -(-values // -(-values // WRAP_COLUMNS))  # parts as even as they can be
    return [[[r[0], *r[1 + start:1 + start + size]] for r in g] for start in range(0, values, size) for g in groups]


# A tag (or comment) of the page; the elements whose text is verbatim: typewriter text, styles, math.
_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.S)
_VERBATIM = re.compile(r"<(/?)(code|pre|kbd|samp|style|script|math)\b", re.I)
# Words tied by ~ (or a no-break space, as a template writes &nbsp;): one unbreakable run.
_TIE = "\u00a0|&nbsp;|&#160;|&#xa0;"
_WORD = "(?:[^\\s<>~]|\u202f)+"  # a word, a number whose digits are grouped by narrow no-break spaces
_TIED = re.compile(rf"{_WORD}(?:(?:~|{_TIE}){_WORD})+", re.I)
_TIE_MARK = re.compile(rf"~|{_TIE}", re.I)
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s<>]*", re.I)
_APOSTROPHE = re.compile(r"'|&#x0*27;|&#0*39;|&apos;", re.I)
NOWRAP = '<span style="white-space: nowrap">'


def prose_text(text: str) -> str:
    """Text outside math: \\emph, ~, --- and -- as HTML (the rest of LaTeX is refused by _check),
    and ' as the apostrophe, as LaTeX sets it; only in text, never in a tag (an attribute, a URL)
    or in code, a style or math."""
    text = _EMPH.sub(r"<em>\1</em>", text)
    out, verbatim, last = [], 0, 0
    for tag in _TAG.finditer(text):
        piece = text[last:tag.start()]
        out.append(piece if verbatim else _typeset(piece))
        out.append(tag.group())
        opening = _VERBATIM.match(tag.group())
        if opening and not tag.group().endswith("/>"):
            verbatim = max(0, verbatim + (-1 if opening.group(1) else 1))
        last = tag.end()
    piece = text[last:]
    out.append(piece if verbatim else _typeset(piece))
    return "".join(out)


def _typeset(text: str) -> str:
    """One run of text between tags: dashes, ties and apostrophes (a URL in it kept as it is)."""
    out, last = [], 0
    for url in _URL.finditer(text):
        out.append(_typeset_words(text[last:url.start()]) + url.group())
        last = url.end()
    out.append(_typeset_words(text[last:]))
    return "".join(out)


def _typeset_words(text: str) -> str:
    text = _APOSTROPHE.sub("\u2019", text.replace("---", "\u2014").replace("--", "\u2013"))
    # Words tied by ~ never break apart, and stand a word space apart: Latin Modern's no-break
    # space is half an em wide, half as wide again as its word space ("4 TB" would gape).
    text = _TIED.sub(lambda m: NOWRAP + _TIE_MARK.sub(" ", m.group()) + "</span>", text)
    return _TIE_MARK.sub("\u00a0", text)  # a tie beside a tag or a space: no run to hold together


# --- after rendering: math to MathML, markers to numbers ------------------------------------

_CLOSING = re.compile(r"[),.;:!?\]]+")  # punctuation that closes on the formula before it


class _Finisher:
    def __init__(self, gate: HtmlGate):
        self.gate = gate

    def __call__(self, page: str) -> str:
        out, last = [], 0
        for match in _MATH.finditer(page):
            out.append(self._prose(page[last:match.start()]))
            inline, block = match.group(1), match.group(2)
            math = self._math(inline if block is None else block, display=block is not None)
            last = match.end()
            after = _CLOSING.match(page, last) if block is None else None
            if after is not None:  # "K = 4)," never breaks before its ")," (TeX does not either)
                at = math.rfind("<math")  # a formula in pieces may still break between them
                math = f"{math[:at]}{NOWRAP}{math[at:]}{after.group()}</span>"
                last = after.end()
            out.append(math)
        out.append(self._prose(page[last:]))
        finished = "".join(out)
        self._check(finished)
        return finished

    def _prose(self, text: str) -> str:
        text = prose_text(text)

        def replace(match: re.Match) -> str:
            kind, index = match.group(1), int(match.group(2))
            if kind == "n":
                return self.gate.numbers[index].html
            return latex_to_mathml(self.gate.formulas[index])
        return _MARKER.sub(replace, text)

    def _math(self, latex: str, *, display: bool) -> str:
        numbers: dict[str, ET.Element] = {}

        def replace(match: re.Match) -> str:
            kind, index = match.group(1), int(match.group(2))
            if kind == "s":
                return self.gate.formulas[index]  # as the LaTeX template inserts it: no added group
            key = f"\ue002{index}\ue003"
            numbers[key] = self.gate.numbers[index].mathml
            return r"\text{" + key + "}"
        source = _MARKER.sub(replace, html.unescape(latex)).strip()
        pieces = _top_level_split(source, r"\allowbreak")
        if len(pieces) > 1:  # LaTeX may break the line there: so may the browser, between formulas
            return " ".join(latex_to_mathml(piece, display=True, numbers=numbers).replace(
                'display="block"', 'display="inline" displaystyle="true"', 1) for piece in pieces)
        if source.startswith(r"\displaystyle"):  # a display formula set in a line of text (a derivation's row)
            converted = latex_to_mathml(source.removeprefix(r"\displaystyle"), display=True, numbers=numbers)
            return converted.replace('display="block"', 'display="inline" displaystyle="true"', 1)
        return latex_to_mathml(source, display=display, numbers=numbers)

    @staticmethod
    def _check(page: str) -> None:
        outside_math = re.sub(r"<math\b.*?</math>", " ", page, flags=re.S)
        for needle, what in (("\\", "a backslash"), (_OPEN, "an unresolved value"), ("&#xE000;", "an unresolved value"),
                             ("$", "a dollar sign")):
            if needle in re.sub(r"<[^>]*>", " ", outside_math):
                at = outside_math.find(needle)
                raise RenderError(f"{what} would show on the page: ...{outside_math[max(0, at - 60):at + 60]}...",
                                  hint="math belongs between \\( \\) or \\[ \\] in the HTML templates")


# --- rendering and building -----------------------------------------------------------------

@dataclass
class HtmlOutput:
    html: str
    ledger: Ledger


def html_context(cfg, term, model: dict[str, Any], activity, *, canvas: bool) -> dict[str, Any]:
    """``build.context`` plus what only the HTML needs: figure addresses, problem numbers."""
    ctx = context(cfg, term, model, "key", activity)
    folder = figure_directory_name(term.id)
    ctx["figures"] = {name: {"src": f"{folder}/{Path(f['svg']).name}", "alt": f["alt"], "name": name,
                             "facts": f["facts"], "meanings": f["meanings"]} for name, f in model["figures"].items()}
    # LaTeX numbers problems by a counter; this is the same counter, as labels.
    ctx["problem_numbers"] = {f"problem:{p.name}": Latex(str(p.number)) for p in model["problems"]}
    ctx["canvas"] = canvas
    ctx["stylesheet"] = jinja2.runtime.Markup(stylesheet())
    return ctx


def render_html(cfg, term, model: dict[str, Any], activity, *, canvas: bool = False, audit: bool = False,
                cache: Path | None = None, ledger: list | None = None, lists: dict | None = None) -> HtmlOutput:
    """The page (or, with ``canvas``, the Canvas page body; with ``ledger``, the key's numbers,
    the instructor's audit report); errors name the template line."""
    gate = HtmlGate(audit)
    ctx = html_context(cfg, term, model, activity, canvas=canvas)
    if ledger is not None:
        ctx.update(ledger=ledger, **(lists or {}))
    page = fill(gate, AUDIT_SHEET if ledger is not None else SHEET, ctx, [activity.folder, TEMPLATES, SHARED_TEMPLATES], cache)
    if not audit:
        page = _Finisher(gate)(page)
        if canvas:
            page = inline_styles(page)
    return HtmlOutput(page, gate.ledger)
