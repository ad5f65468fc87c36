"""Training settings compared at equal validation loss, on CPU with a tiny torch model."""

from __future__ import annotations

import json
import math

import pytest

from algoprint.advice.training.experiments import advise_training, lr_multiplier
from algoprint.errors import InputError
from tests.tracking._fakes import ConstantPowerMeter
from tests.training._models import regression_data, tiny_mlp

pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::FutureWarning"),
]


def test_settings_train_to_the_reference_target_with_the_users_optimiser() -> None:
    import torch

    made: list[str] = []

    def adam(params):  # type: ignore[no-untyped-def]
        made.append("adam")
        return torch.optim.Adam(params, lr=0.01)

    advice = advise_training(
        tiny_mlp,
        regression_data(n=128),
        eval_data=regression_data(n=64, seed=1),
        precisions=("fp32", "bf16", "tf32"),
        batch_sizes=(16, 64),
        schedules=("constant", "cosine"),
        epochs=6,
        optimizer=adam,
        repeats=2,
        device="cpu",
        meters=[ConstantPowerMeter(power_w=50.0)],
        store=False,
    )
    c = advice.comparison
    names = [s.name for s in c.settings]
    assert names[0] == c.reference == "fp32/bs16/constant"
    assert len(names) == 8 and all("tf32" not in n for n in names)
    assert {s["setting"] for s in advice.skipped} == {
        f"tf32/bs{b}/{s}" for b in (16, 64) for s in ("constant", "cosine")
    }
    assert all("CUDA" in s["reason"] for s in advice.skipped)  # never silently left out
    # Every training used the user's optimiser: warm-up + repeats for every setting.
    assert len(made) == 8 * (1 + 2)
    ref = c.setting(c.reference)
    assert [len(a.losses) for a in ref.attempts] == [6, 6]  # the reference trains its plan
    # The target: the reference's best validation loss, less 5 % of its loss reduction.
    initial = [a.initial for a in ref.attempts if a.initial is not None]
    drops = [i - min(a.losses) for i, a in zip(initial, ref.attempts, strict=True)]
    expected = sum(initial) / 2 - 0.95 * sum(drops) / 2
    assert c.target is not None and math.isclose(c.target, expected, rel_tol=1e-9)
    for s in c.settings[1:]:
        for a in s.attempts:
            # Stopped at the first epoch that reached the target, or trained to the cap.
            if a.reached_epoch is not None:
                assert len(a.losses) == a.reached_epoch and a.losses[-1] <= c.target
            else:
                assert len(a.losses) == 6 and min(a.losses) > c.target
        assert s.verdict in {
            "cheaper",
            "costlier",
            "no clear difference",
            "did not reach the target",
        }
    assert advice.recommended is not None and advice.recommended.name == c.recommended
    record = advice.to_analysis("tiny")
    assert record.kind == "training-efficiency" and record.run_ids == [c.run_id]
    json.dumps(record.result)  # stored as JSON
    for text in (record.summary_en, record.summary_nl, *advice.render("nl")):
        assert "e-0" not in text and "e+0" not in text  # no exponent notation for people


def test_training_data_as_validation_is_noted() -> None:
    advice = advise_training(
        tiny_mlp,
        regression_data(n=64),
        precisions=("fp32",),
        batch_sizes=(16,),
        epochs=3,
        repeats=2,
        device="cpu",
        store=False,
    )
    assert any("training data" in n for n in advice.notes)
    assert advice.comparison.recommended == "fp32/bs16/constant"


def test_schedules() -> None:
    assert lr_multiplier("constant", 90, 100) == 1.0
    assert lr_multiplier("cosine", 0, 100) == 1.0 and lr_multiplier("cosine", 100, 100) == 0.0
    assert lr_multiplier("cosine", 50, 100) == pytest.approx(0.5)
    assert lr_multiplier("step", 66, 100) == 1.0 and lr_multiplier("step", 67, 100) == 0.1


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"precisions": ("int8",)}, "unknown precision"),
        ({"schedules": ("linear",)}, "unknown schedule"),
        ({"batch_sizes": ()}, "positive"),
        ({"epochs": 0}, "epochs"),
        ({"device": "tpu"}, "not available"),
        ({"tolerance": 1.5}, "tolerance"),
        ({"repeats": 1}, "repeats"),
        ({"lr_scaling": "cubic"}, "lr_scaling"),
        ({"precisions": ("tf32",), "device": "cpu"}, "no setting can run"),
    ],
)
def test_bad_arguments(kwargs: dict, match: str) -> None:
    with pytest.raises(InputError, match=match):
        advise_training(tiny_mlp, regression_data(), store=False, **kwargs)
