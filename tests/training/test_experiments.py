"""Precision × batch-size experiments on CPU with a tiny model."""

from __future__ import annotations

import pytest

from algoprint.advice.training.experiments import advise_training
from algoprint.errors import InputError
from tests.tracking._fakes import ConstantPowerMeter
from tests.training._models import regression_data, tiny_mlp

pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::FutureWarning"),
]


def test_cpu_experiment_recommends_a_matching_setting() -> None:
    advice = advise_training(
        tiny_mlp,
        regression_data(n=256),
        precisions=("fp32", "bf16", "fp16", "tf32"),
        batch_sizes=(16, 64),
        steps=40,
        device="cpu",
        tolerance=0.5,
        meters=[ConstantPowerMeter(power_w=50.0)],
        store=False,
    )
    by_key = {(s.precision, s.batch_size): s for s in advice.settings}
    assert len(by_key) == 8
    tf32 = by_key[("tf32", 16)]
    assert tf32.status == "skipped" and "CUDA" in (tf32.reason or "")
    ref = by_key[("fp32", 16)]
    assert advice.reference is ref and ref.status == "measured"
    assert ref.samples == 40 * 16 and by_key[("fp32", 64)].samples == 10 * 64  # equal samples
    assert ref.energy_per_sample_j == pytest.approx(ref.energy_j / ref.samples)
    for s in advice.settings:
        if s.status == "skipped":
            assert s.reason  # never silently left out
    assert advice.recommended is not None and advice.recommended.matches_reference
    matching = [
        s for s in advice.settings if s.matches_reference and s.energy_per_sample_j is not None
    ]
    assert advice.recommended.energy_per_sample_j == min(s.energy_per_sample_j for s in matching)
    record = advice.to_analysis("tiny")
    assert record.kind == "training-efficiency" and record.run_ids == [advice.run_id]
    assert record.result["recommended"]["precision"] == advice.recommended.precision


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"precisions": ("int8",)}, "unknown precision"),
        ({"batch_sizes": ()}, "positive"),
        ({"steps": 0}, "positive"),
        ({"device": "tpu"}, "not available"),
        ({"tolerance": 1.5}, "tolerance"),
    ],
)
def test_bad_arguments(kwargs: dict, match: str) -> None:
    with pytest.raises(InputError, match=match):
        advise_training(tiny_mlp, regression_data(), store=False, **kwargs)
