"""The checker accepts the key's derivations and rejects a changed sign, exponent or index."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp
from a5 import results

from generator.errors import ProofError
from generator.notation import beta, g, i, phi0, phi1, x, y
from generator.notation import unevaluated as U
from generator.proofs import Step, check_derivation

R = results()
BY_KEY = {d.key: d for d in R.derivations}


def test_every_derivation_of_the_key_is_proven():
    assert len(R.derivations) >= 12
    for d in R.derivations:
        record = check_derivation(d)
        assert record.points == d.points  # what the audit says is what the checker did
        assert d.points >= 20 * (len(d.chain) - 1 - d.constant_steps) + d.constant_steps


def _replace_step(derivation, number, expr):
    steps = list(derivation.steps)
    steps[number - 1] = Step(expr, steps[number - 1].why)
    return dataclasses.replace(derivation, steps=tuple(steps))


@pytest.mark.parametrize("key,number,mutate,what", [
    ("least_squares.dl_dphi0", 3, lambda e: e.replace(lambda a: a == phi1 * x[i], lambda a: -phi1 * x[i]), "sign"),
    ("least_squares.dl_dphi1", 3, lambda e: e.xreplace({sp.Integer(2): sp.Integer(3)}), "coefficient"),
    ("logistic.dsig_dz", 2, lambda e: e.xreplace({sp.Integer(-2): sp.Integer(-3)}), "exponent"),
    ("momentum.m3", 3, lambda e: e.xreplace({g[2]: g[3]}), "index"),
    ("momentum.induction_step", 4, lambda e: e.replace(
        lambda a: isinstance(a, sp.Indexed) and a.base == g, lambda a: g[a.indices[0] + 1]), "index"),
    ("momentum.weight_sum", 3,
     lambda e: U(sp.Add, 1, -U(sp.Pow, beta, sp.Symbol("t", integer=True, nonnegative=True))), "exponent"),
])
def test_a_changed_step_stops_with_a_message_naming_it(key, number, mutate, what):
    derivation = BY_KEY[key]
    broken = _replace_step(derivation, number, mutate(derivation.steps[number - 1].expr))
    assert sp.srepr(broken.steps[number - 1].expr) != sp.srepr(derivation.steps[number - 1].expr), what
    with pytest.raises(ProofError) as caught:
        check_derivation(broken)
    message = caught.value.message
    assert derivation.problem in message and key in message
    assert f"step {number}" in message
    assert "counterexample" in message


def test_a_term_that_vanishes_only_at_integers_is_caught_at_random_rational_points():
    derivation = _replace_step(BY_KEY["least_squares.dl_dphi0"], 3,
                               U(sp.Mul, 2, U(sp.Add, phi0, U(sp.Mul, phi1, x[i]), -y[i])) + sp.sin(sp.pi * phi0) ** 2)
    with pytest.raises(ProofError):
        check_derivation(derivation)


def test_sums_up_to_a_symbolic_bound_are_proven_by_induction_and_off_by_one_is_not():
    from generator.symbolic import symbolically_equal

    beta = sp.Symbol("beta", positive=True)
    k = sp.Symbol("k", integer=True, nonnegative=True)
    t = sp.Symbol("t", integer=True, nonnegative=True)
    weights = sp.Sum((1 - beta) * beta**k, (k, 0, t))
    assert symbolically_equal(weights, 1 - beta ** (t + 1))
    assert not symbolically_equal(weights, 1 - beta**t)  # the step holds, the base does not
    assert not symbolically_equal(weights, 2 - beta ** (t + 1))  # likewise, shifted by a constant
    assert not symbolically_equal(sp.Sum(k, (k, 0, t)), t**2 / 2)  # the base holds, the step does not
    assert symbolically_equal(sp.Sum(k, (k, 0, t)), t * (t + 1) / 2)


def test_a_step_with_every_value_given_is_one_exact_comparison_and_still_fails_when_wrong():
    from generator.proofs import Derivation

    n = sp.Symbol("N", integer=True, positive=True)
    given = Derivation(key="t.given", problem="t", title="t", lhs=U(sp.Mul, 8, U(sp.Pow, n, 2)),
                       steps=(Step(U(sp.Mul, 8, U(sp.Pow, 1000, 2)), "N as given"),
                              Step(sp.Integer(8 * 10**6), "multiply")), definitions={n: sp.Integer(1000)})
    assert given.constant == (True, True) and check_derivation(given).points == 2
    assert given.restating_steps == 1  # writing N out restates its definition; multiplying is a step of its own
    symbolic = dataclasses.replace(given, definitions={})  # N free: the first step is false, the check must see it
    with pytest.raises(ProofError):
        check_derivation(symbolic)
    wrong = dataclasses.replace(given, steps=(given.steps[0], Step(sp.Integer(8 * 10**6 + 1), "multiply")))
    with pytest.raises(ProofError):
        check_derivation(wrong)
