"""The AMT system card: export a fragment AMT understands, and pull AMT's own download back.

:func:`export_card` writes, for one algorithm, the part of an AMT system card that algoprint
knows: ``name``, ``owners`` (``organization``, and the owners by role), ``description``,
``status`` (the lifecycle phase in AMT's vocabulary, where AMT's card keeps it) and
``measures`` (one ``MeasureTask`` per sustainability measure, see
:mod:`algoprint.exchange._amt_common`). It is YAML like AMT's own download
(``GET /algorithm/{id}/download``); AMT has no import endpoint, so the card is for people and
tools, and :mod:`algoprint.exchange.amt_push` is how measures get into a running AMT.

:func:`pull_card` reads AMT's download (YAML or JSON, a bare card or one wrapped as
``{"system_card": ...}``), takes the seven sustainability measures and counts the others.
An empty state, or AMT's default ``to do`` with nothing filled in, is "not set" and leaves
algoprint's assessment alone; an empty field keeps algoprint's value. The whole card is
checked before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from algoprint.errors import InputError, NotFound
from algoprint.exchange._amt_common import (
    KNOWN_MEASURE_VERSIONS,
    AmtSettings,
    amt_lifecycle,
    measure_task,
    person_name,
    phase_from_amt,
    state_from_amt,
)
from algoprint.exchange._measures import _list, _mapping, _row, _write
from algoprint.exchange.amt_push import PushItem
from algoprint.kader.assessments import NOT_APPLICABLE, current_user, list_assessments
from algoprint.kader.catalogue import MEASURE_CODES, measure, measures
from algoprint.kader.register import Algorithm, edit_algorithm, get_algorithm, validate_slug

if TYPE_CHECKING:
    from algoprint.store import Store

__all__ = [
    "PullResult",
    "card_kind",
    "export_card",
    "load_document",
    "pull_card",
    "push_plan",
]

_OURS = {f"urn:nl:ak:mtr:{c}" for c in MEASURE_CODES}


def export_card(
    store: Store, slug: str, settings: AmtSettings | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The AMT system-card fragment of ``slug`` and the notes for the user (persons left out).

    Raises:
        InputError / NotFound: an invalid or unknown slug.
    """
    users = (settings or AmtSettings()).users
    alg = get_algorithm(store, slug)
    done = {x.measure: x for x in list_assessments(store, slug)}
    left_out: list[str] = []
    accountable = next(iter(alg.owners.get("projectleider", ())), None)
    tasks = [
        measure_task(m, done[m.code], accountable=accountable, users=users, left_out=left_out)
        for m in measures()
    ]
    owners: list[dict[str, str]] = [
        {"organization": alg.organisation or "", "name": name, "role": role}
        for role, names in sorted(alg.owners.items())
        for name in names
    ]
    if not owners and alg.organisation:
        owners = [{"organization": alg.organisation}]
    card: dict[str, Any] = {"name": alg.name, "owners": owners}
    if alg.description:
        card["description"] = alg.description
    if lifecycle := amt_lifecycle(alg.lifecycle_phase):
        card["status"] = lifecycle
    card["measures"] = tasks
    notes = [
        f"{name}: left out of the persons (no AMT user uuid for this name in [amt.users])"
        for name in left_out
    ]
    return card, notes


def load_document(text: str, source: str) -> Any:
    """A JSON or YAML document (AMT's download is YAML).

    Raises:
        InputError: neither, naming ``source``.
    """
    import yaml

    stripped = text.lstrip()
    try:
        if stripped.startswith(("{", "[")):
            return json.loads(text)
        return yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as e:
        raise InputError(
            f"cannot read {source} as JSON or YAML: {str(e).splitlines()[0]}",
            hint="give AMT's system-card download (.yaml) or an algoprint export",
        ) from None


def card_kind(doc: Any) -> tuple[str, Any]:
    """``("envelope" | "task-registry" | "card", document)``; a wrapped card is unwrapped.

    Raises:
        InputError: not a document algoprint knows.
    """
    if isinstance(doc, Mapping):
        fmt = doc.get("format")
        if fmt == "algoprint/amt-measures":
            return "envelope", doc
        if fmt == "algoprint/task-registry-measures":
            return "task-registry", doc
        if fmt is None and isinstance(doc.get("system_card"), Mapping):
            return "card", doc["system_card"]
        if fmt is None and any(k in doc for k in ("measures", "requirements", "ai_act_profile")):
            return "card", doc
    raise InputError(
        "not an AMT system card nor an algoprint export (no measures, requirements or format)",
        hint="download the card in AMT (Algoritme > Systeemkaart > Download) or export it with "
        "algoprint amt export",
    )


