"""The book's notation in SymPy: sig[.], exp[.], log[.] with square brackets, bold momentum.

Every formula on the page is printed from a SymPy object by ``tex``; the proof checker works on
the very same objects, so what is shown is what was proven.
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.core.relational import Relational
from sympy.printing.latex import LatexPrinter
from sympy.simplify import fraction

from .numbers import SympyLatex, group_digits
from .tex_shapes import BRACKET_SIZES, NESTED, bracket_depth, plain_brackets, slashed


class sig(sp.Function):
    """The logistic sigmoid, sig[z] = 1/(1+exp[-z]); kept unevaluated for display."""

    nargs = 1

    def fdiff(self, argindex=1):
        z = self.args[0]
        return sig(z) * (1 - sig(z))

    def _eval_rewrite_as_exp(self, z, **kwargs):
        return 1 / (1 + sp.exp(-z))

    def _eval_evalf(self, prec):
        return (1 / (1 + sp.exp(-self.args[0]))).evalf(prec)


class wrong_sin(sp.Function):
    """sin[.] exactly as the handout misprinted it; only the errata use it."""

    nargs = 1

    def _eval_rewrite_as_exp(self, z, **kwargs):
        return sp.sin(z)

    def _eval_evalf(self, prec):
        return sp.sin(self.args[0]).evalf(prec)


class ReLU(sp.Function):
    """The rectified linear unit, ReLU[z] = max(0, z); kept unevaluated for display.

    ``doit`` writes it as (z + |z|)/2, a form SymPy integrates and simplifies (|s z| = s|z| for
    s > 0); ``_imp_`` gives the numeric checker its value at a point.
    """

    nargs = 1
    _imp_ = staticmethod(lambda z: z if z > 0 else 0 * z)

    def doit(self, **hints):
        z = self.args[0].doit(**hints) if hints.get("deep", True) else self.args[0]
        return (z + sp.Abs(z)) / 2

    def _eval_evalf(self, prec):
        z = self.args[0]._eval_evalf(prec)
        if z is None or not z.is_Number:
            return None
        return z if z > 0 else sp.Float(0, precision=prec)


class Partial(sp.Derivative):
    """A derivative printed with the curly d, as the book writes the loss's partial derivatives."""


def unevaluated(head, *args):
    """Build ``head(*args)`` exactly as written (no reordering, no distribution), for display."""
    return head(*args, evaluate=False)


class BookLatexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with the book's bracket convention for function arguments."""

    sized_brackets = True  # nested brackets a size larger outside, as in a display

    def __init__(self, settings=None):
        super().__init__(settings)
        # two numbers side by side multiply with a times sign, as the key writes 4 x 10^12 and the
        # original 100000 x 1000000 (SymPy's default is a centred dot)
        self._settings["mul_symbol_latex_numbers"] = r" \times "

    def _bracketed(self, name: str, expr, exp=None) -> str:
        """name[argument]; the outer brackets of three or more nested ones a size larger, as the book
        sets cos[b + w exp[b + w sin[x]]], so the pairs are seen to match (\\left sizes them all alike:
        their contents are as tall). Only from three: a large bracket is a glyph that text extraction
        puts on a line of its own. \\mathopen{} keeps the bracket from adding space."""
        inner = self._print(expr.args[0])
        depth = bracket_depth(inner)
        if NESTED.search(inner) or depth < 2 or not self.sized_brackets:
            opening, closing = r"\left[", r"\right]"
        else:
            size = BRACKET_SIZES[min(depth - 1, len(BRACKET_SIZES)) - 1]
            opening, closing = rf"\{size}l[", rf"\{size}r]"
        text = rf"{name}\mathopen{{}}{opening}{inner}{closing}\mathclose{{}}"
        return text if exp is None else rf"{text}^{{{exp}}}"

    def _print_Integer(self, expr):
        r"""Grouped in threes with thin spaces, as the key's other numbers are: 500\,000\,500\,000."""
        return ("-" if expr.p < 0 else "") + group_digits(str(abs(expr.p)), r"\,")

    def _print_exp(self, expr, exp=None):
        return self._bracketed(r"\exp", expr, exp)

    def _print_log(self, expr, exp=None):
        return self._bracketed(r"\log", expr, exp)

    def _print_sig(self, expr, exp=None):
        return self._bracketed(r"\operatorname{sig}", expr, exp)

    def _print_wrong_sin(self, expr, exp=None):
        return self._bracketed(r"\sin", expr, exp)

    def _print_sin(self, expr, exp=None):
        return self._bracketed(r"\sin", expr, exp)

    def _print_cos(self, expr, exp=None):
        return self._bracketed(r"\cos", expr, exp)

    def _print_Mul(self, expr):
        """A fraction whose numerator is itself tall (a fraction, a sum) and whose denominator is
        not, as one over the denominator times the numerator: TeX sets a fraction inside a
        fraction's numerator in the smaller text style, hard to read (D_h (2/D_h) s^2 over 2)."""
        numer, denom = fraction(expr, exact=True)
        if denom is not sp.S.One and numer is not sp.S.One:
            top, bottom = self._print(numer), self._print(denom)
            if NESTED.search(top) and not NESTED.search(bottom):
                if isinstance(numer, sp.Add):
                    top = rf"\left({top}\right)"
                sign = ""
                if top.startswith("- "):
                    sign, top = "- ", top[2:]
                return rf"{sign}\frac{{1}}{{{bottom}}} {top}"
            if NESTED.search(bottom) and not NESTED.search(top) and type(self) is BookLatexPrinter:
                # the same in the denominator: 2 over (D_h + D_h')/2, its inner fraction with a slash
                return rf"\frac{{{top}}}{{{_INLINE._print(denom)}}}"
        return super()._print_Mul(expr)

    def _print_sign(self, expr, exp=None):
        return self._bracketed(r"\operatorname{sign}", expr, exp)

    def _print_ReLU(self, expr, exp=None):
        return self._bracketed(r"\operatorname{ReLU}", expr, exp)

    def _print_Sum(self, expr):
        """A sum over two indices as two signs, the outer first, as the book writes a double sum
        (SymPy folds nested sums into one sign with its ranges stacked under it)."""
        if len(expr.limits) == 1:
            return super()._print_Sum(expr)
        signs = " ".join(rf"\sum_{{{self._print(v)}={self._print(a)}}}^{{{self._print(b)}}}"
                         for v, a, b in reversed(expr.limits))
        body = self._print(expr.function)
        if isinstance(expr.function, sp.Add):
            body = rf"\left({body}\right)"
        return f"{signs} {body}"

    def _print_Max(self, expr, exp=None):
        """max[0, z], in the book's square brackets, its arguments in the order SymPy keeps them."""
        return rf"\max\mathopen{{}}\left[{', '.join(self._print(a) for a in expr.args)}\right]\mathclose{{}}"

    def _print_Partial(self, expr):
        """d l / d omega_0 for a named quantity; d/d omega_0 (expression) otherwise."""
        (var,) = expr.variables
        if isinstance(expr.expr, (sp.Symbol, sp.Indexed)):
            return rf"\frac{{\partial {self._print(expr.expr)}}}{{\partial {self._print(var)}}}"
        body = self._print(expr.expr)
        if isinstance(expr.expr, (sp.Add, sp.Mul)):  # a sum or product needs brackets; a power has its own
            body = rf"\left({body}\right)"
        return rf"\frac{{\partial}}{{\partial {self._print(var)}}}{body}"

    def _print_Integral(self, expr):
        """The limits beside the sign, as amsmath sets a displayed integral (SymPy stacks them)."""
        return super()._print_Integral(expr).replace(r"\int\limits", r"\int")

    def _print_Tuple(self, expr):
        """(1, x_i): a comma and one space, as in the text (SymPy adds a second, ``\\ ``)."""
        return r"\left(" + ", ".join(self._print(e) for e in expr) + r"\right)"

    def doprint(self, expr):
        # a thin space between a power and a large operator after it: (1/4)^K \prod_{k}^{K-1}, whose
        # exponent and upper limit would otherwise touch
        text = re.sub(r"(\^\{[^{}]*\}) (\\(?:prod|sum)_)", r"\1 \\, \2", plain_brackets(super().doprint(expr)))
        # and between a factor and a derivative written with a slash after it: h_3 \, \partial l/\partial f_3
        return re.sub(r"(?<=[}\w]) (\\partial \S+/\\partial)", r" \\, \1", text)

    def _print_Subs(self, subs):
        """f|_{x = -phi_0/phi_1}: the values in the subscript with a slash (a fraction there is tiny)."""
        expr, old, new = subs.args
        values = r",\ ".join(f"{self._print(a)} = {_INLINE._print(b)}" for a, b in zip(old, new))
        return rf"\left. {self._print(expr)} \right|_{{{values}}}"

    def _print_Indexed(self, expr):
        if expr.base == G and len(expr.indices) == 2:
            batch, params = (self._print(v) for v in expr.indices)
            return (rf"\sum_{{i\in\mathcal{{B}}_{{{batch}}}}}\frac{{\partial\ell_i"
                    rf"[\boldsymbol{{\phi}}_{{{params}}}]}}{{\partial\boldsymbol{{\phi}}}}")
        return super()._print_Indexed(expr)

    def _print_Derivative(self, expr):
        """d(name)/d(var) for a named quantity, as the book writes dL/dphi_0."""
        target = expr.expr
        partial = any("phi" in str(v) for v in expr.variables)  # the loss's parameters: partial
        d = r"\partial" if partial else "d"
        if isinstance(target, (sp.Symbol, sp.Indexed)) and len(expr.variables) == 1:
            return rf"\frac{{{d} {self._print(target)}}}{{{d} {self._print(expr.variables[0])}}}"
        text = super()._print_Derivative(expr)
        return text.replace(r"\frac{d}{d ", r"\frac{\partial}{\partial ") if partial else text


_PRINTER = BookLatexPrinter({"order": "none"})


