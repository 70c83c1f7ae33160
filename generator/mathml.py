"""LaTeX as printed for the PDF, in MathML for the HTML twin; numbers in both of their HTML forms.

The HTML twin shows the very formulas the checker proved: the LaTeX SymPy printed for the PDF,
converted by latex2mathml and tidied (the book's bracketed function names, Unicode's
mathematical letters, large operators), with numbers spliced in as the formatter wrote them.
"""

from __future__ import annotations

import copy
import functools
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from .errors import RenderError
from .numbers import format_quantity, group_digits

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
ET.register_namespace("", MATHML_NS)
# Markers: private-use characters, which config text can never produce (the HTML gate escapes them).
MARKER_OPEN, MARKER_CLOSE = "\ue000", "\ue001"


# --- LaTeX (as printed for the PDF) to MathML ----------------------------------------------

_NORMALISE = (
    (re.compile(r"\\mathopen\{\}|\\mathclose\{\}|\\allowbreak\b"), ""),  # spacing hints only
    (re.compile(r"\\mathrm\{([A-Za-z]{2,})\}"), r"\\operatorname{\1}"),  # a word, read as one name
    # latex2mathml reads split and array but not aligned or gathered (nor their vertical placement)
    (re.compile(r"\\(begin|end)\{aligned\}(?:\[[tcb]\])?"), r"\\\1{split}"),
    (re.compile(r"\\begin\{gathered\}(?:\[[tcb]\])?"), r"\\begin{array}{c}"),
    (re.compile(r"\\end\{gathered\}"), r"\\end{array}"),
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
    if tag == "mtable" and element.get("columnspacing") == "0em":
        # an aligned row's two halves meet at the relation, as TeX sets them: MathML Core reads no
        # columnspacing, and pads every cell; the style is one Canvas keeps
        for cell in (c for row in element for c in row if c.tag.split("}")[-1] == "mtd"):
            cell.set("style", "; ".join(filter(None, (cell.get("style"), "padding-left: 0; padding-right: 0"))))
    if tag == "msub" and len(element) == 2 and (element[0].text or "").strip() == "lim":
        element.tag = f"{{{MATHML_NS}}}munder"  # an munder, which _space_as_tex sets as lim (its limits movable)
    for child in list(element):
        child_tag = child.tag.split("}")[-1]
        if child_tag == "mo" and not (child.text or "").strip() and len(child) <= 1 and \
                all(c.tag.split("}")[-1] == "mrow" and len(c) == 0 for c in child):
            element.remove(child)  # \left. and empty operators draw nothing
            continue
        _tidy(child, element)


def _space_names(element: ET.Element) -> None:
    """A function's name (sin, log, sig) after a letter or a number, with TeX's thin space before it:
    MathML Core sets two identifiers side by side with none, so "x sin" would read "xsin"."""
    children = list(element) if element.tag.split("}")[-1] in _ROWS else []  # never between a fraction's parts
    for index in range(len(children) - 1, 0, -1):
        child, before = children[index], children[index - 1]
        if (_leading_name(child)
                and (before.tag.split("}")[-1] not in ("mo", "mspace") or (before.text or "").strip() in (")", "]"))):
            element.insert(index, ET.Element(f"{{{MATHML_NS}}}mspace", width="0.1667em"))
    children = list(element) if element.tag.split("}")[-1] in _ROWS else []
    for index in range(len(children) - 2, -1, -1):  # and after an operator's name, before what it applies to
        child, after = children[index], children[index + 1]
        if (child.tag.split("}")[-1] == "mi" and (child.text or "").strip() in _OPERATOR_NAMES
                and _first_leaf(after).tag.split("}")[-1] not in ("mo", "mspace")):  # log[x], log(x): none
            element.insert(index + 1, ET.Element(f"{{{MATHML_NS}}}mspace", width="0.1667em"))
    for child in element:
        _space_names(child)


_OPERATOR_NAMES = {"log", "ln", "exp", "sin", "cos", "tan", "max", "min"}  # TeX's \log x: a thin space before x


def _first_leaf(element: ET.Element) -> ET.Element:
    """The element a row or a script begins with, as far down as it goes."""
    while len(element) and element.tag.split("}")[-1] in (*_ROWS, "msub", "msup", "msubsup"):
        element = element[0]
    return element


# The elements whose children are a row, one after another; in any other (mfrac, msub, munderover,
# mroot ...) each child has its place, and a space between two of them would break the element.
_ROWS = {"math", "mrow", "mstyle", "mpadded", "mphantom", "msqrt", "mtd", "menclose", "merror"}


def _leading_name(element: ET.Element) -> bool:
    """Does ``element`` begin with a function's name (sig, or sig' as a script's base)?"""
    tag = element.tag.split("}")[-1]
    if tag == "mi":
        return re.fullmatch(r"[A-Za-z]{2,}", (element.text or "").strip()) is not None
    return tag in ("mrow", "msub", "msup", "msubsup") and len(element) > 0 and _leading_name(element[0])


_TALL_TAGS = {"mfrac", "munder", "munderover", "mover", "mtable", "mroot"}  # a square root is a line's height
_CLOSERS = {")", "]", "}", "|", "\u2016", "\u232a", "\u27e9"}


def _space_as_tex(element: ET.Element) -> None:
    """TeX's spacing where MathML Core's differs: a minus after an operator or an opening bracket
    is a sign (no space around it), brackets and a slash take no space of their own, two fractions side by
    side keep a thin space between them (d/dz 1/(1+x)), and a table cell keeps its alignment
    (Chromium ignores ``columnalign``)."""
    children = list(element)
    for index, child in enumerate(children):
        tag = child.tag.split("}")[-1]
        text = (child.text or "").strip()
        before = children[index - 1] if index else None
        before_tag = before.tag.split("}")[-1] if before is not None else None
        if tag == "mi" and len(text) == 1 and "\u0391" <= text <= "\u03a9":  # a Greek capital is upright, as in TeX
            child.set("mathvariant", "normal")
        if tag == "mi" and text == "\u00b1":  # latex2mathml's \pm is a letter: make it the sign it is
            child.tag = f"{{{MATHML_NS}}}mo"
            tag = "mo"
        if tag == "munder" and len(child) == 2 and (child[0].text or "").strip() == "lim":
            child[0].tag = f"{{{MATHML_NS}}}mo"  # its limits under it in a display, beside it in a line
            # spaced as TeX spaces an operator's name: a thin space after it, none where it opens the formula
            child[0].attrib.update({"movablelimits": "true", "form": "prefix", "rspace": "0.1667em",
                                    "lspace": "0" if before is None else "0.1667em"})
        if tag == "mo" and text == "\u2202":  # the partial sign is a letter of the name it starts
            child.tag = f"{{{MATHML_NS}}}mi"
            tag = "mi"
        if tag == "mo" and text == "\u221e":  # infinity is a quantity, not an operator: -infinity stays together
            child.tag = f"{{{MATHML_NS}}}mi"
            tag = "mi"
        if tag == "mo" and text in ("\u2212", "-", "+", "\u00b1") and (
                before is None or before_tag in ("munder", "munderover")  # after a sum's sign
                or (before_tag == "mo" and before.get("form") != "postfix"
                    and (before.text or "").strip() not in _CLOSERS)):
            child.set("form", "prefix")
            child.set("lspace", "0")
            child.set("rspace", "0")
        if tag == "mo" and text == "," and before_tag == "mo" and (before.text or "").strip() in ("\u2026", "\u22ef"):
            before.set("lspace", "0")  # s = 2023, ..., 2030: the dots spaced by the commas alone, as TeX sets them
            before.set("rspace", "0")
        if tag == "mo" and text in _CLOSERS and before is not None and _italic_letter(before):
            before.set("style", "padding-right: 0.06em")  # TeX's italic correction: f] not f touching ]
        if tag == "mo" and (child.get("fence") == "true" or text in ("/", "[", "]", "(", ")", "{", "}", "|", ".")):
            child.set("lspace", "0")
            child.set("rspace", "0")
            if child.get("stretchy") == "true" and not any(e.tag.split("}")[-1] in _TALL_TAGS for e in element.iter()):
                child.set("stretchy", "false")  # around a line's height a stretched glyph only adds its own gaps
        if tag == "mtd" and child.get("columnalign") in ("left", "right", "center") and \
                "text-align" not in child.get("style", ""):
            child.set("style", "; ".join(filter(None, (f"text-align: {child.get('columnalign')}", child.get("style")))))
    for index, child in enumerate(children):  # t' as t followed by a prime, not a tiny raised tick
        if child.tag.split("}")[-1] == "msubsup" and len(child) == 3 and (child[2].text or "").strip() == "\u2032":
            # f'_i as TeX sets it, the prime over the index: the prime at the letter's own size (its
            # glyph is a raised one already) and lowered by about what the superscript raised it
            # and clear of the italic letter's top, which leans over towards it (f')
            lowered = ET.Element(f"{{{MATHML_NS}}}mpadded", voffset="-0.3em", lspace="0.08em", width="+0.08em")
            prime = ET.SubElement(lowered, f"{{{MATHML_NS}}}mo", lspace="0", rspace="0", scriptlevel="0")
            prime.text = "\u2032"
            lowered.tail = child[2].tail
            child.remove(child[2])
            child.append(lowered)
            continue
        if child.tag.split("}")[-1] == "msup" and len(child) == 2 and (child[1].text or "").strip() == "\u2032":
            base = child[0]
            replacement = ET.Element(f"{{{MATHML_NS}}}mrow")  # the letter stays italic, the prime beside it
            prime = ET.Element(f"{{{MATHML_NS}}}mo", lspace="0", rspace="0")
            prime.text = "\u2032"
            replacement.extend([base, prime])
            replacement.tail = child.tail
            element.remove(child)
            element.insert(index, replacement)
    children = list(element) if element.tag.split("}")[-1] in _ROWS else []
    for index in range(len(children) - 1, 0, -1):
        if all(c.tag.split("}")[-1] == "mfrac" for c in children[index - 1:index + 1]):
            element.insert(index, ET.Element(f"{{{MATHML_NS}}}mspace", width="0.1667em"))
    for child in element:
        _space_as_tex(child)


def _italic_letter(element: ET.Element) -> bool:
    """A single letter set in italic, whose slant TeX corrects for before a bracket or a superscript."""
    text = (element.text or "").strip()
    return element.tag.split("}")[-1] == "mi" and len(text) == 1 and text.isalpha() and element.get("mathvariant") is None


def _scripts_as_tex(root: ET.Element) -> None:
    """Scripts placed as TeX places them on a letter. MathML Core lowers an index below the base's
    descender (TeX does not, for a letter): phi_0 and mu_t would drop their index far below the line;
    a letter's descender is not counted (``mpadded depth="0"``). A star in a superscript is TeX's
    asterisk operator, on the math axis, not the raised text asterisk that floats above x^*."""
    for element in root.iter():
        tag = element.tag.split("}")[-1]
        if tag in ("msub", "msubsup") and len(element) >= 2:
            base = element[0]
            letter = base
            while letter.tag.split("}")[-1] == "mrow" and len(letter) == 1:  # {\phi}_t, {{\boldsymbol\phi}}_t
                letter = letter[0]
            if letter.tag.split("}")[-1] == "mi" and len((letter.text or "").strip()) == 1:
                lifted = ET.Element(f"{{{MATHML_NS}}}mpadded", depth="0")
                element.remove(base)
                lifted.append(base)
                lifted.tail, base.tail = base.tail, None
                element.insert(0, lifted)
        if tag == "msup" and len(element) == 2 and _italic_letter(element[0]):
            element[0].set("style", "padding-right: 0.05em")  # TeX's italic correction before a superscript: N^2
        if tag in ("msub", "msubsup", "munder", "munderover") and len(element) >= 2 \
                and (element[0].text or "").strip() == "\u222b" \
                and len(element[1]) and (element[1][0].text or "").strip() in ("\u2212", "-"):
            # an integral's signed lower limit is wider than the sign's slant leaves room for: the
            # integrand starts under its end, as in TeX, not a full limit's width after the sign
            element.set("style", "margin-right: -0.25em")
        if tag in ("msub", "msup", "msubsup", "munder", "mover", "munderover"):
            for script in list(element)[1:]:  # TeX sets a script's operators without space: t+1, i=1
                for operator in script.iter(f"{{{MATHML_NS}}}mo"):
                    operator.attrib.setdefault("lspace", "0")
                    operator.attrib.setdefault("rspace", "0")
        if tag in ("msup", "msubsup"):
            script = element[-1]
            script = script[0] if script.tag.split("}")[-1] == "mrow" and len(script) == 1 else script  # x^{*}
            if script.tag.split("}")[-1] == "mo" and (script.text or "").strip() == "*":
                script.text = "\u2217"


def latex_to_mathml(latex: str, *, display: bool = False, numbers: dict[str, ET.Element] | None = None) -> str:
    """MathML for one formula. ``numbers`` maps placeholder text in ``\\text{}`` to MathML to put there."""
    source = latex
    for pattern, replacement in _NORMALISE:
        source = pattern.sub(replacement, source)
    try:
        root = ET.fromstring(_converted(source, display))
    except Exception as exc:  # latex2mathml raises its own exception types, and ValueError
        raise RenderError(f"could not convert the formula to MathML: {latex}",
                          hint=f"latex2mathml said: {exc}") from None
    _tidy(root)
    _space_names(root)
    _space_as_tex(root)
    _scripts_as_tex(root)
    _no_space_after_the_end(root)
    if numbers:
        _splice_numbers(root, numbers)
    for element in root.iter():
        for value in (element.text, element.tail):
            if value and ("\\" in value or MARKER_OPEN in value):
                raise RenderError(f"the formula {latex} left LaTeX in its MathML: {value.strip()}",
                                  hint="add the command to generator/mathml.py's normalisation")
    root.set("display", "block" if display else "inline")
    return ET.tostring(root, encoding="unicode", short_empty_elements=True)


def _no_space_after_the_end(root: ET.Element) -> None:
    """A formula that ends in punctuation (a quoted line's comma) adds no space after it: TeX sets
    none at the end of a formula, and a closing quote or the next word follows it directly."""
    last = root
    while len(last) and last[-1].tag.split("}")[-1] in (*_ROWS, "mo"):
        last = last[-1]
    if last.tag.split("}")[-1] == "mo" and (last.text or "").strip() in (",", ".", ";", ":"):
        last.set("rspace", "0")


@functools.lru_cache(maxsize=4096)
def _converted(source: str, display: bool) -> str:
    """latex2mathml's MathML: the key, its audit and the twin of another term repeat formulas."""
    from latex2mathml.converter import convert  # imported here: keeps `import generator.html` light

    return convert(source, display="block" if display else "inline")


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
    if exponent is None:
        core = _mml("mn", mantissa)
    else:
        power = _mml("msup", None, _mml("mn", "10"), _exponent(exponent))
        core = power if not mantissa else _mml("mrow", None, _mml("mn", mantissa), _mml("mo", "\u00d7"), power)
    element = _mml("mrow", None, _mml("mo", _MINUS), core) if negative else core
    if exponent is None:
        return NumberForms((_MINUS if negative else "") + mantissa, element, formatted.text)
    # A power of ten is math in text and tables too: a screen reader says "10 to the power",
    # where a <sup> reads as "10 minus 10"; and its digits are the formulas'.
    math = _mml("math", None, copy.deepcopy(element))
    math.set("display", "inline")
    return NumberForms(ET.tostring(math, encoding="unicode", short_empty_elements=True), element, formatted.text)


def _exponent(exponent: str) -> ET.Element:
    if exponent.startswith("-"):
        return _mml("mrow", None, _mml("mo", _MINUS), _mml("mn", exponent[1:]))
    return _mml("mn", exponent)


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
