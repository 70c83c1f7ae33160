"""Bad semester files through the real command line: a precise message, exit status 2, nothing written.

One scratch project root holds a good, already built 2024-fall key. Each case breaks a copy of
its semester file (or the file itself: missing, a directory, unreadable, misnamed), runs
``python -m generator pdf`` in that root, and checks that the message names the file, the line
where there is one, the key and the fix; that no traceback is printed; and that every file
under the root, the earlier PDF, .tex and numbers.json included, is byte-identical afterwards.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator import config

from conftest import REPO, builds, make_root, with_questions

GOOD = "2024-fall"
FILE = f"semesters/{GOOD}.toml"


def run_cli(root: Path, *args: str, use_option: bool = False) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("ANSWER_KEY_ROOT", None)
    if use_option:
        args = (*args, "--root", str(root))
    else:
        env["ANSWER_KEY_ROOT"] = str(root)
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)


def snapshot(root: Path) -> dict[str, str]:
    """Every file under the root (links as their target), with the hash of its bytes."""
    state = {}
    for path in sorted(root.rglob("*")):
        key = path.relative_to(root).as_posix()
        if path.is_symlink():
            state[key] = "link:" + os.readlink(path)
        elif path.is_dir():
            state[key] = "dir"
        else:
            try:
                state[key] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError as exc:
                state[key] = f"unreadable:{exc.errno}"
    return state


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """A project root with 2024-fall built through the CLI, so a failed run could clobber it."""
    project = make_root(tmp_path_factory.mktemp("config-errors"))
    done = run_cli(project, "pdf", "--semester", GOOD)
    assert done.returncode == 0, done.stderr
    for suffix in (".pdf", ".tex", ".numbers.json"):
        assert (project / "output" / GOOD / f"activity05-key{suffix}").is_file()
    return project


@pytest.fixture
def good_text(root):
    path = root / FILE
    original = path.read_bytes()
    yield original.decode()
    path.write_bytes(original)  # each case breaks the file; the next one starts from the good one


def check_failure(root: Path, args: tuple[str, ...], expect: tuple[str, ...], *, use_option: bool = False,
                  status: int = 2) -> str:
    """Run the CLI; assert the status, the message fragments, no traceback and no file changed."""
    before = snapshot(root)
    built = {s: (root / "output" / GOOD / f"activity05-key{s}").read_bytes() for s in (".pdf", ".tex", ".numbers.json")}
    done = run_cli(root, *args, use_option=use_option)
    message = done.stderr
    assert done.returncode == status, message
    assert "Traceback" not in message and "Traceback" not in done.stdout
    assert message.startswith("config error: "), message
    assert "how to fix: " in message, message
    for fragment in expect:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    assert snapshot(root) == before, "a file under the project root changed"
    for suffix, data in built.items():
        assert (root / "output" / GOOD / f"activity05-key{suffix}").read_bytes() == data
    assert done.stdout == ""
    return message


def line_number(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the file")


@dataclass(frozen=True)
class Case:
    """A broken copy of the good file: ``edit`` makes it, ``expect`` must all be in the message,
    and the message must point at the first line containing ``at`` (when given)."""

    id: str
    edit: Callable[[str], str | bytes]
    expect: tuple[str, ...]
    at: str | None = None


def replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)
    return edit


def append(lines: str) -> Callable[[str], str]:
    return lambda text: text.rstrip("\n") + "\n" + lines


def line_with(prefix: str, text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(prefix))


def set_key(key: str, value: str) -> Callable[[str], str]:
    """Give ``key`` (an existing line) the raw TOML ``value``."""
    return lambda text: text.replace(line_with(f"{key} =", text), f"{key} = {value}", 1)


def drop_line(prefix: str) -> Callable[[str], str]:
    return lambda text: text.replace(line_with(prefix, text) + "\n", "", 1)


def questions(body: str) -> Callable[[str], str]:
    """Set the TOML lines ``body`` in the activity's [activity05.questions] table."""
    return lambda text: with_questions(text, body)


def without_section(name: str) -> Callable[[str], str]:
    """Drop the section [name], from its header to the next one."""
    def edit(text: str) -> str:
        start = text.index(f"[{name}]\n")
        end = text.index("\n[", start) + 1
        return text[:start] + text[end:]
    return edit


