"""Impacts of runs in `algoprint run` and `algoprint show`: location options, config tables,
the registered location, "ask once" in a terminal and "say plainly" elsewhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from algoprint.cli import _location
from algoprint.errors import ConfigError
from algoprint.impact.compute import impacts_for_run
from algoprint.impact.location import default_location, resolve_location
from algoprint.store import open_store
from algoprint.tracking.record import ComponentRecord, RunRecord, RunStatus
from tests.cli._invoke import algoprint, new_user

KWH_J = 3.6e6


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = new_user(tmp_path, monkeypatch)
    return path


def _record(run_id: str = "a" * 32, algorithm: str | None = None) -> RunRecord:
    return RunRecord(
        run_id=run_id,
        algorithm=algorithm,
        phase="training",
        status=RunStatus.COMPLETED,
        started_at="2024-05-01T10:00:00.000+00:00",
        ended_at="2024-05-01T11:00:00.000+00:00",
        duration_s=3600.0,
        scope="machine",
        energy_j=KWH_J,
        machine_energy_j=KWH_J,
        process_energy_j=0.8 * KWH_J,
        measured_energy_j=KWH_J,
        uncertainty_rel=0.1,
        components=[ComponentRecord("cpu", "cpu0", KWH_J, "counter", 0.1, 0.8 * KWH_J)],
    )


@pytest.fixture
def stored(db: str) -> RunRecord:
    record = _record()
    open_store(db).save_run(record)
    return record


def test_show_json_adds_impacts_computed_on_output_not_stored(stored: RunRecord) -> None:
    rc, out, err = algoprint("show", stored.run_id[:8], "--json", "--location", "NL")
    assert rc == 0, err
    doc = json.loads(out)
    expected = impacts_for_run(stored, resolve_location({}, location="NL"))
    for key in ("co2e_location_g", "co2e_market_g", "water_l"):
        assert doc["impacts"][key]["value"] == pytest.approx(expected.impacts[key].value)
        assert set(doc["impacts"][key]) == {"value", "low", "high", "unit", "method", "sources"}
    assert doc["factor_version"] and doc["factors"]["grid_intensity"]["unit"] == "gCO2e/kWh"
    assert doc["location"]["zone"] == "NL" and doc["location"]["sources"]["zone"] == "argument"
    assert doc["energy_j"] == KWH_J and err == ""
    again = open_store(os.environ["ALGOPRINT_DB"]).get_run(stored.run_id).to_dict()
    assert "impacts" not in again and "factors" not in again  # stored runs keep energy only


def test_show_without_location_says_the_default_plainly(stored: RunRecord) -> None:
    rc, out, err = algoprint("show", stored.run_id)
    assert rc == 0, err
    assert "CO₂e, location-based" in out and "CO₂e, market-based" in out and "Water" in out
    assert "NL (default)" in out and "–" not in out  # intervals only with --wide
    assert "no location configured" in err and "default zone NL" in err
    assert "ALGOPRINT_LOCATION" in err and "[location] zone" in err
    assert err.count("no location configured") == 1
    rc, out, err = algoprint("show", stored.run_id, "--wide", "--lang", "nl")
    assert rc == 0, err
    assert "CO₂e, locatiegebonden" in out and "NL (standaard)" in out and "–" in out


def test_environment_and_project_file_set_the_location(
    stored: RunRecord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALGOPRINT_LOCATION", "DE")
    rc, out, err = algoprint("show", stored.run_id, "--json")
    assert rc == 0 and err == ""
    assert json.loads(out)["location"]["zone"] == "DE"
    monkeypatch.delenv("ALGOPRINT_LOCATION")
    (tmp_path / "algoprint.toml").write_text('[location]\nzone = "SE"\ncontract = "groen-gvo"\n')
    rc, out, err = algoprint("show", stored.run_id, "--json")
    doc = json.loads(out)
    assert doc["location"]["zone"] == "SE" and err == ""
    assert doc["impacts"]["co2e_market_g"]["value"] == 0  # certificate-backed contract
    rc, out, _ = algoprint("show", stored.run_id, "--json", "--location", "FR")
    assert json.loads(out)["location"]["zone"] == "FR"  # the option wins


DATACENTRE = """
[datacentres.ons-dc]
zone = "NL"
pue = 1.25
pue_basis = "annual"
wue = 0.2
ref = 0.8
renewable_pct = 80
renewable_basis = "ppa"
contract = "groen-gvo"
it_power_kw = 800
year = 2025
name = "Ons datacenter"
kind = "colocation"
eed_report_url = "https://example.org/eed-2025.pdf"
eed_report_date = 2025-06-30
evidence = [
  { url = "https://example.org/jaarverslag-2025.pdf", date = "2025-09" },
  "https://example.org/x",
]
certifications = [
  { name = "ISO 50001", url = "https://example.org/iso.pdf", date = "2024-05-01" },
  "BREEAM",
]
"""


def test_datacentre_table_with_the_dat06_keys_works_in_show(
    stored: RunRecord, tmp_path: Path
) -> None:
    (tmp_path / "algoprint.toml").write_text(DATACENTRE)
    rc, out, err = algoprint("show", stored.run_id, "--json", "--datacentre", "ons-dc")
    assert rc == 0, err
    doc = json.loads(out)
    loc = doc["location"]
    assert loc["datacentre"] == "ons-dc" and loc["pue"] == 1.25 and loc["it_power_kw"] == 800
    assert loc["eed_report_date"] == "2025-06-30"
    assert loc["evidence_dated"] == [
        {"url": "https://example.org/jaarverslag-2025.pdf", "date": "2025-09-30"},
        {"url": "https://example.org/x", "date": None},
    ]
    assert loc["certifications"] == ["ISO 50001", "BREEAM"]
    assert doc["factors"]["pue"]["value"] == 1.25
    assert doc["impacts"]["energy_facility_j"]["value"] == pytest.approx(1.25 * KWH_J)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("renewable_pct = 120", "renewable_pct"),
        ("it_power_kw = -5", "it_power_kw"),
        ('pue_basis = "yearly"', "pue_basis"),
        ('renewable_basis = "wishes"', "renewable_basis"),
        ('eed_report_date = "last summer"', "not a date"),
        ('evidence = [{ link = "https://x" }]', "evidence"),
        ('certifications = [{ name = "ISO", when = "2024" }]', "certifications"),
        ("year = 2024.5", "whole year"),
        ("colour = 1", "unknown key"),
    ],
)
def test_bad_datacentre_keys_are_one_line(
    stored: RunRecord, tmp_path: Path, line: str, says: str
) -> None:
    (tmp_path / "algoprint.toml").write_text(f'[datacentres.dc]\nzone = "NL"\n{line}\n')
    rc, out, err = algoprint("show", stored.run_id, "--datacentre", "dc")
    assert rc == 2 and out == ""
    assert says in err and "[datacentres.dc]" in err and "Traceback" not in err


def test_registered_location_of_the_algorithm_is_used(db: str, tmp_path: Path) -> None:
    open_store(db).save_run(_record("b" * 32, algorithm="churn-model"))
    rc, _, err = algoprint("algorithm", "add", "churn-model", "--location", "BE")
    assert rc == 0, err
    (tmp_path / "algoprint.toml").write_text('[location]\nzone = "NL"\n')
    rc, out, err = algoprint("show", "b" * 32, "--json")
    assert rc == 0, err
    loc = json.loads(out)["location"]
    assert loc["zone"] == "BE" and loc["sources"]["zone"] == "algorithm churn-model"
    rc, out, _ = algoprint("show", "b" * 32, "--json", "--location", "DE")
    assert json.loads(out)["location"]["zone"] == "DE"


# -- "ask once" in a terminal -----------------------------------------------------------------


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend stdin is a terminal (the seam the CLI asks through)."""
    monkeypatch.setattr(_location, "stdin_is_tty", lambda: True)


