"""The errata as the key and the audit print them: lint's findings and the encoded errata, in the
order of the original, each quoting the original as it was written.

Plain data only (the model holds no SymPy objects). The original's own text reaches the page
as ``Quoted`` (prose) or as a formula whose source is its line, so the provenance audit counts
its numerals as the original's, not as numbers typed into the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import sympy as sp

from .errata import Claim, Erratum, counterexample_latex, quoted_in
from .errors import ProofError
from .notation import inline_tex
from .numbers import Counterexample, Latex, Quoted, SympyLatex
from .original import Correction, FoundErratum, find_errata, original_file
from .proofs import Verdict
from .tex_shapes import slashed_derivatives


def quoted_math(text: str, source: str) -> SympyLatex:
    """A display of the original, as LaTeX the key prints it (``original.math_of``)."""
    out = SympyLatex(text)
    out.source = source
    out.constants = quoted_numbers(text)
    return out


def quoted_words(text: str, source: str) -> Quoted:
    """A passage of the original in words with $math$: one line, display dollars made inline."""
    out = Quoted(" ".join(text.replace("$$", "$").split()))
    out.source = source
    out.constants = quoted_numbers(text)
    return out


# A number of the original as a reader reads it: a power of ten whole (10^{12}); not a subscript,
# exponent or the digit of a command's name (phi_0, x^2: notation), nor a label (Problem 1).
_QUOTED_NUMBER = re.compile(r"(?<![_^{\\A-Za-z\d.])(?<!Problem )(?<!Figure )(?<!Table )"
                            r"(?:10\^\{?(-?\d+)\}?|\d+(?:\.\d+)?)")


def quoted_numbers(text: str) -> tuple[str, ...]:
    """The numbers a quoted passage of the original prints, in order, each time it prints them."""
    return tuple(f"10^{m.group(1)}" if m.group(1) else m.group(0) for m in _QUOTED_NUMBER.finditer(text))


def _bold_names(latex: str, bold: frozenset[str]) -> str:
    """A name the original writes in bold (a vector such as m_0), bold here too."""
    return re.sub(r"\{([A-Za-z])\}(?=_)|(?<![\\A-Za-z{])([A-Za-z])(?=_\{)",
                  lambda m: rf"\mathbf{{{m.group(1) or m.group(2)}}}" if (m.group(1) or m.group(2)) in bold
                  else m.group(0), latex)


def _failure_latex(key: str, failure, bold: frozenset[str]) -> Counterexample:
    point = {_bold_names(name, bold): value for name, value in failure.point}
    # the index a general line was read at, unless the point sets that name itself
    point = {**{name: value for name, value in failure.at if name not in point}, **point}
    verdict = Verdict(False, False, 0, point, sp.sympify(failure.left_value), sp.sympify(failure.right_value))
    return counterexample_latex(key, verdict)


def _legend(found: FoundErratum, bold: frozenset[str]) -> tuple[SympyLatex, ...]:
    out = []
    for entry in found.legend:
        # lint writes a function's argument in round brackets, l_i{({\phi}_{p} )}: the book's are square
        entry = re.sub(r"\{\(\{([^{}]*)\}(_\{[^{}]*\}) \)\}", r"[\1\2]", entry)
        slashed = slashed_derivatives(entry)
        latex = SympyLatex(_bold_names(slashed, bold))
        latex.source, latex.constants = "erratum legend (lint's names in a counterexample)", ()
        out.append(latex)
    return tuple(out)


def bold_letters(found: tuple[FoundErratum, ...], text: str) -> frozenset[str]:
    """Letters the original sets in bold, and lint's names for sums of gradients (vectors too)."""
    letters = set(re.findall(r"\\(?:mathbf|boldsymbol|bm)\{([A-Za-z])\}", text))
    letters |= {entry[0] for f in found for entry in f.legend}
    return frozenset(letters)


def slip(claim: Claim, key: str, number: int) -> SimpleNamespace:
    """One slip of a line on its own: the written fragment against what it should be, at a point
    where they differ (the build stops if there is none)."""
    verdict = claim.judge(seed=number)
    if verdict.holds or not verdict.counterexample:
        raise ProofError(f"erratum {key}: slip {number} ({sp.sstr(claim.left)} for {sp.sstr(claim.right)}) is not "
                         f"refuted at a point", hint="give the slip's Claim samplers that reach a point where the "
                                                     "written fragment and the right one differ")
    source = f"erratum {key} slip {number}"
    return SimpleNamespace(written=inline_tex(claim.left, source), meant=inline_tex(claim.right, source),
                           counterexample=counterexample_latex(key, verdict))