CASES = [
    Case("unknown key with did-you-mean", replace("key_release =", "key_relase ="),
         ("unknown key 'activity05.key_relase'", "did you mean 'key_release'?"), at="key_relase"),
    Case("key in the wrong section", replace('name = "Deep Learning"', 'name = "Deep Learning"\nseed = 7'),
         ("unknown key 'course.seed'", "'seed' belongs under [activity05.questions]"), at="seed = 7"),
    Case("key outside any section", lambda t: "momentum_beta = 0.8\n" + t,
         ("'momentum_beta' is set outside any [section]", "move it under [activity05.questions]"),
         at="momentum_beta"),
    Case("unknown section with did-you-mean", append("\n[activity05.question]\nseed = 3\n"),
         ("activity05.question", "did you mean", "questions"), at="[activity05.question]"),
    Case("unknown activity table with did-you-mean", append("\n[activty05]\nseed = 3\n"),
         ("unknown section [activty05]", "did you mean 'activity05'?"), at="[activty05]"),
    Case("the one-activity layout of earlier terms",
         lambda t: t.replace('\n[activity05.canvas]\nfolder = "Answer keys/Activity 05"\n', "\n")
         .replace("course_id = 316365\n", 'course_id = 316365\nfolder = "Answer keys/Activity 05"\n')
         .replace("[activity05]", "[activity]"),
         ("[activity] is the layout of a one-activity file", "rename [activity] to [activity05]"), at="[activity]"),
    Case("missing key", drop_line("date ="),
         ("missing key 'activity05.date' (day the activity is held)", "add the line date = 2027-02-17 under [activity05]"),
         at="[activity05]"),
    Case("missing section", without_section("canvas"),
         ("missing section [canvas]", "add a [canvas] section with the keys base_url, course_id")),
    Case("wrong type: fraction for a count", set_key("course_id", "3.5"),
         ("'canvas.course_id' must be a whole number, not the number 3.5", "course_id = 316365"), at="course_id"),
    Case("wrong type: number for text", set_key("term", "2024"),
         ("'course.term' must be a string in quotes, not the whole number 2024", 'term = "2024"'), at="term ="),
    Case("date in quotes", set_key("date", '"2024-10-02"'),
         ('\'activity05.date\' is the text "2024-10-02" in quotes', "remove the quotes: date = 2024-10-02"),
         at="date ="),
    Case("boolean in quotes", append('publish_handout = "false"\n'),
         ("'activity05.canvas.publish_handout' is the text \"false\" in quotes",
          "remove the quotes: publish_handout = false"), at="publish_handout"),
    Case("impossible date (tomllib)", set_key("date", "2024-02-30"),
         ("'activity05.date' = 2024-02-30 is not a date: February 2024 has 29 days", "correct the day",
          "date = 2024-02-30"), at="date ="),
    Case("impossible time of day (tomllib)", set_key("due", "2024-10-02T24:30:00-07:00"),
         ("'activity05.due' = 2024-10-02T24:30:00-07:00: 24:30:00 is not a time of day",), at="due ="),
    Case("time without a time zone", set_key("due", "2024-10-02T23:59:00"),
         ("'activity05.due' = 2024-10-02T23:59:00 has no time zone", "due = 2024-10-02T23:59:00-07:00"),
         at="due ="),
    Case("time-zone name instead of an offset (tomllib)", set_key("due", "2024-10-02T23:59:00 PDT"),
         ("time-zone names like 'PDT' are not allowed in TOML", "write the UTC offset instead"), at="due ="),
    Case("date where a date-time is needed", set_key("due", "2024-10-02"),
         ("'activity05.due' = 2024-10-02 has no time of day and no time zone", "due = 2024-10-02T23:59:00-07:00"),
         at="due ="),
    Case("key released before the deadline", set_key("key_release", "2024-10-02T08:00:00-07:00"),
         ("'activity05.key_release' (2024-10-02T08:00:00-07:00) is before 'activity05.due' "
          "(2024-10-02T23:59:00-07:00)", "release the key at or after the deadline"), at="key_release ="),
    Case("deadline before the activity", set_key("due", "2024-10-01T23:59:00-07:00"),
         ("'activity05.due' (2024-10-01T23:59:00-07:00) is before the activity date (2024-10-02)",), at="due ="),
    Case("handout released after the key", replace("key_release =", "handout_release = 2024-10-04T08:00:00-07:00\n"
                                                                     "key_release ="),
         ("'activity05.handout_release' (2024-10-04T08:00:00-07:00) is after 'activity05.key_release'",
          "release the handout before the key"), at="handout_release"),
    Case("duplicate key (tomllib)", replace('term = "Fall 2024"', 'term = "Fall 2024"\ncode = "CS 999"'),
         ("'course.code' is set twice (first on line 5)", "keep one of the two lines"), at='code = "CS 999"'),
    Case("duplicate section (tomllib)", append('\n[course]\ninstructor = "Zoë Ångström"\n'),
         ("section [course] appears twice (first on line 4)", "merge the two [course] sections"),
         at="[course]\ninstructor"),
    Case("unquoted text (tomllib)", set_key("code", "CS 316"),
         ("the text of 'course.code' must be in double quotes", 'write code = "CS 316"'), at="code ="),
    Case("unclosed string (tomllib)", set_key("name", '"Deep Learning'),
         ("the text of 'course.name' is not closed: the closing \" is missing",), at="name ="),
    Case("empty required text", set_key("name", '""'),
         ("'course.name' is empty", "write the course name"), at="name ="),
    Case("course id not positive", set_key("course_id", "0"),
         ("'canvas.course_id' must be positive, not 0",), at="course_id"),
    Case("base_url without https", set_key("base_url", '"canvas.example.edu"'),
         ("'canvas.base_url' = \"canvas.example.edu\" is not a web address: it must start with https://",
          'base_url = "https://canvas.example.edu"'), at="base_url"),
    Case("base_url with a course path", set_key("base_url", '"https://canvas.example.edu/courses/316365"'),
         ("must be the address of Canvas only, without a path",
          'base_url = "https://canvas.example.edu" and course_id = 316365'), at="base_url"),
    Case("folder with outer slashes", set_key("folder", '"/Answer keys/Activity 05/"'),
         ("'activity05.canvas.folder'", "starts or ends with '/'", 'folder = "Answer keys/Activity 05"'),
         at="folder"),
    Case("folder with an empty segment", set_key("folder", '"Answer keys//Activity 05"'),
         ("'activity05.canvas.folder'", "has an empty folder name between two '/'",
          'folder = "Answer keys/Activity 05"'), at="folder"),
    Case("questions of different lengths", questions("least_squares_x = [0.1, 0.5, 0.9]"),
         ("'activity05.questions.least_squares_x' has 3 values but least_squares_y (the default) has 12",
          "set both least_squares_x and least_squares_y"), at="least_squares_x"),
    Case("start point with three numbers", questions("logistic_start = [0.5, -0.5, 1.0]"),
         ("'activity05.questions.logistic_start' must be two numbers [phi0, phi1], not 3",), at="logistic_start"),
    Case("momentum_beta outside (0, 1)", questions("momentum_beta = 1.5"),
         ("'activity05.questions.momentum_beta' must lie strictly between 0 and 1, not 1.5",), at="momentum_beta"),
    Case("NaN", questions("momentum_beta = nan"),
         ("'activity05.questions.momentum_beta' must be a finite number, not nan",), at="momentum_beta"),
    Case("infinity inside a list", questions("least_squares_start = [0.6, inf]"),
         ("value 2 of 'activity05.questions.least_squares_start' must be a finite number, not inf",),
         at="least_squares_start"),
    Case("number where a list is needed", questions("logistic_phi0_values = 2.0"),
         ("'activity05.questions.logistic_phi0_values' must be a list of numbers, not the single number 2.0",
          "logistic_phi0_values = [2.0]"), at="logistic_phi0_values"),
    Case("leading decimal point (tomllib)", questions("momentum_beta = .9"),
         ("a TOML number needs a digit on both sides of the decimal point", "write momentum_beta = 0.9"),
         at="momentum_beta"),
    Case("not UTF-8", lambda t: t.replace('term = "Fall 2024"', 'term = "Fall 2024"\ninstructor = "Zo\xeb"')
         .encode("latin-1"),
         ("the file is not UTF-8 text: byte 0xeb", "save the file with the UTF-8 encoding"), at="instructor"),
    Case("term left over from another semester", set_key("term", '"Spring 2027"'),
         ("'course.term' is \"Spring 2027\", but this file is semester 2024-fall", 'write term = "Fall 2024"'),
         at="term ="),
]


