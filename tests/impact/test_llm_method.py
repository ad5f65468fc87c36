"""Coverage: the LLM method's uncertainty against measured ML.ENERGY Benchmark v3 runs."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from algoprint.impact.llm import ECOLOGITS, ENERGY_METHOD_BOUNDS, LATENCY_METHOD_BOUNDS

RUNS = Path(__file__).resolve().parents[3] / "shared" / "data" / "llm" / "mlenergy_v3_llm_runs.csv"


def _h100_runs() -> list[dict[str, str]]:
    if not RUNS.is_file():
        pytest.skip("../shared/data is not present")
    with RUNS.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r for r in rows if r["gpu_model"] == "H100" and 32 <= float(r["avg_batch_size"]) <= 128]


def _percentiles(ratios: list[float]) -> tuple[float, float, float]:
    logs = sorted(math.log(x) for x in ratios)
    n = len(logs)
    return (
        math.exp(logs[int(0.025 * n)]),
        math.exp(logs[n // 2]),
        math.exp(logs[int(0.975 * n) - 1]),
    )


def test_energy_interval_holds_measured_energy_per_token() -> None:
    c = ECOLOGITS
    ratios = []
    for r in _h100_runs():
        p = float(r["activated_params_billions"])
        wh = c.gpu_energy_alpha * math.exp(c.gpu_energy_beta * c.batch_size) * p
        modelled_j = (wh + c.gpu_energy_gamma) * int(r["num_gpus"]) * 3600
        ratios.append(float(r["energy_per_token_joules"]) / modelled_j)
    assert len(ratios) >= 100
    low, _, high = _percentiles(ratios)
    assert (low, high) == pytest.approx(ENERGY_METHOD_BOUNDS, abs=0.01)
    inside = sum(ENERGY_METHOD_BOUNDS[0] <= x <= ENERGY_METHOD_BOUNDS[1] for x in ratios)
    assert inside / len(ratios) >= 0.93  # 121 of 129 runs (93.8 %)


def test_latency_bounds_follow_the_measured_inter_token_latency() -> None:
    c = ECOLOGITS
    ratios = []
    for r in _h100_runs():
        p = float(r["activated_params_billions"])
        modelled = c.latency_alpha * p + c.latency_beta * c.batch_size + c.latency_gamma
        ratios.append(float(r["median_itl_ms"]) / 1000 / modelled)
    low, median, high = _percentiles(ratios)
    assert LATENCY_METHOD_BOUNDS[0] == pytest.approx(low, abs=0.01)
    assert LATENCY_METHOD_BOUNDS[1] == pytest.approx(high / median, abs=0.01)
    inside = sum(LATENCY_METHOD_BOUNDS[0] <= x <= LATENCY_METHOD_BOUNDS[1] for x in ratios)
    assert inside / len(ratios) >= 0.95
