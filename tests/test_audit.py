"""Two editions: the student's key speaks of mathematics only; the instructor's audit report says
what the build checked (every derivation with its key, every numeric check with its tolerance, the
errata's verdicts) and where each number on the key came from."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import BUILDS, make_root, pdf_text

pytestmark = BUILDS
PROCESS_WORDS = ("checker", "computer algebra", "evaluations", "random points", "tolerance")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from generator.build import build

    root = make_root(tmp_path_factory.mktemp("audit"))
    build("2024-fall", "activity05", kinds=("key", "handout", "audit"), root=root, log=lambda m: None)
    return root / "output" / "2024-fall"


def test_the_students_key_and_handout_say_nothing_of_how_they_were_made(built):
    for document in ("activity05-key.pdf", "activity05-handout.pdf"):
        text = " ".join(pdf_text(built / document).split()).lower()
        assert not [w for w in PROCESS_WORDS if w in text], document


def test_the_audit_report_lists_every_derivation_check_and_erratum(built):
    from a5 import QUESTION_DEFAULTS, Questions, errata, results

    text = " ".join(pdf_text(built / "activity05-audit.pdf").split())
    computed = results()
    squeeze = lambda s: re.sub(r"\s+", "", s)  # noqa: E731  (pdftotext may break a long code name)
    for derivation in computed.derivations:
        assert squeeze(derivation.key) in squeeze(text), derivation.key
    for check in computed.numeric_checks:
        assert squeeze(check.key) in squeeze(text), check.key
    encoded = errata.build(Questions(**QUESTION_DEFAULTS))
    slips = sum(len(c.slips) for c in errata.CORRECTIONS)  # a slip of a display shown on its own
    # each slip "on its own, rejected:", each claim in words read as a display "and rejected:"
    assert text.count(", rejected:") == slips and text.count("and rejected:") == sum(e.original is not None for e in encoded)
    from generator.original import find_errata, original_file

    found = find_errata(original_file(Path(errata.__file__).parent), errata.CORRECTIONS, "original.md")
    for key in [e.key for e in encoded] + [f.key for f in found]:
        assert squeeze(key) in squeeze(text), key
    failures = [failure for f in found for failure in f.failures]
    assert text.count("the line as written") == sum(not failure.sides for failure in failures)
    for failure in (failure for failure in failures if failure.sides):  # an induction step names its sides
        assert squeeze(f"{failure.sides[0]} gives") in squeeze(text), failure.sides
        assert squeeze(failure.sides[1].split(" of line ")[-1] + " gives") in squeeze(text), failure.sides
    assert any(failure.sides for failure in failures)  # the original's closed form fails its induction step


def test_every_number_on_the_key_is_in_the_audit_with_its_source(built):
    ledger = json.loads((built / "activity05-key.numbers.json").read_text())["numbers"]
    text = re.sub(r"\s+", "", pdf_text(built / "activity05-audit.pdf"))
    results = [entry for entry in ledger if entry["kind"] != "sympy"]  # a formula's own constants are notation
    missing = [entry["source"] for entry in results if re.sub(r"\s+", "", entry["source"]) not in text]
    assert len(results) > 60 and not missing, missing[:5]


def test_the_html_twins_follow_the_same_two_editions(built):
    import html as html_module

    from generator.html_build import build_html

    root = built.parent.parent
    build_html("2024-fall", "activity05", root=root, log=lambda m: None)
    page = html_module.unescape(re.sub(r"<[^>]+>", " ", (built / "activity05-key.html").read_text(encoding="utf-8")))
    assert not [w for w in PROCESS_WORDS if w in " ".join(page.split()).lower()]
    audit = (built / "activity05-audit.html").read_text(encoding="utf-8").replace("<wbr>", "").replace(
        "\u00a0", " ")  # code's break points, and the space that keeps "line" with its number
    ledger = json.loads((built / "activity05-key.numbers.json").read_text())["numbers"]
    assert all(html_module.escape(entry["source"], quote=False) in audit for entry in ledger if entry["kind"] != "sympy")
    assert "least_squares.dl_dphi0" in audit and "<math" in audit and "\\(" not in audit
    numbers = audit[audit.index('id="numbers"'):]
    places = re.findall(r'<tr role="row"><td role="cell" class="cell">.*?</td><td role="cell" class="cell text">'
                        r'<span class="label" aria-hidden="true">where on the key</span><span class="value">(.*?)</span></td>',
                        numbers, re.S)
    assert len(places) > 60 and all(place.strip() for place in places), "every number says where on the key it is"


def test_a_number_is_placed_in_its_part_and_its_caption_or_table(built):
    ledger = json.loads((built / "activity05-key.numbers.json").read_text())["numbers"]
    where = {entry["where"] for entry in ledger}
    assert {"Problem 2, solution (a)", "Table 1", "Problem 2, solution (c)"} <= where
    assert {"Figure 1, caption", "Figure 2, caption"} <= where


def test_a_fact_is_quoted_with_a_sentences_apostrophe_and_a_code_name_with_its_literal_mark():
    from generator.html import HtmlGate
    from generator.render import Gate

    meaning = "every layer's variance is below 5% of the one before it"
    assert Gate().words(meaning) == r"every layer's variance is below 5\% of the one before it"
    assert HtmlGate().words(meaning) == "every layer\u2019s variance is below 5% of the one before it"
    assert r"\textquotesingle" in Gate().plain("a_code'name")  # literal where literal matters


def test_the_intro_speaks_of_assumptions_only_for_an_activity_whose_steps_rest_on_one(built):
    from generator.activities import compute
    from generator.variants import defaults

    from conftest import load_activity

    text = " ".join(pdf_text(built / "activity05-audit.pdf").split())
    assumed = {name: sum(s.assumed for d in compute(a, defaults(a.parameters)).derivations for s in d.steps)
               for name, a in (("activity05", load_activity("activity05")), ("activity06", load_activity("activity06")))}
    assert assumed["activity05"] == 0 and "justified by an assumption" not in text
    assert assumed["activity06"] > 0  # the condition is not empty: Activity 6's expectations rest on some


def test_the_facts_that_choose_a_solutions_words_are_listed_with_their_values(built):
    from a5 import results

    text = " ".join(pdf_text(built / "activity05-audit.pdf").split())
    computed = results()
    assert not computed.hessian.fits_accelerator  # 10^6 parameters: the default's Hessian is 4 TB
    listed = [fact for name in ("momentum", "hessian") for fact in getattr(computed, name).facts]
    assert {"fits_accelerator", "plain_faster_at_best"} <= {fact.name for fact in listed}
    squeezed = re.sub(r"\s+", "", text).replace("√", "")  # the text layer puts a radical where its glyph is drawn
    for fact in listed:
        verdict = "true" if fact.value else "false"
        quoted = fact.meaning.replace("'", "\u2019")  # a sentence's apostrophe
        words = quoted.split("$")[::2]  # its math ($\sqrt{\beta}$) is set as math, not as its source
        assert re.sub(r"\s+", "", f"{fact.name}: “{words[0]}") in squeezed, fact.name
        assert re.sub(r"\s+", "", f"{words[-1]}”: {verdict}.") in squeezed, fact.name
        assert all(re.sub(r"\s+", "", w) in squeezed for w in words), fact.name


def test_the_audit_names_the_derivations_that_only_write_out_their_definitions(built):
    from generator.activities import compute
    from generator.variants import defaults

    from conftest import load_activity

    activity = load_activity("activity05")
    derivations = compute(activity, defaults(activity.parameters)).derivations
    only = [d.key for d in derivations if d.restating_steps == len(d.steps)]
    assert "momentum.m1" in only and "least_squares.dl_dphi0" not in only  # a one-step restatement; a real chain
    # the base case computes the closed form's one-term sum, which is what m_1 is defined as: a real check
    assert "momentum.induction_base" not in only
    text = re.sub(r"\s+", "", pdf_text(built / "activity05-audit.pdf"))
    named = text[text.index("everystepof"):text.index("nomorethan")]
    assert all(key in named for key in only)


def test_the_audit_says_at_a_glance_what_was_checked_and_names_what_was_not(built):
    text = re.sub(r"\s+", " ", pdf_text(built / "activity05-audit.pdf"))
    assert "At a glance, by problem" in text and "statements not covered" in text
    start = text.index("What the checks take as given and what they leave")
    listed = re.sub(r"\s", "", text[start:text.index("Derivations", start)])
    assert "momentum.limit" in listed  # stated, and proven by nothing
    assert "momentum.closed_form" not in listed  # named by the two induction derivations that prove it
    assert "momentum.best_rate" not in listed  # exercised by the check of plain descent's best factor
    # by problem, what defines the question's notation apart from what the key states unchecked
    def part(heading: str) -> str:  # the lines under one heading of the list, up to the next
        rest = listed[listed.index(heading) + len(heading):]
        return rest[:rest.index("Problem")] if "Problem" in rest else rest
    defined, stated = part("Problem3,defined:"), part("Problem3,statedwithoutacheck:")
    assert "momentum.alpha" in defined and "momentum.limit" in stated and "momentum.alpha" not in stated
    assert "readbyhessian.entries" in part("Problem4,defined:")  # N, which the counts' chain reads as given
    assert "\\lim" not in stated and "lim" in stated  # each quoted as the key prints it, beside its name
    assert "Beyond its definitions" in text  # each derivation says which of its steps the check confirms
