#!/usr/bin/env python3
"""How good is the training-energy prediction on real (small, CPU) trainings?

Each run is a real torch training measured by algoprint's :class:`TrainingRecorder` (the
machine's meters; on a machine without counters the CPU model), epoch by epoch. Afterwards the
predictor is given the first ``k`` epochs and the planned epoch count, and its predicted total
energy is compared with the measured total of all epochs: signed error, and whether the
actual total lies inside the predicted 90 % interval (coverage).

Shapes (every one trains a small MLP on synthetic regression data, one thread):

* ``constant``   the same work every epoch;
* ``warm-up``    the first epoch also builds a random-feature cache that later epochs reuse;
* ``lr-decay``   cosine learning-rate decay (the work per epoch does not change);
* ``growing``    curriculum: the share of the data trained on grows from 25 % to 100 %;
* ``shrinking``  data pruning: the share falls from 100 % to 40 %;
* ``early-stop`` planned 20 epochs, stopped by patience on the validation loss; the
  prediction (for the planned epochs) is compared with what the run actually used, to show
  what a prediction cannot know.

Run:  .venv/bin/python bench/training_prediction.py [--repeats 3] [--epochs 12] [--scope process]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import torch  # noqa: E402

from algoprint.advice.training._core import TrainingRecorder  # noqa: E402
from algoprint.advice.training.predict import EpochEnergy, predict_training  # noqa: E402

N, FEATURES, HIDDEN, BATCH = 16000, 64, 512, 64


def data(seed: int) -> tuple[Any, Any]:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(N, FEATURES, generator=g)
    w = torch.randn(FEATURES, 1, generator=g)
    return x, torch.tanh(x @ w) + 0.1 * torch.randn(N, 1, generator=g)


def model() -> Any:
    return torch.nn.Sequential(
        torch.nn.Linear(FEATURES, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, 1)
    )


def share(shape: str, epoch: int, epochs: int) -> float:
    """The share of the data an epoch trains on."""
    t = (epoch - 1) / max(epochs - 1, 1)
    if shape == "growing":
        return 0.25 + 0.75 * t
    if shape == "shrinking":
        return 1.0 - 0.6 * t
    return 1.0


def train(shape: str, epochs: int, seed: int, scope: str = "machine") -> list[EpochEnergy]:
    """One real training; the per-epoch energy the recorder measured."""
    torch.manual_seed(seed)
    x, y = data(seed)
    vx, vy = data(seed + 1000)
    net = model()
    opt = torch.optim.SGD(net.parameters(), lr=0.05)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs) if shape == "lr-decay" else None
    rec = TrainingRecorder(
        algorithm="bench-prediction",
        planned_epochs=epochs,
        predict_after=epochs,  # predictions are made below from every prefix
        analysis_store=False,
        tracker_kwargs={"store": False, "scope": scope},
    )
    rec.start()
    cache: Any = None
    best, patience = math.inf, 0
    for epoch in range(1, epochs + 1):
        rec.epoch_start()
        if shape == "warm-up" and cache is None:  # first epoch: build the feature cache
            proj = torch.randn(FEATURES, 2048)
            cache = torch.cos(x @ proj)[:, :FEATURES] * 0 + x
            for _ in range(3):
                cache = cache + 0 * torch.cos(x @ proj)[:, :FEATURES]
        inputs = cache if cache is not None else x
        n = int(N * share(shape, epoch, epochs))
        perm = torch.randperm(N)[:n]
        for i in range(0, n, BATCH):
            idx = perm[i : i + BATCH]
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(net(inputs[idx]), y[idx])
            loss.backward()
            opt.step()
        if sched is not None:
            sched.step()
        with torch.no_grad():
            val = float(torch.nn.functional.mse_loss(net(vx), vy))
        rec.epoch_end()
        if shape == "early-stop":
            if val < best * 0.995:
                best, patience = val, 0
            else:
                patience += 1
            if patience >= 2:
                break
    rec.stop()
    return list(rec.epochs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--after", default="2,3,5,8", help="epochs seen before predicting")
    parser.add_argument(
        "--scope",
        choices=("machine", "process"),
        default="machine",
        help="energy of the whole machine (the default headline) or of the training process",
    )
    parser.add_argument("--save", type=Path, help="write the measured epoch series (JSON)")
    parser.add_argument(
        "--load", type=Path, help="predict from a saved series instead of training again"
    )
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    ks = [int(k) for k in args.after.split(",")]
    shapes: list[tuple[str, int]] = [
        ("constant", args.epochs),
        ("warm-up", args.epochs),
        ("lr-decay", args.epochs),
        ("growing", args.epochs),
        ("shrinking", args.epochs),
        ("early-stop", 20),
    ]
    series: list[dict[str, Any]] = []
    if args.load:
        series = json.loads(args.load.read_text())
    else:
        for shape, planned in shapes:
            for r in range(args.repeats):
                epochs = train(shape, planned, seed=r, scope=args.scope)
                series.append(
                    {
                        "shape": shape,
                        "planned": planned,
                        "repeat": r,
                        "epochs": [[e.energy_j, e.duration_s] for e in epochs],
                    }
                )
    if args.save:
        args.save.write_text(json.dumps(series))
    rows: dict[tuple[str, int], list[tuple[float, float, bool, str, float]]] = {}
    for run in series:
        shape, planned, r = run["shape"], run["planned"], run["repeat"]
        epochs = [EpochEnergy(i + 1, e, d) for i, (e, d) in enumerate(run["epochs"])]
        if any(e.energy_j is None for e in epochs):
            print(f"{shape} repeat {r}: a meter gap, left out", file=sys.stderr)
            continue
        actual = sum(e.energy_j or 0.0 for e in epochs)
        for k in ks:
            if k > len(epochs):
                continue
            p = predict_training(epochs[:k], planned)
            err = (p.energy_j.value - actual) / actual
            naive = (p.naive_energy_j - actual) / actual
            inside = p.energy_j.low <= actual <= p.energy_j.high
            width = (p.energy_j.high - p.energy_j.low) / 2 / p.energy_j.value
            rows.setdefault((shape, k), []).append((err, naive, inside, p.method, width))
        print(f"{shape} repeat {r}: {len(epochs)} epochs, {actual:.1f} J", file=sys.stderr)
    print(
        "| shape | after k epochs | error of the prediction (median, range) | naive error "
        "(median) | actual inside the 90 % interval | interval ± (median) | method |"
    )
    print("|---|---|---|---|---|---|---|")
    total_in = total = 0
    total_in_5 = total_5 = 0
    for (shape, k), items in rows.items():
        errs = [it[0] for it in items]
        naive = [it[1] for it in items]
        inside = sum(it[2] for it in items)
        methods = ", ".join(sorted({it[3] for it in items}))
        width = statistics.median(it[4] for it in items)
        total_in += inside
        total += len(items)
        if k >= 5 and shape != "early-stop":
            total_in_5 += inside
            total_5 += len(items)
        print(
            f"| {shape} | {k} | {100 * statistics.median(errs):+.1f} % "
            f"({100 * min(errs):+.1f} to {100 * max(errs):+.1f} %) | "
            f"{100 * statistics.median(naive):+.1f} % | {inside} of {len(items)} | "
            f"{100 * width:.0f} % | {methods} |"
        )
    print(
        f"\nCoverage, all rows: {total_in} of {total}; from 5 epochs on, shapes that run their "
        f"plan: {total_in_5} of {total_5}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
