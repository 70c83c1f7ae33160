"""Gradient descent with and without momentum on Problem 1's loss: the runs Figure 2 draws, and
what decides how fast each one's error shrinks (the Hessian's eigenvalues and the momentum coefficient)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..parameters import Questions

COMPARISON_FRACTION = 0.9  # of the largest rate at which plain gradient descent converges
COMPARISON_WINDOWS = 3  # steps, in windows 1/(1 - beta): by then m_0 = 0 weighs only about e^-3


def descent_path(gradient: Callable[[np.ndarray], np.ndarray], start, learning_rate: float, beta_value: float,
                 steps: int) -> np.ndarray:
    """phi_0 .. phi_steps of gradient descent with momentum as in the book (eq. 6.11).

    m_{t+1} = beta m_t + (1 - beta) g_t, phi_{t+1} = phi_t - alpha m_{t+1}, m_0 = 0: the
    recursion this problem unrolls. With beta = 0 it is plain gradient descent.
    """
    phi = np.asarray(start, dtype=float)
    velocity = np.zeros_like(phi)
    path = [phi]
    for _ in range(steps):
        velocity = beta_value * velocity + (1 - beta_value) * gradient(phi)
        phi = phi - learning_rate * velocity
        path.append(phi)
    return np.array(path)


def least_squares_gradient(xs, ys) -> Callable[[np.ndarray], np.ndarray]:
    """dL/dphi = sum_i 2 r_i (1, x_i), Problem 1's result, as one matrix product per step."""
    design, target = np.column_stack([np.ones(len(xs)), xs]), np.asarray(ys, dtype=float)
    return lambda phi: 2 * design.T @ (design @ phi - target)


def least_squares_loss(xs, ys, phi0_value, phi1_value):
    """L = sum_i (phi0 + phi1 x_i - y_i)^2, elementwise over arrays of phi0 and phi1."""
    phi0_value, phi1_value = np.asarray(phi0_value, dtype=float), np.asarray(phi1_value, dtype=float)
    return sum((phi0_value + phi1_value * xi - yi) ** 2 for xi, yi in zip(xs, ys))


def reversals(path, direction=None) -> int:
    """How often a step turns back: against the step before it, or, along ``direction`` (the valley's
    steepest, across it), how often the step's component there changes sign."""
    moves = np.diff(np.asarray(path), axis=0)
    if direction is None:
        return int(np.sum(np.einsum("ij,ij->i", moves[1:], moves[:-1]) < 0))
    across = moves @ np.asarray(direction)
    return int(np.sum(across[1:] * across[:-1] < 0))


@dataclass(frozen=True)
class Comparison:
    """Plain gradient descent against momentum, from one start with one learning rate."""

    curvatures: tuple[float, float]  # the eigenvalues of the constant Hessian 2 A^T A, smallest first
    stability_limit: float  # 2 / lambda_max: plain gradient descent converges below it
    learning_rate: float  # COMPARISON_FRACTION of the limit, to three digits (the printed rate is the rate used)
    percent_of_limit: float  # 100 learning_rate / stability_limit
    steps: int
    oldest_k: int  # steps - 1: the oldest gradient a run of this many steps weighs (Figure 2(a) runs that far)
    weight_sum_drawn: float  # w_0 + ... + w_oldest_k = 1 - beta^steps
    plain: tuple[tuple[float, float], ...]
    with_momentum: tuple[tuple[float, float], ...]
    plain_reversals: int  # across the valley: sign changes of the step along the steepest direction
    momentum_reversals: int
    start_loss: float
    plain_loss: float
    momentum_loss: float
    lowest_loss: float
    momentum_rises: int  # steps on which the loss along the momentum path goes up
    momentum_best_step: int  # the step at which the momentum path's loss is lowest ...
    momentum_best_loss: float  # ... and that loss
    plain_contraction: float  # the factor by which plain descent's error shrinks a step, in its slowest direction
    momentum_contraction: float  # the same for momentum (sqrt(beta) where it is underdamped)
    curvature_ratio: float  # kappa = lambda_max / lambda_min: how narrow the valley is
    best_plain_contraction: float  # (kappa - 1)/(kappa + 1): plain descent's factor at its best rate, 2/(l_min + l_max)
    momentum_floor: float  # sqrt(beta): momentum's factor is never smaller, whatever the rate (see ``contraction``)
    momentum_pays_above: float  # (1 + sqrt(beta))/(1 - sqrt(beta)): the kappa above which momentum can be faster
    faster_at_best: str  # "plain" (kappa below that), "momentum" (above it, and a rate makes it oscillate along
    # both eigenvectors: kappa up to its square), or "" (neither said)
    best_rate: float  # 2/(lambda_min + lambda_max): plain descent's best learning rate
    tuned: Tuned  # momentum with the beta and the rate chosen for this valley


