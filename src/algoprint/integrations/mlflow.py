"""Log algoprint runs to MLflow: energy, CO2e (location and market), water, intervals, the document.

Explicit::

    import mlflow
    from algoprint.integrations import mlflow as ap_mlflow

    with mlflow.start_run():
        with algoprint.track(algorithm="risk-model", phase="training") as run:
            train()
        ap_mlflow.log_run(run.record, location="NL")

Automatic (every algoprint run that stops while an MLflow run is active is logged to it)::

    ap_mlflow.autolog(location="NL")

Metrics are ``algoprint.<figure>`` with ``.low``/``.high`` for the ~95 % interval
(``algoprint.energy_j``, ``algoprint.co2e_location_g``, ``algoprint.co2e_market_g``,
``algoprint.water_l``, ``algoprint.sci_g_per_unit``, ``algoprint.phase.<name>.energy_j``); the
run document and its impact document are the artifact ``algoprint/<run id>.json``. MLflow is an
optional extra: without it :func:`log_run` raises one :class:`~algoprint.errors.InputError`
naming it, and :func:`autolog` says so once.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from algoprint.errors import InputError
from algoprint.integrations._figures import run_figures
from algoprint.meters.common import warn_once
from algoprint.tracking.record import RunRecord

__all__ = ["INSTALL_HINT", "autolog", "log_run"]

log = logging.getLogger("algoprint")

INSTALL_HINT = "pip install 'algoprint[mlflow]'"

_autolog: dict[str, Any] = {}


def _mlflow() -> Any:
    try:
        import mlflow
    except ImportError:
        raise InputError("MLflow is not installed", hint=INSTALL_HINT) from None
    return mlflow


def log_run(
    record: RunRecord,
    *,
    run_id: str | None = None,
    location: str | None = None,
    artifact: bool = True,
) -> dict[str, float]:
    """Log ``record`` to the active MLflow run (or to ``run_id``).

    Args:
        record: a stopped algoprint run (``run.record``).
        run_id: the MLflow run to log to; default: the active run.
        location: grid zone for CO2e and water (default: the configured location).
        artifact: also log the run and impact documents as ``algoprint/<run id>.json``.

    Returns:
        The metrics logged.

    Raises:
        InputError: MLflow is not installed, or there is no active run and no ``run_id``.
    """
    mlflow = _mlflow()
    if run_id is None:
        active = mlflow.active_run()
        if active is None:
            raise InputError(
                "no active MLflow run to log the algoprint run to",
                hint="call inside `with mlflow.start_run():` or pass run_id=",
            )
        run_id = active.info.run_id
    figures = run_figures(record, location=location)
    metrics = figures.flat()
    client = mlflow.MlflowClient()
    for key, value in metrics.items():
        client.log_metric(run_id, key, value)
    tags = {
        "algoprint.run_id": record.run_id,
        "algoprint.algorithm": record.algorithm or "",
        "algoprint.phase": record.phase or "",
        "algoprint.scope": record.scope,
        "algoprint.method": ", ".join(sorted({c.method for c in record.components})),
    }
    tags.update({f"algoprint.missing.{k}": v[:5000] for k, v in figures.missing.items()})
    for key, text in tags.items():
        client.set_tag(run_id, key, text)
    if artifact:
        document = {"run": record.to_dict(), "impacts": figures.impacts, "sci": figures.sci}
        client.log_dict(run_id, document, f"algoprint/{record.run_id}.json")
    return metrics


def autolog(*, location: str | None = None, disable: bool = False) -> None:
    """Log every algoprint run that stops while an MLflow run is active, to that run.

    Args:
        location: grid zone for CO2e and water (default: the configured location).
        disable: turn the hook off again.

    Without MLflow installed this says so once (naming the extra) and does nothing.
    """
    from algoprint.tracking.tracker import on_stop

    remove: Callable[[], None] | None = _autolog.pop("remove", None)
    if remove is not None:
        remove()
    if disable:
        return
    try:
        _mlflow()
    except InputError as e:
        warn_once("mlflow:missing", f"algoprint: MLflow autolog is off: {e}")
        return

    def hook(record: RunRecord) -> None:
        mlflow = sys.modules.get("mlflow")
        if mlflow is None or mlflow.active_run() is None:
            return
        try:
            log_run(record, location=location)
        except Exception as e:  # never break the user's program
            warn_once(f"mlflow:log:{type(e).__name__}", f"algoprint: logging to MLflow failed: {e}")

    _autolog["remove"] = on_stop(hook)
