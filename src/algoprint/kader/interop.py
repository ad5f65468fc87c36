"""Exchange with AMT and the task registry, and text for the Algoritmeregister.

* :func:`export_amt` / :func:`import_amt`: measure assessments in the shape AMT (MinBZK's
  Algorithm Management Toolkit) keeps in a system card: per algorithm a list of measure tasks
  with ``urn``, ``state`` (AMT's ``to do``, ``in progress``, ``in review``, ``done``,
  ``not implemented``), ``value`` (the explanation), ``links``, ``files``, ``version`` (the
  Algoritmekader version), ``lifecycle`` and the responsible/reviewer/accountable persons.
* :func:`export_task_registry` / :func:`import_task_registry`: the seven measures as
  task-registry documents (``schemas/schema_measures.json`` 1.1.0) and, per algorithm, the
  system-card entries that the measures' ``template`` describes.
* :func:`algoritmeregister_text`: short Dutch texts (B1) for the Algoritmeregister's free-text
  fields *Afwegingen* and *Technische werking*; the publication standard has no
  sustainability field (docs/register.md).

What AMT and the task registry have no field for (the reason for *niet van toepassing*, who
changed it when, the algorithm's register fields) travels in ``x_algoprint`` blocks, so that
export -> import into an empty store -> export gives the same document. Attached files stay in
the store: AMT's ``files`` holds AMT's own file ids, so it is exported empty.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from algoprint.errors import InputError, NotFound
from algoprint.kader.assessments import (
    NOT_APPLICABLE,
    STATES,
    Assessment,
    current_user,
    list_assessments,
    parse_state,
)
from algoprint.kader.catalogue import ALGORITMEKADER_VERSION, measure, measures
from algoprint.kader.register import (
    Algorithm,
    add_algorithm,
    get_algorithm,
    list_algorithms,
    validate_slug,
)

if TYPE_CHECKING:
    from algoprint.store import Store

__all__ = [
    "AMT_FORMAT",
    "AMT_STATES",
    "TASK_REGISTRY_FORMAT",
    "algoritmeregister_text",
    "export_amt",
    "export_task_registry",
    "import_amt",
    "import_task_registry",
    "task_registry_measure",
]

AMT_FORMAT = "algoprint/amt-measures"
TASK_REGISTRY_FORMAT = "algoprint/task-registry-measures"
_FORMAT_VERSION = "1.0"
AMT_STATES: Mapping[str, str] = {
    "te-doen": "to do",
    "in-uitvoering": "in progress",
    "ter-review": "in review",
    "gereed": "done",
    "niet-van-toepassing": "not implemented",
}
"""algoprint state -> AMT's MeasureStatusOptions value."""
_FROM_AMT = {v: k for k, v in AMT_STATES.items()}
_ALG_FIELDS = ("organisation", "description", "lars_id", "lifecycle_phase")


@dataclass(frozen=True)
class _Entry:
    algorithm: Algorithm
    assessments: tuple[Assessment, ...]  # only those ever set


def _entries(store: Store, algorithm: str | None) -> list[_Entry]:
    algs = [get_algorithm(store, algorithm)] if algorithm else list_algorithms(store)
    return [
        _Entry(a, tuple(x for x in list_assessments(store, a.slug) if x.updated_at)) for a in algs
    ]


def _alg_block(a: Algorithm) -> dict[str, Any]:
    block: dict[str, Any] = {"slug": a.slug, "name": a.name}
    block.update({k: getattr(a, k) for k in _ALG_FIELDS})
    block["owners"] = {role: list(names) for role, names in a.owners.items()}
    return block


def _extra(x: Assessment) -> dict[str, Any]:
    return {
        "reason": x.reason,
        "responsible": x.responsible,
        "reviewer": x.reviewer,
        "updated_at": x.updated_at,
        "updated_by": x.updated_by,
    }


def _persons(name: str | None) -> list[dict[str, str]]:
    # AMT links persons to its own users by uuid, which algoprint cannot know.
    return [{"name": name, "uuid": ""}] if name else []


