"""The shared preamble's TeX format: a document compiled from it is the document compiled alone."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from generator.latex import compile_pdf
from generator.tex_format import DUMP_LINE, shared_format, shared_preamble

from conftest import ACTIVITY, pdf_text

KEY = f"{ACTIVITY}-key.tex"


def test_the_shared_preamble_ends_at_the_dump_line_and_a_text_without_one_has_none():
    tex = "\\documentclass{article}\n\\usepackage{amsmath}\n" + DUMP_LINE + "\\dump\\fi\n\\title{x}\n"
    assert shared_preamble(tex) == "\\documentclass{article}\n\\usepackage{amsmath}\n" + DUMP_LINE + "\\dump\\fi\n"
    assert shared_preamble("\\documentclass{article}\n\\begin{document}x\\end{document}\n") is None


def test_lualatex_documents_get_no_format(tmp_path):
    tex = "\\documentclass{article}\n" + DUMP_LINE + "\\dump\\fi\n"
    assert shared_format(tex, "lualatex", tmp_path) is None
    assert not list(tmp_path.iterdir())


def _compile(built: Path, folder: Path, fmt: Path | None):
    folder.mkdir()
    shutil.copy(built / KEY, folder / KEY)
    return compile_pdf(folder / KEY, [built.parent.parent / "figures" / "2024-fall" / ACTIVITY], fmt=fmt)


def _pages(pdf: Path, prefix: Path) -> list[bytes]:
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(prefix)], check=True)
    return [p.read_bytes() for p in sorted(prefix.parent.glob(prefix.name + "-*.png"))]


@pytest.mark.tex
def test_a_key_compiled_from_the_format_reads_and_looks_as_compiled_alone(built, tmp_path):
    key = (built / KEY).read_text(encoding="utf-8")
    fmt = shared_format(key, "pdflatex", tmp_path / "formats")
    assert fmt is not None and fmt.is_file()
    assert shared_format(key, "pdflatex", tmp_path / "formats") == fmt, "made once"
    alone, preloaded = _compile(built, tmp_path / "alone", None), _compile(built, tmp_path / "preloaded", fmt)
    log = preloaded.pdf.with_suffix(".log").read_text(errors="replace")
    assert "preloaded format=preamble " in log.splitlines()[0]
    assert "preloaded format=pdflatex" in alone.pdf.with_suffix(".log").read_text(errors="replace").splitlines()[0]
    assert pdf_text(preloaded.pdf) == pdf_text(alone.pdf)
    assert _pages(preloaded.pdf, tmp_path / "p") == _pages(alone.pdf, tmp_path / "a")
    assert b"/ID [" not in preloaded.pdf.read_bytes(), "the trailer's ID stays off, as in the document alone"


@pytest.mark.tex
def test_a_damaged_format_costs_only_speed(built, tmp_path):
    broken = tmp_path / "formats" / "preamble-0000000000000000.fmt"
    broken.parent.mkdir()
    broken.write_bytes(b"not a format")
    compiled = _compile(built, tmp_path / "doc", broken)
    assert pdf_text(compiled.pdf).strip()
    assert "format=preamble" not in compiled.pdf.with_suffix(".log").read_text(errors="replace").splitlines()[0]
