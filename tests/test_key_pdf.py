"""The built key and handout, read back as a student would: pdftotext of the real PDFs."""

from __future__ import annotations

import re

import pytest

from generator.build import build
from generator.errors import LatexError, RenderError

from conftest import BUILDS, make_root, pdf_text, prose, set_questions

pytestmark = BUILDS


@pytest.fixture(scope="module")
def key_text(built):
    return pdf_text(built / "activity05-key.pdf")


@pytest.fixture(scope="module")
def handout_text(built):
    return pdf_text(built / "activity05-handout.pdf")


def _solutions(text: str) -> str:
    """The key without its errata section, where the handout's wrong forms are quoted."""
    return text.split("Errata of the original handout")[0]


def test_header_comes_from_the_semester_config(key_text):
    head = key_text[:600]
    for expected in ("CS 316/365 Deep Learning", "Activity 5: Gradient Descent", "October 2, 2024", "Answer key"):
        assert expected in head


def test_derivatives_use_sig_and_never_sin(key_text):
    body = _solutions(key_text)
    assert body.count("sig[") >= 20
    assert "sin[" not in body and "sin(" not in body


def test_hessian_is_a_million_by_a_million_with_a_trillion_entries(key_text):
    # pdftotext flattens superscripts: 10^6 reads "106".
    assert re.search(r"106 × 106 = 1012 entries", key_text)
    assert "100000 × 1000000" not in _solutions(key_text)


def test_loss_uses_x_i_and_the_square_is_outside(key_text):
    body = _solutions(key_text)
    assert "log[1 − sig[ϕ0 + ϕ1 xi ]]" in body
    assert "log[1 − sig[ϕ0 + ϕ1 x]]" not in body


def test_momentum_indices_are_consistent(key_text):
    body = _solutions(key_text)
    assert "m1 = βm0 + (1 − β)g0" in body
    # the closed form: its superscript is set above the line, where the text layer puts it on a line of its own
    closed = re.search(r"mt\+1 = β\s*(?:t\+1\s*)?m0 \+ \(1 − β\)", body.replace("\n", " "))
    assert closed and "t+1" in body[closed.start():closed.start() + 400].replace(" ", "")
    assert "B1" not in body and "B3" not in body  # the handout's wrong batches appear only in the errata
    assert "Bt′" in body and "g0" in body


def test_errata_quote_each_error_of_the_original_and_correct_it(key_text):
    from a5 import ACTIVITY, QUESTION_DEFAULTS, Questions
    from a5 import errata as encoded

    from generator.original import find_errata, original_file

    found = find_errata(original_file(ACTIVITY.folder), encoded.CORRECTIONS, "original.md")
    claims = encoded.build(Questions(**QUESTION_DEFAULTS))
    expected = len(found) + len(claims)
    errata = key_text.split("Errata of the original handout")[1]
    assert errata.count("Original:") == expected
    refuted = sum(e.kind == "claim" for e in claims)  # a claim in words, refuted
    in_words = sum(e.kind == "wording" for e in claims)  # a wrong word, corrected in words
    assert errata.count("Corrected:") == len(found) + refuted + in_words
    assert errata.count("Supplied:") == sum(e.original is None and e.corrected is not None for e in claims)
    words = " ".join(errata.split()).lower()
    # each side named in words: what the line writes, then what the lines before it give (a value
    # set as a fraction may split the words in pdftotext's text, so only their start is counted)
    own = [[encoded.CORRECTIONS[n] for n in f.corrections] for f in found]
    slips = [any(c.slips for c in cs) for cs in own]
    shown = [bool(f.failures) and all(c.counterexample for c in cs) and not slipped
             for f, cs, slipped in zip(found, own, slips)]
    assert words.count("line as") == sum(shown)
    assert words.count("slip on its own") == sum(slips) > 0
    assert words.count("its left side is") == refuted
    for process in ("lint", "checker", "proven", "rejected"):
        assert process not in errata


def test_handout_has_the_questions_and_no_solution(handout_text):
    for question in ("Least-squares gradient", "Logistic regression", "Momentum", "Size of the Hessian",
                     "What is a suitable loss function", "parameters?"):
        assert question in handout_text
    for leak in ("Solution", "Errata", "counterexample", "Numerical check", "Answer key", "sig[0]"):
        assert leak not in handout_text


def _break_prose(root, old: str, new: str) -> None:
    """Edit Problem 4's prose in the root's own copy of the activity."""
    fragment = prose(root, "hessian")
    text = fragment.read_text()
    assert old in text
    fragment.write_text(text.replace(old, new, 1))


