"""matplotlib's set-up for the figures: the style, file metadata, and a drawing process's preparation.

Kept apart from ``figures`` (which needs NumPy), so that starting the drawing process imports
nothing heavy in the build; the process imports matplotlib while the build computes and proves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .parallel import Server

WIDTH = 6.3  # inches: \textwidth of an A4 or letter page with ordinary margins, so 9 pt stays 9 pt
RC = {
    "font.family": "serif",
    # STIX: fonts whose character map is Unicode, so the PDF's text layer reads what the figure
    # says (phi_0 = -1.5, with a true minus); matplotlib's Computer Modern fonts map Greek letters
    # and the minus to Latin-1 slots, which a reader or search finds as "Á0 = ¡1:5".
    "font.serif": ["STIXGeneral"],
    "mathtext.fontset": "stix",
    "font.size": 9,
    "axes.titlesize": 9,
    "axes.labelsize": 9,
    "legend.fontsize": 9,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.frameon": False,
    "pdf.fonttype": 42,  # TrueType, embedded as text (Type 3 glyphs are pictures to a text reader)
    "svg.fonttype": "path",  # a browser may lack the fonts; paths look the same everywhere
    "svg.hashsalt": "answer-key-figures",  # fixed ids instead of random ones
}
PDF_METADATA = {"CreationDate": None, "Producer": None, "ModDate": None}
SVG_METADATA = {"Date": None, "Creator": None}  # no "Matplotlib v3..." a reader might take for the title
METADATA = {"pdf": PDF_METADATA, "svg": SVG_METADATA}
FORMATS = tuple(METADATA)  # PDF for LaTeX, SVG for the HTML twin; each drawn when first needed


def prepare_drawing() -> None:
    """Import matplotlib with the Agg backend; run once per drawing process."""
    import matplotlib

    matplotlib.use("Agg")
    import logging

    # fontTools, subsetting the TrueType fonts, warns that matplotlib's fixed font dates are old
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    import matplotlib.figure  # noqa: F401  (imported here so the drawing does not wait for it)
    import matplotlib.style  # noqa: F401


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
    """A build's figure files on their way from the drawing process: ``wait()`` waits for them
    and raises a drawing's error."""

    server: Server | None = None
    tickets: tuple[int, ...] = ()

    def wait(self) -> None:
        for ticket in self.tickets:
            self.server.result(ticket)


def drawing_process():
    """The process that draws a build's figures (a ``parallel.Server``), started when a model
    must be computed, so that drawing overlaps the computations and proofs.
    (A second one, to draw both figures at once, measured no faster on two cores.)"""
    from .parallel import Server

    return Server(warm_up)
