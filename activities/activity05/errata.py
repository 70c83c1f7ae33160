"""The errors of the original Activity 5 handout (``original.md``).

What an equation of the original shows wrong, ``lint`` finds by itself; ``CORRECTIONS`` only
say how each display should read (and ``lint`` checks the corrected text too). What no
equation shows stays here as encoded errata: a number contradicted by the words beside it, a
claim in words, and what the solution leaves out.
"""

from __future__ import annotations

from importlib import import_module

import sympy as sp

from generator.errata import Claim, Claims, Erratum
from generator.notation import beta, phi0, phi1, power_of_ten, sig, t, tex
from generator.notation import unevaluated as U
from generator.original import Correction

from .parameters import Questions

momentum = import_module(".problems.03_momentum", __package__)
one_minus_beta, plus_one = momentum.one_minus_beta, momentum.plus_one

B = r"\sum_{i \in \mathcal{B}_{%s}} \frac{\partial \ell_{i} \left[\phi_{%s}\right]}{\partial \phi}"
SIG = r"\operatorname{sig}[\phi_0 + \phi_1 x]"
SIG_I = r"\operatorname{sig}[\phi_0 + \phi_1 x_i]"
SIN_SQUARED = (r"\left( \frac{1 - y_i}{1 - \sin[\phi_0 + \phi_1 x_i]} - \frac{y_i}{\sin[\phi_0 + \phi_1 x_i]} \right) "
               r"\frac{%s\exp[-\phi_0 - \phi_1 x_i]}{\left( 1 + \exp[-\phi_0 - \phi_1 x_i]^2 \right)}")
SIG_SQUARED = (r"\left( \frac{1 - y_i}{1 - \text{sig}[\phi_0 + \phi_1 x_i]} - \frac{y_i}{\text{sig}[\phi_0 + \phi_1 x_i]} "
               r"\right) \frac{%s\exp[-\phi_0 - \phi_1 x_i]}{\left( 1 + \exp[-\phi_0 - \phi_1 x_i] \right)^2}")
LOWER_LIMIT = r"\sum_{i}^{I}"
OFF_BY_ONE = (r"The step to $\mathbf{m}_{t+1}$ uses the batch $\mathcal{B}_t$ at the parameters $\phi_t$, so "
              r"$\mathbf{m}_1$ uses $\mathcal{B}_0$ at $\phi_0$, $\mathbf{m}_2$ uses $\mathcal{B}_1$ at "
              r"$\phi_1$, and so on.")


def _least_squares() -> tuple[Correction, ...]:
    solution = (r"\begin{split} \frac{\partial}{\partial \phi_0} \sum_{i}^{I} (\phi_0 + \phi_1 x_i - y_i)^2 &= "
                r"\sum_{i}^{I} 2(\phi_0 + \phi_1 x_i - y_i) \cdot \frac{\partial}{\partial \phi_0} (\phi_0 + \phi_1 "
                r"x_i - y_i) \\ &= \sum_{i}^{I} 2(\phi_0 + \phi_1 x_i - y_i) \cdot 1 \\ &= \sum_{i}^{I} 2(\phi_0 + "
                r"\phi_1 x_i - y_i) \\ \\ \frac{\partial}{\partial \phi_1} \sum_{i}^{I} (\phi_0 + \phi_1 x_i - y_i)^2 "
                r"&= \sum_{i}^{I} 2(\phi_0 + \phi_1 x_i - y_i) \cdot \frac{\partial}{\partial \phi_1} (\phi_0 + "
                r"\phi_1 x_i - y_i) \\ &= \sum_{i}^{I} 2(\phi_0 + \phi_1 x_i - y_i) \cdot x_i \\ &= \sum_{i}^{I} "
                r"2x_i (\phi_0 + \phi_1 x_i - y_i) \end{split}")
    return (Correction(
        "problem:least_squares", solution, solution.replace(LOWER_LIMIT, r"\sum_{i=1}^{I}"),
        r"The question asks for the derivatives of the loss $L$ but states those of one term $\ell_i$; the "
        r"solution differentiates $L$ (whose derivatives are the sums of those), and its sums do not say where "
        r"$i$ starts.",
        corrected_words=r"every sum runs from $i = 1$, $\sum_{i=1}^{I}$ for $\sum_{i}^{I}$; Problem 1 above "
                        r"differentiates one term $\ell_i$, whose derivatives the question states; those of $L$ are "
                        r"their sums."),)


