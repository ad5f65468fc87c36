"""``profile`` and ``compare``: where code spends energy, and which of two versions spends
less (Algoritmekader owk-05)."""

from __future__ import annotations

from typing import Any

import click

from algoprint.cli._common import db_option, json_option, print_json
from algoprint.cli._options import SEED, bounded_int, complete_algorithms, lang_option
from algoprint.errors import InputError


def _store_for(algorithm: str | None, db: str | None) -> Any:
    if algorithm is None:
        return None
    from algoprint.cli._common import open_store_for

    return open_store_for(db)


@click.command("profile", context_settings={"allow_interspersed_args": False})
@click.option("--html", "html", type=click.Path(dir_okay=False), help="Write a flame graph here.")
@click.option("--top", type=bounded_int(1, 1000), default=15, show_default=True)
@click.option(
    "--scope",
    type=click.Choice(["process", "machine"]),
    default="process",
    show_default=True,
    help="Rank by the process's CPU time (process) or machine-scope energy over wall time.",
)
@click.option(
    "--algorithm",
    "-a",
    metavar="SLUG",
    shell_complete=complete_algorithms,
    help="Store the profile as owk-05 evidence.",
)
@lang_option
@db_option
@json_option
@click.argument("command", nargs=-1, type=click.UNPROCESSED)
def profile_cmd(
    html: str | None,
    top: int,
    scope: str,
    algorithm: str | None,
    lang: str,
    db: str | None,
    as_json: bool,
    command: tuple[str, ...],
) -> None:
    """Attribute the energy of COMMAND to its Python functions and lines.

    Python commands (python script.py ..., python -m module ...) are profiled per function;
    any other command is measured as a whole, and the output says so.
    """
    if not command:
        raise InputError(
            "no command given after --", hint="e.g. algoprint profile -- python script.py"
        )
    from algoprint.advice.code import profile_command, render_profile

    result = profile_command(
        list(command),
        out_html=html,
        scope=scope,
        lang=lang,
        algorithm=algorithm,
        store=_store_for(algorithm, db),
    )
    if as_json:
        print_json(result.to_dict())
        return
    for line in render_profile(result, top=top, lang=lang):
        click.echo(line)
    if html:
        click.echo(f"{'vlamgrafiek' if lang == 'nl' else 'flame graph'}: {html}")


@click.command("compare", context_settings={"allow_interspersed_args": False})
@click.option(
    "--repeats",
    "-n",
    type=bounded_int(1, 1000),
    default=5,
    show_default=True,
    help="Runs per command.",
)
@click.option(
    "--order", type=click.Choice(["alternate", "random"]), default="alternate", show_default=True
)
@click.option("--seed", type=SEED, default=0, show_default=True, help="Seed for --order random.")
@click.option(
    "--algorithm",
    "-a",
    metavar="SLUG",
    shell_complete=complete_algorithms,
    help="Store the comparison as owk-05 evidence.",
)
@lang_option
@db_option
@json_option
@click.argument("commands", nargs=-1, type=click.UNPROCESSED)
def compare_cmd(
    repeats: int,
    order: str,
    seed: int,
    algorithm: str | None,
    lang: str,
    db: str | None,
    as_json: bool,
    commands: tuple[str, ...],
) -> None:
    """Run two commands interleaved and report the energy ratio B/A with a confidence interval.

    Usage: algoprint compare [options] -- CMD_A ARGS -- CMD_B ARGS
    """
    from algoprint.advice.code import compare_commands, render_compare, split_commands

    cmd_a, cmd_b = split_commands(list(commands))
    result = compare_commands(
        cmd_a,
        cmd_b,
        repeats=repeats,
        order=order,
        seed=seed,
        algorithm=algorithm,
        store=_store_for(algorithm, db),
    )
    if as_json:
        print_json(result.to_dict())
        return
    for line in render_compare(result, lang=lang):
        click.echo(line)