@builds
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_bad_semester_file_is_reported_and_nothing_is_written(root, good_text, case):
    broken = case.edit(good_text)
    data = broken if isinstance(broken, bytes) else broken.encode()
    (root / FILE).write_bytes(data)
    expect = [FILE, *case.expect]
    if case.at is not None:
        expect.append(f"{FILE}:{where(data.decode('utf-8', errors='replace'), case.at)}: ")
    check_failure(root, ("pdf", "--semester", GOOD), tuple(expect))


def where(text: str, at: str) -> int:
    """The line of ``at``: its first line, or for a block of several lines its last occurrence."""
    if "\n" in at:
        return text[:text.rindex(at)].count("\n") + 1
    return line_number(text, at)


@builds
def test_every_problem_of_a_file_is_listed_at_once(root, good_text):
    broken = set_key("course_id", '"316365"')(set_key("name", '""')(replace("key_release =", "key_relase =")(good_text)))
    (root / FILE).write_text(broken)
    message = check_failure(root, ("pdf", "--semester", GOOD), (
        f"{FILE}:{line_number(broken, 'name =')}: 'course.name' is empty",
        f"{FILE}:{line_number(broken, 'key_relase')}: unknown key 'activity05.key_relase'",
        f"{FILE}:{line_number(broken, 'course_id')}: 'canvas.course_id' is the text \"316365\" in quotes",
        "remove the quotes: course_id = 316365", "3 problems in the semester file"))
    # in the order of the file's lines: [course], [canvas], then the activity's table
    assert line_number(broken, "name =") < line_number(broken, "course_id") < line_number(broken, "key_relase")
    assert message.index("course.name") < message.index("course_id") < message.index("key_relase")


