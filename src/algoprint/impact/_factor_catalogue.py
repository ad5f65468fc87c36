"""Catalogue lookups (embodied factors, product footprints, LLMs, datacentres).

Private: the public names are re-exported by :mod:`algoprint.impact.factors`.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping

from algoprint.errors import ImpactError
from algoprint.impact._factor_types import (
    DatacentreProfile,
    EmbodiedFactor,
    Factor,
    LlmModel,
    ManufacturerFootprint,
    f_or_none,
    i_or_none,
    norm,
    str_or_none,
    unknown_error,
)
from algoprint.refdata import load_table

# ---------------------------------------------------------------- embodied components


def _embodied(row: Mapping[str, str]) -> EmbodiedFactor:
    low_f, high_f = float(row["low_factor"]), float(row["high_factor"])
    vintage = "boaviztapi v2.4.1"

    def factor(column: str, unit: str) -> Factor:
        value = float(row[column])
        return Factor(
            value=value,
            low=value * low_f,
            high=value * high_f,
            unit=f"{unit} {row['unit_basis']}",
            source=row["source"],
            licence=row["licence"],
            vintage=vintage,
            note=str_or_none(row["note"]),
        )

    return EmbodiedFactor(
        component=row["component"],
        parameter=row["parameter"],
        gwp_kg=factor("gwp_kg", "kgCO2e"),
        adpe_kg_sbeq=factor("adpe_kg_sbeq", "kgSbeq"),
        pe_mj=factor("pe_mj", "MJ"),
        lifetime_years=float(row["default_lifetime_years"]),
        basis=row["unit_basis"],
        source=row["source"],
        licence=row["licence"],
        ademe_derived=row["ademe_derived"] == "true",
        note=str_or_none(row["note"]),
    )


@functools.cache
def _embodied_index() -> dict[str, dict[str, EmbodiedFactor]]:
    index: dict[str, dict[str, EmbodiedFactor]] = {}
    for row in load_table("embodied_components"):
        index.setdefault(row["component"], {})[row["parameter"]] = _embodied(row)
    return index


def embodied_components() -> list[EmbodiedFactor]:
    """All embodied component factors (Boavizta methodology), sorted by component/parameter."""
    return [f for _, params in sorted(_embodied_index().items()) for _, f in sorted(params.items())]


def embodied_component(component: str, parameter: str | None = None) -> EmbodiedFactor:
    """Embodied factor of ``component`` (cpu, ram, ssd, hdd, mainboard, psu, assembly, case, gpu).

    ``parameter`` selects the variant (e.g. cpu ``die``/``base``, case ``rack``/``blade``,
    ram ``per_gb``); it may be omitted when the component has only one. Intervals multiply the
    value by the row's low/high factor (density or weight range where Boavizta gives one,
    otherwise ×0.5..×1.5, see docs/reference-data.md).

    Raises:
        ImpactError: unknown component or parameter, or an omitted parameter that is ambiguous.
    """
    index = _embodied_index()
    comp = component.strip().lower()
    if comp not in index:
        raise unknown_error("embodied component", comp, index, "see embodied_components()")
    params = index[comp]
    if parameter is None:
        if len(params) == 1:
            return next(iter(params.values()))
        raise ImpactError(
            f"component {comp!r} has several parameters: {', '.join(sorted(params))}",
            hint="pass parameter=... to choose one",
        )
    param = parameter.strip().lower()
    if param not in params:
        raise unknown_error(f"{comp} parameter", param, params, "see embodied_components()")
    return params[param]


# ---------------------------------------------------------------- manufacturer footprints


@functools.cache
def _footprints() -> tuple[ManufacturerFootprint, ...]:
    return tuple(
        ManufacturerFootprint(
            manufacturer=r["manufacturer"],
            product=r["product"],
            category=r["category"],
            gwp_total_kg=float(r["gwp_total_kg"]),
            gwp_manufacturing_share=f_or_none(r["gwp_manufacturing_share"]),
            gwp_use_share=f_or_none(r["gwp_use_share"]),
            lifetime_years=f_or_none(r["lifetime_years"]),
            use_location=str_or_none(r["use_location"]),
            year=i_or_none(r["year"]),
            source=r["source"],
            licence=r["licence"],
        )
        for r in load_table("embodied_manufacturer")
    )


def manufacturer_footprints(query: str | None = None) -> list[ManufacturerFootprint]:
    """Published product carbon footprints (ODbL-1.0 data), filtered by ``query``.

    Every whitespace-separated word of ``query`` must occur (case-insensitively) in the
    manufacturer, product or category; ``None`` returns all. An empty result is a valid answer.
    """
    words = (query or "").lower().split()
    return [
        fp
        for fp in _footprints()
        if all(w in f"{fp.manufacturer} {fp.product} {fp.category}".lower() for w in words)
    ]


# ---------------------------------------------------------------- LLM catalogue


@functools.cache
def _llms() -> tuple[LlmModel, ...]:
    return tuple(
        LlmModel(
            provider=r["provider"],
            name=r["model"],
            total_params_b_min=float(r["total_params_b_min"]),
            total_params_b_max=float(r["total_params_b_max"]),
            active_params_b_min=float(r["active_params_b_min"]),
            active_params_b_max=float(r["active_params_b_max"]),
            architecture=r["architecture"],
            warnings=tuple(w for w in r["warnings"].split(";") if w),
            aliases=tuple(a for a in r["aliases"].split(";") if a),
            source=r["source"],
            licence=r["licence"],
            tps=float(r["tps"]) if r.get("tps") else None,
            ttft_s=float(r["ttft_s"]) if r.get("ttft_s") else None,
        )
        for r in load_table("llm_models")
    )


def llm_models() -> list[LlmModel]:
    """All LLMs EcoLogits describes (parameter counts in billions, ranges where undisclosed)."""
    return list(_llms())


def llm_model(name: str, provider: str | None = None) -> LlmModel:
    """Look up an LLM by name or alias (case-insensitive), optionally within one provider.

    Raises:
        ImpactError: unknown name (the message lists close matches), or a name that several
            providers share and no ``provider`` was given.
    """
    key = name.strip().lower()
    prov = provider.strip().lower() if provider else None
    pool = [m for m in _llms() if prov is None or m.provider == prov]
    if prov is not None and not pool:
        raise unknown_error("LLM provider", prov, {m.provider for m in _llms()}, "or omit it")
    hits = [m for m in pool if key in {m.name.lower(), *(a.lower() for a in m.aliases)}]
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise ImpactError(
            f"LLM {name!r} exists for several providers: {', '.join(m.provider for m in hits)}",
            hint="pass provider=... to choose one",
        )
    names = sorted({n.lower() for m in pool for n in (m.name, *m.aliases)})
    close = difflib.get_close_matches(key, names, n=5, cutoff=0.5)
    raise ImpactError(
        f"unknown LLM {name!r}" + (f"; close matches: {', '.join(close)}" if close else ""),
        hint="list the models with llm_models() (EcoLogits catalogue)",
    )


# ---------------------------------------------------------------- datacentres


@functools.cache
def _datacentres() -> tuple[DatacentreProfile, ...]:
    return tuple(
        DatacentreProfile(
            key=r["key"],
            name=r["name"],
            kind=r["kind"],
            zone=str_or_none(r["zone"]),
            pue=f_or_none(r["pue"]),
            dcie=f_or_none(r["dcie"]),
            wue_l_per_kwh=f_or_none(r["wue_l_per_kwh"]),
            ref=f_or_none(r["ref"]),
            erf=f_or_none(r["erf"]),
            certifications=r["certifications"],
            year=i_or_none(r["year"]),
            source=r["source"],
            licence=r["licence"],
            needs_check=r["needs_check"] == "true",
            note=str_or_none(r["note"]),
        )
        for r in load_table("datacentres")
    )


def datacentres() -> list[DatacentreProfile]:
    """The shipped public datacentre profiles (figures ``None`` where none was published)."""
    return list(_datacentres())


def datacentre(name: str) -> DatacentreProfile:
    """A datacentre profile by key (``odc-noord``) or name, case- and separator-insensitive.

    Raises:
        ImpactError: no such profile (the message lists the keys).
    """
    key = norm(name)
    for dc in _datacentres():
        if key in {norm(dc.key), norm(dc.name)}:
            return dc
    raise unknown_error(
        "datacentre", name, [dc.key for dc in _datacentres()], "or describe your own datacentre"
    )
