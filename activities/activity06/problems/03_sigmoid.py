"""Problem 3: the sigmoid's derivative and vanishing gradients (book problem 7.7).

h = sig[f] has dh/df = sig[f](1 - sig[f]), the sigmoid's derivative of Problem 2 (not derived
again). Its largest value is 1/4: with s = sig[f] in (0, 1), 1/4 - s(1 - s) = (s - 1/2)^2 >= 0,
with equality only at s = 1/2, that is at f = 0. Written as 1/(exp[f] + 2 + exp[-f]) it visibly
tends to 0 as f -> +-infinity. So with Problem 1's indexing (f_k = beta_k + omega_k h_k,
h_{k+1} = sig[f_k]) |dh_K/dh_0| <= (1/4)^K prod |omega_k|. The curve itself is sampled here,
once, for the figure to draw.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy as sp

from generator.notation import Partial, inline_tex, sig, tex
from generator.notation import unevaluated as U
from generator.numeric import step_tex
from generator.proofs import Derivation, NumericCheck, Step

from ..parameters import Questions

TITLE = "The sigmoid's derivative and vanishing gradients"

SAMPLES = 481  # points of the plotted curves (0 is added if the grid misses it)
FD_STEP = 1e-6
FD_TOLERANCE = 1e-9  # |d^3 sig/df^3| <= 1/8: truncation ~1e-13, rounding ~1e-10
MAX_TOLERANCE = 1e-15  # the sampled maximum is sig(0)(1 - sig(0)), computed in floating point
NEAR_SHARE = 0.9  # the curves "nearly coincide" where the derivative is more than this share of the sigmoid

f = sp.Symbol("f", real=True)
s = sp.Symbol("s", real=True)
h = sp.Symbol("h", real=True)
K = sp.Symbol("K", integer=True, positive=True)
half = sp.Rational(1, 2)
quarter = sp.Rational(1, 4)
complement = U(sp.Add, 1, -sig(f))
derivative = U(sp.Mul, sig(f), complement)
at_zero = U(sp.Mul, sig(0), U(sp.Add, 1, -sig(0)))
e_minus = sp.exp(-f)

MAXIMUM = Derivation(
    key="sigmoid.maximum", problem=TITLE, title=r"the value where $\mathrm{sig}[f]$ is one half",
    lhs=at_zero,
    steps=(Step(U(sp.Mul, half, half), "the sigmoid is one half at zero"),
           Step(quarter, "multiply")),
)
# What the chain proves is the identity; that the square is never negative, so that the derivative
# is at most one quarter, and that equality holds only at s = 1/2, the key says in words.
bound_lhs = U(sp.Add, quarter, -U(sp.Mul, s, U(sp.Add, 1, -s)))
BOUND = Derivation(
    key="sigmoid.bound", problem=TITLE,
    title=rf"${inline_tex(bound_lhs, 'sigmoid.bound')}$ is a square, $s = \mathrm{{sig}}[f]$",
    lhs=bound_lhs,
    steps=(Step(U(sp.Add, quarter, -s, U(sp.Pow, s, 2)), "multiply out"),
           Step(U(sp.Pow, U(sp.Add, s, -half), 2), "complete the square")),
)
TAILS = Derivation(
    key="sigmoid.tails", problem=TITLE, title="the derivative in the tails",
    lhs=derivative,
    steps=(Step(U(sp.Mul, e_minus, U(sp.Pow, U(sp.Add, 1, e_minus), -2)),
                r"the sigmoid and its complement in terms of $\exp[-f]$"),
           Step(U(sp.Pow, U(sp.Add, sp.exp(f), 2, e_minus), -1), r"divide above and below by $\exp[-f]$")),
)

dh_df = Partial(h, f)
LIMITS = tuple(sp.limit(derivative.doit().rewrite(sp.exp), f, end) for end in (sp.oo, -sp.oo))  # SymPy's, not typed
f_k, h_K, h_0 = sp.Symbol("f_k", real=True), sp.Symbol("h_K", real=True), sp.Symbol("h_0", real=True)
omega_k = sp.Symbol(r"\omega_{k}", real=True)
k0 = sp.Symbol("k", integer=True, nonnegative=True)
layers = (k0, 0, U(sp.Add, K, -1))  # Problem 1's indexing: f_k = beta_k + omega_k h_k, h_{k+1} = sig[f_k]
# The first and the last layer's biases: their derivatives share the factors of the layers between
# (d f_k / d f_{k-1} = omega_k sig'[f_{k-1}] for k = 1 .. K - 1)
beta_first, beta_last = sp.Symbol(r"\beta_0", real=True), sp.Symbol(r"\beta_{K-1}", real=True)
f_below = sp.Symbol("f_{k-1}", real=True)
ell = sp.Symbol(r"\ell", real=True)
above_first = (k0, 1, U(sp.Add, K, -1))
h_k, h_next, beta_k = sp.Symbol("h_k", real=True), sp.Symbol("h_{k+1}", real=True), sp.Symbol(r"\beta_{k}", real=True)
FORMULAS = {
    "layer": tex(U(sp.Eq, f_k, U(sp.Add, beta_k, U(sp.Mul, omega_k, h_k))), "sigmoid.layer definition"),
    "layer_out": tex(U(sp.Eq, h_next, sig(f_k)), "sigmoid.layer definition"),
    "h": tex(U(sp.Eq, h, sig(f)), "sigmoid.h definition"),
    "s": tex(U(sp.Eq, s, sig(f)), "sigmoid.bound"),
    "s_range": tex(sp.Contains(s, sp.Interval.open(0, 1), evaluate=False), "sigmoid.bound"),
    "origin": tex(U(sp.Eq, f, 0), "sigmoid.maximum"),
    "factor": tex(U(sp.Mul, sig(f_k), U(sp.Add, 1, -sig(f_k))), "sigmoid.chain"),
    "layer_bound": inline_tex(U(sp.Mul, sp.Abs(omega_k), U(sp.Pow, 4, -1)), "sigmoid.chain"),
    "factor_below": tex(U(sp.Mul, sig(f_below), U(sp.Add, 1, -sig(f_below))), "sigmoid.bias_ratio"),
    "dh_df": tex(U(sp.Eq, dh_df, derivative), "loss_derivatives.dsig_dz"),
    "bound": inline_tex(U(sp.Le, derivative, MAXIMUM.steps[-1].expr), "sigmoid.bound"),
    "limit_plus": tex(U(sp.Eq, sp.Limit(derivative, f, sp.oo), LIMITS[0]), "sigmoid.limits"),
    "limit_minus": tex(U(sp.Eq, sp.Limit(derivative, f, -sp.oo), LIMITS[1]), "sigmoid.limits"),
    "chain": tex(U(sp.Eq, Partial(h_K, h_0),
                   sp.Product(U(sp.Mul, omega_k, sig(f_k), U(sp.Add, 1, -sig(f_k))), layers)), "sigmoid.chain"),
    "chain_bound": tex(U(sp.Le, sp.Abs(Partial(h_K, h_0)),
                         sp.Product(U(sp.Mul, sp.Abs(omega_k), U(sp.Pow, 4, -1)), layers)), "sigmoid.chain_bound"),
    "layers_bound": inline_tex(U(sp.Pow, quarter, K), "sigmoid.chain_bound"),
    "first_share": inline_tex(U(sp.Pow, quarter, U(sp.Add, K, -1)), "sigmoid.bias_ratio"),
    "bias_ratio": tex(U(sp.Eq, Partial(ell, beta_first), U(sp.Mul, Partial(ell, beta_last), sp.Product(
        U(sp.Mul, omega_k, sig(f_below), U(sp.Add, 1, -sig(f_below))), above_first))), "sigmoid.bias_ratio"),
    "bias_bound": tex(U(sp.Le, sp.Abs(Partial(ell, beta_first)),
                        U(sp.Mul, sp.Product(U(sp.Mul, sp.Abs(omega_k), U(sp.Pow, 4, -1)), above_first),
                          sp.Abs(Partial(ell, beta_last)))), "sigmoid.bias_bound"),
    "complement": tex(complement, "sigmoid.coincide"),
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
    near_share: float  # left of near_below, 1 - sig[f] > near_share: the derivative is that share of sig[f]
    near_below: float  # where 1 - sig[f] = near_share: f = log((1 - near_share) / near_share)
    near_gap: float  # left of near_below the curves differ by sig[f]^2 = sig - sig(1 - sig), less than this
    limit_plus: int  # lim f -> +infinity of dh/df, by SymPy
    limit_minus: int
    bounds: tuple[LayerBound, ...]
    formulas: dict
    derivations: tuple[Derivation, ...]
    numeric_checks: tuple[NumericCheck, ...]


def logistic(v: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-v))


CHAIN_LAYERS = range(1, 7)  # K of the seeded networks the chain-rule products are checked on
CHAIN_SEED = 7
CHAIN_STEP = 1e-5  # h_K is about one half, its derivatives down to 1e-4: rounding ~1e-11 / step, truncation ~step^2
CHAIN_TOLERANCE = 1e-6  # relative: the differences agree to about 2e-8
WEIGHT_SIZES = (0.5, 2.0)  # the seeded chains' weights, in size (either sign), and their biases and input:
SPREAD = (-1.0, 1.0)  # moderate, so that no unit saturates and every product stays well above rounding


def _network(depth: int, rng: np.random.Generator):
    """Weights and biases of a chain of ``depth`` sigmoid units, and its input (WEIGHT_SIZES, SPREAD)."""
    return rng.uniform(*WEIGHT_SIZES, depth) * rng.choice((-1.0, 1.0), depth), rng.uniform(*SPREAD, depth), \
        float(rng.uniform(*SPREAD))


def _interval(bounds: tuple[float, float]) -> str:
    """``$1/2$ to $2$``: a range of the check's description, as the values were drawn."""
    return " to ".join(f"${Fraction(b).limit_denominator()}$" for b in bounds)


