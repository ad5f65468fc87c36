"""The run document: what one tracked run measured, in the versioned shape that the store keeps
and ``algoprint run --json`` prints (docs/run-schema.md documents every field).

Units are in the field names (joules, seconds). Impacts are *not* part of the record: they are
derived from it on request with a named factor version, so they can be recomputed.
"""

from __future__ import annotations

from enum import StrEnum

from algoprint._values import Record
from algoprint.records import Degradation

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "SCHEMA_VERSION",
    "ComponentRecord",
    "Degradation",
    "PhaseRecord",
    "RunRecord",
    "RunStatus",
]

SCHEMA_VERSION = "1.0"

_SCALARS = (str, int, float, bool, type(None))


def _plain(obj: Any) -> Any:
    """The document of ``obj``: records become dicts (deeply), as :func:`dataclasses.asdict`
    would make them. Scalars are immutable and returned as they are; records, lists, tuples and
    dicts are rebuilt; anything else is deep-copied.
    """
    cls = type(obj)
    if cls in _SCALARS:
        return obj
    if isinstance(obj, Record):
        return {name: _plain(getattr(obj, name)) for name in obj._fields}
    if cls is list:
        return [_plain(v) for v in obj]
    if cls is dict:
        return {_plain(k): _plain(v) for k, v in obj.items()}
    if cls is tuple:
        return tuple(_plain(v) for v in obj)
    import copy  # rare: a value that is not JSON-shaped

    return copy.deepcopy(obj)


def _fields_of(obj: Any) -> dict[str, Any]:
    """The fields of a record for the json encoder (``default``), as :meth:`RunRecord.to_dict`
    gives them: a run without phases has no ``phases`` key.

    Raises:
        TypeError: ``obj`` is not a record (what json.dumps says of such a value).
    """
    cls = type(obj)
    if not isinstance(obj, Record):
        raise TypeError(f"Object of type {cls.__name__} is not JSON serializable")
    data = {name: getattr(obj, name) for name in obj._fields}
    if cls is RunRecord and not data["phases"]:
        del data["phases"]
    return data


class RunStatus(StrEnum):
    """Lifecycle state of a run.

    ``running`` while tracking; ``completed`` when it ended normally and every source measured;
    ``degraded`` when it ended normally but a meter failed or fell back during the run;
    ``failed`` when the tracked code raised or the command exited non-zero or could not start;
    ``interrupted`` when stopped by SIGINT/SIGTERM; ``incomplete`` when the tracking process
    died (SIGKILL, power loss) and the run was recovered from its last checkpoint;
    ``stopped-by-budget`` when a training ended early, on purpose, because its energy budget
    ran out (a complete, intended end: its figures cover all the work that was done).
    """

    RUNNING = "running"
    COMPLETED = "completed"
    DEGRADED = "degraded"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    INCOMPLETE = "incomplete"
    STOPPED_BY_BUDGET = "stopped-by-budget"


class ComponentRecord(Record):
    """Energy of one device over a window (the run or one phase).

    ``energy_j`` is the whole-machine figure for the device; ``process_energy_j`` the share
    attributed to the tracked process tree. ``None`` in either is an explicit gap.
    """

    _fields = (
        "domain",
        "device",
        "energy_j",
        "method",
        "uncertainty_rel",
        "process_energy_j",
        "note",
    )
    __slots__ = _fields
    domain: str
    device: str
    energy_j: float | None
    method: str
    uncertainty_rel: float
    process_energy_j: float | None
    note: str | None

    def __init__(  # noqa: PLR0917 - positional, as the dataclass it replaced
        self,
        domain: str,
        device: str,
        energy_j: float | None,
        method: str,
        uncertainty_rel: float,
        process_energy_j: float | None = None,
        note: str | None = None,
    ) -> None:
        self.domain, self.device, self.energy_j, self.method = domain, device, energy_j, method
        self.uncertainty_rel, self.process_energy_j = uncertainty_rel, process_energy_j
        self.note = note


class PhaseRecord(Record):
    """A named window inside a run (``with run.phase("inference"):``).

    A phase that is entered several times accumulates; ``count`` says how often.
    """

    _fields = (
        "name",
        "started_at",
        "ended_at",
        "duration_s",
        "energy_j",
        "machine_energy_j",
        "process_energy_j",
        "components",
        "count",
    )
    __slots__ = _fields
    name: str
    started_at: str
    ended_at: str | None
    duration_s: float
    energy_j: float | None
    machine_energy_j: float | None
    process_energy_j: float | None
    components: list[ComponentRecord]
    count: int

    def __init__(  # noqa: PLR0917 - positional, as the dataclass it replaced
        self,
        name: str,
        started_at: str,
        ended_at: str | None,
        duration_s: float,
        energy_j: float | None,
        machine_energy_j: float | None,
        process_energy_j: float | None,
        components: list[ComponentRecord] | None = None,
        count: int = 1,
    ) -> None:
        self.name, self.started_at, self.ended_at = name, started_at, ended_at
        self.duration_s, self.energy_j = duration_s, energy_j
        self.machine_energy_j, self.process_energy_j = machine_energy_j, process_energy_j
        self.components = [] if components is None else components
        self.count = count


