"""The build, one direction: config -> computations -> proofs -> figures -> render -> compile.

Two caches keep rebuilds cheap, both keyed by content hashes of their inputs:
- the *model* (``model_cache``): everything the templates need, computed and proven;
- the *outputs* (``stamps``): a build whose inputs are unchanged does nothing, and a PDF is
  recompiled only when its .tex or a figure file changed.
Nothing is written to ``output/`` until every document of the build compiled; each file is
then replaced atomically, and a file whose bytes did not change is not touched at all.
"""

from __future__ import annotations

import functools
import re
import shutil
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from . import config as config_module
from .activities import Activity, float_order, load_activity
from .config import ActivityTerm, Config
from .errors import GeneratorError
from .model_cache import load_model, model_for
from .number_list import audit_ledger, audit_lists, figures_in_order
from .paths import ROOT, TEMPLATES, Paths
from .stamps import document_outputs, inputs_digest, outputs_if_current, record_outputs
from .write import write_atomically

__all__ = ["KINDS", "BuildReport", "build", "build_activity", "build_course", "context", "load_model",
           "render_documents", "remove_stale"]

if TYPE_CHECKING:
    from .drawing import Drawing
    from .parallel import Server

KINDS = ("key", "handout")  # what `make pdf` and `make handout` build; "audit" is the instructor's report
TEMPLATES_OF = {"audit": "audit.tex.j2"}


@dataclass
class BuildReport:
    semester: str
    activity: str = ""
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    model_cached: bool = False
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> what the model says of it
    tex_passes: dict[str, int] = field(default_factory=dict)  # kind -> engine runs of its final latexmk


def config_texts(cfg: Config, term: ActivityTerm) -> list[str]:
    """Every string of the config that a template may print."""
    return [v for part in (cfg.course, term) for v in vars(part).values() if isinstance(v, str)]


def context(cfg: Config, term: ActivityTerm, model: dict[str, Any], kind: str, activity: Activity) -> dict[str, Any]:
    from .latex import engine_for
    from .numbers import SIUNITX_GROUPING, Latex, trace

    order = float_order(activity)  # from the prose, which the cached model does not depend on
    # LaTeX numbers the floats by counters; these are the same counters, for the HTML's labels and
    # the ledger's places
    numbers = {float_kind: {name: Latex(str(n)) for n, name in enumerate(order[float_kind], start=1)}
               for float_kind in ("figure", "table")}
    return {
        "figure_numbers": numbers["figure"],
        "table_numbers": numbers["table"],
        "engine": engine_for(config_texts(cfg, term)),
        "siunitx_grouping": Latex(SIUNITX_GROUPING),
        "cfg": trace(SimpleNamespace(course=cfg.course, activity=term), "config", from_config=True),
        "results": trace(model["results"], "results"),
        "figures": {name: {"file": f["file"], "alt": f["alt"], "facts": f["facts"], "meanings": f["meanings"]}
                    for name, f in model["figures"].items()},
        "errata": trace(model["errata"], "errata"),
        "proof_summary": trace(model["proof_summary"], "proofs"),
        "problems": model["problems"],
        # the facts that choose a solution's words, by problem, for the audit
        "facts": {p.name: facts for p in model["problems"] if (facts := getattr(getattr(model["results"], p.name), "facts", ()))},
        "key": kind == "key",
        "original_exists": model["original_exists"], "original_file": model["original_file"],
        "restating_only": model["restating_only"],
        "checked_by_problem": trace(model["checked_by_problem"], "proofs by problem"),
    }


def figure_numbers(model: dict[str, Any], activity: Activity) -> list[dict[str, Any]]:
    """The numbers the figures print, in the figures' order, for numbers.json and the audit."""
    return figures_in_order(model["figure_numbers"], float_order(activity)["figure"])


def render_documents(cfg: Config, term: ActivityTerm, model: dict[str, Any], activity: Activity, kinds=KINDS,
                     audit: bool = False, cache: Path | None = None):
    """The .tex of each kind: the shared sheet filled with the activity's own prose (the key and
    the handout), or the instructor's audit report, which lists the key's numbers with their
    sources (so the key is rendered for it too)."""
    from .render import render

    directories = [activity.folder, TEMPLATES]
    documents = {}
    for kind in sorted(set(kinds) | ({"key"} if "audit" in kinds else set()), key=lambda k: k == "audit"):
        ctx = context(cfg, term, model, kind, activity)
        if kind == "audit":
            ctx["ledger"] = audit_ledger(documents["key"].ledger, figure_numbers(model, activity))
            ctx.update(audit_lists(documents["key"].ledger, model))
        documents[kind] = render(TEMPLATES_OF.get(kind, "sheet.tex.j2"), ctx, audit=audit, directory=directories,
                                 cache=cache)
    return {kind: documents[kind] for kind in kinds}


