"""`algoprint advise simplicity|data|training` end to end (real meters, tiny data)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from algoprint.store import open_store
from tests.cli._invoke import algoprint, new_user


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = new_user(tmp_path, monkeypatch)
    monkeypatch.setenv("ALGOPRINT_CPU_TDP_W", "100")  # a known CPU power on any machine
    return path


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    """120 rows: y = (a > 0.5); b is noise; text column colour."""
    import numpy as np

    rng = np.random.default_rng(0)
    lines = ["a,b,colour,y"]
    for _ in range(120):
        a, b = rng.uniform(0, 1, size=2)
        lines.append(f"{a:.4f},{b:.4f},{'red' if a > 0.3 else 'blue'},{int(a > 0.5)}")
    path = tmp_path / "data.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


TREE = "sklearn.tree.DecisionTreeClassifier(max_depth=2)"
DUMMY = "sklearn.dummy.DummyClassifier"


def test_simplicity_json_recommends_among_the_candidates(db: str, csv_file: Path) -> None:
    rc, out, err = algoprint(
        "advise", "simplicity", str(csv_file), "--target", "y", "--encode", "--no-baselines",
        "--candidate", TREE, "--candidate", DUMMY, "--folds", "2", "--no-screen",
        "--location", "NL", "--json",
    )  # fmt: skip
    assert rc == 0, err
    doc = json.loads(out)
    names = {c["name"] for c in doc["candidates"]}
    assert len(names) == 2 and doc["recommended"] in names
    assert doc["best"] == doc["recommended"]  # the dummy is far worse than the tree
    assert doc["dataset"]["rows"] == 120 and doc["folds"] == 2
    assert doc["location"]["profile"]["zone"] == "NL"


def test_simplicity_stores_evidence_with_yearly_use_from_the_register(
    db: str, csv_file: Path
) -> None:
    rc, _, err = algoprint("algorithm", "add", "churn-model", "--yearly-units", "50000")
    assert rc == 0, err
    rc, out, err = algoprint(
        "advise", "simplicity", str(csv_file), "--target", "y", "--encode", "--no-baselines",
        "--candidate", TREE, "--folds", "2", "--algorithm", "churn-model", "--lang", "nl",
    )  # fmt: skip
    assert rc == 0, err
    assert "gebruik per jaar uit het register: 50.000 keer" in err  # Dutch, Dutch digits
    assert "opgeslagen als analyse" in err
    assert "standaardzone NL" in err  # nothing configured: said plainly, in Dutch
    assert out.strip()
    (record,) = open_store(db).list_analyses(algorithm="churn-model", kind="simplicity")
    assert record.result["yearly_predictions"] == 50000
    assert record.summary_nl and record.measure == "owp-13"


def test_data_minimisation(db: str, csv_file: Path) -> None:
    rc, out, err = algoprint(
        "advise", "data", str(csv_file), "--target", "y", "--encode", "--folds", "2",
        "--fractions", "0.5,1", "--no-features", "--model", TREE, "--zone", "DE", "--json",
        "--algorithm", "churn-model",
    )  # fmt: skip
    assert rc == 0, err
    doc = json.loads(out)
    assert doc["location"]["profile"]["zone"] == "DE"
    assert json.dumps(doc)  # JSON-ready
    (record,) = open_store(db).list_analyses(algorithm="churn-model")
    assert record.kind == "data-minimisation"


EXPERIMENT = """
import torch

def make_model():
    return torch.nn.Linear(4, 1)

def load_data():
    torch.manual_seed(0)
    x = torch.randn(64, 4)
    return x, x.sum(dim=1, keepdim=True)

def not_a_pair():
    return 3
"""


def test_training_experiments_from_module_functions(db: str, tmp_path: Path) -> None:
    pytest.importorskip("torch")
    (tmp_path / "exp_cli_train.py").write_text(textwrap.dedent(EXPERIMENT))
    rc, out, err = algoprint(
        "advise", "training", "--model", "exp_cli_train:make_model",
        "--data", "exp_cli_train:load_data", "--precision", "fp32", "--precision", "tf32",
        "--batch-size", "8", "--batch-size", "16", "--epochs", "4", "--repeats", "2",
        "--device", "cpu", "--algorithm", "lin-model", "--lang", "en",
    )  # fmt: skip
    assert rc == 0, err
    assert "fp32/bs8/constant" in out and "skipped: fp32" not in out and "skipped: tf32" in out
    assert "cost to the target (process CPU time)" in out and "e-0" not in out
    (record,) = open_store(db).list_analyses(algorithm="lin-model")
    assert record.kind == "training-efficiency"
    comparison = record.result["comparison"]
    assert comparison["reference"] == "fp32/bs8/constant" and comparison["target"] is not None
    assert [len(s["attempts"]) for s in comparison["settings"]] == [2, 2]
    assert record.summary_nl.startswith(("Gebruik", "Houd"))


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["simplicity", "missing.csv", "--target", "y"], "missing.csv"),
        (["simplicity", "{csv}", "--target", "nope"], "nope"),
        (["simplicity", "{csv}", "--target", "y", "--folds", "1"], "--folds"),
        (["simplicity", "{csv}", "--target", "y", "--tolerance", "-1"], "--tolerance"),
        (
            ["simplicity", "{csv}", "--target", "y", "--candidate", "no.such.Model", "--encode"],
            "no.such",
        ),
        (["simplicity", "{csv}", "--target", "y", "--location", "XX"], "unknown zone"),
        (["simplicity", "{csv}", "--target", "y", "--metric", "bogus", "--encode"], "bogus"),
        (["data", "{csv}", "--target", "y", "--fractions", "0,2"], "--fractions"),
        (["data", "{csv}", "--target", "y", "--fractions", "half"], "--fractions"),
        (["training", "--model", "nocolon", "--data", "x:y"], "module:function"),
        (["training", "--model", "no_such_mod_xyz:f", "--data", "x:y"], "cannot import"),
        (
            ["training", "--model", "exp_cli_bad:make_model", "--data", "exp_cli_bad:not_a_pair"],
            "(inputs, targets)",
        ),
        (["training", "--data", "x:y"], "--model"),
        (["bogus"], "No such command"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    db: str, csv_file: Path, tmp_path: Path, args: list[str], says: str
) -> None:
    (tmp_path / "exp_cli_bad.py").write_text(textwrap.dedent(EXPERIMENT))
    rc, out, err = algoprint("advise", *[a.replace("{csv}", str(csv_file)) for a in args])
    assert rc == 2, (out, err)
    assert says in err and "Traceback" not in err
    assert len([ln for ln in err.splitlines() if "rror" in ln]) == 1
