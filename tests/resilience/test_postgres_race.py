"""16 concurrent ``algoprint run`` with a new algorithm on PostgreSQL: every command runs and
every run is stored (registration is idempotent and never stops the command)."""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from algoprint.store import open_store
from tests.resilience._progs import PY, env_for

WORKERS = 16
ROUNDS = 4


@pytest.mark.postgres
def test_concurrent_new_algorithm_runs_all_run_and_land(postgres_url: str, tmp_path: Path) -> None:
    env = env_for(postgres_url)

    def worker(i: int) -> list[tuple[int, str]]:
        out = []
        for r in range(ROUNDS):
            marker = tmp_path / f"ran-{i}-{r}"
            proc = subprocess.run(
                [PY, "-m", "algoprint", "run", "-q", "--algorithm", f"nieuw-{r}", "--tag",
                 f"w={i}-{r}", "--", "touch", str(marker)],
                env=env, capture_output=True, text=True, timeout=180, check=False,
            )  # fmt: skip
            out.append((proc.returncode, proc.stderr))
        return out

    with ThreadPoolExecutor(WORKERS) as pool:
        results = [r for rs in pool.map(worker, range(WORKERS)) for r in rs]
    failures = [err for code, err in results if code != 0]
    assert not failures, failures[:3]
    assert len(list(tmp_path.glob("ran-*"))) == WORKERS * ROUNDS  # every command ran
    store = open_store(postgres_url)
    try:
        runs = store.list_runs()
        assert sorted(r.tags["w"] for r in runs) == sorted(
            f"{i}-{r}" for i in range(WORKERS) for r in range(ROUNDS)
        )
        assert all(r.status.value == "completed" for r in runs)
        assert all(not any(d.source == "register" for d in r.degradations) for r in runs)
        slugs = [row["slug"] for row in store.list_algorithm_rows()]
        assert sorted(slugs) == [f"nieuw-{r}" for r in range(ROUNDS)]
    finally:
        store.close()


@pytest.mark.postgres
def test_registration_racing_an_uncommitted_insert_is_refused_cleanly(postgres_url: str) -> None:
    """Deterministic form of the race: the second insert waits for the first transaction and
    then sees "already registered" (an InputError), never a duplicate-key StoreError."""
    import threading
    from datetime import UTC, datetime

    from algoprint.errors import InputError
    from algoprint.kader.register import Algorithm
    from algoprint.store._register import insert_algorithm

    store = open_store(postgres_url)
    try:
        now = datetime(2026, 12, 1, tzinfo=UTC).isoformat()
        row = Algorithm(slug="racer", name="racer", created_at=now, updated_at=now).to_row()
        engine = store._get_engine()
        outcome: list[BaseException | None] = []

        def second() -> None:
            try:
                with engine.begin() as conn:
                    insert_algorithm(conn, row)
                outcome.append(None)
            except BaseException as e:  # the test inspects it
                outcome.append(e)

        with engine.begin() as first:
            insert_algorithm(first, row)
            racer = threading.Thread(target=second)
            racer.start()
            racer.join(timeout=1.0)
            assert racer.is_alive()  # blocked on the uncommitted row
        racer.join(timeout=30)
        assert len(outcome) == 1 and isinstance(outcome[0], InputError), outcome
    finally:
        store.close()
