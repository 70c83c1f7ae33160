"""Numeric cross-checks shared by activities: central finite differences against proven gradients."""

from __future__ import annotations

import numpy as np

FD_STEP = 1e-6  # central differences: error ~ h^2 f''' / 6, rounding ~ eps / h; 1e-6 balances both


def finite_difference(f, params: np.ndarray, h: float = FD_STEP) -> np.ndarray:
    """The gradient of ``f`` at ``params`` by central differences, one coordinate at a time."""
    grad = np.zeros_like(params, dtype=float)
    for k in range(len(params)):
        step = np.zeros_like(params, dtype=float)
        step[k] = h
        grad[k] = (f(params + step) - f(params - step)) / (2 * h)
    return grad
