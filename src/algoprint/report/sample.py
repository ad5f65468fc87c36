"""A deterministic sample store for report tests, the benchmark and demonstrations.

:func:`fill_sample_store` registers two algorithms of one organisation (one in a configured
datacentre, one in a cloud region), writes runs in training and use phases with CPU, GPU and
memory components, a few degraded runs, a meter gap and a run still running, plus runs of an
unregistered script, an assessment, and simplicity / data-minimisation / location analyses.
Figures are made up but realistic in size; nothing here is measured.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from algoprint.records import AnalysisRecord
from algoprint.tracking.record import ComponentRecord, Degradation, RunRecord, RunStatus

if TYPE_CHECKING:
    from algoprint.store import Store

__all__ = ["SAMPLE_SETTINGS_EXTRA", "fill_sample_store", "sample_run"]

SAMPLE_SETTINGS_EXTRA: Mapping[str, Any] = {
    "datacentres": {
        "rijks-dc": {"zone": "NL", "pue": 1.3, "contract": "groen-gvo", "description": "sample"}
    }
}
"""The ``Settings.extra`` the sample algorithms' locations resolve against."""


def sample_run(
    rng: random.Random,
    *,
    algorithm: str | None,
    phase: str | None,
    started: datetime,
    gpu: bool,
    status: RunStatus = RunStatus.COMPLETED,
    gap: bool = False,
) -> RunRecord:
    """One made-up finished run (machine scope) with components and optional GPU."""
    duration = rng.uniform(600, 7200) if phase == "training" else rng.uniform(5, 120)
    cpu_w, mem_w, gpu_w = rng.uniform(40, 120), rng.uniform(5, 15), rng.uniform(150, 300)
    components = [
        ComponentRecord("cpu", "package-0", cpu_w * duration, "counter", 0.05),
        ComponentRecord("memory", "dram-0", mem_w * duration, "model", 0.3),
    ]
    if gpu:
        energy = None if gap else gpu_w * duration
        components.append(
            ComponentRecord(
                "gpu",
                "nvidia:0",
                energy,
                "counter" if energy is not None else "none",
                0.05 if energy is not None else 0.0,
                note="NVML read failed" if gap else None,
            )
        )
    known = [c.energy_j for c in components if c.energy_j is not None]
    total = None if gap else sum(known)
    degradations = []
    if status == RunStatus.DEGRADED or gap:
        degradations.append(
            Degradation(
                "rapl",
                "RAPL not readable; CPU energy from the CPU model",
                "grant read access to /sys/class/powercap (docs/configuration.md)",
                kind="fallback",
            )
        )
    return RunRecord(
        run_id=uuid.UUID(int=rng.getrandbits(128)).hex,
        algorithm=algorithm,
        phase=phase,
        status=status,
        started_at=started.isoformat(timespec="milliseconds"),
        ended_at=(started + timedelta(seconds=duration)).isoformat(timespec="milliseconds"),
        scope="machine",
        duration_s=duration,
        exit_code=0,
        energy_j=total,
        machine_energy_j=total,
        measured_energy_j=sum(known),
        uncertainty_rel=None if total is None else 0.08,
        components=components,
        degradations=degradations,
        host={"hostname": "sample-host", "cpu_model": "Sample Xeon"},
        units=float(rng.randint(500, 5000)) if phase == "inference" else None,
    )


def fill_sample_store(
    store: Store,
    *,
    runs: int = 60,
    start: datetime = datetime(2026, 7, 1, tzinfo=UTC),
    days: int = 90,
    seed: int = 7,
    analyses: bool = True,
    register: bool = True,
) -> dict[str, Any]:
    """Fill ``store`` with sample data and return what was written (slugs, run ids).

    ``runs`` runs of ``fraude-risico`` are spread over ``days`` days from ``start`` (one in
    five training, the rest inference; every tenth degraded; one meter gap; the last one still
    running), plus 6 runs of ``chatbot`` and 3 of the unregistered ``adhoc-script``.
    """
    from algoprint.kader.register import Algorithm, add_algorithm

    rng = random.Random(seed)
    written: dict[str, Any] = {"runs": [], "analyses": []}
    if register:
        add_algorithm(
            store,
            Algorithm(
                slug="fraude-risico",
                name="Fraude-risicomodel",
                organisation="Gemeente Voorbeeld",
                description="Risicoscore voor aanvragen van uitkeringen (voorbeelddata)",
                lifecycle_phase="monitoring-en-beheer",
                datacentre="rijks-dc",
                functional_unit="voorspelling",
                yearly_units=2_000_000,
            ),
            settings_extra=SAMPLE_SETTINGS_EXTRA,
        )
        add_algorithm(
            store,
            Algorithm(
                slug="chatbot",
                name="Vraagbaak-chatbot",
                organisation="Gemeente Voorbeeld",
                cloud="gcp",
                region="europe-west4",
            ),
            settings_extra=SAMPLE_SETTINGS_EXTRA,
        )
    step = timedelta(days=days) / max(1, runs)
    for i in range(runs):
        started = start + step * i + timedelta(minutes=rng.randint(0, 600))
        phase = "training" if i % 5 == 0 else "inference"
        status = RunStatus.DEGRADED if i % 10 == 3 else RunStatus.COMPLETED
        if i == runs - 1 and runs > 2:
            status = RunStatus.RUNNING
        run = sample_run(
            rng,
            algorithm="fraude-risico",
            phase=phase,
            started=started,
            gpu=phase == "training",
            status=status,
            gap=i == 5,
        )
        store.save_run(run)
        written["runs"].append(run.run_id)
    for i in range(6):
        run = sample_run(
            rng,
            algorithm="chatbot",
            phase="inference",
            started=start + timedelta(days=10 * i + 3),
            gpu=True,
        )
        store.save_run(run)
    for i in range(3):
        run = sample_run(
            rng,
            algorithm="adhoc-script",
            phase=None,
            started=start + timedelta(days=20 * i),
            gpu=False,
        )
        store.save_run(run)
    if register:
        from algoprint.kader.assessments import set_assessment

        set_assessment(
            store,
            "fraude-risico",
            "mon-06",
            state="in-uitvoering",
            note="Maandelijks rapport aan het CIO-office",
            responsible="Team Data",
            by="sample",
        )
    if analyses:
        for record in _analyses(start):
            store.save_analysis(record)
            written["analyses"].append(record.analysis_id)
    return written


