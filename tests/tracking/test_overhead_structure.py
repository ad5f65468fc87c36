"""What keeps the tracker cheap, checked by structure (nothing here is timed).

The overhead figures are in docs/benchmarks.md (bench/overhead.py). These tests pin the
reasons: which modules a tracker's import and start leave unloaded, that the /proc readers
agree with psutil (the fallback, and what they replaced), and that the light replacements
(slotted value classes, ISO timestamps, the one-off warning) behave as what they replaced.
"""

from __future__ import annotations

import copy
import io
import os
import pickle
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from algoprint.meters import _host, _procfs
from algoprint.meters.common import ComponentEnergy, Domain, MeterStatus, Method
from algoprint.records import iso_utc
from algoprint.tracking import attribution

LINUX = _procfs.AVAILABLE
linux_only = pytest.mark.skipif(not LINUX, reason="reads /proc")

# Modules a tracker's import + start + stop must not load on Linux: each is loaded lazily by a
# rarer path (another OS, a failing store, a configured logger, a database command).
KEPT_OFF = (
    "psutil",
    "sqlite3",
    "sqlalchemy",
    "platformdirs",
    "logging",
    "datetime",
    "tempfile",
    "uuid",
    "platform",
    "socket",
    "hashlib",
    "tomllib",
    "typing",
    "dataclasses",
    "inspect",
    "copy",
)


def _clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALGOPRINT_", "XDG_", "TMP"))}
    env.update(ALGOPRINT_DB=str(tmp_path / "r.sqlite"), HOME=str(tmp_path))
    # Its own registry of machine-scope runs: a run elsewhere on this host must not add the
    # "another machine-scope run is active" notice to the stderr this test reads.
    env["XDG_RUNTIME_DIR"] = str(tmp_path)
    return env


@linux_only
@pytest.mark.parametrize("warned", [False, True], ids=["quiet", "with-a-warning"])
def test_tracking_loads_none_of_the_modules_kept_off_its_path(tmp_path: Path, warned: bool) -> None:
    code = (
        "import sys, algoprint\n"
        "with algoprint.track(algorithm='light') as run:\n"
        "    with run.phase('p'):\n"
        "        sum(range(10**5))\n"
        "assert run.record is not None and run.record.energy_j is not None\n"
        f"print([m for m in {KEPT_OFF!r} if m in sys.modules])\n"
    )
    env = _clean_env(tmp_path)
    env["ALGOPRINT_CPU_TDP_W"] = "100"  # no unknown-CPU warning on any host
    if warned:  # an unknown setting is said once, without importing logging
        env["ALGOPRINT_NOT_A_SETTING"] = "1"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout + out.stderr
    assert ("algoprint: " in out.stderr) is warned, out.stderr


@linux_only
def test_value_classes_and_records_on_the_tracker_path_are_not_dataclasses() -> None:
    # The sampler's and meters' value classes and the run records are slotted classes.
    import dataclasses

    from algoprint.config import Settings
    from algoprint.records import AnalysisRecord
    from algoprint.tracking.record import ComponentRecord, Degradation, PhaseRecord, RunRecord

    for cls in (
        ComponentEnergy,
        MeterStatus,
        attribution.CpuClock,
        _host.CpuInfo,
        RunRecord,
        ComponentRecord,
        PhaseRecord,
        Degradation,
        AnalysisRecord,
        Settings,
    ):
        assert not dataclasses.is_dataclass(cls), cls
        assert cls.__slots__ == cls._fields, cls


# -- /proc readers against psutil -----------------------------------------------------------


@linux_only
def test_machine_busy_cpu_seconds_matches_psutil() -> None:
    psutil = pytest.importorskip("psutil")
    t = psutil.cpu_times()
    expected = sum(t) - t.idle - t.iowait - t.guest - t.guest_nice
    # Read back to back: the machine may run a few ticks in between.
    assert _procfs.machine_busy_cpu_seconds() == pytest.approx(expected, abs=0.5)


@linux_only
def test_machine_used_memory_matches_psutil() -> None:
    psutil = pytest.importorskip("psutil")
    vm = psutil.virtual_memory()
    assert _procfs.machine_used_memory_bytes() == pytest.approx(
        vm.total - vm.available, abs=64 * 2**20
    )


@linux_only
def test_own_cpu_times_and_rss_match_psutil() -> None:
    psutil = pytest.importorskip("psutil")
    proc = psutil.Process()
    t, rss = proc.cpu_times(), proc.memory_info().rss
    own, children, resident = _procfs.pid_stat(os.getpid())
    assert own == pytest.approx(t.user + t.system, abs=0.05)
    assert children == pytest.approx(t.children_user + t.children_system, abs=0.05)
    assert resident == pytest.approx(rss, abs=4 * 2**20)


@linux_only
def test_child_process_is_found_and_measured_like_psutil() -> None:
    psutil = pytest.importorskip("psutil")
    child = subprocess.Popen(  # a child that burns a little CPU, then waits
        [sys.executable, "-c", "import sys; sum(range(3 * 10**6)); sys.stdin.read()"],
        stdin=subprocess.PIPE,
    )
    try:
        tree = attribution.ProcessTree()
        deadline = 50
        while child.pid not in tree.pids() and deadline:
            tree.set_roots(tree.roots)  # drops the cached listing
            deadline -= 1
        assert child.pid in tree.pids()
        own, _, rss = _procfs.pid_stat(child.pid)
        ps = psutil.Process(child.pid)
        assert own == pytest.approx(sum(ps.cpu_times()[:2]), abs=0.1)
        assert rss == pytest.approx(ps.memory_info().rss, abs=4 * 2**20)
    finally:
        child.communicate(b"")


