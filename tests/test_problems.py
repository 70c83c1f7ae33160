"""Reference computations against independent oracles (content-notes values, numpy, fractions)."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest
from a5 import QUESTION_DEFAULTS, Questions, problem, results

Q = Questions(**QUESTION_DEFAULTS)
R = results(Q)


def test_least_squares_matches_the_known_values_of_the_book_data():
    p = R.least_squares
    assert p.loss_at_start == pytest.approx(12.366904, abs=1e-6)
    assert p.gradient_at_start == pytest.approx((-21.904, -26.84044), abs=1e-6)
    assert p.optimum == pytest.approx((0.82595, 0.52223), abs=1e-5)
    assert p.loss_at_optimum == pytest.approx(0.199866, abs=1e-6)


def test_least_squares_optimum_is_the_normal_equations_solution():
    x, y = np.array(Q.least_squares_x), np.array(Q.least_squares_y)
    slope, intercept = np.polyfit(x, y, 1)
    assert R.least_squares.optimum == pytest.approx((intercept, slope), rel=1e-9)


def _numeric_gradient(f, p, h=1e-5):
    p = np.array(p, dtype=float)
    return [(f(p + e) - f(p - e)) / (2 * h) for e in np.eye(2) * h]


def test_logistic_gradient_matches_finite_differences_of_an_independent_loss():
    x, y = np.array(Q.logistic_x), np.array(Q.logistic_y)

    def loss(p):
        s = 1 / (1 + np.exp(-(p[0] + p[1] * x)))
        return -np.sum(y * np.log(s) + (1 - y) * np.log(1 - s))

    assert R.logistic.loss_at_start == pytest.approx(loss(Q.logistic_start), rel=1e-12)
    assert R.logistic.gradient_at_start == pytest.approx(_numeric_gradient(loss, Q.logistic_start), rel=1e-6)


def test_logistic_midpoints_and_slopes_of_every_plotted_curve():
    curves = R.logistic.phi0_family + R.logistic.phi0_family_mirrored + R.logistic.phi1_family
    assert len(curves) == 2 * len(Q.logistic_phi0_values) + len(Q.logistic_phi1_values)
    assert all(m.phi1 == -c.phi1 and m.phi0 == c.phi0 for c, m in zip(R.logistic.phi0_family, R.logistic.phi0_family_mirrored))
    for c in curves:
        if c.phi1 == 0:
            assert c.midpoint is None and c.direction == "constant"
            assert c.constant == pytest.approx(1 / (1 + np.exp(-c.phi0)))
            continue
        s = lambda v, c=c: 1 / (1 + np.exp(-(c.phi0 + c.phi1 * v)))  # noqa: E731
        assert s(c.midpoint) == pytest.approx(0.5)
        assert (s(c.midpoint + 1e-6) - s(c.midpoint - 1e-6)) / 2e-6 == pytest.approx(c.slope_at_midpoint, rel=1e-6)
        assert c.direction == ("increasing" if c.phi1 > 0 else "decreasing")
    assert any(c.phi1 < 0 for c in R.logistic.phi1_family)


def test_momentum_weights_are_exact_geometric_weights():
    beta = Fraction("0.9")
    total = Fraction(0)
    assert len(R.momentum.weights) == Q.momentum_steps
    for k, w in enumerate(R.momentum.weights):
        total += (1 - beta) * beta**k
        assert w.k == k
        assert w.weight == float((1 - beta) * beta**k)
        assert w.cumulative == float(total)
    assert R.momentum.window == pytest.approx(10.0)
    assert R.momentum.weight_limit == 1


def test_hessian_sizes_in_integers():
    h, n = R.hessian, 1_000_000
    assert (h.rows, h.columns, h.entries) == (n, n, 10**12)
    assert h.distinct_entries == 500_000_500_000
    assert (h.bytes_float32, h.bytes_float64) == (4 * 10**12, 8 * 10**12)
    assert (h.size_float32, h.size_unit_float32, h.size_float64, h.size_unit_float64) == (4.0, "TB", 8.0, "TB")
    assert not h.fits_accelerator
    assert h.inversion_cost_order == 10**18


def test_hessian_sizes_take_the_unit_of_their_size_and_the_text_follows_the_size():
    small = problem("hessian").compute(dataclasses.replace(Q, hessian_parameters=100_000))
    assert (small.size_float32, small.size_unit_float32) == (40.0, "GB")  # not 0.04 TB
    assert small.fits_accelerator
    assert small.float64_fills_accelerator and not small.float64_exceeds_accelerator  # 80 GB of 80 GB, said so
    smaller = problem("hessian").compute(dataclasses.replace(Q, hessian_parameters=50_000))
    assert not (smaller.float64_fills_accelerator or smaller.float64_exceeds_accelerator)
    assert problem("hessian").in_units(999) == (999.0, "bytes") and problem("hessian").in_units(1500) == (1.5, "kB")


def test_every_numeric_check_holds_with_its_stated_tolerance():
    assert len(R.numeric_checks) >= 5
    for check in R.numeric_checks:
        assert check.holds, check
        assert check.tolerance <= 1e-6
