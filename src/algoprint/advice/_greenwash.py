"""Greenwashing checks on a datacentre or cloud-region profile (Algoritmekader dat-06).

dat-06 asks to use datacentres with renewable energy and energy-efficient technology (DCiE of
at least 50 % over a whole year, i.e. an annual PUE of at most 2.0), to check certifications
and energy reports, and to watch for greenwashing: claims without concrete backing. What a
datacentre *claims* (:class:`DatacentreClaims`, raw: impossible values are kept so they can be
flagged) lives in :mod:`algoprint.advice._claims` and is re-exported here; this module turns
each doubtful claim into a :class:`Flag` with an explanation in English and Dutch. The rules
and thresholds are documented in docs/datacentres.md.

Claims come from a ``[datacentres.NAME]`` config table (:func:`claims_from_table`), from a
shipped profile (:func:`claims_from_shipped`) or from a resolved
:class:`~algoprint.impact.location.LocationProfile` (:func:`claims_from_profile`).
"""

from __future__ import annotations

import datetime as dt

from algoprint.advice._claims import (
    _PUE_DCIE_TOLERANCE,
    CERTIFICATE_CONTRACTS,
    CERTIFICATE_MAX_AGE_DAYS,
    EED_THRESHOLD_KW,
    EVIDENCE_MAX_AGE_DAYS,
    EXTRA_DATACENTRE_KEYS,
    GREEN_CLAIM_PCT,
    HIGH_CARBON_GRID_G_PER_KWH,
    Certificate,
    DatacentreClaims,
    Evidence,
    Flag,
    _FlagFn,
    claims_from_profile,
    claims_from_shipped,
    claims_from_table,
    parse_date,
)
from algoprint.advice._greenwash_more import (
    NL,
    certificate_green,
    future_dates,
    has_any_claim,
    pue_rules,
)
from algoprint.impact.location import LocationProfile

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
            f"PUE {NL(c.pue)} is lager dan 1: een datacenter kan niet minder energie gebruiken "
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
            f"DCiE {NL(c.dcie)} ligt buiten (0, 1]: DCiE = IT-energie / totale energie kan niet "
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
            f"PUE {NL(c.pue)} en DCiE {NL(c.dcie)} spreken elkaar tegen (DCiE hoort 1/PUE = "
            f"{NL(round(1 / c.pue, 2))} te zijn): hooguit een van beide klopt.",
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
                f"{key.upper()} {NL(value)} ligt buiten 0..1: het is een aandeel van de energie, "
                "hooguit 1 (100 %). Waarden boven 1 tellen meestal certificaten dubbel.",
            )
    if c.renewable_pct is not None and not 0 <= c.renewable_pct <= 100:
        flag(
            "renewable-impossible",
            "error",
            "renewable_pct",
            f"a renewable share of {c.renewable_pct:g} % is impossible (0..100 %).",
            f"een aandeel hernieuwbaar van {NL(c.renewable_pct)} % is onmogelijk (0..100 %).",
        )
    if c.wue_l_per_kwh is not None and c.wue_l_per_kwh < 0:
        flag(
            "wue-impossible",
            "error",
            "wue",
            f"WUE {c.wue_l_per_kwh:g} L/kWh is negative: water use cannot be below zero.",
            f"WUE {NL(c.wue_l_per_kwh)} L/kWh is negatief: waterverbruik kan niet onder nul.",
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
            f"DCiE {NL(round(100 * dcie))} % (PUE {NL(round(pue, 2))}) ligt onder de 50 % van "
            "Algoritmekader dat-06 "
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
            "het marktgebonden cijfer is laag, maar de stroom die echt gebruikt wordt is "
            "koolstofrijk. Vraag het locatiegebonden cijfer en om aanvullende hernieuwbare "
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
                f"IT-vermogen {NL(c.it_power_kw)} kW is minstens {NL(EED_THRESHOLD_KW)} kW, dus "
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
    without link or date, or older than three years; and (issue 15) certificate-only green on
    any grid (severity by grid intensity), a PUE without basis, a PUE below 1.05, no PUE/DCiE
    (dat-06 cannot be assessed), evidence dated in the future, and ``nothing-to-check`` when
    the profile claims nothing (so an empty list is never mistaken for a pass).

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

    if not has_any_claim(claims):
        who = claims.name or claims.zone or ""
        if claims.zone and claims.zone != who:
            who += f" ({claims.zone})"
        where, waar = (f" for {who}", f" voor {who}") if who else ("", "")
        flag(
            "nothing-to-check",
            "info",
            None,
            f"nothing to check{where}: no PUE, DCiE, renewable claim, certificate or evidence "
            "is given, so no flag is not a pass; add the datacentre's claims "
            "([datacentres.NAME] in algoprint.toml).",
            f"niets te controleren{waar}: er is geen PUE, DCiE, groene claim, certificaat of "
            "onderbouwing opgegeven, dus geen melding is geen goedkeuring; vul de claims van "
            "het datacenter in ([datacentres.NAAM] in algoprint.toml).",
        )
        pue_rules(claims, flag)  # a datacentre or cloud region: dat-06 cannot be assessed
        return flags
    _impossible(claims, flag)
    _efficiency(claims, flag)
    pue_rules(claims, flag)
    _market_only(claims, flag)
    certificate_green(claims, flag)
    _evidence_checks(claims, flag, day)
    future_dates(claims, flag, day)
    _eed(claims, flag, day)
    _certification_checks(claims, flag, day)
    return flags
