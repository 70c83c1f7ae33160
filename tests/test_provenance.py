"""Every number on the page came through the formatter or SymPy; a typed number is caught."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import pdf_text
from generator import config
from generator.audit import typed_numbers
from generator.build import ROOT, Paths, BuildReport, load_model, render_documents
from generator.render import TEMPLATES


@pytest.fixture(scope="module")
def model(built):
    cfg = config.load(ROOT / "semesters" / "2024-fall.toml")
    root = built.parent.parent
    return cfg, load_model(cfg, Paths(root, "2024-fall"), BuildReport("2024-fall"), lambda m: None)


def test_no_typed_numbers_in_key_or_handout(model):
    cfg, m = model
    for kind, document in render_documents(cfg, m, audit=True).items():
        assert typed_numbers(document.tex) == [], kind


def test_the_audit_catches_a_number_typed_into_a_template(model, tmp_path):
    cfg, m = model
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    fragment = templates / "problems" / "momentum.tex.j2"
    fragment.write_text(fragment.read_text().replace("The pattern is the closed form",
                                                     "After 3 steps the pattern is the closed form"))
    found = typed_numbers(render_documents(cfg, m, ("key",), templates, audit=True)["key"].tex)
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
    assert {e["kind"] for e in ledger} == {"number", "text", "date", "sympy", "figure"}
    sources = {e["source"] for e in ledger}
    for expected in ("results.least_squares.loss_at_start", "config.activity.date",
                     "results.hessian.entries", "results.momentum.weights[3].weight"):
        assert expected in sources


def test_every_recorded_number_is_printed_in_the_pdf(built):
    ledger = json.loads((built / "activity05-key.numbers.json").read_text())["numbers"]
    text = _normal(pdf_text(built / "activity05-key.pdf"))
    missing = [e for e in ledger if e["kind"] in ("number", "date", "text") and _normal(e["text"]) not in text]
    assert missing == []