def _sigmoid_slips() -> tuple[Claim, ...]:
    """The two slips of the logistic derivatives, each where a student checks it by hand: z = 0."""
    z = sp.Symbol("z", real=True)
    at_zero = {z: lambda rng: sp.Integer(0)}
    minus_exp = sp.exp(U(sp.Mul, -1, z))
    return (Claim(sp.sin(z), sig(z), at_zero),
            Claim(U(sp.Mul, minus_exp, U(sp.Pow, U(sp.Add, 1, U(sp.Pow, minus_exp, 2)), -1)),
                  U(sp.Mul, minus_exp, U(sp.Pow, U(sp.Pow, U(sp.Add, 1, minus_exp), 2), -1)), at_zero))


def _free_x_slip() -> tuple[Claim, ...]:
    """The loss's free x for the data point x_i, where a student checks it by hand: phi = (0, 1), x = 0, x_i = 1."""
    x, x_i = sp.Symbol("x", real=True), sp.Symbol("x_i", real=True)
    at = {phi0: lambda rng: sp.Integer(0), phi1: lambda rng: sp.Integer(1),
          x: lambda rng: sp.Integer(0), x_i: lambda rng: sp.Integer(1)}
    return (Claim(sig(U(sp.Add, phi0, U(sp.Mul, phi1, x))), sig(U(sp.Add, phi0, U(sp.Mul, phi1, x_i))), at),)


def _logistic() -> tuple[Correction, ...]:
    loss = (r"\sum_{i=1}^{I} -(1 - y_i) \log \left[1 - " + SIG + r"\right] - y_i \log \left[" + SIG + r"\right]")
    fixed_loss = (r"\sum_{i=1}^{I} \left( -(1 - y_i) \log \left[1 - " + SIG_I + r"\right] - y_i \log \left["
                  + SIG_I + r"\right] \right)")
    return (
        Correction("problem:logistic", loss, fixed_loss,
                   r"The loss uses the model's free input $x$ where the data point $x_i$ of the sum is meant, and "
                   r"its sum, written without brackets, can be read as covering the first term only.", slips=_free_x_slip()),
        Correction("problem:logistic", SIN_SQUARED % "", SIG_SQUARED % "",
                   r"The sine is written for the sigmoid, and the square sits on the exponential inside the "
                   r"parentheses instead of on the parentheses (write $z$ for $\phi_0 + \phi_1 x_i$).",
                   slips=_sigmoid_slips()),
        Correction("problem:logistic", SIN_SQUARED % r"x_i \cdot ", SIG_SQUARED % r"x_i \cdot ",
                   r"The same two slips as in the derivative by $\phi_0$.", counterexample=False),
    )


