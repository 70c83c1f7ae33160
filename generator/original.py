"""The errata of an activity's hand-written original, found by ``lint`` and repaired by corrections.

An activity with a hand-written original (``original.md`` or ``original.tex`` in its folder)
states its corrections as data: an exact fragment of the original and what replaces it. ``lint``
reads the original; every display it finds false, and every display a correction changes, is an
erratum, quoted as the original wrote it. The corrected text is read again by ``lint`` and must
hold throughout, so a correction is checked by the same reader and checker as the original. A
change to the original changes its errata; a correction whose fragment is gone stops the build
(the errata would describe a text that no longer exists).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ProofError

ORIGINAL_NAMES = ("original.md", "original.tex")


@dataclass(frozen=True)
class Correction:
    """One repair of the original: the exact text it had, the text it should have had, and why."""

    problem_label: str  # the \label of the key's problem it concerns
    original: str  # an exact fragment of the original file (it must occur there once)
    corrected: str
    why: str  # the error in words, as TeX prose (the key prints it above the quoted original)
    # Where lint's counterexample to the whole line says little (a wrong index: the gradients differ
    # because they are other gradients), the key shows none and the audit keeps it; each slip of
    # a line can also be shown on its own, at a point a student checks by hand (``errata.Claim``,
    # written fragment = what it should be, refuted when the key is built).
    counterexample: bool = True
    slips: tuple = ()
    corrected_words: str = ""  # the correction in words, for the key, when the display's change is mechanical


@dataclass(frozen=True)
class Failure:
    """One step of the original that does not hold, as ``lint`` found it."""

    line: int
    claim: str  # what lint checked, in its words (the instructor's audit prints it)
    point: tuple[tuple[str, str], ...]  # (LaTeX of a variable, its value): simple numbers
    left_value: str  # at the point (exact where rational): what follows from the lines above ...
    right_value: str  # ... and what the line writes
    hint: str  # lint's repair that is proven to make the step hold, or ""
    at: tuple[tuple[str, str], ...] = ()  # the index a general line was read at (t = 0), when it was
    sides: tuple[str, ...] = ()  # lint's words for the right and the left side, when not the line and those above it


@dataclass(frozen=True)
class FoundErratum:
    """A display of the original that ``lint`` refutes, or that a correction changes."""

    key: str  # "line-45": where it is in the original
    problem_label: str  # "" when no correction names the problem
    line: int
    environment: str  # the display's own environment ("$$", "align", ...)
    original: str  # the display's math, as the original wrote it
    corrected: str  # the same display after the corrections ("" when none touches it)
    why: str
    failures: tuple[Failure, ...]
    legend: tuple[str, ...] = ()  # LaTeX: what a name in a counterexample stands for (lint's own names)
    isolated: bool = False  # the failures were found with every other display corrected
    corrections: tuple[int, ...] = ()  # the corrections of this display, as indices into the activity's list


def original_file(folder: Path) -> Path | None:
    """The activity's hand-written original, if it has one."""
    return next((folder / n for n in ORIGINAL_NAMES if (folder / n).is_file()), None)


def corrected_text(text: str, corrections: tuple[Correction, ...], shown_as: str) -> str:
    """The original with every correction applied; each fragment must occur exactly once."""
    for number, c in enumerate(corrections, start=1):
        count = text.count(c.original)
        if count != 1:
            raise ProofError(f"{shown_as}: correction {number} ({c.why[:60]}...) quotes a fragment that occurs "
                             f"{count} times in the original", hint="the original changed: update the activity's "
                             "corrections so each quotes one exact fragment of it")
        text = text.replace(c.original, c.corrected)
    return text


