"""What a datacentre or cloud region claims (Algoritmekader dat-06), read raw from a config
table, a shipped profile or a resolved location profile, and the :class:`Flag` a doubtful claim
becomes. Impossible values are kept so that :mod:`algoprint.advice._greenwash` can flag them;
thresholds are documented in docs/datacentres.md.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from algoprint.errors import ImpactError, InputError
from algoprint.impact.location import DATACENTRE_KEYS, LocationProfile

__all__ = [
    "CERTIFICATE_CONTRACTS",
    "EED_THRESHOLD_KW",
    "EVIDENCE_MAX_AGE_DAYS",
    "EXTRA_DATACENTRE_KEYS",
    "HIGH_CARBON_GRID_G_PER_KWH",
    "Certificate",
    "DatacentreClaims",
    "Evidence",
    "Flag",
    "claims_from_profile",
    "claims_from_shipped",
    "claims_from_table",
    "parse_date",
]

#: Evidence older than this many days is flagged as stale (dat-06 asks for yearly reporting).
EVIDENCE_MAX_AGE_DAYS = 365
#: ISO 14001/50001 certificates run for three years; an older certificate date is flagged.
CERTIFICATE_MAX_AGE_DAYS = 3 * 365
#: Above this location-based grid intensity (gCO2e/kWh) a certificate-only green claim is flagged.
HIGH_CARBON_GRID_G_PER_KWH = 300.0
#: EU Energy Efficiency Directive (EU) 2023/1791 art. 12: reporting duty from 500 kW IT power.
EED_THRESHOLD_KW = 500.0
#: A claimed renewable share (%) at or above this counts as a "green" claim.
GREEN_CLAIM_PCT = 90.0
_PUE_DCIE_TOLERANCE = 0.01
#: Contracts whose green status rests on certificates (guarantees of origin) alone.
CERTIFICATE_CONTRACTS = frozenset({"groen-gvo", "biomassa-gvo"})
_FlagFn = Callable[[str, str, str | None, str, str], None]
RENEWABLE_BASES = ("certificates", "ppa", "on-site", "grid-mix")
PUE_BASES = ("annual", "design", "peak", "monthly", "unknown")

EXTRA_DATACENTRE_KEYS = frozenset(
    {
        "it_power_kw",
        "pue_basis",
        "renewable_pct",
        "renewable_basis",
        "eed_report_date",
        "year",
        "name",
        "kind",
    }
)
"""Keys of ``[datacentres.NAME]`` that :func:`~algoprint.impact.location.resolve_location` does
not know yet (requested there); :func:`claims_from_table` reads them."""


@dataclass(frozen=True, slots=True)
class Flag:
    """One finding, with its explanation in both languages.

    Attributes:
        code: stable id of the rule (``dcie-below-50``, ``evidence-stale``, ...).
        severity: ``error`` (impossible, or fails the measure), ``warning`` (doubtful claim or
            trade-off) or ``info``.
        subject: what it is about (a datacentre, region, supplier or row).
        message_en / message_nl: the explanation, with the figures involved.
        field: the field or question id concerned, if one.
    """

    code: str
    severity: str
    subject: str
    message_en: str
    message_nl: str
    field: str | None = None

    def message(self, lang: str = "en") -> str:
        """The explanation in ``lang`` (``nl`` or ``en``)."""
        return self.message_nl if lang == "nl" else self.message_en

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "code": self.code,
            "severity": self.severity,
            "subject": self.subject,
            "field": self.field,
            "message_en": self.message_en,
            "message_nl": self.message_nl,
        }


@dataclass(frozen=True, slots=True)
class Evidence:
    """A link that backs a claim, with the date of the document (``None``: undated)."""

    url: str
    date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Certificate:
    """A claimed certification (ISO 14001, ISO 50001, BREEAM, EU Code of Conduct, ...)."""

    name: str
    url: str | None = None
    date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class DatacentreClaims:
    """What a datacentre or cloud region claims, as given (not range-checked).

    Attributes:
        name: profile name or region label.
        kind: ``datacentre``, ``cloud-region`` or ``country``.
        zone: grid zone (ISO country code), if known.
        pue / dcie: claimed PUE (>= 1 when possible) and DCiE (0..1).
        pue_basis: ``annual``, ``design``, ``peak``, ``monthly``; ``None`` = not stated.
        wue_l_per_kwh: on-site water per kWh of IT energy.
        ref / erf: Renewable Energy Factor and Energy Reuse Factor (0..1).
        renewable_pct: claimed renewable share of the electricity (%).
        renewable_basis: how it is claimed: ``certificates`` (GvO/REC), ``ppa``, ``on-site``,
            ``grid-mix``; ``None`` = not stated.
        contract: electricity contract key (``groen-gvo``, ...), if given.
        it_power_kw: contracted/installed IT power (kW), for the EED duty.
        eed_report_url / eed_report_date: the EED (EU 2023/1791) report and its date.
        certifications: claimed certificates.
        evidence: links backing the figures.
        grid_g_per_kwh: location-based grid intensity where it runs (for the market-only rule).
        source: where the claims came from (config table, shipped profile, ...).
    """

    name: str
    kind: str = "datacentre"
    zone: str | None = None
    pue: float | None = None
    dcie: float | None = None
    pue_basis: str | None = None
    wue_l_per_kwh: float | None = None
    ref: float | None = None
    erf: float | None = None
    renewable_pct: float | None = None
    renewable_basis: str | None = None
    contract: str | None = None
    it_power_kw: float | None = None
    eed_report_url: str | None = None
    eed_report_date: dt.date | None = None
    certifications: tuple[Certificate, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    grid_g_per_kwh: float | None = None
    source: str = ""

    @property
    def effective_dcie(self) -> float | None:
        """DCiE from ``dcie`` or ``1/pue`` (``None`` when neither is usable)."""
        if self.dcie is not None:
            return self.dcie
        if self.pue is not None and self.pue > 0:
            return 1 / self.pue
        return None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (dates as ISO strings)."""

        def iso(d: dt.date | None) -> str | None:
            return None if d is None else d.isoformat()

        return {
            "name": self.name,
            "kind": self.kind,
            "zone": self.zone,
            "pue": self.pue,
            "dcie": self.dcie,
            "pue_basis": self.pue_basis,
            "wue_l_per_kwh": self.wue_l_per_kwh,
            "ref": self.ref,
            "erf": self.erf,
            "renewable_pct": self.renewable_pct,
            "renewable_basis": self.renewable_basis,
            "contract": self.contract,
            "it_power_kw": self.it_power_kw,
            "eed_report_url": self.eed_report_url,
            "eed_report_date": iso(self.eed_report_date),
            "certifications": [
                {"name": c.name, "url": c.url, "date": iso(c.date)} for c in self.certifications
            ],
            "evidence": [{"url": e.url, "date": iso(e.date)} for e in self.evidence],
            "grid_g_per_kwh": self.grid_g_per_kwh,
            "source": self.source,
        }


