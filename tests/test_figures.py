"""Figures with known truth: dated series, conflicts per period, either/or estimates, stored, exported, briefed.

Two invented stories.  A hand-built ledger (no NLP) pins the decisions exactly; a five-report story
in `tests/data/stories/convoys` goes through the real pipeline into a real SQLite file (in two ingest
runs: the incremental path) and a real PostgreSQL database (one run), then out through the JSON
export and the brief.
"""
from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newstrace.cli import app
from newstrace.model import (DuplicateRelation, Ledger, LedgerDocument, LedgerEntity, LedgerFigure,
                             LedgerFigureConflict, LedgerQuantity, LedgerSeries, LedgerStatement, LedgerTime)
from newstrace.resolve.conflicts import decide_figures, format_interval, resolve_figures
from newstrace.resolve.figures import period_of
from newstrace.store.db import Database
from newstrace.store.figures import load_figures, save_figure_blocks

STORY = Path(__file__).parent / "data" / "stories" / "convoys"
runner = CliRunner()

# --------------------------------------------------------------------------- a hand-built story
# An invented story: the Kessland navy counts barrels of fuel a tanker firm has landed at Port Arven,
# month by month; several outlets relay the navy; the Solberg Centre gives its own count for April,
# and a range for May; an unnamed harbour official offers an either/or estimate.
ENTITIES = (
    LedgerEntity("e_kl", "Kessland", "GPE"),
    LedgerEntity("e_navy", "Kessland navy", "ORG", parent="e_kl"),
    LedgerEntity("e_ruud", "Ida Ruud", "PERSON", roles=("navy spokeswoman",), parent="e_navy"),
    LedgerEntity("e_sol", "Solberg Centre", "ORG"),
)

# document id -> (outlet, published, sentences)
DOCS = {
    "d1": ("Arven Post", "2025-03-10", [
        "Navy spokeswoman Ida Ruud said the firm had landed about 20,000 barrels of fuel at Port Arven.",
        "The weather delayed two crossings."]),
    "d2": ("Fjord Wire", "2025-03-12", [
        "The firm has landed about 20,000 barrels of fuel at Port Arven, Ida Ruud of the navy said."]),
    "d3": ("Tidewater Daily", "2025-04-08", [
        "Ruud said the firm had landed some 55,000 barrels of fuel at Port Arven since January.",
        "A harbour official put the landings at 40,000 barrels of fuel, or perhaps 60,000 barrels, at Port Arven."]),
    "d4": ("Coastline Review", "2025-04-15", [
        "The Solberg Centre said the firm had landed about 30,000 barrels of fuel at Port Arven in April."]),
    "d5": ("Arven Post", "2025-05-20", [
        "Ruud said the firm had now landed more than 90,000 barrels of fuel at Port Arven.",
        "The Solberg Centre said between 85,000 and 95,000 barrels of fuel had reached Port Arven.",
        "Six tugboats were repainted at a yard in the north."]),
    "d6": ("Harbour Digest", "2025-04-16", None),  # a syndicated copy of d4
}
DOCS["d6"] = DOCS["d6"][:2] + (DOCS["d4"][2],)

# (statement id, doc, sentence index, speaker, speaker_text)
STATEMENTS = [("s1", "d1", 0, "e_ruud", "Navy spokeswoman Ida Ruud"), ("s2", "d2", 0, "e_ruud", "Ida Ruud"),
              ("s3", "d3", 0, "e_ruud", "Ruud"), ("s4", "d3", 1, None, "A harbour official"),
              ("s5", "d4", 0, "e_sol", "The Solberg Centre"), ("s6", "d5", 0, "e_ruud", "Ruud"),
              ("s7", "d5", 1, "e_sol", "The Solberg Centre"), ("s8", "d6", 0, "e_sol", "The Solberg Centre")]

