"""Errata found by the checker: the handout's statements as data, judged like any proof step.

Each erratum pairs the original statement with its correction, both as claims ``left = right``.
The same ``compare`` that proves the key's derivations must reject the original (with a
counterexample) and accept the correction; the errata section is generated from the verdicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import sympy as sp

from .errors import ProofError
from .notation import power_of_ten, tex
from .numbers import SympyLatex
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
class Erratum:
    key: str
    problem_label: str  # the \label of the problem it concerns
    summary: str  # prose, no numerals
    original: Claim
    corrected: Claim
    comment: str = ""  # what the correction says in words, no numerals
    reading: str = "Handout"  # where the original comes from: the handout's text, or a reading of it


@dataclass(frozen=True)
class JudgedErratum:
    key: str
    problem_label: str
    summary: str
    comment: str
    reading: str
    original_latex: SympyLatex
    corrected_latex: SympyLatex
    original: Verdict
    corrected: Verdict

    @property
    def counterexample_latex(self) -> SympyLatex:
        return counterexample_latex(self.key, self.original)


def counterexample_latex(key: str, original: Verdict) -> SympyLatex:
    """The checker's counterexample, printed as SymPy LaTeX so its numbers are traceable."""
    point = original.counterexample or {}
    values = [f"{name} = {tex(sp.Rational(value))}" for name, value in point.items()]
    sides = [tex(power_of_ten(v) if isinstance(v, sp.Integer) else v)
             for v in (original.left_value, original.right_value)]
    at = (r",\ \allowbreak ".join(values) + r":\quad ") if values else ""
    out = SympyLatex(at + r"\text{left side} = " + sides[0]
                     + r" \neq " + sides[1] + r" = \text{right side}")
    out.source = f"checker counterexample for erratum {key}"
    out.constants = tuple(c for part in sides for c in part.constants) + tuple(point.values())
    return out


def refute(e: Erratum, number: int) -> Verdict:
    """The original's verdict: refuted at a counterexample point, or the build stops.

    Cheap (a few numeric points), and all the page prints of an erratum besides its statements.
    """
    original = e.original.judge(seed=number)
    if original.holds or original.counterexample is None:  # refuted means: a point where it fails
        raise ProofError(f"erratum {e.key}: the handout's original statement was not refuted by a counterexample",
                         hint="the erratum is encoded wrongly, or it is not an error")
    return original


def prove_correction(e: Erratum, number: int) -> Verdict:
    """The correction's verdict: proven like a derivation step, or the build stops."""
    corrected = e.corrected.judge(seed=number)
    if not corrected.holds:
        raise ProofError(f"erratum {e.key}: the correction does not hold: {corrected.describe_counterexample()}",
                         hint="fix the corrected statement in the errata data")
    return corrected


def statements(e: Erratum) -> tuple[SympyLatex, SympyLatex]:
    """The original and the corrected statement, as the page prints them."""
    return e.original.latex(f"erratum {e.key} original"), e.corrected.latex(f"erratum {e.key} corrected")


def judged(e: Erratum, printed: tuple[SympyLatex, SympyLatex], original: Verdict, corrected: Verdict) -> JudgedErratum:
    return JudgedErratum(e.key, e.problem_label, e.summary, e.comment, e.reading, *printed, original, corrected)


def judge_one(e: Erratum, number: int) -> JudgedErratum:
    """The original must be refuted by a counterexample and the correction proven, or the build stops."""
    return judged(e, statements(e), refute(e, number), prove_correction(e, number))


def judge(errata: tuple[Erratum, ...]) -> tuple[JudgedErratum, ...]:
    """Every erratum judged, numbered from one (the number seeds its random points)."""
    return tuple(judge_one(e, number) for number, e in enumerate(errata, start=1))
