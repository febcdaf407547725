"""Hostile servers on loopback (issue 10, item 3): a total deadline per fetch, only http(s) redirects,
and no loopback, private or link-local address unless allow_private."""
from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest

from newstrace.ingest import netguard, read_inputs
from newstrace.model import IngestProblem
from newstrace.settings import Settings

ALLOWED = Settings(http_timeout=0.5, max_bytes=1_000_000, allow_private=True)  # deadline 1.5 s
PAGE = (b"<!doctype html><html><body><article><h1>Dock strike</h1><p>Dock workers in Velmora stopped "
        b"work on Monday, the union said, after talks on pay broke down.</p></article></body></html>")


def serve(handler, host: str = "127.0.0.1") -> tuple[str, threading.Event]:
    """A raw TCP server answering each connection with `handler(conn)` in a thread; its base URL."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    sock.listen(8)
    stop = threading.Event()

    def loop() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            threading.Thread(target=_answer, args=(handler, conn, stop), daemon=True).start()
        sock.close()

    threading.Thread(target=loop, daemon=True).start()
    return f"http://{host}:{sock.getsockname()[1]}", stop


def _answer(handler, conn: socket.socket, stop: threading.Event) -> None:
    with conn:
        try:
            conn.recv(65536)
            handler(conn, stop)
        except OSError:
            pass  # the client gave up: what these tests expect


def slow_headers(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    for k in range(40):  # one header line every 0.3 s: each read is quick, the whole never ends
        if stop.wait(0.3):
            return
        conn.sendall(f"X-Drip-{k}: 1\r\n".encode())


def slow_body(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
    for _ in range(40):
        if stop.wait(0.3):
            return
        conn.sendall(b"<p>drip</p>")


def redirect_to(location: str):
    def handler(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n".encode())
    return handler


def page(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(PAGE) + PAGE)


@pytest.fixture
def servers() -> Iterator[list]:
    stops: list[threading.Event] = []
    yield stops
    for s in stops:
        s.set()


def start(servers: list, handler, host: str = "127.0.0.1") -> str:
    url, stop = serve(handler, host)
    servers.append(stop)
    return url


def read_one(url: str, settings: Settings = ALLOWED):
    items = list(read_inputs([url], settings))
    assert len(items) == 1, items
    return items[0]


@pytest.mark.parametrize("handler", [slow_headers, slow_body], ids=["headers", "body"])
def test_a_dripping_server_hits_the_total_deadline(servers, handler):
    url = start(servers, handler)
    started = time.monotonic()
    problem = read_one(url + "/story")
    took = time.monotonic() - started
    assert isinstance(problem, IngestProblem) and problem.code == "E007", problem
    assert 1.4 < took < 3.0, took  # 3 x 0.5 s, although every single read was answered in 0.3 s


def test_a_page_on_loopback_is_refused_unless_allowed(servers):
    url = start(servers, page)
    refused = read_one(url + "/story", replace(ALLOWED, allow_private=False))
    assert isinstance(refused, IngestProblem) and refused.code == "E014"
    assert "127.0.0.1" in refused.message and "--allow-private" in refused.message
    assert refused.source == url + "/story"  # the problem names the URL given
    allowed = read_one(url + "/story")
    assert not isinstance(allowed, IngestProblem) and "Dock workers" in allowed.text


def test_localhost_by_name_is_refused(servers):
    url = start(servers, page).replace("127.0.0.1", "localhost")
    refused = read_one(url + "/story", replace(ALLOWED, allow_private=False))
    assert refused.code == "E014", refused


def test_a_redirect_into_a_private_address_is_not_followed(servers, monkeypatch):
    """127.0.0.1 stands in for a public host and 127.0.0.2 for the private one it redirects to."""
    inner = start(servers, page, "127.0.0.2")
    outer = start(servers, redirect_to(inner + "/secret"))
    monkeypatch.setattr(netguard, "is_public", lambda ip: ip == "127.0.0.1")
    problem = read_one(outer + "/story", replace(ALLOWED, allow_private=False))
    assert isinstance(problem, IngestProblem) and problem.code == "E014", problem
    assert "127.0.0.2" in problem.message


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://files.example/x", "javascript:alert(1)",
                                      "gopher://127.0.0.1:70/x"])
def test_redirects_only_to_http(servers, location):
    url = start(servers, redirect_to(location))
    problem = read_one(url + "/story")
    assert isinstance(problem, IngestProblem) and problem.code in ("E007", "E006"), problem
    assert "only http(s)" in problem.message or "not a URL" in problem.message, problem.message


@pytest.mark.parametrize("ip,public", [
    ("93.184.216.34", True), ("2606:4700::1111", True),
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.9", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("0.0.0.0", False), ("::1", False), ("fe80::1", False),
    ("fc00::1", False), ("::ffff:127.0.0.1", False), ("100.64.0.1", False), ("224.0.0.1", False),
])
def test_is_public(ip, public):
    assert netguard.is_public(ip) is public
