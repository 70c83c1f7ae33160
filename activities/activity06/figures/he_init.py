"""Figure of Problem 4: the variance of the pre-activations, layer by layer, for three scales.

One seeded simulation per sigma_Omega^2 = 1/D_h, 2/D_h (He) and 4/D_h, on a log scale, layers
k = 0 .. K - 1 as in Problem 1, each with its theory line scale (D_h sigma_Omega^2 / 2)^k dashed in
black on top of it (a dashed line in the curve's own colour disappears where it lies on the curve).
The upper panel spans all three, many decades; on it He's line is flat and its fluctuations are
invisible, so the lower panel shows He's line alone on a scale of about one decade, where they are.
The facts say what a caption may claim, computed from the drawn values: whether the small scale
shrinks and the large one grows, at about the predicted factor, and whether He's line stays level
and lies on both sides of its prediction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from generator.figures import STYLES, number_text, spoken, unique

LEVEL = 10.0  # "stays level": the He line's largest value within this factor of its smallest
NEAR = 0.2  # "about the predicted factor": the drawn per-layer factor within 20% of the theory's
CLOSE = 10.0  # "follows its theory line": every drawn value within this factor of the line
PREDICTED = r"predicted: a factor $D_h\sigma_\Omega^2/2$ per layer after the first"


@dataclass(frozen=True)
class LineSpec:
    scale: int  # sigma_Omega^2 = scale / D_h
    label: str  # mathtext legend entry
    variances: tuple[float, ...]  # layers 0 .. K - 1
    theory: tuple[float, ...]
    theory_factor: float


@dataclass(frozen=True)
class HeInitSpec:
    name: str
    height: float  # inches; the width is generator.drawing.WIDTH
    hidden: int
    batch: int
    depth: int
    title: str
    lines: tuple[LineSpec, ...]
    numbers: tuple[tuple[float, str], ...]


def spec(results) -> HeInitSpec:
    r = results.he_init
    texts = {"hidden": number_text(r.hidden), "batch": number_text(r.batch)}
    lines = tuple(LineSpec(run.scale, rf"$\sigma_\Omega^2 = {number_text(run.scale)}/D_h$", run.variances, run.theory,
                           run.theory_factor) for run in r.runs)
    return HeInitSpec(
        name="he_init", height=4.6, hidden=r.hidden, batch=r.batch, depth=r.depth,
        title=rf"ReLU network, $D_h = {texts['hidden']}$ units a layer, a batch of ${texts['batch']}$ inputs",
        lines=lines,
        numbers=unique([(float(line.scale), number_text(line.scale)) for line in lines]
                       + [(r.hidden, texts["hidden"]), (r.batch, texts["batch"])]),
    )


PREDICTION_STYLE = {"color": "black", "lw": 0.9, "ls": (0, (3, 1.5)), "zorder": 4}
MARGIN = 1.6  # the lower panel reaches this factor beyond He's smallest and largest value


def he_line(spec: HeInitSpec) -> LineSpec:
    return next(line for line in spec.lines if line.scale == 2)


def narrow_limits(line: LineSpec) -> tuple[float, float]:
    """The lower panel's range: He's drawn values and its prediction, with a margin either side."""
    values = (*line.variances, *line.theory)
    return min(values) / MARGIN, max(values) * MARGIN


def draw(spec: HeInitSpec, figure) -> None:
    """Above, the three simulated variances solid with markers; below, He's alone on a narrow log scale;
    in both the predictions dashed in black on top; the legend below both.

    The three lines start close together (at one, two and four), so their markers are staggered:
    each line marks every ``every``-th layer from its own offset.
    """
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    wide, narrow = figure.subplots(2, 1, sharex=True, height_ratios=(1.45, 1.0))
    layers = range(spec.depth)  # f_0 .. f_{K-1}
    every = max(3, spec.depth // 10)
    simulated, predicted = [], None
    for n, (line, (colour, _, marker)) in enumerate(zip(spec.lines, STYLES)):
        offset = n * every // len(spec.lines)
        style = {"color": colour, "lw": 1.5, "marker": marker, "ms": 3.5, "markevery": (offset, every), "zorder": 3}
        simulated += wide.plot(layers, line.variances, label=f"{line.label}, simulated", **style)
        (predicted,) = wide.plot(layers, line.theory, **PREDICTION_STYLE)
        if line.scale == 2:
            narrow.plot(layers, line.variances, **style)
            narrow.plot(layers, line.theory, **PREDICTION_STYLE)
    wide.set_yscale("log")
    wide.set_xlim(-0.5, spec.depth - 0.5)
    wide.set_ylabel(r"variance of $f_k$")
    wide.set_title(spec.title)
    he = he_line(spec)
    low, high = narrow_limits(he)
    narrow.set_yscale("log")
    narrow.set_ylim(low, high)
    ticks = [m * 10.0**e for e in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
             for m in (1, 2, 5) if low <= m * 10.0**e <= high]
    narrow.yaxis.set_major_locator(FixedLocator(ticks))
    narrow.yaxis.set_minor_locator(NullLocator())
    narrow.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    narrow.set_ylabel(r"variance of $f_k$")
    narrow.set_title(f"{he.label} alone, on a narrower scale")
    narrow.set_xlabel(r"layer $k$")
    figure.legend([*simulated, predicted], [line.get_label() for line in simulated] + [PREDICTED],
                  loc="outside lower center", ncol=2, handlelength=4.5, columnspacing=1.2)


def _sci(value: float) -> str:
    """A value as a reader hears it, to three digits as the text prints it: 3.95, 0.00123, or 1.23 × 10^−15."""
    if 1e-3 <= abs(value) < 1e4:
        return number_text(value, 3)
    mantissa, exponent = f"{value:.2e}".split("e")
    return spoken(f"{mantissa} × 10^{int(exponent)}")


def measured_factor(line: LineSpec) -> float:
    """The drawn line's per-layer factor: the geometric mean, the exponential of the slope of the chord
    from the first layer to the last on the log scale."""
    return (line.variances[-1] / line.variances[0]) ** (1 / (len(line.variances) - 1))


def alt(spec: HeInitSpec) -> str:
    parts = []
    for line in spec.lines:
        v = line.variances
        parts.append(f"for the weight variance {line.scale}/D_h the variance goes from {_sci(v[0])} at the first layer to "
                     f"{_sci(v[-1])} at the last, between {_sci(min(v))} and {_sci(max(v))}, about "
                     f"{number_text(measured_factor(line), 3)} times per layer against the predicted "
                     f"{number_text(line.theory_factor, 3)}")
    he = he_line(spec)
    low, high = narrow_limits(he)
    return (f"Two log-scale plots of the variance of the pre-activations at each of the {spec.depth} layers of a "
            f"ReLU network with D_h = {spec.hidden} units a layer and a batch of {spec.batch} standard-normal inputs, "
            f"simulated, with the predictions dashed. Above, all three weight variances: " + "; ".join(parts)
            + f". Below, the weight variance {he.scale}/D_h alone on a scale from {_sci(low)} to {_sci(high)}, where its line "
            f"wanders above and below the level prediction {_sci(he.theory[0])}.")


def facts(spec: HeInitSpec) -> tuple[tuple[str, bool, str], ...]:
    """Claims a caption may make, each computed from the drawn values."""
    small, he, large = (next(line for line in spec.lines if line.scale == s) for s in (1, 2, 4))
    near = lambda line: abs(measured_factor(line) / line.theory_factor - 1) <= NEAR  # noqa: E731
    close = lambda line: all(abs(math.log(v / t)) <= math.log(CLOSE) for v, t in zip(line.variances, line.theory))  # noqa: E731
    near_percent, level, close_factor = (number_text(v) for v in (100 * NEAR, LEVEL, CLOSE))
    return (
        ("small_shrinks", all(b < a for a, b in zip(small.variances, small.variances[1:])),
         "with the smallest weight variance, every layer's variance is below the one before it"),
        ("large_grows", all(b > a for a, b in zip(large.variances, large.variances[1:])),
         "with the largest weight variance, every layer's variance is above the one before it"),
        ("small_halves", near(small), f"with the smallest weight variance, the drawn per-layer factor (geometric "
                                      f"mean) is within {near_percent} % of the predicted one"),
        ("large_doubles", near(large), f"with the largest weight variance, the drawn per-layer factor is within "
                                       f"{near_percent} % of the predicted one"),
        ("he_level", max(he.variances) <= LEVEL * min(he.variances),
         f"with He's variance, the largest drawn variance is at most {level} times the smallest"),
        ("he_within_2", max(he.variances) <= 2 * min(he.variances),
         "with He's variance, the largest drawn variance is at most twice the smallest"),
        ("he_about_prediction", any(v > t for v, t in zip(he.variances, he.theory))
         and any(v < t for v, t in zip(he.variances, he.theory)),
         "with He's variance, the drawn line lies above its prediction at some layers and below it at others"),
        ("follows_theory", all(close(line) for line in spec.lines),
         f"every drawn variance is within a factor {close_factor} of its prediction"),
    )
