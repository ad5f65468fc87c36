"""Training settings compared at equal validation quality (``algoprint advise training``).

Every setting — precision × batch size × learning-rate schedule — trains a fresh model from
``model_factory`` with the user's optimiser until the validation loss reaches the target that
the reference setting (the first of each option: the user's current setting) reaches in its
planned epochs, with the tolerance on the loss *reduction*. The cost to that target (process CPU
time when the energy is modelled, energy when counters measure it) is compared over repeats
with :func:`~algoprint.advice.training.to_target.compare_to_target`; a setting that does not
reach the target is reported as such and never recommended. The reference's own cost to target
against its full planned run shows what stopping at the target (fewer epochs, early stopping)
would save.

Only software settings change: autocast dtype, the float32 matmul precision (TF32), the batch
size (with the learning rate scaled, linearly by default) and the learning-rate schedule. GPU
clocks and power limits are never touched. Modes the device cannot run are skipped with the
reason recorded (TF32 exists only on CUDA; fp16 autocast on CPUs that lack it).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from algoprint.advice.training._store import require
from algoprint.advice.training.to_target import Report, ToTargetComparison, compare_to_target
from algoprint.errors import InputError
from algoprint.records import AnalysisRecord

__all__ = ["PRECISIONS", "SCHEDULES", "TrainingAdvice", "TrainingSetting", "advise_training"]

PRECISIONS = ("fp32", "bf16", "fp16", "tf32")
SCHEDULES = ("constant", "cosine", "step")
"""Learning-rate schedules over the planned epochs: constant, cosine decay to zero, and a
step to a tenth at two thirds."""
LR_SCALINGS = ("linear", "sqrt", "none")


@dataclass(frozen=True, slots=True)
class TrainingSetting:
    """One combination of precision, batch size and learning-rate schedule."""

    precision: str
    batch_size: int
    schedule: str = "constant"

    @property
    def name(self) -> str:
        return f"{self.precision}/bs{self.batch_size}/{self.schedule}"


@dataclass(slots=True)
class TrainingAdvice:
    """The comparison at equal validation quality and the settings it could not run."""

    device: str
    comparison: ToTargetComparison
    settings: list[TrainingSetting]
    skipped: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def recommended(self) -> TrainingSetting | None:
        """The recommended setting (the reference when none is clearly cheaper)."""
        name = self.comparison.recommended
        return next((s for s in self.settings if s.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "device": self.device,
            "settings": [{**asdict(s), "name": s.name} for s in self.settings],
            "skipped": self.skipped,
            "notes": self.notes,
            "comparison": self.comparison.to_dict(),
        }

    def render(self, lang: str) -> list[str]:
        """Human lines (table, skipped settings, notes, decision) in ``nl`` or ``en``."""
        from algoprint.advice.training._advice_text import lines

        return lines(
            self.comparison, lang, device=self.device, skipped=self.skipped, notes=self.notes
        )

    def to_analysis(self, algorithm: str | None) -> AnalysisRecord:
        """The ``training-efficiency`` analysis record (texts in Dutch and English)."""
        from algoprint.advice.training._advice_text import summary

        return AnalysisRecord(
            kind="training-efficiency",
            algorithm=algorithm,
            title=f"Training settings at equal validation loss on {self.device}",
            result=self.to_dict(),
            summary_en=summary(self.comparison, "en"),
            summary_nl=summary(self.comparison, "nl"),
            own_energy_j=self.comparison.own_energy_j,
            run_ids=[self.comparison.run_id] if self.comparison.run_id else [],
        )


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


def lr_multiplier(schedule: str, step: int, total: int) -> float:
    """The learning-rate factor of ``schedule`` at ``step`` of ``total`` planned steps."""
    if schedule == "cosine":
        return 0.5 * (1 + math.cos(math.pi * min(step, total) / max(total, 1)))
    if schedule == "step":
        return 0.1 if step >= 2 * total / 3 else 1.0
    return 1.0


@dataclass(slots=True)
class _Job:
    """What every trainer shares: the model, the optimiser, the data and the plan."""

    torch: Any
    factory: Callable[[], Any]
    optimizer: Callable[[Iterable[Any]], Any]
    loss_fn: Callable[[Any, Any], Any]
    train: tuple[Any, Any]
    valid: tuple[Any, Any]
    device: str
    epochs: int
    reference_batch: int
    lr_scaling: str

    def evaluate(self, model: Any) -> float:
        """Mean validation loss in fp32, in chunks (eval mode, no gradients)."""
        torch, (x, y) = self.torch, self.valid
        model.eval()
        total, n = 0.0, len(x)
        with torch.no_grad():
            for i in range(0, n, 4096):
                xb, yb = x[i : i + 4096], y[i : i + 4096]
                total += float(self.loss_fn(model(xb).float(), yb)) * len(xb)
        model.train()
        return total / max(n, 1)

    def trainer(self, setting: TrainingSetting) -> Callable[[int, Report], None]:
        """``trainer(seed, report)`` for :func:`compare_to_target`."""
        torch, (x, y) = self.torch, self.train
        factor = setting.batch_size / self.reference_batch
        scale = {"linear": factor, "sqrt": math.sqrt(factor), "none": 1.0}[self.lr_scaling]
        steps = math.ceil(len(x) / setting.batch_size)
        total = steps * self.epochs
        fp16 = setting.precision == "fp16" and self.device == "cuda"

        def train(seed: int, report: Report) -> None:
            torch.manual_seed(seed)
            model = self.factory().to(self.device)
            opt = self.optimizer(model.parameters())
            for group in opt.param_groups:
                group["lr"] = group["lr"] * scale
            sched = torch.optim.lr_scheduler.LambdaLR(
                opt, lambda step: lr_multiplier(setting.schedule, step, total)
            )
            scaler = torch.amp.GradScaler(self.device) if fp16 else None
            order = torch.Generator().manual_seed(seed)
            if report(self.evaluate(model)):
                return
            for _ in range(self.epochs):
                perm = torch.randperm(len(x), generator=order).to(self.device)
                for i in range(steps):
                    idx = perm[i * setting.batch_size : (i + 1) * setting.batch_size]
                    opt.zero_grad(set_to_none=True)
                    with _precision(torch, setting.precision, self.device):
                        loss = self.loss_fn(model(x[idx]).float(), y[idx])
                    if scaler is not None:
                        scaler.scale(loss).backward()
                        scaler.step(opt)
                        scaler.update()
                    else:
                        loss.backward()
                        opt.step()
                    sched.step()
                if self.device == "cuda":
                    torch.cuda.synchronize()
                if report(self.evaluate(model)):
                    return

        return train


def _plan(
    precisions: Sequence[str], batch_sizes: Sequence[int], schedules: Sequence[str]
) -> list[TrainingSetting]:
    unknown = [p for p in precisions if p not in PRECISIONS]
    if unknown or not precisions:
        raise InputError(f"unknown precision(s) {unknown}", hint=f"use {', '.join(PRECISIONS)}")
    bad = [s for s in schedules if s not in SCHEDULES]
    if bad or not schedules:
        raise InputError(f"unknown schedule(s) {bad}", hint=f"use {', '.join(SCHEDULES)}")
    if not batch_sizes or any(int(b) <= 0 for b in batch_sizes):
        raise InputError("batch sizes must be positive", hint="e.g. batch_sizes=(32, 128)")
    return [
        TrainingSetting(p, int(b), s)
        for p in dict.fromkeys(precisions)
        for b in dict.fromkeys(batch_sizes)
        for s in dict.fromkeys(schedules)
    ]


def advise_training(
    model_factory: Callable[[], Any],
    data: tuple[Any, Any],
    *,
    eval_data: tuple[Any, Any] | None = None,
    precisions: Sequence[str] = PRECISIONS,
    batch_sizes: Sequence[int] = (32, 128),
    schedules: Sequence[str] = ("constant",),
    epochs: int = 10,
    optimizer: Callable[[Iterable[Any]], Any] | None = None,
    lr: float = 0.01,
    lr_scaling: str = "linear",
    loss_fn: Callable[[Any, Any], Any] | None = None,
    tolerance: float = 0.05,
    target: float | None = None,
    repeats: int = 3,
    device: str = "auto",
    threads: int | None = 1,
    algorithm: str | None = None,
    seed: int = 0,
    **tracker_kwargs: Any,
) -> TrainingAdvice:
    """Compare training settings by their cost to one target validation loss; recommend one.

    Args:
        model_factory: returns a fresh ``torch.nn.Module`` (called once per training).
        data: ``(inputs, targets)`` tensors for training.
        eval_data: ``(inputs, targets)`` for the validation loss (default: ``data``, noted).
        precisions / batch_sizes / schedules: the options; the first of each together is the
            reference (your current setting). Schedules: see :data:`SCHEDULES`.
        epochs: the reference's planned epochs, and the most any setting may train.
        optimizer: ``optimizer(parameters)`` returns your ``torch.optim`` optimiser (default
            SGD with ``lr``); its learning rates are scaled with the batch size.
        lr: the learning rate of the default SGD optimiser.
        lr_scaling: ``linear`` (default), ``sqrt`` or ``none``: learning rate × (batch size /
            reference batch size), its square root, or unchanged.
        loss_fn: ``loss_fn(output, target)`` with mean reduction; default mean squared error.
        tolerance: share of the reference's loss reduction a setting may give up (0.05 = 5 %).
        target: an explicit target validation loss instead of the reference's.
        repeats: trainings per setting (>= 2, default 3), for the intervals.
        device: ``auto`` (CUDA when available), ``cpu`` or ``cuda``.
        threads: intra-op threads during the comparison (``None``: leave as they are).
        algorithm: slug for the run and the analysis.
        seed: training ``r`` of every setting starts from ``seed + r``.
        **tracker_kwargs: for the :class:`~algoprint.Tracker` (``meters``, ``store``, ...).

    Raises:
        InputError: an unknown option, non-positive sizes, a bad device, tolerance or target,
            no target (the reference did not learn), or torch missing.
    """
    torch = require("torch", what="advise_training")
    plan = _plan(precisions, batch_sizes, schedules)
    if epochs < 1:
        raise InputError(f"epochs must be >= 1, got {epochs!r}")
    if lr_scaling not in LR_SCALINGS:
        raise InputError(f"unknown lr_scaling {lr_scaling!r}", hint=f"use {', '.join(LR_SCALINGS)}")
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device not in {"cpu", "cuda"} or (device == "cuda" and not torch.cuda.is_available()):
        raise InputError(f"device {device!r} is not available", hint="use device='auto'")
    notes: list[str] = []
    if eval_data is None:
        notes.append("validation loss on the training data: pass eval_data for held-out data")
    skipped, runnable = [], []
    for s in plan:
        reason = _skip_reason(torch, s.precision, device)
        if reason:
            skipped.append({"setting": s.name, "reason": reason})
        else:
            runnable.append(s)
    if not runnable:
        raise InputError(f"no setting can run on {device}", hint="add fp32 to the precisions")
    if runnable[0] is not plan[0]:
        notes.append(f"{plan[0].name} cannot run here; {runnable[0].name} is the reference")
    valid = eval_data or data
    job = _Job(
        torch=torch,
        factory=model_factory,
        optimizer=optimizer or (lambda params: torch.optim.SGD(params, lr=lr)),
        loss_fn=loss_fn or torch.nn.functional.mse_loss,
        train=(data[0].to(device), data[1].to(device)),
        valid=(valid[0].to(device), valid[1].to(device)),
        device=device,
        epochs=epochs,
        reference_batch=runnable[0].batch_size,
        lr_scaling=lr_scaling,
    )
    before = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        comparison = compare_to_target(
            [(s.name, job.trainer(s)) for s in runnable],
            max_epochs=epochs,
            tolerance=tolerance,
            target=target,
            repeats=repeats,
            seed=seed,
            threads=threads,
            algorithm=algorithm,
            **tracker_kwargs,
        )
    finally:
        torch.set_num_threads(before)
    return TrainingAdvice(device, comparison, runnable, skipped, notes)
