"""The key's figures: the logistic family of Problem 2 and momentum of Problem 3.

Each figure is first described by a spec, a frozen dataclass that holds everything drawn
(values, paths, the printed labels). The spec's canonical JSON, this file's source and
matplotlib's version make the digest that names the files, so an unchanged figure is never
redrawn and a changed one never served stale (sphinx-gallery's scheme). Drawing reads only the
spec, so nothing outside the digest can change the files. matplotlib is imported only when a
figure must be drawn, which keeps importing this module and a cache hit cheap.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import math
import os
import tempfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Sequence

import numpy as np

from .drawing import FORMATS, METADATA, PDF_METADATA, RC, WIDTH, Drawing, prepare_drawing
from .numbers import format_quantity

if TYPE_CHECKING:  # only for annotations: importing the problems would pull in SymPy
    from .problems.least_squares import LeastSquaresResult
    from .problems.logistic import Curve, LogisticResult
    from .parallel import Server
    from .problems.momentum import MomentumResult

# Okabe and Ito's colour-blind-safe palette; each entry also has its own dash and marker, so the
# curves stay apart in greyscale.
BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY = "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"
STYLES = (
    (BLUE, "-", "o"),
    (VERMILLION, "--", "s"),
    (GREEN, "-.", "^"),
    (PURPLE, (0, (1, 1.5)), "D"),
    (ORANGE, (0, (6, 1.5, 1, 1.5, 1, 1.5)), "v"),
    ("black", (0, (3, 1.5)), "P"),
)
GREY, LIGHT_GREY = "0.55", "0.7"


@dataclass(frozen=True)
class Figure:
    name: str  # "logistic_family", "momentum"
    pdf: Path  # vector PDF for LaTeX
    svg: Path  # SVG for the HTML twin
    alt: str  # what the figure shows, in words, for readers who cannot see it
    numbers: tuple[tuple[float, str], ...]  # every parameter value printed in the figure, as printed
    digest: str  # hash of the inputs that determined the files
    facts: tuple[tuple[str, bool], ...] = ()  # what the drawing shows, for captions to say it truly
    spec: Any = None  # what is drawn: enough to draw a missing format later, from the model cache


# --- numbers as printed ----------------------------------------------------------------------

def number_text(value: float, digits: int | None = None) -> str:
    """The document's own formatter, so the figure prints a value exactly as the text does."""
    return format_quantity(value, digits=digits).text


def spoken(text: str) -> str:
    """A true minus sign for alt text: screen readers say "minus", not "dash"."""
    return text.replace("-", "\u2212")


def unique(pairs: list[tuple[float, str]]) -> tuple[tuple[float, str], ...]:
    """Each printed (value, text) once, in the order the figure shows them."""
    return tuple(dict.fromkeys(pairs))


# --- logistic family -------------------------------------------------------------------------

@dataclass(frozen=True)
class CurveSpec:
    phi0: float
    phi1: float
    midpoint: float | None
    constant: float | None
    direction: str
    label: str  # mathtext legend entry, e.g. $\phi_0 = -2$


@dataclass(frozen=True)
class PanelSpec:
    title: str
    varying: str  # "phi0" or "phi1"
    fixed_value: float
    curves: tuple[CurveSpec, ...]


@dataclass(frozen=True)
class LogisticSpec:
    name: str
    height: float  # inches
    panels: tuple[PanelSpec, PanelSpec]
    x_limit: float
    numbers: tuple[tuple[float, str], ...]


def x_limit(curves: tuple[Curve, ...]) -> float:
    """Half-width of a symmetric x range showing every midpoint with 1.5 units to spare.

    Symmetric about x = 0 because that is where phi_0 alone sets the value; a whole number so
    the ticks stay round.
    """
    farthest = max((abs(c.midpoint) for c in curves if c.midpoint is not None), default=0.0)
    return float(max(3, math.ceil(farthest + 1.5)))


def _panel(letter: str, varying: str, fixed: float, curves: tuple[Curve, ...]) -> PanelSpec:
    fixed_symbol, varying_symbol = (r"\phi_1", r"\phi_0") if varying == "phi0" else (r"\phi_0", r"\phi_1")
    return PanelSpec(
        title=rf"({letter}) ${fixed_symbol} = {number_text(fixed)}$, varying ${varying_symbol}$",
        varying=varying,
        fixed_value=fixed,
        curves=tuple(CurveSpec(c.phi0, c.phi1, c.midpoint, c.constant, c.direction,
                               rf"${varying_symbol} = {number_text(getattr(c, varying))}$") for c in curves),
    )


def logistic_spec(result: LogisticResult) -> LogisticSpec:
    panels = (_panel("a", "phi0", result.phi1_fixed, result.phi0_family),
              _panel("b", "phi1", result.phi0_fixed, result.phi1_family))
    printed = []
    for panel in panels:
        printed.append((panel.fixed_value, number_text(panel.fixed_value)))
        printed.extend((getattr(c, panel.varying), number_text(getattr(c, panel.varying))) for c in panel.curves)
    return LogisticSpec(name="logistic_family", height=2.9, panels=panels,
                        x_limit=x_limit(result.phi0_family + result.phi1_family), numbers=unique(printed))


