"""Efficiency experiments (``algoprint advise training``): precision × batch size.

For every precision mode and batch size, a fresh model from ``model_factory`` is trained for the
same number of *samples* (``steps`` steps at the smallest batch size; fewer, larger steps at the
larger ones), inside its own phase of one tracked run, after two untimed warm-up steps. Energy per
sample and the loss reached are compared with the reference (fp32 at the first batch size); the
recommendation is the cheapest setting whose *loss reduction* (loss before training minus loss
after) is at least ``1 - tolerance`` of the reference's, so a setting that learned 12 % less does
not pass a 5 % tolerance. "Cheapest" follows the shared decision rule
(:mod:`algoprint.advice._decide`): energy per sample when the energy comes from counters, else
process CPU time per sample; a cost not clearly below the reference's (beyond the combined
uncertainty) is a tie, and the tie goes to the reference setting.

Only software settings change: autocast dtype, the float32 matmul precision (TF32) and the batch
size. GPU clocks and power limits are never touched. Modes the device cannot run are skipped with
the reason recorded (TF32 exists only on CUDA; fp16 autocast on CPUs that lack it).
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from algoprint.advice.training._store import require
from algoprint.errors import InputError
from algoprint.records import AnalysisRecord

__all__ = ["SettingResult", "TrainingAdvice", "advise_training"]

PRECISIONS = ("fp32", "bf16", "fp16", "tf32")


@dataclass(slots=True)
class SettingResult:
    """One precision × batch-size setting.

    Attributes:
        status: ``measured``, ``skipped`` (not supported here) or ``failed`` (raised).
        energy_j: energy of the timed steps (J); ``None`` when not measured or a meter gap.
        energy_per_sample_j: ``energy_j`` / samples (J).
        loss: loss on the evaluation data after training, computed in fp32.
        initial_loss: the same loss before training (the reduction is what is compared).
        cpu_s: process CPU time of the timed steps (s).
        matches_reference: loss reduction within tolerance of the reference setting's.
    """

    precision: str
    batch_size: int
    status: str
    steps: int = 0
    samples: int = 0
    duration_s: float | None = None
    energy_j: float | None = None
    energy_per_sample_j: float | None = None
    loss: float | None = None
    initial_loss: float | None = None
    cpu_s: float | None = None
    matches_reference: bool | None = None
    reason: str | None = None


@dataclass(slots=True)
class TrainingAdvice:
    """The measured settings and the recommendation."""

    device: str
    tolerance: float
    reference: SettingResult | None
    recommended: SettingResult | None
    settings: list[SettingResult]
    run_id: str | None = None
    own_energy_j: float | None = None
    reason: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)

    def to_analysis(self, algorithm: str | None) -> AnalysisRecord:
        """The ``training-efficiency`` analysis record."""
        rec, ref = self.recommended, self.reference
        if rec is None or ref is None:
            en = f"No recommendation: {self.reason}"
            nl = f"Geen aanbeveling: {self.reason}"
        else:
            gain = _saving(ref, rec)
            tail = "" if gain is None else f", {100 * gain:.0f} % less energy per sample"
            tail_nl = "" if gain is None else f", {100 * gain:.0f} % minder energie per sample"
            en = f"Use {rec.precision} with batch size {rec.batch_size} on {self.device}{tail}."
            nl = f"Gebruik {rec.precision} met batchgrootte {rec.batch_size} op {self.device}"
            nl += f"{tail_nl}."
        return AnalysisRecord(
            kind="training-efficiency",
            algorithm=algorithm,
            title=f"Training precision and batch size on {self.device}",
            result=self.to_dict(),
            summary_en=en,
            summary_nl=nl,
            own_energy_j=self.own_energy_j,
            run_ids=[self.run_id] if self.run_id else [],
        )


def _saving(ref: SettingResult, rec: SettingResult) -> float | None:
    if not ref.energy_per_sample_j or rec.energy_per_sample_j is None:
        return None
    return 1 - rec.energy_per_sample_j / ref.energy_per_sample_j


def _skip_reason(torch: Any, precision: str, device: str) -> str | None:
    if precision == "tf32" and device != "cuda":
        return "TF32 is a CUDA tensor-core mode; not available on " + device
    if precision == "bf16" and device == "cuda" and not torch.cuda.is_bf16_supported():
        return "this GPU does not support bfloat16"
    if precision in {"bf16", "fp16"}:
        dtype = torch.bfloat16 if precision == "bf16" else torch.float16
        try:
            with torch.autocast(device_type=device, dtype=dtype):
                torch.nn.Linear(2, 2).to(device)(torch.ones(1, 2, device=device))
        except Exception as e:  # the device has no such autocast
            return f"{precision} autocast is not supported on {device}: {e}"
    return None


@contextlib.contextmanager
def _precision(torch: Any, precision: str, device: str) -> Iterator[None]:
    if precision == "tf32":
        before = torch.get_float32_matmul_precision()
        cudnn = torch.backends.cudnn.allow_tf32
        torch.set_float32_matmul_precision("high")
        torch.backends.cudnn.allow_tf32 = True
        try:
            yield
        finally:
            torch.set_float32_matmul_precision(before)
            torch.backends.cudnn.allow_tf32 = cudnn
        return
    if precision in {"bf16", "fp16"}:
        dtype = torch.bfloat16 if precision == "bf16" else torch.float16
        with torch.autocast(device_type=device, dtype=dtype):
            yield
        return
    yield


class _Setting:
    """Trains one precision mode (autocast dtype, TF32, fp16 loss scaling on CUDA)."""

    def __init__(self, torch: Any, precision: str, device: str, loss_fn: Any) -> None:
        self.torch, self.precision, self.device, self.loss_fn = torch, precision, device, loss_fn
        cuda_fp16 = precision == "fp16" and device == "cuda"
        self.scaler = torch.amp.GradScaler(device) if cuda_fp16 else None

    def fresh(self, factory: Callable[[], Any], seed: int, lr: float) -> tuple[Any, Any]:
        self.torch.manual_seed(seed)
        model = factory().to(self.device)
        return model, self.torch.optim.SGD(model.parameters(), lr=lr)

    def train(self, model: Any, opt: Any, batches: Iterator[tuple[Any, Any]]) -> None:
        for xb, yb in batches:
            opt.zero_grad(set_to_none=True)
            with _precision(self.torch, self.precision, self.device):
                loss = self.loss_fn(model(xb).float(), yb)
            if self.scaler is not None:
                self.scaler.scale(loss).backward()
                self.scaler.step(opt)
                self.scaler.update()
            else:
                loss.backward()
                opt.step()
        if self.device == "cuda":
            self.torch.cuda.synchronize()


def _batches(x: Any, y: Any, batch_size: int, steps: int) -> Iterator[tuple[Any, Any]]:
    n = len(x)
    for step in range(steps):
        start = (step * batch_size) % n
        idx = [(start + i) % n for i in range(batch_size)]
        yield x[idx], y[idx]


def advise_training(
    model_factory: Callable[[], Any],
    data: tuple[Any, Any],
    *,
    precisions: Sequence[str] = PRECISIONS,
    batch_sizes: Sequence[int] = (32, 128),
    steps: int = 50,
    device: str = "auto",
    loss_fn: Callable[[Any, Any], Any] | None = None,
    lr: float = 0.01,
    tolerance: float = 0.05,
    eval_data: tuple[Any, Any] | None = None,
    algorithm: str | None = None,
    seed: int = 0,
    **tracker_kwargs: Any,
) -> TrainingAdvice:
    """Measure energy per sample and loss for each precision × batch size; recommend one.

    Args:
        model_factory: returns a fresh ``torch.nn.Module`` (called once per setting).
        data: ``(inputs, targets)`` tensors for training.
        precisions: modes among ``fp32``, ``bf16``, ``fp16``, ``tf32``.
        batch_sizes: batch sizes; the first is the reference (with fp32).
        steps: steps at the smallest batch size; every setting trains on the same samples.
        device: ``auto`` (CUDA when available), ``cpu`` or ``cuda``.
        loss_fn: ``loss_fn(output, target)``; default mean squared error.
        lr: SGD learning rate (scaled linearly with the batch size: same step per sample).
        tolerance: accepted relative loss increase against the reference (0.05 = 5 %).
        eval_data: data for the loss comparison (default: ``data``).
        algorithm: slug for the run and the analysis.
        **tracker_kwargs: for the :class:`~algoprint.Tracker` (``meters``, ``store``, ...).

    Raises:
        InputError: unknown precision, empty or non-positive batch sizes or steps, a bad
            device or tolerance, or torch missing.
    """
    torch = require("torch", what="advise_training")
    unknown = [p for p in precisions if p not in PRECISIONS]
    if unknown or not precisions:
        raise InputError(f"unknown precision(s) {unknown}", hint=f"use {', '.join(PRECISIONS)}")
    if not batch_sizes or any(int(b) <= 0 for b in batch_sizes) or steps <= 0:
        raise InputError("batch sizes and steps must be positive", hint="e.g. batch_sizes=(32,)")
    if not 0 <= tolerance < 1:
        raise InputError(f"tolerance must be in [0, 1), got {tolerance!r}")
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device not in {"cpu", "cuda"} or (device == "cuda" and not torch.cuda.is_available()):
        raise InputError(f"device {device!r} is not available", hint="use device='auto'")
    loss_fn = loss_fn or torch.nn.functional.mse_loss
    x, y = (t.to(device) for t in data)
    ex, ey = (t.to(device) for t in (eval_data or data))
    smallest = min(int(b) for b in batch_sizes)
    plan = [(p, int(b)) for p in precisions for b in batch_sizes]
    from algoprint.tracking.tracker import Tracker

    tracker = Tracker(algorithm=algorithm, phase="training-experiment", **tracker_kwargs)
    run = tracker.start()
    results: list[SettingResult] = []
    error: BaseException | None = None
    try:
        for precision, batch in plan:
            reason = _skip_reason(torch, precision, device)
            if reason:
                results.append(SettingResult(precision, batch, "skipped", reason=reason))
                continue
            n_steps = max(1, round(steps * smallest / batch))
            result = SettingResult(precision, batch, "measured", n_steps, n_steps * batch)
            try:
                setting = _Setting(torch, precision, device, loss_fn)
                model, opt = setting.fresh(model_factory, seed, lr * batch / smallest)
                setting.train(model, opt, _batches(x, y, batch, 2))  # warm-up, not timed
                model, opt = setting.fresh(model_factory, seed, lr * batch / smallest)
                with torch.no_grad():
                    result.initial_loss = float(loss_fn(model(ex).float(), ey))
                with run.phase(f"{precision}/bs{batch}"):
                    cpu0_s = time.process_time()
                    setting.train(model, opt, _batches(x, y, batch, n_steps))
                    result.cpu_s = time.process_time() - cpu0_s
                with torch.no_grad():
                    result.loss = float(loss_fn(model(ex).float(), ey))
            except Exception as e:  # one setting failing must not end the experiment
                result.status, result.reason = "failed", f"{type(e).__name__}: {e}"
            results.append(result)
    except BaseException as e:
        error = e
        raise
    finally:
        record = tracker.stop(error=error)
    return _conclude(results, record, device, tolerance)


def _conclude(results: list[SettingResult], record: Any, device: str, tol: float) -> TrainingAdvice:
    phases = {p.name: p for p in record.phases}
    for r in results:
        phase = phases.get(f"{r.precision}/bs{r.batch_size}")
        if r.status == "measured" and phase is not None:
            r.duration_s = phase.duration_s
            r.energy_j = phase.energy_j
            if phase.energy_j is not None and r.samples:
                r.energy_per_sample_j = phase.energy_j / r.samples
    measured = [r for r in results if r.status == "measured" and r.loss is not None]
    reference = next(
        (r for r in measured if r.precision == "fp32"), measured[0] if measured else None
    )
    advice = TrainingAdvice(device, tol, reference, None, results, record.run_id, record.energy_j)
    if reference is None or reference.loss is None:
        advice.reason = "no setting could be measured"
        return advice
    if reference.precision != "fp32":
        advice.notes.append("fp32 was not measured; the first measured setting is the reference")
    ref_drop = (reference.initial_loss or 0.0) - reference.loss
    for r in measured:
        loss = r.loss if r.loss is not None and math.isfinite(r.loss) else None
        if loss is None:
            r.matches_reference = False
        elif ref_drop > 0 and r.initial_loss is not None:
            r.matches_reference = (r.initial_loss - loss) >= (1 - tol) * ref_drop - 1e-12
        else:  # the reference did not learn: compare the losses themselves
            r.matches_reference = loss <= reference.loss * (1 + tol) + 1e-12
    if ref_drop <= 0:
        advice.notes.append("the reference did not reduce the loss: losses compared directly")
    candidates = [r for r in measured if r.matches_reference and r.energy_per_sample_j is not None]
    if not candidates:
        advice.reason = "no setting has both a measured energy and a loss matching the reference"
        return advice
    from algoprint.advice._decide import MIN_REL_UNCERTAINTY, Cost, choose_basis, order_by_cost

    basis = choose_basis(str(c.method) for c in record.components if c.energy_j is not None)
    advice.notes.append(f"decided on {basis.reason}")

    def cost(r: SettingResult) -> Cost:
        per = (r.cpu_s or 0.0) if basis.metric == "cpu" else (r.energy_j or 0.0)
        return Cost(per / max(r.samples, 1), MIN_REL_UNCERTAINTY)

    order = {id(r): i for i, r in enumerate(results)}  # plan order: the reference first
    ranked = order_by_cost([(str(id(r)), cost(r), order[id(r)]) for r in candidates])
    advice.recommended = next(r for r in candidates if str(id(r)) == ranked[0])
    return advice