def remove_stale(directory: Path, name: str, keep: str) -> None:
    """Delete this figure's files from earlier inputs; other figures' files are left alone.

    Called by the build only once everything succeeded, so a failing build keeps the old ones.
    """
    pattern = re.compile(re.escape(name) + r"-([0-9a-f]{12})\.(pdf|svg)")
    for path in directory.iterdir():
        match = pattern.fullmatch(path.name)
        if match and match.group(1) != keep[:12]:
            path.unlink(missing_ok=True)


def _render_and_compile(cfg: Config, term: ActivityTerm, activity: Activity, model: dict[str, Any],
                        drawing: Drawing, kinds, paths: Paths, report: BuildReport,
                        started: float) -> dict[Path, bytes]:
    """Every file of the build, in memory: .tex, numbers.json, and the PDFs that are stale.

    Rendering needs only the model; TeX waits for the figure files, and starts from what its
    last pass over the document left (``latex.LastPass``).
    """
    documents = render_documents(cfg, term, model, activity, kinds, cache=paths.jinja_cache)
    report.timings["render"] = time.perf_counter() - started - report.timings["model"]
    from .latex import LastPass, engine_for
    from .typeset import compile_stale, latex_source

    with ExitStack() as passes:
        sources = {kind: latex_source(paths, kind, document.tex.encode()) for kind, document in documents.items()}
        passes.callback(lambda: [shutil.rmtree(s.parent, ignore_errors=True) for s in sources.values()])
        engine = engine_for(config_texts(cfg, term))
        head_starts = {kind: LastPass(source, paths.last_pass(kind, engine)) for kind, source in sources.items()}
        drawing.wait()
        return compile_stale(model, documents, engine, sources, head_starts, paths, report, started,
                             figure_numbers(model, activity))


def build(semester: str | None = None, activity_id: str | None = None, *, kinds=KINDS, root: Path = ROOT,
          log: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
          figure_formats: tuple[str, ...] = ("pdf",), html: bool = False) -> list[BuildReport]:
    """Build the documents of every activity of a semester, or of the one named, and with
    ``html`` each one's HTML twin after its PDFs; several activities are built side by side.

    Raise a GeneratorError subclass on any failure. A mistake in another activity's table than
    the one named is a warning; with none named, the activities whose tables hold are built and
    the mistakes are raised after them. ``figure_formats`` adds formats beyond the PDF the
    documents need (SVG, for the HTML twin), so a cold build draws every figure file in one pass.
    """
    term = _Term.read(root, semester or config_module.newest_semester(root))
    for warning in term.cfg.warnings(activity_id):
        log(warning)
    terms = term.cfg.select(activity_id) if activity_id is not None else term.cfg.activities
    units = [(term, activity) for activity in terms]
    reports = _run_units(units, kinds, root, log, figure_formats, html)
    if activity_id is None:
        term.cfg.select()  # the mistakes of the tables not built, now that the others are
    return reports


def build_course(*, kinds=KINDS, root: Path = ROOT, log: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
                 figure_formats: tuple[str, ...] = ("pdf",), html: bool = False) -> dict[str, list[BuildReport]]:
    """Every activity of every semester (``make all``), side by side in one process: Python, SymPy
    and matplotlib start once for the course, not once per term. A term whose file or tables have
    mistakes does not stop the others; its mistakes are raised once they are built."""
    found = config_module.find_semesters(root)
    if not found:
        config_module.newest_semester(root)  # raises: there is no semester file
    terms, failures = [], []
    for path in found:
        try:
            terms.append(_Term.read(root, path.stem))
        except GeneratorError as exc:
            failures.append(exc)
    units = [(term, activity) for term in terms for activity in term.cfg.activities]
    reports: dict[str, list[BuildReport]] = {term.cfg.semester: [] for term in terms}
    for (term, _), report in zip(units, _run_units(units, kinds, root, log, figure_formats, html)):
        reports[term.cfg.semester].append(report)
    for term in terms:
        try:
            term.cfg.select()
        except GeneratorError as exc:
            failures.append(exc)
    for failure in failures[:-1]:  # each names its file; the last is raised, for the exit code
        log(failure.render())
    if failures:
        raise failures[-1]
    return reports


@dataclass(frozen=True)
class _Term:
    """A semester's file as read (its bytes, for the stamps) and as loaded."""

    cfg: Config
    text: bytes

    @classmethod
    def read(cls, root: Path, semester: str) -> _Term:
        config_file = config_module.config_path(root, semester)
        try:  # read before loading: if the file changes meanwhile, the stamp is the older, and stale
            text = config_file.read_bytes()
        except OSError:
            text = b""  # load() explains what is wrong with the file
        return cls(config_module.load(config_file, root), text)


