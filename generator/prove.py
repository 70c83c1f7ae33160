"""The proof stage: every derivation step, every numeric cross-check, every erratum verdict.

Derivations are independent, so they are checked in worker processes when there are several
cores; the report keeps the order in which the problems list them.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from .errata import Erratum, JudgedErratum, judge
from .proofs import Derivation, NumericCheck, ProofRecord, check_derivation, require


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


def prove(derivations: tuple[Derivation, ...], checks: tuple[NumericCheck, ...],
          errata: tuple[Erratum, ...], *, workers: int | None = None) -> ProofReport:
    """Raise ProofError at the first false step; otherwise return what was proven and how."""
    started = time.perf_counter()
    for check in checks:
        require(check)
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    if workers > 1 and len(derivations) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            errata_future = pool.submit(judge, errata)
            records = tuple(pool.map(check_derivation, derivations))
            judged = errata_future.result()
    else:
        records = tuple(check_derivation(d) for d in derivations)
        judged = judge(errata)
    return ProofReport(records, tuple(checks), judged, time.perf_counter() - started)
