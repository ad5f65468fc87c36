"""The public import surface is small, pinned, and light to import."""

from __future__ import annotations

import subprocess
import sys

import algoprint

EXPECTED = [
    "AlgoprintError",
    "ConfigError",
    "ImpactError",
    "InputError",
    "MeterError",
    "MeterUnavailable",
    "NotFound",
    "PermissionDenied",
    "Run",
    "RunRecord",
    "RunStatus",
    "Settings",
    "StoreError",
    "Tracker",
    "TrackingError",
    "__version__",
    "load_settings",
    "track",
]


def test_all_is_pinned() -> None:
    assert sorted(algoprint.__all__) == sorted(EXPECTED)


def test_every_public_name_resolves() -> None:
    for name in algoprint.__all__:
        assert getattr(algoprint, name) is not None


def test_unknown_attribute_is_an_attribute_error() -> None:
    try:
        algoprint.nope  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as e:
        assert "nope" in str(e)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")


def test_import_loads_nothing_heavy() -> None:
    code = (
        "import sys, algoprint\n"
        "algoprint.Tracker, algoprint.track, algoprint.RunRecord\n"
        "heavy = ('sqlalchemy', 'alembic', 'pandas', 'numpy', 'click', 'rich', 'jinja2', "
        "'sklearn', 'torch', 'pynvml', 'yaml')\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
