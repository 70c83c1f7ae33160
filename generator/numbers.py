"""Provenance of every number on the page: one formatter, one ledger.

Templates never see bare numbers. The render step wraps the config and the computed results in
``trace``, so each number reaches a template as a ``Quantity`` that knows where it came from
(``config:questions.momentum_beta``, ``momentum.weights[3].weight``). The formatter prints it
through siunitx and records value, printed text and source in the ledger, which is written
beside the PDF as ``<name>.numbers.json``. A bare int or float reaching a template is an error.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .errors import RenderError


class Latex(str):
    """LaTeX written in this package's code (prose of justifications, titles): inserted as is."""


class SympyLatex(Latex):
    """LaTeX printed by SymPy from a checked expression; its numerals are SymPy's, not typed. Their
    ledger kind is ``sympy`` (notation) unless the object says otherwise (``kind``): the values of a
    counterexample, the numbers of a claim of the original."""


@dataclass(frozen=True)
class Counterexample:
    """A point where a statement fails and its two sides' values there, each printed as SymPy
    LaTeX so its numbers are traceable; the page says in words which side is which. (Here, not
    beside the errata that make it: a cached model holding one loads without importing SymPy.)"""

    point: SympyLatex | None  # "phi_0 = 1, x_i = 1/2", or None when there is nothing to choose
    left: SympyLatex
    right: SympyLatex

    @property
    def formula(self) -> SympyLatex:
        """The point and the two values in one formula, for the audit's list."""
        out = SympyLatex((self.point + r":\quad " if self.point else "") + self.left + r" \neq " + self.right)
        out.source, out.constants = self.left.source, (*(self.point.constants if self.point else ()),
                                                        *self.left.constants, *self.right.constants)
        return out


class Quoted(Latex):
    """Words quoted from a hand-written original, with $math$: its numerals are the original's."""


@dataclass(frozen=True)
class Quantity:
    value: int | float
    source: str


@dataclass(frozen=True)
class Text:
    """A string from a semester config: printed literally (LaTeX specials escaped)."""

    value: str
    source: str

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Entry:
    value: float | int | str
    text: str
    source: str
    kind: str  # number (through the formatter), text or date (from the config), sympy (a constant in a formula),
    # computed (a value a formula prints from the results), counterexample (the checker's point and values for an
    # erratum), claimed (a number of the original's claim, written as an equation), quoted (the original's words)
    where: str = ""  # the part of the page it is printed in ("Problem 3, solution"), as the template names it


class Ledger:
    """Every number printed, in order, with where it came from and where on the page it is."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.formulas: dict[str, list[str]] = {}  # the source of every formula printed, in order, with its LaTeX
        self.section = self.part = self.inset = ""

    @property
    def where(self) -> str:
        """A float names itself alone ("Table 1"): its number is the page's only one."""
        return self.inset or " ".join(p for p in (self.section, self.part) if p)

    def record(self, value, text: str, source: str, kind: str) -> None:
        self.entries.append(Entry(value, text, source, kind, self.where))

    def place(self, name: str, number=None, part: str = "") -> str:
        """Called by a template where a section of the page begins ("Problem", 3, "solution"): the
        numbers after it are printed there."""
        self.section = name + (f" {number}" if number is not None else "") + (f", {part}" if part else "")
        self.part = self.inset = ""
        return ""

    def place_part(self, title: str) -> str:
        """Where a part of the section begins: "(a) Meaning of the parameters." is part (a)."""
        label = re.match(r"\(\w\)", str(title))
        self.part, self.inset = (label.group(0) if label else f"({str(title).rstrip('.:')})"), ""
        return ""

    def place_inset(self, name: str = "") -> str:
        """A figure's caption or a table ("Figure 2, caption"); "" where the text resumes."""
        self.inset = str(name)
        return ""

    def as_json(self) -> list[dict[str, Any]]:
        return [dataclasses.asdict(e) for e in self.entries]


# --- formatting ----------------------------------------------------------------------------

def _decimal_text(value: float, places: int | None, digits: int | None, zeros: bool = False) -> str:
    """Shortest honest decimal: fixed places, or significant digits. A trailing zero is dropped only
    when the shorter decimal is the value itself and a round number of at most three significant
    digits (0.5, or 0.036 computed as 0.036000000000000004): 0.199897 to five digits is 0.19990,
    whose last zero says it was rounded there, and -21.904 beside -26.8404 is -21.9040, so numbers
    printed side by side to the same digits look alike."""
    if places is not None:
        text = f"{value:.{places}f}"
    else:
        if value == 0:
            return "0"
        magnitude = math.floor(math.log10(abs(value)))
        decimals = max(0, (digits or 6) - 1 - magnitude)
        text = f"{value:.{decimals}f}"
        if "." in text and not zeros:  # ``zeros``: every digit asked for, as a column of them prints it
            short = text.rstrip("0").rstrip(".")
            if abs(float(short) - value) <= 1e-12 * abs(value) and len(short.lstrip("-0.").replace(".", "")) <= 3:
                text = short
    if text in ("-0", "-0.0") or (text.startswith("-") and float(text) == 0):
        text = text[1:]
    return text


