"""The click command group. Each command lives in its own module; this file wires them."""

from __future__ import annotations

import click

from algoprint._version import __version__
from algoprint.cli import code_cmd, runs_cmd
from algoprint.cli.run_cmd import run_command

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="algoprint")
def cli() -> None:
    """Measure, monitor and report the energy and environmental impact of algorithms.

    Start with `algoprint doctor` to see what this machine can measure, then
    `algoprint run -- CMD ARGS...` to measure any program.
    """


cli.add_command(run_command)
cli.add_command(runs_cmd.runs)
cli.add_command(runs_cmd.show)
cli.add_command(runs_cmd.doctor)
cli.add_command(runs_cmd.demo)
cli.add_command(code_cmd.profile_cmd)
cli.add_command(code_cmd.compare_cmd)
