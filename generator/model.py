"""Compute, prove and draw; return the render model as plain data (no SymPy objects).

The model is what the templates see. Keeping it free of SymPy means a cached model can be
loaded, and the sheet re-rendered after a prose edit, without importing SymPy or matplotlib.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

from . import activity05, activity05_errata
from .config import Config
from .figures import figure_jobs
from .numbers import Latex
from .parallel import run_all
from .proofs import Derivation, require
from .prove import proof_costs, proof_jobs, report as proof_report

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


def build_model(cfg: Config, figures_dir: Path, log: Callable[[str], None]) -> dict[str, Any]:
    started = time.perf_counter()
    results = activity05.compute(cfg.questions)
    errata = activity05_errata.build(cfg.questions)
    # Longest jobs first (the two figures, then the errata and the proofs) on every core.
    drawing = figure_jobs(results.logistic, results.momentum, results.least_squares, figures_dir)
    costs = [float("inf")] * len(drawing) + proof_costs(results.derivations, errata)
    outcomes = run_all([*drawing, *proof_jobs(results.derivations, errata)], costs=costs)
    figures = tuple(sorted(outcomes[:len(drawing)], key=lambda f: f.name))
    outcomes = outcomes[len(drawing):]
    report = proof_report(results.numeric_checks, outcomes, started)
    for check in results.numeric_checks:  # after the proofs: a false step is named before its numeric echo
        require(check)
    log(f"proved {len(report.records)} derivations ({report.steps} steps, {report.points} random points), "
        f"{len(report.checks)} numeric checks and {len(report.errata)} errata, and drew "
        f"{len(figures)} figures, in {report.seconds:.1f} s")
    model = {
        "results": plain(results),
        "errata": tuple(SimpleNamespace(
            key=e.key, problem_label=Latex(e.problem_label), summary=Latex(e.summary), comment=Latex(e.comment),
            reading=Latex(e.reading),
            original=e.original_latex, corrected=e.corrected_latex, counterexample=e.counterexample_latex,
            points=e.corrected.points) for e in report.errata),
        "proof_summary": SimpleNamespace(derivations=len(report.records), steps=report.steps, points=report.points,
                                         checks=len(report.checks), errata=len(report.errata)),
        "proof_records": tuple(dataclasses.asdict(r) for r in report.records),
        "figures": {f.name: {"file": Latex(f.pdf.name), "pdf": str(f.pdf), "svg": str(f.svg), "alt": f.alt,
                             "digest": f.digest, "facts": dict(f.facts)} for f in figures},
        "figure_numbers": [{"value": value, "text": text, "source": f"figure {f.name}", "kind": "figure"}
                           for f in figures for value, text in f.numbers],
        "fragments": FRAGMENTS,
        "sheet_template": activity05.SHEET_TEMPLATE,
        "seconds": time.perf_counter() - started,
    }
    return model
