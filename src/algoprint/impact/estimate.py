"""Estimate energy and impacts before (or without) measuring, from hardware and hours.

The energy model follows Green Algorithms (Lannelongue et al., Adv. Sci. 2021,
doi:10.1002/advs.202100707, CC-BY-4.0), with the CPU on the CPU model meter's load curve:

    P_cpu = P_cpu,max × curve(u_cpu)       (P_max = cores × W per core, or the TDP)
    P_gpu = n_gpu × P_gpu × u_gpu
    P_mem = memory_GB × 0.3725 W/GB
    E_IT  = (P_cpu + P_mem) × hours × 3600 + P_gpu × (device_hours or n_gpu × hours) × 3600 [J]

or ``E_IT = energy_kwh × 3.6e6`` when the energy is known. The impacts follow
:func:`algoprint.impact.compute.compute_from_factors`; embodied impacts are allocated over the
*reserved* time (``reserved_hours``, at least the powered ``hours``) × ``share``. A utilisation
that is not given is taken as 1.0 (an upper bound), and that is recorded in the result. The
intervals are described in :mod:`algoprint.impact._estimate_power`; a figure the user gives
(power, energy, embodied) carries the user's ``uncertainty``, and is exact only with
``uncertainty=0``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

from algoprint.errors import ImpactError
from algoprint.impact._estimate_power import (
    CPU_UNCERTAINTY_REL,
    ESTIMATE_UNCERTAINTY_REL,
    cpu_power,
    default_cpu_bounds,
    lookup,
)
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
    "CPU_UNCERTAINTY_REL",
    "ESTIMATE_UNCERTAINTY_REL",
    "GIVEN_UNCERTAINTY_REL",
    "MEMORY_W_PER_GB",
    "EstimateResult",
    "cpu_power_lookup",
    "default_cpu_bounds",
    "estimate",
    "gpu_power_lookup",
]

MEMORY_W_PER_GB = 0.3725
"""Memory power per GB (Green Algorithms referenceValues.csv, CC-BY-4.0)."""

GIVEN_UNCERTAINTY_REL = 0.1
"""Relative half-width assumed for an energy or embodied figure the user states without an
``uncertainty`` (rounding, the figure's own measurement); ``uncertainty=0`` makes it exact."""

_S_PER_H = 3600.0
_OPERATIONAL = (
    "energy_it_j",
    "energy_facility_j",
    "co2e_location_g",
    "co2e_market_g",
    "water_onsite_l",
    "water_offsite_l",
    "water_l",
    "co2e_total_g",
    "sci_g_per_unit",
)


@dataclass(frozen=True, slots=True)
class EstimateResult:
    """An estimate: energy per component, the powers used and the impact document.

    Attributes:
        energy: IT energy per component (J); empty components for an embodied-only estimate.
        power_w: the modelled power per component (W, after utilisation).
        assumptions: every assumption or default applied, one line each.
        document: the impacts.
        embodied_only: no power or energy was given: only embodied figures are computed.
    """

    energy: EnergyInput
    power_w: dict[str, float]
    assumptions: tuple[str, ...]
    document: ImpactDocument
    embodied_only: bool = False


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
    return lookup("cpu_power", model)


def gpu_power_lookup(model: str) -> tuple[float, int | None, str]:
    """``(tdp_w, memory_gb or None, source)`` of a GPU model from the ``gpu_power`` table.

    Raises:
        ImpactError: unknown model (the message names close matches).
    """
    return lookup("gpu_power", model)


def _embodied_from_kg(
    embodied_kg: float | tuple[float, float], uncertainty: float | None, assumptions: list[str]
) -> EmbodiedImpacts:
    if isinstance(embodied_kg, tuple):
        if len(embodied_kg) != 2:
            raise ImpactError(f"embodied_kg range must be (low, high), got {embodied_kg!r}")
        low, high = (_positive("embodied_kg", x) for x in embodied_kg)
        assert low is not None and high is not None
        if low > high:
            raise ImpactError(
                f"embodied_kg range low {low:g} is above high {high:g}",
                hint="give the range as LOW..HIGH, e.g. 1200..1800",
            )
        gwp = Interval((low + high) / 2 * 1000, low * 1000, high * 1000)
        assumptions.append(f"embodied {low:g}..{high:g} kg CO2e (given range; midpoint used)")
    else:
        kg = _positive("embodied_kg", embodied_kg)
        assert kg is not None
        rel = GIVEN_UNCERTAINTY_REL if uncertainty is None else uncertainty
        gwp = Interval.from_rel(kg * 1000, rel)
        if uncertainty is None:
            assumptions.append(
                f"embodied {kg:g} kg CO2e given without a range: ±{rel:.0%} assumed; give a "
                "range (LOW..HIGH) or an uncertainty (0 = exact)"
            )
    return EmbodiedImpacts(
        gwp_g=gwp, adpe_g_sbeq=None, pe_j=None, sources=("user (embodied_kg)",), origin="user"
    )


def estimate(
    *,
    hours: float | None = None,
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
    share: float | None = None,
    reserved_hours: float | None = None,
    device_hours: float | None = None,
    energy_kwh: float | None = None,
    market_intensity_g_per_kwh: float | None = None,
    uncertainty: float | None = None,
    embodied_kg: float | tuple[float, float] | None = None,
    server_year: int | None = None,
) -> EstimateResult:
    """Estimate the energy and impacts of a job from its hardware and duration.

    With explicit powers, PUE and grid intensity, the result follows the formulas exactly and
    reads no table (the CPU's load curve aside). Model names are looked up in the
    ``cpu_power``/``gpu_power`` tables; ``location`` (ISO country code) brings the zone's grid,
    water and market factors.

    Args:
        hours: wall time the hardware draws power (h), > 0; needed for CPU and memory power.
        cpu_model, cpu_cores, cpu_power_per_core_w, cpu_tdp_w: the CPU power, see module doc;
            ``cpu_cores`` alone uses the default power per core (wide interval, said).
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
        share: the share of the machine reserved (0, 1] for the embodied impacts (default 1).
        reserved_hours: time the hardware is reserved (h), >= ``hours``; the embodied time
            (default: ``hours``).
        device_hours: GPU-hours (h × GPUs) instead of ``gpu_count × hours`` for the GPU energy.
        energy_kwh: the IT energy (kWh) when known; replaces the power model.
        market_intensity_g_per_kwh: an explicit market-based factor (g CO2e/kWh), e.g. the
            supplier's figure for the contract.
        uncertainty: relative half-width (~95 %) of the figures the user gives (powers,
            energy, a point embodied figure); 0 = exact. Default: the model's uncertainty for
            powers, ±10 % for an energy or embodied figure (said).
        embodied_kg: the machine's manufacture CO2e (kg), a number or a ``(low, high)`` range;
            an alternative to ``embodied``.
        server_year: the server's year (SPECpower publication year): the CPU load curve takes
            that vintage's idle fraction (bench/cpu_vintage.py); default the shipped curve.

    Raises:
        ImpactError: nothing to estimate, negative/NaN/zero values where > 0 is needed,
            a share outside (0, 1], reserved time shorter than powered time, a negative
            uncertainty, unknown model or zone, PUE < 1, lifetime 0 (each names the field).
    """
    hours_v = _positive("hours", hours)
    assumptions: list[str] = []
    cores = _positive("cpu_cores", cpu_cores)
    per_core = _positive("cpu_power_per_core_w", cpu_power_per_core_w)
    tdp = _positive("cpu_tdp_w", cpu_tdp_w)
    gpu_w = _positive("gpu_power_w", gpu_power_w)
    mem_gb = _positive("memory_gb", memory_gb, allow_zero=True)
    mem_w = _positive("memory_w_per_gb", memory_w_per_gb)
    dev_h = _positive("device_hours", device_hours)
    kwh = _positive("energy_kwh", energy_kwh, allow_zero=True)
    reserved = _positive("reserved_hours", reserved_hours)
    if uncertainty is not None and (not math.isfinite(uncertainty) or uncertainty < 0):
        raise ImpactError(
            f"uncertainty must be a number >= 0, got {uncertainty!r}",
            hint="a relative half-width: 0.1 = ±10 %, 0 = exact",
        )
    if share is not None and (not math.isfinite(share) or not 0 < share <= 1):
        raise ImpactError(
            f"share must be in (0, 1], got {share!r}",
            hint="the reserved share of the machine, e.g. 0.25 for 8 of 32 vCPUs",
        )
    if reserved is not None and hours_v is not None and reserved < hours_v:
        raise ImpactError(
            f"reserved_hours ({reserved:g} h) is shorter than hours ({hours_v:g} h)",
            hint="hardware is reserved at least as long as it draws power",
        )
    if gpu_count < 0 or int(gpu_count) != gpu_count:
        raise ImpactError(f"gpu_count must be a whole number >= 0, got {gpu_count!r}")
    if embodied is not None and embodied_kg is not None:
        raise ImpactError("give embodied or embodied_kg, not both")
    if embodied_kg is not None:
        embodied = _embodied_from_kg(embodied_kg, uncertainty, assumptions)

    if server_year is not None and (int(server_year) != server_year or server_year < 1990):
        raise ImpactError(f"server_year must be a year, got {server_year!r}", hint="e.g. 2023")
    power = _powers(
        server_year=server_year,
        hours=hours_v,
        cpu=(cpu_model, cores, per_core, tdp, cpu_utilisation),
        gpu=(gpu_model, gpu_count, gpu_w, gpu_utilisation, dev_h),
        memory=(mem_gb, mem_w),
        uncertainty=uncertainty,
        assumptions=assumptions,
    )
    components = [EnergyComponent.of(name, e) for name, (_, e) in power.items()]
    if kwh is not None:
        if components:
            raise ImpactError(
                "give either energy_kwh or powers (CPU, GPUs, memory), not both",
                hint="energy_kwh replaces the power model",
            )
        rel = GIVEN_UNCERTAINTY_REL if uncertainty is None else uncertainty
        components.append(EnergyComponent("given", kwh * 3.6e6, rel))
        if uncertainty is None:
            assumptions.append(
                f"energy {kwh:g} kWh given without an uncertainty: ±{rel:.0%} assumed; state "
                "an uncertainty (0 = exact) for an exact figure"
            )
    embodied_only = not components
    if embodied_only:
        if embodied is None:
            raise ImpactError(
                "nothing to estimate: give a CPU, GPUs, memory, an energy or embodied impacts",
                hint="e.g. estimate(hours=2, cpu_cores=8, cpu_power_per_core_w=12)",
            )
        components.append(EnergyComponent("none", 0.0, 0.0))
        assumptions.append("embodied-only estimate: no power or energy given")
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
        market=market_intensity_g_per_kwh,
    )
    hardware, duration_s = _hardware(
        embodied=embodied,
        lifetime_years=lifetime_years,
        share=share,
        reserved=reserved,
        hours=hours_v,
        device_hours=dev_h,
        gpu_count=gpu_count,
    )
    from algoprint.refdata import FACTOR_VERSION

    doc = compute_from_factors(
        energy,
        factors,
        duration_s=duration_s,
        hardware=hardware,
        units=units,
        factor_version=FACTOR_VERSION,
    )
    if embodied_only:
        for key in _OPERATIONAL:
            doc.impacts.pop(key, None)
            doc.missing[key] = "embodied-only estimate: no power or energy given"
    doc.defaults.extend(a for a in assumptions if "assumed" in a or "not given" in a)
    watts = {name: p.value for name, (p, _) in power.items()}
    return EstimateResult(energy, watts, tuple(assumptions), doc, embodied_only)