# --------------------------------------------------------------------------- parsing


def parse_date(value: Any, where: str) -> dt.date:
    """A date from ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (the end of that period), or a date.

    A month or year means "some time in it": the last day is taken, so age checks never flag
    evidence that might be recent enough.

    Raises:
        InputError: not a date in one of these forms.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 1900 < value < 3000:
        return dt.date(value, 12, 31)
    text = str(value).strip()
    try:
        if len(text) == 4:
            return dt.date(int(text), 12, 31)
        if len(text) == 7:
            year, month = int(text[:4]), int(text[5:7])
            nxt = dt.date(year + month // 12, month % 12 + 1, 1)
            return nxt - dt.timedelta(days=1)
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise InputError(
            f"{where}: {value!r} is not a date",
            hint="write dates as YYYY-MM-DD (or YYYY-MM, YYYY for a period)",
        ) from None


def _num(table: Mapping[str, Any], key: str, where: str) -> float | None:
    value = table.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InputError(f"{key} in {where} must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(
            f"{key} in {where} must be a number, got {value!r}", hint=f"e.g. {key} = 1.3"
        ) from None
    if not math.isfinite(number):
        raise InputError(f"{key} in {where} must be a finite number, got {value!r}")
    return number


def _choice(table: Mapping[str, Any], key: str, allowed: Sequence[str], where: str) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    text = str(value).strip().lower()
    if text not in allowed:
        raise InputError(f"{key} in {where} is {value!r}", hint=f"use one of {', '.join(allowed)}")
    return text


def _evidence(value: Any, where: str) -> tuple[Evidence, ...]:
    items = [value] if isinstance(value, str | Mapping) else list(value or [])
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(Evidence(item))
        elif isinstance(item, Mapping) and item.get("url"):
            date = parse_date(item["date"], f"{where} evidence") if item.get("date") else None
            out.append(Evidence(str(item["url"]), date))
        else:
            raise InputError(
                f"evidence in {where} must be links or tables {{url, date}}, got {item!r}",
                hint='e.g. evidence = [{url = "https://...", date = "2025-03-01"}]',
            )
    return tuple(out)


def _certificates(value: Any, where: str) -> tuple[Certificate, ...]:
    items = [value] if isinstance(value, str | Mapping) else list(value or [])
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(Certificate(item.strip()))
        elif isinstance(item, Mapping) and item.get("name"):
            date = parse_date(item["date"], f"{where} certificate") if item.get("date") else None
            out.append(Certificate(str(item["name"]), str(item.get("url") or "") or None, date))
        else:
            raise InputError(
                f"certifications in {where} must be names or tables {{name, url, date}}, "
                f"got {item!r}",
                hint='e.g. certifications = [{name = "ISO 50001", url = "https://...", '
                'date = "2024-06-01"}]',
            )
    return tuple(out)


def _grid(zone: str | None, year: int | None) -> float | None:
    if zone is None:
        return None
    from algoprint.impact import factors

    try:
        return factors.grid_intensity(zone, year).value
    except ImpactError:
        return None


def claims_from_table(
    name: str, table: Mapping[str, Any], *, year: int | None = None
) -> DatacentreClaims:
    """Claims of a ``[datacentres.NAME]`` config table, without range checks.

    Accepts the keys of :data:`~algoprint.impact.location.DATACENTRE_KEYS` plus
    :data:`EXTRA_DATACENTRE_KEYS`; ``evidence`` and ``certifications`` may be plain strings
    or tables with a link and a date.

    Raises:
        InputError: unknown key, a number that is not a number, a bad date or choice.
    """
    where = f"[datacentres.{name}]"
    unknown = sorted(set(table) - DATACENTRE_KEYS - EXTRA_DATACENTRE_KEYS)
    if unknown:
        raise InputError(
            f"unknown key(s) {', '.join(unknown)} in {where}",
            hint="accepted: " + ", ".join(sorted(DATACENTRE_KEYS | EXTRA_DATACENTRE_KEYS)),
        )
    zone = str(table["zone"]).strip().upper() if table.get("zone") else None
    cloud_zone = None
    if zone is None and table.get("cloud") and table.get("region"):
        from algoprint.impact import factors

        try:
            cloud_zone = factors.cloud_region(str(table["cloud"]), str(table["region"])).zone
        except ImpactError:
            cloud_zone = None
    zone = zone or cloud_zone
    eed_date = table.get("eed_report_date")
    return DatacentreClaims(
        name=str(table.get("name") or name),
        kind=str(table.get("kind") or "datacentre"),
        zone=zone,
        pue=_num(table, "pue", where),
        dcie=_num(table, "dcie", where),
        pue_basis=_choice(table, "pue_basis", PUE_BASES, where),
        wue_l_per_kwh=_num(table, "wue", where),
        ref=_num(table, "ref", where),
        erf=_num(table, "erf", where),
        renewable_pct=_num(table, "renewable_pct", where),
        renewable_basis=_choice(table, "renewable_basis", RENEWABLE_BASES, where),
        contract=str(table["contract"]).strip().lower() if table.get("contract") else None,
        it_power_kw=_num(table, "it_power_kw", where),
        eed_report_url=str(table["eed_report_url"]) if table.get("eed_report_url") else None,
        eed_report_date=parse_date(eed_date, where) if eed_date else None,
        certifications=_certificates(table.get("certifications"), where),
        evidence=_evidence(table.get("evidence"), where),
        grid_g_per_kwh=_grid(zone, year),
        source=f"config {where}",
    )


def claims_from_shipped(name: str, *, year: int | None = None) -> DatacentreClaims:
    """Claims of a shipped public profile; its source link is the evidence, dated by its year.

    Raises:
        ImpactError: no such shipped profile.
    """
    from algoprint.impact import factors

    dc = factors.datacentre(name)
    dated = dt.date(dc.year, 12, 31) if dc.year else None
    certs = tuple(Certificate(c.strip()) for c in dc.certifications.split(";") if c.strip())
    return DatacentreClaims(
        name=dc.key,
        kind="datacentre",
        zone=dc.zone,
        pue=dc.pue,
        dcie=dc.dcie,
        wue_l_per_kwh=dc.wue_l_per_kwh,
        ref=dc.ref,
        erf=dc.erf,
        certifications=certs,
        evidence=(Evidence(dc.source, dated),),
        grid_g_per_kwh=_grid(dc.zone, year),
        source=f"shipped profile {dc.key!r}",
    )


def claims_from_profile(profile: LocationProfile, *, name: str | None = None) -> DatacentreClaims:
    """Claims of a resolved location profile (undated evidence, certificates without links)."""
    label = (
        name
        or profile.datacentre
        or (f"{profile.cloud}:{profile.region}" if profile.cloud else profile.zone or "unknown")
    )
    kind = "datacentre" if profile.datacentre else "cloud-region" if profile.cloud else "country"
    return DatacentreClaims(
        name=label,
        kind=kind,
        zone=profile.zone,
        pue=profile.pue,
        wue_l_per_kwh=profile.wue_onsite_l_per_kwh,
        ref=profile.ref,
        erf=profile.erf,
        contract=None if profile.contract == "unknown" else profile.contract,
        eed_report_url=profile.eed_report_url,
        certifications=tuple(Certificate(c) for c in profile.certifications),
        evidence=tuple(Evidence(e) for e in profile.evidence),
        grid_g_per_kwh=_grid(profile.zone, profile.year),
        source="location profile",
    )