def logistic_alt(spec: LogisticSpec) -> str:
    """Two sentences, one a panel, built from the values drawn: what each curve does and why."""
    shift, spread = spec.panels
    by_phi0 = sorted(shift.curves, key=lambda c: c.phi0)
    moves = "left" if by_phi0[-1].midpoint < by_phi0[0].midpoint else "right"
    first = (f"Curves of Pr(y=1|x) = sig[φ₀ + φ₁x] with each midpoint, where Pr = 1/2, marked; left, "
             f"φ₁ = {spoken(number_text(shift.fixed_value))} and "
             f"φ₀ = {', '.join(spoken(number_text(c.phi0)) for c in shift.curves)} give curves of equal "
             f"steepness with midpoints at x = "
             f"{', '.join(spoken(number_text(c.midpoint, 3)) for c in shift.curves)}, so increasing φ₀ "
             f"moves the curve {moves}.")
    described = []
    for c in spread.curves:
        value = spoken(number_text(c.phi1))
        if c.direction == "constant":
            described.append(f"φ₁ = {value} is constant at sig[φ₀] = {spoken(number_text(c.constant, 3))}")
        else:
            described.append(f"φ₁ = {value} is {c.direction} with midpoint x = {spoken(number_text(c.midpoint, 3))}")
    second = (f"Right, φ₀ = {spoken(number_text(spread.fixed_value))}: " + "; ".join(described)
              + "; the larger |φ₁|, the steeper the curve.")
    return f"{first} {second}"


def row_major(items: list, columns: int) -> list:
    """Reorder legend entries so they read across the rows (matplotlib fills column by column)."""
    rows = math.ceil(len(items) / columns)
    return [items[r * columns + c] for c in range(columns) for r in range(rows) if r * columns + c < len(items)]


def draw_logistic(spec: LogisticSpec, figure) -> None:
    """Sigmoid families side by side with a shared x range, midpoints marked on the 1/2 line."""
    axes = figure.subplots(1, 2, sharex=True, sharey=True)
    xs = np.linspace(-spec.x_limit, spec.x_limit, 401)
    for ax, panel in zip(axes, spec.panels):
        ax.axhline(0.5, color=GREY, lw=0.8, ls=(0, (4, 3)), zorder=1)
        for curve, (colour, dash, marker) in zip(panel.curves, STYLES):
            ax.plot(xs, 1 / (1 + np.exp(-(curve.phi0 + curve.phi1 * xs))), color=colour, ls=dash, lw=1.5,
                    label=curve.label, zorder=2)
            if curve.midpoint is not None:
                ax.plot([curve.midpoint], [0.5], marker=marker, ms=5.5, color=colour, mec="white", mew=0.7,
                        ls="none", zorder=3)
        ax.set_title(panel.title)
        ax.set_xlabel("$x$")
        ax.set_xlim(-spec.x_limit, spec.x_limit)
        ax.set_ylim(-0.03, 1.03)
        columns = math.ceil(len(panel.curves) / 2)
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(row_major(handles, columns), row_major(labels, columns), loc="upper center",
                  bbox_to_anchor=(0.5, -0.2), ncol=columns, handlelength=2.6, columnspacing=1.2,
                  handletextpad=0.5)
    axes[0].set_ylabel(r"$\mathrm{Pr}(y=1\,|\,x)$")


# --- momentum --------------------------------------------------------------------------------

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


def momentum_spec(momentum: MomentumResult, data: LeastSquaresResult) -> MomentumSpec:
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


def logistic_facts(spec: LogisticSpec) -> tuple[tuple[str, bool], ...]:
    return (("shift_left", spec.panels[0].fixed_value > 0),)


def momentum_facts(spec: MomentumSpec) -> tuple[tuple[str, bool], ...]:
    final_loss = lambda path: float(least_squares_loss(spec.x, spec.y, *path[-1]))  # noqa: E731
    return (("plain_zigzags", zigzags(spec.plain)), ("momentum_zigzags", zigzags(spec.with_momentum)),
            ("momentum_lower", final_loss(spec.with_momentum) < final_loss(spec.plain)))


def momentum_alt(spec: MomentumSpec) -> str:
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


def draw_momentum(spec: MomentumSpec, figure) -> None:
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


# --- cache and files -------------------------------------------------------------------------

def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, floats by repr (exact), no NaN."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False, ensure_ascii=True)


@functools.lru_cache(maxsize=None)
def _drawing_code() -> dict[str, str]:
    """What draws a spec: this module, the style in drawing.py, and matplotlib (read once)."""
    return {"source": Path(__file__).read_text(encoding="utf-8"),
            "style": (Path(__file__).parent / "drawing.py").read_text(encoding="utf-8"),
            "matplotlib": version("matplotlib")}


