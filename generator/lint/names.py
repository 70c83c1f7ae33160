"""Names as the reader meets them: a symbol, an indexed one, a function applied to its arguments.

Mixed into ``Parser``; each method decides what a name written in a key stands for: ``x_i`` an
entry of the data, ``\\ell_i[\\phi]`` a function of the parameters, ``L`` a name defined earlier.
"""

from __future__ import annotations

import sympy as sp

from .context import DEFINES, FUNCTIONS, NotUnderstood
from .tokens import Token

PARAMETERS = {"phi", "theta", "varphi", "w", "omega"}  # a model's parameter vector, as an argument
PARAMETER_WRAPPERS = {"boldsymbol", "mathbf", "bm", "vec"}


class Names:
    """Mixed into ``Parser``: reading identifiers and what follows them."""

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
