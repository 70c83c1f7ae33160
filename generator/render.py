"""Fill the LaTeX templates: one Jinja environment, LaTeX-safe delimiters, one number formatter.

``finalize`` sees every value a template prints, so this is the single gate: a Quantity goes
through the formatter and into the ledger, a config string is escaped, SymPy LaTeX passes
through, and a bare Python number is refused. In audit mode the trusted insertions are replaced
by placeholders, so what remains is exactly what the templates and the code typed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from .errors import RenderError
from .numbers import Latex, Ledger, Quantity, Quoted, SympyLatex, Text, Traced, date_text, format_quantity
from .paths import TEMPLATES

AUDIT_NUMBER, AUDIT_SYMPY, AUDIT_CONFIG = "<<NUM>>", "<<SYMPY>>", "<<CONFIG>>"

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}",
    "|": r"\textbar{}", "'": r"\textquotesingle{}", "`": r"\textasciigrave{}",
    # Boxed, so no font ligature turns -- into a dash, << into a guillemet or ,, into a low quote.
    "-": r"\mbox{-}", ",": r"\mbox{,}", "<": r"\mbox{\textless}", ">": r"\mbox{\textgreater}",
    "\n": " ", "\r": " ", "\t": " ",
    # A true minus (as figure facts print one) is a text symbol pdflatex's input encoding lacks.
    "\u2212": r"\textminus{}",
}
_SPECIALS_RE = re.compile("|".join(re.escape(c) for c in _LATEX_SPECIALS))


def escape_latex(text: str) -> str:
    """Make any string print literally: no command, group, math or comment can start from it."""
    return _SPECIALS_RE.sub(lambda m: _LATEX_SPECIALS[m.group(0)], text)


@dataclass
class RenderOutput:
    tex: str
    ledger: Ledger


class Gate:
    """The ``finalize`` hook and the filters of one environment, sharing one ledger.

    The rules are the same for every output format: a bare number is refused, every number goes
    through the formatter and into the ledger, config text is escaped, SymPy's formulas and
    code-written prose are trusted. A subclass supplies only the format: how to escape text,
    how to mark trusted output, how a formatted number and a formula are written.
    """

    format_name = "LaTeX"
    line_comment_prefix: str | None = "%%"
    apostrophe = "'"  # LaTeX sets ' in text as a closing quote, the apostrophe
    no_break_space = "~"
    joiner = ""  # between two characters a line may not break between; TeX breaks words at spaces only

    def __init__(self, audit: bool = False):
        self.audit = audit
        self.ledger = Ledger()

    # --- what a format supplies ---------------------------------------------------------
    def escape(self, text: str) -> str:
        return escape_latex(text)

    def trusted(self, text: str) -> str:
        """Mark output as final, so finalize passes it through untouched."""
        return Latex(text)

    def break_point(self) -> str:
        """Where a long code name may break (after a dot, before an index), in this format."""
        return r"\allowbreak{}"

    def math_source(self, latex: str) -> str:
        """Code-written LaTeX math, as this format's page carries it to its math typesetter."""
        return latex

    def formatted(self, value, **style):
        return format_quantity(value, **style)

    def number_markup(self, formatted) -> str:
        return formatted.latex

    def formula_markup(self, latex: SympyLatex) -> str:
        return str(latex)

    def prose(self, latex: Latex) -> str:
        return str(latex)

    def filters(self) -> dict[str, Any]:
        """Filters only this format's macro library uses (the HTML reads LaTeX's table rows)."""
        return {}

    def plain(self, value: Any) -> str:
        """Any value as literal text (a code name like least_squares.dl_dphi0, a ledger source):
        escaped even where it came as trusted LaTeX."""
        if isinstance(value, bool) or (isinstance(value, (int, float)) and not isinstance(value, str)):
            raise RenderError(f"the plain filter prints text, not the number {value!r}",
                              hint="numbers go through the num filter")
        return self.trusted(self.escape(str(value)))

    def words(self, value: Any) -> str:
        """A sentence code wrote in plain words (what a figure's fact means): literal like ``plain``,
        but an apostrophe is the typographic one a sentence has, not a typewriter's straight mark,
        and a symbol between dollars ($f = 0$) is set as math, as the key sets it."""
        parts = str(value).split("$")
        if len(parts) % 2 == 0:
            raise RenderError(f"unbalanced $ in {value!r}", hint="put each symbol between two dollars")
        return self.trusted("".join(rf"\({self.math_source(part)}\)" if n % 2 else self._tied(
                                    str(self.plain(part)).replace(self.escape("'"), self.apostrophe))
                                    for n, part in enumerate(parts)))

    def _tied(self, text: str) -> str:
        """Words with a formula written in them (an alt text's "k = 0 to 59", "2.59 × 10^12", "|φ1|"): a
        line breaks between words, not beside the formula's operators, nor after a bar that opens."""
        text = re.sub(r"(?<=\S) ([=\u00d7\u2212+]) (?=\S)",
                      lambda m: self.no_break_space + m.group(1) + self.no_break_space, text)
        return re.sub(r"(?:(?<=[\s(\[])|^)\|(?=\S)", "|" + self.joiner, text) if self.joiner else text

    def code(self, value: Any, breaks: bool = True) -> str:
        """A code name (a ledger source, a derivation's key) as ``plain`` text that may break after
        its dots, so a long one wraps in a narrow column between its parts: not before an index, which
        would stand alone, nor inside a name (``slope_at_`` / ``midpoint`` would read as two), nor between "line" and
        its number or an "=" and its value. In running text (``breaks=False``) a name, short there, does not break at all."""
        text = re.sub(r"\bline (?=\d)", "line" + self.no_break_space, str(self.plain(value)))
        text = self._tied(text)  # "t = 2" and "t + 1" stay whole
        if not breaks:
            return self.trusted(text)
        return self.trusted(re.sub(r"(\.)(?=[^\s])", lambda m: m.group(0) + self.break_point(), text))

    # --- the shared rules -----------------------------------------------------------------
    def number(self, q: Any, places: int | None = None, digits: int | None = None, power: bool = False,
               zeros: bool = False) -> str:
        if not isinstance(q, Quantity):
            raise RenderError(f"the num filter needs a computed or configured value, got {q!r}",
                              hint="pass a field of the results or of cfg, never a literal")
        formatted = self.formatted(q.value, places=places, digits=digits, power=power, zeros=zeros)
        self.ledger.record(q.value, formatted.text, q.source, "number")
        return self.trusted(AUDIT_NUMBER if self.audit else self.number_markup(formatted))

    def text(self, t: Text) -> str:
        if any(ch.isdigit() for ch in t.value):
            self.ledger.record(t.value, t.value, t.source, "text")
        return self.trusted(AUDIT_CONFIG if self.audit else self.escape(t.value))

    def date(self, d: Any) -> str:
        value = d.raw if isinstance(d, Traced) else d
        text = date_text(value)
        self.ledger.record(value.isoformat(), text, d.source if isinstance(d, Traced) else "unknown", "date")
        return self.trusted(AUDIT_CONFIG if self.audit else self.escape(text))

    def formula(self, latex: SympyLatex) -> str:
        printed = self.ledger.formulas.setdefault(getattr(latex, "source", "sympy"), [])
        if str(latex) not in printed:
            printed.append(str(latex))
        computed = getattr(latex, "computed", {})
        for constant in getattr(latex, "constants", ()):
            if str(constant) in computed:
                self.ledger.record(str(constant), str(constant), computed[str(constant)], "computed")
            else:
                self.ledger.record(str(constant), str(constant), getattr(latex, "source", "sympy"),
                                   getattr(latex, "kind", "sympy"))
        return AUDIT_SYMPY if self.audit else self.formula_markup(latex)

    def quoted(self, words: Quoted) -> str:
        """Words of the original: its text escaped, its $math$ kept; its numerals are the original's."""
        for constant in getattr(words, "constants", ()):
            self.ledger.record(str(constant), str(constant), getattr(words, "source", "original"), "quoted")
        return AUDIT_SYMPY if self.audit else self.quoted_markup(words)

    def quoted_markup(self, words: Quoted) -> str:
        return "$".join(part if n % 2 else self.escape(part) for n, part in enumerate(str(words).split("$")))

    def macro(self, value: Any) -> str:
        """A macro's output was already gated line by line; mark it so finalize does not escape it."""
        if type(value) is not str and not isinstance(value, jinja2.runtime.Markup):
            raise RenderError(f"the macro filter takes a macro's output, not {type(value).__name__}")
        return self.trusted(str(value))

    def finalize(self, value: Any) -> str:
        if isinstance(value, SympyLatex):
            return self.formula(value)
        if isinstance(value, Quoted):
            return self.quoted(value)
        if isinstance(value, Latex):  # code-written prose (in LaTeX also the gate's own marks)
            return self.prose(value)
        if isinstance(value, jinja2.runtime.Markup):
            return str(value)
        if isinstance(value, Quantity):
            return self.number(value)
        if isinstance(value, Text):
            return self.text(value)
        if isinstance(value, (bool, int, float)):
            raise RenderError(f"a bare number {value!r} reached a template",
                              hint="numbers must come from the results or the config, through the num filter")
        if isinstance(value, str):
            return self.escape(value)
        if value is None:
            raise RenderError("a template printed None", hint="check the variable name")
        if isinstance(value, Traced):
            return self.date(value) if isinstance(value.raw, dt.date) else str(value)
        raise RenderError(f"cannot print a {type(value).__name__} in {self.format_name}")


