"""What every AMT exchange shares: AMT's vocabularies, the ``[amt]`` settings and the rules for
one ``MeasureTask`` (the entry of a measure on an AMT system card).

AMT (MinBZK's Algoritme Management Toolkit, https://github.com/MinBZK/amt) keeps per measure:
``urn``, ``state`` (``to do``, ``in progress``, ``in review``, ``done``, ``not implemented``),
``value`` (free text), ``links``, ``files`` (AMT's own file ids), ``version`` (the measure's
``schema_version`` in the task registry, ``1.1.0``), ``lifecycle`` and three person lists of
``{"name", "uuid"}`` where ``uuid`` is an AMT user id. Names and values here come from AMT's
published schema (``amt/schema/measure.py``, ``amt/api/lifecycles.py``); no code is taken.

Rules that make a card AMT accepts:

* a person is written only with the AMT user uuid from ``[amt.users]`` (name -> uuid); never
  with an empty uuid, which breaks AMT's compliance page;
* the reason for *niet van toepassing* goes into ``value`` (AMT has no reason field);
* an empty ``state`` (or AMT's default ``to do`` with nothing else filled in) is "not set":
  it never overwrites what algoprint has.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from algoprint.errors import ConfigError, InputError
from algoprint.exchange._measures import _FROM_AMT, AMT_STATES
from algoprint.kader.assessments import NOT_APPLICABLE, Assessment
from algoprint.kader.catalogue import Measure, lifecycle_phases

AMT_LIFECYCLES: tuple[str, ...] = (
    "ORGANIZATIONAL_RESPONSIBILITIES",
    "PROBLEM_ANALYSIS",
    "DESIGN",
    "DATA_EXPLORATION_AND_PREPARATION",
    "DEVELOPMENT",
    "VERIFICATION_AND_VALIDATION",
    "IMPLEMENTATION",
    "MONITORING_AND_MANAGEMENT",
    "PHASING_OUT",
)
"""AMT's ``Lifecycles`` enum, in the Algoritmekader's phase order (0..8)."""
_TO_AMT_LIFECYCLE = dict(zip((p.slug for p in lifecycle_phases()), AMT_LIFECYCLES, strict=True))
_FROM_AMT_LIFECYCLE = {v: k for k, v in _TO_AMT_LIFECYCLE.items()}
KNOWN_MEASURE_VERSIONS = frozenset({"1.1.0"})
"""Task-registry ``schema_version`` values of measures this algoprint reads."""


def amt_lifecycle(phase: str | None) -> str | None:
    """AMT's lifecycle value (``MONITORING_AND_MANAGEMENT``) of an algoprint phase slug."""
    return _TO_AMT_LIFECYCLE.get(phase) if phase else None


def phase_from_amt(value: Any, where: str) -> str | None:
    """The algoprint phase slug of an AMT lifecycle value (enum name or phase slug).

    Raises:
        InputError: an unknown value, naming the accepted ones.
    """
    if value in (None, ""):
        return None
    text = str(value).strip()
    if text.upper() in _FROM_AMT_LIFECYCLE:
        return _FROM_AMT_LIFECYCLE[text.upper()]
    if text.lower() in _TO_AMT_LIFECYCLE:
        return text.lower()
    raise InputError(
        f"{where}: unknown AMT lifecycle {text!r}", hint=f"use one of {', '.join(AMT_LIFECYCLES)}"
    )


@dataclass(frozen=True)
class AmtSettings:
    """The ``[amt]`` settings.

    Attributes:
        url: AMT's base URL (``https://amt.example.nl``).
        users: person name -> AMT user uuid; only mapped persons are sent to AMT.
        session_cookie: the value of AMT's ``session_id`` cookie (from the environment
            variable ``ALGOPRINT_AMT_SESSION``, or ``session_cookie`` in the file).
        token: a bearer token, for an AMT behind a gateway that asks for one.
        report_url: a link to the algoprint report, added to every pushed value.
    """

    url: str | None = None
    users: Mapping[str, str] = field(default_factory=dict)
    session_cookie: str | None = None
    token: str | None = None
    report_url: str | None = None

    @property
    def names_by_uuid(self) -> dict[str, str]:
        """AMT user uuid -> name, the reverse of :attr:`users`."""
        return {v: k for k, v in self.users.items()}


