"""Location profile resolution, validation and factor resolution."""

from __future__ import annotations

from typing import Any

import pytest

from algoprint.errors import ImpactError
from algoprint.impact.location import (
    LocationProfile,
    default_location,
    factors_for_profile,
    resolve_location,
)


def test_nothing_configured_is_flagged_not_defaulted() -> None:
    profile = resolve_location({})
    assert profile.zone is None
    assert profile.configured is False


def test_default_location_says_it_is_a_default() -> None:
    profile = default_location()
    assert profile.zone == "NL"
    assert profile.sources["zone"] == "default"


def test_precedence_argument_env_config() -> None:
    extra = {"env": {"location": "DE"}, "location": {"zone": "BE"}}
    assert resolve_location(extra, location="fr").zone == "FR"
    assert resolve_location(extra).zone == "DE"
    assert resolve_location({"location": {"zone": "be"}}).zone == "BE"
    profile = resolve_location(extra)
    assert profile.sources["zone"] == "environment ALGOPRINT_LOCATION"


def test_config_values_are_validated_and_recorded() -> None:
    extra = {"location": {"zone": "NL", "pue": 1.3, "wue": 0.2, "contract": "groen-gvo"}}
    profile = resolve_location(extra)
    assert (profile.pue, profile.wue_onsite_l_per_kwh, profile.contract) == (1.3, 0.2, "groen-gvo")
    assert profile.sources["pue"] == "config [location]"


def test_dcie_becomes_pue() -> None:
    profile = resolve_location({"location": {"zone": "NL", "dcie": 0.5}})
    assert profile.pue == pytest.approx(2.0)


def test_env_year_overrides() -> None:
    assert resolve_location({"env": {"location": "NL", "year": "2023"}}).year == 2023


@pytest.mark.parametrize(
    ("table", "match"),
    [
        ({"zone": "NL", "pue": 0.9}, "pue .* must be >= 1"),
        ({"zone": "NL", "dcie": 0.0}, "dcie .* must be in"),
        ({"zone": "NL", "dcie": 1.2}, "dcie .* must be in"),
        ({"zone": "NL", "pue": 1.5, "dcie": 0.9}, "disagree"),
        ({"zone": "NL", "wue": -0.1}, "wue .* must be >= 0"),
        ({"zone": "NL", "wue": float("nan")}, "finite"),
        ({"zone": "NL", "pue": "abc"}, "must be a number"),
        ({"zone": "NL", "colour": "green"}, "unknown key"),
        ({"zone": "XX"}, "unknown zone"),
        ({"zone": "NL", "year": 2023.5}, "whole year"),
    ],
)
def test_bad_location_tables(table: dict[str, Any], match: str) -> None:
    with pytest.raises(ImpactError, match=match):
        resolve_location({"location": table})


def test_unknown_key_lists_accepted_keys() -> None:
    with pytest.raises(ImpactError) as err:
        resolve_location({"location": {"zone": "NL", "pu": 1.2}})
    assert err.value.hint is not None and "pue" in err.value.hint


def test_cloud_region_gives_zone_and_cfe() -> None:
    profile = resolve_location({}, cloud="gcp", region="europe-west4")
    assert profile.zone == "NL"
    assert profile.cfe_pct is not None
    assert profile.sources["zone"].startswith("cloud region")


def test_cloud_needs_region() -> None:
    with pytest.raises(ImpactError, match="both a provider and a region"):
        resolve_location({}, cloud="gcp")


def test_zone_and_region_must_agree() -> None:
    with pytest.raises(ImpactError, match="disagree"):
        resolve_location({}, location="DE", cloud="gcp", region="europe-west4")


def test_unknown_region_raises() -> None:
    with pytest.raises(ImpactError, match="region"):
        resolve_location({}, cloud="gcp", region="mars-north1")


def test_user_datacentre_profile() -> None:
    extra = {
        "location": {"datacentre": "odc-x"},
        "datacentres": {
            "odc-x": {
                "zone": "NL",
                "dcie": 0.8,
                "ref": 1.0,
                "erf": 0.3,
                "certifications": ["ISO 50001"],
                "eed_report_url": "https://example.org/eed",
            }
        },
    }
    profile = resolve_location(extra)
    assert profile.zone == "NL"
    assert profile.pue == pytest.approx(1.25)
    assert (profile.ref, profile.erf) == (1.0, 0.3)
    assert profile.certifications == ("ISO 50001",)
    assert profile.sources["pue"] == "[datacentres.odc-x]"


def test_location_table_overrides_datacentre() -> None:
    extra = {
        "location": {"datacentre": "d", "pue": 1.1},
        "datacentres": {"d": {"zone": "NL", "pue": 1.8}},
    }
    assert resolve_location(extra).pue == 1.1


@pytest.mark.parametrize(
    ("profile", "match"),
    [
        ({"zone": "NL", "ref": 1.5}, "ref .* between 0 and 1"),
        ({"zone": "NL", "erf": -0.1}, "erf .* between 0 and 1"),
        ({"zone": "NL", "pue": 0.5}, "pue"),
        ({"zone": "NL", "owner": "x"}, "unknown key"),
    ],
)
def test_bad_datacentre_profiles(profile: dict[str, Any], match: str) -> None:
    with pytest.raises(ImpactError, match=match):
        resolve_location({"datacentres": {"d": profile}}, datacentre="d")


