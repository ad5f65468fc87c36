"""Parse ``CUDA_VISIBLE_DEVICES`` (and its ROCm cousins) the way the CUDA runtime does.

The GPU meters measure the GPUs the tracked program can use, so they honour the same variable
the CUDA runtime reads. The rules, from the CUDA programming guide (appendix "CUDA environment
variables") and NVIDIA's MPS guide:

- unset: every GPU is visible;
- empty: no GPU is visible;
- a comma-separated sequence of integer indices (``0,2``), GPU UUIDs (``GPU-8932f937-...``, which
  may be abbreviated to any prefix that names exactly one GPU) or MIG ids (``MIG-<uuid>`` since
  driver R470, ``MIG-GPU-<gpu-uuid>/<gpu instance>/<compute instance>`` before);
- the first invalid entry (``-1``, a word, an index or UUID that matches no GPU) ends the list:
  only the entries before it are visible (``0,2,-1,1`` shows GPUs 0 and 2).

:func:`parse_visible_devices` checks the syntax; :func:`resolve_visible` matches the entries
against the devices a vendor library lists, with the same "stop at the first miss" rule. Both are
pure functions so they are tested without any GPU.

Caveat: CUDA numbers devices "fastest first" unless ``CUDA_DEVICE_ORDER=PCI_BUS_ID``, while NVML
numbers them by PCI bus id. On machines with one GPU model the two orders agree; on mixed machines
an integer index may name a different GPU for CUDA than for NVML (the NVIDIA meter warns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "EntryKind",
    "MigSlice",
    "Resolution",
    "VisibleEntry",
    "VisibleSpec",
    "parse_visible_devices",
    "resolve_visible",
]

_INDEX = re.compile(r"^\d+$")
_LEGACY_MIG = re.compile(r"^MIG-(GPU-[0-9A-Fa-f-]+)/(\d+)/(\d+)$", re.IGNORECASE)
_UUID_BODY = re.compile(r"^[0-9A-Fa-f-]*$")


class EntryKind(StrEnum):
    """What one ``CUDA_VISIBLE_DEVICES`` entry names."""

    INDEX = "index"
    """An integer device index."""
    UUID = "uuid"
    """A GPU UUID or a prefix of one (``GPU-...``)."""
    MIG = "mig"
    """A MIG device UUID or prefix (``MIG-...``, driver R470 and newer)."""
    MIG_LEGACY = "mig-legacy"
    """A MIG device named by its parent GPU and instance ids (``MIG-GPU-<uuid>/<gi>/<ci>``)."""


@dataclass(frozen=True, slots=True)
class VisibleEntry:
    """One valid entry of the variable.

    Attributes:
        kind: what the entry names.
        text: the entry as written (stripped).
        index: the device index for :attr:`EntryKind.INDEX`.
        uuid_prefix: the (possibly abbreviated) UUID, lower-case, for UUID and MIG kinds; for
            :attr:`EntryKind.MIG_LEGACY` it is the parent GPU's UUID.
        gpu_instance_id: the GPU instance id of a legacy MIG entry.
        compute_instance_id: the compute instance id of a legacy MIG entry.
    """

    kind: EntryKind
    text: str
    index: int | None = None
    uuid_prefix: str | None = None
    gpu_instance_id: int | None = None
    compute_instance_id: int | None = None


@dataclass(frozen=True, slots=True)
class VisibleSpec:
    """The parsed variable.

    Attributes:
        all_devices: True when the variable is unset (every device is visible).
        entries: the valid entries before the first invalid one, in order.
        stopped_at: the first invalid entry that ended the list, if any.
    """

    all_devices: bool
    entries: tuple[VisibleEntry, ...] = ()
    stopped_at: str | None = None


def _parse_entry(token: str) -> VisibleEntry | None:
    if _INDEX.match(token):
        return VisibleEntry(EntryKind.INDEX, token, index=int(token))
    upper = token.upper()
    if upper.startswith("MIG-GPU-") and "/" in token:
        legacy = _LEGACY_MIG.match(token)
        if legacy is None:
            return None
        return VisibleEntry(
            EntryKind.MIG_LEGACY,
            token,
            uuid_prefix=legacy.group(1).lower(),
            gpu_instance_id=int(legacy.group(2)),
            compute_instance_id=int(legacy.group(3)),
        )
    for prefix, kind in (("GPU-", EntryKind.UUID), ("MIG-", EntryKind.MIG)):
        if upper.startswith(prefix):
            body = token[len(prefix) :]
            if not body or not _UUID_BODY.match(body):
                return None
            return VisibleEntry(kind, token, uuid_prefix=token.lower())
    return None


def parse_visible_devices(value: str | None) -> VisibleSpec:
    """Parse a ``CUDA_VISIBLE_DEVICES`` value.

    Args:
        value: the variable's text; ``None`` when it is unset.

    Returns:
        The entries before the first invalid one. Never raises: an invalid entry is not an
        error for CUDA either, it only hides the devices listed after it (``stopped_at`` says
        which entry did so, so the meter can tell the user).
    """
    if value is None:
        return VisibleSpec(all_devices=True)
    entries: list[VisibleEntry] = []
    if not value.strip():
        return VisibleSpec(all_devices=False)
    for raw in value.split(","):
        token = raw.strip()
        entry = _parse_entry(token)
        if entry is None:
            return VisibleSpec(all_devices=False, entries=tuple(entries), stopped_at=token)
        entries.append(entry)
    return VisibleSpec(all_devices=False, entries=tuple(entries))


@dataclass(frozen=True, slots=True)
class MigSlice:
    """A MIG device as listed by the vendor library.

    Attributes:
        uuid: the MIG device UUID (``MIG-...``), any case.
        parent_index: the index of the physical GPU that holds it.
        gpu_instance_id: its GPU instance id, if known.
        compute_instance_id: its compute instance id, if known.
    """

    uuid: str
    parent_index: int
    gpu_instance_id: int | None = None
    compute_instance_id: int | None = None


@dataclass(frozen=True, slots=True)
class Resolution:
    """The physical devices to measure.

    Attributes:
        parents: physical device indices, in the order first named, each once (several MIG
            slices of one GPU, or a GPU named twice, are measured once).
        mig_uuids: for each parent index, the MIG device UUIDs that made it visible.
        stopped_at: the entry that ended the list (invalid or matching no device), if any.
        reason: why it ended the list, for the user.
    """

    parents: tuple[int, ...]
    mig_uuids: dict[int, tuple[str, ...]]
    stopped_at: str | None = None
    reason: str | None = None


def _unique(prefix: str, uuids: list[tuple[int, str]]) -> tuple[int | None, str]:
    hits = [(index, uuid) for index, uuid in uuids if uuid.lower().startswith(prefix)]
    if len(hits) == 1:
        return hits[0][0], hits[0][1]
    return None, "matches no device" if not hits else f"matches {len(hits)} devices"


def resolve_visible(
    spec: VisibleSpec,
    devices: list[tuple[int, str | None]],
    migs: list[MigSlice] | None = None,
) -> Resolution:
    """Match parsed entries against the devices that exist.

    Args:
        spec: the parsed variable.
        devices: ``(index, uuid)`` of every physical device; ``uuid`` is ``None`` when it could
            not be read (such a device can still be named by index).
        migs: the MIG slices on those devices; ``None`` when not listed (a MIG entry then
            matches nothing).

    Returns:
        The physical devices to measure. An entry that matches no device, or an abbreviated
        UUID that matches several, ends the list as it does for CUDA.
    """
    if spec.all_devices:
        return Resolution(tuple(index for index, _ in devices), {})
    known = [(index, uuid) for index, uuid in devices if uuid is not None]
    indices = {index for index, _ in devices}
    slices = migs or []
    parents: list[int] = []
    mig_uuids: dict[int, list[str]] = {}
    stopped_at: str | None = spec.stopped_at
    reason: str | None = "not a valid device index, UUID or MIG id" if stopped_at else None

    for entry in spec.entries:
        parent: int | None = None
        mig: str | None = None
        why = "matches no device"
        if entry.kind is EntryKind.INDEX:
            parent = entry.index if entry.index in indices else None
            why = f"index out of range (there are {len(devices)} devices)"
        elif entry.kind is EntryKind.UUID and entry.uuid_prefix is not None:
            parent, why = _unique(entry.uuid_prefix, known)
        elif entry.kind is EntryKind.MIG and entry.uuid_prefix is not None:
            found, why = _unique(entry.uuid_prefix, [(i, s.uuid) for i, s in enumerate(slices)])
            if found is not None:
                parent, mig = slices[found].parent_index, slices[found].uuid
        elif entry.kind is EntryKind.MIG_LEGACY and entry.uuid_prefix is not None:
            parent, why = _unique(entry.uuid_prefix, known)
            match = [
                s
                for s in slices
                if s.parent_index == parent
                and s.gpu_instance_id == entry.gpu_instance_id
                and s.compute_instance_id == entry.compute_instance_id
            ]
            if parent is not None and not match:
                parent, why = None, "no such MIG instance on that GPU"
            elif match:
                mig = match[0].uuid
        if parent is None:
            stopped_at, reason = entry.text, why
            break
        if parent not in parents:
            parents.append(parent)
        if mig is not None:
            mig_uuids.setdefault(parent, [])
            if mig not in mig_uuids[parent]:
                mig_uuids[parent].append(mig)

    return Resolution(
        tuple(parents),
        {index: tuple(uuids) for index, uuids in mig_uuids.items()},
        stopped_at,
        reason,
    )
