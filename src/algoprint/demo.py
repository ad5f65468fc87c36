"""``algoprint demo``: the whole pipeline on real work, in about a minute.

It registers a demo algorithm, trains and evaluates candidate models on a dataset shipped with
scikit-learn (no download), measures every training and inference run with the real tracker
into the store, runs the owp-13, dat-09 and dat-06 analyses, shows the measures board with the
evidence it found, and writes the monitoring report as HTML and PDF. Nothing is canned: every
figure comes from this machine's meters and the shipped factor tables.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["DEMO_SLUG", "DEMO_STORE", "DemoResult", "breast_cancer", "check_extras", "run_demo"]

DEMO_SLUG = "demo-tumorclassificatie"
DEMO_ZONE = "NL"
DEMO_CONTRACT = "groen-gvo"
YEARLY_PREDICTIONS = 250_000.0
INFERENCE_REPEATS = 40  # predict the test set this often, so inference is measurable
DEMO_STORE = "algoprint-demo.sqlite"
"""The demo's own store, in the output folder, unless ``--db`` or a configured store is given:
demo runs do not pile up in the user's store."""
# The models the demo trains: the same ones owp-13 compares (with its simple baselines).
_MODELS = (
    ("random-forest", "sklearn.ensemble.RandomForestClassifier(n_estimators=200, random_state=0)"),
    ("gradient-boosting", "sklearn.ensemble.GradientBoostingClassifier(random_state=0)"),
)


def check_extras() -> None:
    """Fail before anything is registered or measured when the ``ml`` extra is missing.

    Raises:
        InputError: scikit-learn or numpy is not installed (names the extra).
    """
    import importlib.util

    from algoprint.errors import InputError

    missing = [m for m in ("sklearn", "numpy") if importlib.util.find_spec(m) is None]
    if missing:
        raise InputError(
            f"the demo trains scikit-learn models and needs {', '.join(missing)}",
            hint="pip install 'algoprint[ml]' (and 'algoprint[report]' for the PDF)",
        )


def pdf_available() -> bool:
    """Whether the PDF report can be written (the ``report`` extra brings typst)."""
    import importlib.util

    return importlib.util.find_spec("typst") is not None


def breast_cancer() -> tuple[Any, Any]:
    """The Wisconsin breast cancer dataset shipped with scikit-learn: ``(X, y)``."""
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    return X, y


@dataclass
class ModelRuns:
    """The measured runs of one candidate model."""

    model: str
    accuracy: float
    training: Any  # RunRecord
    inference: Any  # RunRecord
    predictions: int


@dataclass
class DemoResult:
    """What the demo did, for the summary table and tests."""

    algorithm: str
    models: list[ModelRuns] = field(default_factory=list)
    analyses: dict[str, Any] = field(default_factory=dict)
    reports: dict[str, Path] = field(default_factory=dict)
    store: str = ""
    board: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    duration_s: float = 0.0


