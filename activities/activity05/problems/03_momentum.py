"""Problem 3: momentum as an exponentially weighted sum of past gradients (book eq. 6.11)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy as sp

from generator.notation import beta, g, i, inline_tex, m, n_points, t, tex, tp, x
from generator.notation import unevaluated as U
from generator.proofs import Derivation, NumericCheck, Step

from ..parameters import Questions

TITLE = "Momentum"

SIMULATION_STEPS = 50
SIMULATION_TOLERANCE = 1e-12
k = sp.Symbol("k", integer=True, nonnegative=True)
one_minus_beta = U(sp.Add, 1, -beta)
beta_sampler = {beta: lambda rng: sp.Rational(rng.randint(1, 99), 100)}


def step_update(previous: sp.Expr, index: int | sp.Expr) -> sp.Expr:
    """beta m_t + (1 - beta) g_t, with g_t the batch gradient at phi_t."""
    return U(sp.Add, U(sp.Mul, beta, previous), U(sp.Mul, one_minus_beta, g[index]))


def plus_one(index: sp.Expr) -> sp.Expr:
    """index + 1, written t + 1 (not 1 + t) when the index is symbolic; t + 1 + 1 is t + 2."""
    if index.is_Number:
        return index + 1
    if isinstance(index, sp.Add) and index.args[-1].is_Number:
        return U(sp.Add, *index.args[:-1], index.args[-1] + 1)
    return U(sp.Add, index, 1)


def minus(index: sp.Expr, other: sp.Expr) -> sp.Expr:
    """index - other, keeping the written order (t + 1 - t'; at the first step 0 - t', not -t')."""
    parts = index.args if isinstance(index, sp.Add) else (index,)
    return U(sp.Add, *parts, -other)


def closed_form(upper: sp.Expr) -> sp.Expr:
    """m_{upper+1} = beta^{upper+1} m_0 + (1 - beta) sum_{t'=0}^{upper} beta^{upper-t'} g_{t'}."""
    return U(sp.Add, U(sp.Mul, U(sp.Pow, beta, plus_one(upper)), m[0]),
             U(sp.Mul, one_minus_beta, sp.Sum(U(sp.Mul, U(sp.Pow, beta, minus(upper, tp)), g[tp]), (tp, 0, upper))))


UPDATES = {m[n]: step_update(m[n - 1], n - 1) for n in (1, 2, 3)}  # the update rule, written out


def _unroll(n: int) -> Derivation:
    """m_n written out in m_0 and g_0 .. g_{n-1}."""
    terms = [U(sp.Mul, U(sp.Pow, beta, n), m[0])] if n > 1 else [U(sp.Mul, beta, m[0])]
    for j in range(n):
        power = n - 1 - j
        coefficient = [] if power == 0 else ([beta] if power == 1 else [U(sp.Pow, beta, power)])
        terms.append(U(sp.Mul, *coefficient, one_minus_beta, g[j]))
    steps = [Step(step_update(m[n - 1], n - 1), "the update rule")]
    if n > 1:
        previous = _unroll(n - 1).steps[-1].expr
        steps.append(Step(step_update(previous, n - 1), rf"substitute $\mathbf{{m}}_{{{n - 1}}}$"))
        steps.append(Step(U(sp.Add, *terms), "multiply out"))
    return Derivation(key=f"momentum.m{n}", problem=TITLE, title=rf"unrolling to $\mathbf{{m}}_{{{n}}}$",
                      lhs=m[n], steps=tuple(steps), samplers=beta_sampler, definitions=UPDATES)


UNROLLED = tuple(_unroll(n) for n in (1, 2, 3))

INDUCTION_BASE = Derivation(
    key="momentum.induction_base", problem=TITLE, title="closed form, base case",
    lhs=closed_form(sp.Integer(0)), steps=(Step(step_update(m[0], 0), "the sum has a single term"),
                                           Step(m[1], "the update rule")),
    samplers=beta_sampler, definitions={m[1]: step_update(m[0], 0)})

INDUCTION_STEP = Derivation(
    key="momentum.induction_step", problem=TITLE, title="closed form, induction step",
    lhs=m[U(sp.Add, t, 2)],
    definitions={m[U(sp.Add, t, 2)]: step_update(m[plus_one(t)], plus_one(t)), m[plus_one(t)]: closed_form(t)},
    steps=(
        Step(step_update(m[plus_one(t)], plus_one(t)), "the update rule"),
        Step(step_update(closed_form(t), plus_one(t)), "induction hypothesis"),
        Step(U(sp.Add, U(sp.Mul, U(sp.Pow, beta, U(sp.Add, t, 2)), m[0]),
               U(sp.Mul, one_minus_beta, sp.Sum(U(sp.Mul, U(sp.Pow, beta, U(sp.Add, t, 1, -tp)), g[tp]), (tp, 0, t))),
               U(sp.Mul, one_minus_beta, g[plus_one(t)])), "multiply out"),
        Step(closed_form(plus_one(t)), "the last term joins the sum as its final term"),
    ),
    samplers=beta_sampler)

weight_total = sp.Symbol(r"\sum_{k=0}^{t} w_k")
WEIGHT_SUM = Derivation(
    key="momentum.weight_sum", problem=TITLE, title="sum of the weights",
    lhs=weight_total,
    definitions={weight_total: sp.Sum(U(sp.Mul, one_minus_beta, U(sp.Pow, beta, k)), (k, 0, t))},
    steps=(
        Step(sp.Sum(U(sp.Mul, one_minus_beta, U(sp.Pow, beta, k)), (k, 0, t)), "definition of the weights $w_k$"),
        Step(U(sp.Mul, one_minus_beta, U(sp.Mul, U(sp.Add, 1, -U(sp.Pow, beta, plus_one(t))), U(sp.Pow, one_minus_beta, -1))),
             "geometric series"),
        Step(U(sp.Add, 1, -U(sp.Pow, beta, plus_one(t))), "cancel the common factor"),
    ),
    samplers=beta_sampler)


phi_t = sp.IndexedBase(r"\boldsymbol{\phi}")
alpha = sp.Symbol("alpha")
w = sp.IndexedBase("w")
design_matrix = sp.MatrixSymbol("A", n_points, 2)  # its rows are (1, x_i)
lambda_max = sp.Symbol(r"\lambda_{\max}")
batch_gradient = sp.Symbol(r"\sum_{i\in\mathcal{B}_t}\frac{\partial\ell_i[\boldsymbol{\phi}_t]}{\partial\boldsymbol{\phi}}")
batch_gradient_inline = sp.Symbol(r"\sum_{i\in\mathcal{B}_t}\partial\ell_i[\boldsymbol{\phi}_t]/\partial\boldsymbol{\phi}")
FORMULAS = {
    "update": tex(U(sp.Eq, m[plus_one(t)], U(sp.Add, U(sp.Mul, beta, m[t]), U(sp.Mul, one_minus_beta, batch_gradient))),
                  "momentum.update"),
    "update_g": tex(U(sp.Eq, m[plus_one(t)], step_update(m[t], t)), "momentum.update"),
    "step": tex(U(sp.Eq, phi_t[plus_one(t)], U(sp.Add, phi_t[t], -U(sp.Mul, alpha, m[plus_one(t)]))), "momentum.step"),
    "gradient": inline_tex(U(sp.Eq, g[t], batch_gradient_inline), "momentum.gradient"),
    "closed_form": tex(U(sp.Eq, m[plus_one(t)], closed_form(t)), "momentum.closed_form"),
    "weight": tex(U(sp.Eq, w[k], U(sp.Mul, one_minus_beta, U(sp.Pow, beta, k))), "momentum.weight"),
    "limit": tex(U(sp.Eq, sp.Limit(U(sp.Add, 1, -U(sp.Pow, beta, plus_one(t))), t, sp.oo), 1), "momentum.limit"),
    "window": inline_tex(U(sp.Pow, one_minus_beta, -1), "momentum.window"),
    "beta_range": tex(sp.Contains(beta, sp.Interval.Ropen(0, 1), evaluate=False), "momentum.beta_range"),
    "alpha": tex(alpha, "momentum.alpha"),
    "m0": tex(U(sp.Eq, m[0], 0), "momentum.m0"),
    "k_equals_t_minus_tp": tex(U(sp.Eq, k, U(sp.Add, t, -tp)), "momentum.k"),
    # Figure 2(b): the least-squares loss's Hessian, constant, and the rate plain descent needs
    "hessian": tex(U(sp.Mul, 2, design_matrix.T, design_matrix), "momentum.hessian"),
    "design_row": tex(sp.Tuple(1, x[i]), "momentum.design_row"),
    "lambda_max": tex(lambda_max, "momentum.lambda_max"),
    "stability_limit": inline_tex(U(sp.Mul, 2, U(sp.Pow, lambda_max, -1)), "momentum.stability_limit"),
}


# --- gradient descent with and without momentum on Problem 1's loss (drawn in Figure 2) -------

COMPARISON_FRACTION = 0.9  # of the largest rate at which plain gradient descent converges
COMPARISON_WINDOWS = 3  # steps, in windows 1/(1 - beta): by then m_0 = 0 weighs only about e^-3


def descent_path(gradient: Callable[[np.ndarray], np.ndarray], start, learning_rate: float, beta_value: float,
                 steps: int) -> np.ndarray:
    """phi_0 .. phi_steps of gradient descent with momentum as in the book (eq. 6.11).

    m_{t+1} = beta m_t + (1 - beta) g_t, phi_{t+1} = phi_t - alpha m_{t+1}, m_0 = 0: the
    recursion this problem unrolls. With beta = 0 it is plain gradient descent.
    """
    phi = np.asarray(start, dtype=float)
    velocity = np.zeros_like(phi)
    path = [phi]
    for _ in range(steps):
        velocity = beta_value * velocity + (1 - beta_value) * gradient(phi)
        phi = phi - learning_rate * velocity
        path.append(phi)
    return np.array(path)


def least_squares_gradient(xs, ys) -> Callable[[np.ndarray], np.ndarray]:
    """dL/dphi = sum_i 2 r_i (1, x_i), Problem 1's result, as one matrix product per step."""
    design, target = np.column_stack([np.ones(len(xs)), xs]), np.asarray(ys, dtype=float)
    return lambda phi: 2 * design.T @ (design @ phi - target)


def least_squares_loss(xs, ys, phi0_value, phi1_value):
    """L = sum_i (phi0 + phi1 x_i - y_i)^2, elementwise over arrays of phi0 and phi1."""
    phi0_value, phi1_value = np.asarray(phi0_value, dtype=float), np.asarray(phi1_value, dtype=float)
    return sum((phi0_value + phi1_value * xi - yi) ** 2 for xi, yi in zip(xs, ys))


def reversals(path, direction=None) -> int:
    """How often a step turns back: against the step before it, or, along ``direction`` (the valley's
    steepest, across it), how often the step's component there changes sign."""
    moves = np.diff(np.asarray(path), axis=0)
    if direction is None:
        return int(np.sum(np.einsum("ij,ij->i", moves[1:], moves[:-1]) < 0))
    across = moves @ np.asarray(direction)
    return int(np.sum(across[1:] * across[:-1] < 0))


@dataclass(frozen=True)
class Comparison:
    """Plain gradient descent against momentum, from one start with one learning rate."""

    curvatures: tuple[float, float]  # the eigenvalues of the constant Hessian 2 A^T A, smallest first
    stability_limit: float  # 2 / lambda_max: plain gradient descent converges below it
    learning_rate: float  # COMPARISON_FRACTION of the limit, to three digits (the printed rate is the rate used)
    percent_of_limit: float  # 100 learning_rate / stability_limit
    steps: int
    oldest_k: int  # steps - 1: the oldest gradient a run of this many steps weighs (Figure 2(a) runs that far)
    weight_sum_drawn: float  # w_0 + ... + w_oldest_k = 1 - beta^steps
    plain: tuple[tuple[float, float], ...]
    with_momentum: tuple[tuple[float, float], ...]
    plain_reversals: int  # across the valley: sign changes of the step along the steepest direction
    momentum_reversals: int
    start_loss: float
    plain_loss: float
    momentum_loss: float
    lowest_loss: float
    momentum_rises: int  # steps on which the loss along the momentum path goes up
    momentum_best_step: int  # the step at which the momentum path's loss is lowest ...
    momentum_best_loss: float  # ... and that loss
    plain_contraction: float  # the factor by which plain descent's error shrinks a step, in its slowest direction
    momentum_contraction: float  # the same for momentum (sqrt(beta) where it is underdamped)


def compare_descents(q: Questions, window: float) -> Comparison:
    xs, ys = q.least_squares_x, q.least_squares_y
    design = np.column_stack([np.ones(len(xs)), xs])
    curvatures, directions = np.linalg.eigh(2 * design.T @ design)  # the loss is quadratic: its Hessian is constant
    limit, steep = 2 / float(curvatures[-1]), directions[:, -1]
    rate = float(f"{COMPARISON_FRACTION * limit:.3g}")
    steps = int(round(COMPARISON_WINDOWS * window))
    gradient = least_squares_gradient(xs, ys)
    plain = descent_path(gradient, q.least_squares_start, rate, 0.0, steps)
    heavy = descent_path(gradient, q.least_squares_start, rate, q.momentum_beta, steps)
    optimum = np.linalg.lstsq(design, np.asarray(ys, dtype=float), rcond=None)[0]
    loss = lambda phi: float(least_squares_loss(xs, ys, *phi))  # noqa: E731
    points = lambda path: tuple((float(a), float(b)) for a, b in path)  # noqa: E731
    heavy_losses = [loss(phi) for phi in heavy]
    best = int(np.argmin(heavy_losses))
    return Comparison((float(curvatures[0]), float(curvatures[-1])), limit, rate, 100 * rate / limit, steps,
                      steps - 1, 1 - q.momentum_beta ** steps,
                      points(plain), points(heavy), reversals(plain, steep), reversals(heavy, steep),
                      loss(plain[0]),
                      loss(plain[-1]), loss(heavy[-1]), loss(optimum), loss_rises(heavy_losses), best,
                      heavy_losses[best], max(abs(1 - rate * float(c)) for c in curvatures),
                      max(contraction(float(c), rate, q.momentum_beta) for c in curvatures))


def contraction(curvature: float, learning_rate: float, beta_value: float) -> float:
    """How much momentum's error shrinks a step along an eigenvector (the largest characteristic root's size)."""
    trace = 1 + beta_value - learning_rate * (1 - beta_value) * curvature
    return float(max(abs(r) for r in np.roots([1.0, -trace, beta_value])))


def loss_rises(losses) -> int:
    """On how many steps the loss goes up: a path that overshoots and swings back climbs again."""
    return int(np.sum(np.diff(np.asarray(losses, dtype=float)) > 0))


def underdamped(curvature: float, learning_rate: float, beta_value: float) -> bool:
    """Does momentum oscillate along an eigenvector of the Hessian with this eigenvalue?

    Along it the error e_t obeys m_{t+1} = beta m_t + (1 - beta) lambda e_t, e_{t+1} = e_t - alpha m_{t+1}:
    e_{t+2} = (1 + beta - alpha (1 - beta) lambda) e_{t+1} - beta e_t, whose characteristic roots
    are complex (an oscillation whose amplitude shrinks by sqrt(beta) a step) when the
    discriminant is negative.
    """
    trace = 1 + beta_value - learning_rate * (1 - beta_value) * curvature
    return trace**2 - 4 * beta_value < 0


@dataclass(frozen=True)
class Weight:
    k: int
    weight: float
    cumulative: float


@dataclass(frozen=True)
class MomentumResult:
    beta: float
    weights: tuple[Weight, ...]
    window: float  # 1/(1-beta): the number of recent steps that carry most of the weight
    weight_limit: int  # the limit of the sum of the weights as t grows
    window_steps: int  # the window, rounded: the most recent steps ...
    window_share: float  # ... carry this share of the weight, 1 - beta^window_steps
    window_weight: Weight  # the weight of the window's oldest step, k = window_steps - 1, and the sum to it
    window_beyond_table: bool  # is that step past the table's weights (a column of its own, after a gap)?
    comparison: Comparison
    simulation_steps: int
    formulas: dict
    derivations: tuple[Derivation, ...]
    numeric_checks: tuple[NumericCheck, ...]


def simulate(beta_value: float, gradients: np.ndarray, m0: np.ndarray) -> np.ndarray:
    """Run the recursion m_{t+1} = beta m_t + (1-beta) g_t; return m_1 .. m_T."""
    out, current = [], m0
    for gradient in gradients:
        current = beta_value * current + (1 - beta_value) * gradient
        out.append(current)
    return np.array(out)


def closed_form_value(beta_value: float, gradients: np.ndarray, m0: np.ndarray, upper: int) -> np.ndarray:
    weights = (1 - beta_value) * beta_value ** (upper - np.arange(upper + 1))
    return beta_value ** (upper + 1) * m0 + weights @ gradients[: upper + 1]


def compute(q: Questions) -> MomentumResult:
    b = Fraction(repr(q.momentum_beta))
    weights, total = [], Fraction(0)
    window_steps = round(1 / (1 - b))
    # the table's columns, and one more when that is the window's last step (no gap to mark)
    for j in range(q.momentum_steps + (window_steps == q.momentum_steps + 1)):
        w = (1 - b) * b**j
        total += w
        weights.append(Weight(j, float(w), float(total)))
    rng = np.random.default_rng(0)
    gradients = rng.normal(size=(SIMULATION_STEPS, 2))
    m0 = rng.normal(size=2)
    simulated = simulate(q.momentum_beta, gradients, m0)
    error = max(float(np.max(np.abs(simulated[u] - closed_form_value(q.momentum_beta, gradients, m0, u))))
                for u in range(SIMULATION_STEPS))
    limit = sp.limit(1 - sp.Rational(b.numerator, b.denominator) ** (t + 1), t, sp.oo)
    return MomentumResult(
        beta=q.momentum_beta,
        weights=tuple(weights),
        window=float(1 / (1 - b)),
        weight_limit=int(limit),
        window_steps=window_steps,
        window_share=float(1 - b ** window_steps),
        window_weight=Weight(window_steps - 1, float((1 - b) * b ** (window_steps - 1)), float(1 - b ** window_steps)),
        window_beyond_table=window_steps > len(weights),
        comparison=compare_descents(q, float(1 / (1 - b))),
        simulation_steps=SIMULATION_STEPS,
        formulas={**FORMULAS, "window_share": tex(U(sp.Add, 1, -U(sp.Pow, beta, window_steps)),
                                                  "momentum.window_share")},
        derivations=(*UNROLLED, INDUCTION_BASE, INDUCTION_STEP, WEIGHT_SUM),
        numeric_checks=(NumericCheck("momentum.simulation", TITLE,
                                     "recursion simulated on random gradients against the closed form",
                                     error, SIMULATION_TOLERANCE),),
    )
