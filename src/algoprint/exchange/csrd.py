"""ESRS E1 datapoints (CSRD) for the compute share of one algorithm or organisation.

**Not a CSRD report.** These are the figures of the measured algorithm runs only, mapped onto
the ESRS E1 datapoints they contribute to, for the people who compile the real report. Each
datapoint carries its ESRS XBRL element name (``esrs:...``, ESRS set 1 taxonomy), the
disclosure requirement and paragraph, the value in the unit ESRS asks for (MWh, tCO2e, %), the
~95 % interval, how many runs it covers, and a note.

Mapping choices (docs/reports.md repeats them):

* **Own operations vs purchased services.** Runs in a cloud region (provider + region) are a
  purchased service: their electricity is the provider's, so they count in **scope 3,
  category 1** (purchased goods and services) and not in E1-5 or scope 2. Runs anywhere else
  (own or government datacentre, configured zone) count as **own operations**: E1-5 energy
  and **scope 2**. A colocation contract where you pay the electricity belongs to scope 2 as
  well; one where the provider does belongs to scope 3 — configure it as a datacentre or a
  cloud location accordingly.
* **Energy** (E1-5 §37): the facility energy (IT energy × PUE), since that is what the
  datacentre draws from the grid for the workload.
* **Renewable share** (E1-5 §37(c)): the energy under a contract with guarantees of origin
  (``groen-gvo``, ``biomassa-gvo``). The split of the rest into fossil (§37(a)) and nuclear
  (§37(b)) needs the supplier's fuel mix, which algoprint does not have: those datapoints are
  empty with the reason.
* **Scope 2** (E1-6 §49): location-based and market-based CO2e of the own-operations runs.
* **Scope 3 category 3** (fuel- and energy-related activities): the well-to-tank (fuel chain)
  CO2e of the own-operations electricity, from the impact figure ``co2e_market_wtt_g`` when
  the impact layer provides it; otherwise empty with the reason. Scope 2 holds generation only.
* **Scope 3 category 2** (capital goods): the embodied CO2e of the hardware share, when a
  hardware description was given; otherwise empty with the reason.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from algoprint.errors import InputError
from algoprint.report._build import compute_runs

if TYPE_CHECKING:
    from algoprint.report._compute import Computed, ImpactEngine
    from algoprint.store import Store

__all__ = ["CSRD_FORMAT", "SCOPE_NOTE", "Datapoint", "csrd_datapoints", "export_csrd"]

CSRD_FORMAT = "algoprint.csrd-e1/1.0"
"""Name and version of the exported document."""
SCOPE_NOTE = (
    "Compute share only: the measured algorithm runs of the subject below, mapped onto ESRS E1 "
    "datapoints. Not a CSRD report and not the organisation's full energy use or emissions."
)
_J_PER_MWH = 3.6e9
_G_PER_T = 1e6
_RENEWABLE = frozenset({"groen-gvo", "biomassa-gvo"})
_WTT = "co2e_market_wtt_g"
"""The impact figure of the electricity's fuel chain (scope 3 category 3), when provided."""


