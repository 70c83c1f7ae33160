"""One TeX format holding the preamble every document shares, made once and loaded by each pass.

Reading the packages is about half of a pdflatex pass over a key. Every document's .tex opens
with the same shared preamble (``base.tex.j2``), ending at the line that dumps it when
``\\DumpSharedPreamble`` is defined; a format made from that text (``pdflatex -ini``) starts each
pass with the packages loaded, and the .tex skips them. Compiled on its own (by a user, or the
bench's floor) the .tex reads the packages as usual. The format's name is the hash of what it
was made from and of the TeX that made it; LuaLaTeX's fonts are not dumped, so it compiles as is.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from pathlib import Path

DUMP_LINE = "\\ifdefined\\DumpSharedPreamble"
ENGINES = ("pdflatex",)


def shared_preamble(tex: str) -> str | None:
    """The text of ``tex`` up to and including its dump line, or None if it has none."""
    at = tex.find("\n" + DUMP_LINE)
    if at < 0:
        return None
    end = tex.find("\n", at + 1)
    return tex[:end + 1] if end >= 0 else None


def shared_format(tex: str, engine: str, directory: Path) -> Path | None:
    """The format holding ``tex``'s shared preamble in ``directory``, made now if missing; None when
    there is none to make (another engine, no dump line) or TeX could not make it, which only
    costs speed: the documents then compile from their own preambles."""
    from .latex import deterministic_env, tex_version

    preamble = shared_preamble(tex)
    if engine not in ENGINES or preamble is None:
        return None
    key = hashlib.sha256((preamble + tex_version(engine) + Path(__file__).read_text()).encode()).hexdigest()[:16]
    fmt = directory / f"preamble-{key}.fmt"
    if fmt.is_file():
        return fmt
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=directory, prefix=".making-") as scratch:
        (Path(scratch) / "preamble.tex").write_text(preamble + "\\end\n", encoding="utf-8")
        made = subprocess.run([engine, "-ini", "-interaction=batchmode", "-halt-on-error", "-jobname=preamble",
                               f"&{engine}", "\\def\\DumpSharedPreamble{}\\input{preamble.tex}"],
                              cwd=scratch, env=deterministic_env([]), stdin=subprocess.DEVNULL, capture_output=True)
        if made.returncode != 0 or not (Path(scratch) / "preamble.fmt").is_file():
            return None
        for stale in directory.glob("preamble-*.fmt"):  # a format of an older preamble or TeX
            if stale != fmt:
                stale.unlink(missing_ok=True)
        os.replace(Path(scratch) / "preamble.fmt", fmt)  # whole or not at all, if two builds race
    return fmt
