"""The whole term at once: one table over every activity, the upload record, and `make publish`.

Against the local Canvas-like server (real HTTP, canvasapi unmodified); the command-line tests
build small fake PDFs in place of TeX.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import timedelta

import pytest

from generator.errors import ConfigError
from generator.publish import State, targets_for

from canvas_server import key_target
from conftest import FOLDER, KEY, KEY_PATH, TOKEN, assert_published_once

# --- every activity of the term, one table -----------------------------------------------------


def test_one_table_over_every_activity(run, canvas, tmp_path, release):
    six = key_target(tmp_path, activity="activity06", folder="Answer keys/Activity 06",
                     key_release=release + timedelta(days=7))
    five = key_target(tmp_path, key_release=release)
    canvas.set_now(release + timedelta(hours=1))
    report, out = run(five, six, dry_run=True)
    assert {r.method for r in canvas.requests} == {"GET"} and canvas.files == {}
    assert [(r.activity, r.item, r.where, r.state) for r in report.rows] == [
        ("activity05", KEY, FOLDER, State.MISSING), ("activity06", "activity06-key.pdf", "Answer keys/Activity 06",
                                                     State.MISSING)]
    assert re.search(r"activity +file +where +on Canvas +goes up", out)
    assert "now (its release has passed)" in out and "2027-02-25T08:00-08:00" in out
    run(five, six)
    assert canvas.openable_paths() == {KEY_PATH}  # the week-later key is not on the server at all
    report, out = run(five, six, dry_run=True)
    assert [r.state for r in report.rows] == [State.RELEASED, State.MISSING]
    assert report.next_release == release + timedelta(days=7)


def test_dry_run_states_missing_up_to_date_stale_and_released(run, canvas, tmp_path, release):
    canvas.set_now(release - timedelta(days=1))
    early = key_target(tmp_path, key_release=release)
    run(early, early=True)  # up to date, behind locks
    report, _ = run(early, dry_run=True, early=True)
    assert report.rows[0].state is State.UP_TO_DATE
    early.files[0].path.write_bytes(b"%PDF changed")
    report, _ = run(early, dry_run=True, early=True)
    assert report.rows[0].state is State.STALE
    canvas.set_now(release + timedelta(seconds=5))
    run(early, early=True)
    report, _ = run(early, dry_run=True, early=True)
    assert report.rows[0].state is State.RELEASED


def test_the_record_knows_stale_without_downloading_and_holds_no_secret(run, canvas, tmp_path, release):
    canvas.set_now(release + timedelta(minutes=1))
    run()
    record = tmp_path / ".cache" / "2027-spring" / "canvas-uploads.json"
    entries = json.loads(record.read_text())["uploads"]
    [(where, entry)] = entries.items()
    assert where == f"course 316365: {KEY_PATH}" and entry["id"] == canvas.files_in(FOLDER)[0].id
    assert len(entry["sha256"]) == 64 and TOKEN not in record.read_text()
    run(dry_run=True)
    assert "download" not in {r.route for r in canvas.requests}  # known from the record
    record.unlink()  # another machine, or CI: read once, hashed, recorded
    report, _ = run(dry_run=True)
    assert report.rows[0].state is State.RELEASED and "download" in {r.route for r in canvas.requests}


def test_activity_narrows_the_term_and_an_unknown_one_is_a_config_error(config, tmp_path):
    term = targets_for(config, tmp_path, "activity05")
    assert [a.activity for a in term.activities] == ["activity05"]
    assert term.activities[0].files[0].path == tmp_path / "output" / "2027-spring" / KEY
    with pytest.raises(ConfigError) as caught:
        targets_for(config, tmp_path, "activity07")
    assert "no activity 'activity07'" in caught.value.message and "activity05" in caught.value.hint


def test_the_adapter_reads_assignment_and_early_upload_from_the_config(config, tmp_path):
    first = config.activity("activity05")
    changed = dataclasses.replace(first, canvas=dataclasses.replace(first.canvas, assignment_id=4321, publish_handout=True))
    cfg = dataclasses.replace(config, canvas=dataclasses.replace(config.canvas, upload_early=True),
                              activities=(changed, *config.activities[1:]))
    term = targets_for(cfg, tmp_path)
    assert term.upload_early and term.activities[0].assignment_id == 4321
    assert [f.kind for f in term.activities[0].files] == ["key", "handout"]
    assert targets_for(config, tmp_path).upload_early is False


# --- the command line -------------------------------------------------------------------------


@pytest.fixture
def cli_root(tmp_path, monkeypatch):
    """A project root whose build is the test's: it writes small fake PDFs (no TeX) where make pdf would."""
    import generator.build
    from generator.config import load

    from conftest import make_root

    root = make_root(tmp_path / "root")
    built = []

    def fake_build(semester, activity=None, *, kinds, root, log, figure_formats=("pdf",), **_):
        out = root / "output" / semester
        out.mkdir(parents=True, exist_ok=True)
        for name in [activity] if activity else [a.id for a in load(root / "semesters" / f"{semester}.toml").activities]:
            for kind in kinds:
                (out / f"{name}-{kind}.pdf").write_bytes(f"%PDF-1.5 {kind}\n".encode())
        built.append((semester, kinds))

    monkeypatch.setattr(generator.build, "build", fake_build)
    monkeypatch.delenv("CANVAS_API_TOKEN", raising=False)
    return root, built


def test_the_command_narrows_to_an_activity_and_refuses_an_unknown_one(cli_root, capsys):
    from generator.cli import main

    root, built = cli_root
    assert main(["publish", "--root", str(root), "--semester", "2027-spring", "--activity", "activity05",
                 "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"activity05 +activity05-key\.pdf +Answer keys/Activity 05 +not read", out)
    assert built == [("2027-spring", ("key",))]
    assert main(["publish", "--root", str(root), "--semester", "2027-spring", "--activity", "activity07",
                 "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "no activity 'activity07'" in err and "Traceback" not in err and len(built) == 1


def test_the_command_without_a_token_says_how_to_make_one(cli_root, capsys):
    from generator.cli import main

    root, _ = cli_root
    assert main(["publish", "--root", str(root), "--semester", "2027-spring"]) == 1
    err = capsys.readouterr().err
    assert "CANVAS_API_TOKEN is not set" in err and "Traceback" not in err
    assert main(["publish", "--root", str(root), "--wait", "--dry-run"]) == 2


def test_the_command_publishes_what_is_due(cli_root, canvas, release, monkeypatch, capsys):
    from generator.cli import main

    root, _ = cli_root
    monkeypatch.setenv("CANVAS_API_TOKEN", TOKEN)
    monkeypatch.setenv("CANVAS_BASE_URL", canvas.url)
    canvas.set_now(release - timedelta(days=2))
    assert main(["publish", "--root", str(root), "--semester", "2027-spring"]) == 0
    assert canvas.files == {}
    canvas.set_now(release + timedelta(minutes=3))
    assert main(["publish", "--root", str(root), "--semester", "2027-spring"]) == 0
    assert_published_once(canvas, release, b"%PDF-1.5 key\n")
    assert (root / ".cache" / "2027-spring" / "canvas-uploads.json").is_file()
    captured = capsys.readouterr()
    assert TOKEN not in captured.out + captured.err
