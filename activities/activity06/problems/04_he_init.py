"""Problem 4: He initialization (book section 7.5, problem 7.14).

For a pre-activation f symmetric about 0 with variance sigma_f^2, E[ReLU[f]^2] = sigma_f^2/2, by
symmetry alone: f and -f have the same distribution, and ReLU[f]^2 + ReLU[-f]^2 = f^2 for every
f. ``Expectation`` is an expectation over such a symmetric variable, which the checker can
compare (see there); the Gaussian case, an integral over a standard normal u, is an example (the
integrals have no free symbol, so the checker pays for one quadrature each). The same symmetry
makes f_j positive half the time (f_j is assumed to have a continuous distribution, so it is zero
with probability zero), which the backward pass needs. Then Var[f'_i] = D_h sigma_Omega^2
sigma_f^2 / 2, which stays level for sigma_Omega^2 = 2/D_h (He); the backward pass asks for
2/D_h', and 4/(D_h + D_h') is the compromise.

A seeded simulation of a deep ReLU network, indexed as in Problem 1 (h_0 = x, f_k = Omega_k h_k,
h_{k+1} = ReLU[f_k], k = 0 .. K - 1), gives the figure and the table: the variance of f_k over
the units and the batch at each layer, and the per-layer factor (Var[f_{K-1}] / Var[f_0])^(1/(K-1)),
the geometric mean of the ratios of consecutive layers (on the figure's log scale, the exponential
of the slope of the chord from the first layer to the last). The checks pool REPLICAS networks
per weight variance (the drawn one among them): the mean of the per-layer ratios
Var[f_{k+1}] / Var[f_k] against D_h sigma_Omega^2 / 2, and the share of E[f^2] the ReLU keeps
against one half, each within STANDARD_ERRORS standard errors of its mean. The arithmetic mean of
the ratios is the one to compare: the geometric mean (the table's) lies below D_h sigma_Omega^2 / 2
by about half the variance of the log ratios (0.02 to 0.05 at these widths), more than the pooled
standard error, though well within a single network's. The key says so, with the pooled geometric and
arithmetic means and the half variances; a third check holds it to what it says: the logarithm of the
ratio of the pooled arithmetic mean to the pooled geometric one within GAP_TOLERANCE of half the
variance of the log ratios (the second-order term of log E[r] - E[log r]; the rest, the third
cumulant's, was below a tenth of it at every width and depth a variant may draw).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from generator.notation import ReLU, inline_tex, tex
from generator.notation import unevaluated as U
from generator.numbers import SympyLatex
from generator.proofs import ASSUMED, Derivation, Fact, NumericCheck, Step

from ..deep_network import simulate
from ..expectations import E, Ex, Expectation, Gate, Integral
from ..parameters import Questions

TITLE = "He initialization"

SEED = 2023  # the drawn network's: fixed, so the figure and its numbers are the same on every build
REPLICAS = 8  # networks per weight variance in the checks, seeded SEED .. SEED + 7 (the first is drawn)
SCALES = (1, 2, 4)  # sigma_Omega^2 = scale / D_h: too small, He, too large
STANDARD_ERRORS = 4  # tolerance of the simulation's checks: |z| > 4, a false alarm about once in 16 000 runs
GAP_TOLERANCE = 0.2  # log(arithmetic / geometric mean of the ratios) against half their log variance, relative

u = sp.Symbol("u", real=True)
sigma_f = sp.Symbol("sigma_f", positive=True)
sigma_Omega = sp.Symbol("sigma_Omega", positive=True)
D = sp.Symbol("D_h", integer=True, positive=True)
D_next = sp.Symbol("D_h'", integer=True, positive=True)
i, j = sp.symbols("i j", integer=True, positive=True)
j_other = sp.Symbol("j'", integer=True, positive=True)
half = sp.Rational(1, 2)


def halved(*factors: sp.Expr) -> sp.Expr:
    """The product of ``factors`` over two, printed as a fraction (sigma_f^2/2, not sigma_f^2 1/2)."""
    return U(sp.Mul, *factors, U(sp.Pow, 2, -1))


f = sp.Symbol("f", real=True)
f_j = sp.Symbol("f_{j}", real=True)
density = U(sp.Mul, U(sp.Pow, U(sp.Pow, U(sp.Mul, 2, sp.pi), half), -1), sp.exp(-u**2 / 2))

# A step whose reason begins with ASSUMED rests on an assumption of the question (Step.assumed);
# the key prints the same words beside the step.
SYMMETRIC = ASSUMED + "$f$ and $-f$ have the same distribution"
# What the audit says the check read an expectation over a symmetric variable as (``Expectation``).
EXPECTATION = (r"The check reads an expectation $\mathbb{E}[X]$ over a variable symmetric about zero by the two "
               r"facts it stands for: it is linear in $X$, and unchanged when the variable's sign flips. So $X$ is "
               r"replaced by its even part and split into multiples of the expectations of its terms; two "
               r"expectations whose even parts agree are equal for every such distribution.")
RELU_SQUARE = Derivation(
    key="he_init.relu_square", problem=TITLE, title=r"half the second moment survives the $\operatorname{ReLU}$",
    lhs=Ex(U(sp.Pow, ReLU(f), 2), f), definitions={Expectation(f**2, f): sigma_f**2}, reading=EXPECTATION,
    steps=(
        Step(U(sp.Add, U(sp.Mul, half, Ex(U(sp.Pow, ReLU(f), 2), f)), U(sp.Mul, half, Ex(U(sp.Pow, ReLU(-f), 2), f))),
             SYMMETRIC),
        Step(U(sp.Mul, half, Ex(U(sp.Add, U(sp.Pow, ReLU(f), 2), U(sp.Pow, ReLU(-f), 2)), f)),
             "the expectation is linear"),
        Step(U(sp.Mul, half, Ex(U(sp.Pow, f, 2), f)), r"one term is $f^2$, the other zero"),
        Step(halved(U(sp.Pow, sigma_f, 2)), ASSUMED + r"symmetric, so of mean zero: $\mathbb{E}[f^2] = \sigma_f^2$"),
    ),
)
RELU_STANDARD = Derivation(
    key="he_init.relu_standard", problem=TITLE, title=r"example: $\operatorname{ReLU}$ of a standard normal $u$",
    lhs=Ex(U(sp.Pow, ReLU(u), 2), u),
    definitions={Expectation(u**2, u): Integral(U(sp.Mul, U(sp.Pow, u, 2), density), (u, -sp.oo, sp.oo))},
    reading=EXPECTATION,
    steps=(
        Step(Integral(U(sp.Mul, U(sp.Pow, ReLU(u), 2), density), (u, -sp.oo, sp.oo)),
             ASSUMED + "$u$ is standard normal", given=True),
        Step(Integral(U(sp.Mul, U(sp.Pow, u, 2), density), (u, 0, sp.oo)), r"$\operatorname{ReLU}[u]$ is zero for negative $u$"),
        Step(Integral(U(sp.Mul, half, U(sp.Pow, u, 2), density), (u, -sp.oo, sp.oo)),
             "the integrand is even: half of the whole line"),
        Step(half, r"$\mathbb{E}[u^2]$, the variance of $u$, is one"),
    ),
)
HALF_POSITIVE = Derivation(
    key="he_init.half_positive", problem=TITLE, title=r"$f_j$ is positive half the time",
    lhs=Ex(Gate(f_j), f_j),
    reading=EXPECTATION + r" It reads $\mathbb{I}[z > 0]$ as $(1 + \operatorname{sign}[z])/2$, one half at "
            r"$z = 0$, so that the two gates sum to one everywhere: that reading is the assumption of the step taken "
            r"as given.",
    steps=(
        Step(U(sp.Add, U(sp.Mul, half, Ex(Gate(f_j), f_j)), U(sp.Mul, half, Ex(Gate(-f_j), f_j))),
             ASSUMED + "$f_j$ and $-f_j$ have the same distribution"),
        Step(U(sp.Mul, half, Ex(U(sp.Add, Gate(f_j), Gate(-f_j)), f_j)), "the expectation is linear"),
        Step(half, ASSUMED + r"$f_j$ is zero with probability zero, so the sum is one", given=True),
    ),
)

E_w, E_w2, E_h, E_h2 = E(r"\Omega_{ij}"), E(r"\Omega_{ij}^{2}"), E("h_{j}"), E("h_{j}^{2}")
def Var(body: str) -> sp.Symbol:
    """A variance the checker treats as a name, printed as the prose writes one: Var[f_k]."""
    return sp.Symbol(rf"\mathrm{{Var}}[{body}]")


E_out, var_out = E("f'_{i}"), Var("f'_{i}")
MEAN = Derivation(
    key="he_init.mean", problem=TITLE, title=r"the mean of $f'_i$",
    lhs=E_out, definitions={E_out: sp.Sum(U(sp.Mul, E_w, E_h), (j, 1, D)), E_w: sp.Integer(0)},
    steps=(Step(sp.Sum(U(sp.Mul, E_w, E_h), (j, 1, D)), ASSUMED + r"$\Omega$ is independent of $h$"),
           Step(sp.Integer(0), ASSUMED + "the weights have mean zero")),
)
VARIANCE = Derivation(
    key="he_init.variance", problem=TITLE, title=r"the variance of $f'_i$",
    lhs=var_out, definitions={var_out: sp.Sum(U(sp.Mul, E_w2, E_h2), (j, 1, D)),
                              E_w2: U(sp.Pow, sigma_Omega, 2), E_h2: RELU_SQUARE.steps[-1].expr},
    steps=(
        Step(sp.Sum(U(sp.Mul, E_w2, E_h2), (j, 1, D)), ASSUMED + r"independent weights; the terms with $j \ne j'$ vanish"),
        Step(sp.Sum(U(sp.Mul, U(sp.Pow, sigma_Omega, 2), E_h2), (j, 1, D)),
             ASSUMED + r"weights of mean zero and variance $\sigma_\Omega^2$"),
        Step(sp.Sum(halved(U(sp.Pow, sigma_Omega, 2), U(sp.Pow, sigma_f, 2)), (j, 1, D)), "the ReLU's share, found above"),
        Step(halved(D, U(sp.Pow, sigma_Omega, 2), U(sp.Pow, sigma_f, 2)), r"$D_h$ equal terms"),
    ),
)
variance_formula = VARIANCE.steps[-1].expr
(HE_FORWARD,) = sp.solve(sp.Eq(variance_formula.doit(), sigma_f**2), sigma_Omega**2)  # 2/D_h, solved
FORWARD = Derivation(
    key="he_init.forward", problem=TITLE, title="He initialization keeps the variance",
    lhs=variance_formula, definitions={U(sp.Pow, sigma_Omega, 2): HE_FORWARD},
    steps=(Step(halved(D, HE_FORWARD, U(sp.Pow, sigma_f, 2)), r"He's choice of $\sigma_\Omega^2$"),
           Step(U(sp.Pow, sigma_f, 2), "cancel")),
)

dl_dfj, dl_dhj, dl_dfi = (sp.Symbol(rf"\frac{{\partial \ell}}{{\partial {name}}}", real=True)
                          for name in ("f_{j}", "h_{j}", "f'_{i}"))
E_back, E_hback, E_g2 = (E(rf"\left(\frac{{\partial \ell}}{{\partial {name}}}\right)^{{2}}")
                         for name in ("f_{j}", "h_{j}", "f'_{i}"))
Pr_positive = Ex(Gate(f_j), f_j)
BACKWARD = Derivation(
    key="he_init.backward", problem=TITLE, title="the backward pass",
    reading="No numeric cross-check covers the backward pass: the simulation runs the forward pass only.",
    lhs=E_back, definitions={E_back: U(sp.Mul, Pr_positive, E_hback),
                             E_hback: sp.Sum(U(sp.Mul, E_w2, E_g2), (i, 1, D_next)),
                             E_w2: U(sp.Pow, sigma_Omega, 2), Pr_positive: half},  # the gate's, found above
    steps=(
        Step(U(sp.Mul, Pr_positive, E_hback), ASSUMED + r"the gate is independent; $\mathbb{I}^2 = \mathbb{I}$"),
        Step(U(sp.Mul, Pr_positive, sp.Sum(U(sp.Mul, E_w2, E_g2), (i, 1, D_next))),
             ASSUMED + "independent weights; the cross terms vanish"),
        Step(halved(sp.Sum(U(sp.Mul, U(sp.Pow, sigma_Omega, 2), E_g2), (i, 1, D_next))),
             r"the gate's expectation, found above; $\mathbb{E}[\Omega_{ij}^2] = \sigma_\Omega^2$"),
        Step(halved(D_next, U(sp.Pow, sigma_Omega, 2), E_g2), ASSUMED + r"equal second moments, so $D_{h'}$ equal terms"),
    ),
)
(HE_BACKWARD,) = sp.solve(sp.Eq(BACKWARD.steps[-1].expr.doit(), E_g2), sigma_Omega**2)  # 2/D_h'
COMPROMISE = Derivation(
    key="he_init.compromise", problem=TITLE, title="the compromise: He's value at the mean of the two widths",
    lhs=U(sp.Mul, 2, U(sp.Pow, U(sp.Mul, half, U(sp.Add, D, D_next)), -1)),
    steps=(Step(U(sp.Mul, 4, U(sp.Pow, U(sp.Add, D, D_next), -1)), "simplify"),),
)
EQUAL_WIDTHS = Derivation(
    key="he_init.equal_widths", problem=TITLE, title="equal widths need no compromise",
    lhs=U(sp.Mul, 4, U(sp.Pow, U(sp.Add, D, D), -1)),
    steps=(Step(HE_FORWARD, r"equal widths: He's value for either pass"),),
)

K = sp.Symbol("K", integer=True, positive=True)
var_first = Var("f_{0}")  # the prediction's: over every draw of the weights and the inputs
# one network's measured variance of a layer (over its units and the batch), which estimates it
measured_first, measured_last = sp.Symbol(r"\hat{v}_{0}"), sp.Symbol(r"\hat{v}_{K-1}")


def _geometric() -> SympyLatex:
    """(v_{K-1} / v_0)^(1/(K-1)), of the measured variances, for a display: the ratio stacked, its
    exponent with a slash (a stacked fraction in an exponent is too small to read)."""
    ratio = tex(U(sp.Mul, measured_last, U(sp.Pow, measured_first, -1)), "he_init.geometric definition")
    exponent = inline_tex(U(sp.Pow, U(sp.Add, K, -1), -1), "he_init.geometric definition")
    out = SympyLatex(rf"\left({ratio}\right)^{{{exponent}}}")
    out.source, out.constants = "he_init.geometric definition", tuple(sorted({*ratio.constants, *exponent.constants}))
    return out


FORMULAS = {
    "relu_square": inline_tex(U(sp.Eq, Ex(U(sp.Pow, ReLU(f), 2), f), RELU_SQUARE.steps[-1].expr), "he_init.relu_square"),
    "layer": tex(U(sp.Eq, sp.Symbol("f'_{i}"), sp.Sum(U(sp.Mul, sp.Symbol(r"\Omega_{ij}"), sp.Symbol("h_{j}")), (j, 1, D))),
                 "he_init.layer definition"),
    "relu": tex(U(sp.Eq, sp.Symbol("h_{j}"), ReLU(sp.Symbol("f_{j}"))), "he_init.relu definition"),
    "relu_max": tex(U(sp.Eq, ReLU(sp.Symbol("z")), sp.Max(0, sp.Symbol("z"), evaluate=False)), "he_init.relu definition"),
    "mean": tex(U(sp.Eq, E_out, MEAN.steps[-1].expr), "he_init.mean"),
    "variance": tex(U(sp.Eq, var_out, variance_formula), "he_init.variance"),
    "he_forward": inline_tex(U(sp.Eq, U(sp.Pow, sigma_Omega, 2), HE_FORWARD), "he_init.forward"),
    "back_h": tex(U(sp.Eq, dl_dhj, sp.Sum(U(sp.Mul, sp.Symbol(r"\Omega_{ij}"), dl_dfi), (i, 1, D_next))),
                  "he_init.backward_rules"),
    "back_f": tex(U(sp.Eq, dl_dfj, U(sp.Mul, Gate(f_j), dl_dhj)), "he_init.backward_rules"),
    "second_moment": tex(U(sp.Eq, E("f'^{2}_{i}"), sp.Sum(sp.Sum(U(sp.Mul, E(r"\Omega_{ij} \Omega_{ij'}"), E("h_{j} h_{j'}")),
                                                               (j_other, 1, D)), (j, 1, D))), "he_init.second_moment"),
    "gate": tex(Gate(f_j), "he_init.gate definition"),
    "he_backward": inline_tex(U(sp.Eq, U(sp.Pow, sigma_Omega, 2), HE_BACKWARD), "he_init.backward"),
    "compromise": tex(U(sp.Eq, U(sp.Pow, sigma_Omega, 2), COMPROMISE.steps[-1].expr), "he_init.compromise"),
    "growth": inline_tex(halved(D, U(sp.Pow, sigma_Omega, 2)), "he_init.forward"),
    "first_layer": tex(U(sp.Eq, var_first, U(sp.Mul, D, U(sp.Pow, sigma_Omega, 2))), "he_init.first_layer"),
    "last_layer": tex(measured_last, "he_init.last_layer definition"),
    "measured": inline_tex(sp.Symbol(r"\hat{v}_{k}"), "he_init.measured definition"),
    "geometric": _geometric(),
}


@dataclass(frozen=True)
class Run:
    """The drawn network for sigma_Omega^2 = scale / D_h: the variance of f_k at each layer k, and the checks' pool."""

    scale: int  # 1, 2 or 4
    sigma_omega_sq: float
    variances: tuple[float, ...]  # layers 0 .. K - 1
    theory: tuple[float, ...]  # scale (scale/2)^k: unit-variance inputs of dimension D_h, no ReLU before f_0
    theory_factor: float  # D_h sigma_Omega^2 / 2
    measured_factor: float  # (Var[f_{K-1}] / Var[f_0])^(1/(K-1)): the geometric mean of the K - 1 ratios
    first: float
    last: float
    low: float  # the smallest and largest drawn variance
    high: float
    pooled_factor: float  # mean of Var[f_{k+1}] / Var[f_k] over the layers of the REPLICAS networks
    pooled_error: float  # its standard error
    pooled_geometric: float  # the geometric mean of the same ratios: exp of the mean of their logarithms
    below: int  # how many of the REPLICAS networks end with a last-layer variance below its prediction
    half_log_variance: float  # half the variance of their logarithms: about log(pooled_factor / pooled_geometric)
    scatter_percent: float  # one network's measured factor scatters by about sd(log ratio) / sqrt(K - 1), in percent
    last_plain: bool  # the last layer's variance is printed as a plain decimal (0.981), not with a power of ten


