"""Figure 2 of Activity 5: momentum's weights, its path against plain gradient descent, and both
losses step by step (Problem 3)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from generator.figures import BLUE, GREY, LABEL_GREY, LIGHT_GREY, ORANGE, SKY, VERMILLION, number_text, spoken, unique

from ..problems.descent import contraction, hessian_eigen, least_squares_loss, loss_rises, reversals, underdamped


def curvatures(xs) -> tuple[float, ...]:
    """The eigenvalues of the least-squares loss's Hessian, for the facts read from the drawn data."""
    return tuple(float(v) for v in hessian_eigen(xs)[0])


def steepest_direction(xs) -> tuple[float, float]:
    """The least-squares loss's direction of greatest curvature (its Hessian's top eigenvector)."""
    design = np.column_stack([np.ones(len(xs)), xs])
    vector = np.linalg.eigh(2 * design.T @ design)[1][:, -1]
    return float(vector[0]), float(vector[1])


def drawn_weights(beta: float, upto: int) -> tuple[tuple[int, float, float], ...]:
    """(k, w_k, w_0 + ... + w_k) for k = 0 .. upto: the weights, as far as the comparison runs."""
    out, total = [], 0.0
    for k in range(upto + 1):
        weight = (1 - beta) * beta**k
        total += weight
        out.append((k, weight, total))
    return tuple(out)


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
    steep: tuple[float, float]  # the loss's steepest direction: across the valley
    numbers: tuple[tuple[float, str], ...]


def spec(results) -> MomentumSpec:
    momentum, data = results.momentum, results.least_squares
    run = momentum.comparison
    texts = {"beta": number_text(momentum.beta), "window": number_text(momentum.window, 3),
             "rate": number_text(run.learning_rate), "steps": number_text(run.steps)}
    return MomentumSpec(
        name="momentum", height=4.7,
        beta=momentum.beta, beta_text=texts["beta"],
        weights=drawn_weights(momentum.beta, run.oldest_k),
        window=momentum.window, window_text=texts["window"], weight_limit=momentum.weight_limit,
        x=data.x, y=data.y, optimum=data.optimum,
        learning_rate=run.learning_rate, learning_rate_text=texts["rate"], steps=run.steps,
        plain=run.plain, with_momentum=run.with_momentum, steep=steepest_direction(data.x),
        numbers=unique([(momentum.beta, texts["beta"]), (momentum.window, texts["window"]),
                        (run.learning_rate, texts["rate"]), (run.steps, texts["steps"])]),
    )


def path_losses(spec: MomentumSpec, path) -> list[float]:
    return [float(least_squares_loss(spec.x, spec.y, *phi)) for phi in path]


def facts(spec: MomentumSpec) -> tuple[tuple[str, bool, str], ...]:
    """What the caption may say of the paths, read from the drawn data (across: along the
    steepest direction of the loss, the Hessian's eigenvector of its largest eigenvalue)."""
    plain, heavy = reversals(spec.plain, spec.steep), reversals(spec.with_momentum, spec.steep)
    heavy_losses = path_losses(spec, spec.with_momentum)
    recent = heavy_losses[-(round(spec.window) + 1):]  # the last window of steps
    plain_losses, lowest = path_losses(spec, spec.plain), path_losses(spec, (spec.optimum,))[0]
    return (("plain_near_optimum", plain_losses[-1] - lowest < 0.01 * (plain_losses[0] - lowest),
             "plain gradient descent has come all but a hundredth of the way from its start's loss down to "
             "the minimum"),
            ("plain_at_minimum", f"{plain_losses[-1]:.5f}" == f"{lowest:.5f}",
             "plain gradient descent's end loss equals the minimum to the caption's five decimal places"),
            ("plain_zigzags", plain > spec.steps // 2,
             "plain gradient descent reverses its step across the valley on more than half of its steps"),
            ("momentum_swings_slower", 0 < heavy < plain,
             "momentum reverses across the valley, but fewer times than plain gradient descent"),
            ("momentum_steady", heavy == 0, "momentum never reverses across the valley"),
            ("momentum_lower", heavy_losses[-1] < path_losses(spec, spec.plain)[-1],
             "momentum ends at a lower loss than plain gradient descent"),
            ("momentum_unsettled", loss_rises(recent) > 0,
             "momentum's loss rises again within the last window of steps (it is still swinging)"),
            ("momentum_was_lower", min(heavy_losses) < heavy_losses[-1],
             "momentum's loss was lower earlier on its path than at its end"),
            ("momentum_decays_slower", max(contraction(c, spec.learning_rate, spec.beta)
                                           for c in curvatures(spec.x)) >
             max(abs(1 - spec.learning_rate * c) for c in curvatures(spec.x)),
             "momentum's error shrinks more slowly a step than plain gradient descent's, in the slowest direction "
             "of each"),
            ("momentum_underdamped", all(underdamped(c, spec.learning_rate, spec.beta) for c in curvatures(spec.x)),
             "momentum oscillates along every eigenvector of the Hessian (its recursion's characteristic roots "
             "are complex)"))


