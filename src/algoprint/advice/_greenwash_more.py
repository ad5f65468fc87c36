"""More dat-06 greenwashing rules (issue 15): certificate-only green on any grid, the PUE
basis, implausible and missing PUE, future-dated evidence, and "nothing to check".

Called by :func:`algoprint.advice._greenwash.check_greenwashing`; each rule adds
:class:`~algoprint.advice._claims.Flag` entries through the ``flag`` callback.
"""

from __future__ import annotations

import datetime as dt

from algoprint.advice._claims import (
    CERTIFICATE_CONTRACTS,
    GREEN_CLAIM_PCT,
    HIGH_CARBON_GRID_G_PER_KWH,
    DatacentreClaims,
    Flag,
    _FlagFn,
)

__all__ = [
    "LOW_CARBON_GRID_G_PER_KWH",
    "NL",
    "PLAUSIBLE_PUE_MIN",
    "certificate_green",
    "flag_lines",
    "future_dates",
    "has_any_claim",
    "pue_rules",
    "severity_label",
    "value",
]

PLAUSIBLE_PUE_MIN = 1.05
"""An annual PUE below this is implausible for a real datacentre (free-cooled best cases run
1.1 or higher over a year); it is flagged for evidence."""
LOW_CARBON_GRID_G_PER_KWH = 100.0
"""Below this grid intensity a certificate-only green claim is only noted (info)."""


def value(v: float, lang: str = "en") -> str:
    """A claimed figure as written (``1.3``, ``0.45``; trailing zeros dropped), never in
    exponent notation, with the decimal comma in Dutch (``1,3``)."""
    from algoprint._format import number

    text = number(v, lang, 4)
    sep = "," if lang == "nl" else "."
    if sep in text:
        text = text.rstrip("0").rstrip(sep)
    return text


def NL(v: float) -> str:
    """:func:`value` in Dutch."""
    return value(v, "nl")


_SEVERITY_NL = {"error": "fout", "warning": "waarschuwing", "info": "info"}


def severity_label(severity: str, lang: str) -> str:
    """A flag's severity as shown to people: ``fout``/``waarschuwing``/``info`` in Dutch."""
    return _SEVERITY_NL.get(severity, severity) if lang == "nl" else severity


def flag_lines(flag: Flag, lang: str, *, subject: bool = False, field: bool = False) -> list[str]:
    """One flag as terminal lines: ``  [severity] (subject: )code( field): message``, wrapped at
    80 columns with continuation lines indented by four (links are never broken)."""
    import textwrap

    lead = f"  [{severity_label(flag.severity, lang)}] "
    lead += f"{flag.subject}: " if subject else ""
    lead += f"{flag.code} {flag.field or ''}: " if field else f"{flag.code}: "
    return textwrap.wrap(
        lead + flag.message(lang),
        width=80,
        subsequent_indent="    ",
        break_on_hyphens=False,
        break_long_words=False,
    )


def has_any_claim(c: DatacentreClaims) -> bool:
    """Whether the profile says anything that can be checked."""
    figures = (c.pue, c.dcie, c.wue_l_per_kwh, c.ref, c.erf, c.renewable_pct, c.it_power_kw)
    return (
        any(v is not None for v in figures)
        or bool(c.contract or c.renewable_basis or c.eed_report_url)
        or bool(c.certifications or c.evidence)
    )


