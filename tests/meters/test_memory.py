"""Memory model meter: W per GB of the memory available to the job, over fake trees."""

from __future__ import annotations

from pathlib import Path

import pytest

from algoprint.config import Settings
from algoprint.errors import MeterError, MeterUnavailable
from algoprint.meters import memory
from algoprint.meters.common import Domain, Method, SampleContext

FIX = Path(__file__).resolve().parents[1] / "fixtures"
PROC = FIX / "proc"
CG = FIX / "cgroup"
MEMTOTAL_GB = 16384000 * 1024 / 1024**3  # vm4 meminfo


@pytest.mark.parametrize(
    ("proc", "cgroup", "gb"),
    [
        ("vm4", "v2_quota2", 4.0),  # memory.max = 4 GiB, below MemTotal
        ("vm4", "v2_unlimited", MEMTOTAL_GB),  # "max" -> MemTotal
        ("v1job", "v1", 2.0),  # v1 limit on the job's cgroup
        ("vm4", "v1_unlimited", MEMTOTAL_GB),  # v1 "unlimited" sentinel -> MemTotal
    ],
)
def test_memory_gb_follows_the_job_limit(proc: str, cgroup: str, gb: float) -> None:
    meter = memory.MemoryModelMeter(proc_root=PROC / proc, cgroup_root=CG / cgroup)
    assert meter.memory_gb == pytest.approx(gb)
    assert meter.power_w == pytest.approx(gb * memory.DEFAULT_W_PER_GB)


def test_energy_is_power_times_time() -> None:
    meter = memory.MemoryModelMeter(proc_root=PROC / "vm4", cgroup_root=CG / "v2_quota2")
    assert meter.totals()[0].energy_j is None
    meter.start(SampleContext(now_s=10.0))
    meter.sample(SampleContext(now_s=12.0))
    meter.sample(SampleContext(now_s=15.0))
    (total,) = meter.totals()
    assert total.energy_j == pytest.approx(4.0 * 0.3725 * 5.0)
    assert (total.domain, total.device) == (Domain.MEMORY, "memory-model")
    assert total.method is Method.CONSTANT
    assert total.uncertainty_rel == memory.UNCERTAINTY_REL
    assert total.note is not None and "cgroup limit" in total.note


def test_w_per_gb_override_from_settings_and_argument() -> None:
    via_settings = memory.MemoryModelMeter(
        settings=Settings(memory_w_per_gb=0.5, interval_s=3.0),
        proc_root=PROC / "vm4",
        cgroup_root=CG / "v2_quota2",
    )
    assert via_settings.power_w == pytest.approx(2.0)
    assert via_settings.sample_interval_s == 3.0
    via_arg = memory.MemoryModelMeter(
        settings=Settings(memory_w_per_gb=0.5),
        proc_root=PROC / "vm4",
        cgroup_root=CG / "v2_quota2",
        w_per_gb=1.0,
    )
    assert via_arg.power_w == pytest.approx(4.0)


def test_sample_before_start_raises() -> None:
    meter = memory.MemoryModelMeter(proc_root=PROC / "vm4", cgroup_root=CG / "v2_quota2")
    with pytest.raises(MeterError, match="before start"):
        meter.sample(SampleContext(now_s=1.0))


def test_unknown_memory_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(MeterUnavailable, match="memory size unknown"):
        memory.MemoryModelMeter(proc_root=tmp_path, cgroup_root=tmp_path)
    status = memory.memory_status(proc_root=tmp_path, cgroup_root=tmp_path)
    assert not status.available
    assert status.hint is not None


def test_status_says_size_source_and_power() -> None:
    status = memory.memory_status(proc_root=PROC / "vm4", cgroup_root=CG / "v2_quota2")
    assert status.available
    assert status.method is Method.CONSTANT
    for text in ("4.00 GB", "cgroup limit", "0.3725 W/GB", "1.49 W"):
        assert text in status.detail
