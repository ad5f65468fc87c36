"""The `algorithm` and `kader` command groups end to end through click's CliRunner."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from algoprint.cli.algorithm_cmd import algorithm
from algoprint.cli.kader_cmd import kader
from algoprint.errors import InputError, NotFound

Invoke = Callable[..., Result]


@click.group()
def _cli() -> None:
    """A local group with the two command groups (app.py wires them for users)."""


_cli.add_command(algorithm)
_cli.add_command(kader)


@pytest.fixture
def invoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    monkeypatch.chdir(tmp_path)
    for name in list(__import__("os").environ):
        if name.startswith("ALGOPRINT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    db = str(tmp_path / "cli.sqlite")

    def run(*args: str, ok: bool = True) -> Result:
        result = CliRunner().invoke(_cli, [*args, "--db", db])
        if ok:
            assert result.exit_code == 0, (result.output, result.exception)
        return result

    return run


def test_register_describe_and_show(invoke: Invoke) -> None:
    out = invoke(
        "algorithm",
        "add",
        "churn-model",
        "--name",
        "Churn",
        "--organisation",
        "BZK",
        "--phase",
        "ontwikkelen",
        "--owner",
        "ontwikkelaar=Ada",
        "--owner",
        "projectleider=Piet",
        "--location",
        "NL",
        "--contract",
        "groen-gvo",
        "--functional-unit",
        "voorspelling",
        "--yearly-units",
        "50000",
        "--json",
    )
    data = json.loads(out.output)
    assert data["owners"] == {"ontwikkelaar": ["Ada"], "projectleider": ["Piet"]}
    assert data["yearly_units"] == 50000.0
    invoke("algorithm", "edit", "churn-model", "--description", "Voorspelt opzeggingen")
    listed = json.loads(invoke("algorithm", "list", "--json").output)
    assert [a["description"] for a in listed] == ["Voorspelt opzeggingen"]
    shown = json.loads(invoke("algorithm", "show", "churn-model", "--json", "--lang", "en").output)
    assert shown["runs"] == 0 and len(shown["measures"]) == 7
    assert shown["measures"][0]["evidence"]["label"] == "not yet supported"
    text = invoke("algorithm", "show", "churn-model").output
    assert "Runs: 0" in text and "mon-06" in text and "nog niet onderbouwd" in text


def test_bad_slug_and_archived_edit_are_clear_errors(invoke: Invoke) -> None:
    bad = invoke("algorithm", "add", "Churn_Model", ok=False)
    assert isinstance(bad.exception, InputError) and "invalid algorithm slug" in str(bad.exception)
    invoke("algorithm", "add", "churn", "--name", "Churn")
    invoke("algorithm", "archive", "churn")
    assert "churn" not in invoke("algorithm", "list").output
    assert "(archived)" in invoke("algorithm", "list", "--all").output
    refused = invoke("algorithm", "edit", "churn", "--name", "New", ok=False)
    assert isinstance(refused.exception, InputError)
    assert "unarchive it first" in (refused.exception.hint or "")
    invoke("algorithm", "unarchive", "churn")
    assert json.loads(invoke("algorithm", "list", "--json").output)[0]["name"] == "Churn"
    missing = invoke("algorithm", "show", "ghost", ok=False)
    assert isinstance(missing.exception, NotFound)


def test_kader_set_status_history_export_import(invoke: Invoke, tmp_path: Path) -> None:
    invoke("algorithm", "add", "churn", "--name", "Churn")
    evidence = tmp_path / "report.txt"
    evidence.write_text("monitoring report", encoding="utf-8")
    invoke(
        "kader",
        "set",
        "churn",
        "mon-06",
        "--state",
        "in uitvoering",
        "--note",
        "meten",
        "--responsible",
        "Ada",
        "--link",
        "https://example.nl/r",
        "--attach",
        str(evidence),
        "--by",
        "ada",
    )
    refused = invoke("kader", "set", "churn", "owp-12", "--state", "niet van toepassing", ok=False)
    assert isinstance(refused.exception, InputError) and "needs a reason" in str(refused.exception)
    invoke(
        "kader",
        "set",
        "churn",
        "owp-12",
        "--state",
        "niet-van-toepassing",
        "--reason",
        "geen inkoop",
    )
    board = json.loads(invoke("kader", "status", "--json", "--lang", "en").output)
    states = {row["measure"]: row["assessment"]["state_label"] for row in board}
    assert states["mon-06"] == "in progress" and states["owp-12"] == "not applicable"
    assert "in uitvoering" in invoke("kader", "status", "--algorithm", "churn").output
    hist = json.loads(invoke("kader", "history", "churn", "mon-06", "--json").output)
    assert hist["history"][0]["changed_by"] == "ada"
    assert hist["files"][0]["name"] == "report.txt"
    exported = tmp_path / "amt.json"
    invoke("kader", "export", "--format", "amt", "-o", str(exported))
    other_db = str(tmp_path / "other.sqlite")
    result = CliRunner().invoke(
        _cli, ["kader", "import", str(exported), "--db", other_db, "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "kind": "envelope",
        "algorithms_added": 1,
        "assessments": 2,
    }
    shown = CliRunner().invoke(_cli, ["kader", "show", "mon-06", "--lang", "en"]).output
    assert "Unofficial translation" in shown and "EUPL-1.2" in shown
    assert "2030" in invoke("kader", "goals").output
    texts = json.loads(invoke("kader", "register-text", "churn", "--json").output)
    assert set(texts) == {"proportionality", "methods_and_models"}
    unknown = invoke("kader", "set", "churn", "xyz-01", "--state", "gereed", ok=False)
    assert isinstance(unknown.exception, InputError)
