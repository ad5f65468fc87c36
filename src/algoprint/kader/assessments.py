"""Assessments: where each algorithm stands on each of the seven measures, with history.

An assessment is a person's judgement (state, note, responsible, reviewer, links, files); it
never changes by itself. Automatic evidence (:mod:`algoprint.kader.evidence`) is shown beside
it on the board (:func:`board`) and never flips the state.

Every change appends a history entry (who, when, old/new state, what changed). Attached files
are stored in the database (content, sha256, name, size; at most
:data:`MAX_ATTACHMENT_BYTES` each), so they travel with the store on SQLite and PostgreSQL
alike. See docs/register.md.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from algoprint.errors import InputError
from algoprint.kader.catalogue import MEASURE_CODES, measure
from algoprint.kader.register import Algorithm, get_algorithm, list_algorithms

if TYPE_CHECKING:
    from algoprint.kader.evidence import MeasureEvidence
    from algoprint.store import Store

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "NOT_APPLICABLE",
    "STATES",
    "STATE_LABELS",
    "Assessment",
    "AttachedFile",
    "BoardRow",
    "HistoryEntry",
    "board",
    "current_user",
    "get_assessment",
    "history",
    "list_assessments",
    "parse_state",
    "set_assessment",
    "state_choices",
    "state_label",
]

STATES: tuple[str, ...] = (
    "te-doen",
    "in-uitvoering",
    "ter-review",
    "gereed",
    "niet-van-toepassing",
)
"""The states of an assessment, in workflow order."""
NOT_APPLICABLE = "niet-van-toepassing"
STATE_LABELS: Mapping[str, Mapping[str, str]] = {
    "te-doen": {"nl": "te doen", "en": "to do"},
    "in-uitvoering": {"nl": "in uitvoering", "en": "in progress"},
    "ter-review": {"nl": "ter review", "en": "in review"},
    "gereed": {"nl": "gereed", "en": "done"},
    "niet-van-toepassing": {"nl": "niet van toepassing", "en": "not applicable"},
}
STATE_ALIASES: Mapping[str, str] = {"not-implemented": "niet-van-toepassing"}
"""Other accepted spellings: AMT calls a measure that does not apply ``not implemented``."""
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
"""Largest file that can be attached (5 MiB): evidence documents, not datasets."""


def _norm(text: str) -> str:
    return re.sub(r"[\s_-]+", "-", text.strip().lower())


def parse_state(text: str) -> str:
    """A state slug from a slug, a Dutch label (``"niet van toepassing"``) or an English one.

    Raises:
        InputError: not a known state (the message lists them).
    """
    key = _norm(text)
    key = STATE_ALIASES.get(key, key)
    for slug, labels in STATE_LABELS.items():
        if key in {slug, _norm(labels["nl"]), _norm(labels["en"])}:
            return slug
    raise InputError(
        f"unknown assessment state {text!r}",
        hint=f"use one of {', '.join(STATES)} (Dutch labels with spaces work too)",
    )


def state_choices() -> list[str]:
    """Every accepted spelling of a state for choices and completion: the slugs, then the
    English labels and aliases (``to-do``, ``not-implemented``, ...)."""
    english = [_norm(labels["en"]) for labels in STATE_LABELS.values()]
    return [*STATES, *english, *STATE_ALIASES]


def state_label(state: str, lang: str = "nl") -> str:
    """The label of ``state`` in ``lang`` (``nl`` or ``en``)."""
    if lang not in {"nl", "en"}:
        raise InputError(f"unsupported language {lang!r}", hint="use nl or en")
    return STATE_LABELS[state][lang]


def current_user(by: str | None = None) -> str:
    """Who makes a change: ``by`` if given, else the login name, else ``"unknown"``."""
    if by and by.strip():
        return by.strip()
    name = os.environ.get("USER") or os.environ.get("USERNAME")
    if name:
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        return "unknown"


@dataclass(frozen=True, slots=True)
class AttachedFile:
    """A file attached to an assessment (content kept in the store)."""

    name: str
    sha256: str
    size_bytes: int
    added_at: str
    added_by: str


@dataclass(frozen=True, slots=True)
class Assessment:
    """The current assessment of one measure for one algorithm.

    ``updated_at`` is ``None`` (and the state ``te-doen``) when nobody assessed it yet.
    ``reason`` is set only for ``niet-van-toepassing``.
    """

    algorithm: str
    measure: str
    state: str = "te-doen"
    reason: str | None = None
    responsible: str | None = None
    reviewer: str | None = None
    note: str | None = None
    links: tuple[str, ...] = ()
    files: tuple[AttachedFile, ...] = ()
    updated_at: str | None = None
    updated_by: str | None = None

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-ready form with the state label in ``lang``."""
        return {
            "algorithm": self.algorithm,
            "measure": self.measure,
            "state": self.state,
            "state_label": state_label(self.state, lang),
            "reason": self.reason,
            "responsible": self.responsible,
            "reviewer": self.reviewer,
            "note": self.note,
            "links": list(self.links),
            "files": [
                {
                    "name": f.name,
                    "sha256": f.sha256,
                    "size_bytes": f.size_bytes,
                    "added_at": f.added_at,
                    "added_by": f.added_by,
                }
                for f in self.files
            ],
            "updated_at": self.updated_at,
            "updated_by": self.updated_by,
        }


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One change of an assessment; ``changes`` maps field -> ``[old, new]``."""

    algorithm: str
    measure: str
    changed_at: str
    changed_by: str
    old_state: str | None
    new_state: str
    note: str | None
    changes: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "algorithm": self.algorithm,
            "measure": self.measure,
            "changed_at": self.changed_at,
            "changed_by": self.changed_by,
            "old_state": self.old_state,
            "new_state": self.new_state,
            "note": self.note,
            "changes": dict(self.changes),
        }


def _ts(value: datetime) -> str:
    from algoprint.store._analyses import format_ms

    return format_ms(value)


def _file(row: Mapping[str, Any]) -> AttachedFile:
    return AttachedFile(
        name=row["name"],
        sha256=row["sha256"],
        size_bytes=int(row["size_bytes"]),
        added_at=_ts(row["added_at"]),
        added_by=row["added_by"],
    )


def _assessment(row: Mapping[str, Any], files: Iterable[AttachedFile]) -> Assessment:
    return Assessment(
        algorithm=row["algorithm"],
        measure=row["measure"],
        state=row["state"],
        reason=row["reason"],
        responsible=row["responsible"],
        reviewer=row["reviewer"],
        note=row["note"],
        links=tuple(row["links"] or ()),
        files=tuple(files),
        updated_at=_ts(row["updated_at"]),
        updated_by=row["updated_by"],
    )


def get_assessment(store: Store, algorithm: str, measure_code: str) -> Assessment:
    """The assessment of ``measure_code`` for ``algorithm`` (``te-doen`` when never set).

    Raises:
        InputError: unknown measure or bad slug.
        NotFound: the algorithm is not registered.
    """
    code = measure(measure_code).code
    slug = get_algorithm(store, algorithm).slug
    rows = store.assessment_rows(algorithm=slug, measure=code)
    if not rows:
        return Assessment(algorithm=slug, measure=code)
    files = [_file(r) for r in store.assessment_file_rows(slug, code)]
    return _assessment(rows[0], files)


def list_assessments(store: Store, algorithm: str) -> list[Assessment]:
    """All seven assessments of ``algorithm``, in catalogue order (unset ones ``te-doen``)."""
    slug = get_algorithm(store, algorithm).slug
    rows = {r["measure"]: r for r in store.assessment_rows(algorithm=slug)}
    files: dict[str, list[AttachedFile]] = {}
    for f in store.assessment_file_rows(slug):
        files.setdefault(f["measure"], []).append(_file(f))
    return [
        _assessment(rows[code], files.get(code, []))
        if code in rows
        else Assessment(algorithm=slug, measure=code)
        for code in MEASURE_CODES
    ]


def history(store: Store, algorithm: str, measure_code: str | None = None) -> list[HistoryEntry]:
    """Changes of ``algorithm``'s assessments (one measure if given), oldest first."""
    slug = get_algorithm(store, algorithm).slug
    code = measure(measure_code).code if measure_code is not None else None
    return [
        HistoryEntry(
            algorithm=r["algorithm"],
            measure=r["measure"],
            changed_at=_ts(r["changed_at"]),
            changed_by=r["changed_by"],
            old_state=r["old_state"],
            new_state=r["new_state"],
            note=r["note"],
            changes=dict(r["changes"] or {}),
        )
        for r in store.assessment_history_rows(slug, code)
    ]


