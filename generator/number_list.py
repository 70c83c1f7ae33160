"""The audit report's list of every number on the key, with its source, printed as the key prints it."""

from __future__ import annotations

import re
from typing import Any

from .numbers import SympyLatex, group_digits, trace
from .tex_shapes import latex_length, written_alike


def audit_ledger(key_ledger, figure_numbers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The numbers the key computes or is given, with their sources, for the audit report (the
    errata's counterexamples and the numbers of the claims they refute among them). The constants
    inside its other formulas (the two of a square) are notation, not results: they stay in
    numbers.json, where the provenance audit counts them, and out of the instructor's list."""
    return [{**e, "math": printed_number(e["text"]) if e["kind"] in ("number", "figure", "computed", "counterexample", "claimed")
             or (e["kind"] == "quoted" and "^" in e["text"])
             else None}  # a quote's other numbers as the original typed them: 100000, not 100 000
            for e in key_ledger.as_json() + figure_numbers
            if e["kind"] != "sympy"]


def figures_in_order(entries, order: tuple[str, ...]) -> list[dict[str, Any]]:
    """The numbers inside the figures (the model's, which knows no figure's number), Figure 1's
    first, each placed in its figure by the number the prose gives it."""
    def name(e) -> str:
        return e["source"].removeprefix("figure ")
    return [{**e, "where": f"inside Figure {order.index(name(e)) + 1}"}
            for e in sorted(entries, key=lambda e: order.index(name(e)))]


def printed_number(text: str):
    """The formatter's plain text of a number ("-6.25 x 10^-2", "10^12", "100000") as the key prints
    it: a true minus, a times sign, a raised exponent, and digits grouped as siunitx groups them."""
    fraction = re.fullmatch(r"(-?)(\d+)/(\d+)", text)
    match = re.fullmatch(r"(-?[\d.]+)(?: x 10\^(-?\d+))?|10\^(-?\d+)", text)
    if fraction is not None:
        latex = rf"{fraction.group(1)}{fraction.group(2)}/{fraction.group(3)}"  # as the key prints it in text
    elif match is None:
        return None
    else:
        mantissa, exponent, power = match.groups()
        sign, digits = ("-", mantissa[1:]) if mantissa and mantissa.startswith("-") else ("", mantissa)
        latex = rf"10^{{{power}}}" if power else (sign + group_digits(digits, r"\,")
                                                   + (rf" \times 10^{{{exponent}}}" if exponent else ""))
    out = SympyLatex(latex)
    out.source, out.constants = "the audit's list of numbers", ()
    return out


LIST_WIDTH = 400  # characters of LaTeX: a longer definition a chain reads is named in the list, not printed
DEFINITION = " definition"  # ends the source of a formula that defines the question's notation or sets a case


def audit_lists(key_ledger, model) -> dict[str, Any]:
    """What the audit says the checks take as given and what they do not cover, by problem.

    A definition is given, never checked: every one the key prints (a source ending in DEFINITION)
    and every one a chain's check reads ("Checked with") is listed, once however it is set, for a reader
    to see all that the proofs rest on; so is every assumed step a check takes as given. A statement
    is covered by a check, or by a derivation that confirms a step at least (one that only restates
    its definitions or rests on its assumptions proves nothing of its own); the statements nothing
    covers are listed after the definitions, and counted.
    A chain that covers nothing is one statement, listed whole by its first and last lines, unless
    every step of it only writes out its definitions: then it states no more than they do."""
    results = model["results"]
    derivations = {d.key: d for r in vars(results).values() for d in r.derivations}
    covered = {k for k, d in derivations.items() if any(d.confirmed)} | \
              {c.key for r in vars(results).values() for c in r.numeric_checks}
    # a formula's source names what proves it: a derivation's or a check's key, or several joined by "+"
    printed = [s for s in key_ledger.formulas if not s.startswith(("erratum ", "checker ", "sympy"))]
    unchecked: list[tuple[str, bool]] = []  # (a source, or a chain's key; whether it is a chain)
    for source in printed:
        if source.endswith(DEFINITION) or set(source.split(" ")[0].split("+")) <= covered:
            continue
        line = re.fullmatch(r"(\S+) (?:left-hand side|step \d+)", source)
        if line is None or line.group(1) not in derivations:
            unchecked.append((source, False))
        elif (line.group(1), True) not in unchecked and \
                len(derivations[line.group(1)].restating) < len(derivations[line.group(1)].rendered):
            unchecked.append((line.group(1), True))

    def entry(source: str, chain: bool) -> dict[str, Any]:  # its name, and the first formula the key prints from it
        if chain:
            lines = [line for line in _lines(derivations[source]) if line]
            shown = lines if len(lines) <= 2 else [lines[0], r"\cdots", lines[-1]]
            return _listed(source, _quoted(" = ".join(shown), source), chain=True)
        formulas = key_ledger.formulas.get(source) or ()
        return _listed(source.removesuffix(DEFINITION), _quoted(formulas[0], source) if formulas else None,
                       more=len(formulas) > 1)

    def given(problem) -> tuple[dict[str, Any], ...]:
        """Every step a problem's checks take as given (an assumption the key states), as the line before = the step."""
        out = []
        for d in getattr(results, problem.name).derivations:
            lines = _lines(d)
            out += [_listed(d.key, _quoted(f"{lines[n]} = {lines[n + 1]}" if lines[n] else lines[n + 1], d.key))
                    for n in d.given_at]
        return tuple(out)

    def read(problem, seen: set[str]) -> list[dict[str, Any]]:
        """What the problem's chains read as defined, once each (not an assumed step, which ``given`` lists)."""
        out = {}
        for d in getattr(results, problem.name).derivations:
            for c in d.checked_with:
                whole = latex_length(c.whole) <= LIST_WIDTH  # else named: it would not fit the line
                formula = f"{c.name} = {c.whole}" if whole else str(c.name)
                alike = written_alike(f"{c.name} = {c.whole}")
                if not c.assumed and alike not in seen:
                    seen.add(alike)
                    out[str(c.name), formula] = _listed(d.key, _quoted(formula, d.key), read=True, written_out=not whole)
        return [out[k] for k in sorted(out)]

    def definitions(problem) -> tuple[dict[str, Any], ...]:
        mine = [entry(s, False) for s in printed if s.endswith(DEFINITION) and s.split(".")[0] == problem.name]
        return (*mine, *read(problem, {written_alike(e["formula"]) for e in mine if e["formula"]}))

    by_problem = [{"number": p.number, "definitions": defined, "assumptions": assumed,
                   "statements": tuple(entry(*u) for u in stated)}
                  for p in model["problems"]
                  for defined, assumed, stated in [(definitions(p), given(p),
                                                    [u for u in unchecked if u[0].split(".")[0] == p.name])]
                  if defined or assumed or stated]
    counts = {p.name: sum(s.split(".")[0] == p.name for s, _ in unchecked) for p in model["problems"]}
    return {"unchecked": tuple(by_problem), "unchecked_by_problem": trace(counts, "statements not covered")}


def _lines(derivation) -> list:
    """A derivation's lines as the key prints them: its left-hand side (None when it has none), then its steps."""
    return [derivation.lhs_latex or None, *(s.latex for s in derivation.rendered)]


def _listed(name: str, formula, *, more: bool = False, read: bool = False, chain: bool = False,
            written_out: bool = False) -> dict[str, Any]:
    """A line of the list: a name (a source, or the chain that reads it, with ``read``), the formula
    as the key prints it, and how the line says it (``more`` prints from one source, a ``chain`` whole,
    a definition too long for a line ``written_out`` by name)."""
    return {"name": name, "formula": formula, "more": more, "read": read, "chain": chain, "written_out": written_out}


def _quoted(latex: str, source: str) -> SympyLatex:
    """A formula of the key quoted in its audit, as the key printed it: its numbers are the key's,
    listed there already."""
    out = SympyLatex(latex)
    out.source, out.constants = source, ()
    return out
