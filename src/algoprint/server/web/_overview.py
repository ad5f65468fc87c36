"""The organisation overview: totals, the monthly trend against the 2030 trajectory, training
vs use, the datacentre mix, the top algorithms and the measures matrix with next steps.

Figures come from the server's aggregates (:mod:`algoprint.server.aggregates`), never from
every run, so the page stays fast for large organisations; the trajectory is the kader's
(:func:`algoprint.kader.goals.trajectory`) and the charts are the report's SVG charts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from algoprint.kader.assessments import board, state_label
from algoprint.kader.catalogue import MEASURE_CODES, measure
from algoprint.kader.goals import trajectory
from algoprint.report.charts import Bar, Chart, bar_chart, column_chart
from algoprint.report.i18n import Formatter, scale_factor
from algoprint.server import aggregates
from algoprint.server.aggregates import Totals, datacentre_mix

if TYPE_CHECKING:
    from algoprint.server.accounts import Organisation
    from algoprint.server.context import ServerContext
    from algoprint.store import Store

__all__ = ["MATRIX_LIMIT", "MatrixRow", "Overview", "build_overview", "measure_matrix"]

_DONE = {"gereed", "niet-van-toepassing"}
DCIE_MIN = 0.5
MATRIX_LIMIT = 25
"""Most algorithms the overview's measures matrix shows (the top by CO2e first)."""


@dataclass
class MatrixCell:
    """One measure of one algorithm: state, evidence and the next step (``""``: none)."""

    code: str
    state: str
    state_label: str
    supported: bool
    evidence_label: str
    evidence: str
    next_step: str


@dataclass
class MatrixRow:
    """One algorithm's row of the measures matrix."""

    slug: str
    name: str
    cells: list[MatrixCell]
    next_step: str
    next_code: str | None
    done: int


@dataclass
class MonthRow:
    """One month of the trend: totals, the month's share of the trajectory (g) and whether
    the location-based CO2e stays within it (``None``: unknown)."""

    month: str
    totals: Totals
    target_g: float | None
    on_track: bool | None


@dataclass
class Overview:
    """Everything the overview page shows (figures are central values: aggregates)."""

    totals: Totals
    months: list[MonthRow]
    years: list[dict[str, Any]]
    trend_chart: Chart | None
    phases_chart: Chart | None
    top: list[tuple[str, Totals]]
    top_chart: Chart | None
    datacentres: list[dict[str, Any]]
    dcie_ok_share: float | None
    dcie_unknown_share: float | None
    matrix: list[MatrixRow]
    matrix_left_out: int
    algorithms: int
    codes: list[tuple[str, str]]


def _next_step(state: str, supported: bool, summary: str, lang: str) -> str:
    if state in _DONE:
        return ""
    if not supported:
        return summary
    if lang == "en":
        return "The data supports this measure: review it and record the state."
    return "De data onderbouwt deze maatregel: beoordeel hem en leg de status vast."


def _cell_rows(store: Store, slug: str, lang: str, now: datetime | None) -> MatrixRow:
    rows = board(store, algorithm=slug, now=now)
    alg = rows[0].algorithm if rows else None
    row = MatrixRow(slug, alg.name if alg else slug, [], next_step="", next_code=None, done=0)
    order = {c: i for i, c in enumerate(MEASURE_CODES)}
    for cell in sorted(rows, key=lambda c: order.get(c.assessment.measure, 99)):
        a, ev = cell.assessment, cell.evidence
        shown = next((e for e in ev.evidence if not e.supported), None) or (
            ev.evidence[0] if ev.evidence else None
        )
        text = shown.summary(lang) if shown is not None else ""
        step = _next_step(a.state, ev.supported, text, lang)
        row.cells.append(
            MatrixCell(
                code=a.measure,
                state=a.state,
                state_label=state_label(a.state, lang),
                supported=ev.supported,
                evidence_label=ev.label(lang),
                evidence=text,
                next_step=step,
            )
        )
        if a.state in _DONE:
            row.done += 1
        elif not row.next_step and step:
            row.next_step, row.next_code = step, a.measure
    return row


def measure_matrix(
    store: Store,
    lang: str,
    first: list[str] | None = None,
    now: datetime | None = None,
    limit: int | None = None,
) -> tuple[list[MatrixRow], int]:
    """Active algorithms × the seven measures with the next step per algorithm, for at most
    ``limit`` (default :data:`MATRIX_LIMIT`) algorithms: those in ``first`` (the top by
    CO2e) and then the others by slug. Returns the rows and how many were left out.

    Evidence is evaluated per shown algorithm only, so the overview stays bounded for
    organisations with many algorithms.
    """
    limit = MATRIX_LIMIT if limit is None else limit
    active = [str(row["slug"]) for row in store.list_algorithm_rows()]  # rows: no objects
    known = set(active)
    chosen = [s for s in dict.fromkeys(first or []) if s in known][:limit]
    taken = set(chosen)
    chosen += [s for s in active if s not in taken][: max(0, limit - len(chosen))]
    rows = [_cell_rows(store, slug, lang, now) for slug in sorted(chosen)]
    return rows, len(active) - len(chosen)


