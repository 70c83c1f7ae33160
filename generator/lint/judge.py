"""One step, judged by the project's own checker, with a counterexample a person can verify.

``proofs.compare`` decides (SymPy's difference reduced to zero, and agreement at random exact
points). Here it is given samplers that draw small integers and simple fractions first, so a
false step comes back "at phi_0 = 1, x_1 = -1/2: left = ..., right = ..." rather than at
-37/13. Only when those points cannot refute a step that SymPy could not prove either is it
tried again at the checker's usual points; a step equal everywhere tried but not proven is
``unproven``, never ``holds``. SymPy is given a time budget per step, so one hard expression
cannot stall the whole file.
"""

from __future__ import annotations

import functools
import re
import signal
from contextlib import contextmanager
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from ..errors import ProofError
from ..notation import sig
from ..proofs import compare
from ..symbolic import canonical
from .findings import StepFinding
from .sums import equal_by_ranges

SIMPLE = [sp.Integer(v) for v in (1, 2, -1, 0, 3, -2)] + [sp.Rational(*v) for v in ((1, 2), (-1, 2), (3, 2), (1, 3))]
POSITIVE = [sp.Integer(v) for v in (1, 2, 3)] + [sp.Rational(*v) for v in ((1, 2), (1, 3), (3, 2))]
UNIT = [sp.Rational(*v) for v in ((1, 2), (1, 3), (2, 3), (1, 4), (3, 4))]
LABELS = [sp.Integer(0), sp.Integer(1)]
RATES = {"beta", "alpha", "gamma", "eta", "rho", "lambda"}  # step sizes and decay rates: in (0, 1)
SECONDS = 30


class Timeout(Exception):
    pass


@contextmanager
def budget(seconds: float):
    """Raise Timeout inside the block after ``seconds`` (where SIGALRM exists, in the main thread)."""
    try:
        previous = signal.signal(signal.SIGALRM, _ring)
    except (ValueError, AttributeError):  # not the main thread, or no SIGALRM: no budget
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _ring(signum, frame):
    raise Timeout()


def in_log(*exprs: sp.Basic) -> set:
    """Reals inside a logarithm's argument: ``log[ab] = log[a] + log[b]`` is meant for a, b > 0.

    sig and exp are positive by themselves, so an argument built from them leaves its symbols free.
    """
    positive = set()
    for e in exprs:
        for lg in e.atoms(sp.log):
            if not lg.args[0].has(sp.exp, sig):
                positive |= {s for s in lg.args[0].free_symbols if isinstance(s, sp.Symbol) and not s.is_integer}
                positive |= {a.base.label for a in lg.args[0].atoms(sp.Indexed)}
    return positive


def prepared(left: sp.Basic, right: sp.Basic) -> tuple[sp.Basic, sp.Basic]:
    """The two sides as the checker should see them: hyperbolic functions in exp, a log's reals
    positive (so SymPy may use log[ab] = log[a] + log[b]), sums over one range gathered."""
    left, right = gather_sums(canonical(left)), gather_sums(canonical(right))
    twins = {s: sp.Symbol(s.name, positive=True) for s in in_log(left, right) if isinstance(s, sp.Symbol)
             and not s.is_positive and any(s in e.free_symbols for e in (left, right))}
    hyperbolic = (sp.tanh, sp.sinh, sp.cosh)
    out = []
    for e in (left, right):
        e = e.xreplace(twins)
        if e.has(*hyperbolic):
            e = e.replace(lambda f: isinstance(f, hyperbolic), lambda f: f.rewrite(sp.exp))
        out.append(e)
    return out[0], out[1]


def simple_samplers(*exprs: sp.Basic, labels: frozenset[str] = frozenset()) -> dict:
    """Small integers and halves for every real, 0..3 for every integer (1..3 if positive), and 0
    or 1 for a name the key declares a label (``y \\in \\{0, 1\\}``), so a counterexample is a
    point of the key's own domain."""
    out: dict = {}
    positive = in_log(*exprs)
    for e in exprs:
        for a in e.atoms(sp.Indexed):
            pool = (LABELS if a.base.label.name in labels else POSITIVE if a.base.label in positive else SIMPLE)
            out[a.base.label] = lambda rng, pool=pool: rng.choice(pool)
        for s in e.free_symbols:
            if isinstance(s, (sp.Idx, sp.Indexed)) or not isinstance(s, sp.Symbol):
                continue
            if s.is_integer:
                low = 1 if s.is_positive else 0
                out[s] = lambda rng, low=low: sp.Integer(rng.randint(low, 3))
            elif s in positive or s.is_positive:
                out[s] = lambda rng: rng.choice(POSITIVE)
            elif s.name in labels:
                out[s] = lambda rng: rng.choice(LABELS)
            elif s.name in RATES:
                out[s] = lambda rng: rng.choice(UNIT)
            else:
                out[s] = lambda rng: rng.choice(SIMPLE)
    return out


