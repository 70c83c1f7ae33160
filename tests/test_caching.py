"""Rebuilds do exactly what their inputs require, and the same sources give the same bytes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import build as build_all
from generator.errors import LatexError

from conftest import ACTIVITY, REPO, builds, make_root, prose, set_questions

BUILD = """
import sys
from pathlib import Path
from generator.build import build
[report] = build("2024-fall", root=Path(sys.argv[1]), kinds=("key",), log=lambda m: None)
print(report.model_cached, "sympy" in sys.modules, "matplotlib" in sys.modules, "jinja2" in sys.modules,
      "multiprocessing" in sys.modules, sorted(p.name for p in report.written))
"""


def build(semester: str, **options):
    """Build the term's one activity; its report."""
    [report] = build_all(semester, **options)
    assert report.activity == ACTIVITY
    return report


def _build_in_subprocess(root):
    out = subprocess.run([sys.executable, "-c", BUILD, str(root)], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout.strip()
    cached, sympy, matplotlib, jinja, forked, written = out.split(" ", 5)
    return cached == "True", sympy == "True", matplotlib == "True", jinja == "True", forked == "True", written


def _edit_prose(root: Path) -> None:
    fragment = prose(root, "hessian")
    fragment.write_text(fragment.read_text().replace("is used instead.", "is used instead, at scale."))


def _snapshot(root):
    return {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted((root / "output").rglob("*")) if p.is_file()}


@pytest.fixture
def root(tmp_path, built):
    """A built root with its own copy of the activities, whose prose the tests edit."""
    root = make_root(tmp_path / "root", like=built.parent.parent, activities=True)
    build("2024-fall", root=root, kinds=("key",), log=lambda m: None)
    return root


def test_a_build_with_nothing_changed_does_nothing(root):
    before = _snapshot(root)
    cached, sympy, matplotlib, jinja, forked, written = _build_in_subprocess(root)
    assert cached and written == "[]"
    assert not sympy and not matplotlib
    assert not jinja, "with every input unchanged, nothing should even be rendered"
    assert not forked, "a rebuild looks for something to do before it starts a drawing process"
    assert _snapshot(root) == before  # same bytes and the same mtimes


def test_an_output_changed_by_hand_is_rebuilt_not_trusted(root):
    pdf = root / "output" / "2024-fall" / "activity05-key.pdf"
    good = pdf.read_bytes()
    pdf.write_bytes(good[: len(good) // 2])
    report = build("2024-fall", root=root, kinds=("key",), log=lambda m: None)
    assert pdf in report.written and pdf.read_bytes() == good


def test_an_unchanged_input_after_a_failed_build_is_still_up_to_date(root):
    """A failing edit leaves the outputs of the last good inputs; undoing it needs no rebuild."""
    fragment = prose(root, "hessian")
    good = fragment.read_text()
    fragment.write_text(good.replace("is used instead.", r"is used instead \undefinedmacro."))
    with pytest.raises(LatexError, match="Undefined control sequence"):
        build("2024-fall", root=root, kinds=("key",), log=lambda m: None)
    fragment.write_text(good)
    before = _snapshot(root)
    report = build("2024-fall", root=root, kinds=("key",), log=lambda m: None)
    assert report.written == [] and _snapshot(root) == before


def test_a_prose_edit_renders_and_compiles_again_but_proves_and_draws_nothing(root):
    _edit_prose(root)
    cached, sympy, matplotlib, _, forked, written = _build_in_subprocess(root)
    assert cached and not sympy and not matplotlib
    assert not forked, "with the model cached there is nothing to draw: no drawing process"
    assert "activity05-key.pdf" in written and "activity05-key.tex" in written
    assert "at scale" in (root / "output" / "2024-fall" / "activity05-key.tex").read_text()


def test_a_changed_question_parameter_rebuilds_the_model_and_the_pdf(root):
    set_questions(root / "semesters" / "2024-fall.toml", "hessian_parameters = 2000000")
    report = build("2024-fall", root=root, kinds=("key",), log=lambda m: None)
    assert not report.model_cached
    assert {p.name for p in report.written} >= {"activity05-key.pdf", "activity05-key.numbers.json"}


def test_a_header_change_recompiles_without_new_proofs(root):
    config = root / "semesters" / "2024-fall.toml"
    config.write_text(config.read_text().replace('term = "Fall 2024"', 'term = "Autumn 2024"'))
    report = build("2024-fall", root=root, kinds=("key",), log=lambda m: None)
    assert report.model_cached
    assert "activity05-key.pdf" in {p.name for p in report.written}


@builds
def test_two_clean_builds_give_byte_identical_pdfs(tmp_path):
    pdfs = []
    for name in ("first", "second"):
        root = make_root(tmp_path / name)
        build("2024-fall", root=root, log=lambda m: None)
        pdfs.append({kind: (root / "output" / "2024-fall" / f"activity05-{kind}.pdf").read_bytes()
                     for kind in ("key", "handout")})
    assert pdfs[0] == pdfs[1]


HTML = """
import sys
from pathlib import Path
from generator.html import build_html
build_html("2024-fall", root=Path(sys.argv[1]), log=lambda m: None)
print("sympy" in sys.modules)
"""


@builds
def test_figures_are_drawn_in_the_formats_asked_for_and_the_rest_later_from_the_cache(tmp_path):
    root = make_root(tmp_path / "root")
    build("2024-fall", root=root, kinds=("key",), log=lambda m: None)
    figures = root / "figures" / "2024-fall" / ACTIVITY
    assert sorted(p.suffix for p in figures.iterdir()) == [".pdf", ".pdf"], "a PDF build draws no SVG"
    models = sorted((root / ".cache" / "2024-fall" / ACTIVITY).glob("model-*.pickle"))
    stamps = [m.stat().st_mtime_ns for m in models]
    sympy = subprocess.run([sys.executable, "-c", HTML, str(root)], cwd=REPO, capture_output=True, text=True,
                           check=True).stdout.strip()
    assert sympy == "False", "the HTML build should draw its SVGs from the cached model, not recompute it"
    svgs = sorted(p.name for p in figures.glob("*.svg"))
    assert [Path(s).stem for s in svgs] == sorted(p.stem for p in figures.glob("*.pdf"))
    assert [m.stat().st_mtime_ns for m in models] == stamps
    page = (root / "output" / "2024-fall" / "activity05-key.html").read_text()
    assert all(name in page for name in svgs)


def _install_fake_library(site: Path, version: str) -> None:
    """A distribution named answerkey_fake_library at ``version``, as pip would lay it out."""
    package, info = site / "answerkey_fake_library", site / "answerkey_fake_library-0.dist-info"
    package.mkdir(parents=True, exist_ok=True)
    info.mkdir(exist_ok=True)
    (package / "__init__.py").write_text(f"__version__ = {version!r}  # {'new ' * len(version)}\n")
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: answerkey_fake_library\nVersion: {version}\n")


@pytest.fixture
def fake_library(tmp_path, monkeypatch):
    """The build's library list is one fake library, installed under tmp_path/site; the build
    reads its version from an empty cache folder. Yields (install, read, reads): install(version)
    installs or upgrades it, read() is the build's library versions, reads counts how many
    versions the last read() looked up in the installed packages' metadata."""
    import importlib
    from importlib import metadata

    from generator import stamps

    site, cache = tmp_path / "site", tmp_path / "cache"
    site.mkdir()
    cache.mkdir()
    monkeypatch.setattr(stamps, "LIBRARIES", ("answerkey_fake_library",))
    monkeypatch.syspath_prepend(str(site))
    looked_up = []
    real_version = metadata.version
    monkeypatch.setattr(metadata, "version", lambda name: looked_up.append(name) or real_version(name))

    def install(version):
        _install_fake_library(site, version)
        importlib.invalidate_caches()

    def read():
        looked_up.clear()
        stamps.library_versions.cache_clear()  # as in a new process
        return stamps.library_versions(cache)

    yield install, read, looked_up
    stamps.library_versions.cache_clear()


def test_library_versions_are_read_once_per_installation(fake_library):
    install, read, looked_up = fake_library
    install("1.0")
    first = read()
    assert '"answerkey_fake_library": "1.0"' in first and looked_up == ["answerkey_fake_library"]
    assert read() == first and looked_up == [], "an unchanged installation is not read again"


def test_an_upgraded_library_is_read_again(fake_library):
    install, read, looked_up = fake_library
    install("1.0")
    read()
    install("2.0.1")
    assert '"answerkey_fake_library": "2.0.1"' in read() and looked_up
    assert read() == read() and looked_up == []


def test_a_library_installed_after_a_failed_read_is_found(fake_library):
    from importlib.metadata import PackageNotFoundError

    install, read, _ = fake_library
    with pytest.raises(PackageNotFoundError):
        read()
    install("3")
    assert '"answerkey_fake_library": "3"' in read()


def test_a_pdf_kept_by_a_build_that_did_not_recompile_it_is_still_checked(root):
    """A template edit that leaves the .tex as it was keeps the PDF; deleting it later is noticed."""
    fragment = prose(root, "hessian")
    fragment.write_text(fragment.read_text() + "\n((= a note for the next instructor =))\n")
    report = build("2024-fall", root=root, kinds=("key",), log=lambda m: None)
    pdf = root / "output" / "2024-fall" / "activity05-key.pdf"
    assert pdf not in report.written, "the .tex did not change, so neither does the PDF"
    pdf.unlink()
    report = build("2024-fall", root=root, kinds=("key",), log=lambda m: None)
    assert pdf in report.written and pdf.is_file()


def _clean_compile(root: Path, workdir: Path):
    """latexmk on a copy of the built key's .tex from an empty folder, from the shared
    preamble's format as every build compiles: the PDF a head start must give."""
    from generator.latex import compile_pdf
    from generator.tex_format import shared_format

    workdir.mkdir()
    copy = workdir / "activity05-key.tex"
    shutil.copy(root / "output" / "2024-fall" / copy.name, copy)
    fmt = shared_format(copy.read_text(encoding="utf-8"), "pdflatex", root / ".cache" / "tex-formats")
    return compile_pdf(copy, [root / "figures" / "2024-fall" / ACTIVITY], fmt=fmt)


def test_a_prose_edit_compiles_in_one_pass_from_the_last_labels_and_gives_the_clean_pdf(root, tmp_path):
    _edit_prose(root)
    report = build("2024-fall", root=root, kinds=("key",), log=lambda m: None)
    output = root / "output" / "2024-fall"
    clean = _clean_compile(root, tmp_path / "clean")
    assert clean.passes == 2, "from clean, the references take a second pass"
    assert report.tex_passes == {"key": 1}
    assert (output / "activity05-key.pdf").read_bytes() == clean.pdf.read_bytes()


@builds
def test_a_cold_build_with_its_drawing_process_gives_the_clean_pdf(tmp_path):
    from generator import config
    from generator.build import build_activity
    from generator.drawing import warm_up
    from generator.parallel import Server

    root = make_root(tmp_path / "root")
    path = config.config_path(root, "2024-fall")
    cfg = config.load(path, root)
    with Server(warm_up, workers=2) as drawer:  # a drawing process, whatever the machine's cores
        report = build_activity(cfg, path.read_bytes(), cfg.activity(ACTIVITY), root=root, kinds=("key",),
                                log=lambda m: None, drawer=drawer)
    assert not report.model_cached and report.tex_passes == {"key": 2}, "from clean: two passes"
    output = root / "output" / "2024-fall"
    clean = _clean_compile(root, tmp_path / "clean")
    assert (output / "activity05-key.pdf").read_bytes() == clean.pdf.read_bytes()


def test_kept_labels_that_break_the_compile_are_dropped_and_it_starts_from_clean(root, tmp_path):
    """An .aux keeps lines of the packages that wrote it; after one is removed, they are errors."""
    kept = root / ".cache" / "2024-fall" / ACTIVITY / "last-pass-key-pdflatex" / "activity05-key.aux"
    kept.write_text(kept.read_text() + "\\babel@aux{english}{}\n")
    _edit_prose(root)
    report = build("2024-fall", root=root, kinds=("key",), log=lambda m: None)
    output = root / "output" / "2024-fall"
    clean = _clean_compile(root, tmp_path / "clean")
    assert report.tex_passes == {"key": 2}
    assert (output / "activity05-key.pdf").read_bytes() == clean.pdf.read_bytes()
    assert "babel" not in kept.read_text(), "what the clean compile left replaced it"


def test_a_last_pass_that_cannot_be_read_whole_is_no_head_start(tmp_path, monkeypatch):
    """Another build may be replacing what it kept: then this compile starts from clean."""
    from generator import latex

    kept, work = tmp_path / "kept", tmp_path / "work"
    kept.mkdir(), work.mkdir()
    (kept / "doc.aux").write_text("\\relax\n")
    (kept / "doc.out").write_text("")
    tex = work / "doc.tex"
    tex.write_text("\\documentclass{article}\\begin{document}x\\end{document}\n")
    assert not latex.LastPass(tex, tmp_path / "none kept").hand_over()
    copies, copy = [], shutil.copyfile

    def copy_then_vanish(source, target):
        if copies:
            raise FileNotFoundError(source)
        copies.append(copy(source, target))

    monkeypatch.setattr(latex.shutil, "copyfile", copy_then_vanish)
    assert not latex.LastPass(tex, kept).hand_over()
    assert copies and list(work.iterdir()) == [tex], "nothing half copied is left for latexmk"