@dataclass(frozen=True)
class Tuned:
    """Momentum with beta and alpha chosen for the valley (Polyak's choice, in the book's update
    with 1 - beta): beta = ((sqrt(kappa) - 1)/(sqrt(kappa) + 1))^2 and
    alpha (1 - beta) = 4/(sqrt(l_min) + sqrt(l_max))^2. Its roots along both extreme eigenvectors
    are then double, of size sqrt(beta) = (sqrt(kappa) - 1)/(sqrt(kappa) + 1), and complex of that
    size in between: the factor a step, in every direction."""

    beta: float
    learning_rate: float
    contraction: float  # (sqrt(kappa) - 1)/(sqrt(kappa) + 1)


def tuned_momentum(curvatures: tuple[float, float]) -> Tuned:
    low, high = curvatures
    factor = (high**0.5 - low**0.5) / (high**0.5 + low**0.5)
    return Tuned(factor**2, 4 / ((1 - factor**2) * (low**0.5 + high**0.5) ** 2), factor)


def tuned_error(curvatures: tuple[float, float], tuned: Tuned, eigenvalues: int) -> float:
    """How far momentum's factor at the tuned beta and rate, along ``eigenvalues`` + 1 eigenvalues
    spread over [l_min, l_max], departs from the tuned contraction."""
    spread = np.linspace(curvatures[0], curvatures[1], eigenvalues + 1)
    return max(abs(contraction(float(c), tuned.learning_rate, tuned.beta) - tuned.contraction) for c in spread)


def hessian_eigen(xs) -> tuple[np.ndarray, np.ndarray]:
    """The eigenvalues (smallest first) and eigenvectors of the least-squares loss's Hessian 2 A^T A,
    constant because the loss is quadratic."""
    design = np.column_stack([np.ones(len(xs)), xs])
    return np.linalg.eigh(2 * design.T @ design)


def compare_descents(q: Questions, window: float) -> Comparison:
    xs, ys = q.least_squares_x, q.least_squares_y
    design = np.column_stack([np.ones(len(xs)), xs])
    curvatures, directions = hessian_eigen(xs)
    limit, steep = 2 / float(curvatures[-1]), directions[:, -1]
    rate = float(f"{COMPARISON_FRACTION * limit:.3g}")
    steps = int(round(COMPARISON_WINDOWS * window))
    gradient = least_squares_gradient(xs, ys)
    plain = descent_path(gradient, q.least_squares_start, rate, 0.0, steps)
    heavy = descent_path(gradient, q.least_squares_start, rate, q.momentum_beta, steps)
    optimum = np.linalg.lstsq(design, np.asarray(ys, dtype=float), rcond=None)[0]
    loss = lambda phi: float(least_squares_loss(xs, ys, *phi))  # noqa: E731
    points = lambda path: tuple((float(a), float(b)) for a, b in path)  # noqa: E731
    heavy_losses = [loss(phi) for phi in heavy]
    best = int(np.argmin(heavy_losses))
    return Comparison((float(curvatures[0]), float(curvatures[-1])), limit, rate, 100 * rate / limit, steps,
                      steps - 1, 1 - q.momentum_beta ** steps,
                      points(plain), points(heavy), reversals(plain, steep), reversals(heavy, steep),
                      loss(plain[0]),
                      loss(plain[-1]), loss(heavy[-1]), loss(optimum), loss_rises(heavy_losses), best,
                      heavy_losses[best], max(abs(1 - rate * float(c)) for c in curvatures),
                      max(contraction(float(c), rate, q.momentum_beta) for c in curvatures),
                      *narrowness(float(curvatures[-1] / curvatures[0]), q.momentum_beta),
                      2 / float(curvatures[0] + curvatures[-1]), tuned_momentum((float(curvatures[0]), float(curvatures[-1]))))


