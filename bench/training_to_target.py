"""A small real training task for ``algoprint advise training`` (docs/training.md).

Labels come from a fixed random teacher network, so the student needs several epochs and then
overfits a little. Run from this folder (the functions are imported as module:function):

    cd bench && ../.venv/bin/algoprint advise training --model training_to_target:make_model \\
        --data training_to_target:load_data --eval-data training_to_target:load_valid \\
        --optimizer training_to_target:make_optimizer --loss cross_entropy \\
        --precision fp32 --precision bf16 --batch-size 32 --batch-size 128 \\
        --schedule constant --schedule cosine --epochs 8 --repeats 3
"""

from __future__ import annotations

from typing import Any

import torch

_SEED = torch.Generator().manual_seed(7)
_TEACHER = torch.nn.Sequential(torch.nn.Linear(32, 64), torch.nn.Tanh(), torch.nn.Linear(64, 10))
with torch.no_grad():
    for layer in (_TEACHER[0], _TEACHER[2]):
        layer.weight.copy_(torch.randn(layer.weight.shape, generator=_SEED) * 0.5)
        layer.bias.zero_()


def make_model() -> Any:
    """The student: an MLP 32 → 256 → 256 → 10."""
    return torch.nn.Sequential(
        torch.nn.Linear(32, 256),
        torch.nn.ReLU(),
        torch.nn.Linear(256, 256),
        torch.nn.ReLU(),
        torch.nn.Linear(256, 10),
    )


def _data(seed: int, n: int) -> tuple[Any, Any]:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 32, generator=g)
    with torch.no_grad():
        y = _TEACHER(x).argmax(dim=1)
    return x, y


def load_data() -> tuple[Any, Any]:
    """8,000 training rows."""
    return _data(0, 8000)


def load_valid() -> tuple[Any, Any]:
    """2,000 held-out rows."""
    return _data(1, 2000)


def make_optimizer(params: Any) -> Any:
    """The user's optimiser: SGD with momentum."""
    return torch.optim.SGD(params, lr=0.003, momentum=0.9)
