"""Errata in words: what an original says wrong, or leaves out, where no equation of it shows it.

``lint`` finds the errata an equation of the original shows (``original.py``). The others are
data: a claim the original makes, as ``left = right``, which the same ``compare`` that proves
the key's derivations must reject with a counterexample, and what the key supplies instead,
which it must prove. An omission has no claim to refute, only what is supplied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import sympy as sp

from .errors import ProofError
from .notation import inline_tex, power_of_ten, tex
from .numbers import Counterexample, SympyLatex
from .proofs import Sampler, Verdict, compare


@dataclass(frozen=True)
class Claim:
    """``left = right`` for every value of the free symbols (names resolved by ``definitions``)."""

    left: sp.Expr
    right: sp.Expr
    samplers: Mapping[sp.Symbol, Sampler] = field(default_factory=dict)
    definitions: Mapping[sp.Basic, sp.Expr] = field(default_factory=dict)

    def latex(self, source: str) -> SympyLatex:
        return tex(sp.Eq(self.left, self.right, evaluate=False), source)

    def judge(self, seed: int = 0) -> Verdict:
        return compare(self.left, self.right, self.samplers, seed=seed, definitions=self.definitions)


@dataclass(frozen=True)
class Claims:
    """Several statements supplied together (a definition and what follows from it): all must hold."""

    claims: tuple[Claim, ...]

    @property
    def left(self) -> sp.Tuple:
        return sp.Tuple(*(c.left for c in self.claims))

    @property
    def right(self) -> sp.Tuple:
        return sp.Tuple(*(c.right for c in self.claims))

    def latex(self, source: str) -> SympyLatex:
        parts = [c.latex(source) for c in self.claims]
        out = SympyLatex(r",\qquad ".join(parts))
        out.source, out.constants = source, tuple(k for p in parts for k in p.constants)
        return out

    def judge(self, seed: int = 0) -> Verdict:
        verdicts = [c.judge(seed=seed + n) for n, c in enumerate(self.claims)]
        failed = [v for v in verdicts if not v.holds]
        return failed[0] if failed else Verdict(True, all(v.symbolic for v in verdicts), sum(v.points for v in verdicts))


@dataclass(frozen=True)
class Erratum:
    """An error of the original that no equation of it shows (``lint`` finds the others).

    ``quote`` is the exact text of the original it concerns: the build stops when the original
    no longer contains it. A claim the original makes (``original``) must be refuted; without one
    the erratum is a wrong word when the key says in words what it should have been
    (``corrected_words``), else an omission. What the key supplies instead (``corrected``) must be proven.
    """

    key: str
    problem_label: str  # the \label of the problem it concerns
    quote: str
    summary: str  # prose, no numerals
    original: Claim | None = None
    corrected: Claim | Claims | None = None
    corrected_words: str = ""  # what the original should have said, in words with $math$ (no claim to prove)

    @property
    def kind(self) -> str:
        """"claim" (refuted at a counterexample), "wording" (corrected in words) or "omission"."""
        return "claim" if self.original is not None else "wording" if self.corrected_words else "omission"


@dataclass(frozen=True)
class JudgedErratum:
    key: str
    problem_label: str
    summary: str
    original_latex: SympyLatex | None
    corrected_latex: SympyLatex | None
    original: Verdict | None
    corrected: Verdict | None

    @property
    def counterexample_latex(self) -> Counterexample | None:
        return counterexample_latex(self.key, self.original) if self.original is not None else None


def readable(*values: sp.Expr) -> tuple[sp.Expr, ...]:
    """Values as a person checks them: a decimal to four significant digits, or more while two
    sides would print alike (an exact fraction stays exact)."""
    for digits in range(4, 9):
        shown = tuple(sp.Float(v, digits) if isinstance(v, sp.Float) else v for v in values)
        if len({str(v) for v in shown}) == len(shown):
            return shown
    return values


def counterexample_latex(key: str, original: Verdict) -> Counterexample:
    """The checker's counterexample: its point and the values of the two sides there."""
    source = f"checker counterexample for erratum {key}"

    def latex(text: str, constants: tuple) -> SympyLatex:
        out = SympyLatex(text)
        out.source, out.constants, out.kind = source, constants, "counterexample"
        return out

    point = original.counterexample or {}
    values = [f"{name} = {inline_tex(sp.Rational(value))}" for name, value in point.items()]
    left, right = (inline_tex(power_of_ten(v) if isinstance(v, sp.Integer) else v)
                   for v in readable(original.left_value, original.right_value))
    return Counterexample(latex(r",\ \allowbreak ".join(values), tuple(point.values())) if values else None,
                          latex(left, tuple(left.constants)), latex(right, tuple(right.constants)))


def refute(e: Erratum, number: int) -> Verdict | None:
    """The original's verdict: refuted at a counterexample point, or the build stops.

    Cheap (a few numeric points), and all the page prints of an erratum besides its statements.
    """
    if e.original is None:
        return None
    original = e.original.judge(seed=number)
    if original.holds or original.counterexample is None:  # refuted means: a point where it fails
        raise ProofError(f"erratum {e.key}: the handout's original statement was not refuted by a counterexample",
                         hint="the erratum is encoded wrongly, or it is not an error")
    return original


def prove_correction(e: Erratum, number: int) -> Verdict | None:
    """The correction's verdict: proven like a derivation step, or the build stops."""
    if e.corrected is None:
        return None
    corrected = e.corrected.judge(seed=number)
    if not corrected.holds:
        raise ProofError(f"erratum {e.key}: the correction does not hold: {corrected.describe_counterexample()}",
                         hint="fix the corrected statement in the errata data")
    return corrected


def statements(e: Erratum) -> tuple[SympyLatex | None, SympyLatex | None]:
    """The original and the corrected statement, as the page prints them."""
    claim = e.original.latex(f"erratum {e.key} original") if e.original is not None else None
    if claim is not None:
        claim.kind = "claimed"  # the claim's numbers are the original's, not notation
    return claim, e.corrected.latex(f"erratum {e.key} corrected") if e.corrected is not None else None


def judged(e: Erratum, printed, original: Verdict | None, corrected: Verdict | None) -> JudgedErratum:
    return JudgedErratum(e.key, e.problem_label, e.summary, *printed, original, corrected)


def judge_one(e: Erratum, number: int) -> JudgedErratum:
    """The original must be refuted by a counterexample and the correction proven, or the build stops."""
    return judged(e, statements(e), refute(e, number), prove_correction(e, number))


def judge(errata: tuple[Erratum, ...]) -> tuple[JudgedErratum, ...]:
    """Every erratum judged, numbered from one (the number seeds its random points)."""
    return tuple(judge_one(e, number) for number, e in enumerate(errata, start=1))


def quoted_in(errata: tuple[Erratum, ...], text: str, shown_as: str) -> None:
    """Every erratum's quote is still in the original, or the build stops."""
    for e in errata:
        if e.quote not in text:
            raise ProofError(f"erratum {e.key}: {shown_as} no longer contains {e.quote[:70]!r}",
                             hint="the original changed: update or remove the erratum in the activity's errata.py")
