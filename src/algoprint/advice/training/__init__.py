"""Efficient AI training (Algoritmekader owk-06): per-epoch energy, prediction, budgets,
training settings compared at equal validation loss and retraining decisions.
docs/training.md describes each part.

Everything loads lazily: importing this package imports no ML framework.

- :mod:`~algoprint.advice.training.callbacks_lightning`, ``callbacks_hf``, ``callbacks_keras``:
  framework callbacks (``EnergyCallback``).
- :class:`EpochTracker` (``torch_helper``): a plain training loop.
- :func:`predict_training` (``predict``), :class:`TrainingBudget` (``budget``).
- :func:`advise_training` (``experiments``, torch settings) and :func:`compare_to_target`
  (``to_target``, any training function): cost to one target validation loss.
- :func:`decide_retraining` (``retraining``).
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "EpochTracker",
    "TrainingBudget",
    "advise_training",
    "compare_to_target",
    "decide_retraining",
    "predict_training",
    "save_analysis",
]

_WHERE = {
    "EpochTracker": "torch_helper",
    "TrainingBudget": "budget",
    "advise_training": "experiments",
    "compare_to_target": "to_target",
    "decide_retraining": "retraining",
    "predict_training": "predict",
    "save_analysis": "_store",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
