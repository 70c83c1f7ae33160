"""The TeX stage: each rendered document's PDF, compiled only when it is stale.

A PDF is stale when its .tex, a figure, or the TeX that made it changed. Stale documents compile
side by side (TeX runs are separate processes), each from the shared preamble's format and from
what its last pass left; the PDFs come back in memory, for the build to write once all compiled.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import FigureError, LatexError
from .paths import ROOT, Paths
from .stamps import figure_digest, hash_files

if TYPE_CHECKING:
    from .build import BuildReport
    from .latex import LastPass


def compile_stale(model: dict[str, Any], documents, engine: str, sources: dict[str, Path],
                   head_starts: dict[str, LastPass], paths: Paths, report: BuildReport,
                   started: float, figure_numbers: list[dict[str, Any]]) -> dict[Path, bytes]:
    from .latex import tex_version

    # A PDF is stale when its .tex, a figure, or the TeX engine that made it has changed.
    figures_hash = figure_digest(model) + tex_version(engine) + hash_files(
        [ROOT / "generator" / name for name in ("latex.py", "tex_format.py")])
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
            ledger = document.ledger.as_json() + figure_numbers
            staged[paths.document(kind, ".numbers.json")] = (json.dumps(
                {"semester": paths.semester, "activity": paths.activity, "numbers": ledger},
                indent=1, ensure_ascii=False) + "\n").encode()
    # TeX runs are independent processes: the key and the handout compile side by side, each
    # pass starting from the format of the preamble they share.
    from concurrent.futures import ThreadPoolExecutor

    from .tex_format import shared_format

    fmt = shared_format(next(iter(documents.values())).tex, engine, paths.root / ".cache" / "tex-formats") if stale else None

    with ThreadPoolExecutor(max_workers=max(1, len(stale))) as pool:
        pdfs = dict(zip(stale, pool.map(lambda kind: compile_document(sources[kind], kind, paths, model, engine,
                                                                      head_starts[kind], fmt), stale)))
    for kind, (pdf, passes) in pdfs.items():
        report.tex_passes[kind] = passes
        staged[paths.document(kind, ".pdf")] = pdf
        staged[paths.cache / f"{kind}.stamp"] = (stale[kind][1] + ":" + hashlib.sha256(pdf).hexdigest()).encode()
    report.timings["compile"] = time.perf_counter() - started - report.timings["model"] - report.timings["render"]
    return staged


def latex_source(paths: Paths, kind: str, tex: bytes) -> Path:
    """The document's .tex, alone in a fresh folder where TeX runs."""
    paths.cache.mkdir(parents=True, exist_ok=True)
    tex_path = Path(tempfile.mkdtemp(dir=paths.cache, prefix=f"latex-{kind}-")) / f"{paths.activity}-{kind}.tex"
    tex_path.write_bytes(tex)
    return tex_path


def compile_document(tex_path: Path, kind: str, paths: Paths, model: dict[str, Any], engine: str,
                     head_start: LastPass, fmt: Path | None = None) -> tuple[bytes, int]:
    """The PDF of ``tex_path`` (see ``latex_source``) and the engine passes it took; what its last
    pass wrote is kept for the next build. A failure moves its folder to failed-<kind>; otherwise
    the caller, who made the folder, removes it."""
    from .latex import compile_pdf, keep_for_next

    workdir = tex_path.parent
    try:
        for figure in model["figures"].values():
            if not Path(figure["pdf"]).exists():
                raise FigureError(f"figure file {figure['pdf']} is missing", hint="run 'make clean' then build again")
        compiled = compile_pdf(tex_path, [paths.figures], engine, head_start, fmt)
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
