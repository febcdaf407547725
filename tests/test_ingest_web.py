"""Ingest over HTTP against a real server on 127.0.0.1: pages, redirects, bad types, a gzip bomb, feeds."""
from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newstrace.ingest import read_inputs
from newstrace.model import IngestProblem, RawReport
from newstrace.settings import Settings


def page(title: str, body: str, date: str | None = None) -> bytes:
    meta = f'<meta property="article:published_time" content="{date}">' if date else ""
    return (f"<!doctype html><html><head><title>{title}</title>{meta}"
            "<script>window.tracker = {id: 42};</script></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>{title}</h1><p>{body}</p></article></body></html>").encode()


ROUTES: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/story/1": (200, {"Content-Type": "text/html; charset=utf-8"}, page(
        "Bridge closed in Halden", "Engineers closed the old rail bridge in Halden on Sunday after "
        "finding cracks in two of its piers, the regional transport office said.", "2024-03-10")),
    "/story/2": (200, {"Content-Type": "text/html; charset=utf-8"}, page(
        "Halden bridge repairs", "Repairs to the Halden rail bridge will take at least six weeks "
        "and cost about 4 million euros, according to the transport office.")),
    "/notes.txt": (200, {"Content-Type": "text/plain; charset=utf-8"},
                   "Halden update\nThe bridge stays shut until May, officials said.\n".encode()),
    "/photo": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
    "/old": (301, {"Location": "/story/1"}, b""),
    "/gone": (404, {"Content-Type": "text/html"}, b"<html><body>not here</body></html>"),
    "/bomb": (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"},
              gzip.compress(b"<html><body><p>" + b" " * 5_000_000 + b"</p></body></html>")),
}
RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Halden Herald</title>
<item><title>Bridge closed in Halden</title><link>{base}/story/1</link></item>
<item><title>Halden bridge repairs</title><link>{base}/story/2</link>
  <author>desk@herald.example (Jo Brandt)</author><pubDate>Tue, 12 Mar 2024 09:00:00 GMT</pubDate></item>
<item><title>A story that vanished</title><link>{base}/gone</link></item>
<item><title>An entry without a link</title></item>
<item><title>A picture</title><link>{base}/photo</link></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Halden Herald</title><id>urn:herald</id><updated>2024-03-12T09:00:00Z</updated>
<entry><title>Halden bridge repairs</title><id>urn:2</id><link href="{base}/story/2"/>
  <updated>2024-03-12T09:00:00Z</updated><author><name>Jo Brandt</name></author></entry>
<entry><title>A story that vanished</title><id>urn:3</id><link href="{base}/gone"/>
  <updated>2024-03-13T09:00:00Z</updated></entry>
</feed>"""


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        base = f"http://{self.headers['Host']}"
        if self.path == "/slow":
            time.sleep(2)
            status, headers, body = 200, {"Content-Type": "text/html"}, page("Late", "Too late.")
        elif self.path == "/feed.rss":
            status, headers, body = 200, {"Content-Type": "application/rss+xml"}, \
                RSS.format(base=base).encode()
        elif self.path == "/feed.atom":
            status, headers, body = 200, {"Content-Type": "application/atom+xml"}, \
                ATOM.format(base=base).encode()
        else:
            status, headers, body = ROUTES.get(self.path, (404, {}, b""))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client refused the body (cap reached): expected

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


SETTINGS = Settings(http_timeout=1.0, max_bytes=1_000_000, allow_private=True)  # the server is on loopback


def read(*urls: str, settings: Settings = SETTINGS, **overrides: str) -> list:
    return list(read_inputs(list(urls), settings, overrides or None))


def test_html_page_is_fetched_and_extracted(server: str) -> None:
    (r,) = read(f"{server}/story/1")
    assert isinstance(r, RawReport)
    assert r.source == f"{server}/story/1"
    assert "cracks in two of its piers" in r.text and "tracker" not in r.text
    assert (r.title, r.published, r.published_from) == ("Bridge closed in Halden", "2024-03-10", "html")
    assert r.url == f"{server}/story/1"


def test_redirect_is_followed_and_flags_apply(server: str) -> None:
    (r,) = read(f"{server}/old", outlet="Halden Herald", published="2024-03-11")
    assert r.source == f"{server}/old" and r.url == f"{server}/story/1"
    assert (r.outlet, r.published, r.published_from) == ("Halden Herald", "2024-03-11", "metadata")


def test_plain_text_url(server: str) -> None:
    (r,) = read(f"{server}/notes.txt")
    assert r.text == "Halden update\nThe bridge stays shut until May, officials said.\n"
    assert r.title == "Halden update" and r.media_type == "text/plain"


@pytest.mark.parametrize("path, code, words", [
    ("/photo", "E007", "image/png, not an HTML page"),
    ("/gone", "E007", "HTTP 404"),
    ("/bomb", "E005", "decompresses to more than the cap of 1,000,000 bytes"),
])
def test_bad_urls_give_problems(server: str, path: str, code: str, words: str) -> None:
    (p,) = read(f"{server}{path}")
    assert isinstance(p, IngestProblem) and p.code == code and p.source == f"{server}{path}"
    assert words in p.message and f"{server}{path}" in p.message


def test_gzip_bomb_body_is_small_on_the_wire(server: str) -> None:
    assert len(ROUTES["/bomb"][2]) < SETTINGS.max_bytes // 50  # the cap is hit only after inflating


def test_slow_and_unreachable_urls_time_out(server: str) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]  # closed again when the block ends: nobody listens
    fast = replace(SETTINGS, http_timeout=0.3)
    started = time.monotonic()
    slow, dead = read(f"{server}/slow", f"http://127.0.0.1:{closed_port}/story", settings=fast)
    assert time.monotonic() - started < 2.0
    assert slow.code == "E007" and "did not answer in time (0.3 s per read" in slow.message
    assert dead.code == "E007" and "unreachable" in dead.message


def test_rss_feed_entries_are_fetched_and_broken_entries_reported(server: str) -> None:
    items = read(f"{server}/feed.rss")
    feed = f"{server}/feed.rss"
    assert [type(i).__name__ for i in items] == ["RawReport", "RawReport", "IngestProblem",
                                                 "IngestProblem", "IngestProblem"]
    first, second, gone, no_link, photo = items
    assert first.source == f"{feed}#{server}/story/1" and first.published == "2024-03-10"
    assert first.outlet == "Halden Herald"  # the feed title: the page named no site
    assert "six weeks" in second.text
    assert (second.published, second.published_from) == ("2024-03-12", "metadata")  # from the entry
    assert second.author and "Jo Brandt" in second.author
    assert gone.code == "E007" and "HTTP 404" in gone.message
    assert no_link.code == "E008" and no_link.source == f"{feed}#entry-4" and "no link" in no_link.message
    assert photo.code == "E007" and "image/png" in photo.message


def test_atom_feed(server: str) -> None:
    report, gone = read(f"{server}/feed.atom")
    assert isinstance(report, RawReport) and report.author == "Jo Brandt"
    assert report.published == "2024-03-12" and report.title == "Halden bridge repairs"
    assert isinstance(gone, IngestProblem) and gone.source == f"{server}/feed.atom#{server}/gone"


def test_one_bad_url_does_not_stop_the_batch(server: str) -> None:
    items = read(f"{server}/gone", f"{server}/story/2")
    assert [type(i).__name__ for i in items] == ["IngestProblem", "RawReport"]
