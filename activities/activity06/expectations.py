"""The random variables Problem 4's proofs speak of, as SymPy objects the checker can compare.

``Expectation`` is an expectation over a variable symmetric about zero, ``Gate`` the ReLU's
derivative, ``Integral`` a definite integral with a fast quadrature (see each).
"""

from __future__ import annotations

import functools

import mpmath
import sympy as sp

from generator.notation import ReLU


class Integral(sp.Integral):
    """A definite integral whose float value SymPy finds by mpmath's quadrature on a compiled integrand,
    printed with a leading constant of its integrand in front of the sign (1/2 times the integral of
    u^2 phi[u], not the integral of u^2 phi[u] / 2).

    SymPy's own evalf of an integral evaluates the integrand node by node and takes seconds; it
    runs whenever SymPy simplifies a difference of constant integrals (to learn its sign). The
    value is the same and the proof does not rest on it: the checker integrates exactly and
    compares by its own quadrature (``generator.proofs.CONSTANT_PRECISION`` digits). Both
    quadratures split the line at 0, ReLU's kink: on each smooth half they converge in a few levels.
    """

    def _eval_evalf(self, prec):
        if self.free_symbols or len(self.limits) != 1 or len(self.limits[0]) != 3:
            return super()._eval_evalf(prec)
        return _quadrature(self, prec)

    def _latex(self, printer):
        body = self.function
        if isinstance(body, sp.Mul) and len(body.args) > 1 and body.args[0].is_Rational and body.args[0] != 1:
            rest = body.args[1] if len(body.args) == 2 else sp.Mul(*body.args[1:], evaluate=False)
            return rf"{printer._print(body.args[0])} {printer._print_Integral(sp.Integral(rest, *self.limits))}"
        return printer._print_Integral(self)

    def _mpmathcode(self, printer):
        """mpmath's quad as lambdify writes it, but split at 0, for the checker's own quadrature."""
        (var, low, high), = self.limits
        ends = [printer._print(low), printer._print(high)]
        if low.is_extended_negative and high.is_extended_positive:
            ends.insert(1, "0")
        return (f"{printer._module_format('mpmath.quad')}(lambda {printer._print(var)}: "
                f"{printer._print(self.function)}, [{', '.join(ends)}])")


@functools.lru_cache(maxsize=64)
def _quadrature(integral: Integral, prec: int) -> sp.Float:
    """Its value at ``prec`` bits, found once: SymPy's simplification asks again, at several
    precisions, every time it orders the terms of a difference."""
    (var, low, high), = integral.limits
    integrand = sp.lambdify(var, integral.function, "mpmath")
    ends = sp.lambdify((), [low, high], "mpmath")()
    with mpmath.workprec(prec + 20):
        points = [ends[0], 0, ends[1]] if ends[0] < 0 < ends[1] else ends
        return sp.Float(mpmath.quad(integrand, points), precision=prec)


class Expectation(sp.Function):
    """E[X] for a random variable v symmetric about zero with no mass at zero: ``Expectation(X, v)``.

    Kept unevaluated for display. Evaluated (the checker evaluates every expression it compares),
    it takes the form the two facts it stands for give it: it is linear in X, and it does not
    change when v is replaced by -v (v and -v have the same distribution). So X is replaced by its
    even part (X[v] + X[-v])/2, written out (ReLU[z] as (z + |z|)/2, the gate I[z > 0] as
    (1 + sign z)/2, which is one half only at z = 0, a point of probability zero) and split into
    constant multiples of the expectations of its terms. Two expectations whose even parts agree are
    equal for every such distribution, and that is all the checker can conclude from them. At the
    checker's random points E[X] is the value of its (even) body there.
    """

    nargs = 2
    _imp_ = staticmethod(lambda body, v: body)

    @classmethod
    def eval(cls, body, v):
        written = (body + body.xreplace({v: -v})).replace(
            lambda e: isinstance(e, (ReLU, Gate)), lambda e: e.doit())
        even = sp.expand(written / 2)
        if not even.has(v):
            return even  # a constant is its own expectation
        parts = [term.as_independent(v, as_Add=False) for term in sp.Add.make_args(even)]
        if len(parts) == 1 and parts[0][0] == 1 and parts[0][1] == body:
            return None  # already a term of the normal form
        return sp.Add(*(c * rest if not rest.has(v) else c * cls(rest, v) for c, rest in parts))

    def _latex(self, printer):
        return E(printer._print(self.args[0])).name  # sized as a named expectation of the same body is


class Gate(sp.Function):
    """The ReLU's gate I[z > 0], its derivative: one where z is positive, zero where it is negative."""

    nargs = 1
    _imp_ = staticmethod(lambda z: (1 + mpmath.sign(z)) / 2)

    def doit(self, **hints):
        z = self.args[0].doit(**hints) if hints.get("deep", True) else self.args[0]
        return (1 + sp.sign(z)) / 2

    def _latex(self, printer):
        z = self.args[0]
        if z.could_extract_minus_sign():
            return rf"\mathbb{{I}}\mathopen{{}}\left[{printer._print(-z)} < 0\right]\mathclose{{}}"
        return rf"\mathbb{{I}}\mathopen{{}}\left[{printer._print(z)} > 0\right]\mathclose{{}}"


def E(body: str) -> sp.Symbol:
    """An expectation the checker treats as a name: its value comes from the derivation's definitions.

    Printed as the prose writes one, E[h_j^2], with plain brackets; a body with a fraction gets
    brackets that grow, after \\mathopen{}, which keeps \\left[ from adding a thin space after the
    letter (E [h_j] beside E[h_j h_k] typed in the prose).
    """
    if r"\frac" in body:
        return sp.Symbol(rf"\mathbb{{E}}\mathopen{{}}\left[{body}\right]")
    return sp.Symbol(rf"\mathbb{{E}}[{body}]")


def Ex(body: sp.Expr, v: sp.Symbol) -> Expectation:
    return Expectation(body, v, evaluate=False)
