"""Fuzzed payloads against the upload endpoint and the query parameters of the list endpoint:
always a 4xx with a message or a 2xx, never a 5xx, and a refused request writes nothing.

Bounded (``max_examples``) so it runs in well under a minute on two cores."""

from __future__ import annotations

import json
from typing import Any

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.server.conftest import Server, build_server, make_run  # noqa: E402

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
_FIELDS = list(make_run())


def _mutated() -> Any:
    """Valid documents with one field replaced, removed or added."""
    return st.tuples(
        st.sampled_from(["replace", "remove", "add"]),
        st.sampled_from(_FIELDS),
        _JSON,
        st.text(min_size=1, max_size=12),
    )


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: Any) -> Any:
    srv = build_server(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 's.sqlite'}")
    with srv.client:
        yield srv


def _check(srv: Server, reply: Any) -> None:
    assert reply.status_code < 500, reply.text
    if reply.status_code >= 400:
        error = reply.json()["error"]
        assert error["message"], reply.text


def _stored(srv: Server) -> int:
    body = srv.client.get("/api/v1/organisation", headers=srv.a.auth("read")).json()
    return int(body["totals"]["runs"])


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=_JSON)
def test_arbitrary_json_is_refused_cleanly(fuzz_server: Server, body: Any) -> None:
    before = _stored(fuzz_server)
    text = json.dumps(body, allow_nan=True).encode()
    reply = fuzz_server.client.post(
        "/api/v1/runs",
        content=text,
        headers={**fuzz_server.a.auth("ingest"), "Content-Type": "application/json"},
    )
    _check(fuzz_server, reply)
    if reply.status_code >= 400:
        assert _stored(fuzz_server) == before


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(change=_mutated())
def test_mutated_run_documents(fuzz_server: Server, change: Any) -> None:
    how, name, value, new_key = change
    doc = make_run()
    if how == "replace":
        doc[name] = value
    elif how == "remove":
        doc.pop(name)
    else:
        doc[new_key] = value
    before = _stored(fuzz_server)
    reply = fuzz_server.client.post(
        "/api/v1/runs",
        content=json.dumps(doc, allow_nan=True).encode(),
        headers={**fuzz_server.a.auth("ingest"), "Content-Type": "application/json"},
    )
    _check(fuzz_server, reply)
    assert _stored(fuzz_server) == before + (1 if reply.status_code == 200 else 0)


_PARAM = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    params=st.dictionaries(
        st.sampled_from(
            ["algorithm", "phase", "host", "status", "since", "until", "limit", "cursor"]
        ),
        _PARAM,
        max_size=4,
    )
)
def test_list_query_parameters(fuzz_server: Server, params: dict[str, str]) -> None:
    reply = fuzz_server.client.get(
        "/api/v1/runs", params=params, headers=fuzz_server.a.auth("read")
    )
    _check(fuzz_server, reply)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    path=st.sampled_from(
        [
            "/api/v1/runs/{x}",
            "/api/v1/algorithms/{x}",
            "/api/v1/algorithms/{x}/series",
            "/api/v1/algorithms/{x}/assessments",
            "/api/v1/analyses/{x}",
            "/api/v1/exports/{x}",
            "/api/v1/reports?period={x}&format=json",
        ]
    ),
    value=st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="/?#%"),
        min_size=1,
        max_size=40,
    ),
)
def test_path_parameters(fuzz_server: Server, path: str, value: str) -> None:
    from urllib.parse import quote

    url = path.format(x=quote(value, safe=""))
    reply = fuzz_server.client.get(url, headers=fuzz_server.a.auth("admin"))
    _check(fuzz_server, reply)