def certificate_green(c: DatacentreClaims, flag: _FlagFn) -> None:
    """A green claim backed only by certificates, on any grid; severity by grid intensity."""
    green = (
        (c.renewable_pct is not None and c.renewable_pct >= GREEN_CLAIM_PCT)
        or (c.ref is not None and c.ref >= GREEN_CLAIM_PCT / 100)
        or c.contract in CERTIFICATE_CONTRACTS
    )
    by_certificates = c.renewable_basis == "certificates" or (
        c.renewable_basis is None and c.contract in CERTIFICATE_CONTRACTS
    )
    grid = c.grid_g_per_kwh
    if not (green and by_certificates) or (grid is not None and grid > HIGH_CARBON_GRID_G_PER_KWH):
        return  # the high-carbon case is the rule market-only-green
    if grid is None:
        severity, en_grid, nl_grid = "info", "an unknown grid", "een onbekend net"
    else:
        severity = "warning" if grid >= LOW_CARBON_GRID_G_PER_KWH else "info"
        en_grid, nl_grid = f"a grid of {grid:.0f} g CO2e/kWh", f"een net van {grid:.0f} g CO2e/kWh"
    flag(
        "certificate-only-green",
        severity,
        "renewable_basis",
        f"'100 % green' only by certificates (guarantees of origin) on {en_grid}: certificates "
        "do not change the electricity drawn; report the location-based figure next to it and "
        "ask for additional supply (PPA, on-site).",
        f"'100 % groen' alleen via certificaten (garanties van oorsprong) op {nl_grid}: "
        "certificaten veranderen de gebruikte stroom niet; rapporteer het locatiegebonden cijfer "
        "ernaast en vraag om aanvullende opwek (PPA, eigen opwek).",
    )


def pue_rules(c: DatacentreClaims, flag: _FlagFn) -> None:
    """Unknown PUE basis, implausibly low PUE, and no PUE/DCiE at all."""
    if (c.pue is not None or c.dcie is not None) and c.pue_basis is None:
        flag(
            "pue-basis-unknown",
            "warning",
            "pue_basis",
            "the PUE/DCiE is given without its basis (annual, design, peak, monthly): dat-06 "
            "needs the figure over a whole year; ask which it is.",
            "de PUE/DCiE staat er zonder grondslag (jaar, ontwerp, piek, maand): dat-06 vraagt "
            "een waarde over een heel jaar; vraag welke het is.",
        )
    pue = c.pue if c.pue is not None else (1 / c.dcie if c.dcie and 0 < c.dcie <= 1 else None)
    if pue is not None and 1 <= pue < PLAUSIBLE_PUE_MIN:
        flag(
            "pue-implausible",
            "warning",
            "pue",
            f"PUE {pue:.2f} is implausibly low (below {PLAUSIBLE_PUE_MIN:g}): even free-cooled "
            "datacentres rarely stay under it over a year; ask for the measurement and its "
            "boundaries.",
            f"PUE {NL(round(pue, 2))} is onwaarschijnlijk laag (onder {NL(PLAUSIBLE_PUE_MIN)}): "
            "zelfs "
            "datacenters met vrije koeling blijven daar over een jaar zelden onder; vraag de "
            "meting en wat erbinnen valt.",
        )
    if c.kind != "country" and c.pue is None and c.dcie is None:
        flag(
            "dat-06-not-assessable",
            "warning",
            "pue",
            "no PUE or DCiE given: dat-06 (DCiE at least 50 % over a year) cannot be assessed.",
            "geen PUE of DCiE opgegeven: dat-06 (DCiE minstens 50 % over een jaar) is niet te "
            "beoordelen.",
        )


def future_dates(c: DatacentreClaims, flag: _FlagFn, today: dt.date) -> None:
    """Evidence, certificates or an EED report dated after today."""
    dated = [(e.url, e.date) for e in c.evidence] + [(x.name, x.date) for x in c.certifications]
    if c.eed_report_date is not None:
        dated.append(("EED report", c.eed_report_date))
    future = [f"{what} ({when})" for what, when in dated if when is not None and when > today]
    if future:
        flag(
            "evidence-future",
            "error",
            "evidence",
            f"dated in the future: {', '.join(future)}; a document cannot back a claim before "
            "it exists. Check the dates.",
            f"gedateerd in de toekomst: {', '.join(future)}; een document kan een claim niet "
            "onderbouwen voordat het bestaat. Controleer de datums.",
        )
