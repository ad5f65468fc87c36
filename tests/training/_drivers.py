"""One tiny training per framework; each batch adds ``J_PER_BATCH`` to the meter.

Every driver trains a 4→8→1 MLP on 64 samples in batches of 16 (4 batches per epoch) for
``epochs`` epochs with the given algoprint callback, and returns the epochs actually run.
``fail_at_epoch`` makes the training step raise in that (1-based) epoch.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.training._meters import StepMeter
from tests.training._models import regression_data, tiny_mlp

J_PER_BATCH = 10.0
BATCHES = 4
J_PER_EPOCH = J_PER_BATCH * BATCHES


class Boom(RuntimeError):
    pass


def fit_lightning(cb: Any, meter: StepMeter, epochs: int, tmp: Path, fail_at: int | None) -> int:
    import lightning.pytorch as pl
    import torch

    x, y = regression_data()

    class Module(pl.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            self.net = tiny_mlp()

        def training_step(self, batch: Any, batch_idx: int) -> Any:
            if fail_at is not None and self.current_epoch + 1 == fail_at:
                raise Boom("step failed")
            meter.bump(J_PER_BATCH)
            xb, yb = batch
            return torch.nn.functional.mse_loss(self.net(xb), yb)

        def configure_optimizers(self) -> Any:
            return torch.optim.SGD(self.parameters(), lr=0.01)

    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=16)
    trainer = pl.Trainer(
        max_epochs=epochs,
        callbacks=[cb],
        accelerator="cpu",
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        default_root_dir=str(tmp),
    )
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*does not have many workers.*")
        warnings.filterwarnings("ignore", message=".*GPU available.*")
        trainer.fit(Module(), loader)
    return int(trainer.current_epoch)


def fit_hf(cb: Any, meter: StepMeter, epochs: int, tmp: Path, fail_at: int | None) -> int:
    import torch
    from transformers import Trainer, TrainingArguments

    x, y = regression_data()
    state = {"epoch": 0}

    class Model(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.net = tiny_mlp()

        def forward(self, x: Any, labels: Any = None) -> dict[str, Any]:
            out = self.net(x)
            if self.training:
                meter.bump(J_PER_BATCH)
            return {"loss": torch.nn.functional.mse_loss(out, labels), "logits": out}

    class Data(torch.utils.data.Dataset[dict[str, Any]]):
        def __len__(self) -> int:
            return len(x)

        def __getitem__(self, i: int) -> dict[str, Any]:
            return {"x": x[i], "labels": y[i]}

    class EpochCount:  # counts epochs and raises inside the failing one
        pass

    args = TrainingArguments(
        output_dir=str(tmp),
        num_train_epochs=epochs,
        per_device_train_batch_size=16,
        report_to=[],
        use_cpu=True,
        save_strategy="no",
        logging_strategy="no",
        eval_strategy="no",
        disable_tqdm=True,
        remove_unused_columns=False,
        dataloader_num_workers=0,
    )
    from transformers import TrainerCallback

    class Fail(TrainerCallback):
        def on_epoch_begin(self, args: Any, st: Any, control: Any, **kw: Any) -> None:
            state["epoch"] += 1
            if fail_at is not None and state["epoch"] == fail_at:
                raise Boom("epoch failed")

    trainer = Trainer(model=Model(), args=args, train_dataset=Data(), callbacks=[cb, Fail()])
    with cb:
        trainer.train()
    return state["epoch"]


def fit_keras(cb: Any, meter: StepMeter, epochs: int, tmp: Path, fail_at: int | None) -> int:
    import keras
    import numpy as np

    x, y = (t.numpy() for t in regression_data())
    seen = {"epochs": 0}

    class Bump(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            seen["epochs"] = epoch + 1
            if fail_at is not None and epoch + 1 == fail_at:
                raise Boom("epoch failed")

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            meter.bump(J_PER_BATCH)

    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)]
    )
    model.compile(optimizer="sgd", loss="mse")
    with cb:
        model.fit(
            x.astype(np.float32), y, epochs=epochs, batch_size=16, verbose=0, callbacks=[cb, Bump()]
        )
    return seen["epochs"]


def fit_torch(tracker: Any, meter: StepMeter, epochs: int, tmp: Path, fail_at: int | None) -> int:
    import torch

    x, y = regression_data()
    model = tiny_mlp()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=16)
    ran = 0
    with tracker:
        for _ in tracker:
            ran += 1
            if fail_at is not None and ran == fail_at:
                raise Boom("epoch failed")
            for xb, yb in loader:
                meter.bump(J_PER_BATCH)
                opt.zero_grad()
                torch.nn.functional.mse_loss(model(xb), yb).backward()
                opt.step()
    return ran


def make(framework: str, epochs: int, **kwargs: Any) -> tuple[Any, Callable[..., int]]:
    """The callback (or EpochTracker) for ``framework`` and its driver."""
    if framework == "lightning":
        from algoprint.advice.training.callbacks_lightning import EnergyCallback

        return EnergyCallback(**kwargs), fit_lightning
    if framework == "hf":
        from algoprint.advice.training.callbacks_hf import EnergyCallback as HFCallback

        return HFCallback(**kwargs), fit_hf
    if framework == "keras":
        from algoprint.advice.training.callbacks_keras import EnergyCallback as KerasCallback

        return KerasCallback(**kwargs), fit_keras
    from algoprint.advice.training.torch_helper import EpochTracker

    return EpochTracker(epochs, **kwargs), fit_torch


FRAMEWORKS = ("lightning", "hf", "keras", "torch")
