"""The public import surface is small, pinned, and light to import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


def test_starting_a_tracker_loads_no_module_kept_off_its_path(tmp_path: Path) -> None:
    # Import + start is part of the overhead budget (docs/benchmarks.md): these modules are
    # imported lazily, only where a rarer path needs them (another OS, a failing store, ...).
    code = (
        "import sys, algoprint\n"
        "with algoprint.track(algorithm='light') as run:\n"
        "    pass\n"
        "lazy = ('platformdirs', 'tempfile', 'uuid', 'platform', 'importlib.resources', "
        "'zipfile', 'hashlib', 'tomllib', 'sqlalchemy')\n"
        "print([m for m in lazy if m in sys.modules])\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALGOPRINT_", "XDG_", "TMP"))}
    env.update(
        ALGOPRINT_DB=str(tmp_path / "r.sqlite"),
        HOME=str(tmp_path),
        ALGOPRINT_CPU_TDP_W="100",
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


IMPACT_API = [
    "MARKET_ZERO_CAVEAT",
    "EmbodiedImpacts",
    "EnergyComponent",
    "EnergyInput",
    "EstimateResult",
    "Impact",
    "ImpactDocument",
    "Interval",
    "LlmEstimate",
    "LocationProfile",
    "compute_from_factors",
    "compute_impacts",
    "default_location",
    "estimate_impacts",
    "estimate_llm",
    "impacts_for_run",
    "resolve_location",
]


def test_impact_api_is_pinned_and_resolves() -> None:
    import algoprint.impact as impact

    assert sorted(impact.__all__) == sorted(IMPACT_API)
    for name in impact.__all__:
        assert getattr(impact, name) is not None
    try:
        impact.nope  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as e:
        assert "nope" in str(e)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")


def test_impact_api_is_in_the_readme() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for name in IMPACT_API:
        assert f"`{name}`" in readme, name


def test_impact_api_estimate_by_hand() -> None:
    import algoprint.impact.estimate  # noqa: F401 - the module of that name does not shadow it
    from algoprint.impact import estimate_impacts

    r = estimate_impacts(energy_kwh=12, uncertainty=0, pue=1.2, grid_intensity_g_per_kwh=250)
    assert abs(r.document.impacts["co2e_location_g"].value - 3600.0) < 1e-9
