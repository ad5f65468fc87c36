"""Predict the energy, duration and CO2e of a planned training from its first epochs.

Method (docs/training.md gives the measured error against the naive extrapolation):

1. The first epoch is a *warm-up* (data loader start, allocator and cache fill, kernel
   autotuning, lazy compilation) and is usually heavier than the rest. When at least two epochs
   are seen it is left out of the fit (its measured energy still counts in the total).
2. With three or more fitted epochs a robust trend is fitted: the Theil–Sen slope (median of
   the pairwise slopes) and the median intercept, so one odd epoch cannot tilt the line. The
   trend is used only when its slope is significant (the least-squares slope's t statistic
   beyond the two-sided 95 % quantile); otherwise the level (mean of the fitted epochs) is used,
   with a prediction interval for a sum of future epochs around that mean.
3. The remaining epochs are the fitted line summed over their indices (never below zero).
   The interval combines the residual scale and the uncertainty of the fitted line (a
   prediction interval for a sum, with Student's t quantiles). Future epochs are not taken as
   independent: on real machines an epoch's deviation persists (load, clock speed, caches), so
   the scatter of a sum of ``m`` epochs is ``m`` times an epoch's, not ``√m`` times (real CPU
   runs: 90 % intervals with independent epochs held the actual total in 16 of 30 cases; see
   docs/benchmarks.md). With the level, the interval also takes in the line's interval: a slope
   too weak to be significant over a few epochs can still be there.
4. Before :data:`MIN_FIT_EPOCHS` fitted epochs the interval is *deliberately wide*: from half
   the lowest epoch seen to twice the highest, times the remaining count (after two epochs real
   runs missed by -53 % to +63 %, and a range-of-two interval held the total in 0 of 5).

The prediction covers the energy measured inside the epochs (the ``epoch`` phase); set-up and
tear-down outside the epochs are not part of it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from statistics import NormalDist
from typing import Any

from algoprint import _format as fmt
from algoprint.errors import InputError

__all__ = [
    "EpochEnergy",
    "Estimate",
    "TrainingPrediction",
    "co2e_factor_g_per_j",
    "naive_prediction_j",
    "predict_training",
]

J_PER_KWH = 3.6e6

# Student's t quantiles for the upper tail p (two-sided level 2p - 1), df = 1..30.
_T_TABLE: dict[float, tuple[float, ...]] = {
    0.95: (6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812,
           1.796, 1.782, 1.771, 1.761, 1.753, 1.746, 1.740, 1.734, 1.729, 1.725,
           1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699, 1.697),
    0.975: (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
            2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
            2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042),
}  # fmt: skip
LEVELS = (0.9, 0.95)
_UPPER = {0.9: 0.95, 0.95: 0.975}


@dataclass(frozen=True, slots=True)
class EpochEnergy:
    """The measured energy and duration of one epoch.

    Attributes:
        epoch: 1-based epoch index.
        energy_j: energy inside the epoch (J); ``None`` when a meter had a gap.
        duration_s: wall time of the epoch (s).
    """

    epoch: int
    energy_j: float | None
    duration_s: float


@dataclass(frozen=True, slots=True)
class Estimate:
    """A predicted quantity with its interval (same unit as the name that holds it)."""

    value: float
    low: float
    high: float

    def scale(self, factor: float) -> Estimate:
        """The estimate times a non-negative factor."""
        return Estimate(self.value * factor, self.low * factor, self.high * factor)


@dataclass(slots=True)
class TrainingPrediction:
    """The prediction of a whole planned training, made after ``observed_epochs`` epochs.

    Attributes:
        planned_epochs: epochs the training is planned to run.
        observed_epochs: epochs measured when the prediction was made.
        method: ``trend`` (Theil–Sen line) or ``level`` (mean of the fitted epochs).
        warmup_discarded: whether epoch 1 was left out of the fit.
        level: two-sided probability of the intervals (0.9 = 90 %).
        energy_j: predicted energy of all planned epochs (J).
        duration_s: predicted wall time of all planned epochs (s).
        co2e_g: predicted CO2e (g), ``None`` with ``co2e_reason`` when no intensity is known.
        co2e_basis: how the CO2e factor was obtained.
        naive_energy_j: mean energy per observed epoch × planned epochs, for comparison.
        notes: remarks for the user (short series, gaps).
    """

    planned_epochs: int
    observed_epochs: int
    method: str
    warmup_discarded: bool
    level: float
    energy_j: Estimate
    duration_s: Estimate
    naive_energy_j: float
    co2e_g: Estimate | None = None
    co2e_basis: str | None = None
    co2e_reason: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (stored in the ``training-prediction`` analysis)."""
        return asdict(self)

    def error(self, actual_energy_j: float) -> dict[str, Any]:
        """The prediction's error against the measured energy of all epochs (J).

        Returns:
            ``actual_energy_j``, ``predicted_energy_j``, ``error_rel`` (signed, relative to the
            actual), ``naive_error_rel`` and ``within_interval``.
        """
        if actual_energy_j <= 0:
            return {"actual_energy_j": actual_energy_j, "error_rel": None}
        return {
            "actual_energy_j": actual_energy_j,
            "predicted_energy_j": self.energy_j.value,
            "error_rel": (self.energy_j.value - actual_energy_j) / actual_energy_j,
            "naive_error_rel": (self.naive_energy_j - actual_energy_j) / actual_energy_j,
            "within_interval": self.energy_j.low <= actual_energy_j <= self.energy_j.high,
        }


