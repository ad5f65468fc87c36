"""AMT (MinBZK's Algorithm Management Toolkit): measure assessments as a system card.

:func:`export_amt` / :func:`import_amt`: per algorithm a list of measure tasks with ``urn``,
``state`` (AMT's ``to do``, ``in progress``, ``in review``, ``done``, ``not implemented``),
``value`` (the explanation), ``links``, ``files``, ``version`` (the Algoritmekader version),
``lifecycle`` and the responsible/reviewer/accountable persons.

What AMT has no field for (the reason for *niet van toepassing*, who changed it when, the
algorithm's register fields) travels in ``x_algoprint`` blocks, so that export -> import into
an empty store -> export gives the same document. Attached files stay in the store: AMT's
``files`` holds AMT's own file ids, so it is exported empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
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
    _persons,
    _row,
    _state,
    _write,
)
from algoprint.kader.assessments import Assessment
from algoprint.kader.catalogue import ALGORITMEKADER_VERSION, measure, measures

if TYPE_CHECKING:
    from algoprint.store import Store

__all__ = ["AMT_FORMAT", "AMT_STATES", "export_amt", "import_amt"]

AMT_FORMAT = "algoprint/amt-measures"


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
