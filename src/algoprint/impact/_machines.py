"""Machines for embodied impacts: Boavizta server archetypes, declared components, footprints.

Private helper of :mod:`algoprint.impact.hardware` (which documents the rules). Reads the shipped
``server_archetypes`` and ``gpu_cards`` tables (restated from Boavizta boaviztapi v2.4.1) and
builds :class:`Machine` objects; the ``[hardware]`` table is parsed and validated there.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from algoprint.errors import ImpactError
from algoprint.impact.embodied import (
    SECONDS_PER_YEAR,
    EmbodiedImpacts,
    GpuCard,
    ServerSpec,
    effective_die_mm2,
    manufacturer_embodied,
    server_embodied,
)
from algoprint.impact.uncertainty import Interval
from algoprint.refdata import load_table

__all__ = [
    "COMPONENT_FLOAT",
    "COMPONENT_INT",
    "COMPONENT_KEYS",
    "DEFAULT_ARCHETYPE",
    "DEFAULT_GPU_ARCHETYPE",
    "DEFAULT_LIFETIME_YEARS",
    "HINT",
    "MANUFACTURER_KEYS",
    "RAM_GB_PER_MODULE",
    "THREADS_PER_CORE",
    "Machine",
    "archetype_machine",
    "archetypes",
    "component_machine",
    "default_machine",
    "gpu_cards",
    "manufacturer_machine",
    "with_defaults",
]

DEFAULT_ARCHETYPE = "platform_compute_medium"
"""Boavizta's default server archetype (boaviztapi ``utils/config.py``)."""
DEFAULT_GPU_ARCHETYPE = "platform_gpucompute_medium"
"""The default for a run that used GPUs (Boavizta's ``platfom_gpucompute_medium``)."""
THREADS_PER_CORE = 2
"""Assumed hardware threads per core (SMT) when ``total_vcpus`` is not declared."""
RAM_GB_PER_MODULE = 32.0
"""Module size assumed when only ``ram_gb`` is given (Boavizta's RAM component default)."""
DEFAULT_LIFETIME_YEARS = 4.0
"""Lifetime of declared components without ``lifetime_years`` (Boavizta's server archetypes)."""

_HOURS_PER_YEAR = SECONDS_PER_YEAR / 3600
COMPONENT_INT = ("cpu_units", "cpu_cores", "ram_units", "ssd_units", "hdd_units", "gpu_units")
COMPONENT_FLOAT = ("cpu_die_mm2", "ram_gb", "ssd_gb", "psu_units")
COMPONENT_KEYS = (*COMPONENT_INT, *COMPONENT_FLOAT, "gpu", "case")
MANUFACTURER_KEYS = (
    "manufacturer_gwp_kg",
    "manufacturer_adpe_kg_sbeq",
    "manufacturer_pe_mj",
    "manufacturer_source",
    "product",
)
HINT = "fix [hardware] in algoprint.toml (docs/configuration.md, section [hardware])"


@dataclass(frozen=True, slots=True)
class Machine:
    """A whole machine: its embodied impacts and what a run's share is measured against.

    Attributes:
        name: archetype id, ``declared components``, or the product / footprint source.
        embodied: the whole machine's embodied impacts (g, g Sb eq, J).
        lifetime_years: service life (years), > 0.
        total_vcpus: hardware threads of the whole machine; ``None`` = unknown.
        memory_gb: installed memory (GB = GiB as DIMMs are sold); ``None`` = unknown.
        gpu_units: GPU cards.
        origin: ``config`` (a ``[hardware]`` table) or ``default`` (nothing declared).
        defaults: defaults applied to build it, one line each, for the document.
    """

    name: str
    embodied: EmbodiedImpacts
    lifetime_years: float
    total_vcpus: float | None
    memory_gb: float | None
    gpu_units: int
    origin: str
    defaults: tuple[str, ...] = ()


# ---------------------------------------------------------------- reference tables


def _norm(name: str) -> str:
    return " ".join(name.lower().replace("_", " ").split())


@functools.cache
def _archetype_rows() -> dict[str, Mapping[str, str]]:
    index: dict[str, Mapping[str, str]] = {}
    for row in load_table("server_archetypes"):
        index[row["id"]] = row
        index.setdefault(row["boavizta_id"], row)
    return index


def archetypes() -> list[str]:
    """Ids of the shipped server archetypes (``server = ...`` in ``[hardware]``)."""
    return sorted({r["id"] for r in _archetype_rows().values()})


@functools.cache
def _gpu_rows() -> dict[str, Mapping[str, str]]:
    return {_norm(r["name"]): r for r in load_table("gpu_cards")}


