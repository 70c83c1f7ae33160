"""The reader on the book's notation, one habit at a time, and the displays it finds.

Each case is a habit the issue names (square-bracket application, ``\\exp[..]^2``,
``\\partial \\phi_0``, batches, ``\\leftarrow``) or a form where a careless reader goes wrong.
"""

from __future__ import annotations

import pytest
import sympy as sp

from generator.lint import lint_text
from generator.lint.parser import FileContext, NotUnderstood, Parser
from generator.lint.source import displays
from generator.lint.tokens import tokenize
from generator.notation import sig


def read(latex: str, context: str | None = None):
    ctx = FileContext([context or latex])
    elements = Parser(tokenize(latex), ctx).chain()
    return [value for _, value, _, _ in elements]


def test_square_brackets_apply_functions():
    z = sp.Symbol("z", real=True)
    assert read(r"\text{sig}[z]") == [sig(z)]
    assert read(r"\operatorname{sig}[z]") == [sig(z)]
    assert read(r"\log \left[ \exp[-z] \right]") == [sp.log(sp.exp(-z))]
    assert read(r"\sin[z]") == [sp.sin(z)]


def test_a_power_after_brackets_belongs_to_the_application():
    z = sp.Symbol("z", real=True)
    (value,) = read(r"(1 + \exp[-z]^2)")
    assert value == 1 + sp.exp(-z) ** 2 and value != (1 + sp.exp(-z)) ** 2


def test_partial_operators_apply_to_the_rest_of_the_product():
    (value,) = read(r"\frac{\partial}{\partial \phi_0} (\phi_0 + \phi_1 x) \cdot 3")
    assert isinstance(value, sp.Derivative) and value.variables == (sp.IndexedBase("phi")[0],)
    assert value.doit() == 3


def test_sum_without_lower_limit_starts_at_one_and_extends_over_indexed_terms():
    (value,) = read(r"\sum_{i}^{I} -(1 - y_i) a - y_i b")
    assert isinstance(value, sp.Sum) and value.limits[0][1] == 1
    assert value.function.has(sp.IndexedBase("y")[sp.Idx("i")]) and value.function.has(sp.Symbol("b", real=True))


def test_batches_are_different_quantities():
    a, b = read(r"\sum_{i \in \mathcal{B}_1} \ell_i = \sum_{i \in \mathcal{B}_2} \ell_i")
    assert a != b and a.base == b.base and a.indices == (1,) and b.indices == (2,)


def test_bold_names_and_update_rules():
    ctx = FileContext([r"\mathbf{m}_{t+1} \leftarrow \beta \mathbf{m}_t"])
    elements = Parser(tokenize(r"\mathbf{m}_{t+1} \leftarrow \beta \mathbf{m}_t"), ctx).chain()
    assert [rel for rel, *_ in elements] == [None, "<-"]
    assert elements[0][1].base.label.name == "m"


def test_unread_forms_say_where():
    for text in (r"\int_0^1 x dx", r"a \le b", r"|x|", r"\lim_{x \to 0} x"):
        with pytest.raises(NotUnderstood) as caught:
            read(text)
        assert caught.value.reason and 0 <= caught.value.pos <= len(text)


def test_markdown_and_latex_displays_with_lines():
    md = "text\n\n$$a = b$$\n\\[\nc = d\n\\]\n```\n$$ 1 = 2 $$\n```\n"
    found = displays(md, "markdown")
    assert [(d.line, d.environment) for d in found] == [(3, "$$"), (4, "\\[")]
    tex = "\\begin{align}\n x &= 1 \\\\\n   &= 1 % a comment = 2\n\\end{align}\n"
    (d,) = displays(tex, "latex")
    assert [r.line for r in d.rows] == [2, 3] and d.rows[1].tokens[0].is_sym("=")


def test_a_display_beginning_with_equals_continues_the_chain():
    report = lint_text("$$(a + b)^2 = a^2 + 2ab + b^2$$\n\n$$= (b + a)^2$$\n", "markdown")
    assert [(s.line, s.status) for s in report.steps()] == [(1, "holds"), (3, "holds")]
    report = lint_text("$$(a + b)^2 = a^2 + 2ab + b^2$$\n\n$$= (b - a)^2$$\n", "markdown")
    assert [(s.line, s.status) for s in report.steps()] == [(1, "holds"), (3, "fails")]


def test_definitions_carry_forward_to_derivatives():
    key = "$$L[\\phi] = \\sum_{i=1}^{I} (\\phi_0 x_i - y_i)^2$$\n$$\\frac{\\partial L}{\\partial \\phi_0} = " \
          "\\sum_{i=1}^{I} 2 x_i (\\phi_0 x_i - y_i)$$\n"
    assert [s.status for s in lint_text(key).steps()] == ["defines", "holds"]
    wrong = key.replace("2 x_i (", "2 (")
    assert [s.status for s in lint_text(wrong).steps()] == ["defines", "fails"]


