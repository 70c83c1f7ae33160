"""Formulas set in running text: a fraction with a slash, as 2/D_h, never stacked.

A stacked fraction in a line of text is small and tall at once: it pushes the lines apart and its
digits are hard to read. SymPy's printer folds a short fraction (``fold_short_frac``) into
``sigma_f^2 / 2``; ``InlinePrinter`` also folds one with a longer denominator, which it brackets:
``1/(1 + exp[-z])``. Displays keep ``generator.notation.tex`` and its stacked fractions.
"""

from __future__ import annotations

import sympy as sp
from sympy.simplify import fraction

from generator.notation import BookLatexPrinter, constant_text
from generator.numbers import SympyLatex


class InlinePrinter(BookLatexPrinter):
    """The book's notation with every fraction written with a slash."""

    def _print_Mul(self, expr):
        if isinstance(expr, sp.Mul) and (expr.args[0] is sp.S.One
                                         or any(isinstance(a, sp.Number) for a in expr.args[1:])):
            return super()._print_Mul(expr)  # SymPy prints such an unevaluated product factor by factor
        if expr.could_extract_minus_sign():
            return super()._print_Mul(expr)
        numer, denom = fraction(expr, exact=True)
        denominator = self._print(denom)
        if denom is sp.S.One or (len(denominator.split()) <= 2 and "^" not in denominator):
            return super()._print_Mul(expr)  # no fraction, or one that fold_short_frac folds
        numerator = self._print(numer)
        if isinstance(numer, sp.Add):
            numerator = f"({numerator})"
        # Plain brackets: \left( after the slash would add a thin space ("1/ (1 + ...)"), and in a line
        # of text the brackets need not grow.
        return f"{numerator}/({denominator})"


_INLINE = InlinePrinter({"order": "none", "fold_short_frac": True})


def inline(expr, source: str = "sympy") -> SympyLatex:
    """LaTeX of a SymPy object for running text; like ``generator.notation.tex``, it remembers its constants."""
    out = SympyLatex(_INLINE.doprint(expr))
    out.source = source
    out.constants = tuple(sorted({constant_text(a) for a in sp.sympify(expr).atoms(sp.Number)}))
    return out
