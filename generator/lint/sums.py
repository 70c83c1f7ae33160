"""Proving two finite sums equal by lining up their ranges, when SymPy's simplifier cannot.

Keys write the same sum in several ways: ``\\sum_{k=0}^{t-1} \\beta^{t-1-k} g_k`` and
``\\sum_{j=1}^{t} \\beta^{j-1} g_{t-j}``, or an induction step in which one sum runs one term
further than the other. Each rewriting here is an identity of finite sums, valid for every
upper bound at least one below the lower bound (an empty sum is zero):

* shift: a sum from ``a`` becomes a sum from 0 (``k -> k + a``);
* peel: a sum to ``u + c`` becomes the sum to ``u + c'`` (``c' < c``) plus its last terms;
* reverse: a sum over ``0..u`` of ``f(k)`` is the sum of ``f(u - k)``;
* merge: sums over the same range, times factors free of the index, are one sum.

The difference of the two sides, rewritten so, is proven zero only if both the merged body (for
every index) and what is left outside the sums are proven zero by ``proofs.compare``; otherwise
nothing is claimed.
"""

from __future__ import annotations

from itertools import product

import sympy as sp

from ..proofs import compare

K = sp.Symbol("k_", integer=True, nonnegative=True)


def _shifted(s: sp.Sum):
    """(body in K, upper) of a one-index sum from an integer lower limit, shifted to start at 0."""
    if len(s.limits) != 1:
        return None
    var, lower, upper = s.limits[0]
    if not lower.is_Integer:
        return None
    return s.function.xreplace({var: K + lower}), sp.expand(upper - lower)


def _split(upper: sp.Expr):
    base, shift = sp.S.Zero, sp.S.Zero
    for term in sp.Add.make_args(upper):
        if term.is_Integer:
            shift += term
        else:
            base += term
    return base, shift


def _parts(difference: sp.Expr):
    """The difference as [(coefficient, body, base, shift)] for its sums, and the rest."""
    sums, rest = [], sp.S.Zero
    for term in sp.Add.make_args(sp.expand_mul(difference)):
        factors = sp.Mul.make_args(term)
        found = [f for f in factors if isinstance(f, sp.Sum)]
        if len(found) != 1:
            if term.has(sp.Sum):
                return None
            rest += term
            continue
        shifted = _shifted(found[0])
        if shifted is None:
            return None
        coefficient = sp.Mul(*[f for f in factors if f is not found[0]])
        body, upper = shifted
        base, shift = _split(upper)
        sums.append((coefficient, body, base, shift))
    return sums, rest


def _zero(expr: sp.Expr, seed: int) -> bool:
    try:
        return compare(expr, sp.S.Zero, seed=seed).holds
    except Exception:
        return False


def equal_by_ranges(left: sp.Expr, right: sp.Expr) -> bool:
    """Is left - right zero once the sums in it are shifted, peeled, reversed and merged?"""
    parts = _parts(left - right)
    if parts is None:
        return False
    sums, rest = parts
    if not sums or len({b for _, _, b, _ in sums}) != 1 or len(sums) > 4:
        return False
    base = sums[0][2]
    low = min(shift for _, _, _, shift in sums)
    if low < -1 or not (base.is_nonnegative or base == 0):
        return False
    upper = base + low
    for flips in product((False, True), repeat=len(sums)):
        body, outside = sp.S.Zero, rest
        for (coefficient, term, _, shift), flip in zip(sums, flips):
            if coefficient.has(K):
                return False
            extra = sum((term.xreplace({K: upper + j}) for j in range(1, int(shift - low) + 1)), sp.S.Zero)
            if flip:
                term = term.xreplace({K: upper - K})
            body += coefficient * term
            outside += coefficient * extra
        if _zero(sp.expand(body), 1) and _zero(sp.expand(outside), 2):
            return True
    return False