def _momentum() -> tuple[Correction, ...]:
    m1 = r"\mathbf{m}_{1} = \beta \cdot \mathbf{m}_{0} + (1 - \beta) "
    m2 = r"\mathbf{m}_{2} = \beta \cdot \mathbf{m}_{1} + (1 - \beta) "
    m2_out = r"= \beta^{2} \cdot \mathbf{m}_{0} + \beta(1 - \beta) %s + (1 - \beta) %s"
    m3 = r"\mathbf{m}_{3} = \beta \cdot \mathbf{m}_{2} + (1 - \beta) "
    m3_out = r"= \beta^{3} \cdot \mathbf{m}_{0} + \beta^{2}(1 - \beta) %s + \beta(1 - \beta) %s + (1 - \beta) %s"
    general = (r"\mathbf{m}_{t+1} = \beta^t \cdot \mathbf{m}_0 + \sum_{t'=1}^t \beta^{t-t'} (1 - \beta) "
               r"\sum_{i \in \mathcal{B}_t} \frac{\partial \ell_i \left[ \phi_t \right]}{\partial \phi}")
    fixed_general = (r"\mathbf{m}_{t+1} = \beta^{t+1} \cdot \mathbf{m}_0 + \sum_{t'=0}^t \beta^{t-t'} (1 - \beta) "
                     r"\sum_{i \in \mathcal{B}_{t'}} \frac{\partial \ell_i \left[ \phi_{t'} \right]}{\partial \phi}")
    return (
        Correction("problem:momentum", m1 + B % (1, "t"), m1 + B % (0, 0),
                   r"The batches and parameters are off by one from the first step on. " + OFF_BY_ONE
                   + r" The original uses $\mathcal{B}_1$ here, and $\phi_t$ in every step it "
                   r"writes out, never replaced by the step's own index.", counterexample=False),
        Correction("problem:momentum", m2 + B % (2, "t"), m2 + B % (1, 1),
                   r"The second step repeats the slip: $\mathcal{B}_2$ at $\phi_t$ for $\mathcal{B}_1$ "
                   r"at $\phi_1$.", counterexample=False),
        Correction("problem:momentum", m2_out % (B % (1, "t"), B % (2, "t")), m2_out % (B % (0, 0), B % (1, 1)),
                   r"The expansion agrees with the two wrong lines above it, and so carries their indices: $\mathcal{B}_1$ "
                   r"and $\mathcal{B}_2$ for $\mathcal{B}_0$ and $\mathcal{B}_1$, and $\phi_t$ for "
                   r"$\phi_0$ and $\phi_1$.", counterexample=False),
        Correction("problem:momentum", m3 + B % (3, "t"), m3 + B % (2, 2),
                   r"The third step: $\mathcal{B}_3$ at $\phi_t$ for $\mathcal{B}_2$ at "
                   r"$\phi_2$.", counterexample=False),
        Correction("problem:momentum", m3_out % (B % (3, "t"), B % (2, "t"), B % (3, "t")),
                   m3_out % (B % (0, 0), B % (1, 1), B % (2, 2)),
                   r"The expansion does not follow from the lines above: its oldest gradient is taken on "
                   r"$\mathcal{B}_3$, where the expansion of $\mathbf{m}_2$ above has $\mathcal{B}_1$; with the off-by-one "
                   r"repaired its batches are $\mathcal{B}_0$, $\mathcal{B}_1$, $\mathcal{B}_2$, at "
                   r"$\phi_0$, $\phi_1$, $\phi_2$ for $\phi_t$.",
                   counterexample=False),
        Correction("problem:momentum", general, fixed_general,
                   r"The general formula does not follow from the update rule: $\mathbf{m}_0$ is weighted by "
                   r"$\beta^t$ where the update multiplies it by $\beta$ at every step, $\beta^{t+1}$ in all; the sum misses "
                   r"one of its terms; and every term uses $\mathcal{B}_t$ at $\phi_t$ instead of its own "
                   r"step's $\mathcal{B}_{t'}$ at $\phi_{t'}$. Nor does it give the original's own "
                   r"$\mathbf{m}_3$, which weights $\mathbf{m}_0$ by $\beta^3$."),
    )


CORRECTIONS = _least_squares() + _logistic() + _momentum()