def alt(spec: MomentumSpec) -> str:
    """Three sentences, one a panel, with the values drawn and what the paths do."""
    final_loss = lambda path: float(least_squares_loss(spec.x, spec.y, *path[-1]))  # noqa: E731
    weights = spec.weights
    first = (f"(a), top left: bars of the weight w_k = (1 − β)β^k of the gradient from k steps back for β = "
             f"{spoken(spec.beta_text)}, k = {weights[0][0]} to {weights[-1][0]}, falling from "
             f"{number_text(weights[0][1], 3)} to {number_text(weights[-1][1], 3)}, with their running sum "
             f"rising to {number_text(weights[-1][2], 3)} (it tends to {spec.weight_limit}) and the effective "
             f"window 1/(1 − β) = {spec.window_text} steps marked.")
    lower = "momentum" if final_loss(spec.with_momentum) < final_loss(spec.plain) else "plain gradient descent"
    told = {name: value for name, value, _ in facts(spec)}
    unsettled = ", momentum still swinging back and forth at the end" if told["momentum_unsettled"] else ""
    second = (f"(b), top right: on the contours of the least-squares loss of the {len(spec.x)} data points, plain "
              f"gradient descent and gradient descent with momentum start from the same point, both with "
              f"learning rate α = {spoken(spec.learning_rate_text)} for {spec.steps} steps; plain gradient "
              f"descent turns back across the valley {reversals(spec.plain, spec.steep)} times, momentum "
              f"{reversals(spec.with_momentum, spec.steep)} times, and {lower} ends at the lower loss"
              f"{unsettled}.")
    losses = {name: path_losses(spec, path) for name, path in (("plain", spec.plain), ("momentum", spec.with_momentum))}
    third = (f"(c), below: the loss of each path at every step on a logarithmic scale, from "
             f"{number_text(losses['plain'][0], 3)} to {number_text(losses['plain'][-1], 3)} for plain gradient "
             f"descent and {number_text(losses['momentum'][-1], 3)} for momentum, with the minimum "
             f"{number_text(path_losses(spec, (spec.optimum,))[0], 3)} dotted.")
    return f"{first} {second} {third}"


def loss_levels(lowest: float, highest: float, count: int = 9) -> np.ndarray:
    """Contour levels spaced evenly in log(L - L_min), so the narrow valley shows its shape."""
    return lowest + np.geomspace((highest - lowest) * 2e-3, highest - lowest, count)


def draw(spec: MomentumSpec, figure) -> None:
    """Left, the weights momentum gives past gradients; middle, the two paths on the loss surface;
    right, their losses step by step, which the caption's loss figures read from."""
    axes = figure.subplot_mosaic([["a", "b"], ["c", "c"]], width_ratios=(1, 1.15), height_ratios=(1, 0.5))
    weights_ax, surface_ax, loss_ax = axes["a"], axes["b"], axes["c"]
    figure.get_layout_engine().set(wspace=0.1)  # (a)'s right-hand label apart from (b)'s axis
    ks = [k for k, _, _ in spec.weights]
    # The weights on the left axis, at their own scale; their running sum on the right, from 0 to 1.
    # No edges, in every term: at 60 bars they would alias into stripes, and the terms' figures look alike.
    bars = weights_ax.bar(ks, [w for _, w, _ in spec.weights], width=0.8, color=SKY, linewidth=0,
                          label=r"$w_k = (1-\beta)\,\beta^k$ (left axis)", zorder=2)
    sum_ax = weights_ax.twinx()
    (running,) = sum_ax.plot(ks, [c for _, _, c in spec.weights], color="black", lw=1.3,
                             label=r"running sum $w_0 + \cdots + w_k$ (right axis)", zorder=3)
    sum_ax.axhline(spec.weight_limit, color=GREY, lw=0.9, ls=(0, (1, 1.5)), zorder=1)
    # Labelled at the right, where the running sum approaches it (and clear of the window's line).
    sum_ax.annotate("limit of the sum", xy=(1, spec.weight_limit), xycoords=("axes fraction", "data"),
                    xytext=(-4, 2), textcoords="offset points", ha="right", va="bottom", color=LABEL_GREY)
    # The window's edge: its 1/(1 - beta) steps are k = 0 .. 1/(1 - beta) - 1, the bars left of the line.
    edge = round(spec.window) - 0.5
    weights_ax.axvline(edge, color=VERMILLION, lw=1.2, ls="--", zorder=1)
    weights_ax.annotate(rf"$1/(1-\beta) = {spec.window_text}$ steps", xy=(edge, 0.5),
                        xycoords=("data", "axes fraction"), xytext=(4, 0), textcoords="offset points", ha="left",
                        va="center")  # black: vermilion words would be under 4:1 on white
    weights_ax.set_xlim(-0.8, ks[-1] + 0.8)
    # Two scales that do not meet: w_0's bar tops out well below the line of the sum's limit.
    weights_ax.set_ylim(0, 1.5 * spec.weights[0][1])
    sum_ax.set_ylim(0, 1.15 * spec.weight_limit)
    weights_ax.set_xlabel(r"$k$, steps back")
    weights_ax.set_ylabel(r"weight $w_k$")
    sum_ax.set_ylabel("running sum")
    weights_ax.set_title(rf"(a) weights of past gradients, $\beta = {spec.beta_text}$")
    weights_ax.legend(handles=[bars, running], loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=1,
                      handlelength=2.0)
    draw_paths(spec, surface_ax)
    draw_losses(spec, loss_ax)


