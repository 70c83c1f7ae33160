"""The proof stage: every derivation step, every numeric cross-check, every erratum verdict.

The work is a list of independent jobs (one per derivation, one per erratum's correction), so
the model builder can run them beside other work, such as drawing the figures, on every core.
Refuting an erratum's original takes a few numeric points and is not a job here: the page
prints its counterexample, so the builder finds it at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sympy as sp

from .errata import Erratum, JudgedErratum, prove_correction
from .proofs import Derivation, NumericCheck, ProofRecord, Verdict, check_derivation


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


def correction_jobs(errata: tuple[Erratum, ...]) -> list[Callable[[], Verdict]]:
    """One job per erratum's correction, numbered as ``errata.judge`` numbers them."""
    return [lambda e=e, n=n: prove_correction(e, n) for n, e in enumerate(errata, start=1)]


def derivation_jobs(derivations: tuple[Derivation, ...],
                    memo: tuple[Path, str] | None = None) -> list[Callable[[], ProofRecord]]:
    """One job per derivation; with ``memo`` (a folder and the code's digest), one that held
    before, identical, is not proven again (``proof_memo``)."""
    if memo is None:
        return [lambda d=d: check_derivation(d) for d in derivations]
    from .proof_memo import proven

    return [lambda d=d: proven(d, *memo) for d in derivations]


def cost(exprs) -> float:
    """Rough cost of a proof: the size (nodes) of what it must simplify and evaluate."""
    return float(sum(1 for e in exprs for _ in sp.preorder_traversal(e)))


def proof_costs(derivations: tuple[Derivation, ...], errata: tuple[Erratum, ...]) -> list[float]:
    """The cost of each correction job, then of each derivation job."""
    return ([cost((e.corrected.left, e.corrected.right)) if e.corrected is not None else 0.0 for e in errata]
            + [cost(d.chain) for d in derivations])


def report(checks: tuple[NumericCheck, ...], judged, records, started: float) -> ProofReport:
    return ProofReport(tuple(records), tuple(checks), tuple(judged), time.perf_counter() - started)
