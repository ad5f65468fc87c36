"""Tiny models and data made in the tests (CPU, seconds)."""

from __future__ import annotations

from typing import Any


def regression_data(n: int = 64, features: int = 4, seed: int = 0) -> tuple[Any, Any]:
    import torch

    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, features, generator=gen)
    w = torch.arange(1, features + 1, dtype=torch.float32)
    y = (x @ w).unsqueeze(1) + 0.01 * torch.randn(n, 1, generator=gen)
    return x, y


def tiny_mlp(features: int = 4) -> Any:
    import torch

    return torch.nn.Sequential(torch.nn.Linear(features, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
