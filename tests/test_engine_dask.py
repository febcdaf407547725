"""The Dask engine against a real LocalCluster: the same ledger as the local engine, on SQLite and PostgreSQL.

The per-report stage runs on Dask workers (started by the ingest, or joined by --address) while the
cross-report stage and the writes stay in the ingesting process; the statements of each report
(speaker text, cue, content, stance, spans) and the claims must equal the local engine's.
"""
from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path
from unittest import mock

import cloudpickle
import pytest
from distributed import WorkerPlugin
from typer.testing import CliRunner

from conftest import EXAMPLES

from newstrace import api
from newstrace.cli import app
from newstrace.settings import load_settings

runner = CliRunner()
KILL_MARKER = "KILL-THIS-WORKER"  # a report holding it makes the test plugin end its worker process


def cli(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def ledger_key(db: str) -> tuple[list, list]:
    """(statements by report source, claims as sets of statement places) of a store, ids left out."""
    ledger = api.ledger(load_settings(db=db))
    source = {d.id: Path(d.source).name for d in ledger.documents}
    statements = sorted((source[s.document], s.sentence_index, s.speaker_text, s.cue, s.content, s.stance,
                         s.start, s.end, sorted(s.spans.items())) for s in ledger.statements)
    place = {s.id: (source[s.document], s.start, s.end) for s in ledger.statements}
    claims = sorted((c.status, sorted(place[i] for i in c.statements)) for c in ledger.claims)
    return statements, claims


REFERENCES: dict[str, tuple[list, list]] = {}


def local_ledger(tmp_path_factory, attribution: str) -> tuple[list, list]:
    """The example folder ingested by the local engine into a SQLite store: the reference (once per mode)."""
    if attribution not in REFERENCES:
        db = str(tmp_path_factory.mktemp("local") / "local.db")
        with mock.patch.dict(os.environ, {"NEWSTRACE_ATTRIBUTION": attribution}):
            result = cli("--db", db, "ingest", "--engine", "local", str(EXAMPLES), "--json")
        assert result.exit_code == 0, result.output
        REFERENCES[attribution] = ledger_key(db)
        assert len(REFERENCES[attribution][0]) > 20 and REFERENCES[attribution][1], "too small to compare"
    return REFERENCES[attribution]


@pytest.fixture(scope="module")
def cluster():
    """A real LocalCluster of 2 one-thread worker processes; a task that kills its worker fails at once."""
    from distributed import LocalCluster

    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      scheduler_kwargs={"allowed_failures": 0}) as local:
        yield local


@pytest.fixture(scope="module")
def client(cluster):
    from distributed import Client

    with Client(cluster, set_as_default=False) as joined:
        yield joined


def test_unknown_engine_is_refused_before_anything_is_read(tmp_path):
    db = tmp_path / "s.db"
    result = cli("--db", str(db), "ingest", "--engine", "spark", str(EXAMPLES))
    assert result.exit_code == 2
    assert "E040" in result.output and "'spark'" in result.output and "local, dask" in result.output
    assert not db.exists()


def test_an_address_needs_the_dask_engine(tmp_path):
    result = cli("--db", str(tmp_path / "s.db"), "ingest", "--address", "tcp://127.0.0.1:8786", str(EXAMPLES))
    assert result.exit_code == 2
    assert "E040" in result.output and "--engine dask" in result.output


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, monkeypatch):
    from newstrace.engine import dask_engine

    monkeypatch.setattr(dask_engine, "CONNECT_TIMEOUT", "2s")
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    result = cli("--db", str(tmp_path / "s.db"), "ingest", "--engine", "dask", "--address", address,
                 str(EXAMPLES / "01_harbour_ledger.txt"))
    assert result.exit_code == 5
    assert "E080" in result.output and address in result.output


@pytest.mark.slow
def test_a_local_cluster_started_by_the_ingest_gives_the_local_ledger(tmp_path_factory, tmp_path, monkeypatch):
    """No --address: the ingest starts (and stops) its own LocalCluster of -j 2 workers; default settings."""
    monkeypatch.setenv("NEWSTRACE_ATTRIBUTION", "hybrid")
    db = str(tmp_path / "dask.db")
    result = cli("--db", db, "-j", "2", "ingest", "--engine", "dask", str(EXAMPLES), "--json")
    assert result.exit_code == 0, result.output
    assert ledger_key(db) == local_ledger(tmp_path_factory, "hybrid")


