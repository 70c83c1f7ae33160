"""The errata of Activity 5's original: lint finds what its equations show, the rest is encoded.

A change to the original changes the errata: a new false step becomes an erratum by itself, and
a correction or quote the original no longer contains stops the build with a clear message.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import sympy as sp
from a5 import ACTIVITY, QUESTION_DEFAULTS, Questions
from a5 import errata as activity05_errata

from generator.errata import Claim, judge, quoted_in
from generator.errors import ProofError
from generator.original import Correction, find_errata, original_file

ORIGINAL = original_file(ACTIVITY.folder)
ENCODED = activity05_errata.build(Questions(**QUESTION_DEFAULTS))
CORRECTIONS = activity05_errata.CORRECTIONS


@pytest.fixture(scope="module")
def found():
    return {f.line: f for f in find_errata(ORIGINAL, CORRECTIONS, "original.md")}


def _line_of(fragment: str) -> int:
    text = ORIGINAL.read_text(encoding="utf-8")
    return text[:text.index(fragment)].count("\n") + 1


def test_lint_finds_every_false_display_of_the_original(found):
    failing = {line for line, f in found.items() if f.failures}
    expected = {_line_of(r"\frac{\partial L}{\partial \phi_0} ="), _line_of(r"\frac{\partial L}{\partial \phi_1} ="),
                _line_of(r"\mathbf{m}_{1} ="), _line_of(r"\mathbf{m}_{2} ="), _line_of(r"\mathbf{m}_{3} ="),
                _line_of(r"= \beta^{3}"), _line_of(r"\mathbf{m}_{t+1} = \beta^t"), _line_of(r"= \beta^{2}")}
    assert failing == expected
    # Problem 1's chain is correct; the m_2 expansion follows from the (wrong) lines before it, so
    # it fails only when read with every other display corrected
    assert not found[_line_of(r"\begin{split}")].failures and found[_line_of(r"\begin{split}")].corrected
    expansion = found[_line_of(r"= \beta^{2}")]
    assert expansion.isolated and expansion.corrected


def test_each_failure_has_a_point_of_simple_numbers_and_exact_sides_where_rational(found):
    for f in found.values():
        for failure in f.failures:
            assert failure.point, f.key
            for _, value in failure.point:
                number = sp.Rational(value)
                assert abs(number.p) <= 3 and number.q <= 4, (f.key, value)
    m1 = found[_line_of(r"\mathbf{m}_{1} =")].failures[0]
    assert sp.Rational(m1.left_value) != sp.Rational(m1.right_value)  # fractions, not rounded decimals
    assert "/" in m1.right_value or sp.Rational(m1.right_value).q == 1


def test_lint_repairs_both_slips_of_the_logistic_derivative_and_errata_do_not_look_for_shown_corrections(found):
    from generator.lint import lint_text

    line = _line_of(r"\frac{\partial L}{\partial \phi_0} =")
    report = lint_text(ORIGINAL.read_text(encoding="utf-8"), "markdown")
    hint = next(d for d in report.displays if d.line == line).failures[0].hint
    assert "sin is read as sig" in hint and "^2" in hint
    # the errata show a repair only for a display no correction touches; this one has corrections
    assert found[line].corrected and not found[line].failures[0].hint


def test_the_general_formula_is_checked_against_the_rule_and_each_instance(found):
    claims = [f.claim for f in found[_line_of(r"\mathbf{m}_{t+1} = \beta^t")].failures]
    assert any("follows the rule" in c for c in claims) and sum("against m[" in c for c in claims) == 3


def test_the_encoded_errata_are_what_no_equation_shows():
    assert {e.key for e in ENCODED} == {"hessian", "sigmoid_undefined", "parameter_meaning", "parameter_steepness",
                                      "plot_of_labels", "weights", "momentum_symbols"}
    judged = {j.key: j for j in judge(ENCODED)}
    for key in ("hessian", "parameter_meaning"):  # claims the original makes: refuted at a point
        assert judged[key].original is not None and judged[key].original.counterexample is not None
    for key in ("sigmoid_undefined", "plot_of_labels", "weights", "momentum_symbols"):
        assert judged[key].original is None  # in words: nothing to refute
    kinds = {e.key: e.kind for e in ENCODED}
    assert (kinds["plot_of_labels"], kinds["momentum_symbols"], kinds["weights"]) == ("wording", "omission", "omission")
    assert all(j.corrected.holds for j in judged.values() if j.corrected is not None)
    assert r"\phi_{1} = " in judged["parameter_meaning"].counterexample_latex.point
    assert r"100\,000 \times 1\,000\,000" in judged["hessian"].original_latex  # the missing zero, grouped as printed
    quoted_in(ENCODED, ORIGINAL.read_text(encoding="utf-8"), "original.md")  # every quote is in the original


def test_a_new_false_step_in_the_original_becomes_an_erratum(tmp_path):
    copy = tmp_path / "original.md"
    text = ORIGINAL.read_text(encoding="utf-8")
    planted = text.replace(r"2x_i(\phi_0 + \phi_1 x_i - y_i) \end{bmatrix}", r"3x_i(\phi_0 + \phi_1 x_i - y_i) \end{bmatrix}")
    assert planted != text
    copy.write_text(planted, encoding="utf-8")
    found = {f.line: f for f in find_errata(copy, CORRECTIONS, "original.md")}
    new = found[_line_of(r"\frac{\partial \ell_i}{\partial \phi} =")]
    assert new.failures and new.problem_label == "" and not new.corrected


def test_an_original_that_no_longer_has_a_corrected_fragment_stops_the_build(tmp_path):
    copy = tmp_path / "original.md"
    copy.write_text(ORIGINAL.read_text(encoding="utf-8").replace(r"\sin[", r"\text{sig}["), encoding="utf-8")
    with pytest.raises(ProofError, match="occurs 0 times"):
        find_errata(copy, CORRECTIONS, "original.md")


def test_a_correction_that_does_not_hold_stops_the_build():
    m1 = CORRECTIONS[[c.original.startswith(r"\mathbf{m}_{1}") for c in CORRECTIONS].index(True)]
    wrong = dataclasses.replace(m1, corrected=m1.corrected.replace(r"\mathcal{B}_{0}", r"\mathcal{B}_{5}"))
    fixed = tuple(wrong if c is m1 else c for c in CORRECTIONS)
    with pytest.raises(ProofError, match="corrected original does not hold"):
        find_errata(ORIGINAL, fixed, "original.md")


def test_a_correction_outside_every_display_stops_the_build():
    stray = Correction("problem:hessian", "### Solution:", "### Answer:", "not math")
    with pytest.raises(ProofError, match="changes no display"):
        find_errata(ORIGINAL, CORRECTIONS + (stray,), "original.md")


def test_a_quote_the_original_no_longer_contains_stops_the_build():
    gone = dataclasses.replace(ENCODED[0], quote="a sentence the handout never had")
    with pytest.raises(ProofError, match="no longer contains"):
        quoted_in((gone,), ORIGINAL.read_text(encoding="utf-8"), "original.md")


def test_an_original_without_a_counterexample_stops_the_build():
    x = sp.Symbol("x", real=True)
    not_an_error = dataclasses.replace(ENCODED[0], original=Claim(x * (x + 1), x**2 + x))
    with pytest.raises(ProofError, match="not refuted by a counterexample"):
        judge((not_an_error,))


def test_the_original_is_an_input_of_the_activity_folder():
    assert Path(ACTIVITY.folder) / "original.md" == ORIGINAL
    assert ORIGINAL in ACTIVITY.code_paths()  # so a change to it rebuilds the key