@dataclass
class Datapoint:
    """One ESRS datapoint with its value (``None`` = not available, ``note`` says why)."""

    element: str
    disclosure: str
    paragraph: str
    name: str
    unit: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    runs_counted: int = 0
    runs_missing: int = 0
    note: str = ""
    reasons: dict[str, int] = field(default_factory=dict)

    def add(self, value: float, low: float, high: float, scale: float) -> None:
        """Add one run's figure (SI) divided by ``scale``."""
        self.value = (self.value or 0.0) + value / scale
        self.low = (self.low or 0.0) + low / scale
        self.high = (self.high or 0.0) + high / scale
        self.runs_counted += 1

    def miss(self, reason: str) -> None:
        """Record one run without the figure."""
        self.runs_missing += 1
        self.reasons[reason] = self.reasons.get(reason, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        status = (
            "complete"
            if self.runs_counted and not self.runs_missing
            else ("partial" if self.runs_counted else "not available")
        )
        note = self.note
        if self.reasons:
            note = (
                (note + " " if note else "")
                + "Missing: "
                + "; ".join(f"{r} ({n} runs)" for r, n in self.reasons.items())
            )
        return {
            "element": self.element,
            "disclosure": self.disclosure,
            "paragraph": self.paragraph,
            "name": self.name,
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "unit": self.unit,
            "runs_counted": self.runs_counted,
            "runs_missing": self.runs_missing,
            "status": status,
            "note": note,
        }


def _add(dp: Datapoint, item: Computed, key: str, scale: float) -> None:
    impact = item.doc.get(key) if item.doc is not None else None
    if impact is None:
        if item.run.energy_j is None:
            reason = "the run has no total energy (a meter gap)"
        elif item.doc is not None:
            default = "not computed"
            if key == _WTT:
                default = "no well-to-tank figure in this algoprint's impact factors"
            reason = item.doc.missing.get(key, default)
        else:
            reason = item.error or "no impact figures"
        dp.miss(reason)
    else:
        dp.add(impact.value, impact.low, impact.high, scale)


def csrd_datapoints(items: list[Computed], engine: ImpactEngine) -> list[Datapoint]:
    """The E1-5 / E1-6 datapoints of computed runs (see the module docstring)."""
    energy = Datapoint(
        "esrs:EnergyConsumptionRelatedToOwnOperations",
        "E1-5",
        "37",
        "Total energy consumption related to own operations (compute share)",
        "MWh",
        note="Facility energy (IT energy x PUE) of runs in own or government datacentres.",
    )
    renewable = Datapoint(
        "esrs:EnergyConsumptionFromRenewableSources",
        "E1-5",
        "37(c)",
        "Energy consumption from renewable sources (compute share)",
        "MWh",
        note="Energy under contracts with guarantees of origin (groen-gvo, biomassa-gvo).",
    )
    fossil = Datapoint(
        "esrs:EnergyConsumptionFromFossilSources",
        "E1-5",
        "37(a)",
        "Energy consumption from fossil sources (compute share)",
        "MWh",
        note="Not available: needs the fuel mix of the electricity without guarantees of "
        "origin, which algoprint does not have.",
    )
    nuclear = Datapoint(
        "esrs:EnergyConsumptionFromNuclearSources",
        "E1-5",
        "37(b)",
        "Energy consumption from nuclear sources (compute share)",
        "MWh",
        note="Not available: needs the supplier's fuel mix.",
    )
    share = Datapoint(
        "esrs:PercentageOfRenewableSourcesInTotalEnergyConsumption",
        "E1-5",
        "AR 34",
        "Share of renewable sources in the energy consumption (compute share)",
        "%",
    )
    s2_loc = Datapoint(
        "esrs:GrossLocationBasedScope2GreenhouseGasEmissions",
        "E1-6",
        "49(a)",
        "Gross location-based scope 2 GHG emissions (compute share)",
        "tCO2e",
        note="Facility energy x grid intensity of the zone, own-operations runs.",
    )
    s2_mkt = Datapoint(
        "esrs:GrossMarketBasedScope2GreenhouseGasEmissions",
        "E1-6",
        "49(b)",
        "Gross market-based scope 2 GHG emissions (compute share)",
        "tCO2e",
        note="Facility energy x contract factor, own-operations runs.",
    )
    s3_c1 = Datapoint(
        "esrs:GrossScope3GreenhouseGasEmissions",
        "E1-6",
        "51 (category 1)",
        "Scope 3 category 1, purchased cloud services (compute share, location-based)",
        "tCO2e",
        note="Runs in public cloud regions; location-based (the provider's market "
        "instruments are not known per workload).",
    )
    s3_c2 = Datapoint(
        "esrs:GrossScope3GreenhouseGasEmissions",
        "E1-6",
        "51 (category 2)",
        "Scope 3 category 2, capital goods: embodied hardware (compute share)",
        "tCO2e",
        note="Embodied CO2e of the hardware share of every run.",
    )
    s3_c3 = Datapoint(
        "esrs:GrossScope3GreenhouseGasEmissions",
        "E1-6",
        "51 (category 3)",
        "Scope 3 category 3, fuel- and energy-related activities: the well-to-tank (fuel "
        "chain) emissions of the electricity (compute share)",
        "tCO2e",
        note="Facility energy x the contract's well-to-tank factor, own-operations runs "
        "(impact figure co2e_market_wtt_g); scope 2 holds only generation (tank-to-wheel).",
    )
    for item in items:
        profile, _, _ = engine.profile(item.run.algorithm)
        if profile.cloud:
            _add(s3_c1, item, "co2e_location_g", _G_PER_T)
        else:
            _add(s3_c3, item, _WTT, _G_PER_T)
            _add(energy, item, "energy_facility_j", _J_PER_MWH)
            _add(s2_loc, item, "co2e_location_g", _G_PER_T)
            _add(s2_mkt, item, "co2e_market_g", _G_PER_T)
            if profile.contract in _RENEWABLE:
                _add(renewable, item, "energy_facility_j", _J_PER_MWH)
        _add(s3_c2, item, "embodied_gwp_g", _G_PER_T)
    if energy.value:
        share.value = 100.0 * (renewable.value or 0.0) / energy.value
        share.runs_counted = energy.runs_counted
        share.runs_missing = energy.runs_missing
        share.note = "Renewable (GvO) energy / own-operations energy, central values."
    else:
        share.note = "Not available: no own-operations energy in the period."
    if renewable.value is None and energy.value:
        renewable.value, renewable.low, renewable.high = 0.0, 0.0, 0.0
        renewable.note += " No run had such a contract."
    return [energy, fossil, nuclear, renewable, share, s2_loc, s2_mkt, s3_c1, s3_c2, s3_c3]


def export_csrd(
    store: Store,
    *,
    fmt: str = "json",
    algorithm: str | None = None,
    organisation: str | None = None,
    period: str | None = None,
    settings_extra: Mapping[str, Any] | None = None,
    now: datetime | None = None,
    overrides: Mapping[str, str | None] | None = None,
) -> bytes:
    """The ESRS E1 datapoints of the compute share as JSON or CSV.

    Raises:
        InputError: another format, a bad period, both algorithm and organisation.
        NotFound: an unknown algorithm or organisation.
    """
    from algoprint._version import __version__
    from algoprint.refdata import FACTOR_VERSION

    if fmt not in {"csv", "json"}:
        raise InputError(f"unsupported CSRD export format {fmt!r}", hint="use csv or json")
    items, engine, span, _ = compute_runs(
        store,
        algorithm=algorithm,
        organisation=organisation,
        period=period,
        settings_extra=settings_extra,
        overrides=overrides,
    )
    points = [p.to_dict() for p in csrd_datapoints(items, engine)]
    subject = (
        {"algorithm": algorithm}
        if algorithm
        else {"organisation": organisation}
        if organisation
        else {"all": True}
    )
    when = (datetime.now(UTC) if now is None else now).isoformat(timespec="seconds")
    if fmt == "json":
        doc = {
            "format": CSRD_FORMAT,
            "scope_note": SCOPE_NOTE,
            "subject": subject,
            "period": span.to_dict(),
            "runs": len(items),
            "generated_at": when,
            "factor_version": FACTOR_VERSION,
            "algoprint_version": __version__,
            "datapoints": points,
        }
        return (json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f"# {SCOPE_NOTE}"])
    writer.writerow(
        [
            f"# subject: {json.dumps(subject)}; period: {span.label}; runs: {len(items)}; "
            f"factor_version: {FACTOR_VERSION}; generated_at: {when}"
        ]
    )
    head = [
        "element",
        "disclosure",
        "paragraph",
        "name",
        "value",
        "low",
        "high",
        "unit",
        "runs_counted",
        "runs_missing",
        "status",
        "note",
    ]
    writer.writerow(head)
    for p in points:
        writer.writerow(["" if p[k] is None else p[k] for k in head])
    return out.getvalue().encode("utf-8")
