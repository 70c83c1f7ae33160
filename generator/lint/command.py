"""``python -m generator lint FILE``: the report on the terminal (or as JSON) and the exit status.

Exit 0 when every step holds, 1 when one does not (or, with ``--strict``, when something
could not be read or proven), 2 when the file cannot be read (LintError, printed by the CLI).
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="a hand-written key: Markdown ($$ ... $$, \\[ ... \\]) or LaTeX")
    p.add_argument("--strict", action="store_true",
                   help="also fail (exit 1) on any display or step that could not be read or proven")
    p.add_argument("--json", action="store_true", help="print the findings as JSON instead of text")
    p.add_argument("--verbose", "-v", action="store_true", help="also list the steps that hold and the notes")


def run(args: argparse.Namespace) -> int:
    from . import lint_file

    report = lint_file(args.file)
    print(report.to_json() if args.json else report.text(verbose=args.verbose))
    if not report.displays:
        print(f"{args.file}: no displays found ($$ ... $$, \\[ ... \\], equation, align, gather); "
              "nothing was checked", file=sys.stderr)
    code = report.exit_code(strict=args.strict)
    if not args.json and code and not report.steps("fails"):
        print("--strict: some displays or steps were not understood or not proven", file=sys.stderr)
    return code