def from_lint(found: FoundErratum, name: str, bold: frozenset[str] = frozenset(),
              corrections: tuple[Correction, ...] = ()) -> SimpleNamespace:
    where = f"erratum quoting {name} line {found.line}"
    own = [corrections[n] for n in found.corrections]
    shown = next((f for f in found.failures if not f.sides), None)
    return SimpleNamespace(
        show_counterexample=all(c.counterexample for c in own),
        corrected_words=(quoted_words(" ".join(c.corrected_words for c in own), f"erratum correcting {name} line "
                                      f"{found.line}") if any(c.corrected_words for c in own) else None),
        slips=tuple(slip(claim, found.key, number) for number, claim in
                    enumerate((claim for c in own for claim in c.slips), start=1)),
        key=found.key, kind="found", line=found.line, problem_label=Latex(found.problem_label),
        summary=Latex(found.why or "This step does not follow from the lines before it."),
        quote=quoted_math(found.original, where), display=True,
        # the key's counterexample reads "the line as written gives ..., where the lines above it give ...":
        # a failure whose sides lint names otherwise (an induction step) is the audit's only
        counterexample=_failure_latex(found.key, shown, bold) if shown else None,
        at_point=bool(shown and shown.point),
        legend=_legend(found, bold),
        corrected=quoted_math(found.corrected, f"erratum correcting {name} line {found.line}") if found.corrected else None,
        isolated=found.isolated,
        checks=tuple(SimpleNamespace(claim=f.claim, hint=f.hint, line=str(f.line), sides=tuple(map(_side_words, f.sides)),
                                     counterexample=_failure_latex(found.key, f, bold)) for f in found.failures))


def _side_words(side: str) -> str:
    """What lint calls a side ("line 75 at t + 1"), its variable set as math for the ``words`` filter."""
    return re.sub(r"\bat (\w+(?: [+-] \d+)?)$", r"at $\1$", side)


def from_encoded(e: Erratum, printed, refuted: Verdict | None, text: str, name: str) -> SimpleNamespace:
    line = text[:text.index(e.quote)].count("\n") + 1
    original_tex, corrected_tex = printed
    return SimpleNamespace(
        key=e.key, kind=e.kind, line=line,
        problem_label=Latex(e.problem_label), summary=Latex(e.summary),
        quote=quoted_words(e.quote, f"erratum quoting {name} line {line}"), display=False,
        counterexample=counterexample_latex(e.key, refuted) if refuted is not None else None, legend=(),
        at_point=bool(refuted is not None and refuted.counterexample), show_counterexample=True, slips=(),
        corrected_words=quoted_words(e.corrected_words, f"erratum {e.key}") if e.corrected_words else None,
        corrected=corrected_tex, claim=original_tex, checks=())


def page_errata(found: tuple[FoundErratum, ...], encoded: tuple[Erratum, ...], printed, refuted,
                text: str, name: str, corrections: tuple[Correction, ...] = ()) -> tuple[SimpleNamespace, ...]:
    """Every erratum, in the order of the original (which is the order of its problems)."""
    bold = bold_letters(found, text)
    items = [from_lint(f, name, bold, corrections) for f in found]
    items += [from_encoded(e, p, r, text, name) for e, p, r in zip(encoded, printed, refuted)]
    for item in items:  # one shape for the templates: the audit prints the claim of an encoded one
        item.__dict__.setdefault("claim", None)
        # a counterexample that gives a vector (bold) a number is one for a model with one parameter
        point = str(getattr(item.counterexample, "point", "") or "")
        item.one_parameter = bool(re.search(r"\\mathbf|\\boldsymbol", point))
    items.sort(key=lambda item: item.line)
    said: set[str] = set()
    for item in items:  # a name is explained where it first appears on the key, and only there
        item.__dict__.setdefault("corrected_words", None)
        shown = item.show_counterexample and not item.slips
        item.audit_legend = item.legend  # the audit shows every counterexample, each with its names
        item.legend = tuple(entry for entry in item.legend if shown and not (entry in said or said.add(entry)))
    return tuple(items)


@dataclass(frozen=True)
class OriginalErrata:
    """An activity's hand-written original and its errata, for one term.

    Errata describe the original handout, so only a term whose questions are the original's
    (the activity's defaults) prints them: a seeded variant's handout asks with other parameters.
    """

    path: Path | None
    name: str
    text: str
    corrections: tuple[Correction, ...]
    encoded: tuple[Erratum, ...]

    @classmethod
    def of(cls, activity, questions, original_questions: bool) -> OriginalErrata:
        module = activity.errata()
        if module is None or not original_questions:
            return cls(None, "", "", (), ())
        path = original_file(activity.folder)
        name = f"{activity.folder.name}/{path.name}" if path is not None else f"{activity.folder.name}/original.md"
        if path is None:
            raise ProofError(f"{activity.folder.name}/errata.py describes an original, but there is no {name}",
                             hint="put the hand-written original beside errata.py, or remove errata.py")
        text = path.read_text(encoding="utf-8")
        encoded = tuple(module.build(questions))
        quoted_in(encoded, text, name)
        return cls(path, name, text, tuple(getattr(module, "CORRECTIONS", ())), encoded)

    def jobs(self) -> list:
        """Reading the original with lint: one job, run beside the proofs."""
        return [lambda: find_errata(self.path, self.corrections, self.name)] if self.path is not None else []

    def costs(self) -> list[float]:
        return [float("inf")] if self.path is not None else []  # the page waits for it: start it first

    def page(self, found, printed, refuted) -> tuple[SimpleNamespace, ...]:
        return (page_errata(found, self.encoded, printed, refuted, self.text, self.name, self.corrections)
                if self.path else ())
