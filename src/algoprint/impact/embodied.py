"""Embodied (manufacture) impacts of hardware and the share a workload carries.

The hardware's embodied GWP / ADPe / PE comes from either

* a manufacturer figure (a product carbon footprint) given by the user, or
* the Boavizta component method (Boavizta, boaviztapi; factors restated from its
  ``factors.yml``, cited upstream to Umweltbundesamt, *Green Cloud Computing*, 2021):
  CPU = units × (die area × die factor + base), RAM/SSD = units × (capacity / density × die
  factor + base), HDD, mainboard, assembly and case constant, power supply per kg, GPU per card.

A workload carries ``embodied × min(1, duration / lifetime) × share`` (Boavizta's linear
allocation, capped at the whole lifetime), where the share is what it reserved of the machine.

Boavizta publishes no ranges; :data:`EMBODIED_UNCERTAINTY_REL` is an assumed ±50 % (documented
in docs/impact-method.md), recorded in the document, never presented as measured.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from algoprint._format import plain
from algoprint.errors import ImpactError
from algoprint.impact.uncertainty import Interval

__all__ = [
    "EMBODIED_UNCERTAINTY_REL",
    "SECONDS_PER_YEAR",
    "SHARE_RULES",
    "ComponentFactor",
    "EmbodiedImpacts",
    "GpuCard",
    "HardwareShare",
    "ServerSpec",
    "effective_die_mm2",
    "hardware_share",
    "manufacturer_embodied",
    "server_embodied",
]

EMBODIED_UNCERTAINTY_REL = 0.5
"""Assumed relative half-width for component-based embodied figures (no published range)."""

SECONDS_PER_YEAR = 365 * 24 * 3600
"""A year of 365 days, in seconds (Boavizta counts 8760 h per year)."""

_G_PER_KG = 1000.0
_J_PER_MJ = 1e6


@dataclass(frozen=True, slots=True)
class ComponentFactor:
    """Impact per unit of basis of one component (Boavizta units: kg, kg Sb eq, MJ).

    ``low_factor``/``high_factor`` multiply the value to give the range (Boavizta publishes
    none; the shipped table applies ×0.5..×1.5).
    """

    gwp_kg: float
    adpe_kg_sbeq: float
    pe_mj: float
    low_factor: float = 1 - EMBODIED_UNCERTAINTY_REL
    high_factor: float = 1 + EMBODIED_UNCERTAINTY_REL
    source: str = "Boavizta boaviztapi factors.yml (factors restated as facts)"


@dataclass(frozen=True, slots=True)
class EmbodiedImpacts:
    """Embodied impacts of one machine (SI: grams, grams Sb eq, joules).

    Attributes:
        gwp_g: climate change, g CO2e; ``None`` when the source gives none.
        adpe_g_sbeq: abiotic depletion (elements), g Sb eq.
        pe_j: primary energy, J.
        sources: citations.
        origin: ``manufacturer`` or ``components``.
    """

    gwp_g: Interval | None
    adpe_g_sbeq: Interval | None
    pe_j: Interval | None
    sources: tuple[str, ...]
    origin: str


@dataclass(frozen=True, slots=True)
class HardwareShare:
    """Embodied impacts of a machine with the lifetime and the share a workload reserved.

    Attributes:
        embodied: the whole machine's embodied impacts.
        lifetime_s: service life (s), > 0.
        share: reserved share of the machine, in (0, 1].
        share_basis: how the share was set (``vcpus 4/32``, ``whole machine``, ...).
    """

    embodied: EmbodiedImpacts
    lifetime_s: float
    share: float = 1.0
    share_basis: str = "whole machine"

    def __post_init__(self) -> None:
        if not math.isfinite(self.lifetime_s) or self.lifetime_s <= 0:
            raise ImpactError(
                f"hardware lifetime must be > 0, got {self.lifetime_s!r} s",
                hint="give lifetime_years, e.g. 4 (Boavizta's server default) or 6 (cloud)",
            )
        if not math.isfinite(self.share) or not 0 < self.share <= 1:
            raise ImpactError(f"reserved share must be in (0, 1], got {self.share!r}")

    def allocation(self, duration_s: float) -> float:
        """``min(1, duration / lifetime) × share``: the fraction of the embodied impacts."""
        if not math.isfinite(duration_s) or duration_s < 0:
            raise ImpactError(f"duration_s must be a finite number >= 0, got {duration_s!r}")
        return min(1.0, duration_s / self.lifetime_s) * self.share


def _ratio(name: str, pair: tuple[float, float] | None) -> float | None:
    if pair is None:
        return None
    used, whole = (float(x) for x in pair)
    if not (math.isfinite(used) and math.isfinite(whole)) or whole <= 0 or not 0 < used <= whole:
        raise ImpactError(
            f"{name} reservation must be (used, total) with 0 < used <= total, got {pair!r}"
        )
    return used / whole


def hardware_share(
    embodied: EmbodiedImpacts,
    *,
    lifetime_years: float,
    vcpus: tuple[float, float] | None = None,
    gpus: tuple[float, float] | None = None,
    memory_gb: tuple[float, float] | None = None,
    rule: str = "sci",
) -> HardwareShare:
    """A :class:`HardwareShare` from what was reserved of the machine.

    Rules (``share_basis`` says which was applied):

    * ``sci`` (default): the SCI specification's resource share for a virtual machine, the
      reserved vCPUs / the host's vCPUs; without a vCPU ratio, the GPU ratio, then memory.
    * ``max``: the largest of the given ratios (the resource reserved most fully is what keeps
      others off the machine), an upper bound.

    With no ratio the whole machine is allocated.

    Raises:
        ImpactError: lifetime <= 0 or NaN, a ratio outside (0, 1], an unknown rule.
    """
    if rule not in SHARE_RULES:
        raise ImpactError(f"unknown share rule {rule!r}", hint=f"one of {', '.join(SHARE_RULES)}")
    if not math.isfinite(lifetime_years) or lifetime_years <= 0:
        raise ImpactError(
            f"lifetime_years must be > 0, got {lifetime_years!r}",
            hint="give the service life in years, e.g. 4",
        )
    ratios = {
        name: r
        for name, r in (
            ("vcpus", _ratio("vcpus", vcpus)),
            ("gpus", _ratio("gpus", gpus)),
            ("memory_gb", _ratio("memory_gb", memory_gb)),
        )
        if r is not None
    }
    if not ratios:
        return HardwareShare(embodied, lifetime_years * SECONDS_PER_YEAR)
    if rule == "max":
        basis, share = max(ratios.items(), key=lambda kv: kv[1])
    else:
        basis = next(k for k in ("vcpus", "gpus", "memory_gb") if k in ratios)
        share = ratios[basis]
    pairs = {"vcpus": vcpus, "gpus": gpus, "memory_gb": memory_gb}
    used, whole = pairs[basis] or (share, 1.0)
    return HardwareShare(
        embodied,
        lifetime_years * SECONDS_PER_YEAR,
        share,
        f"{basis} {plain(used)}/{plain(whole)} ({SHARE_RULES[rule]})",
    )


SHARE_RULES = {
    "sci": "SCI rule: reserved vCPU share",
    "max": "largest of the reserved ratios",
}
"""Rules of :func:`hardware_share` → how ``share_basis`` names them."""


def _interval(value: float, uncertainty_rel: float) -> Interval:
    return Interval.from_rel(value, uncertainty_rel)


def manufacturer_embodied(
    *,
    gwp_kg: float,
    source: str,
    adpe_kg_sbeq: float | None = None,
    pe_mj: float | None = None,
    uncertainty_rel: float = EMBODIED_UNCERTAINTY_REL,
) -> EmbodiedImpacts:
    """Embodied impacts from a manufacturer's product footprint.

    Args:
        gwp_kg: the footprint's manufacture share, kg CO2e (not the use phase).
        source: citation (document, date).
        adpe_kg_sbeq: abiotic depletion if published, else absent.
        pe_mj: primary energy if published, else absent.
        uncertainty_rel: relative half-width; PCFs rarely publish one.

    Raises:
        ImpactError: negative or NaN figure.
    """
    return EmbodiedImpacts(
        gwp_g=_interval(gwp_kg * _G_PER_KG, uncertainty_rel),
        adpe_g_sbeq=None
        if adpe_kg_sbeq is None
        else _interval(adpe_kg_sbeq * _G_PER_KG, uncertainty_rel),
        pe_j=None if pe_mj is None else _interval(pe_mj * _J_PER_MJ, uncertainty_rel),
        sources=(source,),
        origin="manufacturer",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class GpuCard:
    """One GPU card for the Boavizta GPU method (defaults: NVIDIA H100 SXM 80GB as listed in
    Boavizta's gpu_specs, restated in shared/data/embodied/BOAVIZTA_FACTORS.md).

    Attributes:
        die_mm2_effective: GPU die area including wafer losses (mm²).
        vram_gb, vram_dies: memory size and number of memory dies.
        pwb_cm2: printed wiring board area (cm²).
        mass_kg, casing_kg, heatsink_kg: card, casing and heatsink weights (kg).
        boat_km, truck_km, plane_km: distribution distances (km).
    """

    die_mm2_effective: float = 2810.4
    vram_gb: float = 80
    vram_dies: int = 6
    pwb_cm2: float = 296.37
    mass_kg: float = 1.69
    casing_kg: float = 0.78923
    heatsink_kg: float = 0.90077
    boat_km: float = 19000
    truck_km: float = 1000
    plane_km: float = 0


_WAFER_DIAMETER_MM = 300.0
_KERF_MM = 0.2
_VRAM_MM2_PER_GB = 15.5


def effective_die_mm2(area_mm2: float) -> float:
    """Die area including wafer edge losses and yield (Boavizta's effective-area rule).

    actual = (sqrt(A) + kerf)²; dies per wafer = wafer area / actual − π·d / sqrt(2·actual);
    effective = wafer area / dies per wafer; yield = exp(−sqrt(actual/100 × 0.1));
    result = effective / yield.
    """
    actual = (math.sqrt(area_mm2) + _KERF_MM) ** 2
    wafer = math.pi * (_WAFER_DIAMETER_MM / 2) ** 2
    per_wafer = wafer / actual - math.pi * _WAFER_DIAMETER_MM / math.sqrt(2 * actual)
    return (wafer / per_wafer) / math.exp(-math.sqrt(actual / 100 * 0.1))


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerSpec:
    """A server described by its components (Boavizta method).

    Attributes:
        cpu_units: CPU sockets.
        cpu_die_mm2: die area per CPU (mm²); required when ``cpu_units`` > 0 (Boavizta
            completes it from a CPU spec list that is not shipped here).
        ram_units, ram_gb_per_unit: memory modules and capacity per module (GB).
        ssd_units, ssd_gb_per_unit: SSDs and capacity per SSD (GB).
        hdd_units: hard disks.
        gpu_units, gpu: GPU cards and their description.
        psu_units, psu_weight_kg: power supplies and their weight (Boavizta default 2 × 2.99).
        case: ``rack`` or ``blade``.
    """

    cpu_units: int = 1
    cpu_die_mm2: float | None = None
    ram_units: int = 0
    ram_gb_per_unit: float = 0.0
    ssd_units: int = 0
    ssd_gb_per_unit: float = 0.0
    hdd_units: int = 0
    gpu_units: int = 0
    gpu: GpuCard = GpuCard()
    psu_units: int = 2
    psu_weight_kg: float = 2.99
    case: str = "rack"


FactorLookup = Callable[[str, str], ComponentFactor]
"""``(component, parameter) -> ComponentFactor`` (see :func:`table_lookup`)."""


def table_lookup(component: str, parameter: str) -> ComponentFactor:
    """Read one Boavizta factor from the shipped table (:mod:`algoprint.impact.factors`)."""
    from algoprint.impact import factors

    f = factors.embodied_component(component, parameter)
    g = f.gwp_kg
    low = g.low / g.value if g.value else 1.0
    high = g.high / g.value if g.value else 1.0
    return ComponentFactor(
        g.value, f.adpe_kg_sbeq.value, f.pe_mj.value, low, high, f"{f.source} ({f.licence})"
    )


def _nonneg(name: str, value: float) -> float:
    if not math.isfinite(value) or value < 0:
        raise ImpactError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def gpu_card_parts(card: GpuCard) -> list[tuple[str, float]]:
    """(Boavizta GPU parameter, amount of basis) pairs for one card."""
    per_die = card.vram_gb * _VRAM_MM2_PER_GB / card.vram_dies
    vram_mm2 = effective_die_mm2(per_die) * card.vram_dies
    return [
        ("casing", card.casing_kg),
        ("heatsink", card.heatsink_kg),
        ("pwb", card.pwb_cm2),
        ("die", card.die_mm2_effective),
        ("vram", vram_mm2),
        ("upstream_transport", card.mass_kg),
        ("transport_boat", card.boat_km * card.mass_kg),
        ("transport_truck", card.truck_km * card.mass_kg),
        ("transport_plane", card.plane_km * card.mass_kg),
        ("end_of_life", card.mass_kg),
    ]


def server_embodied(spec: ServerSpec, *, lookup: FactorLookup = table_lookup) -> EmbodiedImpacts:
    """Embodied impacts of a server from its components (Boavizta method).

    ``lookup(component, parameter)`` gives the factor per unit of basis: ``cpu/die`` per cm²
    and ``cpu/base`` per CPU; ``ram|ssd/die`` per cm² of memory die at the default density
    (``ram|ssd/per_gb`` per GB) and ``ram|ssd/base`` per unit; ``hdd/unit``,
    ``mainboard/unit``, ``assembly/server``, ``case/rack|blade``, ``psu/per_kg``; and the GPU
    sub-components (``gpu/casing``, ``gpu/die``, ...). Component ranges are summed linearly
    (their errors share one method, so they are not independent).

    Raises:
        ImpactError: negative counts or sizes, a CPU without die area.
    """
    for name in ("cpu_units", "ram_units", "ssd_units", "hdd_units", "gpu_units", "psu_units"):
        _nonneg(name, getattr(spec, name))
    value = [0.0, 0.0, 0.0]
    low = [0.0, 0.0, 0.0]
    high = [0.0, 0.0, 0.0]
    sources: list[str] = []

    def add(component: str, parameter: str, amount: float) -> None:
        f = lookup(component, parameter)
        for i, v in enumerate((f.gwp_kg, f.adpe_kg_sbeq, f.pe_mj)):
            value[i] += v * amount
            low[i] += v * amount * f.low_factor
            high[i] += v * amount * f.high_factor
        if f.source not in sources:
            sources.append(f.source)

    if spec.cpu_units:
        if spec.cpu_die_mm2 is None:
            raise ImpactError(
                "the CPU needs a die area (cpu_die_mm2) for the Boavizta method",
                hint="give cpu_die_mm2 (e.g. from the vendor's spec sheet) or a "
                "manufacturer footprint instead",
            )
        add("cpu", "die", spec.cpu_units * _nonneg("cpu_die_mm2", spec.cpu_die_mm2) / 100)
        add("cpu", "base", spec.cpu_units)
    for part, units, gb in (
        ("ram", spec.ram_units, spec.ram_gb_per_unit),
        ("ssd", spec.ssd_units, spec.ssd_gb_per_unit),
    ):
        if units:
            add(part, "per_gb", units * _nonneg(f"{part}_gb_per_unit", gb))
            add(part, "base", units)
    if spec.hdd_units:
        add("hdd", "unit", spec.hdd_units)
    if spec.gpu_units:
        for parameter, amount in gpu_card_parts(spec.gpu):
            add("gpu", parameter, spec.gpu_units * amount)
    add("mainboard", "unit", 1)
    add("assembly", "server", 1)
    add("case", spec.case, 1)
    if spec.psu_units:
        add("psu", "per_kg", spec.psu_units * _nonneg("psu_weight_kg", spec.psu_weight_kg))
    scale = (_G_PER_KG, _G_PER_KG, _J_PER_MJ)
    gwp, adpe, pe = (Interval(value[i] * k, low[i] * k, high[i] * k) for i, k in enumerate(scale))
    return EmbodiedImpacts(
        gwp_g=gwp, adpe_g_sbeq=adpe, pe_j=pe, sources=tuple(sources), origin="components"
    )
