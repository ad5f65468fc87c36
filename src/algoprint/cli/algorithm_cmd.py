"""``algoprint algorithm add|list|show|edit|archive|unarchive``: the algorithm register."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from algoprint.cli._common import db_option, json_option, open_store_for, print_json
from algoprint.cli._options import bounded_float, complete_algorithms, lang_option

F = TypeVar("F", bound=Callable[..., Any])

_FIELD_OPTIONS: list[tuple[str, str, dict[str, Any]]] = [
    ("--name", "name", {"help": "Display name."}),
    ("--organisation", "organisation", {"help": "Organisation responsible for it."}),
    ("--description", "description", {"help": "Short description."}),
    ("--lars", "lars_id", {"metavar": "ID", "help": "Algoritmeregister id (LARS code)."}),
    ("--phase", "lifecycle_phase", {"metavar": "PHASE", "help": "Lifecycle phase slug."}),
    ("--location", "zone", {"metavar": "ZONE", "help": "Grid zone, e.g. NL."}),
    ("--cloud", "cloud", {"help": "Cloud provider (gcp, aws, azure); with --region."}),
    ("--region", "region", {"help": "Cloud region, e.g. europe-west4."}),
    ("--datacentre", "datacentre", {"metavar": "NAME", "help": "Datacentre profile name."}),
    ("--contract", "contract", {"help": "Electricity contract, e.g. groen-gvo."}),
    ("--functional-unit", "functional_unit", {"metavar": "UNIT", "help": "SCI unit."}),
    (
        "--yearly-units",
        "yearly_units",
        {
            "type": bounded_float(0, 1e15),
            "metavar": "N",
            "help": "Declared functional units per year.",
        },
    ),
]


def _field_options(func: F) -> F:
    func = click.option(
        "--owner",
        "owners",
        multiple=True,
        metavar="ROLE=NAME",
        help="Owner per role (ontwikkelaar, projectleider, beleid-en-advies, jurist); repeatable.",
    )(func)
    for flag, dest, kwargs in reversed(_FIELD_OPTIONS):
        func = click.option(flag, dest, default=None, **kwargs)(func)
    return func


def _changes(values: dict[str, Any]) -> dict[str, Any]:
    from algoprint.kader.register import parse_owner

    changes = {dest: values[dest] for _, dest, _ in _FIELD_OPTIONS if values[dest] is not None}
    owners: dict[str, list[str]] = {}
    for text in values["owners"]:
        role, name = parse_owner(text)
        owners.setdefault(role, []).append(name)
    if owners:
        changes["owners"] = {role: tuple(names) for role, names in owners.items()}
    return changes


def _extra() -> Any:
    from algoprint.config import load_settings

    return load_settings().extra


def _print_algorithm(data: dict[str, Any]) -> None:
    for key, value in data.items():
        if value in (None, {}, [], ""):
            continue
        shown = value
        if key == "owners":
            shown = "; ".join(f"{r}: {', '.join(n)}" for r, n in value.items())
        click.echo(f"  {key:<16} {shown}")


@click.group("algorithm")
def algorithm() -> None:
    """Register and describe algorithms (the register behind runs and measures)."""


@algorithm.command("add")
@click.argument("slug", shell_complete=complete_algorithms)
@_field_options
@db_option
@json_option
def add(slug: str, db: str | None, as_json: bool, **values: Any) -> None:
    """Register algorithm SLUG (lowercase letters, digits, hyphens; starts with a letter)."""
    from algoprint.kader.register import Algorithm, add_algorithm

    changes = _changes(values)
    changes.setdefault("name", slug)
    # Not registering run slugs first: `add` of a slug that runs already name must work.
    store = open_store_for(db, register_runs=False)
    added = add_algorithm(store, Algorithm(slug=slug, **changes), settings_extra=_extra())
    if as_json:
        print_json(added.to_dict())
        return
    click.echo(f"registered algorithm {added.slug!r}")
    _print_algorithm(added.to_dict())


@algorithm.command("edit")
@click.argument("slug", shell_complete=complete_algorithms)
@_field_options
@db_option
@json_option
def edit(slug: str, db: str | None, as_json: bool, **values: Any) -> None:
    """Change fields of SLUG (any location option replaces the whole location)."""
    from algoprint.errors import InputError
    from algoprint.kader.register import edit_algorithm

    changes = _changes(values)
    if not changes:
        raise InputError("nothing to change", hint="give at least one option, e.g. --name NAME")
    store = open_store_for(db)
    changed = edit_algorithm(store, slug, changes, settings_extra=_extra())
    if as_json:
        print_json(changed.to_dict())
        return
    click.echo(f"updated algorithm {changed.slug!r}")
    _print_algorithm(changed.to_dict())


@algorithm.command("list")
@click.option("--all", "include_archived", is_flag=True, help="Include archived algorithms.")
@click.option("--organisation", default=None, help="Only this organisation.")
@db_option
@json_option
def list_(include_archived: bool, organisation: str | None, db: str | None, as_json: bool) -> None:
    """List registered algorithms (archived ones with --all)."""
    from algoprint.kader.register import list_algorithms

    store = open_store_for(db)
    found = list_algorithms(store, include_archived=include_archived, organisation=organisation)
    if as_json:
        print_json([a.to_dict() for a in found])
        return
    if not found:
        click.echo("No algorithms registered. Add one with: algoprint algorithm add SLUG --name N")
        return
    for a in found:
        mark = " (archived)" if a.archived else ""
        org = f" [{a.organisation}]" if a.organisation else ""
        click.echo(f"{a.slug:<24} {a.name}{org}{mark}")


def _set_status(slug: str, db: str | None, as_json: bool, archive: bool) -> None:
    from algoprint.kader.register import archive_algorithm, unarchive_algorithm

    store = open_store_for(db)
    done = (archive_algorithm if archive else unarchive_algorithm)(store, slug)
    if as_json:
        print_json(done.to_dict())
    else:
        click.echo(f"algorithm {done.slug!r} is {done.status}")


@algorithm.command("archive")
@click.argument("slug", shell_complete=complete_algorithms)
@db_option
@json_option
def archive(slug: str, db: str | None, as_json: bool) -> None:
    """Archive SLUG: kept with its runs and assessments, hidden from lists, read-only."""
    _set_status(slug, db, as_json, archive=True)


@algorithm.command("unarchive")
@click.argument("slug", shell_complete=complete_algorithms)
@db_option
@json_option
def unarchive(slug: str, db: str | None, as_json: bool) -> None:
    """Make an archived algorithm active (editable) again."""
    _set_status(slug, db, as_json, archive=False)


@algorithm.command("show")
@click.argument("slug", shell_complete=complete_algorithms)
@lang_option
@db_option
@json_option
def show(slug: str, lang: str, db: str | None, as_json: bool) -> None:
    """Show SLUG with its run count, energy per run phase and the measures board."""
    from algoprint.cli import _format
    from algoprint.kader.assessments import board, state_label
    from algoprint.kader.evidence import phase_class
    from algoprint.kader.register import get_algorithm

    store = open_store_for(db)
    alg = get_algorithm(store, slug)
    per_phase: dict[str, dict[str, Any]] = {}
    for row in store.run_energy_by_phase(alg.slug):
        key = phase_class(row["phase"]) or "other"
        acc = per_phase.setdefault(key, {"runs": 0, "energy_j": None, "gaps": 0})
        acc["runs"] += row["runs"]
        acc["gaps"] += row["gaps"]
        if row["energy_j"] is not None:
            acc["energy_j"] = (acc["energy_j"] or 0.0) + row["energy_j"]
    rows = board(store, algorithm=alg.slug, settings_extra=_extra())
    if as_json:
        print_json(
            {
                "algorithm": alg.to_dict(),
                "runs": sum(p["runs"] for p in per_phase.values()),
                "energy_by_phase": per_phase,
                "measures": [r.to_dict(lang) for r in rows],
            }
        )
        return
    click.echo(f"{alg.name} ({alg.slug}){' [archived]' if alg.archived else ''}")
    _print_algorithm({k: v for k, v in alg.to_dict().items() if k not in {"slug", "name"}})
    total = sum(p["runs"] for p in per_phase.values())
    click.echo(f"\nRuns: {total}")
    for key in ("training", "use", "other"):
        if key in per_phase:
            p = per_phase[key]
            gaps = f", {p['gaps']} without a total (meter gap)" if p["gaps"] else ""
            click.echo(f"  {key:<9} {p['runs']:>5} runs  {_format.energy(p['energy_j'])}{gaps}")
    click.echo("\nMeasures:")
    for r in rows:
        a = r.assessment
        click.echo(
            f"  {a.measure:<7} {state_label(a.state, lang):<20} {r.evidence.label(lang)}"
            + (f"  ({a.responsible})" if a.responsible else "")
        )
