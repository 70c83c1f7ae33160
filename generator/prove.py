"""The proof stage: every derivation step, every numeric cross-check, every erratum verdict.

The work is a list of independent jobs (one per derivation, one for the errata), so the model
builder can run them beside other work, such as drawing the figures, on every core.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import sympy as sp

from .errata import Erratum, JudgedErratum, judge
from .proofs import Derivation, NumericCheck, ProofRecord, check_derivation


@dataclass(frozen=True)
class ProofReport:
    records: tuple[ProofRecord, ...]
    checks: tuple[NumericCheck, ...]
    errata: tuple[JudgedErratum, ...]
    seconds: float

    @property
    def steps(self) -> int:
        return sum(r.steps for r in self.records)

    @property
    def points(self) -> int:
        return sum(r.points for r in self.records)


def proof_jobs(derivations: tuple[Derivation, ...], errata: tuple[Erratum, ...]) -> list[Callable[[], object]]:
    """The errata verdicts first, then one job per derivation."""
    return [lambda: judge(errata)] + [lambda d=d: check_derivation(d) for d in derivations]


def proof_costs(derivations: tuple[Derivation, ...], errata: tuple[Erratum, ...]) -> list[float]:
    """Rough cost of each proof job: the size of what it must simplify and evaluate."""
    size = lambda d: sum(len(sp.srepr(e)) for e in d.chain)  # noqa: E731
    return [float(sum(len(sp.srepr(e.original.right)) for e in errata))] + [float(size(d)) for d in derivations]


def report(checks: tuple[NumericCheck, ...], outcomes: list, started: float) -> ProofReport:
    judged, *records = outcomes
    return ProofReport(tuple(records), tuple(checks), judged, time.perf_counter() - started)
