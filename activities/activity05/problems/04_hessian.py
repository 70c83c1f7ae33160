"""Problem 4: the size of the Hessian of a model with N parameters, in exact integers."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from generator.notation import inline_tex, power_of_ten
from generator.notation import unevaluated as U
from generator.proofs import Derivation, Fact, NumericCheck, Step

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
    accelerator_bytes: int
    accelerator_memory: float  # accelerator_bytes in accelerator_unit
    accelerator_unit: str
    fits_accelerator: bool  # the single-precision Hessian fits in one accelerator's memory
    float64_fills_accelerator: bool  # the double-precision Hessian takes exactly that memory
    float64_exceeds_accelerator: bool  # ... or more than it
    inversion_cost_order: int  # N^3 operations to invert or eigen-decompose
    facts: tuple[Fact, ...]  # what chooses the text's words on fitting in memory
    formulas: dict
    derivations: tuple[Derivation, ...]
    numeric_checks: tuple[NumericCheck, ...]


def exact(value: int) -> sp.Expr:
    """An exact count as the key prints it: 10^12, 4 x 10^10, or all its digits (5000050000)."""
    power = 10 ** (len(str(value)) - 1)
    leading, rest = divmod(value, power)
    return U(sp.Mul, leading, power_of_ten(power)) if rest == 0 and leading > 1 and power >= 10**4 \
        else power_of_ten(value)


# What a count's check establishes, and what it takes from its title: the audit says so under each.
PREMISE = ("The check confirms the arithmetic at the given $N$; that the formula counts what the title says is the "
           "chain's premise, not checked.")


def count(key: str, title: str, formula, n: int, written=None, why: str = r"$N$ as given") -> Derivation:
    """A count in N, ``formula(N)``: written out (``written(N)``, the formula itself unless given)
    with N as given, then multiplied out in exact integers."""
    return Derivation(key=key, problem=TITLE, title=title, lhs=formula(N_SYMBOL), definitions={N_SYMBOL: sp.Integer(n)},
                      reading=PREMISE,
                      steps=(Step((written or formula)(power_of_ten(n)), why),
                             Step(exact(int(formula(N_SYMBOL).subs(N_SYMBOL, n))), "multiply")))


def compute(q: Questions) -> HessianResult:
    n = q.hessian_parameters
    entries = n * n
    def square(size):
        return U(sp.Pow, size, 2)

    derivations = (
        count("hessian.entries", "number of entries: rows times columns", square, n,
              lambda size: U(sp.Mul, size, size), r"$N$ rows times $N$ columns, $N$ as given"),
        count("hessian.distinct", "independent entries: the diagonal and one side of it",
              lambda size: U(sp.Mul, size, U(sp.Add, size, 1), U(sp.Pow, 2, -1)), n),
        count("hessian.bytes_float32", "bytes in single precision: four an entry",
              lambda size: U(sp.Mul, BYTES_FLOAT32, square(size)), n),
        count("hessian.bytes_float64", "bytes in double precision: eight an entry",
              lambda size: U(sp.Mul, BYTES_FLOAT64, square(size)), n),
        count("hessian.inversion_cost", "order of the operations to invert it", lambda size: U(sp.Pow, size, 3), n),
    )
    distinct = n * (n + 1) // 2
    fits = BYTES_FLOAT32 * entries <= ACCELERATOR_MEMORY
    fills = BYTES_FLOAT64 * entries == ACCELERATOR_MEMORY
    exceeds = BYTES_FLOAT64 * entries > ACCELERATOR_MEMORY
    memory = f"{in_units(ACCELERATOR_MEMORY)[0]:g} {in_units(ACCELERATOR_MEMORY)[1]}"
    return HessianResult(
        parameters=n, rows=n, columns=n, entries=entries, distinct_entries=distinct,
        bytes_float32=BYTES_FLOAT32 * entries, bytes_float64=BYTES_FLOAT64 * entries,
        **dict(zip(("size_float32", "size_unit_float32"), in_units(BYTES_FLOAT32 * entries))),
        **dict(zip(("size_float64", "size_unit_float64"), in_units(BYTES_FLOAT64 * entries))),
        accelerator_bytes=ACCELERATOR_MEMORY,
        **dict(zip(("accelerator_memory", "accelerator_unit"), in_units(ACCELERATOR_MEMORY))),
        fits_accelerator=fits, float64_fills_accelerator=fills, float64_exceeds_accelerator=exceeds,
        inversion_cost_order=n**3,
        facts=(Fact("fits_accelerator", fits, f"the single-precision Hessian, four bytes an entry, fits in the memory of one "
                                              f"large accelerator, {memory} (a stated input; the key's units are "
                                              f"decimal, a GB a billion bytes)"),
               Fact("float64_fills_accelerator", fills, "the double-precision Hessian, eight bytes an entry, takes exactly "
                                                        "that memory"),
               Fact("float64_exceeds_accelerator", exceeds, "the double-precision Hessian takes more than that "
                                                            "memory")),
        formulas=FORMULAS,
        derivations=derivations,
        numeric_checks=(),  # exact integer arithmetic: nothing to measure
    )
