"""Model cards (Hugging Face ``co2_eq_emissions``), BoAmps training fields and the CSRD scope-3
category-3 datapoint (algoprint.exchange.model_card, .boamps, .csrd)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from algoprint.errors import InputError
from algoprint.exchange.boamps import export_boamps
from algoprint.exchange.csrd import csrd_datapoints
from algoprint.exchange.model_card import export_model_card
from algoprint.impact.model import Impact
from algoprint.report._build import compute_runs
from algoprint.report.sample import SAMPLE_SETTINGS_EXTRA
from algoprint.store import Store
from algoprint.tracking.record import RunRecord

X = SAMPLE_SETTINGS_EXTRA


def _training(store: Store) -> RunRecord:
    return next(r for r in store.list_runs(algorithm="fraude-risico") if r.phase == "training")


def test_model_card_block_follows_hugging_face(shared_store: Store) -> None:
    run = _training(shared_store)
    text = export_model_card(
        shared_store, run_id=run.run_id, training_type="fine-tuning", settings_extra=X
    ).decode()
    assert text.startswith("---\n") and text.endswith("---\n")
    block = yaml.safe_load(text.strip("-\n"))["co2_eq_emissions"]
    assert list(block) == [
        "emissions",
        "source",
        "training_type",
        "geographical_location",
        "hardware_used",
    ]
    items, _, _, _ = compute_runs(shared_store, algorithm="fraude-risico", settings_extra=X)
    item = next(i for i in items if i.run.run_id == run.run_id)
    grams = item.doc.get("co2e_location_g").value  # type: ignore[union-attr]
    assert block["emissions"] == pytest.approx(grams, abs=1e-3)  # grams, as HF asks
    assert block["training_type"] == "fine-tuning"
    assert "algoprint" in block["source"] and run.run_id in block["source"]
    assert block["hardware_used"] == "1 x GPU nvidia:0, 1 x Sample Xeon"
    assert block["geographical_location"]


def test_model_card_refuses_what_it_cannot_say(shared_store: Store) -> None:
    use = next(r for r in shared_store.list_runs(algorithm="chatbot"))
    with pytest.raises(InputError, match="not training"):
        export_model_card(shared_store, run_id=use.run_id, settings_extra=X)
    run = _training(shared_store)
    doc = json.loads(
        export_model_card(shared_store, run_id=run.run_id, fmt="json", settings_extra=X)
    )
    assert "training_type" not in doc["co2_eq_emissions"]  # not tagged, not invented
    with pytest.raises(InputError, match="unknown format"):
        export_model_card(shared_store, run_id=run.run_id, fmt="xml")


def test_model_card_cli(shared_store: Store, tmp_path: Path) -> None:
    from algoprint.cli.export_cmd import export

    run = _training(shared_store)
    db = str(shared_store.url).removeprefix("sqlite:///")
    out = tmp_path / "card.md"
    args = ["model-card", "--run", run.run_id, "--db", db, "-o", str(out)]
    result = CliRunner().invoke(export, [*args, "--training-type", "pre-training"])
    assert result.exit_code == 0, result.output
    assert "training_type: pre-training" in out.read_text(encoding="utf-8")


def test_boamps_training_fields_from_tags(fresh_store: Store) -> None:
    run = _training(fresh_store)
    tagged = run.replace(
        tags={"training_type": "fine-tuning", "framework": "pytorch", "epochs": "3"}
    )
    fresh_store.save_run(tagged)
    doc = json.loads(export_boamps(fresh_store, run_id=run.run_id, settings_extra=X))
    alg = doc["task"]["algorithms"][0]
    assert doc["task"]["taskStage"] == "training"
    assert (alg["trainingType"], alg["framework"], alg["epochsNumber"]) == (
        "fine-tuning",
        "pytorch",
        3,
    )


def test_csrd_scope3_category3_from_the_impact_layer(shared_store: Store) -> None:
    items, engine, _, _ = compute_runs(shared_store, algorithm="fraude-risico", settings_extra=X)
    c3 = {p.paragraph: p for p in csrd_datapoints(items, engine)}["51 (category 3)"]
    assert c3.element == "esrs:GrossScope3GreenhouseGasEmissions" and c3.unit == "tCO2e"
    if c3.value is None:  # an impact layer without well-to-tank factors: empty, with why
        assert any("well-to-tank" in r for r in c3.reasons)
    for item in items:  # what the impact layer gives when it has a well-to-tank factor
        if item.doc is not None:
            item.doc.impacts["co2e_market_wtt_g"] = Impact(10.0, 8.0, 12.0, "g", "test", ())
    points = {p.paragraph: p for p in csrd_datapoints(items, engine)}
    filled = points["51 (category 3)"]
    assert filled.runs_counted > 0
    assert filled.value == pytest.approx(filled.runs_counted * 10.0 / 1e6)
    assert {"49(a)", "49(b)", "51 (category 1)", "51 (category 2)"} <= set(points)
