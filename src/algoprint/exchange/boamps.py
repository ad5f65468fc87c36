"""Runs as BoAmps reports: Boavizta's open data model for the energy of AI tasks.

One report per run, shaped after BoAmps' ``report_schema.json``
(https://github.com/Boavizta/BoAmps, ``model/report_schema.json``; field names only, no
code taken). Mapping:

======================  =========================================================
BoAmps                  algoprint
======================  =========================================================
header.reportId         run id
header.reportStatus     ``final``; ``draft`` for failed/interrupted/incomplete runs (a run
                        stopped by its budget ended as intended: ``final``)
header.publisher        organisation and algorithm from the register
task.taskStage          the run's phase (``training``, ``inference``, ...)
task.taskFamily         the algorithm's functional unit or description, else ``unknown``
task.nbRequest          the run's functional units, for use-phase runs
task.algorithms         the algorithm slug and name; for training runs also
                        ``trainingType``, ``framework``, ``epochsNumber`` from the
                        run's tags ``training_type``, ``framework``, ``epochs``
measures[]              one measure: ``powerConsumption`` in kWh (the run's IT energy for
                        its scope), ``measurementMethod`` (algoprint and the component
                        methods), CPU/GPU tracking modes, duration, start time
infrastructure          ``publicCloud`` with provider for a cloud region, else
                        ``onPremise``; one component per measured device
environment             zone as country, location label, grid intensity (g CO2e/kWh)
quality                 BoAmps bands from the run's relative uncertainty:
                        high <= 10 %, medium <= 25 %, else low
======================  =========================================================

Fields BoAmps requires that algoprint does not know (the dataset) are given as
``{"dataType": "unknown"}`` rather than invented. A run without a total energy has
``powerConsumption: null`` and says why in ``task.taskDescription``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from algoprint.errors import InputError
from algoprint.report._build import compute_runs
from algoprint.report._compute import phase_class

if TYPE_CHECKING:
    from algoprint.kader.register import Algorithm
    from algoprint.report._compute import Computed, ImpactEngine
    from algoprint.store import Store

__all__ = ["BOAMPS_SCHEMA", "boamps_report", "export_boamps"]

BOAMPS_SCHEMA = "https://raw.githubusercontent.com/Boavizta/BoAmps/main/model/report_schema.json"
"""The BoAmps report schema the documents follow."""
_J_PER_KWH = 3.6e6
_DRAFT = {"failed", "interrupted", "incomplete"}


def _quality(uncertainty_rel: float | None) -> str:
    if uncertainty_rel is None:
        return "low"
    if uncertainty_rel <= 0.10:
        return "high"
    if uncertainty_rel <= 0.25:
        return "medium"
    return "low"


def _training_fields(tags: Mapping[str, str]) -> dict[str, Any]:
    """BoAmps' training fields from the run's tags (``training_type``, ``framework``,
    ``epochs``); a meter cannot see them, so they are left out when not tagged."""
    out: dict[str, Any] = {}
    if tags.get("training_type"):
        out["trainingType"] = tags["training_type"]
    if tags.get("framework"):
        out["framework"] = tags["framework"]
    if str(tags.get("epochs", "")).isdigit():
        out["epochsNumber"] = int(tags["epochs"])
    return out


def boamps_report(
    item: Computed, engine: ImpactEngine, algorithm: Algorithm | None, *, now: datetime
) -> dict[str, Any]:
    """The BoAmps document of one computed run (see the module docstring for the mapping)."""
    from algoprint._version import __version__

    run = item.run
    profile, label, _ = engine.profile(run.algorithm)
    methods = {c.domain: c.method for c in run.components}
    measure: dict[str, Any] = {
        "measurementMethod": "algoprint ("
        + ", ".join(f"{d}: {m}" for d, m in sorted(methods.items()))
        + f"; scope {run.scope})",
        "manufacturer": "algoprint",
        "version": __version__,
        "unit": "kWh",
        "powerConsumption": None if run.energy_j is None else run.energy_j / _J_PER_KWH,
        "measurementDuration": run.duration_s,
        "measurementDateTime": run.started_at,
    }
    if "cpu" in methods:
        measure["cpuTrackingMode"] = methods["cpu"]
    if "gpu" in methods:
        measure["gpuTrackingMode"] = methods["gpu"]
    task: dict[str, Any] = {
        "taskStage": run.phase or "unknown",
        "taskFamily": ((algorithm.functional_unit or algorithm.description) if algorithm else None)
        or "unknown",
        "algorithms": [
            {"algorithmName": algorithm.name if algorithm else (run.algorithm or "unknown")}
        ],
        "dataset": [{"dataType": "unknown"}],
    }
    if phase_class(run.phase) == "use" and run.units:
        task["nbRequest"] = run.units
    if phase_class(run.phase) == "training":
        task["algorithms"][0].update(_training_fields(run.tags))
    if run.energy_j is None:
        task["taskDescription"] = (
            f"no total energy: a meter gap (measured part {run.measured_energy_j:g} J)"
        )
    publisher: dict[str, Any] = {"confidentialityLevel": "internal"}
    if algorithm is not None and algorithm.organisation:
        publisher["name"] = algorithm.organisation
    if run.algorithm:
        publisher["projectName"] = run.algorithm
    infrastructure: dict[str, Any] = {
        "infraType": "publicCloud" if profile.cloud else "onPremise",
        "components": [
            {
                "componentName": str(run.host["cpu_model"])
                if c.domain == "cpu" and run.host.get("cpu_model")
                else f"{c.domain}:{c.device}",
                "nbComponent": 1,
            }
            for c in run.components
        ]
        or [{"componentName": "unknown", "nbComponent": 1}],
    }
    if profile.cloud:
        infrastructure["cloudProvider"] = profile.cloud
    environment: dict[str, Any] = {"country": profile.zone or "unknown", "location": label}
    if item.doc is not None and "grid_intensity" in item.doc.factors:
        environment["powerSourceCarbonIntensity"] = item.doc.factors["grid_intensity"]["value"]
    return {
        "$schema": BOAMPS_SCHEMA,
        "header": {
            "formatVersion": "1.0",
            "reportId": run.run_id,
            "reportDatetime": now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            "reportStatus": "draft" if run.status.value in _DRAFT else "final",
            "publisher": publisher,
        },
        "task": task,
        "measures": [measure],
        "infrastructure": infrastructure,
        "environment": environment,
        "quality": _quality(run.uncertainty_rel),
    }


def export_boamps(
    store: Store,
    *,
    algorithm: str | None = None,
    period: str | None = None,
    run_id: str | None = None,
    settings_extra: Mapping[str, Any] | None = None,
    now: datetime | None = None,
    overrides: Mapping[str, str | None] | None = None,
) -> bytes:
    """BoAmps JSON: one document for ``run_id``, else a list, one per finished run.

    Raises:
        InputError / NotFound: an unknown run or algorithm, a bad period.
    """
    when = datetime.now(UTC) if now is None else now
    if run_id is not None:
        items, engine, _, registered = _single(store, run_id, settings_extra, overrides or {})
        run = items[0].run
        doc: Any = boamps_report(items[0], engine, registered.get(run.algorithm or ""), now=when)
    else:
        items, engine, _, registered = compute_runs(
            store,
            algorithm=algorithm,
            period=period,
            settings_extra=settings_extra,
            overrides=overrides,
        )
        doc = [
            boamps_report(i, engine, registered.get(i.run.algorithm or ""), now=when) for i in items
        ]
    return (json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode()


def _single(
    store: Store,
    run_id: str,
    settings_extra: Mapping[str, Any] | None,
    overrides: Mapping[str, str | None],
) -> tuple[list[Computed], ImpactEngine, Any, dict[str, Algorithm]]:
    from algoprint.report._build import _registered
    from algoprint.report._compute import ImpactEngine

    registered = _registered(store)
    engine = ImpactEngine(
        algorithms=registered, settings_extra=dict(settings_extra or {}), overrides=overrides
    )
    run = store.get_run(run_id)
    if run.status.value == "running":
        raise InputError(f"run {run_id} is still running", hint="export it when it has finished")
    return [engine.compute(run)], engine, None, registered