def draw_paths(spec: MomentumSpec, surface_ax) -> None:
    """Both paths on the contours of the loss, from one start, with their ends and the optimum."""

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
    # Plain descent is drawn thin and on top, momentum wide and translucent below it, so that each
    # shows where they run together. The larger marker at each path's end shows where the steps
    # leave it; plain descent's is drawn over the optimum's star, which stays visible around it.
    handles = {}
    for path, colour, width, alpha, marker, end_size, label, zorder in (
            (spec.with_momentum, BLUE, 1.8, 0.45, "s", 7, rf"with momentum, $\beta = {spec.beta_text}$", 2),
            (spec.plain, ORANGE, 0.9, 1.0, "o", 7, "plain gradient descent", 3)):
        (handles[label],) = surface_ax.plot(*np.array(path).T, color=colour, lw=width, alpha=alpha, marker=marker,
                                            ms=2.6, label=label, zorder=zorder)
        surface_ax.plot(*path[-1], ls="none", marker=marker, ms=end_size, color=colour, mec="black", mew=0.9,
                        zorder=zorder + 4)
    (start,) = surface_ax.plot(*spec.plain[0], ls="none", marker="o", ms=6.5, mfc="white", mec="black", mew=1.1,
                               label="start", zorder=5)
    # A thin cross over the ends: an end next to the optimum shows around its strokes, and the cross stays whole.
    (optimum,) = surface_ax.plot(*spec.optimum, ls="none", marker="+", ms=13, mec="black", mew=1.3,
                                 label="optimum", zorder=9)
    surface_ax.set_xlim(low[0] - pad, high[0] + pad)
    surface_ax.set_ylim(low[1] - pad, high[1] + pad)
    surface_ax.set_aspect("equal", adjustable="box")  # true angles: the zig-zag crosses the contours
    surface_ax.set_xlabel(r"$\phi_0$")
    surface_ax.set_ylabel(r"$\phi_1$")
    surface_ax.set_title(rf"(b) $\alpha = {spec.learning_rate_text}$, ${spec.steps}$ steps each")
    surface_ax.legend(handles=[*reversed(handles.values()), start, optimum], loc="upper center",
                      bbox_to_anchor=(0.5, -0.2), ncol=2, handlelength=2.0, columnspacing=1.2)


def draw_losses(spec: MomentumSpec, loss_ax) -> None:
    """Each path's loss at every step, on a log scale, with the minimum dotted: what the caption's
    figures (start, ends, minimum, momentum's rises and its lowest step) are read from."""
    steps = np.arange(spec.steps + 1)
    for path, colour, width, alpha, marker, label in (
            (spec.plain, ORANGE, 0.9, 1.0, "o", "plain gradient descent"),  # the legend's order, as in (b)
            (spec.with_momentum, BLUE, 1.8, 0.45, "s", "with momentum")):
        loss_ax.plot(steps, path_losses(spec, path), color=colour, lw=width, alpha=alpha, marker=marker, ms=2.0,
                     label=label, zorder=3 if marker == "o" else 2)
    lowest = path_losses(spec, (spec.optimum,))[0]
    # over the curves: a path that reaches the minimum runs along the line, which stays visible on it
    loss_ax.axhline(lowest, color="black", lw=0.9, ls=(0, (1, 2)), zorder=4, label="minimum of the loss")
    loss_ax.set_yscale("log")
    loss_ax.set_ylim(bottom=lowest / 2)  # the minimum's line clear of the frame below it, where the eye finds it
    # ticks at 1 and 3 of every decade, as plain numbers: the losses the caption names lie between
    # powers of ten (1, 2 and 5 crowd the labels of a panel this low)
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    loss_ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 3.0)))
    loss_ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    loss_ax.yaxis.set_minor_formatter(NullFormatter())
    loss_ax.set_xlim(-0.01 * spec.steps, 1.01 * spec.steps)  # the first and last markers whole, not cut by the axes
    loss_ax.set_xlabel("step")
    loss_ax.set_ylabel("loss")
    loss_ax.set_title("(c) loss at each step")
    loss_ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.38), ncol=3, handlelength=2.0, columnspacing=1.5)

