"""Greenwashing checks: each rule on its fixture profile, and the clean profile passes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from algoprint.advice._greenwash import (
    DatacentreClaims,
    check_greenwashing,
    claims_from_profile,
    claims_from_shipped,
    claims_from_table,
    parse_date,
)
from algoprint.errors import InputError
from algoprint.impact.location import resolve_location

from .conftest import TODAY


def _codes(extra: dict[str, Any], name: str) -> dict[str, str]:
    claims = claims_from_table(name, extra["datacentres"][name])
    return {f.code: f.severity for f in check_greenwashing(claims, today=TODAY)}


def test_clean_profile_has_no_flags(settings_extra: dict[str, Any]) -> None:
    assert _codes(settings_extra, "clean") == {}


@pytest.mark.parametrize(
    ("name", "code", "severity"),
    [
        ("impossible", "pue-impossible", "error"),
        ("impossible", "dcie-impossible", "error"),
        ("impossible", "ref-impossible", "error"),
        ("impossible", "erf-impossible", "error"),
        ("impossible", "wue-impossible", "error"),
        ("impossible", "renewable-impossible", "error"),
        ("mismatch", "pue-dcie-mismatch", "error"),
        ("inefficient", "dcie-below-50", "error"),
        ("design-pue", "pue-not-annual", "warning"),
        ("certificates-only", "market-only-green", "warning"),
        ("no-evidence", "no-evidence", "warning"),
        ("stale", "evidence-stale", "warning"),
        ("stale", "evidence-undated", "warning"),
        ("big-no-eed", "eed-report-missing", "error"),
        ("certs-unbacked", "certification-unbacked", "warning"),
        ("certs-unbacked", "certification-expired", "warning"),
    ],
)
def test_each_rule_fires_on_its_fixture(
    settings_extra: dict[str, Any], name: str, code: str, severity: str
) -> None:
    assert _codes(settings_extra, name).get(code) == severity


def test_flags_explain_with_figures_in_both_languages(settings_extra: dict[str, Any]) -> None:
    claims = claims_from_table("inefficient", settings_extra["datacentres"]["inefficient"])
    (flag,) = [f for f in check_greenwashing(claims, today=TODAY) if f.code == "dcie-below-50"]
    assert "45%" in flag.message_en and "dat-06" in flag.message_en
    assert "45 %" in flag.message_nl and "voldoet niet" in flag.message_nl
    assert "PUE 2,22" in flag.message_nl  # the Dutch decimal comma
    assert flag.subject == "inefficient" and flag.field == "dcie"


def test_dutch_messages_use_dutch_numbers(settings_extra: dict[str, Any]) -> None:
    impossible = claims_from_table("impossible", settings_extra["datacentres"]["impossible"])
    flags = {f.code: f for f in check_greenwashing(impossible, today=TODAY)}
    assert "PUE 0,9 " in flags["pue-impossible"].message_nl
    assert "PUE 0.9 " in flags["pue-impossible"].message_en
    assert "DCiE 1,2 " in flags["dcie-impossible"].message_nl
    low = claims_from_table("low", {"zone": "NL", "pue": 1.02, "pue_basis": "annual"})
    (flag,) = [f for f in check_greenwashing(low, today=TODAY) if f.code == "pue-implausible"]
    assert "PUE 1,02" in flag.message_nl and "1,05" in flag.message_nl
    assert "PUE 1.02" in flag.message_en


def test_an_empty_cloud_region_or_datacentre_cannot_be_assessed() -> None:
    empty = claims_from_table("leeg", {"zone": "SE"})
    codes = {f.code: f for f in check_greenwashing(empty, today=TODAY)}
    assert set(codes) == {"nothing-to-check", "dat-06-not-assessable"}
    assert "voor leeg (SE)" in codes["nothing-to-check"].message_nl
    assert " for leeg (SE)" in codes["nothing-to-check"].message_en
    country = claims_from_table("NL", {"zone": "NL", "kind": "country"})
    assert [f.code for f in check_greenwashing(country, today=TODAY)] == ["nothing-to-check"]


def test_market_only_needs_a_high_carbon_grid(settings_extra: dict[str, Any]) -> None:
    table = dict(settings_extra["datacentres"]["certificates-only"], zone="SE")
    claims = claims_from_table("x", table)
    assert "market-only-green" not in {f.code for f in check_greenwashing(claims, today=TODAY)}


def test_stale_depends_on_today(settings_extra: dict[str, Any]) -> None:
    claims = claims_from_table("stale", settings_extra["datacentres"]["stale"])
    early = {f.code for f in check_greenwashing(claims, today=dt.date(2024, 1, 1))}
    assert "evidence-stale" not in early


def test_a_profile_without_claims_says_there_is_nothing_to_check() -> None:
    flags = check_greenwashing(DatacentreClaims(name="x", zone="NL"), today=TODAY)
    assert [(f.code, f.severity) for f in flags] == [
        ("nothing-to-check", "info"),
        ("dat-06-not-assessable", "warning"),  # a datacentre without PUE or DCiE
    ]
    assert "not a pass" in flags[0].message("en") and "for x (NL)" in flags[0].message("en")


def test_eed_duty_unknown_is_info_only() -> None:
    claims = DatacentreClaims(name="x", zone="NL", pue=1.3, pue_basis="annual")
    flags = check_greenwashing(claims, today=TODAY)
    assert ("eed-duty-unknown", "info") in [(f.code, f.severity) for f in flags]


@pytest.mark.parametrize(("grid", "severity"), [(254.0, "warning"), (40.0, "info"), (None, "info")])
def test_certificate_only_green_is_flagged_on_any_grid(grid: float | None, severity: str) -> None:
    claims = DatacentreClaims(
        name="x", zone="NL", pue=1.3, pue_basis="annual", renewable_pct=100,
        renewable_basis="certificates", grid_g_per_kwh=grid,
    )  # fmt: skip
    found = {f.code: f.severity for f in check_greenwashing(claims, today=TODAY)}
    assert found["certificate-only-green"] == severity


def test_pue_basis_low_pue_missing_pue_and_future_evidence() -> None:
    import datetime as dt

    from algoprint.advice._claims import Evidence

    low = DatacentreClaims(name="x", zone="NL", pue=1.02)
    codes = {f.code for f in check_greenwashing(low, today=TODAY)}
    assert {"pue-basis-unknown", "pue-implausible"} <= codes
    none = DatacentreClaims(name="y", zone="NL", renewable_pct=50.0)
    assert "dat-06-not-assessable" in {f.code for f in check_greenwashing(none, today=TODAY)}
    later = TODAY + dt.timedelta(days=30)
    future = DatacentreClaims(
        name="z", zone="NL", pue=1.3, pue_basis="annual", evidence=(Evidence("r.pdf", later),)
    )
    found = {f.code: f.severity for f in check_greenwashing(future, today=TODAY)}
    assert found["evidence-future"] == "error"


def test_shipped_profile_is_checked() -> None:
    claims = claims_from_shipped("aws-fleet")
    codes = {f.code for f in check_greenwashing(claims, today=TODAY)}
    # AWS's ISO 50001 claim is shipped without a certificate link.
    assert "certification-unbacked" in codes


def test_location_profile_is_accepted() -> None:
    profile = resolve_location({"location": {"zone": "NL", "pue": 2.5}})
    claims = claims_from_profile(profile)
    assert claims.kind == "country"
    codes = {f.code for f in check_greenwashing(profile, today=TODAY)}
    assert {"dcie-below-50", "no-evidence"} <= codes


@pytest.mark.parametrize(
    ("table", "match"),
    [
        ({"pue": "fast"}, "pue in \\[datacentres.bad\\] must be a number"),
        ({"pue_basis": "weekly"}, "pue_basis"),
        ({"colour": "green"}, "unknown key\\(s\\) colour"),
        ({"evidence": [{"url": "https://x", "date": "last year"}]}, "not a date"),
        ({"certifications": [{"url": "https://x"}]}, "certifications"),
    ],
)
def test_bad_tables_raise_input_error(table: dict[str, Any], match: str) -> None:
    with pytest.raises(InputError, match=match):
        claims_from_table("bad", table)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-04", dt.date(2025, 3, 4)),
        ("2025-02", dt.date(2025, 2, 28)),
        ("2025-12", dt.date(2025, 12, 31)),
        ("2024", dt.date(2024, 12, 31)),
        (2024, dt.date(2024, 12, 31)),
    ],
)
def test_parse_date_takes_the_end_of_a_period(text: Any, expected: dt.date) -> None:
    assert parse_date(text, "here") == expected
