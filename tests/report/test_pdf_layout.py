"""The PDF as printed: rendered to PNG, and no text crosses its table cells or the page edge.

Text positions come from poppler's ``pdftotext -bbox`` (every word with its box, in points).
Text that overflows a table cell overprints the next cell or runs past the margin, so two checks
cover it: no two words on a page overlap, and every word stays inside the page's text area.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from algoprint.report import build_report, render
from algoprint.report.sample import SAMPLE_SETTINGS_EXTRA
from algoprint.store import Store
from tests.report.conftest import NOW

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm")), reason="needs poppler-utils"
)
MM = 72 / 25.4
MARGIN_X_PT = 16 * MM  # report.typ.j2: margin x 16 mm
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)

Box = tuple[float, float, float, float, str]


def pages(pdf: Path) -> list[tuple[float, list[Box]]]:
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    result = []
    for width, _height, body in PAGE.findall(out):
        words = [
            (float(a), float(b), float(c), float(d), w) for a, b, c, d, w in WORD.findall(body)
        ]
        result.append((float(width), words))
    return result


def overlaps(words: list[Box], tolerance: float = 0.6) -> list[str]:
    """Pairs of words whose boxes overlap by more than ``tolerance`` points both ways."""
    found = []
    ordered = sorted(words, key=lambda w: w[1])
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b[1] >= a[3] - tolerance:
                break  # b starts below a: no later word can overlap a vertically
            dx = min(a[2], b[2]) - max(a[0], b[0])
            dy = min(a[3], b[3]) - max(a[1], b[1])
            if dx > tolerance and dy > tolerance:
                found.append(f"{a[4]!r} overprints {b[4]!r} at x={a[0]:.0f}, y={a[1]:.0f}")
    return found


@pytest.fixture(scope="module", params=["nl", "en"])
def pdf(request: pytest.FixtureRequest, shared_store: Store, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    pytest.importorskip("typst")
    data = build_report(
        shared_store,
        algorithm="fraude-risico",
        lang=request.param,
        settings_extra=SAMPLE_SETTINGS_EXTRA,
        now=NOW,
    )
    path = tmp_path_factory.mktemp("pdf") / f"report-{request.param}.pdf"
    path.write_bytes(render(data, "pdf"))
    return path


def test_pdf_renders_to_png_pages(pdf: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(pdf.with_suffix(""))], check=True)
    pngs = sorted(pdf.parent.glob(f"{pdf.stem}-*.png"))
    assert len(pngs) >= 3
    assert all(p.read_bytes().startswith(b"\x89PNG") and p.stat().st_size > 2000 for p in pngs)


def test_no_text_overflows_a_cell_or_the_page(pdf: Path) -> None:
    problems = []
    for number, (width, words) in enumerate(pages(pdf), start=1):
        assert words, f"page {number} has no text"
        for x0, _y0, x1, _y1, text in words:
            if x0 < MARGIN_X_PT - 2 or x1 > width - MARGIN_X_PT + 2:
                problems.append(
                    f"page {number}: {text!r} outside the margins (x {x0:.0f}-{x1:.0f})"
                )
        problems += [f"page {number}: {p}" for p in overlaps(words)]
    assert problems == [], "\n".join(problems[:20])


def test_the_overlap_check_can_fail() -> None:
    assert overlaps([(10, 10, 50, 20, "a"), (40, 12, 80, 22, "b")]) != []
    assert overlaps([(10, 10, 50, 20, "a"), (52, 10, 80, 20, "b")]) == []


def test_pdf_has_a_contents_list_and_the_conclusions(pdf: Path) -> None:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert ("Inhoud" in text) or ("Contents" in text)
    assert ("Conclusie en vervolgstappen" in text) or ("Conclusions and next steps" in text)
    assert re.search(r"\[\d+\]", text)  # sources cited by number
