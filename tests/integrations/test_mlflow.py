"""algoprint.integrations.mlflow against a local file-store MLflow in tmp_path."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import pytest

from algoprint.errors import InputError
from algoprint.integrations import mlflow as ap_mlflow
from algoprint.tracking.tracker import Tracker

from .conftest import burn, make_tracker


@pytest.fixture
def mlflow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    mlflow = pytest.importorskip("mlflow")
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    mlflow.set_tracking_uri((tmp_path / "mlruns").as_uri())
    yield mlflow
    while mlflow.active_run() is not None:
        mlflow.end_run()


def measured(tmp_path: Path) -> Tracker:
    tracker = make_tracker(tmp_path / "runs.sqlite")
    run = tracker.start()
    with run.phase("training"):
        burn(50_000)
    run.add_units(1000, "training-samples")
    tracker.stop()
    return tracker


def test_log_run_metrics_intervals_and_document(mlflow: Any, tmp_path: Path) -> None:
    tracker = measured(tmp_path)
    record = tracker.record
    assert record is not None
    with mlflow.start_run() as active:
        logged = ap_mlflow.log_run(record, location="NL")
    data = mlflow.MlflowClient().get_run(active.info.run_id).data
    assert data.metrics["algoprint.energy_j"] == pytest.approx(record.energy_j)
    assert (
        data.metrics["algoprint.energy_j.low"]
        <= data.metrics["algoprint.energy_j"]
        <= data.metrics["algoprint.energy_j.high"]
    )
    for key in ("co2e_location_g", "co2e_market_g", "water_l", "sci_g_per_unit"):
        assert data.metrics[f"algoprint.{key}"] > 0, key
        assert f"algoprint.{key}.high" in data.metrics
    assert data.metrics["algoprint.phase.training.energy_j"] > 0
    assert data.tags["algoprint.run_id"] == record.run_id
    assert logged["algoprint.energy_j"] == data.metrics["algoprint.energy_j"]
    path = mlflow.artifacts.download_artifacts(
        run_id=active.info.run_id,
        artifact_path=f"algoprint/{record.run_id}.json",
        dst_path=str(tmp_path / "dl"),
    )
    document = json.loads(Path(path).read_text())
    assert document["run"]["run_id"] == record.run_id
    assert document["sci"]["boundary"] == "provider"


def test_autolog_logs_runs_that_stop_inside_an_active_mlflow_run(
    mlflow: Any, tmp_path: Path
) -> None:
    ap_mlflow.autolog(location="NL")
    try:
        with mlflow.start_run() as active:
            measured(tmp_path)
        measured(tmp_path)  # no active MLflow run: nothing logged, nothing raised
    finally:
        ap_mlflow.autolog(disable=True)
    metrics = mlflow.MlflowClient().get_run(active.info.run_id).data.metrics
    assert metrics["algoprint.energy_j"] > 0
    with mlflow.start_run() as after:
        measured(tmp_path)
    assert "algoprint.energy_j" not in mlflow.MlflowClient().get_run(after.info.run_id).data.metrics


def test_no_active_run_is_a_clear_error(mlflow: Any, tmp_path: Path) -> None:
    record = measured(tmp_path).record
    assert record is not None
    with pytest.raises(InputError, match="no active MLflow run"):
        ap_mlflow.log_run(record)


def test_missing_mlflow_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "mlflow", None)  # import mlflow -> ImportError
    record = measured(tmp_path).record
    assert record is not None
    with pytest.raises(InputError) as info:
        ap_mlflow.log_run(record)
    assert "algoprint[mlflow]" in str(info.value)
    with caplog.at_level(logging.WARNING, logger="algoprint"):
        ap_mlflow.autolog()
        ap_mlflow.autolog()
    said = [r for r in caplog.records if "algoprint[mlflow]" in r.getMessage()]
    assert len(said) == 1
