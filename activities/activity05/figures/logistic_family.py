"""Figure 1 of Activity 5: the logistic curve for several values of each parameter (Problem 2)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from generator.figures import GREY, STYLES, number_text, row_major, spoken, unique


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
    panels: tuple[PanelSpec, ...]
    x_limit: float
    numbers: tuple[tuple[float, str], ...]


def x_limit(curves: tuple) -> float:
    """Half-width of a symmetric x range showing every midpoint (of Problem 2's curves) with 1.5 units to spare.

    Symmetric about x = 0 because that is where phi_0 alone sets the value; a whole number so
    the ticks stay round.
    """
    farthest = max((abs(c.midpoint) for c in curves if c.midpoint is not None), default=0.0)
    return float(max(3, math.ceil(farthest + 1.5)))


def _panel(letter: str, varying: str, fixed: float, curves: tuple) -> PanelSpec:
    fixed_symbol, varying_symbol = (r"\phi_1", r"\phi_0") if varying == "phi0" else (r"\phi_0", r"\phi_1")
    return PanelSpec(
        title=rf"({letter}) ${fixed_symbol} = {number_text(fixed)}$, varying ${varying_symbol}$",
        varying=varying,
        fixed_value=fixed,
        curves=tuple(CurveSpec(c.phi0, c.phi1, c.midpoint, c.constant, c.direction,
                               rf"${varying_symbol} = {number_text(getattr(c, varying))}$") for c in curves),
    )


def spec(results) -> LogisticSpec:
    result = results.logistic
    panels = (_panel("a", "phi0", result.phi1_fixed, result.phi0_family),
              _panel("b", "phi0", result.phi1_mirrored, result.phi0_family_mirrored),
              _panel("c", "phi1", result.phi0_fixed, result.phi1_family))
    printed = []
    for panel in panels:
        printed.append((panel.fixed_value, number_text(panel.fixed_value)))
        printed.extend((getattr(c, panel.varying), number_text(getattr(c, panel.varying))) for c in panel.curves)
    return LogisticSpec(name="logistic_family", height=2.9, panels=panels,
                        x_limit=x_limit(result.phi0_family + result.phi0_family_mirrored + result.phi1_family),
                        numbers=unique(printed))


def alt(spec: LogisticSpec) -> str:
    """Two sentences, one a panel, built from the values drawn: what each curve does and why."""
    *shifts, spread = spec.panels
    sentences = []
    for name, shift in zip(("First", "Second"), shifts):
        by_phi0 = sorted(shift.curves, key=lambda c: c.phi0)
        moves = "left" if by_phi0[-1].midpoint < by_phi0[0].midpoint else "right"
        sentences.append(
            f"{name} panel, φ₁ = {spoken(number_text(shift.fixed_value))}: "
            f"φ₀ = {', '.join(spoken(number_text(c.phi0)) for c in shift.curves)} give curves of equal "
            f"steepness with midpoints at x = "
            f"{', '.join(spoken(number_text(c.midpoint, 3)) for c in shift.curves)}, so increasing φ₀ "
            f"moves the curve {moves}.")
    first = ("Curves of Pr(y=1|x) = sig[φ₀ + φ₁x] with each midpoint, where Pr = 1/2, marked. "
             + " ".join(sentences))
    described = []
    for c in spread.curves:
        value = spoken(number_text(c.phi1))
        if c.direction == "constant":
            described.append(f"φ₁ = {value} is constant at sig[φ₀] = {spoken(number_text(c.constant, 3))}")
        else:
            described.append(f"φ₁ = {value} is {c.direction} with midpoint x = {spoken(number_text(c.midpoint, 3))}")
    second = (f"Third panel, φ₀ = {spoken(number_text(spread.fixed_value))}: " + "; ".join(described)
              + "; the larger |φ₁|, the steeper the curve.")
    return f"{first} {second}"




def inner_ticks(limit: float) -> list[float]:
    """Whole-number ticks inside (-limit, limit): none at a panel's edge, where its label would meet
    the neighbouring panel's (the 5.0 and -5.0 of a range to five)."""
    from matplotlib.ticker import MaxNLocator  # matplotlib only where a figure is drawn

    return [t for t in MaxNLocator(nbins=5, integer=True).tick_values(-limit, limit) if -limit < t < limit]


def draw(spec: LogisticSpec, figure) -> None:
    """Sigmoid families side by side with a shared x range, midpoints marked on the 1/2 line."""
    axes = figure.subplots(1, len(spec.panels), sharex=True, sharey=True)
    figure.get_layout_engine().set(wspace=0.06)  # the end ticks of neighbouring panels apart
    xs = np.linspace(-spec.x_limit, spec.x_limit, 401)
    for ax, panel in zip(axes, spec.panels):
        ax.axhline(0.5, color=GREY, lw=0.8, ls=(0, (1, 1.5)), zorder=1)  # dotted: the curves use the dashes
        for curve, (colour, dash, marker) in zip(panel.curves, STYLES):
            ax.plot(xs, 1 / (1 + np.exp(-(curve.phi0 + curve.phi1 * xs))), color=colour, ls=dash, lw=1.5,
                    label=curve.label, zorder=2)
            if curve.midpoint is not None:
                # hollow, so two midpoints close together still show both outlines
                ax.plot([curve.midpoint], [0.5], marker=marker, ms=5, mfc="white", mec=colour, mew=1.3,
                        ls="none", zorder=3)
        ax.set_title(panel.title)
        ax.set_xlabel("$x$")
        ax.set_xlim(-spec.x_limit, spec.x_limit)
        ax.set_xticks(inner_ticks(spec.x_limit))
        ax.set_ylim(-0.03, 1.03)
        columns = 1 if len(panel.curves) <= 3 else 2
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(row_major(handles, columns), row_major(labels, columns), loc="upper center",
                  bbox_to_anchor=(0.5, -0.2), ncol=columns, handlelength=2.6, columnspacing=1.2,
                  handletextpad=0.5)
    axes[0].set_ylabel(r"$\mathrm{Pr}(y=1\,|\,x)$")



def facts(spec: LogisticSpec) -> tuple[tuple[str, bool, str], ...]:
    return (("shift_left", spec.panels[0].fixed_value > 0,
             r"the $\phi_1$ held fixed in panel (a) is positive, so a larger $\phi_0$ moves the curve left, "
             r"and the $\phi_1$ of panel (b), its negative, moves it right"),)

