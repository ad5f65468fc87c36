"""What uploading to a server costs the tracked process: CPU and wall time per run, with and
without ``ALGOPRINT_SERVER`` set, in one process (loopback server, SQLite).

    PYTHONPATH=src python bench/upload_cost.py [--runs 40]

Each arm tracks ``--runs`` runs of the same small workload with the spool sink (the default
for ``algoprint.track()``); the upload arm also waits at the end for the background uploads,
so their CPU is counted. Prints per-run CPU and wall time of both arms and their difference.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def workload() -> None:
    total = 0
    for i in range(200_000):
        total += i * i


def arm(runs: int, db: str) -> tuple[float, float]:
    from algoprint.tracking import upload
    from algoprint.tracking.tracker import track

    cpu0, wall0 = time.process_time(), time.perf_counter()
    for _ in range(runs):
        with track(db=db, algorithm="upload-cost", gpu=False):
            workload()
    for thread in list(upload._threads):
        thread.join(30)
    return (time.process_time() - cpu0) / runs, (time.perf_counter() - wall0) / runs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="algoprint-upload-bench-"))
    os.environ["XDG_DATA_HOME"] = str(tmp / "data")
    from algoprint.server.accounts import create_org, create_token
    from algoprint.server.db import ServerDB

    url = f"sqlite:///{tmp / 'server.sqlite'}"
    db = ServerDB(url).open()
    token = create_token(db, create_org(db, "bench"), "ingest")
    db.close()
    port = 18766
    code = (
        "import uvicorn\nfrom algoprint.server import create_app\n"
        "from algoprint.server.settings import ServerSettings\n"
        f"uvicorn.run(create_app(ServerSettings(db={url!r})), host='127.0.0.1', port={port},"
        " log_level='warning')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    server = subprocess.Popen([sys.executable, "-c", code], env=env)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        arm(3, str(tmp / "warm.sqlite"))  # imports and first files
        base_cpu, base_wall = arm(args.runs, str(tmp / "plain.sqlite"))
        os.environ["ALGOPRINT_SERVER"] = f"http://127.0.0.1:{port}"
        os.environ["ALGOPRINT_TOKEN"] = token
        up_cpu, up_wall = arm(args.runs, str(tmp / "upload.sqlite"))
        from algoprint.tracking.upload import Outbox, server_target

        target = server_target({})
        assert target is not None
        left = len(Outbox(target).pending())
    finally:
        server.terminate()
        server.wait(10)
    print(f"{args.runs} runs each; workload about {base_wall * 1000:.0f} ms wall per run")
    print(f"no server:   CPU {base_cpu * 1000:.1f} ms, wall {base_wall * 1000:.1f} ms per run")
    print(
        f"with upload: CPU {up_cpu * 1000:.1f} ms, wall {up_wall * 1000:.1f} ms per run "
        f"({left} runs left in the outbox)"
    )
    print(
        f"added per run: CPU {(up_cpu - base_cpu) * 1000:+.1f} ms "
        f"(x{up_cpu / base_cpu:.3f}), wall {(up_wall - base_wall) * 1000:+.1f} ms "
        f"(x{up_wall / base_wall:.3f})"
    )


if __name__ == "__main__":
    main()
