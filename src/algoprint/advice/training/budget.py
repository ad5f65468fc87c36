"""Energy and CO2e budgets for one training run.

A budget is checked at the end of every epoch against the energy measured since training
started. At ``warn_fraction`` of the budget (default 80 %) it warns once; when the budget is
exceeded it asks the training loop to stop *cleanly*: the integrations set the framework's own
stop flag (Lightning ``trainer.should_stop``, Transformers ``control.should_training_stop``,
Keras ``model.stop_training``, plain PyTorch ``EpochTracker.should_stop``), so the framework ends
the epoch loop normally and writes its checkpoints as usual. Nothing is killed. Because the check
runs at epoch ends, the run can overshoot the budget by at most one epoch's energy.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from algoprint import _format as fmt
from algoprint.errors import InputError

__all__ = ["BudgetMonitor", "BudgetState", "TrainingBudget"]

log = logging.getLogger("algoprint")


class BudgetState(StrEnum):
    """Where spending stands against the budget."""

    OK = "ok"
    WARNING = "warning"
    EXCEEDED = "exceeded"


def _positive(name: str, value: float | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"{name} must be a number, got {value!r}", hint=f"set {name} > 0")
    if value <= 0:
        raise InputError(
            f"{name} must be greater than zero, got {value!r}: a budget of zero or less would "
            "stop training before it starts",
            hint=f"set {name} to the most the training may use (> 0), or leave it out",
        )


@dataclass(frozen=True, slots=True)
class TrainingBudget:
    """The most a training run may use.

    Args:
        energy_j: energy budget (J), measured as the run's headline energy.
        co2e_g: CO2e budget (g); needs ``grid_intensity_g_per_kwh`` to turn energy into CO2e.
        grid_intensity_g_per_kwh: g CO2e per kWh of IT energy used for the CO2e budget.
        warn_fraction: warn once when spending reaches this share of a budget (0 < f <= 1).
        stop: stop training when exceeded (``False``: only warn and record).
        stop_before_crossing: also stop *before* the epoch predicted to cross the budget
            (the last epoch's energy taken as the next one's), so the run ends under budget.

    Raises:
        InputError: no budget given, a budget of zero or less, a CO2e budget without an
            intensity, or a warn fraction outside (0, 1].
    """

    energy_j: float | None = None
    co2e_g: float | None = None
    grid_intensity_g_per_kwh: float | None = None
    warn_fraction: float = 0.8
    stop: bool = True
    stop_before_crossing: bool = False

    def __post_init__(self) -> None:
        if self.energy_j is None and self.co2e_g is None:
            raise InputError(
                "a training budget needs energy_j or co2e_g", hint="e.g. energy_j=3.6e6 (1 kWh)"
            )
        _positive("energy_j", self.energy_j)
        _positive("co2e_g", self.co2e_g)
        if self.co2e_g is not None:
            if self.grid_intensity_g_per_kwh is None:
                raise InputError(
                    "a CO2e budget needs the grid intensity to convert energy to CO2e",
                    hint="pass grid_intensity_g_per_kwh (e.g. the zone's figure from "
                    "algoprint.impact), or set an energy_j budget",
                )
            _positive("grid_intensity_g_per_kwh", self.grid_intensity_g_per_kwh)
        if not 0 < self.warn_fraction <= 1:
            raise InputError(
                f"warn_fraction must be in (0, 1], got {self.warn_fraction!r}",
                hint="e.g. 0.8 warns at 80 % of the budget",
            )

    @property
    def limit_j(self) -> float:
        """The tighter of the two budgets, in joules of IT energy."""
        limits = []
        if self.energy_j is not None:
            limits.append(self.energy_j)
        if self.co2e_g is not None and self.grid_intensity_g_per_kwh is not None:
            limits.append(self.co2e_g / self.grid_intensity_g_per_kwh * 3.6e6)
        return min(limits)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "energy_j": self.energy_j,
            "co2e_g": self.co2e_g,
            "grid_intensity_g_per_kwh": self.grid_intensity_g_per_kwh,
            "warn_fraction": self.warn_fraction,
            "stop": self.stop,
            "stop_before_crossing": self.stop_before_crossing,
            "limit_j": self.limit_j,
        }


@dataclass(slots=True)
class BudgetMonitor:
    """Checks spending against a :class:`TrainingBudget` and keeps the events.

    ``update()`` returns the state; ``stop_requested`` turns true once the budget is exceeded
    (and ``budget.stop`` is set). Events (``warning``, ``exceeded``, ``predicted-over``) are kept
    in ``events`` for the run's analysis.
    """

    budget: TrainingBudget
    state: BudgetState = BudgetState.OK
    stop_requested: bool = False
    events: list[dict[str, Any]] = field(default_factory=list)

    def update(
        self, spent_j: float | None, *, epoch: int, last_epoch_j: float | None = None
    ) -> BudgetState:
        """Check the energy spent so far (J) after ``epoch``.

        A ``None`` (meter gap) leaves the state unchanged and is recorded once: an unknown
        figure is never read as zero. With ``stop_before_crossing``, ``last_epoch_j`` (the
        epoch just ended) predicts the next epoch; when it would cross the budget, training
        stops now (event ``next-epoch-over``).
        """
        if spent_j is None:
            if not any(e["event"] == "unknown" for e in self.events):
                self.events.append({"event": "unknown", "epoch": epoch})
                log.warning("algoprint: budget not checked: the energy so far is unknown")
            return self.state
        limit = self.budget.limit_j
        fraction = spent_j / limit
        nxt = last_epoch_j or 0.0
        if (
            self.budget.stop_before_crossing
            and fraction <= 1
            and spent_j + nxt > limit
            and not self.stop_requested
        ):
            self.events.append(
                {"event": "next-epoch-over", "epoch": epoch, "spent_j": spent_j,
                 "next_epoch_j": nxt, "limit_j": limit}
            )  # fmt: skip
            log.warning(
                "algoprint: the next epoch (about %s) would cross the budget; stopping now",
                fmt.quantity(nxt, "J", "en"),
            )
            self.stop_requested = True
        if fraction > 1 and self.state is not BudgetState.EXCEEDED:
            self.state = BudgetState.EXCEEDED
            self.events.append(
                {"event": "exceeded", "epoch": epoch, "spent_j": spent_j, "limit_j": limit}
            )
            action = "stopping training" if self.budget.stop else "training goes on (stop=False)"
            log.warning(
                "algoprint: training budget exceeded after epoch %d: %s of %s; %s",
                epoch,
                fmt.quantity(spent_j, "J", "en"),
                fmt.quantity(limit, "J", "en"),
                action,
            )
            self.stop_requested = self.budget.stop
        elif fraction >= self.budget.warn_fraction and self.state is BudgetState.OK:
            self.state = BudgetState.WARNING
            self.events.append(
                {"event": "warning", "epoch": epoch, "spent_j": spent_j, "limit_j": limit}
            )
            log.warning(
                "algoprint: training has used %.0f %% of its budget after epoch %d",
                100 * fraction,
                epoch,
            )
        return self.state

    def check_prediction(self, predicted_j: float, *, epoch: int) -> None:
        """Record (and log) when the predicted total exceeds the budget."""
        limit = self.budget.limit_j
        if predicted_j > limit:
            self.events.append(
                {
                    "event": "predicted-over",
                    "epoch": epoch,
                    "predicted_j": predicted_j,
                    "limit_j": limit,
                }
            )
            log.warning(
                "algoprint: the training is predicted to use %s, over its budget of %s",
                fmt.quantity(predicted_j, "J", "en"),
                fmt.quantity(limit, "J", "en"),
            )
