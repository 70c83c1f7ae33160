"""The shape of a claim's sides: their free atoms, whether one is a constant, derivatives done
one level, and the corresponding parts of two sides, paired outermost first."""

from __future__ import annotations

import sympy as sp


def differentiated(e):
    if isinstance(e, sp.MatrixBase):
        return e.applyfunc(differentiated)
    return e.replace(lambda x: isinstance(x, sp.Derivative), lambda d: d.doit(deep=False))


def free_atoms(e) -> set:
    if isinstance(e, sp.MatrixBase):
        return set().union(*(free_atoms(x) for x in e))
    atoms = set(e.atoms(sp.Indexed))
    return atoms | {s for s in e.free_symbols if not isinstance(s, sp.Idx)} - \
        {i for a in atoms for i in a.free_symbols if a != i} - {a.base.label for a in atoms}


def is_constant(e) -> bool:
    return not isinstance(e, (sp.MatrixBase, sp.Tuple)) and hasattr(e, "free_symbols") and not free_atoms(e)


def peel(a, b):
    """Pairs of corresponding parts of ``a`` and ``b``, outermost first: sums with the same range,
    powers with the same exponent, sums and products less their common terms."""
    yield a, b
    if isinstance(a, sp.Sum) and isinstance(b, sp.Sum) and a.limits == b.limits:
        yield from peel(a.function, b.function)
    elif isinstance(a, sp.Pow) and isinstance(b, sp.Pow) and a.exp == b.exp:
        yield from peel(a.base, b.base)
    elif isinstance(a, (sp.Add, sp.Mul)) or isinstance(b, (sp.Add, sp.Mul)):
        op = type(a) if isinstance(a, (sp.Add, sp.Mul)) else type(b)
        xs, ys = list(op.make_args(a)), list(op.make_args(b))
        common = [x for x in xs if x in ys]
        if common:
            rest_a = op(*[x for x in xs if x not in common])
            rest_b = op(*[y for y in ys if y not in common])
            yield from peel(rest_a, rest_b)
