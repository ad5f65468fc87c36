"""From energy to impacts: the formulas (pure) and the factor resolution for a location.

Two layers:

* :func:`compute_from_factors` applies the formulas to an :class:`EnergyInput` and a set of
  :class:`ResolvedFactors`. It reads no table, so every formula can be checked by hand.
* :func:`compute_impacts` resolves the factors of a :class:`~algoprint.impact.location.
  LocationProfile` for a year from the shipped tables (:mod:`algoprint.impact.factors`) and then
  calls :func:`compute_from_factors`. :func:`impacts_for_run` does the same for a run record.

Formulas (docs/impact-method.md explains each choice):

* ``E_facility = E_IT × PUE``
* ``CO2e_location = E_facility[kWh] × I_grid(zone, year)``
* ``CO2e_market = E_facility[kWh] × I_contract,TTW`` (GHG Protocol Scope 2, market-based;
  tank-to-wheel: generation only)
* ``CO2e_market_WTT = E_facility[kWh] × I_contract,WTT`` (the contract's fuel chain: scope 3
  category 3)
* ``water = E_IT[kWh] × (WUE_on-site + PUE × EWIF_off-site)``
* ``embodied_X = M_X × min(1, duration / lifetime) × share``
* ``SCI = (E_facility × I_grid + M_gwp) / R``
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from algoprint.errors import ImpactError
from algoprint.impact._resolved import FactorValue, ResolvedFactors
from algoprint.impact.model import Impact, ImpactDocument
from algoprint.impact.uncertainty import Interval, product, total

if TYPE_CHECKING:
    from algoprint.impact.embodied import EmbodiedImpacts, HardwareShare
    from algoprint.impact.location import LocationProfile
    from algoprint.tracking.record import RunRecord

__all__ = [
    "J_PER_KWH",
    "MARKET_ZERO_CAVEAT",
    "EnergyComponent",
    "EnergyInput",
    "FactorValue",
    "ResolvedFactors",
    "compute_from_factors",
    "compute_impacts",
    "impacts_for_run",
    "resolve_factors",
]

J_PER_KWH = 3.6e6
"""Joules in one kilowatt-hour."""

MARKET_ZERO_CAVEAT = (
    "market-based CO2e of 0 reflects certificates (guarantees of origin) bought for the "
    "contract: they do not change the grid's emissions; the location-based figure shows the "
    "grid's CO2e"
)
"""Said with every market-based figure of 0 (GHG Protocol Scope 2 Guidance, ch. 7)."""


@dataclass(frozen=True, slots=True)
class EnergyComponent:
    """Energy of one component (cpu, gpu, memory, ...) with its relative uncertainty.

    Attributes:
        name: component name, for the document.
        energy_j: energy in joules, >= 0.
        uncertainty_rel: relative half-width of the ~95 % interval (0.05 = ±5 %).

    Raises:
        ImpactError: energy or uncertainty negative, NaN or infinite.
    """

    name: str
    energy_j: float
    uncertainty_rel: float
    bounds_j: tuple[float, float] | None = None
    """Explicit (low, high) in joules for an asymmetric interval; overrides uncertainty_rel."""

    def __post_init__(self) -> None:
        for label, number in (
            ("energy_j", self.energy_j),
            ("uncertainty_rel", self.uncertainty_rel),
        ):
            if not math.isfinite(number) or number < 0:
                raise ImpactError(
                    f"{self.name} {label} must be a finite number >= 0, got {number!r}",
                    hint="pass measured energy in joules and a relative uncertainty such as 0.1",
                )
        self.interval  # noqa: B018 - validates explicit bounds

    @classmethod
    def of(cls, name: str, interval: Interval) -> EnergyComponent:
        """A component from an interval (J)."""
        return cls(name, interval.value, interval.rel_high, (interval.low, interval.high))

    @property
    def interval(self) -> Interval:
        """The energy as an interval (J)."""
        if self.bounds_j is not None:
            return Interval(self.energy_j, *self.bounds_j)
        return Interval.from_rel(self.energy_j, self.uncertainty_rel)


@dataclass(frozen=True, slots=True)
class EnergyInput:
    """IT energy to compute impacts for, per component.

    Components are treated as independent: their absolute uncertainties add in quadrature.
    """

    components: tuple[EnergyComponent, ...]

    def __post_init__(self) -> None:
        if not self.components:
            raise ImpactError("no energy components given", hint="pass at least one component")

    @classmethod
    def single(cls, energy_j: float, uncertainty_rel: float, name: str = "total") -> EnergyInput:
        """One component holding the whole energy."""
        return cls((EnergyComponent(name, energy_j, uncertainty_rel),))

    @property
    def energy_j(self) -> float:
        """Total central energy (J)."""
        return math.fsum(c.energy_j for c in self.components)

    def interval(self) -> Interval:
        """Total energy with its interval (J)."""
        return total(c.interval for c in self.components)


def _sources(*factors: FactorValue | None) -> tuple[str, ...]:
    seen: list[str] = []
    for f in factors:
        if f is not None and f.source not in seen:
            seen.append(f.source)
    return tuple(seen)


def compute_from_factors(
    energy: EnergyInput,
    factors: ResolvedFactors,
    *,
    duration_s: float,
    hardware: HardwareShare | None = None,
    units: float | None = None,
    factor_version: str = "",
    allocated_embodied: EmbodiedImpacts | None = None,
) -> ImpactDocument:
    """Apply the impact formulas (pure: reads no table).

    Args:
        energy: IT energy per component (J).
        factors: the resolved factors (PUE, intensities, water).
        duration_s: wall time the hardware was reserved (s), for the embodied share.
        hardware: embodied impacts, lifetime and reserved share; ``None`` leaves the embodied
            figures missing with a reason.
        units: functional units served (SCI's R); ``None`` leaves SCI missing with a reason.
        factor_version: version of the factor set, recorded in the document.
        allocated_embodied: embodied impacts already allocated to this energy (the LLM
            method allocates per request itself); excludes ``hardware``.

    Returns:
        The document; a figure whose inputs are missing is absent from ``impacts`` and listed
        in ``missing`` with the reason.

    Raises:
        ImpactError: negative or NaN duration, units <= 0.
    """
    if not math.isfinite(duration_s) or duration_s < 0:
        raise ImpactError(f"duration_s must be a finite number >= 0, got {duration_s!r}")
    if units is not None and (not math.isfinite(units) or units <= 0):
        raise ImpactError(
            f"functional units (SCI's R) must be > 0, got {units!r}",
            hint="record the units served, e.g. run.units = number of predictions",
        )
    doc = ImpactDocument(factor_version=factor_version)
    doc.factors = {k: v.to_dict() for k, v in factors.named().items()}
    doc.missing.update({f"factor:{k}": v for k, v in factors.missing.items()})
    doc.defaults.extend(factors.defaults)
    doc.notes.extend(factors.notes)
    pue = factors.pue

    e_it = energy.interval()
    e_fac = product([e_it, pue.interval])
    kwh_it = e_it.scale(1 / J_PER_KWH)
    kwh_fac = e_fac.scale(1 / J_PER_KWH)
    doc.impacts["energy_it_j"] = Impact.of(
        e_it, unit="J", method="measured or estimated IT energy, components summed"
    )
    doc.impacts["energy_facility_j"] = Impact.of(
        e_fac, unit="J", method="E_IT × PUE", sources=_sources(pue)
    )

    grid = factors.grid_g_per_kwh
    if grid is None:
        doc.missing["co2e_location_g"] = factors.missing.get("grid_intensity", "no grid factor")
    else:
        doc.impacts["co2e_location_g"] = Impact.of(
            product([kwh_fac, grid.interval]),
            unit="g",
            method="E_facility[kWh] × grid intensity (location-based)",
            sources=_sources(pue, grid),
        )
    market = factors.market_g_per_kwh
    if market is None:
        doc.missing["co2e_market_g"] = factors.missing.get(
            "market_intensity", "no market-based factor"
        )
    else:
        zero = market.interval.value == 0
        doc.impacts["co2e_market_g"] = Impact.of(
            product([kwh_fac, market.interval]),
            unit="g",
            method="E_facility[kWh] × contract factor (market-based, GHG Protocol Scope 2)"
            + (f"; {MARKET_ZERO_CAVEAT}" if zero else ""),
            sources=_sources(pue, market),
        )
        if zero and MARKET_ZERO_CAVEAT not in doc.notes:
            doc.notes.append(MARKET_ZERO_CAVEAT)
    wtt = factors.market_wtt_g_per_kwh
    if wtt is None:
        doc.missing["co2e_market_wtt_g"] = factors.missing.get(
            "market_wtt_intensity", "no well-to-tank factor for the contract"
        )
    else:
        doc.impacts["co2e_market_wtt_g"] = Impact.of(
            product([kwh_fac, wtt.interval]),
            unit="g",
            method="E_facility[kWh] × contract well-to-tank factor (fuel chain; GHG Protocol "
            "scope 3 category 3, not in scope 2)",
            sources=_sources(pue, wtt),
        )
    _water(doc, factors, kwh_it)
    if allocated_embodied is not None:
        if hardware is not None:
            raise ImpactError("give either hardware or allocated_embodied, not both")
        _add_embodied(doc, allocated_embodied, 1.0, "allocated by the caller's method")
    else:
        _embodied(doc, hardware, duration_s)

    location = doc.impacts.get("co2e_location_g")
    gwp = doc.impacts.get("embodied_gwp_g")
    if location is not None and gwp is not None:
        doc.impacts["co2e_total_g"] = Impact.of(
            total([location.interval, gwp.interval]),
            unit="g",
            method="co2e_location_g + embodied_gwp_g",
            sources=location.sources + tuple(s for s in gwp.sources if s not in location.sources),
        )
    else:
        doc.missing["co2e_total_g"] = "needs both co2e_location_g and embodied_gwp_g"
    _sci(doc, units)
    return doc


def _water(doc: ImpactDocument, factors: ResolvedFactors, kwh_it: Interval) -> None:
    wue = factors.wue_onsite_l_per_kwh
    ewif = factors.water_offsite_l_per_kwh
    if wue is not None:
        doc.impacts["water_onsite_l"] = Impact.of(
            product([kwh_it, wue.interval]),
            unit="L",
            method="E_IT[kWh] × WUE_on-site (no PUE: WUE is per kWh of IT energy)",
            sources=_sources(wue),
        )
    else:
        doc.missing["water_onsite_l"] = factors.missing.get("wue_onsite", "no on-site WUE")
    if ewif is not None:
        doc.impacts["water_offsite_l"] = Impact.of(
            product([kwh_it, factors.pue.interval, ewif.interval]),
            unit="L",
            method="E_IT[kWh] × PUE × EWIF_off-site",
            sources=_sources(factors.pue, ewif),
        )
    else:
        doc.missing["water_offsite_l"] = factors.missing.get("water_offsite", "no off-site EWIF")
    if wue is not None and ewif is not None:
        per_kwh = total([wue.interval, product([factors.pue.interval, ewif.interval])])
        doc.impacts["water_l"] = Impact.of(
            product([kwh_it, per_kwh]),
            unit="L",
            method="E_IT[kWh] × (WUE_on-site + PUE × EWIF_off-site)",
            sources=_sources(wue, factors.pue, ewif),
        )
    else:
        doc.missing["water_l"] = "needs both on-site WUE and off-site EWIF"


_EMBODIED = (
    ("embodied_gwp_g", "gwp_g", "g"),
    ("embodied_adpe_g_sbeq", "adpe_g_sbeq", "g Sb eq"),
    ("embodied_pe_j", "pe_j", "J"),
)


def _embodied(doc: ImpactDocument, hardware: HardwareShare | None, duration_s: float) -> None:
    if hardware is None:
        for key, _, _ in _EMBODIED:
            doc.missing[key] = "no hardware description given (embodied impacts need one)"
        return
    fraction = hardware.allocation(duration_s)
    doc.factors["embodied_allocation"] = {
        "value": fraction,
        "unit": "1",
        "duration_s": duration_s,
        "lifetime_s": hardware.lifetime_s,
        "share": hardware.share,
        "share_basis": hardware.share_basis,
        "origin": hardware.embodied.origin,
        "source": "; ".join(hardware.embodied.sources),
    }
    _add_embodied(
        doc,
        hardware.embodied,
        fraction,
        "hardware embodied × min(1, duration / lifetime) × reserved share",
    )


def _add_embodied(
    doc: ImpactDocument, embodied: EmbodiedImpacts, fraction: float, method: str
) -> None:
    for key, attr, unit in _EMBODIED:
        amount: Interval | None = getattr(embodied, attr)
        if amount is None:
            doc.missing[key] = f"the hardware description has no {attr} figure"
            continue
        doc.impacts[key] = Impact.of(
            amount.scale(fraction), unit=unit, method=method, sources=embodied.sources
        )


def _sci(doc: ImpactDocument, units: float | None) -> None:
    combined = doc.impacts.get("co2e_total_g")
    if units is None:
        doc.missing["sci_g_per_unit"] = (
            "no functional units recorded (SCI's R); set the units served on the run"
        )
        return
    if combined is None:
        doc.missing["sci_g_per_unit"] = "needs co2e_location_g and embodied_gwp_g"
        return
    doc.impacts["sci_g_per_unit"] = Impact.of(
        combined.interval.scale(1 / units),
        unit="g/unit",
        method=f"(E_facility × I_grid + M) / R with R = {units:g} units (ISO/IEC 21031)",
        sources=combined.sources,
    )


def resolve_factors(profile: LocationProfile, *, year: int) -> ResolvedFactors:
    """Resolve PUE, grid, market, water factors for ``profile`` in ``year`` from the tables.

    See :mod:`algoprint.impact.location` (``factors_for_profile``) for the rules.

    Raises:
        ImpactError: the profile has no zone (not configured), or a lookup failed.
    """
    from algoprint.impact.location import factors_for_profile

    return factors_for_profile(profile, year=year)


def compute_impacts(
    energy: EnergyInput,
    profile: LocationProfile,
    *,
    year: int,
    duration_s: float,
    hardware: HardwareShare | None = None,
    units: float | None = None,
) -> ImpactDocument:
    """Impacts of ``energy`` used at ``profile`` in ``year``.

    Args:
        energy: IT energy per component (J).
        profile: where it ran (zone, datacentre, contract, PUE, WUE).
        year: the year of the run; the grid intensity of that year is used, or the latest
            available one (flagged in ``notes``) when the table has no figure yet.
        duration_s: reserved wall time (s), for the embodied share.
        hardware: embodied impacts and share; ``None`` = embodied figures missing.
        units: functional units served (SCI's R); ``None`` = SCI missing.

    Raises:
        ImpactError: unconfigured profile, unknown zone, a year before the table, bad input.
    """
    from algoprint.refdata import FACTOR_VERSION

    factors = resolve_factors(profile, year=year)
    return compute_from_factors(
        energy,
        factors,
        duration_s=duration_s,
        hardware=hardware,
        units=units,
        factor_version=FACTOR_VERSION,
    )


def _scope_components(record: RunRecord) -> Iterable[EnergyComponent]:
    for c in record.components:
        if c.domain == "platform":
            continue
        energy = c.process_energy_j if record.scope == "process" else c.energy_j
        if energy is None:
            continue
        yield EnergyComponent(f"{c.domain}:{c.device}", energy, c.uncertainty_rel)


def impacts_for_run(
    record: RunRecord,
    profile: LocationProfile,
    hardware: HardwareShare | None = None,
    *,
    settings_extra: Mapping[str, Any] | None = None,
) -> ImpactDocument:
    """Impacts of one tracked run.

    Uses the run's headline ``energy_j`` (for its scope), its ``uncertainty_rel`` (or, when
    that is absent, the components' uncertainties combined in quadrature), the year it started,
    its duration and its ``units``.

    Args:
        record: the run.
        profile: where it ran.
        hardware: the embodied share to apply; ``None`` = the machine of ``settings_extra``'s
            ``[hardware]`` table, else the default server archetype with the run's host figures
            as the share (:func:`algoprint.impact.hardware.hardware_for_run`), recorded in
            ``defaults``.
        settings_extra: ``Settings.extra`` (for ``[hardware]``).

    Returns:
        The document; when the run's energy is a gap (``energy_j is None``) every figure is
        missing with the reason, never 0.

    Raises:
        ImpactError: unconfigured profile, unknown zone, unusable start time, an invalid
            ``[hardware]`` table or a run larger than the declared machine.
    """
    try:
        year = int(record.started_at[:4])
    except (TypeError, ValueError):
        raise ImpactError(
            f"run {record.run_id} has no usable start time {record.started_at!r}"
        ) from None
    if record.energy_j is None:
        from algoprint.impact.model import IMPACT_KEYS

        reason = (
            f"run {record.run_id} has no total energy (a meter gap); "
            f"measured part: {record.measured_energy_j:g} J"
        )
        return ImpactDocument(missing=dict.fromkeys(IMPACT_KEYS, reason))
    uncertainty = record.uncertainty_rel
    if uncertainty is None:
        parts = EnergyInput(tuple(_scope_components(record)) or (EnergyComponent("x", 0, 0),))
        whole = parts.interval()
        if parts.energy_j <= 0:
            raise ImpactError(
                f"run {record.run_id} records no uncertainty and no usable components",
                hint="re-record the run with a current algoprint",
            )
        uncertainty = (whole.high - whole.value) / whole.value
    energy = EnergyInput.single(record.energy_j, uncertainty, name=f"run:{record.scope}")
    hardware_notes: list[str] | None = None
    if hardware is None:
        from algoprint.impact.hardware import hardware_for_run

        hardware, hardware_notes = hardware_for_run(record, settings_extra)
    doc = compute_impacts(
        energy,
        profile,
        year=year,
        duration_s=record.duration_s,
        hardware=hardware,
        units=record.units,
    )
    if hardware_notes is not None:
        from algoprint.impact.hardware import record_hardware

        record_hardware(doc, hardware, hardware_notes)
    return doc