def build(q: Questions) -> tuple[Erratum, ...]:
    """The errata no equation of the original shows: checked claims, and omissions said as such."""
    n = q.hessian_parameters
    N = sp.Integer(n)
    k = sp.Symbol("k", integer=True, nonnegative=True)
    weight_sum = sp.Symbol(r"\sum_{k=0}^{t} w_k")
    z = sp.Symbol("z", real=True)
    sig_z = sp.Symbol(r"\mathrm{sig}[z]")
    w_k = sp.Symbol("w_k")
    phi1_nz = sp.Symbol("phi_1", real=True, nonzero=True)
    simple_slopes = {phi1_nz: lambda rng: sp.Integer(rng.choice((1, -1, 2, -2)))}
    x_star = U(sp.Mul, -1, phi0, U(sp.Pow, phi1_nz, -1))
    shift = sp.Symbol(r"\mathrm{sign}\left[\frac{\partial x^*}{\partial\phi_0}\right]")
    # the size of the curve's slope at its midpoint, |phi_1|/4, and whether it grows with phi_1
    slope_size = sp.Abs(sp.Derivative(1 / (1 + sp.exp(-phi1_nz * z)), z).doit().subs(z, 0))
    steepness = sp.Symbol(r"\left|\frac{\partial\,\mathrm{Pr}}{\partial x}(x^*)\right|")
    steeper = sp.Symbol(r"\mathrm{sign}\left[\frac{\partial}{\partial\phi_1}" + steepness.name + r"\right]")
    dimension = rf"${tex(power_of_ten(n))} \times {tex(power_of_ten(n))}$"
    return (
        Erratum("momentum_symbols", "problem:momentum", "Show that the momentum term  $m_t$  (given in equation below)",
                r"The question never says what $\alpha$, $\beta$ and $\mathcal{B}_t$ are: the learning rate, the "
                r"momentum coefficient (at least zero and less than one), and the batch of training examples used "
                r"at iteration $t$ to compute the gradient."),
        Erratum("hessian", "problem:hessian", r"It will be  $100000 \times 1000000$ . This contains a trillion",
                "One side of the Hessian's dimensions was typed with a zero missing, which contradicts the "
                "original's own count of a trillion entries.",
                Claim(U(sp.Mul, N / 10, N), power_of_ten(n * n)),
                Claim(U(sp.Mul, power_of_ten(n), power_of_ten(n)), power_of_ten(n * n)),
                corrected_words=rf"It will be {dimension}. This contains ${tex(power_of_ten(n * n))}$, a trillion"),
        Erratum("sigmoid_undefined", "problem:logistic", r"$$Pr(y=1|x) = \text{sig}[\phi_0 + \phi_1 x],$$",
                r"The sigmoid is used throughout but never defined.",
                corrected=Claim(sig_z, 1 / (1 + sp.exp(-z)), {}, {sig_z: sig(z)})),
        Erratum("parameter_meaning", "problem:logistic", r"shifts to the left as we increase  $\phi_0$",
                r"The solution draws no plot, and its reading of $\phi_0$ holds only for a positive $\phi_1$: "
                r"the midpoint $x^* = -\phi_0/\phi_1$ moves left as $\phi_0$ grows only when $\phi_1$ is "
                r"positive.",
                Claim(shift, -1, simple_slopes, {shift: sp.sign(sp.Derivative(x_star, phi0))}),
                Claim(shift, -sp.sign(phi1_nz), simple_slopes, {shift: sp.sign(sp.Derivative(x_star, phi0))})),
        Erratum("parameter_steepness", "problem:logistic", r"gets steeper as we increase  $\phi_1$",
                r"The curve gets steeper as $|\phi_1|$ grows, not as $\phi_1$ grows: the size of its slope at "
                r"the midpoint is a quarter of $|\phi_1|$ (for every nonzero $\phi_1$), so for a negative $\phi_1$ "
                r"a larger $\phi_1$ flattens it. The original's reading of $\phi_1$ as the steepness alone also "
                r"misses that $\phi_1$ moves the midpoint $x^* = -\phi_0/\phi_1$ too, unless $\phi_0$ is zero; "
                r"that a negative $\phi_1$ turns the curve round; and that a zero $\phi_1$ makes it the constant "
                r"$\mathrm{sig}[\phi_0]$.",
                Claim(steeper, 1, simple_slopes, {steeper: sp.sign(sp.Derivative(slope_size, phi1_nz))}),
                Claims((Claim(steepness, U(sp.Mul, sp.Abs(phi1_nz), U(sp.Pow, 4, -1)), simple_slopes,
                              {steepness: slope_size}),
                        Claim(steeper, sp.sign(phi1_nz), simple_slopes,
                              {steeper: sp.sign(sp.Derivative(slope_size, phi1_nz))})))),
        Erratum("plot_of_labels", "problem:logistic", "Plot y against x for this model",
                r"The question asks for a plot of $y$, a label that is zero or one, against $x$; what the model "
                r"gives, and what can be plotted for each choice of the parameters, is the probability that the "
                r"label is one given $x$.",
                corrected_words=r"Plot $\mathrm{Pr}(y = 1 \,|\, x)$ against $x$ for this model"),
        Erratum("weights", "problem:momentum", "is an infinite weighted sum of the gradients at the previous iterations "
                "and derive an expression for the coefficients (weights) of that sum",
                r"The question asks for the coefficients of the sum. The solution's last formula holds them, with the "
                r"wrong indices of the items below, but never writes them out or says how they behave. The gradient "
                r"of $k$ steps ago has the weight $w_k$ below, so the weights fall off geometrically, and $\mathbf{m}_0$ "
                r"(usually zero) keeps the rest of the weight, $\beta^{t+1}$, so that their sum falls short of one by "
                r"that much and tends to one as $t$ grows, for any $\beta$ that is not negative and less than one: in "
                r"the limit the momentum term is a weighted average of the gradients (an exponential moving average). "
                r"At each step the sum is finite, with the weight of $\mathbf{m}_0$ besides, and infinite only in the "
                r"limit.",
                corrected=Claims((
                    # w_k read off the proven closed form: its coefficient of the gradient k steps back
                    Claim(w_k, U(sp.Mul, one_minus_beta, U(sp.Pow, beta, k)), {}, {w_k: momentum.coefficient_k_back}),
                    Claim(weight_sum, U(sp.Add, 1, -U(sp.Pow, beta, plus_one(t))),
                          {beta: lambda rng: sp.Rational(rng.randint(0, 3), 4)},
                          {weight_sum: sp.Sum(U(sp.Mul, one_minus_beta, U(sp.Pow, beta, k)), (k, 0, t))})))),
    )