def test_a_derivative_of_an_undefined_name_is_not_understood_not_failed():
    (step,) = lint_text("$$\\frac{\\partial \\ell_i}{\\partial \\phi_0} = 2 \\phi_0$$").steps()
    assert step.status == "not understood" and "not defined" in step.reason


SAMPLES = __import__("pathlib").Path(__file__).parent / "lint_samples"


def test_common_habits_hold_or_are_declined_never_false_alarms():
    """sigma'(z), tanh, a mean loss, log[ab], x^{(i)}, \\frac12, a condition = 0, a vector product."""
    from generator.lint import lint_file

    report = lint_file(SAMPLES / "habits.md")
    assert report.steps("fails") == [] and report.steps("unproven") == []
    declined = {s.line: s.reason for s in report.steps("not understood")}
    assert set(declined) == {11, 15, 23}  # the condition = 0, the vector product, \\max
    assert "condition" in declined[11]
    assert len(report.steps("holds")) == 10


def test_unreadable_parts_are_each_reported_with_a_reason():
    from generator.lint import lint_file

    report = lint_file(SAMPLES / "unreadable-parts.md")
    lines = {s.line: s for s in report.steps("not understood")}
    assert {5, 7, 9, 11, 15, 17, 19, 32} <= set(lines)
    assert all(s.reason and s.source for s in lines.values())
    assert [s.line for s in report.steps("fails")] == [26]  # B_1 and B_2 are different batches
    assert report.exit_code() == 1


def test_unicode_connectives_chain_rule_and_nabla():
    """φ, ∂, ·, − pasted in; \\text{and} between equations; an explicit chain rule; \\nabla_phi."""
    from generator.lint import lint_file

    report = lint_file(SAMPLES / "unicode-and-connectives.md")
    assert report.steps("fails") == [] and report.steps("not understood") == []
    assert len(report.steps("holds")) == 5  # the HTML comment's 1 = 2 is not read
    text = (SAMPLES / "unicode-and-connectives.md").read_text(encoding="utf-8")
    wrong = lint_text(text.replace("= 2 r_i · x_i", "= 2 r_i"), "markdown")
    assert [s.line for s in wrong.steps("fails")] == [3]


def test_a_number_claimed_for_a_formula_fails_unless_it_is_a_condition_or_an_evaluation():
    key = ("$$\\sum_{k=0}^{t} (1 - \\beta) \\beta^{k} = 1$$\n"          # false for every t: a failure
           "$$f_0 = \\beta_0 + \\omega_0 x = 1 + 0.1 \\cdot 2.3$$\n"      # values given in prose
           "$$L = (\\phi_0 - 1)^2$$\n$$\\frac{\\partial L}{\\partial \\phi_0} = 0$$\n")  # a condition
    report = lint_text(key)
    assert [(s.line, s.status) for s in report.steps() if s.status != "defines"] == [
        (1, "fails"), (2, "not understood"), (4, "not understood")]


def test_round_brackets_after_a_name_hold_arguments_when_they_hold_the_parameters():
    key = ("$$L(\\phi) = \\sum_{i=1}^{I} \\ell_i(\\phi) = \\sum_{i=1}^{I} (f(x_i, \\phi) - y_i)^2 "
           "= \\sum_{i=1}^{I} (\\phi_0 + \\phi_1 x_i - y_i)^2$$\n"
           "$$\\beta(1 - \\beta) + x_i(\\phi_0 + 1) = \\beta - \\beta^2 + x_i \\phi_0 + x_i$$\n")
    assert [s.status for s in lint_text(key).steps()] == ["defines"] * 3 + ["holds"]


def test_latex_environments_eqnarray_multline_split_aligned_and_column_pairs():
    from generator.lint import lint_file

    report = lint_file(SAMPLES / "correct-environments.tex")
    assert report.steps("fails") == [] and report.steps("not understood") == []
    assert [d.line for d in report.displays] == [3, 7, 11, 17, 23] and len(report.steps("holds")) == 8
    text = (SAMPLES / "correct-environments.tex").read_text(encoding="utf-8")
    wrong = lint_text(text.replace("+ 3 a b^2 + b^3", "+ 3 a b^2 - b^3"), "latex")
    assert [s.line for s in wrong.steps("fails")] == [8]  # the multline's chain starts on line 8


def test_an_empty_display_is_reported():
    report = lint_text("$$ $$\n")
    assert [s.status for s in report.steps()] == ["not understood"] and report.steps()[0].reason
