"""Confidence intervals of ratios (B/A) of repeated energy and time measurements.

Both methods work on logarithms: energy and time are positive and their noise is roughly
multiplicative, so the log of a ratio is close to normal and a ratio's interval is
asymmetric as it should be. A ratio of 1.15 with interval [1.11, 1.19] means B used 15 % more
than A, and with ``confidence`` (95 %) the true factor lies between 1.11 and 1.19.

- :func:`paired_log_ratio`: paired runs (A and B run back to back, interleaved): the Student
  t-interval of the mean of ``log(b_i / a_i)``, ``n - 1`` degrees of freedom. Pairing cancels
  slow drift (thermal state, background load) shared by the two runs of a pair.
- :func:`welch_log_ratio`: independent samples (a baseline from an earlier session against
  this one): Welch's t-interval of the difference of the mean logs, with Welch–Satterthwaite
  degrees of freedom (the two sessions need not have the same spread).

The t quantile is computed here (regularised incomplete beta by a continued fraction,
inverted by bisection) so that algoprint needs no SciPy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from algoprint.errors import InputError

__all__ = [
    "RatioEstimate",
    "mean_std",
    "paired_log_ratio",
    "t_cdf",
    "t_quantile",
    "welch_log_ratio",
]


@dataclass(frozen=True, slots=True)
class RatioEstimate:
    """A ratio B/A with its confidence interval.

    Attributes:
        ratio: the point estimate (geometric-mean ratio).
        low / high: the interval's bounds.
        confidence: the interval's coverage (0.95).
        method: ``paired-log-t`` or ``welch-log-t``.
        n_a / n_b: the number of values on each side.
        df: the t distribution's degrees of freedom.
    """

    ratio: float
    low: float
    high: float
    confidence: float
    method: str
    n_a: int
    n_b: int
    df: float

    def to_dict(self) -> dict[str, float | int | str]:
        return {
            "ratio": self.ratio,
            "low": self.low,
            "high": self.high,
            "confidence": self.confidence,
            "method": self.method,
            "n_a": self.n_a,
            "n_b": self.n_b,
            "df": self.df,
        }


def mean_std(values: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (``n - 1``; 0 for a single value)."""
    n = len(values)
    if n == 0:
        raise InputError("no values to summarise")
    mean = math.fsum(values) / n
    if n == 1:
        return mean, 0.0
    var = math.fsum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, math.sqrt(var)


def _logs(values: Sequence[float], side: str) -> list[float]:
    if len(values) < 2:
        raise InputError(
            f"{side} has {len(values)} measurement(s); a confidence interval needs at least 2",
            hint="use --repeats 2 or more (5 or more for a useful interval)",
        )
    out = []
    for v in values:
        if not (math.isfinite(v) and v > 0):
            raise InputError(
                f"{side} has a non-positive or non-finite value {v!r}; ratios need values > 0",
                hint="measure a longer piece of work so every repeat registers",
            )
        out.append(math.log(v))
    return out


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise InputError(f"confidence must be between 0 and 1, got {confidence}", hint="e.g. 0.95")


def paired_log_ratio(
    a: Sequence[float], b: Sequence[float], *, confidence: float = 0.95
) -> RatioEstimate:
    """The ratio B/A of paired measurements with a t-interval on the log ratios.

    Raises:
        InputError: fewer than 2 pairs, unequal lengths, a value <= 0, a bad confidence.
    """
    _check_confidence(confidence)
    if len(a) != len(b):
        raise InputError(f"paired samples differ in length ({len(a)} and {len(b)})")
    diffs = [lb - la for la, lb in zip(_logs(a, "A"), _logs(b, "B"), strict=True)]
    mean, std = mean_std(diffs)
    df = float(len(diffs) - 1)
    half = t_quantile(0.5 + confidence / 2, df) * std / math.sqrt(len(diffs))
    return RatioEstimate(
        ratio=math.exp(mean),
        low=math.exp(mean - half),
        high=math.exp(mean + half),
        confidence=confidence,
        method="paired-log-t",
        n_a=len(a),
        n_b=len(b),
        df=df,
    )


def welch_log_ratio(
    a: Sequence[float], b: Sequence[float], *, confidence: float = 0.95
) -> RatioEstimate:
    """The ratio B/A of independent samples with Welch's t-interval on the logs.

    Raises:
        InputError: fewer than 2 values on a side, a value <= 0, a bad confidence.
    """
    _check_confidence(confidence)
    la, lb = _logs(a, "the baseline" if a else "A"), _logs(b, "the current run")
    mean_a, std_a = mean_std(la)
    mean_b, std_b = mean_std(lb)
    va, vb = std_a**2 / len(la), std_b**2 / len(lb)
    se = math.sqrt(va + vb)
    if se > 0:
        df = (va + vb) ** 2 / (va**2 / (len(la) - 1) + vb**2 / (len(lb) - 1))
    else:
        df = float(len(la) + len(lb) - 2)
    diff = mean_b - mean_a
    half = t_quantile(0.5 + confidence / 2, df) * se
    return RatioEstimate(
        ratio=math.exp(diff),
        low=math.exp(diff - half),
        high=math.exp(diff + half),
        confidence=confidence,
        method="welch-log-t",
        n_a=len(a),
        n_b=len(b),
        df=df,
    )


# -- Student's t distribution ----------------------------------------------------------------


def _beta_fraction(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz evaluation)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 400):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1.0) < 1e-15:
            break
    return result


def _regularised_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), the regularised incomplete beta function, for 0 <= x <= 1."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` > 0 degrees of freedom."""
    tail = 0.5 * _regularised_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t with ``df`` > 0 degrees of freedom (to ~1e-10).

    Raises:
        InputError: ``p`` outside (0, 1) or ``df`` <= 0.
    """
    if not 0 < p < 1 or not df > 0:
        raise InputError(f"t quantile needs 0 < p < 1 and df > 0, got p={p}, df={df}")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        low, high = high, high * 2.0
        if high > 1e12:
            return math.inf
    for _ in range(200):
        mid = (low + high) / 2.0
        if t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
        if high - low < 1e-12 * max(1.0, high):
            break
    return (low + high) / 2.0
