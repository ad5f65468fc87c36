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
    "[--location ZONE] [--units N --unit NAME] [--lang en|nl] [--no-store]"
)

# The few words of the summaries; numbers and units come from the report's Formatter.
_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "cell": "cell",
        "gap": "energy n/a (a meter gap)",
        "process": "process",
        "machine": "machine",
        "per": "per",
        "run": "run",
        "total": "total: {energy} in {n} cells",
        "none": "algoprint: no cells measured yet (use %%algoprint)",
    },
    "nl": {
        "cell": "cel",
        "gap": "energie n.v.t. (een meetgat)",
        "process": "proces",
        "machine": "machine",
        "per": "per",
        "run": "run",
        "total": "totaal: {energy} in {n} cellen",
        "none": "algoprint: nog geen cellen gemeten (gebruik %%algoprint)",
    },
}
LANGUAGES = tuple(_WORDS)
"""Languages of the summaries (``--lang``); English is the default."""


def _check_lang(lang: str) -> str:
    if lang not in _WORDS:
        raise InputError(f"%%algoprint: --lang must be en or nl, got {lang!r}", hint=_USAGE)
    return lang


@dataclass(slots=True)
class CellSummary:
    """The summary of one measured cell (text and HTML repr) in ``lang`` (``en`` or ``nl``).

    Energy reads in mWh/Wh/kWh, CO2e in mg/g/kg, each with its ~95 % interval in the same
    unit, through :class:`algoprint.report.i18n.Formatter` (no exponent notation)."""

    record: RunRecord
    figures: RunFigures
    lang: str = "en"

    def parts(self, lang: str | None = None) -> list[str]:
        """The summary's fields as text in ``lang`` (default: the cell's language)."""
        from algoprint.report.i18n import Formatter

        lang = _check_lang(lang or self.lang)
        fmt, words = Formatter(lang), _WORDS[lang]
        r, f = self.record, self.figures.figures
        out = [r.phase or words["cell"], fmt.duration(r.duration_s)]
        e = f.get("energy_j")
        if e is None:
            out.append(words["gap"])
        else:
            scope = words.get(r.scope, r.scope)
            out.append(f"{fmt.interval(e.value, e.low, e.high, 'J')} ({scope})")
        co2 = f.get("co2e_location_g")
        if co2 is not None:
            out.append(fmt.interval(co2.value, co2.low, co2.high, "g"))
        sci = f.get("sci_g_per_unit")
        if sci is not None:
            from algoprint.impact.sci import functional_unit

            unit = functional_unit(r.tags.get("functional_unit", "units")).singular
            out.append(f"SCI {fmt.scaled(sci.value, 'g/unit')} {words['per']} {unit}")
        out.append(f"{words['run']} {r.run_id[:8]}")
        return out

    def __repr__(self) -> str:
        return "algoprint · " + " · ".join(self.parts())

    def _repr_html_(self) -> str:
        cells = "".join(f"<td>{html.escape(p)}</td>" for p in self.parts())
        return f'<table class="algoprint"><tr><th>algoprint</th>{cells}</tr></table>'


@dataclass(slots=True)
class SessionSummary:
    """All cells measured in this kernel session (``%algoprint_summary``), in one language."""

    cells: list[CellSummary]
    lang: str = "en"

    def rows(self) -> list[list[str]]:
        return [c.parts(self.lang) for c in self.cells]

    def total_energy_j(self) -> float | None:
        values = [c.record.energy_j for c in self.cells]
        return None if any(v is None for v in values) else sum(v or 0.0 for v in values)

    def __repr__(self) -> str:
        from algoprint.report.i18n import Formatter

        words = _WORDS[_check_lang(self.lang)]
        if not self.cells:
            return words["none"]
        lines = [f"{i + 1}. " + " · ".join(row) for i, row in enumerate(self.rows())]
        total = Formatter(self.lang).scaled(self.total_energy_j(), "J")
        lines.append(words["total"].format(energy=total, n=len(self.cells)))
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
    opts.update({"location": None, "units": None, "unit": None, "store": True, "lang": "en"})
    names = ("phase", "algorithm", "scope", "location", "units", "unit", "lang")
    keys = {f"--{k}": k for k in names}
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
    _check_lang(opts["lang"])
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
        figures = run_figures(record, location=opts["location"])
        summary = CellSummary(record, figures, opts["lang"])
        self.cells.append(summary)
        _show(summary)
        return None

    def summary(self, line: str = "") -> None:
        words = shlex.split(line)
        if words and (words[0] != "--lang" or len(words) != 2 or words[1] not in _WORDS):
            print("algoprint: usage: %algoprint_summary [--lang en|nl]")  # noqa: T201
            return
        _show(SessionSummary(list(self.cells), words[1] if words else "en"))


def _show(obj: Any) -> None:
    from IPython.display import display

    display(obj)  # type: ignore[no-untyped-call]


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%%algoprint`` and ``%algoprint_summary`` (called by ``%load_ext algoprint``).

    Without the ``jupyter`` extra's number formatting (Babel) it says so in one line and
    registers nothing."""
    try:
        import algoprint.report.i18n  # noqa: F401 (the summaries' formatter)
    except ImportError as e:
        print(f"algoprint: {e.name or e}: pip install 'algoprint[jupyter]'")  # noqa: T201
        return
    magics = _Magics(ipython)
    ipython.register_magic_function(magics.cell, magic_kind="cell", magic_name="algoprint")
    ipython.register_magic_function(
        magics.summary, magic_kind="line", magic_name="algoprint_summary"
    )
    ipython.user_ns.setdefault("_algoprint_magics", magics)