def _t_quantile(df: int, upper: float) -> float:
    if df <= len(_T_TABLE[upper]):
        return _T_TABLE[upper][df - 1]
    return NormalDist().inv_cdf(upper)


def _theil_sen(x: Sequence[float], y: Sequence[float]) -> tuple[float, float]:
    slopes = sorted(
        (y[j] - y[i]) / (x[j] - x[i])
        for i in range(len(x))
        for j in range(i + 1, len(x))
        if x[j] != x[i]
    )
    slope = _median(slopes)
    intercept = _median([yi - slope * xi for xi, yi in zip(x, y, strict=True)])
    return intercept, slope


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


MIN_FIT_EPOCHS = 4
"""Fitted epochs (after the warm-up) before the interval is a statistical one."""


def _slope_significant(x: list[float], y: list[float]) -> bool:
    """Whether the least-squares slope differs from zero (two-sided 95 %)."""
    n = len(x)
    xm, ym = sum(x) / n, sum(y) / n
    sxx = sum((xi - xm) ** 2 for xi in x)
    if sxx <= 0:
        return False
    b = sum((xi - xm) * (yi - ym) for xi, yi in zip(x, y, strict=True)) / sxx
    resid = [yi - ym - b * (xi - xm) for xi, yi in zip(x, y, strict=True)]
    s2 = sum(r * r for r in resid) / (n - 2)
    if s2 <= 0:
        return b != 0
    return abs(b) / math.sqrt(s2 / sxx) > _t_quantile(n - 2, _UPPER[0.95])


def _line_sum(
    x: list[float], y: list[float], future: list[int], level: float, line: tuple[float, float]
) -> Estimate:
    """Sum of the line ``a + b·k`` over ``future`` with its prediction interval.

    The future epochs' scatter enters as ``m² s²`` (not ``m s²``): on a real machine an epoch's
    deviation persists (load, clocks, caches), so the remaining epochs can all be off together.
    """
    (a, b), n, m = line, len(x), len(future)
    value = sum(max(0.0, a + b * k) for k in future)
    residuals = [yi - (a + b * xi) for xi, yi in zip(x, y, strict=True)]
    s2 = sum(r * r for r in residuals) / (n - 2)
    x_mean = sum(x) / n
    sxx = sum((xi - x_mean) ** 2 for xi in x)
    spread = sum(k - x_mean for k in future)
    var_line = s2 * (m * m / n + (spread * spread / sxx if sxx > 0 else 0.0))
    half = _t_quantile(n - 2, _UPPER[level]) * math.sqrt(var_line + m * m * s2)
    return Estimate(value, max(0.0, value - half), value + half)


