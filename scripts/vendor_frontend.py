#!/usr/bin/env python3
"""Vendor the dashboard's front-end files from the npm registry into the package.

Fetches pinned packages with ``npm pack`` (checked against pinned sha512 integrity values),
copies only the files the dashboard serves, with their licences, into
``src/algoprint/server/web/static/vendor/`` and writes ``VERSIONS.json`` and ``README.md``
there. The result is committed, so installing algoprint needs neither npm nor a network.

Packages (docs/dashboard.md explains the choice):

- ``@rijkshuisstijl-community/components-css`` (EUPL-1.2): NL Design System component CSS.
- ``@nl-design-system-unstable/voorbeeld-design-tokens`` (EUPL-1.2): the open example theme
  of NL Design System, which fills the ``--utrecht-*`` variables the components use.
- ``htmx.org`` (0BSD): partial page updates; every page works without it.

The Rijkshuisstijl design tokens (``@rijkshuisstijl-community/design-tokens``) are *not*
vendored by default: their licence reserves the Rijksoverheid house style to the
Rijksoverheid and those working for it. An organisation entitled to it runs this script with
``--rijkshuisstijl`` in its own deployment; the dashboard then loads those tokens instead.

Run (needs npm and the registry; nothing else)::

    python scripts/vendor_frontend.py            # fetch, check, copy, write VERSIONS.json
    python scripts/vendor_frontend.py --check    # exit 1 when the vendored files differ
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "src" / "algoprint" / "server" / "web" / "static" / "vendor"


@dataclass(frozen=True)
class Package:
    """One npm package: where its files go and which ones are copied (source -> target)."""

    name: str
    version: str
    integrity: str
    folder: str
    files: dict[str, str]
    licence: str
    licence_files: tuple[str, ...]


EUPL_FROM_REPO = "LICENSE (EUPL-1.2 text of this repository; the package ships none)"

PACKAGES = (
    Package(
        name="@rijkshuisstijl-community/components-css",
        version="12.0.0",
        integrity="sha512-DfDyK5oyPP+HX3RL6Lo/G5LcEbuNzyKn7vYf7o3rwTZzts3MYDFOPHQe81YZiyHrftMEqR15LBrBdoT/UjY5WQ==",
        folder="components-css",
        files={"dist/index.css": "index.css"},
        licence="EUPL-1.2",
        licence_files=(),
    ),
    Package(
        name="@nl-design-system-unstable/voorbeeld-design-tokens",
        version="7.4.1",
        integrity="sha512-GNnapAn2mTIzXRcCvs0JMr4Bf9+ivUJ3zFBJLRT1SYpAYm2xPwptVxIM3k4WLJ0c59E9FfxsEBPJluGuAHUVvg==",
        folder="tokens",
        files={"dist/variables.css": "tokens.css"},
        licence="EUPL-1.2",
        licence_files=("LICENSE.md",),
    ),
    Package(
        name="htmx.org",
        version="2.0.11",
        integrity="sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA==",
        folder="htmx",
        files={"dist/htmx.min.js": "htmx.min.js"},
        licence="0BSD",
        licence_files=("LICENSE",),
    ),
)

RIJKSHUISSTIJL_TOKENS = Package(
    name="@rijkshuisstijl-community/design-tokens",
    version="11.1.0",
    integrity="sha512-QWAsFCEVv9AlOnISFMlBvU1M75D/LmI4sUU5RegMkj3HZH1a9A218rlExlIy/6KfmtvL67TUTnuZYkDEZmQ/UQ==",
    folder="tokens",
    files={"dist/root.css": "tokens.css"},
    licence="SEE LICENSE IN LICENSE.md (Rijksoverheid house style, all rights reserved)",
    licence_files=("LICENSE.md",),
)


def _sri(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def _pack(pkg: Package, work: Path) -> tarfile.TarFile:
    spec = f"{pkg.name}@{pkg.version}"
    try:
        out = subprocess.run(
            ["npm", "pack", spec, "--json", "--pack-destination", str(work)],
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        ).stdout
    except FileNotFoundError:
        sys.exit("npm is not installed: install Node.js (npm) to vendor the front-end files")
    except subprocess.CalledProcessError as e:
        sys.exit(f"npm pack {spec} failed: {e.stderr.strip()}")
    tarball = work / json.loads(out)[0]["filename"]
    integrity = _sri(tarball.read_bytes())
    if pkg.integrity and integrity != pkg.integrity:
        sys.exit(f"{spec}: integrity {integrity} differs from the pinned {pkg.integrity}")
    return tarfile.open(tarball)


def _member(tar: tarfile.TarFile, path: str) -> bytes:
    extracted = tar.extractfile(f"package/{path}")
    if extracted is None:
        sys.exit(f"{tar.name}: package/{path} is not a file")
    return extracted.read()


def _files(packages: tuple[Package, ...], work: Path) -> tuple[dict[str, bytes], list[dict]]:
    files: dict[str, bytes] = {}
    versions = []
    for pkg in packages:
        with _pack(pkg, work) as tar:
            integrity = _sri(Path(str(tar.name)).read_bytes())
            for source, target in pkg.files.items():
                files[f"{pkg.folder}/{target}"] = _member(tar, source)
            for name in pkg.licence_files:
                files[f"{pkg.folder}/{name}"] = _member(tar, name)
        if not pkg.licence_files:
            files[f"{pkg.folder}/LICENSE"] = (ROOT / "LICENSE").read_bytes()
        versions.append(
            {
                "name": pkg.name,
                "version": pkg.version,
                "integrity": integrity,
                "licence": pkg.licence,
                "licence_file": pkg.licence_files[0] if pkg.licence_files else EUPL_FROM_REPO,
                "files": {f"{pkg.folder}/{t}": s for s, t in pkg.files.items()},
            }
        )
    return files, versions


def _readme(versions: list[dict]) -> str:
    lines = [
        "# Vendored front-end files (do not edit)",
        "",
        "Written by `scripts/vendor_frontend.py` from the npm registry; versions and sha512",
        "integrity of each tarball are in `VERSIONS.json`. Each folder keeps its licence.",
        "",
        "| package | version | licence | files |",
        "|---|---|---|---|",
    ]
    for v in versions:
        lines.append(f"| {v['name']} | {v['version']} | {v['licence']} | {', '.join(v['files'])} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Fetch, check and copy the pinned packages (or compare them with ``--check``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare; write nothing")
    parser.add_argument(
        "--rijkshuisstijl",
        action="store_true",
        help="use the Rijkshuisstijl design tokens (only for organisations entitled to them)",
    )
    args = parser.parse_args(argv)
    packages = PACKAGES
    if args.rijkshuisstijl:
        packages = (*(p for p in PACKAGES if p.folder != "tokens"), RIJKSHUISSTIJL_TOKENS)
    with tempfile.TemporaryDirectory(prefix="algoprint-vendor-") as tmp:
        files, versions = _files(packages, Path(tmp))
    files["VERSIONS.json"] = (json.dumps(versions, indent=2) + "\n").encode()
    files["README.md"] = _readme(versions).encode()
    if args.check:
        differ = [
            name
            for name, data in files.items()
            if not (VENDOR / name).is_file() or (VENDOR / name).read_bytes() != data
        ]
        for name in differ:
            print(f"out of date: {VENDOR / name}")
        return 1 if differ else 0
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    for name, data in files.items():
        target = VENDOR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        print(f"wrote {target.relative_to(ROOT)} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
