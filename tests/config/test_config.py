"""Settings: precedence, validation and documentation."""

from __future__ import annotations

from pathlib import Path

import pytest

from algoprint.config import Settings, load_settings, settings_fields
from algoprint.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


def _load(tmp_path: Path, **kw: object) -> Settings:
    return load_settings(
        kw.pop("overrides", None),  # type: ignore[arg-type]
        env=kw.pop("env", {}),  # type: ignore[arg-type]
        project_file=kw.pop("project", tmp_path / "none.toml"),  # type: ignore[arg-type]
        user_file=kw.pop("user", tmp_path / "none-user.toml"),  # type: ignore[arg-type]
    )


def test_defaults(tmp_path: Path) -> None:
    s = _load(tmp_path)
    assert s.scope == "auto" and s.interval_s == 2.0 and s.db is None


def test_precedence_arguments_env_project_user(tmp_path: Path) -> None:
    user = tmp_path / "user.toml"
    user.write_text('scope = "process"\ninterval_s = 5\ncpu_tdp_w = 10\n')
    project = tmp_path / "project.toml"
    project.write_text("interval_s = 4\ncpu_tdp_w = 20\n")
    env = {"ALGOPRINT_CPU_TDP_W": "30", "ALGOPRINT_CHECKPOINT_INTERVAL_S": "3"}
    s = _load(tmp_path, user=user, project=project, env=env, overrides={"checkpoint_interval_s": 2})
    assert s.scope == "process"  # only the user file sets it
    assert s.interval_s == 4  # project beats user
    assert s.cpu_tdp_w == 30  # env beats files
    assert s.checkpoint_interval_s == 2  # arguments beat env


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ("interval_s = 0\n", "interval_s must be a number > 0"),
        ("interval_s = -1\n", "interval_s must be a number > 0"),
        ('interval_s = "fast"\n', "must be a number"),
        ('scope = "galaxy"\n', "scope must be one of machine, process"),
        ("colour = 1\n", "unknown setting 'colour'"),
        ("strict = 3\n", "strict must be true or false"),
        ("interval_s = [\n", "not valid TOML"),
    ],
)
def test_invalid_file_values_are_errors(tmp_path: Path, data: str, match: str) -> None:
    project = tmp_path / "p.toml"
    project.write_text(data)
    with pytest.raises(ConfigError, match=match):
        _load(tmp_path, project=project)


def test_unknown_env_var_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ALGOPRINT_COLOUR"):
        _load(tmp_path, env={"ALGOPRINT_COLOUR": "red"})


def test_nan_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        _load(tmp_path, overrides={"interval_s": float("nan")})


def test_every_setting_is_documented() -> None:
    doc = (REPO / "docs" / "configuration.md").read_text()
    for name in settings_fields():
        assert f"`{name}`" in doc, f"setting {name} is not documented in docs/configuration.md"
        assert f"`ALGOPRINT_{name.upper()}`" in doc


def test_scope_by_context(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    from algoprint.config import context_scope

    monkeypatch.delattr(sys, "ps1", raising=False)
    assert context_scope() == "machine"  # a script or job
    shell = types.ModuleType("IPython")
    shell.get_ipython = lambda: None  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", shell)
    assert context_scope() == "machine"  # IPython imported by a library, no shell running
    shell.get_ipython = object  # type: ignore[attr-defined]
    assert context_scope() == "process"  # a notebook kernel or the IPython REPL
    monkeypatch.delitem(sys.modules, "IPython")
    monkeypatch.setattr(sys, "ps1", ">>> ", raising=False)
    assert context_scope() == "process"  # the Python REPL
