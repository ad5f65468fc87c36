"""Impacts of many runs, computed once each with cached factor lookups, and their sums.

The location of a run is, in order: the report's explicit overrides (``--location``,
``--cloud/--region``, ``--datacentre``); the algorithm's own register entry; the configured
``[location]``/environment; else zone NL, said plainly in the report (the same default as
:func:`algoprint.kader.goals.organisation_summary`). Factors are resolved once per location and
year, then :func:`~algoprint.impact.compute.compute_from_factors` applies the formulas per run:
the same result as :func:`~algoprint.impact.compute.impacts_for_run`, without a table lookup
per run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from algoprint.errors import AlgoprintError
from algoprint.impact.compute import (
    EnergyInput,
    ResolvedFactors,
    compute_from_factors,
    impacts_for_run,
    resolve_factors,
)
from algoprint.impact.hardware import record_hardware
from algoprint.impact.model import IMPACT_KEYS, ImpactDocument
from algoprint.report.i18n import N_
from algoprint.report.labels import DOMAIN_LABELS, PHASE_LABELS, SUMMARY_KEYS, UNIT_KIND
from algoprint.report.model import Bucket, ComponentShare, Figure, Footprint, Gaps, Methods, RunRow

if TYPE_CHECKING:
    from algoprint.impact.embodied import HardwareShare
    from algoprint.impact.location import LocationProfile
    from algoprint.kader.register import Algorithm
    from algoprint.tracking.record import RunRecord

__all__ = ["Computed", "ImpactEngine", "aggregate", "phase_class", "run_row"]

NO_LOCATION = N_(
    "No location is known for some runs: zone NL (Dutch grid average) was used. Register the "
    "algorithm's location or pass --location, --cloud/--region or --datacentre."
)
NO_ENERGY = N_("The run has no total energy (a meter gap), so none of its figures is counted.")
BUCKET_KEYS = ("energy_it_j", "energy_facility_j", "co2e_location_g", "co2e_market_g", "water_l")
"""Keys summed per bucket (month, quarter, phase, algorithm)."""

_TRAINING = frozenset({"training", "train", "fine-tuning", "finetuning", "retraining"})
_USE = frozenset({"inference", "use", "predict", "prediction", "scoring", "serving"})


def phase_class(name: str | None) -> str:
    """``training``, ``use`` or ``other`` for a run's phase (the mon-06 split).

    Uses the same phase names as the mon-06 evidence rule
    (:data:`algoprint.kader.evidence.TRAINING_PHASES` / ``USE_PHASES``).
    """
    try:
        from algoprint.kader.evidence import phase_class as kader_class

        return kader_class(name) or "other"
    except ImportError:  # pragma: no cover - kader ships with algoprint
        key = (name or "").strip().lower()
        return "training" if key in _TRAINING else "use" if key in _USE else "other"


def location_label(profile: LocationProfile) -> str:
    """A short name for a profile: datacentre, cloud region or zone."""
    if profile.datacentre:
        return profile.datacentre
    if profile.cloud and profile.region:
        return f"{profile.cloud}:{profile.region}"
    return profile.zone or "?"


@dataclass(slots=True)
class Computed:
    """One run with its impact document (``None`` when it could not be computed)."""

    run: RunRecord
    doc: ImpactDocument | None
    location: str
    error: str | None = None


@dataclass
class ImpactEngine:
    """Computes run impacts with one profile per algorithm and cached factors.

    Args:
        algorithms: registered algorithms by slug (their location references).
        settings_extra: ``Settings.extra`` (``[location]``, ``[datacentres.*]``, ``env``).
        overrides: explicit location arguments (``location``, ``cloud``, ``region``,
            ``datacentre``); when any is given it applies to every run.
        hardware: embodied-impact share applied to every run (``None``: each run's share of
            the ``[hardware]`` machine in ``settings_extra``, else of the default server
            archetype, recorded in the run's ``defaults``).
    """

    algorithms: Mapping[str, Algorithm]
    settings_extra: Mapping[str, Any]
    overrides: Mapping[str, str | None] = field(default_factory=dict)
    hardware: HardwareShare | None = None
    remarks: list[str] = field(default_factory=list)
    _profiles: dict[str | None, tuple[LocationProfile, str, str]] = field(default_factory=dict)
    _factors: dict[tuple[str, int], ResolvedFactors | str] = field(default_factory=dict)
    _default: tuple[LocationProfile, str] | None = None

    def __post_init__(self) -> None:
        if self.hardware is None:
            from algoprint.impact.hardware import declared_machine

            declared_machine(self.settings_extra)  # an invalid [hardware] table fails now, loudly

    def _fallback(self) -> tuple[LocationProfile, str]:
        if self._default is None:
            from algoprint.impact.location import default_location, resolve_location

            configured = resolve_location(self.settings_extra)
            if configured.configured and configured.zone is not None:
                self._default = (configured, "configuration")
            else:
                self._default = (default_location("NL"), "default")
                self.remarks.append(NO_LOCATION)
        return self._default

    def profile(self, slug: str | None) -> tuple[LocationProfile, str, str]:
        """``(profile, label, origin)`` for runs of ``slug``.

        Raises:
            ImpactError / InputError: an explicit override that does not resolve.
        """
        if slug in self._profiles:
            return self._profiles[slug]
        from algoprint.impact.location import resolve_location

        found: tuple[LocationProfile, str] | None = None
        if any(v for v in self.overrides.values()):
            found = (resolve_location(self.settings_extra, **dict(self.overrides)), "argument")
        else:
            alg = self.algorithms.get(slug) if slug else None
            if alg is not None:
                from algoprint.kader.register import location_profile

                try:
                    profile = location_profile(alg, self.settings_extra)
                except AlgoprintError as e:
                    self.remarks.append(f"{e.message}; the default location was used")
                    profile = None
                if profile is not None:
                    found = (profile, "register")
        if found is None:
            found = self._fallback()
        profile, origin = found
        entry = (profile, location_label(profile), origin)
        self._profiles[slug] = entry
        return entry

    def _resolved(self, profile: LocationProfile, label: str, year: int) -> ResolvedFactors | str:
        key = (f"{label}|{id(profile)}", profile.year or year)
        if key not in self._factors:
            try:
                self._factors[key] = resolve_factors(profile, year=year)
            except AlgoprintError as e:
                self._factors[key] = e.message
        return self._factors[key]

    def compute(self, run: RunRecord) -> Computed:
        """The impacts of one run; an impact error becomes a recorded gap, never a crash."""
        from algoprint.refdata import FACTOR_VERSION

        profile, label, _ = self.profile(run.algorithm)
        try:
            hardware, notes = self._hardware(run)
            if run.energy_j is None or run.uncertainty_rel is None:
                doc = impacts_for_run(run, profile, hardware, settings_extra=self.settings_extra)
                if hardware is not None:
                    record_hardware(doc, hardware, notes)
                return Computed(run, doc, label)
            year = int(run.started_at[:4])
            factors = self._resolved(profile, label, year)
            if isinstance(factors, str):
                return Computed(run, None, label, factors)
            energy = EnergyInput.single(run.energy_j, run.uncertainty_rel, name=f"run:{run.scope}")
            doc = compute_from_factors(
                energy,
                factors,
                duration_s=run.duration_s,
                hardware=hardware,
                units=run.units,
                factor_version=FACTOR_VERSION,
            )
            record_hardware(doc, hardware, notes)
        except (AlgoprintError, ValueError) as e:
            return Computed(run, None, label, getattr(e, "message", str(e)))
        return Computed(run, doc, label)

    def _hardware(self, run: RunRecord) -> tuple[HardwareShare | None, list[str]]:
        """The given share, else the run's share of the configured or default machine; a run
        that does not fit the declared machine loses only its embodied figures, with why."""
        if self.hardware is not None:
            return self.hardware, []
        from algoprint.impact.hardware import hardware_for_run

        try:
            return hardware_for_run(run, self.settings_extra)
        except AlgoprintError as e:
            return None, [e.message + (f" ({e.hint})" if e.hint else "")]


def _figures(keys: Iterable[str]) -> dict[str, Figure]:
    return {k: Figure(k, UNIT_KIND[k]) for k in keys}


def _accumulate(figures: Mapping[str, Figure], item: Computed) -> None:
    for key, fig in figures.items():
        impact = item.doc.get(key) if item.doc is not None else None
        if impact is not None:
            fig.add(impact.value, impact.low, impact.high)
        elif item.doc is not None:
            fig.miss(item.doc.missing.get(key, "not computed"))
        else:
            fig.miss(item.error or "no impact figures")


def _bucket_list(
    groups: Mapping[str, list[Computed]], label: Callable[[str], str], order: Iterable[str]
) -> list[Bucket]:
    out = []
    for key in order:
        items = groups.get(key, [])
        figures = _figures(BUCKET_KEYS)
        for item in items:
            _accumulate(figures, item)
        out.append(Bucket(key, label(key), len(items), figures))
    return out


def quarter_of(started_at: str) -> str:
    """``2026-Q3`` for an ISO timestamp."""
    return f"{started_at[:4]}-Q{(int(started_at[5:7]) - 1) // 3 + 1}"


def buckets_by(
    items: list[Computed], key: Callable[[Computed], str], label: Callable[[str], str]
) -> list[Bucket]:
    """Buckets of ``items`` grouped by ``key``, sorted by key."""
    groups: dict[str, list[Computed]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return _bucket_list(groups, label, sorted(groups))


def _components(items: list[Computed], gettext: Callable[[str], str]) -> list[ComponentShare]:
    sums: dict[str, list[Any]] = {}
    for item in items:
        run = item.run
        for c in run.components:
            energy = c.process_energy_j if run.scope == "process" else c.energy_j
            entry = sums.setdefault(c.domain, [None, 0, 0, set()])
            if energy is None:
                entry[2] += 1
            else:
                entry[0] = (entry[0] or 0.0) + energy
                entry[1] += 1
            entry[3].add(c.method)
    order = ["cpu", "gpu", "memory"]
    domains = sorted(sums, key=lambda d: (order.index(d) if d in order else 9, d))
    return [
        ComponentShare(
            domain=d,
            label=gettext(DOMAIN_LABELS[d]) if d in DOMAIN_LABELS else d,
            energy_j=sums[d][0],
            runs_counted=sums[d][1],
            runs_gap=sums[d][2],
            methods=sorted(sums[d][3]),
            additive=d != "platform",
        )
        for d in domains
    ]


def run_row(item: Computed) -> RunRow:
    run = item.run
    impacts: dict[str, tuple[float, float, float]] = {}
    missing: dict[str, str] = {}
    for key in (*SUMMARY_KEYS, "sci_g_per_unit"):
        impact = item.doc.get(key) if item.doc is not None else None
        if impact is not None:
            impacts[key] = (impact.value, impact.low, impact.high)
        else:
            missing[key] = (
                item.doc.missing.get(key, "not computed")
                if item.doc is not None
                else item.error or "no impact figures"
            )
    return RunRow(
        run_id=run.run_id,
        algorithm=run.algorithm,
        started_at=run.started_at,
        phase=run.phase,
        phase_class=phase_class(run.phase),
        status=run.status.value,
        duration_s=run.duration_s,
        energy_j=run.energy_j,
        uncertainty_rel=run.uncertainty_rel,
        units=run.units,
        location=item.location,
        impacts=impacts,
        missing=missing,
    )


def aggregate(
    runs: list[RunRecord],
    engine: ImpactEngine,
    gettext: Callable[[str], str],
    *,
    timeline_unit: str,
) -> tuple[Footprint, Methods, Gaps, list[Computed]]:
    """Compute every run once and sum it from every angle the report shows.

    Runs still ``running`` are listed but not summed (their energy is not final).

    Args:
        runs: the runs of the report, any order.
        engine: computes the impacts.
        gettext: translation function for labels.
        timeline_unit: ``month`` or ``day``.
    """
    ordered = sorted(runs, key=lambda r: r.started_at)
    statuses: dict[str, int] = {}
    for run in ordered:
        statuses[run.status.value] = statuses.get(run.status.value, 0) + 1
    running = [r for r in ordered if r.status.value == "running"]
    items = [engine.compute(r) for r in ordered if r.status.value != "running"]

    totals = _figures(SUMMARY_KEYS)
    for item in items:
        _accumulate(totals, item)
    phases: dict[str, list[Computed]] = {}
    for item in items:
        phases.setdefault(phase_class(item.run.phase), []).append(item)
    phase_buckets = _bucket_list(
        phases, lambda k: gettext(PHASE_LABELS[k]), [k for k in PHASE_LABELS if k in phases]
    )
    width = 7 if timeline_unit == "month" else 10
    timeline = buckets_by(items, lambda i: i.run.started_at[:width], lambda k: k)
    footprint = Footprint(
        runs=len(ordered),
        runs_counted=len(items),
        statuses=statuses,
        totals=totals,
        phases=phase_buckets,
        timeline=timeline,
        timeline_unit=timeline_unit,
        components=_components(items, gettext),
        run_rows=[run_row(i) for i in reversed(items)]
        + [run_row(Computed(r, None, "-", "running")) for r in running],
        first_run=ordered[0].started_at if ordered else None,
        last_run=ordered[-1].started_at if ordered else None,
    )
    return footprint, _methods(items, engine), _gaps(items, engine, len(running), gettext), items


PER_RUN_FACTORS = frozenset({"embodied_allocation"})
"""Factors whose value is computed per run (listed once in the methods section)."""


def _methods(items: list[Computed], engine: ImpactEngine) -> Methods:
    versions: list[str] = []
    factors: dict[tuple[Any, ...], dict[str, Any]] = {}
    methods: dict[str, dict[str, Any]] = {}
    defaults: dict[str, int] = {}
    notes: dict[str, int] = {}
    for item in items:
        doc = item.doc
        if doc is None:
            continue
        if doc.factor_version and doc.factor_version not in versions:
            versions.append(doc.factor_version)
        for name, factor in doc.factors.items():
            f = dict(factor)
            if name in PER_RUN_FACTORS:
                # Differs per run by construction (duration / lifetime): list it once.
                fkey = (name, None, f.get("source"), f.get("origin"))
                f.pop("duration_s", None)
                f["note"] = "varies per run: run duration / hardware lifetime x reserved share"
            else:
                fkey = (name, f.get("value"), f.get("source"), f.get("vintage"))
            entry = factors.setdefault(fkey, {"name": name, **f, "runs": 0})
            entry["runs"] += 1
        for ikey, impact in doc.impacts.items():
            m = methods.setdefault(ikey, {"key": ikey, "methods": [], "sources": []})
            if impact.method not in m["methods"]:
                m["methods"].append(impact.method)
            for s in impact.sources:
                if s not in m["sources"]:
                    m["sources"].append(s)
        for line in doc.defaults:
            defaults[line] = defaults.get(line, 0) + 1
        for line in doc.notes:
            notes[line] = notes.get(line, 0) + 1
    locations: dict[str, dict[str, Any]] = {}
    for item in items:
        profile, label, origin = engine.profile(item.run.algorithm)
        entry = locations.setdefault(
            label, {"label": label, "origin": origin, "profile": profile.to_dict(), "runs": 0}
        )
        entry["runs"] += 1
    order = list(IMPACT_KEYS)
    return Methods(
        factor_versions=versions,
        factors=sorted(factors.values(), key=lambda f: (str(f["name"]), -int(f["runs"]))),
        impact_methods=sorted(methods.values(), key=lambda m: order.index(m["key"])),
        defaults=sorted(defaults.items(), key=lambda kv: -kv[1]),
        notes=sorted(notes.items(), key=lambda kv: -kv[1]),
        locations=list(locations.values()),
    )


def _gaps(
    items: list[Computed], engine: ImpactEngine, running: int, gettext: Callable[[str], str]
) -> Gaps:
    missing: dict[tuple[str, str], int] = {}
    degradations: dict[tuple[str, str, str, str | None], int] = {}
    without_energy = 0
    order = list(IMPACT_KEYS)
    for item in items:
        run = item.run
        if run.energy_j is None:
            without_energy += 1
        for d in run.degradations:
            k = (d.kind, d.source, d.message, d.hint)
            degradations[k] = degradations.get(k, 0) + 1
        if run.energy_j is None or item.doc is None:
            reason = (
                gettext(NO_ENERGY) if run.energy_j is None else item.error or "no impact figures"
            )
            missing[("*", reason)] = missing.get(("*", reason), 0) + 1
            continue
        for key, reason in item.doc.missing.items():
            if key.startswith("factor:"):
                continue
            missing[(key, reason)] = missing.get((key, reason), 0) + 1
    return Gaps(
        missing=sorted(
            ((k, r, n) for (k, r), n in missing.items()),
            key=lambda t: (order.index(t[0]) if t[0] in order else -1, -t[2]),
        ),
        degradations=[
            {"kind": k, "source": s, "message": m, "hint": h, "runs": n}
            for (k, s, m, h), n in sorted(degradations.items(), key=lambda kv: -kv[1])
        ],
        runs_without_energy=without_energy,
        runs_running=running,
        remarks=list(dict.fromkeys(gettext(r) for r in engine.remarks)),
    )
