"""The vendored front-end files: pinned, licensed, and shipped in the package."""

from __future__ import annotations

import fnmatch
import json
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[3]
WEB = ROOT / "src" / "algoprint" / "server" / "web"
VENDOR = WEB / "static" / "vendor"


def test_every_vendored_package_is_pinned_and_licensed() -> None:
    import importlib.util
    import sys

    name = "algoprint_vendor_frontend"
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "vendor_frontend.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    sys.modules[name] = script  # dataclasses look their module up
    try:
        spec.loader.exec_module(script)
    finally:
        del sys.modules[name]
    pinned = {p.name: p for p in script.PACKAGES}
    versions = json.loads((VENDOR / "VERSIONS.json").read_text())
    assert {v["name"] for v in versions} == set(pinned)
    for v in versions:
        package = pinned[v["name"]]
        assert v["version"] == package.version and v["integrity"] == package.integrity
        folder = VENDOR / package.folder
        assert any(folder.glob("LICENSE*")), f"{v['name']} has no licence file"
        for name in v["files"]:
            assert (VENDOR / name).is_file(), name


def test_web_files_are_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["algoprint"]
    package = ROOT / "src" / "algoprint"
    missing = []
    for path in WEB.rglob("*"):
        if not path.is_file() or path.suffix == ".py" or "__pycache__" in path.parts:
            continue
        relative = path.relative_to(package).as_posix()
        if not any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(path.name, p) for p in patterns):
            missing.append(relative)
    assert missing == []
