"""Shared fixtures: a scratch project root with the real semesters, built once per session.

The markers (registered in pyproject.toml; `make test-fast` deselects all three): ``slow``
seconds of work (a full build of a key, or drawing in fresh processes), ``tex`` TeX or
pdftotext, ``browser`` Chromium and node. A test that uses ``built``, even through another
fixture, is marked ``slow`` and ``tex`` here; one that uses ``browser`` (tests/test_html.py) is
marked ``browser`` too. A test that builds by itself says so with ``@builds``, a module whose
every test builds with ``pytestmark = BUILDS``.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

BUILDS = [pytest.mark.slow, pytest.mark.tex]


def builds(test):
    """Marks a test that builds a key itself (the proofs, the figures and TeX): slow and tex."""
    for mark in BUILDS:
        test = mark(test)
    return test


def pytest_collection_modifyitems(items):
    for item in items:
        if "built" in item.fixturenames:
            for mark in BUILDS:
                item.add_marker(mark)
        if "browser" in item.fixturenames:
            item.add_marker(pytest.mark.browser)


def make_root(tmp: Path, like: Path | None = None) -> Path:
    """A project root for builds: the repository's semester files, nothing generated yet.

    ``like`` lends the proven model and figures of an earlier root (not its outputs), so a
    test about rendering or compiling does not pay for the proofs again.
    """
    (tmp / "semesters").mkdir(parents=True)
    for toml in (REPO / "semesters").glob("*.toml"):
        shutil.copy(toml, tmp / "semesters" / toml.name)
    if like is not None:
        for semester_cache in (p for p in (like / ".cache").glob("*") if p.is_dir()):
            (tmp / ".cache" / semester_cache.name).mkdir(parents=True)
            for model in semester_cache.glob("model-*.pickle"):
                shutil.copy(model, tmp / ".cache" / semester_cache.name / model.name)
        shutil.copytree(like / "figures", tmp / "figures")
    return tmp


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The 2024-fall key and handout, built once into a scratch root.

    Under pytest-xdist each worker has a session of its own: the first worker to ask builds into
    the run's shared scratch folder while the others wait, then all read that one build.
    """
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return _build_2024_fall(tmp_path_factory.mktemp("built"))
    shared = tmp_path_factory.getbasetemp().parent / "built"
    with open(shared.with_name("built.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if this worker dies
        if not (shared / "done").exists():
            shutil.rmtree(shared, ignore_errors=True)  # what a worker whose build failed left
            _build_2024_fall(shared)
            (shared / "done").touch()
    return shared / "output" / "2024-fall"


def _build_2024_fall(root: Path) -> Path:
    from generator.build import build

    make_root(root)
    build("2024-fall", root=root, log=lambda m: None)
    return root / "output" / "2024-fall"


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


@pytest.fixture
def config():
    """The 2027-spring semester, which the publishing tests publish."""
    from generator.config import load

    return load(REPO / "semesters" / "2027-spring.toml")


@pytest.fixture
def release(config):
    return config.activity("activity05").key_release
