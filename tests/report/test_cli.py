"""The `report` and `export` commands (registered in cli/app.py by the lead)."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from algoprint.cli.export_cmd import export
from algoprint.cli.report_cmd import default_output, report
from algoprint.errors import InputError, NotFound
from algoprint.report.sample import fill_sample_store
from algoprint.store import Store


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    for key in ("ALGOPRINT_DB", "ALGOPRINT_LOCATION", "ALGOPRINT_DATACENTRE"):
        monkeypatch.delenv(key, raising=False)
    # the sample's datacentre must resolve through the config file, as a user would set it
    (tmp_path / "algoprint.toml").write_text(
        '[datacentres.rijks-dc]\nzone = "NL"\npue = 1.3\ncontract = "groen-gvo"\n'
    )
    path = tmp_path / "store.db"
    store = Store(url=f"sqlite:///{path}").open()
    fill_sample_store(store, runs=10)
    store.close()
    return str(path)


def invoke(command: click.Command, args: list[str]):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(command, args, catch_exceptions=True)


@pytest.mark.parametrize("fmt", ["html", "pdf", "md", "json", "csv"])
def test_report_writes_a_file(db: str, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"r.{fmt}"
    result = invoke(report, ["-a", "fraude-risico", "-f", fmt, "--db", db, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 100


def test_report_default_name_and_stdout(db: str, tmp_path: Path) -> None:
    result = invoke(report, ["--organisation", "--period", "2026-Q3", "--db", db])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "algoprint-report-all-2026-Q3.html").is_file()
    result = invoke(report, ["-a", "chatbot", "-f", "json", "-l", "en", "-o", "-", "--db", db])
    assert json.loads(result.stdout)["lang"] == "en"


def test_report_errors_are_algoprint_errors(db: str) -> None:
    result = invoke(report, ["-a", "nope", "--db", db])
    assert isinstance(result.exception, NotFound)
    result = invoke(report, ["-a", "chatbot", "-f", "docx", "--db", db])
    assert isinstance(result.exception, InputError)
    result = invoke(report, ["-a", "chatbot", "-l", "de", "--db", db])
    assert result.exit_code == 2 and "'nl', 'en'" in result.output  # a usage error naming both


@pytest.mark.parametrize(
    ("args", "check"),
    [
        (["csrd", "-a", "fraude-risico"], lambda out: "datapoints" in json.loads(out)),
        (["csrd", "-f", "csv"], lambda out: out.startswith('"# Compute share')),
        (["boamps", "-a", "chatbot"], lambda out: len(json.loads(out)) == 6),
        (["runs", "-a", "chatbot"], lambda out: len(out.strip().splitlines()) == 7),
        (["amt", "-a", "fraude-risico"], lambda out: "measures" in yaml.safe_load(out)),
        (["amt", "--format", "envelope"], lambda out: "algorithms" in json.loads(out)),
    ],
)
def test_export_commands(db: str, args: list[str], check) -> None:  # type: ignore[no-untyped-def]
    result = invoke(export, [*args, "--db", db])
    assert result.exit_code == 0, result.output
    assert check(result.stdout)


def test_export_to_file(db: str, tmp_path: Path) -> None:
    out = tmp_path / "runs.csv"
    result = invoke(export, ["runs", "--db", db, "-o", str(out)])
    assert result.exit_code == 0 and out.read_text().startswith("run_id,")


def test_default_output_is_a_safe_name() -> None:
    assert default_output("a/b c", "2026-01-01..2026-02-01", "pdf") == (
        "algoprint-report-a_b_c-2026-01-01..2026-02-01.pdf"
    )
