"""Figure of Problem 3: the sigmoid and its derivative, whose maximum 1/4 at f = 0 is marked.

The curves are Problem 3's samples (the proven sig[f](1 - sig[f]), evaluated once there), so
the figure draws what the text computed. Left of about f = -2 the derivative is sig[f] times
1 - sig[f], nearly one, so the two curves run together: the sigmoid is drawn wide and the
derivative narrow and dashed on top of it, so that both stay visible. The facts say what a
caption may claim: where the drawn derivative peaks, its value there, how small it is at the
ends of the range, and that the curves nearly coincide on the left.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.figures import BLUE, GREY, LABEL_GREY, VERMILLION, number_text, spoken, unique

TAIL = 0.01  # "small in the tails": below this at both ends of the plotted range (4% of the peak)


@dataclass(frozen=True)
class SigmoidSpec:
    name: str
    height: float  # inches; the width is generator.drawing.WIDTH
    grid: tuple[float, ...]
    sigmoid: tuple[float, ...]
    derivative: tuple[float, ...]
    maximum: float
    argmax: float
    maximum_text: str
    argmax_text: str
    near_share: float  # left of near_below the drawn derivative should exceed this share of the sigmoid
    near_below: float
    numbers: tuple[tuple[float, str], ...]


def spec(results) -> SigmoidSpec:
    r = results.sigmoid
    maximum_text, argmax_text = number_text(r.maximum, 3), number_text(r.argmax)
    return SigmoidSpec(name="sigmoid", height=2.6, grid=r.grid, sigmoid=r.sigmoid, derivative=r.derivative,
                       maximum=r.maximum, argmax=r.argmax, maximum_text=maximum_text, argmax_text=argmax_text,
                       near_share=r.near_share, near_below=r.near_below,
                       numbers=unique([(r.maximum, maximum_text), (r.argmax, argmax_text)]))


def draw(spec: SigmoidSpec, figure) -> None:
    """One axes: sig solid and wide, its derivative dashed and narrow on top of it (where the two run
    together, on the left, the sigmoid shows on both sides of the dashes and between them), the
    maximum a marker with its value beside it, the dotted line at its height labelled."""
    ax = figure.subplots()
    low, high = spec.grid[0], spec.grid[-1]
    ax.axhline(spec.maximum, color=GREY, lw=0.8, ls=(0, (1, 1.5)), zorder=1)
    ax.text(high - 0.02 * (high - low), spec.maximum + 0.015, r"largest value of $\partial h/\partial f$",
            ha="right", va="bottom", color=LABEL_GREY, fontsize="small")
    ax.plot(spec.grid, spec.sigmoid, color=BLUE, lw=3.0, label=r"$h = \mathrm{sig}[f]$", zorder=2,
            solid_capstyle="butt")
    ax.plot(spec.grid, spec.derivative, color=VERMILLION, lw=1.3, ls=(0, (3.5, 2.0)),
            label=r"$\partial h/\partial f = \mathrm{sig}[f](1-\mathrm{sig}[f])$", zorder=3)
    ax.plot([spec.argmax], [spec.maximum], ls="none", marker="o", ms=6, color=VERMILLION, mec="black", mew=0.8,
            zorder=4)
    # The text sits on the wider side at height one half, between the two curves, where neither passes.
    side = high if high >= -low else low
    ax.annotate(rf"maximum ${spec.maximum_text}$ at $f = {spec.argmax_text}$", xy=(spec.argmax, spec.maximum),
                xytext=(spec.argmax + 0.3 * side, 0.5), ha="left" if side > 0 else "right", va="center",
                arrowprops={"arrowstyle": "->", "color": "black", "lw": 0.8})
    ax.set_xlim(low, high)
    ax.set_ylim(-0.03, 1.05)
    ax.set_xlabel("$f$")
    ax.set_ylabel(r"$h$ and $\partial h/\partial f$")
    ax.legend(loc="upper left", handlelength=2.4)  # the upper left holds no data: sig is near zero there


def ends(left: str, right: str) -> str:
    """Where the derivative falls to, said once when both ends print alike."""
    return f"{left} at both ends" if left == right else f"{left} at the left end and {right} at the right end"


def alt(spec: SigmoidSpec) -> str:
    low, high = spec.grid[0], spec.grid[-1]
    return (f"The sigmoid h = sig[f] and its derivative sig[f](1 − sig[f]) for f from "
            f"{spoken(number_text(low))} to {spoken(number_text(high))}. The sigmoid rises from "
            f"{number_text(spec.sigmoid[0], 2)} to {number_text(spec.sigmoid[-1], 3)}; the derivative is a "
            f"bump with its maximum {spec.maximum_text} at f = {spec.argmax_text}, marked, and falls to "
            f"{ends(number_text(spec.derivative[0], 2), number_text(spec.derivative[-1], 2))}. "
            f"A dotted line marks the largest value. On the left the two curves nearly "
            f"coincide, since there the derivative is the sigmoid times 1 − sig[f], which is close to one.")


def facts(spec: SigmoidSpec) -> tuple[tuple[str, bool, str], ...]:
    """Claims a caption may make, each computed from the drawn samples."""
    peak = max(range(len(spec.derivative)), key=spec.derivative.__getitem__)
    return (
        ("max_at_zero", spec.grid[peak] == 0.0, "the drawn derivative is largest at $f = 0$"),
        ("max_quarter", abs(spec.derivative[peak] - 0.25) < 1e-12, "its largest drawn value is one quarter"),
        ("tails_small", spec.derivative[0] < TAIL and spec.derivative[-1] < TAIL,
         f"at both ends of the plotted range the derivative is below {number_text(TAIL)}"),
        ("sigmoid_increasing", all(b > a for a, b in zip(spec.sigmoid, spec.sigmoid[1:])),
         "the drawn sigmoid rises at every sample"),
        ("symmetric_range", spec.grid[0] == -spec.grid[-1], "the plotted range is symmetric about zero"),
        ("ends_equal", number_text(spec.derivative[0], 2) == number_text(spec.derivative[-1], 2),
         "the derivative's values at the two ends print the same to two digits"),
        ("near_left", _near_left(spec), f"at the plotted samples left of $f = {number_text(spec.near_below, 2)}$ the "
                                        f"derivative is more than {number_text(spec.near_share)} of the sigmoid, and at "
                                        f"those right of it (up to the peak) it is not"),
    )


def _near_left(spec: SigmoidSpec) -> bool:
    """Left of near_below the drawn derivative is more than near_share of the drawn sigmoid (their
    ratio is 1 - sig[f]), and right of it, up to the peak, it is not: the curves meet exactly there."""
    ratios = [(f, d / s) for f, s, d in zip(spec.grid, spec.sigmoid, spec.derivative) if f <= spec.argmax]
    left = [r for f, r in ratios if f < spec.near_below]
    right = [r for f, r in ratios if f > spec.near_below]
    return bool(left) and min(left) > spec.near_share and bool(right) and max(right) < spec.near_share
