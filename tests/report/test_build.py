"""build_report: what the report document holds for an algorithm and an organisation."""

from __future__ import annotations

import math

import pytest

from algoprint.errors import InputError, NotFound
from algoprint.report import build_report
from algoprint.report.sample import SAMPLE_SETTINGS_EXTRA
from algoprint.store import Store
from tests.report.conftest import NOW


def alg_report(store: Store, **kwargs: object):  # type: ignore[no-untyped-def]
    args = {"algorithm": "fraude-risico", "period": "2026-Q3", "lang": "en"} | kwargs
    return build_report(store, settings_extra=SAMPLE_SETTINGS_EXTRA, now=NOW, **args)  # type: ignore[arg-type]


def test_algorithm_report_counts_runs_and_leaves_the_running_one_out(shared_store: Store) -> None:
    r = alg_report(shared_store)
    assert r.scope == "algorithm" and not r.empty
    assert r.footprint.runs == 60
    assert r.footprint.runs_counted == 59
    assert r.footprint.statuses == {"completed": 53, "degraded": 6, "running": 1}
    assert r.gaps.runs_running == 1


def test_phase_split_training_and_use_adds_up_to_the_total(shared_store: Store) -> None:
    r = alg_report(shared_store)
    keys = [b.key for b in r.footprint.phases]
    assert keys == ["training", "use"]
    total = r.footprint.totals["energy_it_j"]
    parts = sum(b.figures["energy_it_j"].value or 0.0 for b in r.footprint.phases)
    assert math.isclose(parts, total.value or 0.0, rel_tol=1e-12)
    assert sum(b.runs for b in r.footprint.phases) == 59


def test_a_meter_gap_makes_totals_partial_never_zero(shared_store: Store) -> None:
    r = alg_report(shared_store)
    energy = r.footprint.totals["energy_it_j"]
    assert energy.partial and energy.runs_missing == 1 and energy.runs_counted == 58
    assert r.gaps.runs_without_energy == 1
    assert any(key == "*" for key, _reason, _n in r.gaps.missing)


def test_embodied_figures_use_the_default_machine_or_say_why_not(shared_store: Store) -> None:
    # The sample runs record no vCPUs or memory: only the GPU runs get a share (of the
    # default GPU archetype, said in the defaults); the others are missing with the reason.
    r = alg_report(shared_store)
    adpe = r.footprint.totals["embodied_adpe_g_sbeq"]
    assert adpe.value is not None and adpe.value > 0 and adpe.runs_counted > 0
    assert adpe.partial
    assert any("share of the machine is unknown" in reason for reason in adpe.missing_reasons)
    assert any(
        line.startswith("embodied impacts use the default server archetype")
        and "no [hardware] table is configured" in line
        for line, _n in r.methods.defaults
    )
    assert r.sci is not None and r.sci.operational is not None


def test_interval_contains_the_value(shared_store: Store) -> None:
    r = alg_report(shared_store)
    for f in r.footprint.totals.values():
        if f.value is not None:
            assert f.low is not None and f.high is not None
            assert f.low <= f.value <= f.high


def test_location_comes_from_the_register(shared_store: Store) -> None:
    r = alg_report(shared_store)
    assert r.algorithm is not None and r.algorithm.location == "rijks-dc"
    assert r.methods.locations[0]["origin"] == "register"
    pue = [f for f in r.methods.factors if f["name"] == "pue"]
    assert pue and pue[0]["value"] == 1.3
    assert r.factor_version in r.methods.factor_versions


def test_override_location_applies_to_every_run(shared_store: Store) -> None:
    r = alg_report(shared_store, location="DE")
    assert [loc["label"] for loc in r.methods.locations] == ["DE"]
    assert r.methods.locations[0]["origin"] == "argument"


def test_bad_override_fails_loudly(shared_store: Store) -> None:
    with pytest.raises(Exception) as info:
        alg_report(shared_store, location="XX")
    assert "XX" in str(info.value)


def test_measures_and_analyses(shared_store: Store) -> None:
    r = alg_report(shared_store)
    assert [m.code for m in r.measures] == [
        "owp-12",
        "owp-13",
        "dat-06",
        "dat-09",
        "owk-05",
        "owk-06",
        "mon-06",
    ]
    mon = r.measures[-1]
    assert mon.state == "in-uitvoering" and mon.note == "Maandelijks rapport aan het CIO-office"
    kinds = {a.kind: a.chart_kind for a in r.analyses}
    assert kinds == {
        "simplicity": "pareto",
        "data-minimisation": "learning-curve",
        "location": None,
    }


def test_empty_period_is_a_valid_report(shared_store: Store) -> None:
    r = alg_report(shared_store, period="2025")
    assert r.empty and r.footprint.runs == 0
    assert all(f.value is None for f in r.footprint.totals.values())


def test_unregistered_algorithm_with_runs_is_reported_and_said(shared_store: Store) -> None:
    r = alg_report(shared_store, algorithm="adhoc-script", period=None)
    assert r.algorithm is not None and not r.algorithm.registered
    assert r.footprint.runs == 3 and r.measures == []
    assert any("algoprint algorithm add adhoc-script" in x for x in r.gaps.remarks)


def test_unknown_algorithm_is_not_found(shared_store: Store) -> None:
    with pytest.raises(NotFound) as info:
        alg_report(shared_store, algorithm="nope")
    assert info.value.hint and "algoprint runs" in info.value.hint


def test_algorithm_and_organisation_together_is_an_error(shared_store: Store) -> None:
    with pytest.raises(InputError):
        alg_report(shared_store, organisation="Gemeente Voorbeeld")


def test_unsupported_language(shared_store: Store) -> None:
    with pytest.raises(InputError):
        alg_report(shared_store, lang="fr")


def test_organisation_report(shared_store: Store) -> None:
    r = build_report(
        shared_store,
        organisation="Gemeente Voorbeeld",
        period="2026",
        settings_extra=SAMPLE_SETTINGS_EXTRA,
        now=NOW,
        lang="en",
    )
    org = r.organisation
    assert org is not None and r.scope == "organisation"
    assert [b.key for b in org.algorithms] == ["fraude-risico", "chatbot"]
    assert [b.key for b in org.quarters] == ["2026-Q3"]
    labels = {d["label"]: d for d in org.datacentres}
    assert labels["rijks-dc"]["dcie_ok"] is True
    assert labels["gcp:europe-west4"]["dcie_ok"] is None  # a default PUE is no evidence
    assert org.dcie_ok_share is not None and 0.9 < org.dcie_ok_share < 1
    assert org.goals is not None and org.goals["target_year"] == 2030
    assert {row["algorithm"] for row in org.board} == {"fraude-risico", "chatbot"}


def test_whole_store_report_includes_unregistered_runs(shared_store: Store) -> None:
    r = build_report(shared_store, settings_extra=SAMPLE_SETTINGS_EXTRA, now=NOW)
    assert r.organisation is not None
    assert "adhoc-script" in {b.key for b in r.organisation.algorithms}
    assert r.footprint.runs == 69


def test_unknown_organisation_names_the_known_ones(shared_store: Store) -> None:
    with pytest.raises(NotFound) as info:
        build_report(shared_store, organisation="Elders", settings_extra=SAMPLE_SETTINGS_EXTRA)
    assert info.value.hint and "Gemeente Voorbeeld" in info.value.hint