def test_a_latex_error_is_reported_with_its_line_and_the_old_pdf_stays(tmp_path, built):
    root = make_root(tmp_path / "root", like=built.parent.parent, activities=True)
    build("2024-fall", root=root, kinds=("key",), log=lambda m: None)
    pdf = root / "output" / "2024-fall" / "activity05-key.pdf"
    before = pdf.read_bytes()
    _break_prose(root, "Memory grows as", r"\undefinedmacro Memory grows as")
    with pytest.raises(LatexError) as caught:
        build("2024-fall", root=root, kinds=("key",), log=lambda m: None)
    message = caught.value.render()
    assert "Undefined control sequence" in message
    assert r"\undefinedmacro Memory grows as" in message  # the failing source line is quoted
    assert pdf.read_bytes() == before


def test_a_failing_build_keeps_the_previous_figures_and_outputs(tmp_path, built):
    root = make_root(tmp_path / "root", like=built.parent.parent, activities=True)
    build("2024-fall", root=root, kinds=("key",), log=lambda m: None)
    before = {p: p.read_bytes() for p in sorted((root / "output").rglob("*")) + sorted((root / "figures").rglob("*"))
              if p.is_file()}
    set_questions(root / "semesters" / "2024-fall.toml", "momentum_beta = 0.8")  # new figures
    _break_prose(root, "Memory grows as", r"\undefinedmacro Memory grows as")
    with pytest.raises(LatexError):
        build("2024-fall", root=root, kinds=("key",), log=lambda m: None)
    for path, data in before.items():
        assert path.read_bytes() == data, path


def test_a_template_syntax_error_names_the_template_and_line(tmp_path, built):
    root = make_root(tmp_path / "root", like=built.parent.parent, activities=True)
    _break_prose(root, "((* endif *))", "((* endfor *))")
    with pytest.raises(RenderError) as caught:
        build("2024-fall", root=root, kinds=("key",), log=lambda m: None)
    assert "prose/hessian.j2" in caught.value.message
    assert not (root / "output").exists()


def test_captions_say_what_the_figures_show(tmp_path, built):
    root = make_root(tmp_path / "root", like=built.parent.parent)
    set_questions(root / "semesters" / "2024-fall.toml", "logistic_phi1_fixed = -1.5")
    build("2024-fall", root=root, kinds=("key",), log=lambda m: None)
    caption = " ".join(pdf_text(root / "output" / "2024-fall" / "activity05-key.pdf").split())
    assert "the same shape slides right as ϕ0 grows" in caption


def test_the_default_captions(key_text):
    caption = " ".join(key_text.split())
    assert "the same shape slides left as ϕ0 grows" in caption
    from a5 import QUESTION_DEFAULTS, Questions, problem

    run = problem("momentum").compute(Questions(**QUESTION_DEFAULTS)).comparison
    assert f"Plain gradient descent zig-zags across the valley: its step across it changes sign {run.plain_reversals} " \
        "times." in caption
    assert f"Momentum swings across the valley more slowly, changing sign there {run.momentum_reversals} times." in caption
    assert "plain gradient descent ends next to the optimum (cross)" in caption  # its end marker is under the cross
    oldest = f"and {run.weight_sum_drawn:.4f} at k = {run.oldest_k}, the oldest gradient of (b)’s {run.steps} steps"
    assert oldest in caption  # what panel (a) draws


BROKEN_STEP_BUILD = """
import dataclasses, importlib, sys
from pathlib import Path
import sympy as sp
from generator.activities import load_activity
from generator.proofs import Step
load_activity(Path(sys.argv[1]), "activity05")  # the root's activities (the checkout's), importable
p = importlib.import_module("activities.activity05.problems.01_least_squares")
d = p.DERIVATIONS[0]
last = d.steps[-1]
wrong = Step(last.expr.replace(lambda e: e == sp.Integer(2), lambda e: sp.Integer(3)), last.why)  # 2 -> 3
p.DERIVATIONS = (dataclasses.replace(d, steps=d.steps[:-1] + (wrong,)),) + p.DERIVATIONS[1:]
from generator.cli import main
sys.exit(main(["pdf", "--semester", "2024-fall", "--root", sys.argv[1]]))
"""


def test_a_false_step_stops_make_pdf_with_a_message_naming_it(tmp_path):
    import subprocess
    import sys

    root = make_root(tmp_path / "root")
    run = subprocess.run([sys.executable, "-c", BROKEN_STEP_BUILD, str(root)], capture_output=True, text=True)
    assert run.returncode == 1
    assert "proof failed: Problem 1" in run.stderr and "least_squares.dl_dphi0" in run.stderr
    assert "step 3 does not follow from step 2" in run.stderr and "counterexample" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (root / "output").exists()
