"""What the AMT and task-registry formats share: the entries to export, the ``x_algoprint``
blocks that carry what the formats have no field for, and the checked import path.

Attached files stay in the store: AMT's ``files`` holds AMT's own file ids, so it is exported
empty. Every import checks the whole document before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
from algoprint.kader.register import (
    Algorithm,
    add_algorithm,
    get_algorithm,
    list_algorithms,
    validate_slug,
)

if TYPE_CHECKING:
    from algoprint.store import Store

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