def obstacles(left: sp.Basic, right: sp.Basic) -> str | None:
    """Why a step cannot be judged at all (a name never defined, a derivative of one), or None."""
    for side in (left, right):
        for e in (side if isinstance(side, sp.MatrixBase) else [side]):
            undefined = sorted(e.atoms(AppliedUndef), key=sp.default_sort_key)
            if undefined:
                return f"{sp.sstr(undefined[0])} is not defined before this line"
            for d in e.atoms(sp.Derivative):
                if not d.expr.has(*d.variables) and not d.expr.is_number:
                    return (f"the derivative of {sp.sstr(d.expr)} in {', '.join(map(sp.sstr, d.variables))}: "
                            f"{sp.sstr(d.expr)} is not defined as a function of it before this line")
    return None


def judge(left: sp.Basic, right: sp.Basic, step: StepFinding, seed: int = 0,
          labels: frozenset[str] = frozenset()) -> StepFinding:
    """Fill ``step`` with the verdict on left = right."""
    step.left, step.right = _text(left), _text(right)
    reason = obstacles(left, right)
    if reason:
        step.status, step.reason = "not understood", reason
        return step
    if isinstance(left, sp.MatrixBase) or isinstance(right, sp.MatrixBase):
        if not (isinstance(left, sp.MatrixBase) and isinstance(right, sp.MatrixBase)) or left.shape != right.shape:
            step.status, step.reason = "not understood", "a vector on one side and not the same shape on the other"
            return step
        for n, (a, b) in enumerate(zip(left, right)):
            entry = StepFinding(step.line, "", step.claim)
            _scalar(a, b, entry, seed + n, labels)
            if entry.status != "holds":  # the first entry that does not hold speaks for the vector
                step.status, step.reason = entry.status, (f"entry {n + 1}: " + entry.reason).strip(": ")
                step.counterexample, step.left_value, step.right_value = (entry.counterexample, entry.left_value,
                                                                          entry.right_value)
                step.point = entry.point
                step.left, step.right = f"entry {n + 1}: {entry.left}", f"entry {n + 1}: {entry.right}"
                return step
        step.status = "holds"
        return step
    return _scalar(left, right, step, seed, labels)


def gather_sums(expr: sp.Basic) -> sp.Basic:
    """c * Sum(f, L) + Sum(g, L) as Sum(c f + g, L) when c does not depend on the index.

    Sound for any range L, and it lets the checker compare terms (``2 sum x_i r_i`` against
    ``sum 2 x_i r_i``) instead of asking SymPy to evaluate sums in closed form, which can take
    many seconds or fail.
    """
    terms = sp.Add.make_args(sp.expand(expr, deep=False, mul=True, multinomial=False, power_exp=False,
                                       power_base=False, log=False))
    limits, bodies = None, []
    for term in terms:
        sums = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.Sum)]
        if len(sums) != 1:
            return expr
        (total,) = sums
        coefficient = sp.Mul(*[f for f in sp.Mul.make_args(term) if f is not total])
        if limits is None:
            limits = total.limits
        if total.limits != limits or any(coefficient.has(v[0]) for v in limits):
            return expr
        bodies.append(coefficient * total.function)
    return sp.Sum(sp.Add(*bodies), *limits) if limits is not None and len(terms) > 0 else expr


def _scalar(left, right, step: StepFinding, seed: int, labels: frozenset[str] = frozenset()) -> StepFinding:
    step.left, step.right = step.left or _text(left), step.right or _text(right)
    outcome = _outcome(left, right, seed, labels)
    step.status, step.reason = outcome.status, outcome.reason or step.reason
    if outcome.point is not None:
        step.point = dict(outcome.point)
        step.counterexample = {_plain(k): v for k, v in outcome.point}
        step.left_value, step.right_value = outcome.left_value, outcome.right_value
    return step


