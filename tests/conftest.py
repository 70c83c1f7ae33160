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
import importlib
import io
import os
import shutil
import subprocess
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from datetime import datetime

    from generator.errors import CanvasError

    from canvas_server import FakeCanvas

REPO = Path(__file__).resolve().parent.parent
ACTIVITY = "activity05"  # the activity the tests build and check

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


def make_root(tmp: Path, like: Path | None = None, *, activities: bool = False) -> Path:
    """A project root for builds: the repository's semester files, nothing generated yet.

    ``like`` lends the proven models and figures of an earlier root (not its outputs), so a
    test about rendering or compiling does not pay for the proofs again. ``activities`` gives
    the root a copy of the checkout's ``activities/`` of its own, for a test that edits an
    activity's prose or code without touching the checkout.
    """
    (tmp / "semesters").mkdir(parents=True)
    for toml in (REPO / "semesters").glob("*.toml"):
        shutil.copy(toml, tmp / "semesters" / toml.name)
    if activities:
        copy_activities(tmp)
    if like is not None:
        for model in (like / ".cache").glob("*/*/model-*.pickle"):  # .cache/<semester>/<activity>/
            target = tmp / ".cache" / model.relative_to(like / ".cache")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(model, target)
        shutil.copytree(like / "figures", tmp / "figures")
    return tmp


def copy_activities(root: Path) -> Path:
    """The checkout's activities/ copied into ``root`` (which then builds from its own)."""
    shutil.copytree(REPO / "activities", root / "activities", ignore=shutil.ignore_patterns("__pycache__"))
    return root / "activities"


def prose(root: Path, name: str, activity: str = ACTIVITY) -> Path:
    """Problem ``name``'s prose (the source of its PDF and HTML text) in ``root``'s own copy of
    activities/."""
    return root / "activities" / activity / "prose" / f"{name}.j2"


# --- Activity 5's code, as the pipeline finds it ------------------------------------------------

def load_activity(activity: str = ACTIVITY, root: Path = REPO):
    from generator.activities import load_activity as load

    return load(root, activity)


def problem(name: str, activity: str = ACTIVITY) -> ModuleType:
    """A problem module by its name (``"logistic"`` for ``problems/02_logistic.py``)."""
    found = load_activity(activity)
    return importlib.import_module(next(p.module for p in found.problems if p.name == name))


def figure_module(name: str, activity: str = ACTIVITY) -> ModuleType:
    """A figure module by its name (``"logistic_family"`` for ``figures/logistic_family.py``)."""
    modules = {m.__name__.rsplit(".", 1)[-1]: m for m in load_activity(activity).figure_modules()}
    return modules[name]


def parameters(activity: str = ACTIVITY) -> ModuleType:
    return load_activity(activity).parameters


def draw(given: dict, activity: str = ACTIVITY):
    """The questions a semester's [<activity>.questions] table ``given`` gives."""
    from generator.variants import draw_questions

    return draw_questions(parameters(activity), given, where=lambda key: key, table=f"{activity}.questions")


def default_questions(activity: str = ACTIVITY):
    from generator.variants import defaults

    return defaults(parameters(activity))


# --- semester files -----------------------------------------------------------------------------

def with_questions(text: str, body: str, activity: str = ACTIVITY) -> str:
    """A semester file's text with the TOML lines ``body`` in its [<activity>.questions] table
    (made at the end of the file when it has none)."""
    header = f"[{activity}.questions]"
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines):
        if line.strip() == header:
            return "".join(lines[:number + 1]) + body.rstrip("\n") + "\n" + "".join(lines[number + 1:])
    return text.rstrip("\n") + f"\n\n{header}\n{body.rstrip()}\n"


def set_questions(path: Path, body: str, activity: str = ACTIVITY) -> None:
    """Write ``body`` (TOML lines) into the semester file's [<activity>.questions] table."""
    path.write_text(with_questions(path.read_text(), body, activity))