@builds
def test_dates_left_over_from_last_year_are_caught(root, good_text):
    broken = set_key("date", "2023-10-02")(good_text)
    (root / FILE).write_text(broken)
    check_failure(root, ("pdf", "--semester", GOOD), (
        f"{FILE}:{line_number(broken, 'date =')}: 'activity05.date' is 2023-10-02, which is not in 2024",
        "update the dates copied from last term's file"))


@builds
def test_the_root_option_works_like_the_environment_variable(root, good_text):
    (root / FILE).write_text(replace("[activity05]\n", "[activity05]\nnumber = -5\n")(good_text))
    check_failure(root, ("pdf", "--semester", GOOD), ("'activity05.number' must be positive, not -5",), use_option=True)


@builds
def test_a_missing_semester_lists_the_available_ones(root, good_text):
    message = check_failure(root, ("pdf", "--semester", "2031-fall"), (
        "semesters/2031-fall.toml: no such semester file; available: 2024-fall, 2027-spring",
        "cp semesters/2027-spring.toml semesters/2031-fall.toml"))
    assert not (root / "semesters" / "2031-fall.toml").exists()
    check_failure(root, ("pdf", "--semester", "2024-fal"), ("did you mean '2024-fall'?",))
    assert "2024-fall" in message


@builds
def test_a_file_name_that_is_not_a_semester_id(root, good_text):
    wrong = root / "semesters" / "fall-2024.toml"
    wrong.write_text(good_text)
    try:
        check_failure(root, ("pdf", "--semester", "fall-2024"), (
            "semesters/fall-2024.toml: the file name must be a semester id like 2027-spring, not 'fall-2024'",
            "semesters/2024-fall.toml"))
    finally:
        wrong.unlink()


@builds
def test_a_directory_instead_of_a_file(root, good_text):
    directory = root / "semesters" / "2031-spring.toml"
    directory.mkdir()
    try:
        check_failure(root, ("pdf", "--semester", "2031-spring"), (
            "semesters/2031-spring.toml: is a directory, not a file", "remove or rename the directory"))
    finally:
        directory.rmdir()


@builds
def test_a_file_that_cannot_be_read(root, good_text):
    loop = root / "semesters" / "2031-summer.toml"
    loop.symlink_to(loop.name)  # a link to itself: open() fails even for root
    try:
        check_failure(root, ("pdf", "--semester", "2031-summer"), (
            "semesters/2031-summer.toml: cannot be read: Too many levels of symbolic links",))
    finally:
        loop.unlink()


# --- in-process: what is accepted, and the message's shape -------------------------------------

def test_a_byte_order_mark_and_windows_line_ends_are_accepted(tmp_path):
    semesters = tmp_path / "semesters"
    semesters.mkdir()
    text = (REPO / FILE).read_text()
    (semesters / f"{GOOD}.toml").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    assert config.load(semesters / f"{GOOD}.toml") == config.load(REPO / FILE).__class__(
        **{**config.load(REPO / FILE).__dict__, "path": semesters / f"{GOOD}.toml"})


@builds
def test_every_message_is_file_line_what_then_how_to_fix(root, good_text):
    (root / FILE).write_text(set_key("due", "2024-10-02T23:59:00")(good_text))
    message = check_failure(root, ("pdf", "--semester", GOOD), ())
    first, fix = message.rstrip("\n").split("\n")
    assert re.fullmatch(rf"config error: {re.escape(FILE)}:\d+: .+", first)
    assert fix.startswith("  how to fix: ")


def test_the_course_build_reports_the_mistakes_of_every_semester_file_and_writes_nothing(tmp_path):
    """`make all` builds every term in one process: each broken file is named, none stops the
    reading of the others, and the exit is a config error's, with no traceback."""
    project = make_root(tmp_path)
    files = sorted((project / "semesters").glob("*.toml"))
    assert len(files) > 1
    for path in files:
        path.write_text(path.read_text().replace("[course]", "[course]\nunknown_key = 1", 1))
    done = run_cli(project, "build", "--course", "--all-outputs")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    for path in files:
        assert f"semesters/{path.name}" in done.stderr, done.stderr
    assert not (project / "output").exists()


def test_the_course_build_takes_no_semester_or_activity(tmp_path):
    project = make_root(tmp_path)
    for extra in (("--semester", GOOD), ("--activity", "activity05")):
        done = run_cli(project, "build", "--course", *extra)
        assert done.returncode == 2 and "--course builds every semester" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    assert not (project / "output").exists()
