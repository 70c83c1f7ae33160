"""Command line: the operations behind the Make targets. Errors print in a few lines, no traceback."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .errors import GeneratorError

ROOT = Path(__file__).resolve().parent.parent


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _root(args: argparse.Namespace) -> Path:
    """The project root: --root, else $ANSWER_KEY_ROOT, else the checkout this package is in."""
    return Path(getattr(args, "root", None) or os.environ.get("ANSWER_KEY_ROOT") or ROOT).resolve()


def cmd_build(args: argparse.Namespace, kinds: tuple[str, ...]) -> int:
    from .build import build

    root = _root(args)
    all_outputs = getattr(args, "all_outputs", False)
    report = build(args.semester, kinds=kinds, root=root, log=_say,
                   figure_formats=("pdf", "svg") if all_outputs else ("pdf",))
    if all_outputs:
        from .html import build_html

        build_html(report.semester, root=root, log=_say)
    for path in report.written:
        if path.suffix != ".stamp":
            print(f"wrote {path.relative_to(root)}")
    if not any(p.suffix == ".pdf" for p in report.written):
        print(f"{report.semester}: up to date")
    _say(f"{report.semester}: done in {report.timings['total']:.1f} s"
         + (" (computations and proofs from cache)" if report.model_cached else ""))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from . import activity05, activity05_errata, config
    from .errata import judge
    from .errors import ProofError
    from .proofs import check_derivation, require

    root = _root(args)
    semester = args.semester or config.newest_semester(root)
    cfg = config.load(config.config_path(root, semester))
    results = activity05.compute(cfg.questions)
    failures = 0
    for derivation in results.derivations:
        started = time.perf_counter()
        try:
            record = check_derivation(derivation)
            verdict = f"proven   {record.steps} step{'s' * (record.steps != 1)}, {record.points} points"
        except ProofError as exc:
            failures += 1
            verdict = "FAILED   " + exc.message.replace("\n", "\n         ")
        print(f"{derivation.key:32s} {verdict}  ({time.perf_counter() - started:.2f} s)")
    for check in results.numeric_checks:
        try:
            require(check)
            verdict = f"holds    error {check.error:.2g} <= {check.tolerance:.2g}"
        except ProofError as exc:
            failures += 1
            verdict = "FAILED   " + exc.message
        print(f"{check.key:32s} {verdict}")
    started = time.perf_counter()
    try:
        judged = judge(activity05_errata.build(cfg.questions))
        for e in judged:
            print(f"{'erratum ' + e.key:32s} original rejected, correction proven")
    except ProofError as exc:
        failures += 1
        print(f"{'errata':32s} FAILED   {exc.message}")
    print(f"errata checked in {time.perf_counter() - started:.2f} s")
    if failures:
        print(f"{failures} check(s) failed", file=sys.stderr)
        return 1
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from . import config
    from .build import Paths, build
    from .publish import PublishItem, publish_semester

    root = _root(args)
    semester = args.semester or config.newest_semester(root)
    cfg = config.load(config.config_path(root, semester))
    kinds = ("key", "handout") if cfg.canvas.publish_handout else ("key",)
    build(semester, kinds=kinds, root=root, log=_say,  # rebuilds only what is stale
          figure_formats=("pdf", "svg") if cfg.canvas.publish_page else ("pdf",))
    if cfg.canvas.publish_page:
        from .html import build_html

        build_html(semester, root=root, log=_say)
    paths = Paths(root, semester)
    items = [PublishItem(paths.document("key", ".pdf"), "activity05-key.pdf", cfg.activity.key_release)]
    if cfg.canvas.publish_handout:
        items.append(PublishItem(paths.document("handout", ".pdf"), "activity05-handout.pdf",
                                 cfg.activity.handout_release))
    publish_semester(cfg, items, dry_run=args.dry_run)
    return 0


def cmd_html(args: argparse.Namespace) -> int:
    from .html import build_html

    root = _root(args)
    print(f"wrote {build_html(args.semester, root=root, log=_say).relative_to(root)}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from .diff import diff_command

    return diff_command(args.old, args.new, root=_root(args), only_changed=args.only_changed, log=_say)


def cmd_ensure_tex(args: argparse.Namespace) -> int:
    from .tex_setup import ensure_tex, ensure_test_tools

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
        p.add_argument("--root", help="project root holding semesters/ and output/, and templates/ if it "
                                      "has its own (default: $ANSWER_KEY_ROOT, else this checkout)")
        return p

    add("pdf", "build the answer key PDF (and its .tex and numbers.json)")
    add("handout", "build the questions-only handout PDF")
    p = add("build", "build the key and the handout")
    p.add_argument("--all-outputs", action="store_true", help="also the HTML twin, when available")
    add("check", "run every proof and numeric cross-check without LaTeX; one line each")
    p = add("publish", "rebuild if stale, then put the key on Canvas, closed until its release time")
    p.add_argument("--dry-run", action="store_true", help="print the plan; change nothing on Canvas")
    p = sub.add_parser("diff", help="what changed between two semesters' keys, for review before publishing",
                       description="Compare two semesters: header, dates, question parameters and every "
                                   "number on the key with its source (builds stale keys first).")
    p.add_argument("old", help="the earlier semester id, e.g. 2024-fall")
    p.add_argument("new", help="the later semester id, e.g. 2027-spring")
    p.add_argument("--only-changed", action="store_true", help="list only rows that differ")
    p.add_argument("--root", help="project root (default: $ANSWER_KEY_ROOT, else this checkout)")
    add("html", "build the accessible HTML twin of the key (MathML, alt text)")
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
            return cmd_build(args, ("key", "handout"))
        if args.command == "check":
            return cmd_check(args)
        if args.command == "publish":
            return cmd_publish(args)
        if args.command == "diff":
            return cmd_diff(args)
        if args.command == "html":
            return cmd_html(args)
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
