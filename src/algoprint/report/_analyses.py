"""Stored analyses as report items: generic for every kind, with chart data for two kinds.

* ``simplicity`` (owp-13): the Pareto points (energy per year vs quality), front and
  recommendation, from ``result["pareto"]``;
* ``data-minimisation`` (dat-09): the learning curve (training share vs score, with the
  standard deviation and the fit energy), from ``result["learning_curve"]``.

Any other kind (and a result without that data) is shown generically: title, date, summary
and the result's top-level scalar values. docs/analyses.md documents the result documents.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from algoprint.report.i18n import translations
from algoprint.report.labels import ANALYSIS_KIND_LABELS
from algoprint.report.model import AnalysisItem

if TYPE_CHECKING:
    from algoprint.records import AnalysisRecord
    from algoprint.report.period import Period
    from algoprint.store import Store

__all__ = ["items_for", "learning_curve_data", "pareto_data"]

_MAX_DETAILS = 8


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def pareto_data(result: dict[str, Any]) -> dict[str, Any] | None:
    """Chart data of a simplicity result: points with name, quality, energy, front, pick.

    Returns ``None`` when the result holds no usable Pareto points.
    """
    pareto = result.get("pareto")
    if not isinstance(pareto, dict):
        return None
    points = []
    for p in pareto.get("points") or []:
        if not isinstance(p, dict):
            continue
        quality, energy = _number(p.get("quality")), _number(p.get("energy_j"))
        if quality is None or energy is None:
            continue
        points.append(
            {
                "name": str(p.get("name", "?")),
                "quality": quality,
                "quality_std": _number(p.get("quality_std")),
                "energy_j": energy,
                "on_front": bool(p.get("on_front")),
                "recommended": bool(p.get("recommended")),
            }
        )
    if not points:
        return None
    return {
        "x": str(pareto.get("x") or "ranking_energy_j"),
        "y": str(pareto.get("y") or result.get("metric") or "score"),
        "points": points,
    }


def learning_curve_data(result: dict[str, Any]) -> dict[str, Any] | None:
    """Chart data of a data-minimisation result: fraction, mean, sd, fit energy per point.

    Returns ``None`` when the result holds no usable points.
    """
    curve = result.get("learning_curve")
    if not isinstance(curve, dict):
        return None
    points = []
    for p in curve.get("points") or []:
        if not isinstance(p, dict):
            continue
        fraction, mean = _number(p.get("fraction")), _number(p.get("score_mean"))
        if fraction is None or mean is None:
            continue
        points.append(
            {
                "fraction": fraction,
                "score_mean": mean,
                "score_std": _number(p.get("score_std")),
                "fit_energy_j": _number(p.get("fit_energy_j")),
            }
        )
    if not points:
        return None
    points.sort(key=lambda p: float(p["fraction"] or 0.0))
    return {
        "metric": str(result.get("metric") or "score"),
        "smallest_fraction": _number(curve.get("smallest_fraction")),
        "points": points,
    }


def _details(result: dict[str, Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, value in result.items():
        if isinstance(value, bool | str) or _number(value) is not None:
            text = str(value)
            out.append((key, text if len(text) <= 120 else text[:117] + "..."))
        if len(out) >= _MAX_DETAILS:
            break
    return out


def item_for(record: AnalysisRecord, lang: str) -> AnalysisItem:
    """One analysis as a report item."""
    gettext = translations(lang).gettext
    chart_kind: str | None = None
    chart: dict[str, Any] | None = None
    if record.kind == "simplicity":
        chart = pareto_data(record.result)
        chart_kind = "pareto" if chart else None
    elif record.kind == "data-minimisation":
        chart = learning_curve_data(record.result)
        chart_kind = "learning-curve" if chart else None
    summary = (record.summary_en if lang == "en" else record.summary_nl) or record.summary_en
    label = ANALYSIS_KIND_LABELS.get(record.kind)
    return AnalysisItem(
        analysis_id=record.analysis_id,
        kind=record.kind,
        kind_label=gettext(label) if label else record.kind,
        measure=record.measure,
        title=record.title,
        created_at=record.created_at,
        summary=summary or "",
        own_energy_j=record.own_energy_j,
        chart_kind=chart_kind,
        chart=chart,
        details=_details(record.result),
    )


def items_for(store: Store, algorithm: str, span: Period, lang: str) -> list[AnalysisItem]:
    """The newest analysis of each kind made before the period's end (earlier monitoring
    reports excluded: a report does not report on itself)."""
    list_analyses = getattr(store, "list_analyses", None)
    if list_analyses is None:  # pragma: no cover - every current store has analyses
        return []
    newest: dict[str, AnalysisRecord] = {}
    for record in list_analyses(algorithm=algorithm):
        if record.kind == "monitoring-report" or record.kind in newest:
            continue
        if span.until is not None and record.created_at >= span.until.isoformat():
            continue
        newest[record.kind] = record
    order = list(ANALYSIS_KIND_LABELS)
    return [
        item_for(newest[k], lang)
        for k in sorted(newest, key=lambda k: order.index(k) if k in order else 99)
    ]
