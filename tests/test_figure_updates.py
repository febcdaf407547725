"""Figures kept current report by report: what an ingest stores equals deciding the whole store at
once, while each report re-reads only itself (and the reports it copies or is copied by).

The convoy story (`tests/data/stories/convoys`, invented: five reports, a growing series, a
conflict, relays) goes through the real CLI into a real SQLite file in two runs.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import newstrace.resolve.figure_updates as figure_updates
from newstrace.cli import app
from newstrace.resolve.conflicts import resolve_figures
from newstrace.store.db import Database
from newstrace.store.repository import load_ledger

STORY = Path(__file__).parent / "data" / "stories" / "convoys"
runner = CliRunner()


def _batch(tmp: Path, name: str, prefixes: tuple[str, ...]) -> Path:
    """A folder with the story's reports whose names start with `prefixes`, and their metadata."""
    folder = tmp / name
    folder.mkdir()
    for path in sorted(STORY.glob("r*.txt")):
        if path.name.startswith(prefixes):
            (folder / path.name).write_text(path.read_text())
    meta = [line for line in (STORY / "metadata.yaml").read_text().splitlines() if line.startswith(prefixes)]
    (folder / "metadata.yaml").write_text("\n".join(meta) + "\n")
    return folder


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    """(the stored ledger, the document ids each figure update re-read, per call) after two ingest runs."""
    tmp = tmp_path_factory.mktemp("figure_updates")
    db = str(tmp / "story.db")
    reread: list[set[int]] = []
    real = figure_updates.load_ledger

    def recording(session, document_ids=None, **kw):
        reread.append(set(document_ids or ()))
        return real(session, document_ids=document_ids, **kw)

    mp = pytest.MonkeyPatch()
    mp.setattr(figure_updates, "load_ledger", recording)
    try:
        for name, prefixes in (("first", ("r1_", "r2_", "r3_")), ("second", ("r4_", "r5_"))):
            result = runner.invoke(app, ["--db", db, "ingest", str(_batch(tmp, name, prefixes))])
            assert result.exit_code == 0, result.output
    finally:
        mp.undo()
    database = Database(db)
    try:
        with database.session() as s:
            stored = load_ledger(s)
    finally:
        database.close()
    return stored, reread


def _decisions(ledger):
    figures = sorted((f.id, f.block, f.low, f.high, f.refers_to, f.origin, f.copy, f.series) for f in ledger.figures)
    series = sorted((s.id, s.figures, s.periods, s.trend) for s in ledger.series)
    conflicts = sorted((c.id, c.figures, c.origins, c.period) for c in ledger.figure_conflicts)
    return figures, series, conflicts


def test_stored_figures_equal_deciding_the_whole_store_at_once(story):
    stored, _ = story
    whole = resolve_figures(stored)
    assert stored.series and stored.figure_conflicts  # the story has both: the comparison means something
    assert _decisions(stored) == _decisions(whole)


def test_each_report_rereads_itself_and_its_relations_only(story):
    stored, reread = story
    related: dict[int, set[int]] = {}
    for r in stored.relations:
        a, b = int(r.a[1:]), int(r.b[1:])
        related.setdefault(a, set()).add(b)
        related.setdefault(b, set()).add(a)
    assert len(reread) == 5  # one update per report, each with figures
    for ids in reread:
        # the new report (the highest id read) and the reports it is related to; never the others
        new = max(ids)
        assert ids - {new} <= related.get(new, set()), ids
