"""``python -m generator lint`` as a user runs it: exit codes, ``--json``, ``--strict``, unreadable files.

The subprocesses run the real command in this checkout; nothing is mocked.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_lint import HANDOUT, LATEX, MARKDOWN

pytestmark = pytest.mark.slow  # each test is a fresh process importing SymPy

REPO = Path(__file__).resolve().parent.parent


def lint(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "lint", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=300)


def test_correct_key_exits_0():
    run = lint(MARKDOWN)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 fail" in run.stdout and "Traceback" not in run.stderr


def test_latex_key_exits_0_even_strict():
    run = lint("--strict", LATEX)
    assert run.returncode == 0, run.stdout + run.stderr


def test_handout_exits_1_with_lines_and_counterexamples():
    run = lint(HANDOUT)
    assert run.returncode == 1
    for line in (45, 47, 71, 75):
        assert f"{HANDOUT}:{line}: FAILS" in run.stdout
    assert run.stdout.count("counterexample: at") >= 4


def test_json_is_the_same_findings_as_data():
    run = lint("--json", HANDOUT)
    assert run.returncode == 1
    data = json.loads(run.stdout)
    assert data["kind"] == "markdown" and len(data["displays"]) == 17
    fails = [s for d in data["displays"] for s in d["steps"] if s["status"] == "fails"]
    assert data["counts"]["fails"] == len(fails) and {45, 47, 71, 75} <= {s["line"] for s in fails}
    assert all(s["counterexample"] is not None for s in fails)


def test_unreadable_files_exit_2(tmp_path):
    missing = lint(tmp_path / "nope.md")
    assert missing.returncode == 2 and "no such file" in missing.stderr and "Traceback" not in missing.stderr
    assert lint(tmp_path).returncode == 2  # a directory
    binary = tmp_path / "key.md"
    binary.write_bytes(b"$$ a = \xff $$")
    run = lint(binary)
    assert run.returncode == 2 and "UTF-8" in run.stderr


def test_not_understood_is_reported_and_strict_fails_on_it(tmp_path):
    key = tmp_path / "key.md"
    key.write_text("$$x^2 - 1 = (x - 1)(x + 1)$$\n\n$$\\int_0^1 x \\, dx = \\frac{1}{2}$$\n", encoding="utf-8")
    run = lint(key)
    assert run.returncode == 0
    assert f"{key}:3: display 2 not understood" in run.stdout and "\\int is not read" in run.stdout
    assert "fragment:" in run.stdout
    assert lint("--strict", key).returncode == 1


def test_planted_error_in_a_latex_file_exits_1_at_its_line(tmp_path):
    key = tmp_path / "key.tex"
    key.write_text(LATEX.read_text(encoding="utf-8").replace(r"= 10^{12}", r"= 10^{13}"), encoding="utf-8")
    run = lint(key)
    assert run.returncode == 1
    assert f"{key}:48: FAILS" in run.stdout


def test_help_lists_lint():
    run = subprocess.run([sys.executable, "-m", "generator", "--help"], cwd=REPO, capture_output=True, text=True)
    assert "lint" in run.stdout


def test_a_file_without_displays_says_so(tmp_path):
    key = tmp_path / "notes.md"
    key.write_text("Only prose, and inline $a = b$.\n", encoding="utf-8")
    run = lint(key)
    assert run.returncode == 0 and "no displays found" in run.stderr and "0 displays" in run.stdout
