"""Problem 1: backpropagation through the book's toy model (Prince, section 7.3; notebook 7.1).

f[x, phi] = beta_3 + omega_3 cos[beta_2 + omega_2 exp[beta_1 + omega_1 sin[beta_0 + omega_0 x]]]
and l = (f - y)^2. The forward and backward passes are written once, as SymPy equations (``toy_model``): the
page prints them, the numbers are evaluated from them (so a printed rule is the rule used), and
the proofs check each of the eight derivatives as the backward pass gives it against SymPy's
derivative of the written-out loss, over general parameters. Central finite differences of the
loss check every number. Why the backward pass is cheaper is counted, not asserted: the
operations of the two passes against those of the eight derivatives each written out.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import sympy as sp

from generator.notation import Partial, inline_tex
from generator.notation import tex as plain_tex
from generator.notation import unevaluated as U
from generator.numbers import SympyLatex
from generator.proofs import Derivation, NumericCheck, Step

from ..parameters import Questions
from ..toy_model import (
    BACKWARD,
    EXPLICIT,
    FORWARD,
    GRADIENT,
    INPUT,
    PARAMETERS,
    beta,
    derivative_by,
    dl_dbeta,
    dl_domega,
    ell,
    f,
    model,
    omega,
    unrolled,
    written_out,
    x,
    y,
)

TITLE = "Backpropagation in the toy model"

FD_STEP = 1e-6
FD_TOLERANCE = 1e-8  # error relative to max(1, |derivative|): truncation O(h^2) ~ 1e-10, rounding eps/h ~ 1e-10
DIRECT_TOLERANCE = 1e-12  # the same derivative by two exact routes: only rounding separates them

def tex(expr, source: str) -> SympyLatex:
    """The book's LaTeX, with a thin space before a derivative written with a slash that follows a
    factor (h_3 \\, dl/df_3): TeX sets none between an ordinary symbol and the partial sign."""
    printed = plain_tex(expr, source)
    spaced = SympyLatex(re.sub(r"(?<![=&]) \\partial \\ell/", r" \\, \\partial \\ell/", str(printed)))
    spaced.source, spaced.constants = printed.source, printed.constants
    return spaced


# What the audit says the check read the chain's names as: the left side is differentiated, not assumed.
READING = (r"The check reads the left side as SymPy's derivative of the loss, written out in the parameters, the "
           r"input and the label, and each quantity of the backward pass, such as $\partial\ell/\partial f_3$, "
           r"through the table's rules, written out the same way: it compares the two for general parameters "
           r"and data.")


def _by_backprop(k: int, weight: bool) -> Derivation:
    parameter, target = (omega[k], dl_domega[k]) if weight else (beta[k], dl_dbeta[k])
    rule = dict(GRADIENT)[target]
    slope = (rf"$\partial f_{{{k}}}/\partial\omega_{{{k}}} = {'x' if k == 0 else f'h_{{{k}}}'}$" if weight
             else rf"$\partial f_{{{k}}}/\partial\beta_{{{k}}}$ is one")
    factors = unrolled(target)
    # The left side is SymPy's derivative of the written-out loss (``definitions`` write the loss
    # out before differentiating); step 1 is the backward pass's quantity, resolved through the
    # table's rules. So step 1 is the proof of those rules; step 2 only multiplies them out.
    return Derivation(
        key=f"backprop.dl_d{'omega' if weight else 'beta'}{k}", problem=TITLE,
        # short, for it heads eight derivations in a row: the left side is SymPy's derivative, the
        # right the backward pass's, both for general parameters and data
        title=rf"$\partial\ell/\partial{sp.latex(parameter)}$: the backward pass against the written-out loss",
        lhs=Partial(ell, parameter), definitions=EXPLICIT, reading=READING,
        steps=(Step(rule, slope),
               Step(factors[0] if len(factors) == 1 else U(sp.Mul, *factors), "the backward pass, written out")),
    )


BY_BACKPROP = tuple(_by_backprop(k, weight) for k in (3, 2, 1, 0) for weight in (False, True))
CLOSED_FORM = U(sp.Mul, -2, U(sp.Add, f[3], -y), omega[3], omega[2], omega[1], x,
                sp.sin(f[2]), sp.exp(f[1]), sp.cos(f[0]))
CLOSED = Derivation(
    key="backprop.dl_domega0_closed", problem=TITLE, title=r"$\partial\ell/\partial\omega_0$ by the chain rule",
    lhs=Partial(ell, omega[0]), definitions=EXPLICIT,
    reading=r"The check reads the left side as SymPy's derivative of the loss, written out in the parameters, the "
            r"input and the label, for general parameters and data.",
    steps=(
        Step(Partial(written_out(), omega[0]), "the loss written out"),
        # The links' factors with the weights and x first, then the activations' derivatives, each in
        # the order of the chain: a symbol after a bracket would sit tight against it ("exp[f_1]omega_1").
        Step(U(sp.Mul, U(sp.Mul, 2, U(sp.Add, f[3], -y)), omega[3], omega[2], omega[1], x,
               U(sp.Mul, -1, sp.sin(f[2])), sp.exp(f[1]), sp.cos(f[0])),
             "chain rule, the factors regrouped"),
        Step(CLOSED_FORM, "collect the sign"),
    ),
)

K, k_ = sp.Symbol("K", integer=True, positive=True), sp.Symbol("k", integer=True, nonnegative=True)
m_ = sp.Symbol("m", integer=True, nonnegative=True)  # m = K - 1 - k: the layers above layer k
# Layer k of K (k = 0 .. K - 1), with m = K - 1 - k layers above it: dl/dbeta_k has 2 + 2m factors,
# so 1 + 2m products, and dl/domega_k one more of each; the pair takes 3 + 4m.
PAIR_COUNT = Derivation(
    key="backprop.pair_count", problem=TITLE, title=r"multiplications of $\partial\ell/\partial\beta_k$ and "
                                                   r"$\partial\ell/\partial\omega_k$ together",
    lhs=U(sp.Add, U(sp.Add, 1, U(sp.Mul, 2, m_)), U(sp.Add, 2, U(sp.Mul, 2, m_))),
    steps=(Step(U(sp.Add, 3, U(sp.Mul, 4, m_)), "add"),),
)
# the general rules are proven at every k of the model: each by the four derivations of its instances
INSTANCES = {name: "+".join(d.key for d in BY_BACKPROP if d.key.startswith(f"backprop.dl_d{name}"))
             for name in ("beta", "omega")}
FORMULAS = {
    "model": tex(U(sp.Eq, sp.Symbol(r"f[x, \boldsymbol{\phi}]"), model()), "backprop.model definition"),
    "loss": tex(U(sp.Eq, ell, U(sp.Pow, U(sp.Add, sp.Symbol(r"f[x, \boldsymbol{\phi}]"), -y), 2)), "backprop.loss definition"),
    "forward": tuple(tex(U(sp.Eq, s, r), "backprop.forward") for s, r in FORWARD),
    "backward": tuple(tex(U(sp.Eq, s, r), "backprop.backward") for s, r in BACKWARD),
    "gradient": tuple(tex(U(sp.Eq, s, r), "backprop.gradient") for s, r in GRADIENT),
    "dl_dbeta": tex(U(sp.Eq, derivative_by(r"\beta_{k}"), derivative_by("f_{k}")), INSTANCES["beta"]),
    "dl_domega": tex(U(sp.Eq, derivative_by(r"\omega_{k}"), U(sp.Mul, sp.Symbol("h_k"), derivative_by("f_{k}"))),
                     INSTANCES["omega"]),
    "h0": tex(U(sp.Eq, sp.Symbol("h_0"), x), "backprop.h0 definition"),
    "input": tex(U(sp.Eq, *INPUT), "backprop.fd_input"),
    "closed_form": tex(U(sp.Eq, Partial(ell, omega[0]), CLOSED_FORM), "backprop.closed_form"),
    "above": tex(U(sp.Eq, m_, U(sp.Add, K, -1, -k_)), "backprop.counts"),
    "beta_factors": tex(U(sp.Add, 2, U(sp.Mul, 2, m_)), "backprop.counts"),
    "omega_factors": tex(U(sp.Add, 3, U(sp.Mul, 2, m_)), "backprop.counts"),
    "pair": tex(U(sp.Eq, PAIR_COUNT.lhs, PAIR_COUNT.steps[-1].expr), "backprop.pair_count"),
    # the parameter vectors in order, and the loss's derivative with its constant factor
    "beta_vector": tex(U(sp.Eq, sp.Symbol(r"\boldsymbol{\beta}"), sp.Tuple(*beta)), "backprop.beta_vector definition"),
    "omega_vector": tex(U(sp.Eq, sp.Symbol(r"\boldsymbol{\omega}"), sp.Tuple(*omega)), "backprop.omega_vector definition"),
    "loss_derivative": inline_tex(U(sp.Mul, 2, U(sp.Add, f[-1], -y)), "loss_derivatives.least_squares"),
}


@dataclass(frozen=True)
class Row:
    """One line of the table of the passes: a quantity, its rule, its value at the point."""

    name: str  # "f0", "dl_dh3", "dl_domega2"
    symbol: str  # LaTeX of the quantity
    rule: str  # LaTeX of the rule that computes it
    value: float
    finite_difference: float | None = None  # for a parameter's derivative: the central difference


@dataclass(frozen=True)
class BackpropResult:
    beta: tuple[float, ...]
    omega: tuple[float, ...]
    x: float
    y: float
    f0: float
    h1: float
    f1: float
    h2: float
    f2: float
    h3: float
    f3: float
    loss: float
    dl_df3: float
    dl_dh3: float
    dl_df2: float
    dl_dh2: float
    dl_df1: float
    dl_dh1: float
    dl_df0: float
    dl_dh0: float  # one link past the table: the input's derivative
    dl_dbeta0: float
    dl_dbeta1: float
    dl_dbeta2: float
    dl_dbeta3: float
    dl_domega0: float
    dl_domega1: float
    dl_domega2: float
    dl_domega3: float
    forward: tuple[Row, ...]
    backward: tuple[Row, ...]
    gradient: tuple[Row, ...]  # beta_3, omega_3, beta_2, ... in the order the backward pass finds them
    passes: tuple[tuple[Row, Row | None], ...]  # each forward quantity beside the loss's derivative by it
    fd_step: float
    depth: int  # K, the layers of the toy model (f_0 .. f_{K-1}, as in Problems 3 and 4)
    closed_factors: int  # the factors of dl/domega_0 written out (a sign is not a factor)
    closed_multiplications: int
    mults_separate: int  # multiplications of the eight derivatives, each the product of its chain's factors
    mults_backward: int  # multiplications of the backward pass and the eight parameter derivatives
    formulas: dict
    derivations: tuple[Derivation, ...]
    numeric_checks: tuple[NumericCheck, ...]


def _name(symbol: sp.Symbol) -> str:
    """A Python name for a quantity: f_0 -> f0, dl/domega_2 -> dl_domega2, l -> loss."""
    if symbol == ell:
        return "loss"
    text = str(symbol)
    if text.startswith(r"\partial \ell/"):
        inner = text.split(r"\partial ")[-1]
        return "dl_d" + inner.replace("\\", "").replace("_", "").replace("{", "").replace("}", "")
    return text.replace("_", "")


_RULES = FORWARD + BACKWARD + (INPUT,) + GRADIENT
_COMPILED = tuple((s, tuple(sorted(r.free_symbols, key=str)), r) for s, r in _RULES)
_NUMERIC = tuple((s, args, sp.lambdify(args, r.doit(), "math")) for s, args, r in _COMPILED)
_DIRECT = sp.lambdify((*PARAMETERS, x, y), [sp.diff(EXPLICIT[ell], p) for p in PARAMETERS], "math")


def passes(params: tuple[float, ...], xv: float, yv: float) -> dict[sp.Symbol, float]:
    """Evaluate the forward and backward rules in order; every value the table prints."""
    env: dict[sp.Symbol, float] = {**dict(zip(PARAMETERS, params)), x: xv, y: yv}
    for symbol, args, function in _NUMERIC:
        env[symbol] = float(function(*(env[a] for a in args)))
    return env


def loss_at(params: tuple[float, ...], xv: float, yv: float) -> float:
    env: dict[sp.Symbol, float] = {**dict(zip(PARAMETERS, params)), x: xv, y: yv}
    for symbol, args, function in _NUMERIC[:len(FORWARD)]:
        env[symbol] = float(function(*(env[a] for a in args)))
    return env[ell]


def central_difference(params: tuple[float, ...], index: int | None, xv: float, yv: float, step: float = FD_STEP) -> float:
    """The loss's central difference by parameter ``index``, or by the input x when it is None."""
    if index is None:
        return (loss_at(params, xv + step, yv) - loss_at(params, xv - step, yv)) / (2 * step)
    up, down = list(params), list(params)
    up[index] += step
    down[index] -= step
    return (loss_at(tuple(up), xv, yv) - loss_at(tuple(down), xv, yv)) / (2 * step)