@pytest.mark.usefixtures("terminal")
def test_terminal_asks_once_and_saves_the_zone(stored: RunRecord) -> None:
    from algoprint.config import user_config_path

    rc, out, err = algoprint("show", stored.run_id, "--json", stdin="de\ny\n")
    assert rc == 0, err
    assert json.loads(out)["location"]["zone"] == "DE"
    assert err.count("In which country") == 1 and "Saved" in err
    saved = tomllib.loads(user_config_path().read_text())
    assert saved == {"location": {"zone": "DE"}}
    rc, out, err = algoprint("show", stored.run_id, "--json", stdin="")
    assert json.loads(out)["location"]["zone"] == "DE" and "In which country" not in err


@pytest.mark.usefixtures("terminal")
def test_terminal_default_and_decline_saves_nothing(stored: RunRecord) -> None:
    from algoprint.config import user_config_path

    rc, out, err = algoprint("show", stored.run_id, "--json", stdin="\nn\n")
    assert rc == 0, err
    assert json.loads(out)["location"]["zone"] == "NL"
    assert not user_config_path().exists()


@pytest.mark.usefixtures("terminal")
def test_terminal_asks_again_on_an_unknown_zone(stored: RunRecord) -> None:
    rc, out, err = algoprint("show", stored.run_id, "--json", stdin="XX\nBE\nn\n")
    assert rc == 0, err
    assert "unknown zone 'XX'" in err
    assert json.loads(out)["location"]["zone"] == "BE"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("", {"location": {"zone": "NL"}}),
        ('db = "x.sqlite"\n', {"db": "x.sqlite", "location": {"zone": "NL"}}),
        (
            '[location]\ncontract = "groen-gvo"\n\n[datacentres.a]\nzone = "SE"\n',
            {
                "location": {"zone": "NL", "contract": "groen-gvo"},
                "datacentres": {"a": {"zone": "SE"}},
            },
        ),
    ],
)
def test_save_user_zone_keeps_what_is_there(tmp_path: Path, before: str, after: object) -> None:
    path = tmp_path / "sub" / "config.toml"
    if before:
        path.parent.mkdir()
        path.write_text(before)
    _location.save_user_zone("NL", path)
    assert tomllib.loads(path.read_text()) == after


