"""Loading the dataset of an analysis: CSV, Parquet, a ``module:function`` callable or arrays.

Everything ends as a numeric feature matrix ``X`` (float64), a target ``y`` and the column
names. Non-numeric feature columns are an error unless ``encode=True`` (one-hot encoding),
because silently dropping or mangling them would change the analysis.

Files are read column by column with pandas (the pyarrow engine when installed; both are in
the ``ml`` extra): ``NA``, ``nan``, ``NULL`` and empty cells are *missing*, never text. Missing
feature values are an error unless ``allow_missing=True`` (``advise simplicity`` imputes them
inside each cross-validation fold). Columns that look like identifiers (a distinct value in
every row) and text columns with many levels get a warning in ``Dataset.warnings``. Without
pandas, CSV falls back to the standard library reader (missing values are then an error).
"""

from __future__ import annotations

import csv
import importlib
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from algoprint.errors import InputError

__all__ = ["Dataset", "DatasetSource", "detect_task", "load_dataset"]

DatasetSource = str | os.PathLike[str] | Callable[[], Any] | tuple[Any, Any]
"""A CSV/Parquet path, a ``module:function`` string, a callable returning ``(X, y)``, or a
``(X, y)`` pair."""

# A numeric target with at most this many distinct integer values is taken as class labels.
MAX_CLASSES = 20


@dataclass(slots=True)
class Dataset:
    """A loaded dataset.

    Attributes:
        X: feature matrix, float64, shape (rows, features).
        y: target vector (float64 for regression, integer class codes for classification).
        feature_names: one name per column of ``X``.
        target: the target column's name.
        source: where it came from (path, callable name, ``arrays``).
        size_bytes: size on disk in bytes for a file; for data built in memory the size of the
            arrays (``size_basis`` says which).
        size_basis: ``file`` or ``in-memory arrays``.
        classes: the original class labels when the target was encoded, else empty.
        encoded: the one-hot encoded source columns (``--encode``), if any.
        missing: feature columns with missing values (only with ``allow_missing``).
        warnings: what the user should look at (identifier-like or high-cardinality columns).
    """

    X: Any
    y: Any
    feature_names: list[str]
    target: str
    source: str
    size_bytes: int
    size_basis: str
    classes: list[str] = field(default_factory=list)
    encoded: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])


def detect_task(y: Any) -> str:
    """``classification`` or ``regression``, from the target values.

    A non-numeric target is classification; a numeric one is classification when every value
    is an integer and there are at most 20 distinct values, else regression. Pass ``task=``
    to the analyses to override.
    """
    import numpy as np

    arr = np.asarray(y)
    if arr.dtype.kind not in "biuf":
        return "classification"
    if arr.dtype.kind == "b":
        return "classification"
    values = np.unique(arr)
    if arr.dtype.kind == "f" and not np.all(np.isfinite(values)):
        return "regression"
    if np.all(np.mod(values, 1) == 0) and len(values) <= MAX_CLASSES:
        return "classification"
    return "regression"


def load_dataset(
    source: DatasetSource,
    *,
    target: str | None = None,
    encode: bool = False,
    allow_missing: bool = False,
) -> Dataset:
    """Load ``source`` into a :class:`Dataset`.

    Args:
        source: a ``.csv``/``.tsv``/``.parquet`` path (needs ``target``), a ``module:function``
            string or a callable returning ``(X, y)``, or an ``(X, y)`` pair.
        target: the target column of a file.
        encode: one-hot encode non-numeric feature columns instead of failing.
        allow_missing: keep missing feature values as NaN (the caller imputes them).

    Raises:
        InputError: the file is missing or unreadable, the target column is missing, a feature
            column is not numeric (without ``encode``), values are missing, the callable
            cannot be imported or returns something other than ``(X, y)``.
    """
    if isinstance(source, tuple):
        return _from_arrays(source, "arrays", target, allow_missing)
    if callable(source):
        name = getattr(source, "__qualname__", repr(source))
        return _from_arrays(_call(source, name), name, target, allow_missing)
    text = os.fspath(source)
    path = Path(text)
    suffix = path.suffix.lower()
    if suffix in {".csv", ".tsv", ".txt", ".parquet", ".pq"} or path.exists():
        if not path.is_file():
            raise InputError(
                f"dataset file {text!r} does not exist", hint="check the path to the CSV/Parquet"
            )
        if target is None:
            raise InputError(
                f"no target column given for {text!r}",
                hint="name the column to predict with --target (target=...)",
            )
        frame = _read_frame(path, suffix)
        if frame is not None:
            from algoprint.advice._frame import from_frame

            cols = from_frame(
                frame, target, where=str(path), encode=encode, allow_missing=allow_missing
            )
            y, classes = _encode_target(cols.target_values, str(path))
            return Dataset(
                X=cols.X, y=y, feature_names=cols.names, target=target, source=str(path),
                size_bytes=path.stat().st_size, size_basis="file", classes=classes,
                encoded=cols.encoded, missing=cols.missing, warnings=cols.warnings,
            )  # fmt: skip
        header, rows = _read_parquet(path) if suffix in {".parquet", ".pq"} else _read_csv(path)
        return _from_table(
            header, rows, target, where=str(path), size=path.stat().st_size, encode=encode
        )
    if ":" in text:
        module, _, attr = text.partition(":")
        pair = _call(_import_callable(module, attr), text)
        return _from_arrays(pair, text, target, allow_missing)
    raise InputError(
        f"cannot tell what dataset {text!r} is",
        hint="pass a .csv or .parquet path, or a Python callable as module:function",
    )


