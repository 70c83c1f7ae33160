"""Problem 3: the sigmoid's derivative and vanishing gradients (book problem 7.7).

h = sig[f] has dh/df = sig[f](1 - sig[f]). Its largest value is 1/4, at f = 0: the derivative
of the derivative vanishes there, and 1/4 - s(1 - s) = (s - 1/2)^2 >= 0 for every s, so no f
does better. Written as 1/(exp[f] + 2 + exp[-f]) it visibly tends to 0 as f -> +-infinity.
So each sigmoid layer multiplies the gradient by at most 1/4 (times its weight): after K
layers at most (1/4)^K. The curve itself is sampled here, once, for the figure to draw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from generator.notation import Partial, sig, tex
from generator.notation import unevaluated as U
from generator.proofs import Derivation, NumericCheck, Step

from ..parameters import Questions

TITLE = "The sigmoid's derivative and vanishing gradients"

SAMPLES = 481  # points of the plotted curves (0 is added if the grid misses it)
FD_STEP = 1e-6
FD_TOLERANCE = 1e-9  # |d^3 sig/df^3| <= 1/8: truncation ~1e-13, rounding ~1e-10
MAX_TOLERANCE = 1e-15  # the sampled maximum is sig(0)(1 - sig(0)), computed in floating point

f = sp.Symbol("f", real=True)
s = sp.Symbol("s", real=True)
h = sp.Symbol("h", real=True)
K = sp.Symbol("K", integer=True, positive=True)
k = sp.Symbol("k", integer=True, positive=True)
half = sp.Rational(1, 2)
quarter = sp.Rational(1, 4)
complement = U(sp.Add, 1, -sig(f))
derivative = U(sp.Mul, sig(f), complement)
at_zero = U(sp.Mul, sig(0), U(sp.Add, 1, -sig(0)))
e_minus = sp.exp(-f)

DH_DF = Derivation(
    key="sigmoid.dh_df", problem=TITLE, title=r"derivative of $h = \mathrm{sig}[f]$",
    lhs=Partial(h, f), definitions={h: sig(f)},
    steps=(
        Step(Partial(U(sp.Pow, U(sp.Add, 1, e_minus), -1), f), "definition of the sigmoid"),
        Step(U(sp.Mul, e_minus, U(sp.Pow, U(sp.Add, 1, e_minus), -2)), "chain rule"),
        Step(derivative, r"split the fraction into $\mathrm{sig}[f]$ and its complement"),
    ),
)
SLOPE = Derivation(
    key="sigmoid.slope", problem=TITLE, title="where the derivative is largest",
    lhs=Partial(derivative, f),
    steps=(
        Step(U(sp.Add, U(sp.Mul, derivative, complement), -U(sp.Mul, sig(f), derivative)),
             r"product rule, with the derivative of $\mathrm{sig}$ above"),
        Step(U(sp.Mul, sig(f), complement, U(sp.Add, 1, -U(sp.Mul, 2, sig(f)))), "factor out the derivative"),
    ),
)
STATIONARY = Derivation(
    key="sigmoid.stationary", problem=TITLE, title="the slope vanishes at zero",
    lhs=U(sp.Mul, sig(0), U(sp.Add, 1, -sig(0)), U(sp.Add, 1, -U(sp.Mul, 2, sig(0)))),
    steps=(
        Step(U(sp.Mul, sig(0), U(sp.Add, 1, -sig(0)), U(sp.Add, 1, -1)),
             "the sigmoid is one half at the origin (the exponential of zero is one), so twice it is one"),
        Step(sp.Integer(0), "the last factor vanishes"),
    ),
)
MAXIMUM = Derivation(
    key="sigmoid.maximum", problem=TITLE, title="the largest value",
    lhs=at_zero,
    steps=(Step(U(sp.Mul, half, half), "the sigmoid is one half at the origin, and so is its complement"),
           Step(quarter, "multiply")),
)
BOUND = Derivation(
    key="sigmoid.bound", problem=TITLE, title=r"no $f$ does better: $s = \mathrm{sig}[f]$",
    lhs=U(sp.Add, quarter, -U(sp.Mul, s, U(sp.Add, 1, -s))),
    steps=(Step(U(sp.Add, quarter, -s, U(sp.Pow, s, 2)), "multiply out"),
           Step(U(sp.Pow, U(sp.Add, s, -half), 2), "complete the square, which is never negative")),
)
TAILS = Derivation(
    key="sigmoid.tails", problem=TITLE, title="the derivative in the tails",
    lhs=derivative,
    steps=(Step(U(sp.Mul, e_minus, U(sp.Pow, U(sp.Add, 1, e_minus), -2)), "definition of the sigmoid"),
           Step(U(sp.Pow, U(sp.Add, sp.exp(f), 2, e_minus), -1),
                r"divide above and below by $\exp[-f]$; the denominator grows without bound both ways")),
)

dh_df = Partial(h, f)
LIMITS = tuple(sp.limit(derivative.doit().rewrite(sp.exp), f, end) for end in (sp.oo, -sp.oo))  # SymPy's, not typed
FORMULAS = {
    "h": tex(U(sp.Eq, h, sig(f)), "sigmoid.h"),
    "second": tex(U(sp.Eq, Partial(derivative, f), SLOPE.steps[-1].expr), "sigmoid.slope"),
    "origin": tex(U(sp.Eq, f, 0), "sigmoid.slope"),
    "factor": tex(U(sp.Mul, sig(sp.Symbol("f_k")), U(sp.Add, 1, -sig(sp.Symbol("f_k")))), "sigmoid.chain"),
    "dh_df": tex(U(sp.Eq, dh_df, derivative), "sigmoid.dh_df"),
    "maximum": tex(U(sp.Eq, at_zero, MAXIMUM.steps[-1].expr), "sigmoid.maximum"),
    "bound": tex(U(sp.Le, derivative, MAXIMUM.steps[-1].expr), "sigmoid.bound"),
    "tails": tex(U(sp.Eq, derivative, TAILS.steps[-1].expr), "sigmoid.tails"),
    "limit_plus": tex(U(sp.Eq, sp.Limit(derivative, f, sp.oo), LIMITS[0]), "sigmoid.limits"),
    "limit_minus": tex(U(sp.Eq, sp.Limit(derivative, f, -sp.oo), LIMITS[1]), "sigmoid.limits"),
    "chain": tex(U(sp.Eq, Partial(sp.Symbol("h_K"), sp.Symbol("h_0")),
                   sp.Product(U(sp.Mul, sp.Symbol(r"\omega_{k}"), sig(sp.Symbol("f_k")),
                                U(sp.Add, 1, -sig(sp.Symbol("f_k")))), (k, 1, K))), "sigmoid.chain"),
    "layers_bound": tex(U(sp.Pow, quarter, K), "sigmoid.layers"),
}


@dataclass(frozen=True)
class LayerBound:
    layers: int  # K
    bound: float  # (1/4)^K: the most K sigmoid derivatives can pass on


@dataclass(frozen=True)
class SigmoidResult:
    low: float  # the plotted range of f
    high: float
    grid: tuple[float, ...]
    sigmoid: tuple[float, ...]
    derivative: tuple[float, ...]
    maximum: float  # 1/4
    argmax: float  # 0
    derivative_at_low: float
    derivative_at_high: float
    limit_plus: int  # lim f -> +infinity of dh/df, by SymPy
    limit_minus: int
    bounds: tuple[LayerBound, ...]
    formulas: dict
    derivations: tuple[Derivation, ...]
    numeric_checks: tuple[NumericCheck, ...]


def logistic(v: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-v))


def compute(q: Questions) -> SigmoidResult:
    low, high = (float(v) for v in q.sigmoid_range)
    grid = np.union1d(np.linspace(low, high, SAMPLES), [0.0])
    values = logistic(grid)
    slope = values * (1 - values)  # the proven dh/df
    numeric = (logistic(grid + FD_STEP) - logistic(grid - FD_STEP)) / (2 * FD_STEP)
    peak = int(np.argmax(slope))
    maximum = float(slope[peak])
    limits = LIMITS
    return SigmoidResult(
        low=low, high=high, grid=tuple(float(v) for v in grid), sigmoid=tuple(float(v) for v in values),
        derivative=tuple(float(v) for v in slope), maximum=maximum, argmax=float(grid[peak]),
        derivative_at_low=float(slope[0]), derivative_at_high=float(slope[-1]),
        limit_plus=int(limits[0]), limit_minus=int(limits[1]),
        bounds=tuple(LayerBound(n, 0.25**n) for n in q.sigmoid_layers),
        formulas=FORMULAS,
        derivations=(DH_DF, SLOPE, STATIONARY, MAXIMUM, BOUND, TAILS),
        numeric_checks=(
            NumericCheck("sigmoid.fd", TITLE, "sig[f](1 - sig[f]) against central differences over the plotted range",
                         float(np.max(np.abs(numeric - slope))), FD_TOLERANCE),
            NumericCheck("sigmoid.sampled_maximum", TITLE,
                         "the sampled derivative peaks at f = 0 with the value 1/4",
                         abs(maximum - 0.25) + abs(float(grid[peak])), MAX_TOLERANCE),
            NumericCheck("sigmoid.limits", TITLE, "SymPy's limits of the derivative at both infinities are zero",
                         float(abs(limits[0]) + abs(limits[1])), 0.0),
        ),
    )