@dataclass(frozen=True)
class HeInitResult:
    hidden: int
    depth: int
    steps: int  # depth - 1: the ratios from the first layer to the last
    batch: int
    seed: int
    replicas: int
    he_forward: float  # 2/D_h
    he_backward: float  # 2/D_h' with D_h' = D_h, as in the simulation
    compromise: float  # 4/(D_h + D_h')
    runs: tuple[Run, ...]
    he_low: float  # the He run's smallest and largest variance over the layers, as drawn
    he_high: float
    half_mass: float  # mean over the layers of every pooled network of E[ReLU[f]^2] / E[f^2]
    half_mass_error: float  # its standard error
    half_log_variance_low: float  # the smallest and largest of the runs' half_log_variance
    half_log_variance_high: float
    scatter_low: float  # the smallest and largest of the runs' scatter_percent
    scatter_high: float
    largest_miss: float  # the largest factor, either way, between a drawn variance and its prediction
    compounds: bool  # in every run the last layer is further, relatively, from its prediction than the factor from its own
    typical_below: bool  # for every weight variance the pooled geometric mean is below the predicted factor, and
    # more than half of the pooled networks end below the predicted last-layer variance
    below_low: int  # the fewest and most of the pooled networks, over the weight variances, that end below it
    below_high: int
    error_low: float  # the smallest and largest standard error of the pooled arithmetic means, in percent of the factor
    error_high: float
    deviation_low: float  # the smallest and largest distance of a pooled arithmetic mean from its factor, in percent
    deviation_high: float
    within_error: bool  # every pooled arithmetic mean is within one standard error of its predicted factor
    facts: tuple[Fact, ...]  # what chooses the text's words (the compounding difference)
    formulas: dict
    derivations: tuple[Derivation, ...]
    numeric_checks: tuple[NumericCheck, ...]


