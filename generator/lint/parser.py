"""A recursive-descent reader for the LaTeX that answer keys are written in, straight to SymPy.

Why not SymPy's ``parse_latex``: its ANTLR backend turns ``x_i`` into one opaque Symbol, so a
sum over ``i`` cannot be written out term by term, ``\\mathcal{B}_1`` and ``\\mathcal{B}_2``
become string names and ``\\mathbf{m}_3`` is not the third member of anything; it also reads
``\\partial \\phi_0``, ``[...]`` application and ``\\exp[..]^2`` wrongly, and says nothing about
*where* it failed. Here subscripts are indices (``Indexed``), square brackets after a name are
application (the book's ``\\text{sig}[z]``), ``\\frac{\\partial}{\\partial v}`` applies to the rest
of its product, a sum's body is the rest of its product plus the following terms that still
depend on its index, and a sum over a batch ``\\sum_{i\\in\\mathcal{B}_t}`` is one quantity per
batch index. What it cannot read raises ``NotUnderstood`` with the offending position: a key is
never silently read as something else.
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.core.function import AppliedUndef

from ..notation import sig
from .tokens import Token

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


class Parser:
    def __init__(self, tokens: list[Token] | tuple[Token, ...], ctx: FileContext, end_pos: int = 0):
        self.toks = list(tokens)
        self.k = 0
        self.ctx = ctx
        self.end_pos = self.toks[-1].end if self.toks else end_pos

    # -- token helpers ------------------------------------------------------------------------
    def peek(self, ahead: int = 0) -> Token | None:
        j = self.k + ahead
        return self.toks[j] if j < len(self.toks) else None

    def next(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise NotUnderstood("the expression ends too early", self.end_pos)
        self.k += 1
        return tok

    def at_sym(self, *chars: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.is_sym(*chars)

    def here(self) -> int:
        tok = self.peek()
        return tok.pos if tok else self.end_pos

    def expect(self, char: str) -> None:
        tok = self.peek()
        if tok is None or not tok.is_sym(char):
            raise NotUnderstood(f"expected '{char}'", self.here())
        self.k += 1

    def group(self) -> list[Token]:
        """The tokens of a braced group, or the single next token."""
        tok = self.next()
        if tok.kind == "num" and len(tok.text) > 1 and "." not in tok.text:
            # \frac12 and x_12: TeX takes one character, the rest stays
            self.toks.insert(self.k, Token("num", tok.text[1:], tok.pos + 1, tok.end))
            return [Token("num", tok.text[0], tok.pos, tok.pos + 1)]
        if not tok.is_sym("{"):
            return [tok]
        depth, start = 1, self.k
        while True:
            t = self.next()
            if t.is_sym("{"):
                depth += 1
            elif t.is_sym("}"):
                depth -= 1
                if depth == 0:
                    return self.toks[start:self.k - 1]

    def _source(self, tokens: list[Token]) -> str:
        out = tokens[0].text
        for a, b in zip(tokens, tokens[1:]):
            out += (" " if b.pos > a.end else "") + (("\\" + b.text) if b.kind == "cmd" else b.text)
        return out

    def sub(self, tokens: list[Token]) -> "Parser":
        return Parser(tokens, self.ctx, tokens[-1].end if tokens else self.here())

    def parse_whole(self, tokens: list[Token]) -> sp.Basic:
        p = self.sub(tokens)
        value = p.expr()
        if p.peek() is not None:
            raise NotUnderstood(f"cannot read '{p.peek().text}' here", p.here())
        return value

    # -- chains -------------------------------------------------------------------------------
    def relation(self) -> str | None:
        tok = self.peek()
        if tok is None:
            return None
        if tok.is_sym("="):
            self.k += 1
            return "="
        if tok.is_sym(":") and self.peek(1) is not None and self.peek(1).is_sym("="):
            self.k += 2
            return ":="
        if tok.is_cmd(*DEFINES):
            self.k += 1
            return "<-" if tok.text in ("leftarrow", "gets", "longleftarrow") else ":="
        if tok.is_cmd("approx", "simeq"):
            self.k += 1
            return "~"
        if tok.is_cmd(*UNCHECKED) or tok.is_sym("<", ">"):
            raise NotUnderstood(f"the relation '{tok.text}' is not checked (only = and definitions are)", tok.pos)
        return None

    def chain(self) -> list[tuple[str | None, sp.Basic, int, int]]:
        """[(relation, expression, start, end)]; the first relation is None unless the row starts with one."""
        out = []
        rel = self.relation()
        while True:
            start = self.here()
            value = self.expr()
            end = self.toks[self.k - 1].end if self.k else start
            out.append((rel, value, start, end))
            if self.peek() is None:
                return out
            rel = self.relation()
            if rel is None:
                raise NotUnderstood(f"cannot read '{self.peek().text}' here", self.here())

    # -- expressions --------------------------------------------------------------------------
    def expr(self) -> sp.Basic:
        value = self.signed_term()
        while self.at_sym("+", "-"):
            value = value + self.signed_term()
        return value

    def signed_term(self) -> sp.Basic:
        sign = 1
        while self.at_sym("+", "-"):
            if self.next().text == "-":
                sign = -sign
        tok = self.peek()
        if tok is not None and tok.is_cmd("pm", "mp"):
            raise NotUnderstood("'\\pm' stands for two expressions; write them separately", tok.pos)
        return sign * self.term()

    def starts_factor(self) -> bool:
        tok = self.peek()
        if tok is None or tok.kind == "row":
            return False
        if tok.kind == "sym":
            return tok.text in "([{" or tok.text == "'"
        if tok.kind == "cmd":
            return not (tok.text in DEFINES or tok.text in UNCHECKED or tok.text in ("cdot", "times", "end", "in",
                                                                                    "pm", "mp", "ldots", "dots"))
        return True

    def term(self) -> sp.Basic:
        factors: list[sp.Basic] = []
        divide = False
        while True:
            tok = self.peek()
            if tok is not None and (tok.is_cmd("cdot", "times", "ast") or tok.is_sym("*")):
                self.k += 1
                continue
            if tok is not None and tok.is_sym("/"):
                self.k += 1
                divide = True
                continue
            if tok is not None and tok.is_sym("-") and factors and self._after_explicit_product():
                self.k += 1
                factors.append(sp.Integer(-1))
                continue
            if not factors and tok is not None and tok.is_sym("+", "-"):
                return self.signed_term()
            if not self.starts_factor():
                break
            if tok.kind == "num" and factors and self.k and self.toks[self.k - 1].kind == "num":
                raise NotUnderstood("two numbers side by side (write \\cdot, or group digits with \\,)", tok.pos)
            value = self.factor()
            if isinstance(value, _Operator):
                rest = self.operator_body(value)
                factors.append(rest)
                break
            factors.append(1 / value if divide else value)
            divide = False
        if not factors:
            raise NotUnderstood("expected an expression", self.here())
        return _product(factors)

    def _after_explicit_product(self) -> bool:
        prev = self.toks[self.k - 1] if self.k else None
        return prev is not None and (prev.is_cmd("cdot", "times") or prev.is_sym("*"))

    def operator_body(self, op: "_Operator") -> sp.Basic:
        """A sum or a derivative operator applies to the rest of its product."""
        if op.var is not None:
            self.ctx.bound.append(op.var)
        try:
            body = self.term() if self.starts_factor() or self.at_sym("+", "-") else None
            if body is None:
                raise NotUnderstood(f"{op.kind} with nothing after it", self.here())
            while op.kind == "sum" and self.at_sym("+", "-"):
                save = self.k
                more = self.signed_term()
                if op.var in more.free_symbols:
                    body = body + more
                else:
                    self.k = save
                    break
        finally:
            if op.var is not None:
                self.ctx.bound.pop()
        return op.apply(body)

    def factor(self) -> sp.Basic:
        base = self.primary()
        while True:
            tok = self.peek()
            if tok is not None and tok.is_sym("^"):
                self.k += 1
                if isinstance(base, _Operator):
                    raise NotUnderstood("a power of an operator is not read", tok.pos)
                exponent_tokens = self._exponent_tokens()
                if len(exponent_tokens) == 1 and exponent_tokens[0].is_cmd("top", "intercal", "prime"):
                    raise NotUnderstood("transposes and primes as superscripts are not read", tok.pos)
                exponent = self.parse_whole(exponent_tokens)
                if base == sp.Symbol("e", real=True) and "e" not in self.ctx.index_names:
                    base = sp.exp(exponent)
                else:
                    base = _power(base, exponent)
            elif tok is not None and tok.is_sym("!"):
                self.k += 1
                base = sp.factorial(base)
            else:
                return base

    def _exponent_tokens(self) -> list[Token]:
        tok = self.peek()
        if tok is not None and tok.kind == "num" and len(tok.text) > 1 and not tok.text.startswith("."):
            # x^23 is x^2 times 3 in TeX: only the first digit is raised
            self.toks[self.k] = Token("num", tok.text[1:], tok.pos + 1, tok.end)
            return [Token("num", tok.text[0], tok.pos, tok.pos + 1)]
        return self.group()

    def primary(self) -> sp.Basic:
        tok = self.next()
        if tok.kind == "num":
            value = sp.Rational(tok.text)
            if "." in tok.text:  # a decimal may be rounded: remember to how many places
                self.ctx.decimals[value] = max(self.ctx.decimals.get(value, 0), len(tok.text.split(".")[1]))
            return value
        if tok.is_sym("("):
            value = self.expr()
            if self.at_sym(","):  # (1, 2, -3, 0.4): a tuple, as a vector's values
                items = [value]
                while self.at_sym(","):
                    self.k += 1
                    items.append(self.expr())
                self.expect(")")
                return sp.Tuple(*items)
            self.expect(")")
            return value
        if tok.is_sym("["):
            value = self.expr()
            self.expect("]")
            return value
        if tok.is_sym("{"):
            self.k -= 1
            return self.parse_whole(self.group())
        if tok.kind == "letter":
            return self.identifier(tok.text, tok)
        if tok.kind == "word":
            return self.word(tok)
        if tok.kind == "cmd":
            return self.command(tok)
        raise NotUnderstood(f"cannot read '{tok.text}' here", tok.pos)

    # -- names --------------------------------------------------------------------------------
    def identifier(self, name: str, tok: Token, bold: bool = False) -> sp.Basic:
        while self.at_sym("'"):
            self.k += 1
            name += "'"
        indices = None
        if self.at_sym("_"):
            self.k += 1
            sub_tokens = self.group()
            indices = self.indices(sub_tokens)
            while self.at_sym("'"):
                self.k += 1
                name += "'"
        if name.endswith("'") and name.rstrip("'") in ("sigma", "sig") and indices is None:
            return self.derivative_of_function("sig", tok, primes=len(name) - len(name.rstrip("'")))
        if name.endswith("'") and self.at_sym("(", "["):
            raise NotUnderstood(f"{name}(...): the derivative of a function of the key's own is not read", tok.pos)
        if name in ("Var", "Cov", "Std") and self.at_sym("(", "["):
            raise NotUnderstood(f"{name}: expectations and variances are not checked", tok.pos)
        if self.at_sym("(") and name != "sigma" and name not in FUNCTIONS and tok is self.toks[0] \
                and self._defined_here():
            self.ctx.functions.add(name)  # f(x) = ... : f is a function from here on
        if (self.at_sym("[") or (self.at_sym("(") and name in self.ctx.functions)) and name != "sigma":
            return self.application(name, indices, tok)
        if name == "sigma" and self.at_sym("(", "[") and indices is None:
            return self.application("sig", indices, tok)  # sigma(z): the logistic sigmoid
        if indices is None:
            return self.ctx.symbol(name)
        return self.ctx.base(name)[tuple(indices)]

    def _defined_here(self) -> bool:
        """Is the ``(`` here closed by a ``)`` that a relation follows (``f(x) = ...``)?"""
        depth, j = 0, self.k
        while j < len(self.toks):
            t = self.toks[j]
            depth += t.is_sym("(") - t.is_sym(")")
            j += 1
            if depth == 0:
                after = self.toks[j] if j < len(self.toks) else None
                return after is not None and (after.is_sym("=", ":") or after.is_cmd(*DEFINES))
        return False

    def indices(self, tokens: list[Token]) -> list[sp.Basic]:
        parts, depth, current = [], 0, []
        for t in tokens:
            if t.is_sym("{", "(", "["):
                depth += 1
            elif t.is_sym("}", ")", "]"):
                depth -= 1
            if depth == 0 and t.is_sym(","):
                parts.append(current)
                current = []
            else:
                current.append(t)
        parts.append(current)
        if any(not p for p in parts):
            raise NotUnderstood("an empty subscript", tokens[0].pos if tokens else self.here())
        return [self.parse_whole(p) for p in parts]

    def application(self, name: str, indices, tok: Token) -> sp.Basic:
        close = "]" if self.next().text == "[" else ")"
        args = [self.expr()]
        while self.at_sym(","):
            self.k += 1
            args.append(self.expr())
        self.expect(close)
        if name in FUNCTIONS and indices is None and name not in self.ctx.functions:
            if len(args) != 1:
                raise NotUnderstood(f"{name} takes one argument", tok.pos)
            return FUNCTIONS[name](args[0])
        label = name if indices is None else f"{name}_{{{','.join(sp.sstr(i) for i in indices)}}}"
        self.ctx.first_seen.setdefault(label, self.ctx.display)
        return sp.Function(label)(*args)

    def word(self, tok: Token) -> sp.Basic:
        if tok.text == "Pr" and self.at_sym("("):
            return self.opaque("Pr", tok)
        name = tok.text
        if name in FUNCTIONS or name in ("sig", "sigmoid"):
            if self.at_sym("[", "("):
                return self.application(name, None, tok)
            return FUNCTIONS[name](self.factor())
        raise NotUnderstood(f"the function {name} is not read", tok.pos)

    def opaque(self, name: str, tok: Token) -> sp.Basic:
        """``Pr(y=1|x)``: one named quantity, its text as its name."""
        start = self.k
        depth = 0
        while True:
            t = self.next()
            depth += t.is_sym("(") - t.is_sym(")")
            if depth == 0:
                break
        text = name + "".join(t.text for t in self.toks[start:self.k])
        return self.ctx.symbol(text)

    # -- commands -----------------------------------------------------------------------------
    def command(self, tok: Token) -> sp.Basic:
        name = tok.text
        if name in GREEK:
            return self.identifier(SAME.get(name, name), tok)
        if name == "pi":
            return sp.pi
        if name == "infty":
            return sp.oo
        if name in BOLD:
            inner = self.group()
            if len(inner) == 1 and inner[0].kind in ("letter", "cmd") and (
                    inner[0].kind == "letter" or inner[0].text in GREEK):
                return self.identifier(SAME.get(inner[0].text, inner[0].text), tok, bold=True)
            if len(inner) == 1 and inner[0].kind == "num":
                return sp.Rational(inner[0].text)
            raise NotUnderstood(f"\\{name}{{...}} of something other than one letter", tok.pos)
        if name in ACCENTS:
            inner = self.group()
            if len(inner) == 1 and (inner[0].kind == "letter" or inner[0].text in GREEK):
                return self.identifier(f"{ACCENTS[name]}{{{inner[0].text}}}", tok)
            raise NotUnderstood(f"\\{name} over more than one letter", tok.pos)
        if name in NAMING:
            opening = self.peek()
            words = self.group()
            text = "".join(t.text for t in words)
            if opening is not None and opening.is_sym("{") and words and \
                    any(words[j + 1].pos > words[j].end for j in range(len(words) - 1)):
                raise NotUnderstood(f"words inside the display: '{self._source(words)}'", tok.pos)
            if text in FUNCTIONS or text == "sig":
                return self.function_command(text, tok)
            if text in ("Var", "Cov", "E", "Std", "var", "cov", "Corr"):
                raise NotUnderstood(f"\\{name}{{{text}}}: expectations and variances are not checked", tok.pos)
            if text and all(t.kind in ("letter", "word") for t in words):
                return self.identifier(text, tok)
            raise NotUnderstood(f"words inside the display: '{text}'", tok.pos)
        if name in FUNCTIONS:
            return self.function_command(name, tok)
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            return self.fraction(tok)
        if name == "sqrt":
            if self.at_sym("["):
                raise NotUnderstood("roots other than square roots are not read", tok.pos)
            return sp.sqrt(self.parse_whole(self.group()))
        if name in ("sum", "prod"):
            return self.big_operator(tok)
        if name == "begin":
            return self.environment(tok)
        if name in ("{",):
            raise NotUnderstood("sets are not read", tok.pos)
        if name in ("mathcal", "mathscr"):  # \mathcal{L}: a name like any other
            inner = self.group()
            if len(inner) == 1 and inner[0].kind == "letter":
                return self.identifier(f"\\{name}{{{inner[0].text}}}", tok)
            raise NotUnderstood(f"\\{name} of something other than one letter", tok.pos)
        if name == "mathbb":
            inner = "".join(t.text for t in self.group())
            if inner in ("E", "V"):
                raise NotUnderstood("\\mathbb{E}: expectations and variances are not checked", tok.pos)
            raise NotUnderstood(f"\\mathbb{{{inner}}} (a number set) is not read", tok.pos)
        if name == "partial":
            raise NotUnderstood("a \\partial outside \\frac{\\partial ..}{\\partial ..}", tok.pos)
        if name == "nabla":  # \nabla_{\phi} L: the gradient in phi's components
            if not self.at_sym("_"):
                raise NotUnderstood("\\nabla without the variable it differentiates by", tok.pos)
            self.k += 1
            v = self.sub(self.group()).factor()
            if not isinstance(v, sp.Symbol) or v.name not in self.ctx.components:
                raise NotUnderstood("\\nabla by something other than a parameter vector", tok.pos)
            return _Operator("derivative", None, lambda body: self.differentiate(body, [v]))
        raise NotUnderstood(f"the command \\{name} is not read", tok.pos)

    def function_command(self, name: str, tok: Token) -> sp.Basic:
        if self.at_sym("'"):
            return self.derivative_of_function(name, tok)
        if self.at_sym("[", "("):
            return self.application(name, None, tok)
        if self.at_sym("^"):
            raise NotUnderstood(f"a power written on \\{name} itself is not read; write (\\{name} x)^2", tok.pos)
        return FUNCTIONS[name](self.factor())

    def derivative_of_function(self, name: str, tok: Token, primes: int = 0) -> sp.Basic:
        """``\\sigma'(z)``, ``\\exp'[z]``: the derivative of a known function, at its argument."""
        while self.at_sym("'"):
            self.k += 1
            primes += 1
        if not self.at_sym("(", "["):
            raise NotUnderstood(f"{name}' without an argument", tok.pos)
        close = "]" if self.next().text == "[" else ")"
        arg = self.expr()
        self.expect(close)
        u = sp.Dummy("u")
        return sp.diff(FUNCTIONS[name](u), u, primes).xreplace({u: arg})

    def fraction(self, tok: Token) -> sp.Basic:
        top, bottom = _upright_d(self.group()), _upright_d(self.group())
        if bottom and (bottom[0].is_cmd("partial") or (bottom[0].kind == "letter" and bottom[0].text == "d"
                                                       and len(bottom) > 1)):
            return self.derivative(top, bottom, tok)
        return _product([self.parse_whole(top), 1 / self.parse_whole(bottom)])

    def derivative(self, top: list[Token], bottom: list[Token], tok: Token) -> sp.Basic:
        mark = top[0] if top else None
        if mark is None or not (mark.is_cmd("partial") or (mark.kind == "letter" and mark.text == "d")):
            raise NotUnderstood("a fraction over d or \\partial whose top is not a derivative", tok.pos)
        order_top, rest = 1, top[1:]
        if rest and rest[0].is_sym("^"):
            order_top, rest = int(rest[1].text), rest[2:]
        variables = []
        p = self.sub(bottom)
        while p.peek() is not None:
            t = p.next()
            if not (t.is_cmd("partial") or (t.kind == "letter" and t.text == "d")):
                raise NotUnderstood("the bottom of a derivative must be \\partial v (or d v)", t.pos)
            v = p.factor() if p.peek() is not None else None
            if v is None:
                raise NotUnderstood("a derivative with respect to nothing", t.pos)
            if isinstance(v, sp.Pow) and v.exp.is_Integer:
                variables += [v.base] * int(v.exp)
            else:
                variables.append(v)
        for v in variables:
            if not isinstance(v, (sp.Symbol, sp.Indexed)) or isinstance(v, sp.Idx):
                raise NotUnderstood(f"a derivative with respect to {sp.sstr(v)}", tok.pos)
        if len(variables) != order_top:
            raise NotUnderstood("the orders of the top and the bottom of the derivative differ", tok.pos)
        op = _Operator("derivative", None, lambda body: self.differentiate(body, variables))
        if not rest:
            return op
        return self.differentiate(self.parse_whole(rest), variables)

    def differentiate(self, body: sp.Basic, variables: list) -> sp.Basic:
        """d body / d v, kept unevaluated; a vector v (phi with phi_0, phi_1 in the file) gives the gradient."""
        (v,) = variables if len(variables) == 1 else (None,)
        if v is not None and isinstance(v, sp.Symbol) and v.name in self.ctx.components \
                and not body.atoms(AppliedUndef):
            parts = [sp.Derivative(body, self.ctx.base(v.name)[j]) for j in self.ctx.components[v.name]]
            return sp.Matrix(parts)
        if isinstance(body, sp.MatrixBase):
            return body.applyfunc(lambda e: sp.Derivative(e, *variables))
        return sp.Derivative(body, *variables)

    def big_operator(self, tok: Token) -> "_Operator":
        lower = upper = None
        for _ in range(2):
            if self.at_sym("_") and lower is None:
                self.k += 1
                lower = self.group()
            elif self.at_sym("^") and upper is None:
                self.k += 1
                upper = self.group()
        if tok.text == "prod":
            raise NotUnderstood("products \\prod are not read", tok.pos)
        if lower is None:
            raise NotUnderstood("a sum with no index", tok.pos)
        split = next((j for j, t in enumerate(lower) if t.is_sym("=") or t.is_cmd("in")), None)
        var_tokens = lower if split is None else lower[:split]
        var = self.sub(var_tokens).factor() if var_tokens else None
        if not isinstance(var, (sp.Idx, sp.Symbol)):
            raise NotUnderstood("a sum whose index is not one letter", tok.pos)
        if split is not None and lower[split].is_cmd("in"):
            return self.batch_sum(var, lower[split + 1:], tok)
        if split is None:
            start = sp.Integer(1)
            self.ctx.notes.append(f"the sum over {var} has no lower limit: read from {var} = 1")
        else:
            start = self.parse_whole(lower[split + 1:])
        stop = self.parse_whole(upper) if upper else sp.Symbol(f"N_{var}", integer=True, positive=True)
        return _Operator("sum", var, lambda body: sp.Sum(body, (var, start, stop)))

    def batch_sum(self, var, set_tokens: list[Token], tok: Token) -> "_Operator":
        """``\\sum_{i\\in\\mathcal{B}_t} body``: one value per batch index and per other index in body."""
        p = self.sub(set_tokens)
        head = p.next() if p.peek() else None
        if head is not None and head.is_cmd("mathcal", "mathbb", "mathbf", "mathrm"):
            inner = p.group()
            set_name = "".join(t.text for t in inner)
        elif head is not None and head.kind == "letter":
            set_name = head.text
        else:
            raise NotUnderstood("a sum over a set that is not a named set", tok.pos)
        set_indices = p.indices(p.group()) if p.at_sym("_") and p.next() else []
        if p.peek() is not None:
            raise NotUnderstood("a sum over a set written with more than its name and index", tok.pos)
        fragment_start = tok.pos

        def make(body: sp.Basic) -> sp.Basic:
            bound = sp.Symbol("_bound")
            shape = body.xreplace({var: bound})
            slots = sorted({j for a in shape.atoms(sp.Indexed) for j in a.indices if not j.has(bound)}
                           | {a for f in shape.atoms(AppliedUndef) for a in f.args if isinstance(a, sp.Indexed)
                              for a in a.indices if not a.has(bound)}, key=sp.default_sort_key)
            holders = {s: sp.Symbol(f"_slot{n}") for n, s in enumerate(slots)}
            # only inside indices: a bare xreplace of 1 would also rewrite a derivative's order
            held = shape.xreplace({a: a.base[tuple(holders.get(j, j) for j in a.indices)]
                                   for a in shape.atoms(sp.Indexed)})
            key = (set_name, sp.srepr(held), len(set_indices))
            if key not in self.ctx.batches:
                label = self.ctx.batch_label + ("" if not self.ctx.batches else str(len(self.ctx.batches) + 1))
                self.ctx.batches[key] = sp.IndexedBase(label)
                letters = dict(zip(slots, sp.symbols("p q r s u v")))
                shown = sp.sstr(body.xreplace({a: a.base[tuple(letters.get(j, j) for j in a.indices)]
                                               for a in body.atoms(sp.Indexed)}), order="none")
                index = ",".join(["b"] * bool(set_indices) + [str(v) for v in letters.values()])
                self.ctx.legend[label] = (f"{label}_{{{index}}} is the sum over {sp.sstr(var)} in {set_name}"
                                          f"{'_b' if set_indices else ''} of {shown}")
            base = self.ctx.batches[key]
            indices = list(set_indices) + slots
            return base[tuple(indices)] if indices else sp.Symbol(base.label.name, real=True)

        del fragment_start
        return _Operator("sum", var, make)

    def environment(self, tok: Token) -> sp.Basic:
        name = "".join(t.text for t in self.group())
        if name not in MATRICES:
            raise NotUnderstood(f"the environment {name} is not read inside a formula", tok.pos)
        rows, cells, current, depth = [], [], [], 0
        while True:
            t = self.next()
            if t.is_cmd("begin"):
                depth += 1
            if t.is_cmd("end"):
                if depth == 0:
                    self.group()
                    break
                depth -= 1
            if depth == 0 and t.kind == "row":
                cells.append(current)
                rows.append(cells)
                cells, current = [], []
            elif depth == 0 and t.is_sym("&"):
                cells.append(current)
                current = []
            else:
                current.append(t)
        if current or cells:
            cells.append(current)
            rows.append(cells)
        rows = [r for r in rows if any(r)]
        values = [[self.parse_whole(c) for c in r] for r in rows]
        if len({len(r) for r in values}) != 1:
            raise NotUnderstood("a matrix whose rows differ in length", tok.pos)
        return sp.Matrix(values)


class _Operator:
    """A sum or a derivative operator waiting for the rest of its product."""

    def __init__(self, kind: str, var, apply):
        self.kind, self.var, self.apply = kind, var, apply


def _upright_d(tokens: list[Token]) -> list[Token]:
    """``\\mathrm{d}`` (and ``\\text{d}``, ``\\operatorname{d}``) as the plain d of a derivative."""
    out, k = [], 0
    while k < len(tokens):
        t = tokens[k]
        if t.is_cmd("mathrm", "text", "operatorname", "textrm") and k + 3 < len(tokens) + 0 and \
                tokens[k + 1].is_sym("{") and tokens[k + 2].text == "d" and tokens[k + 3].is_sym("}"):
            out.append(Token("letter", "d", t.pos, tokens[k + 3].end))
            k += 4
            continue
        out.append(t)
        k += 1
    return out


def _product(factors: list) -> sp.Basic:
    value = factors[0]
    for f in factors[1:]:
        value = value * f
    return value


def _power(base, exponent):
    if isinstance(base, sp.MatrixBase):
        raise NotUnderstood("a power of a matrix is not read", 0)
    return sp.Pow(base, exponent)
