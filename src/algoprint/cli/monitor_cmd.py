"""``algoprint monitor``: always-on measuring, one run per interval, with metrics out."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import click

from algoprint.cli._common import db_option
from algoprint.cli._location import location_options
from algoprint.cli._options import PORT, bounded_int
from algoprint.errors import InputError


@click.command(
    "monitor",
    context_settings={"ignore_unknown_options": False, "allow_interspersed_args": False},
)
@click.option(
    "--interval", default="1h", show_default=True, metavar="DURATION", help="Length of each run."
)
@click.option(
    "--tick", default="10s", show_default=True, metavar="DURATION", help="Metrics update period."
)
@click.option(
    "--sample",
    default="10s",
    show_default=True,
    metavar="DURATION",
    help="Sampling interval of the utilisation models (cumulative counters: slower loses no "
    "energy, only time resolution).",
)
@click.option("--algorithm", "-a", metavar="SLUG", help="Algorithm the runs belong to.")
@click.option("--phase", "-p", default="use", show_default=True, help="Lifecycle label.")
@click.option("--cgroup", metavar="PATH", help="Measure the processes of this cgroup (v2).")
@click.option("--unit", metavar="NAME", help="Measure a systemd unit (its cgroup).")
@click.option("--metrics-port", type=PORT, metavar="N", help="Serve Prometheus /metrics on N.")
@click.option(
    "--metrics-addr", default="127.0.0.1", show_default=True, help="Address for /metrics."
)
@click.option("--otlp", is_flag=True, help="Also push the metrics over OTLP (algoprint[otel]).")
@click.option(
    "--count",
    type=bounded_int(1, 1_000_000_000),
    metavar="N",
    help="Stop after N runs (default: never).",
)
@db_option
@location_options
@click.argument("command", nargs=-1, type=click.UNPROCESSED)
def monitor(
    interval: str,
    tick: str,
    sample: str,
    algorithm: str | None,
    phase: str,
    cgroup: str | None,
    unit: str | None,
    metrics_port: int | None,
    metrics_addr: str,
    otlp: bool,
    count: int | None,
    db: str | None,
    location: str | None,
    cloud: str | None,
    region: str | None,
    datacentre: str | None,
    command: tuple[str, ...],
) -> int:
    """Measure continuously and store one run per interval (wall-clock aligned).

    Without COMMAND it measures the whole machine (or --cgroup/--unit); with
    `-- COMMAND` it runs the command and measures it in interval runs until it exits (like
    `algoprint run`, for jobs that last days). SIGTERM ends the current run cleanly. Metrics
    (energy, power, CO2e, water per algorithm/phase/host) go to --metrics-port and --otlp.
    """
    from algoprint.cli.schedule_cmd import parse_duration
    from algoprint.config import load_settings
    from algoprint.fleet.metrics import Instruments, OtelMetrics, PrometheusMetrics
    from algoprint.fleet.monitor import Monitor, cgroup_pids, unit_cgroup
    from algoprint.store import StoreSink, open_store

    interval_s = parse_duration(interval, what="--interval")
    tick_s = parse_duration(tick, what="--tick")
    if cgroup and unit:
        raise InputError("give --cgroup or --unit, not both")
    if (cgroup or unit) and command:
        raise InputError("--cgroup/--unit measure running services; not with a COMMAND")
    if count is not None and count < 1:
        raise InputError(f"--count must be at least 1, got {count}")
    settings = load_settings({"db": db, "interval_s": parse_duration(sample, what="--sample")})
    store = open_store(settings.db)
    store.recover_stale_runs(stale_after_s=0)
    if algorithm:
        from algoprint.kader.register import ensure_algorithm

        ensure_algorithm(store, algorithm)
    pids = None
    if cgroup or unit:
        path = Path(cgroup) if cgroup else unit_cgroup(str(unit))
        cgroup_pids(path)  # fails now when it is not a cgroup
        pids = lambda: cgroup_pids(path)  # noqa: E731
    instruments: list[Instruments] = []
    if metrics_port is not None:
        prom = PrometheusMetrics()
        prom.serve(metrics_port, metrics_addr)
        instruments.append(prom)
        print(
            f"algoprint: metrics on http://{metrics_addr}:{metrics_port}/metrics", file=sys.stderr
        )
    otel = OtelMetrics() if otlp else None
    if otel is not None:
        instruments.append(otel)
    impacts = impacts_fn(store, algorithm, settings.extra, location, cloud, region, datacentre)
    child = None
    if command:
        try:
            child = subprocess.Popen(list(command))
        except OSError as e:
            raise InputError(f"{command[0]}: {e.strerror or e}") from None
    mon = Monitor(
        interval_s=interval_s, algorithm=algorithm, phase=phase, sink=StoreSink(store),
        instruments=instruments, impacts=impacts, tick_s=tick_s, pids=pids, child=child,
        settings=settings,
    )  # fmt: skip
    previous = {}

    def stop(signum: int, frame: Any) -> None:
        del frame
        mon.stop_event.set()
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        previous[sig] = signal.signal(sig, stop)
    try:
        while not mon.finished():
            record = mon.run_interval()
            from algoprint.cli._format import energy

            print(
                f"algoprint: run {record.run_id[:8]} {record.started_at} .. {record.ended_at} "
                f"{energy(record.energy_j)} ({record.status})",
                file=sys.stderr,
            )
            if count is not None and mon.runs >= count:
                break
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if otel is not None:
            otel.shutdown()
    if child is not None:
        code = child.wait()
        return 128 - code if code < 0 else code
    return 0


def impacts_fn(store: Any, algorithm: str | None, extra: Any, *where: str | None) -> Any:
    """``record -> (co2e_g, water_l)`` for the metrics, when a location is known."""
    from algoprint.cli._location import registered_location, resolve_cli_location, run_impacts
    from algoprint.errors import AlgoprintError

    location, cloud, region, datacentre = where
    profile = resolve_cli_location(
        extra, location=location, cloud=cloud, region=region, datacentre=datacentre,
        registered=registered_location(store, algorithm, extra), ask=False,
    )  # fmt: skip
    if not profile.configured:
        print(
            "algoprint: no location configured: metrics carry energy and power, not CO2e/water "
            "(set --location or [location] in algoprint.toml)",
            file=sys.stderr,
        )
        return None

    def compute(record: Any) -> tuple[float | None, float | None]:
        try:
            doc = run_impacts(record, profile, extra)
        except AlgoprintError as e:
            print(f"algoprint: impacts not computed: {e.message}", file=sys.stderr)
            return None, None
        co2e, water = doc.get("co2e_location_g"), doc.get("water_l")
        return (co2e.value if co2e else None), (water.value if water else None)

    return compute
