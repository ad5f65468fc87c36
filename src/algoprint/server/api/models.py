"""Request and response bodies of the REST API (pydantic; they make the OpenAPI document).

Run documents follow docs/run-schema.md exactly: unknown fields, wrong types, non-finite or
negative energies and timestamps without a UTC offset are refused (422) before anything is
written.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

__all__ = [
    "AlgorithmIn",
    "AlgorithmPatch",
    "AssessmentIn",
    "BudgetIn",
    "IngestResult",
    "RunIn",
    "TokenIn",
    "UserIn",
]


def _finite(value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


def _timestamp(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            "must be an ISO 8601 timestamp such as 2026-01-31T12:00:00+00:00"
        ) from None
    if parsed.tzinfo is None:
        raise ValueError("must carry a UTC offset (…+00:00 or …Z)")
    if not 1970 <= parsed.year <= 2200:
        raise ValueError("must lie between the years 1970 and 2200")
    return value


Energy = Annotated[float | None, Field(ge=0), AfterValidator(_finite)]
NonNeg = Annotated[float, Field(ge=0), AfterValidator(_finite)]
Stamp = Annotated[str, Field(max_length=40), AfterValidator(_timestamp)]
OptStamp = Annotated[str | None, Field(max_length=40), AfterValidator(_timestamp)]
Text = Annotated[str, StringConstraints(max_length=1000)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]+$")]
RunId = Annotated[
    str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,63}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ComponentIn(_Strict):
    """Energy of one device (docs/run-schema.md, ``components``)."""

    domain: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    device: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    energy_j: Energy
    method: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    uncertainty_rel: NonNeg
    process_energy_j: Energy = None
    note: Text | None = None


class PhaseIn(_Strict):
    """A named phase of a run."""

    name: Name
    started_at: Stamp
    ended_at: OptStamp = None
    duration_s: NonNeg
    energy_j: Energy = None
    machine_energy_j: Energy = None
    process_energy_j: Energy = None
    components: Annotated[list[ComponentIn], Field(max_length=256)] = []
    count: Annotated[int, Field(ge=1)] = 1


class DegradationIn(_Strict):
    """A fallback or fault recorded on the run."""

    source: Text
    message: Text
    hint: Text | None = None
    kind: Annotated[str, StringConstraints(max_length=32)] = "fault"


class RunIn(_Strict):
    """One run document (``RunRecord.to_dict()``), as trackers and ``algoprint sync`` send it."""

    run_id: RunId
    algorithm: Name | None
    phase: Name | None
    status: Literal[
        "running",
        "completed",
        "degraded",
        "failed",
        "interrupted",
        "incomplete",
        "stopped-by-budget",
    ]
    started_at: Stamp
    scope: Literal["machine", "process"]
    ended_at: OptStamp = None
    duration_s: NonNeg = 0.0
    exit_code: int | None = None
    energy_j: Energy = None
    machine_energy_j: Energy = None
    process_energy_j: Energy = None
    measured_energy_j: NonNeg = 0.0
    uncertainty_rel: Energy = None
    components: Annotated[list[ComponentIn], Field(max_length=256)] = []
    phases: Annotated[list[PhaseIn], Field(max_length=256)] = []
    degradations: Annotated[list[DegradationIn], Field(max_length=256)] = []
    meters: Annotated[list[dict[str, Any]], Field(max_length=64)] = []
    host: dict[str, Any] = {}
    command: (
        Annotated[list[Annotated[str, StringConstraints(max_length=4096)]], Field(max_length=1000)]
        | None
    ) = None
    pid: int | None = None
    units: Energy = None
    tags: dict[Annotated[str, StringConstraints(max_length=200)], Text] = {}
    checkpoint_at: OptStamp = None
    schema_version: Annotated[str, StringConstraints(pattern=r"^1\.\d+$")] = "1.0"


class IngestResult(BaseModel):
    """What happened to each uploaded run: ``created``, ``updated``, ``unchanged`` (the same
    document again) or ``stale`` (the server holds a newer record of the run, kept)."""

    results: dict[str, Literal["created", "updated", "unchanged", "stale"]]
    counts: dict[str, int]


class AlgorithmIn(_Strict):
    """Register an algorithm (docs/register.md)."""

    slug: Slug
    name: Name
    description: Text | None = None
    lifecycle_phase: Annotated[str, StringConstraints(max_length=64)] | None = None
    zone: Annotated[str, StringConstraints(max_length=8)] | None = None
    cloud: Annotated[str, StringConstraints(max_length=16)] | None = None
    region: Annotated[str, StringConstraints(max_length=64)] | None = None
    datacentre: Annotated[str, StringConstraints(max_length=64)] | None = None
    contract: Annotated[str, StringConstraints(max_length=32)] | None = None
    team: Slug | None = None


class AlgorithmPatch(_Strict):
    """Change fields of a registered algorithm (fields left out keep their value; any
    location field replaces the whole location)."""

    name: Name | None = None
    description: Text | None = None
    lifecycle_phase: Annotated[str, StringConstraints(max_length=64)] | None = None
    zone: Annotated[str, StringConstraints(max_length=8)] | None = None
    cloud: Annotated[str, StringConstraints(max_length=16)] | None = None
    region: Annotated[str, StringConstraints(max_length=64)] | None = None
    datacentre: Annotated[str, StringConstraints(max_length=64)] | None = None
    contract: Annotated[str, StringConstraints(max_length=32)] | None = None


class AssessmentIn(_Strict):
    """Change the assessment of one measure (fields left out keep their value)."""

    state: Annotated[str, StringConstraints(max_length=32)] | None = None
    note: Text | None = None
    reason: Text | None = None
    responsible: Annotated[str, StringConstraints(max_length=200)] | None = None
    reviewer: Annotated[str, StringConstraints(max_length=200)] | None = None
    links: Annotated[
        list[Annotated[str, StringConstraints(max_length=2000)]], Field(max_length=20)
    ] = []


class BudgetIn(_Strict):
    """An energy (``energy_j``, joules) or CO2e (``co2e_g``, grams) budget per period."""

    algorithm: Name
    metric: Literal["energy_j", "co2e_g"]
    period: Literal["month", "year"]
    limit: Annotated[float, Field(gt=0), AfterValidator(_finite)]


class TokenIn(_Strict):
    """A new API token of the caller's organisation."""

    scope: Literal["ingest", "read", "admin"]
    name: Annotated[str, StringConstraints(max_length=200)] = ""


class UserIn(_Strict):
    """A new person in the caller's organisation."""

    email: Annotated[str, StringConstraints(max_length=254)]
    name: Annotated[str, StringConstraints(max_length=200)] | None = None
    role: Literal["ontwikkelaar", "projectleider", "beleid-en-advies", "admin"]
    password: Annotated[str, StringConstraints(min_length=12, max_length=1000)] | None = None
