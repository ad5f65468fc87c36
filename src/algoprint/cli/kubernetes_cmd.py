"""``algoprint kubernetes collect``: Kepler pod energy from Prometheus into the run store."""

from __future__ import annotations

import hashlib
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from algoprint.cli._common import db_option, json_option, open_store_for, print_json
from algoprint.cli._options import PORT, bounded_float


@click.group("kubernetes")
def kubernetes() -> None:
    """Kubernetes: pod energy measured by Kepler, mapped to algorithms by pod label."""


def state_path(url: str, explicit: str | None) -> Path:
    """``--state``, else one file per Prometheus URL in the user data dir."""
    if explicit:
        return Path(explicit)
    from platformdirs import user_data_dir

    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    return Path(user_data_dir("algoprint")) / "fleet" / f"kepler-{digest}.json"


@kubernetes.command("collect")
@click.option(
    "--prometheus",
    "url",
    required=True,
    envvar="ALGOPRINT_PROMETHEUS_URL",
    metavar="URL",
    help="Prometheus base URL ($ALGOPRINT_PROMETHEUS_URL), e.g. http://prometheus:9090.",
)
@click.option("--once", is_flag=True, help="Collect one window and exit (default: keep going).")
@click.option(
    "--since",
    metavar="TIME",
    help="Start of the first window: ISO 8601 or a duration ago (24h). Default: where the "
    "last collect ended, else 1h ago.",
)
@click.option(
    "--until", metavar="TIME", help="End of the window with --once (backfill); default: now."
)
@click.option(
    "--every", default="5m", show_default=True, metavar="DURATION", help="Pause between windows."
)
@click.option(
    "--service-window",
    metavar="DURATION",
    help="Cut long-running pods into one run per DURATION (e.g. 1d); default: one per lifetime.",
)
@click.option(
    "--step", default="30s", show_default=True, metavar="DURATION", help="Query resolution."
)
@click.option("--algorithm-label", default="algoprint.nl/algorithm", show_default=True)
@click.option("--phase-label", default="algoprint.nl/phase", show_default=True)
@click.option("--lars-label", default="algoprint.nl/lars", show_default=True)
@click.option(
    "--timeout",
    type=bounded_float(0, 3600, min_open=True, unit="s"),
    default=30.0,
    show_default=True,
    help="HTTP timeout in seconds.",
)
@click.option("--state", metavar="PATH", help="Where the last window is kept.")
@click.option(
    "--metrics-port", type=PORT, metavar="N", help="Serve per-algorithm Prometheus metrics on N."
)
@click.option(
    "--metrics-addr", default="127.0.0.1", show_default=True, help="Address for /metrics."
)
@click.option("--location", metavar="ZONE", help="Grid zone for the CO2e/water metrics.")
@db_option
@json_option
def collect_command(
    url: str,
    once: bool,
    since: str | None,
    until: str | None,
    every: str,
    service_window: str | None,
    step: str,
    algorithm_label: str,
    phase_label: str,
    lars_label: str,
    timeout: float,
    state: str | None,
    metrics_port: int | None,
    metrics_addr: str,
    location: str | None,
    db: str | None,
    as_json: bool,
) -> int:
    """Turn Kepler's pod energy into runs: one per pod lifetime, per-container components.

    Pods map to algorithms by the pod label --algorithm-label (or an Algoritmeregister
    LARS code in --lars-label); kube-state-metrics must export these labels
    (--metric-labels-allowlist=pods=[algoprint.nl/algorithm,...]). Pods without it are
    listed as unassigned with their energy. Safe to rerun or restart: nothing is counted twice.
    """
    from algoprint.cli._fleet import parse_instant
    from algoprint.cli.schedule_cmd import parse_duration
    from algoprint.fleet._common import iso, read_state, write_state
    from algoprint.fleet.kepler import KeplerOptions, collect
    from algoprint.fleet.prometheus import PrometheusClient
    from algoprint.kader.register import list_algorithms

    client = PrometheusClient(url=url, timeout_s=timeout)
    step_s = parse_duration(step, what="--step")
    pause_s = parse_duration(every, what="--every")
    window_s = parse_duration(service_window, what="--service-window") if service_window else None
    path = state_path(url, state)
    store = open_store_for(db)
    lars = {a.lars_id: a.slug for a in list_algorithms(store, include_archived=True) if a.lars_id}
    options = KeplerOptions(
        algorithm_label=algorithm_label,
        phase_label=phase_label,
        lars_label=lars_label,
        lars_map=lars,
        step_s=step_s,
        service_window_s=window_s,
    )
    prom = None
    if metrics_port is not None:
        from algoprint.fleet.metrics import PrometheusMetrics

        prom = PrometheusMetrics()
        prom.serve(metrics_port, metrics_addr)
    first = True
    while True:
        now = datetime.now(UTC)
        saved = read_state(path)
        if since and first:
            start = parse_instant(since, now=now)
        elif "last_end" in saved:
            start = datetime.fromisoformat(str(saved["last_end"]))
        else:
            start = parse_instant("1h", now=now)
            print(f"algoprint: first collect starts at {iso(start)} (see --since)", file=sys.stderr)
        # The newest scrape may still be on its way: stop one step before now.
        end = now.timestamp() - step_s
        if until and first:
            end = min(end, parse_instant(until, now=now, what="--until").timestamp())
        if end > start.timestamp():
            priors: dict[str, Any] = {}
            result = collect(
                client,
                start_s=start.timestamp(),
                end_s=end,
                options=options,
                existing=lambda rid, p=priors: p.setdefault(rid, _existing(store, rid)),  # type: ignore[misc]
            )
            _save(store, result.runs)
            if prom is not None:
                export_metrics(result.runs, priors, prom, _impacts_per_algorithm(store, location))
            write_state(path, {"prometheus": url, "last_end": result.end})
            _report(result, as_json)
        first = False
        if once:
            return 0
        time.sleep(pause_s)


