"""algoprint._dirs: the user directories without importing platformdirs, same answers."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from algoprint._dirs import user_dir


@pytest.mark.parametrize("kind", ["data", "cache", "config"])
@pytest.mark.parametrize(
    ("home", "xdg"),
    [("abs", None), ("abs", "abs"), ("abs", ""), ("abs", "relative/dir"), ("relative", None)],
)
def test_user_dir_matches_platformdirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, home: str, xdg: str | None
) -> None:
    var = {"data": "XDG_DATA_HOME", "cache": "XDG_CACHE_HOME", "config": "XDG_CONFIG_HOME"}[kind]
    monkeypatch.setenv("HOME", str(tmp_path / "home") if home == "abs" else "home-rel")
    if xdg is None:
        monkeypatch.delenv(var, raising=False)
    else:
        monkeypatch.setenv(var, str(tmp_path / "xdg") if xdg == "abs" else xdg)
    expected = getattr(platformdirs, f"user_{kind}_dir")("algoprint")
    assert user_dir(kind) == expected
