"""Reading a key display by display, as its author wrote it: definitions, then claims about them.

Each row of a display is a chain ``a = b = c``; a row (or a display) that begins with ``=``
continues the chain before it. The first link of a chain decides what it is:

* a new name on the left (``L[\\phi] = ...``, ``\\ell_i = ...``, ``\\mathbf{m}_1 = ...`` before
  any rule) *defines* it; in such a naming chain a later link that only introduces notation
  (``\\sum_i \\ell_i = \\sum_i (f[x_i,\\phi] - y_i)^2`` defines ``\\ell_i``; the next link defines
  ``f``) is a definition too;
* ``\\leftarrow`` (or ``:=``) with an index on the left is an update rule for every index;
* a member of a rule's sequence (``\\mathbf{m}_2 = ...``) is checked against the rule at that
  index, and then stands for what the key wrote, so the next lines are judged on the key's own
  earlier lines rather than repeating one mistake at every line after it;
* a formula for a general index after instances (``\\mathbf{m}_{t+1} = ...`` "continuing in
  this way") is checked against every instance it generalises, and against the rule from one
  index to the next;
* anything else is a claim: every link is checked equal to the one before it, with the
  definitions so far replaced (a derivative of ``L`` is the derivative of the stated loss).
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.core.function import AppliedUndef

from . import source
from .definitions import CircularDefinition, Definitions, is_definable, name_of
from .diagnose import explain
from .findings import DisplayFinding, Report, StepFinding
from .judge import _text, judge, obstacles, to_places
from .parser import FileContext, NotUnderstood, Parser
from .sequences import Sequences
from .shapes import differentiated, free_atoms, is_constant, peel
from .source import around, short


class _Open:
    """The chain the next ``= ...`` continues."""

    def __init__(self, last, naming: bool):
        self.last, self.naming = last, naming


class Linter(Sequences):
    def __init__(self, text: str, kind: str, path: str = "<text>", repairs: bool = True):
        self.text, self.kind, self.path, self.repairs = text, kind, path, repairs
        self.lines = source.Lines(text)
        self.found = source.displays(text, kind)
        self.ctx = FileContext([d.text for d in self.found])
        # names the key declares labels anywhere, in text or display: y \in \{0, 1\}
        self.labels = frozenset(re.findall(r"\\?([A-Za-z]+)\s*\\in\s*\\\{\s*0\s*,\s*1\s*\\\}", text))
        self.defs = Definitions()
        self.open: _Open | None = None
        self.seed = 0

    def run(self) -> Report:
        findings = [self.display(d) for d in self.found]
        return Report(self.path, self.kind, findings, dict(self.ctx.legend), dict(self.ctx.legend_latex))

    # -- displays and rows --------------------------------------------------------------------
    def display(self, d: source.Display) -> DisplayFinding:
        finding = DisplayFinding(d.number, d.line, d.end_line, "", short(d.text))
        self.ctx.display = d.number
        if d.error:
            finding.steps.append(StepFinding(d.line, "not understood", "the display", reason=d.error,
                                             source=short(d.text)))
        elif not d.rows:
            finding.steps.append(StepFinding(d.line, "not understood", "the display",
                                             reason="it holds no formula", source=short(d.text)))
        for row in d.rows:
            self.ctx.notes = []
            try:
                elements = Parser(row.tokens, self.ctx).chain()
            except NotUnderstood as exc:
                finding.steps.append(StepFinding(self.lines.line(exc.pos), "not understood", "this row",
                                                 reason=exc.reason, source=around(self.text, row, exc.pos)))
                self.open = None
                continue
            except Exception as exc:  # SymPy refusing what was read (a product of two column vectors)
                finding.steps.append(StepFinding(row.line, "not understood", "this row",
                                                 reason=f"SymPy could not build it ({type(exc).__name__}: {exc})",
                                                 source=short(row.text)))
                self.open = None
                continue
            for note in dict.fromkeys(self.ctx.notes):
                if note not in finding.notes:
                    finding.notes.append(note)
            try:
                finding.steps += self.chain(elements, row)
            except Exception as exc:  # never a crash, never a silent pass: the row is reported
                finding.steps.append(StepFinding(row.line, "not understood", "this row",
                                                 reason=f"lint could not judge it ({type(exc).__name__}: {exc})",
                                                 source=short(row.text)))
                self.open = None
        finding.settle()
        return finding

    def chain(self, elements, row: source.Row) -> list[StepFinding]:
        steps: list[StepFinding] = []
        links = [(rel, value, self.lines.line(a), self.text[a:b]) for rel, value, a, b in elements]
        if links[0][0] is not None:  # "= ...": continues the chain before it
            if self.open is None:
                return [StepFinding(links[0][2], "not understood", "a row that begins with a relation",
                                    reason="it continues a chain, but the chain before it could not be read "
                                           "(or there is none)", source=short(row.text))]
            previous, naming = (None, self.open.last, row.line, ""), self.open.naming
            links = [previous] + links
        else:
            naming = False
            if len(links) == 1:
                self.open = _Open(links[0][1], False)
                return [StepFinding(links[0][2], "not understood", "an expression with no relation",
                                    reason="nothing to check: no = in it", source=short(row.text))]
            head_steps, naming, handled = self.head(links[0], links[1])
            steps += head_steps
            if handled:
                links = links[1:]
        for (_, left, _, _), (rel, right, line, right_src) in zip(links, links[1:]):
            steps.append(self.link(left, rel, right, line, right_src, naming))
        last = steps[-1] if steps else None
        if last is not None and last.status == "fails" and links[-1][1] == 0 and len(links) == 2:
            # "dL/dphi_0 = 0": a condition to solve (a minimum), not an identity
            last.status = "not understood"
            last.reason = ("an equation set to zero reads as a condition to solve (setting a derivative to "
                           "zero), not as an identity; lint does not check conditions")
        self.open = _Open(links[-1][1], naming)
        return steps

    # -- the first link -----------------------------------------------------------------------
    def head(self, first, second) -> tuple[list[StepFinding], bool, bool]:
        """Steps for ``head rel value``; whether the chain names things; whether the link is done."""
        _, head, _, head_src = first
        rel, value, line, value_src = second
        if rel == "~":
            return [], False, False
        if isinstance(head, sp.Pow) and head.exp.is_number and is_definable(head.base) and \
                not self._batch(head.base) and self.defs.lookup(head.base) is None:
            # sigma_Omega^2 = 2 / D_h: a choice of the square, which defines the name
            self.defs.define(head.base, value ** (1 / head.exp), line)
            return [StepFinding(line, "defines", f"defines {sp.sstr(head)}", source=value_src)], True, True
        if isinstance(value, sp.Tuple) and isinstance(head, sp.Symbol) and is_definable(head):
            start = 0 if head.name in self.ctx.zero_based else 1
            base = self.ctx.base(head.name)
            for k, item in enumerate(value, start=start):
                self.defs.define(base[k], item, line)
            names = f"{head.name}_{start}, ..., {head.name}_{start + len(value) - 1}"
            return [StepFinding(line, "defines", f"defines {names} (the entries of {head.name})",
                                source=value_src)], True, True
        if isinstance(head, sp.MatrixBase) or not is_definable(head) or self._batch(head):
            return [], False, False
        shown = sp.sstr(head)
        if isinstance(head, sp.Indexed) and not all(j.is_number for j in head.indices):
            return self.general(head, rel, value, line, value_src), True, True
        if rel in ("<-", ":=") or not isinstance(head, sp.Indexed):
            old = self.defs.lookup(head)
            self.defs.define(head, value, line)
            again = f" again (it was defined at line {old.line})" if old is not None else ""
            return [StepFinding(line, "defines", f"defines {shown}{again}", source=value_src)], True, True
        # a member of a sequence: m_2 = ...
        old = self.defs.lookup(head)
        if old is None:
            self.defs.define(head, value, line)
            return [StepFinding(line, "defines", f"defines {shown}", source=value_src)], True, True
        if old.head == head:
            claim = f"{shown} as defined at line {old.line}"
            expected = old.value
        else:
            solution = self.defs._solve(old, head)
            claim = (f"{shown} by the rule of line {old.line} at "
                     + ", ".join(f"{sp.sstr(k)} = {sp.sstr(v)}" for k, v in solution.items()))
            expected = self.defs.instantiate(old, head)
            self.defs.define(head, value, line)  # from here on m_n is what the key wrote
        at = {sp.sstr(k): sp.sstr(v) for k, v in solution.items()} if old.head != head else {}
        step = self.judged(expected, value, StepFinding(line, "", claim, source=value_src, at=at))
        return [step], True, True

    def link(self, left, rel, right, line: int, src: str, naming: bool) -> StepFinding:
        if rel in ("<-", ":="):
            return StepFinding(line, "not understood", "a definition in the middle of a chain",
                               reason="only the first link of a row can define", source=src)
        if rel == "~":
            return self.judged(left, right, StepFinding(line, "", "approximately the link before it", source=src),
                               approximate=True)
        if naming:
            introduced = self.introduces(left, right)
            if introduced is not None:
                name, value = introduced
                self.defs.define(name, value, line)
                return StepFinding(line, "defines", f"introduces {sp.sstr(name)} = {sp.sstr(value)}", source=src)
        return self.judged(left, right, StepFinding(line, "", "equal to the link before it", source=src))

    def introduces(self, left, right):
        """``(name, value)`` when this link only names a part of the previous one, else None."""
        try:
            a, b = self.defs.resolve(left), self.defs.resolve(right)
        except CircularDefinition:
            return None
        if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase):
            return None
        for x, y in peel(a, b):
            for name, value in ((x, y), (y, x)):
                if self._new(name) and not value.has(name):
                    return name, value
        return None

    def _batch(self, e) -> bool:
        """A sum over a batch is a value the key computes, never a name it defines."""
        labels = {b.label for b in self.ctx.batches.values()}
        return (isinstance(e, sp.Indexed) and e.base.label in labels) or (isinstance(e, sp.Symbol) and
                                                                           sp.Symbol(e.name) in labels)

    def _new(self, e) -> bool:
        if not is_definable(e) or self._batch(e) or self.defs.lookup(e) is not None:
            return False
        return isinstance(e, AppliedUndef) or self.ctx.first_seen.get(name_of(e)) == self.ctx.display

    def judged(self, left, right, step: StepFinding, approximate: bool = False) -> StepFinding:
        general = self._general_member(left) or self._general_member(right)
        if general is not None:
            step.status = "not understood"
            step.reason = (f"a derivative by {sp.sstr(general)} for a general index: the key defines that "
                           f"sequence member by member")
            return step
        try:
            a, b = self.defs.resolve(left), self.defs.resolve(right)
            reason = obstacles(a, b)
            if reason is None:
                # a derivative by a defined name (dl/df_3 with f_3 defined) is taken with that name
                # held free; what it leaves is then resolved like the rest
                a, b = self.defs.resolve(differentiated(a)), self.defs.resolve(differentiated(b))
        except CircularDefinition as exc:
            step.status, step.reason = "not understood", str(exc)
            return step
        if reason is not None:
            step.status, step.reason = "not understood", reason
            step.left, step.right = _text(left), _text(right)
            return step
        self.seed += 1
        places = self._places(right) if approximate or is_constant(a) and is_constant(b) else None
        if places is not None and is_constant(a) and is_constant(b):
            return to_places(a, b, places, step, _text(left), _text(right))
        if approximate:
            step.status = "not understood"
            step.reason = "an approximation between expressions that still have variables is not checked"
            step.left, step.right = _text(left), _text(right)
            return step
        step = judge(a, b, step, seed=self.seed, labels=self.labels)
        if step.status == "fails" and is_constant(b) and not is_constant(a) and \
                (b == 0 or re.search(r"\d\.\d", step.source or "")):
            free = ", ".join(sorted(sp.sstr(x) for x in free_atoms(a)))
            step.status = "not understood"
            step.reason = (f"a number for an expression that still depends on {free}: a value at a point "
                           f"stated elsewhere, or a condition to solve (such as a derivative set to zero); "
                           f"not checked")
            step.counterexample = None
            return step
        if step.status == "fails":
            used = self.defs.used(left, right)
            if used:
                step.claim += " (with " + ", ".join(f"{name} from line {n}" for name, n in used[:6]) + \
                    (", ..." if len(used) > 6 else "") + ")"
            hint = explain(left, right, self.defs) if self.repairs else None
            if hint:
                step.hint = hint
                step.reason = f"{step.reason}; {hint}" if step.reason else hint
        read_left, read_right = _text(left), _text(right)
        if step.status in ("fails", "unproven") and not step.left.startswith("entry"):
            step.left_resolved = step.left if step.left != read_left else ""
            step.right_resolved = step.right if step.right != read_right else ""
            step.left, step.right = read_left, read_right
        return step

    def _general_member(self, e):
        """The variable of a derivative by m_k for a general k, when m is defined member by member."""
        if isinstance(e, sp.MatrixBase) or not hasattr(e, "atoms"):
            return None
        for d in e.atoms(sp.Derivative):
            for v in d.variables:
                if isinstance(v, sp.Indexed) and not all(j.is_number for j in v.indices) and \
                        self.defs.instances_of(v.base.label.name) and v.base.label.name not in self.defs.rules:
                    return v
        return None

    def _places(self, e) -> int | None:
        """Decimal places of the number written on this side, if it was written as a decimal."""
        return self.ctx.decimals.get(e) if isinstance(e, sp.Rational) else None
