"""Figures kept current report by report: what an ingest stores equals deciding the whole store at
once, while each report re-reads only itself (and the reports it copies or is copied by).

The convoy story (`tests/data/stories/convoys`, invented: five reports, a growing series, a
conflict, relays) goes through the real CLI into a real SQLite file in two runs.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import newstrace.resolve.conflicts as conflicts
import newstrace.resolve.figure_updates as figure_updates
from newstrace.cli import app
from newstrace.model import LedgerFigure
from newstrace.resolve.conflicts import FigureGroups, resolve_figures
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
    """(the stored ledger, the document ids each figure update re-read, per call, and whether each
    block update took the incremental path) after two ingest runs."""
    tmp = tmp_path_factory.mktemp("figure_updates")
    db = str(tmp / "story.db")
    reread: list[set[int]] = []
    incremental: list[bool] = []
    real, real_update = figure_updates.load_ledger, figure_updates._update_groups

    def recording(session, document_ids=None, **kw):
        reread.append(set(document_ids or ()))
        return real(session, document_ids=document_ids, **kw)

    def recording_update(*args, **kw):
        incremental.append(real_update(*args, **kw))
        return incremental[-1]

    mp = pytest.MonkeyPatch()
    mp.setattr(figure_updates, "load_ledger", recording)
    mp.setattr(figure_updates, "_update_groups", recording_update)
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
    return stored, reread, incremental


def _decisions(ledger):
    figures = sorted((f.id, f.block, f.low, f.high, f.refers_to, f.origin, f.copy, f.series) for f in ledger.figures)
    series = sorted((s.id, s.figures, s.periods, s.trend) for s in ledger.series)
    conflicts = sorted((c.id, c.figures, c.origins, c.period) for c in ledger.figure_conflicts)
    return figures, series, conflicts


def test_stored_figures_equal_deciding_the_whole_store_at_once(story):
    stored, _, incremental = story
    whole = resolve_figures(stored)
    assert stored.series and stored.figure_conflicts  # the story has both: the comparison means something
    assert True in incremental  # some reports were added to their blocks' groups in place
    assert _decisions(stored) == _decisions(whole)


def test_each_report_rereads_itself_and_its_relations_only(story):
    stored, reread, _ = story
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


# --------------------------------------------------------------------------- groups kept in place
def _figure(n: int, words: str, claim: str | None = None, kind: str = "count") -> LedgerFigure:
    return LedgerFigure(id=f"f{n}", document=f"d{n}", text=str(n), block="count:trucks:", measure="trucks",
                        unit="trucks", kind=kind, counted="trucks", low=float(n), high=float(n), is_range=False,
                        refers_to=None, refers_from="none", origin="o", claim=claim, context=tuple(words.split()))


def _sets(groups: FigureGroups) -> set[frozenset[str]]:
    return {frozenset(groups.figures[i].id for i in members) for members in groups.groups()}


# invented contexts: convoys counted at two border posts, some sharing a claim, one a distance
FIGURES = [
    _figure(1, "convoy border post north"),
    _figure(2, "convoy border post south"),
    _figure(3, "ferry harbour crossing"),
    _figure(4, "harbour crossing night", claim="c9"),
    _figure(5, "depot fuel", claim="c9"),
    _figure(6, "convoy border post north", kind="distance"),
    _figure(7, "ferry harbour crossing night"),
    _figure(8, "depot fuel tanker"),
]


@pytest.mark.parametrize("split", range(1, len(FIGURES)))
def test_extending_groups_gives_the_groups_of_a_whole_build(split):
    whole = FigureGroups(FIGURES)
    grown = FigureGroups(FIGURES[:split])
    assert grown.extend(FIGURES[split:]) is not None
    assert _sets(grown) == _sets(whole)
    assert {frozenset({"f1", "f2"}), frozenset({"f3", "f4", "f5", "f7", "f8"})} <= _sets(whole)


def test_extend_reports_the_groups_it_joined_and_merged():
    groups = FigureGroups(FIGURES[:5])  # {f1, f2}, {f3, f4, f5}
    roots, merged = groups.extend([_figure(9, "convoy border post west")])
    assert {groups.figures[i].id for r in roots for i in groups.members(r)} == {"f1", "f2", "f9"}
    assert merged <= {groups.find(0), 0, 1}


def test_extend_refuses_figures_that_change_which_words_link(monkeypatch):
    # a name around more than half of the block's figures (the story's subject) links nothing
    groups = FigureGroups([_figure(1, "Arvenia convoy trucks"), _figure(2, "Arvenia convoy trucks"),
                           _figure(3, "ferry harbour"), _figure(4, "depot fuel")])  # Arvenia: 2 of 4, linking
    assert groups.extend([_figure(5, "ferry harbour")]) is not None  # 2 of 5
    before = _sets(groups)
    assert groups.extend([_figure(6, "Arvenia depot"), _figure(7, "Arvenia fuel")]) is None  # 4 of 7
    assert _sets(groups) == before and len(groups) == 5  # refused: nothing changed
    assert FigureGroups(groups.figures[:3]).extend(groups.figures[3:4]) is None  # 2 of 3 -> 2 of 4: links again
    monkeypatch.setattr(conflicts, "COMMON_POSTING", 3)  # a word around too many figures
    small = FigureGroups([_figure(1, "convoy trucks"), _figure(2, "convoy trucks")])
    assert small.extend([_figure(3, "convoy lorries")]) is not None
    assert small.extend([_figure(4, "convoy trucks")]) is None
