"""``algoprint advise simplicity|data|training``: the owp-13, dat-09 and owk-06 analyses.

Thin: the analyses live in :mod:`algoprint.advice`. With ``--algorithm SLUG`` the result is
stored as an :class:`~algoprint.records.AnalysisRecord` (evidence for the measure) in the run
store, and the algorithm's declared yearly use comes from the register when it has one.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeVar

import click

from algoprint._format import integer
from algoprint.cli._common import db_option, json_option, open_store_for, print_json
from algoprint.cli._location import location_options, resolve_cli_location
from algoprint.cli._options import (
    SEED,
    bounded_float,
    bounded_int,
    complete_algorithms,
    lang_option,
)
from algoprint.cli._prose import prose, terminal_width
from algoprint.errors import InputError

F = TypeVar("F", bound=Callable[..., Any])

_LANG = lang_option


def _common(func: F) -> F:
    """Options shared by ``simplicity`` and ``data``."""
    opts = [
        click.option("--target", "-t", metavar="COL", help="Target column of a CSV/Parquet file."),
        click.option("--metric", metavar="NAME", help="scikit-learn scorer (default by task)."),
        click.option(
            "--folds",
            type=bounded_int(2, 100),
            default=5,
            show_default=True,
            metavar="K",
            help="k of the k-fold cross-validation.",
        ),
        click.option(
            "--tolerance",
            type=bounded_float(0, 100, unit="percentage points"),
            metavar="PP",
            help="Quality you accept to give up, in percentage points of the score "
            "(default 1; never below the cross-validation noise).",
        ),
        click.option(
            "--budget-j",
            type=bounded_float(0, 1e15, min_open=True, unit="J"),
            metavar="J",
            help="Stop once the analysis has spent this much measured energy (joules).",
        ),
        click.option(
            "--algorithm",
            "-a",
            metavar="SLUG",
            shell_complete=complete_algorithms,
            help="Store the result as evidence for this algorithm.",
        ),
        click.option("--encode", is_flag=True, help="One-hot encode text columns of a file."),
        click.option(
            "--seed", type=SEED, default=0, show_default=True, help="Seed of folds and samples."
        ),
        _LANG,
    ]
    func = location_options(func)
    for opt in reversed(opts):
        func = opt(func)
    return db_option(json_option(func))


@click.group("advise", short_help="Advice: simplest model, data needed, training settings.")
def advise() -> None:
    """Analyses that turn measurements into advice (stored as evidence with --algorithm).

    \b
    simplicity  owp-13: the simplest model that is good enough, by measured cost
    data        dat-09: how much data the model needs (rows, columns, duplicates)
    training    owk-06: training settings by cost to the same validation loss
    """


def _settings() -> Any:
    from algoprint.config import load_settings

    return load_settings()


def _profile(o: dict[str, Any], extra: Any) -> Any:
    return resolve_cli_location(
        extra,
        location=o.pop("location"),
        cloud=o.pop("cloud"),
        region=o.pop("region"),
        datacentre=o.pop("datacentre"),
    )


def _yearly_from_register(store: Any, algorithm: str, lang: str) -> float | None:
    """The declared yearly use of ``algorithm`` (``None`` when not registered or not set)."""
    try:
        from algoprint.kader.register import get_algorithm
    except ImportError:  # pragma: no cover - the register is optional
        return None
    from algoprint.errors import NotFound

    try:
        units = get_algorithm(store, algorithm).yearly_units
    except NotFound:
        click.echo(
            f"algoprint: {algorithm!r} staat niet in het algoritmeregister; geen gebruik per "
            f"jaar (voeg het toe: algoprint algorithm add {algorithm} --yearly-units N)"
            if lang == "nl"
            else f"algoprint: {algorithm!r} is not in the algorithm register; no yearly use "
            f"volume (register it: algoprint algorithm add {algorithm} --yearly-units N)",
            err=True,
        )
        return None
    if units is not None:
        click.echo(
            f"algoprint: gebruik per jaar uit het register: {integer(units, 'nl')} keer"
            if lang == "nl"
            else f"algoprint: yearly use from the register: {integer(units, 'en')} per year",
            err=True,
        )
    return units


def _store_result(store: Any, record: Any, lang: str) -> None:
    from algoprint.advice._measure import store_analysis

    store_analysis(store, record)
    click.echo(
        f"algoprint: opgeslagen als analyse {record.analysis_id[:12]} ({record.kind}, "
        f"{record.measure}) voor {record.algorithm}"
        if lang == "nl"
        else f"algoprint: stored as analysis {record.analysis_id[:12]} ({record.kind}, "
        f"{record.measure}) for {record.algorithm}",
        err=True,
    )


def _show(result: Any, lang: str, as_json: bool) -> None:
    if as_json:
        print_json(result.to_dict())
        return
    width = terminal_width()
    for line in result.render(lang):
        for part in prose(line, width):
            click.echo(part)


@advise.command("simplicity")
@click.argument("dataset", metavar="DATASET")
@click.option(
    "--candidate",
    "candidates",
    multiple=True,
    metavar="PATH(params)",
    help="A model to compare, e.g. 'sklearn.ensemble.RandomForestClassifier(n_estimators=50)' "
    "(repeatable).",
)
@click.option(
    "--spec",
    type=click.Path(exists=True, dir_okay=False),
    help="YAML/TOML file of candidates (estimators and commands); docs/analyses.md.",
)
@click.option(
    "--no-baselines", is_flag=True, help="Leave out the dummy, linear and tree baselines."
)
@click.option(
    "--yearly-predictions",
    type=bounded_float(0, 1e15),
    metavar="N",
    help="Predictions per year (default: the algorithm register's yearly use).",
)
@click.option(
    "--retrains-per-year", type=bounded_float(0, 1e6), metavar="N", help="Retrainings a year."
)
@click.option("--current", metavar="NAME", help="The candidate in use now (saving against it).")
@click.option(
    "--exhaustive",
    "--no-screen",
    "exhaustive",
    is_flag=True,
    help="Cross-validate every candidate on every split (no racing; costs more).",
)
@click.option(
    "--repeats",
    type=bounded_int(1, 100),
    default=3,
    show_default=True,
    help="Repeats of the k-fold cross-validation; racing gives the extra repeats only to "
    "models that can still change the advice.",
)
@click.option(
    "--serving-batch",
    type=bounded_int(1, 10_000_000),
    metavar="N",
    help="Measure predictions in batches of N rows, as served (1: one request at a time).",
)
@click.option(
    "--threads",
    type=bounded_int(1, 4096),
    default=1,
    show_default=True,
    help="BLAS/OpenMP threads during the measurements (pinned and recorded).",
)
@_common
def simplicity(dataset: str, **o: Any) -> None:
    """owp-13: compare models on quality and measured energy; recommend the simplest adequate.

    DATASET is a CSV or Parquet file (with --target), or module:function returning (X, y).
    Simple baselines are always included unless --no-baselines. The recommendation is the
    least costly candidate within --tolerance of the best score, decided on process CPU time
    when the energy is modelled (counter energy otherwise), and only beyond the uncertainty.
    The candidates race over --repeats × --folds splits: a model gets more splits only while
    it can change the advice (--exhaustive measures all). The expected cost of the analysis
    is printed after the first split of every model, and the actual cost at the end.
    """
    from algoprint.advice.simplicity import run_simplicity

    settings = _settings()
    profile = _profile(o, settings.extra)
    store = open_store_for(o["db"]) if o["algorithm"] else None
    yearly = o["yearly_predictions"]
    if yearly is None and store is not None:
        yearly = _yearly_from_register(store, o["algorithm"], o["lang"])
    result = run_simplicity(
        dataset,
        target=o["target"],
        candidates=list(o["candidates"]),
        spec=o["spec"],
        include_baselines=not o["no_baselines"],
        metric=o["metric"],
        folds=o["folds"],
        tolerance=None if o["tolerance"] is None else o["tolerance"] / 100,
        yearly_predictions=yearly,
        retrains_per_year=o["retrains_per_year"],
        current=o["current"],
        location=profile,
        budget_j=o["budget_j"],
        race=not o["exhaustive"],
        repeats=o["repeats"],
        encode=o["encode"],
        serving_batch=o["serving_batch"],
        threads=o["threads"],
        on_plan=None if o["as_json"] else _echo_plan(o["lang"]),
        on_estimate=None if o["as_json"] else _echo_expected(o["lang"]),
        seed=o["seed"],
        settings=settings,
        algorithm=o["algorithm"],
    )
    if store is not None:
        _store_result(store, result.to_analysis(o["algorithm"]), o["lang"])
    _show(result, o["lang"], o["as_json"])


def _echo_plan(lang: str) -> Callable[[str], None]:
    """Prints the analysis's plan (stderr) in the user's language."""
    from algoprint.advice._dutch import say

    return lambda text: click.echo(
        "\n".join(prose(say(text, lang), terminal_width(err=True))), err=True
    )


def _echo_expected(lang: str) -> Callable[[dict[str, Any]], None]:
    """Prints the analysis's expected cost (stderr) in the user's language."""
    from algoprint.advice._measure_expected import render_expected

    def echo(expected: dict[str, Any]) -> None:
        width = terminal_width(err=True)
        for line in render_expected(expected, lang):
            for part in prose(line, width):
                click.echo(part, err=True)

    return echo


def _fractions(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    del ctx
    if value is None:
        return None
    try:
        out = [float(x) for x in value.split(",") if x.strip()]
    except ValueError:
        raise click.BadParameter(f"{value!r}: give fractions like 0.1,0.25,0.5") from None
    if not out or any(not 0 < f <= 1 for f in out):
        raise click.BadParameter(f"{value!r}: every fraction must lie in (0, 1]", param=param)
    return out


@advise.command("data")
@click.argument("dataset", metavar="DATASET")
@click.option(
    "--model",
    metavar="PATH(params)",
    help="The model to study (default: the linear baseline, said in the result).",
)
@click.option(
    "--fractions",
    callback=_fractions,
    metavar="F,F,...",
    help="Training-set fractions of the learning curve (default 0.05 … 1).",
)
@click.option("--full-curve", is_flag=True, help="Measure every fraction (not only until good).")
@click.option("--no-features", is_flag=True, help="Skip the feature-reduction part.")
@click.option(
    "--replicas", type=bounded_int(1, 1000), default=1, show_default=True, help="Copies kept."
)
@click.option("--media", type=click.Choice(["hdd", "ssd"]), default="hdd", show_default=True)
@click.option(
    "--storage-kwh-per-tb-year",
    type=bounded_float(0, 100_000, min_open=True, unit="kWh per TB and year"),
    metavar="KWH",
    help="Your own storage energy factor.",
)
@click.option(
    "--retrains-per-year",
    type=bounded_float(0, 1e6),
    metavar="N",
    help="Retrainings a year (for the yearly training-energy saving).",
)
@_common
def data(dataset: str, **o: Any) -> None:
    """dat-09: how much data does the model need? Learning curve, features, duplicates, storage.

    DATASET is a CSV or Parquet file (with --target), or module:function returning (X, y).
    """
    from algoprint.advice.minimisation import DEFAULT_FRACTIONS, run_data_minimisation

    settings = _settings()
    profile = _profile(o, settings.extra)
    store = open_store_for(o["db"]) if o["algorithm"] else None
    result = run_data_minimisation(
        dataset,
        target=o["target"],
        model=o["model"],
        metric=o["metric"],
        folds=o["folds"],
        fractions=o["fractions"] or DEFAULT_FRACTIONS,
        tolerance=None if o["tolerance"] is None else o["tolerance"] / 100,
        full_curve=o["full_curve"],
        features=not o["no_features"],
        replicas=o["replicas"],
        media=o["media"],
        storage_kwh_per_tb_year=o["storage_kwh_per_tb_year"],
        location=profile,
        budget_j=o["budget_j"],
        encode=o["encode"],
        retrains_per_year=o["retrains_per_year"],
        seed=o["seed"],
        settings=settings,
        algorithm=o["algorithm"],
    )
    if store is not None:
        _store_result(store, result.to_analysis(o["algorithm"]), o["lang"])
    _show(result, o["lang"], o["as_json"])


def _import(spec: str, option: str) -> Callable[..., Any]:
    """``module:attribute`` → the callable (the current directory is importable)."""
    import sys

    module, sep, attr = spec.partition(":")
    if not sep or not module or not attr:
        raise InputError(
            f"{option} {spec!r} is not module:function",
            hint=f"e.g. {option} mymodels:make_model (a function in mymodels.py)",
        )
    if "" not in sys.path:
        sys.path.insert(0, "")
    try:
        obj = getattr(importlib.import_module(module), attr)
    except ImportError as e:
        raise InputError(
            f"{option} {spec!r}: cannot import {module!r}: {e}",
            hint="run from the folder that holds the module, or install it",
        ) from None
    except AttributeError:
        raise InputError(f"{option} {spec!r}: {module!r} has no {attr!r}") from None
    if not callable(obj):
        raise InputError(f"{option} {spec!r} is not callable")
    return obj  # type: ignore[no-any-return]


def _pair(spec: str, option: str) -> tuple[Any, Any]:
    loaded = _import(spec, option)()
    if not (isinstance(loaded, tuple | list) and len(loaded) == 2):
        raise InputError(
            f"{option} {spec!r} must return (inputs, targets), got {type(loaded).__name__}",
            hint="return two torch tensors: return x, y",
        )
    return loaded[0], loaded[1]


@advise.command("training")
@click.option(
    "--model",
    "model_spec",
    required=True,
    metavar="MODULE:FACTORY",
    help="A function that returns a fresh torch.nn.Module (called once per training).",
)
@click.option(
    "--data",
    "data_spec",
    required=True,
    metavar="MODULE:LOADER",
    help="A function that returns (inputs, targets) tensors for training.",
)
@click.option(
    "--eval-data",
    metavar="MODULE:LOADER",
    help="Held-out (inputs, targets) for the validation loss (default: --data, noted).",
)
@click.option(
    "--loss",
    default="mse",
    show_default=True,
    metavar="mse|cross_entropy|MODULE:FN",
    help="Loss function loss(output, target), mean over the batch.",
)
@click.option(
    "--optimizer",
    "optimizer_spec",
    metavar="MODULE:FN",
    help="Your optimiser: FN(parameters) returns a torch.optim optimiser (default SGD, --lr).",
)
@click.option(
    "--precision",
    "precisions",
    multiple=True,
    type=click.Choice(["fp32", "bf16", "fp16", "tf32"]),
    help="Precision modes to try (repeatable; default all; the first is the reference's).",
)
@click.option(
    "--batch-size",
    "batch_sizes",
    multiple=True,
    type=bounded_int(1, 10_000_000),
    help="Batch sizes to try (repeatable; default 32 and 128; the first is the reference's).",
)
@click.option(
    "--schedule",
    "schedules",
    multiple=True,
    type=click.Choice(["constant", "cosine", "step"]),
    help="Learning-rate schedules to try (repeatable; default constant).",
)
@click.option(
    "--epochs",
    type=bounded_int(1, 100_000),
    default=10,
    show_default=True,
    help="Planned epochs of the reference, and the most any setting may train.",
)
@click.option(
    "--repeats",
    type=bounded_int(2, 1000),
    default=3,
    show_default=True,
    help="Trainings per setting, for the intervals.",
)
@click.option(
    "--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True
)
@click.option("--lr", type=bounded_float(0, 100, min_open=True), default=0.01, show_default=True)
@click.option(
    "--lr-scaling",
    type=click.Choice(["linear", "sqrt", "none"]),
    default="linear",
    show_default=True,
    help="Learning rate × (batch size / reference batch size), its square root, or unchanged.",
)
@click.option(
    "--tolerance",
    type=bounded_float(0, 100, max_open=True, unit="%"),
    default=5.0,
    show_default=True,
    metavar="PCT",
    help="Share of the reference's loss reduction a setting may give up, in %.",
)
@click.option(
    "--target",
    type=bounded_float(0, 1_000_000, min_open=True),
    metavar="LOSS",
    help="Target validation loss (default: what the reference reaches, within --tolerance).",
)
@click.option(
    "--algorithm",
    "-a",
    metavar="SLUG",
    shell_complete=complete_algorithms,
    help="Store the result for this algorithm.",
)
@_LANG
@db_option
@json_option
def training(
    model_spec: str,
    data_spec: str,
    eval_data: str | None,
    loss: str,
    optimizer_spec: str | None,
    precisions: tuple[str, ...],
    batch_sizes: tuple[int, ...],
    schedules: tuple[str, ...],
    epochs: int,
    repeats: int,
    device: str,
    lr: float,
    lr_scaling: str,
    tolerance: float,
    target: float | None,
    algorithm: str | None,
    lang: str,
    db: str | None,
    as_json: bool,
) -> None:
    """owk-06: compare training settings by their cost to the same validation loss.

    Every setting (precision × batch size × learning-rate schedule) trains with your optimiser
    until it reaches the validation loss the reference (the first of each option) reaches in
    --epochs, less --tolerance of its loss reduction; the cost to that target is compared over
    --repeats trainings (process CPU time when the energy is modelled). A setting that does not
    reach the target is never recommended. Needs torch. --model, --data, --eval-data,
    --optimizer and --loss name functions in your code (module:function, importable from the
    current folder), e.g. a file exp.py with make_model() and load_data():

    \b
    algoprint advise training --model exp:make_model --data exp:load_data \\
        --eval-data exp:load_valid --batch-size 32 --batch-size 256 \\
        --loss cross_entropy
    """
    from algoprint.advice.training._store import require
    from algoprint.advice.training.experiments import PRECISIONS, advise_training

    torch = require("torch", what="advise training")  # before importing the user's code
    factory = _import(model_spec, "--model")
    train = _pair(data_spec, "--data")
    evaluation = _pair(eval_data, "--eval-data") if eval_data else None
    optimizer = _import(optimizer_spec, "--optimizer") if optimizer_spec else None
    if loss in {"cross_entropy", "mse"}:
        loss_fn = getattr(torch.nn.functional, "cross_entropy" if loss != "mse" else "mse_loss")
    else:
        loss_fn = _import(loss, "--loss")
    result = advise_training(
        factory,
        train,
        eval_data=evaluation,
        precisions=precisions or PRECISIONS,
        batch_sizes=batch_sizes or (32, 128),
        schedules=schedules or ("constant",),
        epochs=epochs,
        optimizer=optimizer,
        lr=lr,
        lr_scaling=lr_scaling,
        loss_fn=loss_fn,
        tolerance=tolerance / 100,
        target=target,
        repeats=repeats,
        device=device,
        algorithm=algorithm,
        db=db,
    )
    if algorithm:
        _store_result(open_store_for(db), result.to_analysis(algorithm), lang)
    _show(result, lang, as_json)
