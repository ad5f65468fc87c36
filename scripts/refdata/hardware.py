"""Hardware power tables: refdata/cpu_power.csv, gpu_power.csv and cpu_load_curve.csv.

Sources (see shared/data/SOURCES.md):
- shared/data/hardware/cpu_power.csv: codecarbon CPU TDP table (MIT, (c) 2019 Mila, BCG Gamma,
  CometML, Haverford College; (c) 2023 Code Carbon NGO).
- shared/data/green-algorithms/TDP_cpu.csv and TDP_gpu.csv: Green Algorithms v3.0 (CC-BY-4.0,
  Lannelongue, Grealey, Inouye, Adv. Sci. 2021, doi:10.1002/advs.202100707). Rows are reshaped
  (renamed columns, normalised keys) — a change under CC-BY-4.0.
- cpu_load_curve.csv: fitted by bench/cpu_model_fit.py on SPECpower_ssj2008 results.

Deterministic: rows sorted by key; reruns give identical bytes.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CC_SOURCE = "codecarbon cpu_power.csv (mlco2/codecarbon)"
CC_LICENCE = "MIT"
GA_SOURCE = "Green Algorithms v3.0 {} (Lannelongue et al. 2021)"
GA_LICENCE = "CC-BY-4.0"


def _normaliser():  # type: ignore[no-untyped-def]
    try:
        from algoprint.meters._cpu_table import normalise_cpu_name
    except ImportError:  # run with a Python that does not have algoprint installed
        sys.path.insert(0, str(ROOT / "src"))
        from algoprint.meters._cpu_table import normalise_cpu_name
    return normalise_cpu_name


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value > 0 else None


def _fmt(value: float) -> str:
    return f"{value:g}"


def _ga_rows(path: Path) -> list[dict[str, str]]:
    # Line 1 is a units row ("index,in Watt,..."); line 2 holds the column names.
    with path.open(encoding="utf-8", newline="") as fh:
        lines = fh.read().splitlines()[1:]
    return list(csv.DictReader(lines))


def cpu_rows(shared: Path) -> list[dict[str, str]]:
    """Merged CPU rows, one per normalised key (Green Algorithms first: it has core counts)."""
    normalise = _normaliser()
    merged: dict[str, dict[str, str]] = {}
    ga = []
    for row in _ga_rows(shared / "green-algorithms" / "TDP_cpu.csv"):
        tdp, model = _number(row.get("TDP", "")), row.get("model", "").strip()
        if tdp is None or not model or model.lower() == "any":
            continue
        cores = _number(row.get("n_cores", ""))
        ga.append((normalise(model), model, tdp, cores))
    for key, model, tdp, cores in sorted(ga):
        merged.setdefault(
            key,
            {
                "key": key,
                "model": model,
                "tdp_w": _fmt(tdp),
                "n_cores": str(int(cores)) if cores else "",
                "source": GA_SOURCE.format("TDP_cpu.csv"),
                "licence": GA_LICENCE,
            },
        )
    cc = []
    with (shared / "hardware" / "cpu_power.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            tdp, model = _number(row.get("TDP", "")), row.get("Name", "").strip()
            if tdp is not None and model:
                cc.append((normalise(model), model, tdp))
    for key, model, tdp in sorted(cc):
        if not key:
            continue
        merged.setdefault(
            key,
            {
                "key": key,
                "model": model,
                "tdp_w": _fmt(tdp),
                "n_cores": "",
                "source": CC_SOURCE,
                "licence": CC_LICENCE,
            },
        )
    return [merged[k] for k in sorted(merged)]


def gpu_rows(shared: Path) -> list[dict[str, str]]:
    """GPU rows from Green Algorithms TDP_gpu.csv (the placeholder row "Any" is dropped)."""
    rows = []
    for row in _ga_rows(shared / "green-algorithms" / "TDP_gpu.csv"):
        tdp, model = _number(row.get("TDP", "")), row.get("model", "").strip()
        if tdp is None or not model or model.lower() == "any":
            continue
        memory = _number(row.get("memory", ""))
        rows.append(
            {
                "model": model,
                "tdp_w": _fmt(tdp),
                "memory_gb": _fmt(memory) if memory else "",
                "source": GA_SOURCE.format("TDP_gpu.csv"),
                "licence": GA_LICENCE,
            }
        )
    return sorted(rows, key=lambda r: r["model"].lower())


def _write(path: Path, header: list[str], comments: list[str], rows: list[dict[str, str]]) -> Path:
    buf = io.StringIO()
    for line in comments:
        buf.write(f"# {line}\n")
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _fit_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "cpu_model_fit", ROOT / "bench" / "cpu_model_fit.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["cpu_model_fit"] = module
    spec.loader.exec_module(module)
    return module


def build(shared: Path, out: Path) -> list[Path]:
    """Write cpu_power.csv, gpu_power.csv and cpu_load_curve.csv into ``out``."""
    written = [
        _write(
            out / "cpu_power.csv",
            ["key", "model", "tdp_w", "n_cores", "source", "licence"],
            [
                "CPU TDP per socket (W) and physical cores per socket. Built by "
                "scripts/refdata/hardware.py from codecarbon cpu_power.csv (MIT, (c) 2019 Mila, "
                "BCG Gamma, CometML, Haverford College; (c) 2023 Code Carbon NGO) and Green "
                "Algorithms v3.0 TDP_cpu.csv (CC-BY-4.0, Lannelongue et al. 2021, "
                "doi:10.1002/advs.202100707; reshaped).",
            ],
            cpu_rows(shared),
        ),
        _write(
            out / "gpu_power.csv",
            ["model", "tdp_w", "memory_gb", "source", "licence"],
            [
                "GPU TDP (W). Built by scripts/refdata/hardware.py from Green Algorithms v3.0 "
                "TDP_gpu.csv (CC-BY-4.0, Lannelongue et al. 2021, doi:10.1002/advs.202100707; "
                "reshaped).",
            ],
            gpu_rows(shared),
        ),
    ]
    fit = _fit_module()
    written.append(fit.write_curve(fit.fit_shipped_curve(shared), out / "cpu_load_curve.csv"))
    return written


if __name__ == "__main__":
    default = ROOT.parent / "shared" / "data"
    for p in build(default, ROOT / "src" / "algoprint" / "refdata"):
        print(f"wrote {p}")
