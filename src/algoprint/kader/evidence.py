"""Automatic evidence: what algoprint itself has seen for each measure of an algorithm.

Evidence sits beside the human assessment and never changes its state. Each measure has one
or more rules (:class:`EvidenceRule`); a rule reads the store through an
:class:`EvidenceContext` and returns :class:`Evidence`. A measure is *supported by data*
(*onderbouwd met data*) when at least one of its rules says so, else *not yet supported*
(*nog niet onderbouwd*); every rule lists what it saw (runs, analyses, profile values, dates)
or what is missing.

New analyses plug in without changes here: call :func:`register_rule` with an object that has
``measure`` and ``evaluate(ctx)``. The built-in rules (docs/register.md lists each one, its data
and its window):

* ``mon-06``: runs in the last :data:`RUN_WINDOW_DAYS` days in a training phase *and* in a use
  phase (:data:`TRAINING_PHASES`, :data:`USE_PHASES`), and a ``monitoring-report`` analysis in
  the last :data:`ANALYSIS_WINDOW_DAYS` days;
* ``dat-06``: the algorithm's datacentre profile has DCiE >= 50 % (PUE <= 2.0) and a renewable
  share (REF > 0 or a GvO contract) recorded; or a ``location`` analysis in the window;
* ``owp-12``, ``owp-13``, ``dat-09``, ``owk-05``, ``owk-06``: an analysis of a kind that
  :data:`~algoprint.records.ANALYSIS_KINDS` maps to the measure, in the window.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from algoprint import _format
from algoprint.errors import AlgoprintError, InputError
from algoprint.kader.catalogue import MEASURE_CODES, measure
from algoprint.records import ANALYSIS_KINDS, AnalysisRecord

if TYPE_CHECKING:
    from algoprint.impact.location import LocationProfile
    from algoprint.kader.register import Algorithm
    from algoprint.store import Store
    from algoprint.tracking.record import RunRecord

__all__ = [
    "ANALYSIS_WINDOW_DAYS",
    "DCIE_MIN",
    "RENEWABLE_CONTRACTS",
    "RUN_WINDOW_DAYS",
    "SUPPORTED_LABELS",
    "TRAINING_PHASES",
    "USE_PHASES",
    "AnalysisRule",
    "DatacentreRule",
    "Evidence",
    "EvidenceContext",
    "EvidenceItem",
    "EvidenceRule",
    "MeasureEvidence",
    "MonitoringRule",
    "evaluate_algorithm",
    "evaluate_measure",
    "phase_class",
    "register_rule",
    "rules_for",
    "unregister_rule",
]

RUN_WINDOW_DAYS = 90
"""mon-06 looks at runs started in this many days before now."""
ANALYSIS_WINDOW_DAYS = 365
"""Analyses count as evidence for this many days (a yearly cycle)."""
TRAINING_PHASES = frozenset({"training", "train", "fine-tuning", "finetuning", "retraining"})
"""Run phases (``--phase``, case-insensitive) that count as training for mon-06."""
USE_PHASES = frozenset({"inference", "use", "predict", "prediction", "scoring", "serving"})
"""Run phases that count as use (inference) for mon-06."""
DCIE_MIN = 0.5
"""dat-06: DCiE of at least 50 %, i.e. PUE of at most 2.0."""
RENEWABLE_CONTRACTS = frozenset({"groen-gvo", "biomassa-gvo"})
"""Contracts with guarantees of origin (GvO) that count as a recorded renewable share."""
SUPPORTED_LABELS: Mapping[bool, Mapping[str, str]] = {
    True: {"nl": "onderbouwd met data", "en": "supported by data"},
    False: {"nl": "nog niet onderbouwd", "en": "not yet supported"},
}


def phase_class(name: str | None) -> str | None:
    """``"training"``, ``"use"`` or ``None`` for a run phase name."""
    key = (name or "").strip().lower()
    if key in TRAINING_PHASES:
        return "training"
    if key in USE_PHASES:
        return "use"
    return None


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One thing a rule saw: a run, an analysis or a profile value."""

    kind: str
    ref: str
    at: str | None
    label: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"kind": self.kind, "ref": self.ref, "at": self.at, "label": self.label}


@dataclass(frozen=True, slots=True)
class Evidence:
    """What one rule concluded for one measure of one algorithm.

    Attributes:
        measure: the measure code.
        rule: the rule's name (e.g. ``mon-06/runs-and-report``).
        supported: whether the data supports the measure.
        summary_nl / summary_en: one or two sentences: what was seen, or what is missing.
        items: the runs, analyses or profile values it saw.
    """

    measure: str
    rule: str
    supported: bool
    summary_nl: str
    summary_en: str
    items: tuple[EvidenceItem, ...] = ()

    def summary(self, lang: str = "nl") -> str:
        """The summary in ``lang``."""
        return self.summary_en if lang == "en" else self.summary_nl

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "rule": self.rule,
            "supported": self.supported,
            "summary": self.summary(lang),
            "items": [i.to_dict() for i in self.items],
        }