def _forward(omega, beta, h0: float) -> tuple[float, np.ndarray]:
    """h_K and the pre-activations f_0 .. f_{K-1} of Problem 1's indexing, with h_{k+1} = sig[f_k]."""
    h, fs = h0, []
    for w, b in zip(omega, beta):
        fs.append(b + w * h)
        h = float(logistic(np.array(fs[-1])))
    return h, np.array(fs)


def chain_errors() -> tuple[float, float]:
    """The largest relative errors, over the seeded networks, of the two products the key states:
    dh_K/dh_0 = prod_k omega_k sig'[f_k], and d/dbeta_0 = d/dbeta_{K-1} prod_{k>=1} omega_k sig'[f_{k-1}]
    (of h_K, which the loss's derivative multiplies on both sides), against central differences."""
    rng = np.random.default_rng(CHAIN_SEED)
    worst_input = worst_bias = 0.0
    for depth in CHAIN_LAYERS:
        omega, beta, h0 = _network(depth, rng)
        _, fs = _forward(omega, beta, h0)
        slopes = logistic(fs) * (1 - logistic(fs))
        product = float(np.prod(omega * slopes))
        numeric = (_forward(omega, beta, h0 + CHAIN_STEP)[0] - _forward(omega, beta, h0 - CHAIN_STEP)[0]) / (2 * CHAIN_STEP)
        worst_input = max(worst_input, abs(numeric - product) / abs(product))
        shift = np.zeros(depth)
        shift[0] = CHAIN_STEP
        first = (_forward(omega, beta + shift, h0)[0] - _forward(omega, beta - shift, h0)[0]) / (2 * CHAIN_STEP)
        ratio = float(np.prod(omega[1:] * slopes[:-1]))  # omega_k sig'[f_{k-1}] for k = 1 .. K-1
        predicted = float(slopes[-1]) * ratio  # dh_K/dbeta_{K-1} = sig'[f_{K-1}]
        worst_bias = max(worst_bias, abs(first - predicted) / abs(predicted))
    return worst_input, worst_bias


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
        near_share=NEAR_SHARE, near_below=float(np.log((1 - NEAR_SHARE) / NEAR_SHARE)), near_gap=(1 - NEAR_SHARE) ** 2,
        limit_plus=int(limits[0]), limit_minus=int(limits[1]),
        bounds=tuple(LayerBound(n, 0.25**n) for n in q.sigmoid_layers),
        formulas=FORMULAS,
        derivations=(BOUND, MAXIMUM, TAILS),
        numeric_checks=(
            NumericCheck("sigmoid.fd", TITLE,
                         r"largest absolute error of $\mathrm{sig}[f](1 - \mathrm{sig}[f])$ against central differences "
                         f"of the sigmoid, of step~{step_tex(FD_STEP)}, at the {SAMPLES} plotted samples",
                         float(np.max(np.abs(numeric - slope))), FD_TOLERANCE),
            NumericCheck("sigmoid.sampled_maximum", TITLE,
                         "the sampled derivative peaks at $f = 0$ with the value one quarter: the absolute errors of "
                         "the value and of the place, added",
                         abs(maximum - 0.25) + abs(float(grid[peak])), MAX_TOLERANCE),
            *(NumericCheck(key, TITLE, rf"largest relative error of {what} against central differences "
                           rf"of step~{step_tex(CHAIN_STEP)}, for chains of $K = {CHAIN_LAYERS[0]}$~to~"
                           rf"${CHAIN_LAYERS[-1]}$ sigmoid layers with seeded weights "
                           f"{_interval(WEIGHT_SIZES)} in size, and biases and an input from {_interval(SPREAD)}",
                           error, CHAIN_TOLERANCE)
              for key, what, error in zip(
                  ("sigmoid.chain", "sigmoid.bias_ratio"),
                  (r"${\partial h_K/\partial h_0 = \prod_{k=0}^{K-1} "
                   r"\omega_k \operatorname{sig}[f_k](1 - \operatorname{sig}[f_k])}$",  # braces: no break at "="
                   r"the key's product for $\partial h_K/\partial \beta_0$, which is $\partial h_K/\partial \beta_{K-1}$ "
                   r"times ${\prod_{k=1}^{K-1} \omega_k \operatorname{sig}[f_{k-1}](1 - \operatorname{sig}[f_{k-1}])}$ "
                   r"(the loss's derivative multiplies both)"),
                  chain_errors())),
            NumericCheck("sigmoid.limits", TITLE, r"SymPy's limits of the derivative as $f \to \pm\infty$ are zero",
                         float(abs(limits[0]) + abs(limits[1])), 0.0),
        ),
    )