@dataclass
class PullResult:
    """What :func:`pull_card` did.

    Attributes:
        algorithm: the slug written to; ``algorithm_added`` when it was registered now.
        algorithm_fields: the algorithm fields taken from the card.
        assessments: measures written; ``unchanged``: same as algoprint had already;
            ``not_set``: empty or untouched in AMT (left alone).
        other_measures: measures on the card that are not one of the seven.
        notes: remarks for the user (persons without uuid, an unknown card version).
    """

    algorithm: str
    algorithm_added: bool = False
    algorithm_fields: list[str] = field(default_factory=list)
    assessments: int = 0
    unchanged: int = 0
    not_set: int = 0
    other_measures: int = 0
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dict(self.__dict__)


def _slug_of(card: Mapping[str, Any], algorithm: str | None) -> str:
    if algorithm:
        return validate_slug(algorithm)
    name = str(card.get("name") or "").strip()
    if not name:
        raise InputError("the card has no name", hint="give the algorithm: --algorithm SLUG")
    import re

    return validate_slug(re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"))


def _card_algorithm(card: Mapping[str, Any], slug: str) -> dict[str, Any]:
    fields_: dict[str, Any] = {}
    if name := str(card.get("name") or "").strip():
        fields_["name"] = name
    if description := str(card.get("description") or "").strip():
        fields_["description"] = description
    lifecycle = card.get("lifecycle") or card.get("status")
    if phase := phase_from_amt(lifecycle, "status"):
        fields_["lifecycle_phase"] = phase
    owners: dict[str, list[str]] = {}
    for i, raw in enumerate(_list(card.get("owners"), "owners")):
        owner = _mapping(raw, f"owners[{i}]")
        org = str(owner.get("organization") or "").strip()
        if org and "organisation" not in fields_:
            fields_["organisation"] = org
        name, role = str(owner.get("name") or "").strip(), str(owner.get("role") or "").strip()
        if name and role:
            owners.setdefault(role, []).append(name)
    if owners:
        fields_["owners"] = {k: tuple(v) for k, v in owners.items()}
    return fields_


def pull_card(
    store: Store,
    card: Mapping[str, Any],
    *,
    algorithm: str | None = None,
    settings: AmtSettings | None = None,
    by: str | None = None,
    settings_extra: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> PullResult:
    """Take the sustainability measures and algorithm fields of an AMT card into the store.

    Args:
        algorithm: the slug to write to (default: from the card's name); registered when new.

    Raises:
        InputError: a card that is not one, an unknown state or lifecycle, a measure from a
            task-registry schema version this algoprint does not read, an archived
            algorithm; nothing is written then.
    """
    card = _mapping(card, "the card")
    users = settings or AmtSettings()
    when = datetime.now(UTC) if now is None else now
    slug = _slug_of(card, algorithm)
    result = PullResult(algorithm=slug)
    alg_fields = _card_algorithm(card, slug)
    try:
        current_alg: Algorithm | None = get_algorithm(store, slug)
    except NotFound:
        current_alg = None
    if current_alg is not None and current_alg.archived:
        raise InputError(
            f"algorithm {slug!r} is archived; nothing was imported",
            hint=f"unarchive it first: algoprint algorithm unarchive {slug}",
        )
    current = {x.measure: x for x in list_assessments(store, slug)} if current_alg else {}
    rows = []
    who = current_user(by)
    for j, raw in enumerate(_list(card.get("measures"), "measures")):
        at = f"measures[{j}]"
        task = _mapping(raw, at)
        urn = str(task.get("urn") or "").strip().lower()
        if urn not in _OURS:
            result.other_measures += 1
            continue
        version = str(task.get("version") or "")
        if version and version not in KNOWN_MEASURE_VERSIONS:
            raise InputError(
                f"{at} ({urn}): task-registry schema version {version!r}; this algoprint reads "
                f"{', '.join(sorted(KNOWN_MEASURE_VERSIONS))}; nothing was imported",
                hint="update algoprint, or take the card from an AMT that uses those measures",
            )
        code = measure(urn).code
        state = state_from_amt(task.get("state"), f"{at} ({urn})")
        value = str(task.get("value") or "").strip()
        links = [str(u) for u in _list(task.get("links"), f"{at}.links") if u]
        responsible = person_name(
            task.get("responsible_persons"), users.names_by_uuid, at, result.notes
        )
        reviewer = person_name(task.get("reviewer_persons"), users.names_by_uuid, at, result.notes)
        accountable = person_name(
            task.get("accountable_persons"), users.names_by_uuid, at, result.notes
        )
        if accountable and "owners" not in alg_fields:
            have = current_alg.owners.get("projectleider", ()) if current_alg else ()
            if accountable not in have:
                alg_fields["owners"] = {"projectleider": (accountable, *have)}
        untouched = state == "te-doen" and not (value or links or responsible or reviewer)
        if state is None or untouched:
            result.not_set += 1
            continue
        old = current.get(code)
        values = {
            "state": state,
            "note": (None if state == NOT_APPLICABLE else value) or (old.note if old else None),
            "reason": (value or (old.reason if old else None)) if state == NOT_APPLICABLE else None,
            "links": links or (list(old.links) if old else []),
            "responsible": responsible or (old.responsible if old else None),
            "reviewer": reviewer or (old.reviewer if old else None),
            "updated_by": who,
        }
        if state == NOT_APPLICABLE and value:
            values["note"] = None
        if old is not None and old.updated_at and _same(old, values):
            result.unchanged += 1
            continue
        rows.append(_row(code, values, f"{at} ({urn})", when))
    if not rows and not result.not_set and not result.unchanged and result.other_measures == 0:
        raise InputError(
            "the card has no measures",
            hint="download the card of an algorithm in AMT, or export one with algoprint amt "
            "export",
        )
    if current_alg is None:
        new = Algorithm(slug=slug, name=alg_fields.pop("name", slug), **alg_fields)
        result.algorithm_added = True
        result.algorithm_fields = sorted(k for k in _card_algorithm(card, slug) if k != "name")
        _write(store, [(new, rows)], "AMT", by, settings_extra)
    else:
        changes = {k: v for k, v in alg_fields.items() if getattr(current_alg, k) != v}
        if "owners" in changes:
            changes["owners"] = {**current_alg.owners, **changes["owners"]}
        if changes:
            edit_algorithm(store, slug, changes, settings_extra=settings_extra, now=when)
            result.algorithm_fields = sorted(changes)
        _write(store, [(replace(current_alg), rows)], "AMT", by, settings_extra)
    result.assessments = len(rows)
    schema = card.get("schema_version")
    if schema and not str(schema).startswith("0.1"):
        result.notes.append(
            f"the card has AMT schema_version {schema!r}; algoprint was checked against 0.1a10"
        )
    return result


def _same(old: Any, values: Mapping[str, Any]) -> bool:
    return bool(
        old.state == values["state"]
        and (old.note or None) == (values["note"] or None)
        and (old.reason or None) == (values["reason"] or None)
        and list(old.links) == list(values["links"])
        and old.responsible == values["responsible"]
        and old.reviewer == values["reviewer"]
    )


def push_plan(
    store: Store,
    slug: str,
    settings: AmtSettings | None = None,
    *,
    report_url: str | None = None,
    settings_extra: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> tuple[list[PushItem], dict[str, str], list[str]]:
    """The form posts that set ``slug``'s assessed measures in AMT.

    The value is the note (for *niet van toepassing* the reason first); mon-06 gets the
    year's energy and CO2e sentences; every value ends with the link to the algoprint report
    when there is one. Persons are sent by name only when ``[amt.users]`` maps them.

    Returns:
        The items to send, the measures left out (never assessed) with why, and notes.

    Raises:
        InputError / NotFound: an invalid or unknown slug.
    """
    from algoprint.exchange.algoritmeregister import figures_text

    amt = settings or AmtSettings()
    alg = get_algorithm(store, slug)
    accountable = next(iter(alg.owners.get("projectleider", ())), None)
    link = report_url or amt.report_url
    items: list[PushItem] = []
    skipped: dict[str, str] = {}
    left_out: list[str] = []
    for x in list_assessments(store, slug):
        m = measure(x.measure)
        if not x.updated_at:
            skipped[m.code] = "not assessed in algoprint yet (AMT keeps its own state)"
            continue
        task = measure_task(m, x, accountable=accountable, users=amt.users, left_out=left_out)
        value = [task["value"]]
        if m.code == "mon-06":
            value.append(figures_text(store, slug, settings_extra=settings_extra, now=now) or "")
        if link:
            value.append(f"Rapport van algoprint: {link}")
        fields_: list[tuple[str, str]] = [
            ("measure_state", task["state"]),
            ("measure_value", "\n\n".join(v for v in value if v)),
        ]
        fields_ += [("measure_links", u) for u in task["links"]]
        for form, key in (
            ("measure_responsible", "responsible_persons"),
            ("measure_reviewer", "reviewer_persons"),
            ("measure_accountable", "accountable_persons"),
        ):
            fields_.append((form, task[key][0]["name"] if task[key] else ""))
        items.append(PushItem(m.code, m.urn, tuple(fields_)))
    notes = [
        f"{name}: not sent as a person (no AMT user uuid for this name in [amt.users])"
        for name in left_out
    ]
    return items, skipped, notes