def export_amt(store: Store, *, algorithm: str | None = None) -> dict[str, Any]:
    """The AMT-shaped document of every active algorithm (or one), all seven measures each.

    Raises:
        InputError / NotFound: an invalid or unknown ``algorithm``.
    """
    out = []
    for entry in _entries(store, algorithm):
        done = {x.measure: x for x in entry.assessments}
        tasks = []
        for m in measures():
            x = done.get(m.code, Assessment(entry.algorithm.slug, m.code))
            tasks.append(
                {
                    "urn": m.urn,
                    "state": AMT_STATES[x.state],
                    "value": x.note or "",
                    "links": list(x.links),
                    "files": [],
                    "version": ALGORITMEKADER_VERSION,
                    "accountable_persons": [
                        {"name": n, "uuid": ""}
                        for n in entry.algorithm.owners.get("projectleider", ())
                    ],
                    "reviewer_persons": _persons(x.reviewer),
                    "responsible_persons": _persons(x.responsible),
                    "lifecycle": list(m.lifecycle),
                }
            )
        out.append(
            {
                "name": entry.algorithm.name,
                "measures": tasks,
                "x_algoprint": {
                    "algorithm": _alg_block(entry.algorithm),
                    "measures": {measure(x.measure).urn: _extra(x) for x in entry.assessments},
                },
            }
        )
    return {
        "format": AMT_FORMAT,
        "format_version": _FORMAT_VERSION,
        "algoritmekader_version": ALGORITMEKADER_VERSION,
        "algorithms": out,
    }


def task_registry_measure(code: str) -> dict[str, Any]:
    """The task-registry document (schema_measures.json 1.1.0) of one measure.

    ``explanation`` is the Algoritmekader's summary (*toelichting*); ``owners`` and ``date``
    are as the task registry publishes them (the Algoritmekader, no date).
    """
    m = measure(code)
    doc = {k: v for k, v in m.registry.items() if k != "source_path"}
    doc["explanation"] = m.summary("nl")
    doc["owners"] = [{"organization": "Algoritmekader", "name": "", "email": "", "role": ""}]
    doc["date"] = ""
    return doc


def export_task_registry(store: Store, *, algorithm: str | None = None) -> dict[str, Any]:
    """The seven task-registry measure documents plus, per algorithm, the filled system-card
    entries (``template``: requirement, remarks, status, timestamp, authors)."""
    out = []
    for entry in _entries(store, algorithm):
        cards = []
        for x in entry.assessments:
            cards.append(
                {
                    "requirement": measure(x.measure).urn,
                    "remarks": x.note or "",
                    "status": AMT_STATES[x.state],
                    "timestamp": x.updated_at or "",
                    "authors": [{"name": x.updated_by or "", "email": "", "role": ""}],
                }
            )
        out.append(
            {
                "name": entry.algorithm.name,
                "systemcard": {"requirements": cards},
                "x_algoprint": {
                    "algorithm": _alg_block(entry.algorithm),
                    "measures": {
                        measure(x.measure).urn: {**_extra(x), "links": list(x.links)}
                        for x in entry.assessments
                    },
                },
            }
        )
    return {
        "format": TASK_REGISTRY_FORMAT,
        "format_version": _FORMAT_VERSION,
        "algoritmekader_version": ALGORITMEKADER_VERSION,
        "measures": [task_registry_measure(m.code) for m in measures()],
        "algorithms": out,
    }


# --- import ---------------------------------------------------------------------------------


def _state(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"{where}: state must be text, got {value!r}")
    if value.strip().lower() in _FROM_AMT:
        return _FROM_AMT[value.strip().lower()]
    try:
        return parse_state(value)
    except InputError:
        raise InputError(
            f"{where}: unknown state {value!r}",
            hint=f"use one of {', '.join(AMT_STATES.values())} (AMT) or {', '.join(STATES)}",
        ) from None


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError(f"{where} must be an object")
    return value


def _list(value: Any, where: str) -> Sequence[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"{where} must be a list")
    return value


