"""Question parameters of a semester: the original handout's values, or a variant drawn from a seed.

Explicit values in the config always win; with a ``seed`` every value not given is drawn with
Python's ``random.Random``, whose stream is stable across platforms and Python versions, so the
same seed gives the same variant everywhere.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, fields
from typing import Any, Callable

from .errors import ConfigError


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


# The original handout (Fall 2024): one million parameters; the book's 12-point data set
# (Prince, Understanding Deep Learning, notebook 6.2) and its starting point.
QUESTION_DEFAULTS: dict[str, Any] = {
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


def _draw(rng: random.Random) -> dict[str, Any]:
    """A variant: every value a student can compute by hand and every plot still instructive."""
    drawn: dict[str, Any] = {}
    drawn["hessian_parameters"] = rng.choice([10**5, 2 * 10**5, 5 * 10**5, 2 * 10**6, 5 * 10**6, 10**7])
    drawn["momentum_beta"] = rng.choice([0.75, 0.8, 0.85, 0.95])
    drawn["momentum_steps"] = 8
    drawn["logistic_phi0_values"] = tuple(sorted(rng.sample([-3.0, -2.0, -1.0, 1.0, 2.0, 3.0], 2) + [0.0]))
    drawn["logistic_phi1_fixed"] = rng.choice([1.0, 1.5, 2.0])
    negative = -rng.choice([0.5, 1.0, 2.0])
    positives = rng.sample([0.5, 1.0, 2.0, 3.0], 2)
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


def draw_questions(given: dict[str, Any], where: Callable[[str], str]) -> Questions:
    """Merge explicit values over the seeded draw (or the handout's defaults) and check them."""
    seed = given.get("seed")
    base = _draw(random.Random(seed)) if seed is not None else dict(QUESTION_DEFAULTS)
    values = {**base, **given}
    values["seed"] = seed
    _check(values, where)
    values["logistic_y"] = tuple(int(v) for v in values["logistic_y"])
    values["least_squares_start"] = tuple(values["least_squares_start"])
    values["logistic_start"] = tuple(values["logistic_start"])
    return Questions(**{f.name: values[f.name] for f in fields(Questions)})


def _check(v: dict[str, Any], where: Callable[[str], str]) -> None:
    def fail(key: str, message: str, hint: str) -> None:
        raise ConfigError(f"{where(key)}: questions.{key} {message}", hint=hint)

    if not 0 < v["momentum_beta"] < 1:
        fail("momentum_beta", f"must lie strictly between 0 and 1, not {v['momentum_beta']}", "use e.g. 0.9")
    if not 2 <= v["momentum_steps"] <= 20:
        fail("momentum_steps", f"must be between 2 and 20, not {v['momentum_steps']}", "use e.g. 8")
    if v["hessian_parameters"] < 2:
        fail("hessian_parameters", "must be at least 2", "use e.g. 1000000")
    for pair in ("least_squares", "logistic"):
        nx, ny = len(v[f"{pair}_x"]), len(v[f"{pair}_y"])
        if nx != ny:
            fail(f"{pair}_y", f"has {ny} values but {pair}_x has {nx}", "give one y for every x")
        if nx < 2:
            fail(f"{pair}_x", "needs at least 2 points", "add points")
        if len(v[f"{pair}_start"]) != 2:
            fail(f"{pair}_start", "must be two numbers [phi0, phi1]", "write it as [0.6, -0.2]")
    if any(y not in (0, 1) for y in v["logistic_y"]):
        fail("logistic_y", "must hold only the labels 0 and 1", "write each label as 0 or 1")
    if len(set(v["logistic_y"])) < 2:
        fail("logistic_y", "must contain both labels 0 and 1", "label at least one point of each class")
    if not any(p < 0 for p in v["logistic_phi1_values"]) or 0 not in v["logistic_phi1_values"]:
        fail("logistic_phi1_values", "must include a negative value and 0, to show every case",
             "e.g. [-2.0, 0.0, 0.5, 2.0]")
    if len(v["logistic_phi0_values"]) < 2 or len(v["logistic_phi0_values"]) > 6:
        fail("logistic_phi0_values", "must hold 2 to 6 values", "e.g. [-2.0, 0.0, 2.0]")
    if len(v["logistic_phi1_values"]) > 6:
        fail("logistic_phi1_values", "must hold at most 6 values", "e.g. [-2.0, 0.0, 0.5, 2.0]")
    if v["logistic_phi1_fixed"] == 0:
        fail("logistic_phi1_fixed", "must not be 0 (the curves would be flat)", "use e.g. 1.5")
    if v["logistic_phi0_fixed"] == 0:
        fail("logistic_phi0_fixed", "must not be 0 (phi1 would then not move the midpoint)", "use e.g. 1.0")
