"""The AMT system card: AMT's download -> pull -> export gives the same measures
(algoprint.exchange.amt_card)."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from algoprint.errors import InputError
from algoprint.exchange._amt_common import AMT_LIFECYCLES, AmtSettings, amt_settings
from algoprint.exchange.amt_card import card_kind, export_card, load_document, pull_card
from algoprint.kader.assessments import get_assessment, history, set_assessment
from algoprint.kader.catalogue import MEASURE_CODES
from algoprint.kader.register import get_algorithm, list_algorithms
from algoprint.store import Store
from tests.register._fixtures import NOW, register, store_fixture  # noqa: F401

FIXTURE = Path(__file__).with_name("fixtures") / "amt_system_card.yaml"
ADA = "0c6a1f3e-8b2d-4f5a-9e7c-1d2b3a4c5e6f"
PIET = "92714be3-f798-4461-ba83-55d6cfd889a6"
USERS = AmtSettings(users={"Ada de Vries": ADA, "Piet Jansen": PIET})
OURS = tuple(f"urn:nl:ak:mtr:{c}" for c in MEASURE_CODES)


def _card() -> dict[str, Any]:
    doc = load_document(FIXTURE.read_text(encoding="utf-8"), str(FIXTURE))
    kind, card = card_kind(doc)
    assert kind == "card"
    return dict(card)


def _task(urn: str, state: str, value: str = "", links: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "urn": urn,
        "state": state,
        "value": value,
        "links": list(links),
        "files": [],
        "version": "1.1.0",
        "accountable_persons": [],
        "reviewer_persons": [],
        "responsible_persons": [],
        "lifecycle": [],
    }


def _ours(card: dict[str, Any]) -> dict[str, tuple[str, str, list[str]]]:
    return {
        t["urn"]: (t["state"], t["value"], t["links"])
        for t in card["measures"]
        if t["urn"] in OURS and t["state"] != "to do"
    }


def test_round_trip_of_amts_download(store: Store) -> None:
    card = _card()
    result = pull_card(store, card, settings=USERS, by="tester", now=NOW)
    assert (result.algorithm, result.algorithm_added) == ("churn-model", True)
    assert (result.assessments, result.other_measures, result.not_set) == (1, 3, 0)
    assert result.algorithm_fields == ["description", "lifecycle_phase", "organisation"]
    alg = get_algorithm(store, "churn-model")
    assert (
        alg.organisation == "Ministerie van BZK" and alg.lifecycle_phase == "monitoring-en-beheer"
    )
    assert alg.owners["projectleider"] == ("Piet Jansen",)
    x = get_assessment(store, "churn-model", "owp-12")
    assert (x.state, x.responsible) == ("in-uitvoering", "Ada de Vries")
    out, notes = export_card(store, "churn-model", USERS)
    assert notes == []
    assert _ours(out) == _ours(card)
    owp12 = next(t for t in out["measures"] if t["urn"].endswith("owp-12"))
    src = next(t for t in card["measures"] if t["urn"].endswith("owp-12"))
    for key in ("responsible_persons", "accountable_persons", "version", "lifecycle"):
        assert owp12[key] == src[key], key
    assert (out["status"], out["description"]) == (card["status"], card["description"])
    assert out["owners"][0]["organization"] == "Ministerie van BZK"
    again = pull_card(store, yaml.safe_load(yaml.safe_dump(out)), settings=USERS, now=NOW)
    assert (again.assessments, again.unchanged) == (0, 1)  # nothing new: no history noise
    assert len(history(store, "churn-model")) == 1


def test_round_trip_of_all_seven_measures(store: Store) -> None:
    """A card as AMT would hold it once all seven are linked (the proposal)."""
    card = _card()
    states = ["to do", "in progress", "in review", "done", "not implemented", "done", "in review"]
    card["measures"] = [
        _task(urn, s, f"Toelichting {i}" if s != "to do" else "", (f"https://x.nl/{i}",))
        for i, (urn, s) in enumerate(zip(OURS, states, strict=True))
    ]
    result = pull_card(store, card, algorithm="churn", now=NOW)
    assert result.assessments == 7
    out, _ = export_card(store, "churn")
    assert _ours(out) == _ours(card)
    assert get_assessment(store, "churn", MEASURE_CODES[4]).reason == "Toelichting 4"


def test_empty_state_is_not_set_and_never_overwrites(store: Store) -> None:
    register(store)
    set_assessment(store, "churn", "mon-06", state="gereed", note="Rapport", now=NOW)
    set_assessment(store, "churn", "owp-13", state="ter-review", now=NOW)
    card = {
        "name": "Churn model",
        "measures": [
            _task("urn:nl:ak:mtr:mon-06", ""),  # empty: not set
            _task("urn:nl:ak:mtr:owp-13", "to do"),  # AMT's default, nothing filled in
            _task("urn:nl:ak:mtr:owk-05", "done", ""),  # empty value keeps algoprint's note
        ],
    }
    result = pull_card(store, card, algorithm="churn", now=NOW)
    assert (result.not_set, result.assessments) == (2, 1)
    assert get_assessment(store, "churn", "mon-06").state == "gereed"
    assert get_assessment(store, "churn", "mon-06").note == "Rapport"
    assert get_assessment(store, "churn", "owp-13").state == "ter-review"
    assert get_assessment(store, "churn", "owk-05").state == "gereed"


@pytest.mark.parametrize("shape", ["json", "wrapped", "yaml"])
def test_json_yaml_and_wrapped_cards_are_recognised(shape: str) -> None:
    card = _card()
    text = {
        "json": json.dumps(card),
        "wrapped": json.dumps({"id": 3, "name": "x", "system_card": card}),
        "yaml": yaml.safe_dump(card),
    }[shape]
    kind, found = card_kind(load_document(text, "card"))
    assert kind == "card" and found["name"] == "Churn model"


def test_export_never_writes_an_empty_uuid(store: Store) -> None:
    register(store, owners={"projectleider": ("Piet Jansen",)})
    set_assessment(store, "churn", "owp-12", state="gereed", responsible="Ada de Vries", now=NOW)
    set_assessment(store, "churn", "mon-06", state="gereed", reviewer="Onbekend", now=NOW)
    card, notes = export_card(store, "churn", USERS)
    persons = [
        p
        for t in card["measures"]
        for k in ("accountable_persons", "reviewer_persons", "responsible_persons")
        for p in t[k]
    ]
    assert persons and all(str(uuid.UUID(p["uuid"])) == p["uuid"] for p in persons)
    assert {p["name"] for p in persons} == {"Ada de Vries", "Piet Jansen"}
    assert notes == [
        "Onbekend: left out of the persons (no AMT user uuid for this name in [amt.users])"
    ]
    assert card["measures"][0]["version"] == "1.1.0"
    # only fields AMT's schema has (MeasureTask, Owner, SystemCard in amt/schema/)
    task_fields = {"urn", "state", "value", "links", "files", "version", "lifecycle"}
    task_fields |= {"accountable_persons", "reviewer_persons", "responsible_persons"}
    assert all(set(t) == task_fields for t in card["measures"])
    assert all(set(o) <= {"oin", "organization", "name", "email", "role"} for o in card["owners"])
    assert set(card) <= {"name", "owners", "description", "status", "measures"}


def test_lifecycle_and_states_in_amts_vocabulary(store: Store) -> None:
    register(store, lifecycle_phase="ontwerp", organisation="BZK")
    set_assessment(store, "churn", "dat-06", state="niet-van-toepassing", reason="Geen DC")
    card, _ = export_card(store, "churn")
    assert card["status"] == "DESIGN" and card["status"] in AMT_LIFECYCLES
    dat06 = next(t for t in card["measures"] if t["urn"].endswith("dat-06"))
    assert (dat06["state"], dat06["value"]) == ("not implemented", "Geen DC")


def _bad(change: Any) -> dict[str, Any]:
    card = copy.deepcopy(_card())
    change(card)
    return card


@pytest.mark.parametrize(
    ("card", "message"),
    [
        (_bad(lambda c: c["measures"][2].update(version="2.0.0")), "schema version '2.0.0'"),
        (_bad(lambda c: c["measures"][2].update(state="finished")), "unknown AMT state"),
        (_bad(lambda c: c.update(status="LATER")), "unknown AMT lifecycle"),
        (_bad(lambda c: c.update(measures=[])), "the card has no measures"),
        (_bad(lambda c: c.update(measures="x")), "measures must be a list"),
    ],
)
def test_bad_cards_write_nothing(store: Store, card: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        pull_card(store, card, now=NOW)
    assert list_algorithms(store, include_archived=True) == []


def test_other_documents_are_refused_with_the_fix() -> None:
    with pytest.raises(InputError, match="not an AMT system card"):
        card_kind({"title": "Test 1"})
    with pytest.raises(InputError, match="as JSON or YAML"):
        load_document("{not json", "x.json")


def test_persons_without_uuid_are_kept_by_name_with_a_note(store: Store) -> None:
    card = _card()
    task = next(t for t in card["measures"] if t["urn"].endswith("owp-12"))
    task["responsible_persons"] = [{"name": "Zonder Uuid", "uuid": ""}]
    result = pull_card(store, card, now=NOW)
    assert get_assessment(store, "churn-model", "owp-12").responsible == "Zonder Uuid"
    assert any("no AMT user uuid" in n for n in result.notes)


def test_amt_settings_checks_uuids_and_keys() -> None:
    ok = amt_settings({"amt": {"users": {"Ada": ADA}}, "env": {"amt_session": "abc"}})
    assert ok.users == {"Ada": ADA} and ok.session_cookie == "abc"
    from algoprint.errors import ConfigError

    with pytest.raises(ConfigError, match="is not a uuid"):
        amt_settings({"amt": {"users": {"Ada": ""}}})
    with pytest.raises(ConfigError, match="unknown setting"):
        amt_settings({"amt": {"cookie": "x"}})


def test_one_amt_export_behind_three_commands(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from algoprint.cli.app import cli

    db = str(tmp_path / "runs.sqlite")
    with Store(url=f"sqlite:///{db}") as store:
        register(store, organisation="BZK", lifecycle_phase="implementatie")
        set_assessment(store, "churn", "owp-12", state="gereed", note="Eisen", now=NOW)

    def out(*args: str) -> str:
        result = CliRunner().invoke(cli, [*args, "--db", db])
        assert result.exit_code == 0, result.output
        return result.stdout

    assert "Algoritme Management Toolkit" in out("export", "amt", "--help")
    card = out("amt", "export", "-a", "churn")
    assert out("export", "amt", "-a", "churn") == card
    assert yaml.safe_load(card)["status"] == "IMPLEMENTATION"
    envelope = out("amt", "export", "--format", "envelope")
    assert out("kader", "export", "--format", "amt") == envelope
    assert json.loads(envelope)["format"] == "algoprint/amt-measures"
    refused = CliRunner().invoke(cli, ["amt", "export", "--db", db])
    assert isinstance(refused.exception, InputError) and "one algorithm" in str(refused.exception)
