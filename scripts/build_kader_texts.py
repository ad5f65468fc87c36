#!/usr/bin/env python3
"""Copy the Algoritmekader sustainability texts into the package and derive registry.json.

Reads ../shared/data (or --shared PATH):

* ``algoritmekader/docs/...``: the seven measures of the topic *Duurzaam werken met algoritmes*
  and the topic page. They are copied byte for byte to ``src/algoprint/kader/texts/nl/``.
* ``task-registry/measures/*.yaml``: the machine-readable twins of the same measures (URN, name,
  schema version, ...). Their ids and metadata go to ``src/algoprint/kader/texts/registry.json``.
* ``SOURCES.md``: the commit each file was taken from (recorded in the outputs).

It writes ``texts/manifest.json`` (which file is which measure, its source path, commit and
SHA-256). It never writes the English translations in ``texts/en/``: those are written by hand,
and each records the SHA-256 of the Dutch file it translates (``source_sha256``). After an update
this script lists the translations whose Dutch original changed.

Run:  python3 scripts/build_kader_texts.py [--shared ../shared/data] [--check]
With --check nothing is written; the exit status is 1 when a shipped file differs from what the
script would write, or when a translation is out of date.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ROOT / "src" / "algoprint" / "kader" / "texts"

ALGORITMEKADER_VERSION = "v2.5.1"
MEASURE_CODES = ("owp-12", "owp-13", "dat-06", "dat-09", "owk-05", "owk-06", "mon-06")
MEASURES_DIR = "docs/voldoen-aan-wetten-en-regels/maatregelen"
TOPIC_PATH = "docs/onderwerpen/duurzaamheid.md"
# Fields of a task-registry measure that exports need to match AMT; the long explanation text is
# left out (the Markdown page carries it) and so are the empty owner placeholders.
REGISTRY_FIELDS = (
    "urn",
    "name",
    "description",
    "schema_version",
    "language",
    "url",
    "lifecycle",
    "suggested_roles",
    "subject",
    "links",
    "systemcard_path",
    "template",
)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _commits(sources_md: Path) -> dict[str, str]:
    """Map each file listed in SOURCES.md (path under shared/data) to its source commit."""
    commits: dict[str, str] = {}
    for line in sources_md.read_text(encoding="utf-8").splitlines():
        cells = [c.strip().strip("`") for c in line.split("|")]
        # | file | kind | size | repository | source path | commit | ...
        if len(cells) > 7 and len(cells[6]) == 40:
            commits[cells[1]] = cells[6]
    return commits


def _one(folder: Path, code: str, suffix: str) -> Path:
    found = sorted(folder.glob(f"*-{code}-*{suffix}"))
    if len(found) != 1:
        raise SystemExit(f"expected one file for {code} in {folder}, found {len(found)}")
    return found[0]


def _front_matter(text: str) -> dict[str, Any]:
    if not text.startswith("---"):
        return {}
    end = text.index("\n---", 3)
    data = yaml.safe_load(text[3:end])
    return data if isinstance(data, dict) else {}


def _commit_of(commits: dict[str, str], key: str) -> str:
    if key not in commits:
        raise SystemExit(f"{key} is not listed in SOURCES.md; cannot record its commit")
    return commits[key]


def build(shared: Path) -> dict[Path, bytes]:
    """Return every output file (path -> exact bytes) without writing anything."""
    ak = shared / "algoritmekader"
    commits = _commits(shared / "SOURCES.md")
    outputs: dict[Path, bytes] = {}

    def copy(source_path: str) -> dict[str, str]:
        data = (ak / source_path).read_bytes()
        name = Path(source_path).name
        outputs[TEXTS / "nl" / name] = data
        return {
            "file": name,
            "source_path": source_path,
            "commit": _commit_of(commits, f"algoritmekader/{source_path}"),
            "sha256": _sha256(data),
        }

    measures = {}
    for code in MEASURE_CODES:
        path = _one(ak / MEASURES_DIR, code, ".md")
        measures[code] = copy(str(path.relative_to(ak)))
    manifest = {
        "algoritmekader": {
            "version": ALGORITMEKADER_VERSION,
            "repository": "https://github.com/MinBZK/Algoritmekader",
            "site": "https://minbzk.github.io/Algoritmekader/",
            "publisher": "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties (MinBZK)",
            "licence": "EUPL-1.2",
            "note": "nl/ holds unmodified copies; en/ holds unofficial translations by algoprint",
        },
        "measures": measures,
        "topic": copy(TOPIC_PATH),
    }
    outputs[TEXTS / "manifest.json"] = _json(manifest)

    registry_measures: dict[str, dict[str, Any]] = {}
    tr = shared / "task-registry"
    tr_commit = ""
    for code in MEASURE_CODES:
        path = _one(tr / "measures", code, ".yaml")
        rel = f"measures/{path.name}"
        tr_commit = _commit_of(commits, f"task-registry/{rel}")
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        entry = {key: data[key] for key in REGISTRY_FIELDS if key in data}
        if isinstance(entry.get("description"), str):
            entry["description"] = " ".join(entry["description"].split())
        entry["source_path"] = rel
        registry_measures[code] = entry
    registry = {
        "source": {
            "name": "Task registry (MinBZK/task-registry)",
            "repository": "https://github.com/MinBZK/task-registry",
            "commit": tr_commit,
            "schema": "schemas/schema_measures.json",
            "licence": "EUPL-1.2",
            "attribution": (
                "Measure ids and metadata from the task registry of the Dutch Ministry of the "
                "Interior and Kingdom Relations (MinBZK), https://github.com/MinBZK/task-registry, "
                "licensed under EUPL-1.2."
            ),
        },
        "measures": registry_measures,
    }
    outputs[TEXTS / "registry.json"] = _json(registry)
    return outputs


def _json(obj: object) -> bytes:
    return (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def stale_translations(outputs: dict[Path, bytes]) -> list[str]:
    """Names of English files missing or translated from another version of the Dutch file."""
    stale = []
    for path, data in outputs.items():
        if path.parent.name != "nl":
            continue
        en = TEXTS / "en" / path.name
        if not en.is_file():
            stale.append(f"{en.relative_to(ROOT)} (missing)")
            continue
        front = _front_matter(en.read_text(encoding="utf-8"))
        if front.get("source_sha256") != _sha256(data):
            stale.append(f"{en.relative_to(ROOT)} (Dutch original changed: re-translate)")
    return stale


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--check", action="store_true", help="verify only, write nothing")
    args = parser.parse_args()
    if not args.shared.is_dir():
        print(f"shared data folder not found: {args.shared} (pass --shared PATH)", file=sys.stderr)
        return 2
    outputs = build(args.shared)
    differs = [p for p, data in outputs.items() if not p.is_file() or p.read_bytes() != data]
    if args.check:
        for path in differs:
            print(f"out of date: {path.relative_to(ROOT)}")
    else:
        for path in differs:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(outputs[path])
            print(f"wrote {path.relative_to(ROOT)}")
    stale = stale_translations(outputs)
    for line in stale:
        print(f"translation out of date: {line}", file=sys.stderr)
    return 1 if (args.check and differs) or stale else 0


if __name__ == "__main__":
    sys.exit(main())
