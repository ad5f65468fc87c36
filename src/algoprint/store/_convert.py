"""Between :class:`~algoprint.tracking.record.RunRecord` and table rows.

Timestamps in a record are ISO 8601 strings with an offset; the store keeps the instant (UTC) and
gives it back as ``YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00``. Everything else round-trips unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from algoprint.errors import InputError, StoreError
from algoprint.tracking.record import (
    ComponentRecord,
    Degradation,
    PhaseRecord,
    RunRecord,
    RunStatus,
)

__all__ = [
    "COMPONENT_COLUMNS",
    "build_record",
    "component_rows",
    "format_ts",
    "group_components",
    "parse_ts",
    "phase_rows",
    "run_row",
]

WHOLE_RUN = ""
"""``phase_name`` of the components that cover the whole run."""

_TS_HINT = "write timestamps as ISO 8601 with an offset, e.g. datetime.now(UTC).isoformat()"


def parse_ts(value: str, what: str) -> datetime:
    """An aware datetime from an ISO 8601 string; ``what`` names the field in errors.

    Raises:
        InputError: not ISO 8601, or no timezone (the instant would be a guess).
    """
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise InputError(f"{what} {value!r} is not an ISO 8601 timestamp", hint=_TS_HINT) from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise InputError(f"{what} {value!r} has no timezone offset", hint=_TS_HINT)
    return parsed


def check_aware(value: datetime, what: str) -> datetime:
    """``value`` if it is timezone-aware; else :class:`InputError`."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError(
            f"{what} {value.isoformat()} has no timezone", hint="pass e.g. datetime.now(UTC)"
        )
    return value


def format_ts(value: datetime) -> str:
    """The ISO 8601 string of an instant, in UTC."""
    return value.astimezone(UTC).isoformat()


def _opt_ts(value: str | None, what: str) -> datetime | None:
    return None if value is None else parse_ts(value, what)


