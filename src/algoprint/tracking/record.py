"""The run document: what one tracked run measured, in the versioned shape that the store keeps
and ``algoprint run --json`` prints (docs/run-schema.md documents every field).

Units are in the field names (joules, seconds). Impacts are *not* part of the record: they are
derived from it on request with a named factor version, so they can be recomputed.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields
from enum import StrEnum

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
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _plain(obj: Any) -> Any:
    """What :func:`dataclasses.asdict` gives for ``obj``, in a fraction of its time.

    The tracker turns its record into a document at every checkpoint; asdict deep-copies every
    leaf through :func:`copy.deepcopy`, which was most of a checkpoint's Python time. Scalars are
    immutable and returned as they are; dataclasses, lists, tuples and dicts are rebuilt like
    asdict does; anything else is deep-copied, as asdict would.
    """
    cls = type(obj)
    if cls in _SCALARS:
        return obj
    names = _FIELD_NAMES.get(cls)
    if names is None and hasattr(cls, "__dataclass_fields__"):
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(obj))
    if names is not None:
        return {name: _plain(getattr(obj, name)) for name in names}
    if cls is list:
        return [_plain(v) for v in obj]
    if cls is dict:
        return {_plain(k): _plain(v) for k, v in obj.items()}
    if cls is tuple:
        return tuple(_plain(v) for v in obj)
    return copy.deepcopy(obj)


def _fields_of(obj: Any) -> dict[str, Any]:
    """The fields of a record for the json encoder (``default``), as :meth:`RunRecord.to_dict`
    gives them: a run without phases has no ``phases`` key.

    Raises:
        TypeError: ``obj`` is not a dataclass (what json.dumps says of such a value).
    """
    cls = type(obj)
    names = _FIELD_NAMES.get(cls)
    if names is None:
        if not hasattr(cls, "__dataclass_fields__"):
            raise TypeError(f"Object of type {cls.__name__} is not JSON serializable")
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(obj))
    data = {name: getattr(obj, name) for name in names}
    if cls is RunRecord and not obj.phases:
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


@dataclass(slots=True)
class ComponentRecord:
    """Energy of one device over a window (the run or one phase).

    ``energy_j`` is the whole-machine figure for the device; ``process_energy_j`` the share
    attributed to the tracked process tree. ``None`` in either is an explicit gap.
    """

    domain: str
    device: str
    energy_j: float | None
    method: str
    uncertainty_rel: float
    process_energy_j: float | None = None
    note: str | None = None


@dataclass(slots=True)
class PhaseRecord:
    """A named window inside a run (``with run.phase("inference"):``).

    A phase that is entered several times accumulates; ``count`` says how often.
    """

    name: str
    started_at: str
    ended_at: str | None
    duration_s: float
    energy_j: float | None
    machine_energy_j: float | None
    process_energy_j: float | None
    components: list[ComponentRecord] = field(default_factory=list)
    count: int = 1


@dataclass(slots=True)
class RunRecord:
    """One tracked run. See docs/run-schema.md.

    ``energy_j`` is the headline total for ``scope``: ``machine_energy_j`` for ``machine``,
    ``process_energy_j`` for ``process``. Totals are ``None`` when any counted component is a
    gap, so a partial sum is never presented as the total; the known part is in
    ``measured_energy_j``.
    """

    run_id: str
    algorithm: str | None
    phase: str | None
    status: RunStatus
    started_at: str
    scope: str
    ended_at: str | None = None
    duration_s: float = 0.0
    exit_code: int | None = None
    energy_j: float | None = None
    machine_energy_j: float | None = None
    process_energy_j: float | None = None
    measured_energy_j: float = 0.0
    uncertainty_rel: float | None = None
    components: list[ComponentRecord] = field(default_factory=list)
    phases: list[PhaseRecord] = field(default_factory=list)
    degradations: list[Degradation] = field(default_factory=list)
    meters: list[dict[str, Any]] = field(default_factory=list)
    host: dict[str, Any] = field(default_factory=dict)
    command: list[str] | None = None
    pid: int | None = None
    units: float | None = None
    """Functional units served (SCI's R), e.g. predictions made; set by the user."""
    tags: dict[str, str] = field(default_factory=dict)
    checkpoint_at: str | None = None
    schema_version: str = SCHEMA_VERSION

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
