"""The record a term's build leaves for make: up to date while nothing it read changed and all it
wrote is there; stale (not an error) when an input is newer, deleted, or an output is gone."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from generator.make_record import record


def _question(folder: Path) -> int:
    """make -q's answer for the record: 0 up to date, 1 stale, 2 make could not read it."""
    return subprocess.run(["make", "-q", "-f", "test.mk", str(folder / "make" / "done")], cwd=folder,
                          capture_output=True).returncode


def _setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A build that read src/in.txt (and listed src/) and wrote out/key.pdf."""
    source, output, done = tmp_path / "src" / "in.txt", tmp_path / "out" / "key.pdf", tmp_path / "make" / "done"
    for folder in (source.parent, output.parent, done.parent):
        folder.mkdir()
    (tmp_path / "test.mk").write_text(f"{done}: ; @echo build\n-include {done}.d\n.PHONY: FORCE\nFORCE:\n")
    source.write_text("source")
    started = time.time()
    output.write_text("pdf")
    record(done, started, [source, source.parent], [output])
    return source, output, done


def test_a_term_whose_inputs_are_older_and_outputs_there_is_up_to_date(tmp_path):
    _setup(tmp_path)
    assert _question(tmp_path) == 0


def test_an_input_edited_during_or_after_the_build_makes_it_stale(tmp_path):
    source, _, done = _setup(tmp_path)
    later = done.stat().st_mtime + 1
    os.utime(source, (later, later))
    assert _question(tmp_path) == 1


def test_a_deleted_input_or_output_makes_it_stale_without_stopping_make(tmp_path):
    source, output, _ = _setup(tmp_path)
    output.unlink()
    assert _question(tmp_path) == 1
    output.write_text("pdf")
    assert _question(tmp_path) == 0
    source.unlink()
    os.utime(source.parent, (0, 0))  # the folder's own time, changed by the deletion, is not the point here
    assert _question(tmp_path) == 1


def test_a_file_added_to_a_folder_it_read_makes_it_stale(tmp_path):
    _setup(tmp_path)
    (tmp_path / "src" / "new-problem.py").write_text("")
    later = (tmp_path / "make" / "done").stat().st_mtime + 1
    os.utime(tmp_path / "src", (later, later))  # what adding it does to the folder's time, without waiting
    assert _question(tmp_path) == 1
