"""Command line: the operations behind the Make targets. Errors print in a few lines, no traceback."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .errors import ConfigError, GeneratorError
from .paths import ROOT


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _root(args: argparse.Namespace) -> Path:
    """The project root: --root, else $ANSWER_KEY_ROOT, else the checkout this package is in."""
    return Path(getattr(args, "root", None) or os.environ.get("ANSWER_KEY_ROOT") or ROOT).resolve()


def cmd_build(args: argparse.Namespace, kinds: tuple[str, ...]) -> int:
    from .build import build, build_course
    from .index import build_index

    root = _root(args)
    started = time.time()
    all_outputs = getattr(args, "all_outputs", False)
    options = {"kinds": kinds, "root": root, "log": _say, "html": all_outputs,
               "figure_formats": ("pdf", "svg") if all_outputs else ("pdf",)}
    if getattr(args, "course", False):
        if args.semester or args.activity:
            raise ConfigError("--course builds every semester's activities: it takes no --semester or --activity",
                              hint="leave out --course to build one semester (or one activity of it)")
        by_semester = build_course(**options)
    else:
        reports = build(args.semester, args.activity, **options)
        by_semester = {reports[0].semester if reports else args.semester: reports}
    for semester, reports in by_semester.items():
        build_index(semester, root=root)
        _print_reports(reports, root)
    if getattr(args, "make_record", None):
        from . import make_record
        from .activities import activities_folder
        from .config import config_path

        read = make_record.inputs([config_path(root, semester) for semester in by_semester],
                                  [activities_folder(root) / r.activity for rs in by_semester.values() for r in rs])
        written = [path for semester in by_semester for path in make_record.outputs(root, semester)]
        make_record.record(Path(args.make_record), started, read, written)
    return 0


def _print_reports(reports, root: Path) -> None:
    for report in reports:
        for path in report.written:
            if path.suffix != ".stamp":
                print(f"wrote {path.relative_to(root)}")
        where = f"{report.semester} {report.activity}"
        if not any(p.suffix == ".pdf" for p in report.written):
            print(f"{where}: up to date")
        _say(f"{where}: done in {report.timings['total']:.1f} s"
             + (" (computations and proofs from cache)" if report.model_cached else ""))


def cmd_check(args: argparse.Namespace) -> int:
    from . import config
    from .activities import compute, load_activity
    from .errata import judge
    from .errors import ProofError
    from .proofs import check_derivation, require

    root = _root(args)
    semester = args.semester or config.newest_semester(root)
    cfg = config.load(config.config_path(root, semester), root)
    for warning in cfg.warnings(args.activity):
        _say(warning)
    failures = 0
    for term in cfg.select(args.activity):
        activity = load_activity(root, term.id)
        print(f"{term.id}: {activity.title}")
        failures += _check_activity(activity, term, compute, judge, check_derivation, require, ProofError)
        failures += _audit_activity(cfg, term, activity, root)
    if failures:
        print(f"{failures} check(s) failed", file=sys.stderr)
        return 1
    return 0


def _check_activity(activity, term, compute, judge, check_derivation, require, ProofError) -> int:
    results = compute(activity, term.questions)
    failures = 0
    for derivation in results.derivations:
        started = time.perf_counter()
        try:
            record = check_derivation(derivation)
            verdict = f"proven   {record.steps} step{'s' * (record.steps != 1)}, {record.points} points"
        except ProofError as exc:
            failures += 1
            verdict = "FAILED   " + exc.message.replace("\n", "\n         ")
        print(f"  {derivation.key:32s} {verdict}  ({time.perf_counter() - started:.2f} s)")
    for check in results.numeric_checks:
        try:
            require(check)
            verdict = f"holds    error {check.error:.2g} <= {check.tolerance:.2g}"
        except ProofError as exc:
            failures += 1
            verdict = "FAILED   " + exc.message
        print(f"  {check.key:32s} {verdict}")
    from .errata_page import OriginalErrata
    from .variants import defaults

    started = time.perf_counter()
    try:
        original = OriginalErrata.of(activity, term.questions, term.questions == defaults(activity.parameters))
        if original.path is None:
            return failures
        said = {"claim": "claim rejected, what the key supplies proven", "omission": "an omission, what the key "
                "supplies proven", "wording": "a wrong word, corrected in words"}
        for e, judged in zip(original.encoded, judge(original.encoded)):
            print(f"  {'erratum ' + judged.key:32s} {said[e.kind]}")
        for found in original.jobs()[0]():
            failed = f"{len(found.failures)} step(s) fail" if found.failures else "no step fails as written"
            print(f"  {'erratum ' + found.key:32s} lint: {failed}; the corrected original holds")
    except ProofError as exc:
        failures += 1
        print(f"  {'errata':32s} FAILED   {exc.message}")
    print(f"  errata checked in {time.perf_counter() - started:.2f} s")
    return failures


def _audit_activity(cfg, term, activity, root: Path) -> int:
    """The provenance audit of the key and the handout: a number typed into the prose fails."""
    from .audit import typed_numbers
    from .build import BuildReport, load_model, render_documents
    from .paths import Paths

    model = load_model(activity, term, Paths(root, cfg.semester, term.id), BuildReport(cfg.semester, term.id),
                       log=lambda m: None)
    failures = 0
    for kind, document in render_documents(cfg, term, model, activity, audit=True).items():
        typed = typed_numbers(document.tex)
        failures += len(typed)
        verdict = "holds    every number from a computation or the config" if not typed else \
            "FAILED   typed numbers: " + "; ".join(f"{n.text} in '{n.context.strip()}'" for n in typed)
        print(f"  {'provenance of the ' + kind:32s} {verdict}")
    return failures


def cmd_publish(args: argparse.Namespace) -> int:
    from . import config
    from .build import build
    from .publish import publish_term, targets_for, wait_and_publish

    root = _root(args)
    semester = args.semester or config.newest_semester(root)
    cfg = config.load(config.config_path(root, semester), root)
    for warning in cfg.warnings(args.activity):
        _say(warning)
    targets_for(cfg, root, args.activity)  # an unknown or broken ACTIVITY stops here, before any build

    def build_and_publish():
        term = targets_for(cfg, root, args.activity)
        handout = any(f.kind == "handout" for a in term.activities for f in a.files)
        page = any(a.page is not None for a in term.activities)
        build(semester, args.activity, kinds=("key", "handout") if handout else ("key",), root=root,
              log=_say, figure_formats=("pdf", "svg") if page else ("pdf",))  # only what is stale
        if page:
            from .html_build import build_html

            build_html(semester, args.activity, root=root, log=_say)
        return publish_term(term, dry_run=args.dry_run)

    if args.wait:
        if args.dry_run:
            raise ConfigError("--wait and --dry-run do not go together", hint="use one of them (WAIT=1 or DRY_RUN=1)")
        return wait_and_publish(build_and_publish)
    build_and_publish()
    return 0


def cmd_html(args: argparse.Namespace) -> int:
    from .html_build import build_html
    from .index import build_index

    root = _root(args)
    for page in build_html(args.semester, args.activity, root=root, log=_say):
        print(f"wrote {page.relative_to(root)}")
    build_index(args.semester, root=root)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from .diff import diff_command

    return diff_command(args.old, args.new, args.activity, root=_root(args), only_changed=args.only_changed, log=_say)


def cmd_new_activity(args: argparse.Namespace) -> int:
    from .scaffold import new_activity

    root = _root(args)
    for path in new_activity(root, args.id, args.title, number=args.number, semester=args.semester):
        print(f"wrote {path.relative_to(root)}")
    print(f"next: make pdf{' SEMESTER=' + args.semester if args.semester else ''} ACTIVITY={args.id}"
          + ("" if args.semester else f" (after adding a [{args.id}] table to a semester file)"))
    return 0


def cmd_ensure_tex(args: argparse.Namespace) -> int:
    from .tex_setup import ensure_test_tools, ensure_tex

    ensure_tex()
    if args.for_tests:
        ensure_test_tools()
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m generator",
                                  description="Build, prove and publish course answer keys.")
    sub = top.add_subparsers(dest="command", required=True, metavar="command")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--semester", help="semester id, e.g. 2027-spring (default: the newest in semesters/)")
        p.add_argument("--activity", help="one activity of the term, by its id: its folder's name under "
                                          "activities/ (default: all of them)")
        p.add_argument("--root", help="project root holding semesters/ and output/, and activities/ if it "
                                      "has its own (default: $ANSWER_KEY_ROOT, else this checkout)")
        return p

    add("pdf", "build each activity's answer key PDF (and its .tex and numbers.json)")
    add("handout", "build each activity's questions-only handout PDF")
    add("audit", "build each activity's audit report for the instructor: every check, every number's source")
    p = add("build", "build the keys and the handouts")
    p.add_argument("--all-outputs", action="store_true", help="also the HTML twin, when available")
    p.add_argument("--course", action="store_true", help="every semester's activities, in one process (make all)")
    p.add_argument("--make-record", metavar="FILE", help="after a good build, FILE and FILE.d: what it read "
                                                         "and wrote, for make (the Makefile's 'all')")
    add("check", "run every proof and numeric cross-check without LaTeX; one line each")
    p = add("publish", "rebuild if stale; put on Canvas what is due, prepare what is not (safe at any time)")
    p.add_argument("--dry-run", action="store_true", help="print the table; change nothing on Canvas")
    p.add_argument("--wait", action="store_true",
                   help="keep running: sleep until the next release of the term, publish it, repeat (Ctrl-C stops)")
    p = sub.add_parser("diff", help="what changed between two semesters' keys, for review before publishing",
                       description="Compare two semesters: header, dates, question parameters and every "
                                   "number on the key with its source (builds stale keys first).")
    p.add_argument("old", help="the earlier semester id, e.g. 2024-fall")
    p.add_argument("new", help="the later semester id, e.g. 2027-spring")
    p.add_argument("--only-changed", action="store_true", help="list only rows that differ")
    p.add_argument("--activity", help="one activity (default: every activity both terms run)")
    p.add_argument("--root", help="project root (default: $ANSWER_KEY_ROOT, else this checkout)")
    add("html", "build the accessible HTML twin of the key (MathML, alt text)")
    p = sub.add_parser("new-activity", help="create activities/<id>/ with an example problem that builds at once",
                       description="Create an activity folder with one example problem (a one-step derivation, "
                                   "one number, one figure) that builds, proves and passes the provenance audit.")
    p.add_argument("id", help="the new activity's id: activity and two digits, its folder's name")
    p.add_argument("--title", required=True, help='its title, e.g. "Regularization"')
    p.add_argument("--number", type=int, help="its number (default: the id's, e.g. 7)")
    p.add_argument("--semester", help="also add its table to semesters/<id>.toml, a week after the last activity")
    p.add_argument("--root", help="project root (default: $ANSWER_KEY_ROOT, else this checkout)")
    p = sub.add_parser("lint", help="check every displayed derivation of a hand-written key (Markdown or LaTeX)",
                       description="Check every displayed derivation of a hand-written key: exit 0 when every "
                                   "step holds, 1 when one does not, 2 when the file cannot be read.")
    from .lint.command import add_arguments as lint_arguments

    lint_arguments(p)
    p = sub.add_parser("ensure-tex", help="check TeX and install what is missing (Debian/Ubuntu as root)")
    p.add_argument("--for-tests", action="store_true", help="also pdftotext, Chromium and Node.js for the tests")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "pdf":
            return cmd_build(args, ("key",))
        if args.command == "handout":
            return cmd_build(args, ("handout",))
        if args.command == "build":
            return cmd_build(args, ("key", "handout", "audit"))
        if args.command == "audit":
            return cmd_build(args, ("audit",))
        if args.command == "check":
            return cmd_check(args)
        if args.command == "publish":
            return cmd_publish(args)
        if args.command == "diff":
            return cmd_diff(args)
        if args.command == "html":
            return cmd_html(args)
        if args.command == "new-activity":
            return cmd_new_activity(args)
        if args.command == "ensure-tex":
            return cmd_ensure_tex(args)
        if args.command == "lint":
            from .lint.command import run as lint_run

            return lint_run(args)
    except GeneratorError as exc:
        _say(exc.render())
        return exc.exit_code
    except KeyboardInterrupt:
        _say("interrupted; earlier outputs are unchanged")
        return 130
    raise AssertionError(args.command)