class InlinePrinter(BookLatexPrinter):
    """The book's notation with every fraction written with a slash, and brackets of the text's size:
    in a line, a larger bracket would push the lines apart."""

    sized_brackets = False

    def _print_Derivative(self, expr):
        return slashed(super()._print_Derivative(expr))

    def _print_Partial(self, expr):
        return slashed(super()._print_Partial(expr))

    def _print_Mul(self, expr):
        if isinstance(expr, sp.Mul) and (expr.args[0] is sp.S.One
                                         or any(isinstance(a, sp.Number) for a in expr.args[1:])):
            return super()._print_Mul(expr)  # SymPy prints such an unevaluated product factor by factor
        if expr.could_extract_minus_sign():
            return super()._print_Mul(expr)
        numer, denom = fraction(expr, exact=True)
        denominator = self._print(denom)
        if denom is sp.S.One or (len(denominator.split()) <= 2 and "^" not in denominator):
            return super()._print_Mul(expr)  # no fraction, or one that fold_short_frac folds
        numerator = self._print(numer)
        if isinstance(numer, sp.Add):
            numerator = f"({numerator})"
        # Plain brackets, around a sum or product only (x/y^2 needs none): \left( after the slash would
        # add a thin space ("1/ (1 + ...)"), and in a line of text the brackets need not grow.
        return f"{numerator}/({denominator})" if isinstance(denom, (sp.Add, sp.Mul)) else f"{numerator}/{denominator}"


_INLINE = InlinePrinter({"order": "none", "fold_short_frac": True})


def constant_text(number: sp.Number) -> str:
    """A constant as the page shows it: integers unsigned (their sign prints as an operator),
    fractions as p/q, decimals with the digits the printer keeps."""
    if number.is_Integer:
        return str(abs(number))
    if number.is_Rational:
        return str(number)
    return _PRINTER.doprint(number)


def tex(expr, source: str = "sympy", computed: dict[str, str] | None = None) -> SympyLatex:
    """LaTeX of a SymPy object in the book's notation, terms in the order they were built.

    The result remembers the numeric constants it prints, so the ledger can list them too; those
    in ``computed`` (printed text -> the result it comes from, the 10 of 1 - beta^10) are values,
    listed with their source, the others notation (the two of a square).
    """
    out = _printed(_PRINTER, expr, source)
    out.computed = dict(computed or {})
    return out


def inline_tex(expr, source: str = "sympy") -> SympyLatex:
    """``tex`` for running text: every fraction written with a slash, as 2/D_h (a stacked fraction
    in a line of text is small and tall at once, and pushes the lines apart)."""
    return _printed(_INLINE, expr, source)


def _printed(printer: LatexPrinter, expr, source: str) -> SympyLatex:
    out = SympyLatex(printer.doprint(expr))
    out.source = source
    out.constants = printed_constants(sp.sympify(expr))
    return out


def printed_constants(expr: sp.Basic) -> tuple[str, ...]:
    """The numbers a formula prints, as a reader reads them: a number alone whole (its sign with
    it, a power of ten one number), else each constant inside it (see ``constant_text``)."""
    if isinstance(expr, sp.Number):
        return (str(expr) if expr.is_Rational else constant_text(expr),)
    return tuple(dict.fromkeys(_constants_in_order(expr)))


def _constants_in_order(expr: sp.Basic):
    """The constants of ``expr`` in the order of its tree, a power of ten as one number, and a
    number that is a whole side of an equation with its sign, as it reads there (= -1)."""
    if isinstance(expr, sp.Pow) and expr.base == 10 and expr.exp.is_Integer:
        yield f"10^{expr.exp}"
    elif isinstance(expr, sp.Number):
        yield constant_text(expr)
    elif isinstance(expr, Relational):
        for side in expr.args:
            yield from ((str(side),) if isinstance(side, sp.Integer) else _constants_in_order(side))
    else:
        for arg in expr.args:
            if isinstance(arg, sp.Basic):
                yield from _constants_in_order(arg)


def power_of_ten(n: int) -> sp.Expr:
    """10^k, kept unevaluated so it prints as a power, when n is one; else n itself."""
    k = len(str(abs(n))) - 1
    return unevaluated(sp.Pow, sp.Integer(10), sp.Integer(k)) if n == 10**k and k >= 4 else sp.Integer(n)


# Shared symbols, so every problem and the errata speak of the same objects.
phi0, phi1 = sp.symbols("phi_0 phi_1", real=True)
i = sp.Idx("i")
n_points = sp.Symbol("I", integer=True, positive=True)
x = sp.IndexedBase("x")
y = sp.IndexedBase("y")
z = sp.Symbol("z", real=True)
beta = sp.Symbol("beta", positive=True)
t = sp.Symbol("t", integer=True, nonnegative=True)
tp = sp.Symbol("t'", integer=True, nonnegative=True)
m = sp.IndexedBase(r"\mathbf{m}")
g = sp.IndexedBase(r"\mathbf{g}")
G = sp.IndexedBase("G")  # G[b, p]: gradient of batch B_b at phi_p, printed as the batch sum