def _first_name(persons: Any, where: str) -> str | None:
    for p in _list(persons, where):
        name = _mapping(p, where).get("name")
        if name:
            return str(name)
    return None


def _algorithm_of(item: Mapping[str, Any], where: str) -> Algorithm:
    block = _mapping(_mapping(item.get("x_algoprint") or {}, where).get("algorithm") or {}, where)
    name = str(block.get("name") or item.get("name") or "").strip()
    slug = block.get("slug") or re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    owners = _mapping(block.get("owners") or {}, f"{where} owners")
    fields: dict[str, Any] = {k: block.get(k) for k in _ALG_FIELDS}
    return Algorithm(
        slug=validate_slug(str(slug)),
        name=name or str(slug),
        owners={str(k): tuple(str(n) for n in _list(v, where)) for k, v in owners.items()},
        **fields,
    )


def _ts(value: Any, fallback: datetime) -> datetime:
    from algoprint.store._convert import parse_ts

    return parse_ts(value, "updated_at") if value else fallback


def _write(
    store: Store,
    plan: list[tuple[Algorithm, list[dict[str, Any]]]],
    source: str,
    by: str | None,
    settings_extra: Mapping[str, Any] | None,
) -> dict[str, int]:
    who = current_user(by)
    now = datetime.now(UTC)
    counts = {"algorithms_added": 0, "assessments": 0}
    for alg, rows in plan:
        try:
            get_algorithm(store, alg.slug)
        except NotFound:
            add_algorithm(store, alg, settings_extra=settings_extra, now=now)
            counts["algorithms_added"] += 1
        current = {x.measure: x for x in list_assessments(store, alg.slug)}
        for row in rows:
            x = current[row["measure"]]
            old_state = x.state if x.updated_at else None
            entry = {
                "algorithm": alg.slug,
                "measure": row["measure"],
                "changed_at": now,
                "changed_by": who,
                "old_state": old_state,
                "new_state": row["state"],
                "note": f"imported from {source}",
                "changes": {"import": [None, source]},
            }
            store.write_assessment({**row, "algorithm": alg.slug}, entry, expected_state=old_state)
            counts["assessments"] += 1
    return counts


def _row(code: str, values: Mapping[str, Any], where: str, now: datetime) -> dict[str, Any]:
    state = values["state"]
    reason = values.get("reason") or None
    if state == NOT_APPLICABLE and not reason:
        reason = values.get("note") or f"not implemented (imported without a reason, {where})"
    links = [str(u) for u in _list(values.get("links"), f"{where} links")]
    return {
        "measure": code,
        "state": state,
        "reason": reason if state == NOT_APPLICABLE else None,
        "responsible": values.get("responsible") or None,
        "reviewer": values.get("reviewer") or None,
        "note": values.get("note") or None,
        "links": links,
        "updated_at": _ts(values.get("updated_at"), now),
        "updated_by": str(values.get("updated_by") or "import"),
    }


def _check_format(doc: Any, expected: str) -> Mapping[str, Any]:
    data = _mapping(doc, "the document")
    if data.get("format") != expected:
        raise InputError(
            f"not an {expected} document (format {data.get('format')!r})",
            hint="export it with algoprint kader export, or check the file",
        )
    return data


