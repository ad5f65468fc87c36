"""The algorithm register: slug rules, validation, edit, archive, ensure_algorithm."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from algoprint.errors import InputError, NotFound
from algoprint.kader.register import (
    Algorithm,
    archive_algorithm,
    edit_algorithm,
    ensure_algorithm,
    get_algorithm,
    list_algorithms,
    location_profile,
    parse_owner,
    registration_notice,
    unarchive_algorithm,
    validate_slug,
)
from algoprint.store import Store
from tests.register._fixtures import NOW, register, store_fixture  # noqa: F401

DC_EXTRA = {"datacentres": {"eigen-dc": {"zone": "NL", "pue": 1.3, "ref": 0.8}}}


@pytest.mark.parametrize("slug", ["ab", "churn-model", "m2", "a" * 64, "x-1-y"])
def test_valid_slugs(slug: str) -> None:
    assert validate_slug(slug) == slug


@pytest.mark.parametrize(
    ("slug", "detail"),
    [
        ("Churn", "'C'"),
        ("churn_model", "'_'"),
        ("churn model", "' '"),
        ("1churn", "start with a letter"),
        ("a", "1 characters"),
        ("a" * 65, "65 characters"),
        ("", "0 characters"),
        ("churn/../x", "'.' '/'"),
    ],
)
def test_invalid_slugs_name_the_rule(slug: str, detail: str) -> None:
    with pytest.raises(InputError) as err:
        validate_slug(slug)
    assert detail in err.value.message
    assert "lowercase letters" in (err.value.hint or "")


def test_add_get_list_round_trip(store: Store) -> None:
    added = register(
        store,
        organisation="BZK",
        description="Voorspelt opzeggingen",
        lars_id="12345678",
        lifecycle_phase="monitoring-en-beheer",
        owners={"ontwikkelaar": ("Ada <ada@example.nl>",), "projectleider": ("Piet",)},
        zone="nl",
        contract="Groen-GVO",
        functional_unit="voorspelling",
        yearly_units=120000,
    )
    assert added.zone == "nl" and added.contract == "groen-gvo"
    assert get_algorithm(store, "churn") == added
    assert list_algorithms(store) == [added]
    profile = location_profile(added)
    assert profile is not None and profile.zone == "NL" and profile.contract == "groen-gvo"
    assert added.to_dict()["owners"]["projectleider"] == ["Piet"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"lifecycle_phase": "productie"}, "unknown lifecycle phase"),
        ({"owners": {"baas": ("X",)}}, "unknown role"),
        ({"contract": "zonnig"}, "unknown electricity contract"),
        ({"yearly_units": 0}, "yearly_units"),
        ({"yearly_units": float("nan")}, "yearly_units"),
        ({"zone": "XX"}, "does not resolve"),
        ({"datacentre": "nergens"}, "does not resolve"),
        ({"cloud": "gcp"}, "does not resolve"),
        ({"name": "  "}, "needs a name"),
    ],
)
def test_invalid_fields_are_refused(store: Store, fields: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        register(store, **fields)
    assert list_algorithms(store, include_archived=True) == []


def test_location_forms(store: Store) -> None:
    dc = register(store, "dc-alg", datacentre="eigen-dc", settings_extra=DC_EXTRA)
    profile = location_profile(dc, DC_EXTRA)
    assert profile is not None and profile.pue == pytest.approx(1.3) and profile.ref == 0.8
    cloud = register(store, "cloud-alg", cloud="gcp", region="europe-west4")
    profile = location_profile(cloud)
    assert profile is not None and profile.zone == "NL"
    assert location_profile(register(store, "nowhere")) is None


def test_duplicate_add_is_refused(store: Store) -> None:
    register(store)
    with pytest.raises(InputError, match="already registered"):
        register(store, name="Other")
    assert get_algorithm(store, "churn").name == "Churn model"


def test_edit_changes_fields_and_replaces_location(store: Store) -> None:
    register(store, zone="NL", owners={"ontwikkelaar": ("Ada",)})
    changed = edit_algorithm(
        store,
        "churn",
        {"name": "Churn v2", "cloud": "gcp", "region": "europe-west4", "description": ""},
        now=NOW,
        settings_extra=None,
    )
    assert changed.zone is None and changed.cloud == "gcp" and changed.name == "Churn v2"
    edit_algorithm(store, "churn", {"owners": {"projectleider": ("Piet",)}})
    stored = get_algorithm(store, "churn")
    assert stored.owners == {"ontwikkelaar": ("Ada",), "projectleider": ("Piet",)}
    assert stored.updated_at > stored.created_at


def test_refused_edit_changes_nothing(store: Store) -> None:
    before = register(store, zone="NL")
    with pytest.raises(InputError, match="unknown lifecycle phase"):
        edit_algorithm(store, "churn", {"name": "New", "lifecycle_phase": "x"})
    with pytest.raises(InputError, match="cannot edit slug"):
        edit_algorithm(store, "churn", {"slug": "other"})
    assert get_algorithm(store, "churn") == before


def test_archived_algorithm_is_hidden_and_read_only(store: Store) -> None:
    before = register(store)
    archived = archive_algorithm(store, "churn")
    assert archived.archived and archive_algorithm(store, "churn") == archived
    assert list_algorithms(store) == []
    assert list_algorithms(store, include_archived=True) == [archived]
    with pytest.raises(InputError, match="unarchive it first"):
        edit_algorithm(store, "churn", {"name": "X"})
    assert get_algorithm(store, "churn").name == before.name
    unarchive_algorithm(store, "churn")
    assert edit_algorithm(store, "churn", {"name": "X"}).name == "X"


def test_store_refuses_archived_update_inside_the_transaction(store: Store) -> None:
    register(store)
    archive_algorithm(store, "churn")
    with pytest.raises(InputError, match="unarchive it first"):
        store.update_algorithm_row("churn", {"name": "sneaky"})
    assert get_algorithm(store, "churn").name == "Churn model"


def test_ensure_algorithm(store: Store) -> None:
    created, was_new = ensure_algorithm(store, "new-alg")
    assert was_new and created.name == "new-alg"
    again, was_new = ensure_algorithm(store, "new-alg")
    assert not was_new and again == created
    with pytest.raises(InputError, match="not registered"):
        ensure_algorithm(store, "other-alg", strict=True)
    with pytest.raises(NotFound):
        get_algorithm(store, "other-alg")
    with pytest.raises(InputError, match="invalid algorithm slug"):
        ensure_algorithm(store, "Bad Slug")
    assert "algoprint algorithm edit new-alg" in registration_notice("new-alg")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ontwikkelaar=Ada", ("ontwikkelaar", "Ada")),
        ("projectleider = Piet <p@x.nl>", ("projectleider", "Piet <p@x.nl>")),
    ],
)
def test_parse_owner(text: str, expected: tuple[str, str]) -> None:
    assert parse_owner(text) == expected


@pytest.mark.parametrize("text", ["Ada", "ontwikkelaar=", "chef=Ada"])
def test_parse_owner_errors(text: str) -> None:
    with pytest.raises(InputError):
        parse_owner(text)


def test_to_row_from_row_round_trip() -> None:
    alg = Algorithm(
        slug="ab",
        name="A",
        owners={"jurist": ("J",)},
        zone="NL",
        created_at="2025-01-01T00:00:00.000+00:00",
        updated_at="2025-01-02T00:00:00.000+00:00",
    )
    assert Algorithm.from_row(alg.to_row()) == alg
    assert replace(alg, status="archived").archived
