"""CSRD (ESRS E1) datapoints, BoAmps documents and the runs export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from algoprint.errors import InputError, NotFound
from algoprint.exchange.boamps import export_boamps
from algoprint.exchange.csrd import SCOPE_NOTE, export_csrd
from algoprint.exchange.runs_csv import export_runs
from algoprint.report import build_report
from algoprint.report.sample import SAMPLE_SETTINGS_EXTRA
from algoprint.store import Store
from tests.exchange.conftest import NOW

X = SAMPLE_SETTINGS_EXTRA


def points(store: Store, **kwargs: object) -> dict[tuple[str, str], dict[str, object]]:
    doc = json.loads(export_csrd(store, settings_extra=X, now=NOW, **kwargs))  # type: ignore[arg-type]
    assert doc["scope_note"] == SCOPE_NOTE and "Not a CSRD report" in doc["scope_note"]
    return {(p["element"], p["paragraph"]): p for p in doc["datapoints"]}


def test_csrd_splits_own_operations_and_cloud(shared_store: Store) -> None:
    dp = points(shared_store, organisation="Gemeente Voorbeeld", period="2026")
    energy = dp[("esrs:EnergyConsumptionRelatedToOwnOperations", "37")]
    cloud = dp[("esrs:GrossScope3GreenhouseGasEmissions", "51 (category 1)")]
    s2 = dp[("esrs:GrossLocationBasedScope2GreenhouseGasEmissions", "49(a)")]
    assert energy["unit"] == "MWh" and s2["unit"] == "tCO2e"
    assert energy["runs_counted"] == 58 and energy["status"] == "partial"
    assert cloud["runs_counted"] == 6 and cloud["status"] == "complete"
    report = build_report(
        shared_store, algorithm="fraude-risico", period="2026", settings_extra=X, now=NOW
    )
    expected = report.footprint.totals["energy_facility_j"].value / 3.6e9  # type: ignore[operator]
    assert energy["value"] == pytest.approx(expected)
    assert dp[("esrs:EnergyConsumptionFromRenewableSources", "37(c)")]["value"] == pytest.approx(
        expected
    )  # groen-gvo contract
    assert dp[("esrs:GrossMarketBasedScope2GreenhouseGasEmissions", "49(b)")]["value"] == 0.0


def test_csrd_says_what_it_cannot_know(shared_store: Store) -> None:
    dp = points(shared_store, algorithm="fraude-risico")
    fossil = dp[("esrs:EnergyConsumptionFromFossilSources", "37(a)")]
    assert fossil["value"] is None and "fuel mix" in str(fossil["note"])
    capital = dp[("esrs:GrossScope3GreenhouseGasEmissions", "51 (category 2)")]
    # GPU runs carry a share of the default GPU archetype; the sample's other runs record no
    # vCPUs or memory, so the figure is partial and says why.
    assert capital["value"] is not None and capital["status"] == "partial"
    assert "share of the machine is unknown" in str(capital["note"])


def test_csrd_csv(shared_store: Store) -> None:
    text = export_csrd(shared_store, fmt="csv", algorithm="chatbot", settings_extra=X).decode()
    lines = text.splitlines()
    assert lines[0].startswith('"# Compute share only')
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[2:]))))
    assert {r["element"] for r in rows} >= {
        "esrs:EnergyConsumptionRelatedToOwnOperations",
        "esrs:GrossMarketBasedScope2GreenhouseGasEmissions",
    }
    assert all(r["unit"] in {"MWh", "tCO2e", "%"} for r in rows)


def test_boamps_documents(shared_store: Store) -> None:
    docs = json.loads(export_boamps(shared_store, algorithm="chatbot", settings_extra=X, now=NOW))
    assert len(docs) == 6
    doc = docs[0]
    assert set(doc) >= {"header", "task", "measures", "infrastructure", "environment", "quality"}
    assert doc["task"]["taskStage"] == "inference" and doc["task"]["nbRequest"] > 0
    assert doc["measures"][0]["unit"] == "kWh" and doc["measures"][0]["powerConsumption"] > 0
    assert doc["infrastructure"]["infraType"] == "publicCloud"
    assert doc["infrastructure"]["cloudProvider"] == "gcp"
    assert doc["environment"]["country"] == "NL"
    assert doc["quality"] == "high"  # ±8 %
    assert doc["header"]["reportDatetime"] == "2026-10-15 00:00:00"


def test_boamps_single_run_and_gap(shared_store: Store) -> None:
    gap = next(
        r
        for r in shared_store.list_runs(algorithm="fraude-risico")
        if r.energy_j is None and r.status.value != "running"
    )
    doc = json.loads(export_boamps(shared_store, run_id=gap.run_id[:10], settings_extra=X))
    assert doc["header"]["reportId"] == gap.run_id
    assert doc["measures"][0]["powerConsumption"] is None
    assert "meter gap" in doc["task"]["taskDescription"]
    assert doc["infrastructure"]["infraType"] == "onPremise"


def test_runs_export(shared_store: Store) -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(export_runs(shared_store, algorithm="chatbot", settings_extra=X).decode())
        )
    )
    assert len(rows) == 6 and all(float(r["co2e_location_g"]) > 0 for r in rows)
    doc = json.loads(export_runs(shared_store, fmt="json", algorithm="chatbot", settings_extra=X))
    assert len(doc["runs"]) == 6 and doc["factor_version"]


@pytest.mark.parametrize(
    "call",
    [
        lambda s: export_runs(s, fmt="xlsx"),
        lambda s: export_csrd(s, fmt="xml"),
        lambda s: export_csrd(s, algorithm="chatbot", organisation="Gemeente Voorbeeld"),
        lambda s: export_runs(s, period="2026-Q9"),
    ],
)
def test_export_input_errors(shared_store: Store, call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError):
        call(shared_store)


def test_export_unknown_algorithm(shared_store: Store) -> None:
    with pytest.raises(NotFound):
        export_boamps(shared_store, algorithm="nope")


@pytest.mark.parametrize(
    ("status", "report_status"),
    [("stopped-by-budget", "final"), ("interrupted", "draft"), ("completed", "final")],
)
def test_boamps_report_status_of_a_budget_stop(
    shared_store: Store, tmp_path: Path, status: str, report_status: str
) -> None:
    # A run its energy budget stopped ended as intended: a final report, unlike an interruption.
    from algoprint.tracking.record import RunStatus

    done = next(r for r in shared_store.list_runs() if r.status.value == "completed")
    with Store(url=f"sqlite:///{tmp_path}/one.sqlite") as store:
        store.save_run(done.replace(status=RunStatus(status)))
        doc = json.loads(export_boamps(store, run_id=done.run_id, settings_extra=X))
    assert doc["header"]["reportStatus"] == report_status
