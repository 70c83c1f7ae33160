"""Problem 2: logistic regression, the meaning of its parameters, its loss and gradient."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from generator.notation import i, inline_tex, n_points, phi0, phi1, sig, tex, x, y, z
from generator.notation import unevaluated as U
from generator.numeric import FD_STEP, decimals, finite_difference, gradient_check, step_tex
from generator.proofs import Derivation, NumericCheck, Step

from ..parameters import Questions

TITLE = "Logistic regression"

FD_TOLERANCE = 1e-8  # relative: rounding eps |L| / h ~ 3e-10 at these sizes, truncation O(h^2) smaller
L = sp.Symbol("L")
x_star = sp.Symbol("x^*")
xs_sym = sp.Symbol("x", real=True)

# z_i names the sigmoid's argument once (c) defines it ((b) states the loss with x_i in full); every
# derivation that writes it carries the definition, so the checker proves each step with z_i written out.
z_i = sp.Symbol("z_i")
z_i_value = U(sp.Add, phi0, U(sp.Mul, phi1, x[i]))
Z_I = {z_i: z_i_value}


def bce_term(argument: sp.Expr) -> sp.Expr:
    """-(1 - y_i) log[1 - sig[argument]] - y_i log[sig[argument]]."""
    return U(sp.Add, U(sp.Mul, -1, U(sp.Add, 1, -y[i]), sp.log(U(sp.Add, 1, -sig(argument)))),
             U(sp.Mul, -1, y[i], sp.log(sig(argument))))


loss_written_out = sp.Sum(bce_term(z_i_value), (i, 1, n_points))  # (b) states it with x_i in full
loss = sp.Sum(bce_term(z_i), (i, 1, n_points))  # (c) differentiates it in z_i
dsig_exp = U(sp.Mul, sp.exp(-z), U(sp.Pow, U(sp.Add, 1, sp.exp(-z)), -2))


def chain_factor(wrt: sp.Expr) -> sp.Expr:
    """((1-y_i)/(1-sig[z_i]) - y_i/sig[z_i]) * exp[-z_i]/(1+exp[-z_i])^2, times x_i for phi_1."""
    outer = U(sp.Add, U(sp.Mul, U(sp.Add, 1, -y[i]), U(sp.Pow, U(sp.Add, 1, -sig(z_i)), -1)),
              -U(sp.Mul, y[i], U(sp.Pow, sig(z_i), -1)))
    e = sp.exp(-z_i)
    denominator = U(sp.Pow, U(sp.Add, 1, e), 2)
    numerator = e if wrt == 1 else U(sp.Mul, wrt, e)
    return U(sp.Mul, outer, U(sp.Mul, numerator, U(sp.Pow, denominator, -1)))


sig_named = sp.Symbol(r"\,\mathrm{sig}[z]")  # the thin space: d sig[z]/dz, not "dsig"
SIGMOID_DERIVATIVE = Derivation(
    key="logistic.dsig_dz", problem=TITLE, title="derivative of the logistic sigmoid",
    lhs=sp.Derivative(sig_named, z),
    definitions={sig_named: sig(z), sig(z): U(sp.Pow, U(sp.Add, 1, sp.exp(-z)), -1)},  # the sigmoid, as the key defines it
    steps=(
        Step(sp.Derivative(U(sp.Pow, U(sp.Add, 1, sp.exp(-z)), -1), z), "definition of the sigmoid"),
        Step(dsig_exp, "chain rule"),
        Step(U(sp.Mul, U(sp.Pow, U(sp.Add, 1, sp.exp(-z)), -1), U(sp.Mul, sp.exp(-z), U(sp.Pow, U(sp.Add, 1, sp.exp(-z)), -1))),
             "split the fraction in two"),
        Step(U(sp.Mul, sig(z), U(sp.Add, 1, -sig(z))),
             r"the first is $\mathrm{sig}[z]$, the second its complement"),
    ),
)

sig_z = sig(z)
SIGMOID_DERIVATIVE_MAXIMUM = Derivation(
    key="logistic.dsig_max", problem=TITLE, title="one quarter minus the sigmoid's derivative is a square",
    lhs=U(sp.Add, sp.Rational(1, 4), -U(sp.Mul, sig_z, U(sp.Add, 1, -sig_z))),
    steps=(
        Step(U(sp.Add, sp.Rational(1, 4), -sig_z, U(sp.Pow, sig_z, 2)), "multiply out"),
        Step(U(sp.Pow, U(sp.Add, sig_z, -sp.Rational(1, 2)), 2), "complete the square"),
    ),
)


def _gradient(param: sp.Symbol, factor: sp.Expr, key: str, title: str) -> Derivation:
    """Chain rule form, then the simplification to sum (sig - y) (times x_i for phi_1)."""
    s = sig(z_i)
    weight = 1 if factor == 1 else factor
    times = (lambda e: e) if factor == 1 else (lambda e: U(sp.Mul, factor, e))
    outer = U(sp.Add, U(sp.Mul, U(sp.Add, 1, -y[i]), U(sp.Pow, U(sp.Add, 1, -s), -1)),
              -U(sp.Mul, y[i], U(sp.Pow, s, -1)))
    return Derivation(
        key=key, problem=TITLE, title=title, lhs=sp.Derivative(L, param), definitions={L: loss, **Z_I},
        steps=(
            Step(sp.Derivative(loss, param), "binary cross-entropy"),
            Step(sp.Sum(chain_factor(weight), (i, 1, n_points)), r"chain rule through $\mathrm{sig}[z_i]$"),
            Step(sp.Sum(times(U(sp.Mul, outer, U(sp.Mul, s, U(sp.Add, 1, -s)))), (i, 1, n_points)),
                 "the sigmoid's derivative, found above"),
            Step(sp.Sum(times(U(sp.Add, U(sp.Mul, U(sp.Add, 1, -y[i]), s), -U(sp.Mul, y[i], U(sp.Add, 1, -s)))),
                        (i, 1, n_points)), "multiply out"),
            Step(sp.Sum(times(U(sp.Add, s, -y[i])), (i, 1, n_points)), r"the $y_i\,\mathrm{sig}[z_i]$ terms cancel"),
        ),
    )


GRADIENTS = (
    _gradient(phi0, 1, "logistic.dL_dphi0", r"derivative with respect to $\phi_0$"),
    _gradient(phi1, x[i], "logistic.dL_dphi1", r"derivative with respect to $\phi_1$"),
)

nonzero_phi1 = {phi1: lambda rng: sp.Rational(rng.choice([-1, 1]) * rng.randint(1, 40), 10)}
midpoint_value = U(sp.Mul, -1, phi0, U(sp.Pow, phi1, -1))
pr_at_midpoint = sp.Symbol(r"\mathrm{Pr}(y=1\,|\,x^*)")
MIDPOINT = Derivation(
    key="logistic.midpoint", problem=TITLE, title="the curve crosses one half at the midpoint",
    lhs=pr_at_midpoint,
    definitions={pr_at_midpoint: sig(U(sp.Add, phi0, U(sp.Mul, phi1, x_star))), x_star: midpoint_value},
    steps=(Step(sig(U(sp.Add, phi0, U(sp.Mul, phi1, midpoint_value))), "definition of the midpoint $x^*$"),
           Step(sig(0), "the argument vanishes"),
           Step(sp.Rational(1, 2), "the exponential of zero is one")),
    samplers=nonzero_phi1,
)
slope_symbol = sp.Symbol(r"\left.\frac{\partial\,\mathrm{Pr}}{\partial x}\right|_{x^*}")
SLOPE_AT_MIDPOINT = Derivation(
    key="logistic.slope", problem=TITLE, title="slope at the midpoint",
    lhs=slope_symbol,
    definitions={slope_symbol: sp.Derivative(sig(U(sp.Add, phi0, U(sp.Mul, phi1, xs_sym))), xs_sym).subs(xs_sym, -phi0 / phi1)},
    steps=(
        Step(sp.Derivative(sig(U(sp.Add, phi0, U(sp.Mul, phi1, xs_sym))), xs_sym).subs(xs_sym, -phi0 / phi1),
             "differentiate, then set $x = x^*$"),
        Step(U(sp.Mul, phi1, sig(0), U(sp.Add, 1, -sig(0))), r"chain rule and the sigmoid's derivative"),
        Step(U(sp.Mul, phi1, U(sp.Pow, 4, -1)), r"$\mathrm{sig}$ is one half at the midpoint"),
    ),
    samplers=nonzero_phi1,
)
MIDPOINT_SHIFT = Derivation(
    key="logistic.midpoint_shift", problem=TITLE, title=r"how the midpoint moves with $\phi_0$",
    lhs=sp.Derivative(x_star, phi0),
    definitions={x_star: midpoint_value},
    steps=(Step(sp.Derivative(U(sp.Mul, -1, phi0, U(sp.Pow, phi1, -1)), phi0), "substitute $x^*$"),
           Step(U(sp.Mul, -1, U(sp.Pow, phi1, -1)), "it is linear in $\\phi_0$")),
    samplers=SLOPE_AT_MIDPOINT.samplers,
)
MIDPOINT_SHIFT_PHI1 = Derivation(
    key="logistic.midpoint_shift_phi1", problem=TITLE, title=r"how the midpoint moves with $\phi_1$",
    lhs=sp.Derivative(x_star, phi1),
    definitions={x_star: midpoint_value},
    steps=(Step(sp.Derivative(U(sp.Mul, -1, phi0, U(sp.Pow, phi1, -1)), phi1), "substitute $x^*$"),
           Step(U(sp.Mul, phi0, U(sp.Pow, U(sp.Pow, phi1, 2), -1)), r"differentiate by $\phi_1$")),
    samplers=SLOPE_AT_MIDPOINT.samplers,
)


pr = sp.Symbol(r"\mathrm{Pr}(y=1\,|\,x)")
sig_prime = sp.Symbol(r"\operatorname{sig}'[z]")  # (a)'s name for the sigmoid's derivative; spaced as sig[z]
FORMULAS = {
    "pr": tex(pr, "logistic.model definition"),
    "labels": tex(sp.FiniteSet(0, 1), "logistic.labels definition"),
    "model": tex(U(sp.Eq, pr, sig(U(sp.Add, phi0, U(sp.Mul, phi1, xs_sym)))), "logistic.model definition"),
    "loss": tex(U(sp.Eq, sp.Symbol(r"L[\boldsymbol{\phi}]"), loss_written_out), "logistic.loss"),
    "z_i": tex(U(sp.Eq, z_i, z_i_value), "logistic.z_i definition"),
    "dsig": tex(sig_prime, "logistic.dsig_dz"),
    "dsig_bound": inline_tex(sp.Le(sig_prime, sp.Rational(1, 4)), "logistic.dsig_max"),
    "sig_half": inline_tex(U(sp.Eq, sig(z), sp.Rational(1, 2)), "logistic.dsig_max"),
    "z_zero": tex(U(sp.Eq, z, 0), "logistic.z_zero"),
    "x_zero": tex(U(sp.Eq, xs_sym, 0), "logistic.x_zero"),
    "slope_x": tex(U(sp.Mul, phi1, sig_prime), "logistic.slope_x"),
    "z_of_x": tex(U(sp.Eq, z, U(sp.Add, phi0, U(sp.Mul, phi1, xs_sym))), "logistic.z_of_x definition"),
    "sigmoid": tex(U(sp.Eq, sig(z), U(sp.Pow, U(sp.Add, 1, sp.exp(-z)), -1)), "logistic.sigmoid definition"),
    "midpoint": inline_tex(U(sp.Eq, x_star, midpoint_value), "logistic.midpoint"),
    "slope": inline_tex(U(sp.Mul, phi1, U(sp.Pow, 4, -1)), "logistic.slope"),
    "slope_size": inline_tex(U(sp.Mul, sp.Abs(phi1), U(sp.Pow, 4, -1)), "logistic.slope"),
    "midpoint_shift_phi1": inline_tex(U(sp.Eq, sp.Derivative(x_star, phi1), MIDPOINT_SHIFT_PHI1.steps[-1].expr),
                               "logistic.midpoint_shift_phi1"),
    "phi1_positive": tex(phi1 > 0, "logistic.sign definition"),
    "phi1_negative": tex(phi1 < 0, "logistic.sign definition"),
    "phi1_zero": tex(U(sp.Eq, phi1, 0), "logistic.sign definition"),
    "phi0_zero": tex(U(sp.Eq, phi0, 0), "logistic.sign definition"),
    "phi1_nonzero": tex(sp.Ne(phi1, 0), "logistic.sign definition"),
    "dz_dphi0": inline_tex(U(sp.Eq, sp.Derivative(z_i, phi0), 1), "logistic.dz"),
    "dz_dphi1": inline_tex(U(sp.Eq, sp.Derivative(z_i, phi1), x[i]), "logistic.dz"),
    "half": inline_tex(sp.Rational(1, 2), "logistic.midpoint"),
    "constant": tex(sig(phi0), "logistic.constant"),
}


@dataclass(frozen=True)
class Curve:
    """One plotted curve of Pr(y=1|x) = sig[phi0 + phi1 x]."""

    phi0: float
    phi1: float
    midpoint: float | None  # None when phi1 = 0: the curve is the constant sig[phi0]
    slope_at_midpoint: float  # for phi1 = 0, the slope (zero) at every x
    constant: float | None
    direction: str  # increasing, decreasing or constant


@dataclass(frozen=True)
class LogisticResult:
    phi0_family: tuple[Curve, ...]
    phi0_family_mirrored: tuple[Curve, ...]  # the same intercepts with the slope's sign turned round
    phi1_family: tuple[Curve, ...]
    phi1_fixed: float
    phi1_mirrored: float
    phi0_fixed: float
    x: tuple[float, ...]
    y: tuple[int, ...]
    x_places: int  # decimals of the inputs as given: each printed with as many, so the list reads alike
    start: tuple[float, float]
    loss_at_start: float
    gradient_at_start: tuple[float, float]
    fd_step: float
    formulas: dict
    derivations: tuple[Derivation, ...]
    numeric_checks: tuple[NumericCheck, ...]


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def curve(p0: float, p1: float) -> Curve:
    if p1 == 0:
        return Curve(p0, p1, None, 0.0, float(sigmoid(p0)), "constant")
    midpoint = -p0 / p1
    return Curve(p0, p1, midpoint + 0.0, p1 / 4, None, "increasing" if p1 > 0 else "decreasing")


def bce(params, xs, ys) -> float:
    zz = params[0] + params[1] * xs
    return float(np.sum(np.logaddexp(0.0, -zz) * ys + np.logaddexp(0.0, zz) * (1 - ys)))


def proven_gradient(params, xs, ys) -> np.ndarray:
    out = []
    for derivation in GRADIENTS:
        term = derivation.steps[-1].expr.function.xreplace(Z_I).replace(sig, lambda a: 1 / (1 + sp.exp(-a)))
        f = sp.lambdify((phi0, phi1, x[i], y[i]), term, np)  # the module: "numpy" star-imports all of it
        out.append(float(np.sum(f(params[0], params[1], xs, ys) + 0 * xs)))
    return np.array(out)


def compute(q: Questions) -> LogisticResult:
    xs, ys = np.array(q.logistic_x, dtype=float), np.array(q.logistic_y, dtype=float)
    start = np.array(q.logistic_start, dtype=float)
    gradient = proven_gradient(start, xs, ys)
    mirrored = -q.logistic_phi1_fixed + 0.0
    families = (tuple(curve(p0, q.logistic_phi1_fixed) for p0 in q.logistic_phi0_values),
                tuple(curve(p0, mirrored) for p0 in q.logistic_phi0_values),
                tuple(curve(q.logistic_phi0_fixed, p1) for p1 in q.logistic_phi1_values))
    slope_error = max((abs(float(finite_difference(lambda v, c=c: sigmoid(c.phi0 + c.phi1 * v[0]),
                                                   np.array([c.midpoint]))[0]) - c.slope_at_midpoint)
                       for fam in families for c in fam if c.midpoint is not None), default=0.0)
    return LogisticResult(
        phi0_family=families[0], phi0_family_mirrored=families[1], phi1_family=families[2],
        phi1_fixed=q.logistic_phi1_fixed, phi1_mirrored=mirrored, phi0_fixed=q.logistic_phi0_fixed,
        x=tuple(q.logistic_x), y=tuple(q.logistic_y), x_places=max(decimals(v) for v in q.logistic_x),
        start=tuple(q.logistic_start),
        loss_at_start=bce(start, xs, ys),
        gradient_at_start=(float(gradient[0]), float(gradient[1])),
        fd_step=FD_STEP,
        formulas=FORMULAS,
        derivations=(SIGMOID_DERIVATIVE, SIGMOID_DERIVATIVE_MAXIMUM, *GRADIENTS, MIDPOINT, SLOPE_AT_MIDPOINT,
                     MIDPOINT_SHIFT, MIDPOINT_SHIFT_PHI1),
        numeric_checks=(
            gradient_check("logistic.finite_difference", TITLE, lambda p: bce(p, xs, ys), gradient, start, FD_TOLERANCE),
            NumericCheck("logistic.slopes", TITLE, r"slope $\phi_1/4$ at the midpoint of every plotted curve with "
                         rf"$\phi_1 \ne 0$ against a central difference in $x$ of step~{step_tex()}; "
                         "absolute error", slope_error, 1e-8),
        ),
    )


