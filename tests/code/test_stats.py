"""Ratio intervals and the t quantile behind them."""

from __future__ import annotations

import math

import pytest

from algoprint.advice.code.stats import (
    mean_std,
    paired_log_ratio,
    t_cdf,
    t_quantile,
    welch_log_ratio,
)
from algoprint.errors import InputError


# Critical values of Student's t from standard statistical tables (two-sided 95 %, one-sided 95 %).
@pytest.mark.parametrize(
    ("p", "df", "expected"),
    [
        (0.975, 1, 12.706),
        (0.975, 2, 4.303),
        (0.975, 4, 2.776),
        (0.975, 9, 2.262),
        (0.975, 30, 2.042),
        (0.95, 4, 2.132),
        (0.995, 10, 3.169),
        (0.975, 1e6, 1.960),
    ],
)
def test_t_quantile_matches_tables(p: float, df: float, expected: float) -> None:
    assert t_quantile(p, df) == pytest.approx(expected, abs=1e-3)
    assert t_quantile(1 - p, df) == pytest.approx(-expected, abs=1e-3)


@pytest.mark.parametrize("df", [0.7, 1.0, 3.3, 12.0, 250.0])
@pytest.mark.parametrize("p", [0.01, 0.3, 0.5, 0.9, 0.999])
def test_t_cdf_inverts_the_quantile(p: float, df: float) -> None:
    assert t_cdf(t_quantile(p, df), df) == pytest.approx(p, abs=1e-9)


@pytest.mark.parametrize(("p", "df"), [(0.0, 3), (1.0, 3), (0.5, 0), (0.5, -1)])
def test_t_quantile_rejects_bad_arguments(p: float, df: float) -> None:
    with pytest.raises(InputError):
        t_quantile(p, df)


def test_paired_ratio_of_exact_doubling_has_a_point_interval() -> None:
    est = paired_log_ratio([1.0, 2.0, 4.0], [2.0, 4.0, 8.0])
    assert est.ratio == pytest.approx(2.0)
    assert est.low == pytest.approx(2.0)
    assert est.high == pytest.approx(2.0)
    assert est.method == "paired-log-t"
    assert est.df == 2


def test_paired_ratio_interval_by_hand() -> None:
    a = [10.0, 10.0, 10.0, 10.0]
    b = [11.0, 12.0, 13.0, 12.0]
    logs = [math.log(x / 10.0) for x in b]
    mean, std = mean_std(logs)
    half = 3.182446305284263 * std / 2  # t(0.975, 3) * sd / sqrt(4)
    est = paired_log_ratio(a, b)
    assert est.ratio == pytest.approx(math.exp(mean))
    assert est.low == pytest.approx(math.exp(mean - half), rel=1e-9)
    assert est.high == pytest.approx(math.exp(mean + half), rel=1e-9)
    assert est.low < 1.2 < est.high


def test_welch_detects_a_clear_shift_and_not_noise() -> None:
    base = [1.00, 1.02, 0.98, 1.01, 0.99]
    slower = [1.50, 1.52, 1.49, 1.51, 1.48]
    est = welch_log_ratio(base, slower)
    assert est.low > 1.4
    assert est.high < 1.6
    same = welch_log_ratio(base, [0.99, 1.01, 1.00, 1.02, 0.98])
    assert same.low < 1 < same.high
    assert est.method == "welch-log-t"
    assert 4 <= est.df <= 8


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        ([1.0], [1.0, 2.0], "at least 2"),
        ([1.0, 2.0], [1.0], "at least 2"),
        ([1.0, 0.0], [1.0, 2.0], "non-positive"),
        ([1.0, float("nan")], [1.0, 2.0], "non-finite"),
    ],
)
def test_welch_rejects_unusable_samples(a: list[float], b: list[float], message: str) -> None:
    with pytest.raises(InputError, match=message):
        welch_log_ratio(a, b)


def test_paired_needs_equal_lengths_and_sane_confidence() -> None:
    with pytest.raises(InputError, match="differ in length"):
        paired_log_ratio([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(InputError, match="confidence"):
        paired_log_ratio([1.0, 2.0], [1.0, 2.0], confidence=1.5)


def test_mean_std() -> None:
    assert mean_std([2.0]) == (2.0, 0.0)
    mean, std = mean_std([1.0, 2.0, 3.0])
    assert (mean, std) == (2.0, 1.0)
    with pytest.raises(InputError):
        mean_std([])
