"""The click command group. Each command lives in its own module; this file wires them."""

from __future__ import annotations

import click

from algoprint._version import __version__
from algoprint.cli import (
    advise_cmd,
    code_cmd,
    demo_cmd,
    estimate_cmd,
    export_cmd,
    factors_cmd,
    kubernetes_cmd,
    monitor_cmd,
    procure_cmd,
    report_cmd,
    runs_cmd,
    schedule_cmd,
    serve_cmd,
    slurm_cmd,
    sync_cmd,
    where_cmd,
)
from algoprint.cli.algorithm_cmd import algorithm
from algoprint.cli.amt_cmd import amt
from algoprint.cli.kader_cmd import kader
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
cli.add_command(demo_cmd.demo)
cli.add_command(report_cmd.report)
cli.add_command(export_cmd.export)
cli.add_command(code_cmd.profile_cmd)
cli.add_command(code_cmd.compare_cmd)
cli.add_command(algorithm)
cli.add_command(kader)
cli.add_command(amt)
cli.add_command(factors_cmd.factors_command)
cli.add_command(estimate_cmd.estimate_command)
cli.add_command(advise_cmd.advise)
cli.add_command(where_cmd.where)
cli.add_command(procure_cmd.procure)
cli.add_command(schedule_cmd.schedule)
cli.add_command(kubernetes_cmd.kubernetes)
cli.add_command(slurm_cmd.slurm)
cli.add_command(monitor_cmd.monitor)
cli.add_command(serve_cmd.serve)
cli.add_command(serve_cmd.server)
cli.add_command(sync_cmd.sync)
