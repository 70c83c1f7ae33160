"""A recursive-descent reader for the LaTeX that answer keys are written in, straight to SymPy.

Why not SymPy's ``parse_latex``: its ANTLR backend turns ``x_i`` into one opaque Symbol, so a
sum over ``i`` cannot be written out term by term, ``\\mathcal{B}_1`` and ``\\mathcal{B}_2``
become string names and ``\\mathbf{m}_3`` is not the third member of anything; it also reads
``\\partial \\phi_0``, ``[...]`` application and ``\\exp[..]^2`` wrongly, and says nothing about
*where* it failed. Here subscripts are indices (``Indexed``), square brackets after a name are
application (the book's ``\\text{sig}[z]``), ``\\frac{\\partial}{\\partial v}`` applies to the rest
of its product, a sum's body is the rest of its product plus the following terms that still
depend on its index, and a sum over a batch ``\\sum_{i\\in\\mathcal{B}_t}`` is one quantity per
batch index. What it cannot read raises ``NotUnderstood`` with the offending position: a key is
never silently read as something else.
"""

from __future__ import annotations

import sympy as sp

from .context import DEFINES, UNCHECKED, FileContext, NotUnderstood
from .names import Names
from .operators import Commands, Operator, _power, _product
from .tokens import Token


class Parser(Names, Commands):
    def sub(self, tokens: list[Token]) -> Parser:
        return Parser(tokens, self.ctx, tokens[-1].end if tokens else self.here())

    def parse_whole(self, tokens: list[Token]) -> sp.Basic:
        p = self.sub(tokens)
        value = p.expr()
        if p.peek() is not None:
            raise NotUnderstood(f"cannot read '{p.peek().text}' here", p.here())
        return value

    # -- chains -------------------------------------------------------------------------------
    def relation(self) -> str | None:
        tok = self.peek()
        if tok is None:
            return None
        if tok.is_sym("="):
            self.k += 1
            return "="
        if tok.is_sym(":") and self.peek(1) is not None and self.peek(1).is_sym("="):
            self.k += 2
            return ":="
        if tok.is_cmd(*DEFINES):
            self.k += 1
            return "<-" if tok.text in ("leftarrow", "gets", "longleftarrow") else ":="
        if tok.is_cmd("approx", "simeq"):
            self.k += 1
            return "~"
        if tok.is_cmd(*UNCHECKED) or tok.is_sym("<", ">"):
            raise NotUnderstood(f"the relation '{tok.text}' is not checked (only = and definitions are)", tok.pos)
        return None

    def chain(self) -> list[tuple[str | None, sp.Basic, int, int]]:
        """[(relation, expression, start, end)]; the first relation is None unless the row starts with one."""
        out = []
        rel = self.relation()
        while True:
            start = self.here()
            value = self.expr()
            end = self.toks[self.k - 1].end if self.k else start
            out.append((rel, value, start, end))
            if self.peek() is None:
                return out
            rel = self.relation()
            if rel is None:
                raise NotUnderstood(f"cannot read '{self.peek().text}' here", self.here())

    # -- expressions --------------------------------------------------------------------------
    def expr(self) -> sp.Basic:
        value = self.signed_term()
        while self.at_sym("+", "-"):
            value = value + self.signed_term()
        return value

    def signed_term(self) -> sp.Basic:
        sign = 1
        while self.at_sym("+", "-"):
            if self.next().text == "-":
                sign = -sign
        tok = self.peek()
        if tok is not None and tok.is_cmd("pm", "mp"):
            raise NotUnderstood("'\\pm' stands for two expressions; write them separately", tok.pos)
        return sign * self.term()

    def starts_factor(self) -> bool:
        tok = self.peek()
        if tok is None or tok.kind == "row":
            return False
        if tok.kind == "sym":
            return tok.text in "([{" or tok.text == "'"
        if tok.kind == "cmd":
            return not (tok.text in DEFINES or tok.text in UNCHECKED or tok.text in ("cdot", "times", "end", "in",
                                                                                    "pm", "mp", "ldots", "dots"))
        return True

    def term(self) -> sp.Basic:
        factors: list[sp.Basic] = []
        divide = False
        while True:
            tok = self.peek()
            if tok is not None and (tok.is_cmd("cdot", "times", "ast") or tok.is_sym("*")):
                self.k += 1
                continue
            if tok is not None and tok.is_sym("/"):
                self.k += 1
                divide = True
                continue
            if tok is not None and tok.is_sym("-") and factors and self._after_explicit_product():
                self.k += 1
                factors.append(sp.Integer(-1))
                continue
            if not factors and tok is not None and tok.is_sym("+", "-"):
                return self.signed_term()
            if not self.starts_factor():
                break
            if tok.kind == "num" and factors and self.k and self.toks[self.k - 1].kind == "num":
                raise NotUnderstood("two numbers side by side (write \\cdot, or group digits with \\,)", tok.pos)
            value = self.factor()
            if isinstance(value, Operator):
                rest = self.operator_body(value)
                factors.append(rest)
                break
            factors.append(1 / value if divide else value)
            divide = False
        if not factors:
            raise NotUnderstood("expected an expression", self.here())
        return _product(factors)

    def _after_explicit_product(self) -> bool:
        prev = self.toks[self.k - 1] if self.k else None
        return prev is not None and (prev.is_cmd("cdot", "times") or prev.is_sym("*"))

    def operator_body(self, op: Operator) -> sp.Basic:
        """A sum or a derivative operator applies to the rest of its product."""
        if op.var is not None:
            self.ctx.bound.append(op.var)
        try:
            body = self.term() if self.starts_factor() or self.at_sym("+", "-") else None
            if body is None:
                raise NotUnderstood(f"{op.kind} with nothing after it", self.here())
            while op.kind == "sum" and self.at_sym("+", "-"):
                save = self.k
                more = self.signed_term()
                if op.var in more.free_symbols:
                    body = body + more
                else:
                    self.k = save
                    break
        finally:
            if op.var is not None:
                self.ctx.bound.pop()
        return op.apply(body)

    def factor(self) -> sp.Basic:
        base = self.primary()
        while True:
            tok = self.peek()
            if tok is not None and tok.is_sym("^"):
                self.k += 1
                if isinstance(base, Operator):
                    raise NotUnderstood("a power of an operator is not read", tok.pos)
                exponent_tokens = self._exponent_tokens()
                if len(exponent_tokens) == 1 and exponent_tokens[0].is_cmd("top", "intercal", "prime"):
                    raise NotUnderstood("transposes and primes as superscripts are not read", tok.pos)
                exponent = self.parse_whole(exponent_tokens)
                if base == sp.Symbol("e", real=True) and "e" not in self.ctx.index_names:
                    base = sp.exp(exponent)
                else:
                    base = _power(base, exponent)
            elif tok is not None and tok.is_sym("!"):
                self.k += 1
                base = sp.factorial(base)
            else:
                return base

    def _exponent_tokens(self) -> list[Token]:
        tok = self.peek()
        if tok is not None and tok.kind == "num" and len(tok.text) > 1 and not tok.text.startswith("."):
            # x^23 is x^2 times 3 in TeX: only the first digit is raised
            self.toks[self.k] = Token("num", tok.text[1:], tok.pos + 1, tok.end)
            return [Token("num", tok.text[0], tok.pos, tok.pos + 1)]
        return self.group()

    def primary(self) -> sp.Basic:
        tok = self.next()
        if tok.kind == "num":
            value = sp.Rational(tok.text)
            if "." in tok.text:  # a decimal may be rounded: remember to how many places
                self.ctx.decimals[value] = max(self.ctx.decimals.get(value, 0), len(tok.text.split(".")[1]))
            return value
        if tok.is_sym("("):
            value = self.expr()
            if self.at_sym(","):  # (1, 2, -3, 0.4): a tuple, as a vector's values
                items = [value]
                while self.at_sym(","):
                    self.k += 1
                    items.append(self.expr())
                self.expect(")")
                return sp.Tuple(*items)
            self.expect(")")
            return value
        if tok.is_sym("["):
            value = self.expr()
            self.expect("]")
            return value
        if tok.is_sym("{"):
            self.k -= 1
            return self.parse_whole(self.group())
        if tok.kind == "letter":
            return self.identifier(tok.text, tok)
        if tok.kind == "word":
            return self.word(tok)
        if tok.kind == "cmd":
            return self.command(tok)
        raise NotUnderstood(f"cannot read '{tok.text}' here", tok.pos)

    # -- names --------------------------------------------------------------------------------
    # -- commands -----------------------------------------------------------------------------


__all__ = ["FileContext", "NotUnderstood", "Parser"]
