"""Proven derivations, remembered by everything that decides their verdict.

A derivation's proof depends only on its expressions, its definitions, its samplers and the code
that checks it, not on the term: Activity 5's derivations take no parameters, so a second term
(or a new seed for a variant) would prove them again, to the same verdict, at the same points.
The memo keys a proof by all of that, so an identical derivation is proven once per checkout.
Only a proof that held is kept; a false step is found again, and reported, every time.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from pathlib import Path
from types import FunctionType

import sympy as sp

from .proofs import POINTS, Derivation, ProofRecord, check_derivation
from .write import write_atomically


def _sampler(function) -> str | None:
    """Which function of the (hashed) code it is, and what it captured; None if that cannot be
    told apart from another one (then the proof is not remembered)."""
    if not isinstance(function, FunctionType):
        return None
    captured = [cell.cell_contents for cell in function.__closure__ or ()] + list(function.__defaults__ or ())
    text = f"{function.__module__}.{function.__qualname__}:{function.__code__.co_firstlineno}:{captured!r}"
    return None if " at 0x" in text else text


def fingerprint(derivation: Derivation, code: str) -> str | None:
    """What the verdict depends on, hashed; ``code`` stands for the checker's and the activity's
    code and the libraries' versions."""
    samplers = [(sp.srepr(symbol), _sampler(f)) for symbol, f in derivation.samplers.items()]
    if any(s is None for _, s in samplers):
        return None
    definitions = sorted((sp.srepr(k), sp.srepr(v)) for k, v in derivation.definitions.items())
    parts = [code, str(POINTS), *map(sp.srepr, derivation.chain), repr(definitions), repr(sorted(samplers))]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def proven(derivation: Derivation, folder: Path, code: str) -> ProofRecord:
    """``check_derivation``'s record, from the memo when this very derivation held before.

    Builds side by side (two terms of one activity, in a course build) would prove the same
    derivation at the same moment: the first to start holds a lock on it while it proves, and the
    other waits, then reads the memo instead of proving it again."""
    key = fingerprint(derivation, code)
    if key is None:
        return check_derivation(derivation)
    memo = folder / f"{key[:32]}.json"
    remembered = _remembered(derivation, memo)
    if remembered is not None:
        return remembered
    with _held(folder / f"{key[:32]}.lock"):
        remembered = _remembered(derivation, memo)  # proven by another build while this one waited
        if remembered is not None:
            return remembered
        record = check_derivation(derivation)  # raises ProofError on a false step: nothing is kept
        write_atomically(memo, json.dumps({"key": derivation.key, "points": record.points}).encode())
        return record


def _remembered(derivation: Derivation, memo: Path) -> ProofRecord | None:
    try:
        points = json.loads(memo.read_text(encoding="utf-8"))["points"]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # not proven yet, or a damaged file: prove it
    return ProofRecord(derivation.key, derivation.problem, derivation.title, len(derivation.steps), points, 0.0)


@contextmanager
def _held(lock: Path):
    """An exclusive lock on ``lock`` while the block runs (none where the system has no flock:
    then two builds may both prove a derivation, which costs only time). The OS releases it if
    the process dies."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
