"""Building the HTML twin: the page, its figures and the Canvas page body, for each activity.

A rebuild with nothing changed looks at the stamp of its inputs and stops there, before Jinja
and the MathML converter are imported (``html`` renders; this module only decides and writes).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from . import config as config_module
from .activities import load_activity
from .build import BuildReport, figure_numbers
from .errors import RenderError
from .model_cache import load_model
from .number_list import audit_ledger, audit_lists
from .paths import ROOT, Paths
from .paths import TEMPLATES as SHARED_TEMPLATES
from .stamps import inputs_digest, outputs_if_current, record_outputs
from .write import write_atomically


def figure_directory_name(activity_id: str) -> str:
    return f"{activity_id}-key-figures"


def build_html(semester: str | None = None, activity_id: str | None = None, *, root: Path = ROOT,
               log: Callable[[str], None] = lambda m: print(m, file=sys.stderr)) -> list[Path]:
    """Write ``output/<semester>/<activity>-key.html``, its figures, the Canvas page body and the
    audit report's HTML twin, for every activity of the term (or the one named); return the pages.

    Everything is rendered and checked in memory first; only then is each file replaced
    atomically (unchanged files are not touched), so a failure leaves earlier outputs as they were.
    """
    semester = semester or config_module.newest_semester(root)
    cfg = config_module.load(config_module.config_path(root, semester), root)
    return [build_page(cfg, term, root, log) for term in cfg.select(activity_id)]


def _stamp_and_digest(cfg, term, activity, root: Path) -> tuple[Path, str]:
    stamp = Paths(root, cfg.semester, term.id).cache / "inputs-html.json"
    return stamp, inputs_digest(cfg.path.read_bytes(), activity, SHARED_TEMPLATES, ("html",), "", root / ".cache")


def page_is_current(cfg, term, root: Path) -> bool:
    """Is the activity's HTML twin as its inputs would make it?"""
    stamp, digest = _stamp_and_digest(cfg, term, load_activity(root, term.id), root)
    return outputs_if_current(stamp, digest, root) is not None


def build_page(cfg, term, root: Path, log: Callable[[str], None]) -> Path:
    activity = load_activity(root, term.id)
    paths = Paths(root, cfg.semester, term.id)
    # Nothing changed since the last page of these inputs: nothing to do (no model, no Jinja).
    stamp, digest = _stamp_and_digest(cfg, term, activity, root)
    if outputs_if_current(stamp, digest, root) is not None:
        return paths.document("key", ".html")
    from .html import render_html  # Jinja and MathML only when there is a page to render

    model = load_model(activity, term, paths, BuildReport(cfg.semester), log, formats=("svg",))
    rendered = render_html(cfg, term, model, activity, cache=paths.jinja_cache)
    page = rendered.html
    body = render_html(cfg, term, model, activity, canvas=True, cache=paths.jinja_cache).html
    ledger = audit_ledger(rendered.ledger, figure_numbers(model, activity))
    audit = render_html(cfg, term, model, activity, cache=paths.jinja_cache, ledger=ledger,
                        lists=audit_lists(rendered.ledger, model)).html
    staged: dict[Path, bytes] = {}
    figures = paths.output / figure_directory_name(term.id)
    for figure in model["figures"].values():
        svg = Path(figure["svg"])
        if not svg.is_file():
            raise RenderError(f"figure file {svg} is missing", hint="run 'make clean' then build again")
        staged[figures / svg.name] = svg.read_bytes()
    staged[paths.document("key", ".html")] = page.encode()
    staged[paths.document("key", ".canvas.html")] = body.encode()
    staged[paths.document("audit", ".html")] = audit.encode()  # the instructor's report, twin of the PDF
    for path, data in staged.items():
        write_atomically(path, data)
    for stale in figures.glob("*"):
        if stale not in staged:
            stale.unlink()
    record_outputs(stamp, digest, root, list(staged))
    log(f"{cfg.semester}: wrote {paths.document('key', '.html').relative_to(root)} "
        f"and {len(model['figures'])} figure(s)")
    return paths.document("key", ".html")
