"""Problem 3: momentum as an exponentially weighted sum of past gradients (book eq. 6.11)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy as sp

from generator.notation import beta, g, i, inline_tex, m, n_points, t, tex, tp, x
from generator.notation import unevaluated as U
from generator.numbers import group_digits
from generator.proofs import Derivation, Fact, NumericCheck, Step

from ..parameters import Questions
from .descent import Comparison, best_plain_error, compare_descents, floor_error, recursion_error, tuned_error

TITLE = "Momentum"

SIMULATION_STEPS = 50
SIMULATION_SEED = 0
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
        Step(closed_form(plus_one(t)), "the last term joins the sum"),
    ),
    samplers=beta_sampler)

w_k = sp.Symbol("w_k")
# the weight of the gradient from k steps back: the closed form's coefficient of g_{t'} at t' = t - k
coefficient_k_back = U(sp.Mul, one_minus_beta, U(sp.Pow, beta, U(sp.Add, t, U(sp.Mul, -1, U(sp.Add, t, -k)))))
WEIGHT = Derivation(
    key="momentum.weight", problem=TITLE, title="the weight of the gradient from $k$ steps back",
    lhs=w_k, definitions={w_k: coefficient_k_back},
    steps=(Step(coefficient_k_back, r"the closed form's coefficient of $\mathbf{g}_{t'}$, at $t' = t - k$"),
           Step(U(sp.Mul, one_minus_beta, U(sp.Pow, beta, k)), "simplify the exponent")),
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
lambda_min = sp.Symbol(r"\lambda_{\min}")
kappa = sp.Symbol(r"\kappa")
root_beta = U(sp.Pow, beta, sp.Rational(1, 2))
root_sum = U(sp.Add, U(sp.Pow, lambda_min, sp.Rational(1, 2)), U(sp.Pow, lambda_max, sp.Rational(1, 2)))
root_kappa = U(sp.Pow, kappa, sp.Rational(1, 2))
tuned_factor = U(sp.Mul, U(sp.Add, root_kappa, -1), U(sp.Pow, U(sp.Add, root_kappa, 1), -1))  # (sqrt k - 1)/(sqrt k + 1)
# Along an eigenvector of the Hessian (eigenvalue lambda): e_t, mu_t the components of phi_t - phi* and m_t
error = sp.IndexedBase("e")
mu = sp.IndexedBase(r"\mu")
curvature = sp.Symbol(r"\lambda", positive=True)
t_plus_two = U(sp.Add, t, 2)
batch_gradient = sp.Symbol(r"\sum_{i\in\mathcal{B}_t}\frac{\partial\ell_i[\boldsymbol{\phi}_t]}{\partial\boldsymbol{\phi}}")
batch_gradient_inline = sp.Symbol(r"\sum_{i\in\mathcal{B}_t}\partial\ell_i[\boldsymbol{\phi}_t]/\partial\boldsymbol{\phi}")
FORMULAS = {
    "update": tex(U(sp.Eq, m[plus_one(t)], U(sp.Add, U(sp.Mul, beta, m[t]), U(sp.Mul, one_minus_beta, batch_gradient))),
                  "momentum.update definition"),
    "update_g": tex(U(sp.Eq, m[plus_one(t)], step_update(m[t], t)), "momentum.update definition"),
    "step": tex(U(sp.Eq, phi_t[plus_one(t)], U(sp.Add, phi_t[t], -U(sp.Mul, alpha, m[plus_one(t)]))), "momentum.step definition"),
    "gradient": inline_tex(U(sp.Eq, g[t], batch_gradient_inline), "momentum.gradient definition"),
    "closed_form": tex(U(sp.Eq, m[plus_one(t)], closed_form(t)), "momentum.induction_base+momentum.induction_step"),
    "weight": tex(U(sp.Eq, w[k], U(sp.Mul, one_minus_beta, U(sp.Pow, beta, k))), "momentum.weight"),
    "limit": tex(U(sp.Eq, sp.Limit(U(sp.Add, 1, -U(sp.Pow, beta, plus_one(t))), t, sp.oo), 1), "momentum.limit"),
    "infinite_sum": inline_tex(U(sp.Eq, m[plus_one(t)], U(sp.Mul, one_minus_beta, sp.Sum(U(sp.Mul, U(sp.Pow, beta, k),
                                                                                    g[minus(t, k)]), (k, 0, sp.oo)))),
                        "momentum.infinite_sum"),
    "window": inline_tex(U(sp.Pow, one_minus_beta, -1), "momentum.window definition"),
    "beta_range": tex(sp.Contains(beta, sp.Interval.Ropen(0, 1), evaluate=False), "momentum.beta_range definition"),
    "alpha": tex(alpha, "momentum.alpha definition"),
    "m0": tex(U(sp.Eq, m[0], 0), "momentum.m0 definition"),
    "k_equals_t_minus_tp": tex(U(sp.Eq, k, U(sp.Add, t, -tp)), "momentum.k definition"),
    # Figure 2(b): the least-squares loss's Hessian, constant, and the rate plain descent needs
    "hessian": tex(U(sp.Mul, 2, design_matrix.T, design_matrix), "momentum.recursion"),
    "design_row": tex(sp.Tuple(1, x[i]), "momentum.design_row definition"),
    "lambda_max": tex(lambda_max, "momentum.lambda_max definition"),
    "lambda_min": tex(lambda_min, "momentum.lambda_min definition"),
    "stability_limit": inline_tex(U(sp.Mul, 2, U(sp.Pow, lambda_max, -1)), "momentum.stability_limit"),
    # how narrow the valley must be for momentum to pay
    "kappa": inline_tex(U(sp.Eq, kappa, U(sp.Mul, lambda_max, U(sp.Pow, lambda_min, -1))), "momentum.kappa definition"),
    "best_rate": inline_tex(U(sp.Mul, 2, U(sp.Pow, U(sp.Add, lambda_min, lambda_max), -1)), "momentum.best_plain"),
    "best_plain": inline_tex(U(sp.Mul, U(sp.Add, kappa, -1), U(sp.Pow, U(sp.Add, kappa, 1), -1)), "momentum.best_plain"),
    "root_beta": tex(root_beta, "momentum.floor"),
    "error_components": inline_tex(sp.Tuple(error[t], mu[t]), "momentum.error_components definition"),
    "one_minus_root_beta": inline_tex(U(sp.Add, 1, -root_beta), "momentum.one_minus_root_beta"),
    "kappa_plus_one": inline_tex(U(sp.Add, kappa, 1), "momentum.kappa_plus_one"),
    "tuned_beta": tex(U(sp.Pow, tuned_factor, 2), "momentum.tuned"),
    "tuned_rate": tex(U(sp.Mul, 4, U(sp.Pow, U(sp.Mul, U(sp.Add, 1, -beta), U(sp.Pow, root_sum, 2)), -1)),
                             "momentum.tuned"),
    "tuned_factor": inline_tex(tuned_factor, "momentum.tuned"),
    "pays_above": inline_tex(U(sp.Mul, U(sp.Add, 1, root_beta), U(sp.Pow, U(sp.Add, 1, -root_beta), -1)),
                             "momentum.pays_above"),
}

ERROR_RECURSION = Derivation(
    key="momentum.error_recursion", problem=TITLE, title="momentum's error along an eigenvector",
    lhs=error[t_plus_two],
    definitions={error[t_plus_two]: U(sp.Add, error[plus_one(t)], -U(sp.Mul, alpha, mu[t_plus_two])),
                 mu[t_plus_two]: U(sp.Add, U(sp.Mul, beta, mu[plus_one(t)]),
                                   U(sp.Mul, one_minus_beta, curvature, error[plus_one(t)])),
                 mu[plus_one(t)]: U(sp.Mul, U(sp.Add, error[t], -error[plus_one(t)]), U(sp.Pow, alpha, -1))},
    reading=r"Its definitions hold the step and the update along an eigenvector (the gradient there written as "
            r"$\lambda e_{t+1}$, which holds for this quadratic loss) and the step before solved for $\mu_{t+1}$: "
            r"the chain reads these from its definitions and does not prove them; a numeric cross-check below tests "
            r"the recursion, and with it these readings, on the run of momentum the key draws.",
    steps=(
        Step(U(sp.Add, error[plus_one(t)], -U(sp.Mul, alpha, mu[t_plus_two])), "the step, along the eigenvector"),
        Step(U(sp.Add, error[plus_one(t)], -U(sp.Mul, alpha, U(sp.Add, U(sp.Mul, beta, mu[plus_one(t)]),
                                                             U(sp.Mul, one_minus_beta, curvature, error[plus_one(t)])))),
             r"the update; the gradient along it is $\lambda e_{t+1}$"),
        Step(U(sp.Add, error[plus_one(t)], -U(sp.Mul, beta, U(sp.Add, error[t], -error[plus_one(t)])),
               -U(sp.Mul, alpha, one_minus_beta, curvature, error[plus_one(t)])),
             r"the step before: $\alpha \mu_{t+1} = e_t - e_{t+1}$"),
        Step(U(sp.Add, U(sp.Mul, U(sp.Add, 1, beta, -U(sp.Mul, alpha, one_minus_beta, curvature)), error[plus_one(t)]),
               -U(sp.Mul, beta, error[t])), r"collect $e_{t+1}$"),
    ),
    samplers=beta_sampler)

kappa_sampler = {**beta_sampler, kappa: lambda rng: sp.Rational(rng.randint(101, 10000), 100)}
PAYS_ABOVE = Derivation(
    key="momentum.pays_above", problem=TITLE, title=r"when momentum's floor is below plain descent's best factor",
    lhs=U(sp.Add, U(sp.Mul, U(sp.Add, kappa, -1), U(sp.Pow, U(sp.Add, kappa, 1), -1)), -root_beta),
    steps=(
        Step(U(sp.Mul, U(sp.Add, kappa, -1, -U(sp.Mul, root_beta, U(sp.Add, kappa, 1))), U(sp.Pow, U(sp.Add, kappa, 1), -1)),
             "common denominator"),
        Step(U(sp.Mul, U(sp.Add, U(sp.Mul, U(sp.Add, 1, -root_beta), kappa), -U(sp.Add, 1, root_beta)),
               U(sp.Pow, U(sp.Add, kappa, 1), -1)), r"collect $\kappa$"),
        Step(U(sp.Mul, U(sp.Mul, U(sp.Add, 1, -root_beta), U(sp.Pow, U(sp.Add, kappa, 1), -1)),
               U(sp.Add, kappa, -U(sp.Mul, U(sp.Add, 1, root_beta), U(sp.Pow, U(sp.Add, 1, -root_beta), -1)))),
             r"take out the coefficient of $\kappa$"),
    ),
    samplers=kappa_sampler)


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
    gap_weight: Weight | None  # the one step between the table's weights and that column, printed, not an ellipsis
    comparison: Comparison
    facts: tuple[Fact, ...]  # what chooses the text's words on which method can be the faster
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


def weight(b: Fraction, k: int) -> Weight:
    """The weight of the gradient from k steps back, (1 - b) b^k, and the sum to it, 1 - b^(k+1) (exact)."""
    return Weight(k, float((1 - b) * b**k), float(1 - b ** (k + 1)))


def compute(q: Questions) -> MomentumResult:
    b = Fraction(repr(q.momentum_beta))
    window_steps = round(1 / (1 - b))
    # the table's columns, and one more when that is the window's last step (no gap to mark)
    weights = [weight(b, j) for j in range(q.momentum_steps + (window_steps == q.momentum_steps + 1))]
    rng = np.random.default_rng(SIMULATION_SEED)
    gradients = rng.normal(size=(SIMULATION_STEPS, 2))
    m0 = rng.normal(size=2)
    simulated = simulate(q.momentum_beta, gradients, m0)
    error = max(float(np.max(np.abs(simulated[u] - closed_form_value(q.momentum_beta, gradients, m0, u))))
                for u in range(SIMULATION_STEPS))
    limit = sp.limit(1 - sp.Rational(b.numerator, b.denominator) ** (t + 1), t, sp.oo)
    comparison = compare_descents(q, float(1 / (1 - b)))
    return MomentumResult(
        beta=q.momentum_beta,
        weights=tuple(weights),
        window=float(1 / (1 - b)),
        weight_limit=int(limit),
        window_steps=window_steps,
        window_share=float(1 - b ** window_steps),
        window_weight=weight(b, window_steps - 1),
        window_beyond_table=window_steps > len(weights),
        gap_weight=weight(b, len(weights)) if window_steps == len(weights) + 2 else None,
        comparison=comparison,
        facts=(Fact("plain_faster_at_best", comparison.faster_at_best == "plain",
                    "the valley's ratio of curvatures is below the one at which plain gradient descent's best factor "
                    r"reaches momentum's floor, $\sqrt{\beta}$: at every learning rate momentum is slower, "
                    "in the long run, than plain gradient descent at its best one"),
               Fact("momentum_faster_at_best", comparison.faster_at_best == "momentum",
                    "that ratio is above the one where they meet, and at most the square of that meeting ratio: a "
                    "learning rate makes momentum oscillate along both eigenvectors at its floor, below plain "
                    "gradient descent's best factor, so it is the faster there")),
        simulation_steps=SIMULATION_STEPS,
        formulas={**FORMULAS, "window_share": tex(U(sp.Add, 1, -U(sp.Pow, beta, window_steps)), "momentum.weight_sum",
                                                  computed={str(window_steps): "results.momentum.window_steps"})},
        derivations=(*UNROLLED, INDUCTION_BASE, INDUCTION_STEP, WEIGHT, WEIGHT_SUM, ERROR_RECURSION, PAYS_ABOVE),
        numeric_checks=(NumericCheck("momentum.simulation", TITLE,
                                     rf"the update run for {SIMULATION_STEPS} steps, with $\beta = {q.momentum_beta}$, on "
                                     "two-component gradients and an initial term drawn from a standard normal "
                                     f"(seed {SIMULATION_SEED}), against the closed form at every step: the largest "
                                     "absolute difference",
                                     error, SIMULATION_TOLERANCE),
                        NumericCheck("momentum.recursion", TITLE,
                                     r"the run of momentum the key draws, its error along each eigenvector of $2A^TA$, against "
                                     r"the recursion $e_{t+2} = (1 + \beta - \alpha(1 - \beta)\lambda)e_{t+1} - \beta e_t$: "
                                     "the largest residual relative to the largest error",
                                     recursion_error(q, comparison), RECURSION_TOLERANCE),
                        *rate_checks(comparison, q.momentum_beta)),
    )


RECURSION_TOLERANCE = 1e-12  # the run and the recursion differ by rounding only
RATE_GRID = 2000, 20000  # learning rates tried for momentum's floor and for plain descent's best factor
PLAIN_GRID_TEX = group_digits(str(RATE_GRID[1]), r"\,")  # 20\,000: digits grouped as the page groups them
TUNED_EIGENVALUES = 200  # eigenvalues spread over [lambda_min, lambda_max] for the tuned momentum
# At both ends the tuned roots are double: a rounding error of 1e-16 in the discriminant moves them
# by its square root, 1e-8, so the tolerance is 1e-7 (a wrong beta or rate is off by far more).
TUNED_TOLERANCE = 1e-7


def rate_checks(run: Comparison, beta_value: float) -> tuple[NumericCheck, ...]:
    """The text's claims on the two methods' best factors, tried over a grid of learning rates."""
    momentum_limit = 2 * (1 + beta_value) / ((1 - beta_value) * run.curvatures[1])
    return (NumericCheck("momentum.floor", TITLE, rf"momentum's factor along both eigenvectors at {RATE_GRID[0]} "
                         r"learning rates up to its stability limit $2(1 + \beta)/((1 - \beta)\lambda_{\max})$, "
                         r"against $\sqrt{\beta}$: the error is how far below it the factor falls",
                         floor_error(run.curvatures, beta_value, momentum_limit, RATE_GRID[0]), 1e-12),
            NumericCheck("momentum.best_plain", TITLE, r"plain descent's factor, the larger of $|1 - \alpha\lambda|$ "
                         r"over both eigenvalues, at $\alpha = 2/(\lambda_{\min} + \lambda_{\max})$ against "
                         r"$(\kappa - 1)/(\kappa + 1)$, and how far any of "
                         rf"${PLAIN_GRID_TEX}$ learning rates below $2/\lambda_{{\max}}$ beats it",
                         best_plain_error(run.curvatures, RATE_GRID[1]), 1e-12),
            NumericCheck("momentum.tuned", TITLE, r"momentum's factor at the tuned $\beta$ and $\alpha$, along "
                         rf"{TUNED_EIGENVALUES} eigenvalues from $\lambda_{{\min}}$ to $\lambda_{{\max}}$, against "
                         r"$(\sqrt{\kappa} - 1)/(\sqrt{\kappa} + 1)$; loose, as the roots are double at both ends, "
                         r"where rounding in the discriminant moves them by up to its square root",
                         tuned_error(run.curvatures, run.tuned, TUNED_EIGENVALUES), TUNED_TOLERANCE))
