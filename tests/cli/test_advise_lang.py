"""One language per output: `advise simplicity|data|training` in Dutch has no English sentence,
and in English no Dutch one (issue 15/16). Real meters, tiny data."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from tests.cli._invoke import algoprint
from tests.cli.test_advise_cli import EXPERIMENT, db  # noqa: F401 (the same user fixture)

# Words of algoprint's English sentences that must not appear in its Dutch output.
ENGLISH = re.compile(
    r"\b(the|and|with|from|is not|energy|advice|column|rows?|candidates?|baselines?|racing|"
    r"fits|tolerance|stopped|reached|note|warning|decided|yearly|stored|budget ran|"
    r"split\(s\) only|out of reach|cannot|identifier|distinct|validation|includes|skipped|"
    r"available|process CPU time|counter|per year|a year)\b",
    re.IGNORECASE,
)
# Words of the Dutch sentences that must not appear in the English output.
DUTCH = re.compile(
    r"\b(het|een|niet|geen|gebruik|advies|kolom|rijen|marge|energie|gestopt|opgeslagen|keer|"
    r"van de|met|dubbele|verwijderd|noot|overgeslagen|kruisvalidatie|modellen)\b",
    re.IGNORECASE,
)
pytestmark = pytest.mark.usefixtures("db")  # a fresh user, a known CPU power
TREE = "sklearn.tree.DecisionTreeClassifier(max_depth=2)"
DUMMY = "sklearn.dummy.DummyClassifier"


@pytest.fixture
def awkward_csv(tmp_path: Path) -> Path:
    """80 rows with an ID-like text column, missing values, a text column and a duplicate row:
    every data warning and preparation note of the analyses fires."""
    import numpy as np

    rng = np.random.default_rng(1)
    lines = ["code,a,b,colour,y"]
    for i in range(80):
        a, b = rng.uniform(0, 1, size=2)
        shown_b = "" if i % 9 == 0 else f"{b:.4f}"
        lines.append(f"r{i},{a:.4f},{shown_b},{'red' if a > 0.3 else 'blue'},{int(a > 0.5)}")
    path = tmp_path / "awkward.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _leaks(pattern: re.Pattern[str], text: str, *own: str) -> list[str]:
    """The words of ``pattern`` in ``text``, after the user's own names (``own``) are removed."""
    for name in own:
        text = text.replace(name, "")
    return pattern.findall(text)


def test_simplicity_is_dutch_or_english_throughout(awkward_csv: Path) -> None:
    rc, _, err = algoprint("algorithm", "add", "churn-model", "--yearly-units", "50000")
    assert rc == 0, err
    args = [
        "advise", "simplicity", str(awkward_csv), "--target", "y", "--encode", "--no-baselines",
        "--candidate", TREE, "--candidate", DUMMY, "--folds", "2", "--repeats", "2",
        "--location", "NL", "--algorithm", "churn-model",
    ]  # fmt: skip
    rc, out, err = algoprint(*args, "--lang", "nl")
    assert rc == 0, err
    assert "Let op: kolom 'code' heeft in elke rij een andere waarde" in out
    assert "Ontbrekende waarden in b" in out and "Beslist op: CPU-tijd van het proces" in out
    assert "Opmerking: plan: 2 modellen (0 basismodellen), 2 × 2-voudige kruisvalidatie" in out
    assert "gebruik per jaar uit het register: 50.000 keer" in err
    own = (str(awkward_csv), TREE, DUMMY, "DecisionTreeClassifier", "DummyClassifier")
    assert _leaks(ENGLISH, out + err, *own) == [], out + err
    assert "e-0" not in out and "e+0" not in out  # no exponent notation for people
    rc, out, err = algoprint(*args, "--lang", "en")
    assert rc == 0, err
    assert "Warning: column 'code' has a different value in every row" in out
    assert "plan: 2 candidates (0 baselines), racing over 2 × 2-fold" in err
    assert _leaks(DUTCH, out + err, *own) == [], out + err


