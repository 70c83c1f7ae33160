"""Problem 4: He initialization (book section 7.5, problem 7.14).

For a pre-activation f symmetric about 0 with variance sigma_f^2, E[ReLU[f]^2] = sigma_f^2/2:
the ReLU zeroes one half of the mass and keeps the other, and the two halves of an even
integrand are equal, so symmetry is all the argument uses. The Gaussian case is proven by
integration over a standard normal u (the integrals have no free symbol, so the checker pays
for one quadrature each), with f = sigma_f u and ReLU[sigma_f u] = sigma_f ReLU[u]. Then
Var[f'_i] = D_h sigma_Omega^2 sigma_f^2 / 2, which stays level for sigma_Omega^2 = 2/D_h (He);
the backward pass asks for 2/D_h', and 4/(D_h + D_h') is the compromise. A seeded simulation of
a deep ReLU network measures the per-layer growth factor against D_h sigma_Omega^2 / 2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from generator.notation import ReLU, tex
from generator.notation import unevaluated as U
from generator.proofs import Derivation, NumericCheck, Step

from ..parameters import Questions

TITLE = "He initialization"

SEED = 2023  # the simulation's: fixed, so the figure and its numbers are the same on every build
SCALES = (1, 2, 4)  # sigma_Omega^2 = scale / D_h: too small, He, too large
STANDARD_ERRORS = 4  # tolerance of the growth checks: a false alarm about once in 15 000 runs

u = sp.Symbol("u", real=True)
sigma_f = sp.Symbol("sigma_f", positive=True)
sigma_Omega = sp.Symbol("sigma_Omega", positive=True)
D = sp.Symbol("D_h", integer=True, positive=True)
D_next = sp.Symbol("D_h'", integer=True, positive=True)
i, j = sp.symbols("i j", integer=True, positive=True)
half = sp.Rational(1, 2)


def halved(*factors: sp.Expr) -> sp.Expr:
    """The product of ``factors`` over two, printed as a fraction (sigma_f^2/2, not sigma_f^2 1/2)."""
    return U(sp.Mul, *factors, U(sp.Pow, 2, -1))


class Integral(sp.Integral):
    """A definite integral whose float value SymPy finds by mpmath's quadrature on a compiled integrand.

    SymPy's own evalf of an integral evaluates the integrand node by node and takes seconds; it
    runs whenever SymPy simplifies a difference of constant integrals (to learn its sign). The
    value is the same and the proof does not rest on it: the checker integrates exactly and
    compares by its own quadrature at 100 digits. Both quadratures split the line at 0, ReLU's
    kink: on each smooth half they converge in a few levels.
    """

    def _eval_evalf(self, prec):
        if self.free_symbols or len(self.limits) != 1 or len(self.limits[0]) != 3:
            return super()._eval_evalf(prec)
        var, low, high = self.limits[0]
        integrand = sp.lambdify(var, self.function, "mpmath")
        ends = sp.lambdify((), [low, high], "mpmath")()
        with mpmath.workprec(prec + 20):
            points = [ends[0], 0, ends[1]] if ends[0] < 0 < ends[1] else ends
            return sp.Float(mpmath.quad(integrand, points), precision=prec)

    def _mpmathcode(self, printer):
        """mpmath's quad as lambdify writes it, but split at 0, for the checker's own quadrature."""
        (var, low, high), = self.limits
        ends = [printer._print(low), printer._print(high)]
        if low.is_extended_negative and high.is_extended_positive:
            ends.insert(1, "0")
        return (f"{printer._module_format('mpmath.quad')}(lambda {printer._print(var)}: "
                f"{printer._print(self.function)}, [{', '.join(ends)}])")


def E(body: str) -> sp.Symbol:
    return sp.Symbol(rf"\mathbb{{E}}\left[{body}\right]")


density = U(sp.Mul, U(sp.Pow, U(sp.Pow, U(sp.Mul, 2, sp.pi), half), -1), sp.exp(-u**2 / 2))
E_relu_u, E_relu_f = E(r"\operatorname{ReLU}[u]^{2}"), E(r"\operatorname{ReLU}[f]^{2}")
E_w, E_w2, E_h, E_h2 = E(r"\Omega_{ij}"), E(r"\Omega_{ij}^{2}"), E("h_{j}"), E("h_{j}^{2}")
E_out, var_out = E("f'_{i}"), sp.Symbol(r"\mathrm{Var}\left[f'_{i}\right]")
E_g2, E_back = (E(r"\left(\frac{\partial \ell}{\partial f'_{i}}\right)^{2}"),
                E(r"\left(\frac{\partial \ell}{\partial f_{j}}\right)^{2}"))
positive_u, positive_f = sp.Symbol(r"\Pr(u > 0)"), sp.Symbol(r"\Pr(f_{j} > 0)")

RELU_STANDARD = Derivation(
    key="he_init.relu_standard", problem=TITLE, title=r"$\operatorname{ReLU}$ of a standard normal $u$",
    lhs=E_relu_u, definitions={E_relu_u: Integral(U(sp.Mul, U(sp.Pow, ReLU(u), 2), density), (u, -sp.oo, sp.oo))},
    steps=(
        Step(Integral(U(sp.Mul, U(sp.Pow, ReLU(u), 2), density), (u, -sp.oo, sp.oo)),
             "an expectation is an integral against the density"),
        Step(Integral(U(sp.Mul, U(sp.Pow, u, 2), density), (u, 0, sp.oo)),
             r"$\operatorname{ReLU}[u]$ is zero for negative $u$ and $u$ itself for positive $u$"),
        Step(U(sp.Mul, half, Integral(U(sp.Mul, U(sp.Pow, u, 2), density), (u, -sp.oo, sp.oo))),
             "the integrand is even, so both halves are equal: symmetry is all this uses"),
        Step(half, "the variance of a standard normal is one"),
    ),
)
RELU_SCALE = Derivation(
    key="he_init.relu_scale", problem=TITLE, title=r"$\operatorname{ReLU}$ commutes with a positive scale",
    lhs=U(sp.Pow, ReLU(U(sp.Mul, sigma_f, u)), 2),
    steps=(Step(U(sp.Mul, U(sp.Pow, sigma_f, 2), U(sp.Pow, ReLU(u), 2)),
                r"a positive $\sigma_f$ does not change the sign of $u$"),),
)
RELU_SQUARE = Derivation(
    key="he_init.relu_square", problem=TITLE, title=r"half the variance survives the $\operatorname{ReLU}$",
    lhs=E_relu_f, definitions={E_relu_f: U(sp.Mul, U(sp.Pow, sigma_f, 2), E_relu_u), E_relu_u: RELU_STANDARD.steps[-1].expr},
    steps=(Step(U(sp.Mul, U(sp.Pow, sigma_f, 2), E_relu_u),
                r"$f = \sigma_f u$; the scale comes out of the square, and the expectation is linear"),
           Step(halved(U(sp.Pow, sigma_f, 2)), "the standard normal's value above")),
)
HALF_POSITIVE = Derivation(
    key="he_init.half_positive", problem=TITLE, title="half of a symmetric density is positive",
    lhs=positive_u, definitions={positive_u: Integral(density, (u, 0, sp.oo))},
    steps=(Step(Integral(density, (u, 0, sp.oo)), "the probability is the integral over the positive half"),
           Step(U(sp.Mul, half, Integral(density, (u, -sp.oo, sp.oo))), "the density is even"),
           Step(half, "a density integrates to one")),
)
MEAN = Derivation(
    key="he_init.mean", problem=TITLE, title=r"the mean of $f'_i$",
    lhs=E_out, definitions={E_out: sp.Sum(U(sp.Mul, E_w, E_h), (j, 1, D)), E_w: sp.Integer(0)},
    steps=(Step(sp.Sum(U(sp.Mul, E_w, E_h), (j, 1, D)),
                r"$f'_i = \sum_j \Omega_{ij} h_j$ without a bias; the weights are independent of $h$"),
           Step(sp.Integer(0), "the weights have mean zero")),
)
VARIANCE = Derivation(
    key="he_init.variance", problem=TITLE, title=r"the variance of $f'_i$",
    lhs=var_out, definitions={var_out: sp.Sum(U(sp.Mul, E_w2, E_h2), (j, 1, D)),
                              E_w2: U(sp.Pow, sigma_Omega, 2), E_h2: RELU_SQUARE.steps[-1].expr},
    steps=(
        Step(sp.Sum(U(sp.Mul, E_w2, E_h2), (j, 1, D)),
             r"the mean is zero, and the cross terms $\mathbb{E}[\Omega_{ij}\Omega_{ik}h_jh_k]$, "
             r"$j \ne k$, vanish: the weights are independent with mean zero"),
        Step(sp.Sum(U(sp.Mul, U(sp.Pow, sigma_Omega, 2), E_h2), (j, 1, D)), r"the weights have variance $\sigma_\Omega^2$"),
        Step(sp.Sum(halved(U(sp.Pow, sigma_Omega, 2), U(sp.Pow, sigma_f, 2)), (j, 1, D)),
             r"$h_j = \operatorname{ReLU}[f_j]$, proved above"),
        Step(halved(D, U(sp.Pow, sigma_Omega, 2), U(sp.Pow, sigma_f, 2)), r"$D_h$ equal terms"),
    ),
)
variance_formula = VARIANCE.steps[-1].expr
(HE_FORWARD,) = sp.solve(sp.Eq(variance_formula.doit(), sigma_f**2), sigma_Omega**2)  # 2/D_h, solved
FORWARD = Derivation(
    key="he_init.forward", problem=TITLE, title="He initialization keeps the variance",
    lhs=variance_formula, definitions={sigma_Omega: sp.sqrt(HE_FORWARD)},
    steps=(Step(halved(D, HE_FORWARD, U(sp.Pow, sigma_f, 2)), r"He's choice of $\sigma_\Omega^2$"),
           Step(U(sp.Pow, sigma_f, 2), "cancel")),
)
BACKWARD = Derivation(
    key="he_init.backward", problem=TITLE, title="the backward pass",
    lhs=E_back, definitions={E_back: U(sp.Mul, positive_f, sp.Sum(U(sp.Mul, E_w2, E_g2), (i, 1, D_next))),
                             positive_f: HALF_POSITIVE.steps[-1].expr, E_w2: U(sp.Pow, sigma_Omega, 2)},
    steps=(
        Step(U(sp.Mul, positive_f, sp.Sum(U(sp.Mul, E_w2, E_g2), (i, 1, D_next))),
             r"$\partial\ell/\partial h_j = \sum_i \Omega_{ij}\,\partial\ell/\partial f'_i$ over the $D_h'$ "
             r"units fed, and $\partial\ell/\partial f_j$ is it where $f_j$ is positive, zero elsewhere"),
        Step(halved(sp.Sum(U(sp.Mul, U(sp.Pow, sigma_Omega, 2), E_g2), (i, 1, D_next))),
             r"$f_j$ is symmetric, so it is positive half the time (above)"),
        Step(halved(D_next, U(sp.Pow, sigma_Omega, 2), E_g2), r"$D_h'$ equal terms"),
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
    steps=(Step(HE_FORWARD, r"the same $D_h$ on both sides: He's value for either pass"),),
)

FORMULAS = {
    "relu_square": tex(U(sp.Eq, E_relu_f, RELU_SQUARE.steps[-1].expr), "he_init.relu_square"),
    "layer": tex(U(sp.Eq, sp.Symbol("f'_{i}"), sp.Sum(U(sp.Mul, sp.Symbol(r"\Omega_{ij}"), sp.Symbol("h_{j}")), (j, 1, D))),
                 "he_init.layer"),
    "relu": tex(U(sp.Eq, sp.Symbol("h_{j}"), ReLU(sp.Symbol("f_{j}"))), "he_init.layer"),
    "density": tex(U(sp.Eq, sp.Symbol(r"\phi[u]"), density), "he_init.density"),
    "mean": tex(U(sp.Eq, E_out, MEAN.steps[-1].expr), "he_init.mean"),
    "variance": tex(U(sp.Eq, var_out, variance_formula), "he_init.variance"),
    "he_forward": tex(U(sp.Eq, U(sp.Pow, sigma_Omega, 2), HE_FORWARD), "he_init.forward"),
    "he_backward": tex(U(sp.Eq, U(sp.Pow, sigma_Omega, 2), HE_BACKWARD), "he_init.backward"),
    "compromise": tex(U(sp.Eq, U(sp.Pow, sigma_Omega, 2), COMPROMISE.steps[-1].expr), "he_init.compromise"),
    "growth": tex(halved(D, U(sp.Pow, sigma_Omega, 2)), "he_init.growth"),
}


@dataclass(frozen=True)
class Run:
    """One simulated network: sigma_Omega^2 = scale / D_h, the variance of f_k at each layer k."""

    scale: int  # 1, 2 or 4
    sigma_omega_sq: float
    variances: tuple[float, ...]  # layers 1 .. depth
    theory: tuple[float, ...]  # scale (scale/2)^(k-1): the input has variance one and no ReLU
    theory_factor: float  # D_h sigma_Omega^2 / 2
    measured_factor: float  # mean over layers of Var[f_{k+1}] / Var[f_k]
    standard_error: float  # of that mean: the sample standard deviation over sqrt(depth - 1)
    first: float
    last: float


@dataclass(frozen=True)
class HeInitResult:
    hidden: int
    depth: int
    batch: int
    seed: int
    he_forward: float  # 2/D_h
    he_backward: float  # 2/D_h' with D_h' = D_h, as in the simulation
    compromise: float  # 4/(D_h + D_h')
    runs: tuple[Run, ...]
    half_mass: float  # mean over the He run's layers of E[ReLU[f]^2] / E[f^2]
    half_mass_error: float  # its standard error
    formulas: dict
    derivations: tuple[Derivation, ...]
    numeric_checks: tuple[NumericCheck, ...]


def simulate(width: int, depth: int, batch: int, scale: int) -> tuple[np.ndarray, np.ndarray]:
    """Variance of the pre-activations at each layer, and the share of E[f^2] the ReLU keeps.

    The inputs are the same standard-normal batch for every scale; each scale draws its own
    weights (mean zero, variance scale / width) and the biases are zero.
    """
    h = np.random.default_rng(SEED).standard_normal((width, batch))
    rng = np.random.default_rng((SEED, scale))
    variances, kept = [], []
    for _ in range(depth):
        f = (rng.standard_normal((width, width)) * math.sqrt(scale / width)) @ h
        h = np.maximum(f, 0.0)
        variances.append(float(f.var()))
        kept.append(float(np.mean(h * h) / np.mean(f * f)))
    return np.array(variances), np.array(kept)


def _mean_and_error(values: np.ndarray) -> tuple[float, float]:
    return float(values.mean()), float(values.std(ddof=1) / math.sqrt(len(values)))


def compute(q: Questions) -> HeInitResult:
    width, depth, batch = q.he_hidden, q.he_depth, q.he_batch
    at = {D: width, D_next: width}
    runs, checks, kept_he = [], [], None
    for scale in SCALES:
        variances, kept = simulate(width, depth, batch, scale)
        factor, error = _mean_and_error(variances[1:] / variances[:-1])
        theory_factor = float((variance_formula / sigma_f**2).doit().subs({D: width, sigma_Omega**2: sp.Rational(scale, width)}))
        theory = tuple(scale * theory_factor ** (k - 1) for k in range(1, depth + 1))
        runs.append(Run(scale, scale / width, tuple(float(v) for v in variances), theory, theory_factor, factor,
                        error, float(variances[0]), float(variances[-1])))
        checks.append(NumericCheck(
            f"he_init.growth_{scale}", TITLE,
            rf"simulated per-layer growth against $D_h\sigma_\Omega^2/2$ for $\sigma_\Omega^2 = {scale}/D_h$ "
            f"(tolerance: {STANDARD_ERRORS} standard errors over the layers)",
            abs(factor / theory_factor - 1), STANDARD_ERRORS * error / theory_factor))
        if scale == 2:
            kept_he = kept
    half_mass, half_error = _mean_and_error(kept_he)
    checks.append(NumericCheck(
        "he_init.half_mass", TITLE, r"share of $\mathbb{E}[f^2]$ the ReLU keeps in the simulation, against one half",
        abs(half_mass - 0.5), STANDARD_ERRORS * half_error))
    return HeInitResult(
        hidden=width, depth=depth, batch=batch, seed=SEED,
        he_forward=float(HE_FORWARD.subs(at)), he_backward=float(HE_BACKWARD.subs(at)),
        compromise=float(COMPROMISE.steps[-1].expr.doit().subs(at)),
        runs=tuple(runs), half_mass=half_mass, half_mass_error=half_error,
        formulas=FORMULAS,
        derivations=(RELU_STANDARD, RELU_SCALE, RELU_SQUARE, HALF_POSITIVE, MEAN, VARIANCE, FORWARD, BACKWARD,
                     COMPROMISE, EQUAL_WIDTHS),
        numeric_checks=tuple(checks),
    )
