"""Every bad input, end to end through the CLI against SQLite and PostgreSQL.

Each gets a message naming the input and the problem (with its error code), a non-zero exit when
nothing could be ingested, a stored problem row, and no partial report rows.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from newstrace.cli import app
from newstrace.store.db import Database
from newstrace.store.schema import DocumentRow, MentionRow, ProblemRow, StatementRow
from test_ingest_warc import write_warc
from test_ingest_web import server  # noqa: F401 - a real HTTP server on 127.0.0.1 (fixture)

runner = CliRunner()


def ingest(db: str, *args: str):
    # --allow-private: the test servers are on loopback, which newstrace refuses to fetch by default
    return runner.invoke(app, ["--db", db, "--allow-private", "ingest", *args], catch_exceptions=False)


def counts(db: str) -> tuple[int, int, int, int]:
    with Database(db).session() as s:
        return tuple(s.scalar(select(func.count()).select_from(t))
                     for t in (DocumentRow, StatementRow, MentionRow, ProblemRow))  # type: ignore[return-value]


def bad_file(tmp: Path, kind: str) -> tuple[list[str], str]:
    """Build one bad input; returns (CLI arguments, the error code expected)."""
    path = tmp / f"{kind}.txt"
    if kind == "empty":
        path.write_text("")
        return [str(path)], "E002"
    if kind == "binary":
        path.write_bytes(bytes(range(256)) * 40)
        return [str(path)], "E003"
    if kind == "invalid_utf8":
        path.write_bytes("Port news\nThe harbour reopened, officials said.\n".encode() + b"\xc3\x28 tail\n")
        return [str(path)], "E004"
    if kind == "too_large":
        with open(path, "wb") as f:  # a sparse 200 MB file: refused above the 50 MB default cap
            f.truncate(200 * 1024 * 1024)
        return [str(path)], "E005"
    if kind == "bad_metadata_date":
        path.write_text("Ferry talks\nThe ferry operator said talks would resume in June.\n")
        (tmp / "metadata.yaml").write_text(f"{path.name}: {{outlet: Quay Times, published: 2024-13-45}}\n")
        return [str(path)], "E009"
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["empty", "binary", "invalid_utf8", "too_large", "bad_metadata_date"])
def test_bad_file(db_url, tmp_path, kind):
    args, code = bad_file(tmp_path, kind)
    result = ingest(db_url, *args)
    assert result.exit_code == 4, result.output
    assert Path(args[0]).name in result.output and code in result.output
    assert counts(db_url) == (0, 0, 0, 1)


def test_gzip_bomb_over_http_is_refused(db_url, server):  # noqa: F811
    result = runner.invoke(app, ["--db", db_url, "--allow-private", "--max-bytes", "1000000", "ingest",
                                 f"{server}/bomb"])
    assert result.exit_code == 4 and "/bomb" in result.output and "E005" in result.output
    assert counts(db_url)[:3] == (0, 0, 0)


def test_unreachable_url(db_url):
    result = ingest(db_url, "http://127.0.0.1:9/nothing-listens-here")
    assert result.exit_code == 4 and "127.0.0.1:9" in result.output and "E007" in result.output
    assert counts(db_url)[:3] == (0, 0, 0)


def test_feed_with_broken_entries_stores_the_good_ones(db_url, server):  # noqa: F811
    result = ingest(db_url, f"{server}/feed.rss", "--json")
    assert result.exit_code == 0
    docs, statements, _mentions, problems = counts(db_url)
    assert docs == 2 and statements >= 1 and problems >= 2  # the vanished page, the entry without a link...
    assert "/gone" in result.output


def test_truncated_warc_keeps_complete_records(db_url, tmp_path):
    whole = tmp_path / "crawl.warc.gz"
    write_warc(whole)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole.read_bytes()[: int(whole.stat().st_size * 0.6)])
    result = ingest(db_url, str(cut), "--json")
    assert "cut.warc.gz" in result.output and "E008" in result.output
    docs, _s, _m, problems = counts(db_url)
    assert problems >= 1
    with Database(db_url).session() as s:  # whatever was stored is whole: text and derived rows
        for doc in s.scalars(select(DocumentRow)):
            assert doc.clean_text.strip()


def test_html_with_scripts_and_deep_nesting_is_ingested_without_scripts(db_url, tmp_path):
    page = tmp_path / "deep.html"
    body = "<div>" * 10_000 + "<p>The dock workers' union said the strike would end on Monday.</p>" + "</div>" * 10_000
    page.write_text(f"<html><head><script>var secret = 'tracker';</script></head><body>{body}"
                    "<script>alert('x')</script></body></html>")
    result = ingest(db_url, str(page))
    assert result.exit_code == 0, result.output
    with Database(db_url).session() as s:
        (doc,) = s.scalars(select(DocumentRow)).all()
        assert "strike would end" in doc.clean_text and "tracker" not in doc.clean_text
