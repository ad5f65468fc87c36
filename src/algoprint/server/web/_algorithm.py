"""What the algorithm page shows: the report's footprint and charts for one algorithm, the
seven measures with their history, and the stored analyses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from algoprint.kader.assessments import STATES, history, list_assessments, state_label
from algoprint.kader.catalogue import measure
from algoprint.report import build_report
from algoprint.report._view import View, make_view

if TYPE_CHECKING:
    from algoprint.kader.assessments import HistoryEntry
    from algoprint.report.model import ReportData
    from algoprint.store import Store

__all__ = ["AlgorithmData", "algorithm_data", "phase_series"]

ATTRIBUTION = {
    "nl": "Maatregelen: Algoritmekader v2.5.1, Ministerie van BZK, EUPL-1.2.",
    "en": "Measures: Algoritmekader v2.5.1, Dutch Ministry of the Interior (BZK), EUPL-1.2; "
    "English texts are unofficial translations.",
}


@dataclass
class AlgorithmData:
    """The algorithm page's content."""

    report: ReportData
    view: View
    assessments: list[dict[str, Any]]
    history: list[HistoryEntry]
    states: list[tuple[str, str]]
    attribution: str


def algorithm_data(store: Store, slug: str, lang: str) -> AlgorithmData:
    """Footprint, measures and analyses of ``slug`` in ``lang``.

    Raises:
        NotFound: neither registered nor named by any run.
        InputError: an invalid slug.
    """
    report = build_report(store, algorithm=slug, lang=lang)
    view = make_view(report)
    info = report.algorithm
    rows: list[dict[str, Any]] = []
    entries: list[HistoryEntry] = []
    if info is not None and info.registered:
        evidence = {m.code: m for m in report.measures}
        for a in list_assessments(store, info.slug):
            m = measure(a.measure)
            ev = evidence.get(m.code)
            rows.append(
                {
                    "code": m.code,
                    "title": m.title(lang),
                    "source_url": m.source_url,
                    "state": a.state,
                    "state_label": state_label(a.state, lang),
                    "reason": a.reason,
                    "note": a.note,
                    "responsible": a.responsible,
                    "links": list(a.links),
                    "updated_at": a.updated_at,
                    "updated_by": a.updated_by,
                    "supported": ev.supported if ev else False,
                    "evidence_label": ev.evidence_label if ev else "",
                    "evidence": ev.evidence if ev else [],
                }
            )
        entries = sorted(history(store, info.slug), key=lambda h: h.changed_at, reverse=True)
    return AlgorithmData(
        report=report,
        view=view,
        assessments=rows,
        history=entries,
        states=[(s, state_label(s, lang)) for s in STATES],
        attribution=ATTRIBUTION[lang],
    )


def phase_series(series: list[tuple[str, str, Any]]) -> list[dict[str, Any]]:
    """Per month: runs and IT energy of training and of use, from the core's daily series
    ``(day, phase, Totals)`` (phases as :data:`algoprint.server.aggregates.TRAINING_PHASES`)."""
    from algoprint.server.aggregates import TRAINING_PHASES

    months: dict[str, dict[str, Any]] = {}
    for day, phase, totals in series:
        row = months.setdefault(
            day[:7],
            {"month": day[:7], "training_runs": 0, "training_j": 0.0, "use_runs": 0, "use_j": 0.0},
        )
        part = "training" if phase.lower() in TRAINING_PHASES else "use"
        row[f"{part}_runs"] += totals.runs
        row[f"{part}_j"] += totals.energy_j
    return [months[m] for m in sorted(months)]
