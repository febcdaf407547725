"""Ingest of WARC archives written with warcio: HTML responses become reports; truncation is reported."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newstrace.ingest import read_inputs
from newstrace.model import IngestProblem, RawReport
from newstrace.settings import Settings

PAGES = {
    "https://valley.example/floods/1": ("River Oster bursts its banks",
        "The River Oster burst its banks near Lenz on Wednesday, flooding about 300 homes, the "
        "district council said in a statement."),
    "https://valley.example/floods/2": ("Lenz flood clean-up begins",
        "Volunteers began clearing mud from streets in Lenz on Friday as the water receded, and the "
        "council said schools would reopen next week."),
}


def html(title: str, text: str) -> bytes:
    return (f"<html><head><title>{title}</title><meta name='date' content='2024-09-18'></head>"
            f"<body><article><h1>{title}</h1><p>{text}</p></article></body></html>").encode()


def write_warc(path: Path, gzip: bool = True) -> None:
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=gzip)
        writer.write_record(writer.create_warc_record(
            "https://valley.example/robots.txt", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
        for uri, (title, text) in PAGES.items():
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                uri, "response", payload=io.BytesIO(html(title, text)), http_headers=headers))
        for uri, status, ctype in (("https://valley.example/logo.png", "200 OK", "image/png"),
                                   ("https://valley.example/missing", "404 Not Found", "text/html")):
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                uri, "response", payload=io.BytesIO(b"\x89PNG" + b"\x00" * 30), http_headers=headers))


def read(path: Path, settings: Settings = Settings()) -> list:
    return list(read_inputs([str(path)], settings))


@pytest.mark.parametrize("gzip", [True, False])
def test_warc_html_responses_become_reports(tmp_path: Path, gzip: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gzip else "crawl.warc")
    write_warc(path, gzip)
    items = read(path)
    assert all(isinstance(i, RawReport) for i in items) and len(items) == 2
    for item, (uri, (title, text)) in zip(items, PAGES.items()):
        assert item.source == f"{path}#{uri}" and item.url == uri
        assert item.title == title and text[:60] in item.text
        assert item.media_type == "text/html"


def test_warc_sidecar_applies_outlet_but_not_title(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path)
    (tmp_path / "crawl.warc.gz.meta.yaml").write_text("outlet: Valley Times\ntitle: Crawl\n")
    items = read(path)
    assert [i.outlet for i in items] == ["Valley Times", "Valley Times"]
    assert [i.title for i in items] == [t for t, _ in PAGES.values()]


@pytest.mark.parametrize("gzip", [True, False])
@pytest.mark.parametrize("keep", [0.9, 0.55, 0.02])
def test_truncated_warc_gives_a_problem_not_a_crash(tmp_path: Path, gzip: bool, keep: float) -> None:
    whole = tmp_path / "whole.warc"
    write_warc(whole, gzip)
    data = whole.read_bytes()
    cut = tmp_path / ("cut.warc.gz" if gzip else "cut.warc")
    cut.write_bytes(data[:int(len(data) * keep)])
    items = read(cut)
    problems = [i for i in items if isinstance(i, IngestProblem)]
    reports = [i for i in items if isinstance(i, RawReport)]
    assert len(problems) == 1, items
    assert problems[0].code in ("E008", "E002")
    assert "truncated" in problems[0].message or "damaged" in problems[0].message \
        or "no WARC records" in problems[0].message
    assert str(cut) in problems[0].message
    assert len(reports) <= 2 and all(r.text for r in reports)


def test_truncated_copy_keeps_the_complete_records(tmp_path: Path) -> None:
    whole = tmp_path / "whole.warc.gz"
    write_warc(whole)
    data = whole.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[:-25])  # the last record (the 404 page) loses its end
    items = read(cut)
    assert [type(i).__name__ for i in items] == ["RawReport", "RawReport", "IngestProblem"]
    assert items[2].code == "E008" and "truncated" in items[2].message


def test_record_over_cap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path)
    items = read(path, Settings(max_bytes=100))
    assert [i.code for i in items] == ["E005", "E005"]
    assert items[0].source == f"{path}#https://valley.example/floods/1"


def test_wrong_content_length_is_a_problem_not_a_warning(tmp_path: Path, capfd) -> None:
    # regression (benchmarks/fuzz.py): warcio printed "WARNING: Record not followed by newline" to
    # stderr and the archive was read as if whole
    whole = tmp_path / "whole.warc"
    write_warc(whole, gzip=False)
    data = whole.read_bytes()
    at = data.index(b"Content-Length: ", data.index(b"https://valley.example/floods/1"))
    end = data.index(b"\r\n", at)
    length = int(data[at + 16:end])
    bad = tmp_path / "bad.warc"
    bad.write_bytes(data[:at + 16] + str(length - 40).encode() + data[end:])
    items = read(bad)
    problems = [i for i in items if isinstance(i, IngestProblem)]
    assert any(p.code == "E008" and "Content-Length" in p.message and str(bad) in p.message for p in problems)
    assert "WARNING" not in capfd.readouterr().err
