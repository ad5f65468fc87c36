"""Interval propagation: hand-computed cases for products, sums and bad input."""

from __future__ import annotations

import math

import pytest

from algoprint.errors import ImpactError
from algoprint.impact.uncertainty import Interval, product, total


def test_from_rel_is_symmetric_half_width() -> None:
    x = Interval.from_rel(200.0, 0.1)
    assert (x.low, x.value, x.high) == pytest.approx((180.0, 200.0, 220.0))
    assert x.rel_low == pytest.approx(0.1)
    assert x.rel_high == pytest.approx(0.1)


def test_from_rel_large_uncertainty_clamps_low_at_zero() -> None:
    x = Interval.from_rel(10.0, 1.5)
    assert x.low == 0.0
    assert x.high == pytest.approx(25.0)


def test_product_combines_log_distances_in_quadrature() -> None:
    a = Interval(100.0, 100.0 / math.e**0.3, 100.0 * math.e**0.3)
    b = Interval(2.0, 2.0 / math.e**0.4, 2.0 * math.e**0.4)
    p = product([a, b])
    assert p.value == pytest.approx(200.0)
    # sqrt(0.3² + 0.4²) = 0.5 in both directions
    assert p.high == pytest.approx(200.0 * math.e**0.5)
    assert p.low == pytest.approx(200.0 / math.e**0.5)


def test_product_with_exact_factor_keeps_relative_width() -> None:
    p = Interval.from_rel(10.0, 0.2) * Interval.exact(3.0)
    assert (p.low, p.value, p.high) == pytest.approx((24.0, 30.0, 36.0))


def test_product_with_zero_low_bound_reaches_zero() -> None:
    p = product([Interval(1.0, 0.0, 2.0), Interval.exact(5.0)])
    assert p.low == 0.0
    assert p.value == 5.0


def test_product_of_zero_is_exact_zero() -> None:
    p = product([Interval.exact(0.0), Interval(5.0, 1.0, 9.0)])
    assert (p.low, p.value, p.high) == (0.0, 0.0, 0.0)


def test_sum_adds_absolute_distances_in_quadrature() -> None:
    s = total([Interval(10.0, 7.0, 14.0), Interval(20.0, 16.0, 23.0)])
    assert s.value == 30.0
    assert s.high == pytest.approx(30.0 + 5.0)  # sqrt(4² + 3²)
    assert s.low == pytest.approx(30.0 - 5.0)  # sqrt(3² + 4²)


def test_sum_low_never_below_sum_of_lows() -> None:
    s = Interval(1.0, 0.0, 1.0) + Interval(1.0, 0.0, 1.0)
    assert s.low >= 0.0
    assert s.low == pytest.approx(2.0 - math.sqrt(2.0))


def test_scale_multiplies_all_three() -> None:
    assert Interval(2.0, 1.0, 4.0).scale(0.5) == Interval(1.0, 0.5, 2.0)


@pytest.mark.parametrize(
    ("value", "low", "high"),
    [
        (1.0, 2.0, 3.0),
        (5.0, 1.0, 4.0),
        (-1.0, -2.0, 0.0),
        (math.nan, 0.0, 1.0),
        (1.0, 0.0, math.inf),
    ],
)
def test_bad_interval_raises(value: float, low: float, high: float) -> None:
    with pytest.raises(ImpactError):
        Interval(value, low, high)


@pytest.mark.parametrize(("value", "u"), [(-1.0, 0.1), (1.0, -0.1), (math.nan, 0.1)])
def test_bad_from_rel_raises(value: float, u: float) -> None:
    with pytest.raises(ImpactError):
        Interval.from_rel(value, u)


def test_bad_scale_raises() -> None:
    with pytest.raises(ImpactError):
        Interval.exact(1.0).scale(-2.0)