def gpu_cards() -> list[str]:
    """Names of the shipped GPU cards (``gpu = ...`` in ``[hardware]``)."""
    return sorted(r["name"] for r in _gpu_rows().values())


def _gpu_card(name: str | None, vram_gb: float | None = None) -> GpuCard:
    rows = _gpu_rows()
    key = _norm(name or "large gpu (boavizta default gpu archetype)")
    matches = [r for k, r in rows.items() if k == key] or [r for k, r in rows.items() if key in k]
    if len(matches) != 1:
        raise ImpactError(
            f"[hardware] gpu {name!r} matches {len(matches)} shipped GPU cards",
            hint=f"use one of: {', '.join(gpu_cards())}",
        )
    r = matches[0]
    die = float(r["die_mm2"])
    return GpuCard(
        die_mm2_effective=die if r["die_is_effective"] == "true" else effective_die_mm2(die),
        vram_gb=float(r["vram_gb"]) if vram_gb is None else vram_gb,
        vram_dies=int(float(r["vram_dies"])),
        pwb_cm2=float(r["pwb_cm2"]),
        mass_kg=float(r["mass_kg"]),
        casing_kg=float(r["casing_kg"]),
        heatsink_kg=float(r["heatsink_kg"]),
        boat_km=float(r["boat_km"]),
        truck_km=float(r["truck_km"]),
        plane_km=float(r["plane_km"]),
    )


# ---------------------------------------------------------------- machines


def _spec(parts: Mapping[str, Any], gpu: GpuCard) -> ServerSpec:
    ram_units, ssd_units = int(parts["ram_units"]), int(parts["ssd_units"])
    return ServerSpec(
        cpu_units=int(parts["cpu_units"]),
        cpu_die_mm2=parts["cpu_die_mm2"],
        ram_units=ram_units,
        ram_gb_per_unit=parts["ram_gb"] / ram_units if ram_units else 0.0,
        ssd_units=ssd_units,
        ssd_gb_per_unit=parts["ssd_gb"] / ssd_units if ssd_units else 0.0,
        hdd_units=int(parts["hdd_units"]),
        gpu_units=int(parts["gpu_units"]),
        gpu=gpu,
        psu_units=int(parts["psu_units"]),
        psu_weight_kg=parts["psu_weight_kg"],
        case=parts["case"],
    )


def _spread(
    default: EmbodiedImpacts, low: EmbodiedImpacts, high: EmbodiedImpacts, source: str
) -> EmbodiedImpacts:
    def pick(attr: str) -> Interval | None:
        mid, lo, hi = (getattr(e, attr) for e in (default, low, high))
        if mid is None or lo is None or hi is None:
            return None
        return Interval(mid.value, min(lo.low, mid.low), max(hi.high, mid.high))

    return EmbodiedImpacts(
        gwp_g=pick("gwp_g"),
        adpe_g_sbeq=pick("adpe_g_sbeq"),
        pe_j=pick("pe_j"),
        sources=(source, *default.sources),
        origin="components",
    )


def _archetype_parts(row: Mapping[str, str], level: str) -> dict[str, Any]:
    def num(column: str) -> float:
        suffix = "" if level == "" else f"_{level}"
        return float(row.get(column + suffix) or row[column])

    cores = num("cpu_core_units")
    ram_units = num("ram_units")
    ssd_units = num("ssd_units")
    return {
        "cpu_units": num("cpu_units"),
        "cpu_cores": cores,
        "cpu_die_mm2": cores * float(row["cpu_die_mm2_per_core"]),
        "ram_units": ram_units,
        "ram_gb": ram_units * float(row["ram_gb_per_unit"]),
        "ssd_units": ssd_units,
        "ssd_gb": ssd_units * float(row["ssd_gb_per_unit"]),
        "hdd_units": num("hdd_units"),
        "gpu_units": num("gpu_units"),
        "psu_units": num("psu_units"),
        "psu_weight_kg": num("psu_weight_kg"),
        "case": row["case_type"],
    }


def _archetype_row(name: str) -> Mapping[str, str]:
    row = _archetype_rows().get(name.strip())
    if row is None:
        raise ImpactError(
            f"unknown server archetype {name!r} in [hardware] server",
            hint=f"use one of: {', '.join(archetypes())}; or declare the components",
        )
    return row


