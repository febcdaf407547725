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


# ------------------------------------------------------------------ issue 11, items 1-7
RELAY = ROOT / "tests" / "data" / "workbench_relay"


def statements_of(wb, claim_id: str) -> set[str]:
    return {s["id"] for s in wb.claim(claim_id)["statements"]}


def test_split_claim_survives_a_later_ingest_and_undo_restores_it(wb):
    claim = max(wb.claims(per_page=200).items, key=lambda c: len(statements_of(wb, c["id"])))
    members = wb.claim(claim["id"])["statements"]
    assert len(members) >= 3
    wire = {s["id"] for s in members if s["outlet"] == "Northern Wire"}  # the union's two statements
    assert 0 < len(wire) < len(members)
    d = wb.split_claim(claim["id"], sorted(wire), note="the union's account is a claim of its own", author="test")
    new_id = d["payload"]["new_claim"]
    assert d["kind"] == "split_claim" and d["active"] and new_id != claim["id"]
    assert statements_of(wb, new_id) == wire
    assert statements_of(wb, claim["id"]) == {s["id"] for s in members} - wire
    split_off = wb.claim(new_id)
    assert split_off["summary"] and split_off["status"] in ("alleged", "corroborated", "disputed")
    assert split_off["reasons"]  # analysed at once, like every correction

    assert wb.ingest([str(MORE)]).count("stored") == 1
    assert wire <= statements_of(wb, new_id)  # the split held over the ingest
    assert not wire & statements_of(wb, claim["id"])

    wb.undo(d["id"], author="test")
    assert {s["id"] for s in members} <= statements_of(wb, claim["id"])
    with pytest.raises(NotFound):
        wb.claim(new_id)


def test_bad_claim_splits_name_the_problem_and_change_nothing(wb):
    claim = max(wb.claims(per_page=200).items, key=lambda c: len(statements_of(wb, c["id"])))
    mine = sorted(statements_of(wb, claim["id"]), key=lambda s: int(s[1:]))
    stranger = next(s["id"] for s in wb.statements(per_page=200).items if s["id"] not in mine)
    for ids, words in ((mine, "at least one statement"), ([stranger], "not in claim"), ([], "needs the ids")):
        with pytest.raises(DecisionError) as info:
            wb.split_claim(claim["id"], ids)
        assert words in str(info.value) and info.value.code == "E061"
    assert wb.decisions().total == 0 and statements_of(wb, claim["id"]) == set(mine)


def test_claims_filter_by_origin_and_date_and_the_matrix_agrees_with_the_status(wb):
    from newstrace.errors import OptionError

    ministry = entity_named(wb, "Ministry of Trade")["id"]
    by_ministry = wb.claims(origin=ministry, per_page=200)
    assert by_ministry.total >= 1
    assert all(ministry in {o["id"] for o in wb.claim(c["id"])["origins"] + wb.claim(c["id"])["deniers"]}
               for c in by_ministry.items)
    assert wb.claims(origin="e99999").total == 0
    late = wb.claims(since="2026-03-05", per_page=200)
    assert late.total > 0 and all(c["first_reported"] >= "2026-03-05" for c in late.items)
    early = wb.claims(until="2026-03-04", per_page=200)
    assert late.total + early.total == wb.claims(per_page=200).total
    with pytest.raises(OptionError) as info:
        wb.claims(since="2026-02-30")
    assert info.value.code == "E041" and "YYYY-MM-DD" in str(info.value)

    matrix = wb.claims_matrix(per_page=200)
    assert matrix["page"]["total"] == wb.claims().total and len(matrix["rows"]) == matrix["page"]["total"]
    columns = [c["id"] for c in matrix["columns"]]
    for row in matrix["rows"]:
        claim = wb.claim(row["id"])
        deniers = {o["id"] for o in claim["deniers"]}
        cells = dict(zip(columns, row["cells"]))
        assert {o for o, cell in cells.items() if cell == "denies"} == deniers
        assert {o for o, cell in cells.items() if cell in ("supports", "hedges")} == {o["id"] for o in claim["origins"]}
        assert (row["status"] == "disputed") == bool(deniers)
    assert {cell for row in matrix["rows"] for cell in row["cells"]} >= {"supports", "denies", None}
    first = wb.claims_matrix(origin=ministry)["columns"][0]
    assert first["id"] == ministry and first["label"] == "Ministry of Trade"


def test_what_changed_since_a_date(wb):
    from newstrace.errors import OptionError

    quiet = wb.overview(since="2026-03-07")["changes"]
    assert (quiet["reports_total"], quiet["claims_total"], quiet["status_changes"]) == (0, 0, [])
    assert "changes" not in wb.overview()
    known = {r["id"] for r in wb.reports().items}
    wb.ingest([str(MORE)])  # undated (so counted from its ingest): a denial of an alleged claim
    changes = wb.overview(since="2026-03-07")["changes"]
    assert changes["reports_total"] == 1 and changes["reports"][0]["id"] not in known
    moved = [c for c in changes["status_changes"] if c["why"] == "reports published since"]
    assert moved and all(c["was"] != c["now"] and wb.claim(c["id"])["status"] == c["now"] for c in moved)
    claim = wb.claims().items[0]["id"]
    wb.set_claim_status(claim, "corroborated", note="records seen", author="test")
    by_hand = [c for c in wb.overview(since="2026-01-01")["changes"]["status_changes"] if c["why"].startswith("set by hand")]
    assert [(c["id"], c["now"]) for c in by_hand] == [(claim, "corroborated")] and "records seen" in by_hand[0]["why"]
    with pytest.raises(OptionError):
        wb.overview(since="yesterday")


