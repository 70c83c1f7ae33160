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

from .context import DEFINES, FUNCTIONS, UNCHECKED, FileContext, NotUnderstood
from .operators import Commands, Operator, _power, _product
from .tokens import Token

PARAMETERS = {"phi", "theta", "varphi", "w", "omega"}  # a model's parameter vector, as an argument
PARAMETER_WRAPPERS = {"boldsymbol", "mathbf", "bm", "vec"}


class Parser(Commands):
    def __init__(self, tokens: list[Token] | tuple[Token, ...], ctx: FileContext, end_pos: int = 0):
        self.toks = list(tokens)
        self.k = 0
        self.ctx = ctx
        self.end_pos = self.toks[-1].end if self.toks else end_pos

    # -- token helpers ------------------------------------------------------------------------
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
    def identifier(self, name: str, tok: Token, bold: bool = False) -> sp.Basic:
        while self.at_sym("'"):
            self.k += 1
            name += "'"
        indices = None
        if self.at_sym("_"):
            self.k += 1
            sub_tokens = self.group()
            indices = self.indices(sub_tokens)
            while self.at_sym("'"):
                self.k += 1
                name += "'"
        if name.endswith("'") and name.rstrip("'") in ("sigma", "sig") and indices is None:
            return self.derivative_of_function("sig", tok, primes=len(name) - len(name.rstrip("'")))
        if name.endswith("'") and self.at_sym("(", "["):
            raise NotUnderstood(f"{name}(...): the derivative of a function of the key's own is not read", tok.pos)
        if name in ("Var", "Cov", "Std") and self.at_sym("(", "["):
            raise NotUnderstood(f"{name}: expectations and variances are not checked", tok.pos)
        if self.at_sym("(") and name != "sigma" and name not in FUNCTIONS and tok is self.toks[0] \
                and self._defined_here():
            self.ctx.functions.add(name)  # f(x) = ... : f is a function from here on
        if (self.at_sym("[") or (self.at_sym("(") and (name in self.ctx.functions or self._arguments_follow()))) \
                and name != "sigma":
            return self.application(name, indices, tok)
        if name == "sigma" and self.at_sym("(", "[") and indices is None:
            return self.application("sig", indices, tok)  # sigma(z): the logistic sigmoid
        if indices is None:
            return self.ctx.symbol(name)
        return self.ctx.base(name)[tuple(indices)]

    def _arguments_follow(self) -> bool:
        """``(\\phi)``, ``(\\boldsymbol{\\phi}_t)`` or ``(x_i, \\phi)`` after a name: arguments, not a factor."""
        depth, j, inside = 0, self.k, []
        while j < len(self.toks):
            t = self.toks[j]
            depth += t.is_sym("(") - t.is_sym(")")
            j += 1
            if depth == 0:
                break
            inside.append(t)
        inside = inside[1:]
        if any(t.is_sym(",") for t in inside):
            return True
        names = [t for t in inside if t.kind in ("cmd", "letter") and t.text not in PARAMETER_WRAPPERS]
        return len(names) == 1 and names[0].text in PARAMETERS and all(
            t.is_sym("{", "}", "_") or t.kind == "num" or t.text in PARAMETER_WRAPPERS or t is names[0]
            or (t.kind == "letter" and t.text in ("t", "k")) for t in inside)

    def _defined_here(self) -> bool:
        """Is the ``(`` here closed by a ``)`` that a relation follows (``f(x) = ...``)?"""
        depth, j = 0, self.k
        while j < len(self.toks):
            t = self.toks[j]
            depth += t.is_sym("(") - t.is_sym(")")
            j += 1
            if depth == 0:
                after = self.toks[j] if j < len(self.toks) else None
                return after is not None and (after.is_sym("=", ":") or after.is_cmd(*DEFINES))
        return False

    def indices(self, tokens: list[Token]) -> list[sp.Basic]:
        parts, depth, current = [], 0, []
        for t in tokens:
            if t.is_sym("{", "(", "["):
                depth += 1
            elif t.is_sym("}", ")", "]"):
                depth -= 1
            if depth == 0 and t.is_sym(","):
                parts.append(current)
                current = []
            else:
                current.append(t)
        parts.append(current)
        if any(not p for p in parts):
            raise NotUnderstood("an empty subscript", tokens[0].pos if tokens else self.here())
        return [self.parse_whole(p) for p in parts]

    def application(self, name: str, indices, tok: Token) -> sp.Basic:
        close = "]" if self.next().text == "[" else ")"
        args = [self.expr()]
        while self.at_sym(","):
            self.k += 1
            args.append(self.expr())
        self.expect(close)
        if name in FUNCTIONS and indices is None and name not in self.ctx.functions:
            if len(args) != 1:
                raise NotUnderstood(f"{name} takes one argument", tok.pos)
            return FUNCTIONS[name](args[0])
        label = name if indices is None else f"{name}_{{{','.join(sp.sstr(i) for i in indices)}}}"
        self.ctx.first_seen.setdefault(label, self.ctx.display)
        return sp.Function(label)(*args)

    def word(self, tok: Token) -> sp.Basic:
        if tok.text == "Pr" and self.at_sym("("):
            return self.opaque("Pr", tok)
        name = tok.text
        if name in FUNCTIONS or name in ("sig", "sigmoid"):
            if self.at_sym("[", "("):
                return self.application(name, None, tok)
            return FUNCTIONS[name](self.factor())
        raise NotUnderstood(f"the function {name} is not read", tok.pos)

    def opaque(self, name: str, tok: Token) -> sp.Basic:
        """``Pr(y=1|x)``: one named quantity, its text as its name."""
        start = self.k
        depth = 0
        while True:
            t = self.next()
            depth += t.is_sym("(") - t.is_sym(")")
            if depth == 0:
                break
        text = name + "".join(t.text for t in self.toks[start:self.k])
        return self.ctx.symbol(text)

    # -- commands -----------------------------------------------------------------------------


__all__ = ["FileContext", "NotUnderstood", "Parser"]
