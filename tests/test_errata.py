"""The nine errata: the checker rejects each original statement and accepts each correction."""

from __future__ import annotations

from a5 import QUESTION_DEFAULTS, Questions
from a5 import errata as activity05_errata

from generator.errata import judge

ERRATA = activity05_errata.build(Questions(**QUESTION_DEFAULTS))
EXPECTED = {"hessian", "sin_for_sig", "misplaced_square", "loss_x_for_x_i", "parameter_meaning",
            "m1_indices", "m3_indices", "closed_form", "weights"}


def test_there_are_nine_errata_one_per_error_of_the_handout():
    assert {e.key for e in ERRATA} == EXPECTED


def test_each_original_is_rejected_with_a_counterexample_and_each_correction_proven():
    for e in ERRATA:
        original, corrected = e.original.judge(seed=3), e.corrected.judge(seed=3)
        assert not original.holds, e.key
        assert original.counterexample is not None, e.key
        assert original.left_value != original.right_value, e.key
        assert corrected.holds and corrected.symbolic and corrected.points >= 20, e.key


def test_judge_reports_the_counterexample_in_latex():
    judged = {j.key: j for j in judge(ERRATA)}
    assert r"\sin" in judged["sin_for_sig"].original_latex
    assert r"\sin" not in judged["sin_for_sig"].corrected_latex
    assert "100000" in judged["hessian"].original_latex and "1000000" in judged["hessian"].original_latex
    assert r"\phi_{1} = -2" in judged["parameter_meaning"].counterexample_latex  # the plotted negative phi1
    assert r"\mathcal{B}_{1}" in judged["m1_indices"].original_latex
    assert r"\mathcal{B}_{0}" in judged["m1_indices"].corrected_latex


def test_an_original_without_a_counterexample_stops_the_build():
    import dataclasses

    import pytest
    import sympy as sp

    from generator.errata import Claim
    from generator.errors import ProofError

    x = sp.Symbol("x", real=True)
    true_statement = Claim(x * (x + 1), x**2 + x)
    not_an_error = dataclasses.replace(ERRATA[0], original=true_statement)
    with pytest.raises(ProofError, match="not refuted by a counterexample"):
        judge((not_an_error,))


def test_a_seeded_terms_errata_are_refuted_and_corrected_too():
    from a5 import draw_questions

    variant = activity05_errata.build(draw_questions({"seed": 2027}, where=str))
    judged = judge(variant)
    assert len(judged) == 9
    assert all(j.original.counterexample is not None and j.corrected.holds for j in judged)
