"""The nine errors of the original Activity 5 handout, as claims for the checker.

Each original is transcribed from the handout as the statement it makes; each correction is
the statement the key makes. Parameters follow the semester (the Hessian's size), so a variant
semester's errata speak of its own numbers.
"""

from __future__ import annotations

from importlib import import_module

import sympy as sp

from generator.errata import Claim, Erratum
from generator.notation import G, beta, i, n_points, phi0, phi1, power_of_ten, sig, t, tp, wrong_sin, y
from generator.notation import unevaluated as U

from .parameters import Questions

logistic = import_module(".problems.02_logistic", __package__)
momentum = import_module(".problems.03_momentum", __package__)
closed_form, one_minus_beta, plus_one = momentum.closed_form, momentum.one_minus_beta, momentum.plus_one

# A single data point with a genuine label is enough to refute a formula about the loss.
one_point = {n_points: lambda rng: sp.Integer(1), y.label: lambda rng: sp.Integer(rng.randint(0, 1))}
L = sp.Symbol("L")
beta_in_unit = {beta: lambda rng: sp.Rational(rng.randint(1, 99), 100)}
k = sp.Symbol("k", integer=True, nonnegative=True)


def loss_derivative_is(**form) -> Claim:
    """dL/dphi_0 equals the chain-rule form, written correctly or in one of the handout's ways."""
    return Claim(sp.Derivative(L, phi0), sp.Sum(logistic.chain_factor(1, **form), (i, 1, n_points)),
                 one_point, {L: logistic.loss})


