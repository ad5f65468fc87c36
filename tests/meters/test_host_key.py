"""The host key: the kernel's boot id (shared by the containers on one kernel), else the
hostname; recorded on every run."""

from __future__ import annotations

from pathlib import Path

import pytest

from algoprint.meters import _hostkey
from algoprint.meters._host import host_info, hostname
from algoprint.meters._hostkey import host_key

BOOT_ID = "0b5e1c7a-3f1d-4c55-9a51-9d7f2b1e0c42"


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_hostkey, "_CACHE", {})


def _proc(tmp_path: Path, boot_id: str | None) -> Path:
    root = tmp_path / "proc"
    (root / "sys/kernel/random").mkdir(parents=True)
    if boot_id is not None:
        (root / "sys/kernel/random/boot_id").write_text(boot_id + "\n", encoding="ascii")
    return root


def test_the_boot_id_is_the_key(tmp_path: Path) -> None:
    assert host_key(_proc(tmp_path, BOOT_ID.upper())) == f"boot:{BOOT_ID}"


@pytest.mark.parametrize("content", [None, "", "not-a-uuid", "x" * 36])
def test_without_a_usable_boot_id_the_key_is_the_hostname(
    tmp_path: Path, content: str | None
) -> None:
    assert host_key(_proc(tmp_path, content)) == hostname()


def test_containers_of_one_kernel_share_the_key(tmp_path: Path) -> None:
    # Two "containers": their own hostnames and /etc, one /proc/sys/kernel/random/boot_id.
    root = _proc(tmp_path, BOOT_ID)
    assert host_key(root) == host_key(str(root)) == f"boot:{BOOT_ID}"


def test_host_info_and_every_run_record_carry_the_key(tmp_path: Path) -> None:
    from tests.tracking._fakes import ConstantPowerMeter

    from algoprint.tracking import Tracker

    assert host_info(proc_root=_proc(tmp_path, BOOT_ID))["host_key"] == f"boot:{BOOT_ID}"
    tracker = Tracker(
        db=str(tmp_path / "r.db"), scope="machine", meters=[ConstantPowerMeter(power_w=1)]
    )
    tracker.start()
    record = tracker.stop()
    assert record.host["host_key"] == host_key("/proc")
    assert record.host["hostname"] == hostname()


@pytest.mark.skipif(not Path("/proc/sys/kernel/random/boot_id").is_file(), reason="not Linux")
def test_on_linux_the_key_is_the_running_kernels_boot_id() -> None:
    boot = Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
    assert host_key() == f"boot:{boot}"
