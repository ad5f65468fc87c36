"""How long `algoprint report` takes for an algorithm with 1,000 runs (target: <= 1 s).

Creates a temporary SQLite store with one registered algorithm and 1,000 runs (training and
inference phases; CPU, memory and, for training, GPU components; a few degraded), then times
build_report + render(HTML) several times and prints the median. Also times the PDF.

    .venv/bin/python bench/report_speed.py [--runs 1000] [--repeats 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    from algoprint.kader.register import Algorithm, add_algorithm
    from algoprint.report import build_report, render
    from algoprint.report.sample import SAMPLE_SETTINGS_EXTRA, sample_run
    from algoprint.store import Store
    from algoprint.tracking.record import RunStatus

    with tempfile.TemporaryDirectory() as folder:
        store = Store(url=f"sqlite:///{Path(folder) / 'bench.db'}").open()
        add_algorithm(
            store,
            Algorithm(
                slug="bench-model",
                name="Bench model",
                datacentre="rijks-dc",
                functional_unit="prediction",
            ),
            settings_extra=SAMPLE_SETTINGS_EXTRA,
        )
        rng = random.Random(1)
        start = datetime(2026, 1, 1, tzinfo=UTC)
        for i in range(args.runs):
            phase = "training" if i % 10 == 0 else "inference"
            store.save_run(
                sample_run(
                    rng,
                    algorithm="bench-model",
                    phase=phase,
                    started=start + timedelta(hours=8 * i),
                    gpu=phase == "training",
                    status=RunStatus.DEGRADED if i % 25 == 0 else RunStatus.COMPLETED,
                )
            )

        def once(fmt: str) -> tuple[float, int]:
            t0 = time.perf_counter()
            report = build_report(
                store, algorithm="bench-model", period="2026", settings_extra=SAMPLE_SETTINGS_EXTRA
            )
            size = len(render(report, fmt))
            return time.perf_counter() - t0, size

        once("html")  # warm-up: imports, templates, catalogues, factor tables
        html = [once("html") for _ in range(args.repeats)]
        pdf = [once("pdf") for _ in range(max(3, args.repeats // 2))]
        store.close()
    html_s = statistics.median(t for t, _ in html)
    pdf_s = statistics.median(t for t, _ in pdf)
    print(f"runs: {args.runs}")
    print(
        f"build + render HTML: median {html_s:.3f} s over {len(html)} repeats "
        f"({html[0][1] / 1024:.0f} KiB)"
    )
    print(
        f"build + render PDF:  median {pdf_s:.3f} s over {len(pdf)} repeats "
        f"({pdf[0][1] / 1024:.0f} KiB)"
    )
    print("target (HTML): <= 1 s:", "met" if html_s <= 1.0 else "NOT met")


if __name__ == "__main__":
    main()