@pytest.mark.parametrize("before", ['[location]\nzone = "DE"\n', "location = {zone = 1", "x = ["])
def test_save_user_zone_refuses_what_it_cannot_edit_safely(tmp_path: Path, before: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(before)
    with pytest.raises(ConfigError):
        _location.save_user_zone("NL", path)
    assert path.read_text() == before


def test_region_without_cloud_is_an_error_not_a_default() -> None:
    with pytest.raises(Exception, match="--region needs --cloud"):
        _location.resolve_cli_location({}, region="europe-west4")
    assert _location.resolve_cli_location({}, ask=False).configured is False
    assert default_location("NL").zone == "NL"


# -- real processes -----------------------------------------------------------------------------


def _process(*args: str, db: str, stdin: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALGOPRINT_")}
    env["ALGOPRINT_DB"] = db
    return subprocess.run(
        [sys.executable, "-m", "algoprint", *args],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        stdin=stdin,
    )


def test_run_json_has_impacts_of_the_measured_energy(db: str) -> None:
    proc = _process(
        "run", "--json", "--location", "NL", "--", sys.executable, "-c", "sum(range(10**6))",
        db=db, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["impacts"]["co2e_location_g"]["value"] > 0
    assert doc["impacts"]["energy_it_j"]["value"] == pytest.approx(doc["energy_j"])
    assert doc["factor_version"] and "grid_intensity" in doc["factors"]
    assert "no location configured" not in proc.stderr


def test_run_in_a_pipe_says_which_zone_it_used(db: str) -> None:
    proc = _process("run", "--", sys.executable, "-c", "pass", db=db, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    assert "default zone NL" in proc.stderr and "--location" in proc.stderr
    assert "CO₂e, location-based" in proc.stderr and "Water" in proc.stderr


def test_run_with_a_wrong_location_fails_before_the_command(db: str, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    proc = _process(
        "run", "--location", "XX", "--", sys.executable, "-c", f"open({str(marker)!r}, 'w')",
        db=db,
    )  # fmt: skip
    assert proc.returncode == 125 and "unknown zone 'XX'" in proc.stderr
    assert "Traceback" not in proc.stderr and not marker.exists()


def test_real_terminal_is_asked_once(tmp_path: Path, db: str) -> None:
    import pty

    main_fd, child_fd = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALGOPRINT_")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "cfg")
    proc = subprocess.Popen(
        [sys.executable, "-m", "algoprint", "factors", "--json"],
        stdin=child_fd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    os.close(child_fd)
    os.write(main_fd, b"SE\ny\n")
    out, err = proc.communicate(timeout=120)
    os.close(main_fd)
    assert proc.returncode == 0, err
    assert json.loads(out)["location"]["zone"] == "SE"
    saved = (tmp_path / "cfg" / "algoprint" / "config.toml").read_text()
    assert tomllib.loads(saved) == {"location": {"zone": "SE"}}
