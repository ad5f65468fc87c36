"""The expected cost of the owp-13 analysis itself, shown before the bulk of the work.

After the first look (the first split of every candidate, at most 1 / (repeats × k) of an
exhaustive search), the rest is extrapolated per candidate: one more split costs its measured
fit plus one predict pass over a test fold (the scoring pass; inference is timed in the first
chunk only); the first chunk's extra cost (repeated predict passes, windows, pickling) is paid
once. Racing costs at
least the baselines' full cross-validation plus the first look of the others, and at most the
exhaustive search. CPU seconds become wall time and energy with the ratios measured in the
first look (wall per CPU second, joules per wall second), so the estimate is as good as the
machine's energy figures (a CPU-utilisation model where there is no counter). After the run
the result sets the actual CPU time, duration and energy next to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from algoprint._format import number, quantity

__all__ = ["expected_cost", "render_expected"]


def expected_cost(
    lanes: Sequence[Any], *, k: int, total: int, setup_cpu_s: float, exhaustive: bool
) -> dict[str, Any]:
    """The expected CPU time, duration and energy of the analysis from its first look.

    Args:
        lanes: the raced candidates (:class:`~algoprint.advice._measure_race.Lane`), each
            measured on its first split.
        k: folds per repeat.
        total: splits per candidate in an exhaustive search (repeats × k).
        setup_cpu_s: process CPU (s) spent outside the candidates' windows so far (loading,
            commands).
        exhaustive: whether this run measures every split (then low = high).
    """
    spent = sum(ln.cpu_s for ln in lanes)
    low = high = setup_cpu_s + spent
    for ln in lanes:
        first = ln.parts[0] if ln.parts else None
        if first is None or first.status != "ok":
            continue
        passes = first.inference_cpu_passes_s
        per_split = (first.fit_cpu_s[0] if first.fit_cpu_s else 0.0) + (
            sum(passes) / len(passes) if passes else 0.0
        )
        high += (total - 1) * per_split
        if ln.outcome.candidate.kind == "baseline":
            low += (min(k, total) - 1) * per_split
    wall = sum(ln.wall_s for ln in lanes)
    wall_per_cpu = wall / spent if spent > 0 else 1.0
    j_per_wall = sum(ln.energy_j for ln in lanes) / wall if wall > 0 else 0.0

    def triple(cpu_s: float) -> dict[str, float]:
        duration = cpu_s * wall_per_cpu
        return {"cpu_s": cpu_s, "duration_s": duration, "energy_j": duration * j_per_wall}

    if exhaustive:
        low = high
    return {
        "basis": "the first split of every candidate",
        "low": triple(low),
        "high": triple(high),
        "exhaustive": triple(high),
    }


def _range(lo: float, hi: float, kind: str, lang: str) -> str:
    def fmt(value: float) -> str:
        return quantity(value, "J", lang) if kind == "J" else number(value, lang)

    unit = "" if kind == "J" else f" {kind}"
    if fmt(lo) == fmt(hi):
        return f"{fmt(hi)}{unit}"
    return f"{fmt(lo)}–{fmt(hi)}{unit}"


def render_expected(doc: dict[str, Any] | None, lang: str = "en") -> list[str]:
    """The expected cost in one sentence, and the actual cost next to it when known."""
    if not doc:
        return []
    nl = lang == "nl"
    lo, hi, ex = doc["low"], doc["high"], doc["exhaustive"]
    cpu = "s rekentijd" if nl else "s CPU"
    wall = "s kloktijd" if nl else "s wall"
    text = (
        f"{_range(lo['cpu_s'], hi['cpu_s'], cpu, lang)}, "
        f"{_range(lo['duration_s'], hi['duration_s'], wall, lang)}, "
        f"{_range(lo['energy_j'], hi['energy_j'], 'J', lang)}"
    )
    lines = [
        (
            f"Verwachte kosten van deze analyse (geschat uit de eerste split van elk model): "
            f"{text}; alles volledig doorrekenen zou {number(ex['cpu_s'], lang)} {cpu} en "
            f"{quantity(ex['energy_j'], 'J', lang)} kosten."
            if nl
            else f"Expected cost of this analysis (estimated from the first split of every "
            f"model): {text}; an exhaustive search would cost {number(ex['cpu_s'], lang)} "
            f"{cpu} and {quantity(ex['energy_j'], 'J', lang)}."
        )
    ]
    actual = doc.get("actual")
    if actual:
        parts = [f"{number(actual['cpu_s'], lang)} {cpu}"]
        if actual.get("duration_s") is not None:
            parts.append(f"{number(actual['duration_s'], lang)} {wall}")
        if actual.get("energy_j") is not None:
            parts.append(quantity(actual["energy_j"], "J", lang))
        lines.append(("Werkelijke kosten: " if nl else "Actual cost: ") + ", ".join(parts) + ".")
    return lines
