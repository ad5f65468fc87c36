"""Shared fixtures: a throwaway PostgreSQL server and store URLs.

``postgres_server`` starts one PostgreSQL per test session from the ``initdb``/``pg_ctl``
binaries on PATH, listening only on a unix socket in a private temporary directory, with
``fsync`` off and trust authentication. PostgreSQL refuses to run as root, so under root it runs
as the ``postgres`` user (``runuser``) from a directory that user owns (pytest's ``tmp_path``
under ``/tmp/pytest-of-root`` is not traversable by it). Missing binaries skip PostgreSQL tests,
or fail them when ``CI`` is set, so CI cannot pass without having run them.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

_PG_BINARIES = ("initdb", "pg_ctl", "postgres")


_LOOPBACK = ("127.", "::1", "localhost")


@pytest.fixture(autouse=True, scope="session")
def _no_network() -> Iterator[None]:
    """Tests never touch the network: connecting a socket to anything but loopback or a unix
    socket fails loudly (the throwaway PostgreSQL server listens on a unix socket)."""
    original = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple) and not str(address[0]).startswith(_LOOPBACK):
            raise OSError(f"network access in a test: connect to {address!r} is blocked")
        return original(self, address)

    socket.socket.connect = guarded  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.socket.connect = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _private_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point the user data, cache and config dirs at a temporary folder for every test, so
    tests never read or write the real user's store, spool, cache or config."""
    home = tmp_path_factory.mktemp("xdg")
    for name in (
        "XDG_DATA_HOME",
        "XDG_CACHE_HOME",
        "XDG_CONFIG_HOME",
        "XDG_STATE_HOME",
        "XDG_RUNTIME_DIR",
    ):
        monkeypatch.setenv(name, str(home / name.lower()))
    (home / "xdg_runtime_dir").mkdir()
    monkeypatch.delenv("ALGOPRINT_DB", raising=False)


@dataclass(frozen=True)
class PostgresServer:
    """A running throwaway server reachable through ``socket_dir`` and ``port``."""

    socket_dir: Path
    port: int
    user: str = "postgres"

    def url(self, dbname: str) -> str:
        """The SQLAlchemy URL of database ``dbname`` (psycopg 3 driver, unix socket)."""
        return f"postgresql+psycopg://{self.user}@/{dbname}?host={self.socket_dir}&port={self.port}"

    def _admin(self, dbname: str = "postgres") -> Any:
        import psycopg

        return psycopg.connect(
            host=str(self.socket_dir),
            port=self.port,
            user=self.user,
            dbname=dbname,
            autocommit=True,
        )

    def create_database(self) -> str:
        """Create a fresh, empty database and return its name (about 0.4 s)."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def reset_database(self, dbname: str) -> None:
        """Empty ``dbname`` (drop and recreate schema ``public``), much faster than a new one.

        Connections left open by an earlier test are ended first so they cannot block the drop.
        """
        with self._admin() as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (dbname,),
            )
        with self._admin(dbname) as conn:
            conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
            conn.execute("CREATE SCHEMA public")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so PostgreSQL tests must run)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(argv: list[str], owner: pwd.struct_passwd | None, cwd: Path) -> None:
    if owner is not None:
        argv = ["runuser", "-u", owner.pw_name, "--", *argv]
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        )


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole session, stopped and removed at the end."""
    binaries = {name: shutil.which(name) for name in _PG_BINARIES}
    missing = [name for name, path in binaries.items() if path is None]
    if missing:
        _unavailable(f"PostgreSQL binaries not on PATH: {', '.join(missing)}")
    try:
        import psycopg  # noqa: F401
    except ModuleNotFoundError:
        _unavailable("psycopg is not installed (pip install 'psycopg[binary]')")
    owner: pwd.struct_passwd | None = None
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            _unavailable("running as root needs runuser to start PostgreSQL as another user")
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("running as root needs a 'postgres' user to run PostgreSQL")
    # mkdtemp gives a short path (unix socket paths are limited to ~107 bytes) in /tmp, which
    # every user can traverse; the directory itself is handed to the server's user.
    base = Path(tempfile.mkdtemp(prefix="algoprint-pg-"))
    data, sockets = base / "data", base / "sock"
    sockets.mkdir()
    if owner is not None:
        for path in (base, sockets):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    port = _free_port()
    pg_ctl = str(binaries["pg_ctl"])

    def stop() -> None:
        _run([pg_ctl, "-D", str(data), "stop", "-m", "immediate"], owner, base)

    try:
        _run(
            [
                *(str(binaries["initdb"]), "-D", str(data), "--auth=trust", "--username=postgres"),
                *("--encoding=UTF8", "--locale=C", "--no-sync"),
            ],
            owner,
            base,
        )
        options = f"-F -p {port} -k {sockets} -c listen_addresses='' -c full_page_writes=off"
        log_file = str(base / "server.log")
        start = [pg_ctl, "-D", str(data), "-l", log_file, "-w", "-t", "60", "-o", options, "start"]
        _run(start, owner, base)
    except RuntimeError as e:
        log = base / "server.log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        with contextlib.suppress(RuntimeError):
            stop()  # in case it came up after pg_ctl gave up waiting
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"could not start the throwaway PostgreSQL: {e}\n{tail}")
    try:
        yield PostgresServer(socket_dir=sockets, port=port)
    finally:
        try:
            stop()
        finally:
            shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def _postgres_test_db(postgres_server: PostgresServer) -> str:
    return postgres_server.create_database()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer, _postgres_test_db: str) -> str:
    """The URL of an empty database on the session's PostgreSQL server (emptied per test)."""
    postgres_server.reset_database(_postgres_test_db)
    return postgres_server.url(_postgres_test_db)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """The URL of a new SQLite file (not yet created) in this test's tmp_path."""
    return f"sqlite:///{tmp_path / 'runs.sqlite'}"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium for the session (tests/browser.py)."""
    from tests.browser import launch_browser

    yield from launch_browser()
