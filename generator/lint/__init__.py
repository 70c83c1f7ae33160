"""``lint``: check every displayed derivation of a hand-written answer key (Markdown or LaTeX).

Public API (what the CLI and the errata of an activity use)::

    report = lint_file(path)            # LintError when the file cannot be read
    report = lint_text(text, kind="markdown" | "latex", path="<text>", repairs=True)
    for display in report.displays:     # one DisplayFinding per display, in file order
        for step in display.steps:      # StepFinding: line, status, claim, counterexample ...
            ...
    report.exit_code(strict=False)      # 0 every step holds, 1 one does not
    report.to_json()

The checker is the project's own (``generator.proofs.compare``); what a display says is read
by ``parser`` (the book's notation included), definitions carry forward (``definitions``),
and ``check`` decides what each link of a chain claims.
"""

from __future__ import annotations

from pathlib import Path

from .findings import DisplayFinding, Report, StepFinding  # light: SymPy is imported on first use


def lint_text(text: str, kind: str = "markdown", path: str = "<text>", repairs: bool = True) -> Report:
    """Findings for every display of ``text``; without ``repairs``, a failing step's verdict
    and counterexample only, not the search for the repair that would make it hold (the
    dearest part of reading a wrong line, wasted where no one reads the repair)."""
    from .check import Linter

    return Linter(text, kind, path, repairs).run()


def lint_file(path: str | Path, shown_as: str | None = None) -> Report:
    """Findings for every display of the key at ``path``; ``shown_as`` names it in messages."""
    from .source import read

    text, kind = read(Path(path))
    return lint_text(text, kind, shown_as or str(path))


def findings_by_display(path: str | Path) -> list[DisplayFinding]:
    """The structured findings of each display, for callers that build errata from them."""
    return lint_file(path).displays


__all__ = ["DisplayFinding", "Report", "StepFinding", "findings_by_display", "lint_file", "lint_text"]