def _remaining(
    x: list[float], y: list[float], future: list[int], level: float, seen: list[float]
) -> tuple[Estimate, str]:
    """Predicted sum of ``y`` over the ``future`` indices, with its interval."""
    m = len(future)
    if m == 0:
        return Estimate(0.0, 0.0, 0.0), "level"
    if len(x) < MIN_FIT_EPOCHS:
        mean = sum(y) / len(y)
        return Estimate(mean * m, 0.5 * min(seen) * m, 2.0 * max(seen) * m), "level-wide"
    line = _line_sum(x, y, future, level, _theil_sen(x, y))
    if _slope_significant(x, y):
        return line, "trend"
    # No significant slope: the level is the prediction, but a slope the few epochs cannot
    # rule out still widens the interval (the line's interval joins the level's).
    n = len(x)
    mean = sum(y) / n
    s2 = sum((yi - mean) ** 2 for yi in y) / (n - 1)
    half = _t_quantile(n - 1, _UPPER[level]) * m * math.sqrt(s2 + s2 / n)
    low = min(max(0.0, mean * m - half), line.low)
    return Estimate(mean * m, low, max(mean * m + half, line.high)), "level"


def naive_prediction_j(epochs: Sequence[EpochEnergy], planned_epochs: int) -> float:
    """The naive extrapolation: mean energy of the observed epochs × planned epochs (J)."""
    values = [e.energy_j for e in epochs if e.energy_j is not None]
    if not values:
        raise InputError("no epoch with a measured energy to extrapolate from")
    return sum(values) / len(values) * planned_epochs


def co2e_factor_g_per_j(
    *, grid_intensity_g_per_kwh: float | None = None, location: Any = None, year: int = 2025
) -> tuple[float | None, str]:
    """The CO2e per joule of IT energy, and its basis (or the reason it is unknown).

    Args:
        grid_intensity_g_per_kwh: an explicit intensity (g CO2e per kWh of IT energy; a PUE
            is not applied on top).
        location: an :class:`algoprint.impact.location.LocationProfile`; its PUE and the zone's
            grid intensity for ``year`` are taken from the impact model's tables.
        year: the year whose grid intensity is used with ``location``.

    Returns:
        ``(g_per_j, basis)``, or ``(None, reason)`` when neither input gives a factor.
    """
    if grid_intensity_g_per_kwh is not None:
        if not math.isfinite(grid_intensity_g_per_kwh) or grid_intensity_g_per_kwh < 0:
            raise InputError(
                f"grid_intensity_g_per_kwh must be >= 0, got {grid_intensity_g_per_kwh!r}",
                hint="pass the grid carbon intensity in g CO2e/kWh",
            )
        return grid_intensity_g_per_kwh / J_PER_KWH, (
            f"user-given intensity {fmt.number(grid_intensity_g_per_kwh, 'en')} g/kWh "
            "(no PUE applied)"
        )
    if location is None:
        return None, "no grid intensity or location given (pass grid_intensity_g_per_kwh)"
    try:
        from algoprint.impact.compute import resolve_factors

        factors = resolve_factors(location, year=year)
    except Exception as e:  # the impact layer names the problem; CO2e is then unknown
        return None, f"the impact model gave no factors: {e}"
    if factors.grid_g_per_kwh is None:
        return None, factors.missing.get("grid_intensity", "no grid intensity for the zone")
    pue = factors.pue.interval.value
    grid = factors.grid_g_per_kwh.interval.value
    return pue * grid / J_PER_KWH, (
        f"impact model: zone {location.zone}, {year}, grid {fmt.number(grid, 'en')} g/kWh "
        f"× PUE {fmt.number(pue, 'en')}"
    )


