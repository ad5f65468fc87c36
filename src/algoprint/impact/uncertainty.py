"""Intervals and how they propagate through the impact formulas.

Every figure in the impact model is a :class:`Interval`: a central value with a low and a high
bound of an approximate 95 % interval (the convention of the meters: ``uncertainty_rel`` is the
relative half-width of that interval).

Method (documented in docs/impact-method.md, "Uncertainty"):

* **Products of independent positive factors** (energy × PUE × grid intensity) combine in log
  space: the log-distances ``ln(high/value)`` and ``ln(value/low)`` of the factors add in
  quadrature, separately upwards and downwards. This keeps skewed factor ranges skewed, never
  yields a negative bound, and reduces to relative quadrature for small ranges.
* **Sums of independent terms** (CPU + GPU + memory energy; operational + embodied) add the
  absolute distances ``high - value`` and ``value - low`` in quadrature. Because
  ``sqrt(sum d_i^2) <= sum d_i``, the low bound never drops below the sum of the low bounds,
  so it stays >= 0 for non-negative terms.
* **Exact numbers** (a duration, a declared share, a unit conversion) scale all three values.

Correlated inputs are kept out of these rules by factoring them out first (water is
``E × (WUE_on + PUE × EWIF)``, not a sum of two terms that both contain ``E``).

Analytic propagation was chosen over Monte Carlo because it is deterministic, cheap, exact for
the central value and easy to check by hand in tests.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from algoprint.errors import ImpactError

__all__ = ["Interval", "product", "total"]


def _check_number(name: str, value: float) -> float:
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        raise ImpactError(f"{name} must be a finite number, got {value!r}")
    if number < 0:
        raise ImpactError(f"{name} must be >= 0, got {value!r}")
    return number


@dataclass(frozen=True, slots=True)
class Interval:
    """A non-negative central value with the bounds of its ~95 % interval.

    Attributes:
        value: central value.
        low: lower bound, ``0 <= low <= value``.
        high: upper bound, ``high >= value``.

    Raises:
        ImpactError: a bound is NaN, infinite, negative or on the wrong side of the value.
    """

    value: float
    low: float
    high: float

    def __post_init__(self) -> None:
        value = _check_number("value", self.value)
        low = _check_number("low bound", self.low)
        high = _check_number("high bound", self.high)
        if not low <= value <= high:
            raise ImpactError(
                f"interval bounds out of order: low {low!r} <= value {value!r} <= high {high!r}"
                " does not hold",
                hint="give low <= value <= high",
            )

    @classmethod
    def exact(cls, value: float) -> Interval:
        """A number known exactly (zero-width interval)."""
        return cls(value, value, value)

    @classmethod
    def from_rel(cls, value: float, uncertainty_rel: float) -> Interval:
        """Build from a central value and the relative half-width ``u`` of the interval.

        ``low = value × max(0, 1 - u)`` and ``high = value × (1 + u)``.

        Raises:
            ImpactError: value or ``u`` negative or not finite.
        """
        u = _check_number("uncertainty_rel", uncertainty_rel)
        v = _check_number("value", value)
        return cls(v, v * max(0.0, 1.0 - u), v * (1.0 + u))

    @property
    def rel_low(self) -> float:
        """Relative distance of the low bound, ``1 - low/value`` (0 for a zero value)."""
        return 0.0 if self.value == 0 else 1.0 - self.low / self.value

    @property
    def rel_high(self) -> float:
        """Relative distance of the high bound, ``high/value - 1`` (0 for a zero value)."""
        return 0.0 if self.value == 0 else self.high / self.value - 1.0

    def scale(self, k: float) -> Interval:
        """Multiply by an exact non-negative number ``k``."""
        k = _check_number("scale factor", k)
        return Interval(self.value * k, self.low * k, self.high * k)

    def __mul__(self, other: Interval) -> Interval:
        return product([self, other])

    def __add__(self, other: Interval) -> Interval:
        return total([self, other])


def _log_up(x: Interval) -> float:
    return math.log(x.high / x.value)


def _log_down(x: Interval) -> float:
    return math.inf if x.low == 0 else math.log(x.value / x.low)


def product(factors: Iterable[Interval]) -> Interval:
    """Product of independent positive factors, bounds combined in log space.

    ``ln(high/value) = sqrt(sum ln(high_i/value_i)^2)`` and likewise downwards. A factor whose
    central value is 0 makes the whole product exactly 0. A factor whose low bound is 0 makes
    the product's low bound 0.
    """
    items = list(factors)
    value = math.prod(x.value for x in items)
    if value == 0:
        return Interval.exact(0.0)
    # Exact factors only scale; with one uncertain factor its bounds scale exactly (no
    # rounding through log space).
    uncertain = [x for x in items if not x.low == x.value == x.high]
    if len(uncertain) <= 1:
        k = math.prod(x.value for x in items if x not in uncertain)
        return uncertain[0].scale(k) if uncertain else Interval.exact(value)
    up = math.sqrt(sum(_log_up(x) ** 2 for x in items))
    down = math.sqrt(sum(_log_down(x) ** 2 for x in items))
    # Guard floating rounding at the bounds.
    high = max(value, value * math.exp(up))
    low = min(value, value * math.exp(-down))
    return Interval(value, low, high)


def total(terms: Iterable[Interval]) -> Interval:
    """Sum of independent terms, absolute bound distances added in quadrature."""
    items = list(terms)
    value = math.fsum(x.value for x in items)
    up = math.sqrt(math.fsum((x.high - x.value) ** 2 for x in items))
    down = math.sqrt(math.fsum((x.value - x.low) ** 2 for x in items))
    return Interval(value, max(0.0, min(value, value - down)), value + up)
