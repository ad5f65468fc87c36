"""Organisation goals: yearly totals, the indicative 2030 trajectory, DCiE share, ADPe."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from algoprint.errors import InputError
from algoprint.impact.embodied import EmbodiedImpacts, HardwareShare
from algoprint.impact.uncertainty import Interval
from algoprint.kader.goals import algorithm_footprint, organisation_summary, trajectory
from algoprint.store import Store
from algoprint.tracking.record import RunRecord
from tests.register._fixtures import NOW, register, run, store_fixture  # noqa: F401

DC_EXTRA = {"datacentres": {"groen-dc": {"zone": "NL", "pue": 1.25, "ref": 0.9}}}
KWH = 3.6e6


def _at(run_id: str, year: int, **changes: object) -> RunRecord:
    started = datetime(year, 3, 1, tzinfo=UTC).isoformat()
    return run(run_id, started_at=started, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2023, None), (2024, 100.0), (2027, 50.0), (2030, 0.0), (2031, 0.0)],
)
def test_trajectory_line(year: int, expected: float | None) -> None:
    assert trajectory(2024, 100.0, year) == expected


def test_yearly_totals_trajectory_and_defaults(store: Store) -> None:
    register(store, datacentre="groen-dc", organisation="BZK", settings_extra=DC_EXTRA)
    store.save_run(_at("a1", 2024, energy_j=2 * KWH))
    store.save_run(_at("a2", 2025, energy_j=1 * KWH))
    store.save_run(_at("gap", 2025, energy_j=None))
    store.save_run(_at("loose", 2025, algorithm="unregistered", energy_j=1 * KWH))
    summary = organisation_summary(store, settings_extra=DC_EXTRA, now=NOW)
    y24, y25 = summary.years
    assert (y24.year, y24.partial, y25.partial) == (2024, False, True)
    assert y24.energy_it_j == 2 * KWH and y25.energy_it_j == 2 * KWH
    assert y25.runs == 3 and y25.runs_without_energy == 1
    assert y24.energy_facility_j == pytest.approx(2 * KWH * 1.25)
    assert summary.base_year == 2024 and summary.base_co2e_location_g == y24.co2e_location_g
    base, now_g, target = y24.co2e_location_g, y25.co2e_location_g, y25.trajectory_co2e_g
    assert base is not None and now_g is not None and target is not None
    assert y24.trajectory_co2e_g == pytest.approx(base)
    assert target == pytest.approx(base * 5 / 6)
    assert y25.on_track is (now_g <= target)
    # the unregistered run used the default location, and the summary says so
    assert summary.runs_without_location == 1 and summary.runs_without_location_ids == ("loose",)
    assert "NL" in summary.default_location
    assert y24.dcie_ok_share == 1.0
    assert y25.dcie_ok_energy_j == KWH and y25.dcie_unknown_energy_j == KWH
    assert summary.adpe_note is not None and "not available" in summary.adpe_note
    assert y24.embodied_adpe_g_sbeq is None
    assert "2030" in summary.trajectory_method
    assert summary.to_dict()["years"][0]["dcie_ok_share"] == 1.0


def test_year_and_organisation_filters(store: Store) -> None:
    register(store, organisation="BZK", zone="NL")
    register(store, "other", organisation="IenW", zone="NL")
    store.save_run(_at("a1", 2024))
    store.save_run(_at("b1", 2024, algorithm="other"))
    store.save_run(_at("a2", 2025))
    only = organisation_summary(store, organisation="BZK", year=2025, now=NOW)
    assert [y.year for y in only.years] == [2025] and only.base_year == 2024
    assert only.years[0].runs == 1
    with pytest.raises(InputError, match="no registered algorithm"):
        organisation_summary(store, organisation="Nobody")


def test_adpe_with_hardware_described(store: Store) -> None:
    register(store, zone="NL")
    store.save_run(_at("a1", 2024))
    store.save_run(_at("a2", 2024))
    machine = EmbodiedImpacts(
        gwp_g=Interval(1e6, 8e5, 1.2e6),
        adpe_g_sbeq=Interval(0.5, 0.4, 0.6),
        pe_j=None,
        sources=("test server",),
        origin="test",
    )
    share = HardwareShare(machine, lifetime_s=4 * 365 * 86400.0)

    def only_a1(r: RunRecord) -> HardwareShare | None:
        return share if r.run_id == "a1" else None

    partial = organisation_summary(store, hardware_for=only_a1, now=NOW)
    assert partial.adpe_note == "partial: 1 of 2 runs had hardware described"
    (y,) = partial.years
    assert y.adpe_runs == 1
    assert y.embodied_adpe_g_sbeq == pytest.approx(0.5 * 60 / (4 * 365 * 86400.0))
    full = organisation_summary(store, hardware_for=lambda r: share, now=NOW)
    assert full.adpe_note is None and full.years[0].adpe_runs == 2


def test_algorithm_footprint(store: Store) -> None:
    register(store, zone="NL", contract="groen-gvo")
    store.save_run(_at("t", 2024, phase="training", energy_j=3 * KWH))
    store.save_run(_at("u", 2024, phase="inference", energy_j=1 * KWH))
    store.save_run(_at("old", 2023, phase="inference", energy_j=9 * KWH))
    fp = algorithm_footprint(store, "churn", now=NOW)
    assert fp.year == 2024 and fp.runs == 2 and not fp.partial
    assert fp.energy_by_phase_j == {"training": 3 * KWH, "use": 1 * KWH}
    assert fp.co2e_location_g is not None and fp.co2e_location_g > 0
    assert fp.co2e_market_g == 0.0
    assert fp.uncertainty_rel == pytest.approx(0.1)
    assert not fp.used_default_location