def digest(spec) -> str:
    """sha256 of the spec, the drawing code and matplotlib's version: all that shapes the files."""
    payload = {"spec": dataclasses.asdict(spec), **_drawing_code()}
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def write_atomically(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write beside ``path`` and rename over it, so a crash never leaves half a figure under its name."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _render(spec, draw: Callable, targets: dict[str, Path]) -> None:
    """Draw with matplotlib's defaults plus RC (never the user's matplotlibrc) and save each file.

    The layout is always the one the PDF renderer computes (text metrics differ between
    renderers), so a file's bytes do not depend on which formats were drawn together.
    """
    prepare_drawing()
    import io

    import matplotlib.style
    from matplotlib.figure import Figure as MplFigure

    with matplotlib.style.context(["default", RC]):
        figure = MplFigure(figsize=(WIDTH, spec.height), layout="constrained")
        draw(spec, figure)
        if "pdf" in targets:
            write_atomically(targets["pdf"], lambda out: figure.savefig(out, format="pdf", metadata=PDF_METADATA))
        else:
            figure.savefig(io.BytesIO(), format="pdf", metadata=PDF_METADATA)  # for its layout only
        figure.set_layout_engine("none")  # keep the layout just computed; no second pass
        for fmt in (f for f in FORMATS if f in targets and f != "pdf"):
            write_atomically(targets[fmt], lambda out: figure.savefig(out, format=fmt, metadata=METADATA[fmt]))


def draw_placeholders(heights: dict[str, float], directory: Path) -> None:
    """Blank PDFs of the figures' page sizes, under the figures' file names, alone in ``directory``.

    A figure's page is WIDTH by its height, whatever is drawn on it, and its size is all that
    shapes the document's layout: TeX's first pass can run on these while the figures are drawn.
    A name carries the figure's digest, so a placeholder already there has the right size.
    """
    prepare_drawing()
    import matplotlib.style
    from matplotlib.figure import Figure as MplFigure

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for old in (p for p in directory.iterdir() if p.name not in heights):
        old.unlink(missing_ok=True)
    with matplotlib.style.context(["default", RC]):  # as the figures: never the user's matplotlibrc
        for name, height in heights.items():
            if not (directory / name).is_file():
                blank = MplFigure(figsize=(WIDTH, height))
                write_atomically(directory / name, lambda out: blank.savefig(out, format="pdf", metadata=PDF_METADATA))


def files(spec, directory: Path, key: str | None = None) -> dict[str, Path]:
    """Where each format of this figure lives: its name carries the digest of its inputs."""
    key = key or digest(spec)
    return {fmt: Path(directory) / f"{spec.name}-{key[:12]}.{fmt}" for fmt in FORMATS}


def draw_files(spec, directory: Path, formats: tuple[str, ...] = ("pdf",), key: str | None = None) -> None:
    """Draw the files of ``formats`` that are not in ``directory`` yet (none, if all are);
    ``key`` is the spec's digest, if known."""
    paths = files(spec, directory, key)
    missing = {fmt: paths[fmt] for fmt in formats if not paths[fmt].is_file()}
    if missing:
        Path(directory).mkdir(parents=True, exist_ok=True)
        _render(spec, PLANS[type(spec)][0], missing)


def start_drawing(server: Server, figures: Sequence[Figure], formats: tuple[str, ...],
                  placeholders: Path | None = None) -> Drawing:
    """Send the ``describe``d figures to ``server``, which draws them in turn.

    If it draws in the background and a figure's PDF is missing, it first puts blank PDFs of
    the missing figures' sizes into ``placeholders`` (a moment's work), so TeX need not wait.
    """
    missing = {f.pdf.name: f.spec.height for f in figures if not f.pdf.is_file()}
    ticket = None
    if missing and placeholders is not None and server.parallel:
        ticket = server.submit(draw_placeholders, missing, placeholders)
    tickets = tuple(server.submit(draw_files, f.spec, f.pdf.parent, formats, f.digest) for f in figures)
    return Drawing(server, tickets, placeholders if ticket is not None else None, ticket)


def describe(spec, directory: Path) -> Figure:
    """What the model says about a figure: its files, alt text, printed numbers and facts."""
    key = digest(spec)
    paths = files(spec, directory, key)
    _, alt, facts = PLANS[type(spec)]
    return Figure(spec.name, paths["pdf"], paths["svg"], alt(spec), spec.numbers, key, facts(spec), spec)


def figure_specs(logistic: LogisticResult, momentum: MomentumResult,
                 least_squares: LeastSquaresResult) -> tuple[MomentumSpec, LogisticSpec]:
    """Everything each figure draws, the dearer one first."""
    return momentum_spec(momentum, least_squares), logistic_spec(logistic)


def render_figures(logistic: LogisticResult, momentum: MomentumResult, least_squares: LeastSquaresResult,
                   directory: Path, formats: tuple[str, ...] = FORMATS) -> tuple[Figure, ...]:
    """Both figures in ``directory`` (logistic family first), one after the other."""
    specs = figure_specs(logistic, momentum, least_squares)
    for spec in specs:
        draw_files(spec, directory, formats)
    return tuple(sorted((describe(spec, directory) for spec in specs), key=lambda f: f.name))


PLANS: dict[type, tuple[Callable, Callable, Callable]] = {
    LogisticSpec: (draw_logistic, logistic_alt, logistic_facts),
    MomentumSpec: (draw_momentum, momentum_alt, momentum_facts),
}
