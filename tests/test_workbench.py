"""The workbench API (`newstrace.open`) on real stores built by ingesting invented reports:
reads, search, and corrections stored as decisions that survive later ingests and undo cleanly."""
from __future__ import annotations

import json
import shutil

import pytest

import newstrace
from conftest import ROOT
from newstrace.errors import DecisionError, NotFound

STORY = ROOT / "tests" / "data" / "workbench"
MORE = ROOT / "tests" / "data" / "workbench_more"


@pytest.fixture(scope="module")
def built_store(tmp_path_factory):
    """A SQLite store of the three invented harbour reports, ingested once for the module."""
    path = tmp_path_factory.mktemp("wb") / "base.db"
    with newstrace.open(str(path)) as wb:
        summary = wb.ingest([str(STORY)])
        assert summary.count("stored") == 3
    return path


@pytest.fixture
def wb(built_store, tmp_path):
    """A private copy of the built store, opened once."""
    path = tmp_path / "store.db"
    shutil.copy(built_store, path)
    with newstrace.open(str(path)) as bench:
        yield bench


def entity_named(wb, name: str) -> dict:
    hits = [e for e in wb.entities(q=name, per_page=200).items if e["name"] == name or name in e["aliases"]]
    assert hits, [e["name"] for e in wb.entities(per_page=200).items]
    return hits[0]


def spoken_by(wb, entity_id: str) -> set[str]:
    return {s["id"] for s in wb.statements(speaker=entity_id, per_page=200).items}


