"""RunRecord.to_dict: the fast conversion gives exactly what dataclasses.asdict gives."""

from __future__ import annotations

import dataclasses
import json

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


def test_to_dict_equals_asdict_and_copies_nested_values() -> None:
    record = _rich_record()
    expected = dataclasses.asdict(record)
    expected["status"] = record.status.value
    got = record.to_dict()
    assert got == expected
    assert json.dumps(got) == json.dumps(expected)  # same key order, same JSON
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