def import_amt(
    store: Store,
    doc: Mapping[str, Any],
    *,
    by: str | None = None,
    settings_extra: Mapping[str, Any] | None = None,
) -> dict[str, int]:
    """Import an :func:`export_amt` document: algorithms are registered when new, and every
    measure that was assessed (or carries non-default values) is written with history.

    The whole document is checked before anything is written.

    Raises:
        InputError: wrong format, an unknown measure URN or state, a bad slug; an archived
            algorithm (nothing is written for it).
    """
    data = _check_format(doc, AMT_FORMAT)
    now = datetime.now(UTC)
    plan = []
    for i, raw in enumerate(_list(data.get("algorithms"), "algorithms")):
        where = f"algorithms[{i}]"
        item = _mapping(raw, where)
        alg = _algorithm_of(item, where)
        extras = _mapping(
            _mapping(item.get("x_algoprint") or {}, where).get("measures") or {}, where
        )
        rows = []
        for j, task_raw in enumerate(_list(item.get("measures"), f"{where}.measures")):
            at = f"{where}.measures[{j}]"
            task = _mapping(task_raw, at)
            code = measure(str(task.get("urn", ""))).code
            extra = _mapping(extras.get(measure(code).urn) or {}, at)
            values = {
                "state": _state(task.get("state") or "to do", at),
                "note": task.get("value") or None,
                "links": task.get("links"),
                "responsible": _first_name(task.get("responsible_persons"), at),
                "reviewer": _first_name(task.get("reviewer_persons"), at),
                **{k: extra.get(k) for k in ("reason", "updated_at", "updated_by")},
            }
            untouched = values["state"] == "te-doen" and not any(
                values[k] for k in ("note", "links", "responsible", "reviewer")
            )
            if untouched and not extra:
                continue
            rows.append(_row(code, values, at, now))
        if "projectleider" not in alg.owners:
            first = _list(item.get("measures"), where)
            names = [
                _first_name([p], where)
                for t in first[:1]
                for p in _list(_mapping(t, where).get("accountable_persons"), where)
            ]
            if any(names):
                alg = replace(
                    alg, owners={**alg.owners, "projectleider": tuple(filter(None, names))}
                )
        plan.append((alg, rows))
    return _write(store, plan, "AMT", by, settings_extra)


def import_task_registry(
    store: Store,
    doc: Mapping[str, Any],
    *,
    by: str | None = None,
    settings_extra: Mapping[str, Any] | None = None,
) -> dict[str, int]:
    """Import an :func:`export_task_registry` document (its system-card entries).

    Raises:
        InputError: as :func:`import_amt`.
    """
    data = _check_format(doc, TASK_REGISTRY_FORMAT)
    now = datetime.now(UTC)
    plan = []
    for i, raw in enumerate(_list(data.get("algorithms"), "algorithms")):
        where = f"algorithms[{i}]"
        item = _mapping(raw, where)
        alg = _algorithm_of(item, where)
        extras = _mapping(
            _mapping(item.get("x_algoprint") or {}, where).get("measures") or {}, where
        )
        card = _mapping(item.get("systemcard") or {}, where)
        rows = []
        for j, req_raw in enumerate(_list(card.get("requirements"), f"{where}.systemcard")):
            at = f"{where}.systemcard.requirements[{j}]"
            req = _mapping(req_raw, at)
            code = measure(str(req.get("requirement", ""))).code
            extra = _mapping(extras.get(measure(code).urn) or {}, at)
            authors = _list(req.get("authors"), at)
            values = {
                "state": _state(req.get("status") or "to do", at),
                "note": req.get("remarks") or None,
                "links": extra.get("links"),
                "responsible": extra.get("responsible"),
                "reviewer": extra.get("reviewer"),
                "reason": extra.get("reason"),
                "updated_at": extra.get("updated_at") or req.get("timestamp"),
                "updated_by": extra.get("updated_by") or _first_name(authors, at),
            }
            rows.append(_row(code, values, at, now))
        plan.append((alg, rows))
    return _write(store, plan, "the task registry", by, settings_extra)


_METHOD_NL = {
    "counter": "energietellers van de processor of videokaart",
    "power-integration": "metingen van het vermogen",
    "model": "een rekenmodel (een schatting)",
    "constant": "een vaste waarde (een schatting)",
    "user": "waarden die de organisatie zelf opgaf",
}


def _kwh(energy_j: float) -> str:
    return f"{energy_j / 3.6e6:.3g}".replace(".", ",")


def _kg(grams: float) -> str:
    return f"{grams / 1000:.3g}".replace(".", ",")


