"""``python -m generator diff OLD NEW``: the rollover review table, through the real command line."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import config
from generator.diff import WIDTH, Row, number_rows, section_of, wrap

from conftest import ACTIVITY, REPO, make_root


def run_diff(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "ANSWER_KEY_ROOT": str(root)}
    return subprocess.run([sys.executable, "-m", "generator", "diff", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=900)


def parse(table: str) -> dict[str, tuple[str, str, str]]:
    """source -> (old, new, status), a row's wrapped lines joined back."""
    rows: dict[str, tuple[str, str, str]] = {}
    pieces: list[list[str]] | None = None

    def joined(parts: list[str]) -> str:  # wrap() drops the space it breaks at, and only that
        text = parts[0]
        for part in parts[1:]:
            text += ("" if text.endswith((".", "_")) or part.startswith("[") else " ") + part
        return text

    def close():
        if pieces:
            rows[joined(pieces[0])] = (joined(pieces[1]), joined(pieces[2]), pieces[3][0])

    for line in table.splitlines():
        cells = [c.strip() for c in (line + " ").split(" | ")]  # a continuation line ends in "|"
        if len(cells) != 4 or cells[0] == "source" or set(line) <= {"-", "+"}:
            close()
            pieces = None
            continue
        if cells[3]:
            close()
            pieces = [[c] for c in cells]
        elif pieces is not None:
            for column, cell in enumerate(cells[:3]):
                if cell:
                    pieces[column].append(cell)
    close()
    return rows


def sections(table: str) -> list[str]:
    return re.findall(r"^== (.+) ==$", table, re.M)


@pytest.fixture(scope="module")
def root(built, tmp_path_factory):
    """2024-fall and 2027-spring in a scratch root; 2024-fall's proven model lent by ``built``."""
    project = make_root(tmp_path_factory.mktemp("diff"), like=built.parent.parent)
    return project


@pytest.fixture(scope="module")
def rollover(root):
    done = run_diff(root, "2024-fall", "2027-spring")
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_keys_are_built_first_and_a_second_run_changes_nothing(root, rollover):
    for semester in ("2024-fall", "2027-spring"):
        assert (root / "output" / semester / "activity05-key.numbers.json").is_file()
        assert (root / "output" / semester / "activity05-key.pdf").is_file()
    before = {p: p.stat().st_mtime_ns for p in (root / "output").rglob("*")}
    again = run_diff(root, "2024-fall", "2027-spring")
    assert again.returncode == 0 and again.stdout == rollover
    assert {p: p.stat().st_mtime_ns for p in (root / "output").rglob("*")} == before


def test_the_table_fits_100_columns_and_has_no_traceback(rollover):
    assert max(len(line) for line in rollover.splitlines()) <= WIDTH
    assert "Traceback" not in rollover


def test_rows_are_grouped_config_then_each_problem_then_errata_and_figures(rollover):
    found = sections(rollover)
    assert found[:4] == ["config: header", "config: dates", "config: questions", "config: canvas"]
    assert found[4] == "printed: from the config"
    assert {"printed: least_squares", "printed: logistic", "printed: momentum", "printed: hessian"} <= set(found)
    assert found[-2:] == ["printed: errata", "printed: figures"]
    assert "printed: proof summary" not in found, "the student's key prints no counts of the checks"


def test_the_hessians_parameter_count_changed(root, rollover):
    rows = parse(rollover)
    old_n = config.load(root / "semesters" / "2024-fall.toml").activity(ACTIVITY).questions.hessian_parameters
    new_n = config.load(root / "semesters" / "2027-spring.toml").activity(ACTIVITY).questions.hessian_parameters
    assert (old_n, new_n) == (10**6, 10**5)  # the handout's million; the seed-2027 draw
    assert rows["activity05.questions.hessian_parameters"] == ("1000000 (default)", "100000 (seed 2027)", "changed")
    # the count as the key prints it: in words of the question, then as a power of ten
    assert rows["results.hessian.parameters"] == ("1000000; 10^6", "100000; 10^5", "changed")
    assert rows["results.hessian.entries"] == ("10^12", "10^10", "changed")


def test_the_dates_and_term_changed(rollover):
    rows = parse(rollover)
    assert rows["activity05.date"] == ("Wed 2024-10-02", "Wed 2027-02-17", "changed")
    assert rows["activity05.due"] == ("Wed 2024-10-02 23:59-07:00", "Wed 2027-02-17 23:59-08:00", "changed")
    assert rows["activity05.key_release"][2] == "changed"
    assert rows["config.activity.date"] == ("October 2, 2024", "February 17, 2027", "changed")
    assert rows["course.term"] == ("Fall 2024", "Spring 2027", "changed")


def test_unchanged_rows_say_so(rollover):
    rows = parse(rollover)
    assert rows["canvas.course_id"] == ("316365", "316365", "same")
    assert rows["canvas.base_url"] == ("https://canvas.example.edu", "https://canvas.example.edu", "same")
    assert rows["activity05.canvas.folder"] == ("Answer keys/Activity 05", "Answer keys/Activity 05", "same")
    assert rows["course.code"] == ("CS 316/365", "CS 316/365", "same")


