"""A likely cause for a failed step: the smallest set of common slips whose repair makes it hold.

A counterexample proves a step wrong but does not say where the author slipped. The slips
tried here are the ones hand-written keys of this course actually contain: a function name
typed for a similar one (``\\sin`` for ``\\text{sig}``), a square placed on the exponential
inside the parentheses instead of on the parentheses (``(1 + \\exp[u]^2)`` for
``(1 + \\exp[u])^2``), and, in a definition the step relies on, a bare ``x`` where the sum's
``x_i`` is meant. Each combination is judged by the same checker; a hint is printed only when
a combination is *proven* to make the step hold, so a hint is never a guess.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations

import sympy as sp

from ..notation import sig
from ..proofs import compare
from .definitions import Definitions
from .judge import SECONDS, Timeout, budget, prepared, simple_samplers


@dataclass(frozen=True)
class Repair:
    description: str
    on_step: Callable[[sp.Basic], sp.Basic] | None = None  # applied to both sides as read
    definitions: Callable[[Definitions], Definitions] | None = None


def candidates(left: sp.Basic, right: sp.Basic, defs: Definitions) -> list[Repair]:
    found: list[Repair] = []
    both = [left, right]
    if any(e.has(sp.sin) for e in both) and not any(e.has(sp.cos) for e in both):
        found.append(Repair("sin is read as sig", on_step=lambda e: e.replace(sp.sin, sig)))
    for e in both:
        for add in e.atoms(sp.Add):
            for term in add.args:
                if isinstance(term, sp.exp):
                    k, rest = sp.factor_terms(term.args[0]).as_coeff_Mul()
                    if k.is_negative:
                        k, rest = -k, -rest
                    if k.is_Integer and k >= 2:
                        fixed = sp.Pow(add.xreplace({term: sp.exp(rest)}), k)
                        shown = sp.sstr(add.xreplace({term: sp.Pow(sp.exp(rest), k, evaluate=False)}))
                        found.append(Repair(f"({shown}) is read as ({sp.sstr(add.xreplace({term: sp.exp(rest)}))})^{k}",
                                            on_step=lambda x, a=add, f=fixed: x.xreplace({a: f})))
    found += _bare_for_indexed(left, right, defs)
    return found[:4]


def _bare_for_indexed(left, right, defs: Definitions) -> list[Repair]:
    """A definition whose sum over i uses x where the step uses x_i."""
    indexed = {a.base.label.name: a.base for e in (left, right) for a in e.atoms(sp.Indexed)}
    out = []
    for name, d in list(defs.names.items()):
        if not any(s.name == name for e in (left, right) for s in e.free_symbols if isinstance(s, sp.Symbol)) and \
                not any(f.func.__name__ == name for e in (left, right) for f in e.atoms(sp.Function)):
            continue
        for total in d.value.atoms(sp.Sum):
            var = total.limits[0][0]
            # the symbols used bare: an indexed x_i's own label does not count
            bare = total.function.xreplace({a: sp.Dummy() for a in total.function.atoms(sp.Indexed)}).free_symbols
            for s in bare:
                if isinstance(s, sp.Symbol) and s.name in indexed and not isinstance(s, sp.Idx):
                    base = indexed[s.name]

                    def repaired(ds: Definitions, name=name, s=s, base=base, var=var) -> Definitions:
                        new = copy.copy(ds)
                        new.names = dict(ds.names)
                        old = ds.names[name]
                        value = old.value.replace(lambda node: isinstance(node, sp.Sum) and node.limits[0][0] == var,
                                                  lambda node: node.xreplace({s: base[var]}))
                        new.names[name] = type(old)(old.head, value, old.line, old.params, old.recursive)
                        return new

                    out.append(Repair(f"{s} is read as {s}_{var} in the definition of {name} (line {d.line})",
                                      definitions=repaired))
    return out


def explain(left: sp.Basic, right: sp.Basic, defs: Definitions) -> str | None:
    """'holds if ...' for the smallest combination of repairs that is proven to fix the step."""
    options = candidates(left, right, defs)
    for size in range(1, len(options) + 1):
        for chosen in combinations(options, size):
            ds = defs
            a, b = left, right
            for r in chosen:
                if r.on_step is not None:
                    a, b = r.on_step(a), r.on_step(b)
                if r.definitions is not None:
                    ds = r.definitions(ds)
            try:
                with budget(SECONDS):
                    a, b = ds.resolve(a), ds.resolve(b)
                    if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase):
                        return None
                    a, b = prepared(a, b)
                    verdict = compare(a, b, simple_samplers(a, b), seed=size)
            except (Timeout, Exception):
                continue
            if verdict.holds:
                return "holds if " + " and ".join(r.description for r in chosen)
    return None
