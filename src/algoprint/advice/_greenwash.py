"""Greenwashing checks on a datacentre or cloud-region profile (Algoritmekader dat-06).

dat-06 asks to use datacentres with renewable energy and energy-efficient technology (DCiE of
at least 50 % over a whole year, i.e. an annual PUE of at most 2.0), to check certifications
and energy reports, and to watch for greenwashing: claims without concrete backing. This module
holds what a datacentre *claims* (:class:`DatacentreClaims`, raw: impossible values are kept
so they can be flagged) and turns each doubtful claim into a :class:`Flag` with an explanation
in English and Dutch. The rules and thresholds are documented in docs/datacentres.md.

Claims come from a ``[datacentres.NAME]`` config table (:func:`claims_from_table`), from a
shipped profile (:func:`claims_from_shipped`) or from a resolved
:class:`~algoprint.impact.location.LocationProfile` (:func:`claims_from_profile`).
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
    "EED_THRESHOLD_KW",
    "EVIDENCE_MAX_AGE_DAYS",
    "EXTRA_DATACENTRE_KEYS",
    "HIGH_CARBON_GRID_G_PER_KWH",
    "Certificate",
    "DatacentreClaims",
    "Evidence",
    "Flag",
    "check_greenwashing",
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


# --------------------------------------------------------------------------- checks


def _age_days(date: dt.date, today: dt.date) -> int:
    return (today - date).days


def _has_claims(c: DatacentreClaims) -> bool:
    figures = (c.pue, c.dcie, c.wue_l_per_kwh, c.ref, c.erf, c.renewable_pct)
    return (
        any(v is not None for v in figures)
        or bool(c.certifications)
        or (c.contract in CERTIFICATE_CONTRACTS)
    )


def _impossible(c: DatacentreClaims, flag: _FlagFn) -> None:
    if c.pue is not None and c.pue < 1:
        flag(
            "pue-impossible",
            "error",
            "pue",
            f"PUE {c.pue:g} is below 1: a datacentre cannot use less energy than its IT "
            "equipment (PUE = facility energy / IT energy >= 1). The figure is wrong.",
            f"PUE {c.pue:g} is lager dan 1: een datacenter kan niet minder energie gebruiken "
            "dan zijn IT-apparatuur (PUE = totale energie / IT-energie >= 1). Het getal klopt "
            "niet.",
        )
    if c.dcie is not None and not 0 < c.dcie <= 1:
        flag(
            "dcie-impossible",
            "error",
            "dcie",
            f"DCiE {c.dcie:g} is outside (0, 1]: DCiE = IT energy / facility energy cannot "
            "exceed 100 %.",
            f"DCiE {c.dcie:g} ligt buiten (0, 1]: DCiE = IT-energie / totale energie kan niet "
            "boven 100 % liggen.",
        )
    if (
        c.pue is not None
        and c.dcie is not None
        and c.pue > 0
        and abs(c.pue * c.dcie - 1) > _PUE_DCIE_TOLERANCE
    ):
        flag(
            "pue-dcie-mismatch",
            "error",
            "dcie",
            f"PUE {c.pue:g} and DCiE {c.dcie:g} disagree (DCiE should be 1/PUE = "
            f"{1 / c.pue:.2f}): at most one of them can be right.",
            f"PUE {c.pue:g} en DCiE {c.dcie:g} spreken elkaar tegen (DCiE hoort 1/PUE = "
            f"{1 / c.pue:.2f} te zijn): hooguit een van beide klopt.",
        )
    for key, value in (("ref", c.ref), ("erf", c.erf)):
        if value is not None and not 0 <= value <= 1:
            name = "REF (renewable energy factor)" if key == "ref" else "ERF (energy reuse factor)"
            flag(
                f"{key}-impossible",
                "error",
                key,
                f"{name} {value:g} is outside 0..1: it is a share of the energy, at most 1 "
                "(100 %). Figures above 1 usually count certificates twice.",
                f"{key.upper()} {value:g} ligt buiten 0..1: het is een aandeel van de energie, "
                "hooguit 1 (100 %). Waarden boven 1 tellen meestal certificaten dubbel.",
            )
    if c.renewable_pct is not None and not 0 <= c.renewable_pct <= 100:
        flag(
            "renewable-impossible",
            "error",
            "renewable_pct",
            f"a renewable share of {c.renewable_pct:g} % is impossible (0..100 %).",
            f"een aandeel hernieuwbaar van {c.renewable_pct:g} % is onmogelijk (0..100 %).",
        )
    if c.wue_l_per_kwh is not None and c.wue_l_per_kwh < 0:
        flag(
            "wue-impossible",
            "error",
            "wue",
            f"WUE {c.wue_l_per_kwh:g} L/kWh is negative: water use cannot be below zero.",
            f"WUE {c.wue_l_per_kwh:g} L/kWh is negatief: waterverbruik kan niet onder nul.",
        )


def _efficiency(c: DatacentreClaims, flag: _FlagFn) -> None:
    dcie = c.effective_dcie
    if dcie is not None and 0 < dcie < 0.5 and (c.pue is None or c.pue >= 1):
        pue = 1 / dcie
        flag(
            "dcie-below-50",
            "error",
            "dcie",
            f"DCiE {dcie:.0%} (PUE {pue:.2f}) is below the 50 % of Algoritmekader dat-06 "
            "(PUE at most 2.0, over a whole year): this datacentre does not meet the measure.",
            f"DCiE {dcie:.0%} (PUE {pue:.2f}) ligt onder de 50 % van Algoritmekader dat-06 "
            "(PUE hooguit 2,0, over een heel jaar): dit datacenter voldoet niet aan de "
            "maatregel.",
        )
    if (c.pue is not None or c.dcie is not None) and c.pue_basis not in (None, "annual"):
        flag(
            "pue-not-annual",
            "warning",
            "pue_basis",
            f"the PUE/DCiE is a {c.pue_basis} figure; dat-06 asks for one weighted over a whole "
            "year (design and best-month figures are lower than what is achieved).",
            f"de PUE/DCiE is een {c.pue_basis}-waarde; dat-06 vraagt om een waarde over een heel "
            "jaar (ontwerp- en beste-maandwaarden liggen lager dan wat echt gehaald wordt).",
        )


def _market_only(c: DatacentreClaims, flag: _FlagFn) -> None:
    green = (
        (c.renewable_pct is not None and c.renewable_pct >= GREEN_CLAIM_PCT)
        or (c.ref is not None and c.ref >= GREEN_CLAIM_PCT / 100)
        or c.contract in CERTIFICATE_CONTRACTS
    )
    by_certificates = c.renewable_basis == "certificates" or (
        c.renewable_basis is None and c.contract in CERTIFICATE_CONTRACTS
    )
    grid = c.grid_g_per_kwh
    if green and by_certificates and grid is not None and grid > HIGH_CARBON_GRID_G_PER_KWH:
        flag(
            "market-only-green",
            "warning",
            "renewable_basis",
            f"'green' only by certificates (guarantees of origin) while the grid of {c.zone} "
            f"emits {grid:.0f} g CO2e/kWh (> {HIGH_CARBON_GRID_G_PER_KWH:.0f}): the market-based "
            "figure is low but the electricity actually drawn is high-carbon. Ask for the "
            "location-based figure and for additional (PPA, on-site) renewable supply.",
            f"alleen 'groen' via certificaten (garanties van oorsprong) terwijl het net in "
            f"{c.zone} {grid:.0f} g CO2e/kWh uitstoot (> {HIGH_CARBON_GRID_G_PER_KWH:.0f}): "
            "het market-based cijfer is laag, maar de stroom die echt gebruikt wordt is "
            "koolstofrijk. Vraag het location-based cijfer en om aanvullende hernieuwbare "
            "opwek (PPA, eigen opwek).",
        )


def _evidence_checks(c: DatacentreClaims, flag: _FlagFn, today: dt.date) -> None:
    if _has_claims(c) and not c.evidence:
        flag(
            "no-evidence",
            "warning",
            "evidence",
            "figures or green claims are given without any evidence (report, audit, energy "
            "label); dat-06 warns for greenwashing: claims without concrete backing.",
            "er staan cijfers of groene claims zonder enige onderbouwing (rapportage, audit, "
            "energielabel); dat-06 waarschuwt voor greenwashing: claims zonder concrete "
            "onderbouwing.",
        )
    undated = [e.url for e in c.evidence if e.date is None]
    if undated:
        flag(
            "evidence-undated",
            "warning",
            "evidence",
            f"evidence without a date ({', '.join(undated)}): it cannot be shown to be from "
            "the last year.",
            f"onderbouwing zonder datum ({', '.join(undated)}): niet na te gaan of die van het "
            "afgelopen jaar is.",
        )
    stale = [
        e
        for e in c.evidence
        if e.date is not None and _age_days(e.date, today) > EVIDENCE_MAX_AGE_DAYS
    ]
    if stale:
        listed = ", ".join(f"{e.url} ({e.date})" for e in stale)
        flag(
            "evidence-stale",
            "warning",
            "evidence",
            f"evidence older than a year: {listed}; ask for the current annual report.",
            f"onderbouwing ouder dan een jaar: {listed}; vraag de actuele jaarrapportage.",
        )


def _eed(c: DatacentreClaims, flag: _FlagFn, today: dt.date) -> None:
    if c.it_power_kw is not None and c.it_power_kw >= EED_THRESHOLD_KW:
        if not c.eed_report_url:
            flag(
                "eed-report-missing",
                "error",
                "eed_report_url",
                f"IT power {c.it_power_kw:g} kW is at least {EED_THRESHOLD_KW:g} kW, so the "
                "EU Energy Efficiency Directive (EU 2023/1791, art. 12) requires yearly "
                "reporting (in NL to RVO), but no report link is given.",
                f"IT-vermogen {c.it_power_kw:g} kW is minstens {EED_THRESHOLD_KW:g} kW, dus "
                "de Europese energie-efficiëntierichtlijn (EU 2023/1791, art. 12) verplicht een "
                "jaarlijkse rapportage (in NL aan RVO), maar er is geen link naar het rapport.",
            )
        elif c.eed_report_date and _age_days(c.eed_report_date, today) > EVIDENCE_MAX_AGE_DAYS:
            flag(
                "eed-report-stale",
                "warning",
                "eed_report_date",
                f"the EED report is dated {c.eed_report_date}, more than a year ago.",
                f"de EED-rapportage is van {c.eed_report_date}, meer dan een jaar geleden.",
            )
    elif c.it_power_kw is None and c.kind == "datacentre" and not c.eed_report_url:
        flag(
            "eed-duty-unknown",
            "info",
            "it_power_kw",
            "IT power not given: whether the EED reporting duty (>= 500 kW) applies cannot be "
            "checked; set it_power_kw.",
            "IT-vermogen onbekend: niet na te gaan of de EED-rapportageplicht (>= 500 kW) "
            "geldt; vul it_power_kw in.",
        )


def _certification_checks(c: DatacentreClaims, flag: _FlagFn, today: dt.date) -> None:
    unbacked = [x.name for x in c.certifications if not x.url or x.date is None]
    if unbacked:
        flag(
            "certification-unbacked",
            "warning",
            "certifications",
            f"certification(s) claimed without certificate link and date: "
            f"{', '.join(unbacked)}; ask for the certificate (number, issuer, validity).",
            f"certificering(en) geclaimd zonder link naar en datum van het certificaat: "
            f"{', '.join(unbacked)}; vraag het certificaat op (nummer, uitgever, "
            "geldigheid).",
        )
    old = [
        x
        for x in c.certifications
        if x.date is not None and _age_days(x.date, today) > CERTIFICATE_MAX_AGE_DAYS
    ]
    if old:
        listed = ", ".join(f"{x.name} ({x.date})" for x in old)
        flag(
            "certification-expired",
            "warning",
            "certifications",
            f"certificate(s) dated more than three years ago (the usual validity): {listed}.",
            f"certificaat/certificaten ouder dan drie jaar (de gebruikelijke geldigheid): "
            f"{listed}.",
        )


def check_greenwashing(
    profile: DatacentreClaims | LocationProfile, *, today: dt.date | None = None
) -> list[Flag]:
    """Check a profile's claims and return one :class:`Flag` per doubtful or failing claim.

    Rules (docs/datacentres.md): impossible figures (PUE < 1, DCiE outside (0, 1], REF/ERF
    outside 0..1, PUE and DCiE disagreeing), DCiE < 50 % (fails dat-06), PUE not annual,
    certificate-only green claims on a grid above 300 g/kWh, claims without evidence, undated
    or stale (> 1 year) evidence, missing EED report from 500 kW IT power, certifications
    without link or date, or older than three years.

    Args:
        profile: the claims, or a resolved location profile.
        today: the reference date for age checks (default: today); pass it for reproducible
            results.
    """
    claims = profile if isinstance(profile, DatacentreClaims) else claims_from_profile(profile)
    day = today or dt.date.today()
    flags: list[Flag] = []

    def flag(code: str, severity: str, fld: str | None, en: str, nl: str) -> None:
        flags.append(Flag(code, severity, claims.name, en, nl, fld))

    _impossible(claims, flag)
    _efficiency(claims, flag)
    _market_only(claims, flag)
    _evidence_checks(claims, flag, day)
    _eed(claims, flag, day)
    _certification_checks(claims, flag, day)
    return flags
