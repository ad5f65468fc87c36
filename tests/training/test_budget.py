"""Budget validation and the monitor's states."""

from __future__ import annotations

import pytest

from algoprint.advice.training.budget import BudgetMonitor, BudgetState, TrainingBudget
from algoprint.errors import InputError


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({}, "needs energy_j or co2e_g"),
        ({"energy_j": 0}, "greater than zero"),
        ({"energy_j": -5.0}, "greater than zero"),
        ({"co2e_g": 0, "grid_intensity_g_per_kwh": 300}, "greater than zero"),
        ({"co2e_g": 10.0}, "grid intensity"),
        ({"energy_j": 10.0, "warn_fraction": 0}, "warn_fraction"),
        ({"energy_j": float("nan")}, "must be a number"),
    ],
)
def test_invalid_budgets(kwargs: dict, match: str) -> None:
    with pytest.raises(InputError, match=match):
        TrainingBudget(**kwargs)


def test_co2e_budget_is_converted_and_the_tighter_wins() -> None:
    budget = TrainingBudget(co2e_g=100.0, grid_intensity_g_per_kwh=400.0)
    assert budget.limit_j == pytest.approx(0.25 * 3.6e6)
    both = TrainingBudget(energy_j=1000.0, co2e_g=100.0, grid_intensity_g_per_kwh=400.0)
    assert both.limit_j == 1000.0


def test_monitor_warns_once_then_exceeds() -> None:
    m = BudgetMonitor(TrainingBudget(energy_j=100.0))
    assert m.update(50.0, epoch=1) is BudgetState.OK
    assert m.update(85.0, epoch=2) is BudgetState.WARNING
    assert m.update(95.0, epoch=3) is BudgetState.WARNING
    assert not m.stop_requested
    assert m.update(101.0, epoch=4) is BudgetState.EXCEEDED
    assert m.stop_requested
    assert [e["event"] for e in m.events] == ["warning", "exceeded"]


def test_unknown_energy_never_counts_as_zero() -> None:
    m = BudgetMonitor(TrainingBudget(energy_j=100.0, stop=False))
    m.update(90.0, epoch=1)
    assert m.update(None, epoch=2) is BudgetState.WARNING
    assert m.events[-1]["event"] == "unknown"
    m.update(200.0, epoch=3)
    assert m.state is BudgetState.EXCEEDED and not m.stop_requested  # stop=False only records
