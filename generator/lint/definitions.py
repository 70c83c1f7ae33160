"""What a key has defined so far, and how a later line's names are replaced by it.

A key defines as it goes: ``L[\\phi] = ...`` names the loss, ``\\ell_i = ...`` every term of
it, ``\\mathbf{m}_{t+1} \\leftarrow ...`` every momentum after the first, ``\\mathbf{m}_1 = ...``
one of them. A later line is checked with those names replaced (``resolve``), so a derivative
of ``L`` is the derivative of the loss that was stated, and an expansion of ``\\mathbf{m}_3`` is
judged against the key's own ``\\mathbf{m}_2`` and update rule. Replacement stops at a
derivative's own variable (``\\partial\\,\\text{sig}[z]/\\partial z`` differentiates in ``z`` even
if ``z`` was defined) and at indices where a rule does not apply (``\\mathbf{m}_0``).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

DEPTH = 60


class CircularDefinition(ValueError):
    pass


@dataclass(frozen=True)
class Definition:
    head: sp.Basic
    value: sp.Basic
    line: int
    params: tuple = ()  # a function's parameters, a rule's index variables
    recursive: bool = False


def name_of(head: sp.Basic) -> str:
    if isinstance(head, sp.Indexed):
        return head.base.label.name
    if isinstance(head, AppliedUndef):
        return head.func.__name__
    return head.name


def is_definable(head: sp.Basic) -> bool:
    """A name, a name with indices, or a name applied to plain arguments (``f[x_i, \\phi]``)."""
    if isinstance(head, sp.Idx):
        return False
    if isinstance(head, (sp.Symbol, sp.Indexed)):
        return True
    if isinstance(head, AppliedUndef):
        return all(isinstance(a, (sp.Symbol, sp.Indexed, sp.Idx)) for a in head.args) and \
            len(set(head.args)) == len(head.args)
    return False


class Definitions:
    def __init__(self):
        self.names: dict[str, Definition] = {}
        self.instances: dict[sp.Indexed, Definition] = {}
        self.rules: dict[str, Definition] = {}

    # -- recording ----------------------------------------------------------------------------
    def lookup(self, head: sp.Basic) -> Definition | None:
        """The definition ``head`` has now (its own, or a rule's at its index)."""
        if isinstance(head, sp.Indexed):
            if head in self.instances:
                return self.instances[head]
            rule = self.rules.get(name_of(head))
            return rule if rule is not None and self._solve(rule, head) is not None else None
        return self.names.get(name_of(head))

    def define(self, head: sp.Basic, value: sp.Basic, line: int) -> Definition:
        if isinstance(head, sp.Indexed) and all(j.is_number for j in head.indices):
            d = Definition(head, value, line)
            self.instances[head] = d
        elif isinstance(head, sp.Indexed):
            variables = tuple(sorted({s for j in head.indices for s in j.free_symbols if s.is_integer},
                                     key=sp.default_sort_key))
            d = Definition(head, value, line, variables,
                           recursive=any(a.base == head.base for a in _indexed(value)))
            self.rules[name_of(head)] = d
        elif isinstance(head, AppliedUndef):
            d = Definition(head, value, line, tuple(head.args))
            self.names[name_of(head)] = d
        else:
            d = Definition(head, value, line)
            self.names[name_of(head)] = d
        return d

    def instances_of(self, base_name: str) -> list[Definition]:
        return sorted((d for h, d in self.instances.items() if name_of(h) == base_name),
                      key=lambda d: [int(j) for j in d.head.indices])

    # -- rules --------------------------------------------------------------------------------
    def _solve(self, rule: Definition, target: sp.Indexed) -> dict | None:
        """The values of the rule's index variables that make its head ``target``, if valid."""
        if len(rule.head.indices) != len(target.indices):
            return None
        solution: dict = {}
        for pattern, value in zip(rule.head.indices, target.indices):
            free = [s for s in pattern.free_symbols if s in rule.params]
            if not free:
                if sp.simplify(pattern - value) != 0:
                    return None
                continue
            if len(free) != 1:
                return None
            (var,) = free
            offset = sp.expand(pattern - var)
            if offset.has(var) or not offset.is_number:
                return None
            solved = sp.expand(value - offset)
            if var in solution and solution[var] != solved:
                return None
            if solved.is_number:
                if not solved.is_integer or (var.is_nonnegative and solved < 0) or (var.is_positive and solved < 1):
                    return None
            elif rule.recursive:
                return None  # m_t from m_{t+1} <- ... m_t ...: would never end
            solution[var] = solved
        return solution

    def instantiate(self, rule: Definition, target: sp.Indexed) -> sp.Basic | None:
        solution = self._solve(rule, target)
        if solution is None:
            return None
        return rule.value.xreplace(solution)

    # -- replacing ----------------------------------------------------------------------------
    def resolve(self, expr: sp.Basic) -> sp.Basic:
        return self._resolve(expr, frozenset(), 0)

    def used(self, *exprs: sp.Basic) -> list[tuple[str, int]]:
        """The names these expressions rely on (directly or through other definitions), with lines."""
        seen: dict[str, int] = {}
        todo = list(exprs)
        while todo and len(seen) < 40:
            e = todo.pop()
            parts = list(e) if isinstance(e, sp.MatrixBase) else [e]
            for part in parts:
                if not hasattr(part, "atoms"):
                    continue
                names = part.atoms(sp.Symbol, sp.Indexed, AppliedUndef)
                for n in names:
                    if isinstance(n, sp.Idx):
                        continue
                    d = self.lookup(n) if isinstance(n, (sp.Indexed, AppliedUndef)) else self.names.get(n.name)
                    if d is None:
                        continue
                    key = sp.sstr(d.head)
                    if key not in seen:
                        seen[key] = d.line
                        todo.append(d.value)
        return sorted(seen.items(), key=lambda kv: kv[1])

    def _value(self, e: sp.Basic, protected: frozenset) -> sp.Basic | None:
        if e in protected:
            return None
        if isinstance(e, sp.Indexed):
            if e in self.instances:
                return self.instances[e].value
            rule = self.rules.get(name_of(e))
            return self.instantiate(rule, e) if rule is not None else None
        if isinstance(e, AppliedUndef):
            d = self.names.get(name_of(e))
            if d is None:
                return None
            if d.params and len(d.params) == len(e.args):
                return d.value.xreplace(dict(zip(d.params, e.args)))
            return d.value if not d.params else None
        if isinstance(e, sp.Symbol) and not isinstance(e, sp.Dummy):
            d = self.names.get(e.name)
            return d.value if d is not None else None
        return None

    def _resolve(self, e, protected: frozenset, depth: int):
        if depth > DEPTH:
            raise CircularDefinition("the definitions refer to each other without end")
        if isinstance(e, sp.MatrixBase):
            return e.applyfunc(lambda x: self._resolve(x, protected, depth))
        if isinstance(e, sp.Derivative):
            inner = protected | set(e.variables)
            return sp.Derivative(self._resolve(e.expr, inner, depth), *e.variable_count)
        if isinstance(e, (sp.Symbol, sp.Indexed, AppliedUndef)) and not isinstance(e, sp.Idx):
            value = self._value(e, protected)
            if value is not None:
                return self._resolve(value, protected, depth + 1)
            if isinstance(e, AppliedUndef):
                return e.func(*[self._resolve(a, protected, depth) for a in e.args])
            if isinstance(e, sp.Indexed):
                return e.base[tuple(self._resolve(j, protected, depth) for j in e.indices)]
            return e
        if not e.args or isinstance(e, sp.Idx):
            return e
        if isinstance(e, sp.Sum):
            return sp.Sum(self._resolve(e.function, protected, depth), *e.limits)
        return e.func(*[self._resolve(a, protected, depth) for a in e.args])


def _indexed(expr: sp.Basic) -> set:
    if isinstance(expr, sp.MatrixBase):
        return set().union(*(e.atoms(sp.Indexed) for e in expr))
    return expr.atoms(sp.Indexed)


def undefined_functions(expr: sp.Basic) -> list:
    atoms = set().union(*(e.atoms(AppliedUndef) for e in expr)) if isinstance(expr, sp.MatrixBase) \
        else expr.atoms(AppliedUndef)
    return sorted(atoms, key=sp.default_sort_key)
