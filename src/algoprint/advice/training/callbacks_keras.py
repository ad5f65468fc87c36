"""Keras 3 callback: per-epoch energy, prediction and budget (any Keras backend).

::

    from algoprint.advice.training.callbacks_keras import EnergyCallback

    callback = EnergyCallback(algorithm="x")
    with callback:            # ends the run as failed if fit raises
        model.fit(x, y, epochs=10, callbacks=[callback])

The class is built on first use (importing this module does not import Keras). A budget stop
sets ``model.stop_training``: ``fit`` ends after the epoch and ``ModelCheckpoint`` callbacks save
as usual. Keras has no exception hook, hence ``with``.
"""

from __future__ import annotations

import functools
from typing import Any

from algoprint.advice.training._callback import CallbackMixin
from algoprint.advice.training._store import require

__all__ = ["EnergyCallback", "callback_class"]  # noqa: F822 - built lazily (__getattr__)


@functools.cache
def callback_class() -> type[Any]:
    """The callback class (a ``keras.callbacks.Callback``).

    Raises:
        InputError: Keras is not installed (with the install hint).
    """
    base = require("keras", what="the Keras callback").callbacks.Callback

    class EnergyCallback(CallbackMixin, base):  # type: ignore[misc,valid-type]
        """Keras callback recording the energy of each training epoch."""

        def on_train_begin(self, logs: Any = None) -> None:
            epochs = (getattr(self, "params", None) or {}).get("epochs")
            self._begin(epochs if isinstance(epochs, int) else None)

        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            self.recorder.epoch_start()

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            self.recorder.epoch_end()
            if self.recorder.should_stop and getattr(self, "model", None) is not None:
                self.model.stop_training = True

        def on_train_end(self, logs: Any = None) -> None:
            self.recorder.stop()

    return EnergyCallback


def __getattr__(name: str) -> Any:
    if name == "EnergyCallback":
        return callback_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
