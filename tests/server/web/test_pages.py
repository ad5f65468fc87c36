"""The dashboard's pages in-process (no JavaScript): content, language, CSRF, roles."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.server.web.conftest import PASSWORD, Site, csrf_of, sample_runs

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:httpx")


def _text(html: str) -> str:
    """Visible-ish text: tags dropped, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_pages_need_a_login(site: Site) -> None:
    client = site.client()
    for path in ("/", "/runs", "/budgets", "/algorithms/fraude-risico"):
        reply = client.get(path)
        assert reply.status_code == 303
        assert reply.headers["location"].startswith("/login?next=")


def test_a_wrong_password_is_refused_in_dutch(site: Site) -> None:
    client = site.client()
    token = csrf_of(client.get("/login").text)
    reply = client.post(
        "/login", data={"email": site.emails["admin"], "password": "fout", "csrf_token": token}
    )
    assert reply.status_code == 400
    assert "Het e-mailadres of wachtwoord klopt niet." in reply.text
    assert "algoprint_session" not in reply.cookies


def test_login_without_csrf_is_refused(site: Site) -> None:
    client = site.client()
    client.get("/login")
    reply = client.post("/login", data={"email": site.emails["admin"], "password": PASSWORD})
    assert reply.status_code == 403


def test_overview_shows_the_organisation_in_dutch(site: Site) -> None:
    from algoprint.report.i18n import Formatter

    html = site.client("ontwikkelaar").get("/").text
    text = _text(html)
    assert '<html lang="nl"' in html
    assert "Overzicht van de organisatie" in text
    runs = sample_runs()
    energy = sum(r.energy_j or 0.0 for r in runs)
    assert Formatter("nl").scaled(energy, "J") in text  # Dutch separators, no exponent
    assert re.search(r"\d[eE][+-]?\d", text) is None
    for slug in ("fraude-risico", "chatbot"):
        assert f'href="/algorithms/{slug}"' in html
    for code in ("owp-12", "owp-13", "dat-06", "dat-09", "owk-05", "owk-06", "mon-06"):
        assert f">{code}</abbr>" in html
    assert "Volgende stap" in text and "Training en gebruik" in text
    assert "Datacentermix" in text and "Pad" in text


def test_language_switch_to_english(site: Site) -> None:
    client = site.client("projectleider")
    reply = client.get("/lang/en", params={"next": "/runs"})
    assert reply.status_code == 303 and reply.headers["location"] == "/runs"
    html = client.get("/runs").text
    assert '<html lang="en"' in html and "Filter" in html and "newest first" in html
    assert client.get("/lang/xx").status_code == 404
    assert client.get("/lang/en", params={"next": "//evil.example"}).headers["location"] == "/"


def test_algorithm_page_has_intervals_board_and_downloads(site: Site) -> None:
    html = site.client("beleid-en-advies").get("/algorithms/fraude-risico").text
    text = _text(html)
    assert "Fraude-risicomodel" in text
    assert re.search(r"\d+(,\d+)? g CO₂e \(\d+(,\d+)?–\d+(,\d+)?\)", text)  # an interval
    assert html.count('class="measure"') == 7
    assert html.count('name="csrf_token"') >= 7  # an edit form per measure (and logout)
    for link in ("report.html", "report.pdf", "export/amt.json", "export/algoritmeregister.txt"):
        assert f"/algorithms/fraude-risico/{link}" in html
    assert 'id="fig-energy-time"' in html and "<svg" in html


