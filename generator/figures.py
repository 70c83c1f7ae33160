"""The figures of every activity: found in its ``figures/`` folder, described, cached and drawn.

A figure is one module of an activity's ``figures/`` folder, named as the figure: ``spec(results)``
returns a frozen dataclass holding everything drawn (values, the printed labels, ``name``,
``height`` and ``numbers``); ``draw(spec, figure)`` draws it on a matplotlib figure;
``alt(spec)`` says in words what it shows; ``facts(spec)`` states what a caption may claim,
computed from the drawn data. The spec's canonical JSON, the figure module's source, this
file's and matplotlib's version make the digest that names the files, so an unchanged figure
is never redrawn and a changed one never served stale (sphinx-gallery's scheme). Drawing reads
only the spec, so nothing outside the digest can change the files. matplotlib is imported only
when a figure must be drawn, which keeps importing this module and a cache hit cheap.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
import math
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .drawing import FORMATS, METADATA, PDF_METADATA, RC, WIDTH, Drawing, prepare_drawing
from .numbers import format_quantity
from .write import write_atomically

if TYPE_CHECKING:
    from types import ModuleType

    from .parallel import Server

# Okabe and Ito's colour-blind-safe palette; each entry also has its own dash and marker, so the
# curves stay apart in greyscale.
BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY = "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"
STYLES = (
    (BLUE, "-", "o"),
    (VERMILLION, "--", "s"),
    (GREEN, "-.", "^"),
    (PURPLE, (0, (1, 1.5)), "D"),
    (ORANGE, (0, (6, 1.5, 1, 1.5, 1, 1.5)), "v"),
    ("black", (0, (3, 1.5)), "P"),
)
GREY, LIGHT_GREY = "0.55", "0.7"  # lines and contours
LABEL_GREY = "0.3"  # words beside a grey line: 8.5:1 on white, where GREY would be 3.4:1 (WCAG asks 4.5:1)


@dataclass(frozen=True)
class Figure:
    name: str  # the figure module's name, e.g. "momentum"
    pdf: Path  # vector PDF for LaTeX
    svg: Path  # SVG for the HTML twin
    alt: str  # what the figure shows, in words, for readers who cannot see it
    numbers: tuple[tuple[float, str], ...]  # every parameter value printed in the figure, as printed
    digest: str  # hash of the inputs that determined the files
    facts: tuple[tuple[str, bool], ...] = ()  # what the drawing shows, for captions to say it truly
    meanings: tuple[tuple[str, str], ...] = ()  # each fact in words, for the audit report
    spec: Any = None  # what is drawn: enough to draw a missing format later, from the model cache


# --- numbers as printed ----------------------------------------------------------------------

def number_text(value: float, digits: int | None = None) -> str:
    """The document's own formatter, so the figure prints a value exactly as the text does."""
    return format_quantity(value, digits=digits).text


def spoken(text: str) -> str:
    """A true minus sign for alt text: screen readers say "minus", not "dash"."""
    return text.replace("-", "\u2212")