def _opt_str_ts(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def run_row(record: RunRecord) -> dict[str, Any]:
    """The ``runs`` row of a record.

    Raises:
        InputError: an empty run id or a timestamp without timezone.
    """
    if not isinstance(record.run_id, str) or not record.run_id:
        raise InputError("a run record needs a non-empty run_id")
    hostname = record.host.get("hostname")
    return {
        "run_id": record.run_id,
        "schema_version": record.schema_version,
        "algorithm": record.algorithm,
        "phase": record.phase,
        "status": RunStatus(record.status).value,
        "exit_code": record.exit_code,
        "started_at": parse_ts(record.started_at, "started_at"),
        "ended_at": _opt_ts(record.ended_at, "ended_at"),
        "duration_s": record.duration_s,
        "scope": record.scope,
        "energy_j": record.energy_j,
        "machine_energy_j": record.machine_energy_j,
        "process_energy_j": record.process_energy_j,
        "measured_energy_j": record.measured_energy_j,
        "uncertainty_rel": record.uncertainty_rel,
        "units": record.units,
        "pid": record.pid,
        "hostname": hostname if isinstance(hostname, str) else None,
        "checkpoint_at": _opt_ts(record.checkpoint_at, "checkpoint_at"),
        "command": list(record.command) if record.command is not None else None,
        "host": dict(record.host),
        "meters": [dict(m) for m in record.meters],
        "degradations": [d.as_dict() for d in record.degradations],
        "tags": dict(record.tags),
    }


def _component_rows(
    run_id: str, phase_name: str, items: Iterable[ComponentRecord]
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for seq, c in enumerate(items):
        key = (c.domain, c.device)
        if key in seen:
            where = f"phase {phase_name!r}" if phase_name else "the run"
            raise InputError(
                f"run {run_id}: component {c.domain}/{c.device} appears twice in {where}",
                hint="each device is reported once per window",
            )
        seen.add(key)
        rows.append(
            {
                "run_id": run_id,
                "phase_name": phase_name,
                "domain": c.domain,
                "device": c.device,
                "seq": seq,
                "energy_j": c.energy_j,
                "process_energy_j": c.process_energy_j,
                "method": c.method,
                "uncertainty_rel": c.uncertainty_rel,
                "note": c.note,
            }
        )
    return rows


def component_rows(record: RunRecord) -> list[dict[str, Any]]:
    """``run_components`` rows: the whole run (``phase_name=''``), then each phase."""
    rows = _component_rows(record.run_id, WHOLE_RUN, record.components)
    for phase in record.phases:
        rows.extend(_component_rows(record.run_id, phase.name, phase.components))
    return rows


def phase_rows(record: RunRecord) -> list[dict[str, Any]]:
    """``run_phases`` rows.

    Raises:
        InputError: an empty or repeated phase name.
    """
    rows: list[dict[str, Any]] = []
    names: set[str] = set()
    for seq, p in enumerate(record.phases):
        if not p.name or p.name in names:
            raise InputError(
                f"run {record.run_id}: phase name {p.name!r} is empty or repeated",
                hint="a phase entered twice accumulates into one PhaseRecord with count > 1",
            )
        names.add(p.name)
        rows.append(
            {
                "run_id": record.run_id,
                "name": p.name,
                "seq": seq,
                "started_at": parse_ts(p.started_at, f"phase {p.name!r} started_at"),
                "ended_at": _opt_ts(p.ended_at, f"phase {p.name!r} ended_at"),
                "duration_s": p.duration_s,
                "energy_j": p.energy_j,
                "machine_energy_j": p.machine_energy_j,
                "process_energy_j": p.process_energy_j,
                "count": p.count,
            }
        )
    return rows


COMPONENT_COLUMNS = (
    "run_id",
    "phase_name",
    "domain",
    "device",
    "energy_j",
    "method",
    "uncertainty_rel",
    "process_energy_j",
    "note",
)
"""The ``run_components`` columns that :func:`group_components` reads, in this order."""

ComponentsByPhase = dict[str, list[ComponentRecord]]


def group_components(rows: Iterable[Sequence[Any]]) -> dict[str, ComponentsByPhase]:
    """Components by run id and phase name, from tuples of :data:`COMPONENT_COLUMNS` sorted by
    run, phase and seq. Tuples, not mappings: this is the hot loop when listing many runs."""
    grouped: dict[str, ComponentsByPhase] = {}
    for run_id, phase_name, domain, device, energy_j, method, uncertainty, process_j, note in rows:
        by_phase = grouped.get(run_id)
        if by_phase is None:
            by_phase = grouped[run_id] = {}
        by_phase.setdefault(phase_name, []).append(
            ComponentRecord(domain, device, energy_j, method, uncertainty, process_j, note)
        )
    return grouped


def _iso(value: datetime) -> str:
    # Values come from UtcDateTime, already in UTC.
    return value.isoformat()


def build_record(
    run: Mapping[Any, Any],
    components: ComponentsByPhase,
    phases: Iterable[Mapping[Any, Any]],
) -> RunRecord:
    """A record from its ``runs`` row, its components by phase name (``''`` for the whole run)
    and its phase rows sorted by seq.

    Raises:
        StoreError: a value this version of algoprint does not know (written by a newer one).
    """
    run_id = run["run_id"]
    by_phase = components
    try:
        status = RunStatus(run["status"])
        degradations = [Degradation(**d) for d in run["degradations"]]
    except (ValueError, TypeError) as e:
        raise StoreError(
            f"run {run_id} holds a value this algoprint does not know: {e}",
            hint="upgrade algoprint (the run was written by a newer version)",
        ) from e
    phase_records = [
        PhaseRecord(
            name=p["name"],
            started_at=_iso(p["started_at"]),
            ended_at=_opt_str_ts(p["ended_at"]),
            duration_s=p["duration_s"],
            energy_j=p["energy_j"],
            machine_energy_j=p["machine_energy_j"],
            process_energy_j=p["process_energy_j"],
            components=by_phase.get(p["name"], []),
            count=p["count"],
        )
        for p in phases
    ]
    return RunRecord(
        run_id=run_id,
        algorithm=run["algorithm"],
        phase=run["phase"],
        status=status,
        started_at=_iso(run["started_at"]),
        scope=run["scope"],
        ended_at=_opt_str_ts(run["ended_at"]),
        duration_s=run["duration_s"],
        exit_code=run["exit_code"],
        energy_j=run["energy_j"],
        machine_energy_j=run["machine_energy_j"],
        process_energy_j=run["process_energy_j"],
        measured_energy_j=run["measured_energy_j"],
        uncertainty_rel=run["uncertainty_rel"],
        components=by_phase.get(WHOLE_RUN, []),
        phases=phase_records,
        degradations=degradations,
        meters=list(run["meters"]),
        host=dict(run["host"]),
        command=None if run["command"] is None else list(run["command"]),
        pid=run["pid"],
        units=run["units"],
        tags=dict(run["tags"]),
        checkpoint_at=_opt_str_ts(run["checkpoint_at"]),
        schema_version=run["schema_version"],
    )