@pytest.mark.postgres
def test_a_joined_cluster_gives_the_local_ledger_on_postgresql(tmp_path_factory, cluster, client, pg_url,
                                                               monkeypatch):
    """--address joins the cluster; the rule-based finder keeps the default suite quick (the slow
    test above compares the default, tagger-based settings)."""
    from newstrace.engine.tasks import model_loads, run_chunk
    from newstrace.model import RawReport

    monkeypatch.setenv("NEWSTRACE_ATTRIBUTION", "rules")
    expected = local_ledger(tmp_path_factory, "rules")
    result = cli("--db", pg_url, "ingest", "--engine", "dask", "--address", cluster.scheduler_address,
                 str(EXAMPLES), "--json")
    assert result.exit_code == 0, result.output
    assert ledger_key(pg_url) == expected
    loads = client.run(model_loads)
    assert len(loads) == 2
    assert all(v["nlp"] == 1 and v["tagger"] == 0 for v in loads.values()), loads  # rules: no tagger

    # models load once per worker, not per task: two tagger tasks on each worker load it once there
    settings = load_settings(attribution="hybrid")
    text = (EXAMPLES / "01_harbour_ledger.txt").read_text(encoding="utf-8")
    for worker in client.nthreads():
        for k in range(2):
            out = client.submit(run_chunk, [RawReport(source=f"t{k}", text=text)], settings, None,
                                workers=[worker], pure=False).result()
            assert out[0].extraction.statements
    loads = client.run(model_loads)
    assert all(v["nlp"] == 1 and v["tagger"] == 1 for v in loads.values()), loads


class KillOnMarker(WorkerPlugin):
    """Test worker plugin: the per-report stage ends its worker process on a report holding KILL_MARKER.

    A plugin, so a worker restarted by its nanny gets it again: the report kills every worker it meets.
    """

    name = "test-kill-on-marker"

    def setup(self, worker) -> None:  # noqa: ANN001
        from newstrace import process

        original = process.process_chunk

        def process_chunk(raws, *args, **kwargs):
            if any(KILL_MARKER in raw.text for raw in raws):
                os._exit(3)  # the worker process dies as on a segfault or the OOM killer
            return original(raws, *args, **kwargs)

        process.process_chunk = process_chunk


@pytest.mark.slow
def test_a_report_that_kills_its_worker_is_that_reports_problem(cluster, client, tmp_path, monkeypatch):
    """The chunk fails (its worker died), each report is retried alone: only the killer fails (E015)."""
    monkeypatch.setenv("NEWSTRACE_ATTRIBUTION", "rules")  # restarted workers load only the parser: faster
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers need not import the tests
    plugin = KillOnMarker()
    client.register_plugin(plugin)
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text("Dock strike ends\n\nThe dock workers' union of Velmora said on Monday "
                                  "that the strike was over.\n", encoding="utf-8")
    (folder / "b.txt").write_text(f"Odd wire\n\nA clerk said the {KILL_MARKER} note was real.\n", encoding="utf-8")
    (folder / "c.txt").write_text("Ferry resumes\n\nThe ferry company said the crossing to Ostrava "
                                  "would resume on Friday.\n", encoding="utf-8")
    db = str(tmp_path / "s.db")
    try:
        result = cli("--db", db, "ingest", "--engine", "dask", "--address", cluster.scheduler_address,
                     str(folder), "--json")
    finally:
        client.unregister_worker_plugin(plugin.name)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    by_name = {Path(r["source"]).name: r for r in summary["results"]}
    assert by_name["b.txt"]["status"] == "failed" and by_name["b.txt"]["code"] == "E015"
    assert "worker failed on this report" in by_name["b.txt"]["message"]
    assert by_name["a.txt"]["status"] == by_name["c.txt"]["status"] == "stored"
    assert api.status(load_settings(db=db))["documents"] == 2