_SUPERSCRIPTS = str.maketrans("0123456789-\u2212k", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻ᵏ")
_SUBSCRIPTS = str.maketrans("0123456789hkijt", "₀₁₂₃₄₅₆₇₈₉ₕₖᵢⱼₜ")


def unicode_scripts(text: str) -> str:
    """Alt text is plain text: an exponent or index written with a caret or an underscore (10^−13,
    β^k, D_h) is set in the raised or lowered characters Unicode has for it, as the eye reads it."""
    text = re.sub(r"\^([\-\u2212]?\d+|k)\b", lambda m: m.group(1).translate(_SUPERSCRIPTS), text)
    return re.sub(r"_([\dhkijt])\b", lambda m: m.group(1).translate(_SUBSCRIPTS), text)


def unique(pairs: list[tuple[float, str]]) -> tuple[tuple[float, str], ...]:
    """Each printed (value, text) once, in the order the figure shows them."""
    return tuple(dict.fromkeys(pairs))



def row_major(items: list, columns: int) -> list:
    """Reorder legend entries so they read across the rows (matplotlib fills column by column)."""
    rows = math.ceil(len(items) / columns)
    return [items[r * columns + c] for c in range(columns) for r in range(rows) if r * columns + c < len(items)]



# --- cache and files -------------------------------------------------------------------------

def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, floats by repr (exact), no NaN."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False, ensure_ascii=True)


def plan(spec) -> ModuleType:
    """The figure module that made ``spec``: it draws it, describes it and states its facts."""
    return sys.modules[type(spec).__module__]


@functools.cache
def _drawing_code(module: str) -> dict[str, str]:
    """What draws a spec: its figure module, this module, the style in drawing.py, matplotlib."""
    here = Path(__file__).parent
    return {"figure": Path(sys.modules[module].__file__).read_text(encoding="utf-8"),
            "source": Path(__file__).read_text(encoding="utf-8"),
            "style": (here / "drawing.py").read_text(encoding="utf-8"),
            "matplotlib": version("matplotlib")}


def digest(spec) -> str:
    """sha256 of the spec, the drawing code and matplotlib's version: all that shapes the files."""
    payload = {"spec": dataclasses.asdict(spec), **_drawing_code(type(spec).__module__)}
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def save(figure, path: Path, fmt: str) -> None:
    """One format of a drawn figure, put in place atomically (``write.write_atomically``)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, metadata=METADATA[fmt])
    write_atomically(path, buffer.getvalue())


def _render(spec, draw: Callable, targets: dict[str, Path]) -> None:
    """Draw with matplotlib's defaults plus RC (never the user's matplotlibrc) and save each file.

    The layout is always the one the PDF renderer computes (text metrics differ between
    renderers), so a file's bytes do not depend on which formats were drawn together.
    """
    prepare_drawing()
    import matplotlib.style
    from matplotlib.figure import Figure as MplFigure

    with matplotlib.style.context(["default", RC]):
        figure = MplFigure(figsize=(WIDTH, spec.height), layout="constrained")
        draw(spec, figure)
        if "pdf" in targets:
            save(figure, targets["pdf"], "pdf")
        else:
            figure.savefig(io.BytesIO(), format="pdf", metadata=PDF_METADATA)  # for its layout only
        figure.set_layout_engine("none")  # keep the layout just computed; no second pass
        for fmt in (f for f in FORMATS if f in targets and f != "pdf"):
            save(figure, targets[fmt], fmt)


def files(spec, directory: Path, key: str | None = None) -> dict[str, Path]:
    """Where each format of this figure lives: its name carries the digest of its inputs."""
    key = key or digest(spec)
    return {fmt: Path(directory) / f"{spec.name}-{key[:12]}.{fmt}" for fmt in FORMATS}


def draw_files(spec, directory: Path, formats: tuple[str, ...] = ("pdf",), key: str | None = None) -> None:
    """Draw the files of ``formats`` that are not in ``directory`` yet (none, if all are);
    ``key`` is the spec's digest, if known."""
    paths = files(spec, directory, key)
    missing = {fmt: paths[fmt] for fmt in formats if not paths[fmt].is_file()}
    if missing:
        Path(directory).mkdir(parents=True, exist_ok=True)
        _render(spec, plan(spec).draw, missing)


def start_drawing(server: Server, figures: Sequence[Figure], formats: tuple[str, ...]) -> Drawing:
    """Send the ``describe``d figures to ``server``, which draws them in turn."""
    tickets = tuple(server.submit(draw_files, f.spec, f.pdf.parent, formats, f.digest) for f in figures)
    return Drawing(server, tickets)


def describe(spec, directory: Path) -> Figure:
    """What the model says about a figure: its files, alt text, printed numbers and facts."""
    key = digest(spec)
    paths = files(spec, directory, key)
    module = plan(spec)
    facts = tuple(module.facts(spec))
    if any(len(fact) != 3 or not fact[2] for fact in facts):
        raise AssertionError(f"{module.__name__}.facts: each fact is (name, value, what it means in words), "
                             "so the audit report can say what a caption relied on")
    return Figure(spec.name, paths["pdf"], paths["svg"], unicode_scripts(module.alt(spec)), spec.numbers, key,
                  tuple((name, bool(value)) for name, value, _ in facts),
                  tuple((name, meaning) for name, _, meaning in facts), spec)


def figure_specs(figure_modules: Sequence[ModuleType], results) -> tuple:
    """Everything each figure of an activity draws, from its problems' ``results``."""
    specs = tuple(module.spec(results) for module in figure_modules)
    for module, spec in zip(figure_modules, specs):
        if spec.name != module.__name__.rsplit(".", 1)[-1]:
            raise AssertionError(f"{module.__name__}: spec.name must be the module's name, not {spec.name!r}")
    return specs