def test_a_claim_shows_its_figures_and_an_alleged_one_its_nearest_claims(wb):
    with_figures = [wb.claim(c["id"]) for c in wb.claims(per_page=200).items]
    with_figures = [c for c in with_figures if c["figures"]["figures"]]
    assert with_figures
    f = with_figures[0]["figures"]["figures"][0]
    assert f["amount"] == "3" and f["counted"] == "cargo ships" and f["statement"] in statements_of(wb, with_figures[0]["id"])
    for c in wb.claims(per_page=200).items:
        claim = wb.claim(c["id"])
        if claim["status"] != "alleged":
            assert claim["nearest"] == []
            continue
        for n in claim["nearest"]:
            assert n["id"] != claim["id"] and 0.45 <= n["similarity"] <= 1.0
            assert n["via"][0] in statements_of(wb, claim["id"]) and n["via"][1] in statements_of(wb, n["id"])
    permits = next(c for c in wb.claims(per_page=200).items if "permits" in c["summary"])
    assert wb.claim(permits["id"])["nearest"]  # "inspectors checked three grain ships" is near the held ships
    before = wb._vectors.size()
    wb.ingest([str(MORE)])  # the index catches up with statements stored since, on the next call
    wb.claim(permits["id"])
    clustered = sum(1 for s in wb.statements(per_page=200).items if s["claim"])  # those have vectors
    assert before < wb._vectors.size() == clustered


def test_timeline_places_and_copies(wb):
    days = wb.timeline().items
    assert [d["date"] for d in days] == sorted(d["date"] for d in days)
    assert [(d["date"], d["reports"]) for d in days if d["reports"]] == [("2026-03-03", 1), ("2026-03-04", 1),
                                                                         ("2026-03-06", 1)]
    assert sum(d["statements"] for d in days) == wb.statements().total
    assert sum(d["first_total"] for d in days) == wb.claims().total
    assert [d["date"] for d in wb.timeline(since="2026-03-04", until="2026-03-04").items] == ["2026-03-04"]

    wb.ingest([str(RELAY)])  # a copy of the union report that names Lisbon
    copy = next(r for r in wb.reports().items if r["outlet"] == "Harbour Post")
    original = next(r for r in wb.reports().items if r["outlet"] == "Northern Wire")
    relations = wb.report(copy["id"])["copies"]
    assert [(r["report"], r["direction"]) for r in relations] == [(original["id"], "repeats")]
    assert relations[0]["kind"] in ("exact", "near_duplicate", "syndicated", "shared_passage")
    assert [(r["report"], r["direction"]) for r in wb.report(original["id"])["copies"]] == [(copy["id"], "repeated_by")]

    view = wb.places(per_page=200)
    lisbon = next(p for p in view["places"] if p["name"] == "Lisbon")
    assert round(lisbon["lat"]) == 39 and lisbon["claims"]
    assert "<svg" in view["svg"] and 'data-name="Lisbon"' in view["svg"]
    one = wb.places(claim=lisbon["claims"][0])
    assert [p["name"] for c in one["claims"] for p in c["places"]] == ["Lisbon"]
    with pytest.raises(NotFound):
        wb.places(claim="c99999")
    removed = wb.report(copy["id"], removed=True)["removed"]
    assert all(r["start"] < r["end"] for r in removed)


@pytest.mark.postgres
def test_postgres_origin_filter_matrix_changes_and_split(pg_url):
    with newstrace.open(pg_url) as wb:
        wb.ingest([str(STORY)])
        ministry = entity_named(wb, "Ministry of Trade")["id"]
        assert wb.claims(origin=ministry).total >= 1 and wb.claims(origin="e99999").total == 0
        assert wb.claims(since="2026-03-05").total > 0
        assert {"supports", "denies"} <= {c for r in wb.claims_matrix()["rows"] for c in r["cells"]}
        assert wb.overview(since="2026-03-05")["changes"]["reports_total"] == 1
        claim = max(wb.claims(per_page=200).items, key=lambda c: len(statements_of(wb, c["id"])))
        keep, *move = sorted(statements_of(wb, claim["id"]))
        d = wb.split_claim(claim["id"], move)
        assert statements_of(wb, d["payload"]["new_claim"]) == set(move)
        wb.undo(d["id"])
        assert statements_of(wb, claim["id"]) == {keep, *move}
        assert wb.timeline().total >= 3
        wb.ingest([str(RELAY)])
        assert any(r["copies"] for r in (wb.report(x["id"]) for x in wb.reports().items))
        assert "Lisbon" in {p["name"] for p in wb.places(per_page=200)["places"]}
        assert wb.claim(claim["id"], 1, 2)["statements_page"]["per_page"] == 2
        assert wb.search("inspectors").total > 0


def test_the_brief_shows_a_status_set_by_hand_not_a_recomputed_one(wb):
    """The brief reads the stored analysis: an analyst's status stands there as in the export."""
    from newstrace import api
    from newstrace.report.brief import build_brief

    alleged = wb.claims(status="alleged", per_page=1).items[0]["id"]
    wb.set_claim_status(alleged, "disputed", note="the port denied it in writing", author="test")
    ledger = api.ledger(wb.settings)
    assert ledger.analysed and {c.id: c.status for c in ledger.claims}[alleged] == "disputed"
    shown = {c["id"]: status for status, views in build_brief(ledger)["claims_by_status"] for c in views}
    assert shown[alleged] == "disputed"
