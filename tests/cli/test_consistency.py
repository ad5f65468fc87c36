"""One CLI: shared options, one language default, state aliases, helpful zone errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from algoprint.report.sample import fill_sample_store
from algoprint.store import open_store
from tests.cli._invoke import algoprint, new_user


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = new_user(tmp_path, monkeypatch)
    (tmp_path / "algoprint.toml").write_text(
        '[datacentres.rijks-dc]\nzone = "NL"\npue = 1.3\ncontract = "groen-gvo"\n'
    )
    with open_store(path) as store:
        fill_sample_store(store, runs=8, analyses=False)
    return path


def test_lang_default_comes_from_the_setting(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    rc, out, _ = algoprint("kader", "status")
    assert rc == 0 and "te doen" in out
    monkeypatch.setenv("ALGOPRINT_LANG", "en")
    rc, out, _ = algoprint("kader", "status")
    assert rc == 0 and "to do" in out and "te doen" not in out
    rc, out, _ = algoprint("kader", "status", "--lang", "nl")
    assert "te doen" in out
    monkeypatch.setenv("ALGOPRINT_LANG", "de")
    rc, _, err = algoprint("kader", "status")
    assert rc == 2 and "lang must be one of nl, en" in err


@pytest.mark.parametrize("state", ["not implemented", "niet van toepassing", "Not-Applicable"])
def test_state_accepts_english_and_amt_spellings(db: str, state: str) -> None:
    rc, out, err = algoprint(
        "kader", "set", "fraude-risico", "owp-13", "--state", state, "--reason", "n.v.t."
    )
    assert rc == 0, err
    assert "niet van toepassing" in out


def test_state_is_a_fixed_choice_listing_the_aliases(db: str) -> None:
    rc, _, err = algoprint("kader", "set", "fraude-risico", "owp-13", "--state", "klaar")
    assert rc == 2 and "'to-do'" in err and "'not-implemented'" in err


def test_report_and_export_take_the_shared_zone_option(db: str, tmp_path: Path) -> None:
    rc, out, err = algoprint("report", "-a", "fraude-risico", "--zone", "SE", "--json")
    assert rc == 0, err
    assert '"zone": "SE"' in json.dumps(json.loads(out)["methods"])
    rc, out, err = algoprint("export", "runs", "--zone", "SE", "-o", str(tmp_path / "r.csv"))
    assert rc == 0, err
    assert err.strip().endswith(f"wrote {tmp_path / 'r.csv'}")


def test_a_country_name_suggests_its_code(db: str) -> None:
    rc, _, err = algoprint("algorithm", "add", "nieuw", "--location", "Netherlands")
    assert rc == 2 and "did you mean NL?" in err and "Traceback" not in err


def test_no_location_notice_once_per_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    new_user(tmp_path, monkeypatch)
    notice = "no location configured"
    rc, _, err = algoprint("run", "--", sys.executable, "-c", "pass")
    assert rc == 0 and notice in err
    rc, _, err = algoprint("run", "--", sys.executable, "-c", "pass")
    assert rc == 0 and notice not in err  # said once for this store
    monkeypatch.setenv("ALGOPRINT_DB", str(tmp_path / "other.sqlite"))
    rc, _, err = algoprint("run", "--", sys.executable, "-c", "pass")
    assert notice in err  # a new store hears it once too


def test_export_json_is_the_documented_way_and_f_json_its_alias(db: str) -> None:
    for sub in ("csrd", "runs"):
        rc, out, err = algoprint("export", sub, "--json")
        assert rc == 0, err
        assert json.loads(out) is not None
        assert algoprint("export", sub, "-f", "json")[1] == out  # the alias, the same document
    rc, _, err = algoprint("export", "runs", "--json", "-f", "csv")
    assert rc == 2 and "contradict" in err and "Traceback" not in err
    rc, out, _ = algoprint("export", "runs")
    assert out.splitlines()[0].count(",") > 3  # CSV stays the default of runs


TEXT_COMMANDS = (
    ("run",), ("runs",), ("show",), ("doctor",), ("schedule",), ("demo",), ("report",),
    ("where",), ("kader", "status"), ("advise", "simplicity"), ("algorithm", "show"),
    ("factors",), ("estimate",), ("estimate", "llm"),
)  # fmt: skip


@pytest.mark.parametrize("command", TEXT_COMMANDS, ids=" ".join)
def test_every_command_that_prints_text_takes_lang(command: tuple[str, ...]) -> None:
    rc, out, _ = algoprint(*command, "--help")
    assert rc == 0 and "--lang" in out


@pytest.mark.parametrize("command", [("runs",), ("schedule", "--duration", "2h")], ids=str)
def test_dutch_output_has_no_english_and_fits_80_columns(
    db: str, command: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.report.test_human_output import check

    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("ALGOPRINT_LANG", "nl")  # the setting, not the option, picks Dutch
    rc, out, err = (
        algoprint(*command, "--now", "2026-03-01T10:00")
        if len(command) > 1
        else (algoprint(*command))
    )
    assert rc == 0, err
    assert check(out, "nl", " ".join(command)) == []
    assert max(len(line) for line in out.splitlines()) <= 80


def test_show_in_dutch_fits_80_columns_and_wide_adds_intervals(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.report.test_human_output import check

    monkeypatch.setenv("COLUMNS", "80")
    run_id = json.loads(algoprint("runs", "--json")[1])[-1]["run_id"]
    rc, out, err = algoprint("show", run_id, "--lang", "nl")
    assert rc == 0, err
    assert check(out, "nl", "show") == [] and "energie (" in out and "energy (" not in out
    assert max(len(line) for line in out.splitlines()) <= 80
    rc, wide, err = algoprint("show", run_id, "--lang", "nl", "--wide")
    assert rc == 0 and "–" in wide and "–" not in out


def test_runs_wide_adds_the_uncertainty(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    rc, out, err = algoprint("runs", "--wide")
    assert rc == 0, err
    assert "±" in out and "±" not in algoprint("runs")[1]


def test_every_help_page_fits_80_columns() -> None:
    # A new user reads --help in an 80-column terminal: no line of any command's help may be
    # wider (choices longer than a line go into the wrapped help text, examples are split).
    import click
    from click.testing import CliRunner

    from algoprint.cli.app import cli

    runner = CliRunner()
    wide: list[str] = []

    def walk(command: click.Command, path: list[str]) -> int:
        result = runner.invoke(cli, [*path, "--help"], terminal_width=80, env={"COLUMNS": "80"})
        assert result.exit_code == 0, (path, result.output)
        wide.extend(
            f"{' '.join(path)}: {line}" for line in result.output.splitlines() if len(line) > 80
        )
        if not isinstance(command, click.Group):
            return 1
        ctx = click.Context(command)
        return 1 + sum(
            walk(command.get_command(ctx, n), [*path, n]) for n in command.list_commands(ctx)
        )  # type: ignore[arg-type]

    assert walk(cli, []) > 50  # the whole tree was read
    assert not wide, "\n".join(wide)
