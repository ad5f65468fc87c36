"""The shared decision rule: planted cases with known answers (a known 2×, A/A under load,
a sleep against a hot loop) and the rule's parts."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from algoprint.advice._decide import (
    Cost,
    choose_basis,
    clearly_less,
    cost_from_samples,
    order_by_cost,
    pinned_threads,
    ratio_verdict,
)
from algoprint.advice.code import compare_callables, profile
from algoprint.advice.code._testmeter import ConstantPowerMeter
from algoprint.config import Settings
from algoprint.errors import InputError


def constant() -> list[ConstantPowerMeter]:
    return [ConstantPowerMeter(power_w=30.0)]


def spin(n: int) -> int:
    x = 0
    for i in range(n):
        x += i
    return x


@pytest.fixture
def co_tenant() -> Iterator[None]:
    """A busy process next to the measurement (synthetic load on the shared machine)."""
    child = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.05)
        yield
    finally:
        child.kill()
        child.wait()


def test_the_basis_is_energy_only_with_counters() -> None:
    assert choose_basis(["counter"]).metric == "energy"
    assert choose_basis(["counter", "power-integration"]).scope == "dynamic"
    modelled = choose_basis(["counter", "model"])
    assert modelled.metric == "cpu" and modelled.scope == "process"
    assert "sleeps" in modelled.reason
    assert choose_basis([]).metric == "cpu"
    assert choose_basis(["model"], requested="energy").metric == "energy"
    with pytest.raises(InputError):
        choose_basis([], requested="joules")


def test_a_difference_must_exceed_the_combined_uncertainty() -> None:
    # 3 % apart with ±60 % each (the MLP vs boosting case): no difference.
    assert not clearly_less(Cost(1.00, 0.6), Cost(1.03, 0.6))
    assert not clearly_less(Cost(1.00, 0.05), Cost(1.06, 0.05))
    assert clearly_less(Cost(1.0, 0.05), Cost(2.0, 0.05))
    # Ties go to the simpler option (lower rank), a clear difference to the cheaper.
    assert order_by_cost([("mlp", Cost(1.0, 0.6), 5), ("tree", Cost(1.03, 0.6), 2)])[0] == "tree"
    assert order_by_cost([("mlp", Cost(1.0, 0.05), 5), ("tree", Cost(3.0, 0.05), 2)]) == [
        "mlp",
        "tree",
    ]


def test_ratio_verdict_needs_the_interval_to_exclude_one() -> None:
    assert ratio_verdict(1.003, 1.309) == "no clear difference"  # inside the 2 % band
    assert ratio_verdict(1.8, 2.2) == "more"
    assert ratio_verdict(0.4, 0.6) == "less"
    assert ratio_verdict(0.9, 1.1) == "no clear difference"


def test_cost_from_samples_has_a_floor_and_widens_with_spread() -> None:
    assert cost_from_samples([1.0, 1.0, 1.0]).uncertainty_rel == pytest.approx(0.05)
    assert cost_from_samples([1.0, 2.0, 3.0]).uncertainty_rel > 0.5
    with pytest.raises(InputError):
        cost_from_samples([])


def test_pinned_threads_records_the_pools() -> None:
    pytest.importorskip("threadpoolctl")
    import numpy  # noqa: F401  (loads a BLAS pool to record)

    with pinned_threads(1) as info:
        assert info["limit"] == 1
        assert isinstance(info["pools"], list)


_KNOWN_TWICE = """
import json
from algoprint.advice.code import compare_callables, render_compare
from algoprint.advice.code._testmeter import ConstantPowerMeter
from algoprint.config import Settings

def spin(n):
    x = 0
    for i in range(n):
        x += i
    return x

result = compare_callables(
    lambda: spin(1_500_000),
    lambda: spin(3_000_000),
    repeats=5,
    settings=Settings(),
    meter_factory=lambda: [ConstantPowerMeter(power_w=30.0)],
)
print(json.dumps({
    "metric": result.deciding_metric(),
    "ratio": result.cpu.ratio if result.cpu else None,
    "verdict": result.verdict(),
    "text": render_compare(result),
}))
"""


def test_a_known_twice_is_detected_on_cpu_time() -> None:
    # In its own interpreter: process CPU time is the deciding metric, and threads that earlier
    # tests left running in this process would add their CPU time to both sides.
    import json

    out = subprocess.run(
        [sys.executable, "-c", _KNOWN_TWICE], capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["metric"] == "cpu"
    assert result["ratio"] is not None and 1.6 < result["ratio"] < 2.5
    assert result["verdict"] == "B uses more"
    assert any("decided on process CPU time" in line for line in result["text"])


def test_a_a_under_a_busy_co_tenant_is_no_clear_difference(co_tenant: None) -> None:
    result = compare_callables(
        lambda: spin(200_000),
        lambda: spin(200_000),
        repeats=6,
        settings=Settings(),
        meter_factory=constant,
    )
    assert result.deciding_metric() == "cpu"
    assert result.verdict() == "no clear difference"


def test_a_hot_loop_ranks_above_a_sleep_at_process_scope() -> None:
    def sleeper() -> None:
        time.sleep(0.4)

    def hot_loop() -> None:
        end = time.process_time() + 0.15
        while time.process_time() < end:
            pass

    with profile(settings=Settings(), meters=constant()) as p:
        sleeper()
        hot_loop()
    assert p.result is not None and p.result.scope == "process"
    names = [h.function.rsplit(".", 1)[-1] for h in p.result.hotspots]
    assert names.index("hot_loop") < names.index("sleeper")
    top = p.result.hotspots[0]
    assert top.function.endswith("hot_loop") and top.process_energy_j is not None
    assert p.result.basis is not None and p.result.basis["metric"] == "cpu"
