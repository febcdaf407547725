"""Resolution across ingest runs: state restored from the store gives what one run would give."""
from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from conftest import EXAMPLES
from newstrace.cli import app

runner = CliRunner()


def ledger_after(db: str, *batches, tmp_path) -> dict:
    for batch in batches:
        assert runner.invoke(app, ["--db", db, "ingest", str(batch)]).exit_code == 0
    out = tmp_path / (db.rsplit("/", 1)[-1] + ".json")
    assert runner.invoke(app, ["--db", db, "export", "--format", "json", "--output", str(out)]).exit_code == 0
    return json.loads(out.read_text())


def partition(data: dict) -> set[frozenset[str]]:
    """Claims as sets of (report source, statement content): comparable across databases."""
    src = {d["id"]: d["source"].rsplit("/", 1)[-1] for d in data["documents"]}
    st = {s["id"]: f'{src[s["document"]]}|{s["content"]}' for s in data["statements"]}
    return {frozenset(st[s] for s in c["statements"]) for c in data["claims"]}


def test_two_runs_resolve_like_one(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, names in ((first, ["01_", "02_", "03_"]), (second, ["04_", "05_", "06_", "07_"])):
        folder.mkdir()
        for path in sorted(EXAMPLES.iterdir()):
            if any(path.name.startswith(n) for n in names):
                shutil.copy(path, folder / path.name)
        shutil.copy(EXAMPLES / "metadata.yaml", folder / "metadata.yaml")
    one = ledger_after(str(tmp_path / "one.db"), first, second, tmp_path=tmp_path)
    both = ledger_after(str(tmp_path / "both.db"), EXAMPLES, tmp_path=tmp_path)
    assert partition(one) == partition(both)
    # the second run re-analyses only the claims it joined (and those whose speakers it merged or
    # re-parented), reading that part of the store: statuses still equal a single run's
    assert statuses(one) == statuses(both)
    names = lambda data: {(e["name"], tuple(sorted(e["aliases"]))) for e in data["entities"]}  # noqa: E731
    assert names(one) == names(both)
    holbrook = [e for e in one["entities"] if e["name"] == "Darren Holbrook"]
    assert len(holbrook) == 1 and "Daren Holbrook" in holbrook[0]["aliases"]  # one person, one entity


def statuses(data: dict) -> set[tuple]:
    """Each claim's status, origin count and deniers, keyed by its statements (comparable across databases)."""
    src = {d["id"]: d["source"].rsplit("/", 1)[-1] for d in data["documents"]}
    st = {s["id"]: f'{src[s["document"]]}|{s["content"]}' for s in data["statements"]}
    return {(frozenset(st[s] for s in c["statements"]), c["status"], len(c["origins"]), len(c["deniers"]))
            for c in data["claims"]}

