"""`make bench`: how long building the course takes against the TeX floor; prints figures, asserts nothing.

Measured the way a user runs it, through make, in a scratch copy of the project (its tracked
files as they are in the working tree) that uses this checkout's virtual environment:

- cold: ``make -j2 all`` after ``make clean``: every term, every activity, keys, handouts, HTML;
- no-op: the same again, with nothing changed;
- prose edit: one sentence more in one activity's prose, then ``make pdf`` of that activity;
- floor: bare ``latexmk`` from a clean folder of every PDF the cold build made, one after the
  other (the sum), and of the edited document alone.

Each figure is the median of several runs; peak memory is the largest resident set of any one
process of a run (Python, a worker, or TeX).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.latex import deterministic_env, latexmk_command  # noqa: E402

# Runs a command and reports its wall time and the peak RSS of its process tree (in KiB).
MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
run = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, run.returncode)
sys.stderr.buffer.write(run.stderr if run.returncode else b"")
"""
GOALS = {"cold/floor": 1.0, "prose edit/floor": 1.0}
NO_OP_GOAL, MEMORY_GOAL = 0.15, 300  # seconds, MiB
EDITED = ("2027-spring", "activity05")  # the document the prose edit changes


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_kib: int


def measure(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    run = subprocess.run([sys.executable, "-c", MEASURE, *command], cwd=cwd, env=env,
                         capture_output=True, text=True, check=True)
    out = run.stdout.split()
    if out[2] != "0":
        raise SystemExit(f"bench: {' '.join(command)} failed (exit {out[2]}):\n{run.stderr}")
    return Run(float(out[0]), int(out[1]))


def scratch_project(base: Path, name: str) -> Path:
    """The project's tracked files, as they are now, in a fresh folder."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    root = base / name
    for relative in filter(None, files.decode().split("\0")):
        source = ROOT / relative
        if source.is_file():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / relative)
    return root


def make(root: Path, *targets: str) -> list[str]:
    """make in ``root`` with this checkout's environment, whose set-up is taken as done."""
    venv = ROOT / ".venv"
    return ["make", "-C", str(root), *targets, f"VENV={venv}", "-o", f"{venv}/.installed", "-o", ".cache/tex-checked"]


def floors(root: Path, base: Path, name: str) -> dict[tuple[str, str], Run]:
    """Bare latexmk of each PDF the build made, from a clean folder, keyed by (semester, file)."""
    out = {}
    for tex in sorted((root / "output").glob("*/*.tex")):
        semester, activity = tex.parent.name, tex.name.split("-")[0]
        folder = base / f"{name}-floor-{semester}-{tex.stem}"
        folder.mkdir()
        shutil.copy(tex, folder / tex.name)
        engine = "lualatex" if r"\usepackage{fontspec}" in tex.read_text() else "pdflatex"
        out[(semester, tex.stem)] = measure(latexmk_command(tex.name, engine), folder,
                                            deterministic_env([root / "figures" / semester / activity]))
    return out


def edit_prose(root: Path, activity: str, n: int) -> None:
    """One sentence more at the end of the activity's last problem: re-rendered and recompiled."""
    fragment = sorted((root / "activities" / activity / "prose").glob("*.j2"))[-1]
    text, end = fragment.read_text(), ".\n((* endcall *))"
    at = text.rindex(end)
    fragment.write_text(text[:at] + f". Edited {'again ' * n}here" + text[at:])


def bench(runs: int) -> dict[str, list[Run]]:
    results: dict[str, list[Run]] = {"cold": [], "no-op": [], "prose edit": [], "floor (sum)": [], "floor (edited)": []}
    semester, activity = EDITED
    with tempfile.TemporaryDirectory(prefix="answer-key-bench-") as scratch:
        base = Path(scratch)
        for n in range(runs):
            root = scratch_project(base, f"run{n}")
            results["cold"].append(measure(make(root, "-j2", "all"), root))
            results["no-op"].append(measure(make(root, "-j2", "all"), root))
            documents = floors(root, base, f"run{n}")  # the same minute as this run's builds: see report()
            results["floor (sum)"].append(Run(sum(r.seconds for r in documents.values()),
                                              max(r.peak_kib for r in documents.values())))
            edit_prose(root, activity, n)
            results["prose edit"].append(measure(make(root, "pdf", f"SEMESTER={semester}", f"ACTIVITY={activity}"), root))
            results["floor (edited)"].append(documents[(semester, f"{activity}-key")])
    return results


RATIOS = {"cold/floor": ("cold", "floor (sum)"), "prose edit/floor": ("prose edit", "floor (edited)")}


def report(results: dict[str, list[Run]]) -> str:
    """Each scenario's median; each ratio as the median of the runs' own ratios.

    A run's builds and its floors are timed within the same minutes, so a ratio taken run by run
    cancels the drift of a shared machine; the ratio of the medians is printed beside it.
    """
    median = {name: statistics.median(r.seconds for r in runs) for name, runs in results.items()}
    lines = [f"course build benchmark: every term and activity, median of {len(results['cold'])} runs "
             f"({os.cpu_count()} cores)", ""]
    lines.append(f"{'scenario':<15} {'median s':>9} {'runs (s)':<36} {'peak MiB':>9}")
    for name, runs in results.items():
        each = " ".join(f"{r.seconds:.2f}" for r in runs)
        peak = max(r.peak_kib for r in runs) / 1024
        lines.append(f"{name:<15} {median[name]:>9.2f} {each:<36} {peak:>9.0f}")
    lines += ["", f"{'ratio':<17} {'run by run':>10} {'of medians':>11}   goal"]
    for name, (top, bottom) in RATIOS.items():
        paired = statistics.median(a.seconds / b.seconds for a, b in zip(results[top], results[bottom]))
        verdict = "meets" if paired <= GOALS[name] else "misses"
        lines.append(f"{name:<17} {paired:>10.2f} {median[top] / median[bottom]:>11.2f}   "
                     f"<= {GOALS[name]:.2f}: {verdict}")
    lines.append(f"{'no-op':<17} {median['no-op']:>8.2f} s   goal < {NO_OP_GOAL} s: "
                 f"{'meets' if median['no-op'] < NO_OP_GOAL else 'misses'}")
    peak = max(r.peak_kib for name in ("cold", "no-op", "prose edit") for r in results[name]) / 1024
    lines.append(f"{'peak memory':<17} {peak:>6.0f} MiB   goal < {MEMORY_GOAL} MiB: "
                 f"{'meets' if peak < MEMORY_GOAL else 'misses'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/bench.py", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "3")))
    args = parser.parse_args(argv)
    print(report(bench(args.runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
