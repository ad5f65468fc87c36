"""Tests of the RAPL (powercap) meter against fake sysfs trees: no hardware, no root needed.

Checked-in trees live in tests/fixtures/sysfs/rapl/ as plain directories; each test gets a copy
in tmp_path so it can move the counters. The kernel's symlinked layout is built with os.symlink.
Permission failures go through the meter's ``reader`` seam, because the tests run as root and
root ignores file modes.
"""

from __future__ import annotations

import ast
import logging
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from algoprint.errors import MeterUnavailable, PermissionDenied, TrackingError
from algoprint.meters import rapl
from algoprint.meters.common import ComponentEnergy, Domain, Method, SampleContext
from algoprint.meters.rapl import RaplMeter, probe_rapl, rapl_status, read_sysfs

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sysfs" / "rapl"
CPUINFO = FIXTURES / "cpuinfo"
INTEL = CPUINFO / "intel_icelake_sp"
PKG_MAX_UJ = 262143328850
DRAM_MAX_UJ = 65712999613


# --- helpers -------------------------------------------------------------------------------


def write_zone(path: Path, name: str, energy_uj: int = 0, max_uj: int | None = PKG_MAX_UJ) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "name").write_text(f"{name}\n")
    (path / "energy_uj").write_text(f"{energy_uj}\n")
    if max_uj is not None:
        (path / "max_energy_range_uj").write_text(f"{max_uj}\n")
    return path


def set_energy(zone: Path, energy_uj: int) -> None:
    (zone / "energy_uj").write_text(f"{energy_uj}\n")


def add_energy(zone: Path, delta_uj: int) -> None:
    set_energy(zone, int((zone / "energy_uj").read_text()) + delta_uj)


def build_symlinked_powercap(sys_root: Path) -> Path:
    """Build ``sys_root/class/powercap`` as the kernel lays it out and return it.

    Zones live nested under devices/virtual/powercap/intel-rapl; the class directory holds a
    link per zone (subzones too) and one to the control type; every zone has ``subsystem`` and
    ``device`` links back up, so a careless walk would loop.
    """
    control = sys_root / "devices" / "virtual" / "powercap" / "intel-rapl"
    control.mkdir(parents=True)
    (control / "enabled").write_text("1\n")
    klass = sys_root / "class" / "powercap"
    klass.mkdir(parents=True)
    zones = {
        "intel-rapl:0": write_zone(control / "intel-rapl:0", "package-0", 1_000_000),
        "intel-rapl:0:0": write_zone(control / "intel-rapl:0/intel-rapl:0:0", "core", 10),
        "intel-rapl:0:1": write_zone(
            control / "intel-rapl:0/intel-rapl:0:1", "dram", 20, DRAM_MAX_UJ
        ),
        "intel-rapl:1": write_zone(control / "intel-rapl:1", "package-1", 2_000_000),
        "intel-rapl:1:0": write_zone(
            control / "intel-rapl:1/intel-rapl:1:0", "dram", 30, DRAM_MAX_UJ
        ),
    }
    os.symlink(os.path.relpath(control, klass), klass / "intel-rapl")
    for name, zone in zones.items():
        os.symlink(os.path.relpath(zone, klass), klass / name)
        os.symlink(os.path.relpath(klass, zone), zone / "subsystem")
        os.symlink(os.path.relpath(zone.parent, zone), zone / "device")
    return klass


