"""The machine runs execute on, and the share of its embodied impacts a measured run carries.

A run record says what the job could use (``host.vcpus_available``, ``host.memory_gb_available``,
its GPU components) but not what the machine is made of. The machine comes from the ``[hardware]``
config table (docs/configuration.md), in one of three forms:

* ``server = "platform_compute_medium"``: a Boavizta server archetype (``server_archetypes.csv``,
  restated from Boavizta boaviztapi v2.4.1), optionally with component keys overriding it;
* components (``cpu_units``, ``cpu_cores`` or ``cpu_die_mm2``, ``ram_gb``, ``ssd_gb``,
  ``hdd_units``, ``gpu_units``, ``gpu``, ``case``, ``psu_units``), Boavizta's component method;
* a manufacturer footprint: ``manufacturer_gwp_kg`` (+ ``lifetime_years``), or ``product`` naming
  one row of :func:`algoprint.impact.factors.manufacturer_footprints`.

With no ``[hardware]`` table the default is Boavizta's default server archetype
(:data:`DEFAULT_ARCHETYPE`; :data:`DEFAULT_GPU_ARCHETYPE` for a run with GPUs) with its lifetime.
That default is an estimate with a wide interval (the archetype's min..max components times the
factor ranges) and is always recorded in the document's ``defaults``, never silent.

The reserved share is the largest of vCPUs available / the machine's threads, memory available /
its RAM and GPUs used / its GPUs (:func:`algoprint.impact.embodied.hardware_share`'s rule).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from algoprint.errors import ImpactError
from algoprint.impact._machines import (
    COMPONENT_INT,
    COMPONENT_KEYS,
    DEFAULT_ARCHETYPE,
    DEFAULT_GPU_ARCHETYPE,
    HINT,
    MANUFACTURER_KEYS,
    THREADS_PER_CORE,
    Machine,
    archetype_machine,
    archetypes,
    component_machine,
    default_machine,
    gpu_cards,
    manufacturer_machine,
    with_defaults,
)
from algoprint.impact.embodied import SECONDS_PER_YEAR, HardwareShare

if TYPE_CHECKING:
    from algoprint.impact.model import ImpactDocument
    from algoprint.tracking.record import RunRecord

__all__ = [
    "DEFAULT_ARCHETYPE",
    "DEFAULT_GPU_ARCHETYPE",
    "HARDWARE_KEYS",
    "THREADS_PER_CORE",
    "Machine",
    "MachineShare",
    "archetype_machine",
    "archetypes",
    "declared_machine",
    "gpu_cards",
    "hardware_for_run",
    "record_hardware",
    "share_for_run",
]

HARDWARE_KEYS = ("server", *COMPONENT_KEYS, *MANUFACTURER_KEYS, "total_vcpus", "lifetime_years")
"""Every key the ``[hardware]`` table accepts."""


@dataclass(frozen=True, slots=True)
class MachineShare(HardwareShare):
    """A :class:`HardwareShare` that also names the machine and where its description came from."""

    machine: str = ""
    origin: str = "config"


# ---------------------------------------------------------------- the [hardware] table


def _number(key: str, value: Any, *, integer: bool = False, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ImpactError(f"[hardware] {key} must be a number, got {value!r}", hint=HINT)
    number = float(value)
    if not math.isfinite(number) or number < 0 or (positive and number == 0) or number > 1e9:
        bound = "> 0" if positive else ">= 0"
        raise ImpactError(
            f"[hardware] {key} must be a finite number {bound} and <= 1000000000, got {value!r}",
            hint=HINT,
        )
    if integer and not number.is_integer():
        raise ImpactError(f"[hardware] {key} must be a whole number, got {value!r}", hint=HINT)
    return number


def _text(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ImpactError(f"[hardware] {key} must be a non-empty string, got {value!r}", hint=HINT)
    return value.strip()


def _parse(table: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(table) - set(HARDWARE_KEYS))
    if unknown:
        raise ImpactError(
            f"unknown key(s) in [hardware]: {', '.join(unknown)}",
            hint=f"known keys: {', '.join(HARDWARE_KEYS)}",
        )
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key in COMPONENT_INT:
            out[key] = int(_number(key, value, integer=True))
        elif key in {"lifetime_years", "total_vcpus", "manufacturer_gwp_kg"}:
            out[key] = _number(key, value, positive=True)
        elif key in {"server", "gpu", "manufacturer_source", "product"}:
            out[key] = _text(key, value)
        elif key == "case":
            out[key] = _text(key, value).lower()
            if out[key] not in {"rack", "blade"}:
                raise ImpactError(
                    f"[hardware] case must be 'rack' or 'blade', got {value!r}",
                    hint='set case = "rack" or case = "blade"',
                )
        else:
            out[key] = _number(key, value)
    return out


def declared_machine(settings_extra: Mapping[str, Any] | None) -> Machine | None:
    """The machine the ``[hardware]`` table declares; ``None`` when there is no table.

    Raises:
        ImpactError: unknown key, a negative/NaN/zero value where it must be > 0, an unknown
            archetype, GPU card or product, or a combination that does not describe a machine.
    """
    table = (settings_extra or {}).get("hardware")
    if not table:
        return None
    if not isinstance(table, Mapping):
        raise ImpactError("[hardware] must be a table", hint=HINT)
    cfg = _parse(table)
    lifetime = cfg.get("lifetime_years")
    vcpus = cfg.get("total_vcpus")
    components = {k: cfg[k] for k in COMPONENT_KEYS if k in cfg}
    if any(k in cfg for k in MANUFACTURER_KEYS):
        return manufacturer_machine(cfg, lifetime, vcpus)
    if "server" in cfg or not components:
        machine = archetype_machine(
            cfg.get("server", DEFAULT_ARCHETYPE),
            overrides=components,
            lifetime_years=lifetime,
            total_vcpus=vcpus,
        )
        if "server" not in cfg:
            note = (
                f"[hardware] names no server or components: the default server archetype "
                f"{DEFAULT_ARCHETYPE} is used; declare server or the components in [hardware]"
            )
            return with_defaults(machine, note)
        return machine
    return component_machine(components, lifetime, vcpus)


# ---------------------------------------------------------------- the share of one run


def _host_number(host: Mapping[str, Any], key: str) -> float | None:
    value = host.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) and value > 0 else None


def share_for_run(machine: Machine, record: RunRecord) -> tuple[HardwareShare | None, list[str]]:
    """The share of ``machine`` that ``record`` reserved, and the defaults applied.

    Returns:
        ``(share, defaults)``; or ``(None, [reason])`` when the record gives no basis for a
        share of a default machine (no host figures: an old record).

    Raises:
        ImpactError: the run could use more vCPUs, memory or GPUs than the declared machine has.
    """
    host = record.host or {}
    vcpus = _host_number(host, "vcpus_available")
    memory = _host_number(host, "memory_gb_available")
    gpus = len({c.device for c in record.components if c.domain == "gpu"})
    notes = list(machine.defaults)
    if vcpus is None and memory is None and not gpus and machine.origin == "default":
        what = "no host information" if not host else "no vCPUs or memory available"
        return None, [
            f"the run records {what} (a record from before algoprint kept them), so its "
            "share of the machine is unknown; declare the machine in [hardware]"
        ]
    ratios: dict[str, tuple[float, float]] = {}
    for basis, used, whole, key in (
        ("vcpus", vcpus, machine.total_vcpus, "total_vcpus"),
        ("memory_gb", memory, machine.memory_gb, "ram_gb"),
        ("gpus", float(gpus) if gpus else None, float(machine.gpu_units) or None, "gpu_units"),
    ):
        if used is None:
            continue
        if whole is None:
            if basis == "gpus":
                notes.append(
                    f"the run used {gpus} GPU(s) but {machine.name} has none: their embodied "
                    "impacts are not included; declare gpu_units in [hardware]"
                )
            continue
        if used > whole:
            if machine.origin == "config":
                raise ImpactError(
                    f"the run could use {used:g} {basis} but [hardware] describes a machine "
                    f"with {whole:g} ({key})",
                    hint=f"set {key} in [hardware] to the whole machine's figure (>= {used:g})",
                )
            notes.append(
                f"{basis} available ({used:g}) exceed the default archetype's {whole:g}: the "
                "share is capped at the whole machine"
            )
        ratios[basis] = (min(used, whole), whole)
    lifetime_s = machine.lifetime_years * SECONDS_PER_YEAR
    if not ratios:
        notes.append(
            f"no share basis for {machine.name} (declare total_vcpus or ram_gb in [hardware]): "
            "the whole machine is allocated, an upper bound"
        )
        return MachineShare(
            machine.embodied, lifetime_s, machine=machine.name, origin=machine.origin
        ), notes
    basis, (used, whole) = max(ratios.items(), key=lambda kv: kv[1][0] / kv[1][1])
    return MachineShare(
        machine.embodied,
        lifetime_s,
        used / whole,
        f"{basis} {used:g}/{whole:g} of {machine.name}",
        machine=machine.name,
        origin=machine.origin,
    ), notes


def hardware_for_run(
    record: RunRecord, settings_extra: Mapping[str, Any] | None
) -> tuple[HardwareShare | None, list[str]]:
    """The hardware share of one run: the ``[hardware]`` machine, else the default archetype.

    Returns:
        ``(share, defaults)``: the lines go to the document's ``defaults``. ``(None, [reason])``
        when the share cannot be known (an old record without host figures).

    Raises:
        ImpactError: an invalid ``[hardware]`` table, or a run larger than the declared machine.
    """
    machine = declared_machine(settings_extra)
    if machine is None:
        gpus = any(c.domain == "gpu" for c in record.components)
        name = DEFAULT_GPU_ARCHETYPE if gpus else DEFAULT_ARCHETYPE
        machine = default_machine(name)
        share, notes = share_for_run(machine, record)
        if share is not None:
            why = " (the run used GPUs)" if gpus else ""
            notes.insert(
                0,
                f"embodied impacts use the default server archetype {name}{why} because no "
                "[hardware] table is configured; declare yours in [hardware] (a wide estimate: "
                "the archetype's component ranges × ±50 % factors)",
            )
        return share, notes
    return share_for_run(machine, record)


_EMBODIED_KEYS = ("embodied_gwp_g", "embodied_adpe_g_sbeq", "embodied_pe_j")


def record_hardware(doc: ImpactDocument, share: HardwareShare | None, notes: list[str]) -> None:
    """Write what :func:`hardware_for_run` found into ``doc``.

    With a share: the notes go to ``defaults`` and the whole machine's embodied GWP to
    ``factors["machine_embodied_gwp"]``. Without: the reason replaces the embodied figures'
    missing reason.
    """
    if share is None:
        if notes:
            for key in _EMBODIED_KEYS:
                if key in doc.missing:
                    doc.missing[key] = notes[0]
        return
    doc.defaults.extend(line for line in notes if line not in doc.defaults)
    gwp = share.embodied.gwp_g
    if isinstance(share, MachineShare) and gwp is not None:
        doc.factors["machine_embodied_gwp"] = {
            "value": gwp.value / 1000,
            "low": gwp.low / 1000,
            "high": gwp.high / 1000,
            "unit": "kg CO2e (whole machine)",
            "source": "; ".join(share.embodied.sources),
            "origin": share.origin,
            "licence": "",
            "vintage": "",
            "note": f"{share.machine}; lifetime {share.lifetime_s / SECONDS_PER_YEAR:g} years",
        }
