"""The algorithm register: what an algorithm is, the rules for its fields, and its life.

Runs link to an algorithm by its slug (``runs.algorithm``); the register adds what the
Algoritmekader and the impact figures need: organisation, lifecycle phase, owners per role,
where it runs (a location reference resolved by :mod:`algoprint.impact.location`), the
electricity contract, the functional unit for SCI and the declared yearly use. docs/register.md
describes every field.

Every rule is checked before anything is written, and a refused change leaves the store as it
was. Archived algorithms are kept (their runs and assessments stay) but are read-only until
unarchived.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from algoprint.errors import ImpactError, InputError, NotFound
from algoprint.kader.catalogue import lifecycle_phases, roles

if TYPE_CHECKING:
    from algoprint.impact.location import LocationProfile
    from algoprint.store import Store

__all__ = [
    "ACTIVE",
    "ARCHIVED",
    "EDITABLE_FIELDS",
    "LOCATION_FIELDS",
    "SLUG_RULE",
    "Algorithm",
    "add_algorithm",
    "archive_algorithm",
    "edit_algorithm",
    "ensure_algorithm",
    "get_algorithm",
    "list_algorithms",
    "location_profile",
    "parse_owner",
    "registration_notice",
    "unarchive_algorithm",
    "validate_slug",
]

ACTIVE = "active"
ARCHIVED = "archived"
SLUG_RULE = "2-64 characters: lowercase letters a-z, digits and hyphens, starting with a letter"
_SLUG = re.compile(r"[a-z][a-z0-9-]{1,63}")
LOCATION_FIELDS = ("zone", "cloud", "region", "datacentre")
"""The location reference: a zone, a cloud provider+region, or a datacentre profile name."""


def validate_slug(slug: str) -> str:
    """``slug`` if it follows :data:`SLUG_RULE`.

    Raises:
        InputError: naming the rule and the offending characters.
    """
    if isinstance(slug, str) and _SLUG.fullmatch(slug):
        return slug
    text = str(slug)
    bad = sorted({c for c in text if not re.fullmatch(r"[a-z0-9-]", c)})
    detail = f" (not allowed: {' '.join(repr(c) for c in bad)})" if bad else ""
    if not bad and text and not text[0].isalpha():
        detail = " (it must start with a letter)"
    if not bad and not (2 <= len(text) <= 64):
        detail = f" (it has {len(text)} characters)"
    suggestion = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    hint = f"use {SLUG_RULE}"
    if suggestion and _SLUG.fullmatch(suggestion):
        hint += f", e.g. {suggestion!r}"
    raise InputError(f"invalid algorithm slug {text!r}{detail}", hint=hint)


@dataclass(frozen=True, slots=True)
class Algorithm:
    """One registered algorithm.

    Attributes:
        slug: the id runs use (:data:`SLUG_RULE`).
        name: display name.
        organisation: the organisation responsible for it.
        description: a short description.
        lars_id: its id in the Algoritmeregister (LARS code) once published.
        lifecycle_phase: one of the nine Algoritmekader lifecycle phase slugs.
        owners: role slug (``ontwikkelaar``, ``projectleider``, ``beleid-en-advies``,
            ``jurist``) -> names or e-mail addresses.
        zone / cloud / region / datacentre: the location reference (see
            :func:`location_profile`); all ``None`` when unknown.
        contract: electricity contract key (``groen-gvo``, ``grijze-stroom``,
            ``stroom-onbekend``, ``biomassa-gvo``), overriding the datacentre profile's.
        functional_unit: what one unit of use is, for SCI (``besluit``, ``voorspelling``).
        yearly_units: declared functional units per year (> 0), e.g. for owp-13 savings.
        status: ``active`` or ``archived``.
        created_at / updated_at: ISO 8601 UTC timestamps, set by the store functions.
    """

    slug: str
    name: str
    organisation: str | None = None
    description: str | None = None
    lars_id: str | None = None
    lifecycle_phase: str | None = None
    owners: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    zone: str | None = None
    cloud: str | None = None
    region: str | None = None
    datacentre: str | None = None
    contract: str | None = None
    functional_unit: str | None = None
    yearly_units: float | None = None
    status: str = ACTIVE
    created_at: str = ""
    updated_at: str = ""

    @property
    def archived(self) -> bool:
        """Whether it is archived (read-only, hidden from lists)."""
        return self.status == ARCHIVED

    @property
    def location_ref(self) -> dict[str, str]:
        """The location reference fields that are set."""
        return {k: v for k in LOCATION_FIELDS if (v := getattr(self, k)) is not None}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``--json`` output and exports)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["owners"] = {role: list(names) for role, names in self.owners.items()}
        return data

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Algorithm:
        """The algorithm of a store row."""
        from algoprint.store._analyses import format_ms

        location = row.get("location") or {}
        return cls(
            slug=row["slug"],
            name=row["name"],
            organisation=row["organisation"],
            description=row["description"],
            lars_id=row["lars_id"],
            lifecycle_phase=row["lifecycle_phase"],
            owners={str(k): tuple(v) for k, v in (row["owners"] or {}).items()},
            zone=location.get("zone"),
            cloud=location.get("cloud"),
            region=location.get("region"),
            datacentre=location.get("datacentre"),
            contract=row["contract"],
            functional_unit=row["functional_unit"],
            yearly_units=row["yearly_units"],
            status=row["status"],
            created_at=format_ms(row["created_at"]),
            updated_at=format_ms(row["updated_at"]),
        )

    def to_row(self) -> dict[str, Any]:
        """The store row (timestamps parsed)."""
        from algoprint.store._convert import parse_ts

        return {
            "slug": self.slug,
            "name": self.name,
            "organisation": self.organisation,
            "description": self.description,
            "lars_id": self.lars_id,
            "lifecycle_phase": self.lifecycle_phase,
            "owners": {role: list(names) for role, names in self.owners.items()},
            "location": self.location_ref or None,
            "contract": self.contract,
            "functional_unit": self.functional_unit,
            "yearly_units": self.yearly_units,
            "status": self.status,
            "created_at": parse_ts(self.created_at, "created_at"),
            "updated_at": parse_ts(self.updated_at, "updated_at"),
        }


EDITABLE_FIELDS = frozenset(
    f.name
    for f in fields(Algorithm)
    if f.name not in {"slug", "status", "created_at", "updated_at"}
)
"""Fields :func:`edit_algorithm` may change."""


def parse_owner(text: str) -> tuple[str, str]:
    """``ROLE=NAME`` (the CLI's ``--owner``) as ``(role, name)``.

    Raises:
        InputError: no ``=``, an empty name, or an unknown role (lists the roles).
    """
    role, sep, name = text.partition("=")
    if not sep or not name.strip():
        raise InputError(
            f"owner {text!r} is not ROLE=NAME",
            hint="e.g. --owner ontwikkelaar='Ada Jansen <ada@example.nl>'",
        )
    return _role(role.strip()), name.strip()


def _role(role: str) -> str:
    known = [r.slug for r in roles()]
    if role not in known:
        raise InputError(f"unknown role {role!r}", hint=f"use one of {', '.join(known)}")
    return role


def _text(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{name} must be text, got {value!r}")
    return value.strip() or None


def location_profile(
    algorithm: Algorithm, settings_extra: Mapping[str, Any] | None = None
) -> LocationProfile | None:
    """The location profile of ``algorithm``; ``None`` when it has no location reference.

    Only the algorithm's own reference counts (not ``ALGOPRINT_LOCATION`` or ``[location]``):
    those describe the machine running algoprint, not where this algorithm runs. Datacentre
    names resolve against ``[datacentres.NAME]`` tables in ``settings_extra``, then the shipped
    profiles. The algorithm's contract, when set, replaces the profile's.

    Raises:
        InputError: the reference does not resolve (unknown zone, region or datacentre, a zone
            and region in different countries, an unknown contract), naming the algorithm.
    """
    if not algorithm.location_ref:
        return None
    from algoprint.impact.location import resolve_location

    extra = {"datacentres": dict((settings_extra or {}).get("datacentres") or {})}
    try:
        profile = resolve_location(
            extra,
            location=algorithm.zone,
            cloud=algorithm.cloud,
            region=algorithm.region,
            datacentre=algorithm.datacentre,
        )
    except ImpactError as e:
        raise InputError(
            f"the location of algorithm {algorithm.slug!r} does not resolve: {e.message}",
            hint=e.hint or "use --location ZONE, --cloud/--region or --datacentre NAME",
        ) from None
    if algorithm.contract is not None:
        profile = replace(
            profile,
            contract=algorithm.contract,
            sources={**profile.sources, "contract": f"algorithm {algorithm.slug}"},
        )
    return profile


def _check(algorithm: Algorithm, settings_extra: Mapping[str, Any] | None) -> Algorithm:
    """A cleaned copy of ``algorithm``, or InputError naming the first broken rule."""
    validate_slug(algorithm.slug)
    values: dict[str, Any] = {}
    for name in ("name", "organisation", "description", "lars_id", "functional_unit"):
        values[name] = _text(name, getattr(algorithm, name))
    if not values["name"]:
        raise InputError(f"algorithm {algorithm.slug!r} needs a name", hint="give --name NAME")
    phase = _text("lifecycle_phase", algorithm.lifecycle_phase)
    phases = [p.slug for p in lifecycle_phases()]
    if phase is not None and phase not in phases:
        raise InputError(
            f"unknown lifecycle phase {phase!r}", hint=f"use one of {', '.join(phases)}"
        )
    values["lifecycle_phase"] = phase
    owners: dict[str, tuple[str, ...]] = {}
    for role, names in algorithm.owners.items():
        cleaned = tuple(dict.fromkeys(n.strip() for n in names if n and n.strip()))
        if cleaned:
            owners[_role(role)] = cleaned
    values["owners"] = owners
    for name in LOCATION_FIELDS:
        values[name] = _text(name, getattr(algorithm, name))
    contract = _text("contract", algorithm.contract)
    if contract is not None:
        from algoprint.impact.factors import market_contracts

        contract = contract.lower()
        accepted = [*market_contracts(), "unknown"]
        if contract not in accepted:
            raise InputError(
                f"unknown electricity contract {contract!r}",
                hint=f"use one of {', '.join(accepted)}",
            )
    values["contract"] = contract
    units = algorithm.yearly_units
    if units is not None:
        if isinstance(units, bool) or not isinstance(units, (int, float)):
            raise InputError(f"yearly_units must be a number, got {units!r}")
        if not math.isfinite(units) or units <= 0:
            raise InputError(
                f"yearly_units must be a finite number > 0, got {units!r}",
                hint="the declared number of functional units (e.g. decisions) per year",
            )
        values["yearly_units"] = float(units)
    if algorithm.status not in {ACTIVE, ARCHIVED}:
        raise InputError(f"status must be {ACTIVE} or {ARCHIVED}, got {algorithm.status!r}")
    cleaned_alg = replace(algorithm, **values)
    location_profile(cleaned_alg, settings_extra)  # raises when it does not resolve
    return cleaned_alg


def _now(now: datetime | None) -> str:
    from algoprint.store._analyses import format_ms
    from algoprint.store._convert import check_aware

    return format_ms(datetime.now(UTC) if now is None else check_aware(now, "now"))


def add_algorithm(
    store: Store,
    algorithm: Algorithm,
    *,
    settings_extra: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> Algorithm:
    """Validate and register a new algorithm; returns it as stored.

    Raises:
        InputError: a rule is broken (slug, phase, role, contract, units, location), or the
            slug is already registered.
        StoreError: the store cannot be written.
    """
    stamp = _now(now)
    cleaned = _check(replace(algorithm, created_at=stamp, updated_at=stamp), settings_extra)
    store.add_algorithm_row(cleaned.to_row())
    return cleaned


def get_algorithm(store: Store, slug: str) -> Algorithm:
    """The registered algorithm ``slug``.

    Raises:
        InputError: ``slug`` breaks :data:`SLUG_RULE`.
        NotFound: not registered (hint: how to add it).
    """
    return Algorithm.from_row(store.get_algorithm_row(validate_slug(slug)))


def list_algorithms(
    store: Store, *, include_archived: bool = False, organisation: str | None = None
) -> list[Algorithm]:
    """Registered algorithms sorted by slug; archived ones only with ``include_archived``."""
    rows = store.list_algorithm_rows(include_archived=include_archived, organisation=organisation)
    return [Algorithm.from_row(r) for r in rows]


def edit_algorithm(
    store: Store,
    slug: str,
    changes: Mapping[str, Any],
    *,
    settings_extra: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> Algorithm:
    """Change fields of a registered, active algorithm.

    Args:
        changes: field -> new value, for fields in :data:`EDITABLE_FIELDS`; ``""`` clears a
            text field. Giving any location field replaces the whole location reference.
            ``owners`` replaces the owners of the roles it names.

    Raises:
        InputError: unknown field, a broken rule, or the algorithm is archived ("unarchive
            it first"); nothing is changed.
        NotFound: not registered.
    """
    unknown = sorted(set(changes) - EDITABLE_FIELDS)
    if unknown:
        raise InputError(
            f"cannot edit {', '.join(unknown)}",
            hint=f"editable fields: {', '.join(sorted(EDITABLE_FIELDS))}",
        )
    current = get_algorithm(store, slug)
    if current.archived:
        raise InputError(
            f"algorithm {slug!r} is archived and cannot be changed; nothing was changed",
            hint=f"unarchive it first: algoprint algorithm unarchive {slug}",
        )
    values = dict(changes)
    if any(k in values for k in LOCATION_FIELDS):
        for name in LOCATION_FIELDS:
            values.setdefault(name, None)
    if "owners" in values:
        values["owners"] = {**current.owners, **values["owners"]}
    updated = _check(replace(current, **values, updated_at=_now(now)), settings_extra)
    row = updated.to_row()
    diff = {k: v for k, v in row.items() if k not in {"slug", "created_at"}}
    store.update_algorithm_row(slug, diff)
    return updated


def _set_status(store: Store, slug: str, status: str, now: datetime | None) -> Algorithm:
    current = get_algorithm(store, slug)
    if current.status == status:
        return current
    changed = replace(current, status=status, updated_at=_now(now))
    row = changed.to_row()
    store.update_algorithm_row(
        slug, {"status": row["status"], "updated_at": row["updated_at"]}, allow_archived=True
    )
    return changed


def archive_algorithm(store: Store, slug: str, *, now: datetime | None = None) -> Algorithm:
    """Archive ``slug``: kept with its runs and assessments, hidden from lists, read-only.

    Idempotent. Raises NotFound when not registered.
    """
    return _set_status(store, slug, ARCHIVED, now)


def unarchive_algorithm(store: Store, slug: str, *, now: datetime | None = None) -> Algorithm:
    """Make an archived algorithm active (editable) again; idempotent."""
    return _set_status(store, slug, ACTIVE, now)


def registration_notice(slug: str) -> str:
    """What to tell a user when :func:`ensure_algorithm` registered ``slug``."""
    return (
        f"registered new algorithm {slug!r}; describe it with: algoprint algorithm edit {slug} "
        "--name NAME --organisation ORG --phase PHASE --location ZONE"
    )


def ensure_algorithm(
    store: Store, slug: str, *, strict: bool = False, now: datetime | None = None
) -> tuple[Algorithm, bool]:
    """The algorithm ``slug``, registering it (name = slug) when it is new.

    Called by ``algoprint run --algorithm X`` and ``track(algorithm=X)``; when ``created`` is
    true the caller shows :func:`registration_notice`. Safe when two processes register the
    same slug at once.

    Returns:
        ``(algorithm, created)``.

    Raises:
        InputError: ``slug`` breaks :data:`SLUG_RULE`; or it is not registered and ``strict``.
    """
    validate_slug(slug)
    try:
        return get_algorithm(store, slug), False
    except NotFound:
        if strict:
            raise InputError(
                f"algorithm {slug!r} is not registered (strict mode)",
                hint=f"register it first: algoprint algorithm add {slug} --name NAME",
            ) from None
    try:
        return add_algorithm(store, Algorithm(slug=slug, name=slug), now=now), True
    except InputError:
        # Another process registered it between our read and our insert.
        return get_algorithm(store, slug), False


def register_run_algorithms(store: Store) -> list[str]:
    """Register every algorithm slug that stored runs name but the register lacks (runs
    tracked from Python reach the store through the spool without registering); returns the
    newly registered slugs. Slugs that break :data:`SLUG_RULE` are left as they are."""
    from algoprint.errors import InputError

    created = []
    for slug in store.run_algorithms():
        try:
            _, new = ensure_algorithm(store, slug)
        except InputError:
            continue
        if new:
            created.append(slug)
    return created
