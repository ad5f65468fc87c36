"""Energy per Python function and line: ``profile_command`` (``algoprint profile -- CMD``) and
the ``profile()`` context manager / decorator.

A stack sampler (:mod:`._sampler`, standard library) records which code runs when; a tracker
measures the energy and a power timeline (:mod:`._timeline`) snapshots it every 0.1 s; the two
are joined bucket by bucket (:mod:`._aggregate`). For a Python command the target runs in a
child interpreter under ``_runner.py`` (so its own code is profiled, not algoprint's) and the
parent measures the child's energy. Any other command is measured as a whole: the result says
so in ``notes`` and ``per_function`` is ``False``; nothing is guessed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from algoprint.advice.code._aggregate import Attribution, FlameNode, Hotspot, LineHotspot
from algoprint.advice.code._persist import SupportsSaveAnalysis
from algoprint.errors import InputError
from algoprint.records import AnalysisRecord

__all__ = ["ProfileResult", "profile", "profile_command", "render_profile"]

log = logging.getLogger("algoprint")
ATTRIBUTION_METHOD = "power-timeline"


@dataclass(slots=True)
class ProfileResult:
    """What a profile found.

    Attributes:
        per_function: whether energy was attributed to functions (False: whole process only).
        energy_j: the run's headline energy (J), ``None`` when a meter had a gap.
        duration_s: the run's wall time (s).
        attributed_energy_j: energy attributed to sampled code (J).
        outside_energy_j: run energy outside the sampled span (start-up, shutdown) (J).
        hotspots / lines: functions and lines ranked by self energy (then self time).
        tree: the call tree for the flame graph.
        notes: fallbacks and limits, in words, to show the user (English; ``notes_nl`` in
            Dutch).
        run: the tracker's run record (``RunRecord``).
    """

    command: list[str] | None
    per_function: bool
    energy_j: float | None
    duration_s: float
    exit_code: int | None
    attributed_energy_j: float | None = None
    outside_energy_j: float | None = None
    profiled_s: float = 0.0
    samples: int = 0
    hotspots: list[Hotspot] = field(default_factory=list)
    lines: list[LineHotspot] = field(default_factory=list)
    tree: FlameNode | None = None
    notes: list[str] = field(default_factory=list)
    notes_nl: list[str] = field(default_factory=list)
    """``notes`` in Dutch, in the same order."""
    html_path: str | None = None
    run: Any = None
    scope: str = "process"
    """``process`` (ranked by the process's own CPU time, energy shared by CPU time) or
    ``machine`` (ranked by the machine-scope energy of the wall time the code was on stack)."""
    basis: dict[str, str] | None = None

    @property
    def method(self) -> str:
        return ATTRIBUTION_METHOD if self.per_function else "whole-process"

    def to_dict(self, *, top: int = 30) -> dict[str, Any]:
        """A JSON-ready summary (top hotspots and lines; the tree is left out)."""
        return {
            "command": self.command,
            "method": self.method,
            "per_function": self.per_function,
            "energy_j": self.energy_j,
            "duration_s": self.duration_s,
            "exit_code": self.exit_code,
            "attributed_energy_j": self.attributed_energy_j,
            "outside_energy_j": self.outside_energy_j,
            "profiled_s": self.profiled_s,
            "samples": self.samples,
            "hotspots": [_hotspot_dict(h) for h in self.hotspots[:top]],
            "lines": [
                {
                    "file": ln.file,
                    "line": ln.line,
                    "function": ln.function,
                    "self_s": ln.self_s,
                    "self_energy_j": ln.self_energy_j,
                    "share": ln.share,
                }
                for ln in self.lines[:top]
            ],
            "notes": list(self.notes),
            "notes_nl": list(self.notes_nl),
            "scope": self.scope,
            "basis": self.basis,
            "html_path": self.html_path,
            "run_id": None if self.run is None else self.run.run_id,
        }

    def note(self, key: str, **values: Any) -> None:
        """Add the note ``key`` of :mod:`._texts` in English and Dutch."""
        from algoprint.advice.code._texts import text

        self.notes.append(text(key, "en", **values))
        self.notes_nl.append(text(key, "nl", **values))

    def note_degradations(self, degradations: Any) -> None:
        """Add the run's meter fallbacks and faults as notes, in both languages."""
        from algoprint.advice.code._texts import degradation_text

        for d in degradations:
            self.notes.append(degradation_text(d.source, d.message, "en"))
            self.notes_nl.append(degradation_text(d.source, d.message, "nl"))

    def to_analysis(self, algorithm: str | None) -> AnalysisRecord:
        """The ``code-profile`` analysis record (evidence for owk-05)."""
        top = self.hotspots[0] if self.hotspots else None
        if top is not None and top.share is not None:
            en = f"Hottest function: {top.function} ({100 * top.share:.0f} % of the energy)."
            nl = f"Zwaarste functie: {top.function} ({100 * top.share:.0f} % van de energie)."
        else:
            en = "Energy measured for the whole process; no per-function attribution."
            nl = "Energie gemeten voor het hele proces; geen verdeling per functie."
        return AnalysisRecord(
            kind="code-profile",
            algorithm=algorithm,
            title="Energy profile of " + (" ".join(self.command or []) or "Python code"),
            result=self.to_dict(),
            summary_en=en,
            summary_nl=nl,
            run_ids=[] if self.run is None else [self.run.run_id],
        )


def _hotspot_dict(h: Hotspot) -> dict[str, Any]:
    return {
        "function": h.function,
        "file": h.file,
        "line": h.line,
        "self_s": h.self_s,
        "total_s": h.total_s,
        "self_cpu_s": h.self_cpu_s,
        "samples": h.samples,
        "self_energy_j": h.self_energy_j,
        "total_energy_j": h.total_energy_j,
        "share": h.share,
        "process_energy_j": h.process_energy_j,
    }


def _finish(
    result: ProfileResult,
    attribution: Attribution | None,
    *,
    out_html: str | Path | None,
    algorithm: str | None,
    store: SupportsSaveAnalysis | None,
    db: str | None,
    scope: str = "process",
    lang: str = "en",
) -> ProfileResult:
    if attribution is not None and scope == "process":
        _rank_by_process(attribution)
    result.scope = scope
    if result.run is not None:
        from algoprint.advice._decide import choose_basis

        methods = [str(c.method) for c in result.run.components if c.energy_j is not None]
        result.basis = choose_basis(methods).to_dict()
    if attribution is not None:
        result.per_function = True
        result.hotspots = attribution.hotspots
        result.lines = attribution.lines
        result.tree = attribution.tree
        result.attributed_energy_j = attribution.attributed_energy_j
        result.outside_energy_j = attribution.outside_energy_j
        result.profiled_s = attribution.profiled_s
        result.samples = attribution.samples
        if attribution.samples < 20:
            result.note("few_samples", n=attribution.samples)
    if out_html is not None and result.tree is not None:
        from algoprint.advice.code.flame import render_flame_html, write_flame_html

        document = render_flame_html(
            result.tree,
            hotspots=result.hotspots,
            summary=render_profile(result, top=0, lang=lang),
            lang=lang,
        )
        try:
            result.html_path = str(write_flame_html(out_html, document))
        except OSError as e:
            raise InputError(
                f"cannot write the flame graph to {out_html}: {e.strerror or e}",
                hint="pass --html to a writable file in an existing directory",
            ) from e
    elif out_html is not None:
        result.note("no_flame")
    if algorithm is not None:
        from algoprint.advice.code._persist import persist_analysis

        persist_analysis(result.to_analysis(algorithm), store=store, db=db)
    return result


def _rank_by_process(attribution: Attribution) -> None:
    """Rank by self CPU time and share the attributed energy by it (the shared rule).

    At machine scope a function that sleeps is charged the wall time × machine power of its
    sleep; at process scope it is charged only for the CPU it used.
    """
    cpu_total = sum(h.self_cpu_s for h in attribution.hotspots)
    energy = attribution.attributed_energy_j
    for h in attribution.hotspots:
        if energy is not None and cpu_total > 0:
            h.process_energy_j = energy * h.self_cpu_s / cpu_total
    attribution.hotspots.sort(key=lambda h: (h.self_cpu_s, h.self_s), reverse=True)


def _note_gap(result: ProfileResult, reason: str | None) -> None:
    """Say why energy per function is unknown (the timeline's gap), in both languages."""
    if reason is None:
        return
    from algoprint.advice.code._texts import text

    meter = reason.startswith("a meter reported a gap")
    for lang, notes in (("en", result.notes), ("nl", result.notes_nl)):
        if meter:
            why = text("gap_meter", lang)
        else:  # the English reason names the exception; Dutch says what failed
            why = reason if lang == "en" else text("gap_snapshot", lang)
        notes.append(text("gap", lang, reason=why))


SCOPES = ("process", "machine")


def _check_scope(scope: str) -> None:
    if scope not in SCOPES:
        raise InputError(f"unknown profile scope {scope!r}", hint="use process or machine")


def _new_tracker(settings: Any, meters: Sequence[Any] | None, store_run: bool, **kw: Any) -> Any:
    from algoprint.tracking.tracker import Tracker

    return Tracker(settings=settings, meters=meters, store=store_run, phase="profile", **kw)


def profile_command(
    argv: Sequence[str],
    *,
    settings: Any = None,
    out_html: str | Path | None = None,
    meters: Sequence[Any] | None = None,
    algorithm: str | None = None,
    store: SupportsSaveAnalysis | None = None,
    store_run: bool = False,
    interval_s: float = 0.005,
    timeline_interval_s: float = 0.1,
    scope: str = "process",
    lang: str = "en",
) -> ProfileResult:
    """Run ``argv`` and attribute its energy to its Python functions and lines.

    A Python command (``python [opts] script.py ARGS`` or ``python [opts] -m mod ARGS``) runs
    in a child interpreter under the profiler; the parent tracks the child's energy with a
    power timeline. Anything else is measured as a whole and the result says so in ``notes``.
    The command's stdin, stdout and stderr are inherited.

    Args:
        argv: the command line.
        settings: :class:`~algoprint.config.Settings` (default: loaded from config/env).
        out_html: where to write the flame graph (``None``: no file).
        meters: meters to use instead of auto-detection (tests, custom sources).
        algorithm: store a ``code-profile`` analysis for this algorithm slug.
        store: where to store it (default: the configured store).
        store_run: also store the tracked run in the run store.
        interval_s: profiler sampling interval (s).
        timeline_interval_s: power snapshot interval and attribution bucket width (s).
        scope: ``process`` (default: rank by the process's CPU time, the shared decision
            rule) or ``machine`` (rank by machine-scope energy over wall time).
        lang: ``en`` or ``nl``: the language of the flame graph page.

    Raises:
        InputError: an unknown scope, empty command, a command that cannot be started, an
            unwritable HTML path.
    """
    from algoprint.advice.code._aggregate import attribute
    from algoprint.advice.code._command import parse_python_command, runner_command
    from algoprint.advice.code._texts import check_lang, command_reason, text
    from algoprint.advice.code._timeline import PowerTimeline
    from algoprint.config import load_settings

    _check_scope(scope)
    check_lang(lang)
    argv = list(argv)
    if not argv:
        raise InputError(
            "no command to profile", hint="put it after --: algoprint profile -- python app.py"
        )
    settings = settings if settings is not None else load_settings()
    target, reason = parse_python_command(argv)
    tracker = _new_tracker(settings, meters, store_run, pids=(), command=argv)
    with tempfile.TemporaryDirectory(prefix="algoprint-profile-") as tmp:
        out = os.path.join(tmp, "profile.json")
        child_argv = argv
        if target is not None:
            child_argv = runner_command(
                target, out=out, interval_s=interval_s, bucket_s=timeline_interval_s
            )
        tracker.start()
        timeline = PowerTimeline(tracker, interval_s=timeline_interval_s)
        timeline.start()
        try:
            child = subprocess.Popen(child_argv)
        except OSError as e:
            timeline.stop()
            tracker.stop(exit_code=127, error=e)
            raise InputError(
                f"cannot start {argv[0]}: {e.strerror or e}",
                hint="check the command name and that it is executable",
            ) from e
        tracker.set_process_roots([child.pid])
        try:
            returncode = child.wait()
        except KeyboardInterrupt:
            returncode = child.wait()
        timeline.stop()
        exit_code = 128 - returncode if returncode < 0 else returncode
        record = tracker.stop(exit_code=exit_code)
        result = ProfileResult(
            command=argv,
            per_function=False,
            energy_j=record.energy_j,
            duration_s=record.duration_s,
            exit_code=exit_code,
            run=record,
        )
        data: dict[str, Any] | None = None
        if target is None:
            for code, notes in (("en", result.notes), ("nl", result.notes_nl)):
                notes.append(text("not_python", code, reason=command_reason(str(reason), code)))
        else:
            try:
                data = json.loads(Path(out).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                result.notes.append(text("not_python", "en", reason=text("no_child_profile", "en")))
                result.notes_nl.append(
                    text("not_python", "nl", reason=text("no_child_profile", "nl"))
                )
    attribution = None
    if data is not None:
        _note_gap(result, timeline.gap_reason)
        attribution = attribute(
            data, timeline=timeline.points or None, run_energy_j=record.energy_j
        )
    result.note_degradations(record.degradations)
    return _finish(
        result, attribution, out_html=out_html, algorithm=algorithm, store=store,
        db=settings.db, scope=scope, lang=lang,
    )  # fmt: skip


class profile(contextlib.ContextDecorator):
    """Profile the energy of a block or a function in this process.

    ``with profile(out_html="p.html") as p: work()`` then ``p.result`` is the
    :class:`ProfileResult`. As a decorator, each call is profiled and ``.result`` holds the
    last call's; a recursive call inside a profiled call is not profiled again. Accepts the
    keyword arguments of :func:`profile_command` except ``argv``. Stacks are cut at the frame
    that entered the block, so the test runner or caller above it is not shown. Profiling
    faults never break the block: they are logged and ``result`` stays ``None``.
    """

    def __init__(
        self,
        *,
        settings: Any = None,
        out_html: str | Path | None = None,
        meters: Sequence[Any] | None = None,
        algorithm: str | None = None,
        store: SupportsSaveAnalysis | None = None,
        store_run: bool = False,
        interval_s: float = 0.005,
        timeline_interval_s: float = 0.1,
        scope: str = "process",
    ) -> None:
        _check_scope(scope)
        self._scope = scope
        self._out_html = out_html
        self._algorithm = algorithm
        self._store = store
        self._settings = settings
        self._meters = meters
        self._store_run = store_run
        self._interval_s = interval_s
        self._timeline_interval_s = timeline_interval_s
        self._depth = 0
        self._parts: tuple[Any, Any, Any] | None = None
        self.result: ProfileResult | None = None

    def _recreate_cm(self) -> profile:
        return self

    def __enter__(self) -> profile:
        self._depth += 1
        if self._depth > 1:
            return self
        from algoprint.advice.code._sampler import StackSampler
        from algoprint.advice.code._timeline import PowerTimeline
        from algoprint.config import load_settings

        settings = self._settings if self._settings is not None else load_settings()
        self._settings = settings
        caller = sys._getframe(1)
        keep = caller.f_code.co_filename != contextlib.__file__  # decorator: drop its wrapper
        tracker = _new_tracker(settings, self._meters, self._store_run)
        tracker.start()
        timeline = PowerTimeline(tracker, interval_s=self._timeline_interval_s)
        timeline.start()
        sampler = StackSampler(
            interval_s=self._interval_s,
            bucket_s=self._timeline_interval_s,
            roots={threading.get_ident(): (caller, keep)},
            skip_files={__file__},
        )
        sampler.start()
        self._parts = (tracker, timeline, sampler)
        return self

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        self._depth -= 1
        if self._depth > 0 or self._parts is None:
            return
        tracker, timeline, sampler = self._parts
        self._parts = None
        try:
            sampler.stop()
            timeline.stop()
            record = tracker.stop(error=exc)
            from algoprint.advice.code._aggregate import attribute

            result = ProfileResult(
                command=None,
                per_function=False,
                energy_j=record.energy_j,
                duration_s=record.duration_s,
                exit_code=None,
                run=record,
            )
            _note_gap(result, timeline.gap_reason)
            result.note_degradations(record.degradations)
            attribution = attribute(
                sampler.to_dict(), timeline=timeline.points or None, run_energy_j=record.energy_j
            )
            self.result = _finish(
                result,
                attribution,
                out_html=self._out_html,
                algorithm=self._algorithm,
                store=self._store,
                db=self._settings.db,
                scope=self._scope,
            )
        except Exception as e:  # never mask the block's own exception or break the caller
            log.warning("algoprint: the profile could not be completed: %s", e)


def render_profile(result: ProfileResult, *, top: int = 15, lang: str = "en") -> list[str]:
    """Human-readable lines in ``lang`` (``nl`` or ``en``): a summary, the notes and a hotspot
    table of ``top`` rows; energies in Wh, numbers through :mod:`algoprint._format`."""
    from algoprint._format import percent
    from algoprint.advice.code._texts import check_lang, joules, seconds, text, wrapped

    lang = check_lang(lang)
    lines = [
        f"{text('command', lang)}: {' '.join(result.command)}"
        if result.command
        else text("code", lang),
        f"{text('energy', lang)}: {joules(result.energy_j, lang)} {text('in', lang)} "
        f"{seconds(result.duration_s, lang)} "
        f"({text('attribution', lang)}: {text(result.method, lang)})",
    ]
    if result.per_function:
        attributed = result.attributed_energy_j
        done = (
            text("per_function_unknown", lang)
            if attributed is None
            else text("attributed", lang, e=joules(attributed, lang))
        )
        if attributed is not None and result.outside_energy_j is not None:
            done += text("outside", lang, e=joules(result.outside_energy_j, lang))
        sampled = text(
            "sampled", lang, n=result.samples, s=seconds(result.profiled_s, lang), a=done
        )
        lines += wrapped(text("sampled_lead", lang), sampled)
    notes = result.notes_nl if lang == "nl" and result.notes_nl else result.notes
    for n in notes:
        lines += wrapped(text("note", lang), n)
    if top <= 0 or not result.hotspots:
        return lines
    process = result.scope == "process"
    which = "ranked_process" if process else "ranked_machine"
    lines += [text(which, lang), text(which + "_2", lang)]
    head = text(
        "head", lang, e=text("self_wh", lang), s=text("share", lang), c=text("cpu_s", lang),
        w=text("self_s", lang), t=text("total_s", lang),
    )  # fmt: skip
    lines += ["", head]
    total = result.attributed_energy_j
    for h in result.hotspots[:top]:
        own_j = h.process_energy_j if process else h.self_energy_j
        share = (own_j / total if own_j is not None and total else None) if process else h.share
        energy_txt = "—" if own_j is None else number_wh(own_j, lang)
        share_txt = "—" if share is None else percent(share, lang, decimals=1).replace(" ", "")
        lines.append(
            f"{energy_txt:>10} {share_txt:>7} {_num(h.self_cpu_s, lang):>8} "
            f"{_num(h.self_s, lang):>8} {_num(h.total_s, lang):>8}  "
            f"{h.function} ({_short(h.file)}:{h.line})"
        )
    return lines


def number_wh(value_j: float, lang: str) -> str:
    """An energy in Wh as a bare number for a table column (``0,00684``)."""
    from algoprint._format import number

    return number(value_j / 3600.0, lang)


def _num(value: float, lang: str) -> str:
    from algoprint._format import number

    return number(value, lang) if value else "0"


def _short(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("../..") else rel
