"""compare_locations: figures, ranking, trade-off flags, storage and bad input."""

from __future__ import annotations

from typing import Any

import pytest

from algoprint.advice.location import (
    Candidate,
    WhereResult,
    Workload,
    compare_locations,
    parse_candidate,
)
from algoprint.errors import ImpactError, InputError
from algoprint.impact import factors
from algoprint.impact.embodied import EmbodiedImpacts, HardwareShare
from algoprint.impact.uncertainty import Interval

from .conftest import TODAY, FakeStore

KWH = 10_000.0


def _compare(extra: dict[str, Any], *specs: str, **kw: Any) -> WhereResult:
    return compare_locations(
        Workload.from_kwh(KWH), list(specs), settings_extra=extra, today=TODAY, year=2024, **kw
    )


def _by_label(result: WhereResult) -> dict[str, Any]:
    return {r.candidate.label: r for r in result.results}


def test_lowest_carbon_is_not_lowest_water_and_is_flagged(settings_extra: dict[str, Any]) -> None:
    result = _compare(settings_extra, "dry-cooled", "nordic-hydro")
    rows = _by_label(result)
    hydro, dry = rows["nordic-hydro"], rows["dry-cooled"]
    assert hydro.value("co2e_location_g") < dry.value("co2e_location_g")
    assert hydro.value("water_l") > dry.value("water_l")
    (flag,) = [f for f in result.flags if f.code == "carbon-water-tradeoff"]
    assert flag.subject == "nordic-hydro"
    assert "dry-cooled" in flag.message_en and "dry-cooled" in flag.message_nl
    assert result.best is hydro and hydro.rank == 1 and dry.rank == 2


def test_no_tradeoff_flag_when_one_wins_both(settings_extra: dict[str, Any]) -> None:
    result = _compare(settings_extra, "clean", "inefficient")
    assert "carbon-water-tradeoff" not in {f.code for f in result.flags}


def test_figures_follow_the_formulas(settings_extra: dict[str, Any]) -> None:
    hydro = _by_label(_compare(settings_extra, "nordic-hydro", "NL"))["nordic-hydro"]
    grid = factors.grid_intensity("SE", 2024).value
    ewif = factors.water_intensity("SE").value
    assert hydro.value("co2e_location_g") == pytest.approx(KWH * 1.15 * grid)
    assert hydro.value("water_l") == pytest.approx(KWH * (1.5 + 1.15 * ewif))
    assert hydro.value("water_onsite_l") == pytest.approx(KWH * 1.5)


def test_rank_by_water_reorders(settings_extra: dict[str, Any]) -> None:
    result = _compare(settings_extra, "dry-cooled", "nordic-hydro", rank_by="water")
    assert [r.candidate.label for r in result.results] == ["dry-cooled", "nordic-hydro"]


def test_market_based_gap_on_high_carbon_grid_is_flagged(settings_extra: dict[str, Any]) -> None:
    result = _compare(settings_extra, "PL@groen-gvo", "SE")
    pl = _by_label(result)["PL@groen-gvo"]
    assert pl.value("co2e_market_g") == 0.0
    assert pl.value("co2e_location_g") > 0
    assert "market-location-gap" in {f.code for f in pl.flags}
    # ranked on location-based by default: the certificates do not make PL the best
    assert result.best is not None and result.best.candidate.label == "SE"


def test_no_market_gap_flag_on_a_low_carbon_grid(settings_extra: dict[str, Any]) -> None:
    result = _compare(settings_extra, "SE@groen-gvo", "NL")
    se = _by_label(result)["SE@groen-gvo"]
    assert "market-location-gap" not in {f.code for f in se.flags}


def test_defaults_are_flagged_for_countries_not_for_own_figures(
    settings_extra: dict[str, Any],
) -> None:
    rows = _by_label(_compare(settings_extra, "NL", "nordic-hydro"))
    assert "defaults-used" in {f.code for f in rows["NL"].flags}
    hydro_defaults = [f for f in rows["nordic-hydro"].flags if f.code == "defaults-used"]
    assert all("pue" not in f.message_en for f in hydro_defaults)


def test_greenwashing_flags_travel_with_the_candidate(settings_extra: dict[str, Any]) -> None:
    result = _compare(settings_extra, "big-no-eed", "clean")
    big = _by_label(result)["big-no-eed"]
    assert "eed-report-missing" in {f.code for f in big.flags}
    assert "eed-report-missing" in {f.code for f in result.all_flags()}


def test_embodied_is_the_same_everywhere(settings_extra: dict[str, Any]) -> None:
    hw = HardwareShare(
        embodied=EmbodiedImpacts(
            gwp_g=Interval(1.2e6, 1.0e6, 1.4e6),
            adpe_g_sbeq=None,
            pe_j=None,
            sources=("fixture",),
            origin="manufacturer",
        ),
        lifetime_s=4 * 365 * 24 * 3600.0,
    )
    result = compare_locations(
        Workload.from_kwh(KWH, hardware=hw), ["NL", "SE", "gcp:europe-west4"], today=TODAY
    )
    embodied = [r.value("embodied_gwp_g") for r in result.results]
    assert embodied == [pytest.approx(1.2e6 / 4)] * 3
    assert "same everywhere" in result.explanation("en")