# MathML elements whose children each have a place (numerator, base, script ...): how many they hold
ARITY = {"mfrac": 2, "msub": 2, "msup": 2, "msubsup": 3, "munder": 2, "mover": 2, "munderover": 3, "mroot": 2}


# --- builds --------------------------------------------------------------------------------------

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


# --- publishing -----------------------------------------------------------------------------------

@pytest.fixture
def config():
    """The 2027-spring semester, which the publishing tests publish."""
    from generator.config import load

    return load(REPO / "semesters" / "2027-spring.toml")


@pytest.fixture
def release(config):
    return config.activity(ACTIVITY).key_release


@pytest.fixture
def canvas(config, request):
    """A fresh local Canvas-like server (tests/canvas_server/) for one test, reached with the test
    module's ``TOKEN``; a module may set ``CANVAS_OPTIONS`` for the server."""
    from canvas_server import NOW, FakeCanvas

    options = getattr(request.module, "CANVAS_OPTIONS", {})
    server = FakeCanvas(token=request.module.TOKEN, course_id=config.canvas.course_id, now=NOW, **options).start()
    yield server
    server.stop()


# The publish tests' token, the key's place on Canvas (as key_target lays it out) and the rerun a stop suggests.
TOKEN = "7~cnvsTESTtoken-q8Lw-9ZxW"
FOLDER = "Answer keys/Activity 05"
HANDOUT_FOLDER = "Answer keys/Activity 05 handout"
KEY = "activity05-key.pdf"
KEY_PATH = f"{FOLDER}/{KEY}"
HANDOUT_PATH = f"{HANDOUT_FOLDER}/activity05-handout.pdf"
RERUN = "make publish SEMESTER=2027-spring"


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def target(tmp_path, release):
    from canvas_server import key_target

    return key_target(tmp_path, key_release=release)


@pytest.fixture
def run(canvas, tmp_path, target, waits):
    """Publish to the fake Canvas; ``now`` is this machine's clock (by default the server's)."""
    from generator.publish import RetryPolicy, publish_term

    from canvas_server import term_of

    def publish(*targets, dry_run=False, environ=None, now=None, early=False):
        out = io.StringIO()
        term = term_of(tmp_path, *(targets or (target,)), upload_early=early)
        report = publish_term(
            term, dry_run=dry_run, out=out, now=now or canvas.now,
            environ={"CANVAS_API_TOKEN": canvas.token, "CANVAS_BASE_URL": canvas.url} if environ is None else environ,
            retry=RetryPolicy(attempts=5, first_delay=0.01, max_delay=0.05, longest_retry_after=60, sleep=waits.append))
        return report, out.getvalue()

    return publish


def failing(run, *args, **kwargs) -> CanvasError:
    from generator.errors import CanvasError

    with pytest.raises(CanvasError) as caught:
        run(*args, **kwargs)
    return caught.value


def assert_never_open_early(canvas: FakeCanvas, path: str, release: datetime) -> None:
    """No request left the file on the server before ``release`` (by the server's clock)."""
    for entry in canvas.audit:
        if entry.at < release:
            assert path not in entry.openable, f"students could open {path} after {entry.request}"


def assert_published_once(canvas: FakeCanvas, release: datetime, content: bytes, path: str = KEY_PATH) -> None:
    """One folder, one file of that name, open now, with these bytes."""
    folder_path, name = path.rsplit("/", 1)
    parent_path, folder_name = folder_path.rsplit("/", 1)
    assert canvas.subfolders(parent_path).count(folder_name) == 1
    folder = canvas.folder_at(folder_path)
    assert (folder.access.locked, folder.access.unlock_at, folder.access.lock_at) == (False, release, None)
    same = [f for f in canvas.files_in(folder_path) if f.display_name.startswith(name.rsplit(".", 1)[0])]
    assert [f.display_name for f in same] == [name]
    assert same[0].content == content
    assert canvas._open_by_locks(same[0], canvas.now)
    assert canvas.student_download(same[0].id) == content