def _count(values: Any) -> Quantity:
    """How many items a traced sequence holds, as a number with a source."""
    items = tuple(values)
    sources = [getattr(v, "source", "") for v in items]
    collection = sources[0].rsplit("[", 1)[0] if sources and sources[0] else "sequence"
    return Quantity(len(items), f"count of {collection}")


def _bytecode_cache(folder: Path | None) -> jinja2.BytecodeCache | None:
    """Compiled templates, reused while their source is unchanged (Jinja checks the checksum)."""
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


def environment(gate: Gate, directory: Path | list[Path] = TEMPLATES, cache: Path | None = None) -> jinja2.Environment:
    """The one Jinja set-up of every output: LaTeX-safe delimiters, strict names, the gate.

    ``directory`` may be a list: an activity's own templates first, then the shared layouts.
    """
    folders = [directory] if isinstance(directory, (str, Path)) else list(directory)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]),
        block_start_string="((*", block_end_string="*))",
        variable_start_string="(((", variable_end_string=")))",
        comment_start_string="((=", comment_end_string="=))",
        line_comment_prefix=gate.line_comment_prefix,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # finalize escapes every value; template text is trusted
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        finalize=gate.finalize,
        bytecode_cache=_bytecode_cache(cache),
    )
    env.filters["num"] = gate.number
    env.globals.update(place=gate.ledger.place, place_part=gate.ledger.place_part, place_inset=gate.ledger.place_inset)
    env.filters["date"] = gate.date
    env.filters["count"] = _count
    env.filters["macro"] = gate.macro
    env.filters["plain"] = gate.plain
    env.filters["code"] = gate.code
    env.filters["words"] = gate.words
    env.filters["heading"] = _heading
    env.filters.update(gate.filters())
    return env