@dataclass(frozen=True, slots=True)
class MeasureEvidence:
    """All rules' evidence for one measure; supported when any rule supports it."""

    measure: str
    evidence: tuple[Evidence, ...]

    @property
    def supported(self) -> bool:
        """Whether at least one rule found supporting data."""
        return any(e.supported for e in self.evidence)

    def label(self, lang: str = "nl") -> str:
        """``onderbouwd met data`` / ``supported by data`` or the *not yet* label."""
        return SUPPORTED_LABELS[self.supported]["en" if lang == "en" else "nl"]

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "supported": self.supported,
            "label": self.label(lang),
            "rules": [e.to_dict(lang) for e in self.evidence],
        }


@dataclass
class EvidenceContext:
    """What a rule may read: the store, the algorithm, now, and the settings' extra tables.

    The query helpers cache per window, so several rules on one board cost one query each.
    """

    store: Store
    algorithm: Algorithm
    now: datetime
    settings_extra: Mapping[str, Any] = field(default_factory=dict)
    _runs: dict[int, list[RunRecord]] = field(default_factory=dict, repr=False)
    _analyses: dict[int, list[AnalysisRecord]] = field(default_factory=dict, repr=False)

    def since(self, days: int) -> datetime:
        """``now`` minus ``days`` days."""
        return self.now - timedelta(days=days)

    def runs(self, days: int) -> list[RunRecord]:
        """Runs of this algorithm started in the last ``days`` days, newest first."""
        if days not in self._runs:
            self._runs[days] = self.store.list_runs(
                algorithm=self.algorithm.slug, since=self.since(days)
            )
        return self._runs[days]

    def analyses(self, days: int, *, measure: str | None = None) -> list[AnalysisRecord]:
        """Analyses for this algorithm in the last ``days`` days (of ``measure``), newest first."""
        if days not in self._analyses:
            self._analyses[days] = self.store.list_analyses(
                algorithm=self.algorithm.slug, since=self.since(days)
            )
        found = self._analyses[days]
        return [a for a in found if measure is None or ANALYSIS_KINDS[a.kind] == measure]

    def location(self) -> LocationProfile | None:
        """The algorithm's location profile (``None`` when it has none).

        Raises:
            InputError: the stored reference no longer resolves.
        """
        from algoprint.kader.register import location_profile

        return location_profile(self.algorithm, self.settings_extra)


@runtime_checkable
class EvidenceRule(Protocol):
    """A rule that says whether the store holds data supporting one measure.

    ``measure`` may be a plain attribute (``measure: str``) or a property.
    """

    @property
    def measure(self) -> str:
        """The measure code this rule gives evidence for."""
        ...

    def evaluate(self, ctx: EvidenceContext) -> Evidence:
        """Look at the store through ``ctx`` and conclude."""
        ...


def _analysis_items(found: list[AnalysisRecord]) -> tuple[EvidenceItem, ...]:
    return tuple(EvidenceItem("analysis", a.analysis_id, a.created_at, a.title) for a in found)


@dataclass(frozen=True)
class AnalysisRule:
    """Supported when an analysis of a kind mapped to ``measure`` is recent enough.

    Attributes:
        measure: the measure code.
        window_days: how old the newest analysis may be.
        kinds: the analysis kinds that count; default every kind mapped to ``measure``.
    """

    measure: str
    window_days: int = ANALYSIS_WINDOW_DAYS
    kinds: frozenset[str] | None = None

    @property
    def name(self) -> str:
        """The rule's name."""
        return f"{self.measure}/analysis"

    def _kinds(self) -> frozenset[str]:
        if self.kinds is not None:
            return self.kinds
        return frozenset(k for k, m in ANALYSIS_KINDS.items() if m == self.measure)

    def evaluate(self, ctx: EvidenceContext) -> Evidence:
        """See the class docstring."""
        kinds = self._kinds()
        found = [a for a in ctx.analyses(self.window_days) if a.kind in kinds]
        names = ", ".join(sorted(kinds))
        if found:
            newest = found[0]
            return Evidence(
                self.measure,
                self.name,
                True,
                f"{len(found)} analyse(s) ({names}) in de laatste {self.window_days} dagen; "
                f"de nieuwste op {newest.created_at[:10]}.",
                f"{len(found)} analysis(es) ({names}) in the last {self.window_days} days; "
                f"newest on {newest.created_at[:10]}.",
                _analysis_items(found),
            )
        return Evidence(
            self.measure,
            self.name,
            False,
            f"Geen analyse ({names}) in de laatste {self.window_days} dagen.",
            f"No analysis ({names}) in the last {self.window_days} days.",
        )