def _candidates() -> list[tuple[str, Callable[[], Any]]]:
    """The three models the demo trains; owp-13 compares the same three (plus baselines)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from algoprint.advice._candidates import parse_candidate

    models: list[tuple[str, Callable[[], Any]]] = [
        ("logistic", lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)))
    ]
    models += [(name, parse_candidate(text, name=name).build) for name, text in _MODELS]
    return models


def _register(store: Any) -> None:
    from algoprint.errors import NotFound
    from algoprint.kader.register import Algorithm, add_algorithm, edit_algorithm, get_algorithm

    fields = {
        "name": "Demo: tumorclassificatie (scikit-learn breast cancer dataset)",
        "organisation": "Demo-organisatie",
        "description": "Voorbeeldalgoritme van algoprint demo: classificeert tumoren als "
        "goed- of kwaadaardig op basis van 30 kenmerken.",
        "lifecycle_phase": "ontwikkelen",
        "zone": DEMO_ZONE,
        "contract": DEMO_CONTRACT,
        "functional_unit": "voorspelling",
        "yearly_units": YEARLY_PREDICTIONS,
    }
    try:
        get_algorithm(store, DEMO_SLUG)
    except NotFound:
        add_algorithm(store, Algorithm(slug=DEMO_SLUG, **fields))  # type: ignore[arg-type]
    else:
        edit_algorithm(store, DEMO_SLUG, fields)


def _measure_models(store: Any, advance: Callable[[], None]) -> list[ModelRuns]:
    import numpy as np
    from sklearn.model_selection import train_test_split

    from algoprint.store import StoreSink
    from algoprint.tracking import track

    X, y = breast_cancer()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=0, stratify=y
    )
    sink = StoreSink(store)
    results = []
    for name, make in _candidates():
        model = make()
        with track(algorithm=DEMO_SLUG, phase="training", sink=sink, tags={"model": name}) as tr:
            model.fit(X_train, y_train)
            tr.add_units(1)  # one training run
        predictions = 0
        with track(algorithm=DEMO_SLUG, phase="inference", sink=sink, tags={"model": name}) as inf:
            for _ in range(INFERENCE_REPEATS):
                predicted = model.predict(X_test)
                predictions += len(predicted)
            inf.add_units(predictions)
        accuracy = float(np.mean(predicted == y_test))
        results.append(ModelRuns(name, accuracy, tr.record, inf.record, predictions))
        advance()
    return results


def run_demo(
    *,
    db: str | None = None,
    out_dir: Path | None = None,
    lang: str = "nl",
    progress: Callable[[str, int], Callable[[], None]] | None = None,
) -> DemoResult:
    """Run the demo into the store ``db`` and write the report into ``out_dir``.

    Args:
        db: store path or URL (default: the user's default SQLite file).
        out_dir: where the report goes (default ``./algoprint-demo``).
        lang: report language, ``nl`` or ``en``.
        progress: ``progress(step, total) -> advance`` for progress bars.

    Raises:
        AlgoprintError: the store cannot be opened or the report cannot be written.
    """
    from algoprint.config import load_settings
    from algoprint.store import open_store

    started = time.monotonic()

    def step(title: str, total: int = 1) -> Callable[[], None]:
        return progress(title, total) if progress else (lambda: None)

    check_extras()
    settings = load_settings({"db": db})
    out = out_dir or Path("algoprint-demo")
    out.mkdir(parents=True, exist_ok=True)
    store_url = settings.db or str((out / DEMO_STORE).resolve())
    store = open_store(store_url)
    result = DemoResult(algorithm=DEMO_SLUG, store=store_url)
    try:
        _register(store)
        done = step(_STEPS[lang]["register"])
        done()
        advance = step(_STEPS[lang]["train"], len(_candidates()))
        result.models = _measure_models(store, advance)
        result.analyses = _analyses(store, settings, step, lang)
        _board(store, result, lang)
        formats = ("html", "pdf") if pdf_available() else ("html",)
        advance = step(_STEPS[lang]["report"] + f" ({', '.join(formats).upper()})", len(formats))
        result.reports = _reports(store, out, lang, advance, formats)
        if "pdf" not in formats:
            result.notes.append(_STEPS[lang]["no_pdf"])
        from algoprint.kader.assessments import board

        result.board = board(store, algorithm=DEMO_SLUG, settings_extra=settings.extra)
    finally:
        store.close()
    result.duration_s = time.monotonic() - started
    return result


def _analyses(
    store: Any, settings: Any, step: Callable[..., Callable[[], None]], lang: str
) -> dict[str, Any]:
    from algoprint.advice.location import Workload, compare_locations
    from algoprint.advice.minimisation import run_data_minimisation
    from algoprint.advice.simplicity import run_simplicity
    from algoprint.impact.location import default_location

    analyses: dict[str, Any] = {}
    location = default_location(zone=DEMO_ZONE)
    from algoprint.advice._candidates import parse_candidate

    done = step(_STEPS[lang]["owp-13"])
    simplicity = run_simplicity(
        "algoprint.demo:breast_cancer",
        candidates=[parse_candidate(text, name=name) for name, text in _MODELS],
        folds=3,
        yearly_predictions=YEARLY_PREDICTIONS,
        location=location,
        settings=settings,
        algorithm=DEMO_SLUG,
    )
    store.save_analysis(simplicity.to_analysis(DEMO_SLUG))
    analyses["simplicity"] = simplicity
    done()
    done = step(_STEPS[lang]["dat-09"])
    data = run_data_minimisation(
        "algoprint.demo:breast_cancer",
        folds=3,
        fractions=(0.1, 0.25, 0.5, 1.0),
        location=location,
        settings=settings,
        algorithm=DEMO_SLUG,
    )
    store.save_analysis(data.to_analysis(DEMO_SLUG))
    analyses["data"] = data
    done()
    done = step(_STEPS[lang]["dat-06"])
    yearly_j = _yearly_energy_j(store)
    if yearly_j:
        where = compare_locations(
            Workload(energy_j_per_year=yearly_j, label=DEMO_SLUG),
            ["NL", "gcp:europe-west4", "SE", "DE", "PL"],
            settings_extra=settings.extra,
            store=store,
            algorithm=DEMO_SLUG,
        )
        analyses["where"] = where
    done()
    return analyses


def _yearly_energy_j(store: Any) -> float | None:
    """Yearly energy of the demo algorithm at its declared use, from the measured inference
    energy per prediction (the most recent inference runs)."""
    per_unit = []
    for run in store.list_runs(algorithm=DEMO_SLUG, limit=20):
        if run.phase == "inference" and run.energy_j and run.units:
            per_unit.append(run.energy_j / run.units)
    if not per_unit:
        return None
    return float(min(per_unit)) * YEARLY_PREDICTIONS


def _board(store: Any, result: DemoResult, lang: str) -> None:
    from algoprint.kader.assessments import get_assessment, set_assessment

    current = get_assessment(store, DEMO_SLUG, "mon-06")
    if current is None or current.state == "te-doen":
        set_assessment(
            store,
            DEMO_SLUG,
            "mon-06",
            state="in-uitvoering",
            note="Voorbeeldstatus, gezet door `algoprint demo` (geen menselijke beoordeling).",
            by="algoprint demo",
        )
    result.notes.append(_STEPS[lang]["mon-06"])


def _reports(
    store: Any, out: Path, lang: str, advance: Callable[[], None], formats: tuple[str, ...]
) -> dict[str, Path]:
    from algoprint.report import build_report, write_report

    paths: dict[str, Path] = {}
    report = build_report(store, algorithm=DEMO_SLUG, lang=lang)
    for fmt in formats:
        path = out / f"{DEMO_SLUG}.{fmt}"
        write_report(report, fmt, path, store=store)
        paths[fmt] = path.resolve()
        advance()
    return paths


_STEPS = {
    "nl": {
        "register": "demo-algoritme registreren",
        "train": "3 modellen trainen en evalueren (gemeten)",
        "owp-13": "owp-13: eenvoudigste passende model",
        "dat-09": "dat-09: dataminimalisatie",
        "dat-06": "dat-06: waar kan het draaien",
        "report": "monitoringsrapport schrijven",
        "no_pdf": "geen PDF: daarvoor is typst nodig (pip install 'algoprint[report]')",
        "mon-06": "mon-06 is door de demo zelf op 'in uitvoering' gezet; de andere statussen "
        "zijn aan mensen: onderbouwing verandert nooit een status.",
    },
    "en": {
        "register": "register the demo algorithm",
        "train": "train and evaluate 3 models (measured)",
        "owp-13": "owp-13: simplest adequate model",
        "dat-09": "dat-09: data minimisation",
        "dat-06": "dat-06: where should it run",
        "report": "write the monitoring report",
        "no_pdf": "no PDF: it needs typst (pip install 'algoprint[report]')",
        "mon-06": "mon-06 was set to 'in progress' by the demo itself; the other states are "
        "left to people: evidence never changes a state.",
    },
}
