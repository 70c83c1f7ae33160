"""Problem 2: the loss's derivative with respect to the network's output (book problems 7.4, 7.5).

The backward pass starts here: dl/df is the first factor of every parameter's derivative.
Least squares gives -2(y - f); binary cross-entropy, through the sigmoid and dsig/dz =
sig[z](1 - sig[z]), gives sig[f] - y: the same "prediction minus target" shape. Both are proven
chains; central differences check the proven results at a few points (and at Problem 1's
output, where least squares must give Problem 1's dl/df_3).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from generator.notation import Partial, inline_tex, sig, tex
from generator.notation import unevaluated as U
from generator.numeric import step_tex
from generator.proofs import Derivation, NumericCheck, Step

from ..parameters import Questions, toy_output

TITLE = "The loss's derivative with respect to the output"

FD_STEP = 1e-6
FD_TOLERANCE = 1e-8  # the losses are smooth and O(1) here: central differences err by ~1e-10
RELATIVE = "relative to the larger of one and the derivative"
POINTS = ((-2.0, 0.0), (-0.5, 1.0), (0.3, 0.0), (1.7, 1.0), (0.8, 0.3))  # (f, y); BCE takes y in [0, 1]
AT_POINTS = "$(f, y)$ = " + ", ".join(f"$({fv:g}, {yv:g})$" for fv, yv in POINTS)  # a line may break between points

f = sp.Symbol("f", real=True)
y = sp.Symbol("y", real=True)
z = sp.Symbol("z", real=True)
ell = sp.Symbol(r"\ell", real=True)

least_squares = U(sp.Pow, U(sp.Add, y, -f), 2)
bce = U(sp.Add, U(sp.Mul, -1, U(sp.Add, 1, -y), sp.log(U(sp.Add, 1, -sig(f)))), U(sp.Mul, -1, y, sp.log(sig(f))))
dsig = U(sp.Mul, sig(f), U(sp.Add, 1, -sig(f)))

SIGMOID = Derivation(
    key="loss_derivatives.dsig_dz", problem=TITLE, title="derivative of the logistic sigmoid",
    lhs=sp.Derivative(sig(z), z), definitions={sig(z): U(sp.Pow, U(sp.Add, 1, sp.exp(-z)), -1)},  # as the key defines it
    steps=(
        Step(sp.Derivative(U(sp.Pow, U(sp.Add, 1, sp.exp(-z)), -1), z), "definition of the sigmoid"),
        Step(U(sp.Mul, sp.exp(-z), U(sp.Pow, U(sp.Add, 1, sp.exp(-z)), -2)), "chain rule"),
        Step(U(sp.Mul, U(sp.Pow, U(sp.Add, 1, sp.exp(-z)), -1), U(sp.Mul, sp.exp(-z), U(sp.Pow, U(sp.Add, 1, sp.exp(-z)), -1))),
             "split the fraction in two"),
        Step(U(sp.Mul, sig(z), U(sp.Add, 1, -sig(z))),
             r"the first is $\mathrm{sig}[z]$, the second its complement"),
    ),
)

LEAST_SQUARES = Derivation(
    key="loss_derivatives.least_squares", problem=TITLE, title="least squares",
    lhs=Partial(ell, f), definitions={ell: least_squares},
    steps=(
        Step(Partial(least_squares, f), "definition of the least-squares loss"),
        Step(U(sp.Mul, 2, U(sp.Add, y, -f), Partial(U(sp.Add, y, -f), f)), "chain rule"),
        Step(U(sp.Mul, -2, U(sp.Add, y, -f)), r"$\partial(y-f)/\partial f$ is minus one"),
        Step(U(sp.Mul, 2, U(sp.Add, f, -y)), "twice the difference of the prediction and the target"),
    ),
)

BCE = Derivation(
    key="loss_derivatives.bce", problem=TITLE, title="binary cross-entropy",
    lhs=Partial(ell, f), definitions={ell: bce},
    steps=(
        Step(Partial(bce, f), "definition of the binary cross-entropy"),
        Step(U(sp.Add, U(sp.Mul, -1, U(sp.Add, 1, -y), U(sp.Pow, U(sp.Add, 1, -sig(f)), -1),
                         Partial(U(sp.Add, 1, -sig(f)), f)),
               U(sp.Mul, -1, y, U(sp.Pow, sig(f), -1), Partial(sig(f), f))),
             r"the derivative of $\log[u]$ is $u'/u$"),
        Step(U(sp.Add, U(sp.Mul, -1, U(sp.Add, 1, -y), U(sp.Pow, U(sp.Add, 1, -sig(f)), -1), U(sp.Mul, -1, dsig)),
               U(sp.Mul, -1, y, U(sp.Pow, sig(f), -1), dsig)),
             "the derivative of the sigmoid, above"),
        Step(U(sp.Add, U(sp.Mul, U(sp.Add, 1, -y), sig(f)), U(sp.Mul, -1, y, U(sp.Add, 1, -sig(f)))),
             "cancel each fraction"),
        Step(U(sp.Add, sig(f), -y), r"the $y\,\mathrm{sig}[f]$ terms cancel"),
    ),
)

squared_sigmoid = U(sp.Pow, U(sp.Add, sig(f), -y), 2)
SQUARED_SIGMOID = Derivation(
    key="loss_derivatives.squared_sigmoid", problem=TITLE, title="the squared error of the sigmoid, for comparison",
    lhs=Partial(squared_sigmoid, f),
    steps=(
        Step(U(sp.Mul, 2, U(sp.Add, sig(f), -y), Partial(sig(f), f)), "chain rule"),
        Step(U(sp.Mul, 2, U(sp.Add, sig(f), -y), sig(f), U(sp.Add, 1, -sig(f))), "the derivative of the sigmoid"),
    ),
)
# At the wrong label: sig[f] -> 0 while the label is one, f -> -infinity. SymPy's limits, not typed.
_squared_gradient = SQUARED_SIGMOID.steps[-1].expr
_bce_gradient = U(sp.Add, sig(f), -y)
WRONG_LABEL = {
    "squared": sp.limit(_squared_gradient.doit().rewrite(sp.exp), f, -sp.oo),
    "bce": sp.limit(_bce_gradient.doit().rewrite(sp.exp), f, -sp.oo),
}

FORMULAS = {
    "least_squares": tex(U(sp.Eq, ell, least_squares), "loss_derivatives.least_squares"),
    "bce": tex(U(sp.Eq, ell, bce), "loss_derivatives.bce"),
    "sigmoid": inline_tex(U(sp.Eq, sig(z), U(sp.Pow, U(sp.Add, 1, sp.exp(-z)), -1)), "loss_derivatives.sigmoid definition"),
    "dsig": tex(U(sp.Eq, sp.Derivative(sig(z), z), U(sp.Mul, sig(z), U(sp.Add, 1, -sig(z)))), "loss_derivatives.dsig"),
    "least_squares_result": tex(U(sp.Eq, Partial(ell, f), LEAST_SQUARES.steps[-1].expr), "loss_derivatives.least_squares"),
    "bce_result": tex(U(sp.Eq, Partial(ell, f), BCE.steps[-1].expr), "loss_derivatives.bce"),
    "squared_sigmoid": tex(squared_sigmoid, "loss_derivatives.squared_sigmoid"),
    "squared_limit": tex(U(sp.Eq, sp.Limit(_squared_gradient, f, -sp.oo), WRONG_LABEL["squared"]),
                         "loss_derivatives.wrong_label"),
    "bce_limit": tex(U(sp.Eq, sp.Limit(_bce_gradient, f, -sp.oo), WRONG_LABEL["bce"]), "loss_derivatives.wrong_label"),
    "wrong_label": tex(U(sp.Eq, y, 1), "loss_derivatives.wrong_label"),
    "bce_at_wrong_label": tex(WRONG_LABEL["bce"].subs(y, 1), "loss_derivatives.wrong_label"),
}


@dataclass(frozen=True)
class LossDerivativesResult:
    points: tuple[tuple[float, float], ...]  # (f, y) where the proven results meet central differences
    toy_output: float  # Problem 1's f_3 at its point
    toy_target: float
    least_squares_at_toy: float  # -2(y - f_3): Problem 1's dl/df_3
    fd_step: float
    formulas: dict
    derivations: tuple[Derivation, ...]
    numeric_checks: tuple[NumericCheck, ...]


def _numeric(expr: sp.Expr):
    """A float function of (f, y), with sig written out (math has no sigmoid)."""
    return sp.lambdify((f, y), expr.doit().replace(sig, lambda a: 1 / (1 + sp.exp(-a))), "math")


def _proven(derivation: Derivation):
    """The last step of a proven chain: the result as proven, not a retyping of it."""
    return _numeric(derivation.steps[-1].expr)


_loss = _numeric


def _fd_error(loss, derivative) -> float:
    worst = 0.0
    for fv, yv in POINTS:
        numeric = (loss(fv + FD_STEP, yv) - loss(fv - FD_STEP, yv)) / (2 * FD_STEP)
        worst = max(worst, abs(numeric - derivative(fv, yv)) / max(1.0, abs(derivative(fv, yv))))
    return worst


FAR_BELOW = -40.0  # an output far in the sigmoid's lower tail: both gradients are within 1e-17 of their limits there
LIMIT_TOLERANCE = 1e-12


def _limit_error() -> float:
    """SymPy's limits of the two gradients as f -> -inf against the gradients evaluated at FAR_BELOW,
    for labels from zero to one: a second route to the numbers the text states."""
    pairs = ((_numeric(_squared_gradient), _numeric(WRONG_LABEL["squared"])),
             (_numeric(_bce_gradient), _numeric(WRONG_LABEL["bce"])))
    return max(abs(gradient(FAR_BELOW, yv) - limit(FAR_BELOW, yv)) for gradient, limit in pairs for yv in (0.0, 0.5, 1.0))


def compute(q: Questions) -> LossDerivativesResult:
    ls, ls_loss = _proven(LEAST_SQUARES), _loss(least_squares)
    cross, cross_loss = _proven(BCE), _loss(bce)
    f3 = toy_output(q.toy_beta, q.toy_omega, q.toy_x)
    ls_error, bce_error = _fd_error(ls_loss, ls), _fd_error(cross_loss, cross)
    return LossDerivativesResult(
        points=POINTS, toy_output=f3, toy_target=q.toy_y, least_squares_at_toy=float(ls(f3, q.toy_y)),
        fd_step=FD_STEP, formulas=FORMULAS,
        derivations=(SIGMOID, LEAST_SQUARES, BCE, SQUARED_SIGMOID),
        numeric_checks=(
            NumericCheck("loss_derivatives.fd_least_squares", TITLE,
                         f"the proven $-2(y - f)$ against central differences of step~{step_tex(FD_STEP)} at {AT_POINTS}, "
                         f"largest error {RELATIVE}",
                         ls_error, FD_TOLERANCE),
            NumericCheck("loss_derivatives.fd_bce", TITLE,
                         rf"the proven $\mathrm{{sig}}[f] - y$ against central differences of step~{step_tex(FD_STEP)} of the "
                         "cross-entropy at "
                         f"{AT_POINTS}, largest error {RELATIVE}", bce_error, FD_TOLERANCE),
            NumericCheck("loss_derivatives.wrong_label", TITLE,
                         r"SymPy's limits of both gradients as $f \to -\infty$, the key's $0$ and $-y$, against the gradients at "
                         rf"$f = {FAR_BELOW:g}$, for $y = 0, 1/2, 1$: the largest absolute error",
                         _limit_error(), LIMIT_TOLERANCE),
        ),
    )
