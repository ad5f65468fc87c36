"""The browser harness itself: Debian Chromium starts offline and axe-core finds what it should."""

from __future__ import annotations

from typing import Any

from tests.browser import VIEWPORTS, serious_violations

CLEAN = (
    "<!doctype html><html lang='en'><head><title>ok</title></head>"
    "<body><main><h1>Energy</h1><p>12 kWh</p></main></body></html>"
)
BROKEN = (
    "<!doctype html><html lang='en'><head><title>broken</title></head>"
    "<body><main><h1>Energy</h1><img src='data:,'></main></body></html>"
)


def test_axe_passes_a_clean_page_and_flags_a_missing_alt(browser: Any) -> None:
    for viewport in VIEWPORTS:
        page = browser.new_page(viewport=viewport)
        page.set_content(CLEAN)
        assert serious_violations(page) == []
        page.set_content(BROKEN)
        found = serious_violations(page)
        page.close()
        assert len(found) == 1 and found[0].startswith("image-alt (critical)")