def _powers(
    *,
    server_year: int | None,
    hours: float | None,
    cpu: tuple[str | None, float | None, float | None, float | None, float | None],
    gpu: tuple[str | None, int, float | None, float | None, float | None],
    memory: tuple[float | None, float | None],
    uncertainty: float | None,
    assumptions: list[str],
) -> dict[str, tuple[Interval, Interval]]:
    """name → (power W, energy J) intervals."""
    out: dict[str, tuple[Interval, Interval]] = {}
    model_rel = False
    model, cores, per_core, tdp, cpu_u = cpu
    has_cpu = any(x is not None for x in (model, cores, per_core, tdp))
    if has_cpu:
        u = _utilisation("cpu_utilisation", cpu_u, assumptions)
        p = cpu_power(model=model, cores=cores, per_core_w=per_core, tdp_w=tdp, utilisation=u,
                      uncertainty=uncertainty, assumptions=assumptions,
                      server_year=server_year)  # fmt: skip
        if p is not None:
            out["cpu"] = (p, p.scale(_needs_hours(hours, "CPU power") * _S_PER_H))
    gpu_model, count, gpu_w, gpu_u, dev_h = gpu
    if count or dev_h is not None:
        if gpu_w is None:
            if gpu_model is None:
                raise ImpactError(
                    "gpu_count needs gpu_power_w or gpu_model", hint="e.g. gpu_power_w=300"
                )
            gpu_w, _, source = lookup("gpu_power", gpu_model)
            assumptions.append(f"GPU power: TDP of {gpu_model} ({source})")
            given = False
        else:
            given = True
        u = _utilisation("gpu_utilisation", gpu_u, assumptions)
        rel = uncertainty if (given and uncertainty is not None) else ESTIMATE_UNCERTAINTY_REL
        model_rel = model_rel or not (given and uncertainty is not None)
        if dev_h is not None:
            gpu_hours, n = dev_h, max(count, 1)
            assumptions.append(f"GPU energy over {dev_h:g} device-hours (given)")
        else:
            gpu_hours, n = count * _needs_hours(hours, "GPU power"), count
        p = Interval.from_rel(n * gpu_w * u, rel)
        out["gpu"] = (p, Interval.from_rel(gpu_hours * gpu_w * u * _S_PER_H, rel))
    elif gpu_model is not None or gpu_w is not None:
        raise ImpactError("a GPU model or power was given but gpu_count is 0", hint="set gpu_count")
    mem_gb, mem_w = memory
    if mem_gb:
        if mem_w is None:
            mem_w = MEMORY_W_PER_GB
            assumptions.append("memory power 0.3725 W/GB (Green Algorithms)")
        p = Interval.from_rel(mem_gb * mem_w, ESTIMATE_UNCERTAINTY_REL)
        model_rel = True
        out["memory"] = (p, p.scale(_needs_hours(hours, "memory power") * _S_PER_H))
    if model_rel:
        assumptions.append(
            f"GPU/memory power-model uncertainty ±{ESTIMATE_UNCERTAINTY_REL:.0%} (assumed, not "
            "measured)"
        )
    return out


