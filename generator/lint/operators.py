"""The reader's commands: fractions and derivatives, sums and batch sums, named functions, matrices.

Kept apart from the expression grammar in ``parser`` because each is a small decision about the
book's notation (``\\frac{\\partial}{\\partial\\phi_0}`` waits for the rest of its product;
``\\sum_{i}^{I}`` starts at 1; ``\\sum_{i\\in\\mathcal{B}_t}`` is one value per batch and per
parameter index; ``\\sigma'(z)`` is the sigmoid's derivative), and each one either reads its
fragment or says why it cannot.
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.core.function import AppliedUndef

from .context import ACCENTS, BOLD, FUNCTIONS, GREEK, MATRICES, NAMING, SAME, NotUnderstood
from .stream import TokenStream
from .tokens import Token


class Commands(TokenStream):
    """Mixed into ``Parser``: the methods that read one LaTeX command each."""

    def command(self, tok: Token) -> sp.Basic:
        name = tok.text
        if name in GREEK:
            return self.identifier(SAME.get(name, name), tok)
        if name == "pi":
            return sp.pi
        if name == "infty":
            return sp.oo
        if name in BOLD:
            inner = self.group()
            if len(inner) == 1 and inner[0].kind in ("letter", "cmd") and (
                    inner[0].kind == "letter" or inner[0].text in GREEK):
                return self.identifier(SAME.get(inner[0].text, inner[0].text), tok, bold=True)
            if len(inner) == 1 and inner[0].kind == "num":
                return sp.Rational(inner[0].text)
            raise NotUnderstood(f"\\{name}{{...}} of something other than one letter", tok.pos)
        if name in ACCENTS:
            inner = self.group()
            if len(inner) == 1 and (inner[0].kind == "letter" or inner[0].text in GREEK):
                return self.identifier(f"{ACCENTS[name]}{{{inner[0].text}}}", tok)
            raise NotUnderstood(f"\\{name} over more than one letter", tok.pos)
        if name in NAMING:
            opening = self.peek()
            words = self.group()
            text = "".join(t.text for t in words)
            if opening is not None and opening.is_sym("{") and words and \
                    any(words[j + 1].pos > words[j].end for j in range(len(words) - 1)):
                raise NotUnderstood(f"words inside the display: '{self._source(words)}'", tok.pos)
            if text in FUNCTIONS or text == "sig":
                return self.function_command(text, tok)
            if text in ("Var", "Cov", "E", "Std", "var", "cov", "Corr"):
                raise NotUnderstood(f"\\{name}{{{text}}}: expectations and variances are not checked", tok.pos)
            if text and all(t.kind in ("letter", "word") for t in words):
                return self.identifier(text, tok)
            raise NotUnderstood(f"words inside the display: '{text}'", tok.pos)
        if name in FUNCTIONS:
            return self.function_command(name, tok)
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            return self.fraction(tok)
        if name == "sqrt":
            if self.at_sym("["):
                raise NotUnderstood("roots other than square roots are not read", tok.pos)
            return sp.sqrt(self.parse_whole(self.group()))
        if name in ("sum", "prod"):
            return self.big_operator(tok)
        if name == "begin":
            return self.environment(tok)
        if name in ("{",):
            raise NotUnderstood("sets are not read", tok.pos)
        if name in ("mathcal", "mathscr"):  # \mathcal{L}: a name like any other
            inner = self.group()
            if len(inner) == 1 and inner[0].kind == "letter":
                return self.identifier(f"\\{name}{{{inner[0].text}}}", tok)
            raise NotUnderstood(f"\\{name} of something other than one letter", tok.pos)
        if name == "mathbb":
            inner = "".join(t.text for t in self.group())
            if inner in ("E", "V"):
                raise NotUnderstood("\\mathbb{E}: expectations and variances are not checked", tok.pos)
            raise NotUnderstood(f"\\mathbb{{{inner}}} (a number set) is not read", tok.pos)
        if name == "partial":
            raise NotUnderstood("a \\partial outside \\frac{\\partial ..}{\\partial ..}", tok.pos)
        if name == "nabla":  # \nabla_{\phi} L: the gradient in phi's components
            if not self.at_sym("_"):
                raise NotUnderstood("\\nabla without the variable it differentiates by", tok.pos)
            self.k += 1
            v = self.sub(self.group()).factor()
            if not isinstance(v, sp.Symbol) or v.name not in self.ctx.components:
                raise NotUnderstood("\\nabla by something other than a parameter vector", tok.pos)
            return Operator("derivative", None, lambda body: self.differentiate(body, [v]))
        raise NotUnderstood(f"the command \\{name} is not read", tok.pos)

    def function_command(self, name: str, tok: Token) -> sp.Basic:
        if self.at_sym("'"):
            return self.derivative_of_function(name, tok)
        if self.at_sym("[", "("):
            return self.application(name, None, tok)
        if self.at_sym("^"):
            raise NotUnderstood(f"a power written on \\{name} itself is not read; write (\\{name} x)^2", tok.pos)
        return FUNCTIONS[name](self.factor())

    def derivative_of_function(self, name: str, tok: Token, primes: int = 0) -> sp.Basic:
        """``\\sigma'(z)``, ``\\exp'[z]``: the derivative of a known function, at its argument."""
        while self.at_sym("'"):
            self.k += 1
            primes += 1
        if not self.at_sym("(", "["):
            raise NotUnderstood(f"{name}' without an argument", tok.pos)
        close = "]" if self.next().text == "[" else ")"
        arg = self.expr()
        self.expect(close)
        u = sp.Dummy("u")
        return sp.diff(FUNCTIONS[name](u), u, primes).xreplace({u: arg})

    def fraction(self, tok: Token) -> sp.Basic:
        top, bottom = _upright_d(self.group()), _upright_d(self.group())
        if bottom and (bottom[0].is_cmd("partial") or (bottom[0].kind == "letter" and bottom[0].text == "d"
                                                       and len(bottom) > 1)):
            return self.derivative(top, bottom, tok)
        return _product([self.parse_whole(top), 1 / self.parse_whole(bottom)])

    def derivative(self, top: list[Token], bottom: list[Token], tok: Token) -> sp.Basic:
        mark = top[0] if top else None
        if mark is None or not (mark.is_cmd("partial") or (mark.kind == "letter" and mark.text == "d")):
            raise NotUnderstood("a fraction over d or \\partial whose top is not a derivative", tok.pos)
        order_top, rest = 1, top[1:]
        if rest and rest[0].is_sym("^"):
            order_top, rest = int(rest[1].text), rest[2:]
        variables = []
        p = self.sub(bottom)
        while p.peek() is not None:
            t = p.next()
            if not (t.is_cmd("partial") or (t.kind == "letter" and t.text == "d")):
                raise NotUnderstood("the bottom of a derivative must be \\partial v (or d v)", t.pos)
            v = p.factor() if p.peek() is not None else None
            if v is None:
                raise NotUnderstood("a derivative with respect to nothing", t.pos)
            if isinstance(v, sp.Pow) and v.exp.is_Integer:
                variables += [v.base] * int(v.exp)
            else:
                variables.append(v)
        for v in variables:
            if not isinstance(v, (sp.Symbol, sp.Indexed)) or isinstance(v, sp.Idx):
                raise NotUnderstood(f"a derivative with respect to {sp.sstr(v)}", tok.pos)
        if len(variables) != order_top:
            raise NotUnderstood("the orders of the top and the bottom of the derivative differ", tok.pos)
        op = Operator("derivative", None, lambda body: self.differentiate(body, variables))
        if not rest:
            return op
        return self.differentiate(self.parse_whole(rest), variables)

    def differentiate(self, body: sp.Basic, variables: list) -> sp.Basic:
        """d body / d v, kept unevaluated; a vector v (phi with phi_0, phi_1 in the file) gives the gradient."""
        (v,) = variables if len(variables) == 1 else (None,)
        if v is not None and isinstance(v, sp.Symbol) and v.name in self.ctx.components \
                and not body.atoms(AppliedUndef):
            parts = [sp.Derivative(body, self.ctx.base(v.name)[j]) for j in self.ctx.components[v.name]]
            return sp.Matrix(parts)
        if isinstance(body, sp.MatrixBase):
            return body.applyfunc(lambda e: sp.Derivative(e, *variables))
        return sp.Derivative(body, *variables)

    def big_operator(self, tok: Token) -> Operator:
        lower = upper = None
        for _ in range(2):
            if self.at_sym("_") and lower is None:
                self.k += 1
                lower = self.group()
            elif self.at_sym("^") and upper is None:
                self.k += 1
                upper = self.group()
        if tok.text == "prod":
            raise NotUnderstood("products \\prod are not read", tok.pos)
        if lower is None:
            raise NotUnderstood("a sum with no index", tok.pos)
        split = next((j for j, t in enumerate(lower) if t.is_sym("=") or t.is_cmd("in")), None)
        var_tokens = lower if split is None else lower[:split]
        var = self.sub(var_tokens).factor() if var_tokens else None
        if not isinstance(var, (sp.Idx, sp.Symbol)):
            raise NotUnderstood("a sum whose index is not one letter", tok.pos)
        if split is not None and lower[split].is_cmd("in"):
            return self.batch_sum(var, lower[split + 1:], tok)
        if split is None:
            start = sp.Integer(1)
            self.ctx.notes.append(f"the sum over {var} has no lower limit: read from {var} = 1")
        else:
            start = self.parse_whole(lower[split + 1:])
        stop = self.parse_whole(upper) if upper else sp.Symbol(f"N_{var}", integer=True, positive=True)
        return Operator("sum", var, lambda body: sp.Sum(body, (var, start, stop)))

    def batch_sum(self, var, set_tokens: list[Token], tok: Token) -> Operator:
        """``\\sum_{i\\in\\mathcal{B}_t} body``: one value per batch index and per other index in body."""
        p = self.sub(set_tokens)
        head = p.next() if p.peek() else None
        if head is not None and head.is_cmd("mathcal", "mathbb", "mathbf", "mathrm"):
            inner = p.group()
            set_name = "".join(t.text for t in inner)
            set_tex = f"\\{head.text.lstrip(chr(92))}{{{set_name}}}"
        elif head is not None and head.kind == "letter":
            set_name = set_tex = head.text
        else:
            raise NotUnderstood("a sum over a set that is not a named set", tok.pos)
        set_indices = p.indices(p.group()) if p.at_sym("_") and p.next() else []
        if p.peek() is not None:
            raise NotUnderstood("a sum over a set written with more than its name and index", tok.pos)
        fragment_start = tok.pos

        def make(body: sp.Basic) -> sp.Basic:
            bound = sp.Symbol("_bound")
            shape = body.xreplace({var: bound})
            slots = sorted({j for a in shape.atoms(sp.Indexed) for j in a.indices if not j.has(bound)}
                           | {a for f in shape.atoms(AppliedUndef) for a in f.args if isinstance(a, sp.Indexed)
                              for a in a.indices if not a.has(bound)}, key=sp.default_sort_key)
            holders = {s: sp.Symbol(f"_slot{n}") for n, s in enumerate(slots)}
            # only inside indices: a bare xreplace of 1 would also rewrite a derivative's order
            held = shape.xreplace({a: a.base[tuple(holders.get(j, j) for j in a.indices)]
                                   for a in shape.atoms(sp.Indexed)})
            key = (set_name, sp.srepr(held), len(set_indices))
            if key not in self.ctx.batches:
                label = self.ctx.batch_label + ("" if not self.ctx.batches else str(len(self.ctx.batches) + 1))
                self.ctx.batches[key] = sp.IndexedBase(label)
                letters = dict(zip(slots, sp.symbols("p q r s u v")))
                shown = sp.sstr(body.xreplace({a: a.base[tuple(letters.get(j, j) for j in a.indices)]
                                               for a in body.atoms(sp.Indexed)}), order="none")
                index = ",".join(["b"] * bool(set_indices) + [str(v) for v in letters.values()])
                self.ctx.legend[label] = (f"{label}_{{{index}}} is the sum over {sp.sstr(var)} in {set_name}"
                                          f"{'_b' if set_indices else ''} of {shown}")
                lettered = body.xreplace({a: a.base[tuple(letters.get(j, j) for j in a.indices)]
                                          for a in body.atoms(sp.Indexed)})
                self.ctx.legend_latex[label] = (
                    f"{label}_{{{index}}} = \\sum_{{{sp.latex(var)} \\in {set_tex}{'_b' if set_indices else ''}}} "
                    f"{_book_latex(lettered)}")
            base = self.ctx.batches[key]
            indices = list(set_indices) + slots
            return base[tuple(indices)] if indices else sp.Symbol(base.label.name, real=True)

        del fragment_start
        return Operator("sum", var, make)

    def environment(self, tok: Token) -> sp.Basic:
        name = "".join(t.text for t in self.group())
        if name not in MATRICES:
            raise NotUnderstood(f"the environment {name} is not read inside a formula", tok.pos)
        rows, cells, current, depth = [], [], [], 0
        while True:
            t = self.next()
            if t.is_cmd("begin"):
                depth += 1
            if t.is_cmd("end"):
                if depth == 0:
                    self.group()
                    break
                depth -= 1
            if depth == 0 and t.kind == "row":
                cells.append(current)
                rows.append(cells)
                cells, current = [], []
            elif depth == 0 and t.is_sym("&"):
                cells.append(current)
                current = []
            else:
                current.append(t)
        if current or cells:
            cells.append(current)
            rows.append(cells)
        rows = [r for r in rows if any(r)]
        values = [[self.parse_whole(c) for c in r] for r in rows]
        if len({len(r) for r in values}) != 1:
            raise NotUnderstood("a matrix whose rows differ in length", tok.pos)
        return sp.Matrix(values)


class Operator:
    """A sum or a derivative operator waiting for the rest of its product."""

    def __init__(self, kind: str, var, apply):
        self.kind, self.var, self.apply = kind, var, apply


def _upright_d(tokens: list[Token]) -> list[Token]:
    """``\\mathrm{d}`` (and ``\\text{d}``, ``\\operatorname{d}``) as the plain d of a derivative."""
    out, k = [], 0
    while k < len(tokens):
        t = tokens[k]
        if t.is_cmd("mathrm", "text", "operatorname", "textrm") and k + 3 < len(tokens) + 0 and \
                tokens[k + 1].is_sym("{") and tokens[k + 2].text == "d" and tokens[k + 3].is_sym("}"):
            out.append(Token("letter", "d", t.pos, tokens[k + 3].end))
            k += 4
            continue
        out.append(t)
        k += 1
    return out


def _product(factors: list) -> sp.Basic:
    value = factors[0]
    for f in factors[1:]:
        value = value * f
    return value


def _power(base, exponent):
    if isinstance(base, sp.MatrixBase):
        raise NotUnderstood("a power of a matrix is not read", 0)
    return sp.Pow(base, exponent)


def _book_latex(e: sp.Basic) -> str:
    """LaTeX in the book's notation (``f[x]``), a function named for a Greek letter as that letter."""
    from ..notation import tex

    out = re.sub(r"\\operatorname\{(ell|phi|psi|sigma)\}", r"\\\1", str(tex(e)))
    out = re.sub(r"\{\\left\((.*?) ?\\right\)\}", r"[\1]", out)  # f(x) as the book's f[x]
    return re.sub(r"^\\frac\{\\partial\}\{\\partial (.+?)\} (.+)$", r"\\frac{\\partial \2}{\\partial \1}", out)