# (quantity id, doc, statement, text as written, values, unit, qualifier, is_range)
QUANTITIES = [
    ("q1", "d1", "s1", "about 20,000 barrels", (20000,), "barrels", "about", False),
    ("q2", "d2", "s2", "about 20,000 barrels", (20000,), "barrels", "about", False),
    ("q3", "d3", "s3", "some 55,000 barrels", (55000,), "barrels", "some", False),
    ("q4", "d3", "s4", "40,000 barrels", (40000,), "barrels", None, False),
    ("q5", "d3", "s4", "60,000 barrels", (60000,), "barrels", None, False),
    ("q6", "d4", "s5", "about 30,000 barrels", (30000,), "barrels", "about", False),
    ("q7", "d5", "s6", "more than 90,000 barrels", (90000,), "barrels", "more than", False),
    ("q8", "d5", "s7", "between 85,000 and 95,000 barrels", (85000, 95000), "barrels", None, True),
    ("q9", "d5", None, "Six tugboats", (6,), "tugboats", None, False),
    ("q10", "d6", "s8", "about 30,000 barrels", (30000,), "barrels", "about", False),
]
# (doc, text, value, precision, statement)
TIMES = [("d3", "January", "2025-01", "month", "s3"), ("d4", "April", "2025-04", "month", "s5")]


def story() -> Ledger:
    docs, texts, spans = [], {}, {}
    for did, (outlet, published, sentences) in DOCS.items():
        texts[did] = " ".join(sentences)
        pos, spans[did] = 0, []
        for s in sentences:
            spans[did].append((pos, pos + len(s)))
            pos += len(s) + 1
        docs.append(LedgerDocument(id=did, source=f"{did}.txt", title=None, outlet=outlet, published=published,
                                   published_from="metadata", text=texts[did]))
    statements = []
    for sid, did, i, speaker, speaker_text in STATEMENTS:
        a, b = spans[did][i]
        statements.append(LedgerStatement(id=sid, document=did, sentence=texts[did][a:b], sentence_index=i,
                                          speaker=speaker, speaker_text=speaker_text, cue="said", stance="assert",
                                          content=texts[did][a:b], start=a, end=b, quote_type="indirect"))
    quantities = []
    for qid, did, sid, text, values, unit, qual, is_range in QUANTITIES:
        start = texts[did].index(text)
        quantities.append(LedgerQuantity(document=did, text=text, values=values, unit=unit, kind="count",
                                         approximate=bool(qual), is_range=is_range, qualifier=qual, statement=sid,
                                         start=start, end=start + len(text), id=qid))
    times = [LedgerTime(document=did, text=text, value=value, precision=precision, statement=sid,
                        start=texts[did].index(text), end=texts[did].index(text) + len(text))
             for did, text, value, precision, sid in TIMES]
    return Ledger(documents=tuple(docs), entities=ENTITIES, statements=tuple(statements),
                  quantities=tuple(quantities), times=tuple(times),
                  relations=(DuplicateRelation(a="d6", b="d4", kind="syndicated", similarity=0.98),))


@pytest.fixture(scope="module")
def decided() -> Ledger:
    return resolve_figures(story())


def _figures(ledger: Ledger) -> dict[str, LedgerFigure]:
    return {f.id: f for f in ledger.figures}


def test_each_quantity_is_read_as_a_figure(decided):
    f = _figures(decided)
    assert set(f) == {"f1", "f2", "f3", "f4", "f6", "f7", "f8", "f9", "f10"}  # q5 joined q4
    assert (f["f1"].origin, f["f2"].origin, f["f3"].origin) == ("e_kl", "e_kl", "e_kl")  # one origin, relayed
    assert f["f1"].counted == "barrels of fuel" and f["f1"].measure == "barrels" and f["f1"].statement == "s1"
    assert (f["f1"].refers_to, f["f1"].refers_from) == ("2025-03-10", "published")
    assert (f["f6"].refers_to, f["f6"].refers_from) == ("2025-04", "text")  # "in April"
    assert (f["f7"].low, f["f7"].high) == (90000, math.inf)  # "more than"
    assert f["f10"].copy and not f["f6"].copy


def test_since_starts_a_running_total_held_as_of_the_report(decided):
    f3 = _figures(decided)["f3"]
    assert (f3.refers_to, f3.refers_from, f3.cumulative) == ("2025-04-08", "published", True)


def test_either_or_estimate_is_one_range_figure(decided):
    f4 = _figures(decided)["f4"]
    assert (f4.low, f4.high, f4.is_range) == (40000, 60000, True)
    assert f4.text == "40,000 barrels of fuel, or perhaps 60,000 barrels" and f4.quantities == ("q4", "q5")
    assert f4.origin == "unnamed:Tidewater Daily"


