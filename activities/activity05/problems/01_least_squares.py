"""Problem 1: gradient of the least-squares loss of a line (book eq. 6.5 and 6.7)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from generator.notation import i, inline_tex, n_points, phi0, phi1, tex, x, y
from generator.notation import unevaluated as U
from generator.numbers import SympyLatex
from generator.numeric import FD_STEP, decimals, gradient_check
from generator.proofs import Derivation, NumericCheck, Step

from ..parameters import Questions

TITLE = "Least-squares gradient"
SUMMED = "the gradient of $L$, the sum of the proven derivatives of its terms,"  # what the checks test

FD_TOLERANCE = 1e-8  # relative to the gradient's size: the loss is quadratic, so only rounding, eps |L| / h ~ 1e-10
OPTIMUM_TOLERANCE = 1e-12  # absolute: rounding in the gradient's sums of a dozen terms of size ten, ~ 1e-14

residual = U(sp.Add, phi0, U(sp.Mul, phi1, x[i]), -y[i])
loss = sp.Sum(residual**2, (i, 1, n_points))
ell_i = sp.Symbol(r"\ell_i")
phi = sp.Symbol(r"\boldsymbol{\phi}")


def _gradient_derivation(param: sp.Symbol, inner: sp.Expr, key: str, title: str, why_inner: str) -> Derivation:
    """The question asks for the derivative of one term, so it is differentiated directly."""
    return Derivation(
        key=key,
        problem=TITLE,
        title=title,
        lhs=sp.Derivative(ell_i, param),
        definitions={ell_i: residual**2},
        steps=(
            Step(sp.Derivative(residual**2, param), r"definition of $\ell_i$"),
            Step(U(sp.Mul, 2, residual, sp.Derivative(residual, param)), "chain rule"),
            Step(inner, why_inner),
        ),
    )


DERIVATIONS = (
    _gradient_derivation(phi0, U(sp.Mul, 2, residual), "least_squares.dl_dphi0",
                         r"derivative with respect to $\phi_0$", "the inner derivative is one"),
    _gradient_derivation(phi1, U(sp.Mul, 2, x[i], residual), "least_squares.dl_dphi1",
                         r"derivative with respect to $\phi_1$", r"the inner derivative is $x_i$"),
)


def _loss_chain() -> SympyLatex:
    """L = sum l_i = sum (phi_0 + phi_1 x_i - y_i)^2, as the question states it."""
    parts = [tex(sp.Symbol(r"L[\boldsymbol{\phi}]")), tex(sp.Sum(ell_i, (i, 1, n_points))), tex(loss)]
    out = SympyLatex(" = ".join(parts))
    out.source, out.constants = "least_squares.loss definition", tuple(c for part in parts for c in part.constants)
    return out


FORMULAS = {
    "loss": _loss_chain(),
    "term": tex(U(sp.Eq, ell_i, residual**2), "least_squares.term definition"),
    "term_gradient": tex(U(sp.Eq, sp.Derivative(ell_i, phi),
                          sp.Matrix([[U(sp.Mul, 2, residual)], [U(sp.Mul, 2, x[i], residual)]])),
                         "least_squares.dl_dphi0+least_squares.dl_dphi1"),
    "loss_gradient": inline_tex(U(sp.Eq, sp.Derivative(sp.Symbol("L"), phi), sp.Sum(sp.Derivative(ell_i, phi), (i, 1, n_points))),
                         "least_squares.finite_difference"),
}


@dataclass(frozen=True)
class LeastSquaresResult:
    x: tuple[float, ...]
    y: tuple[float, ...]
    start: tuple[float, float]
    loss_at_start: float
    gradient_at_start: tuple[float, float]
    optimum: tuple[float, float]
    loss_at_optimum: float
    fd_step: float
    data_places: int  # decimals of the data as given, so the printed table is the data used
    formulas: dict
    derivations: tuple[Derivation, ...]
    numeric_checks: tuple[NumericCheck, ...]


def loss_value(params: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> float:
    return float(np.sum((params[0] + params[1] * xs - ys) ** 2))


def proven_gradient(params, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """The last step of each proven derivation, evaluated on the data (not retyped by hand)."""
    out = []
    for derivation in DERIVATIONS:
        term = derivation.steps[-1].expr
        f = sp.lambdify((phi0, phi1, x[i], y[i]), term, np)  # the module: "numpy" star-imports all of it
        out.append(float(np.sum(f(params[0], params[1], xs, ys))))
    return np.array(out)


def compute(q: Questions) -> LeastSquaresResult:
    xs, ys = np.array(q.least_squares_x), np.array(q.least_squares_y)
    start = np.array(q.least_squares_start, dtype=float)
    gradient = proven_gradient(start, xs, ys)
    design = np.column_stack([np.ones_like(xs), xs])
    optimum = np.linalg.lstsq(design, ys, rcond=None)[0]
    at_optimum = proven_gradient(optimum, xs, ys)
    return LeastSquaresResult(
        x=tuple(q.least_squares_x),
        y=tuple(q.least_squares_y),
        start=tuple(q.least_squares_start),
        loss_at_start=loss_value(start, xs, ys),
        gradient_at_start=(float(gradient[0]), float(gradient[1])),
        optimum=(float(optimum[0]), float(optimum[1])),
        loss_at_optimum=loss_value(optimum, xs, ys),
        fd_step=FD_STEP,
        data_places=max(decimals(v) for v in q.least_squares_x + q.least_squares_y),
        formulas=FORMULAS,
        derivations=DERIVATIONS,
        numeric_checks=(
            gradient_check("least_squares.finite_difference", TITLE, lambda p: loss_value(p, xs, ys), gradient, start,
                           FD_TOLERANCE, what=SUMMED),
            NumericCheck("least_squares.optimum_gradient", TITLE,
                         f"{SUMMED} vanishes at the least-squares optimum (found by NumPy's least-squares "
                         "solver, not from the gradient)",
                         float(np.max(np.abs(at_optimum))), OPTIMUM_TOLERANCE),
        ),
    )
