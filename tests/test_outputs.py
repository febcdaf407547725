"""Outputs never harm the store or the reader: no writing onto the store, no creating stores on read,
clear errors for bad formats, dates and destinations, and no live payload from report text in the
Markdown brief, the HTML brief or the CSV export (issue 10, item 5)."""
from __future__ import annotations

import csv
import json
import os
import re
import sqlite3

import pytest
from typer.testing import CliRunner

from newstrace.cli import app
from newstrace.report.brief import escape_markdown, http_url

runner = CliRunner()

# An invented hostile report: markup, a Markdown link, table pipes and formula starts in its text
# and metadata.
HOSTILE = """=HYPERLINK("http://evil.example/x","click") Tanker seized | <b>bold</b>

The coast guard of Lorvania said on Monday that it had seized the tanker <script>alert(1)</script> near Port Adel.
"The vessel carried [fake papers](javascript:alert(2)) and | pipes," said Mara Vint, a spokeswoman for the coast guard.
The shipping company denied that the tanker had broken any sanctions.
"""
OUTLET = "@Evil | Outlet <img src=x onerror=alert(3)>"
AUTHOR = "+1+1"
URL = "javascript:alert(4)"


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A SQLite store holding the hostile report (rules finder: these checks are about the outputs)."""
    folder = tmp_path_factory.mktemp("outputs")
    report = folder / "hostile.txt"
    report.write_text(HOSTILE, encoding="utf-8")
    db = str(folder / "store.db")
    os.environ["NEWSTRACE_ATTRIBUTION"] = "rules"
    try:
        result = run("--db", db, "ingest", str(report), "--outlet", OUTLET, "--author", AUTHOR,
                     "--url", URL, "--published", "2024-03-04", "--json")
    finally:
        del os.environ["NEWSTRACE_ATTRIBUTION"]
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stored"] == 1
    return db


def _snapshot(db: str) -> list:
    with sqlite3.connect(db) as conn:
        return conn.execute("select id, content_hash from documents").fetchall()


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
@pytest.mark.parametrize("command", [("export", "--format", "json"), ("brief", "--format", "md")])
def test_output_onto_the_store_or_its_companions_is_refused(store, command, suffix):
    before = _snapshot(store)
    size = os.path.getsize(store)
    result = run("--db", store, *command, "--output", store + suffix)
    assert result.exit_code == 5, result.output
    assert "E050" in result.output and "store itself" in result.output
    assert os.path.getsize(store) == size and _snapshot(store) == before


def test_output_through_another_name_of_the_store_is_refused(store, tmp_path):
    link = tmp_path / "alias.json"
    os.link(store, link)  # a hard link: same file, different name
    result = run("--db", store, "export", "--format", "json", "--output", str(link))
    assert result.exit_code == 5 and "store itself" in result.output, result.output


def test_csv_folder_holding_the_store_is_refused_per_file(tmp_path, store):
    folder = tmp_path / "csv"
    folder.mkdir()
    os.symlink(store, folder / "documents.csv")
    result = run("--db", store, "export", "--format", "csv", "--output", str(folder))
    assert result.exit_code == 5 and "store itself" in result.output, result.output
    assert _snapshot(store)


def test_missing_output_folders_are_made(store, tmp_path):
    out = tmp_path / "a" / "b" / "ledger.json"
    assert run("--db", store, "export", "--format", "json", "--output", str(out)).exit_code == 0
    assert json.loads(out.read_text())["format"] == "newstrace/1"
    folder = tmp_path / "c" / "d"
    assert run("--db", store, "export", "--format", "csv", "--output", str(folder)).exit_code == 0
    assert (folder / "statements.csv").is_file()
    brief = tmp_path / "e" / "brief.md"
    assert run("--db", store, "brief", "--output", str(brief)).exit_code == 0
    assert brief.read_text().startswith("# What we know")
    assert not [p for p in tmp_path.rglob(".newstrace-*")]  # no temporary file left behind


@pytest.mark.parametrize("target,message", [
    ("folder", "is a folder"),
    ("/dev/full", "No space left on device"),
    ("file/inside", "is not a folder"),
])
def test_unwritable_outputs_are_clear_errors(store, tmp_path, target, message):
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_text("x")
    path = target if target.startswith("/") else str(tmp_path / target)
    for command in (("export", "--format", "json"), ("brief", "--format", "html")):
        result = run("--db", store, *command, "--output", path)
        assert result.exit_code == 5, result.output
        assert "E050" in result.output and message in result.output, result.output
    assert os.path.exists("/dev/full") and not os.path.isfile("/dev/full")  # the device is untouched


def test_csv_onto_a_file_is_a_clear_error(store, tmp_path):
    (tmp_path / "plain").write_text("x")
    result = run("--db", store, "export", "--format", "csv", "--output", str(tmp_path / "plain"))
    assert result.exit_code == 5 and "is a file, not a folder" in result.output


@pytest.mark.parametrize("command,accepted", [("export", "json, csv"), ("brief", "md, html")])
def test_unknown_formats_are_refused_with_the_list(store, tmp_path, command, accepted):
    result = run("--db", store, command, "--format", "xml", "--output", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert "E041" in result.output and "'xml'" in result.output and accepted in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("since", ["yesterday", "2024-13-01", "2024-02-30", "24-01-01", "2024-1-5"])
def test_since_must_be_a_real_date(store, since):
    result = run("--db", store, "brief", "--since", since)
    assert result.exit_code == 2 and "E041" in result.output and "YYYY-MM-DD" in result.output, result.output


def test_since_accepts_a_date(store):
    result = run("--db", store, "brief", "--since", "2024-03-01")
    assert result.exit_code == 0 and "What changed since 2024-03-01" in result.stdout


@pytest.mark.parametrize("command", [("status",), ("statements",), ("brief",),
                                     ("export", "--format", "json", "--output", "OUT")])
def test_read_commands_refuse_a_store_that_does_not_exist(tmp_path, command):
    db = tmp_path / "typo.db"
    args = [str(tmp_path / "out.json") if a == "OUT" else a for a in command]
    result = run("--db", str(db), *args)
    assert result.exit_code == 3, result.output
    assert "E021" in result.output and "typo.db" in result.output
    assert not db.exists() and not (tmp_path / "out.json").exists()


@pytest.mark.postgres
def test_read_commands_refuse_an_empty_postgresql_database(pg_url):
    import psycopg

    result = run("--db", pg_url, "status")
    assert result.exit_code == 3 and "E021" in result.output, result.output
    with psycopg.connect(pg_url) as conn:  # nothing was created in it
        assert conn.execute("select count(*) from pg_tables where schemaname = 'public'").fetchone()[0] == 0


def test_markdown_brief_carries_no_live_markup(store):
    text = run("--db", store, "brief", "--format", "md").stdout
    assert not re.search(r"(?<!\\)<", text)  # no raw tag or autolink: every < from a report is escaped
    assert "\\<script\\>alert(1)" in text and "\\<b\\>bold" in text
    assert not re.search(r"(?<!\\)\]\(javascript:", text)
    assert "@Evil \\| Outlet \\<img" in text  # the outlet is there, escaped
    # the pipe in the outlet does not add a column to the reporting timeline
    reporting = text.split("## Timeline of reporting", 1)[1].split("##", 1)[0]
    rows = [l for l in reporting.splitlines() if l.startswith("|")]
    widths = {len(re.split(r"(?<!\\)\|", l)) for l in rows}
    assert len(rows) >= 3 and widths == {7}, rows


def test_html_brief_links_only_http(store):
    text = run("--db", store, "brief", "--format", "html").stdout
    assert "javascript:" in text  # shown as text ...
    assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", text, re.I)  # ... never as a link
    assert "<script>alert" not in text and "<img src=x" not in text


def test_csv_cells_a_spreadsheet_would_run_are_neutralised(store, tmp_path):
    assert run("--db", store, "export", "--format", "csv", "--output", str(tmp_path)).exit_code == 0
    seen = 0
    for path in tmp_path.glob("*.csv"):
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.reader(f):
                for cell in row:
                    assert not cell.startswith(("=", "+", "@", "\t", "\r")), (path.name, cell)
                    assert not re.match(r"-[^\d]", cell), (path.name, cell)
                    seen += cell.startswith("'")
    assert seen >= 3  # the outlet, the author and the title were written, neutralised
    docs = list(csv.DictReader(open(tmp_path / "documents.csv", encoding="utf-8", newline="")))
    assert docs[0]["outlet"] == "'" + OUTLET and docs[0]["author"] == "'" + AUTHOR


@pytest.mark.parametrize("text,escaped", [
    ("a | b", "a \\| b"),
    ("<script>x</script>", "\\<script\\>x\\</script\\>"),
    ("[t](javascript:x)", "\\[t\\](javascript:x)"),
    ("**bold** _it_", "\\*\\*bold\\*\\* \\_it\\_"),
    ("AT&T &amp; co", "AT&T \\&amp; co"),
    ("two\nlines", "two lines"),
    (", ", ", "),
])
def test_escape_markdown(text, escaped):
    assert escape_markdown(text) == escaped


@pytest.mark.parametrize("url,kept", [("https://example.org/a?b=1", True), ("HTTP://x.example", True),
                                      ("javascript:alert(1)", False), (" javascript:x", False),
                                      ("data:text/html,x", False), ("vbscript:x", False), ("", False),
                                      ("/relative", False), ("https://x.example/\nz", False)])
def test_http_url(url, kept):
    assert bool(http_url(url)) is kept
