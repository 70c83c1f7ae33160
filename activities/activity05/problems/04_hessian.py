"""Problem 4: the size of the Hessian of a model with N parameters, in exact integers."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from generator.notation import inline_tex, power_of_ten
from generator.notation import unevaluated as U
from generator.proofs import Derivation, NumericCheck, Step

from ..parameters import Questions

TITLE = "Size of the Hessian"

BYTES_FLOAT32 = 4
BYTES_FLOAT64 = 8
UNITS = ((10**15, "PB"), (10**12, "TB"), (10**9, "GB"), (10**6, "MB"), (10**3, "kB"), (1, "bytes"))
ACCELERATOR_MEMORY = 80 * 10**9  # bytes: the memory of one large accelerator (GPU) of 2026, a stated input


def in_units(size: int) -> tuple[float, str]:
    """A size in bytes in the largest SI unit it reaches: 4e10 bytes is 40 GB, not 0.04 TB."""
    factor, unit = next((f, u) for f, u in UNITS if size >= f)
    return size / factor, unit


N_SYMBOL = sp.Symbol("N", integer=True, positive=True)
FORMULAS = {
    "distinct": inline_tex(U(sp.Mul, N_SYMBOL, U(sp.Add, N_SYMBOL, 1), U(sp.Pow, 2, -1)), "hessian.distinct"),
}


@dataclass(frozen=True)
class HessianResult:
    parameters: int
    rows: int
    columns: int
    entries: int
    distinct_entries: int  # N(N+1)/2: the Hessian is symmetric
    bytes_float32: int
    bytes_float64: int
    size_float32: float  # bytes_float32 in size_unit_float32
    size_unit_float32: str
    size_float64: float
    size_unit_float64: str
    accelerator_memory: float  # in accelerator_unit
    accelerator_unit: str
    fits_accelerator: bool  # the single-precision Hessian fits in one accelerator's memory
    float64_fills_accelerator: bool  # the double-precision Hessian takes exactly that memory
    float64_exceeds_accelerator: bool  # ... or more than it
    inversion_cost_order: int  # N^3 operations to invert or eigen-decompose
    formulas: dict
    derivations: tuple[Derivation, ...]
    numeric_checks: tuple[NumericCheck, ...]


def compute(q: Questions) -> HessianResult:
    n = q.hessian_parameters
    entries = n * n
    arithmetic = Derivation(
        key="hessian.entries", problem=TITLE, title="number of entries: rows times columns",
        lhs=U(sp.Pow, N_SYMBOL, 2), definitions={N_SYMBOL: sp.Integer(n)},
        steps=(Step(sp.Mul(power_of_ten(n), power_of_ten(n), evaluate=False), r"$N$ rows times $N$ columns, $N$ as given"),
               Step(power_of_ten(entries), "multiply")),
    )
    distinct = n * (n + 1) // 2
    return HessianResult(
        parameters=n, rows=n, columns=n, entries=entries, distinct_entries=distinct,
        bytes_float32=BYTES_FLOAT32 * entries, bytes_float64=BYTES_FLOAT64 * entries,
        **dict(zip(("size_float32", "size_unit_float32"), in_units(BYTES_FLOAT32 * entries))),
        **dict(zip(("size_float64", "size_unit_float64"), in_units(BYTES_FLOAT64 * entries))),
        **dict(zip(("accelerator_memory", "accelerator_unit"), in_units(ACCELERATOR_MEMORY))),
        fits_accelerator=BYTES_FLOAT32 * entries <= ACCELERATOR_MEMORY,
        float64_fills_accelerator=BYTES_FLOAT64 * entries == ACCELERATOR_MEMORY,
        float64_exceeds_accelerator=BYTES_FLOAT64 * entries > ACCELERATOR_MEMORY,
        inversion_cost_order=n**3,
        formulas=FORMULAS,
        derivations=(arithmetic,),
        numeric_checks=(),  # exact integer arithmetic: nothing to measure
    )
