"""The retraining decision: drift measures, cost from past runs, the stored record."""

from __future__ import annotations

import numpy as np
import pytest

from algoprint.advice.training.retraining import decide_retraining, ks_statistic, psi
from algoprint.errors import InputError
from algoprint.tracking.record import RunRecord, RunStatus


def run(energy_j: float | None, status: RunStatus = RunStatus.COMPLETED, phase: str = "training"):
    return RunRecord(
        run_id=f"r{energy_j}-{status.value}",
        algorithm="algo",
        phase=phase,
        status=status,
        started_at="2025-01-01T00:00:00+00:00",
        scope="machine",
        energy_j=energy_j,
    )


RNG = np.random.default_rng(0)
REF = RNG.normal(0, 1, size=(2000, 2))
SAME = RNG.normal(0, 1, size=(2000, 2))
SHIFTED = np.column_stack([RNG.normal(0, 1, 2000), RNG.normal(1.0, 1, 2000)])


def test_measures_see_the_shift_in_one_feature() -> None:
    same, shifted = psi(REF, SAME), psi(REF, SHIFTED)
    assert max(same) < 0.05
    assert shifted[0] < 0.05 and shifted[1] > 0.5
    ks_same, ks_shifted = ks_statistic(REF, SAME), ks_statistic(REF, SHIFTED)
    assert max(ks_same) < 0.06 and ks_shifted[1] > 0.3
    assert ks_statistic([0, 1, 2], [10, 11, 12]) == [1.0]


@pytest.mark.parametrize("metric", ["psi", "ks"])
def test_decision_follows_drift(metric: str) -> None:
    runs = [run(100.0), run(300.0), run(200.0), run(None), run(999.0, RunStatus.FAILED)]
    keep = decide_retraining(runs, reference=REF, current=SAME, metric=metric)
    assert not keep.retrain and "below" in keep.reason
    go = decide_retraining(
        runs, reference=REF, current=SHIFTED, metric=metric, grid_intensity_g_per_kwh=360.0
    )
    assert go.retrain
    assert go.cost_energy_j == 200.0 and go.cost_range_j == (100.0, 300.0)
    assert go.cost_co2e_g == pytest.approx(200.0 * 360.0 / 3.6e6)
    assert len(go.runs_used) == 3


def test_cost_cap_and_records(fake_store) -> None:
    from algoprint.advice.training._store import save_analysis

    d = decide_retraining([run(5e6)], drift_score=0.9, threshold=0.2, max_energy_j=1e6)
    assert not d.retrain and "over the cap" in d.reason
    record = d.to_analysis("algo")
    assert record.kind == "retraining-policy" and record.result["decision"] == "skipped"
    overridden = d.to_analysis("algo", retrained=True)
    assert overridden.result["decision"] == "retrained"
    assert overridden.result["followed_recommendation"] is False
    save_analysis(record, fake_store)
    assert fake_store.analyses == [record]


def test_unknown_cost_is_said() -> None:
    d = decide_retraining([], drift_score=0.5, threshold=0.2)
    assert d.retrain and d.cost_energy_j is None and "unknown" in d.reason


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({}, "no drift measure"),
        ({"drift_score": 0.3}, "needs its threshold"),
        ({"reference": REF, "current": SAME, "metric": "chi"}, "unknown drift metric"),
        ({"reference": REF, "current": SAME[:, :1]}, "features"),
        ({"reference": [[np.nan, 1], [1, 2]], "current": SAME}, "NaN"),
        ({"drift_score": 0.3, "threshold": 0}, "threshold"),
        ({"drift_score": 0.3, "threshold": 0.1, "max_energy_j": -1}, "max_energy_j"),
    ],
)
def test_bad_input(kwargs: dict, match: str) -> None:
    with pytest.raises(InputError, match=match):
        decide_retraining([run(1.0)], **kwargs)


def test_save_analysis_needs_the_method() -> None:
    from algoprint.advice.training._store import save_analysis

    record = decide_retraining([], drift_score=0.1, threshold=0.2).to_analysis(None)
    with pytest.raises(InputError, match="save_analysis"):
        save_analysis(record, object())