def test_candidate_kinds_are_parsed(settings_extra: dict[str, Any]) -> None:
    assert parse_candidate("NL").kind == "country"
    region = parse_candidate("gcp:europe-west4")
    assert (region.kind, region.profile.zone) == ("cloud-region", "NL")
    dc = parse_candidate("clean", settings_extra)
    assert dc.kind == "datacentre" and dc.profile.pue == 1.2 and dc.claims is not None
    fleet = parse_candidate("aws-fleet/IE")
    assert (fleet.label, fleet.profile.zone, fleet.profile.pue) == ("aws-fleet/IE", "IE", 1.14)


def test_fleet_profile_without_zone_says_how_to_give_one() -> None:
    with pytest.raises(ImpactError, match="has no zone") as e:
        parse_candidate("aws-fleet")
    assert e.value.hint is not None and "aws-fleet/IE" in e.value.hint


def test_impossible_datacentre_cannot_be_compared(settings_extra: dict[str, Any]) -> None:
    with pytest.raises(ImpactError, match="cannot be compared") as e:
        parse_candidate("impossible", settings_extra)
    assert e.value.hint is not None and "--check" in e.value.hint


@pytest.mark.parametrize(
    ("specs", "kw", "match"),
    [
        (["NL"], {}, "at least two candidates"),
        (["NL", "nl"], {}, "given twice"),
        (["NL", "SE"], {"rank_by": "price"}, "unknown ranking"),
        (["NL", "XX"], {}, "unknown"),
    ],
)
def test_bad_comparisons_fail_clearly(specs: list[str], kw: dict[str, Any], match: str) -> None:
    with pytest.raises((InputError, ImpactError), match=match):
        compare_locations(Workload.from_kwh(1.0), specs, today=TODAY, **kw)


@pytest.mark.parametrize("kwh", [0.0, -5.0, float("nan")])
def test_workload_must_be_positive(kwh: float) -> None:
    with pytest.raises(InputError, match="yearly energy"):
        Workload.from_kwh(kwh)


def test_stored_as_location_analysis(settings_extra: dict[str, Any], store: FakeStore) -> None:
    result = _compare(settings_extra, "nordic-hydro", "dry-cooled", store=store, algorithm="alg")
    (record,) = store.saved
    assert (record.kind, record.measure, record.algorithm) == ("location", "dat-06", "alg")
    assert record.result["candidates"][0]["label"] == "nordic-hydro"
    assert record.result == result.to_dict()
    assert "nordic-hydro" in record.summary_en and "nordic-hydro" in record.summary_nl


def test_not_saved_without_algorithm(settings_extra: dict[str, Any], store: FakeStore) -> None:
    _compare(settings_extra, "NL", "SE", store=store)
    assert store.saved == []


def test_render_has_a_row_per_candidate_in_both_languages(settings_extra: dict[str, Any]) -> None:
    result = _compare(settings_extra, "nordic-hydro", "dry-cooled", "NL")
    en, nl = result.render("en"), result.render("nl")
    assert en[0].split()[0] == "Rank" and nl[0].split()[0] == "Rang"
    for lines in (en, nl):
        assert sum(1 for x in lines[1:4] if x.split()[1] in _by_label(result)) == 3
    assert any("carbon-water-tradeoff" in x for x in en)
    explanation = nl[nl.index("", nl.index("Signaleringen:")) + 1 :]
    assert explanation[0].startswith("Gerangschikt")
    # Every line fits 80 columns except the table (88 columns before, 79 now).
    for lines in (en, nl):
        assert max(len(x) for x in lines) <= 80, [x for x in lines if len(x) > 80]
    # Dutch flags: Dutch severity and Dutch numbers (decimal comma, point for thousands).
    flags = "\n".join(nl[nl.index("Signaleringen:") : nl.index("", nl.index("Signaleringen:"))])
    assert "[waarschuwing]" in flags and "[warning]" not in flags
    assert "PUE 1,56" in flags or "WUE op locatie" in flags
    assert "market_intensity" not in flags and "pue 1.56" not in flags
    assert "[warning]" in "\n".join(en) and "market-based factor" in "\n".join(en)


def test_the_grid_year_actually_used_is_printed(settings_extra: dict[str, Any]) -> None:
    from algoprint.advice._location_render import grid_years

    result = compare_locations(Workload.from_kwh(1000), ["NL", "SE"], year=2100)
    used = grid_years(result)
    assert set(used) == {"NL", "SE"} and all(y < 2100 for y in used.values())
    for lang, asked in (("en", "grid year 2100 asked, used:"), ("nl", "netjaar 2100 gevraagd")):
        text = result.explanation(lang)
        assert asked in text
        assert all(str(y) in text for y in used.values())
    same = compare_locations(Workload.from_kwh(1000), ["NL", "BE"], year=2023)
    assert "(grid year 2023)" in same.explanation("en")


def test_explicit_candidate_objects_are_accepted() -> None:
    a, b = parse_candidate("NL"), parse_candidate("BE")
    result = compare_locations(Workload.from_kwh(100), [a, Candidate("mine", "country", b.profile)])
    assert {r.candidate.label for r in result.results} == {"NL", "mine"}