def _run_phases(run: RunRecord) -> set[str]:
    classes = {phase_class(run.phase)} | {phase_class(p.name) for p in run.phases}
    return {c for c in classes if c is not None}


@dataclass(frozen=True)
class MonitoringRule:
    """mon-06: training and use measured in the last 90 days, and a monitoring report."""

    measure: str = "mon-06"
    run_window_days: int = RUN_WINDOW_DAYS
    report_window_days: int = ANALYSIS_WINDOW_DAYS
    name: str = "mon-06/runs-and-report"

    def evaluate(self, ctx: EvidenceContext) -> Evidence:
        """See the class docstring; the run's ``phase`` and its phase windows both count."""
        from algoprint.tracking.record import RunStatus

        by_class: dict[str, list[RunRecord]] = {"training": [], "use": []}
        for run in ctx.runs(self.run_window_days):
            if run.status == RunStatus.RUNNING:
                continue
            for c in _run_phases(run):
                by_class[c].append(run)
        reports = [
            a for a in ctx.analyses(self.report_window_days) if a.kind == "monitoring-report"
        ]
        items = [
            EvidenceItem("run", r.run_id, r.started_at, f"{c} run")
            for c, found in by_class.items()
            for r in found[:5]
        ]
        items += _analysis_items(reports)
        missing_en, missing_nl = [], []
        if not by_class["training"]:
            missing_en.append(f"no training run in the last {self.run_window_days} days")
            missing_nl.append(f"geen trainingsrun in de laatste {self.run_window_days} dagen")
        if not by_class["use"]:
            missing_en.append(f"no use (inference) run in the last {self.run_window_days} days")
            missing_nl.append(f"geen gebruiksrun in de laatste {self.run_window_days} dagen")
        if not reports:
            missing_en.append(f"no monitoring report in the last {self.report_window_days} days")
            missing_nl.append(
                f"geen monitoringsrapport in de laatste {self.report_window_days} dagen"
            )
        seen_en = (
            f"{len(by_class['training'])} training and {len(by_class['use'])} use run(s) in "
            f"the last {self.run_window_days} days, {len(reports)} monitoring report(s)"
        )
        seen_nl = (
            f"{len(by_class['training'])} trainings- en {len(by_class['use'])} gebruiksrun(s) "
            f"in de laatste {self.run_window_days} dagen, {len(reports)} monitoringsrapport(en)"
        )
        if missing_en:
            return Evidence(
                self.measure,
                self.name,
                False,
                f"{seen_nl}; ontbreekt: {'; '.join(missing_nl)}.",
                f"{seen_en}; missing: {'; '.join(missing_en)}.",
                tuple(items),
            )
        return Evidence(self.measure, self.name, True, seen_nl + ".", seen_en + ".", tuple(items))


