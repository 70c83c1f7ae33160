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
from .notation import inline_tex, tex
from .numbers import SympyLatex
from .symbolic import canonical, expand_finite_sums, same_sum_terms, symbolically_equal
from .tex_shapes import latex_length, written_alike

POINTS = 24
PRECISION = 100  # digits; sampled exp[-z] can be 1e-35, so 1 - sig[z] loses that many
CONSTANT_PRECISION = 50  # digits: ten beyond the tolerance of a comparison (1e-40)

Sampler = Callable[[random.Random], sp.Expr]
CHECKED_WITH_WIDTH = 160  # characters of LaTeX: a longer definition is named in the audit, not printed
ASSUMED = "assumed: "  # the opening of a reason that states an assumption, printed on the key too


@dataclass(frozen=True)
class Step:
    """One line of a derivation: the expression and why it follows from the previous line.

    ``why`` is prose: symbols are fine, numerals are not (they would bypass the ledger).
    """

    expr: sp.Expr
    why: str = ""
    # an assumed step that is the assumption itself, read back by how the check reads its notation
    # (the gate's value at zero, say): taken as given, like one a definition states
    given: bool = False

    @property
    def assumed(self) -> bool:
        """Does this step rest on an assumption of the question (symmetry, independence, a
        distribution) that its expressions encode? Then its reason begins with ``ASSUMED``, and
        the checker proves the algebra, not the assumption."""
        return self.why.startswith(ASSUMED)


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
    reading: str = ""  # how the check reads a notation, where that is a convention: the audit says so

    @property
    def chain(self) -> tuple[sp.Expr, ...]:
        """What is proven: lhs = step 1 = step 2 = ...; names in lhs resolved by ``definitions``."""
        head = (self.lhs,) if self.lhs is not None else ()
        return head + tuple(s.expr for s in self.steps)

    @functools.cached_property
    def written_out(self) -> tuple[sp.Expr, ...]:
        """The chain with every defined name replaced by what it stands for, as often as it takes,
        and nothing computed (N = 10^6 in 4 N^2 gives 4 (10^6)^2, not 4 10^12)."""
        def out(expr: sp.Expr) -> sp.Expr:
            for _ in range(len(self.definitions) + 1):
                expr = expr.xreplace(dict(self.definitions))
            return expr
        with sp.evaluate(False):  # once for the chain: each switch empties SymPy's cache
            return tuple(out(e) for e in self.chain)

    @functools.cached_property
    def constant(self) -> tuple[bool, ...]:
        """For each step, do its two sides, the defined names written out, have no variable left
        (the values all given)? Then one point is the check: any other would compare the same two
        numbers again. The checker and the audit's count both read this."""
        chain = self.written_out
        return tuple(not (a.free_symbols | b.free_symbols) for a, b in zip(chain, chain[1:]))

    @property
    def points(self) -> int:
        """The points the checker evaluates for the whole chain: POINTS a step, one a constant step."""
        return sum(1 if constant else POINTS for constant in self.constant)

    @property
    def constant_steps(self) -> int:
        return sum(self.constant)

    @property
    def previous_lines(self) -> tuple[sp.Expr | None, ...]:
        """The line each step follows: the left-hand side for the first (None when there is none)."""
        return (self.lhs, *(s.expr for s in self.steps[:-1]))

    @functools.cached_property  # read by the render model: its count, its derivations, each step's flag
    def restating(self) -> tuple[bool, ...]:
        """For each step: does it only write out defined names (the check reads the definitions
        back, and confirms no more than that)? The two lines are the same once every name is
        written out, or the step is the line before with a name written out. The audit names them."""
        # unevaluated, all at once: SymPy empties its whole cache each time evaluation is switched
        with sp.evaluate(False):
            shape = {line: _shape(out) for line, out in zip(self.chain, self.written_out)}
        return tuple(before is not None and (
            shape[before] == shape[s.expr]
            or any(_written_out_before(name, value, before, s.expr) for name, value in self.definitions.items()))
            for before, s in zip(self.previous_lines, self.steps))

    @property
    def restating_steps(self) -> int:
        return sum(self.restating)

    @property
    def confirmed(self) -> tuple[bool, ...]:
        """For each step: does the check confirm more than its definitions and assumptions state
        (it neither restates the line before nor rests on an assumption)? An assumed step the
        check reads as algebra is checked given its assumption, which is what makes it hold."""
        return tuple(not (r or s.assumed) for r, s in zip(self.restating, self.steps))

    @property
    def algebra_given_assumption(self) -> tuple[bool, ...]:
        """For each step: assumed, neither taken as given nor restating, so checked as algebra
        with the assumption built into how the check reads it."""
        return tuple(s.assumed and not (g or r) for s, g, r in zip(self.steps, self.given_steps, self.restating))

    @functools.cached_property
    def given_steps(self) -> tuple[bool, ...]:
        """For each step: assumed, and stated by a definition the check reads, so that checking it
        reads the assumption back (the step is taken as given; its points compare it with itself)."""
        return tuple(s.assumed and (s.given or any(_states(name, value, before, s.expr)
                                                   for name, value in self.definitions.items()))
                     for before, s in zip(self.previous_lines, self.steps))

    @property
    def lhs_latex(self) -> str:
        return tex(self.lhs, f"{self.key} left-hand side") if self.lhs is not None else ""

    @functools.cached_property  # read by the render model and by its proof summary: rendered once
    def checked_with(self) -> tuple[tuple[SympyLatex, SympyLatex | None, bool, SympyLatex], ...]:
        """What the check reads each defined name in the chain as, for the audit: (name, value,
        assumed, whole value) in LaTeX, the value None where it is too long to print in a note (written
        out in the question's symbols; the audit's list of definitions prints it whole), ``assumed`` when
        the value is an assumed step's expression: that step is then taken as given, not proven, and the
        audit says so."""
        assumed = [(b, s.expr) for b, s in zip(self.previous_lines, self.steps) if s.assumed]
        used, pending = [], [k for k in self.definitions if any(e.has(k) for e in self.chain)]
        while pending:
            name = pending.pop(0)
            if name not in used:
                used.append(name)
                pending += [k for k in self.definitions if k not in used and self.definitions[name].has(k)]
        printed = []
        for name in used:
            # in a line of text: fractions with a slash, as the key's running text writes them
            shown, value = (inline_tex(e, f"{self.key} definition") for e in (name, self.definitions[name]))
            if written_alike(shown) == written_alike(value):  # a name set for display, read as what it shows: sig[z]
                continue
            printed.append((shown, value if latex_length(value) <= CHECKED_WITH_WIDTH else None,
                            any(_states(name, self.definitions[name], before, expr) for before, expr in assumed), value))
        return tuple(printed)

    @property
    def rendered(self) -> tuple[RenderedStep, ...]:
        """The LaTeX of each step, printed from the very objects the checker proved."""
        return tuple(RenderedStep(tex(s.expr, f"{self.key} step {n}"), s.why)
                     for n, s in enumerate(self.steps, start=1))


