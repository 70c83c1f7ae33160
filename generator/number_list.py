"""The audit report's list of every number on the key, with its source, printed as the key prints it."""

from __future__ import annotations

import re
from typing import Any

from .numbers import SympyLatex, group_digits, trace


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


DEFINITION = " definition"  # ends the source of a formula that defines the question's notation or sets a case


def audit_lists(key_ledger, model) -> dict[str, Any]:
    """What the audit says was not checked: the sources of the formulas the key prints that no
    derivation that confirms a step or numeric check covers (a step's, a chain's left-hand side and a
    check's are covered, as are the errata's, which lint reads), by problem, the definitions apart from the
    statements, and how many of them each problem has."""
    results = model["results"]
    # a derivation covers what it names only if its check confirms one of its steps at least (one that
    # only restates its definitions or rests on its assumptions proves nothing of its own)
    covered = {d.key for r in vars(results).values() for d in r.derivations if any(d.confirmed)} | \
              {c.key for r in vars(results).values() for c in r.numeric_checks}
    # a formula's source names what proves it: a derivation's or a check's key, or several joined by "+"
    unchecked = tuple(s for s in key_ledger.formulas if not set(s.split(" ")[0].split("+")) <= covered
                      and not s.startswith(("erratum ", "checker ", "sympy")))
    def entry(source: str) -> dict[str, Any]:  # its name, and the first formula the key prints from it
        printed = key_ledger.formulas.get(source) or ()
        return {"name": source.removesuffix(DEFINITION), "formula": _quoted(printed[0], source) if printed else None,
                "more": len(printed) > 1}
    by_problem = [{"number": p.number,
                   "definitions": tuple(entry(s) for s in mine if s.endswith(DEFINITION)),
                   "statements": tuple(entry(s) for s in mine if not s.endswith(DEFINITION))}
                  for p in model["problems"] for mine in [[s for s in unchecked if s.split(".")[0] == p.name]] if mine]
    counts = {p.name: sum(s.split(".")[0] == p.name for s in unchecked) for p in model["problems"]}
    return {"unchecked": tuple(by_problem), "unchecked_by_problem": trace(counts, "formulas not covered")}


def _quoted(latex: str, source: str) -> SympyLatex:
    """A formula of the key quoted in its audit, as the key printed it: its numbers are the key's,
    listed there already."""
    out = SympyLatex(latex)
    out.source, out.constants = source, ()
    return out
