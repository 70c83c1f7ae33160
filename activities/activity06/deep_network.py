"""The deep ReLU network Problem 4 simulates: seeded, indexed as in Problem 1 (h_0 = x,
f_k = Omega_k h_k, h_{k+1} = ReLU[f_k]), with zero biases."""

from __future__ import annotations

import math

import numpy as np

SINGLE_THREAD = 262_144  # m n k of a matrix product below which OpenBLAS computes it on one thread


def product(w: np.ndarray, h: np.ndarray) -> np.ndarray:
    """w @ h, computed as a stack of products of w with blocks of h's columns, each small enough for
    OpenBLAS to compute on one thread (numpy's matmul calls BLAS once per block). The value is the
    same up to rounding; the time is not: on a busy machine (the test suite's workers, a build's
    proof workers) OpenBLAS's threads wait for one another, and one plain product of this size took
    several times as long as the blocks.
    """
    rows, (inner, columns) = w.shape[0], h.shape
    width = max(1, SINGLE_THREAD // (rows * inner))
    if width >= columns:
        return w @ h
    blocks = -(-columns // width)
    padded = np.zeros((inner, blocks * width))
    padded[:, :columns] = h
    stacked = np.ascontiguousarray(padded.reshape(inner, blocks, width).transpose(1, 0, 2))
    return np.matmul(w, stacked).transpose(1, 0, 2).reshape(rows, blocks * width)[:, :columns]


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
        f = product(rng.standard_normal((width, width)) * math.sqrt(scale / width), h)
        h = np.maximum(f, 0.0)
        variances.append(float(f.var()))
        kept.append(float(np.mean(h * h) / np.mean(f * f)))
    return np.array(variances), np.array(kept)
