"""Content hashes: what a build's documents are made from, and whether its outputs are as it left them.

A build hashes every input (the semester file's bytes, the activity's folder, the shared
templates, the pipeline's code, the libraries' and TeX's versions, the kinds asked for); if the
outputs its last build from exactly these inputs recorded are still there, byte for byte, there is
nothing to do. Reading the libraries' versions is a third of such a no-op, so they are memoised
under the installation they were read from.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from .activities import Activity
from .paths import ROOT, Paths
from .write import write_atomically

# The libraries whose output ends up in the documents: computed, printed, drawn or rendered.
LIBRARIES = ("numpy", "sympy", "matplotlib", "mpmath", "jinja2", "markupsafe")


def hash_files(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        files = sorted(p for p in path.rglob("*.py")) if path.is_dir() else [path]
        for f in files:
            digest.update(f.relative_to(ROOT).as_posix().encode())
            digest.update(f.read_bytes())
    return digest.hexdigest()


def _installation() -> str:
    """Where each library is installed and when its files were written: any install, upgrade or
    other environment changes it. Cheap: nothing is imported or read."""
    from importlib.util import find_spec

    parts = [sys.version, sys.prefix]
    for name in LIBRARIES:
        spec = find_spec(name)
        origin = Path(spec.origin) if spec is not None and spec.origin else None
        stat = origin.stat() if origin is not None and origin.exists() else None
        parts.append(f"{name} {origin} {stat.st_size if stat else ''} {stat.st_mtime_ns if stat else ''}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@functools.cache
def library_versions(cache: Path) -> str:
    """The versions of the libraries whose output ends up in the documents, and Python's.

    Reading them (importlib.metadata) costs a third of a no-op build, so they are kept in
    ``cache`` under the installation they were read from, and read again when it changes.
    """
    installation, memo = _installation(), cache / "library-versions.json"
    try:
        record = json.loads(memo.read_text(encoding="utf-8"))
        if record["installation"] == installation:
            return record["versions"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    from importlib import metadata

    versions = json.dumps({name: metadata.version(name) for name in LIBRARIES}, sort_keys=True) + sys.version.split()[0]
    write_atomically(memo, json.dumps({"installation": installation, "versions": versions}).encode())
    return versions


def activity_code(activity: Activity, prose: bool = True) -> str:
    """The activity folder's files, by their path inside it (the same in any checkout); without
    ``prose``, only what computes, proves and draws (the model's inputs: a prose edit keeps it)."""
    digest = hashlib.sha256()
    for f in activity.code_paths():
        if not prose and f.relative_to(activity.folder).parts[0] == "prose":
            continue
        digest.update(f.relative_to(activity.folder).as_posix().encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()


def inputs_digest(config_text: bytes, activity: Activity, templates: Path, kinds, engine_version: str,
                  cache: Path) -> str:
    """Everything a build's documents are made from: the config file's bytes (as loaded), the
    activity's folder, the shared templates, all of the generator's code, the library and TeX
    versions, and the kinds asked for."""
    digest = hashlib.sha256()
    parts = [config_text, activity.id.encode(), repr(tuple(kinds)).encode(), engine_version.encode(),
             library_versions(cache).encode(), hash_files([ROOT / "generator"]).encode(),
             activity_code(activity).encode()]
    parts += [piece for f in sorted(templates.rglob("*")) if f.is_file()
              for piece in (f.relative_to(templates).as_posix().encode(), f.read_bytes())]
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def _file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def outputs_if_current(stamp: Path, digest: str, root: Path) -> list[Path] | None:
    """The outputs the last build made from exactly these inputs, if each is still as it left it."""
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(recorded, dict) or recorded.get("inputs") != digest:
        return None
    outputs = {root / name: hashed for name, hashed in recorded.get("outputs", {}).items()}
    if not outputs or any(_file_hash(path) != hashed for path, hashed in outputs.items()):
        return None
    return list(outputs)


def document_outputs(paths: Paths, kinds) -> list[Path]:
    """Every file a build of these kinds leaves: what a later no-op must find unchanged."""
    outputs = []
    for kind in kinds:
        outputs += [paths.document(kind, ".tex"), paths.document(kind, ".pdf"), paths.cache / f"{kind}.stamp"]
        if kind == "key":
            outputs.append(paths.document(kind, ".numbers.json"))
    return outputs


def record_outputs(stamp: Path, digest: str, root: Path, outputs: list[Path]) -> None:
    record = {"inputs": digest, "outputs": {p.relative_to(root).as_posix(): _file_hash(p) for p in outputs}}
    write_atomically(stamp, (json.dumps(record, indent=1, sort_keys=True) + "\n").encode())


def figure_digest(model: dict[str, Any]) -> str:
    digest = hashlib.sha256()
    for name in sorted(model["figures"]):
        digest.update(Path(model["figures"][name]["pdf"]).read_bytes())
    return digest.hexdigest()