def _analyses(start: datetime) -> list[AnalysisRecord]:
    at = (start + timedelta(days=20)).isoformat(timespec="milliseconds")
    simplicity = AnalysisRecord(
        kind="simplicity",
        algorithm="fraude-risico",
        title="Simplest adequate model for fraude-risico",
        result={
            "task": "classification",
            "metric": "balanced_accuracy",
            "recommended": "logistic",
            "best": "forest",
            "pareto": {
                "x": "ranking_energy_j",
                "y": "balanced_accuracy",
                "front": ["dummy", "tree-3", "logistic", "forest"],
                "points": [
                    {
                        "name": "dummy",
                        "quality": 0.5,
                        "quality_std": 0.0,
                        "energy_j": 40.0,
                        "on_front": True,
                        "recommended": False,
                    },
                    {
                        "name": "tree-3",
                        "quality": 0.74,
                        "quality_std": 0.02,
                        "energy_j": 310.0,
                        "on_front": True,
                        "recommended": False,
                    },
                    {
                        "name": "logistic",
                        "quality": 0.81,
                        "quality_std": 0.01,
                        "energy_j": 900.0,
                        "on_front": True,
                        "recommended": True,
                    },
                    {
                        "name": "forest",
                        "quality": 0.815,
                        "quality_std": 0.012,
                        "energy_j": 52000.0,
                        "on_front": True,
                        "recommended": False,
                    },
                    {
                        "name": "mlp",
                        "quality": 0.79,
                        "quality_std": 0.03,
                        "energy_j": 88000.0,
                        "on_front": False,
                        "recommended": False,
                    },
                ],
            },
        },
        summary_nl="Logistische regressie is even goed als het random forest en kost 98 % "
        "minder energie per jaar.",
        summary_en="Logistic regression is as good as the random forest and uses 98 % less "
        "energy per year.",
        own_energy_j=5400.0,
        created_at=at,
    )
    minimisation = AnalysisRecord(
        kind="data-minimisation",
        algorithm="fraude-risico",
        title="Data minimisation for fraude-risico",
        result={
            "task": "classification",
            "metric": "balanced_accuracy",
            "learning_curve": {
                "smallest_fraction": 0.4,
                "points": [
                    {"fraction": f, "score_mean": s, "score_std": sd, "fit_energy_j": e}
                    for f, s, sd, e in (
                        (0.05, 0.70, 0.03, 12.0),
                        (0.1, 0.75, 0.02, 20.0),
                        (0.2, 0.78, 0.015, 41.0),
                        (0.4, 0.805, 0.01, 80.0),
                        (1.0, 0.81, 0.01, 200.0),
                    )
                ],
            },
        },
        summary_nl="40 % van de trainingsdata geeft dezelfde kwaliteit binnen de tolerantie.",
        summary_en="40 % of the training data gives the same quality within tolerance.",
        own_energy_j=900.0,
        created_at=at,
    )
    location = AnalysisRecord(
        kind="location",
        algorithm="fraude-risico",
        title="Where to run fraude-risico",
        result={"best": "rijks-dc", "candidates": 3, "criterion": "co2e_location_g"},
        summary_nl="Het eigen datacenter heeft de laagste locatiegebonden CO₂e.",
        summary_en="The own datacentre has the lowest location-based CO₂e.",
        created_at=at,
    )
    return [simplicity, minimisation, location]