def amt_settings(extra: Mapping[str, Any] | None) -> AmtSettings:
    """The ``[amt]`` table of ``Settings.extra`` (plus ``ALGOPRINT_AMT_SESSION``), checked.

    Raises:
        ConfigError: a user uuid that is not a uuid, or a non-text value.
    """
    table = dict((extra or {}).get("amt") or {})
    env = (extra or {}).get("env") or {}
    users_raw = table.pop("users", {}) or {}
    if not isinstance(users_raw, Mapping):
        raise ConfigError("[amt.users] must be a table of name = AMT user uuid")
    users: dict[str, str] = {}
    for name, value in users_raw.items():
        try:
            users[str(name)] = str(uuid.UUID(str(value)))
        except ValueError:
            raise ConfigError(
                f"[amt.users] {name!r} = {value!r} is not a uuid",
                hint="copy the user's id from AMT (Organisaties > Leden); it looks like "
                "1f3c5e2a-8d4b-4c6e-9a7b-0e2d4f6a8b1c",
            ) from None
    known = {"url", "session_cookie", "token", "report_url"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(
            f"unknown setting {', '.join(unknown)} in [amt]",
            hint=f"known: {', '.join(sorted(known | {'users'}))}",
        )
    text = {k: (str(v) if v not in (None, "") else None) for k, v in table.items()}
    session = env.get("amt_session") or text.get("session_cookie")
    return AmtSettings(
        url=text.get("url"),
        users=users,
        session_cookie=session,
        token=text.get("token"),
        report_url=text.get("report_url"),
    )


def persons(
    name: str | None, users: Mapping[str, str], left_out: list[str]
) -> list[dict[str, str]]:
    """``[{"name", "uuid"}]`` for a mapped name; an unmapped name is listed in ``left_out``."""
    if not name:
        return []
    if name in users:
        return [{"name": name, "uuid": users[name]}]
    if name not in left_out:
        left_out.append(name)
    return []


def amt_value(x: Assessment) -> str:
    """The ``value`` AMT shows: the note, or for *niet van toepassing* the reason first."""
    if x.state == NOT_APPLICABLE:
        return "\n\n".join(filter(None, (x.reason, x.note)))
    return x.note or ""


def measure_task(
    m: Measure,
    x: Assessment,
    *,
    accountable: str | None,
    users: Mapping[str, str],
    left_out: list[str],
) -> dict[str, Any]:
    """One AMT ``MeasureTask`` (see the module docstring for the rules)."""
    return {
        "urn": m.urn,
        "state": AMT_STATES[x.state],
        "value": amt_value(x),
        "links": list(x.links),
        "files": [],
        "version": str(m.registry.get("schema_version") or "1.1.0"),
        "accountable_persons": persons(accountable, users, left_out),
        "reviewer_persons": persons(x.reviewer, users, left_out),
        "responsible_persons": persons(x.responsible, users, left_out),
        "lifecycle": list(m.lifecycle),
    }


def state_from_amt(value: Any, where: str) -> str | None:
    """algoprint's state of an AMT state; ``None`` for an empty one (not set).

    Raises:
        InputError: an unknown state, naming AMT's five.
    """
    if value in (None, ""):
        return None
    text = str(value).strip().lower()
    if text in _FROM_AMT:
        return _FROM_AMT[text]
    raise InputError(
        f"{where}: unknown AMT state {value!r}",
        hint=f"AMT's states: {', '.join(AMT_STATES.values())}",
    )


def person_name(
    value: Any, names_by_uuid: Mapping[str, str], where: str, notes: list[str]
) -> str | None:
    """The first person's name of an AMT person list (the mapped name when the uuid is known)."""
    if value in (None, ""):
        return None
    if not isinstance(value, list):
        raise InputError(f"{where} must be a list of persons")
    for p in value:
        if not isinstance(p, Mapping):
            raise InputError(f"{where}: a person must have name and uuid")
        uid = str(p.get("uuid") or "")
        if uid in names_by_uuid:
            return names_by_uuid[uid]
        name = str(p.get("name") or "").strip()
        if name:
            if not uid:
                notes.append(f"{where}: {name} has no AMT user uuid; kept by name")
            return name
    return None
