"""Activity 5 as the tests use it: its folder's modules, its parameters, its computed results."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import SimpleNamespace

from generator.activities import compute

from conftest import draw, figure_module, load_activity, parameters
from conftest import problem as problem  # re-exported: test_figures imports it from here

ACTIVITY = load_activity("activity05")
Questions = parameters().Questions
QUESTION_DEFAULTS = parameters().DEFAULTS
errata = ACTIVITY.errata()
figure = figure_module


def draw_questions(given: dict, where=str) -> Questions:
    return draw(given)


def results(questions: Questions | None = None) -> SimpleNamespace:
    """Every problem's result by name (r.logistic), with all derivations and numeric checks."""
    computed = compute(ACTIVITY, questions if questions is not None else Questions(**QUESTION_DEFAULTS))
    return SimpleNamespace(**computed.by_problem, derivations=computed.derivations,
                           numeric_checks=computed.numeric_checks, namespace=computed.namespace())


# --- its figures, as the figure tests draw them -----------------------------------------------

logistic_figure, momentum_figure = figure("logistic_family"), figure("momentum")
descent = importlib.import_module("activities.activity05.problems.descent")
descent_path, least_squares_gradient, least_squares_loss = (descent.descent_path, descent.least_squares_gradient,
                                                            descent.least_squares_loss)
x_limit = logistic_figure.x_limit


def logistic_spec(result):
    return logistic_figure.spec(SimpleNamespace(logistic=result))


def momentum_spec(momentum, least_squares):
    return momentum_figure.spec(SimpleNamespace(momentum=momentum, least_squares=least_squares))


def render_figures(logistic, momentum, least_squares, directory: Path, formats=None):
    """Both figures drawn into ``directory`` (the formats missing there), described, by name."""
    from generator.drawing import FORMATS
    from generator.figures import describe, draw_files

    specs = (logistic_spec(logistic), momentum_spec(momentum, least_squares))
    for spec in specs:
        draw_files(spec, directory, formats or FORMATS)
    return tuple(sorted((describe(spec, directory) for spec in specs), key=lambda f: f.name))
