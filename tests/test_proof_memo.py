"""A derivation proven before, identical, is not proven again; anything that could change its
verdict makes it a different derivation; a false one is never remembered."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp
from a5 import results

from generator import proof_memo
from generator.errors import ProofError
from generator.proofs import Step

R = results()
BY_KEY = {d.key: d for d in R.derivations}
CODE = "the code's digest"


def _broken(derivation):
    steps = list(derivation.steps)
    steps[-1] = Step(steps[-1].expr + 1, steps[-1].why)
    return dataclasses.replace(derivation, steps=tuple(steps))


def test_a_derivation_that_held_is_remembered_with_its_points(tmp_path, monkeypatch):
    derivation = BY_KEY["logistic.dsig_dz"]
    first = proof_memo.proven(derivation, tmp_path, CODE)
    assert len(list(tmp_path.glob("*.json"))) == 1

    def not_again(d):
        raise AssertionError("proven again")

    monkeypatch.setattr(proof_memo, "check_derivation", not_again)
    again = proof_memo.proven(derivation, tmp_path, CODE)
    assert (again.key, again.steps, again.points) == (first.key, first.steps, first.points)


def test_a_false_derivation_is_reported_every_time_and_never_remembered(tmp_path):
    broken = _broken(BY_KEY["logistic.dsig_dz"])
    for _ in range(2):
        with pytest.raises(ProofError):
            proof_memo.proven(broken, tmp_path, CODE)
    assert list(tmp_path.glob("*.json")) == []


def test_what_decides_the_verdict_decides_the_fingerprint():
    derivation = BY_KEY["momentum.m3"]  # it has definitions and a sampler
    base = proof_memo.fingerprint(derivation, CODE)
    assert base == proof_memo.fingerprint(derivation, CODE)
    beta = next(iter(derivation.samplers))
    changed = [
        proof_memo.fingerprint(_broken(derivation), CODE),
        proof_memo.fingerprint(derivation, CODE + " changed"),
        proof_memo.fingerprint(dataclasses.replace(derivation, definitions={}), CODE),
        proof_memo.fingerprint(dataclasses.replace(
            derivation, samplers={beta: lambda rng, top=50: sp.Rational(rng.randint(1, top), 100)}), CODE),
    ]
    assert None not in changed and len({base, *changed}) == len(changed) + 1


def test_a_sampler_whose_captured_value_changes_is_a_different_derivation():
    derivation = BY_KEY["momentum.m3"]
    beta = next(iter(derivation.samplers))

    def with_top(top):
        return dataclasses.replace(derivation, samplers={beta: lambda rng: sp.Rational(rng.randint(1, top), 100)})

    assert proof_memo.fingerprint(with_top(50), CODE) != proof_memo.fingerprint(with_top(99), CODE)


def test_a_sampler_that_cannot_be_told_apart_is_not_remembered(tmp_path):
    derivation = BY_KEY["momentum.m3"]
    beta = next(iter(derivation.samplers))
    opaque = object()
    unknowable = dataclasses.replace(derivation, samplers={beta: lambda rng: opaque and sp.Rational(1, 2)})
    assert proof_memo.fingerprint(unknowable, CODE) is None
    proof_memo.proven(unknowable, tmp_path, CODE)
    assert list(tmp_path.glob("*.json")) == []
