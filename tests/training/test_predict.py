"""The training predictor against a synthetic schedule with a known answer."""

from __future__ import annotations

import math

import pytest

from algoprint.advice.training.predict import (
    EpochEnergy,
    co2e_factor_g_per_j,
    naive_prediction_j,
    predict_training,
)
from algoprint.errors import InputError

PLANNED = 30


def schedule(epoch: int) -> float:
    """Heavy warm-up (3x), then a linear trend (+2 % of the base per epoch) with a small,
    deterministic wobble: the energy (J) of ``epoch``."""
    if epoch == 1:
        return 3000.0
    return 1000.0 + 20.0 * epoch + 15.0 * math.sin(1.7 * epoch)


def epochs(n: int) -> list[EpochEnergy]:
    return [EpochEnergy(k, schedule(k), 60.0 + k) for k in range(1, n + 1)]


ACTUAL = sum(schedule(k) for k in range(1, PLANNED + 1))


@pytest.mark.parametrize("observed", [2, 3, 5, 8])
def test_trend_beats_naive_mean(observed: int) -> None:
    p = predict_training(epochs(observed), PLANNED)
    trend_err = abs(p.energy_j.value - ACTUAL) / ACTUAL
    naive_err = abs(naive_prediction_j(epochs(observed), PLANNED) - ACTUAL) / ACTUAL
    print(
        f"observed={observed} trend_err={trend_err:.2%} naive_err={naive_err:.2%} "
        f"interval=[{p.energy_j.low:.0f}, {p.energy_j.high:.0f}] actual={ACTUAL:.0f}"
    )
    assert p.warmup_discarded
    assert trend_err < naive_err
    assert p.energy_j.low <= ACTUAL <= p.energy_j.high
    if observed >= 5:
        assert p.method == "trend"
    if observed >= 8:
        assert trend_err < 0.02
    err = p.error(ACTUAL)
    assert err["error_rel"] == pytest.approx((p.energy_j.value - ACTUAL) / ACTUAL)


def test_exact_on_a_straight_line() -> None:
    line = [EpochEnergy(k, 100.0 + 10.0 * k, 1.0) for k in range(1, 6)]
    p = predict_training(line, 10, discard_warmup=False)
    assert p.method == "trend"
    assert p.energy_j.value == pytest.approx(sum(100.0 + 10.0 * k for k in range(1, 11)))
    assert p.energy_j.high - p.energy_j.low == pytest.approx(0.0, abs=1e-6)
    assert p.duration_s.value == pytest.approx(10.0)


def test_two_epochs_use_the_second_and_the_seen_range() -> None:
    p = predict_training([EpochEnergy(1, 300.0, 2.0), EpochEnergy(2, 100.0, 1.0)], 5)
    assert p.method == "level-wide"
    assert p.energy_j.value == pytest.approx(400.0 + 3 * 100.0)
    # Deliberately wide before 4 fitted epochs: half the lowest to twice the highest epoch.
    assert (p.energy_j.low, p.energy_j.high) == pytest.approx((400.0 + 150.0, 400.0 + 1800.0))
    assert p.notes and "deliberately wide" in p.notes[0]


def test_a_trend_is_used_only_when_its_slope_is_significant() -> None:
    flat = [EpochEnergy(i, 100.0 + (3.0 if i % 2 else -3.0), 1.0) for i in range(1, 8)]
    assert predict_training(flat, 20).method == "level"
    rising = [EpochEnergy(i, 100.0 + 10.0 * i + (0.5 if i % 2 else -0.5), 1.0) for i in range(1, 8)]
    assert predict_training(rising, 20).method == "trend"


def test_co2e_from_explicit_intensity_or_reason() -> None:
    p = predict_training(epochs(4), 10, grid_intensity_g_per_kwh=360.0)
    assert p.co2e_g is not None
    assert p.co2e_g.value == pytest.approx(p.energy_j.value * 360.0 / 3.6e6)
    q = predict_training(epochs(4), 10)
    assert q.co2e_g is None and q.co2e_reason


def test_co2e_from_the_impact_model_location() -> None:
    location_mod = pytest.importorskip("algoprint.impact.location")
    factor, basis = co2e_factor_g_per_j(location=location_mod.default_location("NL"), year=2024)
    if factor is None:  # the impact layer is still being built: the reason must say why
        assert basis
    else:
        assert 0 < factor * 3.6e6 < 1000 and "NL" in basis


def test_gap_epochs_are_left_out_but_counted() -> None:
    data = epochs(5)
    data[2] = EpochEnergy(3, None, 63.0)
    p = predict_training(data, 10)
    assert any("gap" in n for n in p.notes)
    assert p.energy_j.value > 0


@pytest.mark.parametrize(
    ("series", "planned", "kwargs", "match"),
    [
        ([], 5, {}, "no epochs"),
        (epochs(3), 2, {}, "less than the epochs"),
        (epochs(3), 5, {"level": 0.5}, "level"),
        ([EpochEnergy(1, None, 1.0)], 5, {}, "meter gap"),
        (epochs(3), 5, {"grid_intensity_g_per_kwh": -1.0}, "grid_intensity"),
    ],
)
def test_bad_input(series: list[EpochEnergy], planned: int, kwargs: dict, match: str) -> None:
    with pytest.raises(InputError, match=match):
        predict_training(series, planned, **kwargs)
