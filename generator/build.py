"""The build, one direction: config -> computations -> proofs -> figures -> render -> compile.

Two caches keep rebuilds cheap, both keyed by content hashes of their inputs:
- the *model*: everything the templates need, computed and proven, as plain data with no SymPy
  objects (so a prose edit never imports SymPy or matplotlib); key: the question parameters,
  the code that computes and proves, and the library versions;
- the *outputs*: a PDF is recompiled only when its .tex or a figure file changed.
Nothing is written to ``output/`` until every document of the build compiled; each file is
then replaced atomically, and a file whose bytes did not change is not touched at all.
"""

from __future__ import annotations

import functools
import hashlib
import json
import pickle
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from . import config as config_module
from .activities import Activity, load_activity
from .config import ActivityTerm, Config
from .errors import FigureError, GeneratorError, LatexError
from .paths import ROOT, TEMPLATES, Paths
from .write import write_atomically

if TYPE_CHECKING:
    from .drawing import Drawing
    from .latex import LastPass
    from .parallel import Server

KINDS = ("key", "handout")
# The pipeline's code whose output is the model (with the activity's own folder); a change to any
# of it invalidates the model cache.
MODEL_CODE = ("activities.py", "drawing.py", "errata.py", "figures.py", "notation.py", "numeric.py",
              "model.py", "numbers.py", "proofs.py", "prove.py", "variants.py")
# The libraries whose output ends up in the documents: computed, printed, drawn or rendered.
LIBRARIES = ("numpy", "sympy", "matplotlib", "mpmath", "jinja2", "markupsafe")


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


