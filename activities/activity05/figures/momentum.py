"""Figure 2 of Activity 5: momentum's weights, and its path against plain gradient descent (Problem 3)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from generator.figures import BLUE, GREY, LIGHT_GREY, ORANGE, SKY, VERMILLION, number_text, spoken, unique


def descent_path(gradient: Callable[[np.ndarray], np.ndarray], start: tuple[float, float],
                 learning_rate: float, beta: float, steps: int) -> np.ndarray:
    """phi_0 .. phi_steps of gradient descent with momentum as in the book (eq. 6.11).

    m_{t+1} = beta m_t + (1 - beta) g_t, phi_{t+1} = phi_t - alpha m_{t+1}, m_0 = 0: the
    recursion Problem 3 unrolls. With beta = 0 it is plain gradient descent.
    """
    phi = np.asarray(start, dtype=float)
    m = np.zeros_like(phi)
    path = [phi]
    for _ in range(steps):
        m = beta * m + (1 - beta) * gradient(phi)
        phi = phi - learning_rate * m
        path.append(phi)
    return np.array(path)


def least_squares_gradient(xs: tuple[float, ...], ys: tuple[float, ...]) -> Callable[[np.ndarray], np.ndarray]:
    """dL/dphi = sum_i 2 r_i (1, x_i), Problem 1's result, as one matrix product per step."""
    design, target = np.column_stack([np.ones(len(xs)), xs]), np.asarray(ys, dtype=float)
    return lambda phi: 2 * design.T @ (design @ phi - target)


def least_squares_loss(xs: tuple[float, ...], ys: tuple[float, ...], phi0, phi1):
    """L = sum_i (phi0 + phi1 x_i - y_i)^2, elementwise over arrays of phi0 and phi1."""
    phi0, phi1 = np.asarray(phi0, dtype=float), np.asarray(phi1, dtype=float)
    return sum((phi0 + phi1 * xi - yi) ** 2 for xi, yi in zip(xs, ys))


def zigzag_learning_rate(xs: tuple[float, ...], beta: float) -> float:
    """A rate at which plain gradient descent zig-zags and momentum is the faster of the two.

    Along the Hessian's steepest direction (eigenvalue lam) plain descent multiplies the error by
    1 - alpha lam per step: it zig-zags when alpha lam > 1 and diverges past 2. Momentum as in
    eq. 6.11 shrinks the error by about sqrt(beta) per step, and averages the alternating
    gradients away. A rate with alpha lam - 1 halfway between sqrt(beta) and 1 makes plain
    descent zig-zag, slowly damped, while momentum settles. Three significant digits, so the
    printed rate is the rate used.
    """
    design = np.column_stack([np.ones(len(xs)), xs])
    steepest = float(np.linalg.eigvalsh(2 * design.T @ design)[-1])
    return float(f"{(1 + (1 + math.sqrt(beta)) / 2) / steepest:.3g}")


def comparison_steps(window: float) -> int:
    """Three effective windows 1/(1 - beta): by then m_0 = 0 weighs only beta^steps, about e^-3."""
    return int(round(3 * window))


@dataclass(frozen=True)
class MomentumSpec:
    name: str
    height: float  # inches
    beta: float
    beta_text: str
    weights: tuple[tuple[int, float, float], ...]  # (k, w_k, sum of w_0 .. w_k)
    window: float
    window_text: str
    weight_limit: int
    x: tuple[float, ...]
    y: tuple[float, ...]
    optimum: tuple[float, float]
    learning_rate: float
    learning_rate_text: str
    steps: int
    plain: tuple[tuple[float, float], ...]
    with_momentum: tuple[tuple[float, float], ...]
    numbers: tuple[tuple[float, str], ...]


def spec(results) -> MomentumSpec:
    momentum, data = results.momentum, results.least_squares
    rate = zigzag_learning_rate(data.x, momentum.beta)
    steps = comparison_steps(momentum.window)
    gradient = least_squares_gradient(data.x, data.y)
    as_points = lambda path: tuple((float(a), float(b)) for a, b in path)
    texts = {"beta": number_text(momentum.beta), "window": number_text(momentum.window, 3),
             "rate": number_text(rate), "steps": number_text(steps)}
    return MomentumSpec(
        name="momentum", height=3.3,
        beta=momentum.beta, beta_text=texts["beta"],
        weights=tuple((w.k, w.weight, w.cumulative) for w in momentum.weights),
        window=momentum.window, window_text=texts["window"], weight_limit=momentum.weight_limit,
        x=data.x, y=data.y, optimum=data.optimum,
        learning_rate=rate, learning_rate_text=texts["rate"], steps=steps,
        plain=as_points(descent_path(gradient, data.start, rate, 0.0, steps)),
        with_momentum=as_points(descent_path(gradient, data.start, rate, momentum.beta, steps)),
        numbers=unique([(momentum.beta, texts["beta"]), (momentum.window, texts["window"]),
                        (rate, texts["rate"]), (steps, texts["steps"])]),
    )


def zigzags(path: tuple[tuple[float, float], ...]) -> bool:
    """Most consecutive steps point against each other: the path crosses the valley back and forth."""
    moves = np.diff(np.array(path), axis=0)
    turns = np.einsum("ij,ij->i", moves[1:], moves[:-1]) < 0
    return bool(turns.mean() > 0.5)


def facts(spec: MomentumSpec) -> tuple[tuple[str, bool], ...]:
    final_loss = lambda path: float(least_squares_loss(spec.x, spec.y, *path[-1]))  # noqa: E731
    return (("plain_zigzags", zigzags(spec.plain)), ("momentum_zigzags", zigzags(spec.with_momentum)),
            ("momentum_lower", final_loss(spec.with_momentum) < final_loss(spec.plain)))


