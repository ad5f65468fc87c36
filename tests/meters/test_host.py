"""Host facts read through fake /proc and cgroup trees (tests/fixtures/proc, /cgroup)."""

from __future__ import annotations

from pathlib import Path

import pytest

from algoprint.meters import _host

FIX = Path(__file__).resolve().parents[1] / "fixtures"
PROC = FIX / "proc"
CG = FIX / "cgroup"
NOSYS = FIX / "no-such-sys"  # no devices/system/cpu/online: falls back to cpuinfo's count


def test_cpuinfo_parses_model_topology_and_hypervisor() -> None:
    info = _host.read_cpuinfo(PROC / "vm4")
    assert info.model_name == "AMD EPYC 7763 64-Core Processor"
    assert info.logical_cpus == 4
    assert (info.sockets, info.siblings, info.cpu_cores) == (1, 4, 2)
    assert info.threads_per_core == 2
    assert info.hypervisor is True


def test_cpuinfo_missing_gives_empty_info(tmp_path: Path) -> None:
    info = _host.read_cpuinfo(tmp_path)
    assert info.model_name is None
    assert info.logical_cpus == 0
    assert info.threads_per_core == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0-3", {0, 1, 2, 3}), ("0,2,4-5\n", {0, 2, 4, 5}), ("7", {7}), ("", set())],
)
def test_parse_cpu_list(text: str, expected: set[int]) -> None:
    assert _host.parse_cpu_list(text) == frozenset(expected)


@pytest.mark.parametrize(
    ("proc", "cgroup", "vcpus"),
    [
        ("vm4", "v2_quota2", 2.0),  # cpu.max "200000 100000" -> 2 CPUs' worth
        ("vm4", "v2_unlimited", 4.0),  # "max 100000" -> all 4
        ("vm4", "v2_cpuset", 2.0),  # cpuset.cpus.effective "1-2"
        ("nested", "v2_nested", 1.0),  # tightest of the chain: job.service 1, slice 3, root max
        ("v1job", "v1", 1.5),  # v1 quota 150000/100000, cpuset 0-2 -> min(3, 1.5)
        ("vm4", "v1_unlimited", 4.0),  # v1 quota -1
        ("vm4", "no-cgroup-here", 4.0),  # no cgroup tree at all
    ],
)
def test_vcpus_available(proc: str, cgroup: str, vcpus: float) -> None:
    got = _host.vcpus_available(proc_root=PROC / proc, cgroup_root=CG / cgroup, sys_root=NOSYS)
    assert got == vcpus


def test_affinity_limits_usable_cpus() -> None:
    cpus = _host.usable_cpus(
        proc_root=PROC / "vm4", cgroup_root=CG / "v2_unlimited", sys_root=NOSYS, affinity={0, 3}
    )
    assert cpus == frozenset({0, 3})


def test_v1_cpuset_of_own_cgroup() -> None:
    assert _host.cgroup_cpuset(CG / "v1", PROC / "v1job") == frozenset({0, 1, 2})


def test_online_cpus_from_sysfs(tmp_path: Path) -> None:
    online = tmp_path / "devices" / "system" / "cpu" / "online"
    online.parent.mkdir(parents=True)
    online.write_text("0-1\n")
    assert _host.online_cpus(tmp_path, PROC / "vm4") == frozenset({0, 1})


@pytest.mark.parametrize(
    ("proc", "cgroup", "expected_bytes", "origin"),
    [
        ("vm4", "v2_quota2", 4 * 1024**3, "cgroup limit"),  # memory.max number
        ("vm4", "v2_unlimited", 16384000 * 1024, "MemTotal"),  # memory.max "max"
        ("nested", "v2_nested", 2 * 1024**3, "cgroup limit"),  # limit on the job's own cgroup
        ("v1job", "v1", 2 * 1024**3, "cgroup limit"),  # v1 memory.limit_in_bytes
        ("vm4", "v1_unlimited", 16384000 * 1024, "MemTotal"),  # v1 "no limit" huge number
    ],
)
def test_memory_available(proc: str, cgroup: str, expected_bytes: int, origin: str) -> None:
    size, where = _host.memory_available_bytes(proc_root=PROC / proc, cgroup_root=CG / cgroup)
    assert size == expected_bytes
    assert origin in where


def test_memory_unknown_is_none_with_reason(tmp_path: Path) -> None:
    size, where = _host.memory_available_bytes(proc_root=tmp_path, cgroup_root=tmp_path)
    assert size is None
    assert "meminfo" in where


@pytest.mark.parametrize(
    ("proc", "cgroup", "usage_s"),
    [("vm4", "v2_quota2", 5.0), ("v1job", "v1", 3.0), ("vm4", "v2_unlimited", None)],
)
def test_cgroup_cpu_usage(proc: str, cgroup: str, usage_s: float | None) -> None:
    assert _host.cgroup_cpu_usage_s(CG / cgroup, PROC / proc) == usage_s


def test_read_cpu_times_all_and_subset() -> None:
    every = _host.read_cpu_times(PROC / "vm4")
    assert (every.busy, every.total) == (1500, 9600)
    two = _host.read_cpu_times(PROC / "vm4", [1, 2])
    assert (two.busy, two.total) == (750, 4800)


def test_read_cpu_times_errors(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        _host.read_cpu_times(tmp_path)
    (tmp_path / "stat").write_text("intr 1\n")
    with pytest.raises(ValueError, match="no matching cpu lines"):
        _host.read_cpu_times(tmp_path)


def test_host_info_keys_and_values() -> None:
    info = _host.host_info(proc_root=PROC / "vm4", cgroup_root=CG / "v2_quota2", sys_root=NOSYS)
    assert set(info) == {
        "hostname",
        "host_key",
        "os",
        "cpu_model",
        "vcpus_available",
        "memory_gb_available",
        "machine",
    }
    assert info["cpu_model"] == "AMD EPYC 7763 64-Core Processor"
    assert info["vcpus_available"] == 2.0
    assert info["memory_gb_available"] == 4.0
