"""Typed records returned by :mod:`algoprint.impact.factors` (private; import from ``factors``)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from algoprint.errors import ImpactError

#: Relative half-width for figures published without an interval (WUE defaults, water, Boavizta).
DEFAULT_REL_UNCERTAINTY = 0.50


def f_or_none(text: str) -> float | None:
    """Parse a table cell as float; blank means not available (``None``, never 0)."""
    text = text.strip()
    return float(text) if text else None


def i_or_none(text: str) -> int | None:
    """Parse a table cell as int; blank gives ``None``."""
    text = text.strip()
    return int(text) if text else None


def str_or_none(text: str) -> str | None:
    """A stripped cell, or ``None`` when blank."""
    return text.strip() or None


def norm(text: str) -> str:
    """Lookup key: lower case without spaces, hyphens or underscores."""
    return re.sub(r"[\s_\-]+", "", text.strip().lower())


def interval(value: float, rel: float) -> tuple[float, float]:
    """Symmetric relative interval; the lower bound stays above 0 for a positive value."""
    return value * max(1.0 - rel, 0.1), value * (1.0 + rel)


def unknown_error(what: str, key: str, accepted: Iterable[str], hint: str) -> ImpactError:
    """An ImpactError naming the accepted values (or the closest ones when there are many)."""
    choices = sorted(accepted)
    close = difflib.get_close_matches(key, choices, n=5, cutoff=0.6)
    shown = ", ".join(choices if len(choices) <= 12 else close or choices[:12])
    more = "" if len(choices) <= 12 else f" (closest of {len(choices)})"
    return ImpactError(f"unknown {what} {key!r}; accepted{more}: {shown}", hint=hint)


@dataclass(frozen=True)
class Factor:
    """One figure with its interval and provenance.

    Attributes:
        value: the central value, in ``unit``.
        low: lower bound of the interval (same unit); the method per factor kind is in
            docs/reference-data.md.
        high: upper bound of the interval.
        unit: the unit, e.g. ``gCO2e/kWh``, ``L/kWh``, ``1`` (dimensionless).
        source: citation of the figure (dataset, commit, URL).
        licence: the licence or status of the figure.
        vintage: the year or data release the figure belongs to.
        note: anything a reader must know (extrapolation, figure not confirmed, ...).
    """

    value: float
    low: float
    high: float
    unit: str
    source: str
    licence: str
    vintage: str
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class GridFactor(Factor):
    """Grid carbon intensity (gCO2e/kWh, lifecycle, location-based) for a zone and year.

    Attributes:
        zone: ISO 3166-1 alpha-2 code, or ``EU`` / ``WORLD``.
        year_requested: the year asked for (``None``: latest).
        year_used: the year whose value was used.
        latest_used: ``True`` when ``year_requested`` is newer than the table and the latest
            year was used instead; the interval is then widened (see docs/reference-data.md).
    """

    zone: str
    year_requested: int | None
    year_used: int
    latest_used: bool


@dataclass(frozen=True)
class CloudRegion:
    """A cloud region with its country and the figures its provider (or CCF) states.

    ``cfe_pct`` is Google's hourly carbon-free-energy share (0-100); ``grid_g_per_kwh`` is the
    regional grid intensity stated by the provider (Google) or by Cloud Carbon Footprint (AWS,
    Azure); ``None`` when not given. ``year`` is ``None`` where the source states no year.
    """

    provider: str
    region: str
    zone: str | None
    location_name: str
    cfe_pct: float | None
    grid_g_per_kwh: float | None
    year: int | None
    source: str
    licence: str
    grid_basis: str = ""
    vintage: str = ""
    note: str | None = None
    latest_used: bool = False


@dataclass(frozen=True)
class EmbodiedFactor:
    """Embodied (manufacture) impact of one component per ``basis`` (Boavizta methodology).

    Attributes:
        gwp_kg: climate change, kgCO2e per basis unit.
        adpe_kg_sbeq: abiotic depletion (minerals and fossil), kgSbeq per basis unit.
        pe_mj: primary energy, MJ per basis unit.
        lifetime_years: default lifetime for linear allocation (Boavizta component archetype).
        basis: what one unit is, e.g. "per cm2 of CPU die".
        ademe_derived: True if the figure comes from ADEME Base Empreinte (restricted reuse).
    """

    component: str
    parameter: str
    gwp_kg: Factor
    adpe_kg_sbeq: Factor
    pe_mj: Factor
    lifetime_years: float
    basis: str
    source: str
    licence: str
    ademe_derived: bool = False
    note: str | None = None


@dataclass(frozen=True)
class ManufacturerFootprint:
    """A manufacturer's product carbon footprint (kgCO2e over the stated lifetime)."""

    manufacturer: str
    product: str
    category: str
    gwp_total_kg: float
    gwp_manufacturing_share: float | None
    gwp_use_share: float | None
    lifetime_years: float | None
    use_location: str | None
    year: int | None
    source: str
    licence: str


@dataclass(frozen=True)
class LlmModel:
    """An LLM's parameter counts in billions, as ranges (min == max when disclosed)."""

    provider: str
    name: str
    total_params_b_min: float
    total_params_b_max: float
    active_params_b_min: float
    active_params_b_max: float
    architecture: str
    warnings: tuple[str, ...]
    aliases: tuple[str, ...]
    source: str
    licence: str
    tps: float | None = None
    """Deployment throughput (output tokens/s), EcoLogits' OpenRouter statistic; None: unknown."""
    ttft_s: float | None = None
    """Deployment time to first token (s); None: unknown."""


@dataclass(frozen=True)
class DatacentreProfile:
    """A public datacentre profile; ``None`` figures were not found in public sources."""

    key: str
    name: str
    kind: str
    zone: str | None
    pue: float | None
    dcie: float | None
    wue_l_per_kwh: float | None
    ref: float | None
    erf: float | None
    certifications: str
    year: int | None
    source: str
    licence: str
    needs_check: bool
    note: str | None = None