def alt(spec: MomentumSpec) -> str:
    """Two sentences, one a panel, with the values drawn and what the paths do."""
    final_loss = lambda path: float(least_squares_loss(spec.x, spec.y, *path[-1]))
    weights = spec.weights
    first = (f"Left: bars of the weight w_k = (1 − β)β^k of the gradient from k steps back for β = "
             f"{spoken(spec.beta_text)}, k = {weights[0][0]} to {weights[-1][0]}, falling from "
             f"{number_text(weights[0][1], 3)} to {number_text(weights[-1][1], 3)}, with their running sum "
             f"rising to {number_text(weights[-1][2], 3)} (it tends to {spec.weight_limit}) and the effective "
             f"window 1/(1 − β) = {spec.window_text} steps marked.")
    plain_moves = "zig-zags across the valley" if zigzags(spec.plain) else "moves along the valley"
    lower = "momentum" if final_loss(spec.with_momentum) < final_loss(spec.plain) else "plain gradient descent"
    second = (f"Right: on the contours of the least-squares loss of the {len(spec.x)} data points, plain "
              f"gradient descent and gradient descent with momentum start from the same point, both with "
              f"learning rate α = {spoken(spec.learning_rate_text)} for {spec.steps} steps; plain gradient "
              f"descent {plain_moves} and {lower} ends at the lower loss.")
    return f"{first} {second}"


def loss_levels(lowest: float, highest: float, count: int = 9) -> np.ndarray:
    """Contour levels spaced evenly in log(L - L_min), so the narrow valley shows its shape."""
    return lowest + np.geomspace((highest - lowest) * 2e-3, highest - lowest, count)


def draw(spec: MomentumSpec, figure) -> None:
    """Left, the weights momentum gives past gradients; right, the two paths on the loss surface."""
    weights_ax, surface_ax = figure.subplots(1, 2, width_ratios=(1, 1.15))
    ks = [k for k, _, _ in spec.weights]
    weights_ax.bar(ks, [w for _, w, _ in spec.weights], width=0.7, color=SKY, edgecolor="black",
                   linewidth=0.5, label=r"$w_k = (1-\beta)\,\beta^k$", zorder=2)
    weights_ax.plot(ks, [c for _, _, c in spec.weights], color="black", marker="o", ms=3.5, lw=1.2,
                    label=r"running sum $w_0 + \cdots + w_k$", zorder=3)
    weights_ax.axhline(spec.weight_limit, color=GREY, lw=0.9, ls=(0, (1, 1.5)), zorder=1,
                       label="limit of the sum")
    weights_ax.axvline(spec.window, color=VERMILLION, lw=1.2, ls="--", zorder=1)
    weights_ax.annotate(rf"$1/(1-\beta) = {spec.window_text}$", xy=(spec.window, 0.88), xytext=(-4, 0),
                        textcoords="offset points", ha="right", va="center", color=VERMILLION)
    weights_ax.set_xlim(-0.7, max(ks[-1], spec.window) + 0.7)
    weights_ax.set_ylim(0, 1.08 * spec.weight_limit)
    weights_ax.set_xlabel(r"$k$, steps back")
    weights_ax.set_ylabel("weight")
    weights_ax.set_title(rf"(a) weights of past gradients, $\beta = {spec.beta_text}$")
    weights_ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=1, handlelength=2.0)

    points = np.array(spec.plain + spec.with_momentum + (spec.optimum,))
    low, high = points.min(axis=0), points.max(axis=0)
    pad = 0.08 * (high - low).max()
    grid0, grid1 = np.meshgrid(np.linspace(low[0] - pad, high[0] + pad, 240),
                               np.linspace(low[1] - pad, high[1] + pad, 240))
    loss = least_squares_loss(spec.x, spec.y, grid0, grid1)
    lowest = float(least_squares_loss(spec.x, spec.y, *spec.optimum))
    surface_ax.contour(grid0, grid1, loss, levels=loss_levels(lowest, float(loss.max())), colors=LIGHT_GREY,
                       linewidths=0.5, zorder=1)
    # Orange is light and blue dark in greyscale; width and marker shape tell them apart as well.
    # The larger marker at each path's end shows where the steps leave it.
    for path, colour, width, marker, label, zorder in (
            (spec.plain, ORANGE, 0.8, "o", "gradient descent", 2),
            (spec.with_momentum, BLUE, 1.5, "s", rf"with momentum, $\beta = {spec.beta_text}$", 3)):
        surface_ax.plot(*np.array(path).T, color=colour, lw=width, marker=marker, ms=2.4, label=label,
                        zorder=zorder)
        surface_ax.plot(*path[-1], ls="none", marker=marker, ms=7, color=colour, mec="black", mew=0.9,
                        zorder=5)
    surface_ax.plot(*spec.plain[0], ls="none", marker="o", ms=6.5, mfc="white", mec="black", mew=1.1,
                    label="start", zorder=4)
    surface_ax.plot(*spec.optimum, ls="none", marker="*", ms=10, color="black", mec="white", mew=0.5,
                    label="optimum", zorder=4)
    surface_ax.set_xlim(low[0] - pad, high[0] + pad)
    surface_ax.set_ylim(low[1] - pad, high[1] + pad)
    surface_ax.set_aspect("equal", adjustable="box")  # true angles: the zig-zag crosses the contours
    surface_ax.set_xlabel(r"$\phi_0$")
    surface_ax.set_ylabel(r"$\phi_1$")
    surface_ax.set_title(rf"(b) $\alpha = {spec.learning_rate_text}$, ${spec.steps}$ steps each")
    surface_ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, handlelength=2.0,
                      columnspacing=1.2)

