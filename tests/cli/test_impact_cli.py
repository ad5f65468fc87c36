"""`algoprint factors`, `estimate` and `estimate llm` through the real entry point.

Each call goes through ``algoprint.cli.main`` inside click's CliRunner isolation, so the
one-line error handling (exit 2, no traceback) is what a user gets.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli._invoke import algoprint, new_user


@pytest.fixture(autouse=True)
def _clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No config, no ALGOPRINT_* variables, a private store: a new user's machine."""
    new_user(tmp_path, monkeypatch)


def test_factors_without_location_says_which_zone_is_used() -> None:
    rc, out, err = algoprint("factors", "--json", "--year", "2024")
    assert rc == 0, err
    doc = json.loads(out)
    assert doc["location"]["zone"] == "NL"
    assert doc["location"]["sources"] == {"zone": "default"}
    assert set(doc["factors"]) >= {"pue", "grid_intensity", "market_intensity", "water_offsite"}
    assert doc["factors"]["grid_intensity"]["source"]
    assert "default zone NL" in err and "ALGOPRINT_LOCATION" in err and "--location" in err


def test_factors_for_a_zone_are_said_with_sources() -> None:
    rc, out, err = algoprint("factors", "--zone", "de", "--year", "2023")
    assert rc == 0, err
    assert "Factors for DE in 2023" in out
    assert "sources:" in out and "Ember" in out
    assert err == ""  # configured: nothing to say


@pytest.mark.parametrize(
    "kind", ["grid", "water", "embodied", "pue", "cloud", "market", "datacentre", "llm"]
)
def test_factors_lists_every_table(kind: str) -> None:
    rc, out, err = algoprint("factors", "--kind", kind, "--json")
    assert rc == 0, err
    rows = json.loads(out)
    assert isinstance(rows, list) and len(rows) >= 2


def test_factors_kind_filtered_by_zone() -> None:
    rc, out, _ = algoprint("factors", "--kind", "grid", "--zone", "NL", "--year", "2024", "--json")
    assert rc == 0
    (row,) = json.loads(out)
    assert row["zone"] == "NL" and row["year_used"] == 2024
    rc, out, _ = algoprint("factors", "--kind", "cloud", "--zone", "NL", "--json")
    assert {r["zone"] for r in json.loads(out)} == {"NL"}


def test_estimate_follows_the_formulas_with_explicit_factors() -> None:
    rc, out, err = algoprint(
        "estimate",
        "--hours",
        "2",
        "--cpu-tdp",
        "100",
        "--cpu-load",
        "1",
        "--pue",
        "1.5",
        "--grid-intensity",
        "300",
        "--json",
    )
    assert rc == 0, err
    doc = json.loads(out)
    assert doc["energy"]["energy_j"] == pytest.approx(100 * 2 * 3600)
    co2e = doc["impacts"]["co2e_location_g"]
    assert co2e["value"] == pytest.approx(0.2 * 1.5 * 300)  # kWh × PUE × g/kWh
    assert co2e["low"] < co2e["value"] < co2e["high"]
    assert set(co2e) == {"value", "low", "high", "unit", "method", "sources"}
    assert doc["location"] is None  # only a grid intensity: no zone used, none said
    assert err == ""
    assert "water_offsite_l" in doc["impact_notes"]["missing"]


def test_estimate_human_table_with_location_and_embodied() -> None:
    rc, out, err = algoprint(
        "estimate",
        "--hours",
        "10",
        "--cpu-cores",
        "8",
        "--cpu-w-per-core",
        "12",
        "--memory-gb",
        "32",
        "--location",
        "DE",
        "--year",
        "2024",
        "--embodied-kg",
        "1500",
        "--lifetime-years",
        "4",
        "--units",
        "1000",
    )
    assert rc == 0, err
    for text in ("CO₂e, location-based", "CO₂e, market-based", "Water", "SCI", "assumptions:"):
        assert text in out
    assert "DE" in out
    assert "cpu_utilisation not given" in out  # the assumption is said


