"""Compile a .tex file with latexmk, in a scratch folder, and report errors from the log.

The PDF is produced under a temporary name and only moved into place by the caller once every
output of the build exists, so a failing build never removes or half-writes the previous PDF.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import LatexError, SetupError

LATEXMK_FLAGS = ["-halt-on-error", "-interaction=nonstopmode", "-file-line-error", "-no-shell-escape", "-quiet"]
ENGINE_FLAGS = {"pdflatex": "-pdf", "lualatex": "-lualatex"}
# Characters pdflatex typesets with T1 + utf8 inputenc (found by compiling each one). Text from a
# config with any other character (李明, Đặng) switches the build to LuaLaTeX with fallback fonts.
# The true minus is the escape's own (\textminus).
PDFLATEX_TEXT = frozenset(chr(c) for c in range(0x20, 0x7F)) | frozenset("\u2212") | frozenset(
    '\xa0¡¢£¤¥¦§¨©ª«¬\xad®¯°±²³´µ¶·¸¹º»¼½¾¿ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕ'
    'Ö×ØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõö÷øùúûüýþÿĀāĂăĄąĆćĈĉĊċČčĎďĐđ'
    'ĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİıĲĳĴĵĶķĹĺĻļĽľŁłŃńŅņŇňŊŋŌōŎŏŐőŒœ'
    'ŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƒǄǅǆǇǈǉǊǋǌǍǎǏǐǑǒǓǔǢ'
    'ǣǦǧǨǩǪǫǰǴǵȘșȚțȲȳȷ‐‑‒–—―‖‘’‚“”„†‡•…‰‱‹›※‽⁄⁎⁒€™℃№←→±×÷')


def engine_for(texts) -> str:
    """pdflatex (fast) unless some text needs a Unicode engine to print literally."""
    return "pdflatex" if all(set(t) <= PDFLATEX_TEXT for t in texts) else "lualatex"


SOURCE_DATE_EPOCH = "1700000000"  # fixed, so the same sources give the same bytes


@functools.cache
def tex_version(engine: str) -> str:
    """The engine's own version line, part of every PDF's staleness key."""
    try:
        out = subprocess.run([engine, "--version"], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise SetupError(f"{engine} is not installed", hint="run 'make tex' (or see the README's requirements)") from None
    return out.stdout.splitlines()[0] if out.stdout else engine


def deterministic_env(texinputs: list[Path]) -> dict[str, str]:
    env = dict(os.environ)
    env["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    env["FORCE_SOURCE_DATE"] = "1"
    env["TEXINPUTS"] = os.pathsep.join(str(p) for p in texinputs) + os.pathsep
    env.pop("TEXMFOUTPUT", None)
    return env


# What a compile leaves for the next one: its folder as TeX and latexmk left it (labels and page
# numbers in .aux and .out, latexmk's record of the sources), without the document and its PDF.
NOT_CARRIED = frozenset({".tex", ".pdf"})
RUN_LINE = re.compile(r"^Latexmk: Run number \d+ of rule", re.MULTILINE)


@dataclass(frozen=True)
class Compiled:
    pdf: Path
    passes: int  # latexmk's engine runs: two from clean (references), one after a good head start


@dataclass(frozen=True)
class LastPass:
    """What the last build's final pass wrote for a next one (see ``keep_for_next``): after a
    prose edit its labels and page numbers mostly still hold, and one pass confirms them."""

    tex_path: Path
    kept: Path

    def hand_over(self) -> bool:
        try:
            files = [p for p in self.kept.iterdir() if p.is_file()]
            for path in files:
                shutil.copyfile(path, self.tex_path.parent / path.name)
        except OSError:  # none kept yet, or another build is replacing them: start from clean
            _clear(self.tex_path)
            return False
        return bool(files)


def keep_for_next(tex_path: Path, kept: Path) -> None:
    """Keep what the last pass over ``tex_path`` wrote for a next one in ``kept``, whole or not at
    all. Only a head start is at stake: if another build is replacing it too, theirs stays."""
    fresh = Path(tempfile.mkdtemp(dir=kept.parent, prefix=f".{kept.name}-"))
    try:
        for path in tex_path.parent.iterdir():
            if path.is_file() and path.suffix not in NOT_CARRIED:
                shutil.copyfile(path, fresh / path.name)
        shutil.rmtree(kept, ignore_errors=True)
        os.replace(fresh, kept)
    except OSError:
        shutil.rmtree(fresh, ignore_errors=True)


def _clear(tex_path: Path) -> None:
    """Empty ``tex_path``'s folder but for the .tex."""
    for path in tex_path.parent.iterdir():
        if path != tex_path:
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def latexmk_command(tex_name: str, engine: str, fmt: Path | None = None) -> list[str]:
    """latexmk as every compile runs it (and, with no format, the bench's floor); ``fmt`` is the
    shared preamble's format (``tex_format``), found through TEXFORMATS."""
    preloaded = [f"-{engine}={engine} -fmt={fmt.stem} %O %S"] if fmt is not None else []
    return ["latexmk", ENGINE_FLAGS[engine], *preloaded, *LATEXMK_FLAGS, tex_name]


