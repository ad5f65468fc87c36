"""Estimate energy and impacts before (or without) measuring, from hardware and hours.

The energy model follows Green Algorithms (Lannelongue et al., Adv. Sci. 2021,
doi:10.1002/advs.202100707, CC-BY-4.0):

    P_cpu = cores × P_per_core × u_cpu        (or TDP × u_cpu for the whole chip)
    P_gpu = n_gpu × P_gpu × u_gpu
    P_mem = memory_GB × 0.3725 W/GB
    E_IT  = (P_cpu + P_gpu + P_mem) × hours × 3600      [J]

and the impacts follow :func:`algoprint.impact.compute.compute_from_factors`. A utilisation
that is not given is taken as 1.0 (an upper bound), and that is recorded in the result.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

from algoprint.errors import ImpactError
from algoprint.impact.compute import (
    EnergyComponent,
    EnergyInput,
    FactorValue,
    ResolvedFactors,
    compute_from_factors,
)
from algoprint.impact.embodied import SECONDS_PER_YEAR, EmbodiedImpacts, HardwareShare
from algoprint.impact.model import ImpactDocument
from algoprint.impact.uncertainty import Interval

__all__ = [
    "ESTIMATE_UNCERTAINTY_REL",
    "MEMORY_W_PER_GB",
    "EstimateResult",
    "cpu_power_lookup",
    "estimate",
    "gpu_power_lookup",
]

MEMORY_W_PER_GB = 0.3725
"""Memory power per GB (Green Algorithms referenceValues.csv, CC-BY-4.0)."""

ESTIMATE_UNCERTAINTY_REL = 0.3
"""Assumed relative half-width of a power-model estimate (TDP vs real draw); not measured."""

_S_PER_H = 3600.0


@dataclass(frozen=True, slots=True)
class EstimateResult:
    """An estimate: energy per component, the powers used and the impact document.

    Attributes:
        energy: IT energy per component (J).
        power_w: the modelled power per component (W, after utilisation).
        assumptions: every assumption or default applied, one line each.
        document: the impacts.
    """

    energy: EnergyInput
    power_w: dict[str, float]
    assumptions: tuple[str, ...]
    document: ImpactDocument


def _positive(name: str, value: float | None, *, allow_zero: bool = False) -> float | None:
    if value is None:
        return None
    number = float(value)
    bad = not math.isfinite(number) or number < 0 or (number == 0 and not allow_zero)
    if bad:
        raise ImpactError(
            f"{name} must be a finite number {'>=' if allow_zero else '>'} 0, got {value!r}"
        )
    return number


def _utilisation(name: str, value: float | None, assumptions: list[str]) -> float:
    if value is None:
        assumptions.append(f"{name} not given: 1.0 (full load, an upper bound) assumed")
        return 1.0
    u = float(value)
    if not math.isfinite(u) or not 0 <= u <= 1:
        raise ImpactError(f"{name} must be between 0 and 1, got {value!r}", hint="0.5 = 50 %")
    return u


def cpu_power_lookup(model: str) -> tuple[float, int | None, str]:
    """``(tdp_w, n_cores or None, source)`` of a CPU model from the ``cpu_power`` table.

    Matching ignores case, spaces, hyphens and underscores.

    Raises:
        ImpactError: unknown model (the message names close matches).
    """
    return _lookup("cpu_power", model)


def gpu_power_lookup(model: str) -> tuple[float, int | None, str]:
    """``(tdp_w, memory_gb or None, source)`` of a GPU model from the ``gpu_power`` table.

    Raises:
        ImpactError: unknown model (the message names close matches).
    """
    return _lookup("gpu_power", model)


def _lookup(table: str, model: str) -> tuple[float, int | None, str]:
    import difflib
    import re

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


def _cpu_power(
    *,
    cpu_model: str | None,
    cpu_cores: float | None,
    cpu_power_per_core_w: float | None,
    cpu_tdp_w: float | None,
    assumptions: list[str],
) -> tuple[float, str] | None:
    if cpu_power_per_core_w is not None:
        if cpu_cores is None:
            raise ImpactError(
                "cpu_power_per_core_w needs cpu_cores", hint="give the cores used, e.g. 8"
            )
        return cpu_cores * cpu_power_per_core_w, "cores × power per core (given)"
    if cpu_tdp_w is not None:
        return cpu_tdp_w, "CPU TDP (given)"
    if cpu_model is not None:
        tdp, n_cores, source = cpu_power_lookup(cpu_model)
        if cpu_cores is not None and n_cores:
            return cpu_cores * tdp / n_cores, f"cores × TDP/{n_cores} cores ({source})"
        if cpu_cores is not None:
            assumptions.append(
                f"{cpu_model}: core count unknown in the table, the whole TDP {tdp:g} W is used"
            )
        return tdp, f"TDP of {cpu_model} ({source})"
    if cpu_cores is not None:
        raise ImpactError(
            "cpu_cores needs a power: cpu_power_per_core_w, cpu_tdp_w or cpu_model",
            hint="Green Algorithms uses about 12 W per core for a typical server CPU",
        )
    return None


def estimate(
    *,
    hours: float,
    cpu_model: str | None = None,
    cpu_cores: float | None = None,
    cpu_power_per_core_w: float | None = None,
    cpu_tdp_w: float | None = None,
    cpu_utilisation: float | None = None,
    gpu_model: str | None = None,
    gpu_count: int = 0,
    gpu_power_w: float | None = None,
    gpu_utilisation: float | None = None,
    memory_gb: float | None = None,
    memory_w_per_gb: float | None = None,
    pue: float | None = None,
    location: str | None = None,
    grid_intensity_g_per_kwh: float | None = None,
    wue_l_per_kwh: float | None = None,
    contract: str | None = None,
    year: int | None = None,
    embodied: EmbodiedImpacts | None = None,
    lifetime_years: float | None = None,
    units: float | None = None,
) -> EstimateResult:
    """Estimate the energy and impacts of a job from its hardware and duration.

    With explicit powers, PUE and grid intensity, the result follows the formulas exactly and
    reads no table. Model names are looked up in the ``cpu_power``/``gpu_power`` tables;
    ``location`` (ISO country code) brings the zone's grid, water and market factors.

    Args:
        hours: wall time (h), > 0.
        cpu_model, cpu_cores, cpu_power_per_core_w, cpu_tdp_w: the CPU power, see module doc.
        cpu_utilisation, gpu_utilisation: mean load 0..1; 1.0 assumed (recorded) when absent.
        gpu_model, gpu_count, gpu_power_w: GPUs and their power (W per GPU).
        memory_gb, memory_w_per_gb: memory and its power (default 0.3725 W/GB).
        pue: datacentre PUE; without it (and without location) the ``unknown`` default.
        location: grid zone (ISO country code) for the tables.
        grid_intensity_g_per_kwh: overrides the grid intensity (g CO2e/kWh).
        wue_l_per_kwh: on-site water use effectiveness (L/kWh).
        contract: electricity contract for the market-based figure (with ``location``).
        year: year for the grid intensity; default the current year (recorded).
        embodied: the machine's embodied impacts; needs ``lifetime_years``.
        lifetime_years: hardware service life for the embodied share.
        units: functional units served (SCI's R).

    Raises:
        ImpactError: nothing to estimate, negative/NaN/zero values where > 0 is needed,
            unknown model or zone, PUE < 1, lifetime 0.
    """
    hours_v = _positive("hours", hours)
    assert hours_v is not None
    assumptions: list[str] = []
    cores = _positive("cpu_cores", cpu_cores)
    per_core = _positive("cpu_power_per_core_w", cpu_power_per_core_w)
    tdp = _positive("cpu_tdp_w", cpu_tdp_w)
    gpu_w = _positive("gpu_power_w", gpu_power_w)
    mem_gb = _positive("memory_gb", memory_gb, allow_zero=True)
    mem_w = _positive("memory_w_per_gb", memory_w_per_gb)
    if gpu_count < 0 or int(gpu_count) != gpu_count:
        raise ImpactError(f"gpu_count must be a whole number >= 0, got {gpu_count!r}")

    components: list[EnergyComponent] = []
    power: dict[str, float] = {}
    seconds = hours_v * _S_PER_H
    cpu = _cpu_power(
        cpu_model=cpu_model,
        cpu_cores=cores,
        cpu_power_per_core_w=per_core,
        cpu_tdp_w=tdp,
        assumptions=assumptions,
    )
    if cpu is not None:
        u = _utilisation("cpu_utilisation", cpu_utilisation, assumptions)
        power["cpu"] = cpu[0] * u
        assumptions.append(f"CPU power: {cpu[1]}")
    if gpu_count:
        if gpu_w is None:
            if gpu_model is None:
                raise ImpactError(
                    "gpu_count needs gpu_power_w or gpu_model", hint="e.g. gpu_power_w=300"
                )
            gpu_w, _, source = gpu_power_lookup(gpu_model)
            assumptions.append(f"GPU power: TDP of {gpu_model} ({source})")
        u = _utilisation("gpu_utilisation", gpu_utilisation, assumptions)
        power["gpu"] = gpu_count * gpu_w * u
    elif gpu_model is not None or gpu_w is not None:
        raise ImpactError("a GPU model or power was given but gpu_count is 0", hint="set gpu_count")
    if mem_gb:
        if mem_w is None:
            mem_w = MEMORY_W_PER_GB
            assumptions.append("memory power 0.3725 W/GB (Green Algorithms)")
        power["memory"] = mem_gb * mem_w
    if not power:
        raise ImpactError(
            "nothing to estimate: give a CPU, GPUs or memory",
            hint="e.g. estimate(hours=2, cpu_cores=8, cpu_power_per_core_w=12)",
        )
    for name, watts in power.items():
        components.append(EnergyComponent(name, watts * seconds, ESTIMATE_UNCERTAINTY_REL))
    assumptions.append(
        f"power-model uncertainty ±{ESTIMATE_UNCERTAINTY_REL:.0%} (assumed, not measured)"
    )
    energy = EnergyInput(tuple(components))

    if year is None:
        year = dt.date.today().year
        if location is not None:
            assumptions.append(f"year not given: {year} used for the grid intensity")
    factors = _factors(
        pue=pue,
        location=location,
        grid=grid_intensity_g_per_kwh,
        wue=wue_l_per_kwh,
        contract=contract,
        year=year,
    )
    hardware = None
    if embodied is not None:
        if lifetime_years is None:
            raise ImpactError(
                "embodied impacts need lifetime_years", hint="e.g. lifetime_years=4 for a server"
            )
        life = _positive("lifetime_years", lifetime_years)
        assert life is not None
        hardware = HardwareShare(embodied, life * SECONDS_PER_YEAR)
    from algoprint.refdata import FACTOR_VERSION

    doc = compute_from_factors(
        energy,
        factors,
        duration_s=seconds,
        hardware=hardware,
        units=units,
        factor_version=FACTOR_VERSION,
    )
    doc.defaults.extend(a for a in assumptions if "assumed" in a or "not given" in a)
    return EstimateResult(energy, power, tuple(assumptions), doc)


def _factors(
    *,
    pue: float | None,
    location: str | None,
    grid: float | None,
    wue: float | None,
    contract: str | None,
    year: int,
) -> ResolvedFactors:
    """Explicit values win; the tables fill in the rest (defaults recorded)."""
    pue_v = _positive("pue", pue)
    if pue_v is not None and pue_v < 1:
        raise ImpactError(f"pue must be >= 1, got {pue!r}", hint="PUE is at least 1")
    grid_v = _positive("grid_intensity_g_per_kwh", grid, allow_zero=True)
    wue_v = _positive("wue_l_per_kwh", wue, allow_zero=True)
    if location is not None:
        from algoprint.impact.location import default_location, factors_for_profile

        profile = replace(
            default_location(location),
            pue=pue_v,
            wue_onsite_l_per_kwh=wue_v,
            contract=contract or "unknown",
            sources={"zone": "argument", "pue": "argument", "wue": "argument"},
        )
        resolved = factors_for_profile(profile, year=year)
        if grid_v is not None:
            resolved = replace(
                resolved,
                grid_g_per_kwh=FactorValue.exact(grid_v, unit="g/kWh", source="argument"),
            )
        return resolved
    missing: dict[str, str] = {}
    defaults: list[str] = []
    if pue_v is not None:
        pue_f = FactorValue.exact(pue_v, unit="1", source="argument")
    else:
        from algoprint.impact import factors

        f = factors.pue_default("unknown")
        pue_f = FactorValue(
            Interval(f.value, f.low, f.high), unit="1", source=f.source, origin="default"
        )
        defaults.append(f"PUE {f.value:g} (unknown-datacentre default); give pue to use yours")
    grid_f = None
    if grid_v is not None:
        grid_f = FactorValue.exact(grid_v, unit="g/kWh", source="argument")
    else:
        missing["grid_intensity"] = "no location or grid intensity given"
    wue_f = None
    if wue_v is not None:
        wue_f = FactorValue.exact(wue_v, unit="L/kWh", source="argument")
    else:
        missing["wue_onsite"] = "no on-site WUE given (and no location)"
    missing["water_offsite"] = "no location given (off-site water depends on the grid zone)"
    missing["market_intensity"] = "no location and contract given"
    return ResolvedFactors(
        pue=pue_f,
        grid_g_per_kwh=grid_f,
        wue_onsite_l_per_kwh=wue_f,
        missing=missing,
        defaults=tuple(defaults),
    )