def export_metrics(runs: list[Any], priors: dict[str, Any], instruments: Any, impacts: Any) -> None:
    """Add what this window added to each run (its energy minus the stored run's) to the
    metrics, per algorithm, phase and node; CO2e and water pro rata of the run's impacts."""
    from algoprint.fleet.metrics import Labels

    for run in runs:
        prior = priors.get(run.run_id)
        added = (run.energy_j or 0.0) - ((prior.energy_j or 0.0) if prior is not None else 0.0)
        labels = Labels(
            algorithm=run.algorithm or "",
            phase=run.phase or "",
            host=run.tags.get("kubernetes.node", ""),
            method="kepler",
            nature="measured",
        )
        if added > 0:
            instruments.add_energy(added, labels)
            co2e, water = impacts(run) if impacts is not None else (None, None)
            share = added / run.energy_j
            instruments.add_impacts(
                None if co2e is None else co2e * share,
                None if water is None else water * share,
                labels,
            )
        ended_now = prior is None or prior.status.value == "running"
        if run.status.value != "running" and ended_now:
            instruments.add_run(labels)


def _impacts_per_algorithm(store: Any, location: str | None) -> Any:
    """``run -> (co2e_g, water_l)`` with each algorithm's location (cached per algorithm)."""
    from algoprint.cli.monitor_cmd import impacts_fn
    from algoprint.config import load_settings

    extra = load_settings({}).extra
    cache: dict[str | None, Any] = {}

    def compute(run: Any) -> tuple[float | None, float | None]:
        if run.algorithm not in cache:
            cache[run.algorithm] = impacts_fn(
                store, run.algorithm, extra, location, None, None, None
            )
        fn = cache[run.algorithm]
        return fn(run) if fn is not None else (None, None)

    return compute


def _existing(store: Any, run_id: str) -> Any:
    from algoprint.errors import NotFound

    try:
        return store.get_run(run_id)
    except NotFound:
        return None


def _save(store: Any, runs: list[Any]) -> None:
    from algoprint.kader.register import ensure_algorithm, registration_notice

    for slug in sorted({r.algorithm for r in runs if r.algorithm}):
        _, created = ensure_algorithm(store, slug)
        if created:
            print(f"algoprint: {registration_notice(slug)}", file=sys.stderr)
    store.save_runs(runs)


def _report(result: Any, as_json: bool) -> None:
    if as_json:
        print_json(result.to_dict())
        return
    from algoprint.cli._format import energy

    print(f"window {result.start} .. {result.end} ({result.schema})")
    for r in result.runs:
        pod = f"{r.tags['kubernetes.namespace']}/{r.tags['kubernetes.pod']}"
        print(f"  {r.run_id[:8]}  {r.algorithm:<24} {pod:<40} {energy(r.energy_j)}  {r.status}")
    if result.unassigned:
        total = sum(u["energy_j"] for u in result.unassigned)
        print(f"unassigned: {len(result.unassigned)} pod(s), {energy(total)} (not stored):")
        for u in result.unassigned[:20]:
            print(f"  {u['namespace']}/{u['pod']}  {energy(u['energy_j'])}  {u['reason']}")
        if len(result.unassigned) > 20:
            print(f"  ... and {len(result.unassigned) - 20} more (--json lists all)")
    if result.already_counted:
        print(f"already counted: {result.already_counted} run window(s) skipped")
    for w in result.warnings:
        print(f"algoprint: warning: {w}", file=sys.stderr)