def _heading(title: str) -> str:
    """A title run in as a heading ("derivative with respect to ..."), its first letter a capital;
    the rest as written, its names and formulas untouched."""
    return type(title)(title[:1].upper() + title[1:])


def render(template: str, context: dict[str, Any], *, audit: bool = False,
           directory: Path | list[Path] = TEMPLATES, cache: Path | None = None) -> RenderOutput:
    """Render ``template`` with ``context``; errors become RenderError naming the template line.

    ``cache`` is a folder for compiled templates (the project root's .cache), or None.
    """
    gate = Gate(audit)
    return RenderOutput(fill(gate, template, context, directory, cache), gate.ledger)


def fill(gate: Gate, template: str, context: dict[str, Any], directory: Path | list[Path], cache: Path | None) -> str:
    """Render one template through ``gate``; Jinja's errors become RenderError with template and line."""
    env = environment(gate, directory, cache)
    try:
        return env.get_template(template).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"{exc.filename or exc.name}:{exc.lineno}: {exc.message}",
                          hint="fix the template syntax at that line") from None
    except jinja2.UndefinedError as exc:
        raise RenderError(f"{template}: {exc.message}", hint="check the variable name in the template") from None
    except RenderError as exc:
        raise RenderError(f"{template}: {exc.message}", hint=exc.hint) from None
