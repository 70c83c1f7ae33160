"""Rollover review: what changed between two semesters' answer keys, as a plain-text table.

``python -m generator diff OLD NEW`` is read by an instructor before publishing a new term's
key. It compares the two semester configs (header, dates, question parameters, Canvas) and
every number the two keys print, paired by its provenance source from
``output/<semester>/<activity>-key.numbers.json`` (``results.least_squares.loss_at_start``,
``config.activity.date``, ``figure momentum``, ...). A source printed several times, or a
SymPy formula with several constants, is one row listing its printed texts in order. Rows are
grouped by section: the config, then the printed numbers of the config, of each problem, of the
errata and of the figures. Keys that are missing or stale are built first (a no-op when up to
date), so the table always describes the PDFs that would be published.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import sys
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from . import config as config_module
from .errors import GeneratorError

WIDTH = 100
STATUS_WIDTH = 8
VALUE_WIDTH = 26
SOURCE_WIDTH = WIDTH - 2 * VALUE_WIDTH - STATUS_WIDTH - 9  # three " | " separators
ABSENT = "(none)"


@dataclass(frozen=True)
class Row:
    """One compared item; ``old``/``new`` are None when the item is absent from that semester."""

    section: str
    source: str
    old: str | None
    new: str | None
    same: bool | None = None  # set when the display text carries notes that are not compared

    @property
    def status(self) -> str:
        if self.old is None:
            return "only new"
        if self.new is None:
            return "only old"
        same = self.same if self.same is not None else self.old == self.new
        return "same" if same else "changed"


# --- the configs ---------------------------------------------------------------------------

HEADER_KEYS = (("course", "code"), ("course", "name"), ("course", "term"), ("course", "instructor"),
               ("course", "notes"), ("activity", "number"), ("activity", "title"))
DATE_KEYS = ("date", "due", "key_release", "handout_release")


def show_value(value: Any) -> str:
    """A config value as the instructor would write it (dates with their weekday)."""
    if value is None:
        return ABSENT
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dt.datetime):
        offset = value.strftime("%z")
        offset = "Z" if offset == "+0000" else f"{offset[:3]}:{offset[3:]}" if offset else ""
        return f"{value:%a %Y-%m-%d %H:%M}{offset}"
    if isinstance(value, dt.date):
        return f"{value:%a %Y-%m-%d}"
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(show_value(v) for v in value) + "]"
    return str(value)


def _given_questions(cfg: config_module.Config, activity: str) -> dict[str, Any]:
    """The [<activity>.questions] keys the file itself sets (the rest are drawn from the seed or defaults)."""
    try:
        table = tomllib.loads(cfg.path.read_text(encoding="utf-8")).get(activity, {}) or {}
        return table.get("questions", {}) or {}
    except (OSError, ValueError, AttributeError):
        return {}


def _origin(key: str, term, given: dict[str, Any]) -> str:
    if key == "seed":
        return ""
    if key in given:
        return " (set)"
    return f" (seed {term.questions.seed})" if term.questions.seed is not None else " (default)"


def config_rows(old: config_module.Config, new: config_module.Config, activity: str) -> list[Row]:
    rows: list[Row] = []
    terms = (old.activity(activity), new.activity(activity))
    for section, key in HEADER_KEYS:
        a, b = ((getattr(t, key) for t in terms) if section == "activity"
                else (getattr(getattr(c, section), key) for c in (old, new)))
        rows.append(Row("config: header", f"{activity if section == 'activity' else section}.{key}",
                        show_value(a or None), show_value(b or None)))
    for key in DATE_KEYS:
        rows.append(Row("config: dates", f"{activity}.{key}", show_value(getattr(terms[0], key)),
                        show_value(getattr(terms[1], key))))
    given_old, given_new = _given_questions(old, activity), _given_questions(new, activity)
    for f in fields(terms[0].questions):
        a, b = getattr(terms[0].questions, f.name), getattr(terms[1].questions, f.name)
        rows.append(Row("config: questions", f"{activity}.questions.{f.name}",
                        show_value(a) + _origin(f.name, terms[0], given_old),
                        show_value(b) + _origin(f.name, terms[1], given_new), same=show_value(a) == show_value(b)))
    for f in fields(old.canvas):  # every Canvas setting, including ones added later
        rows.append(Row("config: canvas", f"canvas.{f.name}", show_value(getattr(old.canvas, f.name)),
                        show_value(getattr(new.canvas, f.name))))
    for f in fields(terms[0].canvas):
        rows.append(Row("config: canvas", f"{activity}.canvas.{f.name}", show_value(getattr(terms[0].canvas, f.name)),
                        show_value(getattr(terms[1].canvas, f.name))))
    return rows


# --- the printed numbers -------------------------------------------------------------------


def read_ledger(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["numbers"]
        assert all("source" in e and "text" in e for e in entries)
        return entries
    except (OSError, ValueError, KeyError, TypeError, AssertionError) as exc:
        raise GeneratorError(f"{config_module.display(path)}: not a readable numbers ledger ({exc})",
                             hint=f"delete it and build again: rm {config_module.display(path)}") from None


def section_of(source: str) -> str:
    """The group a ledger source belongs to: the config, one problem, the errata, the figures."""
    if source.startswith("config."):
        return "printed: from the config"
    if source.startswith("figure "):
        return "printed: figures"
    if source.startswith(("erratum ", "checker counterexample for erratum ")):
        return "printed: errata"
    if source.startswith("proofs"):
        return "printed: proof summary"
    plain = source.removeprefix("count of ")
    if plain.startswith("results."):
        plain = plain.removeprefix("results.")
    problem = plain.split(".", 1)[0].split(" ", 1)[0].split("[", 1)[0]
    if problem.isidentifier() and (problem != plain or plain != source):
        return f"printed: {problem}"
    return "printed: other"


def _grouped(entries: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {}
    for entry in entries:
        texts.setdefault(str(entry["source"]), []).append(str(entry["text"]))
    return texts


def _joined(texts: list[str] | None) -> str | None:
    if texts is None:
        return None
    if len(texts) > 1 and len(set(texts)) == 1:
        return f"{texts[0]} (printed {len(texts)} times)"
    return "; ".join(texts)


def _merged_order(old: list[str], new: list[str]) -> list[str]:
    """Both lists' items once each, in an order that respects both (old-only ones in place)."""
    merged: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            merged += old[i1:i2]
        else:
            merged += old[i1:i2] + new[j1:j2]
    seen: set[str] = set()
    return [s for s in merged if not (s in seen or seen.add(s))]


