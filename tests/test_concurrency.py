"""Two ingests on one store at once end as one after the other would (issue 10, item 1): real
processes on a real SQLite file and a real PostgreSQL database, held at the writer lock together."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newstrace.cli import app
from newstrace.store.db import Database
from newstrace.store.lock import writer_lock

# Invented reports: the same people speak in both batches, so both runs resolve the same entities.
BATCH_A = {
    "a1.txt": "Dam talks stall\n\nThe water minister of Velmora, Ilse Marken, said on Monday that talks on the "
              "Ostra dam had stalled. \"We will not sign a deal that leaves our farms dry,\" Marken said.\n",
    "a2.txt": "Dam dispute grows\n\nIlse Marken accused the Ostra authority of hiding the dam's flow figures. "
              "The authority's director, Pavel Drost, denied that any figures had been withheld.\n",
    "a3.txt": "Farmers protest\n\nFarmers blocked the road to the Ostra dam on Wednesday, police said. "
              "Pavel Drost said the dam would release more water next week.\n",
}
BATCH_B = {
    "b1.txt": "Ostra dam releases water\n\nThe Ostra authority said on Thursday it had opened two sluice gates. "
              "Director Pavel Drost said the release would last ten days.\n",
    "b2.txt": "Minister doubts release\n\nWater minister Ilse Marken said the release was too small to help the "
              "farms. \"Ten days is a gesture, not a solution,\" Marken told reporters.\n",
    "b3.txt": "Talks to resume\n\nVelmora and the Ostra authority will resume talks on Monday, a government "
              "spokesman said. Drost said he hoped for a deal within a month.\n",
}
ENV = {**os.environ, "NEWSTRACE_ATTRIBUTION": "rules", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
       "COLUMNS": "200"}


def write_batch(folder: Path, batch: dict[str, str]) -> Path:
    folder.mkdir()
    for name, text in batch.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def canonical(db: str, tmp: Path) -> dict:
    """The ledger with ids replaced by what they stand for (sources, offsets, names)."""
    out = tmp / f"export-{time.monotonic_ns()}.json"
    result = CliRunner().invoke(app, ["--db", db, "export", "--format", "json", "--output", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    source = {d["id"]: os.path.basename(d["source"]) for d in data["documents"]}
    entity = {e["id"]: (e["name"], e["type"]) for e in data["entities"]}
    statement = {s["id"]: (source[s["document"]], s["start"], s["end"]) for s in data["statements"]}
    return {
        "documents": sorted(source.values()),
        "statements": sorted((*statement[s["id"]], s["content"], s["stance"], entity.get(s["speaker"]))
                             for s in data["statements"]),
        "entities": sorted((e["name"], e["type"], tuple(sorted(e["aliases"]))) for e in data["entities"]),
        "claims": sorted((c["status"], tuple(sorted(statement[s] for s in c["statements"])))
                         for c in data["claims"]),
    }


def ingest_process(db: str, folder: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "newstrace.cli", "--db", db, "ingest", str(folder), "--json"],
                            env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _collect(stream, lines: list[str]) -> None:
    for line in stream:
        lines.append(line)


def first_batch(db: str) -> str:
    """Which batch the lock let in first: the one holding report d1."""
    with Database(db).session() as s:
        from sqlalchemy import select

        from newstrace.store.schema import DocumentRow

        return os.path.basename(s.scalar(select(DocumentRow.source).order_by(DocumentRow.id).limit(1)))[0]


@pytest.mark.slow
def test_two_ingests_at_once_end_as_one_after_the_other(db_url, tmp_path, request):
    a, b = write_batch(tmp_path / "a", BATCH_A), write_batch(tmp_path / "b", BATCH_B)
    store = db_url
    Database(store).close()  # the store exists, so the test can hold its lock before the runs start
    waits: dict[str, list[str]] = {"a": [], "b": []}
    with writer_lock(Database(store), on_wait=lambda m: None):
        procs = {"a": ingest_process(store, a), "b": ingest_process(store, b)}
        readers = [threading.Thread(target=_collect, args=(p.stderr, waits[k]), daemon=True) for k, p in procs.items()]
        for t in readers:
            t.start()
        deadline = time.monotonic() + 240
        while not all(any("another ingest is running" in l for l in lines) for lines in waits.values()):
            assert time.monotonic() < deadline, waits
            assert all(p.poll() is None for p in procs.values()), waits  # nobody got past the lock
            time.sleep(0.2)
    outs = {k: p.communicate(timeout=300)[0] for k, p in procs.items()}
    for k, p in procs.items():
        assert p.returncode == 0, (k, "".join(waits[k])[-2000:])
        assert json.loads(outs[k])["stored"] == 3
    order = [a, b] if first_batch(store) == "a" else [b, a]
    if "postgres" in request.node.name:
        sequential = request.getfixturevalue("pg_url")
    else:
        sequential = str(tmp_path / "sequential.db")
    for folder in order:
        result = subprocess.run([sys.executable, "-m", "newstrace.cli", "--db", sequential, "ingest", str(folder)],
                                env=ENV, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-2000:]
    together, one_by_one = canonical(store, tmp_path), canonical(sequential, tmp_path)
    assert len(together["documents"]) == 6 and together["statements"]
    assert together == one_by_one


def test_a_second_writer_waits_and_is_told(tmp_path):
    """The lock itself, without the pipeline: the second holder waits and hears why, once."""
    db = str(tmp_path / "s.db")
    store = Database(db)
    heard: list[str] = []
    got_it = threading.Event()

    def second() -> None:
        with writer_lock(Database(db), on_wait=heard.append):
            got_it.set()

    with writer_lock(store, on_wait=heard.append):
        t = threading.Thread(target=second)
        t.start()
        time.sleep(0.5)
        assert not got_it.is_set() and len(heard) == 1 and "another ingest is running" in heard[0]
    t.join(10)
    assert got_it.is_set() and len(heard) == 1


@pytest.mark.postgres
def test_a_second_writer_waits_on_postgresql(pg_url):
    store = Database(pg_url)
    heard: list[str] = []
    got_it = threading.Event()

    def second() -> None:
        with writer_lock(Database(pg_url), on_wait=heard.append):
            got_it.set()

    with writer_lock(store, on_wait=heard.append):
        t = threading.Thread(target=second)
        t.start()
        time.sleep(0.5)
        assert not got_it.is_set() and len(heard) == 1
    t.join(10)
    assert got_it.is_set()
