"""The README's main job: `algoprint demo` runs the real pipeline end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from algoprint.demo import DEMO_SLUG, run_demo
from algoprint.store import open_store


@pytest.mark.slow
def test_demo_measures_analyses_and_reports(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.sqlite")
    steps: list[str] = []

    def progress(title: str, total: int):  # type: ignore[no-untyped-def]
        steps.append(title)
        return lambda: None

    result = run_demo(db=db, out_dir=tmp_path / "out", lang="en", progress=progress)
    assert len(steps) >= 5
    with open_store(db) as store:
        runs = store.list_runs(algorithm=DEMO_SLUG)
        assert sorted(r.phase or "" for r in runs) == ["inference"] * 3 + ["training"] * 3
        assert all(r.energy_j and r.energy_j > 0 for r in runs)
        kinds = {a.kind for a in store.list_analyses(algorithm=DEMO_SLUG)}
        assert {"simplicity", "data-minimisation", "location", "monitoring-report"} <= kinds
    assert [m.model for m in result.models] == [
        "logistic",
        "random-forest",
        "gradient-boosting",
    ]
    assert all(0.8 < m.accuracy <= 1.0 for m in result.models)
    html = result.reports["html"].read_text()
    assert DEMO_SLUG in html and "<html" in html
    assert result.reports["pdf"].read_bytes().startswith(b"%PDF")
    supported = {row.assessment.measure for row in result.board if row.evidence.supported}
    assert {"mon-06", "owp-13", "dat-09", "dat-06"} <= supported
    # Evidence never sets a state: only the demo's own example state for mon-06 is set.
    states = {row.assessment.measure: row.assessment.state for row in result.board}
    assert states["mon-06"] == "in-uitvoering"
    assert all(state == "te-doen" for m, state in states.items() if m != "mon-06")
