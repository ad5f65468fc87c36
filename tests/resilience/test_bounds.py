"""Every numeric input is bounded: each option of the whole command tree, each numeric setting
(``ALGOPRINT_*`` and config files) and the server's whole-number settings refuse ``1e308``,
``-1``, ``nan``, ``inf``, ``1e23`` and ``''`` with a message that names the input and the
accepted range, never with a traceback, a silent default or a run of 0 J (issue 18)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from algoprint.cli._options import BoundedFloat, BoundedInt
from algoprint.cli.app import cli
from algoprint.config import SETTING_MAXIMA, load_settings
from algoprint.errors import AlgoprintError, ConfigError
from tests.cli._invoke import algoprint, new_user

FUZZ = ("1e308", "-1", "nan", "inf", "1e23", "")

ALLOWED: dict[tuple[str, str], str] = {}
"""``(option, value)`` pairs that are valid inputs, with the reason. Empty: no numeric option
accepts any of :data:`FUZZ` (seeds start at 0, ids and counts at 1, every range has a finite
upper bound below 1e23). Add a pair here, with its reason, only for a value that is meaningful."""


def _numeric(cmd: click.Command, path: tuple[str, ...]) -> Iterator[tuple[str, click.Parameter]]:
    for param in cmd.params:
        if isinstance(param.type, click.types.IntParamType | click.types.FloatParamType):
            yield " ".join(path), param
    if isinstance(cmd, click.Group):
        for name, sub in sorted(cmd.commands.items()):
            yield from _numeric(sub, (*path, name))


NUMERIC = list(_numeric(cli, ()))


def _id(item: tuple[str, click.Parameter]) -> str:
    path, param = item
    return f"{path}:{param.opts[0]}"


def test_the_walk_finds_the_numeric_options() -> None:
    found = {_id(x) for x in NUMERIC}
    # A few known ones, so an empty walk cannot pass the tests below.
    known = {"run:--cpu-tdp", "runs:--limit", "estimate:--hours", "server token revoke:token_id"}
    assert known <= found
    assert len(found) > 50


@pytest.mark.parametrize("item", NUMERIC, ids=_id)
def test_every_numeric_option_has_finite_bounds(item: tuple[str, click.Parameter]) -> None:
    _, param = item
    kind = param.type
    assert isinstance(kind, BoundedFloat), (
        f"{param.opts[0]}: use bounded_float/bounded_int from cli/_options.py, not {kind!r}"
    )
    assert kind.min is not None and kind.max is not None
    assert math.isfinite(kind.min) and math.isfinite(kind.max) and kind.max < 1e23
    assert not isinstance(kind, BoundedInt) or kind.max <= 2**63 - 1  # fits a BIGINT
    # A value inside the range is accepted (the bounds are not upside down).
    inside = kind.max if not kind.max_open else kind.min if not kind.min_open else kind.max / 2
    assert kind.convert(str(inside), param, None) == inside


@pytest.mark.parametrize("value", FUZZ, ids=repr)
@pytest.mark.parametrize("item", NUMERIC, ids=_id)
def test_fuzzed_numbers_are_refused_without_a_traceback(
    item: tuple[str, click.Parameter],
    value: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, param = item
    name = param.opts[0]
    if (name, value) in ALLOWED:
        assert param.type.convert(value, param, None) is not None
        return
    new_user(tmp_path, monkeypatch)
    if isinstance(param, click.Argument):
        args = [*path.split(), "--", value]
    else:
        args = [*path.split(), f"{name}={value}"]
    rc, out, err = algoprint(*args)  # a traceback would raise out of main() here
    assert rc == (125 if path == "run" else 2), (args, out, err)
    assert "Traceback" not in out + err
    shown = name if isinstance(param, click.Option) else param.human_readable_name
    assert shown in err, err
    assert "give a " in err, err  # the fix: the accepted range


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("1e308", "too large: give a number > 0 and <= 2000 (W)"),
        ("nan", "'nan' is not a finite number"),
        ("", "the value is empty"),
        ("-1", "too small"),
    ],
)
def test_the_message_names_the_range(
    value: str, needle: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_user(tmp_path, monkeypatch)
    rc, _, err = algoprint("run", f"--cpu-tdp={value}", "--", "true")
    assert rc == 125
    assert "--cpu-tdp" in err and needle in err, err


def test_whole_numbers_stay_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    new_user(tmp_path, monkeypatch)
    rc, _, err = algoprint("runs", "-n", "2.5")
    assert rc == 2 and "'2.5' is not a whole number: give a whole number >= 1" in err, err


# ---------------------------------------------------------------- settings and environment


NUMERIC_SETTINGS = sorted(SETTING_MAXIMA)


def test_the_settings_table_has_a_bound_for_every_numeric_setting() -> None:
    from algoprint.config import Settings, settings_fields

    defaults = Settings()
    numeric = {
        f
        for f in settings_fields()
        if isinstance(getattr(defaults, f), float) or f in {"cpu_tdp_w", "memory_w_per_gb"}
    }
    assert numeric == set(NUMERIC_SETTINGS)


@pytest.mark.parametrize("value", FUZZ, ids=repr)
@pytest.mark.parametrize("key", NUMERIC_SETTINGS)
def test_numeric_environment_variables_are_bounded(key: str, value: str, tmp_path: Path) -> None:
    env = {f"ALGOPRINT_{key.upper()}": value}
    none = tmp_path / "none.toml"
    with pytest.raises(ConfigError) as caught:
        load_settings(env=env, project_file=none, user_file=none)
    assert key in caught.value.message and "environment" in caught.value.message
    assert caught.value.hint and f"set {key} to a number > 0" in caught.value.hint
    # The tracker's lenient mode records the problem and keeps the default instead.
    problems: list[ConfigError] = []
    settings = load_settings(env=env, project_file=none, user_file=none, problems=problems)
    assert len(problems) == 1 and getattr(settings, key) == getattr(load_settings(env={}), key)


@pytest.mark.parametrize("value", ["1e308", "-1", "nan", "inf", "1e23", '""', "0", "true"])
@pytest.mark.parametrize("key", NUMERIC_SETTINGS)
def test_numeric_config_keys_are_bounded(key: str, value: str, tmp_path: Path) -> None:
    toml = tmp_path / "algoprint.toml"
    toml.write_text(f"{key} = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(env={}, project_file=toml, user_file=tmp_path / "none.toml")
    assert key in caught.value.message and str(toml) in caught.value.message


def test_the_cli_refuses_a_bad_environment_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_user(tmp_path, monkeypatch)
    monkeypatch.setenv("ALGOPRINT_CPU_TDP_W", "")
    rc, _, err = algoprint("runs")
    assert rc == 2 and "cpu_tdp_w is empty" in err and "Traceback" not in err


@pytest.mark.parametrize("value", FUZZ, ids=repr)
def test_the_grid_year_is_bounded(value: str) -> None:
    from algoprint.impact.location import resolve_location

    with pytest.raises(AlgoprintError) as caught:
        resolve_location(settings_extra={"env": {"year": value}})
    assert "year" in caught.value.message.lower() and caught.value.hint


@pytest.mark.parametrize("value", FUZZ, ids=repr)
@pytest.mark.parametrize(
    "key", ["port", "max_body_bytes", "max_batch_runs", "ingest_rate_per_min", "session_ttl_s"]
)
def test_server_whole_number_settings_are_bounded(key: str, value: str, tmp_path: Path) -> None:
    from algoprint.server.settings import server_settings

    env = {f"ALGOPRINT_SERVE_{key.upper()}": value}
    with pytest.raises(ConfigError) as caught:
        server_settings({"db": str(tmp_path / "s.sqlite")}, env=env)
    assert key in caught.value.message
    assert caught.value.hint


@pytest.mark.parametrize("value", ["1e308", "inf", "nan", "-1", "", "2000000"])
def test_embodied_kg_text_is_bounded(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_user(tmp_path, monkeypatch)
    rc, _, err = algoprint(
        "estimate", "--hours", "1", "--embodied-kg", value, "--lifetime-years", "4"
    )
    assert rc == 2 and "--embodied-kg" in err and "Traceback" not in err, err
