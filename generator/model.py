"""Compute, prove and draw; return the render model as plain data (no SymPy objects).

The model is what the templates see. Keeping it free of SymPy means a cached model can be
loaded, and the sheet re-rendered after a prose edit, without importing SymPy or matplotlib.
"""

from __future__ import annotations

import dataclasses
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

from . import activity05, activity05_errata
from .config import Config
from .figures import figure_jobs
from .numbers import Latex
from .parallel import Batch
from .proofs import POINTS, Derivation, require
from .prove import derivation_costs, derivation_jobs, erratum_jobs, report as proof_report

FRAGMENTS = tuple(f"problems/{p.__name__.rsplit('.', 1)[-1]}.tex.j2" for p in activity05.PROBLEMS)


def plain(obj: Any) -> Any:
    """Dataclasses become namespaces, derivations their rendered steps, code strings LaTeX."""
    if isinstance(obj, Derivation):
        return SimpleNamespace(key=obj.key, title=Latex(obj.title), lhs_latex=obj.lhs_latex,
                               rendered=tuple(SimpleNamespace(latex=s.latex, why=Latex(s.why)) for s in obj.rendered))
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return SimpleNamespace(**{f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)})
    if isinstance(obj, dict):  # a namespace, so a key like "update" never meets dict.update
        return SimpleNamespace(**{k: plain(v) for k, v in obj.items()})
    if isinstance(obj, (tuple, list)):
        return tuple(plain(v) for v in obj)
    if isinstance(obj, str) and not isinstance(obj, Latex):
        return Latex(obj)
    return obj


@contextmanager
def modelling(cfg: Config, figures_dir: Path, log: Callable[[str], None]):
    """Yield ``(model, finish)``: the model as soon as the page can be rendered, proofs still running.

    The figures and the errata verdicts (which the page prints) come first; the derivation proofs
    go on in the workers meanwhile. ``finish()`` waits for them and returns the model, or raises
    the ProofError of the first false step: a caller may render and compile in between, but must
    call ``finish()`` before it writes anything.
    """
    started = time.perf_counter()
    results = activity05.compute(cfg.questions)
    errata = activity05_errata.build(cfg.questions)
    drawing = figure_jobs(results.logistic, results.momentum, results.least_squares, figures_dir)
    judging = erratum_jobs(errata)
    page_needs = len(drawing) + len(judging)  # figures and errata verdicts are printed; they go first
    jobs = [*drawing, *judging, *derivation_jobs(results.derivations)]
    costs = [2e9] * len(drawing) + [1e9] * len(judging) + derivation_costs(results.derivations)
    with Batch(jobs, costs=costs) as batch:
        figures = tuple(sorted((batch.result(k) for k in range(len(drawing))), key=lambda f: f.name))
        judged = tuple(batch.result(k) for k in range(len(drawing), page_needs))
        model = {
            "results": plain(results),
            "errata": tuple(SimpleNamespace(
                key=e.key, problem_label=Latex(e.problem_label), summary=Latex(e.summary), comment=Latex(e.comment),
                reading=Latex(e.reading),
                original=e.original_latex, corrected=e.corrected_latex, counterexample=e.counterexample_latex,
                points=e.corrected.points) for e in judged),
            # Known before the proofs end: every step is checked at exactly POINTS points, or fails.
            "proof_summary": SimpleNamespace(
                derivations=len(results.derivations), steps=sum(len(d.steps) for d in results.derivations),
                points=POINTS * sum(len(d.chain) - 1 for d in results.derivations),
                checks=len(results.numeric_checks), errata=len(judged)),
            "figures": {f.name: {"file": Latex(f.pdf.name), "pdf": str(f.pdf), "svg": str(f.svg), "alt": f.alt,
                                 "digest": f.digest, "facts": dict(f.facts)} for f in figures},
            "figure_numbers": [{"value": value, "text": text, "source": f"figure {f.name}", "kind": "figure"}
                               for f in figures for value, text in f.numbers],
            "fragments": FRAGMENTS,
            "sheet_template": activity05.SHEET_TEMPLATE,
            "float_order": {"figure": activity05.FIGURES, "table": activity05.TABLES},
        }

        def finish() -> dict[str, Any]:
            records = [batch.result(k) for k in range(page_needs, len(jobs))]
            report = proof_report(results.numeric_checks, judged, records, started)
            for check in results.numeric_checks:  # after the proofs: a false step is named before its echo
                require(check)
            if report.points != model["proof_summary"].points:
                raise AssertionError("the page states a number of checked points the checker did not make")
            log(f"proved {len(report.records)} derivations ({report.steps} steps, {report.points} random "
                f"points), {len(report.checks)} numeric checks and {len(report.errata)} errata, and drew "
                f"{len(figures)} figures, in {report.seconds:.1f} s")
            model["proof_records"] = tuple(dataclasses.asdict(r) for r in report.records)
            model["seconds"] = report.seconds
            return model

        yield model, finish


def build_model(cfg: Config, figures_dir: Path, log: Callable[[str], None]) -> dict[str, Any]:
    """Compute, prove and draw, waiting for every proof."""
    with modelling(cfg, figures_dir, log) as (_, finish):
        return finish()
