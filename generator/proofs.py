"""Derivations as data, and the checker that proves each step equal to the one before it.

A step is accepted only if (a) SymPy simplifies the difference of the two sides to zero and
(b) both sides agree at ``POINTS`` random points drawn as exact rationals (evaluated with
100 significant digits, agreement to 40). The same checker judges the handout's original
statements for the errata: a false statement comes back with its counterexample point.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import sympy as sp

from .errors import ProofError
from .notation import sig, tex, wrong_sin

POINTS = 24
PRECISION = 100  # digits; sampled exp[-z] can be 1e-35, so 1 - sig[z] loses that many

Sampler = Callable[[random.Random], sp.Expr]


@dataclass(frozen=True)
class Step:
    """One line of a derivation: the expression and why it follows from the previous line.

    ``why`` is prose: symbols are fine, numerals are not (they would bypass the ledger).
    """

    expr: sp.Expr
    why: str = ""


@dataclass(frozen=True)
class RenderedStep:
    latex: str
    why: str


@dataclass(frozen=True)
class Derivation:
    """A chain of steps, each equal to the previous one. ``lhs`` is printed once, before the chain."""

    key: str
    problem: str
    title: str
    steps: tuple[Step, ...]
    lhs: sp.Expr | None = None
    samplers: Mapping[sp.Symbol, Sampler] = field(default_factory=dict)
    definitions: Mapping[sp.Basic, sp.Expr] = field(default_factory=dict)

    @property
    def chain(self) -> tuple[sp.Expr, ...]:
        """What is proven: lhs = step 1 = step 2 = ...; names in lhs resolved by ``definitions``."""
        head = (self.lhs,) if self.lhs is not None else ()
        return head + tuple(s.expr for s in self.steps)

    @property
    def lhs_latex(self) -> str:
        return tex(self.lhs, f"{self.key} left-hand side") if self.lhs is not None else ""

    @property
    def rendered(self) -> tuple[RenderedStep, ...]:
        """The LaTeX of each step, printed from the very objects the checker proved."""
        return tuple(RenderedStep(tex(s.expr, f"{self.key} step {n}"), s.why)
                     for n, s in enumerate(self.steps, start=1))


@dataclass(frozen=True)
class Verdict:
    """The outcome of comparing two expressions."""

    holds: bool
    symbolic: bool
    points: int
    counterexample: Mapping[str, str] | None = None
    left_value: sp.Expr = sp.Integer(0)
    right_value: sp.Expr = sp.Integer(0)

    def describe_counterexample(self) -> str:
        if self.counterexample is None:
            return "SymPy could not reduce the difference to zero"
        at = ", ".join(f"{k} = {v}" for k, v in self.counterexample.items())
        where = f"at {at}" if at else "with no free symbols"  # a constant: its one value is the counterexample
        return f"{where}: left = {self.left_value}, right = {self.right_value}"


@dataclass(frozen=True)
class ProofRecord:
    key: str
    problem: str
    title: str
    steps: int
    points: int
    seconds: float


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
    expr = _expand_finite_sums(expr)
    return expr.rewrite(sp.exp) if expr.has(sig, wrong_sin) else expr


def _evaluated(expr: sp.Basic) -> sp.Basic:
    """Rebuild a tree made with evaluate=False so that t+1 and 1+t become the same object."""
    if not expr.args or isinstance(expr, sp.Derivative):
        return expr if not isinstance(expr, sp.Derivative) else expr.func(_evaluated(expr.expr), *expr.variable_count)
    return expr.func(*[_evaluated(a) for a in expr.args])


def _expand_finite_sums(expr: sp.Expr) -> sp.Expr:
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


def _same_sum_terms(left: sp.Expr, right: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
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
    base = _expand_finite_sums(difference.subs(t, least))
    step = _peel_sums(difference.subs(t, t + 1)) - difference
    return sp.S.Zero if normal_form(base) == 0 and normal_form(sp.expand(step)) == 0 else difference


def symbolically_equal(left: sp.Expr, right: sp.Expr) -> bool:
    left, right = _same_sum_terms(left, right)
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


def _default_sampler(symbol: sp.Symbol) -> Sampler:
    if symbol.is_integer:
        lowest = 1 if symbol.is_positive else 0
        return lambda rng: sp.Integer(rng.randint(lowest, 4))
    if symbol.is_positive:
        return lambda rng: sp.Rational(rng.randint(1, 29), 30)
    return lambda rng: sp.Rational(rng.randint(-60, 60), rng.randint(7, 20))


def _evaluator(exprs: tuple[sp.Expr, ...], integers: tuple):
    """Expand finite sums for these integer choices; return the atoms and an mpmath function."""
    expanded = [_expand_finite_sums(e.xreplace(dict(integers))) for e in exprs]
    labels = {b.label for e in expanded for b in e.atoms(sp.IndexedBase)}
    indices = {j for e in expanded for a in e.atoms(sp.Indexed) for j in a.indices}
    atoms = sorted(set().union(*(e.atoms(sp.Indexed) for e in expanded))
                   | {a for e in expanded for a in e.free_symbols
                      if not a.is_integer or isinstance(a, sp.Idx)} - labels - indices, key=str)
    # Plain symbols with fresh names: every atom is replaced, so none can clash, and lambdify
    # re-substitutes Dummy arguments through the whole expression once per argument.
    dummies = [sp.Symbol(f"_atom{n}") for n in range(len(atoms))]
    plain = [e.xreplace(dict(zip(atoms, dummies))) for e in expanded]
    plain = [p.replace(lambda f: isinstance(f, sp.Function) and hasattr(f, "_eval_rewrite_as_exp"),
                       lambda f: f.rewrite(sp.exp)) for p in plain]
    function = sp.lambdify(dummies, plain, modules="mpmath", dummify=False, printer=_mpmath_printer(),
                           docstring_limit=0)  # no docstring: printing one for people costs as much
    if not atoms:  # a constant (a definite integral, say) has one value: one quadrature, not one a point
        function = functools.lru_cache(maxsize=1)(function)
    return atoms, function


def _mpmath_printer():
    """lambdify's mpmath printer, but with a sum's terms in the order SymPy stores them: sorting
    them for a human reader is most of the printing, and the value does not depend on it."""
    from sympy.printing.pycode import MpmathPrinter

    return MpmathPrinter({"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True,
                          "user_functions": {}, "order": "none"})


def _as_sympy(value) -> sp.Expr:
    """An mpmath result as a SymPy number: exact when it is a simple fraction (so a person can check
    it by hand), else with eight significant digits (complex if it is)."""
    if mpmath.im(value) == 0:
        real = mpmath.re(value)
        fraction = Fraction(mpmath.nstr(real, 60)).limit_denominator(10**4)
        if abs(real - mpmath.mpf(fraction.numerator) / fraction.denominator) <= mpmath.mpf(10) ** -50 * (1 + abs(real)):
            return sp.Rational(fraction.numerator, fraction.denominator)
    re_part, im_part = (sp.Float(mpmath.nstr(v, 8), 8) for v in (mpmath.re(value), mpmath.im(value)))
    return re_part if im_part == 0 else re_part + sp.I * im_part


def _sample(atom, samplers: Mapping[sp.Symbol, Sampler], rng: random.Random) -> sp.Rational:
    if isinstance(atom, sp.Indexed):
        return samplers.get(atom.base.label, _default_sampler(sp.Symbol("v", real=True)))(rng)
    return samplers.get(atom, _default_sampler(atom))(rng)


def compare(left: sp.Expr, right: sp.Expr, samplers: Mapping[sp.Symbol, Sampler] | None = None,
            *, seed: int = 0, points: int = POINTS,
            definitions: Mapping[sp.Basic, sp.Expr] | None = None) -> Verdict:
    """Do ``left`` and ``right`` agree, symbolically and at ``points`` random points?"""
    samplers = samplers or {}
    rng = random.Random(seed)
    # Sums over the same range are equal when their terms are: check the terms, once.
    exprs = _same_sum_terms(canonical(left, definitions), canonical(right, definitions))
    left, right = exprs
    # Integers that change the shape (bounds, time steps) are drawn; a free summation index is
    # not: x_i at an unspecified i is already an independent atom.
    integer_symbols = sorted({s for e in exprs for s in e.free_symbols if s.is_integer and not isinstance(s, sp.Idx)},
                             key=str)
    evaluators: dict = {}
    checked = 0
    with mpmath.workdps(PRECISION):
        for _ in range(4 * points):  # exactly ``points`` points of the domain, or an error
            if checked == points:
                break
            integers = tuple((s, samplers.get(s, _default_sampler(s))(rng)) for s in integer_symbols)
            if integers not in evaluators:
                evaluators[integers] = _evaluator(exprs, integers)
            atoms, function = evaluators[integers]
            values = [_sample(a, samplers, rng) for a in atoms]
            try:
                lnum, rnum = function(*[mpmath.mpf(v.p) / v.q for v in values])
            except (ZeroDivisionError, ValueError):
                continue  # a pole or a log of a non-positive number: not a point of the domain
            if abs(lnum - rnum) > mpmath.mpf(1) / 10**40 * (1 + abs(lnum) + abs(rnum)):
                shown = {tex(k): str(v) for k, v in integers}
                shown.update({tex(a): str(v) for a, v in zip(atoms, values)})
                return Verdict(False, False, checked, shown, _as_sympy(lnum), _as_sympy(rnum))
            checked += 1
    if checked < points:
        raise ProofError(f"only {checked} of {4 * points} random points were in the domain of {sp.sstr(left)}",
                         hint="give the symbol a sampler that stays in the domain (Derivation.samplers)")
    symbolic = symbolically_equal(left, right)
    return Verdict(symbolic, symbolic, checked)


def check_derivation(derivation: Derivation) -> ProofRecord:
    """Prove every step equal to the previous one; raise ProofError naming the first false step."""
    started = time.perf_counter()
    total_points = 0
    chain = derivation.chain
    offset = 1 if derivation.lhs is not None else 0  # chain[n] is steps[n - offset]
    for number in range(1, len(chain)):
        before, after = chain[number - 1], chain[number]
        verdict = compare(before, after, derivation.samplers, seed=number, definitions=derivation.definitions)
        if not verdict.holds:
            step = derivation.steps[number - offset]
            previous = "the left-hand side" if number - offset == 0 else f"step {number - offset}"
            raise ProofError(
                f"{derivation.problem}, {derivation.title} ({derivation.key}): step {number - offset + 1} "
                f"does not follow from {previous}.\n"
                f"  {previous}: {sp.sstr(before)}\n"
                f"  step {number - offset + 1}: {sp.sstr(after)}  ({step.why})\n"
                f"  counterexample: {verdict.describe_counterexample()}",
                hint="correct that step in the problem's module; the build shows only proven steps",
            )
        total_points += verdict.points
    return ProofRecord(derivation.key, derivation.problem, derivation.title, len(derivation.steps), total_points,
                       time.perf_counter() - started)


@dataclass(frozen=True)
class NumericCheck:
    """A numeric cross-check: a measured discrepancy against a stated tolerance."""

    key: str
    problem: str
    description: str
    error: float
    tolerance: float

    @property
    def holds(self) -> bool:
        return self.error <= self.tolerance


def require(check: NumericCheck) -> NumericCheck:
    if not check.holds:
        raise ProofError(
            f"{check.problem}, {check.description} ({check.key}): discrepancy {check.error:.3g} "
            f"exceeds the tolerance {check.tolerance:.3g}",
            hint="the computation and its closed form disagree; fix the problem's module",
        )
    return check
