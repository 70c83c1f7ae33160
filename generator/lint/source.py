"""Where the mathematics is in a hand-written key: its displays, their rows, and their lines.

Markdown keys put derivations in ``$$ ... $$`` or ``\\[ ... \\]``; LaTeX keys in ``equation``,
``align``, ``gather``, ``multline`` (with ``split``/``aligned`` inside) and ``\\[ \\]``. Inline
``$...$`` is prose, not a derivation, and is not read. Each display is cut into rows at its
``\\\\`` breaks (not those inside a matrix), with the alignment ``&`` removed; a row that begins
with a relation continues the chain before it, within a display and across displays.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import LintError
from .tokens import FUNCTION_WORDS, Token, TokenError, tokenize

DISPLAY_ENVIRONMENTS = ("equation", "align", "gather", "multline", "eqnarray", "displaymath", "flalign")
TRANSPARENT = {"split", "aligned", "gathered", "alignedat", "array_rows"}  # containers of rows
RELATIONS = ("=",)
_ENV = re.compile(r"\\begin\{(" + "|".join(DISPLAY_ENVIRONMENTS) + r")(\*?)\}")
_FENCE = re.compile(r"^(```|~~~)", re.M)


@dataclass(frozen=True)
class Row:
    tokens: tuple[Token, ...]
    line: int
    text: str  # the row's source, for messages


@dataclass(frozen=True)
class Display:
    number: int  # 1, 2, ... in file order
    line: int
    end_line: int
    text: str
    rows: tuple[Row, ...]
    environment: str  # "$$", "\\[", "align", ...
    error: str | None = None  # when the display could not even be tokenized


class Lines:
    """Offsets to 1-based line numbers."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos)


def read(path: Path) -> tuple[str, str]:
    """The text of ``path`` and its kind ("markdown" or "latex"); LintError when it cannot be read."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LintError(f"{path}: no such file", hint="give the path of a Markdown or LaTeX key") from None
    except IsADirectoryError:
        raise LintError(f"{path}: is a directory, not a key", hint="give the path of one file") from None
    except UnicodeDecodeError as exc:
        raise LintError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})",
                        hint="save the key as UTF-8") from None
    except OSError as exc:
        raise LintError(f"{path}: cannot be read ({exc.strerror})") from None
    return text, kind_of(Path(path), text)


def kind_of(path: Path, text: str) -> str:
    if path.suffix.lower() in (".tex", ".ltx", ".latex"):
        return "latex"
    if path.suffix.lower() in (".md", ".markdown", ".txt", ".mdown"):
        return "markdown"
    return "latex" if re.search(r"\\documentclass|\\begin\{document\}", text) else "markdown"


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in spans:
        for k in range(a, b):
            if chars[k] != "\n":
                chars[k] = " "
    return "".join(chars)


def _without_code_and_comments(text: str, kind: str) -> str:
    """Code blocks (Markdown) and comments (LaTeX) blanked out, offsets kept."""
    spans = []
    if kind == "markdown":
        fences = [m.start() for m in _FENCE.finditer(text)]
        for a, b in zip(fences[::2], fences[1::2]):
            spans.append((a, b))
        spans += [(m.start(), m.end()) for m in re.finditer(r"`[^`\n]*`", text)]
        spans += [(m.start(), m.end()) for m in re.finditer(r"<!--.*?-->", text, re.S)]
    else:
        spans += [(m.start(), m.end()) for m in re.finditer(r"(?<!\\)%[^\n]*", text)]
    return _blank(text, spans)


def displays(text: str, kind: str) -> list[Display]:
    """Every display of the file, in order."""
    clean = _without_code_and_comments(text, kind)
    lines = Lines(text)
    found: list[tuple[int, int, int, int, str]] = []  # start, end, body start, body end, env
    k = 0
    while True:
        candidates = []
        for opener, closer, env in (("$$", "$$", "$$"), ("\\[", "\\]", "\\[")):
            a = clean.find(opener, k)
            while a != -1 and opener == "\\[" and a > 0 and clean[a - 1] == "\\":  # \\[2pt] is not a display
                a = clean.find(opener, a + 2)
            if a != -1:
                candidates.append((a, opener, closer, env))
        m = _ENV.search(clean, k)
        if m:
            candidates.append((m.start(), m.group(0), f"\\end{{{m.group(1)}{m.group(2)}}}", m.group(1)))
        if not candidates:
            break
        a, opener, closer, env = min(candidates)
        body_start = a + len(opener)
        b = clean.find(closer, body_start)
        if b == -1:
            found.append((a, len(clean), body_start, len(clean), env + " (never closed)"))
            break
        found.append((a, b + len(closer), body_start, b, env))
        k = b + len(closer)
    out = []
    for number, (a, b, body_a, body_b, env) in enumerate(found, start=1):
        body = clean[body_a:body_b]
        try:
            if env.endswith("(never closed)"):
                raise TokenError(f"the display opened with {env.split()[0]} is never closed", body_a)
            rows = _rows(tokenize(body, body_a), text, lines)
            error = None
        except TokenError as exc:
            rows, error = (), str(exc)
        out.append(Display(number, lines.line(a), lines.line(max(a, b - 1)), text[a:b], tuple(rows),
                           env, error))
    return out


def _rows(tokens: list[Token], text: str, lines: Lines) -> list[Row]:
    """Cut at top-level ``\\\\``; drop transparent environments' markers and alignment ``&``."""
    rows: list[list[Token]] = [[]]
    ampersands = 0
    depth = 0  # inside a matrix or cases: its \\ and & belong to it
    k = 0
    while k < len(tokens):
        tok = tokens[k]
        if tok.is_cmd("begin", "end") and k + 1 < len(tokens) and tokens[k + 1].is_sym("{"):
            name, after = _env_name(tokens, k + 2)
            if name.rstrip("*") in TRANSPARENT or name.rstrip("*") in DISPLAY_ENVIRONMENTS:
                k = after
                if name.startswith("alignedat") and k < len(tokens) and tokens[k].is_sym("{"):
                    _, k = _env_name(tokens, k + 1)
                continue
            depth += 1 if tok.text == "begin" else -1
        if depth == 0 and tok.kind == "row":
            rows.append([])
            ampersands = 0
        elif depth == 0 and tok.is_sym("&"):
            ampersands += 1
            if ampersands % 2 == 0:  # x &= 1 & y &= 2: the second & starts the next equation
                rows[-1].append(Token("sep", "&", tok.pos, tok.end))
        else:
            rows[-1].append(tok)
        k += 1
    joined: list[list[Token]] = []
    for row in rows:
        if not row:
            continue
        # "+ 3ab^2 + b^3" on its own row (multline, split) continues the expression above it
        continues = row[0].is_sym("+", "-") or row[0].is_cmd("cdot", "times")
        ends_open = bool(joined) and (joined[-1][-1].is_sym("+", "-") or joined[-1][-1].is_cmd("cdot", "times"))
        if joined and ((continues and not any(_is_relation(t) for t in row)) or ends_open):
            joined[-1] = joined[-1] + row
        else:
            joined.append(row)
    out = []
    for whole in joined:
        for row in _equations(whole):
            row = _strip_tail(row)
            if row:
                out.append(Row(tuple(row), lines.line(row[0].pos), text[row[0].pos:row[-1].end]))
    return out