def _run_units(units: list[tuple[_Term, ActivityTerm]], kinds, root: Path, log: Callable[[str], None],
               figure_formats: tuple[str, ...], html: bool) -> list[BuildReport]:
    """Each (term, activity) unit's report, in order: the stale ones side by side when there are
    several, from one process that has imported and warmed up what they all need."""
    builds = [functools.partial(_build_with_twin, term.cfg, term.text, activity, kinds, root, log, figure_formats, html)
              for term, activity in units]
    stale = [n for n, (term, activity) in enumerate(units)
             if not _up_to_date(term.cfg, term.text, activity, kinds, root, html)]
    built = {}
    if len(stale) > 1:
        from .parallel import side_by_side

        _import_once_for_all()
        built = dict(zip(stale, side_by_side([builds[n] for n in stale])))
    return [built[n] if n in built else builds[n]() for n in range(len(units))]


def _import_once_for_all() -> None:
    """SymPy, the model's code and a warmed-up matplotlib, before the activities' processes fork
    from this one: each starts with them instead of importing them again."""
    from . import model  # noqa: F401
    from .drawing import warm_up

    warm_up()


def _build_with_twin(cfg: Config, config_text: bytes, term: ActivityTerm, kinds, root: Path,
                     log: Callable[[str], None], figure_formats: tuple[str, ...], html: bool) -> BuildReport:
    report = build_activity(cfg, config_text, term, kinds=kinds, root=root, log=log, figure_formats=figure_formats)
    if html:
        from .html_build import build_page

        build_page(cfg, term, root, log)
    return report


def _documents_digest(cfg: Config, config_text: bytes, term: ActivityTerm, activity: Activity, kinds,
                      root: Path) -> str:
    from .latex import engine_for, tex_version

    return inputs_digest(config_text, activity, TEMPLATES, kinds, tex_version(engine_for(config_texts(cfg, term))),
                         root / ".cache")


def _up_to_date(cfg: Config, config_text: bytes, term: ActivityTerm, kinds, root: Path, html: bool) -> bool:
    """Are this activity's documents (and its twin, with ``html``) as their inputs would make them?"""
    from .html_build import page_is_current

    activity = load_activity(root, term.id)
    stamp = Paths(root, cfg.semester, term.id).cache / f"inputs-{'+'.join(kinds)}.json"
    return (outputs_if_current(stamp, _documents_digest(cfg, config_text, term, activity, kinds, root), root)
            is not None and (not html or page_is_current(cfg, term, root)))


def build_activity(cfg: Config, config_text: bytes, term: ActivityTerm, *, kinds=KINDS, root: Path = ROOT,
                   log: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
                   figure_formats: tuple[str, ...] = ("pdf",), drawer: Server | None = None) -> BuildReport:
    """Build one activity's documents; nothing is written before every proof held and every
    document compiled."""
    started = time.perf_counter()
    activity = load_activity(root, term.id)
    paths = Paths(root, cfg.semester, term.id)
    report = BuildReport(cfg.semester, term.id)
    stamp = paths.cache / f"inputs-{'+'.join(kinds)}.json"
    # Nothing changed since the last build of these documents: nothing to do, nothing to import.
    # Otherwise model_for starts a drawing process if the model is not cached.
    digest = _documents_digest(cfg, config_text, term, activity, kinds, root)
    current = outputs_if_current(stamp, digest, root)
    if current is not None:
        if drawer is not None:
            drawer.cancel()
        report.unchanged, report.model_cached = current, True
        report.timings["total"] = time.perf_counter() - started
        return report
    staged = _build_documents(cfg, term, activity, paths, report, log, figure_formats, drawer, kinds, started)
    for path, data in staged.items():  # everything compiled: now put it in place
        (report.written if write_atomically(path, data) else report.unchanged).append(path)
    for name, figure in report.figures.items():  # only now may older figures go
        remove_stale(paths.figures, name, figure["digest"])
    record_outputs(stamp, digest, root, document_outputs(paths, kinds))  # all of them, rewritten or not
    report.timings["total"] = time.perf_counter() - started
    return report


def _build_documents(cfg: Config, term: ActivityTerm, activity: Activity, paths: Paths, report: BuildReport,
                     log: Callable[[str], None], figure_formats: tuple[str, ...], drawer: Server | None, kinds,
                     started: float) -> dict[Path, bytes]:
    """Every file of the build in memory, once every proof holds; nothing is written here.

    With workers, the proofs run while TeX compiles. Without (builds side by side), they would
    run here after TeX, overlapping nothing: they run first, so the documents' TeX runs, side by
    side, are what is left when the other builds have finished.
    """
    from .parallel import default_workers

    with model_for(activity, term, paths, report, log, figure_formats, drawer) as (model, drawing, proven):
        overlapped = default_workers() > 1
        if not overlapped:
            proven()
        report.timings["model"] = time.perf_counter() - started
        try:
            staged = _render_and_compile(cfg, term, activity, model, drawing, kinds, paths, report, started)
        except GeneratorError:
            if overlapped:
                proven()  # a false proof is the error to report first
            raise
        if overlapped:
            proven()  # every proof holds, or the ProofError stops the build here, before any write
    report.figures = model["figures"]
    return staged