def _import_callable(module: str, attr: str) -> Callable[[], Any]:
    try:
        mod = importlib.import_module(module)
    except ImportError as e:
        raise InputError(
            f"cannot import module {module!r} for the dataset: {e}",
            hint="check the module:function path and that the module is on PYTHONPATH",
        ) from e
    func = getattr(mod, attr, None)
    if not callable(func):
        raise InputError(
            f"{module}:{attr} is not a callable", hint="name a function that returns (X, y)"
        )
    return func  # type: ignore[no-any-return]


def _call(func: Callable[[], Any], name: str) -> Any:
    try:
        return func()
    except Exception as e:
        raise InputError(
            f"the dataset function {name} failed: {type(e).__name__}: {e}",
            hint="make it return (X, y) without arguments",
        ) from e


def _from_arrays(pair: Any, name: str, target: str | None, allow_missing: bool = False) -> Dataset:
    import numpy as np

    if not isinstance(pair, tuple | list) or len(pair) != 2:
        raise InputError(
            f"the dataset {name} must be a pair (X, y), got {type(pair).__name__}",
            hint="return X, y (a 2-D array of features and a 1-D target)",
        )
    try:
        X = np.asarray(pair[0], dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise InputError(
            f"the features of {name} are not all numeric: {e}",
            hint="one-hot encode text columns first (or load a CSV with --encode)",
        ) from e
    y_raw = np.asarray(pair[1])
    if X.ndim != 2 or y_raw.ndim != 1 or X.shape[0] != y_raw.shape[0]:
        raise InputError(
            f"the dataset {name} has X of shape {X.shape} and y of shape {y_raw.shape}",
            hint="X must be 2-D (rows, features) and y 1-D with one value per row",
        )
    missing: list[str] = []
    if allow_missing:
        cols = np.isnan(X).any(axis=0)
        missing = [f"x{int(i)}" for i in np.flatnonzero(cols)]
        _check_finite(np.nan_to_num(X, nan=0.0), [f"x{i}" for i in range(X.shape[1])], name)
    else:
        _check_finite(X, [f"x{i}" for i in range(X.shape[1])], name)
    names = getattr(pair[0], "columns", None)
    feature_names = [str(c) for c in names] if names is not None else []
    if len(feature_names) != X.shape[1]:
        feature_names = [f"x{i}" for i in range(X.shape[1])]
    y, classes = _encode_target(list(y_raw.tolist()), name)
    return Dataset(
        X=X,
        y=y,
        feature_names=feature_names,
        target=target or "y",
        source=name,
        size_bytes=int(X.nbytes + y.nbytes),
        size_basis="in-memory arrays",
        classes=classes,
        missing=missing,
    )


def _check_finite(X: Any, names: Sequence[str], where: str) -> None:
    import numpy as np

    bad = ~np.isfinite(X)
    if bad.any():
        cols = [names[int(i)] for i in np.flatnonzero(bad.any(axis=0))]
        raise InputError(
            f"{where} has missing or infinite values in column(s) {', '.join(cols[:10])}",
            hint="impute or drop them before the analysis (the choice changes the model)",
        )


def _sniff(path: Path) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            sample = fh.read(4096)
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(
            f"cannot read {path}: {e}", hint="pass a UTF-8 CSV file with a header row"
        ) from e
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter if sample else ","
    except csv.Error:
        return ","


def _read_frame(path: Path, suffix: str) -> Any:
    """A pandas DataFrame of the file (columnar), or ``None`` when pandas is not installed.

    Raises:
        InputError: the file cannot be parsed.
    """
    try:
        pd = importlib.import_module("pandas")
    except ImportError:
        return None
    try:
        if suffix in {".parquet", ".pq"}:
            return pd.read_parquet(path)
        sep = _sniff(path)
        try:
            importlib.import_module("pyarrow")
            return pd.read_csv(path, sep=sep, engine="pyarrow", encoding="utf-8-sig")
        except ImportError:
            return pd.read_csv(path, sep=sep, encoding="utf-8-sig")
    except InputError:
        raise
    except Exception as e:
        raise InputError(
            f"cannot read {path}: {e}",
            hint="pass a UTF-8 CSV (one value per column in every row) or a Parquet file",
        ) from e


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            sample = fh.read(4096)
            fh.seek(0)
            if delimiter == "," and sample:
                try:
                    delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
                except csv.Error:
                    delimiter = ","
            reader = csv.reader(fh, delimiter=delimiter)
            header = next(reader, None)
            rows = [row for row in reader if row]
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise InputError(
            f"cannot read {path}: {e}", hint="pass a UTF-8 CSV file with a header row"
        ) from e
    if not header:
        raise InputError(f"{path} is empty", hint="pass a CSV file with a header row")
    width = len(header)
    for i, row in enumerate(rows, start=2):
        if len(row) != width:
            raise InputError(
                f"{path} line {i} has {len(row)} fields, the header has {width}",
                hint="fix the file so that every row has one value per column",
            )
    return [h.strip() for h in header], rows


def _read_parquet(path: Path) -> tuple[list[str], list[list[str]]]:
    try:
        pq = importlib.import_module("pyarrow.parquet")
    except ImportError as e:
        raise InputError(
            f"reading {path} needs pyarrow, which is not installed",
            hint="pip install pyarrow (or convert the file to CSV)",
        ) from e
    try:
        table = pq.read_table(path)
    except Exception as e:
        raise InputError(f"cannot read {path}: {e}", hint="pass a valid Parquet file") from e
    header = [str(n) for n in table.column_names]
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    rows = [["" if v is None else str(v) for v in r] for r in zip(*columns, strict=True)]
    return header, rows


def _as_float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _from_table(
    header: list[str],
    rows: list[list[str]],
    target: str,
    *,
    where: str,
    size: int,
    encode: bool,
) -> Dataset:
    import numpy as np

    if target not in header:
        raise InputError(
            f"target column {target!r} is not in {where} (columns: {', '.join(header[:20])})",
            hint="pass the exact column name with --target",
        )
    if not rows:
        raise InputError(f"{where} has a header but no rows", hint="pass a file with data rows")
    t = header.index(target)
    columns: list[list[float]] = []
    names: list[str] = []
    text_cols: list[str] = []
    missing: list[str] = []
    encoded: list[str] = []
    for j, name in enumerate(header):
        if j == t:
            continue
        cells = [row[j].strip() for row in rows]
        if any(c == "" for c in cells):
            missing.append(name)
            continue
        parsed = [_as_float(c) for c in cells]
        if all(p is not None for p in parsed):
            columns.append([float(p) for p in parsed if p is not None])
            names.append(name)
        elif encode:
            encoded.append(name)
            for level in sorted(set(cells)):
                columns.append([1.0 if c == level else 0.0 for c in cells])
                names.append(f"{name}={level}")
        else:
            text_cols.append(name)
    if missing:
        raise InputError(
            f"{where} has empty cells in column(s) {', '.join(missing[:10])}",
            hint="impute or drop the missing values before the analysis",
        )
    if text_cols:
        raise InputError(
            f"{where} has non-numeric feature column(s) {', '.join(text_cols[:10])}",
            hint="one-hot encode them first, or pass --encode (encode=True) to let algoprint "
            "one-hot encode every text column",
        )
    if not columns:
        raise InputError(f"{where} has no feature columns besides {target!r}")
    X = np.array(columns, dtype=np.float64).T
    y, classes = _encode_target([row[t].strip() for row in rows], where)
    return Dataset(
        X=X,
        y=y,
        feature_names=names,
        target=target,
        source=where,
        size_bytes=size,
        size_basis="file",
        classes=classes,
        encoded=encoded,
    )


def _encode_target(values: list[Any], where: str) -> tuple[Any, list[str]]:
    """Numeric targets stay float; text labels become integer codes (sorted labels)."""
    import numpy as np

    if any(v is None or v == "" for v in values):
        raise InputError(
            f"{where} has missing target values", hint="drop the rows without a target value"
        )
    numbers = [_as_float(str(v)) for v in values]
    if all(n is not None for n in numbers):
        return np.array(numbers, dtype=np.float64), []
    labels = sorted({str(v) for v in values})
    index = {label: i for i, label in enumerate(labels)}
    return np.array([index[str(v)] for v in values], dtype=np.int64), labels
