"""Compute, prove and draw; return the render model as plain data (no SymPy objects).

The model is what the templates see. Keeping it free of SymPy means a cached model can be
loaded, and the sheet re-rendered after a prose edit, without importing SymPy or matplotlib.
"""

from __future__ import annotations

import dataclasses
import pickle
import re
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType, SimpleNamespace
from typing import Any

from .activities import Activity, compute
from .config import ActivityTerm
from .errata import judged, refute, statements
from .errata_page import OriginalErrata
from .figures import describe, figure_specs, start_drawing
from .numbers import Latex
from .parallel import Batch, Server
from .proofs import (
    LARGEST_INTEGER,
    POINTS,
    POSITIVE_DENOMINATOR,
    PRECISION,
    SIGNED_DENOMINATORS,
    SIGNED_NUMERATOR,
    Derivation,
    require,
)
from .prove import ProofReport, correction_jobs, derivation_jobs, proof_costs
from .prove import report as proof_report
from .variants import defaults

# a step of a derivation as the audit names it: a word, not a number the ledger would list
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
            "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
            "eighteenth", "nineteenth", "twentieth")


def named_steps(flags) -> tuple[str, ...]:
    """The steps a flag marks, as the audit names them ("first", "third")."""
    if len(flags) > len(ORDINALS):
        raise AssertionError(f"a derivation of {len(flags)} steps: ORDINALS names {len(ORDINALS)}; add words")
    return tuple(ORDINALS[n] for n, flag in enumerate(flags) if flag)


def _tall(*latex) -> bool:
    """Would this formula, set in a line of text, push the lines apart (a stacked fraction, a sum
    or a product with its limits)? The audit sets it as a display instead."""
    return any(part is not None and re.search(r"\\frac|\\sum|\\prod|\\int", part) for part in latex)