@dataclass(frozen=True)
class DatacentreRule:
    """dat-06: a datacentre profile with DCiE >= 50 % and a renewable share, or a location
    analysis in the window."""

    measure: str = "dat-06"
    window_days: int = ANALYSIS_WINDOW_DAYS
    name: str = "dat-06/datacentre-profile"

    def _profile(self, ctx: EvidenceContext) -> tuple[bool, list[str], list[str], list[str]]:
        """(ok, seen, missing_en, missing_nl) for the profile part."""
        try:
            profile = ctx.location()
        except InputError as e:
            return False, [], [e.message], [f"de locatie is ongeldig: {e.message}"]
        if profile is None:
            return False, [], ["no location recorded"], ["geen locatie vastgelegd"]
        seen: list[str] = []
        missing_en: list[str] = []
        missing_nl: list[str] = []
        if profile.pue is None:
            missing_en.append("PUE/DCiE of the datacentre not recorded")
            missing_nl.append("PUE/DCiE van het datacenter niet vastgelegd")
        elif 1 / profile.pue < DCIE_MIN:
            pue_en, pue_nl = _format.number(profile.pue, "en"), _format.number(profile.pue, "nl")
            missing_en.append(f"DCiE {100 / profile.pue:.0f} % is below 50 % (PUE {pue_en})")
            missing_nl.append(f"DCiE {100 / profile.pue:.0f} % is lager dan 50 % (PUE {pue_nl})")
        else:
            seen.append(f"PUE {_format.number(profile.pue, 'en')} (DCiE {100 / profile.pue:.0f} %)")
        if profile.ref is not None and profile.ref > 0:
            seen.append(f"REF {_format.number(profile.ref, 'en')}")
        elif profile.contract in RENEWABLE_CONTRACTS:
            seen.append(f"contract {profile.contract}")
        else:
            missing_en.append("no renewable share recorded (REF or a GvO contract)")
            missing_nl.append("geen aandeel hernieuwbare energie vastgelegd (REF of GvO-contract)")
        return not missing_en, seen, missing_en, missing_nl

    def evaluate(self, ctx: EvidenceContext) -> Evidence:
        """See the class docstring."""
        ok, seen, missing_en, missing_nl = self._profile(ctx)
        where = ctx.algorithm.datacentre or ctx.algorithm.region or ctx.algorithm.zone or "-"
        items = [EvidenceItem("profile", where, None, s) for s in seen]
        found = [a for a in ctx.analyses(self.window_days) if a.kind == "location"]
        items += _analysis_items(found)
        if ok:
            text = ", ".join(seen)
            return Evidence(
                self.measure,
                self.name,
                True,
                f"Datacenterprofiel {where}: {text}.",
                f"Datacentre profile {where}: {text}.",
                tuple(items),
            )
        if found:
            day = found[0].created_at[:10]
            return Evidence(
                self.measure,
                self.name,
                True,
                f"Locatieanalyse van {day}; profiel onvolledig: {'; '.join(missing_nl)}.",
                f"Location analysis of {day}; profile incomplete: {'; '.join(missing_en)}.",
                tuple(items),
            )
        return Evidence(
            self.measure,
            self.name,
            False,
            f"{'; '.join(missing_nl)}; geen locatieanalyse in de laatste {self.window_days} dagen.",
            f"{'; '.join(missing_en)}; no location analysis in the last {self.window_days} days.",
            tuple(items),
        )


_RULES: dict[str, list[EvidenceRule]] = {code: [] for code in MEASURE_CODES}


def register_rule(rule: EvidenceRule) -> None:
    """Add ``rule`` for ``rule.measure`` (idempotent for the same object).

    Raises:
        InputError: the object is not a rule, or its measure is unknown.
    """
    if not isinstance(rule, EvidenceRule):
        raise InputError(
            f"{rule!r} is not an evidence rule", hint="give it `measure` and `evaluate(ctx)`"
        )
    code = measure(rule.measure).code
    if not any(r is rule for r in _RULES[code]):
        _RULES[code].append(rule)


def unregister_rule(rule: EvidenceRule) -> None:
    """Remove a rule added with :func:`register_rule` (no error when absent)."""
    for rules in _RULES.values():
        rules[:] = [r for r in rules if r is not rule]


def rules_for(measure_code: str) -> list[EvidenceRule]:
    """The rules of one measure, in registration order (built-in first)."""
    return list(_RULES[measure(measure_code).code])


def _rule_name(rule: EvidenceRule) -> str:
    return str(getattr(rule, "name", type(rule).__name__))


def evaluate_measure(ctx: EvidenceContext, measure_code: str) -> MeasureEvidence:
    """Run every rule of one measure; a rule that fails with an algoprint error counts as
    not supported, with the error as its summary (the board never breaks on one rule)."""
    code = measure(measure_code).code
    results: list[Evidence] = []
    for rule in _RULES[code]:
        try:
            results.append(rule.evaluate(ctx))
        except AlgoprintError as e:
            results.append(
                Evidence(
                    code,
                    _rule_name(rule),
                    False,
                    f"Regel kon niet worden uitgevoerd: {e}",
                    f"Rule could not be evaluated: {e}",
                )
            )
    return MeasureEvidence(code, tuple(results))


def evaluate_algorithm(
    store: Store,
    algorithm: Algorithm,
    *,
    now: datetime | None = None,
    settings_extra: Mapping[str, Any] | None = None,
) -> dict[str, MeasureEvidence]:
    """Evidence for all seven measures of ``algorithm``, by measure code."""
    from algoprint.store._convert import check_aware

    when = datetime.now(UTC) if now is None else check_aware(now, "now")
    ctx = EvidenceContext(store, algorithm, when, dict(settings_extra or {}))
    return {code: evaluate_measure(ctx, code) for code in MEASURE_CODES}


register_rule(MonitoringRule())
register_rule(DatacentreRule())
for _code in ("owp-12", "owp-13", "dat-09", "owk-05", "owk-06"):
    register_rule(AnalysisRule(_code))