PLAIN = (1e-3, 1e4)  # a variance in this range is printed as a decimal, as the caption prints it


def _mean_and_error(values: np.ndarray) -> tuple[float, float]:
    return float(values.mean()), float(values.std(ddof=1) / math.sqrt(len(values)))


POOL = (rf"all layers of {REPLICAS} networks, seeds $s = {SEED}, \dots, {SEED + REPLICAS - 1}$ "
        r"(the first is the network the figure draws)")
GENERATOR = (r"NumPy's default generator: the inputs, standard normal, one array of $D_h$ rows and a column per "
             r"input, seeded with $s$; the weights seeded with $(s, D_h\sigma_\Omega^2)$, a standard-normal "
             r"$D_h \times D_h$ array for each layer in turn from the first, times $\sigma_\Omega$")
FALSE_ALARM = round(1 / math.erfc(STANDARD_ERRORS / math.sqrt(2)), -3)  # runs per false alarm, |z| > STANDARD_ERRORS
FALSE_ALARM_TEX = f"{FALSE_ALARM:,.0f}".replace(",", r"\,")  # 16\,000: digits grouped as the page groups them
TOLERANCE = (rf"tolerance {STANDARD_ERRORS} standard errors of the mean (for one check, a false alarm once in about "
             rf"${FALSE_ALARM_TEX}$ runs)")


