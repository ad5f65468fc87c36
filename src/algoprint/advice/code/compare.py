"""A/B energy comparison of two commands or two Python callables (``algoprint compare``).

A and B run ``repeats`` times each, in pairs: pair *i* runs A and B back to back, in the order
AB, BA, AB, ... (``order="alternate"``, which also balances a warming machine) or in an order
drawn per pair from ``random.Random(seed)`` (``order="random"``). The energy ratio B/A and the
duration ratio come with a paired t-interval on the log ratios (:func:`.stats.paired_log_ratio`):
B uses less than A with the stated confidence only when the whole interval lies below 1.

Each trial's duration is the work's own wall time and its energy the tracked run's mean power
times that duration, so the tracker's own start/stop time (tens of ms on a small machine) does
not pull short trials' ratios towards 1.
"""

from __future__ import annotations

import random
import resource
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from algoprint.advice._decide import Basis, choose_basis, ratio_verdict
from algoprint.advice.code._persist import SupportsSaveAnalysis
from algoprint.advice.code.stats import RatioEstimate, paired_log_ratio
from algoprint.errors import InputError
from algoprint.records import AnalysisRecord

__all__ = [
    "CompareResult",
    "Trial",
    "compare_callables",
    "compare_commands",
    "render_compare",
    "split_commands",
]

ORDERS = ("alternate", "random")
_NOTE_METER_GAP = "energy was not measured in every run (a meter gap): only time is compared"
_NOTE_NO_ENERGY = "a run registered no energy (too short for the meter): only time is compared"


@dataclass(slots=True)
class Trial:
    """One measured run of A or B (joules, seconds).

    ``duration_s`` is the work's own wall time (the child's lifetime, or the call);
    ``energy_j`` is the tracked run's mean power × ``duration_s``, which leaves out the
    tracker's own start and stop time (``run_energy_j`` and ``run_duration_s`` keep the raw
    figures of the tracked run).
    """

    side: str
    pair: int
    energy_j: float | None
    duration_s: float
    cpu_s: float | None
    run_id: str
    run_energy_j: float | None = None
    run_duration_s: float = 0.0
    methods: tuple[str, ...] = ()


@dataclass(slots=True)
class CompareResult:
    """The outcome of an A/B comparison.

    Attributes:
        energy: energy ratio B/A with its interval; ``None`` when energy was not measured in
            every run (``energy_note`` says why).
        duration / cpu: wall-time and CPU-time ratios B/A (``cpu`` ``None`` when unknown).
        trials: every run in the order it ran.
    """

    label_a: str
    label_b: str
    repeats: int
    order: str
    seed: int
    confidence: float
    trials: list[Trial]
    energy: RatioEstimate | None
    duration: RatioEstimate
    cpu: RatioEstimate | None = None
    energy_note: str | None = None
    notes: list[str] = field(default_factory=list)
    basis: Basis | None = None
    """The deciding metric (:func:`algoprint.advice._decide.choose_basis`)."""

    def side(self, name: str) -> list[Trial]:
        return sorted((t for t in self.trials if t.side == name), key=lambda t: t.pair)

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.label_a,
            "b": self.label_b,
            "repeats": self.repeats,
            "order": self.order,
            "seed": self.seed,
            "confidence": self.confidence,
            "method": "paired-log-t",
            "energy_ratio": None if self.energy is None else self.energy.to_dict(),
            "duration_ratio": self.duration.to_dict(),
            "cpu_ratio": None if self.cpu is None else self.cpu.to_dict(),
            "energy_note": self.energy_note,
            "notes": list(self.notes),
            "decided_on": self.deciding_metric(),
            "basis": None if self.basis is None else self.basis.to_dict(),
            "verdict": self.verdict(),
            "trials": [
                {
                    "side": t.side,
                    "pair": t.pair,
                    "energy_j": t.energy_j,
                    "duration_s": t.duration_s,
                    "cpu_s": t.cpu_s,
                    "run_id": t.run_id,
                    "run_energy_j": t.run_energy_j,
                    "run_duration_s": t.run_duration_s,
                }
                for t in self.trials
            ],
        }

    def deciding(self) -> tuple[str, RatioEstimate]:
        """The metric that decides and its ratio (the shared rule of :mod:`.._decide`).

        Process CPU time when the energy is modelled (or unknown), energy when it comes from
        counters; wall time only when neither is available.
        """
        basis = self.basis
        if basis is not None and basis.metric == "energy" and self.energy is not None:
            return "energy", self.energy
        if self.cpu is not None:
            return "cpu", self.cpu
        if self.energy is not None and basis is None:
            return "energy", self.energy
        return "duration", self.duration

    def deciding_metric(self) -> str:
        return self.deciding()[0]

    def verdict(self) -> str:
        """``B uses less``, ``B uses more`` or ``no clear difference`` on the deciding metric."""
        est = self.deciding()[1]
        return {"less": "B uses less", "more": "B uses more"}.get(
            ratio_verdict(est.low, est.high), "no clear difference"
        )

    def to_analysis(self, algorithm: str | None) -> AnalysisRecord:
        """The ``code-compare`` analysis record (evidence for owk-05)."""
        from algoprint._format import number

        what, est = self.deciding()
        pct = f"{100 * self.confidence:.0f} %"
        en = (
            f"B/A {what} ratio {est.ratio:.3f} ({pct} interval {est.low:.3f}-{est.high:.3f}): "
            f"{self.verdict()}."
        )
        nl_verdict = {
            "B uses less": "B verbruikt minder",
            "B uses more": "B verbruikt meer",
            "no clear difference": "geen duidelijk verschil",
        }[self.verdict()]
        nl_what = {"energy": "energie", "cpu": "CPU-tijd"}.get(what, "tijd")
        nl = (
            f"Verhouding B/A ({nl_what}) {number(est.ratio, 'nl')} ({pct}-interval "
            f"{number(est.low, 'nl')}-{number(est.high, 'nl')}): {nl_verdict}."
        )
        return AnalysisRecord(
            kind="code-compare",
            algorithm=algorithm,
            title=f"A/B energy comparison: {self.label_a} vs {self.label_b}",
            result=self.to_dict(),
            summary_en=en,
            summary_nl=nl,
            run_ids=[t.run_id for t in self.trials],
        )


