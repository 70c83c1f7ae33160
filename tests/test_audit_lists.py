"""What the audit says was not checked: a formula is covered only by the keys that prove it."""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from generator.number_list import audit_lists
from generator.numbers import Ledger
from generator.proofs import ASSUMED, Derivation, Step


def _read(name, value, assumed=False):
    return SimpleNamespace(name=name, value=value, assumed=assumed)


def _model(derivations=(), checks=(), unconfirmed=(), read=()):
    result = SimpleNamespace(derivations=tuple(SimpleNamespace(key=k, confirmed=(k not in unconfirmed,),
                                                               checked_with=read if k == "p.a" else ())
                                               for k in (*derivations, *unconfirmed)),
                             numeric_checks=tuple(SimpleNamespace(key=k) for k in checks))
    return {"results": SimpleNamespace(p=result), "problems": (SimpleNamespace(name="p", number=1),)}


def test_a_formula_is_covered_only_when_every_key_it_names_proves_it():
    ledger = Ledger()
    for source in ("p.a", "p.a step 1", "p.b+p.c", "p.b+p.d", "p.rule", "p.loss definition", "p.e", "erratum quoting line 3",
                   "sympy", "p.a definition"):
        ledger.formulas[source] = [f"x_{n}" for n in range(3 if source == "p.rule" else 1)]
    ledger.formulas["p.loss definition"] = ["L = x^2"]
    read = (_read("L", "x^{2}"), _read("N", "10"), _read("E[y]", "0", assumed=True), _read("M", None), _read("N", "10"))
    lists = audit_lists(ledger, _model(derivations=("p.a", "p.b"), checks=("p.c",), unconfirmed=("p.e",), read=read))
    (group,) = lists["unchecked"]
    # p.d proves nothing here; a rule no key names; a chain whose check confirms none of its steps
    # covers nothing; a definition is given, so listed whether a chain reads it or not, and with it
    # each one a chain reads that the key does not print, once (not an assumption, nor a name with no value)
    assert group["number"] == 1 and [e["name"] for e in group["definitions"]] == ["p.loss", "p.a", "p.a"]
    assert [(str(e["formula"]), e["read"]) for e in group["definitions"]] == \
        [("L = x^2", False), ("x_0", False), ("N = 10", True)]
    assert [e["name"] for e in group["statements"]] == ["p.b+p.d", "p.rule", "p.e"]
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