def _latexmk(tex_path: Path, figure_dirs: list[Path], engine: str, fmt: Path | None) -> subprocess.CompletedProcess:
    env = deterministic_env(figure_dirs)
    if fmt is not None:
        env["TEXFORMATS"] = str(fmt.parent) + os.pathsep
    return subprocess.run(latexmk_command(tex_path.name, engine, fmt), cwd=tex_path.parent, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace")


def compile_pdf(tex_path: Path, figure_dirs: list[Path], engine: str = "pdflatex",
                head_start: LastPass | None = None, fmt: Path | None = None) -> Compiled:
    """Run latexmk on ``tex_path`` in its own folder, from what ``head_start`` hands over if
    given and with the shared preamble's format ``fmt`` if given; return the PDF or raise
    LatexError.

    latexmk reruns the engine until the labels stop changing, so a head start changes how many
    passes run, never the PDF. Should a compile after one fail (an .aux line of a package since
    removed breaks it), it is compiled again from clean; should one from the format fail (a
    damaged format), from the document's own preamble. The last error is the one reported.
    """
    if shutil.which("latexmk") is None:
        raise SetupError("latexmk is not installed", hint="run 'make tex' (or see the README's requirements)")
    started = head_start is not None and head_start.hand_over()
    result = _latexmk(tex_path, figure_dirs, engine, fmt)
    for again, retry in ((started, fmt), (fmt is not None, None)):
        if result.returncode != 0 and again:
            _clear(tex_path)
            result = _latexmk(tex_path, figure_dirs, engine, retry)
    pdf = tex_path.with_suffix(".pdf")
    if result.returncode != 0 or not pdf.exists():
        log = tex_path.with_suffix(".log")
        log_text = log.read_text(errors="replace") if log.exists() else result.stdout + result.stderr
        raise LatexError(summarize_log(log_text, tex_path),
                         hint=f"the full log is {log}; the previous PDF was left untouched")
    return Compiled(pdf, len(RUN_LINE.findall(result.stdout + result.stderr)))


def summarize_log(log: str, tex_path: Path) -> str:
    """The first error of a LaTeX log, with the offending source line quoted."""
    lines = log.splitlines()
    for number, line in enumerate(lines):
        match = re.match(r"^(?:\./)?([^:\s]+\.tex):(\d+): (.*)$", line)
        if match or line.startswith("! "):
            message = match.group(3) if match else line[2:]
            context = [l for l in lines[number + 1:number + 4] if l.strip()]
            where = ""
            if match:
                source_line = int(match.group(2))
                source = tex_path.read_text(errors="replace").splitlines() if tex_path.exists() else []
                if 0 < source_line <= len(source):
                    where = f"\n  {tex_path.name}:{source_line}: {source[source_line - 1].strip()}"
            detail = "\n  ".join(context[:2])
            return f"{message}{where}\n  log: {line}" + (f"\n  {detail}" if detail else "")
    tail = "\n  ".join(lines[-5:])
    return f"latexmk failed without a LaTeX error message; the end of the log reads:\n  {tail}"
