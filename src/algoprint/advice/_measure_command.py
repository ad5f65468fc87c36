"""Command candidates of the simplicity analysis: a child process that trains and scores.

A command prints a JSON line ``{"score": 0.93}``; its whole energy (and its children's CPU
time) counts as one training run. See :func:`evaluate_command`.
"""

from __future__ import annotations

import json
from typing import Any

from algoprint.advice._measure import Evaluation, Measurer, _max

__all__ = ["evaluate_command"]


def _json_line(stdout: str, key: str) -> dict[str, Any] | None:
    for raw in reversed(stdout.strip().splitlines()):
        line = raw.strip()
        if not line.startswith("{"):
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(doc, dict) and key in doc:
            return doc
    return None


def evaluate_command(candidate: Any, measurer: Measurer, *, timeout_s: float | None) -> Evaluation:
    """Run a command candidate; its whole energy counts as one training run.

    The command prints a JSON line ``{"score": 0.93}`` (optionally ``"scores": [...]`` per
    fold). The optional ``predict_command`` prints ``{"predictions": N}``; its energy / N ×
    1,000 is the inference energy. Without it, inference energy is unknown (``None``).

    Raises:
        BudgetExceeded: the energy budget was reached before a window.
    """
    ev = Evaluation(candidate.name)
    window, stdout, code, tail = measurer.command(
        f"{candidate.name}:command", candidate.command, timeout_s
    )
    doc = _json_line(stdout, "score")
    if code != 0 or doc is None:
        ev.status = "failed"
        why = f"exit code {code}" if code != 0 else 'no JSON line with "score" on stdout'
        ev.error = f"{why}; stderr tail: {tail.strip()[-200:]}" if tail else why
        return ev
    raw = doc.get("scores")
    try:
        ev.scores = [float(s) for s in raw] if isinstance(raw, list) else [float(doc["score"])]
    except (TypeError, ValueError):
        ev.status = "failed"
        ev.error = f"the score is not a number: {doc.get('score')!r}"
        return ev
    ev.fit_energy_j = window.energy_j
    ev.fit_duration_s = window.duration_s
    if window.cpu_s is not None:
        ev.fit_cpu_s = [window.cpu_s]
    ev.uncertainty_rel = window.uncertainty_rel
    if window.note:
        ev.notes.append(window.note)
    if candidate.predict_command:
        pw, pout, pcode, _ = measurer.command(
            f"{candidate.name}:predict", candidate.predict_command, timeout_s
        )
        pdoc = _json_line(pout, "predictions")
        try:
            n = float(pdoc["predictions"]) if pcode == 0 and pdoc else 0.0
        except (TypeError, ValueError):
            n = 0.0
        if n > 0 and pw.energy_j is not None:
            ev.inference_j_per_1000 = pw.energy_j / n * 1000
            ev.latency_s = pw.duration_s / n
            if pw.cpu_s is not None:
                ev.inference_cpu_s_per_1000 = pw.cpu_s / n * 1000
            ev.uncertainty_rel = _max(ev.uncertainty_rel, pw.uncertainty_rel)
        else:
            ev.notes.append('predict_command gave no {"predictions": N} line: inference unknown')
    else:
        ev.notes.append("command candidate without predict_command: inference energy unknown")
    return ev
