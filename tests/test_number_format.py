"""How a number is printed: as many digits as asked, and a last zero only where it was rounded."""

from __future__ import annotations

import pytest

from generator.numbers import format_quantity


@pytest.mark.parametrize(("value", "digits", "text"), [
    (0.199897, 5, "0.19990"),  # rounded at its fifth digit: the zero says so, beside 0.19987
    (0.88269812, 5, "0.88270"),
    (1.3333333, 4, "1.333"),
    (0.5, 4, "0.5"),  # the value itself: no zeros after it
    (-2.0, 4, "-2"),
    (0.036000000000000004, None, "0.036"),  # 0.9 x 0.04 in floating point is still 0.036
    (12.3669, 5, "12.367"),
])
def test_significant_digits_keep_a_zero_only_where_the_value_was_rounded(value, digits, text):
    assert format_quantity(value, digits=digits).text == text