def plain(obj: Any) -> Any:
    """Dataclasses become namespaces, derivations their rendered steps, code strings LaTeX."""
    if isinstance(obj, Derivation):
        return SimpleNamespace(key=obj.key, title=Latex(obj.title), lhs_latex=obj.lhs_latex,
                               rendered=tuple(SimpleNamespace(latex=s.latex, why=Latex(s.why)) for s in obj.rendered),
                               checked_with=tuple(SimpleNamespace(name=n, value=v, assumed=a, tall=_tall(n, v), whole=w)
                                                  for n, v, a, w in obj.checked_with),
                               restating=named_steps(obj.restating), given=named_steps(obj.given_steps),
                               given_at=tuple(n for n, given in enumerate(obj.given_steps) if given),
                               once=named_steps(obj.constant), confirmed=named_steps(obj.confirmed),
                               algebra=named_steps(obj.algebra_given_assumption),
                               reading=obj.reading)
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
def modelling(activity: Activity, term: ActivityTerm, figures_dir: Path, log: Callable[[str], None], drawer: Server,
              formats: tuple[str, ...] = ("pdf",), memo: tuple[Path, str] | None = None):
    """Yield ``(model, drawing, prove)``: the model, complete and read-only, as soon as the page
    can be rendered.

    The page prints the errata's counterexamples, so this process finds them first (a few
    numeric points each) while ``drawer`` draws the figures' ``formats`` (``drawing``, a
    ``drawing.Drawing``, waits for the files). The proofs of the derivations and of the
    corrections run meanwhile in workers, and go on while TeX runs (the one overlap the bench
    shows paying). ``prove()`` waits for them and returns their report, or raises the
    ProofError of the first false step: a caller may render and compile in between, but must
    call ``prove()`` before it writes anything. With ``memo`` (``prove.derivation_jobs``), a
    derivation proven before, identical, is not proven again.
    """
    started = time.perf_counter()
    results = compute(activity, term.questions)
    described = [describe(spec, figures_dir) for spec in figure_specs(activity.figure_modules(), results.namespace())]
    drawing = start_drawing(drawer, described, formats)
    original = OriginalErrata.of(activity, term.questions, term.questions == defaults(activity.parameters))
    errata = original.encoded
    corrections = correction_jobs(errata)
    jobs = [*corrections, *derivation_jobs(results.derivations, memo), *original.jobs()]
    with Batch(jobs, costs=[*proof_costs(results.derivations, errata), *original.costs()]) as batch:
        refuted = tuple(refute(e, number) for number, e in enumerate(errata, start=1))
        printed = tuple(map(statements, errata))
        found = batch.result(len(jobs) - 1) if original.path is not None else ()
        figures = tuple(sorted(described, key=lambda f: f.name))
        model = {
            "results": plain(results.by_problem),
            "errata": original.page(found, printed, refuted),
            "original_exists": activity.has_errata,
            "original_file": original.name,  # as the ledger's sources name it
            # derivations all of whose steps only write out names: they confirm nothing else (code names)
            "restating_only": tuple(d.key for d in results.derivations if d.restating_steps == len(d.steps)),
            # what was checked, problem by problem, for the audit's table at a glance
            "checked_by_problem": tuple(SimpleNamespace(
                name=p.name, derivations=len(r.derivations), steps=sum(len(d.steps) for d in r.derivations),
                confirmed=sum(sum(d.confirmed) for d in r.derivations),
                checks=len(r.numeric_checks)) for p in activity.problems for r in (results.by_problem[p.name],)),
            "problems": tuple(SimpleNamespace(name=p.name, number=p.number, title=Latex(p.title),
                                              fragment=f"prose/{p.name}.j2") for p in activity.problems),
            # Known before the proofs end: every step is checked at exactly POINTS points, or fails.
            "proof_summary": SimpleNamespace(
                derivations=len(results.derivations), steps=sum(len(d.steps) for d in results.derivations),
                assumed=sum(s.assumed for d in results.derivations for s in d.steps),
                given=sum(sum(d.given_steps) for d in results.derivations),
                points=sum(d.points for d in results.derivations),
                given_points=sum(1 if constant else POINTS for d in results.derivations
                                 for constant, given in zip(d.constant, d.given_steps) if given),
                constant_steps=sum(d.constant_steps for d in results.derivations),
                restating=sum(d.restating_steps for d in results.derivations),
                points_per_step=POINTS, digits=PRECISION, largest_integer=LARGEST_INTEGER,
                positive_denominator=POSITIVE_DENOMINATOR, positive_numerator=POSITIVE_DENOMINATOR - 1,
                signed_numerator=SIGNED_NUMERATOR,
                signed_denominators=SIGNED_DENOMINATORS,
                checks=len(results.numeric_checks), errata=len(errata) + len(found),
                errata_found=len(found), errata_encoded=len(errata),
                **{f"errata_{kind}s": sum(e.kind == kind for e in errata) for kind in ("claim", "wording", "omission")}),
            "figures": {f.name: {"file": Latex(f.pdf.name), "pdf": str(f.pdf), "svg": str(f.svg), "alt": f.alt,
                                 "digest": f.digest, "facts": dict(f.facts), "meanings": dict(f.meanings),
                                 "spec": pickle.dumps(f.spec)} for f in figures},  # unpickled only to draw
            "figure_numbers": [{"value": value, "text": text, "source": f"figure {f.name}", "kind": "figure"}
                               for f in figures for value, text in f.numbers],
        }

        def prove() -> ProofReport:
            proofs = range(len(corrections), len(corrections) + len(results.derivations))
            records = [batch.result(k) for k in proofs]  # a false step first
            verdicts = [batch.result(k) for k in range(len(corrections))]
            report = proof_report(results.numeric_checks, tuple(map(judged, errata, printed, refuted, verdicts)),
                                  records, started)
            for check in results.numeric_checks:  # after the proofs: a false step is named before its echo
                require(check)
            if report.points != model["proof_summary"].points:
                raise AssertionError("the page states a number of checked points the checker did not make")
            log(f"proved {len(report.records)} derivation{'s' * (len(report.records) != 1)} "
                f"({report.steps} steps, {report.points} random "
                f"points), {len(report.checks)} numeric checks and {len(report.errata)} errata, and drew "
                f"{len(figures)} figures, in {report.seconds:.1f} s")
            return report

        yield MappingProxyType(model), drawing, prove