def test_a_process_name_with_spaces_and_parentheses_is_parsed() -> None:
    # Fields from 3 on are their own numbers: utime 14, stime 15, cutime 16, cstime 17, rss 24.
    data = b"123 (a) b (c)) S " + " ".join(map(str, range(4, 53))).encode()
    own, children, rss = _procfs.parse_pid_stat(data)
    assert own == pytest.approx((14 + 15) / _procfs.CLOCK_TICKS)
    assert children == pytest.approx((16 + 17) / _procfs.CLOCK_TICKS)
    assert rss == 24 * _procfs.PAGE_SIZE


def test_proc_stat_busy_counts_steal_but_not_guest(tmp_path: Path) -> None:
    stat = tmp_path / "stat"
    # user nice system idle iowait irq softirq steal guest guest_nice
    stat.write_text(
        "cpu  100 10 50 1000 20 5 5 7 30 3\ncpu0 100 10 50 1000 20 5 5 7 30 3\nintr 1\n"
    )
    busy = _procfs.machine_busy_cpu_seconds(str(stat))
    assert busy == pytest.approx((100 + 10 + 50 + 5 + 5 + 7) / _procfs.CLOCK_TICKS)


def test_meminfo_without_memavailable_uses_free_buffers_cached(tmp_path: Path) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text(
        "MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 150 kB\nSwapCached: 9 kB\n"
    )
    assert _procfs.machine_used_memory_bytes(str(meminfo)) == (1000 - 300) * 1024
    meminfo.write_text("MemTotal: 1000 kB\nMemAvailable: 600 kB\n")
    assert _procfs.machine_used_memory_bytes(str(meminfo)) == 400 * 1024


def test_only_the_real_proc_stat_is_reused(tmp_path: Path) -> None:
    fake = tmp_path / "stat"
    fake.write_text("cpu  1 0 0 0\n")
    assert _procfs.read_stat(str(fake)) == b"cpu  1 0 0 0\n"
    fake.write_text("cpu  2 0 0 0\n")
    assert _procfs.read_stat(str(fake)) == b"cpu  2 0 0 0\n"  # a test's fake tree: fresh


# -- the light replacements behave as what they replaced -------------------------------------


def test_frozen_value_classes_behave_like_frozen_dataclasses() -> None:
    comp = ComponentEnergy(Domain.CPU, "cpu-model", 1.5, Method.MODEL, 0.5)
    assert comp == copy.deepcopy(comp) == pickle.loads(pickle.dumps(comp))
    assert hash(comp) == hash(copy.copy(comp))
    assert comp != ComponentEnergy(Domain.CPU, "cpu-model", 2.0, Method.MODEL, 0.5)
    assert repr(comp).startswith("ComponentEnergy(domain=<Domain.CPU: 'cpu'>, device='cpu-model'")
    with pytest.raises(AttributeError):
        comp.energy_j = 3.0  # type: ignore[misc]
    status = MeterStatus("rapl", False, "none here")
    assert status.as_dict() == {
        "name": "rapl",
        "available": False,
        "detail": "none here",
        "hint": None,
        "method": None,
    }


def test_settings_are_immutable_and_replace_validates() -> None:
    from algoprint import config
    from algoprint.errors import ConfigError

    settings = config.Settings(interval_s=3.0)
    assert settings == config.Settings(interval_s=3.0) != config.Settings()
    assert pickle.loads(pickle.dumps(settings)) == settings
    with pytest.raises(AttributeError):
        settings.interval_s = 3.0  # type: ignore[misc]
    changed = config.replace(settings, lang="en")
    assert (changed.lang, changed.interval_s, settings.lang) == ("en", 3.0, "nl")
    with pytest.raises(ConfigError, match="lang must be one of"):
        config.replace(settings, lang="de")
    with pytest.raises(TypeError):
        config.Settings(colour="red")  # type: ignore[call-arg]
    assert config.Settings().extra == {} and config.Settings().extra is not config.Settings().extra


@pytest.mark.parametrize(
    "wall_s",
    [0.0, 1.0005, 1.9994999, 1.9999996, 1_700_000_000.123456, 1_799_999_999.9995, 4e9 + 0.25],
)
def test_iso_utc_writes_what_datetime_writes(wall_s: float) -> None:
    expected = datetime.fromtimestamp(wall_s, UTC).isoformat(timespec="milliseconds")
    assert iso_utc(wall_s) == expected


def test_host_facts_are_read_once_inside_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "meminfo").write_text("MemTotal: 2048 kB\n")
    with _host.remembered():
        assert _host.memory_total_bytes(tmp_path) == 2048 * 1024
        (tmp_path / "meminfo").write_text("MemTotal: 4096 kB\n")
        assert _host.memory_total_bytes(tmp_path) == 2048 * 1024  # remembered
    assert _host.memory_total_bytes(tmp_path) == 4096 * 1024  # outside: read again


def test_one_off_warning_without_logging_goes_to_stderr_as_logging_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from algoprint.meters import common

    err = io.StringIO()
    # The module's view of sys: no logging imported yet, stderr captured.
    monkeypatch.setattr(common, "sys", SimpleNamespace(modules={}, stderr=err))
    monkeypatch.setattr(common, "_said", set())
    assert common.warn_once("test-key", "the CPU is unknown")
    assert not common.warn_once("test-key", "the CPU is unknown")
    assert err.getvalue() == "algoprint: the CPU is unknown\n"
