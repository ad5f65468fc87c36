"""Lookups of algoprint.impact.factors: values, intervals, flags and errors."""

from __future__ import annotations

import pytest

from algoprint.errors import ImpactError
from algoprint.impact import factors as f
from algoprint.refdata import load_table

# ---------------------------------------------------------------- grid intensity


@pytest.mark.parametrize(("year", "value"), [(2023, 268.17), (2024, 250.72), (2025, 253.56)])
def test_nl_grid_intensity_per_year(year: int, value: float) -> None:
    g = f.grid_intensity("NL", year)
    assert g.value == pytest.approx(value)
    assert g.unit == "gCO2e/kWh"
    assert (g.zone, g.year_used, g.year_requested, g.latest_used) == ("NL", year, year, False)
    assert g.low == pytest.approx(value * 0.9)
    assert g.high == pytest.approx(value * 1.1)
    assert "owid" in g.source.lower()
    assert g.licence == "CC-BY-4.0"


def test_zone_is_case_insensitive_and_latest_by_default() -> None:
    g = f.grid_intensity(" nl ")
    assert (g.zone, g.year_used, g.latest_used) == ("NL", 2025, False)


def test_year_after_table_uses_latest_and_flags_it() -> None:
    in_table = f.grid_intensity("NL", 2025)
    future = f.grid_intensity("NL", 2026)
    assert future.latest_used is True
    assert (future.year_requested, future.year_used) == (2026, 2025)
    assert future.value == in_table.value
    assert future.low < in_table.low and future.high > in_table.high
    assert future.note is not None and "2026" in future.note
    assert f.grid_intensity("NL", 2030).high > future.high


def test_zone_whose_data_ends_earlier_is_flagged_for_later_years() -> None:
    last = {}
    for row in load_table("grid_intensity"):
        last[row["zone"]] = max(last.get(row["zone"], 0), int(row["year"]))
    zone = next(z for z, y in sorted(last.items()) if y == 2023)
    g = f.grid_intensity(zone, 2024)
    assert (g.year_used, g.latest_used) == (2023, True)


def test_year_before_table_raises_with_range() -> None:
    with pytest.raises(ImpactError, match="2000-2025"):
        f.grid_intensity("NL", 1999)


@pytest.mark.parametrize("zone", ["XX", "NLD", "Atlantis", ""])
def test_unknown_zone_raises_and_is_not_a_world_average(zone: str) -> None:
    with pytest.raises(ImpactError) as info:
        f.grid_intensity(zone, 2024)
    assert "algoprint factors --kind grid" in (info.value.hint or "")


def test_world_and_eu_are_explicit_zones() -> None:
    zones = f.grid_zones()
    assert {"NL", "DE", "EU", "WORLD"} <= set(zones)
    assert f.grid_intensity("WORLD", 2024).value != f.grid_intensity("NL", 2024).value


# ---------------------------------------------------------------- market factors


def test_market_contract_keys() -> None:
    assert f.market_contracts() == sorted(
        ["grijze-stroom", "stroom-onbekend", "groen-gvo", "biomassa-gvo"]
    )


def test_market_factor_carries_needs_check_note() -> None:
    m = f.market_factor("stroom-onbekend")
    assert m.value == pytest.approx(300)  # tank-to-wheel: the scope-2 basis
    assert m.low < m.value < m.high
    assert m.note is not None and "not confirmed" in m.note


def test_market_parts_are_stored_separately() -> None:
    ttw = f.market_factor("stroom-onbekend", part="ttw").value
    wtt = f.market_factor("stroom-onbekend", part="wtt").value
    wtw = f.market_factor("stroom-onbekend", part="wtw").value
    assert (ttw, wtt, wtw) == (300.0, 74.0, 374.0) and ttw + wtt == wtw
    assert "TTW" in f.market_factor("groen-gvo").vintage
    with pytest.raises(ImpactError, match="well-to-tank"):
        f.market_factor("groen-gvo", part="wtt")
    with pytest.raises(ImpactError, match="part"):
        f.market_factor("groen-gvo", part="scope9")


def test_green_gvo_is_zero_with_zero_interval() -> None:
    m = f.market_factor("groen-gvo")
    assert (m.value, m.low, m.high) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize("contract", ["biomassa-gvo", "grijze-stroom", "kernenergie"])
def test_market_factor_without_shipped_value_raises(contract: str) -> None:
    with pytest.raises(ImpactError):
        f.market_factor(contract)


def test_market_list_year_before_shipped_raises() -> None:
    with pytest.raises(ImpactError, match="list year 2010"):
        f.market_factor("stroom-onbekend", 2010)


# ---------------------------------------------------------------- cloud regions


def test_europe_west4_is_eemshaven_nl() -> None:
    r = f.cloud_region("gcp", "europe-west4", 2024)
    assert (r.zone, r.location_name, r.year) == ("NL", "Eemshaven", 2024)
    assert r.cfe_pct == pytest.approx(83)
    assert r.grid_g_per_kwh == pytest.approx(208.81)
    assert r.licence == "Apache-2.0"


@pytest.mark.parametrize(
    ("provider", "region", "zone"),
    [("azure", "westeurope", "NL"), ("Microsoft", "West Europe", "NL"), ("aws", "eu-west-1", "IE")],
)
def test_cloud_region_normalises_names(provider: str, region: str, zone: str) -> None:
    r = f.cloud_region(provider, region)
    assert r.zone == zone
    assert r.year is None and r.cfe_pct is None


