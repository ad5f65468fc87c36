"""RunRecord.to_dict/to_json: the run document, field by field, and the record classes."""

from __future__ import annotations

import copy
import json
import pickle

import pytest

from algoprint.tracking.record import (
    ComponentRecord,
    Degradation,
    PhaseRecord,
    RunRecord,
    RunStatus,
)


def _rich_record() -> RunRecord:
    comp = ComponentRecord("cpu", "rapl:0", 12.5, "measured", 0.05, 3.25, "a note")
    return RunRecord(
        run_id="ab" * 16,
        algorithm="alg",
        phase="training",
        status=RunStatus.INTERRUPTED,
        started_at="2026-12-01T00:00:00.000+00:00",
        scope="process",
        ended_at="2026-12-01T00:00:05.000+00:00",
        duration_s=5.0,
        exit_code=130,
        energy_j=12.5,
        components=[comp, ComponentRecord("memory", "model", None, "modelled", 0.3)],
        phases=[PhaseRecord("load", "t0", None, 1.0, 2.0, 3.0, None, [comp], 2)],
        degradations=[Degradation(source="store", message="m", hint="h", kind="fallback")],
        meters=[{"name": "rapl", "status": "ok", "domains": ["cpu", ("dram", 1)], "n": {"x": 1}}],
        host={"hostname": "h", "vcpus_available": 2.0, "cpu_model": None},
        command=["python", "x.py"],
        pid=42,
        units=3.0,
        tags={"team": "a"},
        checkpoint_at="t1",
    )


_COMP = {
    "domain": "cpu",
    "device": "rapl:0",
    "energy_j": 12.5,
    "method": "measured",
    "uncertainty_rel": 0.05,
    "process_energy_j": 3.25,
    "note": "a note",
}
_EXPECTED = {
    "run_id": "ab" * 16,
    "algorithm": "alg",
    "phase": "training",
    "status": "interrupted",
    "started_at": "2026-12-01T00:00:00.000+00:00",
    "scope": "process",
    "ended_at": "2026-12-01T00:00:05.000+00:00",
    "duration_s": 5.0,
    "exit_code": 130,
    "energy_j": 12.5,
    "machine_energy_j": None,
    "process_energy_j": None,
    "measured_energy_j": 0.0,
    "uncertainty_rel": None,
    "components": [
        _COMP,
        {
            "domain": "memory",
            "device": "model",
            "energy_j": None,
            "method": "modelled",
            "uncertainty_rel": 0.3,
            "process_energy_j": None,
            "note": None,
        },
    ],
    "phases": [
        {
            "name": "load",
            "started_at": "t0",
            "ended_at": None,
            "duration_s": 1.0,
            "energy_j": 2.0,
            "machine_energy_j": 3.0,
            "process_energy_j": None,
            "components": [_COMP],
            "count": 2,
        }
    ],
    "degradations": [{"source": "store", "message": "m", "hint": "h", "kind": "fallback"}],
    "meters": [{"name": "rapl", "status": "ok", "domains": ["cpu", ("dram", 1)], "n": {"x": 1}}],
    "host": {"hostname": "h", "vcpus_available": 2.0, "cpu_model": None},
    "command": ["python", "x.py"],
    "pid": 42,
    "units": 3.0,
    "tags": {"team": "a"},
    "checkpoint_at": "t1",
    "schema_version": "1.0",
}


def test_to_dict_gives_every_field_in_order_and_copies_nested_values() -> None:
    record = _rich_record()
    got = record.to_dict()
    assert got == _EXPECTED
    assert list(got) == list(_EXPECTED)  # the documented key order
    assert json.dumps(got) == json.dumps(_EXPECTED)
    got["meters"][0]["n"]["x"] = 2  # a copy, as asdict makes: the record is not changed
    got["components"].clear()
    assert record.meters[0]["n"]["x"] == 1
    assert len(record.components) == 2


def test_to_dict_leaves_out_empty_phases_and_round_trips() -> None:
    record = _rich_record()
    record.phases = []
    data = record.to_dict()
    assert "phases" not in data
    assert RunRecord.from_dict(data) == record


def test_to_json_gives_the_bytes_of_to_dict() -> None:
    record = _rich_record()
    for phases in (record.phases, []):  # with phases, and without (no "phases" key)
        record.phases = phases
        expected = json.dumps(record.to_dict(), separators=(",", ":")).encode()
        assert record.to_json() == expected
    record.tags = {"non-ascii": "één €"}
    assert record.to_json() == json.dumps(record.to_dict(), separators=(",", ":")).encode()
    assert json.loads(record.to_json())["tags"] == record.tags


def test_to_json_refuses_what_json_cannot_encode() -> None:
    record = _rich_record()
    record.host = {"when": object()}
    try:
        record.to_json()
    except TypeError as e:
        assert "not JSON serializable" in str(e)
    else:
        raise AssertionError("an object in the host info must not be written silently")


def test_records_compare_copy_pickle_and_replace_like_dataclasses() -> None:
    record = _rich_record()
    assert record == _rich_record()
    assert record != _rich_record().replace(pid=43)
    for clone in (copy.deepcopy(record), pickle.loads(pickle.dumps(record))):
        assert clone == record
        assert clone.components is not record.components
    changed = record.replace(status=RunStatus.COMPLETED, exit_code=0)
    assert (changed.status, changed.exit_code, changed.run_id) == ("completed", 0, record.run_id)
    assert record.status is RunStatus.INTERRUPTED  # the original is unchanged
    with pytest.raises(TypeError, match="no field colour"):
        record.replace(colour="red")
    with pytest.raises(TypeError, match="unhashable"):
        hash(record)
    assert repr(Degradation("s", "m")) == (
        "Degradation(source='s', message='m', hint=None, kind='fault')"
    )
    with pytest.raises(AttributeError):
        record.colour = "red"  # type: ignore[attr-defined]  # slotted: no stray attributes
    # Defaults are fresh per instance, as a dataclass's default_factory gives them.
    a = RunRecord("a", None, None, RunStatus.RUNNING, "t", "machine")
    b = RunRecord("b", None, None, RunStatus.RUNNING, "t", "machine")
    a.tags["x"] = "1"
    assert b.tags == {}
