"""Assessments: states, labels, history, the reason for niet-van-toepassing, files, refusals."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from algoprint.errors import InputError, NotFound
from algoprint.kader import assessments
from algoprint.kader.assessments import (
    STATES,
    board,
    get_assessment,
    history,
    list_assessments,
    parse_state,
    set_assessment,
    state_label,
)
from algoprint.kader.register import archive_algorithm
from algoprint.store import Store
from tests.register._fixtures import NOW, register, store_fixture  # noqa: F401


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("te-doen", "te-doen"),
        ("te doen", "te-doen"),
        ("In Uitvoering", "in-uitvoering"),
        ("in progress", "in-uitvoering"),
        ("ter_review", "ter-review"),
        ("done", "gereed"),
        ("niet van toepassing", "niet-van-toepassing"),
        ("not applicable", "niet-van-toepassing"),
    ],
)
def test_parse_state_accepts_slugs_and_labels(text: str, state: str) -> None:
    assert parse_state(text) == state


def test_every_state_has_both_labels() -> None:
    for state in STATES:
        assert parse_state(state_label(state, "nl")) == state
        assert parse_state(state_label(state, "en")) == state
    assert state_label("gereed", "en") == "done"


def test_unset_assessment_is_te_doen(store: Store) -> None:
    register(store)
    found = list_assessments(store, "churn")
    assert [a.measure for a in found] == [
        "owp-12",
        "owp-13",
        "dat-06",
        "dat-09",
        "owk-05",
        "owk-06",
        "mon-06",
    ]
    assert {a.state for a in found} == {"te-doen"} and all(a.updated_at is None for a in found)


def test_workflow_and_history(store: Store) -> None:
    register(store)
    set_assessment(store, "churn", "mon-06", state="in uitvoering", note="meten", by="ada", now=NOW)
    set_assessment(
        store,
        "churn",
        "urn:nl:ak:mtr:mon-06",
        state="ter-review",
        responsible="Ada",
        reviewer="Piet",
        links=["https://intranet.example.nl/rapport"],
        by="ada",
        now=NOW + timedelta(hours=1),
    )
    done = set_assessment(
        store, "churn", "mon-06", state="gereed", by="piet", now=NOW + timedelta(hours=2)
    )
    assert done.state == "gereed" and done.note == "meten" and done.reviewer == "Piet"
    assert done.links == ("https://intranet.example.nl/rapport",)
    assert done.updated_by == "piet"
    entries = history(store, "churn", "mon-06")
    assert [(e.old_state, e.new_state, e.changed_by) for e in entries] == [
        (None, "in-uitvoering", "ada"),
        ("in-uitvoering", "ter-review", "ada"),
        ("ter-review", "gereed", "piet"),
    ]
    assert entries[1].changes["reviewer"] == [None, "Piet"]
    assert history(store, "churn", "owp-12") == []


def test_unchanged_set_writes_no_history(store: Store) -> None:
    register(store)
    first = set_assessment(store, "churn", "owk-05", state="gereed", note="ok", now=NOW)
    again = set_assessment(
        store, "churn", "owk-05", state="done", note="ok", now=NOW + timedelta(days=1)
    )
    assert again == first
    assert len(history(store, "churn")) == 1


def test_not_applicable_needs_a_reason(store: Store) -> None:
    register(store)
    set_assessment(store, "churn", "owp-12", state="in-uitvoering", now=NOW)
    with pytest.raises(InputError, match="needs a reason"):
        set_assessment(store, "churn", "owp-12", state="niet van toepassing")
    assert get_assessment(store, "churn", "owp-12").state == "in-uitvoering"
    nvt = set_assessment(
        store, "churn", "owp-12", state="niet-van-toepassing", reason="geen inkoop"
    )
    assert nvt.reason == "geen inkoop"
    # the kept reason still counts; another state with a reason is an error
    assert set_assessment(store, "churn", "owp-12", note="x").reason == "geen inkoop"
    with pytest.raises(InputError, match="only recorded for niet-van-toepassing"):
        set_assessment(store, "churn", "owp-12", state="gereed", reason="why")
    back = set_assessment(store, "churn", "owp-12", state="gereed")
    assert back.reason is None
    assert history(store, "churn", "owp-12")[-1].changes["reason"] == ["geen inkoop", None]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"measure_code": "abc-01", "state": "gereed"}, InputError, "unknown Algoritmekader"),
        ({"measure_code": "mon-06", "state": "klaar"}, InputError, "unknown assessment state"),
        ({"measure_code": "mon-06", "links": ["ftp://x"]}, InputError, "not an http"),
        ({"measure_code": "mon-06", "attach": ["/nonexistent/file"]}, InputError, "not a file"),
    ],
)
def test_bad_input_leaves_state_unchanged(
    store: Store, kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    register(store)
    set_assessment(store, "churn", "mon-06", state="in-uitvoering", now=NOW)
    given = dict(kwargs)
    code = given.pop("measure_code")
    with pytest.raises(error, match=message):
        set_assessment(store, "churn", str(code), **given)  # type: ignore[arg-type]
    assert get_assessment(store, "churn", "mon-06").state == "in-uitvoering"
    assert len(history(store, "churn")) == 1


def test_unknown_algorithm(store: Store) -> None:
    with pytest.raises(NotFound, match="no algorithm"):
        set_assessment(store, "ghost", "mon-06", state="gereed")
    with pytest.raises(InputError, match="invalid algorithm slug"):
        set_assessment(store, "Ghost!", "mon-06", state="gereed")


def test_archived_algorithm_refuses_changes(store: Store) -> None:
    register(store)
    set_assessment(store, "churn", "mon-06", state="gereed", now=NOW)
    archive_algorithm(store, "churn")
    with pytest.raises(InputError, match="unarchive it first"):
        set_assessment(store, "churn", "mon-06", state="te-doen")
    assert get_assessment(store, "churn", "mon-06").state == "gereed"


def test_attachments_are_stored_once_and_capped(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(store)
    doc = tmp_path / "rapport.pdf"
    doc.write_bytes(b"%PDF-1.4 evidence")
    a = set_assessment(store, "churn", "dat-06", state="gereed", attach=[doc], by="ada")
    assert [(f.name, f.size_bytes) for f in a.files] == [("rapport.pdf", 17)]
    sha = a.files[0].sha256
    assert store.assessment_file_content("churn", "dat-06", sha) == b"%PDF-1.4 evidence"
    again = set_assessment(store, "churn", "dat-06", attach=[doc])
    assert len(again.files) == 1 and len(history(store, "churn", "dat-06")) == 1
    monkeypatch.setattr(assessments, "MAX_ATTACHMENT_BYTES", 4)
    big = tmp_path / "big.bin"
    big.write_bytes(b"12345")
    with pytest.raises(InputError, match="byte limit"):
        set_assessment(store, "churn", "dat-06", attach=[big])
    with pytest.raises(NotFound):
        store.assessment_file_content("churn", "dat-06", "0" * 64)


def test_changed_meanwhile_is_refused(store: Store) -> None:
    register(store)
    set_assessment(store, "churn", "mon-06", state="gereed", now=NOW)
    row = store.assessment_rows(algorithm="churn")[0]
    with pytest.raises(InputError, match="changed while it was being edited"):
        store.write_assessment({**row, "state": "te-doen"}, None, expected_state=None)
    assert get_assessment(store, "churn", "mon-06").state == "gereed"


def test_board_has_every_measure_with_evidence(store: Store) -> None:
    register(store)
    register(store, "other", name="Other")
    set_assessment(store, "churn", "mon-06", state="gereed", now=NOW)
    rows = board(store, now=NOW)
    assert len(rows) == 14
    cell = next(r for r in rows if r.algorithm.slug == "churn" and r.assessment.measure == "mon-06")
    data = cell.to_dict("nl")
    assert data["assessment"]["state_label"] == "gereed"
    assert data["evidence"]["label"] == "nog niet onderbouwd"
    assert len(board(store, algorithm="other", now=NOW)) == 7
