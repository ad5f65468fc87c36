"""A training run as a Hugging Face model-card ``co2_eq_emissions`` block.

Hugging Face reads carbon figures from the model card's YAML metadata
(https://huggingface.co/docs/hub/model-cards-co2; field names only)::

    co2_eq_emissions:
      emissions: 1234.5            # grams CO2e (HF says "grams of CO2")
      source: ...                  # where the figure comes from
      training_type: fine-tuning   # or pre-training
      geographical_location: ...   # as precise as possible
      hardware_used: ...           # how much compute and what kind

Mapping: ``emissions`` is the run's **location-based** operational CO2e (grid mix × facility
energy, the figure that does not depend on certificates) in grams; ``source`` names
algoprint, the meter methods and the factor set; ``geographical_location`` is the run's
location label (zone, cloud region or datacentre); ``hardware_used`` counts the measured
devices. ``training_type`` is not something a meter can see: it comes from the run's tag
``training_type`` or the caller, and is left out when neither says. A run whose phase is not
training is refused (model cards describe training), as is a run without a CO2e figure.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from algoprint.errors import InputError
from algoprint.report._compute import phase_class

if TYPE_CHECKING:
    from algoprint.report._compute import Computed, ImpactEngine
    from algoprint.store import Store

__all__ = ["TRAINING_TYPES", "co2_eq_emissions", "export_model_card"]

TRAINING_TYPES = ("pre-training", "fine-tuning")
"""The values Hugging Face names for ``training_type``."""


def _hardware(item: Computed) -> str:
    run = item.run
    counts: Counter[str] = Counter()
    for c in run.components:
        if c.domain == "cpu":
            counts[str(run.host.get("cpu_model") or "CPU")] += 1
        elif c.domain == "gpu":
            counts[f"GPU {c.device}"] += 1
    return ", ".join(f"{n} x {name}" for name, n in sorted(counts.items())) or "unknown"


def co2_eq_emissions(
    item: Computed, engine: ImpactEngine, *, training_type: str | None = None
) -> dict[str, Any]:
    """The ``co2_eq_emissions`` block of one computed training run.

    Raises:
        InputError: not a training run, no CO2e figure, an unknown ``training_type``.
    """
    from algoprint._version import __version__

    run = item.run
    if phase_class(run.phase) != "training":
        raise InputError(
            f"run {run.run_id} is a {run.phase or 'unphased'} run, not training",
            hint="a model card describes training: give a run with phase training",
        )
    kind = training_type or run.tags.get("training_type")
    if kind is not None and kind not in TRAINING_TYPES:
        raise InputError(
            f"unknown training type {kind!r}", hint=f"use one of {', '.join(TRAINING_TYPES)}"
        )
    impact = item.doc.get("co2e_location_g") if item.doc is not None else None
    if impact is None:
        why = item.error or (item.doc.missing.get("co2e_location_g") if item.doc else None)
        raise InputError(
            f"run {run.run_id} has no CO2e figure ({why or 'no total energy'})",
            hint="give its location (--location, --datacentre) or measure the whole run",
        )
    methods = sorted({c.method for c in run.components})
    factor = item.doc.factor_version if item.doc is not None else ""
    block: dict[str, Any] = {
        "emissions": round(impact.value, 3),
        "source": f"algoprint {__version__} (meters: {', '.join(methods) or 'unknown'}; "
        f"location-based grid factors {factor}; run {run.run_id})",
    }
    if kind:
        block["training_type"] = kind
    _, label, _ = engine.profile(run.algorithm)
    block["geographical_location"] = label
    block["hardware_used"] = _hardware(item)
    return block


def export_model_card(
    store: Store,
    *,
    run_id: str,
    training_type: str | None = None,
    settings_extra: Mapping[str, Any] | None = None,
    overrides: Mapping[str, str | None] | None = None,
    fmt: str = "yaml",
) -> bytes:
    """The model-card metadata of ``run_id``: a YAML front-matter block (``---`` lines) to
    paste at the top of the model's README.md, or JSON.

    Raises:
        InputError / NotFound: an unknown or running run, see :func:`co2_eq_emissions`.
    """
    import yaml

    from algoprint.exchange.boamps import _single

    if fmt not in ("yaml", "json"):
        raise InputError(f"unknown format {fmt!r}", hint="use yaml or json")
    items, engine, _, _ = _single(store, run_id, settings_extra, overrides or {})
    doc = {"co2_eq_emissions": co2_eq_emissions(items[0], engine, training_type=training_type)}
    if fmt == "json":
        return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode()
    return ("---\n" + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True) + "---\n").encode()
