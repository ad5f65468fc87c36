"""Cost to a target validation quality: compare training settings at equal quality (owk-06).

Comparing settings by the energy of a fixed number of steps rewards a setting that simply
learns less. Here every setting trains with the user's own training function until the
validation loss reaches one *target*, and the cost of getting there is compared:

1. **The target.** By default the reference setting (the first) trains its planned epochs
   ``repeats`` times; the target is what it reaches — its best validation loss over those
   epochs, the checkpoint early stopping would keep — with the tolerance on the *loss
   reduction*: ``target = initial - (1 - tolerance) × (initial - best)`` (medians over the
   repeats). A setting that learns 12 % less never reaches a 5 % target. A given ``target``
   replaces this.
2. **Cost to target.** Each setting trains (up to ``max_epochs``) until its validation loss
   reaches the target, and is stopped there. At every epoch edge the process CPU time, wall
   time and energy since the start are read; the cost to target is the cumulative figure at the
   first epoch that reaches it (validation included: it is part of training to a target).
   The reference's cost to target is read from its full runs the same way.
3. **Repeats and the decision.** Repeat ``r`` of every setting starts from seed ``seed + r``,
   so repeats pair up. The decision follows :mod:`algoprint.advice._decide`: on process CPU
   time when the energy is modelled, on energy when counters measure it; the paired ratio
   setting / reference gets a t-interval on the log ratios, and a setting is *cheaper* only
   when the whole interval lies below ``1 / (1 + MIN_EFFECT)``. A setting that does not reach
   the target in every repeat is reported as "did not reach the target" and never passes.

A trainer is any callable ``trainer(seed, report)`` that builds a fresh model from ``seed``,
calls ``report(validation_loss)`` once *before* training and once after every epoch, and stops
when ``report`` returns ``True``. Cost is counted from the first report on.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from statistics import median
from typing import Any, Protocol

from algoprint.advice._decide import Cost, cost_from_samples, order_by_cost, ratio_verdict
from algoprint.advice.training._measure import EpochClock
from algoprint.advice.training._target_records import (
    FAILED,
    NOT_REACHED,
    REACHED,
    VERDICTS,
    Attempt,
    SettingToTarget,
    ToTargetComparison,
)
from algoprint.errors import InputError

__all__ = [
    "VERDICTS",
    "Attempt",
    "Report",
    "SettingToTarget",
    "ToTargetComparison",
    "Trainer",
    "compare_to_target",
]


class Report(Protocol):
    """What a trainer calls with each validation loss; ``True`` means stop training."""

    def __call__(self, validation_loss: float) -> bool: ...


Trainer = Callable[[int, Report], None]
"""``trainer(seed, report)``: train a fresh model, reporting the validation loss each epoch."""


class _Reporter:
    """The ``report`` callable of one attempt: reads the clock at each epoch edge."""

    def __init__(
        self, attempt: Attempt, clock: EpochClock, target: float | None, sign: float, cap: int
    ) -> None:
        self.attempt, self.clock, self.target, self.sign, self.cap = (
            attempt,
            clock,
            target,
            sign,
            cap,
        )
        self.stop_at_target = True

    def __call__(self, validation_loss: float) -> bool:
        reading = self.clock.read()
        value = float(validation_loss)
        a = self.attempt
        if a.initial is None:
            a.initial = value
            self.clock.zero(reading)
            return False
        cpu_s, wall_s, machine_j, process_j = self.clock.since_zero(reading)
        a.losses.append(value)
        a.cpu_s.append(cpu_s)
        a.wall_s.append(wall_s)
        a.energy_j.append(machine_j)
        a.process_energy_j.append(process_j)
        hit = self.target is not None and math.isfinite(value)
        hit = hit and self.sign * value <= self.sign * (self.target or 0.0)
        if hit and a.reached_epoch is None:
            a.reached_epoch = len(a.losses)
        return (hit and self.stop_at_target) or len(a.losses) >= self.cap


def _attempt(
    name: str,
    trainer: Trainer,
    repeat: int,
    clock: EpochClock,
    *,
    seed: int,
    target: float | None,
    sign: float,
    cap: int,
    stop_at_target: bool,
) -> Attempt:
    attempt = Attempt(repeat)
    reporter = _Reporter(attempt, clock, target, sign, cap)
    reporter.stop_at_target = stop_at_target
    try:
        with clock.phase(name):
            trainer(seed + repeat, reporter)
    except Exception as e:  # one failing setting must not end the comparison
        attempt.error = f"{type(e).__name__}: {e}"
    if attempt.error is None and attempt.initial is None:
        attempt.error = "the trainer never called report(validation_loss)"
    return attempt


def _target_from(attempts: Sequence[Attempt], tol: float, sign: float) -> float:
    done = [a for a in attempts if a.error is None and a.losses and a.initial is not None]
    if not done:
        raise InputError(
            "the reference setting did not complete a training run, so there is no target",
            hint="check the reference trainer, or pass target=",
        )
    initial = median(sign * (a.initial or 0.0) for a in done)
    reduction = median(
        sign * (a.initial or 0.0)
        - min((sign * v for v in a.losses if math.isfinite(v)), default=sign * (a.initial or 0.0))
        for a in done
    )
    if not reduction > 0:
        raise InputError(
            "the reference setting did not improve the validation loss, so it defines no target",
            hint="train the reference longer (max_epochs) or pass an explicit target",
        )
    return sign * (initial - (1 - tol) * reduction)


def _mark_reached(attempt: Attempt, target: float, sign: float) -> None:
    attempt.reached_epoch = next(
        (i + 1 for i, v in enumerate(attempt.losses) if sign * v <= sign * target), None
    )


def _check(
    items: Sequence[tuple[str, Trainer]], max_epochs: int, tol: float, repeats: int, target: Any
) -> None:
    names = [name for name, _ in items]
    if not items or any(not isinstance(n, str) or not n for n in names):
        raise InputError("give at least one named setting", hint="{'reference': train_fn, ...}")
    if len(set(names)) != len(names):
        raise InputError(f"setting names repeat: {names}", hint="give every setting its own name")
    if max_epochs < 1:
        raise InputError(f"max_epochs must be >= 1, got {max_epochs!r}")
    if repeats < 2:
        raise InputError(
            f"repeats must be >= 2 for an interval, got {repeats!r}", hint="use 3 or more"
        )
    if not 0 <= tol < 1:
        raise InputError(f"tolerance must be in [0, 1), got {tol!r}", hint="e.g. 0.05 for 5 %")
    if target is not None and not (isinstance(target, int | float) and math.isfinite(target)):
        raise InputError(f"target must be a finite number, got {target!r}")


def compare_to_target(
    trainers: Mapping[str, Trainer] | Sequence[tuple[str, Trainer]],
    *,
    max_epochs: int,
    tolerance: float = 0.05,
    target: float | None = None,
    greater_is_better: bool = False,
    repeats: int = 3,
    seed: int = 0,
    warmup: bool = True,
    threads: int | None = 1,
    decide_on: str = "auto",
    cpu_clock: Callable[[], float] | None = None,
    algorithm: str | None = None,
    **tracker_kwargs: Any,
) -> ToTargetComparison:
    """Train every setting to one target validation quality and compare the cost of getting there.

    Args:
        trainers: ``{name: trainer}`` in plan order; the first is the reference (the user's
            current setting). See :data:`Trainer` for the calling convention.
        max_epochs: the reference's planned epochs, and the most any setting may train.
        tolerance: share of the reference's loss reduction a setting may give up (0.05 = 5 %).
        target: an explicit target validation loss (or metric), instead of the reference's.
        greater_is_better: the reported value is a metric to maximise (accuracy), not a loss.
        repeats: repeats per setting (>= 2; default 3) for the intervals.
        seed: repeat ``r`` of every setting uses ``seed + r``.
        warmup: first train every setting for one untimed epoch (imports, allocators, caches).
        threads: BLAS/OpenMP threads during the comparison (``None``: leave as they are).
        decide_on: ``auto`` (the shared rule), ``energy`` or ``cpu``.
        cpu_clock: the process-scope clock (s); default :func:`time.process_time`.
        algorithm: slug for the tracked run.
        **tracker_kwargs: for the :class:`~algoprint.Tracker` (``meters``, ``store``, ...).

    Raises:
        InputError: bad arguments, or no target (the reference failed or did not improve).
    """
    from algoprint.advice._decide import pinned_threads
    from algoprint.tracking.tracker import Tracker

    items = list(trainers.items()) if isinstance(trainers, Mapping) else list(trainers)
    _check(items, max_epochs, tolerance, repeats, target)
    sign = -1.0 if greater_is_better else 1.0
    tracker = Tracker(algorithm=algorithm, phase="training-experiment", **tracker_kwargs)
    tracker.start()
    clock = EpochClock(tracker, cpu_clock)
    runs: dict[str, list[Attempt]] = {name: [] for name, _ in items}
    error: BaseException | None = None
    goal = None if target is None else float(target)
    try:
        with pinned_threads(threads) as thread_info:
            if warmup:
                for _name, trainer in items:
                    _attempt(
                        "warm-up",
                        trainer,
                        0,
                        clock,
                        seed=seed,
                        target=None,
                        sign=sign,
                        cap=1,
                        stop_at_target=False,
                    )
            ref_name, ref = items[0]
            for r in range(repeats):  # the reference trains its planned epochs: the target
                runs[ref_name].append(
                    _attempt(
                        ref_name,
                        ref,
                        r,
                        clock,
                        seed=seed,
                        target=None,
                        sign=sign,
                        cap=max_epochs,
                        stop_at_target=False,
                    )
                )
            if goal is None:
                goal = _target_from(runs[ref_name], tolerance, sign)
            for attempt in runs[ref_name]:
                _mark_reached(attempt, goal, sign)
            for r in range(repeats):  # interleaved: slow drift spreads over every setting
                for name, trainer in items[1:]:
                    runs[name].append(
                        _attempt(
                            name,
                            trainer,
                            r,
                            clock,
                            seed=seed,
                            target=goal,
                            sign=sign,
                            cap=max_epochs,
                            stop_at_target=True,
                        )
                    )
    except BaseException as e:
        error = e
        raise
    finally:
        record = tracker.stop(error=error)
    out = ToTargetComparison(
        reference=items[0][0],
        settings=[SettingToTarget(name, attempts) for name, attempts in runs.items()],
        target=goal,
        target_basis="reference" if target is None else "given",
        tolerance=tolerance,
        greater_is_better=greater_is_better,
        repeats=repeats,
        max_epochs=max_epochs,
        threads=thread_info,
        run_id=record.run_id,
        own_energy_j=record.energy_j,
    )
    from algoprint.advice._decide import choose_basis

    methods = (str(c.method) for c in record.components if c.energy_j is not None)
    out.basis = choose_basis(methods, requested=decide_on)
    _decide(out)
    return out


def _summarise(s: SettingToTarget, metric: str, energy: str) -> None:
    done = [a for a in s.attempts if a.reached_epoch is not None]
    s.epochs_to_target = [a.reached_epoch for a in done if a.reached_epoch is not None]
    if any(a.error for a in s.attempts):
        s.status = FAILED
    elif len(done) < len(s.attempts):
        s.status = NOT_REACHED
    costs = [c for a in done if (c := a.at_target(metric)) is not None]
    if costs and len(costs) == len(done):
        s.cost = cost_from_samples(costs)
    energies = [e for a in done if (e := a.at_target(energy)) is not None]
    if energies and len(energies) == len(done):
        s.energy_j = cost_from_samples(energies)
    if done:
        s.wall_s = sum(a.wall_s[(a.reached_epoch or 1) - 1] for a in done) / len(done)


def _decide(out: ToTargetComparison) -> None:
    from algoprint.advice.code.stats import paired_log_ratio

    assert out.basis is not None
    metric = "energy" if out.basis.metric == "energy" else "cpu"
    energy = "energy" if out.basis.metric == "energy" else "process-energy"
    for s in out.settings:
        _summarise(s, metric, energy)
    ref = out.setting(out.reference)
    out.notes.append(f"decided on {out.basis.reason}")
    out.notes.append("cost to target includes the validation after every epoch")
    if ref.status == FAILED:
        out.reason = "the reference setting failed: " + next(
            a.error for a in ref.attempts if a.error
        )
    cheaper: list[tuple[str, Cost, int]] = []
    for rank, s in enumerate(out.settings):
        if s is ref:
            continue
        if s.status != REACHED:
            s.verdict = s.status
            continue
        pairs = [
            (a, b)
            for x, y in zip(ref.attempts, s.attempts, strict=False)
            if (a := x.at_target(metric)) is not None
            and (b := y.at_target(metric)) is not None
            and a > 0
            and b > 0
        ]
        s.verdict = "no clear difference"
        if len(pairs) < 2:
            out.notes.append(f"{s.name}: fewer than 2 repeats pair with the reference")
            continue
        est = paired_log_ratio([a for a, _ in pairs], [b for _, b in pairs])
        s.ratio = {"ratio": est.ratio, "low": est.low, "high": est.high, "pairs": len(pairs)}
        verdict = ratio_verdict(est.low, est.high)
        s.verdict = {"less": "cheaper", "more": "costlier"}.get(verdict, "no clear difference")
        if s.verdict == "cheaper" and s.cost is not None:
            cheaper.append((s.name, s.cost, rank))
    out.recommended = order_by_cost(cheaper)[0] if cheaper else out.reference
    if ref.status != FAILED:
        _early_stop(out, ref, metric)


def _early_stop(out: ToTargetComparison, ref: SettingToTarget, metric: str) -> None:
    """What stopping the reference at the target (instead of its planned epochs) saves."""
    ratios = []
    for a in ref.attempts:
        full = a.series(metric)
        at = a.at_target(metric)
        if at is not None and full and full[-1]:
            ratios.append(at / full[-1])
    if len(ratios) < 2:
        return
    c = cost_from_samples(ratios)
    out.early_stop = {
        "ratio": c.value,
        "low": max(0.0, c.value * (1 - c.uncertainty_rel)),
        "high": c.value * (1 + c.uncertainty_rel),
        "planned_epochs": float(out.max_epochs),
        "epochs_to_target": sum(ref.epochs_to_target) / max(len(ref.epochs_to_target), 1),
    }