def _years(months: list[tuple[str, Totals]]) -> list[dict[str, Any]]:
    """Location-based CO2e per year against the kader's indicative 2030 trajectory."""
    by_year: dict[int, list[Totals]] = {}
    for month, totals in months:
        by_year.setdefault(int(month[:4]), []).append(totals)
    rows = []
    base: tuple[int, float] | None = None
    for year in sorted(by_year):
        values = [t.co2e_g for t in by_year[year]]
        co2e = None if all(v is None for v in values) else sum(v or 0.0 for v in values)
        if base is None and co2e is not None and co2e > 0:
            base = (year, co2e)
        target = None if base is None else trajectory(base[0], base[1], year)
        rows.append(
            {
                "year": year,
                "runs": sum(t.runs for t in by_year[year]),
                "energy_j": sum(t.energy_j for t in by_year[year]),
                "co2e_g": co2e,
                "target_g": target,
                "on_track": None if target is None or co2e is None else co2e <= target,
            }
        )
    return rows


def build_overview(
    context: ServerContext,
    org: Organisation,
    store: Store,
    lang: str,
    gettext: Callable[[str], str],
    now: datetime | None = None,
) -> Overview:
    """The overview of ``org`` in ``lang`` (``gettext``: the dashboard's translations)."""
    _ = gettext
    fmt = Formatter(lang)
    totals = aggregates.organisation_totals(context, org)
    trend = aggregates.monthly_trend(context, org)
    years = _years(trend)
    targets = {y["year"]: y["target_g"] for y in years}
    months: list[MonthRow] = []
    for month, t in trend:
        target = targets.get(int(month[:4]))
        monthly = None if target is None else target / 12
        on_track = None if monthly is None or t.co2e_g is None else t.co2e_g <= monthly
        months.append(MonthRow(month, t, monthly, on_track))
    trend_chart = None
    if months:
        peak = max(m.totals.co2e_g or 0.0 for m in months)
        factor, unit = scale_factor(peak, "g")
        title = _("Location-based CO₂e per month")
        desc = _("Column chart of the location-based CO₂e per month; the table gives the figures.")
        svg = column_chart(
            "trend",
            title,
            desc,
            labels=[m.month for m in months],
            values=[None if m.totals.co2e_g is None else m.totals.co2e_g * factor for m in months],
            unit=unit,
            fmt=fmt.tick,
        )
        trend_chart = Chart("trend", title, desc, svg, [], [])
    split = aggregates.phase_split(context, org)
    phases_chart = None
    if any(t.runs for t in split.values()):
        total = sum(t.energy_j for t in split.values())
        factor, unit = scale_factor(max(t.energy_j for t in split.values()), "J")
        labels = {"training": _("Training"), "use": _("Use")}
        bars = [
            Bar(
                labels[name],
                t.energy_j * factor,
                fmt.scaled(t.energy_j, "J")
                + (f" ({fmt.percent(t.energy_j / total)})" if total else ""),
            )
            for name, t in split.items()
        ]
        title = _("IT energy: training and use")
        desc = _("Bar chart of the IT energy of training runs and of use (all other runs).")
        phases_chart = Chart(
            "phases",
            title,
            desc,
            bar_chart("phases", title, desc, bars, fmt.na),
            [_("Phase"), _("Runs"), _("IT energy"), _("CO₂e, location-based")],
            [
                [
                    labels[name],
                    fmt.integer(t.runs),
                    fmt.scaled(t.energy_j, "J"),
                    fmt.scaled(t.co2e_g, "g"),
                ]
                for name, t in split.items()
            ],
        )
    top = aggregates.top_algorithms(context, org, limit=10)
    leaders = aggregates.top_algorithms(context, org, limit=MATRIX_LIMIT)
    top_chart = None
    if top:
        factor, unit = scale_factor(max(t.co2e_g or 0.0 for _s, t in top), "g")
        title = _("Top algorithms by CO₂e (location-based)")
        desc = _("Bar chart of the location-based CO₂e of the algorithms with the most.")
        bars = [
            Bar(
                slug,
                None if t.co2e_g is None else t.co2e_g * factor,
                fmt.scaled(t.co2e_g, "g"),
            )
            for slug, t in top
        ]
        top_chart = Chart("top", title, desc, bar_chart("top", title, desc, bars, fmt.na), [], [])
    matrix, left_out = measure_matrix(store, lang, [slug for slug, _t in leaders], now)
    dcs = datacentre_mix(context, org)
    energy = sum(d["energy_j"] for d in dcs)
    ok = sum(d["energy_j"] for d in dcs if d["dcie"] is not None and d["dcie"] >= DCIE_MIN)
    unknown = sum(d["energy_j"] for d in dcs if d["dcie"] is None)
    for d in dcs:
        d["share"] = d["energy_j"] / energy if energy else None
    return Overview(
        totals=totals,
        months=months,
        years=years,
        trend_chart=trend_chart,
        phases_chart=phases_chart,
        top=top,
        top_chart=top_chart,
        datacentres=dcs,
        dcie_ok_share=ok / energy if energy else None,
        dcie_unknown_share=unknown / energy if energy else None,
        matrix=matrix,
        matrix_left_out=left_out,
        algorithms=len(matrix) + left_out,
        codes=[(c, measure(c).title(lang)) for c in MEASURE_CODES],
    )
