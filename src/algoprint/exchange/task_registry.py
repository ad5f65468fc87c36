"""The task registry: the seven measures as task-registry documents and their system-card
entries.

:func:`export_task_registry` / :func:`import_task_registry`: the measures as task-registry
documents (``schemas/schema_measures.json`` 1.1.0) and, per algorithm, the system-card entries
that the measures' ``template`` describes. What the registry has no field for travels in
``x_algoprint`` blocks, as in :mod:`algoprint.exchange.amt`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from algoprint.exchange._measures import (
    _FORMAT_VERSION,
    AMT_STATES,
    _alg_block,
    _algorithm_of,
    _check_format,
    _entries,
    _extra,
    _first_name,
    _list,
    _mapping,
    _row,
    _state,
    _write,
)
from algoprint.kader.catalogue import ALGORITMEKADER_VERSION, measure, measures

if TYPE_CHECKING:
    from algoprint.store import Store

__all__ = [
    "TASK_REGISTRY_FORMAT",
    "export_task_registry",
    "import_task_registry",
    "task_registry_measure",
]

TASK_REGISTRY_FORMAT = "algoprint/task-registry-measures"


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
