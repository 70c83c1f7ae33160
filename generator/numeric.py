"""Numeric cross-checks shared by activities: central finite differences against proven gradients."""

from __future__ import annotations

import numpy as np

FD_STEP = 1e-6  # central differences: error ~ h^2 f''' / 6, rounding ~ eps / h; 1e-6 balances both


def step_tex(h: float = FD_STEP) -> str:
    """A finite difference's step as the audit prints it, a power of ten: $10^{-6}$."""
    return f"$10^{{{round(float(np.log10(h)))}}}$"


def gradient_check(key: str, problem: str, f, gradient: np.ndarray, at: np.ndarray, tolerance: float,
                   what: str = "proven gradient"):
    """A ``gradient`` of ``f`` at ``at`` (``what`` says where it comes from) against central
    differences, its error relative to the larger of one and the gradient's largest entry."""
    from .proofs import NumericCheck

    numeric = finite_difference(f, at)
    error = float(np.max(np.abs(gradient - numeric)) / max(1.0, float(np.max(np.abs(gradient)))))
    return NumericCheck(key, problem, f"{what} against central finite differences with step~{step_tex()}, "
                        "at the example's starting point only, error relative to the larger of one and the "
                        "gradient's largest entry", error, tolerance)


def finite_difference(f, params: np.ndarray, h: float = FD_STEP) -> np.ndarray:
    """The gradient of ``f`` at ``params`` by central differences, one coordinate at a time."""
    grad = np.zeros_like(params, dtype=float)
    for k in range(len(params)):
        step = np.zeros_like(params, dtype=float)
        step[k] = h
        grad[k] = (f(params + step) - f(params - step)) / (2 * h)
    return grad


def decimals(value: float) -> int:
    """How many decimals the shortest repr of ``value`` has (0.03 -> 2, 1.0 -> 0)."""
    mantissa, _, exponent = repr(float(value)).partition("e")
    places = len(mantissa.partition(".")[2].rstrip("0"))
    return max(0, places - int(exponent or 0))