def _needs_hours(hours: float | None, what: str) -> float:
    if hours is None:
        raise ImpactError(
            f"{what} needs hours (the wall time it draws power)",
            hint="give hours, or energy_kwh / device_hours for a known energy or GPU time",
        )
    return hours


def _hardware(
    *,
    embodied: EmbodiedImpacts | None,
    lifetime_years: float | None,
    share: float | None,
    reserved: float | None,
    hours: float | None,
    device_hours: float | None,
    gpu_count: int,
) -> tuple[HardwareShare | None, float]:
    """The embodied share and the reserved duration (s)."""
    reserved_h = reserved if reserved is not None else hours
    if reserved_h is None and device_hours is not None and gpu_count:
        reserved_h = device_hours / gpu_count
    if embodied is None:
        if lifetime_years is not None or share is not None:
            raise ImpactError(
                "lifetime_years and share apply to embodied impacts: give embodied or embodied_kg"
            )
        return None, (reserved_h or 0.0) * _S_PER_H
    if lifetime_years is None:
        raise ImpactError(
            "embodied impacts need lifetime_years", hint="e.g. lifetime_years=4 for a server"
        )
    if reserved_h is None:
        raise ImpactError(
            "embodied impacts need the reserved time: give reserved_hours or hours",
            hint="embodied CO2e is allocated over the time the hardware is reserved",
        )
    life = _positive("lifetime_years", lifetime_years)
    assert life is not None
    basis = "whole machine" if share is None else f"given share {share:g}"
    hardware = HardwareShare(embodied, life * SECONDS_PER_YEAR, share or 1.0, basis)
    return hardware, reserved_h * _S_PER_H


def _factors(
    *,
    pue: float | None,
    location: str | None,
    grid: float | None,
    wue: float | None,
    contract: str | None,
    year: int,
    market: float | None = None,
) -> ResolvedFactors:
    """Explicit values win; the tables fill in the rest (defaults recorded)."""
    market_v = _positive("market_intensity_g_per_kwh", market, allow_zero=True)
    market_f = (
        None
        if market_v is None
        else FactorValue.exact(
            market_v, unit="g/kWh", source="argument (the user's market-based factor)"
        )
    )
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
        if market_f is not None:
            resolved = replace(resolved, market_g_per_kwh=market_f)
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
    if market_f is None:
        missing["market_intensity"] = "no location and contract given"
    return ResolvedFactors(
        pue=pue_f,
        grid_g_per_kwh=grid_f,
        market_g_per_kwh=market_f,
        wue_onsite_l_per_kwh=wue_f,
        missing=missing,
        defaults=tuple(defaults),
    )
