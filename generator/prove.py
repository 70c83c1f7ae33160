"""The proof stage: every derivation step, every numeric cross-check, every erratum verdict.

Derivations are independent, so they are checked in worker processes when there are several
cores; the report keeps the order in which the problems list them.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from .errata import Erratum, JudgedErratum, judge
from .proofs import Derivation, NumericCheck, ProofRecord, check_derivation, require


_WORK: tuple | None = None


def _check_one(index: int) -> ProofRecord:
    return check_derivation(_WORK[0][index])


def _judge_errata() -> tuple[JudgedErratum, ...]:
    return judge(_WORK[1])


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
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    if workers > 1 and can_fork and len(derivations) > 1:
        # Samplers are closures, which do not pickle: forked workers inherit the work instead.
        global _WORK
        _WORK = (derivations, errata)
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
                errata_future = pool.submit(_judge_errata)
                records = tuple(pool.map(_check_one, range(len(derivations))))
                judged = errata_future.result()
        finally:
            _WORK = None
    else:
        records = tuple(check_derivation(d) for d in derivations)
        judged = judge(errata)
    return ProofReport(records, tuple(checks), judged, time.perf_counter() - started)
