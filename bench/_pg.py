"""A throwaway PostgreSQL for benchmarks (unix socket only, fsync off like the test suite's),
started from initdb/pg_ctl on PATH; as root it runs as the ``postgres`` user."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _run(argv: list[str], owner: pwd.struct_passwd | None) -> None:
    if owner is not None:
        argv = ["runuser", "-u", owner.pw_name, "--", *argv]
    subprocess.run(argv, check=True, capture_output=True, timeout=120)


@contextlib.contextmanager
def throwaway_postgres(fsync: bool = False) -> Iterator[str]:
    """Yield the SQLAlchemy URL of database ``bench`` on a new server; remove it afterwards."""
    owner = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
    base = Path(tempfile.mkdtemp(prefix="algoprint-bench-pg-"))
    data, sockets = base / "data", base / "sock"
    sockets.mkdir()
    if owner is not None:
        for path in (base, sockets):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _run(
        [
            str(shutil.which("initdb")),
            "-D",
            str(data),
            "--auth=trust",
            "--username=postgres",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        ],
        owner,
    )
    options = (
        f"-p {port} -k {sockets} -c listen_addresses='' -c shared_buffers=512MB "
        f"-c max_wal_size=4GB -c work_mem=64MB" + ("" if fsync else " -F")
    )
    pg_ctl = str(shutil.which("pg_ctl"))
    _run([pg_ctl, "-D", str(data), "-l", str(base / "log"), "-w", "-o", options, "start"], owner)
    try:
        import psycopg

        with psycopg.connect(
            host=str(sockets), port=port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute("CREATE DATABASE bench")
        yield f"postgresql+psycopg://postgres@/bench?host={sockets}&port={port}"
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            _run([pg_ctl, "-D", str(data), "stop", "-m", "fast"], owner)
        shutil.rmtree(base, ignore_errors=True)