class RunRecord(Record):
    """One tracked run. See docs/run-schema.md.

    ``energy_j`` is the headline total for ``scope``: ``machine_energy_j`` for ``machine``,
    ``process_energy_j`` for ``process``. Totals are ``None`` when any counted component is a
    gap, so a partial sum is never presented as the total; the known part is in
    ``measured_energy_j``. ``units`` are the functional units served (SCI's R), e.g.
    predictions made; set by the user.
    """

    _fields = (
        "run_id",
        "algorithm",
        "phase",
        "status",
        "started_at",
        "scope",
        "ended_at",
        "duration_s",
        "exit_code",
        "energy_j",
        "machine_energy_j",
        "process_energy_j",
        "measured_energy_j",
        "uncertainty_rel",
        "components",
        "phases",
        "degradations",
        "meters",
        "host",
        "command",
        "pid",
        "units",
        "tags",
        "checkpoint_at",
        "schema_version",
    )
    __slots__ = _fields
    run_id: str
    algorithm: str | None
    phase: str | None
    status: RunStatus
    started_at: str
    scope: str
    ended_at: str | None
    duration_s: float
    exit_code: int | None
    energy_j: float | None
    machine_energy_j: float | None
    process_energy_j: float | None
    measured_energy_j: float
    uncertainty_rel: float | None
    components: list[ComponentRecord]
    phases: list[PhaseRecord]
    degradations: list[Degradation]
    meters: list[dict[str, Any]]
    host: dict[str, Any]
    command: list[str] | None
    pid: int | None
    units: float | None
    tags: dict[str, str]
    checkpoint_at: str | None
    schema_version: str

    def __init__(  # noqa: PLR0917 - positional, as the dataclass it replaced
        self,
        run_id: str,
        algorithm: str | None,
        phase: str | None,
        status: RunStatus,
        started_at: str,
        scope: str,
        ended_at: str | None = None,
        duration_s: float = 0.0,
        exit_code: int | None = None,
        energy_j: float | None = None,
        machine_energy_j: float | None = None,
        process_energy_j: float | None = None,
        measured_energy_j: float = 0.0,
        uncertainty_rel: float | None = None,
        components: list[ComponentRecord] | None = None,
        phases: list[PhaseRecord] | None = None,
        degradations: list[Degradation] | None = None,
        meters: list[dict[str, Any]] | None = None,
        host: dict[str, Any] | None = None,
        command: list[str] | None = None,
        pid: int | None = None,
        units: float | None = None,
        tags: dict[str, str] | None = None,
        checkpoint_at: str | None = None,
        schema_version: str = SCHEMA_VERSION,
    ) -> None:
        self.run_id, self.algorithm, self.phase, self.status = run_id, algorithm, phase, status
        self.started_at, self.scope, self.ended_at = started_at, scope, ended_at
        self.duration_s, self.exit_code, self.energy_j = duration_s, exit_code, energy_j
        self.machine_energy_j, self.process_energy_j = machine_energy_j, process_energy_j
        self.measured_energy_j, self.uncertainty_rel = measured_energy_j, uncertainty_rel
        self.components = [] if components is None else components
        self.phases = [] if phases is None else phases
        self.degradations = [] if degradations is None else degradations
        self.meters = [] if meters is None else meters
        self.host = {} if host is None else host
        self.command, self.pid, self.units = command, pid, units
        self.tags = {} if tags is None else tags
        self.checkpoint_at, self.schema_version = checkpoint_at, schema_version

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready document."""
        data: dict[str, Any] = _plain(self)
        data["status"] = self.status.value
        if not self.phases:
            data.pop("phases")
        return data

    def to_json(self) -> bytes:
        """:meth:`to_dict` as compact JSON (UTF-8), encoded without building the document
        first: the json encoder walks the record's own lists and dicts, and only the records
        in it become dicts (what a checkpoint writes every 2 s)."""
        import json

        return json.dumps(self, default=_fields_of, separators=(",", ":")).encode()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunRecord:
        """Rebuild a record from :meth:`to_dict` output."""
        data = dict(data)
        data["status"] = RunStatus(data["status"])
        data["components"] = [ComponentRecord(**c) for c in data.get("components", [])]
        data["phases"] = [
            PhaseRecord(
                **{
                    **p,
                    "components": [ComponentRecord(**c) for c in p.get("components", [])],
                }
            )
            for p in data.get("phases", [])
        ]
        data["degradations"] = [Degradation(**d) for d in data.get("degradations", [])]
        return cls(**data)
