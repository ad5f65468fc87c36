#!/usr/bin/env python3
"""Derive the package's reference tables from ../shared/data (or --shared PATH).

Each part lives in scripts/refdata/<part>.py with a ``build(shared: Path, out: Path) -> list[Path]``
function. Run:  python3 scripts/build_refdata.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "algoprint" / "refdata"
PARTS = ["hardware", "hardware_archetypes", "impact", "nl_hourly"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--only", choices=PARTS, action="append")
    args = parser.parse_args()
    if not args.shared.is_dir():
        print(f"shared data folder not found: {args.shared} (pass --shared PATH)", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT / "scripts"))
    for part in args.only or PARTS:
        module = importlib.import_module(f"refdata.{part}")
        for path in module.build(args.shared, OUT):
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
