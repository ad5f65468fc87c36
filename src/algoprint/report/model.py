"""The report document: everything a renderer shows, assembled once by :func:`build_report`.

Every renderer (HTML, PDF, Markdown, JSON, CSV) reads this one :class:`ReportData`, so the
formats cannot disagree. The JSON format *is* :meth:`ReportData.to_dict` (schema
:data:`REPORT_SCHEMA_VERSION`, documented in docs/reports.md). Units are SI in the document
(joules, grams, litres); renderers convert for people.

A figure summed over runs is a :class:`Figure`: its interval adds the runs' bounds linearly
(the runs share factors and meters, so their errors are treated as fully correlated: a
conservative, never too narrow, interval), and it says how many runs it covers and why the
others are missing. A figure that covers only part of the runs is *partial*, never presented
as the total.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from algoprint._values import Frozen, Record
from algoprint.report.period import Period

__all__ = [
    "REPORT_SCHEMA_VERSION",
    "AlgorithmInfo",
    "AnalysisItem",
    "Bucket",
    "ComponentShare",
    "Figure",
    "Footprint",
    "Gaps",
    "MeasureRow",
    "Methods",
    "OrganisationPart",
    "ReportData",
    "RunRow",
    "Sci",
]

REPORT_SCHEMA_VERSION = "1.0"
"""Version of the JSON report document (bumped on any incompatible change)."""


@dataclass(slots=True)
class Figure:
    """One impact summed over runs, with its interval and coverage.

    Attributes:
        key: impact key (:data:`algoprint.impact.model.IMPACT_KEYS`).
        unit: SI unit (``J``, ``g``, ``L``, ``g Sb eq``).
        value / low / high: sum over the runs that have the figure; ``None`` when none has.
        runs_counted: runs included in the sum.
        runs_missing: runs that lack the figure (reasons in ``missing_reasons``).
        missing_reasons: reason -> number of runs.
    """

    key: str
    unit: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    runs_counted: int = 0
    runs_missing: int = 0
    missing_reasons: dict[str, int] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Whether every run contributed (and at least one did)."""
        return self.runs_counted > 0 and self.runs_missing == 0

    @property
    def partial(self) -> bool:
        """Some runs contributed and some lack the figure."""
        return self.runs_counted > 0 and self.runs_missing > 0

    def add(self, value: float, low: float, high: float) -> None:
        """Add one run's figure."""
        self.value = (self.value or 0.0) + value
        self.low = (self.low or 0.0) + low
        self.high = (self.high or 0.0) + high
        self.runs_counted += 1

    def miss(self, reason: str) -> None:
        """Record one run without this figure."""
        self.runs_missing += 1
        self.missing_reasons[reason] = self.missing_reasons.get(reason, 0) + 1


@dataclass(slots=True)
class Bucket:
    """A group of runs (a month, a quarter, a lifecycle phase, an algorithm) with its sums."""

    key: str
    label: str
    runs: int
    figures: dict[str, Figure]


@dataclass(slots=True)
class ComponentShare:
    """Energy of one component domain (cpu, gpu, memory, platform) summed over runs.

    ``additive`` is ``False`` for the platform counter: it measures the whole system and is
    not added to the others.
    """

    domain: str
    label: str
    energy_j: float | None
    runs_counted: int
    runs_gap: int
    methods: list[str]
    additive: bool = True


@dataclass(slots=True)
class RunRow:
    """One run with its impacts (value, low, high per key) and what is missing."""

    run_id: str
    algorithm: str | None
    started_at: str
    phase: str | None
    phase_class: str
    status: str
    duration_s: float
    energy_j: float | None
    uncertainty_rel: float | None
    units: float | None
    location: str
    impacts: dict[str, tuple[float, float, float]]
    missing: dict[str, str]


@dataclass(slots=True)
class Sci:
    """Carbon per functional unit (SCI, ISO/IEC 21031) over the runs that recorded units.

    Attributes:
        functional_unit: what one unit is (from the algorithm register), if known.
        units: functional units summed over the runs that recorded them.
        runs_with_units / runs_without_units: coverage.
        sci: ``(E × I + M) / R`` in g per unit (``None``: embodied M or units missing).
        operational: ``E × I / R`` (location-based, no embodied part) in g per unit.
        reason: why ``sci`` is missing, if it is.
    """

    functional_unit: str | None
    units: float | None
    runs_with_units: int
    runs_without_units: int
    sci: tuple[float, float, float] | None
    operational: tuple[float, float, float] | None
    reason: str | None