def archetype_machine(
    name: str,
    *,
    overrides: Mapping[str, Any] | None = None,
    lifetime_years: float | None = None,
    total_vcpus: float | None = None,
    origin: str = "config",
) -> Machine:
    """A machine from a Boavizta server archetype, with optional component overrides.

    The central value uses the archetype's default components, the interval runs from its
    minimum components × the factors' low bounds to its maximum components × their high bounds.
    Threads are ``cpu_units × cores × 2`` unless ``total_vcpus`` is given.

    Raises:
        ImpactError: unknown archetype or GPU card, bad override.
    """
    row = _archetype_row(name)
    given = dict(overrides or {})
    levels = {lvl: _archetype_parts(row, lvl) for lvl in ("", "min", "max")}
    gpu = given.pop("gpu", None)
    vram = None if gpu is not None or not row["gpu_vram_gb"] else float(row["gpu_vram_gb"])
    card = _gpu_card(gpu, vram)
    for parts in levels.values():
        _apply_components(parts, given)
    mid, low, high = (server_embodied(_spec(levels[lvl], card)) for lvl in ("", "min", "max"))
    source = (
        f"Boavizta server archetype {row['id']} (boaviztapi v2.4.1 data/archetypes/server.csv, "
        f"restated; CPU die area {row['cpu_die_mm2_per_core']} mm² per core assumed from its "
        "dellR740 archetype)" + (f"; overridden: {', '.join(sorted(given))}" if given else "")
    )
    parts = levels[""]
    notes = []
    if lifetime_years is None:
        lifetime_years = float(row["lifetime_hours"]) / _HOURS_PER_YEAR
        notes.append(f"hardware lifetime {lifetime_years:g} years from archetype {row['id']}")
    if total_vcpus is None and parts["cpu_cores"]:
        total_vcpus = parts["cpu_units"] * parts["cpu_cores"] * THREADS_PER_CORE
        if origin == "config":
            notes.append(
                f"total_vcpus assumed {total_vcpus:g} (cpu_units × cores × {THREADS_PER_CORE} "
                "threads); declare total_vcpus in [hardware]"
            )
    return Machine(
        name=row["id"],
        embodied=_spread(mid, low, high, source),
        lifetime_years=lifetime_years,
        total_vcpus=total_vcpus,
        memory_gb=parts["ram_gb"] or None,
        gpu_units=int(parts["gpu_units"]),
        origin=origin,
        defaults=tuple(notes),
    )


def _apply_components(parts: dict[str, Any], given: Mapping[str, Any]) -> None:
    """Overwrite archetype/blank parts with declared component keys (totals kept consistent)."""
    if parts.get("cpu_cores") and parts.get("cpu_die_mm2"):
        die_per_core = parts["cpu_die_mm2"] / parts["cpu_cores"]
    else:
        die_per_core = _die_per_core()
    for key in ("cpu_units", "hdd_units", "gpu_units", "psu_units", "case"):
        if key in given:
            parts[key] = given[key]
    if "cpu_cores" in given:
        parts["cpu_cores"] = given["cpu_cores"]
        parts["cpu_die_mm2"] = given["cpu_cores"] * die_per_core
    if "cpu_die_mm2" in given:
        parts["cpu_die_mm2"] = given["cpu_die_mm2"]
    for part, default_units in (("ram", None), ("ssd", 1)):
        if f"{part}_gb" in given:
            total = given[f"{part}_gb"]
            units = given.get(f"{part}_units")
            if units is None:
                units = math.ceil(total / RAM_GB_PER_MODULE) if default_units is None else 1
            parts[f"{part}_units"], parts[f"{part}_gb"] = (units, total) if total else (0, 0.0)
        elif f"{part}_units" in given:
            per_unit = parts[f"{part}_gb"] / parts[f"{part}_units"] if parts[f"{part}_units"] else 0
            parts[f"{part}_units"] = given[f"{part}_units"]
            parts[f"{part}_gb"] = per_unit * given[f"{part}_units"]


_BLANK: dict[str, Any] = {
    "cpu_units": 1,
    "cpu_cores": 0,
    "cpu_die_mm2": None,
    "ram_units": 0,
    "ram_gb": 0.0,
    "ssd_units": 0,
    "ssd_gb": 0.0,
    "hdd_units": 0,
    "gpu_units": 0,
    "psu_units": 2,
    "psu_weight_kg": 2.99,
    "case": "rack",
}


def _die_per_core() -> float:
    return float(_archetype_row(DEFAULT_ARCHETYPE)["cpu_die_mm2_per_core"])


def with_defaults(machine: Machine, *lines: str) -> Machine:
    """``machine`` with ``lines`` put before its defaults."""
    return dataclasses.replace(machine, defaults=(*lines, *machine.defaults))


