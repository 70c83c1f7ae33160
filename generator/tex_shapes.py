"""The shapes of printed LaTeX: which brackets must grow, how deeply they nest, and a derivative's
fraction written with a slash for a line of text. String work on what the printer made, kept
apart from the printer (``notation``) that uses it."""

from __future__ import annotations

import re

# what makes a line taller than its text; a command ends at a non-letter (\sum_ too: _ is no letter to TeX)
TALL = re.compile(r"\\(?:frac|dfrac|tfrac|sum|prod|int|iint|lim|begin|sqrt|binom|overline|underbrace"
                  r"|bigl|Bigl|biggl|Biggl)(?![A-Za-z])")


NESTED = re.compile(r"\\(?:frac|dfrac|sum|prod|int)(?![A-Za-z])")  # what makes a fraction's numerator a fraction in a fraction


BRACKET_SIZES = ("big", "Big", "bigg", "Bigg")
_BRACKET = re.compile(r"\\(?:left|bigl|Bigl|biggl|Biggl)\[|\\(?:right|bigr|Bigr|biggr|Biggr)\]")


def bracket_depth(latex: str) -> int:
    """How deeply a function's brackets nest in ``latex`` (exp[x] is one, exp[sin[x]] two)."""
    depth = deepest = 0
    for match in _BRACKET.finditer(latex):
        depth += 1 if match.group(0).endswith("[") else -1
        deepest = max(deepest, depth)
    return deepest


def plain_brackets(latex: str) -> str:
    """``\\left( ... \\right)`` and ``\\left| ... \\right|`` as plain ones unless what they hold is tall
    (a fraction, a sum): \\left makes its contents one inner atom, which TeX spaces as if an operator
    stood beside it (the gaps in "-\\,(1 - y)" and "|phi_1|\\,/4"), and around a line's height the
    brackets need not grow. A tall pair, which must grow, is made an opening and a closing
    (``\\mathopen{}``, ``\\mathclose{}``), which TeX sets close, as it does plain brackets."""
    out, opened = [], []  # opened: (where each open \left( or \left| is in ``out``, its closing)
    for piece in re.split(r"(\\left\(|\\right\)|\\left\||\\right\|)", latex):
        if piece in (r"\left(", r"\left|"):
            opened.append((len(out), r"\right)" if piece == r"\left(" else r"\right|"))
            out.append(piece)
        elif piece in (r"\right)", r"\right|") and opened and opened[-1][1] == piece:
            start, _ = opened.pop()
            inside = "".join(out[start + 1:])
            if not TALL.search(inside):
                bracket = "()" if piece == r"\right)" else "||"
                out[start:] = [bracket[0] + inside + bracket[1]]
            else:  # grown, but set close to its neighbours as a plain pair is: "(1 - sqrt b)k", not "(...) k"
                out[start] = r"\mathopen{}" + out[start]
                out.append(piece + r"\mathclose{}")
        else:
            out.append(piece)
    # a script stays on the bracket itself, not on an empty closing after it
    return re.sub(r"(\\right[)|])\\mathclose\{\}(?=\s*[\^_])", r"\1", "".join(out))


def _braced(text: str, start: int) -> int:
    """The index just past the {...} group that opens at ``start``."""
    depth = 0
    for n in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[n], 0)
        if depth == 0:
            return n + 1
    raise ValueError(text)


def slashed(text: str) -> str:
    """A derivative printed as one \\frac{d a}{d b} as d a/d b; anything else unchanged."""
    if not text.startswith(r"\frac{"):
        return text
    middle = _braced(text, len(r"\frac"))
    if middle >= len(text) or text[middle] != "{" or _braced(text, middle) != len(text):
        return text
    top, bottom = text[len(r"\frac") + 1:middle - 1], text[middle + 1:-1]
    if not re.match(r"(\\partial|d)\b ?\S", top) or not re.match(r"(\\partial|d)\b", bottom):
        return text
    return f"{top}/{bottom}"


def slashed_derivatives(text: str) -> str:
    """Every \\frac{d a}{d b} in ``text`` as d a/d b, for a line of text."""
    out, start = [], 0
    while (found := text.find(r"\frac{", start)) != -1:
        try:
            end = _braced(text, _braced(text, found + len(r"\frac")))
        except ValueError:
            break
        out.append(text[start:found] + slashed(text[found:end]))
        start = end
    return "".join(out) + text[start:]


def latex_length(latex: str) -> int:
    """How long a formula's LaTeX is, its spacing marks (``\\mathopen{}``, ``\\mathclose{}``) aside:
    a measure of how wide it prints, to choose between a line of text and a name."""
    return len(re.sub(r"\\math(?:open|close)\{\}", "", str(latex)))


def written_alike(latex: str) -> str:
    """A formula up to how it is set (spacing, sizing, a font command, a fraction stacked or with a
    slash): what two prints of one formula share, a name set for display and what it stands for
    (sig[z] and \\operatorname{sig}[z]), or a definition in a display and in a line."""
    return re.sub(r"\\(?:mathopen|mathclose|left|right|operatorname|mathrm|displaystyle|frac|[,;!])|[{}()/\s]", "",
                  str(latex))