def build(q: Questions) -> tuple[Erratum, ...]:
    n = q.hessian_parameters
    N = sp.Integer(n)
    x_plain = sp.Symbol("x", real=True)
    z_plain = U(sp.Add, phi0, U(sp.Mul, phi1, x_plain))
    loss_with_x = sp.Sum(U(sp.Add, U(sp.Mul, -1, U(sp.Add, 1, -y[i]), sp.log(U(sp.Add, 1, -sig(z_plain)))),
                           U(sp.Mul, -1, y[i], sp.log(sig(z_plain)))), (i, 1, n_points))
    family = [v for v in q.logistic_phi1_values if v != 0] + [q.logistic_phi1_fixed]
    phi1_nz = sp.Symbol("phi_1", real=True, nonzero=True)
    from_family = {phi1_nz: lambda rng: sp.nsimplify(rng.choice(family))}
    x_star = U(sp.Mul, -1, phi0, U(sp.Pow, phi1_nz, -1))
    shift = sp.Symbol(r"\mathrm{sign}\,\frac{\partial x^*}{\partial\phi_0}")
    m = momentum.m
    g_true = lambda j: G[j, j]  # noqa: E731  batch B_j at parameters phi_j
    t_sym = sp.Symbol("t", integer=True, nonnegative=True)
    m_t1 = m[plus_one(t)]
    truth_closed = closed_form(t).xreplace({momentum.g[tp]: G[tp, tp]})
    handout_final = U(sp.Add, U(sp.Mul, U(sp.Pow, beta, t), m[0]),
                      sp.Sum(U(sp.Mul, U(sp.Pow, beta, U(sp.Add, t, -tp)), one_minus_beta, G[t, t]), (tp, 1, t)))
    def first_update(gradient):
        return U(sp.Add, U(sp.Mul, beta, m[0]), U(sp.Mul, one_minus_beta, gradient))

    def unrolled(first, second, third):
        return U(sp.Add, U(sp.Mul, U(sp.Pow, beta, 3), m[0]), U(sp.Mul, U(sp.Pow, beta, 2), one_minus_beta, first),
                 U(sp.Mul, beta, one_minus_beta, second), U(sp.Mul, one_minus_beta, third))

    unrolled3 = unrolled(g_true(0), g_true(1), g_true(2))
    weight_sum = sp.Symbol(r"\sum_{k=0}^{t} w_k")
    return (
        Erratum("hessian", "problem:hessian",
                "The Hessian's dimensions: one side was typed with a zero missing, which contradicts "
                "the handout's own count of entries.",
                Claim(U(sp.Mul, N / 10, N), power_of_ten(n * n)),
                Claim(U(sp.Mul, power_of_ten(n), power_of_ten(n)), power_of_ten(n * n))),
        Erratum("sin_for_sig", "problem:logistic",
                "The sine was written where the sigmoid is meant, in both derivatives of the loss.",
                loss_derivative_is(sig_fn=wrong_sin), loss_derivative_is()),
        Erratum("misplaced_square", "problem:logistic",
                "The square of the denominator was placed on the exponential, inside the parentheses.",
                loss_derivative_is(misplaced_square=True), loss_derivative_is()),
        Erratum("loss_x_for_x_i", "problem:logistic",
                "The cross-entropy loss used the free variable $x$ where the data point $x_i$ is meant.",
                Claim(L, loss_with_x, one_point, {L: logistic.loss}),
                Claim(L, logistic.loss, one_point, {L: logistic.loss})),
        Erratum("parameter_meaning", "problem:logistic",
                "The curve was said to move left as $\\phi_0$ grows (and to steepen as $\\phi_1$ grows) "
                "for every $\\phi_1$; that holds only for a positive $\\phi_1$. The plotted family's "
                "negative $\\phi_1$ refutes it.",
                Claim(shift, -1, from_family, {shift: sp.sign(sp.Derivative(x_star, phi0))}),
                Claim(shift, -sp.sign(phi1_nz), from_family, {shift: sp.sign(sp.Derivative(x_star, phi0))}),
                comment="the midpoint moves against the sign of $\\phi_1$; steepness is $|\\phi_1|$, "
                        "and changing $\\phi_1$ also moves the midpoint"),
        Erratum("m1_indices", "problem:momentum",
                "The first momentum step used batch $\\mathcal{B}_1$ and parameters $\\boldsymbol{\\phi}_t$ "
                "instead of $\\mathcal{B}_0$ and $\\boldsymbol{\\phi}_0$.",
                Claim(m[1], first_update(G[1, t_sym]), beta_in_unit, {m[1]: first_update(g_true(0))}),
                Claim(m[1], first_update(g_true(0)), beta_in_unit, {m[1]: first_update(g_true(0))})),
        Erratum("m3_indices", "problem:momentum",
                "The third step named batch $\\mathcal{B}_3$ for its oldest gradient and never re-indexed "
                "$\\boldsymbol{\\phi}_t$.",
                Claim(m[3], unrolled(G[3, t_sym], G[2, t_sym], G[3, t_sym]), beta_in_unit, {m[3]: unrolled3}),
                Claim(m[3], unrolled3, beta_in_unit, {m[3]: unrolled3})),
        Erratum("closed_form", "problem:momentum",
                "The general formula had the coefficient $\\beta^t$, the sum starting one step late, and "
                "$\\mathcal{B}_t$, $\\boldsymbol{\\phi}_t$ inside it; at the third step it contradicts the "
                "handout's own expansion.",
                Claim(m_t1, handout_final, beta_in_unit, {m_t1: truth_closed}),
                Claim(m_t1, truth_closed, beta_in_unit, {m_t1: truth_closed})),
        Erratum("weights", "problem:momentum",
                "The weights, their sum, its limit and the starting value were never stated; read as an "
                "average, the weights would have to sum to one at every step, which they do not.",
                Claim(weight_sum, 1, beta_in_unit,
                      {weight_sum: sp.Sum(U(sp.Mul, one_minus_beta, U(sp.Pow, beta, k)), (k, 0, t))}),
                Claim(weight_sum, U(sp.Add, 1, -U(sp.Pow, beta, plus_one(t))), beta_in_unit,
                      {weight_sum: sp.Sum(U(sp.Mul, one_minus_beta, U(sp.Pow, beta, k)), (k, 0, t))}),
                comment="the weights decay geometrically, and their sum tends to one as $t$ grows",
                reading="Read as an average (the handout states no weights)"),
    )
