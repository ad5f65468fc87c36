"""Plain records shared by the layers (no I/O here; standard library only).

:class:`Degradation` is a fallback or fault that a meter, the sampler or a command records on a
run; it sits here, at the bottom, because the meters report fallbacks and must know no runs
(``algoprint.tracking.record`` re-exports it as part of the run document).

:class:`AnalysisRecord` is what every analysis (``algoprint advise ...``, ``where``,
``procure``, ``schedule``, ``compare``, the training callbacks' predictions) stores, linked to
an algorithm. The Algoritmekader evidence rules read these records: an analysis of the right
kind for an algorithm is evidence for its measure.
"""

from __future__ import annotations

import math
import time

from algoprint._values import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "ANALYSIS_KINDS",
    "AnalysisRecord",
    "Degradation",
    "iso_utc",
    "new_analysis_id",
    "utc_now_iso",
]

# kind -> the Algoritmekader measure it gives evidence for.
ANALYSIS_KINDS: dict[str, str] = {
    "simplicity": "owp-13",  # algoprint advise simplicity
    "data-minimisation": "dat-09",  # algoprint advise data
    "training-efficiency": "owk-06",  # algoprint advise training (precision/batch)
    "training-prediction": "owk-06",  # energy prediction/budget of a training run
    "carbon-aware-schedule": "owk-06",  # algoprint schedule
    "retraining-policy": "owk-06",  # retraining decision (skipped / retrained)
    "code-profile": "owk-05",  # algoprint profile
    "code-compare": "owk-05",  # algoprint compare (A/B)
    "energy-regression-gate": "owk-05",  # pytest --algoprint
    "location": "dat-06",  # algoprint where
    "procurement-requirements": "owp-12",  # algoprint procure
    "procurement-evaluation": "owp-12",  # algoprint procure evaluate
    "monitoring-report": "mon-06",  # algoprint report
}


class Degradation(Record):
    """A fallback or fault recorded on the run, said once to the user."""

    _fields = ("source", "message", "hint", "kind")
    __slots__ = _fields
    source: str
    message: str
    hint: str | None
    kind: str
    """``fault`` (something failed during the run: status becomes ``degraded``) or ``fallback``
    (a less direct method was used from the start, e.g. the CPU model without RAPL)."""

    def __init__(
        self, source: str, message: str, hint: str | None = None, kind: str = "fault"
    ) -> None:
        self.source, self.message, self.hint, self.kind = source, message, hint, kind


def utc_now_iso() -> str:
    """Now, as ISO 8601 UTC with milliseconds (the format of every stored timestamp)."""
    return iso_utc(time.time())


def iso_utc(wall_s: float) -> str:
    """``wall_s`` (seconds since the epoch) as ISO 8601 UTC with milliseconds, exactly as
    ``datetime.fromtimestamp(wall_s, UTC).isoformat(timespec="milliseconds")`` writes it
    (microseconds rounded half-even, then truncated to milliseconds), without importing
    :mod:`datetime` on the tracker's path."""
    frac, whole = math.modf(wall_s)
    us = round(frac * 1e6)
    if us >= 1_000_000:
        whole, us = whole + 1, us - 1_000_000
    elif us < 0:
        whole, us = whole - 1, us + 1_000_000
    t = time.gmtime(whole)
    return (
        f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:{t.tm_min:02d}:"
        f"{t.tm_sec:02d}.{us // 1000:03d}+00:00"
    )


def new_analysis_id() -> str:
    """A new random analysis id (32 hex characters)."""
    import uuid  # here: the tracker's path makes its ids without this import

    return uuid.uuid4().hex


class AnalysisRecord(Record):
    """One analysis result, stored and shown in reports.

    Attributes:
        kind: one of :data:`ANALYSIS_KINDS`.
        algorithm: slug of the algorithm it is evidence for (``None``: not linked).
        title: one line, in English (reports translate by kind).
        result: the kind-specific JSON document (documented per kind in docs/analyses.md).
        summary_nl / summary_en: the plain-language conclusion in Dutch and English.
        own_energy_j: the analysis's own measured energy (``None`` if not measured).
        run_ids: runs made by the analysis.
        analysis_id / created_at: set automatically.
    """

    _fields = (
        "kind",
        "algorithm",
        "title",
        "result",
        "summary_nl",
        "summary_en",
        "own_energy_j",
        "run_ids",
        "analysis_id",
        "created_at",
        "schema_version",
    )
    __slots__ = _fields
    kind: str
    algorithm: str | None
    title: str
    result: dict[str, Any]
    summary_nl: str
    summary_en: str
    own_energy_j: float | None
    run_ids: list[str]
    analysis_id: str
    created_at: str
    schema_version: str

    def __init__(  # noqa: PLR0917 - positional, as the dataclass it replaced
        self,
        kind: str,
        algorithm: str | None,
        title: str,
        result: dict[str, Any],
        summary_nl: str = "",
        summary_en: str = "",
        own_energy_j: float | None = None,
        run_ids: list[str] | None = None,
        analysis_id: str | None = None,
        created_at: str | None = None,
        schema_version: str = "1.0",
    ) -> None:
        """Raises:
        InputError: ``kind`` is not one of :data:`ANALYSIS_KINDS`."""
        if kind not in ANALYSIS_KINDS:
            from algoprint.errors import InputError

            raise InputError(
                f"unknown analysis kind {kind!r}",
                hint=f"use one of {', '.join(sorted(ANALYSIS_KINDS))}",
            )
        self.kind, self.algorithm, self.title, self.result = kind, algorithm, title, result
        self.summary_nl, self.summary_en, self.own_energy_j = summary_nl, summary_en, own_energy_j
        self.run_ids = [] if run_ids is None else run_ids
        self.analysis_id = new_analysis_id() if analysis_id is None else analysis_id
        self.created_at = utc_now_iso() if created_at is None else created_at
        self.schema_version = schema_version

    @property
    def measure(self) -> str:
        """The Algoritmekader measure this analysis gives evidence for."""
        return ANALYSIS_KINDS[self.kind]

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready document (with ``measure``)."""
        import copy

        data = copy.deepcopy(self.as_dict())
        data["measure"] = self.measure
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnalysisRecord:
        data = {k: v for k, v in data.items() if k != "measure"}
        return cls(**data)
