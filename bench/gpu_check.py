#!/usr/bin/env python3
"""Validate the NVIDIA meter on a real GPU in under ~3 minutes (one lent H100 is enough).

What it checks, on the first visible GPU:

1. The NVML energy counter itself: cost of one read (ms) and how often it moves (ms).
2. Window energy from ``NvidiaMeter`` against the raw NVML counter read directly around
   0.3 s, 1 s and 10 s bursts of GPU load (torch if importable, else cupy, else only idle
   windows, said so), and the tracked process's share (should be ~1 on a private GPU; ~0
   means NVML sees other pids, e.g. a container pid namespace).
3. The power-integration fallback forced on the same GPU (the counter hidden behind a
   wrapper): integrated power against the counter over the same 10 s load window + 1 s tail
   (H100 power readings are 1 s averages, so the tail catches the lag).
4. Overhead: time per step of a small training loop without the meter, with the meter
   sampling in a background thread at its counter cadence, and with 10 Hz power polling;
   plus the cost of one ``sample()`` call in each mode.

Only read-only NVML calls are made: it never changes clocks, power limits, compute mode or MIG
and never resets the GPU. Prints human lines, then one JSON summary (also written with
``--json PATH``). Exits 1 on an exception; without a usable GPU it skips the GPU parts, says so,
and exits 0 (2 with ``--require-gpu``).

Run:
    python bench/gpu_check.py                # on the GPU machine
    python bench/gpu_check.py --dry-run      # anywhere: the same steps on a fake NVML, fast
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
try:
    import algoprint  # noqa: F401
except ImportError:  # run from a bare checkout
    sys.path.insert(0, str(ROOT / "src"))

from algoprint.errors import MeterError  # noqa: E402
from algoprint.meters.common import SampleContext  # noqa: E402
from algoprint.meters.nvidia import NvidiaMeter, gpu_inventory  # noqa: E402

BURSTS_S = (0.3, 1.0, 10.0)
FALLBACK_S = 10.0
TAIL_S = 1.0
STEP_RUN_S = 6.0


# --- load generators -----------------------------------------------------------------------------


class Load:
    """Keeps the GPU busy with matrix products for a given time; ``kind`` says which library."""

    def __init__(self, kind: str, burn: Callable[[float], None], step: Callable[[], None]) -> None:
        self.kind = kind
        self.burn = burn
        self.step = step


class BusyLog:
    """When the fake load ran, so the fake GPU's power is a function of time (dry run)."""

    def __init__(self) -> None:
        self.spans: list[tuple[float, float]] = []

    def power_w(self, t_s: float) -> float:
        return 500.0 if any(start <= t_s < end for start, end in self.spans) else 70.0


def make_load(dry_run: bool, busy: BusyLog) -> Load:
    if dry_run:

        def fake_burn(duration_s: float) -> None:
            start = time.monotonic()
            busy.spans.append((start, start + duration_s))
            time.sleep(duration_s)

        def fake_step() -> None:
            sum(i * i for i in range(20_000))

        return Load("fake", fake_burn, fake_step)
    try:
        import torch

        if torch.cuda.is_available():
            a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
            b = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
            model = torch.nn.Sequential(
                torch.nn.Linear(1024, 4096), torch.nn.ReLU(), torch.nn.Linear(4096, 10)
            ).cuda()
            opt = torch.optim.SGD(model.parameters(), lr=0.01)
            x = torch.randn(512, 1024, device="cuda")
            y = torch.randint(0, 10, (512,), device="cuda")

            def torch_burn(duration_s: float) -> None:
                end = time.monotonic() + duration_s
                while time.monotonic() < end:
                    for _ in range(4):
                        a @ b
                    torch.cuda.synchronize()

            def torch_step() -> None:
                opt.zero_grad()
                torch.nn.functional.cross_entropy(model(x), y).backward()
                opt.step()
                torch.cuda.synchronize()

            torch_burn(0.5)  # warm-up: kernels, clocks
            return Load("torch", torch_burn, torch_step)
    except ImportError:
        pass
    try:
        import cupy

        a = cupy.random.random((8192, 8192), dtype=cupy.float32)
        w = cupy.random.random((1024, 1024), dtype=cupy.float32)

        def cupy_burn(duration_s: float) -> None:
            end = time.monotonic() + duration_s
            while time.monotonic() < end:
                for _ in range(2):
                    a @ a
                cupy.cuda.Device().synchronize()

        def cupy_step() -> None:
            (w @ w).sum()
            cupy.cuda.Device().synchronize()

        cupy_burn(0.5)
        return Load("cupy", cupy_burn, cupy_step)
    except ImportError:
        pass

    def idle(duration_s: float) -> None:
        time.sleep(duration_s)

    return Load("none (torch and cupy missing: idle windows only)", idle, lambda: None)