@pytest.fixture
def tree(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a checked-in fake powercap tree into tmp_path and return its root."""

    def copy(name: str) -> Path:
        destination = tmp_path / "powercap" / name
        shutil.copytree(FIXTURES / name, destination)
        return destination

    return copy


def ctx(now_s: float) -> SampleContext:
    return SampleContext(now_s=now_s)


def by_device(totals: list[ComponentEnergy]) -> dict[str, ComponentEnergy]:
    return {c.device: c for c in totals}


def meter_at(root: Path, **kwargs: object) -> RaplMeter:
    kwargs.setdefault("cpuinfo_path", INTEL)
    return RaplMeter(root=root, **kwargs)  # type: ignore[arg-type]


class FailingReader:
    """Reads files normally until told to fail for paths ending in ``suffix``."""

    def __init__(self, exc: OSError, suffix: str = "energy_uj", failing: bool = True) -> None:
        self.exc = exc
        self.suffix = suffix
        self.failing = failing
        self.calls = 0

    def __call__(self, path: Path) -> str:
        self.calls += 1
        if self.failing and str(path).endswith(self.suffix):
            raise self.exc
        return read_sysfs(path)


# --- discovery and overlap ------------------------------------------------------------------

REPORTED = [
    pytest.param(
        "server_1socket",
        True,
        [(Domain.CPU, "package-0"), (Domain.MEMORY, "dram-0")],
        id="one-socket-with-dram",
    ),
    pytest.param("server_1socket", False, [(Domain.CPU, "package-0")], id="one-socket-no-dram"),
    pytest.param(
        "server_2socket",
        True,
        [
            (Domain.CPU, "package-0"),
            (Domain.CPU, "package-1"),
            (Domain.MEMORY, "dram-0"),
            (Domain.MEMORY, "dram-1"),
        ],
        id="two-sockets-flat",
    ),
    pytest.param("laptop_psys", True, [(Domain.CPU, "package-0")], id="psys-package-core-mmio"),
    pytest.param("psys_only", True, [(Domain.PLATFORM, "psys")], id="psys-only"),
    pytest.param("mmio_only", True, [(Domain.CPU, "package-0")], id="mmio-only"),
    pytest.param("amd_zen", True, [(Domain.CPU, "package-0")], id="amd-package-core"),
]


@pytest.mark.parametrize(("name", "include_dram", "expected"), REPORTED)
def test_reports_only_non_overlapping_domains(
    tree: Callable[[str], Path],
    name: str,
    include_dram: bool,
    expected: list[tuple[Domain, str]],
) -> None:
    meter = meter_at(tree(name), include_dram=include_dram)
    assert meter.devices == expected


# Every zone in the tree gets energy added (reported or not); only the reported zones' deltas
# may appear, so a summed psys, core, uncore or MMIO duplicate would show up as extra joules.
ENERGY_CASES = [
    pytest.param(
        "server_1socket",
        {
            "intel-rapl:0": 10_000_000,
            "intel-rapl:0/intel-rapl:0:0": 7_000_000,
            "intel-rapl:0/intel-rapl:0:1": 1_000_000,
            "intel-rapl:0/intel-rapl:0:2": 3_000_000,
        },
        {"package-0": 10.0, "dram-0": 3.0},
        id="one-socket",
    ),
    pytest.param(
        "server_2socket",
        {
            "intel-rapl:0": 1_500_000,
            "intel-rapl:0:0": 250_000,
            "intel-rapl:1": 2_500_000,
            "intel-rapl:1:0": 500_000,
        },
        {"package-0": 1.5, "package-1": 2.5, "dram-0": 0.25, "dram-1": 0.5},
        id="two-sockets",
    ),
    pytest.param(
        "laptop_psys",
        {
            "intel-rapl:0": 10_000_000,
            "intel-rapl:0:0": 7_000_000,
            "intel-rapl:0:1": 1_000_000,
            "intel-rapl:0/intel-rapl:0:0": 7_000_000,
            "intel-rapl:0/intel-rapl:0:1": 1_000_000,
            "intel-rapl:1": 30_000_000,
            "intel-rapl-mmio:0": 10_000_000,
        },
        {"package-0": 10.0},
        id="laptop-overlap",
    ),
    pytest.param("psys_only", {"intel-rapl:0": 42_000_000}, {"psys": 42.0}, id="psys-only"),
    pytest.param("mmio_only", {"intel-rapl-mmio:0": 123_456}, {"package-0": 0.123456}, id="mmio"),
    pytest.param(
        "amd_zen",
        {"intel-rapl:0": 5_000_000, "intel-rapl:0/intel-rapl:0:0": 4_000_000},
        {"package-0": 5.0},
        id="amd",
    ),
]


@pytest.mark.parametrize(("name", "deltas_uj", "expected_j"), ENERGY_CASES)
def test_energy_counts_each_domain_once(
    tree: Callable[[str], Path],
    name: str,
    deltas_uj: dict[str, int],
    expected_j: dict[str, float],
) -> None:
    root = tree(name)
    meter = meter_at(root)
    meter.start(ctx(0.0))
    for zone, delta in deltas_uj.items():
        add_energy(root / zone, delta)
    meter.sample(ctx(1.0))
    totals = meter.totals()
    assert {c.device: c.energy_j for c in totals} == pytest.approx(expected_j)
    assert all(c.method is Method.COUNTER and c.process_energy_j is None for c in totals)
    assert all(c.note is None for c in totals)


def test_symlinked_kernel_layout_counts_each_zone_once(tmp_path: Path) -> None:
    klass = build_symlinked_powercap(tmp_path / "sys")
    meter = meter_at(klass)
    assert meter.devices == [
        (Domain.CPU, "package-0"),
        (Domain.CPU, "package-1"),
        (Domain.MEMORY, "dram-0"),
        (Domain.MEMORY, "dram-1"),
    ]
    meter.start(ctx(0.0))
    virtual = tmp_path / "sys/devices/virtual/powercap/intel-rapl"
    add_energy(virtual / "intel-rapl:0", 2_000_000)
    add_energy(virtual / "intel-rapl:0/intel-rapl:0:1", 400_000)
    add_energy(virtual / "intel-rapl:1/intel-rapl:1:0", 600_000)
    meter.sample(ctx(1.0))
    assert {c.device: c.energy_j for c in meter.totals()} == pytest.approx(
        {"package-0": 2.0, "package-1": 0.0, "dram-0": 0.4, "dram-1": 0.6}
    )


def test_devices_root_layout_works_too(tmp_path: Path) -> None:
    build_symlinked_powercap(tmp_path / "sys")
    meter = meter_at(tmp_path / "sys/devices/virtual/powercap")
    assert [d for _, d in meter.devices] == ["package-0", "package-1", "dram-0", "dram-1"]


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        pytest.param(
            ["package-0", "package-0"],
            ["package-0", "package-1", "dram-0", "dram-1"],
            id="repeated-name",
        ),
        pytest.param(
            ["package-0-die-0", "package-0-die-1"],
            ["package-0-die-0", "package-0-die-1", "dram-0-die-0", "dram-0-die-1"],
            id="dies",
        ),
        pytest.param(
            ["package-1", "package-1"],
            ["package-1", "package-1-2", "dram-1", "dram-1-2"],
            id="repeated-name-collides-with-index",
        ),
    ],
)
def test_device_ids_are_unique(tmp_path: Path, names: list[str], expected: list[str]) -> None:
    for index, name in enumerate(names):
        write_zone(tmp_path / f"intel-rapl:{index}", name)
        write_zone(tmp_path / f"intel-rapl:{index}/intel-rapl:{index}:0", "dram")
    devices = [d for _, d in meter_at(tmp_path).devices]
    assert devices == expected
    assert len(set(devices)) == len(devices)


def test_mmio_with_another_name_is_kept(tmp_path: Path) -> None:
    """An MMIO package with no MSR twin of the same name is a package of its own."""
    write_zone(tmp_path / "intel-rapl:0", "package-0")
    write_zone(tmp_path / "intel-rapl-mmio:0", "package-1")
    assert [d for _, d in meter_at(tmp_path).devices] == ["package-0", "package-1"]


def test_status_names_devices_and_what_was_left_out(tree: Callable[[str], Path]) -> None:
    status = meter_at(tree("laptop_psys")).status()
    assert status.available
    assert status.method is Method.COUNTER
    assert "package-0 (cpu" in status.detail
    for left_out in ("intel-rapl:1 (psys", "intel-rapl:0:0 (core", "intel-rapl-mmio:0"):
        assert left_out in status.detail
    assert rapl_status(root=tree("server_1socket"), cpuinfo_path=INTEL).available


# --- counter wrap and sample interval --------------------------------------------------------


@pytest.mark.parametrize(
    ("max_uj", "readings_uj", "expected_uj"),
    [
        pytest.param(1_000_000, [999_000, 500], 1_501, id="wrap-near-max"),
        pytest.param(1_000_000, [1_000_000, 0], 1, id="max-to-zero-is-one-uj"),
        pytest.param(1_000_000, [10, 999_990], 999_980, id="no-wrap-large-step"),
        pytest.param(1_000_000, [900_000, 100_000, 950_000, 50_000], 1_150_001, id="two-wraps"),
        pytest.param(PKG_MAX_UJ, [PKG_MAX_UJ - 5_000_000, 3_000_000], 8_000_001, id="real-range"),
    ],
)
def test_counter_wrap_gives_true_delta(
    tmp_path: Path, max_uj: int, readings_uj: list[int], expected_uj: int
) -> None:
    zone = write_zone(tmp_path / "intel-rapl:0", "package-0", readings_uj[0], max_uj)
    meter = meter_at(tmp_path)
    meter.start(ctx(0.0))
    for step, reading in enumerate(readings_uj[1:], start=1):
        set_energy(zone, reading)
        meter.sample(ctx(step * 0.001))
    (total,) = meter.totals()
    assert total.energy_j == pytest.approx(expected_uj / 1e6)
    assert total.note is None


@pytest.mark.parametrize(
    ("max_uj", "expected_s"),
    [
        pytest.param(PKG_MAX_UJ, 10.0, id="typical-range-capped"),
        pytest.param(1_000_000_000, 2.0, id="1-kJ-range"),
        pytest.param(None, 10.0, id="unknown-range"),
    ],
)
def test_sample_interval_rules_out_a_second_wrap(
    tmp_path: Path, max_uj: int | None, expected_s: float
) -> None:
    write_zone(tmp_path / "intel-rapl:0", "package-0", 0, max_uj)
    assert meter_at(tmp_path).sample_interval_s == pytest.approx(expected_s)


def test_sample_interval_follows_the_smallest_range(tmp_path: Path) -> None:
    write_zone(tmp_path / "intel-rapl:0", "package-0", 0, PKG_MAX_UJ)
    write_zone(tmp_path / "intel-rapl:0/intel-rapl:0:0", "dram", 0, 2_000_000_000)
    assert meter_at(tmp_path).sample_interval_s == pytest.approx(4.0)
    # ...unless that zone is not reported
    assert meter_at(tmp_path, include_dram=False).sample_interval_s == pytest.approx(10.0)


def test_late_sample_is_noted_but_kept(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    zone = write_zone(tmp_path / "intel-rapl:0", "package-0", 0, 1_000_000_000)  # 2 s at 500 W
    meter = meter_at(tmp_path)
    meter.start(ctx(0.0))
    set_energy(zone, 300_000_000)
    with caplog.at_level(logging.WARNING, logger="algoprint"):
        meter.sample(ctx(5.0))
    (total,) = meter.totals()
    assert total.energy_j == pytest.approx(300.0)
    assert total.note is not None and "second counter wrap" in total.note
    assert "second counter wrap" in caplog.text


@pytest.mark.parametrize(
    ("max_uj", "write_max", "why"),
    [
        pytest.param(PKG_MAX_UJ, True, "more than a wrap", id="reset-not-wrap"),
        pytest.param(PKG_MAX_UJ, False, "range is unknown", id="unknown-range"),
    ],
)
def test_backwards_counter_that_is_no_wrap_becomes_a_gap(
    tmp_path: Path, max_uj: int, write_max: bool, why: str
) -> None:
    zone = write_zone(tmp_path / "intel-rapl:0", "package-0", 100_000_000_000, None)
    if write_max:
        (zone / "max_energy_range_uj").write_text(f"{max_uj}\n")
    meter = meter_at(tmp_path)
    meter.start(ctx(0.0))
    set_energy(zone, 5)
    meter.sample(ctx(1.0))
    (total,) = meter.totals()
    assert total.energy_j is None
    assert total.method is Method.NONE
    assert total.note is not None and why in total.note


# --- failures: absent, denied, vanishing -----------------------------------------------------


@pytest.mark.parametrize(
    "make_root",
    [
        pytest.param(lambda tmp: tmp / "does-not-exist", id="no-powercap-dir"),
        pytest.param(lambda tmp: tmp, id="empty-powercap-dir"),
        pytest.param(
            lambda tmp: write_zone(tmp / "intel-rapl:0" / "intel-rapl:0:0", "core").parents[1],
            id="subzone-without-package",
        ),
        pytest.param(
            lambda tmp: (tmp / "intel-rapl:0").mkdir() or tmp,
            id="zone-without-files",
        ),
    ],
)
def test_no_rapl_zones_is_unavailable(tmp_path: Path, make_root: Callable[[Path], Path]) -> None:
    root = make_root(tmp_path)
    with pytest.raises(MeterUnavailable) as info:
        probe_rapl(root=root, cpuinfo_path=INTEL)
    assert info.value.hint is not None and "intel_rapl_msr" in info.value.hint
    status = rapl_status(root=root, cpuinfo_path=INTEL)
    assert not status.available
    assert status.hint == info.value.hint


def test_unreadable_counter_is_permission_denied_with_hint(tree: Callable[[str], Path]) -> None:
    root = tree("server_1socket")
    reader = FailingReader(PermissionError(13, "Permission denied"))
    with pytest.raises(PermissionDenied) as info:
        probe_rapl(root=root, reader=reader, cpuinfo_path=INTEL)
    hint = info.value.hint or ""
    assert f"sudo chmod o+r {root}/intel-rapl*:*/energy_uj" in hint
    assert "reboot" in hint
    assert 'SUBSYSTEM=="powercap"' in hint
    assert info.value.source is not None and info.value.source.endswith("energy_uj")
    status = rapl_status(root=root, reader=reader, cpuinfo_path=INTEL)
    assert (status.available, status.hint) == (False, hint)


def test_start_raises_permission_denied(tree: Callable[[str], Path]) -> None:
    meter = meter_at(
        tree("server_1socket"), reader=FailingReader(PermissionError(13, "Permission denied"))
    )
    with pytest.raises(PermissionDenied):
        meter.start(ctx(0.0))


def test_counters_that_fail_to_read_everywhere_are_unavailable(
    tree: Callable[[str], Path],
) -> None:
    reader = FailingReader(OSError(61, "No data available"))
    with pytest.raises(MeterUnavailable, match="could be read"):
        probe_rapl(root=tree("server_2socket"), reader=reader, cpuinfo_path=INTEL)


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(PermissionError(13, "Permission denied"), id="permission"),
        pytest.param(OSError(5, "Input/output error"), id="eio"),
        pytest.param(FileNotFoundError(2, "No such file"), id="enoent"),
    ],
)
def test_read_error_mid_run_is_a_gap_not_an_exception(
    tree: Callable[[str], Path], error: OSError, caplog: pytest.LogCaptureFixture
) -> None:
    root = tree("server_1socket")
    reader = FailingReader(error, suffix="intel-rapl:0:2/energy_uj", failing=False)
    meter = meter_at(root, reader=reader)
    meter.start(ctx(0.0))
    add_energy(root / "intel-rapl:0", 1_000_000)
    add_energy(root / "intel-rapl:0/intel-rapl:0:2", 1_000_000)
    meter.sample(ctx(1.0))
    reader.failing = True
    add_energy(root / "intel-rapl:0", 1_000_000)
    with caplog.at_level(logging.WARNING, logger="algoprint"):
        meter.sample(ctx(2.0))
        meter.sample(ctx(3.0))
    totals = by_device(meter.totals())
    assert totals["package-0"].energy_j == pytest.approx(2.0)
    assert totals["dram-0"].energy_j is None
    assert totals["dram-0"].method is Method.NONE
    assert totals["dram-0"].note is not None and "intel-rapl:0:2" in totals["dram-0"].note
    assert caplog.text.count("dram-0") == 1  # warned once, not per sample


def test_counter_file_vanishing_mid_run(tree: Callable[[str], Path]) -> None:
    root = tree("server_2socket")
    meter = meter_at(root)
    meter.start(ctx(0.0))
    add_energy(root / "intel-rapl:1", 4_000_000)
    (root / "intel-rapl:1" / "energy_uj").unlink()
    meter.sample(ctx(1.0))  # must not raise
    write_zone(root / "intel-rapl:1", "package-1", 9_000_000)  # comes back: still a gap
    meter.sample(ctx(2.0))
    totals = by_device(meter.totals())
    assert totals["package-1"].energy_j is None
    assert totals["package-1"].note is not None and "unknown" in totals["package-1"].note
    assert totals["package-0"].energy_j == pytest.approx(0.0)
    assert totals["package-0"].method is Method.COUNTER


@pytest.mark.parametrize("garbage", ["", "not a number\n", "12.5\n"])
def test_garbage_counter_is_a_gap(tmp_path: Path, garbage: str) -> None:
    zone = write_zone(tmp_path / "intel-rapl:0", "package-0", 1)
    meter = meter_at(tmp_path)
    meter.start(ctx(0.0))
    (zone / "energy_uj").write_text(garbage)
    meter.sample(ctx(1.0))
    (total,) = meter.totals()
    assert (total.energy_j, total.method) == (None, Method.NONE)


def test_counter_unreadable_at_start_is_a_gap_from_the_start(tree: Callable[[str], Path]) -> None:
    root = tree("server_1socket")
    reader = FailingReader(OSError(5, "Input/output error"), suffix="intel-rapl:0:2/energy_uj")
    meter = probe_rapl(root=root, reader=reader, cpuinfo_path=INTEL)  # one readable is enough
    meter.start(ctx(0.0))
    add_energy(root / "intel-rapl:0", 3_000_000)
    meter.sample(ctx(1.0))
    totals = by_device(meter.totals())
    assert totals["package-0"].energy_j == pytest.approx(3.0)
    assert totals["dram-0"].energy_j is None


# --- uncertainty -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cpuinfo", "package_u", "dram_u"),
    [
        pytest.param(CPUINFO / "intel_icelake_sp", 0.05, 0.10, id="intel-measured"),
        pytest.param(CPUINFO / "intel_sandybridge", 0.15, 0.20, id="intel-modelled"),
        pytest.param(CPUINFO / "amd_zen3", 0.15, 0.20, id="amd"),
        pytest.param(CPUINFO / "hygon", 0.15, 0.20, id="hygon"),
        pytest.param(CPUINFO / "unknown_vendor", 0.15, 0.20, id="unknown"),
        pytest.param(CPUINFO / "missing", 0.15, 0.20, id="unreadable"),
        pytest.param(None, 0.15, 0.20, id="none"),
    ],
)
def test_uncertainty_follows_vendor_and_generation(
    tree: Callable[[str], Path], cpuinfo: Path | None, package_u: float, dram_u: float
) -> None:
    meter = RaplMeter(root=tree("server_1socket"), cpuinfo_path=cpuinfo)
    meter.start(ctx(0.0))
    totals = by_device(meter.totals())
    assert totals["package-0"].uncertainty_rel == package_u
    assert totals["dram-0"].uncertainty_rel == dram_u


def test_psys_uncertainty(tree: Callable[[str], Path]) -> None:
    meter = meter_at(tree("psys_only"))
    meter.start(ctx(0.0))
    assert meter.totals()[0].uncertainty_rel == 0.10


# --- lifecycle -------------------------------------------------------------------------------


def test_lifecycle(tree: Callable[[str], Path]) -> None:
    root = tree("server_1socket")
    meter = meter_at(root)
    with pytest.raises(TrackingError):
        meter.sample(ctx(0.0))
    before = meter.totals()
    assert all(c.energy_j is None and c.note for c in before)
    meter.start(ctx(0.0))
    with pytest.raises(TrackingError):
        meter.start(ctx(0.0))
    add_energy(root / "intel-rapl:0", 1_000_000)
    meter.sample(ctx(1.0))
    meter.close()
    meter.close()
    add_energy(root / "intel-rapl:0", 1_000_000)
    meter.sample(ctx(2.0))  # after close: no more reading
    assert by_device(meter.totals())["package-0"].energy_j == pytest.approx(1.0)


def test_keyword_only_constructor() -> None:
    with pytest.raises(TypeError):
        RaplMeter("/sys/class/powercap")  # type: ignore[misc]


def test_module_imports_only_the_standard_library() -> None:
    here = Path(rapl.__file__)
    source = here.read_text() + "\n" + here.with_name("_rapl_zones.py").read_text()
    allowed = {"algoprint.errors", "algoprint.meters.common", "algoprint.meters._rapl_zones"}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        else:
            continue
        for module in modules:
            top = module.split(".")[0]
            assert module in allowed or top in sys.stdlib_module_names or module == "__future__", (
                module
            )


def test_real_machine_status_never_raises() -> None:
    """Whatever this machine has (often nothing, in CI), doctor gets a status, not an error."""
    status = rapl_status()
    assert status.name == "rapl"
    assert status.available or status.hint
