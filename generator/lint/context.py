"""The vocabulary of the reader, and what it knows about the whole file before reading a display.

Why a pre-pass: the kind of a letter depends on the file, not on the display it is in. A
letter used as a subscript or a summation bound anywhere is an integer; one used as a summation
variable is a SymPy ``Idx``; a name differentiated by its numbered components (``\\partial
\\phi_0``) is a vector for ``\\partial / \\partial \\phi``. Deciding this once keeps every
display's reading consistent with the others, so a definition carries forward as the same
object.
"""

from __future__ import annotations

import re

import sympy as sp

from ..notation import sig

GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta",
         "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "varphi",
         "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Phi", "Psi", "Omega",
         "ell", "Pi"}
SAME = {"varphi": "phi", "varepsilon": "epsilon", "vartheta": "theta"}
FUNCTIONS = {"sig": sig, "sigmoid": sig, "exp": sp.exp, "log": sp.log, "ln": sp.log, "sin": sp.sin,
             "cos": sp.cos, "tan": sp.tan, "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh}
BOLD = {"mathbf", "boldsymbol", "bm", "vec", "mathbfit", "bold", "pmb"}
ACCENTS = {"hat": "hat", "bar": "bar", "tilde": "tilde", "overline": "bar", "widehat": "hat", "dot": "dot"}
NAMING = {"text", "textrm", "mathrm", "operatorname", "operatorname*", "textit", "mathit", "mbox"}
DEFINES = {"leftarrow", "gets", "coloneqq", "coloneq", "triangleq", "equiv", "defeq", "longleftarrow"}
UNCHECKED = {"approx", "ne", "neq", "le", "leq", "ge", "geq", "lt", "gt", "sim", "propto", "simeq", "cong",
             "to", "rightarrow", "Rightarrow", "implies", "iff", "Longrightarrow", "mapsto", "leqslant",
             "geqslant", "ll", "gg", "Leftrightarrow", "longrightarrow"}
MATRICES = {"bmatrix", "pmatrix", "matrix", "Bmatrix", "vmatrix"}



class NotUnderstood(Exception):
    """What the reader could not read, and where (an offset in the file)."""

    def __init__(self, reason: str, pos: int):
        super().__init__(reason)
        self.reason = reason
        self.pos = pos



class FileContext:
    """What the reader knows about the whole file before it reads any display.

    Letters used as subscripts or summation bounds anywhere are integers; letters used as a
    summation variable anywhere are SymPy ``Idx`` (a data point's ``x_i`` is one value, never
    drawn as a number); a name written with several numeric subscripts (``\\phi_0``,
    ``\\phi_1``) is a vector, so ``\\partial/\\partial\\phi`` is the gradient in those components.
    """

    def __init__(self, texts: list[str]):
        joined = "\n".join(texts)
        self.sum_vars = set(re.findall(r"\\(?:sum|prod)\s*_\s*\{?\s*(\\?[A-Za-z]+'?)", joined))
        self.sum_vars = {v.lstrip("\\") for v in self.sum_vars}
        self.index_names: set[str] = set(self.sum_vars)
        for m in re.finditer(r"_\s*(\{(?:[^{}]|\{[^{}]*\})*\}|\\[A-Za-z]+|[A-Za-z0-9])", joined):
            self._index_letters(m.group(1))
        uppers: set[str] = set()
        for m in re.finditer(r"\\(?:sum|prod)\s*(?:_\s*(?:\{(?:[^{}]|\{[^{}]*\})*\}|\S))?\s*\^\s*"
                             r"(\{(?:[^{}]|\{[^{}]*\})*\}|\\[A-Za-z]+|[A-Za-z0-9])", joined):
            before = set(self.index_names)
            self.index_names.clear()
            self._index_letters(m.group(1))
            uppers |= self.index_names
            self.index_names |= before
        self.sum_vars -= uppers  # n in sum_{k=1}^{n} is drawn as a number, even if n is summed over elsewhere
        self.components: dict[str, list[int]] = {}
        # components of a parameter vector: the phi_k that something is differentiated by
        for m in re.finditer(r"\\partial\s*\\(?:boldsymbol\{|mathbf\{)?\\?([A-Za-z]+)\}?\s*_\s*\{?\s*(\d)\b", joined):
            name = SAME.get(m.group(1), m.group(1))
            self.components.setdefault(name, [])
            if int(m.group(2)) not in self.components[name]:
                self.components[name].append(int(m.group(2)))
        if not self.components:  # no \partial phi_k anywhere: the phi_k the key writes
            for m in re.finditer(r"\\(phi|theta|varphi|omega)\s*_\s*\{?\s*(\d)\b", joined):
                self.components.setdefault(SAME.get(m.group(1), m.group(1)), [])
                if int(m.group(2)) not in self.components[SAME.get(m.group(1), m.group(1))]:
                    self.components[SAME.get(m.group(1), m.group(1))].append(int(m.group(2)))
        for name, v in self.components.items():  # d/dphi_1 alone still means the vector (phi_0, phi_1)
            self.components[name] = list(range(0, max(v) + 1)) if min(v) <= 1 else sorted(v)
        # f(x) = ... at the start of a display or row: f is a function of the file's own
        self.functions = {SAME.get(n, n) for n in re.findall(
            r"(?:^|\$\$|\\\[|\\\\|&)\s*\\?([A-Za-z]+)\s*(?:\\left)?\([^()=]*(?:\\right)?\)\s*&?\s*(?:=|:=|\\coloneqq)",
            joined, re.M)} - set(FUNCTIONS) - {"sigma", "sig"}
        # the name a batch sum goes by in messages: one the key does not use itself
        self.batch_label = next(n for n in ("g", "G", "S", "Q") if not re.search(rf"(?<![\\A-Za-z]){n}(?![A-Za-z])", joined))
        self.bound: list[sp.Symbol] = []
        self.batches: dict[tuple, sp.IndexedBase] = {}
        self.legend: dict[str, str] = {}
        self.legend_latex: dict[str, str] = {}  # the same, as LaTeX (for errata printed from lint's run)
        self.notes: list[str] = []
        self.decimals: dict[sp.Rational, int] = {}
        self.zero_based = set(re.findall(r"\\?([A-Za-z]+)\}?\s*_\s*\{?\s*0\b", joined))
        self.first_seen: dict[str, int] = {}
        self.display = 0
        self._symbols: dict[str, sp.Basic] = {}

    def _index_letters(self, group: str) -> None:
        inner = group.strip("{}")
        inner = re.sub(r"\\(?:in|mathcal|mathbf|boldsymbol|text|mathrm|left|right|cdot|ldots|dots)\b", " ", inner)
        for m in re.finditer(r"\\([A-Za-z]+)|([A-Za-z])('?)", inner):
            if m.group(1):
                if m.group(1) in GREEK:
                    self.index_names.add(SAME.get(m.group(1), m.group(1)))
            else:
                self.index_names.add(m.group(2) + m.group(3))

    def symbol(self, name: str) -> sp.Basic:
        """The one SymPy object for ``name`` in this file, of the kind its uses call for."""
        if name not in self._symbols:
            if name in self.sum_vars:
                made = sp.Idx(name)
            elif name in self.index_names:
                made = sp.Symbol(name, integer=True, positive=True) if name[0].isupper() else \
                    sp.Symbol(name, integer=True, nonnegative=True)
            else:
                made = sp.Symbol(name, real=True)
            self._symbols[name] = made
        self.first_seen.setdefault(name, self.display)
        return self._symbols[name]

    def base(self, name: str) -> sp.IndexedBase:
        self.first_seen.setdefault(name, self.display)
        key = "base:" + name
        if key not in self._symbols:
            self._symbols[key] = sp.IndexedBase(name)
        return self._symbols[key]
