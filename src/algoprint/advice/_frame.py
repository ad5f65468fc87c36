"""A pandas DataFrame to a feature matrix, column by column (for :mod:`._datasets`).

Missing cells (pandas' NA tokens: empty, ``NA``, ``nan``, ``NULL``, ...) stay missing: a numeric
column with ``NA`` is numeric, never one-hot text. Text columns are one-hot encoded only with
``encode``; their missing cells get a ``=(missing)`` indicator column. Identifier-like columns
(a distinct value in every row) and text columns with many levels are named in ``warnings``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from algoprint.errors import InputError

__all__ = ["HIGH_CARDINALITY", "FrameColumns", "from_frame"]

HIGH_CARDINALITY = 50
"""A text column with more distinct values than this (and than 5 % of the rows) is flagged."""


@dataclass(slots=True)
class FrameColumns:
    """The feature matrix and what was done to the columns; the target values as a list."""

    X: Any
    names: list[str]
    target_values: list[Any]
    encoded: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _numeric(col: Any) -> Any | None:
    """The column as float64 when every present value is a number, else ``None``."""
    import numpy as np
    import pandas as pd

    if col.dtype.kind in "biuf":
        return col.to_numpy(dtype=np.float64, na_value=np.nan)
    as_num = pd.to_numeric(col, errors="coerce")
    if int(as_num.notna().sum()) == int(col.notna().sum()):
        return as_num.to_numpy(dtype=np.float64, na_value=np.nan)
    return None


def from_frame(
    frame: Any, target: str, *, where: str, encode: bool, allow_missing: bool
) -> FrameColumns:
    """Build the dataset; see the module docstring for the rules.

    Raises:
        InputError: no target column, no rows, missing targets, text columns without
            ``encode``, missing values without ``allow_missing``, no feature columns.
    """
    import numpy as np

    header = [str(c) for c in frame.columns]
    frame.columns = header
    if target not in header:
        raise InputError(
            f"target column {target!r} is not in {where} (columns: {', '.join(header[:20])})",
            hint="pass the exact column name with --target",
        )
    n = len(frame)
    if n == 0:
        raise InputError(f"{where} has a header but no rows", hint="pass a file with data rows")
    if frame[target].isna().any():
        raise InputError(
            f"{where} has missing target values", hint="drop the rows without a target value"
        )
    columns: list[Any] = []
    names: list[str] = []
    text_cols: list[str] = []
    missing: list[str] = []
    encoded: list[str] = []
    warnings: list[str] = []
    for name in header:
        if name == target:
            continue
        col = frame[name]
        values = _numeric(col)
        distinct = int(col.nunique(dropna=True))
        if distinct == n and n >= 20 and (values is None or np.all(np.mod(values, 1) == 0)):
            warnings.append(
                f"column {name!r} has a different value in every row: it looks like an "
                "identifier; drop it (a model can memorise it, and it carries no signal)"
            )
        if values is not None:
            if np.isnan(values).any():
                missing.append(name)
            columns.append(values)
            names.append(name)
            continue
        if not encode:
            text_cols.append(name)
            continue
        encoded.append(name)
        if distinct > max(HIGH_CARDINALITY, 0.05 * n):
            warnings.append(
                f"text column {name!r} has {distinct} distinct values: one-hot encoding makes "
                f"{distinct} columns; group rare values or drop it"
            )
        text = col.astype("string")
        for level in sorted(str(v) for v in text.dropna().unique()):
            columns.append((text == level).fillna(False).to_numpy(dtype=np.float64))
            names.append(f"{name}={level}")
        if text.isna().any():
            columns.append(text.isna().to_numpy(dtype=np.float64))
            names.append(f"{name}=(missing)")
    if text_cols:
        raise InputError(
            f"{where} has non-numeric feature column(s) {', '.join(text_cols[:10])}",
            hint="one-hot encode them first, or pass --encode (encode=True) to let algoprint "
            "one-hot encode every text column",
        )
    if missing and not allow_missing:
        raise InputError(
            f"{where} has missing values in column(s) {', '.join(missing[:10])}",
            hint="impute or drop them before this analysis (advise simplicity imputes them "
            "inside the cross-validation folds)",
        )
    if not columns:
        raise InputError(f"{where} has no feature columns besides {target!r}")
    X = np.column_stack(columns)
    if np.isinf(X).any():
        raise InputError(f"{where} has infinite values", hint="replace or drop them")
    return FrameColumns(X, names, frame[target].tolist(), encoded, missing, warnings)