@dataclass(slots=True)
class Footprint:
    """The measured footprint of a set of runs, from several angles."""

    runs: int
    runs_counted: int
    statuses: dict[str, int]
    totals: dict[str, Figure]
    phases: list[Bucket]
    timeline: list[Bucket]
    timeline_unit: str
    components: list[ComponentShare]
    run_rows: list[RunRow]
    first_run: str | None
    last_run: str | None


@dataclass(slots=True)
class MeasureRow:
    """One of the seven Algoritmekader measures for one algorithm: state and evidence."""

    code: str
    title: str
    source_url: str
    state: str
    state_label: str
    reason: str | None
    note: str | None
    responsible: str | None
    updated_at: str | None
    supported: bool
    evidence_label: str
    evidence: list[str]


@dataclass(slots=True)
class AnalysisItem:
    """A stored analysis shown in the report; ``chart`` holds Pareto or learning-curve data."""

    analysis_id: str
    kind: str
    kind_label: str
    measure: str
    title: str
    created_at: str
    summary: str
    own_energy_j: float | None
    chart_kind: str | None = None
    chart: dict[str, Any] | None = None
    details: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class AlgorithmInfo:
    """What the register says about the algorithm (``registered=False``: runs only)."""

    slug: str
    name: str
    registered: bool
    organisation: str | None = None
    description: str | None = None
    lifecycle_phase: str | None = None
    functional_unit: str | None = None
    yearly_units: float | None = None
    location: str | None = None
    contract: str | None = None
    lars_id: str | None = None


@dataclass(slots=True)
class Methods:
    """Where every figure came from.

    Attributes:
        factor_versions: factor-set versions used by the run impacts.
        factors: one entry per distinct factor used (name, value, range, unit, source,
            licence, vintage, origin, runs).
        impact_methods: per impact key: formula and sources.
        defaults: default applied -> runs.
        notes: remark -> runs.
        locations: location label -> profile, where it came from, runs.
    """

    factor_versions: list[str]
    factors: list[dict[str, Any]]
    impact_methods: list[dict[str, Any]]
    defaults: list[tuple[str, int]]
    notes: list[tuple[str, int]]
    locations: list[dict[str, Any]]


@dataclass(slots=True)
class Gaps:
    """What could not be measured or computed, and why (aggregated over runs)."""

    missing: list[tuple[str, str, int]]
    degradations: list[dict[str, Any]]
    runs_without_energy: int
    runs_running: int
    remarks: list[str]


@dataclass(slots=True)
class OrganisationPart:
    """The organisation's periodic monitoring view."""

    name: str | None
    algorithms: list[Bucket]
    quarters: list[Bucket]
    datacentres: list[dict[str, Any]]
    dcie_ok_share: float | None
    dcie_unknown_share: float | None
    goals: dict[str, Any] | None
    goals_note: str | None
    board_codes: list[str]
    board_titles: list[str]
    board: list[dict[str, Any]]


@dataclass(slots=True)
class ReportData:
    """One report, ready to render in any format.

    Attributes:
        schema_version: :data:`REPORT_SCHEMA_VERSION`.
        scope: ``algorithm`` or ``organisation``.
        lang: ``nl`` or ``en`` (texts in the document are in this language).
        title: the report title.
        generated_at: ISO 8601 UTC.
        period: the runs' start-time interval.
        algoprint_version / factor_version: what produced the figures.
        empty: no runs in the period (every format says so).
        footprint, methods, gaps: the measured figures and their provenance.
        algorithm: the algorithm part (scope ``algorithm``).
        sci: carbon per functional unit (scope ``algorithm``).
        measures: the seven measures with states and evidence (scope ``algorithm``).
        analyses: stored analyses (scope ``algorithm``).
        organisation: the organisation part (scope ``organisation``).
    """

    schema_version: str
    scope: str
    lang: str
    title: str
    generated_at: str
    period: Period
    algoprint_version: str
    factor_version: str
    empty: bool
    footprint: Footprint
    methods: Methods
    gaps: Gaps
    algorithm: AlgorithmInfo | None = None
    sci: Sci | None = None
    measures: list[MeasureRow] = field(default_factory=list)
    analyses: list[AnalysisItem] = field(default_factory=list)
    organisation: OrganisationPart | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (see docs/reports.md)."""
        return {"report_schema": "algoprint.report", **_plain(self)}


def _plain(value: Any) -> Any:
    """JSON-ready copy: dataclasses to dicts (with ``complete``/``partial`` for figures)."""
    if isinstance(value, Period):
        return value.to_dict()
    if isinstance(value, Figure):
        data = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        data["complete"] = value.complete
        data["partial"] = value.partial
        return data
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Record | Frozen):
        return {name: _plain(getattr(value, name)) for name in value._fields}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str | bytes):
        return value
    if isinstance(value, Iterable):
        return [_plain(v) for v in value]
    return value
