"""Algoritmeregister texts: API field names, length limits, plain Dutch at B1 level
(algoprint.exchange.algoritmeregister)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from algoprint.exchange.algoritmeregister import (
    FIELD_LIMITS,
    algoritmeregister_text,
    readable_amount,
)
from algoprint.kader.assessments import set_assessment
from algoprint.kader.catalogue import MEASURE_CODES
from algoprint.store import Store
from algoprint.tracking.record import ComponentRecord
from tests.register._fixtures import NOW, register, run, store_fixture  # noqa: F401

YEAR = NOW.year - 1
# Words a B1 reader does not know and the texts must not use (jargon of the field).
JARGON = ("scope", "location-based", "market-based", "emissiefactor", "gvo", "pue", "joule")
MAX_WORDS = 25  # words per sentence: a common bound for B1 texts


def _when(month: int) -> str:
    return datetime(YEAR, month, 1, tzinfo=UTC).isoformat()


def _check_plain(text: str, limit: int) -> None:
    assert len(text) <= limit
    assert not re.search(r"\d[eE][+-]?\d", text), text  # no exponent notation
    assert not re.search(r"CO2(?!e)", text), text  # CO2e, never bare CO2
    assert not re.search(r"\bmWh\b|\bmg\b|\bJ\b", text), text  # no units smaller than people know
    for sentence in re.split(r"(?<=[.:?!])\s+", text):
        assert len(sentence.split()) <= MAX_WORDS, sentence
    lowered = text.lower()
    for word in JARGON:
        assert not re.search(rf"\b{re.escape(word)}\b", lowered), word
    assert not re.search(r"\d\.\d{1,2}\b(?!\.)", text.replace("v2.5.1", "")), text  # 1,5 not 1.5


def test_fields_by_api_name_with_figures(store: Store) -> None:
    register(store, zone="NL", owners={"projectleider": ("Piet",)})
    set_assessment(store, "churn", "mon-06", state="gereed", now=NOW)
    set_assessment(store, "churn", "owp-12", state="niet-van-toepassing", reason="Zelf gebouwd")
    store.save_run(run("t", phase="training", started_at=_when(2)))
    store.save_run(run("u", phase="inference", started_at=_when(3)))
    texts = algoritmeregister_text(store, "churn", now=NOW)
    assert set(texts) == {"proportionality", "methods_and_models"}
    prop, werking = texts["proportionality"], texts["methods_and_models"]
    assert "versie v2.5.1" in prop and "1 gereed" in prop and "De reden: Zelf gebouwd." in prop
    assert f"in {YEAR} 2 kWh stroom" in werking
    assert "1 kWh voor het trainen en 1 kWh voor het gebruik" in werking
    assert "kg CO2e" in werking or "gram CO2e" in werking
    assert "NL" in werking and "naar schatting" in werking  # CO2e is always modelled
    for field, text in texts.items():
        _check_plain(text, FIELD_LIMITS[field])


def test_green_contract_zero_always_with_its_caveat(store: Store) -> None:
    register(store, zone="NL", contract="groen-gvo")
    store.save_run(run("t", started_at=_when(2)))
    werking = algoritmeregister_text(store, "churn", now=NOW)["methods_and_models"]
    assert "groene stroomcontract is het 0 gram CO2e" in werking
    assert "certificaten voor groene stroom halen geen uitstoot van het stroomnet" in werking
    _check_plain(werking, FIELD_LIMITS["methods_and_models"])
    plain = register(store, "grey", zone="NL", contract="stroom-onbekend")
    store.save_run(run("g", algorithm=plain.slug, started_at=_when(2)))
    grey = algoritmeregister_text(store, "grey", now=NOW)["methods_and_models"]
    assert "certificaten" not in grey and "stroomcontract is het" in grey


def test_modelled_energy_says_estimated(store: Store) -> None:
    register(store, zone="NL")
    part = ComponentRecord("cpu", "package-0", 3.6e6, "model", 0.5)
    store.save_run(run("m", started_at=_when(4), components=[part]))
    werking = algoritmeregister_text(store, "churn", now=NOW)["methods_and_models"]
    assert "naar schatting 1 kWh stroom" in werking and "geschat" in werking
    _check_plain(werking, FIELD_LIMITS["methods_and_models"])


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (0.5, "J", "minder dan 1 Wh"),
        (3.6e3 * 350, "J", "350 Wh"),
        (3.6e6 * 1.234, "J", "1,2 kWh"),
        (3.6e6 * 1234567, "J", "1.234.567 kWh"),
        (0.2, "g", "minder dan 1 gram"),
        (12_345.0, "g", "12 kg"),
        (2.5e9, "g", "2.500 ton"),
        (0.0, "g", "0 gram"),
    ],
)
def test_readable_amounts(value: float, kind: str, expected: str) -> None:
    assert readable_amount(value, kind) == expected


def test_tiny_and_huge_runs_stay_readable(store: Store) -> None:
    register(store, zone="NL")
    store.save_run(run("tiny", started_at=_when(5), energy_j=2.0))
    tiny = algoritmeregister_text(store, "churn", now=NOW)["methods_and_models"]
    assert "minder dan 1 Wh stroom" in tiny and "minder dan 1 gram CO2e" in tiny
    register(store, "big", zone="NL")
    store.save_run(run("huge", algorithm="big", started_at=_when(5), energy_j=3.6e14))
    huge = algoritmeregister_text(store, "big", now=NOW)["methods_and_models"]
    assert "100.000.000 kWh" in huge
    for text in (tiny, huge):
        _check_plain(text, FIELD_LIMITS["methods_and_models"])


def test_long_reasons_stay_within_the_field_limit(store: Store) -> None:
    register(store)
    reason = "Dit geldt niet voor ons. " * 40  # 1000 characters, many short sentences
    for code in MEASURE_CODES:
        set_assessment(store, "churn", code, state="niet-van-toepassing", reason=reason)
    prop = algoritmeregister_text(store, "churn", now=NOW)["proportionality"]
    assert len(prop) <= FIELD_LIMITS["proportionality"]
    assert prop.endswith("Vraag ons om de volledige tekst.")


def test_no_measurements_yet(store: Store) -> None:
    register(store)
    werking = algoritmeregister_text(store, "churn", now=NOW)["methods_and_models"]
    assert "nog geen metingen" in werking
