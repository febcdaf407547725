"""The web workbench in process (FastAPI TestClient) on a real SQLite store of invented reports:
every page and API call answers, pages paginate, writes need the token, forms need CSRF, and a
hostile report's payloads reach no page live."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

import newstrace
from conftest import ROOT
from newstrace.web.app import make_app
from newstrace.web.security import CSP, is_loopback

STORY = ROOT / "tests" / "data" / "workbench"
HOSTILE = ROOT / "tests" / "data" / "workbench_hostile"
TOKEN = "test-token-123"


@pytest.fixture(scope="module")
def built_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("web") / "base.db"
    with newstrace.open(str(path)) as wb:
        assert wb.ingest([str(STORY), str(HOSTILE)]).count("stored") == 4
    return path


@pytest.fixture
def wb(built_store, tmp_path):
    path = tmp_path / "store.db"
    shutil.copy(built_store, path)
    with newstrace.open(str(path)) as bench:
        yield bench


@pytest.fixture
def client(wb):
    return TestClient(make_app(wb, TOKEN))


def logged_in(client) -> str:
    """Log the client in; returns the CSRF token the pages carry."""
    assert client.post("/login", data={"token": TOKEN}, follow_redirects=False).status_code == 303
    page = client.get("/decisions").text
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)


def page_urls(wb) -> list[str]:
    claim, entity, report = wb.claims().items[0]["id"], wb.entities().items[0]["id"], wb.reports().items[0]["id"]
    return ["/", "/claims", "/claims?status=disputed", "/claims?outlet=Velmora+Courier", f"/claims/{claim}",
            "/reports", f"/reports/{report}", f"/reports/{report}?removed=1", "/entities", "/entities?q=kessler",
            f"/entities/{entity}", "/search?q=inspectors", "/search?q=", "/decisions", "/login",
            "/api/overview", "/api/claims", f"/api/claims/{claim}", "/api/entities", f"/api/entities/{entity}",
            "/api/statements", f"/api/statements?claim={claim}", "/api/reports", f"/api/reports/{report}",
            "/api/search?q=ships", "/api/decisions", "/openapi.json", "/static/style.css",
            "/?since=2026-03-04", "/claims?origin=e1", "/claims?since=2026-03-04&until=2026-03-06", "/timeline",
            "/timeline?since=2026-03-04&until=2026-03-05", "/map", f"/map?claim={claim}", "/map?status=disputed",
            "/api/overview?since=2026-03-01", "/api/claims/matrix", "/api/claims?origin=e1&since=2026-03-01",
            "/api/timeline", "/api/places", f"/api/places?claim={claim}"]


def test_every_page_and_api_call_answers_with_security_headers(client, wb):
    for url in page_urls(wb):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-security-policy"] == CSP
        assert response.headers["x-content-type-options"] == "nosniff"
    spec = client.get("/openapi.json").json()
    assert {"/api/claims", "/api/claims/{claim_id}", "/api/entities", "/api/statements", "/api/reports",
            "/api/search", "/api/entities/merge", "/api/claims/matrix", "/api/timeline", "/api/places",
            "/api/claims/{claim_id}/split"} <= set(spec["paths"])


def test_lists_paginate(client, wb):
    total = wb.claims().total
    first = client.get("/api/claims?per_page=2").json()
    second = client.get("/api/claims?per_page=2&page=2").json()
    assert first["total"] == total and first["pages"] == -(-total // 2) and len(first["items"]) == 2
    assert {c["id"] for c in first["items"]}.isdisjoint(c["id"] for c in second["items"])
    assert client.get("/api/claims?per_page=5000").status_code == 422  # at most 200 a page
    page = client.get("/entities?page=1").text
    assert "in all" in page or "page 1 of" in page


def test_unknown_ids_answer_404_and_bad_ids_400(client):
    assert client.get("/api/claims/c99999").json()["error"]["code"] == "E060"
    assert client.get("/api/claims/c99999").status_code == 404
    assert client.get("/claims/c99999").status_code == 404
    assert client.get("/api/entities/nonsense").status_code == 400


def test_merge_by_api_needs_the_token_and_is_listed_and_undone(client, wb):
    ids = [e["id"] for e in wb.entities(q="kessler").items]
    assert len(ids) == 2
    body = {"ids": ids, "note": "one spokeswoman"}
    assert client.post("/api/entities/merge", json=body).status_code == 401
    assert client.post("/api/entities/merge", json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    made = client.post("/api/entities/merge", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert made.status_code == 201 and made.json()["kind"] == "merge_entities"
    assert [e["id"] for e in client.get("/api/entities?q=kessler").json()["items"]] == ids[:1]
    listed = client.get("/api/decisions").json()["items"]
    assert [(d["id"], d["note"], d["active"]) for d in listed] == [(made.json()["id"], "one spokeswoman", True)]
    undone = client.post(f"/api/decisions/{made.json()['id']}/undo", headers={"Authorization": f"Bearer {TOKEN}"})
    assert undone.status_code == 200 and not undone.json()["active"]
    assert len(client.get("/api/entities?q=kessler").json()["items"]) == 2
    bad = client.post("/api/entities/merge", json={"ids": ids[:1]}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert bad.status_code == 422  # fewer than two ids never reaches the store


def test_forms_need_a_session_and_its_csrf_token(client, wb):
    claim = wb.claims().items[0]["id"]
    form = {"status": "corroborated", "note": "records seen"}
    assert client.post(f"/claims/{claim}/status", data=form).status_code == 403  # not logged in
    assert client.post("/login", data={"token": "wrong"}).status_code == 403
    csrf = logged_in(client)
    assert client.post(f"/claims/{claim}/status", data=form).status_code == 403  # no CSRF token
    assert client.post(f"/claims/{claim}/status", data={**form, "csrf": "0" * 64}).status_code == 403
    foreign = client.post(f"/claims/{claim}/status", data={**form, "csrf": csrf},
                          headers={"Origin": "https://elsewhere.example"})
    assert foreign.status_code == 403
    ok = client.post(f"/claims/{claim}/status", data={**form, "csrf": csrf}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == f"/claims/{claim}"
    assert wb.claim(claim)["status"] == "corroborated"
    page = client.get(f"/claims/{claim}").text
    assert "set by hand to corroborated by web: records seen" in page


def test_merge_form_from_the_entities_page(client, wb):
    csrf = logged_in(client)
    ids = [e["id"] for e in wb.entities(q="kessler").items]
    done = client.post("/entities/merge", data={"ids": ids, "note": "same person", "csrf": csrf},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/entities/{ids[0]}"
    page = client.get(f"/entities/{ids[0]}").text
    assert "same person" in page and "manual" in page
    assert re.search(r'<form method="post" action="/decisions/\d+/undo">', client.get("/decisions").text)


def test_reads_need_the_token_beyond_loopback(wb):
    client = TestClient(make_app(wb, TOKEN, private_reads=True))
    assert client.get("/api/claims").status_code == 401
    assert client.get("/openapi.json").status_code == 401
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    assert client.get("/api/claims", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    logged_in(client)
    assert client.get("/claims").status_code == 200
    assert is_loopback("127.0.0.1") and is_loopback("::1") and not is_loopback("0.0.0.0")


class LiveMarkup(HTMLParser):
    """What a browser would run or load from a page: script, frames, images, event handlers,
    javascript: links (the workbench's own templates use none of them)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "svg" and ("class", "placemap") in attrs:
            return  # the map page's own drawing (report/svgmap.py escapes every name in it)
        if tag in ("script", "iframe", "img", "object", "embed", "svg", "b"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(("javascript:", "data:")):
                self.found.append(f"{tag} {name}={value}")


def live_markup(page: str) -> list[str]:
    parser = LiveMarkup()
    parser.feed(page)
    return parser.found


def test_a_hostile_report_reaches_no_page_live(client, wb):
    hostile = next(r for r in wb.reports(per_page=200).items if r["source"].endswith("05-hostile.html"))
    assert hostile["url"] is None  # its javascript: URL is never offered as a link
    urls = [f"/reports/{hostile['id']}", f"/reports/{hostile['id']}?removed=1", "/reports", "/claims",
            "/search?q=quiet", "/search?q=script", "/entities?q=dorn", "/", "/?since=2020-01-01",
            f"/claims?outlet={hostile['outlet']}", "/timeline", "/map"]
    claims = {s["claim"] for s in wb.statements(report=hostile["id"], per_page=200).items if s["claim"]}
    urls += [f"/claims/{c}" for c in claims] + [f"/map?claim={c}" for c in claims]
    urls += [f"/entities/{e['id']}" for e in wb.entities(q="dorn").items]
    shown = 0
    for url in urls:
        page = client.get(url).text
        assert live_markup(page) == [], url
        shown += page.count("&lt;script&gt;") + page.count("&lt;img")
    assert shown > 0  # the payload text is shown, escaped, not dropped silently
    api = client.get(f"/api/reports/{hostile['id']}").json()
    assert api["url"] is None


def test_bad_dates_answer_400_naming_the_parameter(client):
    for url in ("/?since=2026-13-01", "/claims?until=tomorrow", "/timeline?since=2026-02-30"):
        page = client.get(url)
        assert page.status_code == 400, url
        assert "E041" in page.text and "YYYY-MM-DD" in page.text
    for url in ("/api/overview?since=x", "/api/claims?since=03/04/2026", "/api/timeline?until=2026-1-1"):
        body = client.get(url)
        assert body.status_code == 400 and body.json()["error"]["code"] == "E041", url
        assert "is not a date; give YYYY-MM-DD" in body.json()["error"]["message"]


def test_claims_page_is_a_claims_by_origins_matrix_with_filters(client, wb):
    matrix = client.get("/api/claims/matrix?per_page=200").json()
    page = client.get("/claims").text
    assert page.count('class="claim-link"') == len(matrix["rows"]) == matrix["page"]["total"]
    for column in matrix["columns"]:
        assert f'href="/claims?origin={column["id"]}"' in page
    cells = [c for r in matrix["rows"] for c in r["cells"] if c]
    for word in set(cells):
        assert page.count(f'<td class="cell {word}"') == cells.count(word)
    origin = matrix["columns"][0]["id"]
    filtered = client.get(f"/claims?origin={origin}").text
    assert filtered.count('class="claim-link"') == wb.claims(origin=origin).total < len(matrix["rows"])
    for name in ("origin", "since", "until", "status", "outlet"):
        assert f'name="{name}"' in page
    overview = client.get("/?since=2026-03-05").text
    assert "Reports since 2026-03-05 (2)" in overview and "Claims first reported since 2026-03-05" in overview


def test_split_a_claim_by_api_and_by_form(client, wb):
    claim = max(wb.claims(per_page=200).items, key=lambda c: len(wb.claim(c["id"])["statements"]))
    ids = [s["id"] for s in wb.claim(claim["id"])["statements"]]
    body = {"statements": ids[-1:], "note": "another event"}
    assert client.post(f"/api/claims/{claim['id']}/split", json=body).status_code == 401
    made = client.post(f"/api/claims/{claim['id']}/split", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert made.status_code == 201 and made.json()["kind"] == "split_claim"
    new = made.json()["payload"]["new_claim"]
    assert [s["id"] for s in client.get(f"/api/claims/{new}").json()["statements"]] == ids[-1:]
    everything = client.post(f"/api/claims/{claim['id']}/split", json={"statements": ids[:-1]},
                             headers={"Authorization": f"Bearer {TOKEN}"})
    assert everything.status_code == 400 and "at least one statement" in everything.json()["error"]["message"]

    csrf = logged_in(client)
    page = client.get(f"/claims/{claim['id']}").text
    assert 'id="split-form"' in page and page.count('form="split-form"') == len(ids) - 1
    form = {"statements": ids[:1], "note": "a separate account", "summary": "", "csrf": csrf}
    assert client.post(f"/claims/{claim['id']}/split", data={**form, "csrf": ""}).status_code == 403
    done = client.post(f"/claims/{claim['id']}/split", data=form, follow_redirects=False)
    assert done.status_code == 303
    second = done.headers["location"].rsplit("/", 1)[1]
    assert [s["id"] for s in wb.claim(second)["statements"]] == ids[:1]
    assert "a separate account" in client.get("/decisions").text


def test_claim_page_shows_figures_and_nearest_claims_and_the_report_its_copies(client, wb):
    claims = [wb.claim(c["id"]) for c in wb.claims(per_page=200).items]
    counted = next(c for c in claims if c["figures"]["figures"])
    page = client.get(f"/claims/{counted['id']}").text
    figure = counted["figures"]["figures"][0]
    assert "Figures (" in page and figure["text"] in page and f"<td>{figure['amount']}</td>" in page
    assert "built-in method" not in page and ("(copy)" in page) == figure["copy"]
    alleged = next(c for c in claims if c["nearest"])
    page = client.get(f"/claims/{alleged['id']}").text
    assert "Claims it may belong with" in page and f'href="/claims/{alleged["nearest"][0]["id"]}"' in page
    report = wb.reports().items[0]["id"]
    assert "Copies and relays" in client.get(f"/reports/{report}").text
    assert "raw characters" in client.get(f"/reports/{report}?removed=1").text or \
        not wb.report(report, removed=True)["removed"]


def _serve(db: str, host: str, env: dict) -> tuple[subprocess.Popen, int, str]:
    """`newstrace serve` as a user runs it; returns (process, port, the token it printed)."""
    port = free_port()
    exe = Path(sys.executable).with_name("newstrace")
    proc = subprocess.Popen([str(exe), "--db", db, "serve", "--host", host, "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    token = ""
    deadline = time.monotonic() + 60
    for line in proc.stdout:
        if line.startswith("token (generated): "):
            token = line.split(": ", 1)[1].strip()
        if token or time.monotonic() > deadline:
            break
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.2)
    return proc, port, token


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("host, reads_open", [("127.0.0.1", True), ("0.0.0.0", False)])
def test_serve_prints_a_generated_token_and_guards_beyond_loopback(built_store, tmp_path, host, reads_open):
    db = tmp_path / "served.db"
    shutil.copy(built_store, db)
    env = {k: v for k, v in os.environ.items() if k != "NEWSTRACE_TOKEN"}
    proc, port, token = _serve(str(db), host, env)
    try:
        assert len(token) >= 20
        base = f"http://127.0.0.1:{port}"
        assert (httpx.get(f"{base}/api/claims").status_code == 200) is reads_open
        auth = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{base}/api/claims", headers=auth).status_code == 200
        ids = [e["id"] for e in httpx.get(f"{base}/api/entities?q=kessler", headers=auth).json()["items"]]
        assert httpx.post(f"{base}/api/entities/merge", json={"ids": ids}).status_code == 401
        assert httpx.post(f"{base}/api/entities/merge", json={"ids": ids}, headers=auth).status_code == 201
    finally:
        proc.terminate()
        proc.wait(10)
