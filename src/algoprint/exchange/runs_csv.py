"""Runs with their impacts as CSV (one row per run) or JSON (a list of run rows).

The same columns as the report's CSV format: SI units in the column names, ``.`` decimals, a
missing figure is an empty cell and the ``missing`` column gives the reason.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from algoprint.errors import InputError
from algoprint.report._build import compute_runs
from algoprint.report._compute import run_row
from algoprint.report.model import _plain
from algoprint.report.render import runs_csv

if TYPE_CHECKING:
    from algoprint.store import Store

__all__ = ["export_runs"]


def export_runs(
    store: Store,
    *,
    fmt: str = "csv",
    algorithm: str | None = None,
    period: str | None = None,
    settings_extra: Mapping[str, Any] | None = None,
    overrides: Mapping[str, str | None] | None = None,
) -> bytes:
    """Every finished run of ``algorithm`` (or all) in ``period`` with its impacts.

    Args:
        fmt: ``csv`` or ``json``.
        overrides: ``location``/``cloud``/``region``/``datacentre`` overrides.

    Raises:
        InputError: another format, a bad period.
        NotFound: an unknown algorithm.
    """
    from algoprint.refdata import FACTOR_VERSION

    if fmt not in {"csv", "json"}:
        raise InputError(f"unsupported runs export format {fmt!r}", hint="use csv or json")
    items, _, _, _ = compute_runs(
        store,
        algorithm=algorithm,
        period=period,
        settings_extra=settings_extra,
        overrides=overrides,
    )
    rows = [run_row(i) for i in reversed(items)]
    if fmt == "csv":
        return runs_csv(rows, FACTOR_VERSION)
    doc = {"factor_version": FACTOR_VERSION, "runs": _plain(rows)}
    return (json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode()
