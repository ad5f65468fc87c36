"""The organisation's yearly footprint of measured algorithms against indicative goals.

:func:`organisation_summary` adds up, per calendar year, the runs algoprint measured (energy;
CO2e location- and market-based through :func:`~algoprint.impact.compute.impacts_for_run`
with each algorithm's own location profile), compares the location-based operational CO2e
with an indicative climate-neutral-2030 path, gives the share of energy used in datacentres
with DCiE >= 50 %, and the embodied raw-material use (ADPe) when hardware is described.

The trajectory is **indicative and internal**: a straight line from the first measured
year's operational CO2e (location-based) down to zero in 2030. The national goal (a
climate-neutral Rijksoverheid in 2030) concerns the state's own operations as a whole; this
line only helps an organisation see whether the measured part of its algorithm use moves
the right way. Location-based CO2e is used because certificates (GvO) already bring the
market-based figure close to zero without using less electricity; both figures are given.
docs/register.md explains the method.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from algoprint.errors import AlgoprintError, InputError
from algoprint.kader.evidence import DCIE_MIN
from algoprint.kader.register import Algorithm, list_algorithms, location_profile

if TYPE_CHECKING:
    from algoprint.impact.embodied import HardwareShare
    from algoprint.impact.location import LocationProfile
    from algoprint.store import Store
    from algoprint.tracking.record import RunRecord

__all__ = [
    "TARGET_YEAR",
    "AlgorithmFootprint",
    "GoalsSummary",
    "YearTotals",
    "algorithm_footprint",
    "organisation_summary",
    "trajectory",
]

TARGET_YEAR = 2030
"""Year of the indicative climate-neutral target."""
_SHOWN_IDS = 20


@dataclass(frozen=True, slots=True)
class YearTotals:
    """One calendar year (UTC start time of the runs).

    Energies in joules, masses in grams; ``None`` means not available (never 0).

    Attributes:
        year: the calendar year.
        partial: the year is not over yet (figures so far).
        runs: finished runs counted.
        runs_without_energy: runs with a meter gap (no total energy), not in the sums.
        energy_it_j: IT energy of the runs with a total.
        energy_facility_j: IT energy x PUE.
        co2e_location_g / co2e_market_g: operational CO2e (``None`` when no run had one).
        trajectory_co2e_g: the indicative target for this year (``None`` before the base year).
        on_track: ``co2e_location_g <= trajectory_co2e_g`` (``None`` without both).
        dcie_ok_energy_j: IT energy in datacentres with DCiE >= 50 %.
        dcie_unknown_energy_j: IT energy where the PUE was not recorded (a default was used).
        embodied_adpe_g_sbeq: embodied abiotic depletion of the runs with hardware described.
        adpe_runs: how many runs had hardware described (the ADPe covers only those).
    """

    year: int
    partial: bool
    runs: int
    runs_without_energy: int
    energy_it_j: float
    energy_facility_j: float | None
    co2e_location_g: float | None
    co2e_market_g: float | None
    trajectory_co2e_g: float | None
    on_track: bool | None
    dcie_ok_energy_j: float
    dcie_unknown_energy_j: float
    embodied_adpe_g_sbeq: float | None
    adpe_runs: int

    @property
    def dcie_ok_share(self) -> float | None:
        """Share (0..1) of IT energy in datacentres meeting DCiE >= 50 %; ``None`` without
        energy."""
        return self.dcie_ok_energy_j / self.energy_it_j if self.energy_it_j > 0 else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = {name: getattr(self, name) for name in self.__slots__}
        data["dcie_ok_share"] = self.dcie_ok_share
        return data


@dataclass(frozen=True, slots=True)
class GoalsSummary:
    """The yearly summary a report shows (see the module docstring for the method).

    Attributes:
        organisation: the organisation summarised (``None``: every run in the store).
        years: per year, oldest first (only ``year`` when one was asked for).
        base_year / base_co2e_location_g: the start of the trajectory (``None`` without data).
        target_year: :data:`TARGET_YEAR`.
        trajectory_method: how the trajectory is drawn, in English.
        default_location: the location used for runs without one, described.
        runs_without_location: how many runs used that default; ``runs_without_location_ids``
            shows the first 20 of them.
        adpe_note: why ADPe is missing or partial (``None`` when complete).
        notes: impact defaults applied, runs whose figures failed, other remarks.
    """

    organisation: str | None
    years: tuple[YearTotals, ...]
    base_year: int | None
    base_co2e_location_g: float | None
    target_year: int
    trajectory_method: str
    default_location: str
    runs_without_location: int
    runs_without_location_ids: tuple[str, ...]
    adpe_note: str | None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "organisation": self.organisation,
            "years": [y.to_dict() for y in self.years],
            "base_year": self.base_year,
            "base_co2e_location_g": self.base_co2e_location_g,
            "target_year": self.target_year,
            "trajectory_method": self.trajectory_method,
            "default_location": self.default_location,
            "runs_without_location": self.runs_without_location,
            "runs_without_location_ids": list(self.runs_without_location_ids),
            "adpe_note": self.adpe_note,
            "notes": list(self.notes),
        }


TRAJECTORY_METHOD = (
    "Indicative internal trajectory: a straight line from the operational CO2e "
    "(location-based) of the first measured year to zero in 2030. The national goal of a "
    "climate-neutral Rijksoverheid in 2030 concerns the state's operations as a whole; this "
    "line covers only the algorithm runs algoprint measured."
)


def trajectory(base_year: int, base_g: float, year: int) -> float | None:
    """The indicative target (g CO2e) for ``year`` on the line from ``base_g`` in
    ``base_year`` to 0 in :data:`TARGET_YEAR`; ``None`` before the base year."""
    if year < base_year:
        return None
    if year >= TARGET_YEAR or base_year >= TARGET_YEAR:
        return 0.0
    return base_g * (TARGET_YEAR - year) / (TARGET_YEAR - base_year)


@dataclass
class _Acc:
    runs: int = 0
    gaps: int = 0
    energy_j: float = 0.0
    facility_j: float | None = None
    loc_g: float | None = None
    market_g: float | None = None
    dcie_ok_j: float = 0.0
    dcie_unknown_j: float = 0.0
    adpe: float | None = None
    adpe_runs: int = 0


def _add(total: float | None, value: float | None) -> float | None:
    if value is None:
        return total
    return value if total is None else total + value


def _default(settings_extra: Mapping[str, Any]) -> tuple[LocationProfile, str]:
    from algoprint.impact.location import default_location, resolve_location

    configured = resolve_location(settings_extra)
    if configured.configured and configured.zone is not None:
        return configured, f"the configured location (zone {configured.zone})"
    return default_location("NL"), "zone NL (algoprint's default: nothing configured)"


def organisation_summary(
    store: Store,
    *,
    organisation: str | None = None,
    year: int | None = None,
    settings_extra: Mapping[str, Any] | None = None,
    hardware_for: Callable[[RunRecord], HardwareShare | None] | None = None,
    now: datetime | None = None,
) -> GoalsSummary:
    """Yearly totals of the measured runs against the indicative 2030 trajectory.

    Args:
        organisation: only algorithms registered to this organisation (``None``: all runs
            in the store, registered or not).
        year: report only this year (the trajectory still starts at the first measured year).
        settings_extra: ``Settings.extra`` (datacentre tables, ``[location]`` for the default).
        hardware_for: the hardware share of a run for embodied figures; ``None`` = ADPe not
            available (the run record holds no hardware make-up yet).
        now: the current instant (which year is partial).

    Raises:
        InputError: an unknown organisation (no registered algorithm has it).
        ImpactError: the configured default location is invalid.
    """
    from algoprint.impact.compute import impacts_for_run
    from algoprint.tracking.record import RunStatus

    extra = dict(settings_extra or {})
    when = datetime.now(UTC) if now is None else now
    if organisation is not None:
        algs = list_algorithms(store, include_archived=True, organisation=organisation)
        if not algs:
            raise InputError(
                f"no registered algorithm belongs to organisation {organisation!r}",
                hint="algoprint algorithm list --all shows the organisations",
            )
        runs = [r for a in algs for r in store.list_runs(algorithm=a.slug)]
    else:
        algs = list_algorithms(store, include_archived=True)
        runs = store.list_runs()
    from algoprint.store import count_overlaps_once

    runs = count_overlaps_once(store, runs)  # overlapping machine-scope runs counted once
    by_slug: dict[str, Algorithm] = {a.slug: a for a in algs}
    default_profile, default_text = _default(extra)
    profiles: dict[str | None, LocationProfile | None] = {}
    notes: list[str] = []
    without_location: list[str] = []
    acc: dict[int, _Acc] = {}
    for run in sorted(runs, key=lambda r: r.started_at):
        if run.status == RunStatus.RUNNING:
            continue
        slug = run.algorithm
        if slug not in profiles:
            alg = by_slug.get(slug) if slug else None
            try:
                profiles[slug] = location_profile(alg, extra) if alg else None
            except InputError as e:
                profiles[slug] = None
                notes.append(f"{e.message}; the default location was used")
        profile = profiles[slug]
        if profile is None:
            without_location.append(run.run_id)
            profile = default_profile
        a = acc.setdefault(int(run.started_at[:4]), _Acc())
        a.runs += 1
        if run.energy_j is None:
            a.gaps += 1
            continue
        a.energy_j += run.energy_j
        if profile.pue is None:
            a.dcie_unknown_j += run.energy_j
        elif 1 / profile.pue >= DCIE_MIN:
            a.dcie_ok_j += run.energy_j
        try:
            doc = impacts_for_run(
                run, profile, hardware_for(run) if hardware_for else None, settings_extra=extra
            )
        except AlgoprintError as e:
            notes.append(f"run {run.run_id}: no impact figures ({e.message})")
            continue
        for line in doc.defaults:
            if line not in notes:
                notes.append(line)

        value = {k: v.value for k, v in doc.impacts.items()}
        a.facility_j = _add(a.facility_j, value.get("energy_facility_j"))
        a.loc_g = _add(a.loc_g, value.get("co2e_location_g"))
        a.market_g = _add(a.market_g, value.get("co2e_market_g"))
        adpe = value.get("embodied_adpe_g_sbeq")
        if adpe is not None:
            a.adpe = _add(a.adpe, adpe)
            a.adpe_runs += 1
    base_year = next((y for y in sorted(acc) if (acc[y].loc_g or 0) > 0), None)
    base_g = acc[base_year].loc_g if base_year is not None else None
    years: list[YearTotals] = []
    for y in sorted(acc):
        if year is not None and y != year:
            continue
        a = acc[y]
        target = trajectory(base_year, base_g, y) if base_year is not None and base_g else None
        years.append(
            YearTotals(
                year=y,
                partial=y >= when.year,
                runs=a.runs,
                runs_without_energy=a.gaps,
                energy_it_j=a.energy_j,
                energy_facility_j=a.facility_j,
                co2e_location_g=a.loc_g,
                co2e_market_g=a.market_g,
                trajectory_co2e_g=target,
                on_track=None if target is None or a.loc_g is None else a.loc_g <= target,
                dcie_ok_energy_j=a.dcie_ok_j,
                dcie_unknown_energy_j=a.dcie_unknown_j,
                embodied_adpe_g_sbeq=a.adpe,
                adpe_runs=a.adpe_runs,
            )
        )
    counted = sum(a.runs - a.gaps for a in acc.values())
    with_adpe = sum(a.adpe_runs for a in acc.values())
    if hardware_for is None:
        adpe_note: str | None = (
            "not available: the runs do not describe their hardware (embodied impacts need the "
            "server's make-up and lifetime)"
        )
    elif with_adpe < counted:
        adpe_note = f"partial: {with_adpe} of {counted} runs had hardware described"
    else:
        adpe_note = None
    return GoalsSummary(
        organisation=organisation,
        years=tuple(years),
        base_year=base_year,
        base_co2e_location_g=base_g,
        target_year=TARGET_YEAR,
        trajectory_method=TRAJECTORY_METHOD,
        default_location=default_text,
        runs_without_location=len(without_location),
        runs_without_location_ids=tuple(without_location[:_SHOWN_IDS]),
        adpe_note=adpe_note,
        notes=tuple(notes),
    )


@dataclass(frozen=True, slots=True)
class AlgorithmFootprint:
    """One algorithm's measured footprint in one year (for the Algoritmeregister text).

    Attributes:
        slug / year / partial: which algorithm and year; ``partial`` while the year runs.
        runs: finished runs in the year; ``runs_without_energy`` of them had a meter gap.
        energy_it_j: IT energy of the runs with a total (J).
        energy_by_phase_j: ``training`` / ``use`` / ``other`` split of ``energy_it_j``
            (:func:`~algoprint.kader.evidence.phase_class` of the run's phase).
        co2e_location_g / co2e_market_g: operational CO2e (g); ``None`` when not computable.
        zone: the grid zone used; ``used_default_location`` when the algorithm has none.
        methods: the meter methods of the runs' components (``counter``, ``model``, ...).
        uncertainty_rel: energy-weighted mean of the runs' relative uncertainties (runs
            treated as fully correlated, the cautious choice); ``None`` when unknown.
        notes: impact defaults applied and runs without figures.
    """

    slug: str
    year: int | None
    partial: bool
    runs: int
    runs_without_energy: int
    energy_it_j: float
    energy_by_phase_j: Mapping[str, float]
    co2e_location_g: float | None
    co2e_market_g: float | None
    zone: str | None
    used_default_location: bool
    methods: tuple[str, ...]
    uncertainty_rel: float | None
    notes: tuple[str, ...]


def algorithm_footprint(
    store: Store,
    slug: str,
    *,
    year: int | None = None,
    settings_extra: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> AlgorithmFootprint:
    """Energy and CO2e of one algorithm's runs in ``year`` (default: the latest year with
    runs), computed with its location profile (else the default, said in the result).

    Raises:
        InputError / NotFound: an invalid or unknown slug, or a location that no longer
            resolves.
    """
    from algoprint.impact.compute import impacts_for_run
    from algoprint.kader.evidence import phase_class
    from algoprint.kader.register import get_algorithm
    from algoprint.tracking.record import RunStatus

    alg = get_algorithm(store, slug)
    extra = dict(settings_extra or {})
    when = datetime.now(UTC) if now is None else now
    from algoprint.store import count_overlaps_once

    runs = count_overlaps_once(store, store.list_runs(algorithm=alg.slug))
    runs = [r for r in runs if r.status != RunStatus.RUNNING]
    if year is None and runs:
        year = max(int(r.started_at[:4]) for r in runs)
    runs = [r for r in runs if int(r.started_at[:4]) == year]
    profile = location_profile(alg, extra)
    used_default = profile is None
    if profile is None:
        profile = _default(extra)[0]
    split: dict[str, float] = {}
    energy = 0.0
    weighted = 0.0
    unknown_uncertainty = False
    loc: float | None = None
    market: float | None = None
    methods: set[str] = set()
    notes: list[str] = []
    gaps = 0
    for run in runs:
        methods.update(c.method for c in run.components if c.energy_j is not None)
        if run.energy_j is None:
            gaps += 1
            continue
        energy += run.energy_j
        key = phase_class(run.phase) or "other"
        split[key] = split.get(key, 0.0) + run.energy_j
        if run.uncertainty_rel is None:
            unknown_uncertainty = True
        else:
            weighted += run.uncertainty_rel * run.energy_j
        try:
            doc = impacts_for_run(run, profile, settings_extra=extra)
        except AlgoprintError as e:
            notes.append(f"run {run.run_id}: no impact figures ({e.message})")
            continue
        notes.extend(line for line in doc.defaults if line not in notes)
        for name, target in (("co2e_location_g", "loc"), ("co2e_market_g", "market")):
            impact = doc.get(name)
            if impact is not None:
                if target == "loc":
                    loc = _add(loc, impact.value)
                else:
                    market = _add(market, impact.value)
    return AlgorithmFootprint(
        slug=alg.slug,
        year=year,
        partial=year is not None and year >= when.year,
        runs=len(runs),
        runs_without_energy=gaps,
        energy_it_j=energy,
        energy_by_phase_j=split,
        co2e_location_g=loc,
        co2e_market_g=market,
        zone=profile.zone,
        used_default_location=used_default,
        methods=tuple(sorted(methods - {"none"})),
        uncertainty_rel=None if unknown_uncertainty or energy <= 0 else weighted / energy,
        notes=tuple(notes),
    )
