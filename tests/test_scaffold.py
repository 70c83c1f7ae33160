"""`new-activity` makes a folder that builds, proves and passes the provenance audit at once, and
touches nothing outside it and the semester file it is asked to add a table to."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = [pytest.mark.slow, pytest.mark.tex]


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    """The CLI in a fresh process: the scratch root's activities/ are not this process's."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "generator", *args, "--root", str(root)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory):
    root = tmp_path_factory.mktemp("scaffold")
    shutil.copytree(REPO / "activities", root / "activities", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "semesters", root / "semesters")
    before = {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    made = run(root, "new-activity", "activity07", "--title", "Regularization & Co", "--semester", "2027-spring")
    assert made.returncode == 0, made.stderr
    return root, before


def test_only_the_new_folder_and_the_semester_file_change(scaffolded):
    root, before = scaffolded
    after = {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    changed = {p for p in after if before.get(p) != after[p]}
    assert changed, "nothing was written"
    assert all(p.parts[:2] == ("activities", "activity07") or p == Path("semesters/2027-spring.toml") for p in changed)
    assert set(before) <= set(after)


def test_the_new_activity_builds_proves_and_passes_the_audit(scaffolded):
    root, _ = scaffolded
    checked = run(root, "check", "--semester", "2027-spring", "--activity", "activity07")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "example.derivative" in checked.stdout and "proven" in checked.stdout
    assert "provenance of the key            holds" in checked.stdout
    built = run(root, "pdf", "--semester", "2027-spring", "--activity", "activity07")
    assert built.returncode == 0, built.stderr
    out = root / "output" / "2027-spring"
    assert (out / "activity07-key.pdf").read_bytes().startswith(b"%PDF")
    ledger = json.loads((out / "activity07-key.numbers.json").read_text())["numbers"]
    assert any(e["source"] == "results.example.slope" for e in ledger)
    assert r"Regularization \& Co" in (out / "activity07-key.tex").read_text()  # the title is printed literally


def test_a_second_scaffold_of_the_same_id_is_refused_and_changes_nothing(scaffolded):
    root, _ = scaffolded
    semester = (root / "semesters" / "2027-spring.toml").read_bytes()
    again = run(root, "new-activity", "activity07", "--title", "Again")
    assert again.returncode == 2 and "already exists" in again.stderr and "Traceback" not in again.stderr
    assert (root / "semesters" / "2027-spring.toml").read_bytes() == semester
