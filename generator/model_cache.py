"""The proven render model, cached: computed, proven and drawn once per question parameters and code.

The model is everything the templates need, as plain data with no SymPy objects, so a prose edit
re-renders from the cache without importing SymPy or matplotlib. Its key is the question
parameters, the code that computes, proves and draws (the pipeline's and the activity's, not the
prose), and the libraries' versions.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .activities import Activity
from .config import ActivityTerm
from .paths import ROOT, Paths
from .stamps import activity_code, hash_files, library_versions
from .write import write_atomically

if TYPE_CHECKING:
    from .build import BuildReport
    from .parallel import Server

# The pipeline's code whose output is the model (with the activity's own folder); a change to any
# of it invalidates the model cache.
MODEL_CODE = ("activities.py", "drawing.py", "errata.py", "errata_page.py", "figures.py", "lint", "notation.py", "symbolic.py",
              "numeric.py", "original.py",
              "model.py", "numbers.py", "proof_memo.py", "proofs.py", "prove.py", "tex_shapes.py", "variants.py")


def code_digest(activity: Activity, paths: Paths) -> str:
    """The code that computes, proves and draws (the pipeline's and the activity's), and the
    libraries' versions: what a model or a remembered proof was made by."""
    parts = [library_versions(paths.root / ".cache"), hash_files([ROOT / "generator" / name for name in MODEL_CODE]),
             activity_code(activity, prose=False)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def model_key(activity: Activity, term: ActivityTerm, paths: Paths) -> str:
    return hashlib.sha256(f"{term.questions!r}\n{code_digest(activity, paths)}".encode()).hexdigest()


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
    """Yield ``(model, drawing, proven)``: the model, read-only and complete from the start;
    ``proven()`` waits for its proofs (raising the first false step) and its figures, and caches it.

    From the cache the model is already proven (figure files of ``formats`` it lacks are drawn,
    and ``drawer``, if one was passed, is stopped). Built afresh, it is yielded as soon as the
    page can be rendered, while the figures are drawn and the proofs run: the one overlap, here.
    Nothing may be written before ``proven()`` returned.
    """
    from .drawing import Drawing

    cache_file = _model_file(activity, term, paths)
    model = _cached_model(cache_file, paths)
    if model is not None:
        report.model_cached = True
        if drawer is not None:
            drawer.cancel()
        draw_missing(model, paths, formats)
        yield MappingProxyType(model), Drawing(), lambda: None
        return
    with ExitStack() as stack:
        if drawer is None:
            from .drawing import drawing_process

            drawer = stack.enter_context(drawing_process())
        from .model import modelling  # heavy: SymPy

        memo = (paths.root / ".cache" / "proofs", code_digest(activity, paths))
        with modelling(activity, term, paths.figures, log, drawer, formats, memo) as (model, drawing, prove):
            def proven() -> None:
                prove()  # a false step is the first error to report
                drawing.wait()
                _save_model(cache_file, dict(model))

            yield model, drawing, proven


def load_model(activity: Activity, term: ActivityTerm, paths: Paths, report: BuildReport,
               log: Callable[[str], None], formats: tuple[str, ...] = ("pdf",)) -> dict[str, Any]:
    """The proven render model, from the cache or computed, proven and drawn afresh."""
    with model_for(activity, term, paths, report, log, formats) as (model, _, proven):
        proven()
        return model