def find_errata(path: Path, corrections: tuple[Correction, ...], shown_as: str) -> tuple[FoundErratum, ...]:
    """The original's errata: lint's failures, quoted, with the corrected display that holds."""
    from .lint import lint_text
    from .lint.source import displays, read

    text, kind = read(path)
    fixed = corrected_text(text, corrections, shown_as)
    before, corrected = displays(text, kind), displays(fixed, kind)
    if len(before) != len(corrected):
        raise ProofError(f"{shown_as}: the corrections change the number of displays "
                         f"({len(before)} before, {len(corrected)} after)",
                         hint="a correction must repair a display's math, not add or remove displays")
    report = lint_text(text, kind, shown_as, repairs=False)
    after = lint_text(fixed, kind, f"{shown_as} (corrected)", repairs=False)
    # A false display no correction touches stays an erratum without one; anything else must hold.
    uncorrected = {d.number for d, c, f in zip(before, corrected, report.displays) if f.failures and d.text == c.text}
    if uncorrected:  # such an erratum shows lint's repair, which only it needs: read again for them
        report = lint_text(text, kind, shown_as)
    still = [s for d in after.displays if d.number not in uncorrected for s in d.failures]
    if still:
        s = still[0]
        raise ProofError(f"{shown_as}: the corrected original does not hold at line {s.line}: {s.claim}",
                         hint=f"fix the correction; lint reads its left side as {s.left} and its right side as "
                              f"{s.right}")
    out = []
    for d, c, finding in zip(before, corrected, report.displays):
        changed = d.text != c.text
        if not finding.failures and not changed:
            continue
        why = [x for x in corrections if _inside(x.original, d, text)]
        # a corrected display is read on its own too when it holds as the original reads it: it may
        # agree with the original's own errors above it (the expansion of a wrongly indexed line)
        steps, legends = (_on_its_own(text, kind, corrections, why, d, shown_as) if why
                          else (finding.failures, report.legend_latex))
        isolated = bool(why and steps)
        failures = tuple(_failure(s) for s in steps)
        legend = tuple(v for label, v in legends.items()
                       if any(re.match(rf"\{{?{label}\}}?_", name) for f in failures for name, _ in f.point))
        out.append(FoundErratum(f"line-{d.line}", why[0].problem_label if why else "", d.line, d.environment,
                                math_of(d), math_of(c) if changed else "",
                                " ".join(x.why for x in why), failures, legend, isolated,
                                tuple(corrections.index(x) for x in why)))
    unused = [c for c in corrections if not any(_inside(c.original, d, text) for d in before)]
    if unused:
        raise ProofError(f"{shown_as}: a correction changes no display ({unused[0].original[:60]!r})",
                         hint="a correction repairs math inside one display of the original")
    return tuple(out)


def _on_its_own(text: str, kind: str, corrections, own, display, shown_as: str):
    """The display's failures with every other display corrected: a counterexample that shows this
    display's own error, not one it inherits from an earlier line (and what it is read against is
    then the correct recursion, which the key states). Only the text up to the display is read."""
    from .lint import lint_text

    others = tuple(c for c in corrections if c not in own)
    lines = corrected_text(text, others, shown_as).split("\n")
    shift = len(lines) - len(text.split("\n"))  # a correction may change the number of lines
    report = lint_text("\n".join(lines[:display.end_line + shift]), kind, shown_as, repairs=False)
    return report.displays[display.number - 1].failures, report.legend_latex


ALIGNED = {"align": "aligned", "flalign": "aligned", "alignat": "aligned", "eqnarray": "aligned",
           "gather": "gathered", "multline": "gathered", "split": "aligned"}


def math_of(display) -> str:
    """A display's math without its delimiters, as one formula (an align's rows as aligned)."""
    text = display.text.strip()
    if display.environment in ("$$", "\\["):
        text = text[2:-2]
    else:
        text = re.sub(r"^\\begin\{[A-Za-z]+\*?\}|\\end\{[A-Za-z]+\*?\}$", "", text)
        inner = ALIGNED.get(display.environment)
        if inner:
            text = rf"\begin{{{inner}}}{text}\end{{{inner}}}"
    # a split works only in a display, aligned anywhere: top-aligned, its first row beside the words before it
    text = re.sub(r"\\(begin|end)\{split\}", r"\\\1{aligned}", text)
    return re.sub(r"\\begin\{(aligned|gathered)\}", r"\\begin{\1}[t]", text).strip()


def _inside(fragment: str, display, text: str) -> bool:
    """Does the one occurrence of ``fragment`` lie within this display's math?"""
    lines = text[:text.index(fragment)].count("\n") + 1
    return display.line <= lines <= display.end_line and fragment.strip() in display.text


def _failure(step) -> Failure:
    point = tuple((name, value) for name, value in (step.point or {}).items())
    return Failure(step.line, step.claim, point, step.left_value or "", step.right_value or "", step.hint,
                   tuple(step.at.items()), tuple(step.sides))

