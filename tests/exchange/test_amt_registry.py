"""AMT and task-registry export/import round trips, schema checks, Algoritmeregister text
(algoprint.exchange.amt, .task_registry, .algoritmeregister)."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from algoprint.errors import InputError
from algoprint.exchange._amt_common import AmtSettings
from algoprint.exchange.amt import AMT_STATES, export_amt, import_amt
from algoprint.exchange.task_registry import (
    export_task_registry,
    import_task_registry,
    task_registry_measure,
)
from algoprint.kader.assessments import get_assessment, history, set_assessment
from algoprint.kader.catalogue import MEASURE_CODES
from algoprint.kader.register import list_algorithms
from algoprint.store import Store
from tests.register._fixtures import NOW, register, run, store_fixture  # noqa: F401

ADA = "0c6a1f3e-8b2d-4f5a-9e7c-1d2b3a4c5e6f"
PIET = "92714be3-f798-4461-ba83-55d6cfd889a6"
SCHEMA = Path(__file__).parents[1] / "register" / "fixtures" / "schema_measures.json"


def _errors(value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """The draft-07 keywords the task-registry schema uses (type, required, properties,
    items, enum, const, pattern, additionalProperties)."""
    types = {"object": dict, "array": list, "string": str}
    out: list[str] = []
    expected = schema.get("type")
    if expected and not isinstance(value, types[expected]):
        return [f"{path}: expected {expected}"]
    if "const" in schema and value != schema["const"]:
        out.append(f"{path}: not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: {value!r} not in enum")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        out.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, dict):
        out += [f"{path}.{k}: required" for k in schema.get("required", []) if k not in value]
        props = schema.get("properties", {})
        for k, v in value.items():
            if k in props:
                out += _errors(v, props[k], f"{path}.{k}")
            elif isinstance(schema.get("additionalProperties"), dict):
                out += _errors(v, schema["additionalProperties"], f"{path}.{k}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            out += _errors(item, schema["items"], f"{path}[{i}]")
    return out


def _fill(store: Store) -> None:
    register(
        store,
        organisation="BZK",
        lifecycle_phase="monitoring-en-beheer",
        owners={"projectleider": ("Piet",), "ontwikkelaar": ("Ada",)},
        zone="NL",
    )
    register(store, "other", name="Other model")
    set_assessment(
        store,
        "churn",
        "mon-06",
        state="gereed",
        note="Maandelijks rapport",
        responsible="Ada",
        reviewer="Piet",
        links=["https://example.nl/rapport"],
        by="ada",
        now=NOW,
    )
    set_assessment(
        store, "churn", "owp-12", state="niet-van-toepassing", reason="Zelf gebouwd", now=NOW
    )
    set_assessment(store, "other", "dat-06", state="in review", by="piet", now=NOW)


def _fresh(tmp_path: Path, name: str) -> Store:
    return Store(url=f"sqlite:///{tmp_path / name}").open()


def test_task_registry_measures_validate_against_the_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    for code in MEASURE_CODES:
        doc = task_registry_measure(code)
        assert _errors(doc, schema) == [], code
    broken = task_registry_measure("mon-06")
    del broken["explanation"]
    broken["urn"] = "urn:x"
    assert len(_errors(broken, schema)) == 2  # the validator can fail


def test_amt_shape(store: Store) -> None:
    _fill(store)
    doc = export_amt(store)
    churn = next(a for a in doc["algorithms"] if a["name"] == "Churn model")
    assert [t["urn"] for t in churn["measures"]] == [f"urn:nl:ak:mtr:{c}" for c in MEASURE_CODES]
    mon = next(t for t in churn["measures"] if t["urn"].endswith("mon-06"))
    assert mon["state"] == "done" and mon["value"] == "Maandelijks rapport"
    assert mon["version"] == "1.1.0" and mon["links"] == ["https://example.nl/rapport"]
    assert mon["responsible_persons"] == [] and mon["accountable_persons"] == []  # no uuids
    mapped = export_amt(store, settings=AmtSettings(users={"Ada": ADA, "Piet": PIET}))
    churn = next(a for a in mapped["algorithms"] if a["name"] == "Churn model")
    mon = next(t for t in churn["measures"] if t["urn"].endswith("mon-06"))
    assert mon["responsible_persons"] == [{"name": "Ada", "uuid": ADA}]
    assert mon["accountable_persons"] == [{"name": "Piet", "uuid": PIET}]
    owp12 = next(t for t in churn["measures"] if t["urn"].endswith("owp-12"))
    assert owp12["value"] == "Zelf gebouwd"  # the reason reaches AMT
    assert set(AMT_STATES.values()) == {
        "to do",
        "in progress",
        "in review",
        "done",
        "not implemented",
    }
    states = {t["urn"][-6:]: t["state"] for t in churn["measures"]}
    assert states["owp-12"] == "not implemented" and states["owp-13"] == "to do"


@pytest.mark.parametrize(
    ("export", "load"),
    [(export_amt, import_amt), (export_task_registry, import_task_registry)],
    ids=["amt", "task-registry"],
)
def test_export_import_export_round_trip(
    store: Store, tmp_path: Path, export: Any, load: Any
) -> None:
    _fill(store)
    first = json.loads(json.dumps(export(store)))
    empty = _fresh(tmp_path, "empty.sqlite")
    try:
        counts = load(empty, first, by="importer")
        assert counts == {"algorithms_added": 2, "assessments": 3}
        assert export(empty) == first
        assert get_assessment(empty, "churn", "owp-12").reason == "Zelf gebouwd"
        assert history(empty, "churn")[0].changed_by == "importer"
        assert {a.slug for a in list_algorithms(empty)} == {"churn", "other"}
    finally:
        empty.close()


def test_task_registry_system_card_entries_follow_the_template(store: Store) -> None:
    _fill(store)
    doc = export_task_registry(store, algorithm="churn")
    (alg,) = doc["algorithms"]
    entry = next(
        e for e in alg["systemcard"]["requirements"] if e["requirement"].endswith("mon-06")
    )
    template = task_registry_measure("mon-06")["template"]
    assert set(entry) == set(template)
    assert entry["status"] == "done" and entry["authors"][0]["name"] == "ada"
    assert len(doc["measures"]) == 7


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="other"), "not an algoprint/amt-measures document"),
        (
            lambda d: d["algorithms"][0]["measures"][0].update(urn="urn:nl:ak:mtr:xyz-01"),
            "unknown Algoritmekader",
        ),
        (lambda d: d["algorithms"][0]["measures"][6].update(state="finished"), "unknown state"),
        (
            lambda d: d["algorithms"][0]["x_algoprint"]["algorithm"].update(slug="Bad Slug"),
            "invalid algorithm slug",
        ),
    ],
)
def test_bad_import_writes_nothing(store: Store, tmp_path: Path, change: Any, message: str) -> None:
    _fill(store)
    doc = copy.deepcopy(export_amt(store))
    change(doc)
    empty = _fresh(tmp_path, "empty.sqlite")
    try:
        with pytest.raises(InputError, match=message):
            import_amt(empty, doc)
        assert list_algorithms(empty, include_archived=True) == []
    finally:
        empty.close()


def test_plain_amt_document_without_algoprint_extras(tmp_path: Path) -> None:
    doc = {
        "format": "algoprint/amt-measures",
        "algorithms": [
            {
                "name": "Toeslagen Check",
                "measures": [
                    {"urn": "urn:nl:ak:mtr:owk-05", "state": "in progress", "value": "bezig"},
                    {"urn": "urn:nl:ak:mtr:owp-12", "state": "not implemented"},
                    {"urn": "urn:nl:ak:mtr:owp-13", "state": "to do"},
                ],
            }
        ],
    }
    empty = _fresh(tmp_path, "plain.sqlite")
    try:
        assert import_amt(empty, doc) == {"algorithms_added": 1, "assessments": 2}
        assert get_assessment(empty, "toeslagen-check", "owk-05").note == "bezig"
        assert get_assessment(empty, "toeslagen-check", "owp-12").reason
    finally:
        empty.close()
