"""What the audit says was not checked: a formula is covered only by the keys that prove it."""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from generator.number_list import audit_lists
from generator.numbers import Ledger
from generator.proofs import ASSUMED, Derivation, Step


def _read(name, whole, assumed=False, printed=True):  # a note prints a short value; the list, every value whole
    return SimpleNamespace(name=name, value=whole if printed else None, assumed=assumed, whole=whole)


def _model(derivations=(), checks=(), unconfirmed=(), read=()):
    def derivation(k):  # two printed steps; "p.f" only restates its definitions
        return SimpleNamespace(key=k, confirmed=(k not in unconfirmed,), checked_with=read if k == "p.a" else (),
                               lhs_latex=f"{k}_0", rendered=(SimpleNamespace(latex=f"{k}_1"), SimpleNamespace(latex=f"{k}_2")),
                               restating=("first", "second") if k == "p.f" else (), given_at=(0,) if k == "p.b" else ())
    result = SimpleNamespace(derivations=tuple(derivation(k) for k in (*derivations, *unconfirmed)),
                             numeric_checks=tuple(SimpleNamespace(key=k) for k in checks))
    return {"results": SimpleNamespace(p=result), "problems": (SimpleNamespace(name="p", number=1),)}


def test_a_formula_is_covered_only_when_every_key_it_names_proves_it():
    ledger = Ledger()
    for source in ("p.a", "p.a step 1", "p.b+p.c", "p.b+p.d", "p.rule", "p.loss definition", "p.e left-hand side",
                   "p.e step 1", "p.e step 2", "erratum quoting line 3", "sympy", "p.a definition", "p.f step 1"):
        ledger.formulas[source] = [f"x_{n}" for n in range(3 if source == "p.rule" else 1)]
    ledger.formulas["p.loss definition"] = ["L = x^2"]
    read = (_read("L", "x^{2}"), _read("N", "10"), _read("E[y]", "0", assumed=True), _read("M", "a + b", printed=False),
            _read("N", "10"), _read("N", "\\frac{20}{2}"))
    lists = audit_lists(ledger, _model(derivations=("p.a", "p.b"), checks=("p.c",), unconfirmed=("p.e", "p.f"), read=read))
    (group,) = lists["unchecked"]
    # p.d proves nothing here; a rule no key names; a chain whose check confirms none of its steps
    # covers nothing; a definition is given, so listed whether a chain reads it or not, and with it
    # each one a chain reads that the key does not print, once however it is set, whole where its note
    # only names it; two definitions of one name are two; every step taken as given apart, as its
    # line before and itself (an assumed step a chain reads is among them, not a definition)
    assert group["number"] == 1 and [e["name"] for e in group["definitions"]] == ["p.loss", "p.a", "p.a", "p.a", "p.a"]
    assert [(str(e["formula"]), e["read"]) for e in group["definitions"]] == \
        [("L = x^2", False), ("x_0", False), ("M = a + b", True), ("N = 10", True), ("N = \\frac{20}{2}", True)]
    assert [(e["name"], str(e["formula"])) for e in group["assumptions"]] == [("p.b", "p.b_0 = p.b_1")]
    # the unconfirmed chain once, whole, by its first and last lines; one that only restates, not at all
    assert [e["name"] for e in group["statements"]] == ["p.b+p.d", "p.rule", "p.e"]
    assert str(group["statements"][2]["formula"]) == r"p.e_0 = \cdots = p.e_2"
    rule = group["statements"][1]  # quoted as printed, the first of them, the rest marked
    assert str(rule["formula"]) == "x_0" and rule["more"]
    assert lists["unchecked_by_problem"]["p"].value == 3  # the statements: a definition is not a gap


def test_a_step_that_is_its_assumption_is_taken_as_given_and_not_counted_as_confirmed():
    x = sp.Symbol("x")
    chain = Derivation(key="p.d", problem="Problem 1", title="t", lhs=(x + 1) ** 2,
                       steps=(Step(x**2 + 2 * x + 1, "multiply out"), Step(x**2 + 2 * x + 1, ASSUMED + "as given", given=True)))
    assert chain.given_steps == (False, True)
    assert chain.restating == (False, True)  # the same line again: it confirms nothing either
    assert Step(x, "no assumption", given=True).assumed is False
    assert Derivation(key="q", problem="P", title="t", lhs=x, steps=(Step(x, ASSUMED + "y", given=True),)).given_steps \
        == (True,)