@dataclass(frozen=True)
class _Outcome:
    status: str
    reason: str = ""
    point: tuple[tuple[str, str], ...] | None = None  # a counterexample's point, when the step fails
    left_value: str = ""
    right_value: str = ""


@functools.lru_cache(maxsize=4096)
def _outcome(left, right, seed: int, labels: frozenset[str]) -> _Outcome:
    """The verdict on left = right, remembered: an original's errata read the same lines again
    with other lines corrected, and a line already judged at the same seed is not judged twice."""
    try:
        with budget(SECONDS):
            left, right = prepared(left, right)
            if _symbolic_sums(left, right) and equal_by_ranges(left, right):
                return _Outcome("holds", "proven by lining up the sums' ranges")
            verdict = compare(left, right, simple_samplers(left, right, labels=labels), seed=seed)
            if not verdict.holds and verdict.counterexample is None:
                inside = {k: (lambda rng: sp.Rational(rng.randint(1, 60), rng.randint(7, 20)))
                          for k in in_log(left, right)}
                retry = compare(left, right, inside, seed=seed + 7, points=48)
                verdict = retry if retry.counterexample is not None else verdict
    except Timeout:
        return _Outcome("unproven", f"SymPy did not decide within {SECONDS} s")
    except ProofError as exc:
        return _Outcome("not understood", exc.message)
    except Exception as exc:  # a SymPy failure on a strange input is a finding, not a crash
        return _Outcome("not understood", f"SymPy could not evaluate it ({type(exc).__name__}: {exc})")
    if not verdict.holds and verdict.counterexample is None:
        try:
            with budget(SECONDS):
                if equal_by_ranges(left, right):
                    return _Outcome("holds", "proven by lining up the sums' ranges")
        except Timeout:
            pass
    if verdict.holds:
        return _Outcome("holds")
    if verdict.counterexample is not None:  # {} when there is nothing to choose: two numbers differ
        return _Outcome("fails", "", tuple(verdict.counterexample.items()), str(verdict.left_value),
                        str(verdict.right_value))
    return _Outcome("unproven", "equal at every point tried, but SymPy could not reduce the difference to zero")


def _symbolic_sums(*exprs: sp.Basic) -> bool:
    """Is there a sum whose range is not a number (to t, to I)? SymPy's simplifier is slow on those."""
    return any(not all(x.is_number for lim in s.limits for x in lim[1:]) for e in exprs for s in e.atoms(sp.Sum))


def _text(e: sp.Basic) -> str:
    if isinstance(e, sp.MatrixBase):
        return "[" + "; ".join(_text(x) for x in e) + "]"
    return sp.sstr(e, order="none")


def _plain(tex: str) -> str:
    """LaTeX of an atom as plain text: \\phi_{0} -> phi_0, \\mathbf{m}_{0} -> m_0, g_{1,t} kept."""
    out = re.sub(r"\\(?:mathbf|boldsymbol|bm)\{([^{}]*)\}", r"\1", tex)
    for _ in range(3):
        out = re.sub(r"\{([^{},]*)\}", r"\1", out)
    return out.replace("\\", "")


def to_places(a, b, places: int, step: StepFinding, left_text: str, right_text: str) -> StepFinding:
    """Two constants, one written as a rounded decimal: equal to the places shown."""
    step.left, step.right = left_text, right_text
    try:
        value = sp.N(a, 30)
        exact = sp.N(b, 30)
        difference = abs(complex(value - exact))
    except (TypeError, ValueError) as exc:
        step.status, step.reason = "not understood", f"not a number ({exc})"
        return step
    tolerance = 0.5 * 10 ** -places * (1 + 1e-9)
    step.left_value, step.right_value = str(sp.N(a, 8)), str(b)
    if difference <= tolerance:
        step.status = "holds"
        step.reason = f"to the {places} decimal places shown"
    else:
        step.status = "fails"
        step.counterexample = {}
        shown = f"{float(b):.{places}f}"
        step.reason = f"the left side is {sp.N(a, places + 4)}, which does not round to {shown}"
    return step
