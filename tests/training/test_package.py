"""The training package stays light and exports lazily."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_importing_the_integrations_loads_no_framework() -> None:
    code = (
        "import sys, algoprint.advice.training as t, algoprint.advice.schedule\n"
        "import algoprint.advice.training.torch_helper, algoprint.advice.training.callbacks_hf\n"
        "import algoprint.advice.training.callbacks_keras\n"
        "import algoprint.advice.training.callbacks_lightning\n"
        "heavy = ('torch', 'numpy', 'lightning', 'keras', 'transformers', 'sqlalchemy')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize(
    "name",
    [
        "EpochTracker",
        "TrainingBudget",
        "advise_training",
        "compare_to_target",
        "decide_retraining",
        "predict_training",
        "save_analysis",
    ],
)
def test_lazy_exports(name: str) -> None:
    import algoprint.advice.training as training

    assert name in training.__all__
    assert getattr(training, name) is not None


def test_unknown_attribute() -> None:
    import algoprint.advice.training as training
    import algoprint.advice.training.callbacks_keras as keras_cb

    with pytest.raises(AttributeError):
        training.nothing  # noqa: B018
    with pytest.raises(AttributeError):
        keras_cb.Nothing  # noqa: B018
