"""What the templates show: the report's charts with their data tables, formatted for a language.

HTML, PDF and Markdown all render from this one view, so a chart and its table never differ
between formats.
"""

from __future__ import annotations

from typing import Any

from algoprint.report.charts import (
    Bar,
    Chart,
    bar_chart,
    column_chart,
    learning_curve_chart,
    pareto_chart,
)
from algoprint.report.i18n import Formatter, scale_factor
from algoprint.report.labels import IMPACT_LABELS, METER_METHOD_LABELS, RUN_PHASE_LABELS
from algoprint.report.model import AnalysisItem, Bucket, Figure, ReportData

__all__ = ["View", "make_view"]


class View:
    """Charts and helpers for one report in its language."""

    def __init__(self, report: ReportData) -> None:
        self.report = report
        self.fmt = Formatter(report.lang)
        self._ = self.fmt.gettext
        self.charts: dict[str, Chart] = {}
        self.analysis_charts: dict[str, Chart] = {}

    # -- helpers used by templates ---------------------------------------------------------

    def label(self, key: str) -> str:
        """Translated label of an impact key."""
        return self._(IMPACT_LABELS[key]) if key in IMPACT_LABELS else key

    def run_phase(self, phase: str | None) -> str:
        """The phase a run recorded, translated when it is a known one."""
        if not phase:
            return "-"
        return self._(RUN_PHASE_LABELS[phase]) if phase in RUN_PHASE_LABELS else phase

    def meter_methods(self, methods: list[str]) -> str:
        """How the energy was obtained, in words."""
        return ", ".join(
            self._(METER_METHOD_LABELS[m]) if m in METER_METHOD_LABELS else m for m in methods
        )

    def figure(self, fig: Figure) -> str:
        """A summed figure with interval, or *not available*."""
        return self.fmt.interval(fig.value, fig.low, fig.high, fig.unit)

    def coverage(self, fig: Figure) -> str:
        """``12 of 14 runs`` when partial; empty when complete."""
        if not fig.partial:
            return ""
        return self._("partial: %(counted)s of %(total)s runs") % {
            "counted": self.fmt.integer(fig.runs_counted),
            "total": self.fmt.integer(fig.runs_counted + fig.runs_missing),
        }

    def triple(self, triple: tuple[float, float, float] | None, kind: str) -> str:
        """``(value, low, high)`` as text."""
        if triple is None:
            return self.fmt.na
        return self.fmt.interval(triple[0], triple[1], triple[2], kind)

    def value(self, triple: tuple[float, float, float] | None, kind: str) -> str:
        """The central value of ``(value, low, high)`` (dense tables; intervals in CSV/JSON)."""
        return self.fmt.na if triple is None else self.fmt.scaled(triple[0], kind)

    # -- charts ----------------------------------------------------------------------------

    def _energy_bars(self, buckets: list[Bucket], key: str = "energy_it_j") -> list[Bar]:
        figs = [b.figures[key] for b in buckets]
        total = sum(f.value or 0.0 for f in figs)
        peak = max([f.high or f.value or 0.0 for f in figs] or [0.0])
        factor, _ = scale_factor(peak, figs[0].unit if figs else "J")
        bars = []
        for b, f in zip(buckets, figs, strict=True):
            text = self.figure(f)
            if f.value is not None and total:
                text = f"{self.fmt.scaled(f.value, f.unit)} ({self.fmt.percent(f.value / total)})"
            bars.append(
                Bar(
                    b.label,
                    None if f.value is None else f.value * factor,
                    text,
                )
            )
        return bars

    def _described(self, chart: Chart) -> Chart:
        return described(chart, self._("Values"))

    def _add(self, chart: Chart) -> None:
        self.charts[chart.chart_id] = described(chart, self._("Values"))

    def build(self) -> View:
        """Draw every chart the report has data for."""
        r, _ = self.report, self._
        fp = r.footprint
        if r.empty or fp.runs_counted == 0:
            return self
        na = self.fmt.na
        # energy over time
        figs = [b.figures["energy_it_j"] for b in fp.timeline]
        peak = max([f.value or 0.0 for f in figs] or [0.0])
        factor, unit = scale_factor(peak, "J")
        title = _("IT energy per month") if fp.timeline_unit == "month" else _("IT energy per day")
        self._add(
            Chart(
                "energy-time",
                title,
                _(
                    "Column chart of the IT energy of the runs, per period; the table below "
                    "gives the figures with their intervals."
                ),
                column_chart(
                    "energy-time",
                    title,
                    _("IT energy of the runs, per period."),
                    labels=[b.label for b in fp.timeline],
                    values=[None if f.value is None else f.value * factor for f in figs],
                    unit=unit,
                    fmt=self.fmt.tick,
                ),
                [_("Period"), _("Runs"), self.label("energy_it_j"), self.label("co2e_location_g")],
                [
                    [
                        b.label,
                        self.fmt.integer(b.runs),
                        self.figure(b.figures["energy_it_j"]),
                        self.figure(b.figures["co2e_location_g"]),
                    ]
                    for b in fp.timeline
                ],
            )
        )
        # phase split
        if fp.phases:
            title = _("IT energy by lifecycle phase: training and use")
            self._add(
                Chart(
                    "phases",
                    title,
                    _(
                        "Bar chart of the IT energy per lifecycle phase, with each share of the "
                        "total."
                    ),
                    bar_chart(
                        "phases", title, _("IT energy per phase."), self._energy_bars(fp.phases), na
                    ),
                    [
                        _("Phase"),
                        _("Runs"),
                        self.label("energy_it_j"),
                        self.label("co2e_location_g"),
                        self.label("co2e_market_g"),
                    ],
                    [
                        [
                            b.label,
                            self.fmt.integer(b.runs),
                            self.figure(b.figures["energy_it_j"]),
                            self.figure(b.figures["co2e_location_g"]),
                            self.figure(b.figures["co2e_market_g"]),
                        ]
                        for b in fp.phases
                    ],
                )
            )
        # component split
        additive = [c for c in fp.components if c.additive]
        if additive:
            total = sum(c.energy_j or 0.0 for c in additive)
            peak = max(c.energy_j or 0.0 for c in additive)
            factor, _unit = scale_factor(peak, "J")
            bars = [
                Bar(
                    c.label,
                    None if c.energy_j is None else c.energy_j * factor,
                    self.fmt.na
                    if c.energy_j is None
                    else f"{self.fmt.scaled(c.energy_j, 'J')}"
                    + (f" ({self.fmt.percent(c.energy_j / total)})" if total else ""),
                )
                for c in additive
            ]
            title = _("IT energy by component")
            self._add(
                Chart(
                    "components",
                    title,
                    _("Bar chart of the measured energy per hardware component."),
                    bar_chart("components", title, _("Energy per component."), bars, na),
                    [
                        _("Component"),
                        _("Energy"),
                        _("Runs measured"),
                        _("Runs with a gap"),
                        _("Method"),
                    ],
                    [
                        [
                            c.label,
                            self.fmt.scaled(c.energy_j, "J"),
                            self.fmt.integer(c.runs_counted),
                            self.fmt.integer(c.runs_gap),
                            self.meter_methods(list(c.methods)),
                        ]
                        for c in fp.components
                    ],
                )
            )
        self._uncertainty()
        if r.organisation is not None:
            self._organisation()
        for item in r.analyses:
            self._analysis(item)
        return self

    def _uncertainty(self) -> None:
        fp, _ = self.report.footprint, self._
        rows: list[tuple[str, Figure]] = [
            (_("Location-based, total"), fp.totals["co2e_location_g"]),
            (_("Market-based, total"), fp.totals["co2e_market_g"]),
        ]
        for b in fp.phases:
            rows.append(
                (_("Location-based, %(phase)s") % {"phase": b.label}, b.figures["co2e_location_g"])
            )
        peak = max([f.high or 0.0 for _l, f in rows] or [0.0])
        factor, _unit = scale_factor(peak, "g")
        bars = [
            Bar(
                label,
                None if f.value is None else f.value * factor,
                self.figure(f),
                None if f.low is None else f.low * factor,
                None if f.high is None else f.high * factor,
            )
            for label, f in rows
        ]
        title = _("CO₂e with its uncertainty interval")
        self._add(
            Chart(
                "co2e",
                title,
                _(
                    "Bar chart of the operational CO₂e, location- and market-based, each with "
                    "a whisker from the low to the high end of its ~95 percent interval."
                ),
                bar_chart("co2e", title, _("CO₂e with low and high bounds."), bars, self.fmt.na),
                [_("Figure"), _("Value"), _("Low"), _("High"), _("Coverage")],
                [
                    [
                        label,
                        self.fmt.scaled(f.value, "g"),
                        self.fmt.scaled(f.low, "g"),
                        self.fmt.scaled(f.high, "g"),
                        self.coverage(f) or _("all runs"),
                    ]
                    for label, f in rows
                ],
            )
        )

    def _organisation(self) -> None:
        org, _ = self.report.organisation, self._
        assert org is not None
        if org.algorithms:
            top = org.algorithms[:10]
            title = _("Top algorithms by CO₂e (location-based)")
            peak = max([b.figures["co2e_location_g"].value or 0.0 for b in top] or [0.0])
            factor, _unit = scale_factor(peak, "g")
            bars = [
                Bar(
                    b.label,
                    None
                    if b.figures["co2e_location_g"].value is None
                    else (b.figures["co2e_location_g"].value or 0.0) * factor,
                    self.figure(b.figures["co2e_location_g"]),
                )
                for b in top
            ]
            self._add(
                Chart(
                    "algorithms",
                    title,
                    _("Bar chart of the location-based CO₂e of the algorithms with the most."),
                    bar_chart("algorithms", title, _("CO₂e per algorithm."), bars, self.fmt.na),
                    [
                        _("Algorithm"),
                        _("Runs"),
                        self.label("energy_it_j"),
                        self.label("co2e_location_g"),
                        self.label("co2e_market_g"),
                    ],
                    [
                        [
                            b.label,
                            self.fmt.integer(b.runs),
                            self.figure(b.figures["energy_it_j"]),
                            self.figure(b.figures["co2e_location_g"]),
                            self.figure(b.figures["co2e_market_g"]),
                        ]
                        for b in org.algorithms
                    ],
                )
            )
        if org.quarters:
            figs = [b.figures["energy_it_j"] for b in org.quarters]
            peak = max([f.value or 0.0 for f in figs] or [0.0])
            factor, unit = scale_factor(peak, "J")
            title = _("IT energy per quarter")
            self._add(
                Chart(
                    "quarters",
                    title,
                    _("Column chart of the IT energy per quarter."),
                    column_chart(
                        "quarters",
                        title,
                        _("IT energy per quarter."),
                        labels=[b.label for b in org.quarters],
                        values=[None if f.value is None else f.value * factor for f in figs],
                        unit=unit,
                        fmt=self.fmt.tick,
                    ),
                    [
                        _("Quarter"),
                        _("Runs"),
                        self.label("energy_it_j"),
                        self.label("co2e_location_g"),
                        self.label("co2e_market_g"),
                    ],
                    [
                        [
                            b.label,
                            self.fmt.integer(b.runs),
                            self.figure(b.figures["energy_it_j"]),
                            self.figure(b.figures["co2e_location_g"]),
                            self.figure(b.figures["co2e_market_g"]),
                        ]
                        for b in org.quarters
                    ],
                )
            )

    def dcie_text(self, row: dict[str, Any]) -> str:
        """``DCiE 83 % — meets ≥ 50 %`` style text for a datacentre row."""
        _ = self._
        if row["dcie"] is None:
            return self.fmt.na
        text = self.fmt.percent(row["dcie"])
        if row["dcie_ok"] is None:
            return text + " — " + _("default PUE, not evidence")
        return text + " — " + (_("meets ≥ 50 %") if row["dcie_ok"] else _("below 50 %"))

    def _analysis(self, item: AnalysisItem) -> None:
        _ = self._
        cid = f"analysis-{item.analysis_id[:12]}"
        if item.chart_kind == "pareto" and item.chart is not None:
            pts = item.chart["points"]
            title = _("Energy against quality of the candidate models")
            factor, unit = scale_factor(max(p["energy_j"] for p in pts), "J")
            svg = pareto_chart(
                cid,
                title,
                _(
                    "Scatter chart: each candidate model's yearly energy (horizontal) against its "
                    "quality (vertical). Filled circles are on the Pareto front, joined by a "
                    "dashed line; hollow circles are not; the diamond is the recommended model."
                ),
                points=[
                    {
                        "name": p["name"],
                        "x": p["energy_j"] * factor,
                        "y": p["quality"],
                        "on_front": p["on_front"],
                        "recommended": p["recommended"],
                    }
                    for p in pts
                ],
                x_label=_("Energy per year (%(unit)s)") % {"unit": unit},
                y_label=str(item.chart["y"]),
                fmt_x=self.fmt.tick,
                fmt_y=self.fmt.tick,
            )
            yes, no = _("yes"), _("no")
            self.analysis_charts[item.analysis_id] = self._described(
                Chart(
                    cid,
                    title,
                    "",
                    svg,
                    [
                        _("Model"),
                        str(item.chart["y"]),
                        _("Energy per year"),
                        _("Pareto front"),
                        _("Recommended"),
                    ],
                    [
                        [
                            p["name"],
                            self.fmt.number(p["quality"])
                            + (
                                f" ± {self.fmt.number(p['quality_std'])}"
                                if p["quality_std"] is not None
                                else ""
                            ),
                            self.fmt.scaled(p["energy_j"], "J"),
                            yes if p["on_front"] else no,
                            yes if p["recommended"] else no,
                        ]
                        for p in pts
                    ],
                )
            )
        elif item.chart_kind == "learning-curve" and item.chart is not None:
            pts = item.chart["points"]
            smallest = item.chart["smallest_fraction"]
            title = _("Learning curve: quality against the share of training data")
            svg = learning_curve_chart(
                cid,
                title,
                _(
                    "Line chart of the model's mean score (vertical, with ± one standard "
                    "deviation) against the share of the training data used (horizontal). "
                    "The dashed vertical line marks the smallest share within tolerance."
                ),
                points=pts,
                smallest=smallest,
                x_label=_("Share of the training data"),
                y_label=str(item.chart["metric"]),
                smallest_label=_("smallest sufficient: %(share)s")
                % {"share": self.fmt.percent(smallest) if smallest is not None else "-"},
                fmt_x=self.fmt.percent,
                fmt_y=self.fmt.tick,
            )
            self.analysis_charts[item.analysis_id] = self._described(
                Chart(
                    cid,
                    title,
                    "",
                    svg,
                    [
                        _("Share of the training data"),
                        str(item.chart["metric"]),
                        _("Standard deviation"),
                        _("Fit energy"),
                    ],
                    [
                        [
                            self.fmt.percent(p["fraction"]),
                            self.fmt.number(p["score_mean"]),
                            self.fmt.number(p["score_std"]),
                            self.fmt.scaled(p["fit_energy_j"], "J"),
                        ]
                        for p in pts
                    ],
                )
            )


