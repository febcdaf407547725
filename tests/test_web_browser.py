"""The workbench driven in Debian's Chromium against a real uvicorn server on loopback: log in,
open a claim, merge two entities with the form, ingest another report, see the merge survive;
and a hostile report opens no dialog anywhere."""
from __future__ import annotations

import os
import socket
import threading
import time

import pytest

import newstrace
from cdp import Browser
from conftest import ROOT
from test_brief_browser import chromium  # noqa: F401 - the shared fixture (skips without chromium)

STORY = ROOT / "tests" / "data" / "workbench"
MORE = ROOT / "tests" / "data" / "workbench_more"
HOSTILE = ROOT / "tests" / "data" / "workbench_hostile"
TOKEN = "browser-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """A real uvicorn server over a store of the invented reports; yields (base URL, workbench)."""
    import uvicorn

    from newstrace.web.app import make_app

    wb = newstrace.open(str(tmp_path / "store.db"))
    assert wb.ingest([str(STORY), str(HOSTILE)]).count("stored") == 4
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(make_app(wb, TOKEN), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", wb
    srv.should_exit = True
    thread.join(10)
    wb.close()


@pytest.fixture
def browser(chromium, tmp_path):  # noqa: F811
    b = Browser(chromium, str(tmp_path / "profile"))
    yield b
    b.close()


def test_open_a_claim_merge_two_entities_ingest_and_the_merge_survives(server, browser, tmp_path):
    base, wb = server
    browser.goto(f"{base}/login?token={TOKEN}")
    assert browser.js("document.querySelector('nav form.inline button').textContent") == "Log out"

    # open a claim from the claims list: its statements show speaker, cue and content marked
    browser.goto(f"{base}/claims?status=disputed")
    browser.click_and_wait("a.claim-link")
    assert "/claims/c" in browser.js("location.pathname")
    marks = browser.js("[...document.querySelectorAll('blockquote .mark')].map(e => e.className)")
    assert {"mark speaker", "mark cue", "mark content"} <= set(marks)
    assert browser.js("document.querySelectorAll('ul.reasons li').length") >= 1
    shots = os.environ.get("NEWSTRACE_SCREENSHOT_DIR")
    if shots:
        browser.screenshot(os.path.join(shots, "workbench-claim.png"))

    # merge the two Kesslers with the entities form
    browser.goto(f"{base}/entities?q=kessler")
    assert browser.js("document.querySelectorAll('input[name=ids]').length") == 2
    browser.js("document.querySelectorAll('input[name=ids]').forEach(box => box.checked = true);"
               "document.querySelector('input[name=note]').value = 'one union spokeswoman'")
    browser.click_and_wait("#merge-selected")
    survivor = browser.js("location.pathname")
    assert survivor.startswith("/entities/e")
    assert "one union spokeswoman" in browser.js("document.body.innerText")

    # another report arrives (ingested beside the running server); the merge holds
    assert wb.ingest([str(MORE)]).count("stored") == 1
    browser.goto(f"{base}/entities?q=kessler")
    assert browser.js("document.querySelectorAll('tbody tr').length") == 1
    browser.goto(f"{base}{survivor}")
    text = browser.js("document.body.innerText")
    assert "A. Kessler" in text and "Ana Kessler" in text and "manual" in text
    assert "nobody paid us" in text  # the new report's quote is the merged entity's

    # the decision is listed with its undo button
    browser.goto(f"{base}/decisions")
    assert browser.js("document.querySelectorAll('form[action$=\"/undo\"]').length") == 1

    browser.goto(f"{base}/claims")
    shot = tmp_path / "claims.png"
    browser.screenshot(str(shot))
    if shots:
        browser.screenshot(os.path.join(shots, "workbench-claims.png"))
    assert shot.stat().st_size > 20_000  # a real page was painted
    assert browser.dialogs() == []


def test_a_hostile_report_runs_nothing_in_the_browser(server, browser):
    base, wb = server
    hostile = next(r for r in wb.reports(per_page=200).items if r["source"].endswith("05-hostile.html"))
    browser.goto(f"{base}/login?token={TOKEN}")
    shown = ""
    for path in (f"/reports/{hostile['id']}", f"/reports/{hostile['id']}?removed=1", "/reports",
                 "/search?q=quiet", "/claims", "/entities?q=dorn"):
        browser.goto(base + path)
        # no element the payload could have injected, no javascript: link
        assert browser.js("document.querySelectorAll('script, img, iframe, object, embed').length") == 0, path
        assert browser.js("[...document.querySelectorAll('a')].filter(a => a.protocol === 'javascript:').length") == 0
        shown += browser.js("document.body.innerText")
    assert browser.dialogs() == []
    assert "<script>" in shown or "<img" in shown  # the payload is on the pages as plain text


def test_open_the_matrix_split_a_claim_and_the_split_survives_an_ingest(server, browser):
    base, wb = server
    browser.goto(f"{base}/login?token={TOKEN}")

    # the claims page is a claims x origins matrix: a column per origin, a stance in its cells
    browser.goto(f"{base}/claims")
    assert browser.js("document.querySelectorAll('th.origin a').length") >= 2
    assert browser.js("document.querySelectorAll('td.cell.denies').length") >= 1
    assert browser.js("document.querySelectorAll('td.cell.supports').length") >= 1
    browser.click_and_wait("th.origin a")  # a column header filters the claims by that origin
    assert "origin=" in browser.js("location.search")
    assert 0 < browser.js("document.querySelectorAll('a.claim-link').length") < wb.claims().total

    # split the union's two statements off the claim that holds the most
    claim = max(wb.claims(per_page=200).items, key=lambda c: len(wb.claim(c["id"])["statements"]))
    wire = sorted(s["id"] for s in wb.claim(claim["id"])["statements"] if s["outlet"] == "Northern Wire")
    assert wire
    browser.goto(f"{base}/claims/{claim['id']}")
    ticked = browser.js("[...document.querySelectorAll('article.statement')]"
                        ".filter(a => a.querySelector('.meta').textContent.includes('Northern Wire'))"
                        ".map(a => { const box = a.querySelector('input[form=split-form]'); box.checked = true;"
                        " return box.value; })")
    assert sorted(ticked) == wire
    browser.js("document.querySelector('#split-form input[name=note]').value = 'the union tells its own story'")
    browser.click_and_wait("#split-claim")
    new_claim = browser.js("location.pathname").rsplit("/", 1)[1]
    assert new_claim != claim["id"]
    shown = lambda: sorted(browser.js("[...document.querySelectorAll('article.statement')].map(a => a.id)"))  # noqa: E731
    assert shown() == wire

    # another report arrives; the split holds, and the decision is listed with its undo
    assert wb.ingest([str(MORE)]).count("stored") == 1
    browser.goto(f"{base}/claims/{new_claim}")
    assert set(wire) <= set(shown())
    browser.goto(f"{base}/claims/{claim['id']}")
    assert not set(wire) & set(shown())
    browser.goto(f"{base}/decisions")
    assert "the union tells its own story" in browser.js("document.body.innerText")
    assert browser.js("document.querySelectorAll('form[action$=\"/undo\"]').length") == 1

    # the timeline and the map answer without any script
    browser.goto(f"{base}/timeline")
    assert browser.js("document.querySelectorAll('li.day').length") >= 3
    browser.goto(f"{base}/map")
    assert browser.js("document.querySelectorAll('script').length") == 0
    assert browser.dialogs() == []
