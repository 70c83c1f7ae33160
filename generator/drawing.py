"""matplotlib's set-up for the figures: the style, file metadata, and a drawing process's preparation.

Kept apart from ``figures`` (which needs NumPy) so that a build can fork its drawing process
before importing anything heavy; the process then imports matplotlib while the build imports SymPy.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .parallel import Server

WIDTH = 6.3  # inches: \textwidth of an A4 or letter page with ordinary margins, so 9 pt stays 9 pt
RC = {
    "font.family": "serif",
    "font.serif": ["cmr10"],  # Computer Modern, like the LaTeX text around the figure
    "mathtext.fontset": "cm",
    "axes.formatter.use_mathtext": True,  # cmr10 has no minus sign; tick labels take mathtext's
    "font.size": 9,
    "axes.titlesize": 9,
    "axes.labelsize": 9,
    "legend.fontsize": 9,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.frameon": False,
    "pdf.fonttype": 3,  # deterministic subsets; Type 42 subsetting logs fontTools timestamp noise
    "svg.fonttype": "path",  # browsers lack the cm fonts; paths look the same everywhere
    "svg.hashsalt": "answer-key-figures",  # fixed ids instead of random ones
}
PDF_METADATA = {"CreationDate": None, "Producer": None, "ModDate": None}
SVG_METADATA = {"Date": None}
METADATA = {"pdf": PDF_METADATA, "svg": SVG_METADATA}
FORMATS = tuple(METADATA)  # PDF for LaTeX, SVG for the HTML twin; each drawn when first needed


def prepare_drawing() -> None:
    """Import matplotlib and share its mathtext parses; run once per drawing process.

    matplotlib caches a parsed mathtext string per parser, and each savefig makes new renderers
    with new parsers, so every label is parsed again for the layout pass and for each file. A
    parse depends only on the output type and the arguments, so one cache per output type serves
    them all; this halves the drawing time. If matplotlib's private hook is not there (another
    version), drawing stays correct, only slower.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.figure  # noqa: F401  (imported here so the drawing does not wait for it)
    import matplotlib.style  # noqa: F401
    from matplotlib import mathtext

    parse = getattr(mathtext.MathTextParser._parse_cached, "__wrapped__", None)
    if parse is None or getattr(mathtext.MathTextParser, "_shared_parses", False):
        return
    parsers: dict[str, Any] = {}

    @functools.lru_cache(maxsize=1024)
    def shared(output_type, settings, *key):
        return parse(parsers[output_type], *key)

    settings = [k for k in matplotlib.rcParams if k.startswith("mathtext.")]

    def cached(self, *key):
        parsers.setdefault(self._output_type, self)
        # The mathtext settings a parse reads are part of its key, so another style never gets it.
        return shared(self._output_type, tuple(str(matplotlib.rcParams[k]) for k in settings), *key)

    mathtext.MathTextParser._parse_cached = cached
    mathtext.MathTextParser._shared_parses = True
    # A parse holds its fonts, and a font reads its file through a descriptor that a forked
    # child shares with its parent and siblings: two processes drawing from inherited parses
    # race on the file offset and FreeType loads garbage ("invalid outline"). matplotlib clears
    # its own font cache in a forked child for the same reason; this cache follows it.
    os.register_at_fork(after_in_child=lambda: (shared.cache_clear(), parsers.clear()))


def warm_up() -> None:
    """Pay matplotlib's first-use costs (font lookup, the mathtext grammar, the PDF backend)
    now, in a drawing process that would otherwise wait for its first figure."""
    prepare_drawing()
    import io

    import matplotlib.style
    from matplotlib.figure import Figure as MplFigure

    with matplotlib.style.context(["default", RC]):
        figure = MplFigure(figsize=(1, 1))
        figure.subplots().set_title(r"$\phi_0 = -1$ text")
        figure.savefig(io.BytesIO(), format="pdf", metadata=PDF_METADATA)
    from . import figures  # noqa: F401  (NumPy and the figure code, which the first job unpickles)


@dataclass(frozen=True)
class Drawing:
    """A build's figure files on their way from the drawing process.

    ``placeholders()`` is a folder of blank same-size stand-ins for the figures not drawn yet,
    for TeX's first pass, or None (every file is there, or nothing draws in the background);
    ``wait()`` waits for the figure files themselves and raises a drawing's error.
    """

    server: Server | None = None
    tickets: tuple[int, ...] = ()
    placeholder_folder: Path | None = None
    placeholder_ticket: int | None = None

    def placeholders(self) -> Path | None:
        if self.placeholder_ticket is None:
            return None
        try:
            self.server.result(self.placeholder_ticket)
        except Exception:  # noqa: BLE001  only a head start is lost; wait() reports the drawing's own error
            return None
        return self.placeholder_folder

    def wait(self) -> None:
        for ticket in self.tickets:
            self.server.result(ticket)


def drawing_process():
    """The process that draws a build's figures (a ``parallel.Server``), started before anything
    heavy is imported, so its matplotlib import overlaps the build's own imports and SymPy's.
    (A second one, to draw both figures at once, measured no faster on two cores.)"""
    from .parallel import Server

    return Server(warm_up)
