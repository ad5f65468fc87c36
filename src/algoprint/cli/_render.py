"""Human-readable rendering of runs (rich tables). Summaries after `run` go to stderr so
they never mix with the wrapped command's stdout."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from algoprint.cli import _format as fmt
from algoprint.tracking.record import RunRecord


def _console(stderr: bool) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def run_summary(record: RunRecord, *, stderr: bool = True) -> None:
    """Print one run: headline, components, phases, what could not be measured."""
    console = _console(stderr)
    title = f"algoprint run {record.run_id[:12]}"
    if record.algorithm:
        title += f" · {escape(record.algorithm)}"
    if record.phase:
        title += f" · {escape(record.phase)}"
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    head.add_row("status", record.status.value + _exit(record))
    head.add_row("duration", fmt.duration(record.duration_s))
    energy = fmt.energy(record.energy_j)
    if record.energy_j is not None:
        energy += f"  {fmt.interval(record.energy_j, record.uncertainty_rel)}"
    elif record.measured_energy_j:
        energy += f"; measured part {fmt.energy(record.measured_energy_j)}"
    head.add_row(f"energy ({record.scope})", energy)
    other = "process" if record.scope == "machine" else "machine"
    other_j = record.process_energy_j if other == "process" else record.machine_energy_j
    head.add_row(f"energy ({other})", fmt.energy(other_j))
    console.print(f"[bold]{title}[/bold]")
    console.print(head)
    console.print(components_table(record))
    for phase in record.phases:
        console.print(
            f"  phase [bold]{escape(phase.name)}[/bold] x{phase.count}: "
            f"{fmt.energy(phase.energy_j)} in {fmt.duration(phase.duration_s)}"
        )
    for d in record.degradations:
        line = f"  [yellow]{d.kind}[/yellow] {escape(d.source)}: {escape(d.message)}"
        if d.hint:
            line += f" — {escape(d.hint)}"
        console.print(line)


def _exit(record: RunRecord) -> str:
    return "" if record.exit_code is None else f" (exit {record.exit_code})"


def components_table(record: RunRecord) -> Table:
    table = Table(title=None, show_edge=False, pad_edge=False)
    table.add_column("component")
    table.add_column("device")
    table.add_column("energy", justify="right")
    table.add_column("process share", justify="right")
    table.add_column("method")
    table.add_column("±", justify="right")
    for c in record.components:
        share = ""
        if c.energy_j and c.process_energy_j is not None:
            share = f"{c.process_energy_j / c.energy_j * 100:.0f} %"
        table.add_row(
            c.domain,
            c.device,
            fmt.energy(c.energy_j),
            share,
            c.method,
            f"{c.uncertainty_rel * 100:.0f} %" if c.energy_j is not None else c.note or "",
        )
    return table


def runs_table(records: Sequence[RunRecord]) -> Table:
    """Runs in 80 columns: full 12-character ids (never cut), start as ``MM-DD HH:MM`` (UTC;
    the full time is in ``--json``), long names wrapped rather than truncated."""
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("run", no_wrap=True, min_width=12)
    table.add_column("started", no_wrap=True)
    table.add_column("algorithm", overflow="fold")
    table.add_column("phase", overflow="fold")
    table.add_column("status", overflow="fold")
    table.add_column("duration", justify="right", no_wrap=True)
    table.add_column("energy", justify="right", no_wrap=True)
    for r in records:
        exit_text = _exit(r) if r.exit_code not in (None, 0) else ""
        table.add_row(
            r.run_id[:12],
            r.started_at[5:16].replace("T", " "),
            r.algorithm or "-",
            r.phase or "-",
            r.status.value + exit_text,
            fmt.duration(r.duration_s),
            fmt.energy(r.energy_j),
        )
    return table
