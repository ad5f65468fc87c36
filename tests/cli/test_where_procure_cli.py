"""`algoprint where` (dat-06) and `algoprint procure` (owp-12) through the real entry point."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from algoprint.cli.where_cmd import YEAR_S
from algoprint.store import open_store
from algoprint.tracking.record import RunRecord, RunStatus
from tests.cli._invoke import algoprint, new_user

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = new_user(tmp_path, monkeypatch)
    return path


@pytest.fixture
def datacentres(db: str, tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "where" / "datacentres.toml", tmp_path / "algoprint.toml")


def test_where_ranks_candidates(db: str) -> None:
    rc, out, err = algoprint("where", "NL", "SE", "gcp:europe-west4", "--energy-kwh", "1000",
                             "--year", "2024", "--json")  # fmt: skip
    assert rc == 0, err
    doc = json.loads(out)
    ranks = [(c["label"], c["rank"]) for c in doc["candidates"]]
    assert [r for _, r in ranks] == [1, 2, 3]
    assert ranks[0][0] == "SE"  # the lowest-carbon grid of the three
    assert doc["workload"]["energy_j_per_year"] == pytest.approx(1000 * 3.6e6)
    rc, out, _ = algoprint("where", "NL", "SE", "--energy-kwh", "1000", "--lang", "nl")
    assert rc == 0 and "Gerangschikt" in out


def test_where_with_config_datacentres(datacentres: None) -> None:
    rc, out, err = algoprint("where", "clean", "NL", "PL@groen-gvo", "--energy-kwh", "10000")
    assert rc == 0, err
    assert "clean" in out and "market-location-gap" in out


def test_where_check_flags_and_exit_status(datacentres: None) -> None:
    rc, out, _ = algoprint("where", "--check", "impossible")
    assert rc == 1 and "pue-impossible" in out
    rc, out, _ = algoprint("where", "--check", "impossible", "--json")
    assert rc == 1 and "pue-impossible" in {f["code"] for f in json.loads(out)["flags"]}
    rc, out, err = algoprint("where", "--check", "certificates-only", "--lang", "nl")
    assert rc == 0, err
    assert "market-only-green" in out
    rc, out, _ = algoprint("where", "--check", "aws-fleet", "--json")  # shipped, no zone
    assert rc == 0 and json.loads(out)["claims"]["source"] == "shipped profile 'aws-fleet'"


def _run(run_id: str, start: dt.datetime, energy_j: float | None) -> RunRecord:
    return RunRecord(
        run_id=run_id,
        algorithm="churn-model",
        phase="use",
        status=RunStatus.COMPLETED,
        started_at=start.isoformat(timespec="milliseconds"),
        ended_at=(start + dt.timedelta(hours=1)).isoformat(timespec="milliseconds"),
        duration_s=3600.0,
        scope="machine",
        energy_j=energy_j,
        uncertainty_rel=0.1,
    )


def test_where_takes_the_yearly_energy_from_stored_runs(db: str) -> None:
    store = open_store(db)
    now = dt.datetime.now(dt.UTC)
    start = now - dt.timedelta(days=10)
    store.save_run(_run("1" * 32, start, 2.0e6))
    store.save_run(_run("2" * 32, start + dt.timedelta(days=1) - dt.timedelta(hours=1), 1.0e6))
    store.save_run(_run("3" * 32, start + dt.timedelta(hours=2), None))  # a meter gap
    store.save_run(_run("4" * 32, now - dt.timedelta(days=400), 9e9))  # older than a year
    rc, out, err = algoprint("where", "NL", "DE", "--algorithm", "churn-model", "--json")
    assert rc == 0, err
    doc = json.loads(out)
    # 3 MJ over one day, scaled to 365 days
    assert doc["workload"]["energy_j_per_year"] == pytest.approx(3.0e6 * YEAR_S / 86400)
    assert "scaled ×365 to a year" in err and "1 run(s) without a total" in err
    (record,) = open_store(db).list_analyses(algorithm="churn-model")
    assert record.kind == "location" and record.measure == "dat-06"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["where", "NL", "SE"], "exactly one of --energy-kwh or --algorithm"),
        (["where", "NL", "--energy-kwh", "5"], "at least two candidates"),
        (["where", "--energy-kwh", "5"], "no candidates"),
        (["where", "NL", "XX", "--energy-kwh", "5"], "unknown zone 'XX'"),
        (["where", "NL", "NL", "--energy-kwh", "5"], "given twice"),
        (["where", "NL", "SE", "--energy-kwh", "-5"], "--energy-kwh"),
        (["where", "NL", "SE", "--energy-kwh", "5", "--rank-by", "beauty"], "--rank-by"),
        (["where", "NL", "SE", "--algorithm", "nobody"], "no run of 'nobody'"),
        (["where", "--check", "nope"], "unknown datacentre 'nope'"),
        (["where", "--check", "NL", "SE"], "--check takes one profile"),
        (["procure", "requirements", "--kind", "castle"], "--kind"),
        (["procure", "requirements"], "--kind"),
        (["procure", "requirements", "--kind", "saas", "-o", "eisen.docx"], "not a Word file"),
        (["procure", "questionnaire", "--kind", "saas", "-o", "q.txt"], "unknown questionnaire"),
        (["procure", "questionnaire", "--kind", "saas", "-o", "no/dir/q.csv"], "does not exist"),
        (["procure", "evaluate", "--kind", "saas", "missing.csv"], "does not exist"),
        (["procure", "evaluate", "--kind", "saas", "{malformed}"], "column"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(db: str, args: list[str], says: str) -> None:
    malformed = str(FIXTURES / "procure" / "malformed-columns.csv")
    rc, out, err = algoprint(*[a.replace("{malformed}", malformed) for a in args])
    assert rc == 2, (out, err)
    assert says in err and "Traceback" not in err
    assert len([ln for ln in err.splitlines() if "rror" in ln]) == 1


@pytest.mark.parametrize(("fmt", "start"), [("md", "# "), ("html", "<!DOCTYPE html>")])
def test_procure_requirements_to_a_file(db: str, tmp_path: Path, fmt: str, start: str) -> None:
    out_file = tmp_path / f"eisen.{fmt}"
    rc, out, err = algoprint(
        "procure", "requirements", "--kind", "ai-model", "--lang", "nl", "--format", fmt,
        "-o", str(out_file), "--algorithm", "chatbot",
    )  # fmt: skip
    assert rc == 0, err
    assert out == "" and f"wrote {out_file}" in err
    assert out_file.read_text().lstrip().startswith(start)
    (record,) = open_store(db).list_analyses(algorithm="chatbot")
    assert record.kind == "procurement-requirements"


def test_procure_requirements_json_and_docx_text(db: str) -> None:
    rc, out, _ = algoprint("procure", "requirements", "--kind", "hosting", "--json")
    doc = json.loads(out)
    assert rc == 0 and doc["kind"] == "hosting"
    assert "kpi-energy-per-transaction" not in {r["id"] for r in doc["requirements"]}
    rc, out, _ = algoprint("procure", "requirements", "--kind", "hosting", "--format", "docx")
    assert rc == 0 and "|" not in out and "**" not in out  # no tables, no emphasis


@pytest.mark.parametrize("suffix", ["csv", "json"])
def test_questionnaire_round_trip_through_evaluate(db: str, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"leverancier.{suffix}"
    rc, out, err = algoprint("procure", "questionnaire", "--kind", "saas", "-o", str(path))
    assert rc == 0, err
    assert path.exists() and f"wrote {path}" in err and "questions" in err
    rc, out, err = algoprint("procure", "evaluate", "--kind", "saas", str(path), "--json")
    assert rc == 0, err
    (supplier,) = json.loads(out)["suppliers"]
    assert any(f["code"].startswith("missing") for f in supplier["flags"])


def test_evaluate_side_by_side(db: str) -> None:
    good = FIXTURES / "procure" / "supplier-groenai.csv"
    bad = FIXTURES / "procure" / "supplier-wolk.csv"
    rc, out, err = algoprint(
        "procure", "evaluate", "--kind", "ai-model", str(bad), str(good),
        "--algorithm", "chatbot", "--lang", "en",
    )  # fmt: skip
    assert rc == 0, err
    assert out.splitlines()[0].startswith("Category")
    (record,) = open_store(db).list_analyses(algorithm="chatbot")
    assert record.kind == "procurement-evaluation"
