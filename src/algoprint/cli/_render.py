"""Human-readable rendering of runs (rich tables) in the output language (``--lang``).
Summaries after `run` go to stderr so they never mix with the wrapped command's stdout.

Labels shared with the reports (impacts, statuses, methods, phases, devices) come from the
report catalogues (:mod:`algoprint.report.labels`); the CLI's own words from :data:`_TEXT`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from algoprint import _format
from algoprint.cli import _format as fmt
from algoprint.tracking.record import RunRecord


def _console(stderr: bool) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


label = fmt.label


def status_text(record: RunRecord, lang: str) -> str:
    """The run status in ``lang`` (``voltooid``), with a non-zero exit code."""
    from algoprint.report.labels import STATUS_LABELS

    return label(STATUS_LABELS, record.status.value, lang) + _exit(record, lang)


def run_summary(record: RunRecord, *, stderr: bool = True, lang: str = "en") -> None:
    """Print one run: headline, components, phases, what could not be measured."""
    from algoprint.report.labels import RUN_PHASE_LABELS

    t = _TEXT[lang]
    console = _console(stderr)
    title = f"algoprint run {record.run_id[:12]}"
    if record.algorithm:
        title += f" · {escape(record.algorithm)}"
    if record.phase:
        title += f" · {escape(label(RUN_PHASE_LABELS, record.phase, lang))}"
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    head.add_row(t["status"], status_text(record, lang))
    head.add_row(t["duration"], fmt.duration(record.duration_s, lang))
    energy = fmt.energy(record.energy_j, lang)
    if record.energy_j is not None:
        energy += f"  {fmt.interval(record.energy_j, record.uncertainty_rel, lang)}"
    elif record.measured_energy_j:
        energy += f"; {t['measured_part']} {fmt.energy(record.measured_energy_j, lang)}"
    head.add_row(f"{t['energy']} ({t[record.scope]})", energy)
    other = "process" if record.scope == "machine" else "machine"
    other_j = record.process_energy_j if other == "process" else record.machine_energy_j
    head.add_row(f"{t['energy']} ({t[other]})", fmt.energy(other_j, lang))
    console.print(f"[bold]{title}[/bold]")
    console.print(head)
    console.print(components_table(record, lang))
    for phase in record.phases:
        console.print(
            f"  {t['phase']} [bold]{escape(phase.name)}[/bold] x{phase.count}: "
            f"{fmt.energy(phase.energy_j, lang)} {t['in']} {fmt.duration(phase.duration_s, lang)}"
        )
    for d in record.degradations:
        kind = t.get(d.kind, d.kind)
        line = f"  [yellow]{kind}[/yellow] {escape(d.source)}: {escape(d.message)}"
        if d.hint:
            line += f" — {escape(d.hint)}"
        console.print(line)


def _exit(record: RunRecord, lang: str = "en") -> str:
    return "" if record.exit_code is None else f" ({_TEXT[lang]['exit']} {record.exit_code})"


def components_table(record: RunRecord, lang: str = "en") -> Table:
    """The components of a run: device, energy, process share, method and uncertainty."""
    from algoprint.report.labels import METER_METHOD_LABELS

    t = _TEXT[lang]
    table = Table(title=None, show_edge=False, pad_edge=False)
    table.add_column(t["component"])
    table.add_column(t["device"])
    table.add_column(t["energy"], justify="right")
    table.add_column(t["share"], justify="right")
    table.add_column(t["method"])
    table.add_column("±", justify="right")
    for c in record.components:
        share = ""
        if c.energy_j and c.process_energy_j is not None:
            share = _format.percent(c.process_energy_j / c.energy_j, lang)
        table.add_row(
            c.domain,
            c.device,
            fmt.energy(c.energy_j, lang),
            share,
            label(METER_METHOD_LABELS, c.method, lang),
            _format.percent(c.uncertainty_rel, lang) if c.energy_j is not None else c.note or "",
        )
    return table


def runs_table(records: Sequence[RunRecord], lang: str = "en", wide: bool = False) -> Table:
    """Runs in 80 columns: full 12-character ids (never cut), start as ``MM-DD HH:MM`` (UTC;
    the full time is in ``--json``), long names wrapped rather than truncated; the energy's
    uncertainty (``±``) only with ``wide``."""
    from algoprint.report.labels import RUN_PHASE_LABELS

    t = _TEXT[lang]
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column(t["run"], no_wrap=True, min_width=12)
    table.add_column(t["started"], no_wrap=True)
    table.add_column(t["algorithm"], overflow="fold")
    table.add_column(t["phase"], overflow="fold")
    table.add_column(t["status"], overflow="fold")
    table.add_column(t["duration"], justify="right", no_wrap=True)
    table.add_column(t["energy"], justify="right", no_wrap=True)
    if wide:
        table.add_column("±", justify="right", no_wrap=True)
    for r in records:
        exit_text = _exit(r, lang) if r.exit_code not in (None, 0) else ""
        cells = [
            r.run_id[:12],
            r.started_at[5:16].replace("T", " "),
            r.algorithm or "-",
            label(RUN_PHASE_LABELS, r.phase, lang) if r.phase else "-",
            label_status(r, lang) + exit_text,
            fmt.duration(r.duration_s, lang),
            _format.quantity(r.energy_j, "J", lang),  # n/a: the status says why
        ]
        if wide:
            cells.append(fmt.interval(r.energy_j, r.uncertainty_rel, lang))
        table.add_row(*cells)
    return table


def label_status(record: RunRecord, lang: str) -> str:
    """The run status alone in ``lang``."""
    from algoprint.report.labels import STATUS_LABELS

    return label(STATUS_LABELS, record.status.value, lang)


def print_run_impacts(
    doc: Any, profile: Any, *, stderr: bool = True, lang: str = "en", wide: bool = False
) -> None:
    """The short impact block under a run summary: CO₂e (location, market) and water; the
    ~95 % intervals with ``wide``."""
    from algoprint.cli._location import interval, where_text
    from algoprint.report.labels import IMPACT_LABELS

    t = _TEXT[lang]
    console = _console(stderr)
    grid = doc.factors.get("grid_intensity", {})
    head = f"[bold]{t['impacts']}[/bold] {t['at']} {where_text(profile, lang)}"
    if grid:
        head += f", {t['grid']} {_format.number(grid['value'], lang)} g/kWh"
        head += f" ({grid.get('vintage', '')})"
    console.print(head)
    shown = False
    for key in ("co2e_location_g", "co2e_market_g", "water_l"):
        name = label(IMPACT_LABELS, key, lang)
        impact = doc.impacts.get(key)
        if impact is None:
            reason = doc.missing.get(key, t["not_computed"])
            console.print(f"  {name:<26} {_format.na(lang)} ({reason})", markup=False)
            continue
        shown = True
        line = f"  {name:<26} {_format.quantity(impact.value, impact.unit, lang):>12}"
        if wide:
            line += f"  ({interval(impact.value, impact.low, impact.high, impact.unit, lang)})"
        console.print(line, markup=False)
    market = doc.impacts.get("co2e_market_g")
    if market is not None and market.value == 0:
        console.print(f"  [dim]{t['market_zero']}[/dim]")
    if shown and doc.defaults:
        console.print(f"  [dim]{t['defaults'].format(n=len(doc.defaults))}[/dim]")
    if shown and not wide:
        console.print(f"  [dim]{t['wide']}[/dim]")


_TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "status": "status",
        "duration": "duur",
        "energy": "energie",
        "machine": "machine",
        "process": "proces",
        "measured_part": "gemeten deel",
        "phase": "fase",
        "in": "in",
        "exit": "exitcode",
        "component": "onderdeel",
        "device": "apparaat",
        "share": "procesdeel",
        "method": "methode",
        "run": "run",
        "started": "gestart",
        "algorithm": "algoritme",
        "impacts": "impact",
        "at": "op locatie",
        "grid": "net",
        "not_computed": "niet berekend",
        "market_zero": "marktgebaseerd 0: de stroom is gedekt door een groencontract of "
        "certificaten; het net stootte wel het locatiegebaseerde cijfer uit",
        "defaults": "{n} standaardwaarde(n) gebruikt (PUE, WUE of contract); zie --json "
        "'impact_notes' of algoprint factors",
        "wide": "~95 %-intervallen: --wide",
        "fallback": "terugval",
        "fault": "storing",
    },
    "en": {
        "status": "status",
        "duration": "duration",
        "energy": "energy",
        "machine": "machine",
        "process": "process",
        "measured_part": "measured part",
        "phase": "phase",
        "in": "in",
        "exit": "exit",
        "component": "component",
        "device": "device",
        "share": "process share",
        "method": "method",
        "run": "run",
        "started": "started",
        "algorithm": "algorithm",
        "impacts": "impacts",
        "at": "at",
        "grid": "grid",
        "not_computed": "not computed",
        "market_zero": "market-based 0: the electricity is covered by a renewable contract or "
        "certificates; the grid still emitted the location-based figure",
        "defaults": "{n} default(s) used (PUE, WUE or contract); see --json 'impact_notes' or "
        "algoprint factors",
        "wide": "~95 % intervals: --wide",
        "fallback": "fallback",
        "fault": "fault",
    },
}
