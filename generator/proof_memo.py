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
    """``check_derivation``'s record, from the memo when this very derivation held before."""
    key = fingerprint(derivation, code)
    memo = folder / f"{key[:32]}.json" if key is not None else None
    if memo is not None:
        try:
            points = json.loads(memo.read_text(encoding="utf-8"))["points"]
            return ProofRecord(derivation.key, derivation.problem, derivation.title, len(derivation.steps), points, 0.0)
        except (OSError, ValueError, KeyError, TypeError):
            pass  # not proven yet, or a damaged file: prove it
    record = check_derivation(derivation)  # raises ProofError on a false step: nothing is kept
    if memo is not None:
        write_atomically(memo, json.dumps({"key": derivation.key, "points": record.points}).encode())
    return record
