"""Assemble a :class:`~algoprint.report.model.ReportData` from the store (no rendering here)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from algoprint.errors import AlgoprintError, InputError, NotFound
from algoprint.report import _analyses
from algoprint.report._compute import Computed, ImpactEngine, aggregate, buckets_by, quarter_of
from algoprint.report.i18n import check_lang, translations
from algoprint.report.model import (
    REPORT_SCHEMA_VERSION,
    AlgorithmInfo,
    Figure,
    MeasureRow,
    OrganisationPart,
    ReportData,
    Sci,
)
from algoprint.report.period import Period, parse_period

if TYPE_CHECKING:
    from algoprint.impact.embodied import HardwareShare
    from algoprint.kader.register import Algorithm
    from algoprint.store import Store
    from algoprint.tracking.record import RunRecord

__all__ = ["build_report", "compute_runs"]

_DAY_TIMELINE_MAX_DAYS = 62


def _counted_once(store: Store, runs: list[RunRecord]) -> list[RunRecord]:
    """Overlapping machine-scope runs split so the machine is counted once (store/_overlap)."""
    from algoprint.store import count_overlaps_once

    return count_overlaps_once(store, runs)


def build_report(
    store: Store,
    *,
    algorithm: str | None = None,
    organisation: str | None = None,
    period: str | Period | None = None,
    lang: str = "nl",
    location: str | None = None,
    cloud: str | None = None,
    region: str | None = None,
    datacentre: str | None = None,
    settings_extra: Mapping[str, Any] | None = None,
    hardware: HardwareShare | None = None,
    now: datetime | None = None,
) -> ReportData:
    """Assemble the monitoring report of one algorithm or of an organisation.

    With ``algorithm`` the report covers that algorithm's runs (mon-06: footprint per
    lifecycle phase, per run and over time, measures and evidence, analyses). Otherwise it is
    the periodic organisation report: ``organisation`` names the organisation of registered
    algorithms; ``None`` covers every run in the store.

    Args:
        store: the run store.
        algorithm: algorithm slug (as the runs record it).
        organisation: organisation name in the register.
        period: ``2026``, ``2026-Q3``, ``2026-07``, ``FROM..TO`` or a :class:`Period`;
            ``None`` = every run.
        lang: ``nl`` or ``en``.
        location / cloud / region / datacentre: location overrides for every run.
        settings_extra: ``Settings.extra`` (location and datacentre tables).
        hardware: embodied-impact share applied to every run (``None``: embodied figures
            are missing, and the report says why).
        now: the current instant (tests).

    Raises:
        InputError: both ``algorithm`` and ``organisation``, a bad period or language, or a
            location override that does not resolve.
        NotFound: an algorithm with no runs and no register entry, or an organisation that
            no registered algorithm has.
        StoreError: the store cannot be read.
    """
    check_lang(lang)
    if algorithm is not None and organisation is not None:
        raise InputError(
            "give either an algorithm or an organisation, not both",
            hint="use --algorithm SLUG for one algorithm, --organisation [NAME] for the overview",
        )
    span = period if isinstance(period, Period) else parse_period(period)
    when = datetime.now(UTC) if now is None else now
    extra = dict(settings_extra or {})
    gettext = translations(lang).gettext
    registered = _registered(store)
    engine = ImpactEngine(
        algorithms=registered,
        settings_extra=extra,
        overrides={
            "location": location,
            "cloud": cloud,
            "region": region,
            "datacentre": datacentre,
        },
        hardware=hardware,
    )
    if any((location, cloud, region, datacentre)):
        engine.profile(None)  # an explicit override that does not resolve fails now, loudly
    if algorithm is not None:
        return _algorithm_report(
            store,
            algorithm,
            span=span,
            lang=lang,
            registered=registered,
            engine=engine,
            extra=extra,
            when=when,
        )
    return _organisation_report(
        store,
        organisation,
        span=span,
        lang=lang,
        registered=registered,
        engine=engine,
        extra=extra,
        when=when,
        gettext=gettext,
    )


def _registered(store: Store) -> dict[str, Algorithm]:
    try:
        from algoprint.kader.register import list_algorithms
    except ImportError:  # pragma: no cover - kader ships with algoprint
        return {}
    return {a.slug: a for a in list_algorithms(store, include_archived=True)}


def _timeline_unit(span: Period, runs: list[RunRecord]) -> str:
    days = span.days
    if days is None and runs:
        first = min(r.started_at for r in runs)
        last = max(r.started_at for r in runs)
        days = (datetime.fromisoformat(last) - datetime.fromisoformat(first)).days + 1
    return "day" if days is not None and days <= _DAY_TIMELINE_MAX_DAYS else "month"


def _base(
    scope: str,
    title: str,
    *,
    lang: str,
    span: Period,
    when: datetime,
    runs: list[RunRecord],
    engine: ImpactEngine,
) -> tuple[ReportData, list[Computed]]:
    from algoprint._version import __version__
    from algoprint.refdata import FACTOR_VERSION

    gettext = translations(lang).gettext
    footprint, methods, gaps, items = aggregate(
        runs, engine, gettext, timeline_unit=_timeline_unit(span, runs)
    )
    report = ReportData(
        schema_version=REPORT_SCHEMA_VERSION,
        scope=scope,
        lang=lang,
        title=title,
        generated_at=when.astimezone(UTC).isoformat(timespec="seconds"),
        period=span,
        algoprint_version=__version__,
        factor_version=FACTOR_VERSION,
        empty=not runs,
        footprint=footprint,
        methods=methods,
        gaps=gaps,
    )
    return report, items


def _algorithm_report(
    store: Store,
    slug: str,
    *,
    span: Period,
    lang: str,
    registered: Mapping[str, Algorithm],
    engine: ImpactEngine,
    extra: Mapping[str, Any],
    when: datetime,
) -> ReportData:
    gettext = translations(lang).gettext
    alg = registered.get(slug)
    if alg is None and store.count_runs(algorithm=slug) == 0:
        raise NotFound(
            f"unknown algorithm {slug!r}: it is not registered and has no runs",
            hint="`algoprint runs` lists the algorithms of stored runs; "
            "`algoprint algorithm list` the registered ones",
        )
    runs = store.list_runs(algorithm=slug, since=span.since, until=span.until)
    name = alg.name if alg is not None else slug
    title = gettext("Monitoring report: %(name)s") % {"name": name}
    report, items = _base(
        "algorithm",
        title,
        lang=lang,
        span=span,
        when=when,
        runs=_counted_once(store, runs),
        engine=engine,
    )
    report.algorithm = _info(slug, alg, engine)
    report.sci = _sci(items, alg)
    if alg is None:
        report.gaps.remarks.append(
            gettext(
                "The algorithm is not registered, so there are no assessments of the measures. "
                "Register it with `algoprint algorithm add %(slug)s`."
            )
            % {"slug": slug}
        )
    else:
        report.measures = _measures(store, alg, lang, extra, when)
    report.analyses = _analyses.items_for(store, slug, span, lang)
    return report


def _info(slug: str, alg: Algorithm | None, engine: ImpactEngine) -> AlgorithmInfo:
    label = engine.profile(slug)[1]
    if alg is None:
        return AlgorithmInfo(slug=slug, name=slug, registered=False, location=label)
    return AlgorithmInfo(
        slug=slug,
        name=alg.name,
        registered=True,
        organisation=alg.organisation,
        description=alg.description,
        lifecycle_phase=alg.lifecycle_phase,
        functional_unit=alg.functional_unit,
        yearly_units=alg.yearly_units,
        location=label,
        contract=alg.contract,
        lars_id=alg.lars_id,
    )


def _sci(items: list[Computed], alg: Algorithm | None) -> Sci:
    with_units = [i for i in items if i.run.units and i.doc is not None]
    without = len(items) - len(with_units)
    units = sum(float(i.run.units or 0) for i in with_units) or None
    total = Figure("co2e_total_g", "g")
    operational = Figure("co2e_location_g", "g")
    for i in with_units:
        assert i.doc is not None
        for fig in (total, operational):
            impact = i.doc.get(fig.key)
            if impact is None:
                fig.miss(i.doc.missing.get(fig.key, "not computed"))
            else:
                fig.add(impact.value, impact.low, impact.high)

    def per_unit(fig: Figure) -> tuple[float, float, float] | None:
        if units is None or not fig.complete:
            return None
        assert fig.value is not None and fig.low is not None and fig.high is not None
        return (fig.value / units, fig.low / units, fig.high / units)

    reason = None
    sci = per_unit(total)
    if units is None:
        reason = "no run recorded its functional units (SCI's R); set run.units"
    elif sci is None:
        reason = next(iter(total.missing_reasons), "embodied figures missing")
    return Sci(
        functional_unit=alg.functional_unit if alg is not None else None,
        units=units,
        runs_with_units=len(with_units),
        runs_without_units=without,
        sci=sci,
        operational=per_unit(operational),
        reason=reason,
    )


def _measures(
    store: Store, alg: Algorithm, lang: str, extra: Mapping[str, Any], when: datetime
) -> list[MeasureRow]:
    from algoprint.kader.assessments import board, state_label
    from algoprint.kader.catalogue import measure

    rows = []
    for cell in board(store, algorithm=alg.slug, now=when, settings_extra=extra):
        a = cell.assessment
        m = measure(a.measure)
        rows.append(
            MeasureRow(
                code=m.code,
                title=m.title(lang),
                source_url=m.source_url,
                state=a.state,
                state_label=state_label(a.state, lang),
                reason=a.reason,
                note=a.note,
                responsible=a.responsible,
                updated_at=a.updated_at,
                supported=cell.evidence.supported,
                evidence_label=cell.evidence.label(lang),
                evidence=[e.summary(lang) for e in cell.evidence.evidence],
            )
        )
    return rows


def _organisation_report(
    store: Store,
    name: str | None,
    *,
    span: Period,
    lang: str,
    registered: Mapping[str, Algorithm],
    engine: ImpactEngine,
    extra: Mapping[str, Any],
    when: datetime,
    gettext: Callable[[str], str],
) -> ReportData:
    if name is not None:
        algs = [a for a in registered.values() if a.organisation == name]
        if not algs:
            known = sorted({a.organisation for a in registered.values() if a.organisation})
            raise NotFound(
                f"no registered algorithm belongs to organisation {name!r}",
                hint=f"known organisations: {', '.join(known)}"
                if known
                else "register algorithms with `algoprint algorithm add --organisation NAME`",
            )
        runs = [
            r
            for a in sorted(algs, key=lambda a: a.slug)
            for r in store.list_runs(algorithm=a.slug, since=span.since, until=span.until)
        ]
        slugs = {a.slug for a in algs}
        title = gettext("Monitoring report: %(name)s") % {"name": name}
    else:
        runs = store.list_runs(since=span.since, until=span.until)
        slugs = set(registered)
        title = gettext("Monitoring report: all algorithms")
    report, items = _base(
        "organisation",
        title,
        lang=lang,
        span=span,
        when=when,
        runs=_counted_once(store, runs),
        engine=engine,
    )
    none_label = gettext("(no algorithm)")

    def alg_label(slug: str) -> str:
        alg = registered.get(slug)
        return alg.name if alg is not None else (slug or none_label)

    by_alg = buckets_by(items, lambda i: i.run.algorithm or "", alg_label)
    by_alg.sort(key=lambda b: -(b.figures["co2e_location_g"].value or 0.0))
    quarters = buckets_by(items, lambda i: quarter_of(i.run.started_at), lambda k: k)
    datacentres, ok_share, unknown_share = _datacentres(items, engine)
    goals, goals_note = _goals(store, name, span, extra, when)
    codes, titles, cells = _board(
        store, slugs, registered=registered, lang=lang, extra=extra, when=when
    )
    report.organisation = OrganisationPart(
        name=name,
        algorithms=by_alg,
        quarters=quarters,
        datacentres=datacentres,
        dcie_ok_share=ok_share,
        dcie_unknown_share=unknown_share,
        goals=goals,
        goals_note=goals_note,
        board_codes=codes,
        board_titles=titles,
        board=cells,
    )
    return report


def _datacentres(
    items: list[Computed], engine: ImpactEngine
) -> tuple[list[dict[str, Any]], float | None, float | None]:
    from algoprint.kader.evidence import DCIE_MIN, RENEWABLE_CONTRACTS

    rows: dict[str, dict[str, Any]] = {}
    total = 0.0
    for item in items:
        energy = item.run.energy_j
        if energy is None:
            continue
        profile, label, _ = engine.profile(item.run.algorithm)
        row = rows.get(label)
        if row is None:
            pue = profile.pue
            pue_origin = "profile" if pue is not None else "default"
            if pue is None and item.doc is not None and "pue" in item.doc.factors:
                pue = float(item.doc.factors["pue"]["value"])
            dcie = 1 / pue if pue else None
            row = rows[label] = {
                "label": label,
                "zone": profile.zone,
                "pue": pue,
                "pue_origin": pue_origin,
                "dcie": dcie,
                "dcie_ok": None if pue_origin == "default" or dcie is None else dcie >= DCIE_MIN,
                "contract": profile.contract,
                "renewable": profile.contract in RENEWABLE_CONTRACTS
                or bool(profile.ref and profile.ref > 0),
                "energy_j": 0.0,
                "runs": 0,
            }
        row["energy_j"] += energy
        row["runs"] += 1
        total += energy
    out = sorted(rows.values(), key=lambda r: -r["energy_j"])
    for row in out:
        row["share"] = row["energy_j"] / total if total else None
    if not total:
        return out, None, None
    ok = sum(r["energy_j"] for r in out if r["dcie_ok"])
    unknown = sum(r["energy_j"] for r in out if r["dcie_ok"] is None)
    return out, ok / total, unknown / total


def _goals(
    store: Store, name: str | None, span: Period, extra: Mapping[str, Any], when: datetime
) -> tuple[dict[str, Any] | None, str | None]:
    try:
        from algoprint.kader.goals import organisation_summary
    except ImportError:  # pragma: no cover - kader ships with algoprint
        return None, "the goals module is not available"
    year = None
    last = span.last_day
    if span.since is not None and last is not None and span.since.year == last.year:
        year = span.since.year
    try:
        summary = organisation_summary(
            store, organisation=name, year=year, settings_extra=extra, now=when
        )
    except AlgoprintError as e:
        return None, e.message
    return summary.to_dict(), None


def _board(
    store: Store,
    slugs: set[str],
    *,
    registered: Mapping[str, Algorithm],
    lang: str,
    extra: Mapping[str, Any],
    when: datetime,
) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    from algoprint.kader.assessments import board, state_label
    from algoprint.kader.catalogue import MEASURE_CODES, measure

    codes = list(MEASURE_CODES)
    titles = [measure(c).title(lang) for c in codes]
    if not slugs:
        return codes, titles, []
    rows: dict[str, dict[str, Any]] = {}
    for cell in board(store, now=when, settings_extra=extra):
        slug = cell.algorithm.slug
        if slug not in slugs:
            continue
        row = rows.setdefault(slug, {"algorithm": slug, "name": registered[slug].name, "cells": {}})
        row["cells"][cell.assessment.measure] = {
            "state": cell.assessment.state,
            "state_label": state_label(cell.assessment.state, lang),
            "supported": cell.evidence.supported,
            "evidence_label": cell.evidence.label(lang),
        }
    return codes, titles, [rows[s] for s in sorted(rows)]


def compute_runs(
    store: Store,
    *,
    algorithm: str | None = None,
    organisation: str | None = None,
    period: str | Period | None = None,
    overrides: Mapping[str, str | None] | None = None,
    settings_extra: Mapping[str, Any] | None = None,
    hardware: HardwareShare | None = None,
) -> tuple[list[Computed], ImpactEngine, Period, dict[str, Algorithm]]:
    """The finished runs of a report's scope with their impacts (for the exports).

    Same selection and location rules as :func:`build_report` (``overrides``: ``location``,
    ``cloud``, ``region``, ``datacentre``); runs still running are left
    out. Returns the computed runs (oldest first), the engine (profiles by algorithm), the
    period and the registered algorithms.

    Raises:
        InputError / NotFound: as :func:`build_report`.
    """
    if algorithm is not None and organisation is not None:
        raise InputError("give either an algorithm or an organisation, not both")
    span = period if isinstance(period, Period) else parse_period(period)
    registered = _registered(store)
    engine = ImpactEngine(
        algorithms=registered,
        settings_extra=dict(settings_extra or {}),
        overrides=dict(overrides or {}),
        hardware=hardware,
    )
    if algorithm is not None:
        if algorithm not in registered and store.count_runs(algorithm=algorithm) == 0:
            raise NotFound(
                f"unknown algorithm {algorithm!r}: it is not registered and has no runs",
                hint="`algoprint runs` lists the algorithms of stored runs",
            )
        runs = store.list_runs(algorithm=algorithm, since=span.since, until=span.until)
    elif organisation is not None:
        slugs = sorted(a.slug for a in registered.values() if a.organisation == organisation)
        if not slugs:
            raise NotFound(f"no registered algorithm belongs to organisation {organisation!r}")
        runs = [
            r
            for s in slugs
            for r in store.list_runs(algorithm=s, since=span.since, until=span.until)
        ]
    else:
        runs = store.list_runs(since=span.since, until=span.until)
    runs = _counted_once(store, runs)  # overlapping machine-scope runs counted once
    finished = sorted((r for r in runs if r.status.value != "running"), key=lambda r: r.started_at)
    return [engine.compute(r) for r in finished], engine, span, registered