def compute(q: Questions) -> HeInitResult:
    width, depth, batch = q.he_hidden, q.he_depth, q.he_batch
    at = {D: width, D_next: width}
    runs, checks, kept_all = [], [], []
    for scale in SCALES:
        simulated = [simulate(width, depth, batch, scale, SEED + n) for n in range(REPLICAS)]
        variances = simulated[0][0]  # the drawn network
        ratios = np.concatenate([v[1:] / v[:-1] for v, _ in simulated])
        kept_all += [kept for _, kept in simulated]
        pooled, pooled_error = _mean_and_error(ratios)
        logs = np.log(ratios)
        geometric, half_log_variance = float(np.exp(logs.mean())), float(logs.var(ddof=1) / 2)
        scatter = float(100 * logs.std(ddof=1) / math.sqrt(depth - 1))
        factor = float((variances[-1] / variances[0]) ** (1 / (depth - 1)))
        theory_factor = float((variance_formula / sigma_f**2).doit().subs({D: width, sigma_Omega**2: sp.Rational(scale, width)}))
        theory = tuple(scale * theory_factor**k for k in range(depth))
        below = sum(int(v[-1] < theory[-1]) for v, _ in simulated)
        runs.append(Run(scale, scale / width, tuple(float(v) for v in variances), theory, theory_factor, factor,
                        float(variances[0]), float(variances[-1]), float(variances.min()), float(variances.max()),
                        pooled, pooled_error, geometric, below, half_log_variance, scatter,
                        bool(PLAIN[0] <= variances[-1] < PLAIN[1])))
        checks.append(NumericCheck(
            f"he_init.growth_{scale}", TITLE,
            rf"per-layer growth for $\sigma_\Omega^2 = {scale}/D_h$: the arithmetic mean of the ratios "
            r"$\hat{v}_{k+1}/\hat{v}_k$ (variances over the units and the batch) over "
            rf"{POOL}, against $D_h\sigma_\Omega^2/2$; relative error, " + TOLERANCE,
            abs(pooled / theory_factor - 1), STANDARD_ERRORS * pooled_error / theory_factor,
            note=(f"{GENERATOR}. These checks find the expected factor per layer within their tolerance, on average over "
                  f"layers and networks; not that one network follows the prediction over its {depth} layers, nor the table's "
                  "measured factor, a geometric mean (the gap checks account for the gap between the two means)."
                  if scale == SCALES[0] else "")))
        checks.append(NumericCheck(
            f"he_init.geometric_gap_{scale}", TITLE,
            rf"for $\sigma_\Omega^2 = {scale}/D_h$, over {POOL}: $\log$ of the arithmetic over the geometric mean of "
            r"$\hat{v}_{k+1}/\hat{v}_k$ against half the variance of the ratios' logarithms; relative "
            "error (half the variance is the gap to second order in the logarithms' spread: a loose tolerance)",
            abs(math.log(pooled / geometric) / half_log_variance - 1), GAP_TOLERANCE,
            note=("These checks confirm the key's account of why a geometric mean, such as the table's measured "
                  "factor, falls short of the arithmetic mean; no numeric cross-check compares the drawn network's "
                  "measured factor with the prediction (the key says it may lie on either side; the caption's facts "
                  "compare it, within a margin, for the smallest and the largest weight variance)."
                  if scale == SCALES[0] else "")))
    he = next(run for run in runs if run.scale == 2)
    half_mass, half_error = _mean_and_error(np.concatenate(kept_all))
    checks.append(NumericCheck(
        "he_init.half_mass", TITLE,
        r"share of $\mathbb{E}[f^2]$ the $\operatorname{ReLU}$ keeps: mean of $\sum h_{k+1}^2 / \sum f_k^2$ (sums "
        rf"over the units and the batch) over {POOL}, at all three weight variances together, against one half; absolute error, "
        + TOLERANCE,
        abs(half_mass - 0.5), STANDARD_ERRORS * half_error))
    return HeInitResult(
        hidden=width, depth=depth, steps=depth - 1, batch=batch, seed=SEED, replicas=REPLICAS,
        he_forward=float(HE_FORWARD.subs(at)), he_backward=float(HE_BACKWARD.subs(at)),
        compromise=float(COMPROMISE.steps[-1].expr.doit().subs(at)),
        runs=tuple(runs), he_low=he.low, he_high=he.high, half_mass=half_mass, half_mass_error=half_error,
        half_log_variance_low=min(run.half_log_variance for run in runs),
        half_log_variance_high=max(run.half_log_variance for run in runs),
        scatter_low=min(run.scatter_percent for run in runs), scatter_high=max(run.scatter_percent for run in runs),
        largest_miss=max(max(v / t, t / v) for r in runs for v, t in zip(r.variances, r.theory)),
        compounds=(compounds := all(abs(r.last / r.theory[-1] - 1) > abs(r.measured_factor / r.theory_factor - 1)
                                    for r in runs)),
        typical_below=(typical := all(r.pooled_geometric < r.theory_factor and 2 * r.below > REPLICAS for r in runs)),
        below_low=min(r.below for r in runs), below_high=max(r.below for r in runs),
        error_low=min(100 * r.pooled_error / r.theory_factor for r in runs),
        error_high=max(100 * r.pooled_error / r.theory_factor for r in runs),
        deviation_low=min(100 * abs(r.pooled_factor / r.theory_factor - 1) for r in runs),
        deviation_high=max(100 * abs(r.pooled_factor / r.theory_factor - 1) for r in runs),
        within_error=(within := all(abs(r.pooled_factor - r.theory_factor) <= r.pooled_error for r in runs)),
        facts=(Fact("compounds", compounds, "for every weight variance, the last layer's variance is further, "
                                            "relatively, from its prediction than the measured factor is from its own"),
               Fact("within_error", within, "for every weight variance, the pooled arithmetic mean of the ratios is "
                                            "within one standard error of the predicted factor"),
               Fact("typical_below", typical, "for every weight variance, the pooled geometric mean of the ratios, the "
                                              "typical ratio, is below the predicted factor, and more than half of "
                                              "the pooled networks end below the predicted last-layer variance")),
        formulas=FORMULAS,
        derivations=(RELU_SQUARE, RELU_STANDARD, MEAN, VARIANCE, FORWARD, HALF_POSITIVE, BACKWARD,
                     COMPROMISE, EQUAL_WIDTHS),
        numeric_checks=tuple(checks),
    )