def _check_link(url: str) -> str:
    url = url.strip()
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise InputError(
            f"link {url!r} is not an http(s) URL", hint="give a full URL, e.g. https://..."
        )
    return url


def _read_attachment(path: str | Path) -> tuple[str, bytes]:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"cannot attach {p}: not a file", hint="give the path of a file")
    size = p.stat().st_size
    if size > MAX_ATTACHMENT_BYTES:
        raise InputError(
            f"cannot attach {p}: {size} bytes is more than the {MAX_ATTACHMENT_BYTES} byte limit",
            hint="attach a summary, or add a link (--link URL) to where the file is kept",
        )
    try:
        return p.name, p.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read {p}: {e.strerror}") from e


def _opt(value: str | None) -> str | None:
    return None if value is None else (value.strip() or None)


def set_assessment(
    store: Store,
    algorithm: str,
    measure_code: str,
    *,
    state: str | None = None,
    note: str | None = None,
    reason: str | None = None,
    responsible: str | None = None,
    reviewer: str | None = None,
    links: Sequence[str] = (),
    attach: Sequence[str | Path] = (),
    by: str | None = None,
    now: datetime | None = None,
) -> Assessment:
    """Change the assessment of ``measure_code`` for ``algorithm`` and record the change.

    Fields left ``None`` keep their value (``""`` clears a text field); ``links`` are added to
    the existing ones; ``attach`` adds files (the same content twice is kept once).

    Rules: the state must be known (Dutch or English labels accepted); ``niet-van-toepassing``
    needs a reason (given now or kept from before); ``--reason`` with another state is an
    error (use the note); leaving ``niet-van-toepassing`` clears the reason. A call that
    changes nothing writes nothing.

    Raises:
        InputError: unknown state or measure, missing reason, a reason for another state, a
            link that is not http(s), an unreadable or too large file, an archived algorithm.
            Nothing is written then.
        NotFound: the algorithm is not registered.
    """
    code = measure(measure_code).code
    new_state = parse_state(state) if state is not None else None
    new_links = [_check_link(u) for u in links]
    files = [_read_attachment(p) for p in attach]
    current = get_assessment(store, algorithm, code)
    if get_algorithm(store, current.algorithm).archived:
        raise InputError(
            f"algorithm {current.algorithm!r} is archived and cannot be changed; nothing was "
            "changed",
            hint=f"unarchive it first: algoprint algorithm unarchive {current.algorithm}",
        )
    target = new_state or current.state
    if reason is not None and _opt(reason) and target != NOT_APPLICABLE:
        raise InputError(
            f"a reason is only recorded for {NOT_APPLICABLE}, not for {target}",
            hint="put the explanation in --note",
        )
    new_reason = _opt(reason) if reason is not None else current.reason
    if target != NOT_APPLICABLE:
        new_reason = None
    elif not new_reason:
        raise InputError(
            f"{NOT_APPLICABLE} needs a reason: why does {code} not apply to {algorithm!r}?",
            hint="add --reason TEXT",
        )
    values = {
        "state": target,
        "reason": new_reason,
        "responsible": _opt(responsible) if responsible is not None else current.responsible,
        "reviewer": _opt(reviewer) if reviewer is not None else current.reviewer,
        "note": _opt(note) if note is not None else current.note,
        "links": list(dict.fromkeys([*current.links, *new_links])),
    }
    old = {
        "state": current.state if current.updated_at else None,
        "reason": current.reason,
        "responsible": current.responsible,
        "reviewer": current.reviewer,
        "note": current.note,
        "links": list(current.links),
    }
    changes: dict[str, Any] = {k: [old[k], v] for k, v in values.items() if old[k] != v}
    known = {f.sha256 for f in current.files}
    who = current_user(by)
    from algoprint.store._convert import check_aware

    when = datetime.now(UTC) if now is None else check_aware(now, "now")
    file_rows: list[dict[str, Any]] = []
    for name, content in files:
        digest = hashlib.sha256(content).hexdigest()
        if digest in known:
            continue
        known.add(digest)
        file_rows.append(
            {
                "algorithm": current.algorithm,
                "measure": code,
                "sha256": digest,
                "name": name,
                "size_bytes": len(content),
                "content": content,
                "added_at": when,
                "added_by": who,
            }
        )
    if file_rows:
        changes["files"] = [None, [f"{f['name']} (sha256 {f['sha256'][:12]})" for f in file_rows]]
    if not changes:
        return current
    row = {
        "algorithm": current.algorithm,
        "measure": code,
        **values,
        "updated_at": when,
        "updated_by": who,
    }
    entry = {
        "algorithm": current.algorithm,
        "measure": code,
        "changed_at": when,
        "changed_by": who,
        "old_state": old["state"],
        "new_state": target,
        "note": values["note"],
        "changes": changes,
    }
    store.write_assessment(
        row, entry, file_rows, expected_state=current.state if current.updated_at else None
    )
    return get_assessment(store, current.algorithm, code)


