"""Table rows (already formatted text) shared by the Markdown and PDF templates."""

from __future__ import annotations

from typing import Any

from algoprint.report._view import View
from algoprint.report.labels import ORIGIN_LABELS, STATUS_LABELS

__all__ = ["tables"]


def tables(view: View, run_limit: int) -> dict[str, list[list[str]]]:
    """Rows of every table in the report, by name (``totals_rows``, ``run_table_rows``, ...)."""
    r, fmt, _ = view.report, view.fmt, view._
    out: dict[str, list[list[str]]] = {}
    totals = []
    for key, f in r.footprint.totals.items():
        if f.complete:
            coverage = _("all runs")
        elif f.partial:
            coverage = view.coverage(f)
        else:
            reason = next(iter(f.missing_reasons), "")
            coverage = _("not available") + (f": {reason}" if reason else "")
        totals.append([view.label(key), view.figure(f), coverage])
    out["totals_rows"] = totals
    out["run_table_rows"] = [
        [
            row.run_id[:12],
            fmt.short_datetime(row.started_at),
            row.phase or "-",
            _(STATUS_LABELS.get(row.status, row.status)),
            fmt.scaled(row.energy_j, "J"),
            view.value(row.impacts.get("co2e_location_g"), "g"),
            view.value(row.impacts.get("co2e_market_g"), "g"),
        ]
        for row in r.footprint.run_rows[:run_limit]
    ]
    out["method_rows"] = [
        [view.label(m["key"]), "; ".join(m["methods"]), "; ".join(m["sources"]) or "-"]
        for m in r.methods.impact_methods
    ]
    out["factor_rows"] = [_factor_row(view, f) for f in r.methods.factors]
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
        [view.label(key) if key != "*" else _("all figures"), reason, fmt.integer(n)]
        for key, reason, n in r.gaps.missing
    ]
    out["degradation_rows"] = [
        [str(d["source"]), str(d["message"]), str(d["hint"] or "-"), fmt.integer(d["runs"])]
        for d in r.gaps.degradations
    ]
    out["measure_rows"] = [
        [
            f"{m.code} {m.title}",
            m.state_label + (f": {m.reason}" if m.reason else ""),
            ("✓ " if m.supported else "○ ") + m.evidence_label + ". " + " ".join(m.evidence),
            m.note or "",
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


def _factor_row(view: View, f: dict[str, Any]) -> list[str]:
    fmt = view.fmt
    value = fmt.number(f.get("value"))
    low, high = f.get("low"), f.get("high")
    if low is not None and high is not None and low != high:
        value += f" ({fmt.number(low)}–{fmt.number(high)})"
    source = str(f.get("source") or "-")
    if f.get("note"):
        source += f" — {f['note']}"
    return [
        str(f["name"]),
        f"{value} {f.get('unit', '')}".strip(),
        source,
        str(f.get("licence") or "-"),
        str(f.get("vintage") or "-"),
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
