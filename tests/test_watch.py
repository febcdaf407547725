"""`ingest --watch`: a long-running ingest keeps the store's state between rounds, and only while
the store is as it left it; what it builds equals a single run over the same reports."""
from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from conftest import EXAMPLES
from newstrace import api
from newstrace.cli import app
from newstrace.settings import load_settings
from newstrace.store.db import Database
from test_resolution_store import ledger_after, partition, statuses

runner = CliRunner()


def _copy(names: list[str], folder) -> None:
    folder.mkdir(exist_ok=True)
    for path in sorted(EXAMPLES.iterdir()):
        if any(path.name.startswith(n) for n in names):
            shutil.copy(path, folder / path.name)
    shutil.copy(EXAMPLES / "metadata.yaml", folder / "metadata.yaml")


def _export(db: str, tmp_path, name: str) -> dict:
    out = tmp_path / f"{name}.json"
    assert runner.invoke(app, ["--db", db, "export", "--format", "json", "--output", str(out)]).exit_code == 0
    return json.loads(out.read_text())


def test_rounds_reuse_the_state_and_resolve_like_one_run(tmp_path):
    feed, path = tmp_path / "feed", str(tmp_path / "watch.db")
    settings, db, warm = load_settings(db=path), Database(path), api.WarmState()
    _copy(["01_", "02_", "03_"], feed)
    first = api.ingest([str(feed)], settings, db=db, warm=warm)
    assert first.count("stored") == 3 and warm.reused == 0 and warm.resolution is not None
    _copy(["04_", "05_", "06_", "07_"], feed)  # the folder fills
    second = api.ingest([str(feed)], settings, db=db, warm=warm)
    assert second.count("stored") == 4 and warm.reused == 1  # no reload of the store
    quiet = api.ingest([str(feed)], settings, db=db, warm=warm)
    assert quiet.results == []  # nothing new: nothing read, nothing said
    db.close()
    watched = _export(path, tmp_path, "watched")
    once = ledger_after(str(tmp_path / "once.db"), EXAMPLES, tmp_path=tmp_path)
    assert partition(watched) == partition(once)
    assert statuses(watched) == statuses(once)


def test_a_store_changed_by_another_writer_is_loaded_again(tmp_path):
    feed, other, path = tmp_path / "feed", tmp_path / "other", str(tmp_path / "watch.db")
    settings, db, warm = load_settings(db=path), Database(path), api.WarmState()
    _copy(["01_", "02_"], feed)
    api.ingest([str(feed)], settings, db=db, warm=warm)
    _copy(["03_"], other)
    assert api.ingest([str(other)], settings).count("stored") == 1  # another process's run, no state
    _copy(["04_"], feed)
    assert api.ingest([str(feed)], settings, db=db, warm=warm).count("stored") == 1
    assert warm.reused == 0  # the state was stale: read from the store again
    # a correction that reshapes entities is re-applied to stored rows after each run: the state
    # in memory would not follow it, so it is not kept
    from newstrace.corrections import record_decision

    entities = _export(path, tmp_path, "before")["entities"]
    record_decision(db, "merge_entities", {"ids": [entities[0]["id"], entities[1]["id"]]}, "test", "tester")
    _copy(["05_"], feed)
    api.ingest([str(feed)], settings, db=db, warm=warm)
    assert warm.reused == 0 and warm.resolution is None
    db.close()


def test_watch_through_the_cli(tmp_path):
    feed, db = tmp_path / "feed", str(tmp_path / "cli.db")
    _copy(["01_", "02_"], feed)
    result = runner.invoke(app, ["--db", db, "ingest", "--watch", "0.1", "--rounds", "2", str(feed)])
    assert result.exit_code == 0, result.output
    assert "watching" in result.output and "stored" in result.output
    refused = runner.invoke(app, ["--db", db, "ingest", "--watch", "0", str(feed)])
    assert refused.exit_code != 0 and "--watch" in refused.output
