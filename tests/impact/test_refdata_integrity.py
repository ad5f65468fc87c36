"""Integrity of the impact reference tables, and that the build script reproduces them."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from algoprint.refdata import available_tables, load_table

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
REFDATA = ROOT / "src" / "algoprint" / "refdata"

# table -> (required columns, key columns, {numeric column: (min, max or None)}, blank allowed)
SPECS: dict[str, tuple[set[str], list[str], dict[str, tuple[float, float | None]], set[str]]] = {
    "grid_intensity": (
        {"zone", "year", "basis", "scope", "value", "unit", "source", "licence"},
        ["zone", "year"],
        {"year": (2000, 2100), "value": (0, 2000)},
        set(),
    ),
    "nl_market_factors": (
        {
            "category",
            "list_year",
            "value",
            "wtt",
            "wtw",
            "unit",
            "scope_note",
            "source",
            "licence",
            "needs_check",
        },
        ["category", "list_year"],
        {"list_year": (2000, 2100), "value": (0, 2000)},
        set(),
    ),
    "cloud_regions": (
        {"provider", "region", "zone", "location_name", "cfe_pct", "grid_g_per_kwh", "year"},
        ["provider", "region", "year"],
        {"cfe_pct": (0, 100), "grid_g_per_kwh": (0, 2000), "year": (2019, 2100)},
        {"cfe_pct", "grid_g_per_kwh", "year"},
    ),
    "datacentres": (
        {"name", "kind", "zone", "pue", "dcie", "wue_l_per_kwh", "year", "needs_check"},
        ["key"],
        {"pue": (1, 5), "dcie": (0, 100), "wue_l_per_kwh": (0, 20), "year": (2000, 2100)},
        {"pue", "dcie", "wue_l_per_kwh", "year"},
    ),
    "pue_wue": (
        {"key", "pue", "pue_low", "pue_high", "wue_l_per_kwh", "wue_low", "wue_high", "year"},
        ["key"],
        {
            "pue": (1, 5),
            "pue_low": (1, 5),
            "pue_high": (1, 5),
            "wue_l_per_kwh": (0, 20),
            "wue_low": (0, 20),
            "wue_high": (0, 20),
        },
        {"wue_l_per_kwh", "wue_low", "wue_high"},
    ),
    "water_intensity": (
        {"zone", "value", "unit"},
        ["zone"],
        {"value": (0, 100)},
        set(),
    ),
    "ecologits_mixes": (
        {"zone", "gwp_kg_per_kwh", "adpe_kg_sbeq_per_kwh", "pe_mj_per_kwh", "adpe_pe_licence_note"},
        ["zone"],
        {"gwp_kg_per_kwh": (0, 2), "adpe_kg_sbeq_per_kwh": (0, 1), "pe_mj_per_kwh": (0, 100)},
        set(),
    ),
    "embodied_components": (
        {"component", "parameter", "gwp_kg", "adpe_kg_sbeq", "pe_mj", "unit_basis"},
        ["component", "parameter"],
        {
            "gwp_kg": (0, 10000),
            "adpe_kg_sbeq": (0, 10),
            "pe_mj": (0, 100000),
            "low_factor": (0, 1),
            "high_factor": (1, 10),
            "default_lifetime_years": (1, 20),
        },
        set(),
    ),
    "embodied_manufacturer": (
        {"manufacturer", "product", "category", "gwp_total_kg", "gwp_manufacturing_share"},
        ["manufacturer", "product"],
        {
            "gwp_total_kg": (0, 1e6),
            "gwp_manufacturing_share": (0, 1),
            "gwp_use_share": (0, 1),
            "lifetime_years": (1, 20),
            "year": (2000, 2100),
        },
        {"gwp_manufacturing_share", "gwp_use_share", "lifetime_years", "year", "use_location"},
    ),
    "llm_models": (
        {"provider", "model", "total_params_b_min", "total_params_b_max", "architecture"},
        ["provider", "model"],
        {
            "total_params_b_min": (0, 100000),
            "total_params_b_max": (0, 100000),
            "active_params_b_min": (0, 100000),
            "active_params_b_max": (0, 100000),
        },
        set(),
    ),
}


def test_every_impact_table_ships() -> None:
    assert set(SPECS) <= set(available_tables())


@pytest.mark.parametrize("name", sorted(SPECS))
def test_table_integrity(name: str) -> None:
    required, key, numeric, blank_ok = SPECS[name]
    rows = load_table(name)
    assert rows, f"{name} is empty"
    assert required | {"source", "licence"} <= set(rows[0])
    seen: set[tuple[str, ...]] = set()
    for row in rows:
        ident = tuple(row[k] for k in key)
        assert ident not in seen, f"{name}: duplicate key {ident}"
        seen.add(ident)
        assert row["source"].strip(), f"{name} {ident}: empty source"
        assert row["licence"].strip(), f"{name} {ident}: empty licence"
        for column, (low, high) in numeric.items():
            cell = row[column].strip()
            if not cell:
                assert column in blank_ok, f"{name} {ident}: blank {column}"
                continue
            value = float(cell)
            assert value >= low, f"{name} {ident}: {column}={value} < {low}"
            assert high is None or value <= high, f"{name} {ident}: {column}={value} > {high}"


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("grid_intensity", "gCO2e/kWh"),
        ("water_intensity", "L/kWh"),
        ("nl_market_factors", "gCO2e/kWh"),
    ],
)
def test_unit_columns(name: str, unit: str) -> None:
    assert {row["unit"] for row in load_table(name)} == {unit}


@pytest.mark.parametrize("name", ["grid_intensity", "water_intensity", "ecologits_mixes"])
def test_zones_are_iso_alpha2_or_named_aggregates(name: str) -> None:
    for row in load_table(name):
        assert re.fullmatch(r"[A-Z]{2}|EU|WORLD", row["zone"]), row["zone"]


def test_cloud_zones_are_iso_alpha2_or_explained() -> None:
    for row in load_table("cloud_regions"):
        assert re.fullmatch(r"[A-Z]{2}", row["zone"]) or row["note"], row["region"]


def test_pue_intervals_contain_the_value() -> None:
    for row in load_table("pue_wue"):
        assert float(row["pue_low"]) <= float(row["pue"]) <= float(row["pue_high"]), row["key"]
        if row["wue_l_per_kwh"]:
            wue = float(row["wue_l_per_kwh"])
            assert float(row["wue_low"]) <= wue <= float(row["wue_high"]), row["key"]


def test_dense_models_have_active_equal_to_total() -> None:
    for row in load_table("llm_models"):
        assert row["architecture"] in {"dense", "moe"}
        assert float(row["total_params_b_min"]) <= float(row["total_params_b_max"])
        if row["architecture"] == "dense":
            assert row["active_params_b_min"] == row["total_params_b_min"]


@pytest.mark.parametrize(
    ("name", "licence", "header_words"),
    [
        ("water_intensity", "MPL-2.0", "licensed MPL-2.0"),
        ("ecologits_mixes", "MPL-2.0", "licensed MPL-2.0"),
        ("llm_models", "MPL-2.0", "licensed MPL-2.0"),
        ("embodied_manufacturer", "ODbL-1.0", "Open Database License ODbL-1.0"),
    ],
)
def test_share_alike_tables_say_so(name: str, licence: str, header_words: str) -> None:
    assert {row["licence"] for row in load_table(name)} == {licence}
    header = "".join(
        line
        for line in (REFDATA / f"{name}.csv").read_text(encoding="utf-8").splitlines(True)
        if line.startswith("#")
    )
    assert header_words in header


def test_ademe_derived_columns_are_flagged() -> None:
    notes = {row["adpe_pe_licence_note"] for row in load_table("ecologits_mixes")}
    assert all("ADEME" in note for note in notes)


def test_build_script_reproduces_committed_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not SHARED.is_dir():
        pytest.skip(f"shared reference data not found at {SHARED}")
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    module = importlib.import_module("refdata.impact")
    written = module.build(SHARED, tmp_path)
    assert {p.stem for p in written} == set(SPECS)
    for path in written:
        committed = REFDATA / path.name
        assert path.read_bytes() == committed.read_bytes(), (
            f"{path.name} differs from the committed table; run scripts/build_refdata.py"
        )
