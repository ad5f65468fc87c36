"""``amt push`` against a fake of AMT's measure form on loopback (algoprint.exchange.amt_push)."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from algoprint.errors import InputError
from algoprint.exchange._amt_common import AmtSettings
from algoprint.exchange.amt_card import push_plan
from algoprint.exchange.amt_push import AmtError, push_measures
from algoprint.kader.assessments import set_assessment
from algoprint.kader.catalogue import MEASURE_CODES
from algoprint.store import Store
from tests.exchange._fake_amt import SESSION, FakeAmt, running
from tests.register._fixtures import NOW, register, run

ADA = "0c6a1f3e-8b2d-4f5a-9e7c-1d2b3a4c5e6f"
PIET = "92714be3-f798-4461-ba83-55d6cfd889a6"
GHOST = "5b0b3c2e-1111-4e5f-8a9b-0c1d2e3f4a5b"
REPORT = "https://intranet.example.nl/algoprint/churn.html"
ALL = [f"urn:nl:ak:mtr:{c}" for c in MEASURE_CODES]


def _settings(**changes: object) -> AmtSettings:
    values: dict[str, object] = {
        "users": {"Ada de Vries": ADA, "Piet Jansen": PIET},
        "session_cookie": SESSION,
        "report_url": REPORT,
    }
    values.update(changes)
    return AmtSettings(**values)  # type: ignore[arg-type]


@pytest.fixture(name="store")
def _store(tmp_path: Path) -> Store:
    store = Store(url=f"sqlite:///{tmp_path / 'runs.sqlite'}").open()
    register(store, zone="NL", owners={"projectleider": ("Piet Jansen",)})
    set_assessment(
        store,
        "churn",
        "owp-12",
        state="gereed",
        note="Eisen in de aanbesteding",
        responsible="Ada de Vries",
        links=["https://x.nl/eisen.pdf", "https://x.nl/gunning.pdf"],
        now=NOW,
    )
    set_assessment(store, "churn", "mon-06", state="in-uitvoering", note="Maandrapport", now=NOW)
    set_assessment(store, "churn", "dat-06", state="niet-van-toepassing", reason="Geen eigen DC")
    year = NOW.year - 1
    store.save_run(run("t", started_at=datetime(year, 2, 1, tzinfo=UTC).isoformat()))
    return store


def _push(store: Store, fake: FakeAmt, settings: AmtSettings | None = None) -> object:
    items, _, _ = push_plan(store, "churn", settings or _settings(), now=NOW)
    return push_measures(
        items, url=fake.url, amt_algorithm_id=fake.algorithm_id, settings=settings or _settings()
    )


def test_push_sets_what_amt_knows_field_by_field(store: Store) -> None:
    with running(FakeAmt()) as fake:
        result = _push(store, fake)
    assert [i.code for i in result.sent] == ["owp-12"]  # type: ignore[attr-defined]
    skipped = result.skipped  # type: ignore[attr-defined]
    assert set(skipped) == {"mon-06", "dat-06"}
    assert "no task-registry requirement links urn:nl:ak:mtr:mon-06" in skipped["mon-06"]
    ((urn, form, headers),) = fake.posts
    assert urn == "urn:nl:ak:mtr:owp-12"
    assert form == [
        ("measure_state", "done"),
        ("measure_value", f"Eisen in de aanbesteding\n\nRapport van algoprint: {REPORT}"),
        ("measure_links", "https://x.nl/eisen.pdf"),
        ("measure_links", "https://x.nl/gunning.pdf"),
        ("measure_responsible", "Ada de Vries"),
        ("measure_reviewer", ""),
        ("measure_accountable", "Piet Jansen"),
    ]
    assert headers["x-csrf-token"].endswith("x") and headers["hx-request"] == "true"
    assert headers["content-type"] == "application/x-www-form-urlencoded"


def test_all_seven_once_linked_with_figures_and_reason(store: Store) -> None:
    with running(FakeAmt(urns=ALL)) as fake:
        result = _push(store, fake)
    assert {i.code for i in result.sent} == {"owp-12", "mon-06", "dat-06"}  # type: ignore[attr-defined]
    forms = {urn[-6:]: dict(form) for urn, form, _ in fake.posts}
    assert "Maandrapport" in forms["mon-06"]["measure_value"]
    assert "1 kWh stroom" in forms["mon-06"]["measure_value"]  # the year's figures
    assert forms["dat-06"]["measure_state"] == "not implemented"
    assert forms["dat-06"]["measure_value"].startswith("Geen eigen DC")


def test_unknown_person_stops_and_says_what_went_through(store: Store) -> None:
    set_assessment(store, "churn", "dat-06", state="gereed", reviewer="Geest", now=NOW)
    settings = _settings(users={"Ada de Vries": ADA, "Piet Jansen": PIET, "Geest": GHOST})
    with running(FakeAmt(urns=ALL)) as fake, pytest.raises(AmtError) as err:
        _push(store, fake, settings)
    text = str(err.value)
    assert "AMT refused dat-06" in text and "500 server error" in text and "Geest" in text
    assert "already set in AMT: owp-12; not sent: mon-06" in text
    assert "[amt.users]" in (err.value.hint or "")


@pytest.mark.parametrize(
    ("mode", "session", "message", "hint"),
    [
        ("ok", "stale", "not logged in or the session expired", "ALGOPRINT_AMT_SESSION"),
        ("bad-csrf", SESSION, "the CSRF check failed", "log in to AMT again"),
        ("html-errors", SESSION, "502 Bad Gateway", "error page"),
    ],
)
def test_amt_errors_are_explained(
    store: Store, mode: str, session: str, message: str, hint: str
) -> None:
    with running(FakeAmt(mode=mode)) as fake, pytest.raises(AmtError) as err:
        _push(store, fake, _settings(session_cookie=session))
    assert message in str(err.value) and hint in (err.value.hint or "")
    assert fake.posts == []


def test_cookie_expiring_halfway(store: Store) -> None:
    with (
        running(FakeAmt(urns=ALL, mode="expire-after-first")) as fake,
        pytest.raises(AmtError) as e,
    ):
        _push(store, fake)
    assert "session expired" in str(e.value) and "already set in AMT: owp-12" in str(e.value)


def test_unknown_algorithm_and_amt_down(store: Store) -> None:
    with running(FakeAmt()) as fake:
        items, _, _ = push_plan(store, "churn", _settings())
        with pytest.raises(AmtError, match="404") as err:
            push_measures(items, url=fake.url, amt_algorithm_id=99, settings=_settings())
        assert "--amt-algorithm-id" in (err.value.hint or "")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    with pytest.raises(AmtError, match="cannot be reached"):
        push_measures(items, url=closed, amt_algorithm_id=7, settings=_settings())


def test_dry_run_sends_nothing_and_https_is_required(store: Store) -> None:
    with running(FakeAmt()) as fake:
        items, _, _ = push_plan(store, "churn", _settings())
        result = push_measures(
            items, url=fake.url, amt_algorithm_id=7, settings=_settings(), dry_run=True
        )
    assert fake.posts == [] and len(result.sent) == 3
    with pytest.raises(InputError, match="not https"):
        push_measures(items, url="http://amt.example.nl", amt_algorithm_id=7, settings=_settings())


def test_cli_push_dry_run_and_real(store: Store, tmp_path: Path) -> None:
    from algoprint.cli.app import cli

    db = str(tmp_path / "runs.sqlite")
    store.close()
    with running(FakeAmt()) as fake:
        args = ["amt", "push", "--url", fake.url, "--amt-algorithm-id", "7", "-a", "churn"]
        dry = CliRunner().invoke(cli, [*args, "--dry-run", "--db", db])
        assert dry.exit_code == 0, dry.output
        assert "would send: owp-12" in dry.output and "measure_state = done" in dry.output
        assert "AMT will answer 404" in dry.output  # mon-06 is not linked in the registry
        env = {"ALGOPRINT_AMT_SESSION": SESSION}
        real = CliRunner().invoke(cli, [*args, "--db", db, "--json"], env=env)
        assert real.exit_code == 0, real.output
        assert [s["measure"] for s in json.loads(real.stdout)["sent"]] == ["owp-12"]
        failed = CliRunner().invoke(cli, [*args, "--db", db])  # no session cookie
        assert failed.exit_code != 0 and isinstance(failed.exception, AmtError)