@dataclass(frozen=True, slots=True)
class BoardRow:
    """One cell of the measures board: the human assessment and the automatic evidence."""

    algorithm: Algorithm
    assessment: Assessment
    evidence: MeasureEvidence

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-ready form."""
        m = measure(self.assessment.measure)
        return {
            "algorithm": self.algorithm.slug,
            "measure": m.code,
            "urn": m.urn,
            "title": m.title(lang),
            "assessment": self.assessment.to_dict(lang),
            "evidence": self.evidence.to_dict(lang),
        }


def board(
    store: Store,
    *,
    algorithm: str | None = None,
    now: datetime | None = None,
    settings_extra: Mapping[str, Any] | None = None,
) -> list[BoardRow]:
    """The measures board: every active algorithm (or one) x the seven measures.

    Raises:
        InputError / NotFound: an invalid or unknown ``algorithm``.
    """
    from algoprint.kader.evidence import evaluate_algorithm

    algs = [get_algorithm(store, algorithm)] if algorithm else list_algorithms(store)
    rows: list[BoardRow] = []
    for alg in algs:
        found = evaluate_algorithm(store, alg, now=now, settings_extra=settings_extra)
        for a in list_assessments(store, alg.slug):
            rows.append(BoardRow(algorithm=alg, assessment=a, evidence=found[a.measure]))
    return rows
