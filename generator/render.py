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
from .numbers import Latex, Ledger, Quantity, SympyLatex, Text, Traced, format_quantity

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
AUDIT_NUMBER, AUDIT_SYMPY, AUDIT_CONFIG = "<<NUM>>", "<<SYMPY>>", "<<CONFIG>>"

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}",
    "|": r"\textbar{}", "'": r"\textquotesingle{}", "`": r"\textasciigrave{}",
    # Boxed, so no font ligature turns -- into a dash, << into a guillemet or ,, into a low quote.
    "-": r"\mbox{-}", ",": r"\mbox{,}", "<": r"\mbox{\textless}", ">": r"\mbox{\textgreater}",
    "\n": " ", "\r": " ", "\t": " ",
}
_SPECIALS_RE = re.compile("|".join(re.escape(c) for c in _LATEX_SPECIALS))


def escape_latex(text: str) -> str:
    """Make any string print literally: no command, group, math or comment can start from it."""
    return _SPECIALS_RE.sub(lambda m: _LATEX_SPECIALS[m.group(0)], text)


@dataclass
class RenderOutput:
    tex: str
    ledger: Ledger


class _Gate:
    """The ``finalize`` hook and the filters, sharing one ledger."""

    def __init__(self, audit: bool):
        self.audit = audit
        self.ledger = Ledger()

    def number(self, q: Any, places: int | None = None, digits: int | None = None, power: bool = False) -> Latex:
        if not isinstance(q, Quantity):
            raise RenderError(f"the num filter needs a computed or configured value, got {q!r}",
                              hint="pass a field of the results or of cfg, never a literal")
        formatted = format_quantity(q.value, places=places, digits=digits, power=power)
        self.ledger.record(q.value, formatted.text, q.source, "number")
        return Latex(AUDIT_NUMBER if self.audit else formatted.latex)

    def text(self, t: Text) -> Latex:
        if any(ch.isdigit() for ch in t.value):
            self.ledger.record(t.value, t.value, t.source, "text")
        return Latex(AUDIT_CONFIG if self.audit else escape_latex(t.value))

    def date(self, d: Any) -> Latex:
        value = d.raw if isinstance(d, Traced) else d
        if isinstance(value, dt.datetime):
            text = value.strftime("%B %-d, %Y, %-I:%M %p ") + value.strftime("UTC%z")
        else:
            text = value.strftime("%B %-d, %Y")
        self.ledger.record(value.isoformat(), text, d.source if isinstance(d, Traced) else "unknown", "date")
        return Latex(AUDIT_CONFIG if self.audit else escape_latex(text))

    def finalize(self, value: Any) -> str:
        if isinstance(value, SympyLatex):
            for constant in getattr(value, "constants", ()):
                self.ledger.record(str(constant), str(constant), getattr(value, "source", "sympy"), "sympy")
            return AUDIT_SYMPY if self.audit else str(value)  # finalize's result is final text
        if isinstance(value, Latex):
            return str(value)
        if isinstance(value, Quantity):
            return self.number(value)
        if isinstance(value, Text):
            return self.text(value)
        if isinstance(value, bool) or isinstance(value, (int, float)):
            raise RenderError(f"a bare number {value!r} reached a template",
                              hint="numbers must come from the results or the config, through the num filter")
        if isinstance(value, str):
            return escape_latex(value)
        if value is None:
            raise RenderError("a template printed None", hint="check the variable name")
        if isinstance(value, Traced):
            return self.date(value) if isinstance(value.raw, dt.date) else str(value)
        raise RenderError(f"cannot print a {type(value).__name__} in LaTeX")


def _macro_output(value: Any) -> Latex:
    """A macro's output was already gated line by line; mark it so finalize does not escape it."""
    if type(value) is not str and not isinstance(value, jinja2.runtime.Markup):
        raise RenderError(f"the macro filter takes a macro's output, not {type(value).__name__}")
    return Latex(value)


def _count(values: Any) -> Quantity:
    """How many items a traced sequence holds, as a number with a source."""
    items = tuple(values)
    sources = [getattr(v, "source", "") for v in items]
    collection = sources[0].rsplit("[", 1)[0] if sources and sources[0] else "sequence"
    return Quantity(len(items), f"count of {collection}")


def _bytecode_cache() -> jinja2.BytecodeCache:
    """Compiled templates, reused while their source is unchanged (Jinja checks the checksum)."""
    folder = TEMPLATES.parent / ".cache" / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


def environment(gate: _Gate, directory: Path = TEMPLATES) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(directory)),
        block_start_string="((*", block_end_string="*))",
        variable_start_string="(((", variable_end_string=")))",
        comment_start_string="((=", comment_end_string="=))",
        line_comment_prefix="%%",
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        finalize=gate.finalize,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters["num"] = gate.number
    env.filters["date"] = gate.date
    env.filters["macro"] = _macro_output
    env.filters["count"] = _count
    env.filters["escape_tex"] = lambda v: gate.text(v) if isinstance(v, Text) else escape_latex(str(v))
    return env


def render(template: str, context: dict[str, Any], *, audit: bool = False,
           directory: Path = TEMPLATES) -> RenderOutput:
    """Render ``template`` with ``context``; errors become RenderError naming the template line."""
    gate = _Gate(audit)
    env = environment(gate, directory)
    try:
        tex = env.get_template(template).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"{exc.filename or exc.name}:{exc.lineno}: {exc.message}",
                          hint="fix the template syntax at that line") from None
    except jinja2.UndefinedError as exc:
        raise RenderError(f"{template}: {exc.message}", hint="check the variable name in the template") from None
    except RenderError as exc:
        raise RenderError(f"{template}: {exc.message}", hint=exc.hint) from None
    return RenderOutput(tex, gate.ledger)
