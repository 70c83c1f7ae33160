"""Sequences a key defines member by member or by a rule: ``m_1``, ``m_2``, ``m_{t+1} <- ...``.

Why apart from ``check``: these are the claims about an index that is not a number. A general
formula stated after instances ("continuing in this way") is checked against each instance it
generalises (at the index that instance has) and, when an update rule exists, against the rule
from ``t`` to ``t + 1`` (an induction step; the instance ``m_1`` is its base). An instance whose
own lines keep a free ``t`` (``\\phi_t`` never re-indexed) is named in the hint.
"""

from __future__ import annotations

import sympy as sp

from .definitions import Definition, name_of
from .findings import StepFinding


class Sequences:
    """Mixed into ``Linter``: needs ``self.defs`` and ``self.judged``."""

    def general(self, head: sp.Indexed, rel: str, value, line: int, value_src: str) -> list[StepFinding]:
        """A formula for every index: a rule, a restated rule, or a closed form checked against the instances."""
        base = name_of(head)
        rule = self.defs.rules.get(base)
        instances = self.defs.instances_of(base)
        shown = sp.sstr(head)
        if rule is None and not instances:
            d = self.defs.define(head, value, line)
            kind = "an update rule" if d.recursive else "a formula"
            return [StepFinding(line, "defines", f"defines {shown}: {kind} for every "
                                + ", ".join(map(sp.sstr, d.params)), source=value_src)]
        formula = Definition(head, value, line, tuple(sorted(
            {s for j in head.indices for s in j.free_symbols if s.is_integer}, key=sp.default_sort_key)))
        steps = []
        if rule is not None and rule.head == head and (rel in ("<-", ":=") or recursive(head, value)):
            steps.append(self.judged(rule.value, value, StepFinding(
                line, "", f"{shown} restates the rule of line {rule.line}", source=value_src)))
            self.defs.define(head, value, line)
            return steps
        for inst in instances:
            solution = self.defs._solve(formula, inst.head)
            if solution is None:
                continue
            at = ", ".join(f"{sp.sstr(k)} = {sp.sstr(v)}" for k, v in solution.items())
            # the earlier line on the left, as everywhere: what follows from the lines above, then what is written
            step = self.judged(inst.head, value.xreplace(solution), StepFinding(
                line, "", f"line {line} at {at} against {sp.sstr(inst.head)} of line {inst.line}",
                source=value_src, at={sp.sstr(k): sp.sstr(v) for k, v in solution.items()}))
            own = sorted(set(solution) & self.defs.resolve(inst.head).free_symbols, key=sp.default_sort_key)
            if step.status == "fails" and own:
                step.reason = (f"{', '.join(map(sp.sstr, own))} on the left is line {inst.line}'s own, "
                               f"never replaced by a number there")
            steps.append(step)
        if rule is not None and rule.recursive and len(formula.params) == 1 and not recursive(head, value):
            steps.append(self.induction(rule, formula, line, value_src))
        if rule is None:
            self.defs.define(head, value, line)
        if not steps:
            steps.append(StepFinding(line, "not understood", f"the formula for {shown}",
                                     reason="it matches neither an instance nor the rule before it",
                                     source=value_src))
        return steps

    def induction(self, rule: Definition, formula: Definition, line: int, src: str) -> StepFinding:
        """The closed form at the next index equals the rule applied to the closed form."""
        (t,) = formula.params
        target = formula.head.xreplace({t: t + 1})
        solution = {}
        for pattern, index in zip(rule.head.indices, target.indices):
            (var,) = [s for s in pattern.free_symbols if s in rule.params] or (None,)
            if var is None:
                continue
            solution[var] = sp.expand(index - (pattern - var))
        stepped = rule.value.xreplace(solution)
        replaced = {}
        for a in stepped.atoms(sp.Indexed):
            if a.base == formula.head.base:
                (index,) = a.indices
                (pattern,) = formula.head.indices
                replaced[a] = formula.value.xreplace({t: sp.expand(index - (pattern - t))})
        claim = f"line {line} from {t} to {t} + 1 follows the rule of line {rule.line}"
        sides = (f"line {line} at {t} + 1", f"the rule of line {rule.line} applied to line {line} at {t}")
        return self.judged(stepped.xreplace(replaced), formula.value.xreplace({t: t + 1}),
                           StepFinding(line, "", claim, source=src, sides=sides))

    # -- every other link ---------------------------------------------------------------------


def recursive(head: sp.Indexed, value) -> bool:
    """Does ``value`` refer to ``head``'s sequence at a general index (m_t in a rule for m_{t+1})?"""
    return any(a.base == head.base and not all(j.is_number for j in a.indices) for a in value.atoms(sp.Indexed))