def test_malformed_provider_factor_is_none_not_zero() -> None:
    r = f.cloud_region("azure", "Finland Central")
    assert r.grid_g_per_kwh is None
    assert r.note is not None and "malformed" in r.note


def test_cloud_region_years() -> None:
    assert f.cloud_region("gcp", "europe-west4", 2030).latest_used is True
    assert f.cloud_region("gcp", "europe-west4").year == 2025
    with pytest.raises(ImpactError, match="2019-2025"):
        f.cloud_region("gcp", "europe-west4", 2018)


@pytest.mark.parametrize(("provider", "region"), [("oracle", "x"), ("gcp", "mars-west1")])
def test_unknown_cloud_region_raises(provider: str, region: str) -> None:
    with pytest.raises(ImpactError):
        f.cloud_region(provider, region)


def test_cloud_regions_lists_one_row_per_region() -> None:
    regions = f.cloud_regions("gcp")
    names = [r.region for r in regions]
    assert len(names) == len(set(names)) and "europe-west4" in names
    assert {r.provider for r in f.cloud_regions()} == {"gcp", "aws", "azure"}


# ---------------------------------------------------------------- PUE, WUE, water


def test_pue_default_unknown() -> None:
    p = f.pue_default()
    assert p.value == pytest.approx(1.56)
    assert 1.0 <= p.low <= p.value <= p.high
    assert p.unit == "1"


@pytest.mark.parametrize("key", f.pue_keys())
def test_every_pue_key_is_at_least_one(key: str) -> None:
    assert f.pue_default(key).low >= 1.0


def test_wue_missing_for_key_raises_instead_of_guessing() -> None:
    with pytest.raises(ImpactError, match="no sourced on-site WUE"):
        f.wue_default("provider:gcp")
    assert f.wue_default("provider:azure").value == pytest.approx(0.30)


def test_unknown_pue_key_raises() -> None:
    with pytest.raises(ImpactError, match="accepted"):
        f.pue_default("cooling:magic")


def test_water_intensity() -> None:
    w = f.water_intensity("nl")
    assert w.value == pytest.approx(3.433)
    assert w.unit == "L/kWh" and w.licence == "MPL-2.0"
    with pytest.raises(ImpactError, match="WORLD explicitly"):
        f.water_intensity("AQ")


# ---------------------------------------------------------------- embodied


def test_embodied_component_variants() -> None:
    with pytest.raises(ImpactError, match="base, die"):
        f.embodied_component("cpu")
    hdd = f.embodied_component("HDD")
    assert hdd.gwp_kg.value == pytest.approx(31.11)
    ram = f.embodied_component("ram", "per_gb")
    assert ram.gwp_kg.value == pytest.approx(2.2 / 1.2444)
    assert ram.gwp_kg.low == pytest.approx(2.2 / 2.375)
    assert ram.gwp_kg.high == pytest.approx(2.2 / 0.625)
    assert f.embodied_component("cpu", "die").gwp_kg.value == pytest.approx(0.0197 * 100)


def test_every_embodied_factor_has_an_interval() -> None:
    comps = f.embodied_components()
    assert {c.component for c in comps} >= {"cpu", "ram", "ssd", "hdd", "mainboard", "psu", "case"}
    for c in comps:
        for factor in (c.gwp_kg, c.adpe_kg_sbeq, c.pe_mj):
            assert factor.low <= factor.value <= factor.high
        assert not c.ademe_derived


@pytest.mark.parametrize(("component", "parameter"), [("tpu", None), ("cpu", "socket")])
def test_unknown_embodied_raises(component: str, parameter: str | None) -> None:
    with pytest.raises(ImpactError):
        f.embodied_component(component, parameter)


# ---------------------------------------------------------------- catalogues


def test_manufacturer_footprints_query() -> None:
    hits = f.manufacturer_footprints("dell poweredge r740")
    assert [h.product for h in hits] == ["PowerEdge R740", "PowerEdge R740XD"]
    assert hits[0].gwp_total_kg == pytest.approx(8640)
    assert f.manufacturer_footprints("no such product") == []
    assert all(h.licence == "ODbL-1.0" for h in f.manufacturer_footprints())


def test_llm_model_lookup() -> None:
    m = f.llm_model("GPT-4o")
    assert m.architecture == "moe"
    assert m.active_params_b_min < m.total_params_b_max
    assert f.llm_model("claude-opus-4-1").name == "claude-opus-4-1-20250805"


def test_unknown_llm_lists_close_matches() -> None:
    with pytest.raises(ImpactError, match="gpt-4o-mini"):
        f.llm_model("gpt-4o-minii")
    with pytest.raises(ImpactError):
        f.llm_model("gpt-4o", provider="nobody")


def test_datacentres() -> None:
    odc = f.datacentre("ODC Noord")
    assert odc.kind == "government" and odc.zone == "NL"
    assert odc.pue is None and odc.needs_check
    assert f.datacentre("aws-fleet").pue == pytest.approx(1.14)
    assert {d.key for d in f.datacentres()} >= {"odc-noord", "aws-fleet"}
    with pytest.raises(ImpactError):
        f.datacentre("Rijksdatacenter Atlantis")
