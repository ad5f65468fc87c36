"""Labels of keys that appear in reports, marked for translation (English msgids).

They are translated where they are shown (``gettext(IMPACT_LABELS[key])``); Babel's extractor
finds them through the ``N_`` marker.
"""

from __future__ import annotations

from algoprint.report.i18n import N_

__all__ = [
    "ANALYSIS_KIND_LABELS",
    "DOMAIN_LABELS",
    "IMPACT_LABELS",
    "METER_METHOD_LABELS",
    "ORIGIN_LABELS",
    "PHASE_LABELS",
    "RUN_PHASE_LABELS",
    "STATUS_LABELS",
    "SUMMARY_KEYS",
    "UNIT_KIND",
]

IMPACT_LABELS: dict[str, str] = {
    "energy_it_j": N_("IT energy"),
    "energy_facility_j": N_("Energy incl. datacentre overhead (PUE)"),
    "co2e_location_g": N_("CO₂e, location-based"),
    "co2e_market_g": N_("CO₂e, market-based"),
    "water_onsite_l": N_("Water, on site (cooling)"),
    "water_offsite_l": N_("Water, off site (electricity generation)"),
    "water_l": N_("Water, total"),
    "embodied_gwp_g": N_("Embodied CO₂e (hardware manufacture)"),
    "embodied_adpe_g_sbeq": N_("Abiotic depletion, elements (ADPe)"),
    "embodied_pe_j": N_("Embodied primary energy"),
    "co2e_total_g": N_("CO₂e, operational + embodied"),
    "sci_g_per_unit": N_("SCI per functional unit"),
}

SUMMARY_KEYS: tuple[str, ...] = (
    "energy_it_j",
    "energy_facility_j",
    "co2e_location_g",
    "co2e_market_g",
    "water_l",
    "embodied_gwp_g",
    "embodied_adpe_g_sbeq",
    "co2e_total_g",
)
"""The impact keys summed in every report, in display order."""

UNIT_KIND: dict[str, str] = {
    "energy_it_j": "J",
    "energy_facility_j": "J",
    "co2e_location_g": "g",
    "co2e_market_g": "g",
    "water_onsite_l": "L",
    "water_offsite_l": "L",
    "water_l": "L",
    "embodied_gwp_g": "g",
    "embodied_adpe_g_sbeq": "g Sb eq",
    "embodied_pe_j": "J",
    "co2e_total_g": "g",
    "sci_g_per_unit": "g/unit",
}
"""SI unit of each impact key."""

PHASE_LABELS: dict[str, str] = {
    "training": N_("Training"),
    "use": N_("Use (inference)"),
    "other": N_("Other or not labelled"),
}

DOMAIN_LABELS: dict[str, str] = {
    "cpu": N_("Processor (CPU)"),
    "gpu": N_("Graphics card (GPU)"),
    "memory": N_("Memory (RAM)"),
    "platform": N_("Whole platform (not added)"),
}

STATUS_LABELS: dict[str, str] = {
    "running": N_("running"),
    "completed": N_("completed"),
    "degraded": N_("degraded"),
    "failed": N_("failed"),
    "interrupted": N_("interrupted"),
    "incomplete": N_("incomplete"),
    "stopped-by-budget": N_("stopped by budget"),
}

ANALYSIS_KIND_LABELS: dict[str, str] = {
    "simplicity": N_("Simplest adequate model"),
    "data-minimisation": N_("Data minimisation"),
    "training-efficiency": N_("Training efficiency"),
    "training-prediction": N_("Training energy prediction"),
    "carbon-aware-schedule": N_("Carbon-aware schedule"),
    "retraining-policy": N_("Retraining policy"),
    "code-profile": N_("Code energy profile"),
    "code-compare": N_("Code comparison (A/B)"),
    "energy-regression-gate": N_("Energy regression gate"),
    "location": N_("Location comparison"),
    "procurement-requirements": N_("Procurement requirements"),
    "procurement-evaluation": N_("Procurement evaluation"),
    "monitoring-report": N_("Monitoring report"),
}

ORIGIN_LABELS: dict[str, str] = {
    "argument": N_("given as an argument"),
    "register": N_("from the algorithm register"),
    "configuration": N_("from the configuration"),
    "default": N_("default: nothing configured"),
}
"""Where a run's location profile came from."""

RUN_PHASE_LABELS: dict[str, str] = {
    "training": N_("training"),
    "fine-tuning": N_("fine-tuning"),
    "retraining": N_("retraining"),
    "inference": N_("inference"),
    "prediction": N_("prediction"),
    "scoring": N_("scoring"),
    "serving": N_("serving"),
    "evaluation": N_("evaluation"),
}
"""The phase a run recorded, as shown in the runs table (other names are shown as given)."""

METER_METHOD_LABELS: dict[str, str] = {
    "counter": N_("energy counter"),
    "power-integration": N_("power readings"),
    "model": N_("model (estimate)"),
    "constant": N_("constant power"),
    "user": N_("given by the user"),
    "none": N_("not measured"),
}
"""How a component's energy was obtained."""
