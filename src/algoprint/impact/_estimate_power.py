"""Power of the components of an estimate, with honest intervals (used by :mod:`.estimate`).

CPU: ``P = P_max × curve(u)`` with the CPU model meter's fitted load curve
(``refdata/cpu_load_curve.csv``, :func:`algoprint.meters._cpu_table.load_curve`), so an estimate
and a modelled measurement of the same load agree. Its interval is at least the meter's
(:data:`CPU_UNCERTAINTY_REL`, ±55 %). When ``P_max`` rests on the default power per core (no
model, no power given), the spread of W per core in the shipped table is added in log space
(:func:`default_cpu_bounds`: about −73 %/+137 %). GPU and memory: linear power × load (Green
Algorithms), ±:data:`ESTIMATE_UNCERTAINTY_REL`. A power the user gives carries the user's
``uncertainty`` when stated.
"""

from __future__ import annotations

import difflib
import functools
import re
from typing import Any

from algoprint.errors import ImpactError
from algoprint.impact.uncertainty import Interval, product

__all__ = [
    "CPU_UNCERTAINTY_REL",
    "ESTIMATE_UNCERTAINTY_REL",
    "cpu_power",
    "default_cpu_bounds",
    "lookup",
]

ESTIMATE_UNCERTAINTY_REL = 0.3
"""Assumed relative half-width of a GPU or memory power estimate (TDP vs real draw)."""

CPU_UNCERTAINTY_REL = 0.55
"""Relative half-width for a modelled CPU power: the CPU model meter's (a test pins the two)."""


def lookup(table: str, model: str) -> tuple[float, int | None, str]:
    """``(tdp_w, n_cores or memory_gb or None, source)`` of a model in a power table.

    Raises:
        ImpactError: unknown model (the message names close matches).
    """
    from algoprint.refdata import load_table

    def norm(text: str) -> str:
        return re.sub(r"[\s_\-]+", "", text.strip().lower())

    rows = {norm(r["model"]): r for r in load_table(table)}
    row = rows.get(norm(model))
    if row is None:
        close = difflib.get_close_matches(norm(model), list(rows), n=5, cutoff=0.6)
        shown = ", ".join(rows[c]["model"] for c in close) or "none close"
        raise ImpactError(
            f"unknown {table.split('_', maxsplit=1)[0].upper()} model {model!r} (closest: {shown})",
            hint="give the power explicitly (cpu_tdp_w / gpu_power_w)",
        )
    extra = row.get("n_cores") if table == "cpu_power" else row.get("memory_gb")
    count = int(float(extra)) if extra else None
    return float(row["tdp_w"]), count, f"{row['source']} ({row['licence']})"


@functools.cache
def default_cpu_bounds() -> tuple[float, float, float]:
    """``(w_per_core, low_rel, high_rel)`` for a CPU power on the default power per core.

    ``w_per_core`` is the median TDP per core of the ``cpu_power`` rows with a core count; the
    2.5th and 97.5th percentiles of W per core over its median (about 0.35 and 2.2) are combined
    with the meter's ±55 % in log space, giving ``low = P × low_rel``, ``high = P × high_rel``
    (about 0.27 and 2.4).
    """
    from algoprint.meters._cpu_table import cpu_power_table, default_w_per_core

    median = default_w_per_core()
    ratios = sorted(e.tdp_w / e.n_cores / median for e in cpu_power_table() if e.n_cores)
    n = len(ratios)
    spread = Interval(1.0, ratios[int(0.025 * n)], ratios[min(n - 1, int(0.975 * n))])
    combined = product([spread, Interval.from_rel(1.0, CPU_UNCERTAINTY_REL)])
    return median, combined.low, combined.high


def cpu_power(
    *,
    model: str | None,
    cores: float | None,
    per_core_w: float | None,
    tdp_w: float | None,
    utilisation: float,
    uncertainty: float | None,
    assumptions: list[str],
    server_year: int | None = None,
) -> Interval | None:
    """The CPU's power (W) at ``utilisation`` as an interval; ``None`` without a CPU.

    ``server_year`` picks the idle fraction of servers published that year
    (:func:`algoprint.meters._cpu_table.load_curve_for_year`; bench/cpu_vintage.py).

    Raises:
        ImpactError: a power per core without cores, unknown model.
    """
    from algoprint.meters._cpu_table import load_curve as shipped_curve
    from algoprint.meters._cpu_table import load_curve_for_year

    def load_curve() -> Any:
        if server_year is None:
            return shipped_curve()
        curve, used = load_curve_for_year(server_year)
        note = f"server vintage {server_year}: idle fraction {curve.idle_fraction:.3f}"
        if used != server_year:
            note += f" (table year {used})"
        if note not in assumptions:
            assumptions.append(note + " (median of SPECpower results of that year)")
        return curve

    given = False
    if per_core_w is not None:
        if cores is None:
            raise ImpactError(
                "cpu_power_per_core_w needs cpu_cores", hint="give the cores used, e.g. 8"
            )
        p_max, how, given = cores * per_core_w, "cores × power per core (given)", True
    elif tdp_w is not None:
        p_max, how, given = tdp_w, "CPU TDP (given)", True
    elif model is not None:
        tdp, n_cores, source = lookup("cpu_power", model)
        if cores is not None and n_cores:
            p_max, how = cores * tdp / n_cores, f"cores × TDP/{n_cores} cores ({source})"
        else:
            if cores is not None:
                assumptions.append(
                    f"{model}: core count unknown in the table, the whole TDP {tdp:g} W is used"
                )
            p_max, how = tdp, f"TDP of {model} ({source})"
    elif cores is not None:
        w, low_rel, high_rel = default_cpu_bounds()
        p_max = cores * w
        p = p_max * load_curve()(utilisation)
        assumptions.append(
            f"CPU power: {cores:g} cores × {w:.1f} W per core (default: median of the CPU table; "
            f"no model or power given), interval −{1 - low_rel:.0%}/+{high_rel - 1:.0%} from the "
            "table's spread of W per core and the load curve's ±55 %; give cpu_model, "
            "cpu_tdp_w or cpu_power_per_core_w to narrow it"
        )
        return Interval(p, p * low_rel, p * high_rel)
    else:
        return None
    curve = load_curve()
    p = p_max * curve(utilisation)
    assumptions.append(
        f"CPU power: {how}; {p_max:.4g} W at full load × {curve(utilisation):.3f} at load "
        f"{utilisation:g} (the CPU model meter's fitted load curve)"
    )
    if given and uncertainty is not None:
        return Interval.from_rel(p, uncertainty)
    assumptions.append(
        f"CPU power-model uncertainty ±{CPU_UNCERTAINTY_REL:.0%} (the CPU model meter's; "
        "assumed, not measured)"
    )
    return Interval.from_rel(p, CPU_UNCERTAINTY_REL)
