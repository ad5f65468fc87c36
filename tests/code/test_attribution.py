"""Joining a sampled profile with a power timeline, and the HTML flame graph."""

from __future__ import annotations

from typing import Any

import pytest

from algoprint.advice.code._aggregate import attribute
from algoprint.advice.code.flame import render_flame_html

FRAMES = [["<module>", "app.py", 1], ["load", "app.py", 10], ["train", "app.py", 20]]


def profile_doc(buckets: list[list[Any]], *, t1_s: float = 0.2) -> dict[str, Any]:
    return {
        "format": 1,
        "t0_s": 100.0,
        "t1_s": 100.0 + t1_s,
        "interval_s": 0.005,
        "bucket_s": 0.1,
        "samples": sum(b[4] for b in buckets),
        "frames": FRAMES,
        # stack 0: <module> -> load (line 12); stack 1: <module> -> train (line 25)
        "stacks": [[[0, 1], 12], [[0, 2], 25]],
        "buckets": buckets,
    }


def test_energy_follows_power_not_time() -> None:
    # Equal time in each function, but power is 100 W in the first 0.1 s and 300 W after.
    doc = profile_doc([[0, 0, 0.1, 0.1, 20], [1, 1, 0.1, 0.1, 20]])
    timeline = [(100.0, 0.0), (100.1, 10.0), (100.2, 40.0)]
    result = attribute(doc, timeline=timeline, run_energy_j=50.0)
    by_name = {h.function: h for h in result.hotspots}
    assert by_name["train"].self_energy_j == pytest.approx(30.0)
    assert by_name["load"].self_energy_j == pytest.approx(10.0)
    assert by_name["<module>"].self_energy_j == pytest.approx(0.0)
    assert by_name["<module>"].total_energy_j == pytest.approx(40.0)
    assert [h.function for h in result.hotspots][:2] == ["train", "load"]
    assert by_name["train"].share == pytest.approx(30.0 / 50.0)
    assert result.attributed_energy_j == pytest.approx(40.0)
    assert result.outside_energy_j == pytest.approx(10.0)
    assert result.lines[0].line == 25
    assert result.tree.energy_j == pytest.approx(40.0)
    assert result.tree.children[("<module>", "app.py", 1)].total_s == pytest.approx(0.2)


def test_one_bucket_is_split_by_sampled_time() -> None:
    doc = profile_doc([[0, 0, 0.03, 0.0, 6], [0, 1, 0.07, 0.07, 14]], t1_s=0.1)
    result = attribute(doc, timeline=[(100.0, 0.0), (100.1, 20.0)], run_energy_j=None)
    by_name = {h.function: h for h in result.hotspots}
    assert by_name["load"].self_energy_j == pytest.approx(6.0)
    assert by_name["train"].self_energy_j == pytest.approx(14.0)
    assert by_name["train"].self_cpu_s == pytest.approx(0.07)
    # Without a run total the shares are of the attributed energy.
    assert by_name["train"].share == pytest.approx(0.7)
    assert result.outside_energy_j is None


def test_unknown_energy_is_none_not_zero() -> None:
    doc = profile_doc([[0, 0, 0.1, 0.1, 20], [1, 1, 0.05, 0.05, 10]])
    result = attribute(doc, timeline=None, run_energy_j=None)
    assert all(h.self_energy_j is None and h.share is None for h in result.hotspots)
    assert result.attributed_energy_j is None
    assert result.tree.energy_j is None
    # Ranked by time instead.
    assert result.hotspots[0].function == "load"


def test_flame_graph_is_self_contained_and_escaped() -> None:
    frames = [*FRAMES, ["<lambda>", "x<y>.py", 3]]
    doc = profile_doc([[0, 0, 0.1, 0.1, 20], [1, 1, 0.1, 0.1, 20], [1, 2, 0.0001, 0.0, 1]])
    doc["frames"] = frames
    doc["stacks"].append([[0, 3], 3])
    result = attribute(doc, timeline=[(100.0, 0.0), (100.2, 40.0)], run_energy_j=40.0)
    page = render_flame_html(result.tree, hotspots=result.hotspots, summary=["cmd <a&b>"])
    assert page.startswith("<!DOCTYPE html>")
    assert "cmd &lt;a&amp;b&gt;" in page
    for external in ("http://", "https://", "<script", "<link"):
        assert external not in page
    assert ">train<" in page and ">load<" in page
    # The tiny frame is below the 0.2 % cut-off: left out of the graph, kept in the table.
    assert ">&lt;lambda&gt;</div>" not in page
    assert "<td>&lt;lambda&gt;</td>" in page
    assert "share of energy" in page


def test_flame_graph_in_dutch_has_dutch_words_and_numbers() -> None:
    doc = profile_doc([[0, 0, 0.1, 0.1, 20], [1, 1, 0.1, 0.1, 20]])
    result = attribute(doc, timeline=[(100.0, 0.0), (100.2, 40.0)], run_energy_j=40.0)
    page = render_flame_html(result.tree, hotspots=result.hotspots, lang="nl")
    assert '<html lang="nl">' in page and "algoprint-energieprofiel" in page
    assert "aandeel in energie" in page and "<th>functie</th>" in page
    assert "share of" not in page and "function" not in page
    # 20 J = 0,00556 Wh: a decimal comma, energies in Wh.
    assert "<td>0,00556</td>" in page and " Wh, " in page
    english = render_flame_html(result.tree, hotspots=result.hotspots)
    assert '<html lang="en">' in english and "<td>0.00556</td>" in english
