"""Every number on the page came through the formatter or SymPy; a typed number is caught."""

from __future__ import annotations

import json
import re

import pytest

from generator import config
from generator.audit import typed_numbers
from generator.build import BuildReport, load_model, render_documents
from generator.paths import Paths

from conftest import ACTIVITY, REPO, copy_activities, load_activity, pdf_text, prose


@pytest.fixture(scope="module")
def model(built):
    cfg = config.load(REPO / "semesters" / "2024-fall.toml")
    term, activity = cfg.activity(ACTIVITY), load_activity()
    root = built.parent.parent
    model = load_model(activity, term, Paths(root, "2024-fall", ACTIVITY), BuildReport("2024-fall", ACTIVITY),
                       lambda m: None)
    return cfg, term, activity, model


def test_no_typed_numbers_in_key_or_handout(model):
    cfg, term, activity, m = model
    documents = render_documents(cfg, term, m, activity, audit=True)
    assert set(documents) == {"key", "handout"}
    for kind, document in documents.items():
        assert typed_numbers(document.tex) == [], kind


def test_the_audit_catches_a_number_typed_into_a_template(model, tmp_path):
    cfg, term, _, m = model
    copy_activities(tmp_path)
    fragment = prose(tmp_path, "momentum")
    fragment.write_text(fragment.read_text().replace("The pattern is the closed form",
                                                     "After 3 steps the pattern is the closed form"))
    edited = load_activity(root=tmp_path)
    found = typed_numbers(render_documents(cfg, term, m, edited, ("key",), audit=True)["key"].tex)
    assert [n.text for n in found] == ["3"]
    assert "After 3 steps" in found[0].context


@pytest.mark.parametrize("line,typed", [
    (r"$\phi_0 + \phi_{1}x_i^2$ and $\mathbf{m}_{t+1}$", []),
    (r"\includegraphics[width=0.5\linewidth]{fig-2.pdf}\label{eq:3}", []),
    (r"\vspace{2pt} within 0.5em", []),
    (r"the loss is 12.37", ["12.37"]),
    (r"$x = 3$, not <<NUM>>", ["3"]),
    (r"% a comment with 42", []),
])
def test_the_notation_rule(line, typed):
    tex = "\\begin{document}\n" + line + "\n\\end{document}"
    assert [n.text for n in typed_numbers(tex)] == typed


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("−", "-").replace("×", "x").replace("^", "")


def test_numbers_json_lists_every_formatted_number_with_a_source(built):
    ledger = json.loads((built / "activity05-key.numbers.json").read_text())["numbers"]
    tex = (built / "activity05-key.tex").read_text()
    formatted = [e for e in ledger if e["kind"] == "number"]
    assert len(formatted) == len(re.findall(r"\\num\{", tex))
    assert all(e["source"] and e["text"] for e in ledger)
    assert {e["kind"] for e in ledger} == {"number", "text", "date", "sympy", "figure", "quoted", "computed",
                                           "counterexample", "claimed"}
    assert all(e["source"].startswith("erratum ") for e in ledger if e["kind"] == "quoted")
    assert all(e["source"].startswith("checker counterexample for erratum ") for e in ledger
               if e["kind"] == "counterexample")
    claimed = [e for e in ledger if e["kind"] == "claimed"]  # the hessian's claim: 100000 * 1000000 = 10^12
    assert all(re.fullmatch(r"erratum \S+ original", e["source"]) for e in claimed)
    assert {"100000", "1000000", "10^12"} <= {e["text"] for e in claimed}
    sources = {e["source"] for e in ledger}
    for expected in ("results.least_squares.loss_at_start", "config.activity.date",
                     "results.hessian.entries", "results.momentum.weights[3].weight"):
        assert expected in sources


def test_every_recorded_number_is_printed_in_the_pdf(built):
    ledger = json.loads((built / "activity05-key.numbers.json").read_text())["numbers"]
    text = _normal(pdf_text(built / "activity05-key.pdf"))
    missing = [e for e in ledger if e["kind"] in ("number", "date", "text") and _normal(e["text"]) not in text]
    assert missing == []


@pytest.mark.slow
@pytest.mark.parametrize("semester", ["2024-fall", "2027-spring"])
def test_every_activity_of_every_term_passes_check_and_the_provenance_audit(semester, tmp_path):
    """`make check`, as a user runs it: every proof, numeric check and both documents' audit."""
    import subprocess
    import sys

    from conftest import make_root

    root = make_root(tmp_path / "root")
    done = subprocess.run([sys.executable, "-m", "generator", "check", "--semester", semester, "--root", str(root)],
                          cwd=REPO, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    activities = [line for line in done.stdout.splitlines() if line.startswith("activity")]
    assert len(activities) == (1 if semester == "2024-fall" else 2), done.stdout
    assert done.stdout.count("provenance of the key            holds") == len(activities)
    assert done.stdout.count("provenance of the handout        holds") == len(activities)
