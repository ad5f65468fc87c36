"""Shared browser-test support: Debian's Chromium driven by Playwright, checked with axe-core.

The browser is the system Chromium (``/usr/bin/chromium``, installed by ``dev.py test``), never a
download of Playwright's own. It starts with the flags that keep it off the network (no
background networking, component updates or sync), so pages under test can only reach the
loopback servers the tests start.

Use the ``browser`` fixture (one Chromium per test session, from ``tests/conftest.py``) and
:func:`serious_violations` to assert zero serious or critical axe-core violations::

    def test_page_is_accessible(browser, live_url):
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(live_url)
        assert serious_violations(page) == []

Missing Chromium or Playwright skips browser tests locally and fails them when ``CI`` is set,
so CI cannot pass without running them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
# The two viewport widths every page is checked at: a desktop and a phone.
VIEWPORTS = ({"width": 1280, "height": 900}, {"width": 390, "height": 844})


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    pytest.skip(reason)


def launch_browser() -> Iterator[Any]:
    """Start Chromium through Playwright; yields the Playwright ``Browser``."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[dev]')")
    executable = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not executable:
        _missing("Chromium is not installed (apt-get install chromium; dev.py test does this)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            browser.close()


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """Run axe-core (WCAG 2.1 A/AA rules) on the loaded page.

    Returns one line per violation of the given impact levels: ``rule (impact): target …``, so
    that an assertion failure names what to fix.
    """
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    result = Axe().run(page, options=options)
    lines = []
    for violation in result.response["violations"]:
        if violation.get("impact") in impacts:
            targets = [", ".join(node["target"]) for node in violation["nodes"]][:5]
            lines.append(f"{violation['id']} ({violation['impact']}): {'; '.join(targets)}")
    return lines


def serious_violations(page: Any) -> list[str]:
    """Serious and critical axe-core violations of the loaded page (see axe_violations)."""
    return axe_violations(page)
