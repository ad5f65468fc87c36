"""How a tracker writes its run: never lost, never raised, each problem said once.

:class:`RunWriter` owns the tracker's sink (wrapped in :class:`~._fallback_spool.SafeSink`),
records on the run when the store failed or a fallback spool was used (and says where, once),
and registers machine-scope runs so that a second one on the host warns (:mod:`._machine_runs`).
Kept out of :mod:`.tracker` so the lifecycle code there stays about measuring.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from pathlib import Path

from algoprint.errors import ConfigError
from algoprint.meters.common import log, warn_once
from algoprint.tracking._fallback_spool import SafeSink
from algoprint.tracking.record import Degradation, RunRecord, RunStatus

__all__ = ["RunSink", "RunWriter", "config_degradation"]


TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Protocol

    class RunSink(Protocol):
        """Where a tracker writes its run (checkpoints and the final record)."""

        def save(self, record: RunRecord, *, durable: bool = False) -> object: ...
else:

    class RunSink:
        """Where a tracker writes its run (checkpoints and the final record). A
        :class:`typing.Protocol` for the type checker; at run time a plain class, so that
        this module does not import :mod:`typing`."""


def config_degradation(problem: ConfigError) -> Degradation:
    """A skipped environment/config setting, warned once, as a degradation for the run."""
    message = f"setting ignored, its default applies: {problem.message}"
    warn_once(f"config:{problem.message}", f"algoprint: {message}")
    return Degradation(source="config", message=message, hint=problem.hint, kind="fallback")


class RunWriter:
    """Saves checkpoints and the final record of one run.

    Args:
        sink: the tracker's sink (``None``: the spool of ``db``).
        db: the ``db`` setting.
        record_problem: adds a degradation to the run being tracked.
    """

    def __init__(
        self,
        sink: RunSink | None,
        *,
        db: str | None,
        record_problem: Callable[[Degradation], None],
    ) -> None:
        self._sink = SafeSink(sink, db=db, spool_first=sink is not None)
        self._db = db
        self._record_problem = record_problem
        self._store_failed = False
        self._fallback_said = False
        self._registration: Path | None = None

    def save(self, record: RunRecord) -> None:
        """Write ``record`` (final records durably); failures are recorded, never raised."""
        try:
            self._sink.save(record, durable=record.status is not RunStatus.RUNNING)
            if self._sink.fallback is not None and not self._fallback_said:
                self._fell_back(record, *self._sink.fallback)
        except Exception as e:
            message = f"the run could not be stored: {e}"
            problem = Degradation(
                source="store",
                message=message,
                hint="check --db / ALGOPRINT_DB; the run document is still returned",
            )
            if not self._store_failed:
                self._store_failed = True
                self._record_problem(problem)
            if record.status is not RunStatus.RUNNING and problem not in record.degradations:
                record.degradations.append(problem)
            warn_once(f"store:{self._db}", f"algoprint: {message}")

    def _fell_back(self, record: RunRecord, reason: str, directory: Path) -> None:
        self._fallback_said = True
        problem = Degradation(
            source="store",
            message=f"the store could not be written ({reason}); the run was spooled to "
            f"{directory} instead",
            hint="it is moved into the store when a command next opens it (algoprint runs)",
            kind="fallback",
        )
        self._record_problem(problem)
        if record.status is not RunStatus.RUNNING and problem not in record.degradations:
            record.degradations.append(problem)
            with contextlib.suppress(Exception):
                self._sink.save(record, durable=True)
        warn_once(f"store-fallback:{directory}", f"algoprint: {problem.message}; {problem.hint}")

    def announce_machine_run(
        self, run_id: str, algorithm: str | None, command: Sequence[str] | None
    ) -> None:
        """Register this machine-scope run; warn (and record) when another one is active on
        this host: both measure the whole machine, and totals split the overlap."""
        from algoprint.tracking import _machine_runs

        others = _machine_runs.active_runs()
        self._registration = _machine_runs.register(
            run_id, {"algorithm": algorithm, "command": list(command) if command else None}
        )
        if not others:
            return
        shown = ", ".join(
            f"run {str(o.get('run_id'))[:8]} (pid {o.get('pid')}"
            + (f", {o['algorithm']})" if o.get("algorithm") else ")")
            for o in others[:3]
        )
        problem = Degradation(
            source="overlap",
            message=f"another machine-scope run is active on this host: {shown}; both measure "
            "the whole machine, and totals count the overlap once (split pro rata by time)",
            hint="use --scope process (scope='process') to attribute by process instead",
            kind="fallback",
        )
        self._record_problem(problem)
        log.warning("algoprint: %s (%s)", problem.message, problem.hint)

    def release(self) -> None:
        """Unregister the machine-scope run (at stop)."""
        from algoprint.tracking import _machine_runs

        _machine_runs.unregister(self._registration)
        self._registration = None