def _is_relation(t: Token) -> bool:
    return t.is_sym("=") or t.is_cmd("leftarrow", "gets", "coloneqq", "coloneq", "triangleq", "equiv")


CONNECTIVES = {"and", "or", "so", "where", "with", "for", "hence", "thus", "then", "since", "giving", "gives",
               "therefore", "i.e.", "ie", "so that", "which gives", "and so", "that is"}


def _equations(row: list[Token]) -> list[list[Token]]:
    """``a = b, \\qquad c = d`` and ``a = b \\text{and} c = d``: two equations side by side, cut at
    the top-level comma or connective word."""
    pieces, current, depth = [], [], 0
    skip = 0
    for k, t in enumerate(row):
        if skip:
            skip -= 1
            continue
        if depth == 0 and t.is_cmd("text", "textrm", "mbox", "textit", "mathrm") and k + 1 < len(row) \
                and row[k + 1].is_sym("{"):
            close = next((j for j in range(k + 2, len(row)) if row[j].is_sym("}")), None)
            words = " ".join(x.text for x in row[k + 2:close]) if close else ""
            if close and "".join(words.split()).lower() in {c.replace(" ", "") for c in CONNECTIVES}:
                pieces.append(current)
                current = []
                skip = close - k
                continue
        if t.is_sym("(", "[", "{") or t.is_cmd("begin"):
            depth += 1
        elif t.is_sym(")", "]", "}") or t.is_cmd("end"):
            depth -= 1
        if depth == 0 and t.is_sym(",", ";"):
            pieces.append(current + [t])
            current = []
        elif t.kind == "sep":
            pieces.append(current)
            current = []
        else:
            current.append(t)
    pieces.append(current)
    out: list[list[Token]] = []
    for piece in pieces:
        if len(pieces) > 1 and piece and piece[0].is_cmd("text", "textrm", "mbox") and \
                not any(_is_relation(t) for t in piece):
            continue  # "& \text{(by the chain rule)}": a remark in its own column
        if out and not (any(_is_relation(t) for t in piece) and any(_is_relation(t) for t in out[-1])):
            out[-1] = out[-1] + piece
        else:
            out.append(piece)
    return out


def _env_name(tokens: list[Token], k: int) -> tuple[str, int]:
    name = ""
    while k < len(tokens) and not tokens[k].is_sym("}"):
        name += tokens[k].text
        k += 1
    return name, k + 1


def _strip_tail(row: list[Token]) -> list[Token]:
    """Trailing punctuation and a trailing ``\\text{...}`` remark are prose, not mathematics."""
    while row and (row[-1].is_sym(",", ".", ";") or row[-1].kind == "row"):
        row = row[:-1]
    # "... \text{(chain rule)}" or "\text{, so}" at the end of a row
    if len(row) >= 3 and row[-1].is_sym("}"):
        depth, k = 0, len(row) - 1
        while k >= 0:
            if row[k].is_sym("}"):
                depth += 1
            elif row[k].is_sym("{"):
                depth -= 1
                if depth == 0:
                    break
            k -= 1
        if k >= 1 and row[k - 1].is_cmd("text", "textrm", "mbox", "textit") and k - 1 > 0:
            remark = "".join(t.text for t in row[k + 1:-1])
            if remark.strip() not in FUNCTION_WORDS:
                return _strip_tail(row[:k - 1])
    return row


def short(text: str, width: int = 100) -> str:
    """A fragment of the key on one line, cut to ``width`` for a message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width - 3] + "..."


def around(text: str, row: Row, pos: int) -> str:
    """The few words of a row around ``pos``, where the reader stopped."""
    start = max(row.tokens[0].pos, pos - 30)
    end = min(row.tokens[-1].end, pos + 40)
    return ("..." if start > row.tokens[0].pos else "") + " ".join(text[start:end].split()) + \
        ("..." if end < row.tokens[-1].end else "")
