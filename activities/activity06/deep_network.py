"""The deep ReLU network Problem 4 simulates: seeded, indexed as in Problem 1 (h_0 = x,
f_k = Omega_k h_k, h_{k+1} = ReLU[f_k]), with zero biases."""

from __future__ import annotations

import math

import numpy as np


def simulate(width: int, depth: int, batch: int, scale: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Variance of the pre-activations f_0 .. f_{K-1}, each over the units and the batch, and the
    share of E[f^2] the ReLU keeps at each layer.

    The inputs h_0 are a standard-normal batch of dimension ``width`` from NumPy's default generator
    seeded with ``seed``, the same for every scale; the weights (mean zero, variance scale / width)
    come from one seeded with (seed, scale); the biases are zero.
    """
    h = np.random.default_rng(seed).standard_normal((width, batch))
    rng = np.random.default_rng((seed, scale))
    variances, kept = [], []
    for _ in range(depth):
        f = (rng.standard_normal((width, width)) * math.sqrt(scale / width)) @ h
        h = np.maximum(f, 0.0)
        variances.append(float(f.var()))
        kept.append(float(np.mean(h * h) / np.mean(f * f)))
    return np.array(variances), np.array(kept)
