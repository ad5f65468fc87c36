"""Turn cumulative snapshots into window energy and headline totals.

Headline rules (docs/run-schema.md):
- ``platform`` counters (RAPL psys) contain the CPU and memory domains; they count only when
  no cpu device is reported, so nothing is summed twice.
- A total is ``None`` when any component it sums is a gap (``energy_j`` unknown); the known
  part is still given as ``measured_energy_j``. A partial sum is never shown as the total.
- The total's uncertainty adds the components' absolute half-widths linearly (errors of power
  models and counters of one machine are not independent, so quadrature would understate it).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from algoprint._values import Frozen, fill
from algoprint.meters.common import ComponentEnergy, Domain
from algoprint.tracking.record import ComponentRecord
from algoprint.tracking.sampler import Snapshot

__all__ = ["Summary", "summarise", "window"]

WindowItem = tuple[tuple[str, str], ComponentEnergy, float | None, float | None]


def window(before: Snapshot, after: Snapshot) -> Iterator[WindowItem]:
    """Per-device machine and process energy between two snapshots.

    Devices that appear only in ``after`` (a meter that started late) count from zero;
    a device whose energy is unknown at either edge is a gap.
    """
    for key, end in after.devices.items():
        start = before.devices.get(key)
        comp = end.component
        if comp.energy_j is None or (start is not None and start.component.energy_j is None):
            yield key, comp, None, None
            continue
        machine = comp.energy_j - (start.component.energy_j or 0.0 if start else 0.0)
        process: float | None = None
        if end.process_energy_j is not None:
            begin = start.process_energy_j if start is not None else 0.0
            process = None if begin is None else end.process_energy_j - begin
        yield key, comp, max(0.0, machine), None if process is None else max(0.0, process)


class Summary(Frozen):
    """Per-component records and totals of one window (joules)."""

    _fields = (
        "components",
        "machine_energy_j",
        "process_energy_j",
        "energy_j",
        "measured_energy_j",
        "uncertainty_rel",
    )
    __slots__ = _fields
    components: list[ComponentRecord]
    machine_energy_j: float | None
    process_energy_j: float | None
    energy_j: float | None
    measured_energy_j: float
    uncertainty_rel: float | None

    def __init__(  # noqa: PLR0917 - positional, as the dataclass it replaced
        self,
        components: list[ComponentRecord],
        machine_energy_j: float | None,
        process_energy_j: float | None,
        energy_j: float | None,
        measured_energy_j: float,
        uncertainty_rel: float | None,
    ) -> None:
        fill(
            self,
            components=components,
            machine_energy_j=machine_energy_j,
            process_energy_j=process_energy_j,
            energy_j=energy_j,
            measured_energy_j=measured_energy_j,
            uncertainty_rel=uncertainty_rel,
        )


def summarise(items: Sequence[WindowItem], *, scope: str) -> Summary:
    """Build component records and headline totals for one window."""
    has_cpu = any(comp.domain is Domain.CPU for _, comp, _, _ in items)
    components: list[ComponentRecord] = []
    machine_total: float | None = 0.0
    process_total: float | None = 0.0
    measured = 0.0
    half_width = 0.0
    for _, comp, machine, process in sorted(items, key=lambda item: item[0]):
        counted = not (comp.domain is Domain.PLATFORM and has_cpu)
        note = comp.note
        if not counted:
            note = "platform counter contains cpu and memory; shown, not added to the total"
        components.append(
            ComponentRecord(
                domain=comp.domain.value,
                device=comp.device,
                energy_j=machine,
                method=comp.method.value,
                uncertainty_rel=comp.uncertainty_rel,
                process_energy_j=process,
                note=note,
            )
        )
        if not counted:
            continue
        if machine is None:
            machine_total = None
        else:
            measured += machine
            half_width += machine * comp.uncertainty_rel
            if machine_total is not None:
                machine_total += machine
        if process is None or process_total is None:
            process_total = None
        else:
            process_total += process
    uncertainty = half_width / measured if measured > 0 else None
    if not components:
        machine_total = process_total = None
    headline = process_total if scope == "process" else machine_total
    return Summary(
        components=components,
        machine_energy_j=machine_total,
        process_energy_j=process_total,
        energy_j=headline,
        measured_energy_j=measured,
        uncertainty_rel=uncertainty,
    )
