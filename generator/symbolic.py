"""SymPy's half of a proof: equal things written alike, and a difference reduced to zero.

``canonical`` resolves defined names, evaluates derivatives and writes the sigmoid with exp,
so that two sides that are equal look alike; ``symbolically_equal`` then tries cheap normal
forms before SymPy's general simplifier, and sums over a symbolic range by induction.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

import sympy as sp

from .notation import sig, wrong_sin


def canonical(expr: sp.Expr, definitions: Mapping[sp.Basic, sp.Expr] | None = None) -> sp.Expr:
    """Resolve defined names, evaluate derivatives, write sig with exp: equal things look alike."""
    return _canonical(sp.sympify(expr), tuple((definitions or {}).items()))


@functools.lru_cache(maxsize=256)  # a chain's inner steps are each compared twice: made alike once
def _canonical(expr: sp.Expr, definitions: tuple[tuple[sp.Basic, sp.Expr], ...]) -> sp.Expr:
    expr = _evaluated(expr)
    table = {_evaluated(k): _evaluated(v) for k, v in definitions}
    for _ in range(10):
        resolved = _evaluated(expr.xreplace(table))
        if resolved == expr:
            break
        expr = resolved
    expr = expr.replace(lambda e: isinstance(e, sp.Derivative), lambda d: d.doit(deep=False))
    expr = expand_finite_sums(expr)
    return expr.rewrite(sp.exp) if expr.has(sig, wrong_sin) else expr


def _evaluated(expr: sp.Basic) -> sp.Basic:
    """Rebuild a tree made with evaluate=False so that t+1 and 1+t become the same object."""
    if not expr.args or isinstance(expr, sp.Derivative):
        return expr if not isinstance(expr, sp.Derivative) else expr.func(_evaluated(expr.expr), *expr.variable_count)
    return expr.func(*[_evaluated(a) for a in expr.args])


def expand_finite_sums(expr: sp.Expr) -> sp.Expr:
    """Write a sum with numeric bounds as its terms (cheaper and surer than Sum.doit)."""

    def expand(s: sp.Sum) -> sp.Expr:
        result = s.function
        for var, lower, upper in reversed(s.limits):
            if not (lower.is_Integer and upper.is_Integer):
                return s
            result = sp.Add(*[result.subs(var, j) for j in range(int(lower), int(upper) + 1)])
        return result

    return expr.replace(lambda e: isinstance(e, sp.Sum), expand)


def _peel_sums(expr: sp.Expr) -> sp.Expr:
    """Sum over k..n+c  ->  Sum over k..n  plus c explicit terms, so induction steps line up."""

    def peel(s: sp.Sum) -> sp.Expr:
        if len(s.limits) != 1:
            return s
        var, lower, upper = s.limits[0]
        shift, base = sp.sympify(upper).as_coeff_Add()
        if shift.is_Integer and shift > 0 and base != 0:
            extra = sum(s.function.subs(var, base + j) for j in range(1, int(shift) + 1))
            return sp.Sum(s.function, (var, lower, base)) + extra
        return s

    return expr.replace(lambda e: isinstance(e, sp.Sum), peel)


def same_sum_terms(left: sp.Expr, right: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """Two sums over the same range are equal when their terms are: compare those instead."""
    while isinstance(left, sp.Sum) and isinstance(right, sp.Sum) and left.limits == right.limits:
        left, right = left.function, right.function
    return left, right


def _by_induction(difference: sp.Expr, normal_form: Callable[[sp.Expr], sp.Expr]) -> sp.Expr:
    """Zero if ``difference`` = (a sum up to an integer t) - g(t) vanishes by induction on t, else itself.

    The base is the least t its assumptions allow (the sum written out), the step d(t+1) - d(t)
    with the sum's last term peeled off. Sound for every integer t from that least value on, and
    much cheaper than SymPy's closed-form summation, which solves for a telescoping form.
    """
    sums = difference.atoms(sp.Sum)
    if len(sums) != 1:
        return difference
    (total,) = sums
    if len(total.limits) != 1:
        return difference
    _, lower, t = total.limits[0]
    least = 1 if t.is_positive else 0 if t.is_nonnegative else None
    if not (t.is_Symbol and t.is_integer and least is not None and lower.is_Integer and least >= lower - 1) \
            or total.function.has(t):
        return difference
    base = expand_finite_sums(difference.subs(t, least))
    step = _peel_sums(difference.subs(t, t + 1)) - difference
    return sp.S.Zero if normal_form(base) == 0 and normal_form(sp.expand(step)) == 0 else difference


def symbolically_equal(left: sp.Expr, right: sp.Expr) -> bool:
    left, right = same_sum_terms(left, right)
    difference = left - right
    if difference == 0:
        return True
    cancel = lambda d: sp.cancel(sp.expand_power_exp(d))  # noqa: E731  rational in exp atoms: quick
    # Cheap normal forms first; SymPy's general simplify only when they cannot decide.
    for attempt in (cancel, lambda d: sp.expand(_peel_sums(d)), lambda d: _by_induction(d, cancel),
                    lambda d: cancel(d.doit()),
                    lambda d: sp.simplify(sp.expand(_peel_sums(d))), lambda d: sp.simplify(sp.expand(d.doit())),
                    lambda d: sp.simplify(sp.factor_terms(sp.simplify(sp.expand(d))))):
        try:
            if attempt(difference) == 0:
                return True
        except (sp.PolynomialError, NotImplementedError):
            continue
    return False