# --- NVML access -------------------------------------------------------------------------------


class HideCounter:
    """Wraps an nvml module so the energy counter reads NOT_SUPPORTED: forces the fallback."""

    def __init__(self, nvml: Any) -> None:
        self._nvml = nvml

    def __getattr__(self, name: str) -> Any:
        return getattr(self._nvml, name)

    def nvmlDeviceGetTotalEnergyConsumption(self, handle: Any) -> int:
        raise self._nvml.NVMLError(self._nvml.NVML_ERROR_NOT_SUPPORTED)


def fake_nvml(busy: BusyLog) -> Any:
    from algoprint.testing import FakeGpu, FakeNvml, FakeProcess

    gpu = FakeGpu(
        "GPU-00000000-dry0-0000-0000-000000000000",
        name="fake H100 (dry run)",
        power_w=busy.power_w,
        processes=[FakeProcess(os.getpid(), sm_util_pct=90)],
    )
    return FakeNvml([gpu], clock=time.monotonic)


class Sampler:
    """A background thread that samples a meter every ``meter.sample_interval_s``."""

    def __init__(self, meter: NvidiaMeter, pids: frozenset[int]) -> None:
        self.meter, self.pids = meter, pids
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def ctx(self) -> SampleContext:
        return SampleContext(now_s=time.monotonic(), pids=self.pids)

    def _run(self) -> None:
        while not self._stop.wait(self.meter.sample_interval_s):
            self.meter.sample(self.ctx())

    def __enter__(self) -> Sampler:
        self.meter.start(self.ctx())
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.meter.sample(self.ctx())


def gpu_total(meter: NvidiaMeter) -> tuple[float, float | None]:
    (total,) = meter.totals()[:1]
    if total.energy_j is None:
        raise MeterError(f"the meter reports a gap: {total.note}")
    return total.energy_j, total.process_energy_j


# --- checks ------------------------------------------------------------------------------------


def check_counter(nvml: Any, handle: Any, scale: float) -> dict[str, Any]:
    costs_ms, changes_s = [], []
    last, last_change = nvml.nvmlDeviceGetTotalEnergyConsumption(handle), None
    end = time.monotonic() + 1.5 * scale
    while time.monotonic() < end:
        t0 = time.perf_counter()
        value = nvml.nvmlDeviceGetTotalEnergyConsumption(handle)
        costs_ms.append((time.perf_counter() - t0) * 1000)
        if value != last:
            now = time.monotonic()
            if last_change is not None:
                changes_s.append(now - last_change)
            last, last_change = value, now
        time.sleep(0.002)
    return {
        "reads": len(costs_ms),
        "read_ms_mean": round(statistics.fmean(costs_ms), 3),
        "read_ms_p95": round(sorted(costs_ms)[int(0.95 * (len(costs_ms) - 1))], 3),
        "update_period_ms_median": round(statistics.median(changes_s) * 1000, 1)
        if changes_s
        else None,
    }


