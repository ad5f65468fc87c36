"""The fixed texts of a tender requirement set: category and tender-type names, the sources it
cites and the proportionality guidance, in Dutch and English (shared by
:mod:`.requirements` and its renderers)."""

from __future__ import annotations

__all__ = [
    "CATEGORIES",
    "KIND_NAMES",
    "OWP12_CITATION",
    "PROPORTIONALITY_EN",
    "PROPORTIONALITY_NL",
    "TENDER_SOURCES",
]

CATEGORIES: dict[str, tuple[str, str]] = {
    "kpi": ("Meetbare KPI's", "Measurable KPIs"),
    "reporting": ("Rapportageverplichtingen", "Reporting duties"),
    "certification": (
        "Certificering en wettelijke rapportage",
        "Certification and legal reporting",
    ),
    "contract": ("Contractvoorwaarden", "Contract terms"),
    "consideration": ("Overwegingen (owp-12)", "Considerations (owp-12)"),
    "social": ("Sociale criteria", "Social criteria"),
}
"""Category id → (Dutch, English) heading, in output order."""
KIND_NAMES = {
    "saas": ("SaaS- of clouddienst", "SaaS or cloud service"),
    "ai-model": ("AI-model of API (ook generatieve AI)", "AI model or API (incl. generative AI)"),
    "custom-development": ("Maatwerkontwikkeling", "Custom development"),
    "hosting": ("Hosting", "Hosting"),
}
OWP12_CITATION = (
    "Algoritmekader v2.5.1, maatregel owp-12 'Koop duurzaam algoritmes in' (MinBZK, EUPL-1.2), "
    "https://minbzk.github.io/Algoritmekader/"
)


TENDER_SOURCES = (
    "PIANOo, MVI-criteriatool (mvicriteria.nl): minimumeisen, gunningscriteria en "
    "contractbepalingen per productgroep, in drie ambitieniveaus",
    "European Commission, EU Green Public Procurement criteria for data centres, server rooms "
    "and cloud services, SWD(2020) 55 final, with the JRC technical report (2020)",
    "Algoritmekader owp-12 (duurzaam inkopen) and dat-06 (DCiE at least 50 % over a year)",
)
PROPORTIONALITY_NL = (
    "Proportionaliteit (Gids Proportionaliteit): kies alleen de eisen die passen bij de omvang "
    "en het risico van de opdracht; neem niet alle eisen over. Een knock-out-eis sluit "
    "inschrijvers uit: gebruik die alleen waar de markt eraan kan voldoen, en weeg de rest als "
    "gunningscriterium."
)
PROPORTIONALITY_EN = (
    "Proportionality (Dutch Gids Proportionaliteit): choose only the requirements that fit the "
    "size and risk of the contract; do not copy them all. A knock-out requirement excludes "
    "tenderers: use it only where the market can meet it, and score the rest as award criteria."
)