def split_commands(args: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split ``A... -- B...`` (what follows ``algoprint compare --``) into two commands.

    Raises:
        InputError: no ``--`` separator or an empty side.
    """
    args = list(args)
    if "--" not in args:
        raise InputError(
            "compare needs two commands separated by --",
            hint="algoprint compare -- python a.py -- python b.py",
        )
    cut = args.index("--")
    cmd_a, cmd_b = args[:cut], args[cut + 1 :]
    if not cmd_a or not cmd_b:
        missing = "first" if not cmd_a else "second"
        raise InputError(
            f"the {missing} command is missing",
            hint="algoprint compare -- python a.py -- python b.py",
        )
    return cmd_a, cmd_b


def _plan(repeats: int, order: str, seed: int) -> list[tuple[int, str]]:
    if repeats < 2:
        raise InputError(
            f"repeats must be at least 2 for a confidence interval, got {repeats}",
            hint="use --repeats 5 (or more for a tighter interval)",
        )
    if order not in ORDERS:
        raise InputError(f"unknown order {order!r}", hint=f"use one of {', '.join(ORDERS)}")
    rng = random.Random(seed)
    plan: list[tuple[int, str]] = []
    for pair in range(repeats):
        first = rng.choice("AB") if order == "random" else "AB"[pair % 2]
        plan += [(pair, first), (pair, "B" if first == "A" else "A")]
    return plan


def _run_pairs(
    plan: list[tuple[int, str]],
    measure: Callable[[str], tuple[Any, float, float | None]],
) -> list[Trial]:
    trials = []
    for pair, side in plan:
        record, wall_s, cpu_s = measure(side)
        energy = record.energy_j
        if energy is not None and record.duration_s > 0:
            energy = energy * min(1.0, wall_s / record.duration_s)
        trials.append(
            Trial(
                side,
                pair,
                energy,
                wall_s,
                cpu_s,
                record.run_id,
                run_energy_j=record.energy_j,
                run_duration_s=record.duration_s,
                methods=tuple(
                    sorted({str(c.method) for c in record.components if c.energy_j is not None})
                ),
            )
        )
    return trials


def _result(
    trials: list[Trial],
    *,
    labels: tuple[str, str],
    repeats: int,
    order: str,
    seed: int,
    confidence: float,
    notes: list[str],
) -> CompareResult:
    a = sorted((t for t in trials if t.side == "A"), key=lambda t: t.pair)
    b = sorted((t for t in trials if t.side == "B"), key=lambda t: t.pair)
    energy: RatioEstimate | None = None
    note: str | None = None
    ea, eb = [t.energy_j for t in a], [t.energy_j for t in b]
    if any(e is None for e in ea + eb):
        note = _NOTE_METER_GAP
    elif any(e is not None and e <= 0 for e in ea + eb):
        note = _NOTE_NO_ENERGY
    else:
        energy = paired_log_ratio(
            [e or 0.0 for e in ea], [e or 0.0 for e in eb], confidence=confidence
        )
    duration = paired_log_ratio(
        [t.duration_s for t in a], [t.duration_s for t in b], confidence=confidence
    )
    ca, cb = [t.cpu_s for t in a], [t.cpu_s for t in b]
    cpu = None
    if all(c is not None and c > 0 for c in ca + cb):
        cpu = paired_log_ratio(
            [c or 0.0 for c in ca], [c or 0.0 for c in cb], confidence=confidence
        )
    basis = choose_basis(m for t in trials for m in t.methods)
    return CompareResult(
        label_a=labels[0], label_b=labels[1], repeats=repeats, order=order, seed=seed,
        confidence=confidence, trials=trials, energy=energy, duration=duration, cpu=cpu,
        energy_note=note, notes=notes, basis=basis,
    )  # fmt: skip


def _tracker(settings: Any, meters: Sequence[Any] | None, **kw: Any) -> Any:
    from algoprint.tracking.tracker import Tracker

    return Tracker(settings=settings, meters=meters, store=False, phase="compare", **kw)


def compare_commands(
    cmd_a: Sequence[str],
    cmd_b: Sequence[str],
    *,
    repeats: int = 5,
    settings: Any = None,
    meter_factory: Callable[[], Sequence[Any]] | None = None,
    order: str = "alternate",
    seed: int = 0,
    confidence: float = 0.95,
    quiet: bool = True,
    algorithm: str | None = None,
    store: SupportsSaveAnalysis | None = None,
) -> CompareResult:
    """Run two commands ``repeats`` times each, interleaved, and compare their energy.

    Args:
        cmd_a / cmd_b: the two command lines.
        repeats: runs per command (>= 2; 5 or more recommended).
        settings: :class:`~algoprint.config.Settings` (default: loaded from config/env).
        meter_factory: makes fresh meters for each run (tests, custom sources); default
            auto-detection. A factory, because a tracker starts and closes its meters.
        order: ``alternate`` (AB BA AB ...) or ``random`` (per pair, from ``seed``).
        seed: seed of the random order.
        confidence: coverage of the intervals.
        quiet: discard the commands' stdout (stderr is kept for errors).
        algorithm: store a ``code-compare`` analysis for this algorithm slug.
        store: where to store it (default: the configured store).

    Raises:
        InputError: an empty command, repeats < 2, a command that cannot start or exits
            non-zero (a failing run's energy says nothing about the code).
    """
    from algoprint.config import load_settings

    for label, cmd in (("first", cmd_a), ("second", cmd_b)):
        if not cmd:
            raise InputError(
                f"the {label} command is missing",
                hint="algoprint compare -- python a.py -- python b.py",
            )
    plan = _plan(repeats, order, seed)
    settings = settings if settings is not None else load_settings()
    commands = {"A": list(cmd_a), "B": list(cmd_b)}

    def measure(side: str) -> tuple[Any, float, float | None]:
        cmd = commands[side]
        tracker = _tracker(
            settings, meter_factory() if meter_factory else None, pids=(), command=cmd
        )
        tracker.start()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall0_s = time.perf_counter()
        try:
            child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL if quiet else None)
        except OSError as e:
            tracker.stop(exit_code=127, error=e)
            raise InputError(
                f"cannot start command {side} ({cmd[0]}): {e.strerror or e}",
                hint="check the command name and that it is executable",
            ) from e
        tracker.set_process_roots([child.pid])
        code = child.wait()
        wall_s = time.perf_counter() - wall0_s
        record = tracker.stop(exit_code=code)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if code != 0:
            raise InputError(
                f"command {side} ({' '.join(cmd)}) exited with {code}",
                hint="compare only commands that succeed; run it alone to see its error",
            )
        cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return record, wall_s, cpu_s

    trials = _run_pairs(plan, measure)
    result = _result(
        trials, labels=(" ".join(cmd_a), " ".join(cmd_b)), repeats=repeats, order=order,
        seed=seed, confidence=confidence, notes=[],
    )  # fmt: skip
    _store(result, algorithm, store, settings)
    return result


def compare_callables(
    fa: Callable[[], Any],
    fb: Callable[[], Any],
    *,
    repeats: int = 5,
    settings: Any = None,
    meter_factory: Callable[[], Sequence[Any]] | None = None,
    order: str = "alternate",
    seed: int = 0,
    confidence: float = 0.95,
    algorithm: str | None = None,
    store: SupportsSaveAnalysis | None = None,
    labels: tuple[str, str] | None = None,
) -> CompareResult:
    """Call two functions (no arguments) ``repeats`` times each, interleaved, and compare.

    Each call is its own tracked run in this process; CPU time is ``time.process_time()``.
    Exceptions from ``fa``/``fb`` propagate. Arguments as for :func:`compare_commands`.
    """
    from algoprint.config import load_settings

    plan = _plan(repeats, order, seed)
    settings = settings if settings is not None else load_settings()
    funcs = {"A": fa, "B": fb}

    def measure(side: str) -> tuple[Any, float, float | None]:
        tracker = _tracker(settings, meter_factory() if meter_factory else None)
        tracker.start()
        cpu0_s, wall0_s = time.process_time(), time.perf_counter()
        try:
            funcs[side]()
        except BaseException as e:
            tracker.stop(error=e)
            raise
        wall_s = time.perf_counter() - wall0_s
        cpu_s = time.process_time() - cpu0_s
        return tracker.stop(), wall_s, cpu_s

    trials = _run_pairs(plan, measure)
    names = labels or (
        getattr(fa, "__qualname__", "A"),
        getattr(fb, "__qualname__", "B"),
    )
    result = _result(
        trials, labels=names, repeats=repeats, order=order, seed=seed,
        confidence=confidence, notes=[],
    )  # fmt: skip
    _store(result, algorithm, store, settings)
    return result


def _store(
    result: CompareResult, algorithm: str | None, store: SupportsSaveAnalysis | None, settings: Any
) -> None:
    if algorithm is None:
        return
    from algoprint.advice.code._persist import persist_analysis

    persist_analysis(result.to_analysis(algorithm), store=store, db=settings.db)


def _fmt(est: RatioEstimate | None, lang: str = "en") -> str:
    from algoprint._format import number
    from algoprint.advice.code._texts import text

    if est is None:
        return text("not_available", lang)
    return f"{number(est.ratio, lang)}  [{number(est.low, lang)}, {number(est.high, lang)}]"


_VERDICT_KEY = {"B uses less": "less", "B uses more": "more", "no clear difference": "same"}


def render_compare(result: CompareResult, *, lang: str = "en") -> list[str]:
    """Human-readable lines in ``lang`` (``nl`` or ``en``): per-side means, the ratios with
    intervals, the verdict and the deciding metric; numbers through :mod:`algoprint._format`,
    energies in Wh."""
    from algoprint._format import number, percent
    from algoprint.advice._dutch import basis_text
    from algoprint.advice.code._texts import check_lang, joules, text, wrapped
    from algoprint.advice.code.stats import mean_std

    lang = check_lang(lang)
    lines = [f"A: {result.label_a}", f"B: {result.label_b}"]
    for name in ("A", "B"):
        runs = result.side(name)
        dur, dur_sd = mean_std([t.duration_s for t in runs])
        energies = [t.energy_j for t in runs]
        if all(e is not None for e in energies):
            e_mean, e_sd = mean_std([e or 0.0 for e in energies])
            energy = f"{joules(e_mean, lang)} ± {joules(e_sd, lang)}"
        else:
            energy = text("energy_unknown", lang)
        lines.append(
            text(
                "side", lang, name=name, energy=energy, dur=number(dur, lang),
                dur_sd=number(dur_sd, lang), n=len(runs),
            )
        )  # fmt: skip
    pct = percent(result.confidence, lang)
    order = text(result.order, lang) if result.order in ORDERS else result.order
    verdict = text(_VERDICT_KEY[result.verdict()], lang)
    what = text(f"w_{result.deciding_metric()}", lang)
    lines += [
        text("ratio", lang, pct=pct, order=order),
        text("r_energy", lang, v=_fmt(result.energy, lang)),
        text("r_duration", lang, v=_fmt(result.duration, lang)),
        text("r_cpu", lang, v=_fmt(result.cpu, lang)),
        text("verdict", lang, verdict=verdict, what=what),
    ]
    if result.basis is not None:
        lines += wrapped(text("deciding", lang), basis_text(result.basis.to_dict(), lang))
    if result.energy_note:
        lines += wrapped(text("note", lang), _energy_note(result.energy_note, lang))
    for n in result.notes:
        lines += wrapped(text("note", lang), n)
    return lines


def _energy_note(note: str, lang: str) -> str:
    from algoprint.advice.code._texts import text

    if note == _NOTE_METER_GAP:
        return text("note_meter_gap", lang)
    if note == _NOTE_NO_ENERGY:
        return text("note_no_energy", lang)
    return note