def test_report_and_exports_download(site: Site) -> None:
    client = site.client("ontwikkelaar")
    page = client.get("/algorithms/fraude-risico/report.html")
    assert page.status_code == 200
    assert "attachment" in page.headers["content-disposition"]
    assert "Fraude-risicomodel" in page.text
    pdf = client.get("/algorithms/fraude-risico/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    amt = client.get("/algorithms/fraude-risico/export/amt.json")
    assert amt.status_code == 200 and json.loads(amt.text)
    register = client.get("/algorithms/fraude-risico/export/algoritmeregister.txt")
    assert register.status_code == 200 and "Afwegingen" in register.text
    assert client.get("/algorithms/fraude-risico/report.docx").status_code == 404


def _state(site: Site, code: str) -> str:
    from algoprint.kader.assessments import get_assessment

    store = site.app.state.ctx.stores.get(1)
    return get_assessment(store, "fraude-risico", code).state


def test_projectleider_edits_a_measure_with_history(site: Site) -> None:
    client = site.client("projectleider")
    token = csrf_of(client.get("/algorithms/fraude-risico").text)
    reply = client.post(
        "/algorithms/fraude-risico/measures/owk-05",
        data={"csrf_token": token, "state": "in-uitvoering", "note": "Profiel loopt"},
    )
    assert reply.status_code == 303
    assert reply.headers["location"].endswith("/algorithms/fraude-risico#measure-owk-05")
    assert _state(site, "owk-05") == "in-uitvoering"
    text = _text(client.get("/algorithms/fraude-risico").text)
    assert "niet beoordeeld → in uitvoering" in text and site.emails["projectleider"] in text


def test_a_form_without_csrf_changes_nothing(site: Site) -> None:
    client = site.client("admin")
    reply = client.post(
        "/algorithms/fraude-risico/measures/dat-09", data={"state": "gereed", "note": "x"}
    )
    assert reply.status_code == 403
    assert "beveiligingscode" in reply.text
    assert _state(site, "dat-09") == "te-doen"


def test_ontwikkelaar_may_not_edit(site: Site) -> None:
    client = site.client("ontwikkelaar")
    page = client.get("/algorithms/fraude-risico").text
    assert "/measures/" not in page  # no edit forms for a role that reads
    token = csrf_of(page)  # the logout form's token
    reply = client.post(
        "/algorithms/fraude-risico/measures/dat-09",
        data={"csrf_token": token, "state": "gereed"},
    )
    assert reply.status_code == 403 and "niet wijzigen" in reply.text
    assert _state(site, "dat-09") == "te-doen"
    reply = client.post(
        "/budgets",
        data={"csrf_token": token, "algorithm": "chatbot", "metric": "energy_j", "limit": "1"},
    )
    assert reply.status_code == 403


def test_not_applicable_needs_a_reason(site: Site) -> None:
    client = site.client("projectleider")
    token = csrf_of(client.get("/algorithms/fraude-risico").text)
    reply = client.post(
        "/algorithms/fraude-risico/measures/owp-12",
        data={"csrf_token": token, "state": "niet-van-toepassing"},
    )
    assert reply.status_code == 400
    assert 'role="alert"' in reply.text and "reason" in reply.text
    assert _state(site, "owp-12") == "te-doen"


def test_runs_explorer_filters_without_javascript(site: Site) -> None:
    client = site.client("ontwikkelaar")
    html = client.get("/runs", params={"algorithm": "chatbot"}).text
    rows = re.findall(r'href="/runs/([0-9a-f]+)"', html)
    chatbot = [r.run_id for r in sample_runs() if r.algorithm == "chatbot"]
    assert sorted(rows) == sorted(chatbot)
    training = client.get("/runs", params={"phase": "training", "algorithm": "chatbot"}).text
    expected = [
        r.run_id for r in sample_runs() if r.algorithm == "chatbot" and r.phase == "training"
    ]
    assert sorted(re.findall(r'href="/runs/([0-9a-f]+)"', training)) == sorted(expected)
    bad = client.get("/runs", params={"period": "gisteren"})
    assert bad.status_code == 200 and 'role="alert"' in bad.text


def test_run_page_shows_components_and_timeline(site: Site) -> None:
    run = next(r for r in sample_runs() if r.phases)
    html = site.client("ontwikkelaar").get(f"/runs/{run.run_id}").text
    text = _text(html)
    assert run.run_id in text and "Componenten" in text and "gpu" in text
    assert 'id="fig-timeline"' in html and "data-laden" in text
    assert site.client("ontwikkelaar").get("/runs/ffffffffffff").status_code == 404


def test_budget_raises_an_alert_on_the_overview(site: Site) -> None:
    from algoprint.report.sample import sample_run

    client = site.client("projectleider")
    token = csrf_of(client.get("/budgets").text)
    reply = client.post(
        "/budgets",
        data={
            "csrf_token": token,
            "algorithm": "chatbot",
            "metric": "energy_j",
            "period": "month",
            "limit": "0,0001",
        },
    )
    assert reply.status_code == 303
    assert "chatbot" in client.get("/budgets").text
    import random

    run = sample_run(
        random.Random(1),
        algorithm="chatbot",
        phase="inference",
        started=datetime.now(UTC),
        gpu=False,
    )
    site.upload([run])
    overview = _text(client.get("/").text)
    assert "Budgetmeldingen" in overview and "boven het budget van 0,100 Wh" in overview
    bad = client.post(
        "/budgets",
        data={"csrf_token": token, "algorithm": "chatbot", "metric": "energy_j", "limit": "veel"},
    )
    assert bad.status_code == 400 and "getal" in bad.text


def test_pages_need_no_inline_script_or_style(site: Site) -> None:
    client = site.client("admin")
    for path in ("/", "/runs", "/budgets", "/algorithms/fraude-risico", "/login"):
        reply = client.get(path)
        assert "script-src 'self'" in reply.headers["content-security-policy"]
        assert re.search(r"<script(?![^>]*\bsrc=)", reply.text) is None, path
        assert re.search(r"<style|\sstyle=", reply.text) is None, path
        assert re.search(r"\son[a-z]+=", reply.text) is None, path


def test_static_files_and_no_traversal(site: Site) -> None:
    client = site.client()
    css = client.get("/static/vendor/components-css/index.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert client.get("/static/vendor/htmx/htmx.min.js").status_code == 200
    assert client.get("/static/../_pages.py").status_code == 404
    assert client.get("/static/%2e%2e/_pages.py").status_code == 404


def test_unknown_pages_are_html_not_json(site: Site) -> None:
    client = site.client("admin")
    reply = client.get("/algorithms/bestaat-niet")
    assert reply.status_code == 404 and "Niet gevonden" in reply.text
    other = client.get("/geen-pagina")
    assert other.status_code == 404 and other.headers["content-type"].startswith("text/html")
    api = client.get("/api/v1/geen")
    assert api.headers["content-type"].startswith("application/json")


def test_another_organisation_sees_nothing_of_this_one(site: Site) -> None:
    from algoprint.server.accounts import create_org, create_user, set_membership

    db = site.app.state.ctx.db
    other = create_org(db, "andere-gemeente", "Andere Gemeente")
    user = create_user(db, "iemand@andere.nl", password=PASSWORD)
    set_membership(db, user, other, "admin")
    site.emails["andere"] = "iemand@andere.nl"
    client = site.client("andere")
    overview = _text(client.get("/").text)
    assert "Andere Gemeente" in overview and "fraude-risico" not in overview
    assert client.get("/algorithms/fraude-risico").status_code == 404
    assert client.get(f"/runs/{site.run_ids[0]}").status_code == 404
    assert "chatbot" not in client.get("/budgets").text


def test_runs_explorer_pages_with_a_cursor(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    from algoprint.server.web import _runs

    monkeypatch.setattr(_runs, "PAGE_SIZE", 10)
    client = site.client("ontwikkelaar")
    seen: list[str] = []
    html = client.get("/runs", params={"algorithm": "fraude-risico"}).text
    while True:
        seen += re.findall(r'href="/runs/([0-9a-f]+)"', html)
        older = re.search(r'href="(\?[^"]*cursor=[^"]+)"', html)
        if older is None:
            break
        html = client.get("/runs" + older.group(1).replace("&amp;", "&")).text
    expected = [r.run_id for r in sample_runs() if r.algorithm == "fraude-risico"]
    assert len(seen) == len(set(seen)) == len(expected) and set(seen) == set(expected)
    host = client.get("/runs", params={"host": "geen-host"}).text
    assert "Geen runs bij deze filters." in host


def test_login_offers_oidc_when_configured(tmp_path: Path) -> None:
    from dataclasses import replace

    from fastapi.testclient import TestClient

    from algoprint.server.app import create_app
    from algoprint.server.settings import OidcSettings, server_settings

    settings = server_settings({"db": str(tmp_path / "s.sqlite")}, env={})
    oidc = OidcSettings(issuer="https://login.example", client_id="algoprint", client_secret="s")
    pages = []
    for configured in (settings, replace(settings, oidc=oidc)):
        with TestClient(create_app(configured)) as client:
            pages.append(client.get("/login").text)
    assert "/auth/oidc/login" not in pages[0]
    assert 'href="/auth/oidc/login"' in pages[1] and "organisatieaccount" in pages[1]


def test_measures_matrix_is_bounded_with_the_top_first(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    from algoprint.server.web import _overview

    monkeypatch.setattr(_overview, "MATRIX_LIMIT", 1)
    html = site.client("admin").get("/").text
    matrix = html[html.index('id="matrix-caption"') :]
    assert 'href="/algorithms/fraude-risico"' in matrix  # the most CO2e
    assert 'href="/algorithms/chatbot"' not in matrix
    assert "de overige 1 staan op hun eigen pagina" in _text(matrix)


def test_overview_counts_overlapping_machine_runs_once(tmp_path: Path) -> None:
    from algoprint.report.i18n import Formatter
    from algoprint.tracking.record import RunRecord
    from tests.server.conftest import make_run
    from tests.server.web.conftest import build_site

    site = build_site(tmp_path)
    try:
        big = 3.6e9  # 1 MWh each, so the difference shows in the rounded total
        start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        pair = [
            make_run(algorithm="chatbot", energy_j=big, hostname="gpu-1", duration_s=100.0,
                     started=start.replace(second=s))
            for s in (0, 50)
        ]  # fmt: skip
        site.upload([RunRecord.from_dict(r) for r in pair])
        text = _text(site.client("ontwikkelaar").get("/").text)
        energy = sum(r.energy_j or 0.0 for r in sample_runs())
        fmt = Formatter("nl")
        assert fmt.scaled(energy + 1.5 * big, "J") in text  # 50 s of 100 s shared: 75 % each
        assert fmt.scaled(energy + 2 * big, "J") not in text
    finally:
        site.app.state.ctx.close()
