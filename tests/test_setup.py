"""The set-up: pyproject.toml declares every package the code imports, the lock holds each
declared package at a version inside its range, with hashes, and the venv is the lock's."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import REPO

LOCK = REPO / "requirements" / "lock.txt"
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
# Modules of this repository, imported by name: the package and the tests' helpers (modules and packages).
OWN = {"generator", *(p.stem for p in (REPO / "tests").glob("*.py")),
       *(p.parent.name for p in (REPO / "tests").glob("*/__init__.py")), *(p.stem for p in (REPO / "tools").glob("*.py"))}


def declared() -> list[Requirement]:
    """What pyproject.toml asks for: the package, its test extra, and the build backend."""
    texts = [*PROJECT["project"]["dependencies"], *PROJECT["project"]["optional-dependencies"]["test"],
             *PROJECT["build-system"]["requires"]]
    return [Requirement(text) for text in texts]


def locked(text: str) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of a `--generate-hashes` lock."""
    pins: dict[str, tuple[str, list[str]]] = {}
    name = None
    for line in text.splitlines():
        if pin := re.match(r"([A-Za-z0-9._-]+)==(\S+)", line):
            name = canonicalize_name(pin[1])
            pins[name] = (pin[2], [])
        elif (digest := re.match(r"\s+--hash=(sha256:[0-9a-f]{64})", line)) and name is not None:
            pins[name][1].append(digest[1])
        elif line.strip() and not line.startswith((" ", "#")):
            raise AssertionError(f"not a pinned requirement: {line!r}")
    return pins


def imported_modules() -> dict[str, str]:
    """Top-level names of the modules imported by the code and its tests -> a file importing it."""
    found: dict[str, str] = {}
    for folder in ("generator", "tests", "tools"):
        for path in sorted((REPO / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found.setdefault(name.split(".")[0], path.relative_to(REPO).as_posix())
    return found


def test_every_package_the_code_imports_is_declared():
    wanted = {canonicalize_name(r.name) for r in declared()}
    providers = metadata.packages_distributions()
    modules = imported_modules()
    assert {"numpy", "requests", "mpmath", "pypdf"} <= set(modules)  # the walk sees imports
    undeclared = []
    for module, where in sorted(modules.items()):
        if module in sys.stdlib_module_names or module in OWN:
            continue
        distributions = {canonicalize_name(d) for d in providers.get(module, [])}
        if not distributions & wanted:
            undeclared.append(f"{module} (imported in {where}; installed by {sorted(distributions) or 'nothing'})")
    assert undeclared == [], "declare these in pyproject.toml, then run `make lock`: " + ", ".join(undeclared)


def test_every_declared_package_is_locked_at_a_version_in_its_range():
    pins = locked(LOCK.read_text(encoding="utf-8"))
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is declared but not locked: run `make lock`"
        assert requirement.specifier.contains(pins[name][0], prereleases=True), \
            f"the lock has {name}=={pins[name][0]}, outside {requirement}: run `make lock`"


def test_every_locked_package_has_hashes_and_is_the_one_installed():
    pins = locked(LOCK.read_text(encoding="utf-8"))
    assert len(pins) > 20
    for name, (version, hashes) in pins.items():
        assert hashes, f"{name} has no hash in {LOCK.name}"
        assert metadata.version(name) == version, f"{name} {metadata.version(name)} is installed, the lock has " \
                                                  f"{version}: run `make setup` (or use .venv/bin/python)"


def test_the_lock_parser_reads_pins_and_hashes_and_rejects_anything_else():
    text = ("# a comment\nnumpy==2.0.1 \\\n    --hash=sha256:" + "a" * 64 + " \\\n    --hash=sha256:" + "b" * 64
            + "\n    # via answer-key-generator (pyproject.toml)\nPyYAML==6.0 \\\n    --hash=sha256:" + "c" * 64 + "\n")
    assert locked(text) == {"numpy": ("2.0.1", ["sha256:" + "a" * 64, "sha256:" + "b" * 64]),
                            "pyyaml": ("6.0", ["sha256:" + "c" * 64])}
    for loose in ("numpy>=2\n", "-e .\n", "numpy\n"):
        with pytest.raises(AssertionError, match="not a pinned requirement"):
            locked(loose)
