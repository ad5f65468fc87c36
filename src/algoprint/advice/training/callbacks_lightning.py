"""PyTorch Lightning callback: per-epoch energy, prediction and budget.

::

    from algoprint.advice.training.callbacks_lightning import EnergyCallback

    trainer = lightning.pytorch.Trainer(max_epochs=10, callbacks=[EnergyCallback(algorithm="x")])
    trainer.fit(model, loader)

``EnergyCallback`` subclasses ``lightning.pytorch.Callback`` (or ``pytorch_lightning.Callback``
when only that package is installed); use :func:`callback_class` to pick the package that your
``Trainer`` comes from. The class is built on first use, so importing this module does not
import Lightning. A budget stop sets ``trainer.should_stop``: Lightning ends the fit loop after
the epoch and its ``ModelCheckpoint`` saves as usual. Exceptions end the run via
``on_exception``.
"""

from __future__ import annotations

import functools
from typing import Any

from algoprint.advice.training._callback import CallbackMixin
from algoprint.advice.training._store import require

__all__ = ["EnergyCallback", "callback_class"]  # noqa: F822 - built lazily (__getattr__)

PACKAGES = ("lightning.pytorch", "pytorch_lightning")


@functools.cache
def callback_class(package: str | None = None) -> type[Any]:
    """The callback class for ``package`` (``lightning.pytorch`` or ``pytorch_lightning``).

    Raises:
        InputError: the package is not installed (with the install hint).
    """
    if package is None:
        for name in PACKAGES:
            try:
                return callback_class(name)
            except Exception:  # noqa: S112 - try the next package name
                continue
        package = PACKAGES[0]
    base = require(package, what="the Lightning callback").Callback

    class EnergyCallback(CallbackMixin, base):  # type: ignore[misc,valid-type]
        """Lightning callback recording the energy of each training epoch."""

        def on_train_start(self, trainer: Any, pl_module: Any) -> None:
            max_epochs = getattr(trainer, "max_epochs", None)
            self._begin(max_epochs if isinstance(max_epochs, int) else None)

        def on_train_epoch_start(self, trainer: Any, pl_module: Any) -> None:
            self.recorder.epoch_start()

        def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
            self.recorder.epoch_end()
            if self.recorder.should_stop:
                trainer.should_stop = True

        def on_train_end(self, trainer: Any, pl_module: Any) -> None:
            self.recorder.stop()

        def on_exception(self, trainer: Any, pl_module: Any, exception: BaseException) -> None:
            self.recorder.stop(exception)

    return EnergyCallback


def __getattr__(name: str) -> Any:
    if name == "EnergyCallback":
        return callback_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
