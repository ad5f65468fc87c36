"""``algoprint run [options] -- CMD ARGS...``: measure any program.

The child inherits stdin, stdout and stderr. SIGTERM (and SIGHUP) sent to algoprint are
forwarded to the child; SIGINT is forwarded only when algoprint is not in the terminal's
foreground process group (in the foreground, the terminal already delivered Ctrl-C to the
child, and a second SIGINT would interrupt its clean-up). algoprint exits with the child's exit
code, or 128+N when the child was killed by signal N (like a shell), or 127/126 when the
command cannot be found/executed. The run summary goes to stderr so the child's stdout stays
clean; ``--json`` prints the run document on stdout after the child ends.

Never in the way: a broken store, config file or environment variable does not stop the
command. The problem is said on stderr and recorded on the run, which goes to a spool (see
:mod:`algoprint.tracking._fallback_spool`) and reaches the store when it next opens. ``--strict``
restores refusing to start. Errors of algoprint itself (bad options, ``--strict`` refusals)
exit with :data:`~algoprint.cli.WRAPPER_ERROR_EXIT` (125), a status commands rarely use. The
command dies with the wrapper, even on SIGKILL (:mod:`algoprint.cli._child`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from types import FrameType
from typing import Any

import click

from algoprint.cli._common import db_option, print_json
from algoprint.cli._location import location_options
from algoprint.cli._options import complete_algorithms, setting_type
from algoprint.cli._run_setup import prepare as _prepare
from algoprint.errors import AlgoprintError, InputError

FORWARDED = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGQUIT)


def _in_terminal_foreground() -> bool:
    for fd in (0, 1, 2):
        try:
            return os.tcgetpgrp(fd) == os.getpgrp()
        except OSError:
            continue
    return False


class _Forwarder:
    """Installs signal handlers that pass signals on to the child while it runs."""

    def __init__(self) -> None:
        self.child: subprocess.Popen[bytes] | None = None
        self.received: int | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _Forwarder:
        for sig in FORWARDED:
            with contextlib.suppress(ValueError, OSError):
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            with contextlib.suppress(ValueError, OSError):
                signal.signal(sig, handler)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        del frame
        self.received = signum
        child = self.child
        if child is None or child.poll() is not None:
            return
        if signum == signal.SIGINT and _in_terminal_foreground():
            return  # the terminal already sent it to the child (same process group)
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signum)


@click.command(
    "run",
    context_settings={"ignore_unknown_options": False, "allow_interspersed_args": False},
)
@click.option(
    "--algorithm",
    "-a",
    metavar="SLUG",
    shell_complete=complete_algorithms,
    help="Algorithm this run belongs to.",
)
@click.option(
    "--phase",
    "-p",
    metavar="NAME",
    help="Lifecycle label of the run, e.g. training, inference, use.",
)
@click.option(
    "--scope",
    type=click.Choice(["machine", "process"]),
    help="Headline figure: whole machine (default) or the command's process tree.",
)
@click.option(
    "--interval",
    type=setting_type("interval_s", unit="s"),
    metavar="SECONDS",
    help="Sampling interval of the utilisation models (default 2).",
)
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the run document as JSON on stdout.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but the command's own output.")
@click.option(
    "--strict",
    is_flag=True,
    help="Fail instead of falling back: a less direct meter, a broken store or config file, "
    "an unregistered algorithm (exit 125 before the command runs).",
)
@click.option(
    "--cpu-tdp",
    type=setting_type("cpu_tdp_w", unit="W"),
    metavar="WATTS",
    help="CPU power per socket for the CPU model (when the model is unknown or wrong).",
)
@click.option(
    "--tag", "tags", multiple=True, metavar="KEY=VALUE", help="Label the run (repeatable)."
)
@location_options
@click.option(
    "--lang",
    "-l",
    type=click.Choice(["nl", "en"]),
    help="Language of the summary, nl or en (default: the lang setting, ALGOPRINT_LANG, else en).",
)
@click.argument("command", nargs=-1, type=click.UNPROCESSED)
def run_command(
    algorithm: str | None,
    phase: str | None,
    scope: str | None,
    interval: float | None,
    db: str | None,
    as_json: bool,
    quiet: bool,
    strict: bool,
    cpu_tdp: float | None,
    tags: tuple[str, ...],
    location: str | None,
    cloud: str | None,
    region: str | None,
    datacentre: str | None,
    lang: str | None,
    command: tuple[str, ...],
) -> int:
    """Measure the energy of COMMAND (put it after --): algoprint run -- python train.py

    The summary (stderr) and the --json document (stdout) include the run's CO2e
    (location- and market-based) and water, computed from the measured energy for the
    location given by --location/--cloud/--region/--datacentre, the algorithm's registered
    location, ALGOPRINT_LOCATION or [location] in algoprint.toml (in that order).

    Exit status: the command's own; 128+N when it was killed by signal N; 127/126 when it
    cannot be found/executed; 125 when algoprint itself fails before the command runs (bad
    options, --strict refusals). A broken store or config does not stop the command: the
    problem is reported and the run spooled until the store works. The command is killed
    with algoprint, even by SIGKILL.
    """
    if not command:
        raise InputError(
            "no command given after --",
            hint="put the program to measure after --, e.g. algoprint run -- python train.py",
        )
    from algoprint.fleet.slurm import slurm_tags

    # Inside a SLURM allocation the job id ties this run to its job: `slurm import` skips it.
    tag_map = {**slurm_tags(os.environ), **_parse_tags(tags)}
    if quiet:
        # Fallbacks are still recorded on the run (see `algoprint show`); --quiet only silences.
        import logging

        logging.getLogger("algoprint").setLevel(logging.ERROR)
    from algoprint.tracking import Tracker
    from algoprint.tracking.record import Degradation, RunStatus

    if algorithm:
        from algoprint.kader.register import validate_slug

        validate_slug(algorithm)  # an explicit argument: refused before anything runs
    explicit = {
        "scope": scope,
        "interval_s": interval,
        "db": db,
        "strict": strict or None,
        "cpu_tdp_w": cpu_tdp,
    }
    setup = _prepare(explicit, algorithm, quiet=quiet, strict=strict)
    settings, store = setup.settings, setup.store
    if store is not None:
        from algoprint.cli._notices import install

        install(str(store.url))  # repeated notices once per store
    # Resolve the location before the command runs too: a wrong --location fails early.
    profile = None
    if as_json or not quiet:
        from algoprint.cli._location import registered_location, resolve_cli_location

        given = any(v is not None for v in (location, cloud, region, datacentre))
        try:
            profile = resolve_cli_location(
                settings.extra,
                location=location,
                cloud=cloud,
                region=region,
                datacentre=datacentre,
                registered=registered_location(store, algorithm, settings.extra)
                if store is not None
                else None,
            )
        except AlgoprintError as e:
            if given or strict:
                raise
            setup.problem("location", f"impacts not computed: {e.message}", e.hint)

    from algoprint.cli._child import spawn
    from algoprint.store import StoreSink

    tracker = Tracker(
        sink=StoreSink(store) if store is not None else None,
        algorithm=algorithm,
        phase=phase,
        settings=settings,
        pids=(),
        tags=tag_map,
        command=list(command),
    )
    for problem in setup.problems:
        tracker.add_degradation(problem)
    exit_code: int
    with _Forwarder() as fwd:
        # Started inside the forwarder: the tracker then sees algoprint's own handlers and
        # leaves the signals to it (tracking/_signals.py only takes default dispositions).
        tracker.start()
        try:
            child = spawn(command)
        except OSError as e:
            # Like a shell: 127 when the command does not exist, 126 when it cannot run.
            exit_code = 127 if isinstance(e, FileNotFoundError) else 126
            reason = "command not found" if exit_code == 127 else (e.strerror or str(e))
            tracker.add_degradation(Degradation("command", f"{command[0]}: {reason}"))
            tracker.stop(exit_code=exit_code)
            _finish(tracker, as_json, quiet, profile, lang)
            print(f"algoprint: {command[0]}: {reason}", file=sys.stderr)
            return exit_code
        fwd.child = child
        tracker.set_process_roots([child.pid])
        returncode = _wait(child, tracker)
    exit_code = 128 - returncode if returncode < 0 else returncode
    status = RunStatus.INTERRUPTED if fwd.received is not None else None
    tracker.stop(exit_code=exit_code, status=status)
    try:
        _finish(tracker, as_json, quiet, profile, lang)
    except Exception as e:  # the command's exit code is worth more than our summary
        print(f"algoprint: the run summary could not be shown: {e}", file=sys.stderr)
    return exit_code


def _wait(child: subprocess.Popen[bytes], tracker: Any) -> int:
    """Wait for the child with ``wait4`` so its final CPU time (with the descendants it reaped)
    is known to the process attribution; returns the Popen-style return code."""
    try:
        _, status, rusage = os.wait4(child.pid, 0)
    except ChildProcessError:  # already reaped elsewhere: fall back to Popen's own wait
        return child.wait()
    child.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in KiB on Linux.
    tracker.process_finished(
        child.pid, rusage.ru_utime + rusage.ru_stime, int(rusage.ru_maxrss) * 1024
    )
    return child.returncode


def _parse_tags(tags: tuple[str, ...]) -> dict[str, str]:
    result: dict[str, str] = {}
    for tag in tags:
        key, sep, value = tag.partition("=")
        if not sep or not key:
            raise InputError(f"invalid --tag {tag!r}", hint="use --tag KEY=VALUE")
        result[key] = value
    return result


def _summary_lang(lang: str | None) -> str:
    """``--lang``, else the configured ``lang`` setting, else English; a broken config file
    never costs the command its summary (run is lenient)."""
    if lang is not None:
        return lang
    from algoprint.cli._options import configured_lang

    try:
        return configured_lang() or "en"
    except AlgoprintError:
        return "en"


def _finish(
    tracker: Any, as_json: bool, quiet: bool, profile: Any, lang: str | None = None
) -> None:
    record = tracker.record
    doc = _impacts(record, profile, tracker.settings.extra)
    if as_json:
        data = record.to_dict()
        if doc is not None:
            from algoprint.cli._location import impact_fields

            data.update(impact_fields(doc, profile))
        print_json(data)
    elif not quiet:
        from algoprint.cli._render import print_run_impacts, run_summary

        lang = _summary_lang(lang)
        run_summary(record, lang=lang)
        if doc is not None:
            print_run_impacts(doc, profile, lang=lang)


def _impacts(record: Any, profile: Any, extra: Any) -> Any:
    """The run's impacts; a failure here is said, never allowed to cost the exit code."""
    if profile is None:
        return None
    from algoprint.cli._location import run_impacts
    from algoprint.errors import AlgoprintError

    try:
        return run_impacts(record, profile, extra)
    except AlgoprintError as e:
        print(f"algoprint: impacts not computed: {e.message}", file=sys.stderr)
        return None