def test_estimate_llm_total_is_requests_times_one() -> None:
    rc, out, err = algoprint(
        "estimate", "llm", "--model", "gpt-4o-mini", "--output-tokens", "500", "--requests", "10",
        "--year", "2024", "--json",
    )  # fmt: skip
    assert rc == 0, err
    doc = json.loads(out)
    one = doc["per_request"]["impacts"]["co2e_location_g"]["value"]
    assert doc["total"]["impacts"]["co2e_location_g"]["value"] == pytest.approx(10 * one)
    assert doc["provider"] == "openai" and doc["requests"] == 10
    rc, out, _ = algoprint("estimate", "llm", "--model", "gpt-4o-mini", "--output-tokens", "50")
    assert rc == 0 and "per request" in out and "EcoLogits" in out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["estimate", "--hours", "2"], "nothing to estimate"),
        (["estimate", "--cpu-tdp", "100"], "--hours is required"),
        (["estimate", "--hours", "-1", "--cpu-tdp", "100"], "--hours"),
        (["estimate", "--hours", "1", "--cpu", "no-such-cpu-9000"], "unknown CPU model"),
        (["estimate", "--hours", "1", "--cpu-tdp", "9", "--share", "0"], "--share"),
        (["estimate", "--hours", "1", "--cpu-tdp", "9", "--uncertainty", "-0.1"], "--uncertainty"),
        (
            [
                "estimate",
                "--hours",
                "5",
                "--reserved-hours",
                "2",
                "--cpu-tdp",
                "9",
                "--embodied-kg",
                "9",
                "--lifetime-years",
                "4",
            ],
            "--reserved-hours (2 h) is shorter than --hours",
        ),
        (
            ["estimate", "--energy-kwh", "3", "--embodied-kg", "9..2", "--lifetime-years", "4"],
            "--embodied-kg '9..2' is not a number or a range",
        ),
        (
            ["estimate", "--energy-kwh", "3", "--cpu-tdp", "9", "--hours", "1"],
            "--energy-kwh or powers",
        ),
        (["estimate", "--hours", "1", "--cpu-tdp", "9", "--pue", "0.5"], "--pue"),
        (["estimate", "--hours", "1", "--cpu-tdp", "9", "--lifetime-years", "4"], "--embodied-kg"),
        (["estimate", "--hours", "1", "--cpu-tdp", "9", "llm", "--model", "x"], "belong to"),
        (["estimate", "llm", "--model", "no-such-llm", "--output-tokens", "5"], "unknown LLM"),
        (["estimate", "llm", "--model", "gpt-4o-mini", "--output-tokens", "0"], "--output-tokens"),
        (["factors", "--zone", "XX"], "unknown zone 'XX'"),
        (["factors", "--kind", "llm", "--zone", "NL"], "does not apply"),
        (["factors", "--kind", "colour"], "--kind"),
        (["factors", "--region", "europe-west4"], "--region needs --cloud"),
        (["factors", "--cloud", "gcp", "--region", "mars-1"], "region"),
        (["factors", "--datacentre", "nope"], "unknown datacentre"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(args: list[str], says: str) -> None:
    rc, out, err = algoprint(*args)
    assert rc == 2, (out, err)
    assert says in err
    assert "Traceback" not in err and out == ""
    assert len([ln for ln in err.splitlines() if "rror" in ln]) == 1


def test_estimate_every_published_input_by_hand() -> None:
    # 1 000 GPU-hours × 400 W × 0.8 = 320 kWh exact; × PUE 1.1 × 300 g/kWh = 105.6 kg;
    # the supplier's 50 g/kWh: 320 × 1.1 × 50 = 17.6 kg; embodied 2 000 kg over 4 years,
    # reserved 2 000 h of 35 040 h at a quarter of the machine: 28.54 kg (24.26..32.82)
    rc, out, err = algoprint(
        "estimate", "--device-hours", "1000", "--gpus", "8", "--gpu-w", "400", "--gpu-load", "0.8",
        "--uncertainty", "0", "--pue", "1.1", "--grid-intensity", "300",
        "--market-intensity", "50", "--reserved-hours", "2000", "--share", "0.25",
        "--embodied-kg", "1700..2300", "--lifetime-years", "4", "--json",
    )  # fmt: skip
    assert rc == 0, err
    doc = json.loads(out)
    impacts = doc["impacts"]
    assert impacts["energy_it_j"]["value"] == pytest.approx(320 * 3.6e6)
    assert impacts["co2e_location_g"]["value"] == pytest.approx(105_600.0)
    assert impacts["co2e_market_g"]["value"] == pytest.approx(17_600.0)
    fraction = 2000 / (4 * 8760) * 0.25
    gwp = impacts["embodied_gwp_g"]
    assert gwp["value"] == pytest.approx(2_000_000 * fraction)
    assert (gwp["low"], gwp["high"]) == pytest.approx((1_700_000 * fraction, 2_300_000 * fraction))


def test_estimate_energy_only_and_embodied_only() -> None:
    rc, out, err = algoprint(
        "estimate", "--energy-kwh", "10", "--uncertainty", "0", "--pue", "1", "--grid-intensity",
        "200", "--json",
    )  # fmt: skip
    assert rc == 0, err
    assert json.loads(out)["impacts"]["co2e_location_g"]["high"] == pytest.approx(2000.0)
    rc, out, err = algoprint(
        "estimate", "--reserved-hours", "876", "--embodied-kg", "1000", "--uncertainty", "0",
        "--lifetime-years", "1", "--grid-intensity", "200",
    )  # fmt: skip
    assert rc == 0, err
    assert "embodied only" in out and "100 kg" in out  # 1 000 kg × 876/8 760
    assert "embodied-only estimate" in out


def test_factors_market_shows_both_scopes() -> None:
    rc, out, err = algoprint("factors", "--kind", "market", "--json")
    assert rc == 0, err
    rows = {r["contract"]: r for r in json.loads(out)}
    onbekend = rows["stroom-onbekend"]
    assert onbekend["factor"]["value"] == 300.0 and "tank-to-wheel" in onbekend["basis"]
    assert onbekend["well_to_tank"]["value"] == 74.0
    assert onbekend["well_to_wheel"]["value"] == 374.0
    assert rows["groen-gvo"]["factor"]["value"] == 0.0
    assert "reason" in rows["groen-gvo"]["well_to_tank"]