def multiplications(factors) -> int:
    """Products of two numbers needed to multiply ``factors`` out: a sign change is free."""
    return max(0, sum(1 for factor in factors if factor not in (1, -1)) - 1)


def multiplication_counts() -> tuple[int, int]:
    """(separately, backward): the multiplications each way, the forward pass's values given.

    Separately, each derivative is the product of the factors of its whole chain (``unrolled``);
    the backward pass multiplies once per rule, reusing the derivative found before it.
    """
    separate = sum(multiplications(unrolled(target)) for target, _ in GRADIENT)
    backward = sum(multiplications(rule.args if isinstance(rule, sp.Mul) else (rule,)) for _, rule in BACKWARD + GRADIENT)
    return separate, backward


# The K pairs, layer k's with m = K - 1 - k.
SEPARATE_COUNT = Derivation(
    key="backprop.separate_count", problem=TITLE, title="multiplications when each derivative is written out",
    lhs=sp.Sum(U(sp.Add, 3, U(sp.Mul, 4, U(sp.Add, K, -1, -k_))), (k_, 0, U(sp.Add, K, -1))),
    steps=(Step(U(sp.Mul, K, U(sp.Add, U(sp.Mul, 2, K), 1)), "an arithmetic series"),),
)
BACKWARD_COUNT = Derivation(
    key="backprop.backward_count", problem=TITLE, title="multiplications of the backward pass",
    lhs=U(sp.Add, 1, U(sp.Mul, 2, U(sp.Add, K, -1)), K),
    steps=(Step(U(sp.Add, U(sp.Mul, 3, K), -1), "collect"),),
)


