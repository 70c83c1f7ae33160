"""Activity 5's question parameters: the original handout's values, or a variant drawn from a seed.

``generator.variants`` merges a semester's values over ``draw`` (with a seed) or ``DEFAULTS``
and then calls ``check``; ``FIELDS`` tells the config validator each key's kind.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.variants import Fail


@dataclass(frozen=True)
class Questions:
    hessian_parameters: int
    momentum_beta: float
    momentum_steps: int
    logistic_phi0_values: tuple[float, ...]
    logistic_phi1_fixed: float
    logistic_phi1_values: tuple[float, ...]
    logistic_phi0_fixed: float
    least_squares_x: tuple[float, ...]
    least_squares_y: tuple[float, ...]
    least_squares_start: tuple[float, float]
    logistic_x: tuple[float, ...]
    logistic_y: tuple[int, ...]
    logistic_start: tuple[float, float]
    seed: int | None = None


# What fits across the page: columns of the weights table, points of a data table.
MAX_TABLE_COLUMNS = 10
MAX_POINTS = {"least_squares": 14, "logistic": 10}

# The original handout (Fall 2024): one million parameters; the book's 12-point data set
# (Prince, Understanding Deep Learning, notebook 6.2) and its starting point.
DEFAULTS: dict[str, Any] = {
    "hessian_parameters": 1_000_000,
    "momentum_beta": 0.9,
    "momentum_steps": 8,
    "logistic_phi0_values": (-2.0, 0.0, 2.0),
    "logistic_phi1_fixed": 1.5,
    "logistic_phi1_values": (-2.0, 0.0, 0.5, 2.0),
    "logistic_phi0_fixed": 1.0,
    "least_squares_x": (0.03, 0.19, 0.34, 0.46, 0.78, 0.81, 1.08, 1.18, 1.39, 1.60, 1.65, 1.90),
    "least_squares_y": (0.67, 0.85, 1.05, 1.00, 1.40, 1.50, 1.30, 1.54, 1.55, 1.68, 1.73, 1.60),
    "least_squares_start": (0.6, -0.2),
    "logistic_x": (-2.0, -1.2, -0.5, 0.3, 0.8, 1.4, 2.1),
    "logistic_y": (0, 0, 1, 0, 1, 1, 1),
    "logistic_start": (0.5, -0.5),
}


# Each key's kind for the semester file's validator, and an example as written there.
FIELDS: dict[str, tuple[str, str]] = {
    "hessian_parameters": ("int", "1000000"),
    "momentum_beta": ("number", "0.9"),
    "momentum_steps": ("int", "8"),
    "logistic_phi0_values": ("numbers", "[-2.0, 0.0, 2.0]"),
    "logistic_phi1_fixed": ("number", "1.5"),
    "logistic_phi1_values": ("numbers", "[-2.0, 0.0, 0.5, 2.0]"),
    "logistic_phi0_fixed": ("number", "1.0"),
    "least_squares_x": ("numbers", "[0.03, 0.19, 0.34]"),
    "least_squares_y": ("numbers", "[0.67, 0.85, 1.05]"),
    "least_squares_start": ("numbers", "[0.6, -0.2]"),
    "logistic_x": ("numbers", "[-2.0, -1.2, -0.5]"),
    "logistic_y": ("numbers", "[0, 0, 1]"),
    "logistic_start": ("numbers", "[0.5, -0.5]"),
}


def draw(rng: random.Random) -> dict[str, Any]:
    """A variant: every value a student can compute by hand and every plot still instructive."""
    drawn: dict[str, Any] = {}
    drawn["hessian_parameters"] = rng.choice([10**5, 2 * 10**5, 5 * 10**5, 2 * 10**6, 5 * 10**6, 10**7])
    drawn["momentum_beta"] = rng.choice([0.75, 0.8, 0.85, 0.95])
    drawn["momentum_steps"] = 8
    drawn["logistic_phi0_values"] = tuple(sorted(rng.sample([-3.0, -2.0, -1.0, 1.0, 2.0, 3.0], 2) + [0.0]))
    drawn["logistic_phi1_fixed"] = rng.choice([1.0, 1.5, 2.0])
    negative = -rng.choice([0.5, 1.0, 2.0])
    # two slopes at least three times apart: their curves, and midpoints, stay apart on the page
    positives = rng.choice([(0.5, 2.0), (0.5, 3.0), (1.0, 3.0)])
    drawn["logistic_phi1_values"] = tuple(sorted([negative, 0.0, *positives]))
    drawn["logistic_phi0_fixed"] = rng.choice([-1.0, 1.0, 1.5])
    intercept, slope = rng.choice([0.5, 0.6, 0.7, 0.8]), rng.choice([0.3, 0.4, 0.5, 0.6])
    xs = sorted(round(rng.uniform(0.0, 2.0), 2) for _ in range(12))
    drawn["least_squares_x"] = tuple(xs)
    drawn["least_squares_y"] = tuple(round(intercept + slope * x + rng.gauss(0.0, 0.1), 2) for x in xs)
    drawn["least_squares_start"] = (rng.choice([0.4, 0.6, 0.8]), rng.choice([-0.4, -0.2, 0.0]))
    lx = sorted(round(rng.uniform(-2.5, 2.5), 1) for _ in range(7))
    ly = [1 if x > 0 else 0 for x in lx]
    if len(set(ly)) < 2:  # every x on one side of zero: label the largest one positive
        ly[-1] = 1 - ly[0]
    # One label against the trend keeps the optimum finite; never the last of its class.
    flip = rng.choice([k for k in range(len(lx)) if ly.count(ly[k]) > 1])
    ly[flip] = 1 - ly[flip]
    drawn["logistic_x"] = tuple(lx)
    drawn["logistic_y"] = tuple(ly)
    drawn["logistic_start"] = (rng.choice([0.0, 0.5]), rng.choice([-0.5, 0.5]))
    return drawn


def check(v: dict[str, Any], given: dict[str, Any], fail: Fail, origin: Callable[[str], str]) -> None:
    """Every rule the key's text relies on. ``given`` is what the semester file sets;
    ``fail(keys, message, hint)`` reports one problem and raises; ``origin(key)`` says where a
    value the file does not set came from."""

    def show(values) -> str:
        return "[" + ", ".join(str(x) for x in values) + "]"

    beta = v["momentum_beta"]
    if not 0 < beta < 1:
        fail("momentum_beta", f"must lie strictly between 0 and 1, not {beta}",
             "use e.g. momentum_beta = 0.9 (at 0 there is no momentum, at 1 the weights never decay)")
    if not 2 <= v["momentum_steps"] <= MAX_TABLE_COLUMNS:
        fail("momentum_steps", f"must be between 2 and {MAX_TABLE_COLUMNS} (the columns of a table that fits "
                               f"the page), not {v['momentum_steps']}",
             "use e.g. momentum_steps = 8 (the columns of the weights table)")
    if v["hessian_parameters"] < 2:
        fail("hessian_parameters", f"must be at least 2, not {v['hessian_parameters']}",
             "use e.g. hessian_parameters = 1000000")
    for pair in ("least_squares", "logistic"):
        nx, ny = len(v[f"{pair}_x"]), len(v[f"{pair}_y"])
        if nx != ny:
            xk, yk = f"{pair}_x", f"{pair}_y"
            blamed, other = (yk, xk) if yk in given or xk not in given else (xk, yk)
            count = {xk: nx, yk: ny}
            fail(blamed, f"has {count[blamed]} values but {other}{origin(other)} has {count[other]}",
                 f"give one y for every x: set both {xk} and {yk}, with the same number of values")
        if nx < 2:
            fail(f"{pair}_x", f"needs at least 2 points, not {nx}", f"add points to {pair}_x and {pair}_y")
        if nx > MAX_POINTS[pair]:
            fail(f"{pair}_x", f"has {nx} points; the key prints them in one table row, which holds "
                              f"{MAX_POINTS[pair]}", f"use at most {MAX_POINTS[pair]} points")
        start = v[f"{pair}_start"]
        if len(start) != 2:
            fail(f"{pair}_start", f"must be two numbers [phi0, phi1], not {len(start)}: {show(start)}",
                 f"write it as {pair}_start = {show(DEFAULTS[pair + '_start'])}")
    if any(y not in (0, 1) for y in v["logistic_y"]):
        wrong = next(y for y in v["logistic_y"] if y not in (0, 1))
        fail("logistic_y", f"must hold only the labels 0 and 1, not {wrong}", "write each label as 0 or 1")
    if len(set(v["logistic_y"])) < 2:
        fail("logistic_y", "must contain both labels 0 and 1", "label at least one point of each class")
    if not any(p < 0 for p in v["logistic_phi1_values"]) or 0 not in v["logistic_phi1_values"]:
        fail("logistic_phi1_values", f"must include a negative value and 0, to show every case, "
             f"not {show(v['logistic_phi1_values'])}", "e.g. logistic_phi1_values = [-2.0, 0.0, 0.5, 2.0]")
    for key, low in (("logistic_phi0_values", 2), ("logistic_phi1_values", 2)):
        values = v[key]
        if not low <= len(values) <= 6:
            fail(key, f"must hold {low} to 6 values (one curve each), not {len(values)}",
                 f"e.g. {key} = {show(DEFAULTS[key])}")
        if len(set(values)) != len(values):
            twice = next(x for x in values if values.count(x) > 1)
            fail(key, f"repeats the value {twice}: two curves would be drawn on top of each other",
                 "give each value once")
    if v["logistic_phi1_fixed"] == 0:
        fail("logistic_phi1_fixed", "must not be 0 (the curves would be flat)", "use e.g. logistic_phi1_fixed = 1.5")
    if v["logistic_phi0_fixed"] == 0:
        fail("logistic_phi0_fixed", "must not be 0 (phi1 would then not move the midpoint)",
             "use e.g. logistic_phi0_fixed = 1.0")


def normalise(v: dict[str, Any]) -> dict[str, Any]:
    """Labels as integers, pairs as tuples: the types ``Questions`` declares."""
    return {**v, "logistic_y": tuple(int(y) for y in v["logistic_y"]),
            "least_squares_start": tuple(v["least_squares_start"]), "logistic_start": tuple(v["logistic_start"])}
