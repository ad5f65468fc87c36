"""A writer process for test_store_concurrency: open the store when told, save one run with
several checkpoints, then the finished record. Usage: _writer.py URL RUN_ID CHECKPOINTS SYNC_DIR"""

from __future__ import annotations

import os
import socket
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from algoprint.store import Store
from algoprint.tracking.record import ComponentRecord, PhaseRecord, RunRecord, RunStatus


def main() -> None:
    url, run_id, checkpoints, sync = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    (sync / f"ready-{run_id}").touch()
    deadline = time.monotonic() + 60
    while not (sync / "go").exists():
        if time.monotonic() > deadline:
            raise SystemExit("never told to go")
        time.sleep(0.005)
    start = datetime.now(UTC)
    record = RunRecord(
        run_id=run_id,
        algorithm="concurrency",
        phase=None,
        status=RunStatus.RUNNING,
        started_at=start.isoformat(),
        scope="machine",
        pid=os.getpid(),
        host={"hostname": socket.gethostname()},
    )
    store = Store(url=url)
    try:
        for n in range(1, checkpoints + 1):
            record.checkpoint_at = (start + timedelta(seconds=n)).isoformat()
            record.duration_s = float(n)
            record.measured_energy_j = 10.0 * n
            record.components = [
                ComponentRecord("cpu", f"package-{i}", 5.0 * n, "counter", 0.05) for i in range(2)
            ]
            record.phases = [
                PhaseRecord(f"phase-{i}", start.isoformat(), None, 1.0, 1.0, 1.0, None)
                for i in range(n)
            ]
            store.save_run(record)
        record.status = RunStatus.COMPLETED
        record.ended_at = record.checkpoint_at
        store.save_run(record)
    finally:
        store.close()


if __name__ == "__main__":
    main()