def number_rows(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[Row]:
    a, b = _grouped(old), _grouped(new)
    rows = [Row(section_of(source), source, _joined(a.get(source)), _joined(b.get(source)))
            for source in _merged_order(list(a), list(b))]
    order: list[str] = ["printed: from the config"]
    for row in rows:
        if row.section not in order and row.section not in ("printed: errata", "printed: figures",
                                                             "printed: proof summary", "printed: other"):
            order.append(row.section)
    order += ["printed: errata", "printed: figures", "printed: proof summary", "printed: other"]
    return sorted(rows, key=lambda r: order.index(r.section))  # stable: source order kept within


# --- comparing and printing ----------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    old: str
    new: str
    activity: str
    files: tuple[str, ...]
    rows: list[Row]

    @property
    def changed(self) -> list[Row]:
        return [r for r in self.rows if r.status != "same"]


def common_activities(old: str, new: str, root: Path) -> list[str]:
    """The activities both terms run, in order."""
    configs = [config_module.load(config_module.config_path(root, s), root) for s in (old, new)]
    return [a.id for a in configs[0].select() if a.id in {b.id for b in configs[1].select()}]


def compare(old: str, new: str, activity: str | None = None, *, root: Path,
            log: Callable[[str], None] = lambda m: None) -> Comparison:
    """Load both configs, build both keys of ``activity`` if stale (default: the first activity
    both terms run), and pair everything they show."""
    from .build import build
    from .paths import Paths

    configs = [config_module.load(config_module.config_path(root, s), root) for s in (old, new)]  # errors first
    if activity is None:
        shared = common_activities(old, new, root)
        if not shared:
            raise GeneratorError(f"{old} and {new} have no activity in common", hint="name one with --activity")
        activity = shared[0]
    for semester in dict.fromkeys((old, new)):
        build(semester, activity, kinds=("key",), root=root, log=log)
    ledgers = [Paths(root, s, activity).document("key", ".numbers.json") for s in (old, new)]
    rows = config_rows(*configs, activity) + number_rows(read_ledger(ledgers[0]), read_ledger(ledgers[1]))
    files = tuple(config_module.display(p) for p in (configs[0].path, configs[1].path, *ledgers))
    return Comparison(old, new, activity, files, rows)


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters: broken at a space, else after a comma or semicolon,
    else after a dot (not a decimal point), else before a bracket, else after an underscore."""
    lines: list[str] = []
    rest = text
    while len(rest) > width:
        end = None
        for separators, before in ((" ", False), (",;", False), (".", False), ("[", True), ("_", False)):
            found = [i for i in range(width // 3, width if not before else width + 1)
                     if i < len(rest) and rest[i] in separators
                     and not (rest[i] == "." and rest[i + 1:i + 2].isdigit())]
            if found:
                end = found[-1] if before else found[-1] + 1
                break
        if end is None:
            end = width
        lines.append(rest[:end].rstrip(" "))
        rest = rest[end:].lstrip(" ")
    lines.append(rest)
    return lines


def _table_lines(cells: tuple[str, str, str, str]) -> list[str]:
    widths = (SOURCE_WIDTH, VALUE_WIDTH, VALUE_WIDTH, STATUS_WIDTH)
    wrapped = [wrap(cell, w) for cell, w in zip(cells, widths)]
    height = max(len(w) for w in wrapped)
    out = []
    for i in range(height):
        parts = [(w[i] if i < len(w) else "").ljust(width) for w, width in zip(wrapped, widths)]
        out.append(" | ".join(parts).rstrip())
    return out


def render(comparison: Comparison, *, only_changed: bool = False) -> str:
    c = comparison
    counts = {status: sum(r.status == status for r in c.rows) for status in ("changed", "only old", "only new", "same")}
    lines = [f"Rollover review: {c.old} -> {c.new}, {c.activity}",
             *wrap(f"  {c.old}: {c.files[0]}, {c.files[2]}", WIDTH),
             *wrap(f"  {c.new}: {c.files[1]}, {c.files[3]}", WIDTH),
             f"  {len(c.rows)} rows: {counts['changed']} changed, {counts['only old']} only in {c.old}, "
             f"{counts['only new']} only in {c.new}, {counts['same']} the same"]
    rows = c.changed if only_changed else c.rows
    if not c.changed:
        lines.append(f"no differences: {c.old} and {c.new} show the same header, dates, questions and numbers")
        if only_changed:
            return "\n".join(lines) + "\n"
    rule = "-+-".join("-" * w for w in (SOURCE_WIDTH, VALUE_WIDTH, VALUE_WIDTH, STATUS_WIDTH))
    sections: dict[str, list[Row]] = {}
    for row in rows:
        sections.setdefault(row.section, []).append(row)
    for section, members in sections.items():
        lines += ["", f"== {section} ==", *_table_lines(("source", c.old, c.new, "status")), rule]
        for row in members:
            lines += _table_lines((row.source, ABSENT if row.old is None else row.old,
                                   ABSENT if row.new is None else row.new, row.status))
    return "\n".join(lines) + "\n"


def diff_command(old: str, new: str, activity: str | None = None, *, root: Path, only_changed: bool = False,
                 log: Callable[[str], None] = lambda m: print(m, file=sys.stderr)) -> int:
    """The ``diff`` subcommand: one table per activity both terms run (or the one named), on
    stdout; build messages go to ``log``."""
    for name in [activity] if activity else common_activities(old, new, root):
        comparison = compare(old, new, name, root=root, log=log)
        sys.stdout.write(render(comparison, only_changed=only_changed))
    return 0
