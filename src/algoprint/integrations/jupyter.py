"""Jupyter/IPython: ``%load_ext algoprint``, ``%%algoprint`` for a cell, ``%algoprint_summary``.

::

    %load_ext algoprint

    %%algoprint --phase training --algorithm risk-model
    model.fit(X, y)

    %algoprint_summary

Each measured cell is its own run (stored in the store's spool like every tracked run) and
ends with a one-line summary: duration, energy with its interval, CO2e and SCI per unit when a
location is configured. The headline is **process** scope by default: a kernel shares its
machine with the notebook server and other kernels, so the machine figure would charge their
work to the cell (``--scope machine`` asks for it). Exceptions in the cell are shown by IPython
as usual; the run is stored as ``failed``.
"""

from __future__ import annotations

import html
import shlex
from dataclasses import dataclass
from typing import Any

from algoprint.errors import InputError
from algoprint.integrations._figures import RunFigures, run_figures
from algoprint.tracking.record import RunRecord

__all__ = ["CellSummary", "SessionSummary", "load_ipython_extension"]

_USAGE = (
    "%%algoprint [--phase PHASE] [--algorithm SLUG] [--scope process|machine] "
    "[--location ZONE] [--units N --unit NAME] [--no-store]"
)


def _mass(grams: float) -> str:
    """Grams for people, without exponent notation."""
    for factor, unit in ((1e3, "kg"), (1.0, "g"), (1e-3, "mg"), (1e-6, "µg")):
        if grams >= factor or unit == "µg":
            return f"{grams / factor:.3g} {unit}".replace("e-", " × 10^-")
    return f"{grams:.3g} g"


def _energy(energy_j: float) -> str:
    from algoprint.cli._format import energy

    return energy(energy_j)


@dataclass(slots=True)
class CellSummary:
    """The summary of one measured cell (text and HTML repr)."""

    record: RunRecord
    figures: RunFigures

    def parts(self) -> list[str]:
        r, f = self.record, self.figures.figures
        from algoprint.cli._format import duration

        out = [r.phase or "cell", duration(r.duration_s)]
        e = f.get("energy_j")
        if e is None:
            out.append("energy n/a (a meter gap)")
        else:
            out.append(f"{_energy(e.value)} [{e.low:.3g}-{e.high:.3g} J] ({r.scope})")
        co2 = f.get("co2e_location_g")
        if co2 is not None:
            out.append(f"CO2e {_mass(co2.value)} [{_mass(co2.low)}-{_mass(co2.high)}]")
        sci = f.get("sci_g_per_unit")
        if sci is not None:
            from algoprint.impact.sci import functional_unit

            unit = functional_unit(r.tags.get("functional_unit", "units")).singular
            out.append(f"SCI {_mass(sci.value)} per {unit}")
        out.append(f"run {r.run_id[:8]}")
        return out

    def __repr__(self) -> str:
        return "algoprint · " + " · ".join(self.parts())

    def _repr_html_(self) -> str:
        cells = "".join(f"<td>{html.escape(p)}</td>" for p in self.parts())
        return f'<table class="algoprint"><tr><th>algoprint</th>{cells}</tr></table>'


@dataclass(slots=True)
class SessionSummary:
    """All cells measured in this kernel session (``%algoprint_summary``)."""

    cells: list[CellSummary]

    def rows(self) -> list[list[str]]:
        return [c.parts() for c in self.cells]

    def total_energy_j(self) -> float | None:
        values = [c.record.energy_j for c in self.cells]
        return None if any(v is None for v in values) else sum(v or 0.0 for v in values)

    def __repr__(self) -> str:
        if not self.cells:
            return "algoprint: no cells measured yet (use %%algoprint)"
        lines = [f"{i + 1}. " + " · ".join(row) for i, row in enumerate(self.rows())]
        total = self.total_energy_j()
        lines.append(
            f"total: {'n/a' if total is None else _energy(total)} in {len(self.cells)} cells"
        )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(p)}</td>" for p in row) + "</tr>"
            for row in self.rows()
        )
        return f'<table class="algoprint">{body}</table><pre>{html.escape(repr(self))}</pre>'


def _parse(line: str) -> dict[str, Any]:
    words = shlex.split(line)
    opts: dict[str, Any] = {"phase": None, "algorithm": None, "scope": "process"}
    opts.update({"location": None, "units": None, "unit": None, "store": True})
    keys = {f"--{k}": k for k in ("phase", "algorithm", "scope", "location", "units", "unit")}
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--no-store":
            opts["store"] = False
        elif word in keys and i + 1 < len(words):
            opts[keys[word]] = words[i + 1]
            i += 1
        else:
            raise InputError(f"%%algoprint: unknown or incomplete option {word!r}", hint=_USAGE)
        i += 1
    if opts["units"] is not None:
        from algoprint.impact.sci import check_units

        opts["units"] = check_units(opts["units"])
    return opts


class _Magics:
    """The magics, bound to one shell (registered with ``register_magic_function``)."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.cells: list[CellSummary] = []

    def cell(self, line: str, cell: str) -> CellSummary | None:
        from algoprint.tracking.tracker import Tracker

        try:
            opts = _parse(line)
            tracker = Tracker(
                algorithm=opts["algorithm"],
                phase=opts["phase"],
                scope=opts["scope"],
                store=opts["store"],
                tags={"integration": "jupyter"},
            )
            run = tracker.start()
        except InputError as e:
            print(f"algoprint: {e}")  # noqa: T201 (the notebook's output is the place)
            return None
        except Exception as e:  # measuring must never stop the cell from running
            print(f"algoprint: not measured ({e})")  # noqa: T201
            self.shell.run_cell(cell)
            return None
        result = self.shell.run_cell(cell)
        if opts["units"] is not None:
            run.add_units(opts["units"], opts["unit"] or "units")
        error = result.error_in_exec or result.error_before_exec
        record = tracker.stop(error=error)
        summary = CellSummary(record, run_figures(record, location=opts["location"]))
        self.cells.append(summary)
        _show(summary)
        return None

    def summary(self, line: str = "") -> None:
        _show(SessionSummary(list(self.cells)))


def _show(obj: Any) -> None:
    from IPython.display import display

    display(obj)  # type: ignore[no-untyped-call]


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%%algoprint`` and ``%algoprint_summary`` (called by ``%load_ext algoprint``)."""
    magics = _Magics(ipython)
    ipython.register_magic_function(magics.cell, magic_kind="cell", magic_name="algoprint")
    ipython.register_magic_function(
        magics.summary, magic_kind="line", magic_name="algoprint_summary"
    )
    ipython.user_ns.setdefault("_algoprint_magics", magics)
