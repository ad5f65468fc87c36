"""Fixtures for the advice tests: deterministic constant-power meters, small datasets."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from algoprint.config import load_settings
from algoprint.meters.common import (
    ComponentEnergy,
    Domain,
    Meter,
    MeterStatus,
    Method,
    SampleContext,
)
from tests.tracking._fakes import ConstantPowerMeter

POWER_W = 10.0


class CpuTimeMeter(Meter):
    """Reports ``power_w`` × this process's CPU time: energy follows the work done here, not
    the wall clock, so other processes on a busy machine do not reorder the candidates."""

    name = "cpu-time"
    sample_interval_s = 1.0

    def __init__(self, *, power_w: float = POWER_W) -> None:
        self.power_w = power_w
        self._t0 = 0.0
        self._energy_j = 0.0

    def start(self, ctx: SampleContext) -> None:
        self._t0 = time.process_time()

    def sample(self, ctx: SampleContext) -> None:
        self._energy_j = self.power_w * (time.process_time() - self._t0)

    def totals(self) -> list[ComponentEnergy]:
        return [
            ComponentEnergy(
                domain=Domain.CPU,
                device="cpu-time",
                energy_j=self._energy_j,
                method=Method.MODEL,
                uncertainty_rel=0.1,
            )
        ]

    def status(self) -> MeterStatus:
        return MeterStatus(self.name, True, f"{self.power_w} W × process CPU time")


def constant_meters() -> Sequence[Meter]:
    """A fresh meter per window whose energy is 10 W × this process's CPU time."""
    return [CpuTimeMeter()]


def wall_meters() -> Sequence[Meter]:
    """A fresh 10 W constant meter per window: energy is proportional to wall time."""
    return [ConstantPowerMeter(power_w=POWER_W)]


def isolated_settings() -> Any:
    """Settings that ignore the user's config files and environment."""
    missing = Path("/nonexistent/algoprint.toml")
    return load_settings({}, env={}, project_file=missing, user_file=missing)


@pytest.fixture
def meters() -> Callable[[], Sequence[Meter]]:
    return constant_meters


@pytest.fixture
def settings() -> Any:
    return isolated_settings()


@pytest.fixture(scope="session")
def checkerboard() -> tuple[Any, Any]:
    """A 4×4 checkerboard: linear models and shallow trees fail, a forest does well."""
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 4, size=(500, 2))
    y = ((np.floor(X[:, 0]) + np.floor(X[:, 1])) % 2).astype(int)
    return X, y


@pytest.fixture(scope="session")
def cancer() -> tuple[Any, Any]:
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    return X, y


class FakeStore:
    """Stands in for the run store: keeps what save_analysis receives."""

    def __init__(self) -> None:
        self.saved: list[Any] = []

    def save_analysis(self, record: Any) -> None:
        self.saved.append(record)
