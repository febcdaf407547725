"""End to end through the command line: ingest, idempotence, bad inputs, exports, the scorer contract."""
from __future__ import annotations

import json
import subprocess
import sys

from sqlalchemy import func, select
from typer.testing import CliRunner

from newstrace.cli import app
from newstrace.store.db import Database
from newstrace.store.schema import DocumentRow, ProblemRow, StatementRow

from conftest import SHARED

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def count(db_url, table) -> int:
    with Database(db_url).session() as s:
        return s.scalar(select(func.count()).select_from(table))


def test_seeds_ingest_and_export_meet_the_evaluation_contract(db_url, seeds_dir, tmp_path):
    result = run("--db", db_url, "ingest", str(seeds_dir), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["stored"] == 5 and summary["failed"] == 0
    out = tmp_path / "export.json"
    assert run("--db", db_url, "export", "--format", "json", "--output", str(out)).exit_code == 0
    data = json.loads(out.read_text())
    assert data["format"] == "newstrace/1"
    assert {d["published"] for d in data["documents"]} == {"2022-12-23", "2023-10-20", "2022-11-03"}
    assert all(d["published_from"] == "metadata" for d in data["documents"])
    assert data["statements"] and data["entities"]
    raw = {d["id"]: (seeds_dir / d["source"].rsplit("/", 1)[-1]).read_text(encoding="utf-8") for d in data["documents"]}
    for st in data["statements"]:  # spans point into the original files: the cue as written is there
        written = " ".join(raw[st["document"]][s:e] for s, e in st["spans"]["cue"])
        assert " ".join(written.split()) == " ".join(st["cue"].split()), st
    score = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), str(out),
                            str(SHARED / "eval" / "gold" / "dev.yaml")], capture_output=True, text=True)
    assert score.returncode == 0, score.stderr
    assert "summary:" in score.stdout and "documents_found: 2/2" in score.stdout


def test_ingesting_the_same_content_twice_stores_it_once(tmp_path):
    db = str(tmp_path / "s.db")
    report = tmp_path / "a.txt"
    report.write_text("Port closed\n\nThe harbour master said the port would close on Friday.\n")
    copy = tmp_path / "copy.txt"
    copy.write_text(report.read_text())
    assert run("--db", db, "ingest", str(report)).exit_code == 0
    second = run("--db", db, "ingest", str(report), str(copy), "--json")
    assert json.loads(second.stdout)["unchanged"] == 2
    assert count(db, DocumentRow) == 1


def test_only_bad_inputs_exit_non_zero_and_store_nothing(db_url, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02\xff" * 100)
    result = run("--db", db_url, "ingest", str(empty), str(binary), str(tmp_path / "missing.txt"))
    assert result.exit_code == 4
    assert "empty.txt" in result.output and "blob.txt" in result.output and "missing.txt" in result.output
    assert count(db_url, DocumentRow) == 0 and count(db_url, StatementRow) == 0
    assert count(db_url, ProblemRow) == 3


def test_one_bad_input_never_stops_the_batch(tmp_path):
    db = str(tmp_path / "s.db")
    good = tmp_path / "good.txt"
    good.write_text("Ferry delayed\n\nOfficials said the ferry was delayed by fog, according to the operator.\n")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9 \xff\xfe broken")
    result = run("--db", db, "ingest", str(bad), str(good), "--json")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert summary["stored"] == 1 and summary["failed"] == 1
    assert any("bad.txt" in r["source"] and r["code"] for r in summary["results"] if r["status"] == "failed")


def test_csv_export_writes_one_file_per_table(tmp_path, seeds_dir):
    db = str(tmp_path / "s.db")
    run("--db", db, "ingest", str(next(seeds_dir.glob("004_*.txt"))))
    result = run("--db", db, "export", "--format", "csv", "--output", str(tmp_path / "csv"))
    assert result.exit_code == 0
    names = {p.name for p in (tmp_path / "csv").iterdir()}
    assert {"documents.csv", "entities.csv", "statements.csv", "claims.csv", "quantities.csv", "times.csv"} <= names
    assert (tmp_path / "csv" / "statements.csv").read_text().count("\n") > 3
