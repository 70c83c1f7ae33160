"""The toy model of Problem 1 (Prince, section 7.3), its forward and backward passes written once
as SymPy equations: the page prints them, the numbers are evaluated from them, the proofs check them.

f[x, phi] = beta_3 + omega_3 cos[beta_2 + omega_2 exp[beta_1 + omega_1 sin[beta_0 + omega_0 x]]]
and l = (f - y)^2; h_0 = x, f_k = beta_k + omega_k h_k, h_{k+1} = a_k[f_k].
"""

from __future__ import annotations

import sympy as sp

from generator.notation import unevaluated as U

beta = sp.symbols("beta_0:4", real=True)
omega = sp.symbols("omega_0:4", real=True)
x, y = sp.symbols("x y", real=True)
f = sp.symbols("f_0:4", real=True)
h = (x, *sp.symbols("h_1:4", real=True))  # h_0 = x: the input is what the first layer weighs
ell = sp.Symbol(r"\ell", real=True)
PARAMETERS = (*beta, *omega)


def derivative_by(name: str) -> sp.Symbol:
    """The loss's derivative by a named quantity, written with a slash: compact in a table row and in the text."""
    return sp.Symbol(rf"\partial \ell/\partial {name}", real=True)


dl_df = tuple(derivative_by(f"f_{{{k}}}") for k in range(4))
dl_dh = (None, *(derivative_by(f"h_{{{k}}}") for k in range(1, 4)))
dl_dbeta = tuple(derivative_by(rf"\beta_{{{k}}}") for k in range(4))
dl_domega = tuple(derivative_by(rf"\omega_{{{k}}}") for k in range(4))
ACTIVATIONS = (sp.sin, sp.exp, sp.cos)  # h_{k+1} = a_k[f_k]

FORWARD = (
    (f[0], U(sp.Add, beta[0], U(sp.Mul, omega[0], x))),
    (h[1], sp.sin(f[0])),
    (f[1], U(sp.Add, beta[1], U(sp.Mul, omega[1], h[1]))),
    (h[2], sp.exp(f[1])),
    (f[2], U(sp.Add, beta[2], U(sp.Mul, omega[2], h[2]))),
    (h[3], sp.cos(f[2])),
    (f[3], U(sp.Add, beta[3], U(sp.Mul, omega[3], h[3]))),
    (ell, U(sp.Pow, U(sp.Add, f[3], -y), 2)),
)
BACKWARD = (
    (dl_df[3], U(sp.Mul, 2, U(sp.Add, f[3], -y))),
    (dl_dh[3], U(sp.Mul, omega[3], dl_df[3])),
    (dl_df[2], U(sp.Mul, -1, sp.sin(f[2]), dl_dh[3])),
    (dl_dh[2], U(sp.Mul, omega[2], dl_df[2])),
    (dl_df[1], U(sp.Mul, sp.exp(f[1]), dl_dh[2])),
    (dl_dh[1], U(sp.Mul, omega[1], dl_df[1])),
    (dl_df[0], U(sp.Mul, sp.cos(f[0]), dl_dh[1])),
)
# One link past the table: the input's derivative, which the question asks for (every h_k) and no
# parameter's derivative needs, so the backward pass and its counts leave it out.
INPUT = (derivative_by("h_{0}"), U(sp.Mul, omega[0], dl_df[0]))
# dl/dbeta_k = dl/df_k (df_k/dbeta_k = 1); dl/domega_k = h_k dl/df_k (df_k/domega_k = h_k).
GRADIENT = tuple(pair for k in (3, 2, 1, 0)
                 for pair in ((dl_dbeta[k], dl_df[k]), (dl_domega[k], U(sp.Mul, h[k], dl_df[k]))))


def _explicit() -> dict[sp.Symbol, sp.Expr]:
    """Every named quantity in the parameters, x and y alone: the checker's definitions. Written out
    as the rules are written, nothing multiplied out, so that a step which only writes a rule out
    (h_3 dl/df_3 = h_3 2(f_3 - y)) reads as the same expression, and the audit says it restates."""
    table: dict[sp.Symbol, sp.Expr] = {}
    with sp.evaluate(False):
        for symbol, rule in FORWARD + BACKWARD + GRADIENT:
            table[symbol] = rule.xreplace(table)
    return table


EXPLICIT = _explicit()


def model() -> sp.Expr:
    """beta_3 + omega_3 cos[beta_2 + omega_2 exp[beta_1 + omega_1 sin[beta_0 + omega_0 x]]], as written."""
    inner = U(sp.Add, beta[0], U(sp.Mul, omega[0], x))
    for k, activation in enumerate(ACTIVATIONS, start=1):
        inner = U(sp.Add, beta[k], U(sp.Mul, omega[k], activation(inner)))
    return inner


def written_out() -> sp.Expr:
    """The loss (f[x, phi] - y)^2 with the model written out."""
    return U(sp.Pow, U(sp.Add, *model().args, -y), 2)


def unrolled(symbol: sp.Symbol) -> list[sp.Expr]:
    """The factors of a backward quantity with every earlier backward quantity substituted."""
    rules = dict(BACKWARD + GRADIENT)
    rule = rules[symbol]
    factors = []
    for factor in (rule.args if isinstance(rule, sp.Mul) else (rule,)):
        factors.extend(unrolled(factor) if factor in rules else [factor])
    return factors