def test_growing_series_over_three_months(decided):
    # in date order: a month ("in April") sorts before the days of that month
    assert decided.series == (LedgerSeries(
        id="fs1", block="count:barrels:", measure="barrels", unit="barrels",
        figures=("f1", "f2", "f6", "f3", "f4", "f7", "f8"), periods=("2025-03", "2025-04", "2025-05"),
        trend="rising", cumulative=True),)
    f = _figures(decided)
    assert f["f9"].series is None  # tugboats count something else
    assert f["f10"].series is None  # a copy adds outlets, not a point


def test_conflict_is_one_month_and_different_origins(decided):
    # March: one origin relayed twice, no conflict.  April: the navy's 55,000 and the centre's 30,000
    # (printed twice, once in a copy) disagree; the harbour official's 40,000-60,000 overlaps the
    # navy's figure but not the centre's.  May: more than 90,000 and 85,000-95,000 overlap.
    assert decided.figure_conflicts == (LedgerFigureConflict(
        id="fc3-2025-04", block="count:barrels:", measure="barrels", unit="barrels", period="2025-04",
        figures=("f6", "f10", "f4", "f3"), origins=("e_sol", "unnamed:Tidewater Daily", "e_kl"),
        reason="different origins give figures for 2025-04 that do not agree (30,000 vs 40,000-60,000 vs 55,000)",
        series="fs1"),)


def test_the_same_origin_at_two_values_in_one_month_is_no_conflict(decided):
    qs = tuple(replace(q, values=(35000,)) if q.id == "q2" else q for q in story().quantities)
    march = [c for c in resolve_figures(replace(story(), quantities=qs)).figure_conflicts if c.period == "2025-03"]
    assert march == []  # 20,000 and 35,000 both come from the navy: a revision or a misquote, not a conflict


def test_two_separate_counts_at_two_dates_form_no_series():
    # the figures count different things (no shared claim, one shared word): no series, no conflict
    ledger = Ledger(documents=(
        LedgerDocument("d1", "a", None, "A", "2025-01-05", "metadata", "Guards counted 14 wagons on a siding."),
        LedgerDocument("d2", "b", None, "B", "2025-02-05", "metadata", "More than 20 wagons crossed the border.")),
        quantities=(LedgerQuantity("d1", "14 wagons", (14,), "wagons", "count", False, False, start=15, end=24,
                                   id="q1"),
                    LedgerQuantity("d2", "More than 20 wagons", (20,), "wagons", "count", True, False,
                                   qualifier="more than", start=0, end=19, id="q2")))
    decided = resolve_figures(ledger)
    assert len(decided.figures) == 2 and decided.series == () and decided.figure_conflicts == ()


def test_blocks_decide_independently(decided):
    # deciding one block leaves the others out: what an ingest does for the blocks a report touches
    only = resolve_figures(story(), blocks={"count:tugboats:"})
    assert [f.id for f in only.figures] == ["f9"] and only.series == () and only.figure_conflicts == ()
    again, series, conflicts = decide_figures(f for f in decided.figures if f.block == "count:barrels:")
    assert tuple(series) == decided.series and tuple(conflicts) == decided.figure_conflicts


def test_a_figure_read_back_leaves_a_series_it_no_longer_belongs_to(decided):
    # figures read back from the store carry their series key; decided again without the rest of
    # their series (its other reports changed), they must not keep pointing at it
    in_series = [f for f in decided.figures if f.series]
    assert len(in_series) >= 2
    alone, series, _conflicts = decide_figures([in_series[0]])
    assert series == [] and alone[0].series is None
    again, series, _conflicts = decide_figures(decided.figures)
    assert again == list(decided.figures) and tuple(series) == decided.series  # a whole series keeps its key


@pytest.mark.parametrize("date,period", [("2025-04-08", "2025-04"), ("2025-04", "2025-04"), ("2025", "2025"),
                                         ("2025-W11", "2025-03"), (None, None)])
def test_period_of(date, period):
    assert period_of(date) == period


@pytest.mark.parametrize("low,high,text", [(400, 400, "400"), (60, 80, "60-80"), (20, math.inf, "at least 20"),
                                           (0, 10, "up to 10")])