def test_unknown_datacentre_names_both_sources() -> None:
    with pytest.raises(ImpactError, match="not in your \\[datacentres\\] config"):
        resolve_location({}, datacentre="nowhere")


def test_shipped_datacentre_without_zone_needs_location() -> None:
    with pytest.raises(ImpactError, match="has no zone"):
        resolve_location({}, datacentre="aws-fleet")
    profile = resolve_location({}, datacentre="aws-fleet", location="IE")
    assert profile.pue == pytest.approx(1.14)
    assert profile.sources["pue"] == "shipped profile 'aws-fleet'"


# ---- factors for a profile


def test_defaults_are_recorded() -> None:
    resolved = factors_for_profile(default_location("NL"), year=2024)
    text = " ".join(resolved.defaults)
    assert "PUE" in text and "WUE" in text and "stroom onbekend" in text
    assert resolved.pue.origin == "default"
    assert resolved.market_g_per_kwh is not None
    # scope 2 on tank-to-wheel (300), the chain (74) apart for scope 3 category 3
    assert resolved.market_g_per_kwh.interval.value == pytest.approx(300.0)
    assert resolved.market_wtt_g_per_kwh is not None
    assert resolved.market_wtt_g_per_kwh.interval.value == pytest.approx(74.0)


def test_both_contracts_on_one_basis_and_the_wtt_field() -> None:
    from algoprint.impact.compute import EnergyInput, compute_from_factors

    energy = EnergyInput.single(3.6e6, 0.0)  # 1 kWh
    onbekend = factors_for_profile(LocationProfile(zone="NL", pue=1.0), year=2024)
    groen = factors_for_profile(
        LocationProfile(zone="NL", pue=1.0, contract="groen-gvo"), year=2024
    )
    d1 = compute_from_factors(energy, onbekend, duration_s=0)
    d2 = compute_from_factors(energy, groen, duration_s=0)
    assert d1.impacts["co2e_market_g"].value == pytest.approx(300.0)  # TTW
    assert d1.impacts["co2e_market_wtt_g"].value == pytest.approx(74.0)  # scope 3 cat. 3
    assert d2.impacts["co2e_market_g"].value == 0.0  # TTW as well
    assert "co2e_market_wtt_g" in d2.missing and "not found" in d2.missing["co2e_market_wtt_g"]
    assert any("do not change the grid" in n for n in d2.notes)


def test_no_contract_outside_nl_uses_grid_average_with_a_record() -> None:
    resolved = factors_for_profile(LocationProfile(zone="DE", pue=1.2), year=2024)
    assert resolved.market_g_per_kwh is not None and resolved.grid_g_per_kwh is not None
    assert resolved.market_g_per_kwh.interval == resolved.grid_g_per_kwh.interval
    assert any("GHG Protocol" in d for d in resolved.defaults)


def test_cloud_provider_defaults() -> None:
    profile = LocationProfile(zone="IE", cloud="aws", region="eu-west-1")
    resolved = factors_for_profile(profile, year=2024)
    assert resolved.pue.interval.value == pytest.approx(1.14)
    assert any("provider:aws" in d for d in resolved.defaults)


def test_cfe_is_information_only() -> None:
    resolved = factors_for_profile(
        LocationProfile(zone="NL", pue=1.0, cfe_pct=80.0, contract="groen-gvo"), year=2024
    )
    assert any("information only" in n for n in resolved.notes)


def test_unknown_contract_raises() -> None:
    with pytest.raises(ImpactError, match="market contract"):
        factors_for_profile(LocationProfile(zone="NL", contract="paars"), year=2024)


def test_profile_to_dict_round_trips_sources() -> None:
    data = resolve_location({"location": {"zone": "NL"}}).to_dict()
    assert data["zone"] == "NL"
    assert data["sources"] == {"zone": "config [location]"}


def test_google_regional_grid_factor_is_used_for_its_region() -> None:
    regional = factors_for_profile(
        LocationProfile(zone="US", cloud="gcp", region="us-west1", pue=1.1), year=2024
    )
    assert regional.grid_g_per_kwh is not None
    assert regional.grid_g_per_kwh.interval.value == pytest.approx(79.23)  # Google, 2024
    assert any("regional grid factor" in n for n in regional.notes)


def test_multi_grid_country_average_gets_a_wide_interval() -> None:
    country = factors_for_profile(LocationProfile(zone="US", pue=1.1), year=2024)
    assert country.grid_g_per_kwh is not None
    g = country.grid_g_per_kwh.interval
    assert g.value == pytest.approx(383.55)
    assert g.low < 100 and g.high > 570  # Google's US regions: 98..579 g/kWh
    single = factors_for_profile(LocationProfile(zone="NL", pue=1.1), year=2024)
    assert single.grid_g_per_kwh is not None
    nl = single.grid_g_per_kwh.interval
    assert nl.high / nl.value == pytest.approx(1.1)
