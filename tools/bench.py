"""`make bench`: how long a build takes against the TeX floor; prints figures, asserts nothing.

Four scenarios for the key of one semester, each the median of several runs in a scratch
project root: a cold build (no caches at all), a no-op rebuild, a rebuild after a prose edit
in a template, and bare latexmk of the same final .tex from a clean folder (the floor). Each
build is ``python -m generator pdf``, what ``make pdf`` runs, in a fresh process, so imports
count; peak memory is the largest resident set of any process of the run (Python, a worker,
or TeX).
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.latex import deterministic_env, latexmk_command
from generator.paths import ROOT

# Runs a command and reports its wall time and the peak RSS of its process tree (in KiB).
MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
run = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, run.returncode)
sys.stderr.buffer.write(run.stderr if run.returncode else b"")
"""
GOALS = {"cold/floor": 2.0, "prose edit/floor": 1.2, "no-op/cold": 0.05}


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


def scratch_root(base: Path, name: str) -> tuple[Path, Path]:
    root = base / name
    (root / "semesters").mkdir(parents=True)
    for toml in (ROOT / "semesters").glob("*.toml"):
        shutil.copy(toml, root / "semesters")
    shutil.copytree(ROOT / "activities", root / "activities", ignore=shutil.ignore_patterns("__pycache__"))
    first = sorted(p for p in (root / "activities").iterdir() if p.is_dir())[0]
    return root, first / "prose"


def build_command(semester: str, root: Path) -> list[str]:
    """What `make pdf` runs, for a project root with its own templates."""
    return [sys.executable, "-m", "generator", "pdf", "--semester", semester, "--root", str(root)]


def bench(semester: str, runs: int) -> dict[str, list[Run]]:
    # The generator's own bytecode, as an installed package has it (even with
    # PYTHONDONTWRITEBYTECODE set): the figures measure the build, not CPython compiling it.
    compileall.compile_dir(ROOT / "generator", quiet=1)
    results: dict[str, list[Run]] = {"cold": [], "no-op": [], "prose edit": [], "floor": []}
    with tempfile.TemporaryDirectory(prefix="answer-key-bench-") as scratch:
        base = Path(scratch)
        for n in range(runs):
            root, templates = scratch_root(base, f"run{n}")
            command = build_command(semester, root)
            results["cold"].append(measure(command, ROOT))
            floor = base / f"floor{n}"  # the same minute as this run's builds: see report()
            floor.mkdir()
            tex = sorted((root / "output" / semester).glob("*-key.tex"))[0]  # the course-wide bench is to come
            shutil.copy(tex, floor / tex.name)
            engine = "lualatex" if r"\usepackage{fontspec}" in tex.read_text() else "pdflatex"
            results["floor"].append(measure(latexmk_command(tex.name, engine), floor,
                                            deterministic_env([root / "figures" / semester / tex.name.removesuffix("-key.tex")])))
            results["no-op"].append(measure(command, ROOT))
            fragment = sorted(templates.glob("*.j2"))[-1]  # a sentence more: re-rendered, recompiled
            text, end = fragment.read_text(), ".\n((* endcall *))"
            at = text.rindex(end)
            fragment.write_text(text[:at] + f". Edited {'again ' * n}here" + text[at:])
            results["prose edit"].append(measure(command, ROOT))
    return results


RATIOS = {"cold/floor": ("cold", "floor"), "prose edit/floor": ("prose edit", "floor"), "no-op/cold": ("no-op", "cold")}


def report(semester: str, results: dict[str, list[Run]]) -> str:
    """Each scenario's median; each ratio as the median of the runs' own ratios.

    A run's builds and its floor are timed within the same minute, so a ratio taken run by run
    cancels the drift of a shared machine (the floor alone moves by a third between minutes);
    the ratio of the medians is printed beside it.
    """
    median = {name: statistics.median(r.seconds for r in runs) for name, runs in results.items()}
    lines = [f"build benchmark, key of {semester}, median of {len(results['cold'])} runs "
             f"({os.cpu_count()} cores)", ""]
    lines.append(f"{'scenario':<12} {'median s':>9} {'runs (s)':<32} {'peak MiB':>9}")
    for name, runs in results.items():
        each = " ".join(f"{r.seconds:.2f}" for r in runs)
        peak = max(r.peak_kib for r in runs) / 1024
        lines.append(f"{name:<12} {median[name]:>9.2f} {each:<32} {peak:>9.0f}")
    lines += ["", f"{'ratio':<17} {'run by run':>10} {'of medians':>11}   goal"]
    for name, (top, bottom) in RATIOS.items():
        paired = statistics.median(a.seconds / b.seconds for a, b in zip(results[top], results[bottom]))
        verdict = "meets" if paired <= GOALS[name] else "misses"
        lines.append(f"{name:<17} {paired:>10.2f} {median[top] / median[bottom]:>11.2f}   "
                     f"<= {GOALS[name]:.2f}: {verdict}")
    peak = max(r.peak_kib for runs in results.values() for r in runs) / 1024
    lines.append(f"{'peak memory':<17} {peak:>6.0f} MiB   goal < 300 MiB: {'meets' if peak < 300 else 'misses'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/bench.py", description=__doc__.splitlines()[0])
    parser.add_argument("--semester", default="2024-fall")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "5")))
    args = parser.parse_args(argv)
    print(report(args.semester, bench(args.semester, args.runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
