"""Activity 5, "Gradient Descent": its problems, in order, and how they fill the sheet.

An activity is a list of problem modules plus one sheet template; Activity 6 is another file
like this one, not a change to the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass

from .problems import hessian, least_squares, logistic, momentum
from .proofs import Derivation, NumericCheck
from .variants import Questions

SHEET_TEMPLATE = "activity05.tex.j2"
# Captioned floats in the order the sheet shows them: LaTeX numbers them by counter, the HTML by this.
FIGURES = ("logistic_family", "momentum")
TABLES = ("curves",)
PROBLEMS = (least_squares, logistic, momentum, hessian)


@dataclass(frozen=True)
class Results:
    least_squares: least_squares.LeastSquaresResult
    logistic: logistic.LogisticResult
    momentum: momentum.MomentumResult
    hessian: hessian.HessianResult

    @property
    def derivations(self) -> tuple[Derivation, ...]:
        return tuple(d for r in self._all() for d in r.derivations)

    @property
    def numeric_checks(self) -> tuple[NumericCheck, ...]:
        return tuple(c for r in self._all() for c in r.numeric_checks)

    def _all(self):
        return (self.least_squares, self.logistic, self.momentum, self.hessian)


def compute(questions: Questions) -> Results:
    """Run every problem's reference computation (pure; no file is touched)."""
    return Results(*(problem.compute(questions) for problem in PROBLEMS))