def hash_files(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        files = sorted(p for p in path.rglob("*.py")) if path.is_dir() else [path]
        for f in files:
            digest.update(f.relative_to(ROOT).as_posix().encode())
            digest.update(f.read_bytes())
    return digest.hexdigest()


def _installation() -> str:
    """Where each library is installed and when its files were written: any install, upgrade or
    other environment changes it. Cheap: nothing is imported or read."""
    from importlib.util import find_spec

    parts = [sys.version, sys.prefix]
    for name in LIBRARIES:
        spec = find_spec(name)
        origin = Path(spec.origin) if spec is not None and spec.origin else None
        stat = origin.stat() if origin is not None and origin.exists() else None
        parts.append(f"{name} {origin} {stat.st_size if stat else ''} {stat.st_mtime_ns if stat else ''}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@functools.cache
def library_versions(cache: Path) -> str:
    """The versions of the libraries whose output ends up in the documents, and Python's.

    Reading them (importlib.metadata) costs a third of a no-op build, so they are kept in
    ``cache`` under the installation they were read from, and read again when it changes.
    """
    installation, memo = _installation(), cache / "library-versions.json"
    try:
        record = json.loads(memo.read_text(encoding="utf-8"))
        if record["installation"] == installation:
            return record["versions"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    from importlib import metadata

    versions = json.dumps({name: metadata.version(name) for name in LIBRARIES}, sort_keys=True) + sys.version.split()[0]
    write_atomically(memo, json.dumps({"installation": installation, "versions": versions}).encode())
    return versions


def model_key(activity: Activity, term: ActivityTerm, paths: Paths) -> str:
    parts = [repr(term.questions), library_versions(paths.root / ".cache"),
             hash_files([ROOT / "generator" / name for name in MODEL_CODE]), _activity_code(activity, prose=False)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _activity_code(activity: Activity, prose: bool = True) -> str:
    """The activity folder's files, by their path inside it (the same in any checkout); without
    ``prose``, only what computes, proves and draws (the model's inputs: a prose edit keeps it)."""
    digest = hashlib.sha256()
    for f in activity.code_paths():
        if not prose and f.relative_to(activity.folder).parts[0] == "prose":
            continue
        digest.update(f.relative_to(activity.folder).as_posix().encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()


def inputs_digest(config_text: bytes, activity: Activity, templates: Path, kinds, engine_version: str,
                  cache: Path) -> str:
    """Everything a build's documents are made from: the config file's bytes (as loaded), the
    activity's folder, the shared templates, all of the generator's code, the library and TeX
    versions, and the kinds asked for."""
    digest = hashlib.sha256()
    parts = [config_text, activity.id.encode(), repr(tuple(kinds)).encode(), engine_version.encode(),
             library_versions(cache).encode(), hash_files([ROOT / "generator"]).encode(),
             _activity_code(activity).encode()]
    parts += [piece for f in sorted(templates.rglob("*")) if f.is_file()
              for piece in (f.relative_to(templates).as_posix().encode(), f.read_bytes())]
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def _file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def outputs_if_current(stamp: Path, digest: str, root: Path) -> list[Path] | None:
    """The outputs the last build made from exactly these inputs, if each is still as it left it."""
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(recorded, dict) or recorded.get("inputs") != digest:
        return None
    outputs = {root / name: hashed for name, hashed in recorded.get("outputs", {}).items()}
    if not outputs or any(_file_hash(path) != hashed for path, hashed in outputs.items()):
        return None
    return list(outputs)


def document_outputs(paths: Paths, kinds) -> list[Path]:
    """Every file a build of these kinds leaves: what a later no-op must find unchanged."""
    outputs = []
    for kind in kinds:
        outputs += [paths.document(kind, ".tex"), paths.document(kind, ".pdf"), paths.cache / f"{kind}.stamp"]
        if kind == "key":
            outputs.append(paths.document(kind, ".numbers.json"))
    return outputs


def record_outputs(stamp: Path, digest: str, root: Path, outputs: list[Path]) -> None:
    record = {"inputs": digest, "outputs": {p.relative_to(root).as_posix(): _file_hash(p) for p in outputs}}
    write_atomically(stamp, (json.dumps(record, indent=1, sort_keys=True) + "\n").encode())


def _model_file(activity: Activity, term: ActivityTerm, paths: Paths) -> Path:
    return paths.cache / f"model-{model_key(activity, term, paths)[:16]}.pickle"


def _cached_model(cache_file: Path, paths: Paths) -> dict[str, Any] | None:
    """The render model cached in ``cache_file``, if there is a sound one."""
    try:
        with cache_file.open("rb") as handle:
            model = pickle.load(handle)
    except FileNotFoundError:
        return None
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return None  # a damaged cache file is a miss, not an error
    for figure in model["figures"].values():  # the cache may come from another checkout
        for kind in ("pdf", "svg"):
            figure[kind] = str(paths.figures / Path(figure[kind]).name)
    return model


def draw_missing(model: dict[str, Any], paths: Paths, formats: tuple[str, ...]) -> None:
    """Draw the figure files of ``formats`` that a cached model names but the folder lacks."""
    missing = [f["spec"] for f in model["figures"].values() if not all(Path(f[fmt]).is_file() for fmt in formats)]
    if missing:
        from .figures import draw_files
        from .parallel import run_all

        run_all([lambda spec=spec: draw_files(pickle.loads(spec), paths.figures, formats) for spec in missing])


def _save_model(cache_file: Path, model: dict[str, Any]) -> None:
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    for stale in cache_file.parent.glob("model-*.pickle"):
        stale.unlink()
    write_atomically(cache_file, pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))


@contextmanager
def model_for(activity: Activity, term: ActivityTerm, paths: Paths, report: BuildReport, log: Callable[[str], None],
              formats: tuple[str, ...] = ("pdf",), drawer: Server | None = None):
    """Yield ``(model, drawing, finish)``; ``finish()`` returns the proven model (and caches it) or raises.

    From the cache, the model is already proven (figure files of ``formats`` it lacks are drawn,
    and ``drawer``, a drawing process started in case, is stopped). Built afresh, it is yielded as
    soon as the page can be rendered: ``drawing`` (a ``drawing.Drawing``) has the figures on their
    way, and the proofs finish in the workers while TeX runs. Nothing may be written before
    ``finish()`` returned.
    """
    from .drawing import Drawing

    cache_file = _model_file(activity, term, paths)
    model = _cached_model(cache_file, paths)
    if model is not None:
        report.model_cached = True
        if drawer is not None:
            drawer.cancel()
        draw_missing(model, paths, formats)
        yield model, Drawing(), lambda: model
        return
    with ExitStack() as stack:
        if drawer is None:
            from .drawing import drawing_process

            drawer = stack.enter_context(drawing_process())
        from .model import modelling  # heavy: SymPy

        with modelling(activity, term, paths.figures, log, drawer, formats) as (model, drawing, prove):
            def finish() -> dict[str, Any]:
                proven = prove()  # a false step is the first error to report
                drawing.wait()
                _save_model(cache_file, proven)
                return proven

            yield model, drawing, finish


def load_model(activity: Activity, term: ActivityTerm, paths: Paths, report: BuildReport,
               log: Callable[[str], None], formats: tuple[str, ...] = ("pdf",)) -> dict[str, Any]:
    """The proven render model, from the cache or computed, proven and drawn afresh."""
    with model_for(activity, term, paths, report, log, formats) as (_, _, finish):
        return finish()


def config_texts(cfg: Config, term: ActivityTerm) -> list[str]:
    """Every string of the config that a template may print."""
    return [v for part in (cfg.course, term) for v in vars(part).values() if isinstance(v, str)]


def context(cfg: Config, term: ActivityTerm, model: dict[str, Any], kind: str) -> dict[str, Any]:
    from .latex import engine_for
    from .numbers import SIUNITX_GROUPING, Latex, trace

    return {
        "engine": engine_for(config_texts(cfg, term)),
        "siunitx_grouping": Latex(SIUNITX_GROUPING),
        "cfg": trace(SimpleNamespace(course=cfg.course, activity=term), "config", from_config=True),
        "results": trace(model["results"], "results"),
        "figures": {name: {"file": f["file"], "alt": f["alt"], "facts": f["facts"]}
                    for name, f in model["figures"].items()},
        "errata": trace(model["errata"], "errata"),
        "proof_summary": trace(model["proof_summary"], "proofs"),
        "problems": model["problems"],
        "key": kind == "key",
        "original_parameters": model["defaults"],
    }


def render_documents(cfg: Config, term: ActivityTerm, model: dict[str, Any], activity: Activity, kinds=KINDS,
                     audit: bool = False, cache: Path | None = None):
    """The .tex of each kind: the shared sheet, filled with the activity's own prose."""
    from .render import render

    directories = [activity.folder, TEMPLATES]
    return {kind: render("sheet.tex.j2", context(cfg, term, model, kind), audit=audit,
                         directory=directories, cache=cache) for kind in kinds}


def remove_stale(directory: Path, name: str, keep: str) -> None:
    """Delete this figure's files from earlier inputs; other figures' files are left alone.

    Called by the build only once everything succeeded, so a failing build keeps the old ones.
    """
    pattern = re.compile(re.escape(name) + r"-([0-9a-f]{12})\.(pdf|svg)")
    for path in directory.iterdir():
        match = pattern.fullmatch(path.name)
        if match and match.group(1) != keep[:12]:
            path.unlink(missing_ok=True)




def figure_digest(model: dict[str, Any]) -> str:
    digest = hashlib.sha256()
    for name in sorted(model["figures"]):
        digest.update(Path(model["figures"][name]["pdf"]).read_bytes())
    return digest.hexdigest()


def _render_and_compile(cfg: Config, term: ActivityTerm, activity: Activity, model: dict[str, Any],
                        drawing: Drawing, kinds, paths: Paths, report: BuildReport,
                        started: float) -> dict[Path, bytes]:
    """Every file of the build, in memory: .tex, numbers.json, and the PDFs that are stale.

    Rendering needs only the model; TeX waits for the figure files, and starts from what its
    last pass over the document left (``latex.LastPass``).
    """
    documents = render_documents(cfg, term, model, activity, kinds, cache=paths.jinja_cache)
    report.timings["render"] = time.perf_counter() - started - report.timings["model"]
    with ExitStack() as passes:
        sources = {kind: _latex_source(paths, kind, document.tex.encode()) for kind, document in documents.items()}
        passes.callback(lambda: [shutil.rmtree(s.parent, ignore_errors=True) for s in sources.values()])
        from .latex import LastPass, engine_for

        engine = engine_for(config_texts(cfg, term))
        head_starts = {kind: LastPass(source, paths.last_pass(kind, engine)) for kind, source in sources.items()}
        drawing.wait()
        return _compile_stale(model, documents, engine, sources, head_starts, paths, report, started)


def _compile_stale(model: dict[str, Any], documents, engine: str, sources: dict[str, Path],
                   head_starts: dict[str, LastPass], paths: Paths, report: BuildReport,
                   started: float) -> dict[Path, bytes]:
    from .latex import tex_version

    # A PDF is stale when its .tex, a figure, or the TeX engine that made it has changed.
    figures_hash = figure_digest(model) + tex_version(engine) + hash_files([ROOT / "generator" / "latex.py"])
    staged: dict[Path, bytes] = {}
    stale: dict[str, tuple[bytes, str]] = {}
    for kind, document in documents.items():
        tex = document.tex.encode()
        stamp = hashlib.sha256(tex + figures_hash.encode()).hexdigest()
        pdf_path, stamp_path = paths.document(kind, ".pdf"), paths.cache / f"{kind}.stamp"
        up_to_date = (pdf_path.exists() and stamp_path.exists()
                      and stamp_path.read_text() == stamp + ":" + hashlib.sha256(pdf_path.read_bytes()).hexdigest())
        if not up_to_date:
            stale[kind] = (tex, stamp)
        staged[paths.document(kind, ".tex")] = tex
        if kind == "key":
            ledger = document.ledger.as_json() + model["figure_numbers"]
            staged[paths.document(kind, ".numbers.json")] = (json.dumps(
                {"semester": paths.semester, "activity": paths.activity, "numbers": ledger},
                indent=1, ensure_ascii=False) + "\n").encode()
    # TeX runs are independent processes: the key and the handout compile side by side.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(1, len(stale))) as pool:
        pdfs = dict(zip(stale, pool.map(lambda kind: compile_document(sources[kind], kind, paths, model, engine,
                                                                      head_starts[kind]), stale)))
    for kind, (pdf, passes) in pdfs.items():
        report.tex_passes[kind] = passes
        staged[paths.document(kind, ".pdf")] = pdf
        staged[paths.cache / f"{kind}.stamp"] = (stale[kind][1] + ":" + hashlib.sha256(pdf).hexdigest()).encode()
    report.timings["compile"] = time.perf_counter() - started - report.timings["model"] - report.timings["render"]
    return staged


def build(semester: str | None = None, activity_id: str | None = None, *, kinds=KINDS, root: Path = ROOT,
          log: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
          figure_formats: tuple[str, ...] = ("pdf",)) -> list[BuildReport]:
    """Build the documents of every activity of a semester, or of the one named.

    Raise a GeneratorError subclass on any failure. A mistake in another activity's table than
    the one named is a warning; with none named, the activities whose tables hold are built and
    the mistakes are raised after them. ``figure_formats`` adds formats beyond the PDF the
    documents need (SVG, when the HTML twin is built next), so a cold build draws every figure
    file in one pass.
    """
    semester = semester or config_module.newest_semester(root)
    config_file = config_module.config_path(root, semester)
    try:  # read before loading: if the file changes meanwhile, the stamp is the older, and stale
        config_text = config_file.read_bytes()
    except OSError:
        config_text = b""  # load() explains what is wrong with the file
    cfg = config_module.load(config_file, root)
    for warning in cfg.warnings(activity_id):
        log(warning)
    terms = cfg.select(activity_id) if activity_id is not None else cfg.activities
    reports = [build_activity(cfg, config_text, term, kinds=kinds, root=root, log=log, figure_formats=figure_formats)
               for term in terms]
    if activity_id is None:
        cfg.select()  # the mistakes of the tables not built, now that the others are
    return reports


def build_activity(cfg: Config, config_text: bytes, term: ActivityTerm, *, kinds=KINDS, root: Path = ROOT,
                   log: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
                   figure_formats: tuple[str, ...] = ("pdf",), drawer: Server | None = None) -> BuildReport:
    """Build one activity's documents; nothing is written before every proof held and every
    document compiled."""
    from .latex import engine_for, tex_version

    started = time.perf_counter()
    activity = load_activity(root, term.id)
    paths = Paths(root, cfg.semester, term.id)
    report = BuildReport(cfg.semester, term.id)
    stamp = paths.cache / f"inputs-{'+'.join(kinds)}.json"
    # Nothing changed since the last build of these documents: nothing to do, nothing to import.
    # Otherwise model_for starts a drawing process if the model is not cached.
    digest = inputs_digest(config_text, activity, TEMPLATES, kinds,
                           tex_version(engine_for(config_texts(cfg, term))), root / ".cache")
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
    """Every file of the build in memory, once every proof holds; nothing is written here."""
    with model_for(activity, term, paths, report, log, figure_formats, drawer) as (model, drawing, finish):
        report.timings["model"] = time.perf_counter() - started
        try:
            staged = _render_and_compile(cfg, term, activity, model, drawing, kinds, paths, report, started)
        except GeneratorError:
            finish()  # a false proof is the error to report first
            raise
        finish()  # every proof holds, or the ProofError stops the build here, before any write
    report.figures = model["figures"]
    return staged


def _latex_source(paths: Paths, kind: str, tex: bytes) -> Path:
    """The document's .tex, alone in a fresh folder where TeX runs."""
    paths.cache.mkdir(parents=True, exist_ok=True)
    tex_path = Path(tempfile.mkdtemp(dir=paths.cache, prefix=f"latex-{kind}-")) / f"{paths.activity}-{kind}.tex"
    tex_path.write_bytes(tex)
    return tex_path


def compile_document(tex_path: Path, kind: str, paths: Paths, model: dict[str, Any], engine: str,
                     head_start: LastPass) -> tuple[bytes, int]:
    """The PDF of ``tex_path`` (see ``_latex_source``) and the engine passes it took; what its last
    pass wrote is kept for the next build. A failure moves its folder to failed-<kind>; otherwise
    the caller, who made the folder, removes it."""
    from .latex import compile_pdf, keep_for_next

    workdir = tex_path.parent
    try:
        for figure in model["figures"].values():
            if not Path(figure["pdf"]).exists():
                raise FigureError(f"figure file {figure['pdf']} is missing", hint="run 'make clean' then build again")
        compiled = compile_pdf(tex_path, [paths.figures], engine, head_start)
        data = compiled.pdf.read_bytes()
        keep_for_next(tex_path, paths.last_pass(kind, engine))
    except BaseException as exc:
        failed = paths.cache / f"failed-{kind}"
        shutil.rmtree(failed, ignore_errors=True)
        shutil.move(str(workdir), failed)
        if isinstance(exc, LatexError):
            exc.hint = (f"see the full log {failed / tex_path.with_suffix('.log').name}; "
                        f"the previous PDF was left untouched")
        raise
    return data, compiled.passes
