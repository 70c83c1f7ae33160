"""The proof stage: every derivation step, every numeric cross-check, every erratum verdict.

The work is a list of independent jobs (one per derivation, one per erratum), so the model
builder can run them beside other work, such as drawing the figures, on every core.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import sympy as sp

from .errata import Erratum, JudgedErratum, judge_one
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


def erratum_jobs(errata: tuple[Erratum, ...]) -> list[Callable[[], JudgedErratum]]:
    """One job per erratum, numbered as ``judge`` numbers them."""
    return [lambda e=e, n=n: judge_one(e, n) for n, e in enumerate(errata, start=1)]


def derivation_jobs(derivations: tuple[Derivation, ...]) -> list[Callable[[], ProofRecord]]:
    return [lambda d=d: check_derivation(d) for d in derivations]


def derivation_costs(derivations: tuple[Derivation, ...]) -> list[float]:
    """Rough cost of each proof: the size of what it must simplify and evaluate."""
    return [float(sum(len(sp.srepr(e)) for e in d.chain)) for d in derivations]


def report(checks: tuple[NumericCheck, ...], judged, records, started: float) -> ProofReport:
    return ProofReport(tuple(records), tuple(checks), tuple(judged), time.perf_counter() - started)