def test_format_interval(low, high, text):
    assert format_interval(low, high) == text


# --------------------------------------------------------------------------- the store, directly
def test_store_round_trip_keeps_ids_and_replaces_a_block(db_url, decided):
    """Figures, series and conflicts written for a block come back equal; writing the block again
    with fewer conflicts drops the stale row and keeps the rest (SQLite file and PostgreSQL)."""
    db = Database(db_url)
    try:
        with db.session() as s:
            from newstrace.store.schema import DocumentRow, QuantityRow

            for d in story().documents:  # the rows figures point at
                s.add(DocumentRow(id=int(d.id[1:]), source=d.source, content_hash=d.id * 32, fingerprint="f" * 64,
                                  outlet=d.outlet, published=d.published, raw_text=d.text, clean_text=d.text))
            s.flush()
            for q in story().quantities:
                s.add(QuantityRow(id=int(q.id[1:]), document_id=int(q.document[1:]), text=q.text, start=q.start,
                                  end=q.end, values=list(q.values), unit=q.unit, kind=q.kind))
        figures = [replace(f, statement=None) for f in decided.figures]  # no statement rows in this store
        blocks = {f.block for f in figures}
        with db.session() as s:
            save_figure_blocks(s, blocks, figures, decided.series, decided.figure_conflicts)
        with db.session() as s:
            stored, series, conflicts = load_figures(s, {})
        assert stored == tuple(replace(f, claim=None) for f in figures)
        assert series == decided.series and conflicts == decided.figure_conflicts
        with db.session() as s:
            save_figure_blocks(s, {"count:barrels:"}, [f for f in figures if f.block == "count:barrels:"],
                               decided.series, ())
        with db.session() as s:
            stored_again, series_again, conflicts_again = load_figures(s, {})
        assert stored_again == stored and series_again == series and conflicts_again == ()
    finally:
        db.close()


# --------------------------------------------------------------------------- the story through the pipeline
def _ingest(db: str, *folders: Path) -> None:
    for folder in folders:
        result = runner.invoke(app, ["--db", db, "ingest", str(folder)])
        assert result.exit_code == 0, result.output