def test_simplicity_budget_stop_is_dutch(awkward_csv: Path) -> None:
    rc, out, err = algoprint(
        "advise", "simplicity", str(awkward_csv), "--target", "y", "--encode", "--no-baselines",
        "--candidate", TREE, "--folds", "2", "--budget-j", "0.001", "--lang", "nl",
    )  # fmt: skip
    assert rc == 0, err
    assert "geen locatie ingesteld; de impact is berekend met de standaardzone NL" in err
    assert re.search(
        r"Gestopt: het energiebudget was op \(energiebudget van 0,001\d* J bereikt", out
    )
    assert "het energiebudget van de analyse was" in out
    own = (str(awkward_csv), TREE, "DecisionTreeClassifier")
    assert _leaks(ENGLISH, out + err, *own) == [], out + err


def test_data_is_dutch_or_english_throughout(awkward_csv: Path, tmp_path: Path) -> None:
    complete = tmp_path / "complete.csv"
    rows = [line for line in awkward_csv.read_text().splitlines() if ",," not in line]
    complete.write_text("\n".join([*rows, rows[3]]) + "\n")  # one exact duplicate
    args = [
        "advise", "data", str(complete), "--target", "y", "--encode", "--folds", "2",
        "--fractions", "0.5,1", "--model", TREE, "--location", "NL",
    ]  # fmt: skip
    rc, out, err = algoprint(*args, "--lang", "nl")
    assert rc == 0, err
    assert "1 dubbele rij is vóór de leercurve verwijderd" in out
    assert "bron: Cloud Carbon Footprint (Thoughtworks), 0,65 Wh per TB-uur HDD" in out
    assert _leaks(ENGLISH, out + err, str(complete), TREE) == [], out + err
    rc, out, err = algoprint(*args, "--lang", "en")
    assert rc == 0, err
    assert "1 duplicate rows were removed" in out
    assert _leaks(DUTCH, out + err, str(complete), TREE) == [], out + err


def test_training_is_dutch_or_english_throughout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("torch")
    (tmp_path / "exp_lang_train.py").write_text(textwrap.dedent(EXPERIMENT))
    monkeypatch.syspath_prepend(str(tmp_path))
    args = [
        "advise", "training", "--model", "exp_lang_train:make_model",
        "--data", "exp_lang_train:load_data", "--precision", "fp32", "--precision", "tf32",
        "--batch-size", "8", "--epochs", "2", "--repeats", "2", "--device", "cpu",
    ]  # fmt: skip
    own = ("fp32/bs8/constant", "tf32/bs8/constant")
    rc, out, err = algoprint(*args, "--lang", "nl")
    assert rc == 0, err
    assert "TF32 is een stand van CUDA-tensorcores; niet beschikbaar op cpu" in out
    assert "noot: validatieverlies gemeten op de trainingsdata" in out
    assert "noot: besloten op CPU-tijd van het proces" in out
    assert _leaks(ENGLISH, out + err, *own) == [], out + err
    rc, out, err = algoprint(*args, "--lang", "en")
    assert rc == 0, err
    assert "TF32 is a CUDA tensor-core mode" in out
    assert _leaks(DUTCH, out + err, *own) == [], out + err


def test_advice_prose_is_wrapped_to_the_terminal_and_tables_are_not() -> None:
    from algoprint.cli._prose import prose as _prose

    sentence = (
        "Advies: gebruik linear-svm. Dit model is bijna even goed als het beste model "
        "(boosting-early-stop): accuracy 0,979 tegen 0,984 (minder dan 1,4 procentpunt verschil)."
    )
    parts = _prose(sentence, 80)
    assert len(parts) == 3 and all(len(p) <= 80 for p in parts)
    assert " ".join(parts) == sentence  # words kept whole, hyphenated names unbroken
    row = "linear-svm *         vergeleken       8     0,979  0,013    0,04 J" + " " * 30
    assert _prose(row, 80) == [row]  # a table row keeps its columns
    assert _prose("-" * 96, 80) == ["-" * 96]
    assert _prose(sentence, None) == [sentence]  # not a terminal: one line per sentence
    item = "- SVC: " + "stopped early because it was out of reach of the best model " * 2
    assert all(p.startswith("  ") for p in _prose(item.strip(), 80)[1:])
