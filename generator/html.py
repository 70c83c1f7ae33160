"""The accessible HTML twin of the key: the same model, the same numbers, MathML for the math.

Nothing here computes or proves. ``build_html`` loads the very render model the PDF is made
from (``build.load_model``) and the same Jinja context (``build.context``), fills the HTML
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
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from . import config as config_module
from .activities import float_order, load_activity
from .build import BuildReport, context, inputs_digest, load_model, outputs_if_current, record_outputs
from .errors import RenderError
from .numbers import Latex, Ledger, SympyLatex, format_quantity, group_digits
from .paths import ROOT, Paths
from .paths import TEMPLATES as SHARED_TEMPLATES
from .render import Gate, fill
from .write import write_atomically

TEMPLATES = SHARED_TEMPLATES / "html"
SHEET = "sheet.html.j2"
MATHML_NS = "http://www.w3.org/1998/Math/MathML"

# Markers: private-use characters, which config text can never produce (the gate escapes them).
_OPEN, _CLOSE = "\ue000", "\ue001"
_MARKER = re.compile(_OPEN + r"([ns])(\d+)" + _CLOSE)
_MATH = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", re.S)

ET.register_namespace("", MATHML_NS)


# --- the look: one table of styles, used as a stylesheet and inlined for Canvas -------------

STYLES: dict[str, str] = {
    "sheet": "max-width: 60rem; margin: 0 auto; padding: 0 1rem; line-height: 1.55; color: #1a1a1a",
    "course": "margin: 0.2rem 0; color: #404040",
    "key-note": "color: #1f4e79; font-weight: bold; margin: 0.2rem 0",
    "note": "color: #4d4d4d; font-size: 0.95em",
    "problem": "margin-top: 2.2rem; border-top: 1px solid #c8c8c8; padding-top: 0.6rem",
    "solution": "color: #1f4e79; margin-top: 1.2rem",
    "part": "font-size: 1.05em; margin-top: 1.2rem",
    "derivation": ("margin: 0.6rem 0 1rem 0; border-left: 3px solid #d0dbe6; padding: 0.2rem 0 0.2rem 0.6rem; "
                   "overflow-x: auto; overflow-y: hidden; display: grid; "
                   "grid-template-columns: max-content max-content minmax(9rem, 1fr); "
                   "column-gap: 0.4rem; row-gap: 0.45rem; align-items: baseline"),
    "lhs": "text-align: right",
    "rhs": "text-align: left",
    "why": "margin: 0; color: #4d4d4d; font-size: 0.92em; text-align: right",
    "display": "overflow-x: auto; overflow-y: hidden; padding: 0.15rem 0; margin: 0.5rem 0",
    "scroll": "overflow-x: auto",
    "data": "border-collapse: collapse; margin: 0.5rem 0; font-variant-numeric: tabular-nums",
    "cell": "border-bottom: 1px solid #d9d9d9; padding: 0.2rem 0.7rem; text-align: right",
    "head": "border-bottom: 2px solid #808080; padding: 0.2rem 0.7rem; text-align: right",
    "figure": "margin: 1rem 0",
    "image": "max-width: 100%; height: auto; display: block",
    "caption": "font-size: 0.95em; color: #333333; margin-top: 0.3rem",
    "erratum": "margin: 0.4rem 0 1rem 0",
    "verdict": "margin: 0.25rem 0",
}
PAGE_CSS = """
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font-family: "Latin Modern Roman", "Times New Roman", serif; font-size: 1.05rem; }
math { font-family: "Latin Modern Math", "STIX Two Math", "Cambria Math", math; font-size: 1.08em; }
math[display="block"] { margin: 0.1rem 0; }
.sheet p, .sheet li, .sheet figcaption { max-width: 48rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 1.2rem 0 0.4rem 0; }
h2 { font-size: 1.3rem; }
h3 { font-size: 1.12rem; }
a { color: #0b5394; }
caption { caption-side: top; text-align: left; font-size: 0.95em; padding-bottom: 0.3rem; }
[tabindex="0"]:focus { outline: 2px solid #0b5394; outline-offset: 2px; }
@media (max-width: 40rem) { .derivation { grid-template-columns: max-content; row-gap: 0.2rem; }
  .derivation .lhs { text-align: left; } .derivation .rhs { padding-left: 1rem; }
  .derivation .why { text-align: left; padding-left: 2rem; margin-bottom: 0.3rem; } }
"""


def stylesheet() -> str:
    rules = [f".{name} {{ {css}; }}" for name, css in STYLES.items()]
    return "\n".join(rules) + "\n" + PAGE_CSS.strip()  # the page's rules last: its media query wins


def inline_styles(body: str) -> str:
    """Canvas keeps ``style`` attributes but drops stylesheets: copy each class's style inline."""
    def styled(match: re.Match) -> str:
        names = match.group(1).split()
        css = "; ".join(STYLES[n] for n in names if n in STYLES)
        return f'class="{match.group(1)}" style="{css};"' if css else match.group(0)
    return re.sub(r'class="([^"]*)"', styled, body)


# --- LaTeX (as printed for the PDF) to MathML ----------------------------------------------

_NORMALISE = (
    (re.compile(r"\\mathopen\{\}|\\mathclose\{\}|\\allowbreak\b"), ""),  # spacing hints only
    (re.compile(r"\\mathrm\{([A-Za-z]{2,})\}"), r"\\operatorname{\1}"),  # a word, read as one name
)

_GREEK_SMALL, _GREEK_CAPITAL = 0x3B1, 0x391
_VARIANTS = {"\u2202": 0, "\u03f5": 1, "\u03d1": 2, "\u03f0": 3, "\u03d5": 4, "\u03f1": 5, "\u03d6": 6}
_ALPHABETS = {  # Unicode's mathematical alphanumerics: (Latin A, Latin a, Greek Alpha, alpha, partial)
    "bold": (0x1D400, 0x1D41A, 0x1D6A8, 0x1D6C2, 0x1D6DB),
    "bold-italic": (0x1D468, 0x1D482, 0x1D71C, 0x1D736, 0x1D74F),
}


def _styled_char(char: str, variant: str) -> str:
    """A letter in the bold or bold-italic alphabet: Chromium ignores ``mathvariant`` but not these."""
    latin_upper, latin_lower, greek_upper, greek_lower, partial = _ALPHABETS[variant]
    code = ord(char)
    if "A" <= char <= "Z":
        return chr(latin_upper + code - ord("A"))
    if "a" <= char <= "z":
        return chr(latin_lower + code - ord("a"))
    if _GREEK_CAPITAL <= code <= 0x3A9:
        return chr(greek_upper + code - _GREEK_CAPITAL)
    if _GREEK_SMALL <= code <= 0x3C9:
        return chr(greek_lower + code - _GREEK_SMALL)
    if char in _VARIANTS:
        return chr(partial + _VARIANTS[char])
    return char


_LARGE_OPERATORS = {"\u2211", "\u220f", "\u2210", "\u22c3", "\u22c2"}


def _tidy(element: ET.Element, parent: ET.Element | None = None) -> None:
    """Make latex2mathml's tree read and render well in MathML Core (Chromium) and screen readers."""
    tag = element.tag.split("}")[-1]
    text = (element.text or "").strip()
    variant = element.get("mathvariant")
    if variant in _ALPHABETS:
        element.text = "".join(_styled_char(c, variant) for c in element.text or "")
        del element.attrib["mathvariant"]
    if tag == "mo" and re.fullmatch(r"[A-Za-z]{2,}", text):  # \operatorname{sig}: a name, not an operator
        element.tag = f"{{{MATHML_NS}}}mi"
        element.attrib.clear()
    if tag == "mi" and text in (":", ",", ";"):
        element.tag = f"{{{MATHML_NS}}}mo"
    if tag in ("msub", "msubsup") and (element[0].text or "").strip() in _LARGE_OPERATORS:
        # limits of a sum as under- and overscripts: the browser sets them beside the sign in inline
        # math (movablelimits) and under and over it in display math, as LaTeX does; latex2mathml
        # makes a sum inside a group into sub- and superscripts, which stay beside it everywhere
        element.tag = f"{{{MATHML_NS}}}{'munder' if tag == 'msub' else 'munderover'}"
    if tag == "msub" and len(element) == 2 and (element[0].text or "").strip() == "lim":
        element.tag = f"{{{MATHML_NS}}}munder"  # limits under lim, as in the PDF's display
        element[0].tag = f"{{{MATHML_NS}}}mi"
    for child in list(element):
        child_tag = child.tag.split("}")[-1]
        if child_tag == "mo" and not (child.text or "").strip() and len(child) <= 1 and \
                all(c.tag.split("}")[-1] == "mrow" and len(c) == 0 for c in child):
            element.remove(child)  # \left. and empty operators draw nothing
            continue
        _tidy(child, element)


def latex_to_mathml(latex: str, *, display: bool = False, numbers: dict[str, ET.Element] | None = None) -> str:
    """MathML for one formula. ``numbers`` maps placeholder text in ``\\text{}`` to MathML to put there."""
    from latex2mathml.converter import convert  # imported here: keeps `import generator.html` light

    source = latex
    for pattern, replacement in _NORMALISE:
        source = pattern.sub(replacement, source)
    try:
        converted = convert(source, display="block" if display else "inline")
        root = ET.fromstring(converted)
    except Exception as exc:  # latex2mathml raises its own exception types, and ValueError
        raise RenderError(f"could not convert the formula to MathML: {latex}",
                          hint=f"latex2mathml said: {exc}") from None
    _tidy(root)
    if numbers:
        _splice_numbers(root, numbers)
    for element in root.iter():
        for value in (element.text, element.tail):
            if value and ("\\" in value or _OPEN in value):
                raise RenderError(f"the formula {latex} left LaTeX in its MathML: {value.strip()}",
                                  hint="add the command to generator/html.py's normalisation")
    root.set("display", "block" if display else "inline")
    return ET.tostring(root, encoding="unicode", short_empty_elements=True)


def _splice_numbers(root: ET.Element, numbers: dict[str, ET.Element]) -> None:
    for parent in root.iter():
        for index, child in enumerate(list(parent)):
            if child.tag.split("}")[-1] == "mtext" and (child.text or "") in numbers:
                replacement = numbers[child.text]
                replacement.tail = child.tail
                parent.remove(child)
                parent.insert(index, replacement)


# --- numbers: the siunitx form of format_quantity, in HTML and in MathML --------------------

_MINUS, _NARROW_SPACE = "\u2212", "\u202f"


@dataclass(frozen=True)
class NumberForms:
    html: str  # for prose and tables
    mathml: ET.Element  # for formulas
    text: str  # format_quantity's plain text, as recorded in the ledger


def _mml(tag: str, text: str | None = None, *children: ET.Element) -> ET.Element:
    element = ET.Element(f"{{{MATHML_NS}}}{tag}")
    element.text = text
    element.extend(children)
    return element


def number_forms(value: int | float, **options: Any) -> NumberForms:
    """Both printed forms of one number, from the siunitx LaTeX that the PDF prints."""
    formatted = format_quantity(value, **options)
    match = re.fullmatch(r"\\num\{(-?[\d.]*)(?:e(-?\d+))?\}", formatted.latex)
    if not match:
        raise RenderError(f"unexpected number format {formatted.latex!r}")
    mantissa, exponent = match.group(1), match.group(2)
    negative = mantissa.startswith("-")
    mantissa = group_digits(mantissa.lstrip("-"), _NARROW_SPACE)
    sign_html = _MINUS if negative else ""
    if exponent is None:
        core_html = mantissa
        core = _mml("mn", mantissa)
    else:
        power_html = f"10<sup>{exponent.replace('-', _MINUS)}</sup>"
        power = _mml("msup", None, _mml("mn", "10"), _exponent(exponent))
        core_html = power_html if not mantissa else f"{mantissa}{_NARROW_SPACE}\u00d7{_NARROW_SPACE}{power_html}"
        core = power if not mantissa else _mml("mrow", None, _mml("mn", mantissa), _mml("mo", "\u00d7"), power)
    element = _mml("mrow", None, _mml("mo", _MINUS), core) if negative else core
    return NumberForms(sign_html + core_html, element, formatted.text)


def _exponent(exponent: str) -> ET.Element:
    if exponent.startswith("-"):
        return _mml("mrow", None, _mml("mo", _MINUS), _mml("mn", exponent[1:]))
    return _mml("mn", exponent)


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
        out.append(html.escape(part, quote=False).replace("~", "\u00a0").replace("--", "\u2013"))
    return "".join(out)


class HtmlGate(Gate):
    """The shared gate of ``render.Gate`` with HTML escaping, and math kept aside for MathML.

    Numbers and formulas are replaced by markers while the template renders; the finisher
    then turns the markers into MathML and the formatter's HTML forms.
    """

    format_name = "HTML"
    line_comment_prefix = None

    def __init__(self, audit: bool = False):
        super().__init__(audit)
        self.numbers: list[NumberForms] = []
        self.formulas: list[str] = []

    def escape(self, text: str) -> str:
        return escape_text(text)

    def trusted(self, text: str) -> str:
        return jinja2.runtime.Markup(text)

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

    def filters(self) -> dict[str, Any]:
        return {"tabular": tabular}


# --- the prose's LaTeX subset, in HTML -------------------------------------------------------

_RULE = re.compile(r"\\(toprule|midrule|bottomrule)\b")
_CELL = re.compile(r"\s&\s")
_EMPH = re.compile(r"\\emph\{([^{}\\]*)\}")


def tabular(rows: str, header: bool = False) -> jinja2.runtime.Markup:
    """A table body written as LaTeX's tabular rows (see templates/prose.j2), as HTML rows.

    With ``header`` the rows before the first \\midrule are the column headers; otherwise each
    row's first cell names its row. \\midrule starts a new group of rows.
    """
    groups: list[list[list[str]]] = [[]]
    for piece in _RULE.split(rows):
        if piece in ("toprule", "bottomrule"):
            continue
        if piece == "midrule":
            groups.append([])
            continue
        for row in piece.split("\\\\"):
            if row.strip():
                groups[-1].append([cell.strip() for cell in _CELL.split(" " + row.strip() + " ")])
    groups = [g for g in groups if g]
    out = []
    if header and groups:
        head = groups.pop(0)
        out.append("  <thead>" + "".join("<tr>" + "".join(f'<th scope="col" class="head">{c}</th>' for c in r)
                                          + "</tr>" for r in head) + "</thead>")
    for group in groups:
        lines = []
        for r in group:
            first = f'<th scope="row" class="head">{r[0]}</th>' if not header else f'<td class="cell">{r[0]}</td>'
            lines.append("    <tr>" + first + "".join(f'<td class="cell">{c}</td>' for c in r[1:]) + "</tr>")
        out.append("  <tbody>\n" + "\n".join(lines) + "\n  </tbody>")
    return jinja2.runtime.Markup("\n".join(out))


def prose_text(text: str) -> str:
    """Text outside math: \\emph, ~, --- and -- as HTML (the rest of LaTeX is refused by _check)."""
    text = _EMPH.sub(r"<em>\1</em>", text)
    return text.replace("---", "\u2014").replace("--", "\u2013").replace("~", "\u00a0")


# --- after rendering: math to MathML, markers to numbers ------------------------------------

def _top_level_split(latex: str, separator: str) -> list[str]:
    """Split at ``separator`` where it stands outside every {group}."""
    pieces, depth, start, i = [], 0, 0, 0
    while i < len(latex):
        if latex[i] == "\\" and latex.startswith(separator, i) and depth == 0:
            pieces.append(latex[start:i])
            i += len(separator)
            start = i
            continue
        if latex[i] == "\\":
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(latex[i], 0)
        i += 1
    pieces.append(latex[start:])
    trimmed = (re.sub(r"(?:\\[ ,;:!]|\s)+$", "", piece).strip() for piece in pieces)  # spacing at a break goes
    return [piece for piece in trimmed if piece]


class _Finisher:
    def __init__(self, gate: HtmlGate):
        self.gate = gate

    def __call__(self, page: str) -> str:
        out, last = [], 0
        for match in _MATH.finditer(page):
            out.append(self._prose(page[last:match.start()]))
            inline, block = match.group(1), match.group(2)
            out.append(self._math(inline if block is None else block, display=block is not None))
            last = match.end()
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


def figure_directory_name(activity_id: str) -> str:
    return f"{activity_id}-key-figures"


def html_context(cfg, term, model: dict[str, Any], activity, *, canvas: bool) -> dict[str, Any]:
    """``build.context`` plus what only the HTML needs: figure addresses, problem numbers."""
    ctx = context(cfg, term, model, "key")
    folder = figure_directory_name(term.id)
    ctx["figures"] = {name: {"src": f"{folder}/{Path(f['svg']).name}", "alt": f["alt"], "name": name,
                             "facts": f["facts"]} for name, f in model["figures"].items()}
    # LaTeX numbers problems and floats by counters; these are the same counters, as labels.
    ctx["problem_numbers"] = {f"problem:{p.name}": Latex(str(p.number)) for p in model["problems"]}
    order = float_order(activity)  # from the prose, which the cached model does not depend on
    ctx["figure_numbers"], ctx["table_numbers"] = (
        {name: Latex(str(n)) for n, name in enumerate(order[kind], start=1)}
        for kind in ("figure", "table"))
    ctx["canvas"] = canvas
    ctx["stylesheet"] = jinja2.runtime.Markup(stylesheet())
    return ctx


def render_html(cfg, term, model: dict[str, Any], activity, *, canvas: bool = False, audit: bool = False,
                cache: Path | None = None) -> HtmlOutput:
    """The page (or, with ``canvas``, the Canvas page body); errors name the template line."""
    gate = HtmlGate(audit)
    page = fill(gate, SHEET, html_context(cfg, term, model, activity, canvas=canvas),
                [activity.folder, TEMPLATES], cache)
    if not audit:
        page = _Finisher(gate)(page)
        if canvas:
            page = inline_styles(page)
    return HtmlOutput(page, gate.ledger)


def canvas_body_path(paths: Paths) -> Path:
    return paths.document("key", ".canvas.html")


def build_html(semester: str | None = None, activity_id: str | None = None, *, root: Path = ROOT,
               log: Callable[[str], None] = lambda m: print(m, file=sys.stderr)) -> list[Path]:
    """Write ``output/<semester>/<activity>-key.html``, its figures and the Canvas page body, for
    every activity of the term (or the one named); return the pages.

    Everything is rendered and checked in memory first; only then is each file replaced
    atomically (unchanged files are not touched), so a failure leaves earlier outputs as they were.
    """
    semester = semester or config_module.newest_semester(root)
    cfg = config_module.load(config_module.config_path(root, semester), root)
    return [_build_page(cfg, term, root, log) for term in cfg.select(activity_id)]


def _build_page(cfg, term, root: Path, log: Callable[[str], None]) -> Path:
    activity = load_activity(root, term.id)
    paths = Paths(root, cfg.semester, term.id)
    # Nothing changed since the last page of these inputs: nothing to do (no model, no Jinja).
    stamp = paths.cache / "inputs-html.json"
    digest = inputs_digest(cfg.path.read_bytes(), activity, SHARED_TEMPLATES, ("html",), "", root / ".cache")
    if outputs_if_current(stamp, digest, root) is not None:
        return paths.document("key", ".html")
    model = load_model(activity, term, paths, BuildReport(cfg.semester), log, formats=("svg",))
    page = render_html(cfg, term, model, activity, cache=paths.jinja_cache).html
    body = render_html(cfg, term, model, activity, canvas=True, cache=paths.jinja_cache).html
    staged: dict[Path, bytes] = {}
    figures = paths.output / figure_directory_name(term.id)
    for figure in model["figures"].values():
        svg = Path(figure["svg"])
        if not svg.is_file():
            raise RenderError(f"figure file {svg} is missing", hint="run 'make clean' then build again")
        staged[figures / svg.name] = svg.read_bytes()
    staged[paths.document("key", ".html")] = page.encode()
    staged[canvas_body_path(paths)] = body.encode()
    for path, data in staged.items():
        write_atomically(path, data)
    for stale in figures.glob("*"):
        if stale not in staged:
            stale.unlink()
    record_outputs(stamp, digest, root, list(staged))
    log(f"{cfg.semester}: wrote {paths.document('key', '.html').relative_to(root)} "
        f"and {len(model['figures'])} figure(s)")
    return paths.document("key", ".html")
