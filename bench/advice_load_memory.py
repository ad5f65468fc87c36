#!/usr/bin/env python3
"""Peak memory of loading a large CSV for the owp-13/dat-09 analyses (columnar reader).

Writes a CSV of ``--rows`` rows × 10 numeric columns (one with ``NA`` cells) and a target, then
loads it with :func:`algoprint.advice._datasets.load_dataset` (pandas, pyarrow engine) and
prints the process's peak resident memory (``ru_maxrss``) before and after, and the array size.

Run:  PYTHONPATH=src .venv/bin/python bench/advice_load_memory.py --rows 2000000
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    args = parser.parse_args(argv)
    import numpy as np

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.csv"
        rng = np.random.default_rng(0)
        with path.open("w", encoding="utf-8") as fh:
            fh.write(",".join([f"x{i}" for i in range(10)] + ["y"]) + "\n")
            chunk = 200_000
            for start in range(0, args.rows, chunk):
                n = min(chunk, args.rows - start)
                X = rng.normal(size=(n, 10)).round(4)
                y = (X[:, 0] > 0).astype(int)
                lines = [
                    ",".join(["NA" if (start + i) % 97 == 0 and j == 3 else f"{v:g}"
                              for j, v in enumerate(row)]) + f",{t}"
                    for i, (row, t) in enumerate(zip(X, y, strict=True))
                ]  # fmt: skip
                fh.write("\n".join(lines) + "\n")
        size_mb = path.stat().st_size / 1e6
        del X, y, lines
        from algoprint.advice._datasets import load_dataset

        before = _peak_mb()
        t0 = time.perf_counter()
        data = load_dataset(path, target="y", allow_missing=True)
        took = time.perf_counter() - t0
        after = _peak_mb()
        print(
            f"{args.rows:,} rows, CSV {size_mb:.0f} MB: X {data.X.nbytes / 1e6:.0f} MB "
            f"({data.n_features} features, missing in {data.missing}); peak RSS {before:.0f} MB "
            f"before loading, {after:.0f} MB after; {took:.1f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