def test_reads_answer_with_pages_and_marked_sentences(wb):
    view = wb.overview()
    assert view["reports"] == 3 and view["claims"] == sum(view["claims_by_status"].values()) > 0
    first = wb.claims(per_page=2)
    assert len(first.items) == 2 and first.total == view["claims"] and first.pages == -(-first.total // 2)
    assert {c["id"] for c in first.items}.isdisjoint(c["id"] for c in wb.claims(page=2, per_page=2).items)
    courier = wb.claims(outlet="Velmora Courier")
    assert 0 < courier.total < view["claims"]
    disputed = wb.claims(status="disputed")
    assert all(c["status"] == "disputed" for c in disputed.items)
    claim = wb.claim(disputed.items[0]["id"])
    assert claim["reasons"] and claim["statements"]
    marked = {seg["cls"]: seg["text"] for st in claim["statements"] for seg in st["segments"] if seg["cls"]}
    assert {"speaker", "cue", "content"} <= set(marked)
    for st in claim["statements"]:  # the segments put the sentence back together, nothing lost
        assert "".join(seg["text"] for seg in st["segments"]) == st["sentence"]
    report = wb.report(claim["statements"][0]["document"])
    assert "".join(seg["text"] for seg in report["segments"]) == report["text"]
    assert any(seg["cls"] == "statement" and seg["ref"] == claim["id"] for seg in report["segments"])
    assert wb.reports(outlet="Northern Wire").total == 1


def test_search_finds_reports_and_statements_by_word(wb):
    hits = wb.search("inspectors")
    kinds = {h["kind"] for h in hits.items}
    assert kinds == {"report", "statement"} and hits.total == len(hits.items)
    assert all(any(seg["cls"] == "hit" and seg["text"].lower().startswith("inspector") for seg in h["snippet"])
               for h in hits.items)
    assert wb.search("zeppelin").total == 0
    assert wb.search('"unbalanced AND (').total == 0  # user text never reaches the query syntax


def test_merge_survives_a_later_ingest_and_undo_restores_it(wb):
    ana, initial = entity_named(wb, "Ana Kessler"), entity_named(wb, "A. Kessler")
    assert ana["id"] != initial["id"]
    before_ana, before_initial = spoken_by(wb, ana["id"]), spoken_by(wb, initial["id"])
    decision = wb.merge_entities([ana["id"], initial["id"]], note="the same union spokeswoman", author="test")
    assert decision["active"] and decision["author"] == "test"
    assert spoken_by(wb, ana["id"]) == before_ana | before_initial
    with pytest.raises(NotFound):
        wb.entity(initial["id"])
    merged = wb.entity(ana["id"])
    assert any(m["rule"] == "manual" and m["evidence"] == "the same union spokeswoman" for m in merged["merges"])

    assert wb.ingest([str(MORE)]).count("stored") == 1  # mentions "A. Kessler" again
    kesslers = [e for e in wb.entities(q="kessler").items]
    assert [e["id"] for e in kesslers] == [ana["id"]]  # the merge held: no second Kessler came back
    after = spoken_by(wb, ana["id"])
    assert len(after) == len(before_ana | before_initial) + 1

    wb.undo(decision["id"], author="test")
    assert spoken_by(wb, ana["id"]) == before_ana
    restored = wb.entity(initial["id"])
    assert restored["name"] == "A. Kessler"
    assert before_initial < spoken_by(wb, initial["id"])  # and the later report's quote goes with it
    assert [d["active"] for d in wb.decisions().items] == [False]
    with pytest.raises(DecisionError):
        wb.undo(decision["id"])


def test_statement_and_claim_corrections_hold_after_ingest_and_undo(wb):
    claim = wb.claims(status="disputed").items[0]
    st = wb.claim(claim["id"])["statements"][0]
    other_claim = next(c for c in wb.claims(per_page=200).items if c["id"] != claim["id"])
    ridell = entity_named(wb, "Tomas Ridell")
    varga = entity_named(wb, "Lena Varga")
    new_stance = "hedge" if st["stance"] != "hedge" else "assert"

    status = wb.set_claim_status(claim["id"], "corroborated", note="confirmed by port records")
    stance = wb.set_stance(st["id"], new_stance)
    speaker = wb.set_speaker(st["id"], varga["id"], note="misattributed")
    assert wb.claim(claim["id"])["status"] == "corroborated"
    assert wb.claim(claim["id"])["reasons"][0].startswith("set by hand to corroborated")

    wb.ingest([str(MORE)])
    kept = next(s for s in wb.claim(claim["id"])["statements"] if s["id"] == st["id"])
    assert wb.claim(claim["id"])["status"] == "corroborated"
    assert kept["stance"] == new_stance and kept["speaker"] == varga["id"]

    moved = wb.move_statement(st["id"], other_claim["id"])
    assert st["id"] in {s["id"] for s in wb.claim(other_claim["id"])["statements"]}
    for d in (moved, speaker, stance, status):
        wb.undo(d["id"])
    back = next(s for s in wb.claim(claim["id"])["statements"] if s["id"] == st["id"])
    assert back["stance"] == st["stance"] and back["speaker"] == st["speaker"]
    assert not wb.claim(claim["id"])["reasons"][0].startswith("set by hand")
    assert ridell["id"]  # the original speaker entity is untouched by the round trip
    assert wb.entity(ridell["id"])["name"] == "Tomas Ridell"


def test_split_entity_moves_a_name_and_its_statements(wb):
    ridell = entity_named(wb, "Tomas Ridell")
    assert "Ridell" in ridell["aliases"]
    before = spoken_by(wb, ridell["id"])
    d = wb.split_entity(ridell["id"], ["Ridell"], note="a different Ridell")
    new_id = next(e["id"] for e in wb.entities(q="ridell").items if e["id"] != ridell["id"])
    assert spoken_by(wb, new_id) and spoken_by(wb, new_id) | spoken_by(wb, ridell["id"]) == before
    assert "Ridell" not in wb.entity(ridell["id"])["aliases"]
    wb.undo(d["id"])
    assert spoken_by(wb, ridell["id"]) == before
    assert [e["id"] for e in wb.entities(q="ridell").items] == [ridell["id"]]


@pytest.mark.parametrize("call, error", [
    (lambda wb: wb.merge_entities(["e1"]), DecisionError),
    (lambda wb: wb.merge_entities(["e1", "e99999"]), NotFound),
    (lambda wb: wb.set_stance("s1", "maybe"), DecisionError),
    (lambda wb: wb.set_claim_status("c1", "true"), DecisionError),
    (lambda wb: wb.set_speaker("statement-1", "e1"), DecisionError),
    (lambda wb: wb.claim("c99999"), NotFound),
    (lambda wb: wb.undo(12345), NotFound),
])
def test_bad_corrections_name_the_input_and_change_nothing(wb, call, error):
    with pytest.raises(error) as info:
        call(wb)
    assert info.value.code in ("E060", "E061")
    assert wb.decisions().total == 0


def test_decisions_are_exported(wb, tmp_path):
    ana, initial = entity_named(wb, "Ana Kessler"), entity_named(wb, "A. Kessler")
    d = wb.merge_entities([ana["id"], initial["id"]], note="same person")
    from newstrace.report.export import write_json

    out = tmp_path / "ledger.json"
    write_json(wb.ledger(), str(out))
    exported = json.loads(out.read_text())["decisions"]
    assert [(x["id"], x["kind"], x["note"], x["undone_at"]) for x in exported] == [(d["id"], "merge_entities",
                                                                                  "same person", None)]


@pytest.mark.postgres
def test_postgres_search_and_merge_undo(pg_url):
    with newstrace.open(pg_url) as wb:
        wb.ingest([str(STORY)])
        hits = wb.search("inspectors")
        assert {h["kind"] for h in hits.items} == {"report", "statement"}
        assert any(seg["cls"] == "hit" for h in hits.items for seg in h["snippet"])
        ana, initial = entity_named(wb, "Ana Kessler"), entity_named(wb, "A. Kessler")
        before = spoken_by(wb, ana["id"])
        d = wb.merge_entities([ana["id"], initial["id"]])
        assert spoken_by(wb, ana["id"]) > before
        wb.undo(d["id"])
        assert spoken_by(wb, ana["id"]) == before and wb.entity(initial["id"])["name"] == "A. Kessler"
