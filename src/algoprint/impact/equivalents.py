"""Everyday equivalents of impact figures, for communication in reports only.

Equivalents make a figure tangible; they are never used in a computation and always shown with
their source. Each carries ``needs_check`` when the figure was not confirmed at its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from algoprint.impact.model import ImpactDocument

__all__ = ["CAR_KM", "EQUIVALENTS", "HOUSEHOLD_ELECTRICITY_DAY", "Equivalent", "equivalents"]


@dataclass(frozen=True, slots=True)
class Equivalent:
    """One everyday reference quantity.

    Attributes:
        key: id used in reports.
        label_en, label_nl: what one unit of the equivalent is.
        amount: how much of the impact one unit stands for, in ``unit``.
        unit: the unit of ``amount`` (SI: ``g`` CO2e or ``J``).
        impact: the impact key it converts (``co2e_location_g``, ``energy_facility_j``).
        source: citation and URL.
        licence: licence or status of the figure.
        needs_check: the figure was not confirmed at its primary source.
    """

    key: str
    label_en: str
    label_nl: str
    amount: float
    unit: str
    impact: str
    source: str
    licence: str
    needs_check: bool = False


CAR_KM = Equivalent(
    key="car_km",
    label_en="km driven by an average European passenger car",
    label_nl="km met een gemiddelde Europese personenauto",
    amount=175.0,
    unit="g",
    impact="co2e_location_g",
    source=(
        "Green Algorithms v3.0 referenceValues.csv, passengerCar_EU_perkm = 175 gCO2/km "
        "(citing https://www.sciencedirect.com/science/article/pii/S1352231018307295 and UK "
        "government GHG conversion factors 2019); Lannelongue et al., Adv. Sci. 2021"
    ),
    licence="CC-BY-4.0",
)

HOUSEHOLD_ELECTRICITY_DAY = Equivalent(
    key="household_electricity_days",
    label_en="days of electricity of an average Dutch household",
    label_nl="dagen stroomverbruik van een gemiddeld Nederlands huishouden",
    amount=1706.0 / 365.0 * 3.6e6,
    unit="J",
    impact="energy_facility_j",
    source=(
        "CBS, De energierekening januari 2025: average household electricity use 1 706 kWh "
        "in 2025 (PBL projection; net of own solar generation), "
        "https://www.cbs.nl/nl-nl/longread/aanvullende-statistische-diensten/2025/"
        "de-energierekening-januari-2025"
    ),
    licence="CBS open data (CC-BY-4.0 per CBS's terms)",
    needs_check=True,
)

EQUIVALENTS = (CAR_KM, HOUSEHOLD_ELECTRICITY_DAY)
"""All equivalents shipped."""


def equivalents(document: ImpactDocument) -> dict[str, dict[str, Any]]:
    """The equivalents of a document's figures, with their interval and source.

    Figures missing from the document are skipped (no equivalent of a gap).
    """
    out: dict[str, dict[str, Any]] = {}
    for eq in EQUIVALENTS:
        impact = document.get(eq.impact)
        if impact is None:
            continue
        out[eq.key] = {
            "value": impact.value / eq.amount,
            "low": impact.low / eq.amount,
            "high": impact.high / eq.amount,
            "label_en": eq.label_en,
            "label_nl": eq.label_nl,
            "of": eq.impact,
            "source": eq.source,
            "licence": eq.licence,
            "needs_check": eq.needs_check,
        }
    return out