def _counts_description(depth: int, above: list[int]) -> str:
    """What backprop.counts compares: its formulas printed from the derivations, its K the model's
    depth and its m the layers above each layer, as counted."""
    def shown(expr: sp.Expr) -> str:
        return f"${inline_tex(expr, 'backprop.counts')}$"

    return (f"multiplications counted from the rules of this model against {shown(SEPARATE_COUNT.steps[-1].expr)} "
            f"(each derivative written out) and {shown(BACKWARD_COUNT.steps[-1].expr)} (the backward pass) at "
            f"$K = {depth}$ only, and each layer's pair against {shown(PAIR_COUNT.steps[-1].expr)} at "
            f"$m = {min(above)}, \\dots, {max(above)}$; largest absolute error. The derivations prove the sums from "
            "the counts per layer the key states; this check confirms those counts at this $K$ alone")


def compute(q: Questions) -> BackpropResult:
    params = (*q.toy_beta, *q.toy_omega)
    env = passes(params, q.toy_x, q.toy_y)
    direct = _DIRECT(*params, q.toy_x, q.toy_y)
    by_name = {_name(s): env[s] for s, _ in _RULES}
    parameter_of = dict(zip((*dl_dbeta, *dl_domega), PARAMETERS))
    gradient_of = {p: env[s] for s, p in parameter_of.items()}
    fd = {p: central_difference(params, n, q.toy_x, q.toy_y) for n, p in enumerate(PARAMETERS)}

    def rows(pairs, source: str) -> tuple[Row, ...]:
        return tuple(Row(_name(s), tex(s, source), tex(rule, source), env[s],
                         fd[parameter_of[s]] if s in parameter_of else None) for s, rule in pairs)

    checks = tuple(
        NumericCheck(f"backprop.fd_{_name(s)[4:]}", TITLE,
                     rf"$\partial\ell/\partial{sp.latex(p)}$ from the backward pass against a central difference of "
                     + (rf"the loss with step~$10^{{{round(math.log10(FD_STEP))}}}$"
                        + (", at the key's point only, error relative to the larger of one and the derivative"
                           if n == 0 else r", as for $\partial\ell/\partial\beta_0$")),
                     abs(fd[p] - gradient_of[p]) / max(1.0, abs(gradient_of[p])), FD_TOLERANCE)
        for n, (s, p) in enumerate(parameter_of.items())) + (
        NumericCheck("backprop.fd_input", TITLE, r"$\partial\ell/\partial h_0$, one link past the backward pass, against "
                     r"a central difference of the loss in $x$, as for $\partial\ell/\partial\beta_0$",
                     abs(central_difference(params, None, q.toy_x, q.toy_y) - env[INPUT[0]]) / max(1.0, abs(env[INPUT[0]])),
                     FD_TOLERANCE),)
    direct_error = max(abs(d - gradient_of[p]) / max(1.0, abs(d)) for p, d in zip(PARAMETERS, direct))
    # the forward rules define the model; the backward pass's are what the eight derivations prove
    proven = "+".join(d.key for d in BY_BACKPROP)
    forward_rows, backward_rows = rows(FORWARD, "backprop.model definition"), rows(BACKWARD, proven)
    by_quantity = {row.name[len("dl_d"):]: row for row in backward_rows}  # dl_df2 beside f2
    separate, backward = multiplication_counts()
    depth = len(f)
    counted = ((SEPARATE_COUNT, separate), (BACKWARD_COUNT, backward))
    count_error = max(abs(int(d.steps[-1].expr.doit().subs(K, depth)) - n) for d, n in counted)
    pairs = [multiplications(unrolled(dl_dbeta[k])) + multiplications(unrolled(dl_domega[k])) for k in range(depth)]
    above = [depth - 1 - k for k in range(depth)]  # m, the layers above layer k
    count_error = max(count_error, *(abs(int(PAIR_COUNT.steps[-1].expr.subs(m_, m)) - n) for m, n in zip(above, pairs)))
    closed_factors = sum(1 for factor in CLOSED_FORM.args if factor not in (1, -1))
    return BackpropResult(
        beta=tuple(q.toy_beta), omega=tuple(q.toy_omega), x=q.toy_x, y=q.toy_y,
        **by_name,
        forward=forward_rows, backward=backward_rows, gradient=rows(GRADIENT, proven),
        passes=tuple((row, by_quantity.get(row.name)) for row in forward_rows),
        fd_step=FD_STEP,
        depth=depth, closed_factors=closed_factors, closed_multiplications=multiplications(CLOSED_FORM.args),
        mults_separate=separate, mults_backward=backward,
        formulas=FORMULAS,
        derivations=(CLOSED, *BY_BACKPROP, PAIR_COUNT, SEPARATE_COUNT, BACKWARD_COUNT),
        numeric_checks=(*checks, NumericCheck(
            "backprop.direct", TITLE, "the eight derivatives of the key's table, its backward pass's rules "
            "evaluated in floating point at the key's point (before rounding to the places it prints), against "
            "SymPy's derivatives of the written-out loss evaluated there, largest error relative to the larger of "
            "one and the derivative",
            direct_error, DIRECT_TOLERANCE), NumericCheck(
            "backprop.counts", TITLE, _counts_description(depth, above), float(count_error), 0.0)),
    )
