"""The dashboard in Debian's Chromium (Playwright) against a real uvicorn server on loopback:
the main journey, htmx and no-JavaScript use, and axe-core on every page at both widths."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.browser import VIEWPORTS, serious_violations
from tests.server.web.conftest import PASSWORD, Live

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def expect(locator: Any) -> Any:
    """Playwright's auto-waiting assertions (no page-side eval, so the CSP can stay on)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def _login(browser: Any, live: Live, role: str, **options: Any) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(**options)
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(m.text) if m.type == "error" and "favicon" not in m.text else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{live.url}/login")
    page.fill("#email", live.site.emails[role])
    page.fill("#password", PASSWORD)
    page.click("form.login-form button[type=submit]")
    page.wait_for_url(f"{live.url}/")
    return context, page, problems


def test_journey_login_upload_edit_download_language(
    browser: Any, live: Live, tmp_path: Any
) -> None:
    from algoprint.report.sample import sample_run

    context, page, problems = _login(browser, live, "projectleider", viewport=VIEWPORTS[0])
    assert page.locator("h1").inner_text() == "Overzicht van de organisatie"
    assert "fraude-risico" in page.locator("#top-algorithms").inner_text()
    # a tracker uploads a run of a new algorithm through the API; it appears on the overview
    run = sample_run(
        random.Random(5),
        algorithm="nieuw-model",
        phase="training",
        started=datetime.now(UTC),
        gpu=True,
    )
    live.site.upload([run])
    page.reload()
    assert "nieuw-model" in page.locator("#top-algorithms").inner_text()
    page.goto(f"{live.url}/runs")
    assert run.run_id[:12] in page.locator("#runs-results").inner_text()
    # edit a measure (htmx boosts the form; the page shows the new state and its history)
    page.goto(f"{live.url}/algorithms/fraude-risico")
    page.click("#measure-dat-06 summary")
    page.select_option("#state-dat-06", "ter-review")
    page.fill("#note-dat-06", "PUE van het datacenter opgevraagd")
    page.click("#measure-dat-06 button[type=submit]")
    expect(page.locator("#measure-dat-06 .state")).to_contain_text("ter review")
    assert (
        "PUE van het datacenter opgevraagd" in page.locator("#history-caption ~ tbody").inner_text()
    )
    # download the report
    with page.expect_download() as download:
        page.click("text=Rapport (HTML)")
    saved = tmp_path / "rapport.html"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "algoprint-fraude-risico.html"
    assert "Fraude-risicomodel" in saved.read_text(encoding="utf-8")
    # switch the language: the same page comes back in English
    page.click("text=English")
    page.wait_for_url(f"{live.url}/algorithms/fraude-risico")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#measures-h").inner_text() == "The seven measures"
    assert problems == []
    context.close()


def test_runs_filter_updates_in_place_with_htmx(browser: Any, live: Live) -> None:
    context, page, problems = _login(browser, live, "ontwikkelaar", viewport=VIEWPORTS[0])
    page.goto(f"{live.url}/runs")
    page.evaluate("window.__same_document = true")
    page.select_option("#f-algorithm", "chatbot")
    page.wait_for_url(f"{live.url}/runs?*algorithm=chatbot*")
    expect(page.locator("#runs-results")).not_to_contain_text("fraude-risico")
    assert page.evaluate("window.__same_document") is True  # swapped in place, no reload
    assert "chatbot" in page.locator("#runs-results").inner_text()
    # a refused form (here: a role that only reads) shows its error page with htmx too
    page.goto(f"{live.url}/budgets")
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<form method=post action=/budgets "
        "id=forged><input type=hidden name=csrf_token value=' + "
        "document.querySelector('input[name=csrf_token]').value + '>"
        "<button>go</button></form>'); htmx.process(document.body)"
    )
    page.click("#forged button")
    expect(page.locator("h1")).to_have_text("Niet toegestaan")
    assert [p for p in problems if "403 (Forbidden)" not in p] == []
    context.close()


def test_everything_works_without_javascript(browser: Any, live: Live) -> None:
    context, page, _problems = _login(
        browser, live, "ontwikkelaar", viewport=VIEWPORTS[1], java_script_enabled=False
    )
    page.goto(f"{live.url}/runs")
    page.select_option("#f-algorithm", "chatbot")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(f"{live.url}/runs?*algorithm=chatbot*")
    text = page.locator("#runs-results").inner_text()
    assert "chatbot" in text and "fraude-risico" not in text
    page.click("text=Uitloggen")
    page.wait_for_url(f"{live.url}/login")
    context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v['width']}px")
def test_every_page_has_no_serious_accessibility_violations(
    browser: Any, live: Live, viewport: dict[str, int]
) -> None:
    anonymous = browser.new_context(viewport=viewport)
    login = anonymous.new_page()
    login.goto(f"{live.url}/login")
    assert serious_violations(login) == [], "/login"
    anonymous.close()
    context, page, problems = _login(browser, live, "admin", viewport=viewport)
    for path in (
        "/",
        "/algorithms/fraude-risico",
        "/runs",
        f"/runs/{live.site.run_ids[0]}",
        "/budgets",
        "/algorithms/bestaat-niet",  # the error page (its own 404 is expected)
    ):
        page.goto(live.url + path)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert serious_violations(page) == [], path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{path} scrolls sideways: {width}px"
    assert [p for p in problems if "404" not in p] == []
    assert len(problems) <= 1
    context.close()
