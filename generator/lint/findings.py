"""What ``lint`` found, as data: one record per display, one per step, printable and JSON-able.

The same objects feed the terminal report, ``--json`` and any caller that wants the errata of
a handout (``lint_file(path).displays``): a step is ``holds``, ``fails`` (with a counterexample
a person can check by hand), ``unproven`` (equal at every point tried, but SymPy could not show
it), ``defines`` (a definition: nothing to check) or ``not understood`` (with the reason and the
fragment). Nothing is left out silently.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

STEP_STATUSES = ("holds", "fails", "unproven", "defines", "not understood")


@dataclass
class StepFinding:
    """One step; ``left`` is what follows from the lines before it, ``right`` what the line writes."""

    line: int
    status: str
    claim: str  # what is checked, in words: "line 45 against the loss of line 37"
    left: str = ""  # as read (SymPy's plain text)
    right: str = ""
    source: str = ""  # the fragment of the file
    counterexample: dict[str, str] | None = None
    point: dict[str, str] | None = None  # the counterexample keyed by each variable's LaTeX
    at: dict[str, str] = field(default_factory=dict)  # the index a general line is read at (t = 0)
    hint: str = ""  # on a failure: the repair proven to make it hold ("holds if sin is read as sig"), if any
    left_value: str | None = None
    right_value: str | None = None
    reason: str = ""  # why not understood / unproven, or a hint on a failure
    left_resolved: str = ""  # the sides with the definitions so far replaced, when that differs
    right_resolved: str = ""
    sides: tuple[str, ...] = ()  # what the right and the left side are, in words, where "the line as
    # written" and "the lines above it" would not say it (an induction step)


@dataclass
class DisplayFinding:
    number: int
    line: int
    end_line: int
    status: str  # checked / fails / not understood / definitions only
    source: str
    steps: list[StepFinding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[StepFinding]:
        return [s for s in self.steps if s.status == "fails"]

    def settle(self) -> None:
        statuses = {s.status for s in self.steps}
        if "fails" in statuses:
            self.status = "fails"
        elif "not understood" in statuses or not self.steps:
            self.status = "not understood"
        elif "unproven" in statuses:
            self.status = "unproven"
        elif "holds" in statuses:
            self.status = "checked"
        else:
            self.status = "definitions only"


@dataclass
class Report:
    path: str
    kind: str
    displays: list[DisplayFinding]
    legend: dict[str, str] = field(default_factory=dict)
    legend_latex: dict[str, str] = field(default_factory=dict)

    def steps(self, status: str | None = None) -> list[StepFinding]:
        return [s for d in self.displays for s in d.steps if status is None or s.status == status]

    @property
    def counts(self) -> dict[str, int]:
        out = {s: len(self.steps(s)) for s in STEP_STATUSES}
        out["displays"] = len(self.displays)
        return out

    def exit_code(self, strict: bool = False) -> int:
        if self.steps("fails"):
            return 1
        if strict and (self.steps("not understood") or self.steps("unproven")):
            return 1
        return 0

    def to_dict(self) -> dict:
        return {"file": self.path, "kind": self.kind, "counts": self.counts, "legend": self.legend,
                "displays": [asdict(d) for d in self.displays]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def text(self, verbose: bool = False) -> str:
        """The terminal report: every display in one line or more, failures in full."""
        out = []
        for d in self.displays:
            where = f"{self.path}:{d.line}"
            shown = [s for s in d.steps if verbose or s.status not in ("holds", "defines")]
            held = sum(s.status == "holds" for s in d.steps)
            defined = sum(s.status == "defines" for s in d.steps)
            summary = ", ".join(p for p in (f"{held} step{'s' * (held != 1)} hold" if held else "",
                                            f"{defined} definition{'s' * (defined != 1)}" if defined else "") if p)
            out.append(f"{where}: display {d.number} {d.status}" + (f" ({summary})" if summary else ""))
            for s in shown:
                out.append(_step_text(self.path, s))
            for note in d.notes if verbose else ():
                out.append(f"    note: {note}")
        if self.legend:
            out.append("where " + "; ".join(self.legend.values()))
        c = self.counts
        out.append(f"{c['displays']} displays: {c['holds']} steps hold, {c['fails']} fail, "
                   f"{c['unproven']} unproven, {c['not understood']} not understood, {c['defines']} definitions")
        return "\n".join(out)


def _step_text(path: str, s: StepFinding) -> str:
    head = f"  {path}:{s.line}: {s.status.upper() if s.status == 'fails' else s.status}: {s.claim}"
    lines = [head]
    if s.status in ("fails", "unproven"):
        lines.append(f"      left:  {s.left}")
        if s.left_resolved:
            lines.append(f"             = {s.left_resolved}")
        lines.append(f"      right: {s.right}")
        if s.right_resolved:
            lines.append(f"             = {s.right_resolved}")
    if s.counterexample is not None and s.status == "fails":
        at = ", ".join(f"{k} = {v}" for k, v in s.counterexample.items())
        lines.append(f"      counterexample: at {at}" if at else "      counterexample: (no variables)")
        lines.append(f"        left = {s.left_value}, right = {s.right_value}")
    if s.reason:
        lines.append(f"      {'why' if s.status != 'fails' else 'hint'}: {s.reason}")
    if s.status == "not understood" and s.source:
        lines.append(f"      fragment: {s.source}")
    return "\n".join(lines)