@dataclass(frozen=True)
class Formatted:
    latex: str
    text: str


def format_quantity(value: int | float, *, places: int | None = None, digits: int | None = None,
                    power: bool = False, zeros: bool = False) -> Formatted:
    """The LaTeX (through siunitx) and the plain text of one number.

    ``power`` prints a large integer as a power of ten (10^12) or mantissa times a power of ten.
    Integers otherwise print exactly; floats with ``places`` decimals or ``digits`` significant.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RenderError(f"not a number: {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise RenderError(f"refusing to print a non-finite number: {value!r}")
    if power and value != 0:
        exponent = math.floor(math.log10(abs(value)))
        mantissa = Decimal(value) / Decimal(10) ** exponent
        if isinstance(value, int) and places is None and digits is None:  # exact: every digit it has, no padding
            mantissa_text = format(mantissa.normalize(), "f")
        else:
            mantissa_text = _decimal_text(float(mantissa), places, digits or 7)
        if mantissa_text == "1":
            return Formatted(rf"\num{{e{exponent}}}", f"10^{exponent}")
        return Formatted(rf"\num{{{mantissa_text}e{exponent}}}", f"{mantissa_text} x 10^{exponent}")
    text = str(value) if isinstance(value, int) else _decimal_text(value, places, digits, zeros)
    return Formatted(rf"\num{{{text}}}", text)


# --- tracing -------------------------------------------------------------------------------

def trace(obj: Any, source: str, *, from_config: bool = False) -> Any:
    """Wrap ``obj`` so every number and config string inside it carries its source."""
    if isinstance(obj, (Quantity, Text, Latex)) or obj is None:
        return obj
    if isinstance(obj, bool):
        return obj
    if isinstance(obj, (int, float)):
        return Quantity(obj, source)
    if isinstance(obj, str):
        return Text(obj, source) if from_config else Latex(obj)
    if isinstance(obj, (dt.date, dt.datetime)):
        return Traced(obj, source, from_config)
    if isinstance(obj, Mapping):
        return {k: trace(v, f"{source}.{k}", from_config=from_config) for k, v in obj.items()}
    if isinstance(obj, (tuple, list)):
        return tuple(trace(v, f"{source}[{k}]", from_config=from_config) for k, v in enumerate(obj))
    if dataclasses.is_dataclass(obj) or hasattr(obj, "__dict__"):
        return Traced(obj, source, from_config)
    return obj


class Traced:
    """Attribute access on a traced object returns traced values with dotted sources."""

    __slots__ = ("_obj", "_source", "_from_config")

    def __init__(self, obj: Any, source: str, from_config: bool):
        self._obj, self._source, self._from_config = obj, source, from_config

    def __getattr__(self, name: str) -> Any:
        return trace(getattr(self._obj, name), f"{self._source}.{name}", from_config=self._from_config)

    @property
    def raw(self) -> Any:
        """The untraced object, for code (not templates) that needs it."""
        return self._obj

    @property
    def source(self) -> str:
        return self._source

    def __str__(self) -> str:  # a traced object printed whole is a template bug
        raise RenderError(f"{self._source} is a compound value; print one of its fields")


def date_text(value: dt.date) -> str:
    """A config date or time as printed: October 2, 2024 (times with their UTC offset)."""
    if isinstance(value, dt.datetime):
        return value.strftime("%B %-d, %Y, %-I:%M %p ") + value.strftime("UTC%z")
    return value.strftime("%B %-d, %Y")


# One digit-grouping rule for both outputs: siunitx applies it in the PDF (base.tex.j2 reads
# SIUNITX_GROUPING), ``group_digits`` in the HTML twin.
GROUP_MINIMUM_DIGITS = 5
SIUNITX_GROUPING = f"group-digits=integer, group-minimum-digits={GROUP_MINIMUM_DIGITS}"


def group_digits(digits: str, separator: str) -> str:
    """The integer part in threes once it has GROUP_MINIMUM_DIGITS digits: 1234, 12 345.5."""
    whole, dot, fraction = digits.partition(".")
    if len(whole) >= GROUP_MINIMUM_DIGITS:
        head = len(whole) % 3
        whole = separator.join([whole[:head]] * bool(head) + [whole[i:i + 3] for i in range(head, len(whole), 3)])
    return whole + dot + fraction
