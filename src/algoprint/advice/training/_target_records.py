"""The records of a cost-to-target comparison (:mod:`.to_target`): repeats, settings, result."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from algoprint.advice._decide import Basis, Cost

__all__ = [
    "FAILED",
    "NOT_REACHED",
    "REACHED",
    "VERDICTS",
    "Attempt",
    "SettingToTarget",
    "ToTargetComparison",
]

REACHED, NOT_REACHED, FAILED = "reached", "did not reach the target", "failed"
VERDICTS = ("reference", "cheaper", "costlier", "no clear difference", NOT_REACHED, FAILED)
"""A setting's verdict against the reference; only ``cheaper`` is ever recommended."""


@dataclass(slots=True)
class Attempt:
    """One repeat of one setting: cumulative cost at every epoch edge.

    Attributes:
        repeat: 0-based repeat index; the seed is ``seed + repeat``.
        initial: validation loss before training (as the trainer reported it).
        losses: validation loss after each epoch.
        cpu_s / wall_s: process CPU time and wall time since the first report (s).
        energy_j / process_energy_j: machine / process energy since the first report (J) at
            each epoch, ``None`` for a meter gap.
        reached_epoch: first epoch (1-based) whose loss reached the target, else ``None``.
        error: the exception that ended it, as ``Type: message``.
    """

    repeat: int
    initial: float | None = None
    losses: list[float] = field(default_factory=list)
    cpu_s: list[float] = field(default_factory=list)
    wall_s: list[float] = field(default_factory=list)
    energy_j: list[float | None] = field(default_factory=list)
    process_energy_j: list[float | None] = field(default_factory=list)
    reached_epoch: int | None = None
    error: str | None = None

    def series(self, metric: str) -> list[float | None]:
        """The cumulative ``cpu``, ``wall``, ``energy`` or ``process-energy`` per epoch."""
        if metric == "cpu":
            return list(self.cpu_s)
        if metric == "wall":
            return list(self.wall_s)
        return list(self.energy_j if metric == "energy" else self.process_energy_j)

    def at_target(self, metric: str) -> float | None:
        """The cumulative ``metric`` (see :meth:`series`) at the target epoch."""
        if self.reached_epoch is None:
            return None
        return self.series(metric)[self.reached_epoch - 1]


@dataclass(slots=True)
class SettingToTarget:
    """One setting's repeats, its cost to target and its verdict against the reference.

    Attributes:
        status: ``reached`` (every repeat), ``did not reach the target`` or ``failed``.
        epochs_to_target: epochs each reaching repeat needed.
        cost: mean cost to target on the deciding metric (s CPU or J) and its relative
            half-width (95 % t-interval over the repeats).
        energy_j: mean energy to target (J; process scope when modelled) and half-width.
        wall_s: mean wall time to target (s).
        ratio: paired cost ratio setting / reference (``ratio``, ``low``, ``high``).
        verdict: one of :data:`VERDICTS`.
    """

    name: str
    attempts: list[Attempt]
    status: str = REACHED
    epochs_to_target: list[int] = field(default_factory=list)
    cost: Cost | None = None
    energy_j: Cost | None = None
    wall_s: float | None = None
    ratio: dict[str, float] | None = None
    verdict: str = "reference"

    @property
    def reached(self) -> int:
        """Repeats that reached the target."""
        return sum(a.reached_epoch is not None for a in self.attempts)


@dataclass(slots=True)
class ToTargetComparison:
    """Every setting's cost to the target, the decision and what it was decided on.

    Attributes:
        target: the validation loss (or metric) every setting had to reach.
        target_basis: ``reference`` (what the reference reaches, within tolerance) or ``given``.
        early_stop: the reference's cost to target / its full planned run (``ratio``, ``low``,
            ``high``, ``planned_epochs``): what stopping at the target would save.
        recommended: the name of the recommended setting (the reference when none is clearly
            cheaper).
    """

    reference: str
    settings: list[SettingToTarget]
    target: float | None
    target_basis: str
    tolerance: float
    greater_is_better: bool
    repeats: int
    max_epochs: int
    basis: Basis | None = None
    recommended: str | None = None
    early_stop: dict[str, float] | None = None
    threads: dict[str, Any] | None = None
    run_id: str | None = None
    own_energy_j: float | None = None
    reason: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out = asdict(self)
        out["basis"] = None if self.basis is None else self.basis.to_dict()
        return out

    def setting(self, name: str) -> SettingToTarget:
        """The setting called ``name``."""
        return next(s for s in self.settings if s.name == name)
