"""The HTML report in Chromium: zero serious or critical axe-core violations at desktop and
phone width, scrollable tables reachable by keyboard, charts described by their figures."""

from __future__ import annotations

import re
from typing import Any

import pytest

from algoprint.report import build_report, render
from algoprint.report.sample import SAMPLE_SETTINGS_EXTRA
from algoprint.store import Store
from tests.browser import VIEWPORTS, serious_violations
from tests.report.conftest import NOW


@pytest.fixture(scope="module")
def pages(shared_store: Store) -> dict[str, str]:
    out = {}
    for name, args in (
        ("algorithm-nl", {"algorithm": "fraude-risico", "lang": "nl"}),
        ("organisation-en", {"organisation": "Gemeente Voorbeeld", "lang": "en"}),
    ):
        data = build_report(shared_store, settings_extra=SAMPLE_SETTINGS_EXTRA, now=NOW, **args)
        out[name] = render(data, "html").decode()
    return out


@pytest.mark.parametrize("name", ["algorithm-nl", "organisation-en"])
def test_no_serious_axe_violations_at_both_widths(
    browser: Any, pages: dict[str, str], name: str
) -> None:
    for viewport in VIEWPORTS:
        page = browser.new_page(viewport=viewport)
        page.set_content(pages[name])
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        found = serious_violations(page)
        page.close()
        assert found == [], f"{name} at {viewport['width']} px: {found}"


def test_scroll_regions_are_keyboard_reachable(pages: dict[str, str]) -> None:
    regions = re.findall(r'<div class="scroll"[^>]*>', pages["algorithm-nl"])
    assert regions
    assert all('tabindex="0"' in r and 'role="region"' in r and "aria-label" in r for r in regions)


def test_every_chart_text_states_its_figures(pages: dict[str, str]) -> None:
    descs = re.findall(r"<desc id=\"[^\"]+\">([^<]*)</desc>", pages["algorithm-nl"])
    assert len(descs) >= 4
    for desc in descs:
        assert "Waarden" in desc and re.search(r"\d", desc), desc