def described(chart: Chart, values_word: str, limit: int = 8) -> Chart:
    """``chart`` whose text alternative (the SVG ``desc``) also states what it shows: the
    first ``limit`` rows of its data table as ``label: value``, so a screen reader or a PDF
    reader without images gets the figures, not only the kind of chart."""
    import html
    import re

    if not chart.rows:
        return chart
    counts = all(re.fullmatch(r"[\d.,]+", row[1]) for row in chart.rows)
    column = 2 if counts and len(chart.head) > 2 else 1  # skip a "Runs" count column
    shown = "; ".join(f"{row[0]}: {row[column]}" for row in chart.rows[:limit])
    more = " …" if len(chart.rows) > limit else ""
    summary = f" {values_word} ({chart.head[column]}): {shown}{more}."
    match = re.search(r'(<desc id="[^"]+">)(.*?)(</desc>)', chart.svg, flags=re.S)
    if match:
        svg = chart.svg[: match.end(2)] + html.escape(summary) + chart.svg[match.end(2) :]
        chart = Chart(chart.chart_id, chart.title, chart.desc, svg, chart.head, chart.rows)
    desc = (chart.desc + summary) if chart.desc else summary.strip()
    return Chart(chart.chart_id, chart.title, desc, chart.svg, chart.head, chart.rows)


def make_view(report: ReportData) -> View:
    """The view of ``report`` with every chart drawn."""
    return View(report).build()
