"""``lint`` on real keys: the original Activity 5 handout, correct keys, and copies with one planted error.

Each planted error is a one-line edit of a correct key; the test asserts that lint fails that
line and no line before it (the first failure is the error, whatever follows from it), and the
correct keys assert that nothing fails and nothing is left unread: a false alarm or a silent
pass makes a test here fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp

from generator.lint import lint_file, lint_text

SAMPLES = Path(__file__).parent / "lint_samples"
# The original, hand-written Activity 5 handout, errors included: an input of its activity's folder.
HANDOUT = Path(__file__).resolve().parents[1] / "activities" / "activity05" / "original.md"
MARKDOWN = SAMPLES / "correct-activity05.md"
LATEX = SAMPLES / "correct-variants.tex"
BACKPROP = SAMPLES / "correct-backprop.md"


def failing_lines(report) -> list[int]:
    return sorted({s.line for s in report.steps("fails")})


def simple_number(text: str) -> bool:
    """A value a person can check by hand: an integer or a fraction with small parts."""
    value = sp.Rational(text)
    return abs(value.p) <= 3 and value.q <= 4


@pytest.fixture(scope="module")
def handout():
    return lint_file(HANDOUT)


# -- the original handout ---------------------------------------------------------------------

def test_handout_both_logistic_derivatives_fail(handout):
    fails = {s.line: s for s in handout.steps("fails")}
    assert 45 in fails and 47 in fails  # dL/dphi_0 and dL/dphi_1
    for line in (45, 47):
        assert "sin" in fails[line].right and "sig" in fails[line].left_resolved
        assert fails[line].counterexample and fails[line].left_value != fails[line].right_value


def test_handout_logistic_failures_name_the_three_slips(handout):
    for line in (45, 47):
        (step,) = [s for s in handout.steps("fails") if s.line == line]
        assert "sin is read as sig" in step.reason
        assert "is read as (exp(-phi[0] - phi[1]*x[i]) + 1)^2" in step.reason
        assert "x is read as x_i in the definition of L (line 37)" in step.reason


def test_handout_m3_expansion_fails(handout):
    (step,) = [s for s in handout.steps("fails") if s.line == 71]
    assert step.claim.startswith("equal to the link before it (with m[1] from line 63, m[2] from line 65")
    assert "g[1, t]" in step.left_resolved and "g[3, t]" in step.right  # B_1 expected, B_3 written


def test_handout_general_momentum_formula_fails_against_its_instances(handout):
    at_75 = [s for s in handout.steps() if s.line == 75]
    assert at_75 and all(s.status == "fails" for s in at_75)
    claims = " | ".join(s.claim for s in at_75)
    assert "against m[1] of line 63" in claims and "against m[3] of line 69" in claims
    assert "follows the rule" in claims


def test_handout_problem_1_chain_holds(handout):
    (display,) = [d for d in handout.displays if d.line == 22]
    assert display.status == "checked"
    assert [s.status for s in display.steps] == ["holds"] * 6


def test_handout_every_display_is_accounted_for(handout):
    assert len(handout.displays) == 17
    assert all(d.steps for d in handout.displays)
    assert not handout.steps("not understood") and not handout.steps("unproven")


def test_handout_counterexamples_are_simple_numbers(handout):
    for step in handout.steps("fails"):
        assert step.counterexample is not None
        assert all(simple_number(v) for v in step.counterexample.values()), step.counterexample


# -- correct keys: no false alarm -------------------------------------------------------------

@pytest.mark.parametrize("path", [MARKDOWN, LATEX], ids=["markdown", "latex"])
def test_correct_key_has_no_false_alarm(path):
    report = lint_file(path)
    assert report.steps("fails") == []
    assert report.steps("not understood") == [] and report.steps("unproven") == []
    assert len(report.steps("holds")) >= 17
    assert report.exit_code(strict=True) == 0


# -- planted errors: one each, found at its line ---------------------------------------------

PLANTED_MARKDOWN = [
    (8, r"2x_i(\phi_0", r"2(\phi_0"),                          # the gradient's second entry
    (10, r"&= \sum_{i}^{I} 2(\phi_0 + \phi_1 x_i - y_i) \end", r"&= \sum_{i}^{I} (\phi_0 + \phi_1 x_i - y_i) \end"),
    (12, r"2 x_i (", r"2 ("),                                    # dL/dphi_1 without x_i
    (16, r"1 + \exp[-z]", r"1 - \exp[-z]"),                      # the sigmoid itself
    (20, r"(1 - \text{sig}[z])$$", r"(1 + \text{sig}[z])$$"),
    (22, r"{1 - \text{sig}[", r"{1 - \sin["),                    # sin for sig, once
    (22, r"\right)^2}$$", r"^2 \right)}$$"),                     # the misplaced square
    (23, r"(\text{sig}[\phi_0 + \phi_1 x_i] - y_i)", r"(y_i - \text{sig}[\phi_0 + \phi_1 x_i])"),
    (26, r"x_i (\text{sig}", r"(\text{sig}"),
    (32, r"\mathcal{B}_{0}", r"\mathcal{B}_{1}"),                # m_1 from the wrong batch
    (36, r"\beta^{2} \cdot", r"\beta \cdot"),
    (38, r"\left[\phi_{2}\right]", r"\left[\phi_{t}\right]"),    # phi_t never re-indexed
    (40, r"\mathcal{B}_{0}", r"\mathcal{B}_{2}"),                # the handout's m_3 error
    (44, r"\beta^{t+1} \cdot", r"\beta^{t} \cdot"),              # the handout's coefficient
    (44, r"t'=0", r"t'=1"),                                      # the handout's range
    (48, r"1 - \beta^{t+1}", r"1 - \beta^{t}"),
    (52, r"10^{12}", r"10^{11}"),
    (54, r"500000500000", r"500000000000"),
]

PLANTED_LATEX = [
    (9, r"2\left(\phi_0", r"\left(\phi_0"),
    (11, r"\phi_1 x_i^2", r"\phi_1 x_i"),
    (16, r"1 + e^{-z}", r"1 + e^{z}"),
    (19, r"\bigl(1 - \sigma(z)\bigr)", r"\bigl(1 + \sigma(z)\bigr)"),
    (28, r"\sigma(z_i) - y_i", r"y_i - \sigma(z_i)"),
    (29, r"x_i \left( \sigma(z_i) - y_i \right)", r"\left( \sigma(z_i) - y_i \right)"),
    (38, r"\mathbf{g}_0", r"\mathbf{g}_1"),
    (40, r"\beta (1 - \beta) \mathbf{g}_0", r"\beta (1 - \beta) \mathbf{g}_1"),
    (41, r"\beta^2 (1 - \beta) \mathbf{g}_0", r"\beta^2 (1 - \beta) \mathbf{g}_2"),
    (44, r"\beta^{t - t'}", r"\beta^{t' - t}"),
    (48, r"= 10^{12}", r"= 10^{13}"),
]


def planted(path: Path, line: int, old: str, new: str) -> str:
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[line - 1].count(old) >= 1, f"line {line} of {path.name} has no {old!r}"
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return "\n".join(lines)


@pytest.mark.slow  # one lint run a planted error: seconds of SymPy in all
@pytest.mark.parametrize("line,old,new", PLANTED_MARKDOWN, ids=[f"md{p[0]}-{n}" for n, p in enumerate(PLANTED_MARKDOWN)])
def test_planted_error_markdown(line, old, new):
    report = lint_text(planted(MARKDOWN, line, old, new), "markdown", "planted.md")
    assert failing_lines(report)[:1] == [line], report.text()
    assert report.exit_code() == 1


@pytest.mark.slow  # one lint run a planted error: seconds of SymPy in all
@pytest.mark.parametrize("line,old,new", PLANTED_LATEX, ids=[f"tex{p[0]}-{n}" for n, p in enumerate(PLANTED_LATEX)])
def test_planted_error_latex(line, old, new):
    report = lint_text(planted(LATEX, line, old, new), "latex", "planted.tex")
    assert failing_lines(report)[:1] == [line], report.text()


def test_a_failure_names_line_sides_and_counterexample():
    report = lint_text(planted(MARKDOWN, 52, r"10^{12}", r"10^{11}"), "markdown", "k.md")
    (step,) = report.steps("fails")
    text = report.text()
    assert "k.md:52: FAILS" in text and "counterexample" in text
    assert step.left and step.right and step.left_value != step.right_value


# -- Activity 6's kind of key: a forward and backward pass, values rounded to the digits shown -----

def test_backprop_key_holds_and_declines_only_what_it_cannot_check():
    report = lint_file(BACKPROP)
    assert report.steps("fails") == [] and report.steps("unproven") == []
    assert {s.line for s in report.steps("not understood")} == {24, 33, 37}  # d/dbeta_k, Var, E
    assert len(report.steps("holds")) >= 18


PLANTED_BACKPROP = [
    (8, "0.9425", "0.9452"),                                      # a rounded value, digits swapped
    (18, r"-\sin[f_2]", r"\sin[f_2]"),                            # the sign of cos'
    (20, r"\cos[f_0] \omega_1", r"\sin[f_0] \omega_1"),
    (21, r"\omega_3 \omega_2 \omega_1 x", r"\omega_3 \omega_2 x"),  # a factor dropped in the closed form
    (22, "0.7445", "0.7454"),
    (23, "5.2461", "5.2416"),
    (29, r"= \text{sig}[f] - y", r"= y - \text{sig}[f]"),
    (31, r"\frac{1}{4}", r"\frac{1}{2}"),
]


@pytest.mark.parametrize("line,old,new", PLANTED_BACKPROP, ids=[f"bp{p[0]}" for p in PLANTED_BACKPROP])
def test_planted_error_backprop(line, old, new):
    report = lint_text(planted(BACKPROP, line, old, new), "markdown", "planted.md")
    assert failing_lines(report)[:1] == [line], report.text()


# -- another author's momentum: a formula for m_t, a re-indexed sum, named weights ----------------

MOMENTUM = SAMPLES / "correct-momentum-style.tex"


def test_momentum_in_another_style_is_proven_throughout():
    report = lint_file(MOMENTUM)
    assert [s.status for s in report.steps() if s.status != "defines"] == ["holds"] * 9


PLANTED_MOMENTUM = [
    (5, r"\mathbf{g}_{0}", r"\mathbf{g}_{1}"),
    (6, r"\mathbf{g}_{1}", r"\mathbf{g}_{2}"),
    (7, r"\beta^{2}\mathbf{m}_{0}", r"\beta\mathbf{m}_{0}"),
    (11, r"\beta^{t-1-k}", r"\beta^{t-k}"),
    (12, r"\beta^{j-1}", r"\beta^{j}"),
    (16, r"1-\beta^{t+1}.", r"1-\beta^{t}."),
]


@pytest.mark.parametrize("line,old,new", PLANTED_MOMENTUM, ids=[f"mom{p[0]}" for p in PLANTED_MOMENTUM])
def test_planted_error_momentum(line, old, new):
    report = lint_text(planted(MOMENTUM, line, old, new), "latex", "planted.tex")
    assert failing_lines(report)[:1] == [line], report.text()