def check_windows(nvml: Any, handle: Any, load: Load, scale: float) -> list[dict[str, Any]]:
    meter = NvidiaMeter(nvml=nvml, visible_devices=None)
    rows = []
    pids = frozenset({os.getpid()})
    try:
        with Sampler(meter, pids) as sampler:
            for burst_s in (b * scale for b in BURSTS_S):
                time.sleep(max(0.3 * scale, 0.1))  # idle gap; edges closer than 50 ms are merged
                raw0 = nvml.nvmlDeviceGetTotalEnergyConsumption(handle)
                meter.sample(sampler.ctx())
                e0, p0 = gpu_total(meter)
                t0 = time.monotonic()
                load.burn(burst_s)
                elapsed_s = time.monotonic() - t0
                meter.sample(sampler.ctx())
                e1, p1 = gpu_total(meter)
                raw1 = nvml.nvmlDeviceGetTotalEnergyConsumption(handle)
                meter_j, raw_j = e1 - e0, (raw1 - raw0) / 1000
                mean_w = raw_j / elapsed_s if elapsed_s > 0 else 0.0
                step_j = 2 * mean_w * 0.1  # one 100 ms counter step at each edge
                rows.append(
                    {
                        "burst_s": round(burst_s, 3),
                        "elapsed_s": round(elapsed_s, 3),
                        "meter_j": round(meter_j, 3),
                        "raw_counter_j": round(raw_j, 3),
                        "rel_diff": round((meter_j - raw_j) / raw_j, 4) if raw_j else None,
                        "mean_power_w": round(mean_w, 1),
                        "process_j": None if p0 is None or p1 is None else round(p1 - p0, 3),
                        "ok": abs(meter_j - raw_j) <= max(0.05 * raw_j, step_j),
                    }
                )
    finally:
        meter.close()
    return rows


def check_fallback(nvml: Any, handle: Any, load: Load, scale: float) -> dict[str, Any]:
    meter = NvidiaMeter(nvml=HideCounter(nvml), visible_devices=None)
    try:
        mode = meter.totals()[0].method.value
        with Sampler(meter, frozenset()):
            raw0 = nvml.nvmlDeviceGetTotalEnergyConsumption(handle)
            e0, _ = gpu_total(meter)
            load.burn(FALLBACK_S * scale)
            time.sleep(TAIL_S * scale)
        integrated_j = gpu_total(meter)[0] - e0
        counter_j = (nvml.nvmlDeviceGetTotalEnergyConsumption(handle) - raw0) / 1000
    finally:
        meter.close()
    rel = (integrated_j - counter_j) / counter_j if counter_j else None
    return {
        "method": mode,
        "window_s": round((FALLBACK_S + TAIL_S) * scale, 3),
        "integrated_j": round(integrated_j, 3),
        "counter_j": round(counter_j, 3),
        "rel_diff": None if rel is None else round(rel, 4),
        "ok": rel is not None and abs(rel) <= 0.10,
    }


def time_steps(load: Load, duration_s: float) -> float:
    steps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < duration_s:
        load.step()
        steps += 1
    return (time.perf_counter() - t0) / steps * 1000


def sample_cost_ms(meter: NvidiaMeter, n: int) -> float:
    t0 = time.perf_counter()
    for k in range(n):
        meter.sample(SampleContext(now_s=time.monotonic() + k, pids=frozenset({os.getpid()})))
    return (time.perf_counter() - t0) / n * 1000


def check_overhead(nvml: Any, load: Load, scale: float) -> dict[str, Any]:
    run_s = STEP_RUN_S * scale
    time_steps(load, 0.5 * scale)  # warm-up
    out: dict[str, Any] = {}
    without_ms = [time_steps(load, run_s / 2)]
    for mode, module in (("counter", nvml), ("power", HideCounter(nvml))):
        meter = NvidiaMeter(nvml=module, visible_devices=None)
        try:
            with Sampler(meter, frozenset({os.getpid()})):
                out[f"step_ms_with_{mode}"] = round(time_steps(load, run_s), 4)
            out[f"sample_call_ms_{mode}"] = round(sample_cost_ms(meter, 20), 3)
        finally:
            meter.close()
    without_ms.append(time_steps(load, run_s / 2))  # before and after, to cancel drift
    out["step_ms_without"] = round(statistics.fmean(without_ms), 4)
    for mode in ("counter", "power"):
        ratio = out[f"step_ms_with_{mode}"] / out["step_ms_without"]
        out[f"overhead_pct_{mode}"] = round((ratio - 1) * 100, 2)
    return out


