"""algoprint's own AMT envelope: every algorithm's measures as AMT ``MeasureTask`` entries.

:func:`export_amt` / :func:`import_amt`: a JSON document (``format: algoprint/amt-measures``)
with, per algorithm, AMT-shaped measure tasks (see :mod:`algoprint.exchange._amt_common`:
AMT's states, ``version`` = the task registry's schema version, persons only with an AMT user
uuid, the reason for *niet van toepassing* in ``value``) plus ``x_algoprint`` blocks for what
AMT has no field for (who changed it when, the register fields), so that export -> import into
an empty store -> export gives the same document. This is algoprint's exchange format between
algoprint stores; AMT itself reads neither it nor any upload: for AMT use
:mod:`algoprint.exchange.amt_card` (the system-card fragment and AMT's download) and
:mod:`algoprint.exchange.amt_push` (AMT's measure form).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from algoprint.exchange._amt_common import AmtSettings, measure_task
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
from algoprint.kader.assessments import NOT_APPLICABLE, Assessment
from algoprint.kader.catalogue import ALGORITMEKADER_VERSION, measure, measures

if TYPE_CHECKING:
    from algoprint.store import Store

__all__ = ["AMT_FORMAT", "AMT_STATES", "export_amt", "import_amt"]

AMT_FORMAT = "algoprint/amt-measures"


def export_amt(
    store: Store, *, algorithm: str | None = None, settings: AmtSettings | None = None
) -> dict[str, Any]:
    """The envelope of every active algorithm (or one), all seven measures each.

    Args:
        settings: the ``[amt]`` settings; persons are written only when ``settings.users``
            maps their name to an AMT user uuid (the names travel in ``x_algoprint``).

    Raises:
        InputError / NotFound: an invalid or unknown ``algorithm``.
    """
    users = (settings or AmtSettings()).users
    out = []
    for entry in _entries(store, algorithm):
        done = {x.measure: x for x in entry.assessments}
        accountable = next(iter(entry.algorithm.owners.get("projectleider", ())), None)
        left_out: list[str] = []
        tasks = [
            measure_task(
                m,
                done.get(m.code, Assessment(entry.algorithm.slug, m.code)),
                accountable=accountable,
                users=users,
                left_out=left_out,
            )
            for m in measures()
        ]
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
            state = _state(task.get("state") or "to do", at)
            note = task.get("value") or None
            if state == NOT_APPLICABLE and note:
                # the value starts with the reason (see amt_value); the rest is the note
                reason = str(extra.get("reason") or note)
                note = str(note).removeprefix(reason).strip() or None
            values = {
                "state": state,
                "note": note,
                "links": task.get("links"),
                "responsible": _first_name(task.get("responsible_persons"), at)
                or extra.get("responsible"),
                "reviewer": _first_name(task.get("reviewer_persons"), at) or extra.get("reviewer"),
                "reason": extra.get("reason") or task.get("value") or None,
                **{k: extra.get(k) for k in ("updated_at", "updated_by")},
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