def test_every_printed_number_is_a_row_with_its_source(root, rollover):
    import json

    rows = parse(rollover)
    for semester in ("2024-fall", "2027-spring"):
        ledger = json.loads((root / "output" / semester / "activity05-key.numbers.json").read_text())
        for entry in ledger["numbers"]:
            assert entry["source"] in rows, entry["source"]
    head = rollover.split("\n\n")[0]
    # the errata belong to the original's term: the seeded variant has none, and nothing else is new
    assert re.search(r"(\d+) rows: (\d+) changed, (\d+) only in 2024-fall, 0 only in 2027-spring, (\d+) the same", head)
    only_old = [source for source, (_, _, status) in rows.items() if status == "only old"]
    # ... but the column the weights table prints for the one step between its weights and the
    # window's last step, where 2024-fall's window (ten steps) leaves one and 2027-spring's many
    gap = {f"results.momentum.gap_weight.{field}" for field in ("k", "weight", "cumulative")}
    assert gap <= set(only_old)
    assert only_old and all(section_of(source) == "printed: errata" for source in set(only_old) - gap), only_old


def test_only_changed_drops_the_same_rows(root, rollover):
    done = run_diff(root, "2024-fall", "2027-spring", "--only-changed")
    assert done.returncode == 0, done.stderr
    rows = parse(done.stdout)
    assert rows and all(status != "same" for _, _, status in rows.values())
    assert "activity05.date" in rows and "results.hessian.parameters" in rows
    assert "canvas.course_id" not in rows and "config: canvas" not in sections(done.stdout)
    assert set(rows) == {source for source, (_, _, status) in parse(rollover).items() if status != "same"}


def test_a_semester_against_itself_shows_no_changes(root, rollover):
    done = run_diff(root, "2024-fall", "2024-fall", "--only-changed")
    assert done.returncode == 0, done.stderr
    assert "no differences: 2024-fall and 2024-fall" in done.stdout
    assert parse(done.stdout) == {}


def test_a_copy_with_only_new_dates_changes_only_the_dates_and_term(root, rollover):
    """The rollover of an identical copy: the same questions, so every computed number is the same."""
    text = (root / "semesters" / "2024-fall.toml").read_text()
    text = text.replace("2024-10-0", "2025-10-0").replace("Fall 2024", "Fall 2025")
    (root / "semesters" / "2025-fall.toml").write_text(text)
    # Same questions, same code: lend 2024-fall's proven model and figures instead of proving again.
    shutil.copytree(root / ".cache" / "2024-fall", root / ".cache" / "2025-fall",
                    ignore=shutil.ignore_patterns("*.stamp", "latex-*", "failed-*"))
    shutil.copytree(root / "figures" / "2024-fall", root / "figures" / "2025-fall")
    done = run_diff(root, "2024-fall", "2025-fall", "--only-changed")
    assert done.returncode == 0, done.stderr
    assert set(parse(done.stdout)) == {"course.term", "activity05.date", "activity05.due", "activity05.key_release",
                                       "activity05.handout_release", "config.course.term", "config.activity.date"}
    full = parse(run_diff(root, "2024-fall", "2025-fall").stdout)
    assert full["results.least_squares.loss_at_start"] == ("12.36690", "12.36690", "same")


def test_a_bad_semester_is_a_config_error_not_a_table(root):
    done = run_diff(root, "2024-fall", "2031-fall")
    assert done.returncode == 2 and done.stdout == ""
    assert "semesters/2031-fall.toml: no such semester file; available: 2024-fall" in done.stderr
    assert "Traceback" not in done.stderr


# --- in-process: pairing and wrapping -------------------------------------------------------

def test_numbers_are_paired_by_source_and_one_sided_sources_are_listed():
    old = [{"source": "results.hessian.rows", "text": "10^6"}, {"source": "results.hessian.old_only", "text": "1"},
           {"source": "figure momentum", "text": "0.9"}, {"source": "figure momentum", "text": "10"}]
    new = [{"source": "results.hessian.rows", "text": "10^5"}, {"source": "figure momentum", "text": "0.9"},
           {"source": "figure momentum", "text": "10"}, {"source": "results.hessian.new_only", "text": "2"}]
    rows = {r.source: r for r in number_rows(old, new)}
    assert rows["results.hessian.rows"].status == "changed"
    assert rows["results.hessian.old_only"].status == "only old" and rows["results.hessian.old_only"].new is None
    assert rows["results.hessian.new_only"].status == "only new"
    assert rows["figure momentum"] == Row("printed: figures", "figure momentum", "0.9; 10", "0.9; 10")
    assert [r.section for r in number_rows(old, new)][-1] == "printed: figures"


def test_sources_fall_into_their_sections():
    assert section_of("config.activity.date") == "printed: from the config"
    assert section_of("results.logistic.phi0_family[1].midpoint") == "printed: logistic"
    assert section_of("count of results.least_squares.x") == "printed: least_squares"
    assert section_of("momentum.m2 step 3") == "printed: momentum"
    assert section_of("checker counterexample for erratum hessian") == "printed: errata"
    assert section_of("figure logistic_family") == "printed: figures"


def test_wrap_keeps_decimals_whole_and_breaks_sources_at_dots():
    assert wrap("results.least_squares.gradient_at_start[0]", 31) == ["results.least_squares.",
                                                                     "gradient_at_start[0]"]
    values = "[0.03, 0.19, 0.34, 0.46, 0.78, 0.81, 1.08] (seed 2027)"
    lines = wrap(values, 26)
    assert len(lines) > 1 and all(len(line) <= 26 for line in lines) and " ".join(lines) == values
    assert wrap("12.3669; 12.5; 1.25; 3.75", 10) == ["12.3669;", "12.5;", "1.25; 3.75"]
    assert wrap("x" * 60, 26) == ["x" * 26, "x" * 26, "x" * 8]