def predict_training(
    epochs: Sequence[EpochEnergy],
    planned_epochs: int,
    *,
    discard_warmup: bool = True,
    level: float = 0.9,
    grid_intensity_g_per_kwh: float | None = None,
    location: Any = None,
    year: int = 2025,
) -> TrainingPrediction:
    """Predict energy, duration and CO2e of ``planned_epochs`` from the epochs seen so far.

    Args:
        epochs: the measured epochs, in order (epoch 1 first).
        planned_epochs: how many epochs the training will run in total.
        discard_warmup: leave epoch 1 out of the fit when two or more epochs were seen.
        level: two-sided probability of the intervals, 0.9 or 0.95.
        grid_intensity_g_per_kwh / location / year: see :func:`co2e_factor_g_per_j`.

    Raises:
        InputError: no epochs, planned fewer than observed, a bad level, or no epoch has a
            measured energy (a meter gap in every epoch).
    """
    if not epochs:
        raise InputError("no epochs measured yet", hint="predict after the first epoch ends")
    if level not in LEVELS:
        raise InputError(f"level must be one of {LEVELS}, got {level!r}")
    if planned_epochs < len(epochs):
        raise InputError(
            f"planned_epochs ({planned_epochs}) is less than the epochs already run "
            f"({len(epochs)})",
            hint="pass the total number of epochs the training is planned to run",
        )
    notes: list[str] = []
    usable = [e for e in epochs if e.energy_j is not None]
    if not usable:
        raise InputError(
            "no epoch has a measured energy (meter gap)", hint="see the run's degradations"
        )
    if len(usable) < len(epochs):
        notes.append(f"{len(epochs) - len(usable)} epoch(s) had a meter gap and were left out")
    drop = discard_warmup and len(usable) >= 2 and usable[0].epoch == 1
    fit = usable[1:] if drop else usable
    future = list(range(len(epochs) + 1, planned_epochs + 1))
    seen_e = [float(e.energy_j) for e in usable if e.energy_j is not None]
    energy_rest, method = _remaining(
        [float(e.epoch) for e in fit],
        [float(e.energy_j) for e in fit if e.energy_j is not None],
        future,
        level,
        seen_e,
    )
    duration_rest, _ = _remaining(
        [float(e.epoch) for e in fit],
        [e.duration_s for e in fit],
        future,
        level,
        [e.duration_s for e in usable],
    )
    if method == "level-wide" and future:
        notes.append(
            f"fewer than {MIN_FIT_EPOCHS} epochs to fit: level of the epochs seen, with a "
            "deliberately wide interval (half the lowest to twice the highest epoch)"
        )
    elif method == "level" and future:
        notes.append("no significant trend over the epochs: level of the fitted epochs")
    done_e = sum(seen_e)
    # A gap epoch is predicted like a future one, so the total still covers every epoch.
    gap_count = len(epochs) - len(usable)
    mean_fit = sum(float(e.energy_j or 0.0) for e in fit) / len(fit)
    gap_e = mean_fit * gap_count
    done_d = sum(e.duration_s for e in epochs)
    energy = Estimate(
        done_e + gap_e + energy_rest.value,
        done_e + gap_e + energy_rest.low,
        done_e + gap_e + energy_rest.high,
    )
    duration = Estimate(
        done_d + duration_rest.value, done_d + duration_rest.low, done_d + duration_rest.high
    )
    factor, basis = co2e_factor_g_per_j(
        grid_intensity_g_per_kwh=grid_intensity_g_per_kwh, location=location, year=year
    )
    return TrainingPrediction(
        planned_epochs=planned_epochs,
        observed_epochs=len(epochs),
        method=method,
        warmup_discarded=drop,
        level=level,
        energy_j=energy,
        duration_s=duration,
        naive_energy_j=naive_prediction_j(epochs, planned_epochs),
        co2e_g=None if factor is None else energy.scale(factor),
        co2e_basis=basis if factor is not None else None,
        co2e_reason=None if factor is not None else basis,
        notes=notes,
    )
