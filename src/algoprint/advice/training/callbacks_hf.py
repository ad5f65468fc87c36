"""Hugging Face Transformers ``TrainerCallback``: per-epoch energy, prediction and budget.

::

    from algoprint.advice.training.callbacks_hf import EnergyCallback

    callback = EnergyCallback(algorithm="x")
    trainer = transformers.Trainer(model=model, args=args, train_dataset=ds, callbacks=[callback])
    with callback:            # ends the run as failed if training raises
        trainer.train()

The class is built on first use (importing this module does not import Transformers). A budget
stop sets ``control.should_training_stop``: the Trainer leaves its loop after the epoch and saves
checkpoints as its ``save_strategy`` says. Transformers has no exception hook, hence ``with``.
"""

from __future__ import annotations

import functools
from typing import Any

from algoprint.advice.training._callback import CallbackMixin
from algoprint.advice.training._store import require

__all__ = ["EnergyCallback", "callback_class"]  # noqa: F822 - built lazily (__getattr__)


@functools.cache
def callback_class() -> type[Any]:
    """The callback class (a ``transformers.TrainerCallback``).

    Raises:
        InputError: Transformers is not installed (with the install hint).
    """
    base = require("transformers", what="the Transformers callback").TrainerCallback

    class EnergyCallback(CallbackMixin, base):  # type: ignore[misc,valid-type]
        """Transformers callback recording the energy of each training epoch."""

        def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
            epochs = getattr(state, "num_train_epochs", None) or getattr(
                args, "num_train_epochs", None
            )
            planned = int(epochs) if epochs is not None and float(epochs).is_integer() else None
            self._begin(planned)
            return control

        def on_epoch_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
            self.recorder.epoch_start()
            return control

        def on_epoch_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
            self.recorder.epoch_end()
            if self.recorder.should_stop:
                control.should_training_stop = True
            return control

        def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
            self.recorder.stop()
            return control

    return EnergyCallback


def __getattr__(name: str) -> Any:
    if name == "EnergyCallback":
        return callback_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