# --- main --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="use a fake NVML and fake load")
    parser.add_argument("--json", type=Path, help="also write the JSON summary here")
    parser.add_argument("--require-gpu", action="store_true", help="exit 2 when no GPU")
    args = parser.parse_args(argv)
    started = time.monotonic()
    busy = BusyLog()
    summary: dict[str, Any] = {"mode": "dry-run" if args.dry_run else "gpu"}
    scale = 0.2 if args.dry_run else 1.0

    nvml: Any = fake_nvml(busy) if args.dry_run else None
    try:
        if nvml is None:
            from algoprint.meters._nvml import import_pynvml

            nvml = import_pynvml()
        summary["inventory"] = gpu_inventory(nvml=nvml)
    except MeterError as e:
        summary.update(mode="no-gpu", skipped=f"{e.message} ({e.hint})")
        print(f"SKIPPED all GPU checks: {e}")
        print(json.dumps(summary, indent=2))
        if args.json:
            args.json.write_text(json.dumps(summary, indent=2))
        return 2 if args.require_gpu else 0

    nvml.nvmlInit()  # our own reference for the raw reads; meters take theirs
    try:
        probe = NvidiaMeter(nvml=nvml, visible_devices=None)
        device = probe.totals()[0].device
        probe.close()
        handle = nvml.nvmlDeviceGetHandleByUUID(device.split(":", 2)[2])
        summary["device"] = device
        print(f"device: {device}  ({summary['inventory'][0]['name']})")
        if args.dry_run:
            print("dry run: a fake GPU and a fake load; the figures test the script, not a GPU")
        load = make_load(args.dry_run, busy)
        summary["load"] = load.kind
        print(f"load: {load.kind}")

        summary["counter"] = check_counter(nvml, handle, scale)
        c = summary["counter"]
        print(
            f"counter: read {c['read_ms_mean']} ms mean ({c['read_ms_p95']} p95), moves every "
            f"{c['update_period_ms_median']} ms (median)"
        )
        summary["windows"] = check_windows(nvml, handle, load, scale)
        for w in summary["windows"]:
            print(
                f"window {w['burst_s']:>5} s: meter {w['meter_j']:.2f} J, raw counter "
                f"{w['raw_counter_j']:.2f} J ({w['mean_power_w']} W), process {w['process_j']} J"
                f" -> {'ok' if w['ok'] else 'MISMATCH'}"
            )
        summary["fallback"] = check_fallback(nvml, handle, load, scale)
        f = summary["fallback"]
        print(
            f"fallback ({f['method']}) over {f['window_s']} s: integrated {f['integrated_j']:.2f}"
            f" J vs counter {f['counter_j']:.2f} J (rel {f['rel_diff']}) "
            f"-> {'ok' if f['ok'] else 'MISMATCH'}"
        )
        summary["overhead"] = check_overhead(nvml, load, scale)
        o = summary["overhead"]
        print(
            f"training step: {o['step_ms_without']} ms without meter; +{o['overhead_pct_counter']}"
            f" % with counter sampling, +{o['overhead_pct_power']} % with 10 Hz power polling; "
            f"one sample(): {o['sample_call_ms_counter']} ms (counter), "
            f"{o['sample_call_ms_power']} ms (power)"
        )
    finally:
        nvml.nvmlShutdown()
    summary["checks_ok"] = all(w["ok"] for w in summary["windows"]) and summary["fallback"]["ok"]
    summary["elapsed_s"] = round(time.monotonic() - started, 1)
    print(f"all checks ok: {summary['checks_ok']}  ({summary['elapsed_s']} s)")
    text = json.dumps(summary, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as exc:  # any failure of the check is a failed run
        print(f"gpu_check failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        raise SystemExit(1) from exc