def _shape(expr: sp.Basic) -> sp.Basic:
    """An expression as written, up to how its products and sums are grouped and ordered and how
    a number or a small power is printed (10^6 or 1000000, 1/2 or 2^-1, a factor one or none, N^2
    or N N): nothing is computed, so 4 (10^6)^2 and 4 10^12 keep different shapes. Called with
    evaluation off, so that what it builds stays as written."""
    if isinstance(expr, sp.Pow) and expr.base.is_Integer and expr.exp.is_Integer and (
            (expr.base == 10 and expr.exp >= 0) or expr.exp == -1):
        return sp.Integer(10 ** int(expr.exp)) if expr.exp >= 0 else sp.Rational(1, int(expr.base))
    if isinstance(expr, sp.Pow) and expr.exp.is_Integer and 2 <= expr.exp <= 4:  # N^2 is N times N
        return _shape(sp.Mul(*[expr.base] * int(expr.exp)))
    if not expr.args or isinstance(expr, sp.Number):
        return expr
    args = [_shape(a) for a in expr.args]
    if isinstance(expr, (sp.Mul, sp.Add)):
        args = sorted((b for a in args for b in (a.args if type(a) is type(expr) else (a,))), key=sp.default_sort_key)
        if isinstance(expr, sp.Mul):
            args = [a for a in args if a != 1] or [sp.Integer(1)]
            if len(args) == 1:
                return args[0]
    return expr.func(*args)