def _measures_text(store: Store, alg: Algorithm) -> str:
    from algoprint.kader.assessments import state_label

    found = list_assessments(store, alg.slug)
    counts = {s: sum(1 for x in found if x.state == s) for s in STATES}
    parts = [f"{n} {state_label(s, 'nl')}" for s, n in counts.items() if n]
    lines = [
        "Wij letten bij dit algoritme op duurzaamheid. Daarvoor volgen wij de zeven "
        "maatregelen over duurzaam werken uit het Algoritmekader "
        f"({ALGORITMEKADER_VERSION}).",
        f"Stand van de maatregelen: {', '.join(parts)}.",
    ]
    ready = [measure(x.measure).title("nl") for x in found if x.state == "gereed"]
    if ready:
        lines.append(f"Klaar: {'; '.join(ready)}.")
    for x in found:
        if x.state == NOT_APPLICABLE:
            reason = (x.reason or "").rstrip(".")
            title = measure(x.measure).title("nl")
            lines.append(f"Niet van toepassing: {title}. Reden: {reason}.")
    return " ".join(lines)


def _footprint_text(
    store: Store,
    alg: Algorithm,
    *,
    year: int | None,
    settings_extra: Mapping[str, Any] | None,
    now: datetime | None,
) -> str:
    from algoprint.kader.goals import algorithm_footprint

    fp = algorithm_footprint(store, alg.slug, year=year, settings_extra=settings_extra, now=now)
    if fp.runs == 0 or fp.energy_it_j <= 0:
        return (
            "Wij meten het energieverbruik van dit algoritme met algoprint. Er zijn nog geen "
            "metingen om hier te noemen."
        )
    period = f"in {fp.year} tot nu toe" if fp.partial else f"in {fp.year}"
    lines = [
        "Wij meten hoeveel stroom dit algoritme gebruikt. Dat doen wij met het programma "
        "algoprint.",
        f"Het algoritme gebruikte {period} {_kwh(fp.energy_it_j)} kWh stroom in "
        f"{fp.runs} metingen.",
    ]
    split = [
        f"{_kwh(e)} kWh voor {name}"
        for key, name in (("training", "trainen"), ("use", "gebruik"))
        if (e := fp.energy_by_phase_j.get(key))
    ]
    if split:
        lines.append(f"Daarvan was {' en '.join(split)}.")
    if fp.co2e_location_g is not None:
        lines.append(
            f"Dat geeft ongeveer {_kg(fp.co2e_location_g)} kg CO2-uitstoot. Dat is berekend "
            f"met de gemiddelde stroommix van {fp.zone} en het energiegebruik van het "
            "datacenter."
        )
    if fp.co2e_market_g is not None:
        lines.append(
            f"Met het stroomcontract dat wij hebben is het {_kg(fp.co2e_market_g)} kg CO2."
        )
    methods = [_METHOD_NL.get(m, m) for m in fp.methods]
    if methods:
        lines.append(f"De stroom is gemeten met {', '.join(methods)}.")
    if fp.uncertainty_rel is not None:
        lines.append(f"De meting kan ongeveer {fp.uncertainty_rel * 100:.0f} procent afwijken.")
    if fp.used_default_location:
        lines.append(
            "Waar het algoritme draait is nog niet vastgelegd. Daarom is gerekend met de "
            f"gemiddelde stroommix van {fp.zone}."
        )
    return " ".join(lines)


def algoritmeregister_text(
    store: Store,
    slug: str,
    *,
    year: int | None = None,
    settings_extra: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> dict[str, str]:
    """Dutch texts (B1) for the Algoritmeregister fields *Afwegingen* and *Technische werking*.

    *Afwegingen*: the state of the seven measures, with the reasons for those that do not
    apply. *Technische werking*: energy and CO2e (location- and market-based) of one year with
    how they were measured (see :func:`~algoprint.kader.goals.algorithm_footprint`).

    Args:
        year: the year to describe; default the most recent year with runs.

    Returns:
        ``{"afwegingen": ..., "technische_werking": ...}``.

    Raises:
        InputError / NotFound: an invalid or unknown slug.
    """
    alg = get_algorithm(store, slug)
    return {
        "afwegingen": _measures_text(store, alg),
        "technische_werking": _footprint_text(
            store, alg, year=year, settings_extra=settings_extra, now=now
        ),
    }
