"""The token stream a parser walks: look ahead, take, expect, and TeX's braced groups."""

from __future__ import annotations

from .context import FileContext, NotUnderstood
from .tokens import Token


class TokenStream:
    def __init__(self, tokens: list[Token] | tuple[Token, ...], ctx: FileContext, end_pos: int = 0):
        self.toks = list(tokens)
        self.k = 0
        self.ctx = ctx
        self.end_pos = self.toks[-1].end if self.toks else end_pos

    def peek(self, ahead: int = 0) -> Token | None:
        j = self.k + ahead
        return self.toks[j] if j < len(self.toks) else None

    def next(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise NotUnderstood("the expression ends too early", self.end_pos)
        self.k += 1
        return tok

    def at_sym(self, *chars: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.is_sym(*chars)

    def here(self) -> int:
        tok = self.peek()
        return tok.pos if tok else self.end_pos

    def expect(self, char: str) -> None:
        tok = self.peek()
        if tok is None or not tok.is_sym(char):
            raise NotUnderstood(f"expected '{char}'", self.here())
        self.k += 1

    def group(self) -> list[Token]:
        """The tokens of a braced group, or the single next token."""
        tok = self.next()
        if tok.kind == "num" and len(tok.text) > 1 and "." not in tok.text:
            # \frac12 and x_12: TeX takes one character, the rest stays
            self.toks.insert(self.k, Token("num", tok.text[1:], tok.pos + 1, tok.end))
            return [Token("num", tok.text[0], tok.pos, tok.pos + 1)]
        if not tok.is_sym("{"):
            return [tok]
        depth, start = 1, self.k
        while True:
            t = self.next()
            if t.is_sym("{"):
                depth += 1
            elif t.is_sym("}"):
                depth -= 1
                if depth == 0:
                    return self.toks[start:self.k - 1]

    def _source(self, tokens: list[Token]) -> str:
        out = ("\\" if tokens[0].kind == "cmd" else "") + tokens[0].text
        for a, b in zip(tokens, tokens[1:]):
            out += (" " if b.pos > a.end else "") + (("\\" + b.text) if b.kind == "cmd" else b.text)
        return out