def component_machine(
    components: Mapping[str, Any], lifetime: float | None, vcpus: float | None
) -> Machine:
    if "cpu_cores" not in components and "cpu_die_mm2" not in components:
        raise ImpactError(
            "[hardware] declares components but not the CPU (cpu_cores or cpu_die_mm2)",
            hint="add cpu_cores (per CPU) or cpu_die_mm2 (per CPU), or name a server archetype",
        )
    parts = {**_BLANK, "cpu_die_mm2": None}
    parts["cpu_cores"] = components.get("cpu_cores", 0)
    given = dict(components)
    gpu = given.pop("gpu", None)
    notes = []
    if "cpu_die_mm2" not in given:
        die = _die_per_core()
        given["cpu_die_mm2"] = given["cpu_cores"] * die
        notes.append(
            f"CPU die area assumed {given['cpu_die_mm2']:g} mm² per CPU (cores × {die:g} mm², "
            "Boavizta dellR740 archetype); declare cpu_die_mm2 in [hardware]"
        )
    _apply_components(parts, given)
    embodied = server_embodied(_spec(parts, _gpu_card(gpu)))
    if lifetime is None:
        lifetime = DEFAULT_LIFETIME_YEARS
        notes.append(
            f"hardware lifetime {lifetime:g} years (Boavizta's server default); declare "
            "lifetime_years in [hardware]"
        )
    if vcpus is None and parts["cpu_cores"]:
        vcpus = parts["cpu_units"] * parts["cpu_cores"] * THREADS_PER_CORE
        notes.append(
            f"total_vcpus assumed {vcpus:g} (cpu_units × cpu_cores × {THREADS_PER_CORE} "
            "threads); declare total_vcpus in [hardware]"
        )
    return Machine(
        name="declared components",
        embodied=embodied,
        lifetime_years=lifetime,
        total_vcpus=vcpus,
        memory_gb=parts["ram_gb"] or None,
        gpu_units=int(parts["gpu_units"]),
        origin="config",
        defaults=tuple(notes),
    )


def manufacturer_machine(
    cfg: Mapping[str, Any], lifetime: float | None, vcpus: float | None
) -> Machine:
    clash = sorted({"server", *COMPONENT_KEYS} & set(cfg) - {"ram_gb", "gpu_units"})
    if clash:
        raise ImpactError(
            f"[hardware] mixes a manufacturer footprint with {', '.join(clash)}",
            hint="give either a footprint (manufacturer_gwp_kg or product) or a server/components",
        )
    if "product" in cfg:
        if "manufacturer_gwp_kg" in cfg:
            raise ImpactError(
                "[hardware] give either product or manufacturer_gwp_kg, not both",
                hint="keep product (a shipped footprint) or manufacturer_gwp_kg (your own figure)",
            )
        from algoprint.impact.factors import manufacturer_footprints

        found = manufacturer_footprints(cfg["product"])
        query = _norm(cfg["product"])
        exact = [
            f for f in found if query in {_norm(f.product), _norm(f"{f.manufacturer} {f.product}")}
        ]
        if len(exact) == 1:
            found = exact
        if len(found) != 1:
            names = "; ".join(f"{f.manufacturer} {f.product}" for f in found[:5]) or "none"
            raise ImpactError(
                f"[hardware] product {cfg['product']!r} matches {len(found)} footprints ({names})",
                hint="narrow product to one footprint "
                "(algoprint.impact.factors.manufacturer_footprints() lists them)",
            )
        fp = found[0]
        if fp.gwp_manufacturing_share is None:
            raise ImpactError(
                f"the footprint of {fp.manufacturer} {fp.product} states no manufacturing share",
                hint="give manufacturer_gwp_kg (the manufacture part) and lifetime_years instead",
            )
        gwp_kg, source = fp.gwp_total_kg * fp.gwp_manufacturing_share, fp.source
        name = f"{fp.manufacturer} {fp.product}"
        lifetime = lifetime or fp.lifetime_years
    elif "manufacturer_gwp_kg" in cfg:
        gwp_kg = cfg["manufacturer_gwp_kg"]
        source = cfg.get("manufacturer_source", "[hardware] manufacturer_gwp_kg (user)")
        name = source
    else:
        raise ImpactError(
            "[hardware] manufacturer keys need manufacturer_gwp_kg or product", hint=HINT
        )
    if lifetime is None:
        raise ImpactError(
            "[hardware] a manufacturer footprint needs lifetime_years",
            hint="add lifetime_years (the footprint's assumed service life, e.g. 4)",
        )
    embodied = manufacturer_embodied(
        gwp_kg=gwp_kg,
        source=source,
        adpe_kg_sbeq=cfg.get("manufacturer_adpe_kg_sbeq"),
        pe_mj=cfg.get("manufacturer_pe_mj"),
    )
    return Machine(
        name=name,
        embodied=embodied,
        lifetime_years=lifetime,
        total_vcpus=vcpus,
        memory_gb=cfg.get("ram_gb"),
        gpu_units=int(cfg.get("gpu_units", 0)),
        origin="config",
    )


@functools.cache
def default_machine(name: str) -> Machine:
    return archetype_machine(name, origin="default")
