"""Table rows (already formatted text) shared by the Markdown and PDF templates."""

from __future__ import annotations

from typing import Any

from algoprint.report._readable import UNIT_TEXT, Readable, Sources, plain_markdown
from algoprint.report._view import View
from algoprint.report.labels import ORIGIN_LABELS, STATUS_LABELS

__all__ = ["tables"]


def tables(
    view: View, run_limit: int, readable: Readable, sources: Sources
) -> dict[str, list[list[str]]]:
    """Rows of every table in the report, by name (``totals_rows``, ``run_table_rows``, ...).

    Sources are cited by number (``sources`` collects the reference list); remarks go through
    ``readable`` (translated, or kept for the appendix).
    """
    r, fmt, _ = view.report, view.fmt, view._
    out: dict[str, list[list[str]]] = {}
    totals = []
    for key, f in r.footprint.totals.items():
        if f.complete:
            coverage = _("all runs")
        elif f.partial:
            coverage = view.coverage(f)
        else:
            reason = readable.remark(next(iter(f.missing_reasons), "")) or ""
            coverage = _("not available") + (f": {reason}" if reason else "")
        totals.append([view.label(key), view.figure(f), coverage])
    out["totals_rows"] = totals
    out["run_table_rows"] = [
        [
            row.run_id[:12],
            fmt.short_datetime(row.started_at),
            view.run_phase(row.phase),
            _(STATUS_LABELS.get(row.status, row.status)),
            fmt.scaled(row.energy_j, "J"),
            view.value(row.impacts.get("co2e_location_g"), "g"),
            view.value(row.impacts.get("co2e_market_g"), "g"),
        ]
        for row in r.footprint.run_rows[:run_limit]
    ]
    out["method_rows"] = [
        [
            view.label(m["key"]),
            "; ".join(readable.method(x) for x in m["methods"]),
            sources.cite("; ".join(m["sources"])),
        ]
        for m in r.methods.impact_methods
    ]
    out["factor_rows"] = [_factor_row(view, f, readable, sources) for f in r.methods.factors]
    out["location_rows"] = [
        [
            str(loc["label"]),
            _(ORIGIN_LABELS.get(loc["origin"], loc["origin"])),
            str(loc["profile"].get("zone")),
            fmt.integer(loc["runs"]),
        ]
        for loc in r.methods.locations
    ]
    out["gap_rows"] = [
        [
            view.label(key) if key != "*" else _("all figures"),
            readable.remark(reason) or _("see the technical messages"),
            fmt.integer(n),
        ]
        for key, reason, n in r.gaps.missing
    ]
    out["degradation_rows"] = [
        [
            str(d["source"]),
            readable.remark(str(d["message"])) or _("see the technical messages"),
            (readable.remark(str(d["hint"])) or _("see the technical messages"))
            if d["hint"]
            else "-",
            fmt.integer(d["runs"]),
        ]
        for d in r.gaps.degradations
    ]
    out["measure_rows"] = [
        [
            f"{m.code} {m.title}",
            m.state_label + (f": {m.reason}" if m.reason else ""),
            ("✓ " if m.supported else "○ ") + m.evidence_label + ". " + " ".join(m.evidence),
            plain_markdown(m.note),
        ]
        for m in r.measures
    ]
    org = r.organisation
    if org is not None:
        yes, no = _("yes"), _("no")
        out["datacentre_rows"] = [
            [
                str(d["label"]),
                fmt.integer(d["runs"]),
                fmt.scaled(d["energy_j"], "J"),
                fmt.percent(d["share"]),
                fmt.number(d["pue"])
                + (f" ({_('default')})" if d["pue_origin"] == "default" else ""),
                view.dcie_text(d),
                yes if d["renewable"] else no,
            ]
            for d in org.datacentres
        ]
        out["goals_rows"] = [_goal_row(view, y) for y in (org.goals or {}).get("years", [])]
        out["board_rows"] = [
            [str(row["name"])]
            + [
                (
                    f"{c['state_label']} {'✓' if c['supported'] else '○'}"
                    if (c := row["cells"].get(code))
                    else fmt.na
                )
                for code in org.board_codes
            ]
            for row in org.board
        ]
    return out


def _factor_row(view: View, f: dict[str, Any], readable: Readable, sources: Sources) -> list[str]:
    """Name, value with range and unit, cited source(s), licence, vintage: short cells (the
    factor's note stays in the JSON output)."""
    fmt = view.fmt
    value = fmt.number(f.get("value"))
    low, high = f.get("low"), f.get("high")
    if low is not None and high is not None and low != high:
        value += f" ({fmt.number(low)}–{fmt.number(high)})"
    unit = str(f.get("unit") or "")
    unit = UNIT_TEXT.get(unit, unit)
    if f.get("unit") == "1" and f.get("name") == "embodied_allocation":
        value, unit = fmt.percent(f.get("value"), decimals=4), ""
    return [
        readable.factor_name(str(f["name"])),
        f"{value} {unit}".strip(),
        sources.cite(str(f.get("source") or "")),
        readable.licence(str(f.get("licence") or "")),
        readable.vintage(str(f.get("vintage") or "")),
    ]


def _goal_row(view: View, y: dict[str, Any]) -> list[str]:
    fmt, _ = view.fmt, view._
    on_track = y.get("on_track")
    return [
        str(y["year"]) + (f" ({_('so far')})" if y.get("partial") else ""),
        fmt.integer(y.get("runs")),
        fmt.scaled(y.get("energy_it_j"), "J"),
        fmt.scaled(y.get("co2e_location_g"), "g"),
        fmt.scaled(y.get("co2e_market_g"), "g"),
        fmt.scaled(y.get("trajectory_co2e_g"), "g"),
        fmt.na if on_track is None else (_("yes") if on_track else _("no")),
        fmt.percent(y.get("dcie_ok_share")),
    ]