def _export(db: str, path: Path) -> dict:
    result = runner.invoke(app, ["--db", db, "export", "--format", "json", "--output", str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(path.read_text())


def _split_story(tmp: Path) -> tuple[Path, Path]:
    """The story as two batches: January and February, then the rest (two ingest runs)."""
    first, second = tmp / "first", tmp / "second"
    meta = (STORY / "metadata.yaml").read_text().splitlines()
    for folder, names in ((first, ("r1_", "r2_", "r3_")), (second, ("r4_", "r5_"))):
        folder.mkdir()
        for name in names:
            path = next(STORY.glob(name + "*"))
            (folder / path.name).write_text(path.read_text())
        (folder / "metadata.yaml").write_text("\n".join(l for l in meta if l.startswith(names)) + "\n")
    return first, second


@pytest.fixture(scope="module")
def stores(tmp_path_factory, request):
    """{"sqlite": export, "postgresql": export} of the convoy story: SQLite in two runs, PostgreSQL in one."""
    tmp = tmp_path_factory.mktemp("convoys")
    sqlite_db = str(tmp / "story.db")
    _ingest(sqlite_db, *_split_story(tmp))
    out = {"sqlite": (sqlite_db, _export(sqlite_db, tmp / "sqlite.json"))}
    try:
        pg = request.getfixturevalue("pg_server")
    except pytest.skip.Exception:
        return out
    import uuid

    import psycopg

    name = "newstrace_test_" + uuid.uuid4().hex[:10]
    with psycopg.connect(pg, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    pg_db = f"{pg.rsplit('/', 1)[0]}/{name}"
    _ingest(pg_db, STORY)
    out["postgresql"] = (pg_db, _export(pg_db, tmp / "pg.json"))
    yield out
    with psycopg.connect(pg, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _readable(data: dict) -> dict:
    """The export's figures in words: (outlet, as written) for figures, entity names for origins."""
    outlets = {d["id"]: d["outlet"] for d in data["documents"]}
    names = {e["id"]: e["name"] for e in data["entities"]}
    figures = {f["id"]: f for f in data["figures"]["figures"]}
    ref = lambda fid: (outlets[figures[fid]["document"]], figures[fid]["text"])  # noqa: E731
    return {"figures": figures, "ref": ref, "names": names}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def story_export(request, stores):
    if request.param not in stores:
        pytest.skip("no PostgreSQL server")
    return stores[request.param]


def test_story_series_exactly(story_export):
    _db, data = story_export
    r = _readable(data)
    (series,) = data["figures"]["series"]
    assert [r["ref"](f) for f in series["figures"]] == [
        ("Coastal Herald", "about 1,000 containers"), ("Bay Courier", "about 1,000 containers"),
        ("Northern Gazette", "some 4,500 containers"), ("Harbour Times", "about 2,000 containers"),
        ("Coastal Herald", "more than 9,000 containers"), ("Coastal Herald", "8,000 or 10,000 containers")]
    assert (series["periods"], series["trend"], series["cumulative"]) == (["2025-01", "2025-02", "2025-03"],
                                                                         "rising", True)
    coast_guard = {r["figures"][f]["origin"] for f in series["figures"][:3]} | {r["figures"][series["figures"][4]]["origin"]}
    assert len(coast_guard) == 1  # the spokeswoman, relayed by three outlets: one origin


def test_story_conflict_exactly(story_export):
    _db, data = story_export
    r = _readable(data)
    (conflict,) = data["figures"]["conflicts"]  # February only: January is one origin, March's figures overlap
    assert conflict["period"] == "2025-02" and conflict["measure"] == "containers"
    assert [r["ref"](f) for f in conflict["figures"]] == [("Harbour Times", "about 2,000 containers"),
                                                          ("Northern Gazette", "some 4,500 containers")]
    assert r["names"][conflict["origins"][0]] == "Lindqvist Institute"
    assert len(set(conflict["origins"])) == 2
    assert "(2,000 vs 4,500)" in conflict["reason"]


def test_story_figures_exported_with_what_they_count(story_export):
    _db, data = story_export
    r = _readable(data)
    by_text = {(data_f["text"]): data_f for data_f in r["figures"].values()}
    either = by_text["8,000 or 10,000 containers"]
    assert (either["values"], either["range"], either["date"]) == ([8000.0, 10000.0], True, "2025-03-17")
    first = by_text["some 4,500 containers"]
    assert (first["counted"], first["date"], first["date_from"], first["cumulative"]) == (
        "containers of artillery shells", "2025-02-18", "text", True)  # "on Tuesday", not "since December"
    statements = {s["id"]: s for s in data["statements"]}
    assert "4,500 containers" in statements[first["statement"]]["sentence"]
    assert first["quantities"][0] in {q["id"] for q in data["quantities"]}
    assert by_text["more than 9,000 containers"]["at_least"] is True
    assert "9,000 containers" not in by_text  # the headline repeats the report's figure; it is not one of its own


def test_story_brief_reads_the_stored_figures(story_export, tmp_path):
    db, _data = story_export
    out = tmp_path / "brief.md"
    result = runner.invoke(app, ["--db", db, "brief", "--output", str(out)])
    assert result.exit_code == 0, result.output
    md = out.read_text()
    figures = md[md.index("## Conflicting figures"):md.index("## Figures over time")]
    assert "### Containers, 2025-02" in figures and figures.count("### ") == 1
    assert "| 2,000 | about 2,000 containers | Lindqvist Institute | Harbour Times | 2025-02-25 |" in figures
    series = md[md.index("## Figures over time"):md.index("## Timeline of reported events")]
    assert "### Containers: rising (running total)" in series
    assert [l.split(" | ")[1] for l in series.splitlines() if l.startswith("| 2025")] == [
        "1,000", "1,000", "4,500", "2,000", "9,000+", "8,000–10,000"]
    assert "How many containers in 2025-02? (2,000 vs 4,500)" in md


def test_story_csv_export_has_figure_tables(stores, tmp_path):
    db, _data = stores["sqlite"]
    result = runner.invoke(app, ["--db", db, "export", "--format", "csv", "--output", str(tmp_path / "csv")])
    assert result.exit_code == 0, result.output
    for name in ("figures.csv", "figures_series.csv", "figures_conflicts.csv"):
        assert (tmp_path / "csv" / name).read_text().count("\n") >= 2, name
