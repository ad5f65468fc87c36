"""Loading datasets: CSV, callables, arrays, and the errors for bad input."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from algoprint.advice._datasets import detect_task, load_dataset
from algoprint.errors import InputError


def _csv(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_csv_with_numeric_columns_and_text_target(tmp_path: Path) -> None:
    path = _csv(tmp_path, "a,b,label\n1,2.5,yes\n3,4,no\n5,6,yes\n")
    data = load_dataset(path, target="label")
    assert data.feature_names == ["a", "b"]
    assert data.X.shape == (3, 2) and data.X.dtype == np.float64
    assert data.classes == ["no", "yes"]
    assert data.y.tolist() == [1, 0, 1]
    assert data.size_bytes == path.stat().st_size and data.size_basis == "file"


def test_semicolon_csv_is_sniffed(tmp_path: Path) -> None:
    data = load_dataset(_csv(tmp_path, "a;b;y\n1;2;3.5\n4;5;6.5\n"), target="y")
    assert data.y.tolist() == [3.5, 6.5]


def test_missing_target_column_names_the_columns(tmp_path: Path) -> None:
    path = _csv(tmp_path, "a,b,label\n1,2,x\n")
    with pytest.raises(InputError, match=r"target column 'target' is not in .*a, b, label") as e:
        load_dataset(path, target="target")
    assert e.value.hint and "--target" in e.value.hint


def test_non_numeric_columns_name_the_columns_and_the_fix(tmp_path: Path) -> None:
    path = _csv(tmp_path, "city,age,colour,y\nUtrecht,30,red,1\nZwolle,40,blue,0\n")
    with pytest.raises(InputError, match=r"non-numeric feature column.*city, colour") as e:
        load_dataset(path, target="y")
    assert e.value.hint and "one-hot" in e.value.hint and "--encode" in e.value.hint
    data = load_dataset(path, target="y", encode=True)
    assert data.feature_names == ["city=Utrecht", "city=Zwolle", "age", "colour=blue", "colour=red"]
    assert data.encoded == ["city", "colour"]
    assert data.X[0].tolist() == [1.0, 0.0, 30.0, 0.0, 1.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,y\n1,1\n,0\n", "missing values in column"),
        ("a,y\n1,1\n2,\n", "missing target values"),
        ("a,y\n1,1,3\n", "cannot read|has 3 fields"),
        ("a,y\n", "no rows"),
    ],
)
def test_bad_csv_content(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        load_dataset(_csv(tmp_path, text), target="y")


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        load_dataset(tmp_path / "absent.csv", target="y")
    with pytest.raises(InputError, match="no target column given"):
        load_dataset(_csv(tmp_path, "a,y\n1,2\n"))
    with pytest.raises(InputError, match="cannot tell what dataset"):
        load_dataset("not-a-file-or-callable")


@pytest.mark.skipif(importlib.util.find_spec("pyarrow") is not None, reason="pyarrow installed")
def test_parquet_without_pyarrow_says_how_to_install(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    path.write_bytes(b"PAR1")
    with pytest.raises(InputError, match="needs pyarrow") as e:
        load_dataset(path, target="y")
    assert e.value.hint and "pip install pyarrow" in e.value.hint


def test_callable_by_module_path_and_bad_callables() -> None:
    data = load_dataset("tests.advice._estimators:wine_xy")
    assert data.X.shape == (178, 13) and data.size_basis == "in-memory arrays"
    assert data.source == "tests.advice._estimators:wine_xy"
    with pytest.raises(InputError, match="cannot import module"):
        load_dataset("no_such_module_xyz:load")
    with pytest.raises(InputError, match="must be a pair"):
        load_dataset("tests.advice._estimators:not_a_pair")


def test_arrays_with_nan_are_refused() -> None:
    X = np.array([[1.0, np.nan], [2.0, 3.0]])
    with pytest.raises(InputError, match=r"missing or infinite values in column.*x1"):
        load_dataset((X, np.array([0, 1])))
    with pytest.raises(InputError, match="shape"):
        load_dataset((np.ones(3), np.ones(3)))


@pytest.mark.parametrize(
    ("y", "task"),
    [
        (["a", "b", "a"], "classification"),
        ([0, 1, 1, 0], "classification"),
        ([0.0, 1.0, 2.0], "classification"),
        ([True, False], "classification"),
        (list(np.linspace(0, 1, 50)), "regression"),
        (list(range(100)), "regression"),
    ],
)
def test_detect_task(y: Any, task: str) -> None:
    assert detect_task(y) == task
