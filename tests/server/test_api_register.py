"""The register, the seven measures, analyses, reports and exports through the API: the same
kader/report/export code as the CLI, on the organisation's own store."""

from __future__ import annotations

from tests.server.conftest import Server, make_run


def test_register_measures_report_and_exports(server: Server) -> None:
    c, a = server.client, server.a
    reply = c.post(
        "/api/v1/algorithms",
        json={"slug": "toeslagen-risico", "name": "Toeslagen risico", "zone": "NL"},
        headers=a.auth("admin"),
    )
    assert reply.status_code == 201, reply.text
    assert reply.json()["organisation"] == "org-a"
    dup = c.post(
        "/api/v1/algorithms",
        json={"slug": "toeslagen-risico", "name": "x"},
        headers=a.auth("admin"),
    )
    assert dup.status_code == 422
    bad = c.post(
        "/api/v1/algorithms", json={"slug": "Bad Slug", "name": "x"}, headers=a.auth("admin")
    )
    assert bad.status_code == 422
    runs = [make_run(algorithm="toeslagen-risico", phase=p) for p in ("training", "inference")]
    assert c.post("/api/v1/runs", json=runs, headers=a.auth("ingest")).status_code == 200
    alg = c.get("/api/v1/algorithms/toeslagen-risico", headers=a.auth("read")).json()
    assert alg["totals"]["training"]["runs"] == 1 and alg["totals"]["use"]["runs"] == 1
    series = c.get("/api/v1/algorithms/toeslagen-risico/series", headers=a.auth("read")).json()
    assert {item["phase"] for item in series["items"]} == {"training", "inference"}

    changed = c.put(
        "/api/v1/algorithms/toeslagen-risico/assessments/mon-06",
        json={"state": "in-uitvoering", "note": "meting loopt", "links": ["https://example.nl/m"]},
        headers=a.auth("admin"),
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["updated_by"].startswith("token:")
    refused = c.put(
        "/api/v1/algorithms/toeslagen-risico/assessments/mon-06",
        json={"state": "bestaat-niet"},
        headers=a.auth("admin"),
    )
    assert refused.status_code == 422
    board = c.get("/api/v1/algorithms/toeslagen-risico/assessments", headers=a.auth("read"))
    states = {item["measure"]: item["state"] for item in board.json()["items"]}
    assert len(states) == 7 and states["mon-06"] == "in-uitvoering"
    history = c.get(
        "/api/v1/algorithms/toeslagen-risico/assessments/mon-06/history", headers=a.auth("read")
    ).json()["items"]
    assert history[-1]["new_state"] == "in-uitvoering"

    html = c.get(
        "/api/v1/reports?algorithm=toeslagen-risico&format=html&lang=en", headers=a.auth("read")
    )
    assert html.status_code == 200, html.text[:300]
    assert html.headers["content-type"].startswith("text/html")
    assert "toeslagen-risico" in html.text
    pdf = c.get("/api/v1/reports?algorithm=toeslagen-risico&format=pdf", headers=a.auth("read"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    csv = c.get("/api/v1/exports/runs.csv?algorithm=toeslagen-risico", headers=a.auth("read"))
    assert csv.status_code == 200 and csv.text.count("toeslagen-risico") == 2
    amt = c.get("/api/v1/exports/amt.json?algorithm=toeslagen-risico", headers=a.auth("read"))
    assert amt.status_code == 200 and "toeslagen-risico" in amt.text
    assert c.get("/api/v1/analyses", headers=a.auth("read")).json() == {"items": []}
    missing = c.get("/api/v1/algorithms/bestaat-niet", headers=a.auth("read"))
    assert missing.status_code == 404
