"""The provenance audit: find numerals typed into a template or into code-written prose.

The rule (also in the README). The document body is rendered in audit mode, where every value
that came through the number formatter, every SymPy-printed expression and every config string
is replaced by a placeholder. In what remains, a digit is *notation* and allowed only when it
is (1) inside a subscript or superscript (phi_0, m_{t+1}, r_i^2); (2) in the argument of
\\label, \\ref, \\eqref, \\includegraphics, \\begin, \\end, \\color, \\definecolor; (3) part of a
length (2pt, 0.5em) or of a float placement option ([htbp]); (4) in a LaTeX comment or in the
preamble before \\begin{document}. Every other digit is a typed number, and the audit reports it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .render import AUDIT_CONFIG, AUDIT_NUMBER, AUDIT_SYMPY

_BRACED = r"\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}"
_NOTATION = [
    re.compile(r"(?<!\\)%.*"),  # comments
    re.compile(r"\\(?:label|ref|eqref|includegraphics|begin|end|color|definecolor|textcolor)\s*(?:\[[^\]]*\])?\s*" + _BRACED),
    re.compile(r"[_^]\s*" + _BRACED),
    re.compile(r"[_^]\s*\\?[A-Za-z0-9]"),
    re.compile(r"-?\d*\.?\d+\s*(?:pt|em|ex|mm|cm|in|bp|sp)\b"),
    re.compile(r"\[[htbpH!]+\]"),
]


@dataclass(frozen=True)
class TypedNumber:
    line: int
    text: str
    context: str


def body_of(tex: str) -> tuple[str, int]:
    start = tex.find(r"\begin{document}")
    end = tex.rfind(r"\end{document}")
    if start < 0 or end < 0:
        return tex, 1
    return tex[start:end], tex.count("\n", 0, start) + 1


def typed_numbers(tex: str) -> list[TypedNumber]:
    """Every numeral in the audit-mode body that is neither placeholder nor notation."""
    body, first_line = body_of(tex)
    found = []
    for offset, line in enumerate(body.split("\n")):
        cleaned = line
        for placeholder in (AUDIT_NUMBER, AUDIT_SYMPY, AUDIT_CONFIG):
            cleaned = cleaned.replace(placeholder, " ")
        for pattern in _NOTATION:
            cleaned = pattern.sub(" ", cleaned)
        for match in re.finditer(r"\d+(?:\.\d+)?", cleaned):
            found.append(TypedNumber(first_line + offset, match.group(0), line.strip()))
    return found
