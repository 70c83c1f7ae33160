"""Activity 6's question parameters: the book's values, or a variant drawn from a seed.

The toy model and its point are the book's (Prince, section 7.3 and notebook 7.1); the
simulation's sizes are the content notes' (50 layers of 100 hidden units, a batch of 1000).
The pipeline merges a semester's values over ``draw`` (with a seed) or ``DEFAULTS`` and then
calls ``check``; ``FIELDS`` tells the config validator each key's kind. Keys are prefixed by
what they belong to: ``toy_`` (Problem 1), ``sigmoid_`` (Problem 3), ``he_`` (Problem 4).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Fail = Callable[[str | tuple[str, ...], str, str], None]


@dataclass(frozen=True)
class Questions:
    toy_beta: tuple[float, float, float, float]  # beta_0 .. beta_3
    toy_omega: tuple[float, float, float, float]  # omega_0 .. omega_3
    toy_x: float
    toy_y: float
    sigmoid_range: tuple[float, float]  # the plotted interval of f
    sigmoid_layers: tuple[int, ...]  # K for the bound (1/4)^K on K sigmoid layers
    he_hidden: int  # D_h, the width of every layer of the simulated network
    he_depth: int  # its number of layers
    he_batch: int  # standard-normal inputs passed through it at once
    seed: int | None = None


LIMIT = 10.0  # |toy values|: the derivatives stay moderate and a student's arithmetic short
MAX_EXPONENT = 5.0  # |beta_1| + |omega_1|: exp[f_1] <= e^5, so the chain's factors stay moderate
MIN_RESIDUAL = 0.01  # |f_3 - y|: below it every derivative is (nearly) zero, nothing to compare
MAX_SIMULATION = 10**9  # D_h^2 * batch * depth multiply-adds per run; Problem 4 runs 3 weight variances x
# REPLICAS (8) networks: at the defaults' 5e8 about two seconds in all, so about four at this bound

DEFAULTS: dict[str, Any] = {
    "toy_beta": (1.0, 2.0, -3.0, 0.4),
    "toy_omega": (0.1, -0.4, 2.0, 3.0),
    "toy_x": 2.3,
    "toy_y": 2.0,
    "sigmoid_range": (-6.0, 6.0),
    "sigmoid_layers": (1, 2, 5, 10),
    "he_hidden": 100,
    "he_depth": 50,
    "he_batch": 1000,
}

# Each key's kind for the semester file's validator, and an example as written there.
FIELDS: dict[str, tuple[str, str]] = {
    "toy_beta": ("numbers", "[1.0, 2.0, -3.0, 0.4]"),
    "toy_omega": ("numbers", "[0.1, -0.4, 2.0, 3.0]"),
    "toy_x": ("number", "2.3"),
    "toy_y": ("number", "2.0"),
    "sigmoid_range": ("numbers", "[-6.0, 6.0]"),
    "sigmoid_layers": ("numbers", "[1, 2, 5, 10]"),
    "he_hidden": ("int", "100"),
    "he_depth": ("int", "50"),
    "he_batch": ("int", "1000"),
}


def toy_output(beta, omega, x: float) -> float:
    """f_3, the toy model's output: the one forward-pass value the checks below need."""
    f0 = beta[0] + omega[0] * x
    f1 = beta[1] + omega[1] * math.sin(f0)
    f2 = beta[2] + omega[2] * math.exp(f1)
    return beta[3] + omega[3] * math.cos(f2)


def draw(rng: random.Random) -> dict[str, Any]:
    """A variant: one-decimal values a student can push through the passes by hand.

    |beta_1| + |omega_1| <= 2.5 keeps exp[f_1] below 13, so every derivative stays below a few
    hundred; no omega is zero (that would cut the chain); the point is redrawn while the
    residual f_3 - y is small, so the derivatives are worth comparing.
    """
    drawn: dict[str, Any] = {}
    while True:
        beta = (rng.choice([-1.0, -0.5, 0.5, 1.0, 1.5]), rng.choice([1.0, 1.5, 2.0]),
                rng.choice([-3.0, -2.0, -1.0, 1.0]), rng.choice([-0.5, 0.2, 0.4, 0.5]))
        omega = (rng.choice([-0.3, -0.2, -0.1, 0.1, 0.2, 0.3]), rng.choice([-0.5, -0.4, -0.3, 0.3, 0.4]),
                 rng.choice([-1.0, 1.0, 1.5, 2.0]), rng.choice([-2.0, 1.0, 2.0, 3.0]))
        x, y = rng.choice([1.5, 2.0, 2.3, 2.5, 3.0]), rng.choice([1.0, 1.5, 2.0, 2.5])
        if abs(toy_output(beta, omega, x) - y) >= 0.2:
            break
    drawn.update(toy_beta=beta, toy_omega=omega, toy_x=x, toy_y=y)
    width = rng.choice([5.0, 6.0, 8.0])
    drawn["sigmoid_range"] = (-width, width)
    drawn["sigmoid_layers"] = rng.choice([(1, 2, 5, 10), (1, 3, 5, 10), (2, 4, 8, 16)])
    drawn["he_hidden"] = rng.choice([50, 64, 80, 100])
    drawn["he_depth"] = rng.choice([30, 40, 50])
    drawn["he_batch"] = rng.choice([500, 1000])
    return drawn


