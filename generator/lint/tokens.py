"""LaTeX math as tokens, each with its offset in the file, so every finding can name its line.

Why a tokenizer of our own: the parser needs to know *where* a fragment came from (to print
the file's line and the fragment it could not read), and it needs the spacing and sizing
commands (``\\left``, ``\\,``, ``\\big``) gone before it looks at the structure. Labels, tags
and ``\\nonumber`` are dropped here too: they carry no mathematics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Commands that only size or space things: dropped (``\left(`` reads as ``(``).
SILENT = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr",
          "Biggl", "Biggr", "displaystyle", "textstyle", "limits", "nolimits", ",", ";", "!", ":", " ",
          "nonumber", "notag", "mathopen", "mathclose", "middle", "relax", "allowbreak", "quad", "qquad",
          "enspace", "thinspace", "medspace", "thickspace", "hfill"}
# Commands whose one braced argument is dropped with them.
SILENT_WITH_ARGUMENT = {"label", "tag", "tag*", "hspace", "vspace", "phantom", "hphantom", "vphantom"}
# Letter runs that name a function when written without a backslash (``sig[z]``).
FUNCTION_WORDS = {"sig", "exp", "log", "ln", "sin", "cos", "tan", "tanh", "sinh", "cosh", "Pr", "softmax",
                  "ReLU", "relu", "sigmoid"}


@dataclass(frozen=True)
class Token:
    """``kind`` is one of: cmd (``text`` without the backslash), num, letter, word, sym, row (``\\\\``)."""

    kind: str
    text: str
    pos: int  # offset in the file
    end: int

    def is_sym(self, *chars: str) -> bool:
        return self.kind == "sym" and self.text in chars

    def is_cmd(self, *names: str) -> bool:
        return self.kind == "cmd" and self.text in names


class TokenError(ValueError):
    def __init__(self, message: str, pos: int):
        super().__init__(message)
        self.pos = pos


# Unicode that keys paste in, read as the command it stands for
UNICODE = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "η": "eta", "θ": "theta",
           "λ": "lambda", "μ": "mu", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "φ": "phi", "ϕ": "phi",
           "ω": "omega", "Ω": "Omega", "ℓ": "ell", "∂": "partial", "∑": "sum", "·": "cdot", "×": "times",
           "∇": "nabla", "∞": "infty", "≈": "approx", "←": "leftarrow", "≤": "le", "≥": "ge", "≠": "ne",
           "∈": "in", "⋅": "cdot"}
UNICODE_SYMBOLS = {"−": "-", "′": "'", "–": "-"}


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Tokens of ``text``; ``offset`` is where ``text`` starts in the file."""
    out: list[Token] = []
    n, k = len(text), 0
    while k < n:
        c = text[k]
        start = k
        if c.isspace() or c == "~":
            k += 1
            continue
        if c == "%":  # a LaTeX comment runs to the end of the line
            while k < n and text[k] != "\n":
                k += 1
            continue
        if c == "\\":
            if k + 1 < n and text[k + 1] == "\\":
                out.append(Token("row", "\\\\", offset + k, offset + k + 2))
                k += 2
                if k < n and text[k] == "[":  # \\[2pt]: a spacing option, not a bracket
                    close = text.find("]", k)
                    if close != -1 and close - k < 12:
                        k = close + 1
                continue
            k += 1
            if k < n and text[k].isalpha():
                while k < n and text[k].isalpha():
                    k += 1
                if k < n and text[k] == "*" and text[start + 1:k] in ("tag", "operatorname"):
                    k += 1
            else:
                k += 1
            name = text[start + 1:k]
            if name in SILENT:
                if name in ("left", "right", "middle") and k < n:
                    while k < n and text[k].isspace():
                        k += 1
                    if k < n and text[k] == ".":  # \left. is an invisible delimiter
                        k += 1
                continue
            if name in SILENT_WITH_ARGUMENT:
                k = _skip_group(text, k)
                continue
            out.append(Token("cmd", name, offset + start, offset + k))
            continue
        if c.isdigit() or (c == "." and k + 1 < n and text[k + 1].isdigit()):
            while k < n and (text[k].isdigit() or (text[k] == "." and k + 1 < n and text[k + 1].isdigit())):
                k += 1
            digits = text[start:k]
            while True:  # 4\,000\,000 and 4{,}000{,}000: one number, its digits grouped
                group = re.match(r"(?:\\[,;: ]|\{,\}|~)(\d{3})(?!\d)", text[k:])
                if not group or "." in digits:
                    break
                digits += group.group(1)
                k += group.end()
            out.append(Token("num", digits, offset + start, offset + k))
            continue
        if c in UNICODE:
            out.append(Token("cmd", UNICODE[c], offset + k, offset + k + 1))
            k += 1
            continue
        if c in UNICODE_SYMBOLS:
            out.append(Token("sym", UNICODE_SYMBOLS[c], offset + k, offset + k + 1))
            k += 1
            continue
        if c.isalpha():
            while k < n and text[k].isalpha() and text[k] not in UNICODE:
                k += 1
            run = text[start:k]
            if run in FUNCTION_WORDS:
                out.append(Token("word", run, offset + start, offset + k))
            else:
                for j, letter in enumerate(run):
                    out.append(Token("letter", letter, offset + start + j, offset + start + j + 1))
            continue
        out.append(Token("sym", c, offset + k, offset + k + 1))
        k += 1
    return out


def _skip_group(text: str, k: int) -> int:
    """Past one braced group starting at (or after spaces from) ``k``."""
    n = len(text)
    while k < n and text[k].isspace():
        k += 1
    if k >= n or text[k] != "{":
        return k
    depth = 0
    while k < n:
        if text[k] == "{":
            depth += 1
        elif text[k] == "}":
            depth -= 1
            if depth == 0:
                return k + 1
        elif text[k] == "\\":
            k += 1
        k += 1
    return k