def narrowness(kappa: float, beta_value: float) -> tuple[float, float, float, float, str]:
    """kappa, plain descent's best factor, momentum's floor sqrt(beta), the kappa where they meet,
    and which method is the faster, each at its best learning rate.

    Momentum's two characteristic roots multiply to beta in every direction, at every learning
    rate, so its factor a step is at least sqrt(beta); plain descent's best is
    (kappa - 1)/(kappa + 1). Momentum can be the faster only where the second is the larger.
    """
    floor = beta_value ** 0.5
    meet = (1 + floor) / (1 - floor)
    faster = "plain" if kappa < meet else "momentum" if kappa <= meet**2 else ""
    return kappa, (kappa - 1) / (kappa + 1), floor, meet, faster


def contraction(curvature: float, learning_rate, beta_value: float):
    """How much momentum's error shrinks a step along an eigenvector: the larger size of the roots of
    z^2 - trace z + beta, by the quadratic formula (elementwise over an array of learning rates). The
    roots multiply to beta, so it is never below sqrt(beta)."""
    trace = 1 + beta_value - np.asarray(learning_rate, dtype=float) * (1 - beta_value) * curvature
    root = np.sqrt(trace.astype(complex) ** 2 - 4 * beta_value)
    size = np.maximum(np.abs(trace + root), np.abs(trace - root)) / 2
    return float(size) if size.ndim == 0 else size


def recursion_error(q: Questions, run: Comparison) -> float:
    """Momentum's drawn run of Figure 2(b) against the recursion e_{t+2} = (1 + beta - alpha (1 - beta) lambda)
    e_{t+1} - beta e_t along each eigenvector of 2 A^T A: the largest residual relative to the largest
    error. It holds only if the gradient along an eigenvector is lambda e_t, as the derivation reads it."""
    xs, ys = q.least_squares_x, q.least_squares_y
    curvatures, directions = hessian_eigen(xs)
    path = np.array(run.with_momentum)  # the drawn run itself, not a second one
    design = np.column_stack([np.ones(len(xs)), xs])
    errors = (path - np.linalg.lstsq(design, np.asarray(ys, dtype=float), rcond=None)[0]) @ directions
    a, b = run.learning_rate, q.momentum_beta
    return max(float(np.max(np.abs(e[2:] - (1 + b - a * (1 - b) * float(c)) * e[1:-1] + b * e[:-2])) / np.max(np.abs(e)))
               for e, c in zip(errors.T, curvatures))


def floor_error(curvatures: tuple[float, float], beta_value: float, limit: float, rates: int = 2000) -> float:
    """How far below sqrt(beta) momentum's factor falls, at the most, over learning rates from 0 to
    the limit of momentum's stability, 2 (1 + beta) / ((1 - beta) lambda_max): zero if never."""
    grid = np.linspace(0, limit, rates + 1)[1:]
    return max(0.0, max(float(np.max(beta_value ** 0.5 - contraction(c, grid, beta_value))) for c in curvatures))


def best_plain_error(curvatures: tuple[float, float], rates: int = 20000) -> float:
    """Plain descent's factor at 2/(lambda_min + lambda_max) against (kappa - 1)/(kappa + 1), and
    how far any of ``rates`` learning rates below 2/lambda_max beats it: zero if none does."""
    low, high = curvatures
    factor = lambda rate: np.maximum(np.abs(1 - rate * low), np.abs(1 - rate * high))  # noqa: E731
    at_best = float(factor(2 / (low + high)))
    grid = np.linspace(0, 2 / high, rates + 1)[1:]
    return max(abs(at_best - (high / low - 1) / (high / low + 1)), max(0.0, at_best - float(np.min(factor(grid)))))


def loss_rises(losses) -> int:
    """On how many steps the loss goes up: a path that overshoots and swings back climbs again."""
    return int(np.sum(np.diff(np.asarray(losses, dtype=float)) > 0))


def underdamped(curvature: float, learning_rate: float, beta_value: float) -> bool:
    """Does momentum oscillate along an eigenvector of the Hessian with this eigenvalue?

    Along it the error e_t obeys m_{t+1} = beta m_t + (1 - beta) lambda e_t, e_{t+1} = e_t - alpha m_{t+1}:
    e_{t+2} = (1 + beta - alpha (1 - beta) lambda) e_{t+1} - beta e_t, whose characteristic roots
    are complex (an oscillation whose amplitude shrinks by sqrt(beta) a step) when the
    discriminant is negative.
    """
    trace = 1 + beta_value - learning_rate * (1 - beta_value) * curvature
    return trace**2 - 4 * beta_value < 0