def normalise(values: dict[str, Any]) -> dict[str, Any]:
    """Lists from TOML as tuples (the questions are frozen and hashed); layer counts as ints."""
    out = dict(values)
    for key in ("toy_beta", "toy_omega", "sigmoid_range"):
        out[key] = tuple(float(v) for v in out[key])
    out["sigmoid_layers"] = tuple(int(v) for v in out["sigmoid_layers"])
    for key in ("toy_x", "toy_y"):
        out[key] = float(out[key])
    return out


def _show(values) -> str:
    return "[" + ", ".join(str(v) for v in values) + "]"


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def check(values: dict[str, Any], given: dict[str, Any], fail: Fail, origin: Callable[[str], str]) -> None:
    """Every rule the key's text and plots rely on; ``fail(keys, message, hint)`` raises."""
    v = values
    for key, name in (("toy_beta", "beta"), ("toy_omega", "omega")):
        numbers = v[key]
        if len(numbers) != 4:
            fail(key, f"must hold 4 numbers ({name}_0 .. {name}_3), not {len(numbers)}: {_show(numbers)}",
                 f"write it as {key} = {_show(DEFAULTS[key])}")
        if not all(_is_number(n) for n in numbers):
            fail(key, f"must hold finite numbers, not {_show(numbers)}", f"e.g. {key} = {_show(DEFAULTS[key])}")
        if any(abs(n) > LIMIT for n in numbers):
            fail(key, f"holds {_show(numbers)}; each must lie within [-{LIMIT:g}, {LIMIT:g}] so the "
                      f"derivatives stay moderate", f"e.g. {key} = {_show(DEFAULTS[key])}")
    for key in ("toy_x", "toy_y"):
        if not _is_number(v[key]) or abs(v[key]) > LIMIT:
            fail(key, f"must be a number within [-{LIMIT:g}, {LIMIT:g}], not {v[key]}", f"e.g. {key} = {DEFAULTS[key]}")
    beta, omega = v["toy_beta"], v["toy_omega"]
    if 0 in omega:
        k = list(omega).index(0)
        fail("toy_omega", f"has omega_{k} = 0: it cuts the chain, so every derivative before layer {k + 1} "
                          f"would vanish", "give every weight a nonzero value")
    if abs(beta[1]) + abs(omega[1]) > MAX_EXPONENT:
        fail(("toy_beta", "toy_omega"), f"makes |beta_1| + |omega_1| = {abs(beta[1]) + abs(omega[1]):g} (toy_beta "
             f"with toy_omega), more than {MAX_EXPONENT:g}: exp[f_1] could reach exp[{abs(beta[1]) + abs(omega[1]):g}] and the "
             f"derivatives would be huge", "keep |beta_1| + |omega_1| at most 5, e.g. beta_1 = 2, omega_1 = -0.4")
    residual = toy_output(beta, omega, v["toy_x"]) - v["toy_y"]
    if abs(residual) < MIN_RESIDUAL:
        fail(("toy_y", "toy_x", "toy_beta", "toy_omega"),
             f"puts the model's output f_3 (from toy_beta, toy_omega, toy_x) within {MIN_RESIDUAL} of toy_y "
             f"(f_3 - y = {residual:.2g}): the loss "
             f"is nearly zero there, and so is every derivative", "change toy_y by at least 0.5")

    low_high = v["sigmoid_range"]
    if len(low_high) != 2 or not all(_is_number(n) for n in low_high):
        fail("sigmoid_range", f"must be two numbers [low, high], not {_show(low_high)}",
             f"e.g. sigmoid_range = {_show(DEFAULTS['sigmoid_range'])}")
    low, high = low_high
    if not (-20 <= low <= -3 and 3 <= high <= 20):
        fail("sigmoid_range", f"is {_show(low_high)}; it must reach from at most -3 to at least 3 (to show the "
                              f"maximum at 0 and the flat tails) and stay within [-20, 20]",
             f"e.g. sigmoid_range = {_show(DEFAULTS['sigmoid_range'])}")
    layers = v["sigmoid_layers"]
    if not 1 <= len(layers) <= 6 or not all(_is_number(k) and k == int(k) and 1 <= k <= 50 for k in layers):
        fail("sigmoid_layers", f"must hold 1 to 6 whole numbers of layers between 1 and 50, not {_show(layers)}",
             f"e.g. sigmoid_layers = {_show(DEFAULTS['sigmoid_layers'])}")
    if any(b <= a for a, b in zip(layers, layers[1:])):
        fail("sigmoid_layers", f"must increase, not {_show(layers)}", "list each number of layers once, smallest first")

    for key, low, high, why in (("he_hidden", 20, 500, "fewer units make the variances too noisy to compare"),
                                ("he_depth", 10, 100, "the per-layer growth needs layers to be measured"),
                                ("he_batch", 100, 5000, "fewer inputs make the variances too noisy")):
        if not isinstance(v[key], int) or isinstance(v[key], bool) or not low <= v[key] <= high:
            fail(key, f"must be a whole number between {low} and {high}, not {v[key]} ({why})",
                 f"e.g. {key} = {DEFAULTS[key]}")
    work = v["he_hidden"] ** 2 * v["he_batch"] * v["he_depth"]
    if work > MAX_SIMULATION:
        fail(("he_hidden", "he_batch", "he_depth"),
             f"makes the simulation he_hidden^2 x he_batch x he_depth = {work:.2g} multiply-adds a run, "
             f"more than {MAX_SIMULATION:.0e}",
             "lower he_batch or he_depth (D_h^2 x batch x depth at most 1e9)")