def _states(name: sp.Basic, value: sp.Expr, before: sp.Expr | None, step: sp.Expr) -> bool:
    """Does the definition of ``name`` state an assumed step, so that checking the step reads the
    assumption back? It does when it is the step, or when writing it out in the line before gives
    the step (E[h] := sum, and the step replaces E[h] by that sum)."""
    return value == step or _written_out_before(name, value, before, step)


def _written_out_before(name: sp.Basic, value: sp.Expr, before: sp.Expr | None, step: sp.Expr) -> bool:
    """Is the step the line before with ``name`` written out as defined? (A step that only computes
    what a name is defined as, a sum of one term, say, is checked against the line before, which
    does not read the definition.)"""
    return before is not None and before.has(name) and before.xreplace({name: value}) == step


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


LARGEST_INTEGER = 4  # a count (I, t, K, D_h) is drawn from 1 (or 0) to this: sums expand to a few terms
POSITIVE_DENOMINATOR = 30  # a positive quantity is drawn as n/30, n = 1 .. 29
SIGNED_NUMERATOR, SIGNED_DENOMINATORS = 60, (7, 20)  # any other, n/d with |n| <= 60, 7 <= d <= 20


def _default_sampler(symbol: sp.Symbol) -> Sampler:
    """The random exact points of a symbol without a sampler of its own (the audit says these ranges)."""
    if symbol.is_integer:
        lowest = 1 if symbol.is_positive else 0
        return lambda rng: sp.Integer(rng.randint(lowest, LARGEST_INTEGER))
    if symbol.is_positive:
        return lambda rng: sp.Rational(rng.randint(1, POSITIVE_DENOMINATOR - 1), POSITIVE_DENOMINATOR)
    return lambda rng: sp.Rational(rng.randint(-SIGNED_NUMERATOR, SIGNED_NUMERATOR), rng.randint(*SIGNED_DENOMINATORS))


def _evaluator(exprs: tuple[sp.Expr, ...], integers: tuple):
    """Expand finite sums for these integer choices; return the atoms and an mpmath function."""
    expanded = [expand_finite_sums(e.xreplace(dict(integers))) for e in exprs]
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
    if not atoms:  # constants (definite integrals, say): one quadrature each, whichever step they meet
        return atoms, lambda: [_constant(p) for p in plain]
    return atoms, _lambdified(dummies, plain)


def _lambdified(arguments: list[sp.Symbol], exprs: list[sp.Expr]):
    return sp.lambdify(arguments, exprs, modules="mpmath", dummify=False, printer=_mpmath_printer(),
                       docstring_limit=0)  # no docstring: printing one for people costs as much


@functools.lru_cache(maxsize=256)
def _constant(expr: sp.Expr):
    """A constant's value to CONSTANT_PRECISION digits, found once: a step and the next share
    their expressions, so each definite integral of a chain is integrated once, not once per
    comparison it is in. No point is sampled, so no cancellation calls for PRECISION's digits."""
    with mpmath.workdps(CONSTANT_PRECISION):
        return _lambdified([], [expr])()[0]


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
    exprs = same_sum_terms(canonical(left, definitions), canonical(right, definitions))
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
        verdict = compare(before, after, derivation.samplers, seed=number, definitions=derivation.definitions,
                          points=1 if derivation.constant[number - 1] else POINTS)
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
class Fact:
    """A yes-or-no reading of a computation that chooses the key's words (``fits``, ``does not fit``):
    the audit lists each with its meaning, so a sentence's claim is as traceable as a number."""

    name: str
    value: bool
    meaning: str


@dataclass(frozen=True)
class NumericCheck:
    """A numeric cross-check: a measured discrepancy against a stated tolerance."""

    key: str
    problem: str
    description: str  # what is compared, and how: one table row of the audit
    error: float
    tolerance: float
    note: str = ""  # what the check shows and what it does not: a note below the audit's table

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
