"""Automatic evidence rules on fixture stores; the rule registry for plug-ins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from algoprint.errors import ImpactError
from algoprint.kader.evidence import (
    Evidence,
    EvidenceContext,
    evaluate_algorithm,
    phase_class,
    register_rule,
    rules_for,
    unregister_rule,
)
from algoprint.kader.register import get_algorithm
from algoprint.records import ANALYSIS_KINDS, AnalysisRecord
from algoprint.store import Store
from algoprint.tracking.record import RunStatus
from tests.register._fixtures import NOW, register, run, store_fixture  # noqa: F401

DC_EXTRA = {
    "datacentres": {
        "groen-dc": {"zone": "NL", "pue": 1.3, "ref": 0.9},
        "oud-dc": {"zone": "NL", "pue": 2.5, "ref": 0.9},
        "grijs-dc": {"zone": "NL", "pue": 1.2},
    }
}


def _report(
    store: Store, kind: str = "monitoring-report", days_ago: int = 5, alg: str = "churn"
) -> AnalysisRecord:
    record = AnalysisRecord(
        kind=kind,
        algorithm=alg,
        title=kind,
        result={},
        created_at=(NOW - timedelta(days=days_ago)).isoformat(),
    )
    store.save_analysis(record)
    return record


def _mon06(store: Store) -> tuple[bool, str]:
    found = evaluate_algorithm(store, get_algorithm(store, "churn"), now=NOW)["mon-06"]
    return found.supported, found.evidence[0].summary_en


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("training", "training"),
        ("Train", "training"),
        ("inference", "use"),
        ("scoring", "use"),
        ("eval", None),
        (None, None),
    ],
)
def test_phase_class(name: str | None, expected: str | None) -> None:
    assert phase_class(name) == expected


def test_mon06_training_and_use_within_90_days_and_report_is_supported(store: Store) -> None:
    register(store)
    store.save_run(run("t1", phase="training", days_ago=10))
    store.save_run(run("u1", phase="inference", days_ago=80))
    report = _report(store)
    supported, text = _mon06(store)
    assert supported, text
    found = evaluate_algorithm(store, get_algorithm(store, "churn"), now=NOW)["mon-06"]
    refs = {i.ref for i in found.evidence[0].items}
    assert {"t1", "u1", report.analysis_id} <= refs
    assert found.label("nl") == "onderbouwd met data"


def test_mon06_only_training_is_not_yet_supported(store: Store) -> None:
    register(store)
    store.save_run(run("t1", phase="training"))
    store.save_run(run("t2", phase="training"))
    _report(store)
    supported, text = _mon06(store)
    assert not supported
    assert "no use (inference) run" in text


def test_mon06_without_report_is_not_yet_supported(store: Store) -> None:
    register(store)
    store.save_run(run("t1", phase="training"))
    store.save_run(run("u1", phase="predict"))
    supported, text = _mon06(store)
    assert not supported and "no monitoring report" in text


def test_mon06_old_and_running_runs_do_not_count(store: Store) -> None:
    register(store)
    store.save_run(run("t1", phase="training", days_ago=5))
    store.save_run(run("u-old", phase="inference", days_ago=91))
    store.save_run(run("u-live", phase="inference", status=RunStatus.RUNNING))
    store.save_run(run("u-other", phase="inference", algorithm="other"))
    _report(store)
    assert not _mon06(store)[0]


def test_mon06_phase_windows_inside_a_run_count(store: Store) -> None:
    register(store)
    store.save_run(run("both", phase=None, phases=["training", "inference"]))
    _report(store)
    assert _mon06(store)[0]


@pytest.mark.parametrize(
    ("datacentre", "contract", "supported", "text"),
    [
        ("groen-dc", None, True, "PUE 1.3"),
        ("oud-dc", None, False, "below 50 %"),
        ("grijs-dc", None, False, "no renewable share"),
        ("grijs-dc", "groen-gvo", True, "contract groen-gvo"),
    ],
)
def test_dat06_datacentre_profile(
    store: Store, datacentre: str, contract: str | None, supported: bool, text: str
) -> None:
    register(store, datacentre=datacentre, contract=contract, settings_extra=DC_EXTRA)
    alg = get_algorithm(store, "churn")
    found = evaluate_algorithm(store, alg, now=NOW, settings_extra=DC_EXTRA)["dat-06"]
    assert found.supported is supported
    assert text in found.evidence[0].summary_en


def test_dat06_zone_only_is_not_yet_but_a_location_analysis_is(store: Store) -> None:
    register(store, zone="NL")
    alg = get_algorithm(store, "churn")
    found = evaluate_algorithm(store, alg, now=NOW)["dat-06"]
    assert not found.supported and "PUE/DCiE" in found.evidence[0].summary_en
    _report(store, "location", days_ago=100)
    assert evaluate_algorithm(store, alg, now=NOW)["dat-06"].supported


def test_dat06_unresolvable_location_is_reported_not_raised(store: Store) -> None:
    register(store, datacentre="groen-dc", settings_extra=DC_EXTRA)
    found = evaluate_algorithm(store, get_algorithm(store, "churn"), now=NOW, settings_extra={})
    assert not found["dat-06"].supported
    assert "does not resolve" in found["dat-06"].evidence[0].summary_en


@pytest.mark.parametrize(
    "kind", sorted(k for k, m in ANALYSIS_KINDS.items() if m not in {"mon-06", "dat-06"})
)
def test_analysis_rules(store: Store, kind: str) -> None:
    code = ANALYSIS_KINDS[kind]
    register(store)
    alg = get_algorithm(store, "churn")
    _report(store, kind, days_ago=400)
    _report(store, kind, days_ago=1, alg="other")
    assert not evaluate_algorithm(store, alg, now=NOW)[code].supported
    recent = _report(store, kind, days_ago=364)
    found = evaluate_algorithm(store, alg, now=NOW)[code]
    assert found.supported
    assert [i.ref for i in found.evidence[0].items] == [recent.analysis_id]


@dataclass(frozen=True)
class _AlwaysRule:
    measure: str = "owp-13"
    name: str = "owp-13/test"

    def evaluate(self, ctx: EvidenceContext) -> Evidence:
        return Evidence(self.measure, self.name, True, "ja", "yes")


@dataclass(frozen=True)
class _BrokenRule:
    measure: str = "owk-05"
    name: str = "owk-05/broken"

    def evaluate(self, ctx: EvidenceContext) -> Evidence:
        raise ImpactError("factor table missing")


def test_plugged_in_rules(store: Store) -> None:
    register(store)
    alg = get_algorithm(store, "churn")
    always, broken = _AlwaysRule(), _BrokenRule()
    assert not evaluate_algorithm(store, alg, now=NOW)["owp-13"].supported
    register_rule(always)
    register_rule(always)
    register_rule(broken)
    try:
        assert rules_for("owp-13").count(always) == 1
        found = evaluate_algorithm(store, alg, now=NOW)
        assert found["owp-13"].supported
        assert not found["owk-05"].supported
        assert "factor table missing" in found["owk-05"].evidence[-1].summary_en
    finally:
        unregister_rule(always)
        unregister_rule(broken)
    assert always not in rules_for("owp-13")


def test_register_rule_refuses_unknown_measure() -> None:
    from algoprint.errors import InputError

    with pytest.raises(InputError, match="unknown Algoritmekader"):
        register_rule(_AlwaysRule(measure="xyz-01"))
    with pytest.raises(InputError, match="not an evidence rule"):
        register_rule(object())  # type: ignore[arg-type]
