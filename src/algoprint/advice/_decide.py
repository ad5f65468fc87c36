"""The one decision rule of every comparison: decide only on what the measurement can see.

Every analysis that says "A costs less than B" (``advise simplicity`` candidates and screening,
``compare``, ``profile`` ranking, the pytest gate, ``advise training`` settings, ``advise data``)
uses this module (docs/analyses.md, "How algoprint decides"):

* **The deciding metric** (:func:`choose_basis`). Where every energy figure comes from a
  counter (RAPL, NVML: methods ``counter``/``power-integration``) the decision is on energy.
  Otherwise the energy is a CPU-utilisation *model* at machine scope: wall time × machine power,
  which charges ``time.sleep`` and co-tenant load and carries ±50 % or more. Then the decision
  is on the process's own CPU time (process scope), which a co-tenant or a sleep does not
  inflate. The metric is recorded and printed with every decision.
* **A difference only beyond the uncertainty.** Repeated paired measurements: the ratio's
  confidence interval must exclude 1 *and* the resolution band ``1 ± min_effect``
  (:func:`ratio_verdict`). Point costs with a relative uncertainty: the log ratio must exceed
  the combined uncertainty (:func:`clearly_less`). Otherwise: "no clear difference", and the
  simpler option wins.
* **Pinned threads** (:func:`pinned_threads`). BLAS/OpenMP pools are limited (default one
  thread) during measured fits, and the pools seen are recorded: default OpenMP threading on
  two shared vCPUs made one fit 160× slower, which is a property of the machine, not the model.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from algoprint.errors import InputError

__all__ = [
    "COUNTER_METHODS",
    "MIN_EFFECT",
    "Basis",
    "Cost",
    "choose_basis",
    "clearly_less",
    "cost_from_samples",
    "order_by_cost",
    "order_by_paired",
    "paired_verdict",
    "pinned_threads",
    "ratio_verdict",
]

COUNTER_METHODS = frozenset({"counter", "power-integration"})
"""Energy methods that measure (not model) the energy."""
MIN_EFFECT = 0.02
"""Resolution band of a ratio (2 %): smaller differences are not reported as differences."""
MIN_REL_UNCERTAINTY = 0.05
"""Floor of a point cost's relative uncertainty (5 %): timer resolution, cache and frequency
effects that repeats on one machine do not show."""


@dataclass(frozen=True, slots=True)
class Basis:
    """What a comparison decides on.

    Attributes:
        metric: ``energy`` (counter energy) or ``cpu`` (process CPU time, seconds).
        scope: ``dynamic`` (counter energy of the work) or ``process`` (the process's own CPU).
        reason: one sentence saying why, printed with the decision.
    """

    metric: str
    scope: str
    reason: str

    @property
    def unit(self) -> str:
        return "J" if self.metric == "energy" else "s CPU"

    def to_dict(self) -> dict[str, str]:
        return {"metric": self.metric, "scope": self.scope, "reason": self.reason}


def choose_basis(energy_methods: Iterable[str | None], *, requested: str = "auto") -> Basis:
    """The deciding metric for energies measured by ``energy_methods``.

    Args:
        energy_methods: the methods of the energy figures (``counter``, ``model``, ...).
        requested: ``auto``, ``energy`` or ``cpu`` (a user's override).

    Raises:
        InputError: an unknown ``requested`` value.
    """
    methods = sorted({m for m in energy_methods if m})
    if requested not in {"auto", "energy", "cpu"}:
        raise InputError(f"unknown decision metric {requested!r}", hint="use auto, energy or cpu")
    if requested == "energy":
        return Basis("energy", "dynamic", "energy (chosen by the user)")
    if requested == "cpu":
        return Basis("cpu", "process", "process CPU time (chosen by the user)")
    if methods and set(methods) <= COUNTER_METHODS:
        return Basis("energy", "dynamic", f"energy, measured by {', '.join(methods)}")
    shown = ", ".join(methods) or "no meter"
    return Basis(
        "cpu",
        "process",
        f"process CPU time: the energy is estimated ({shown}), not measured by a counter, so it "
        "is wall time × machine power and charges sleeps and other processes",
    )


@dataclass(frozen=True, slots=True)
class Cost:
    """A measured cost with its relative uncertainty (half-width of a ~95 % interval)."""

    value: float
    uncertainty_rel: float

    def to_dict(self) -> dict[str, float]:
        return {"value": self.value, "uncertainty_rel": self.uncertainty_rel}


def cost_from_samples(
    values: Sequence[float], *, floor_rel: float = MIN_REL_UNCERTAINTY, confidence: float = 0.95
) -> Cost:
    """The mean of repeated measurements and its relative t-interval half-width.

    Args:
        values: one measurement per repeat (same unit).
        floor_rel: the smallest relative uncertainty returned.
        confidence: the interval's coverage.

    Raises:
        InputError: no values.
    """
    from algoprint.advice.code.stats import mean_std, t_quantile

    if not values:
        raise InputError("no measurements to summarise")
    mean, std = mean_std(list(values))
    rel = floor_rel
    if len(values) >= 2 and mean > 0:
        half = t_quantile(0.5 + confidence / 2, len(values) - 1) * std / math.sqrt(len(values))
        rel = max(rel, half / mean)
    return Cost(mean, rel)


def clearly_less(a: Cost, b: Cost) -> bool:
    """Whether ``a`` costs less than ``b`` by more than their combined uncertainty.

    On logarithms: ``log(b / a) > log(1 + hypot(u_a, u_b))``.
    """
    if a.value <= 0 or b.value <= 0:
        return a.value < b.value and b.value > 0
    combined = math.hypot(a.uncertainty_rel, b.uncertainty_rel)
    return math.log(b.value / a.value) > math.log1p(combined)


def order_by_cost(items: Sequence[tuple[str, Cost, int]]) -> list[str]:
    """Names ordered by cost, where a cost not *clearly* above the cheapest ties with it.

    ``items`` are ``(name, cost, simplicity rank)``; ties go to the simpler (lower rank).
    The first name is the choice the measurement supports.
    """
    rest = list(items)
    out: list[str] = []
    while rest:
        cheapest = min(rest, key=lambda it: it[1].value)
        tied = [it for it in rest if not clearly_less(cheapest[1], it[1])]
        pick = min(tied, key=lambda it: (it[2], it[1].value))
        out.append(pick[0])
        rest.remove(pick)
    return out


def paired_verdict(
    a: Sequence[float], b: Sequence[float], *, extra_rel: float = 0.0, confidence: float = 0.95
) -> tuple[float, float, float, str]:
    """Ratio ``b / a`` of paired (interleaved) measurements, its interval and the verdict.

    The t-interval of the mean log ratio (``paired_log_ratio``), widened by ``extra_rel``: a
    relative uncertainty the pairs do not show (the fit time's spread within an inference
    re-measurement), added in quadrature on the log scale. The verdict is
    :func:`ratio_verdict`'s. Returns ``(ratio, low, high, verdict)``.

    Raises:
        InputError: fewer than 2 pairs, unequal lengths or a value <= 0.
    """
    from algoprint.advice.code.stats import paired_log_ratio

    est = paired_log_ratio(a, b, confidence=confidence)
    half = math.hypot(math.log(est.high / est.ratio), math.log1p(extra_rel))
    low, high = est.ratio * math.exp(-half), est.ratio * math.exp(half)
    return est.ratio, low, high, ratio_verdict(low, high)


def order_by_paired(items: Sequence[tuple[str, Sequence[float], int, float]]) -> list[str]:
    """:func:`order_by_cost` for costs measured in interleaved rounds.

    ``items`` are ``(name, cost per round, simplicity rank, extra relative uncertainty)``, every
    cost list measured in the same rounds. The cheapest is the lowest geometric mean; a cost
    ties with it unless :func:`paired_verdict` says ``more``; ties go to the simpler (lower
    rank). The first name is the choice the measurement supports.
    """

    def gmean(values: Sequence[float]) -> float:
        return math.exp(sum(math.log(v) for v in values) / len(values))

    rest = list(items)
    out: list[str] = []
    while rest:
        cheapest = min(rest, key=lambda it: gmean(it[1]))
        tied = [
            it
            for it in rest
            if it is cheapest
            or paired_verdict(cheapest[1], it[1], extra_rel=math.hypot(cheapest[3], it[3]))[3]
            != "more"
        ]
        pick = min(tied, key=lambda it: (it[2], gmean(it[1])))
        out.append(pick[0])
        rest.remove(pick)
    return out


def ratio_verdict(low: float, high: float, *, min_effect: float = MIN_EFFECT) -> str:
    """``less``, ``more`` or ``no clear difference`` from a ratio's interval ``[low, high]``.

    A difference needs the whole interval outside ``[1 / (1 + min_effect), 1 + min_effect]``.
    """
    if high < 1 / (1 + min_effect):
        return "less"
    if low > 1 + min_effect:
        return "more"
    return "no clear difference"


@contextlib.contextmanager
def pinned_threads(limit: int | None = 1) -> Iterator[dict[str, Any]]:
    """Limit BLAS/OpenMP thread pools to ``limit`` threads inside the block.

    Yields a dict that records the limit and the pools seen (``api``, ``library``,
    ``num_threads`` before the limit), for the analysis's result. ``limit=None`` leaves the
    pools alone and only records them. Without threadpoolctl, the dict says so.
    """
    info: dict[str, Any] = {"limit": limit, "pools": []}
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        info["note"] = "threadpoolctl is not installed: thread pools were not pinned"
        yield info
        return
    info["pools"] = [
        {
            "api": p.get("user_api"),
            "library": p.get("internal_api"),
            "num_threads": p.get("num_threads"),
        }
        for p in threadpool_info()
    ]
    if limit is None:
        yield info
        return
    with threadpool_limits(limits=limit):
        yield info
