"""Joint statements: every party to "A and B said" is a speaker, stored, exported and counted as an origin.

All text is invented for these tests (fictional states, people and organisations).
"""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select

import newstrace

from conftest import one_with_cue, parse_and_extract
from newstrace import api
from newstrace.extract.joint import is_reporting_cue
from newstrace.model import Ledger, LedgerClaim, LedgerDocument, LedgerEntity, LedgerStatement
from newstrace.report.brief import render_brief
from newstrace.report.export import ledger_to_dict
from newstrace.resolve.status import analyse_claims
from newstrace.settings import load_settings
from newstrace.store.co_speakers import claims_co_spoken_by, repoint_co_speakers
from newstrace.store.db import Database, head_revisions
from newstrace.store.repository import load_ledger, save_report
from newstrace.store.schema import EntityRow, StatementRow
from newstrace.web.app import make_app
from test_store import processed_report


# ------------------------------------------------------------------ extraction
@pytest.mark.parametrize("text,cue,speaker,co", [
    ("Anna Varga and Piet Alder told reporters the harbour would stay closed until Friday.",
     "told", "Anna Varga", ["Piet Alder"]),
    ("The Ruritanian Foreign Ministry and the Bordurian Defence Ministry denied that any shipment had left port.",
     "denied", "Ruritanian Foreign Ministry", ["Bordurian Defence Ministry"]),
    ("Anna Varga, Piet Alder and Lotte Brandvik said the ferry would sail again in May.",
     "said", "Anna Varga", ["Piet Alder", "Lotte Brandvik"]),
    ("According to Anna Varga and Piet Alder, the ferry would sail again in May.",
     "According to", "Anna Varga", ["Piet Alder"]),
])
def test_each_party_of_a_coordinated_source_is_found(nlp, text, cue, speaker, co):
    _, stmts = parse_and_extract(nlp, text)
    st = one_with_cue(stmts, cue)
    assert st.speaker_name == speaker
    assert [c.name for c in st.co_speakers] == co
    assert all(c.text in text for c in st.co_speakers)


def test_the_ministers_of_two_states_speak_for_both(nlp):
    text = "The foreign ministers of Ruritania and Borduria said the border crossing would reopen on Monday."
    _, stmts = parse_and_extract(nlp, text)
    st = one_with_cue(stmts, "said")
    assert {st.speaker_name, *(c.name for c in st.co_speakers)} == {"Ruritania", "Borduria"}
    assert st.speaker_text == "The foreign ministers of Ruritania and Borduria"  # the source span is unchanged


def test_a_quotation_running_on_keeps_its_parties(nlp):
    text = ("\u201cThe harbour is closed,\u201d said Anna Varga and Piet Alder. "
            "\u201cIt will stay closed all winter.\u201d")
    _, stmts = parse_and_extract(nlp, text)
    assert len(stmts) == 2
    assert all([c.name for c in s.co_speakers] == ["Piet Alder"] for s in stmts)


@pytest.mark.parametrize("text", [
    "Anna Varga, the Ruritanian envoy, said the harbour would stay closed until Friday.",  # apposition
    "Kestrel Holdings, Anna Varga's spokesman, said the harbour would stay closed until Friday.",  # X, Y's spokesman
    "Anna Varga and his aides said the harbour would stay closed until Friday.",  # no name: not a party
    "Anna Varga and other officials said the harbour would stay closed until Friday.",
    "Anna Varga or Piet Alder said the harbour would stay closed until Friday.",  # not "and"
])
def test_no_co_speaker_without_a_second_named_party(nlp, text):
    _, stmts = parse_and_extract(nlp, text)
    st = one_with_cue(stmts, "said")
    assert st.speaker_name in ("Anna Varga", "Kestrel Holdings")
    assert st.co_speakers == ()


def test_only_a_reporting_cue_makes_a_joint_statement():
    # "A and B are looking to build ..." (a cue the tagger may read) is something they do together
    assert not is_reporting_cue("look") and not is_reporting_cue("know")
    assert all(is_reporting_cue(w) for w in ("say", "deny", "tell", "statement", "according"))


# ------------------------------------------------------------------ status
def _doc(i: str, outlet: str) -> LedgerDocument:
    return LedgerDocument(id=i, source=f"{i}.txt", title=None, outlet=outlet, published="2025-03-04",
                          published_from="metadata", text="")


def _st(sid: str, speaker: str, co: tuple[str, ...] = (), stance: str = "assert", document: str = "d1",
        content: str = "ferry service across the Strait of Kell will resume in April") -> LedgerStatement:
    return LedgerStatement(id=sid, document=document, sentence=f"They said {content}.", sentence_index=1,
                           speaker=speaker, speaker_text="", cue="said", stance=stance, content=content, start=10,
                           end=80, quote_type="indirect", claim="c1", co_speakers=co)


STATES = (LedgerEntity("e1", "Ruritanian Foreign Ministry", "ORG", parent="e3"),
          LedgerEntity("e2", "Bordurian Foreign Ministry", "ORG", parent="e4"),
          LedgerEntity("e3", "Ruritania", "GPE"), LedgerEntity("e4", "Borduria", "GPE"),
          LedgerEntity("e5", "Ruritanian Transport Ministry", "ORG", parent="e3"),
          LedgerEntity("e6", "Kell Strait Institute", "ORG"))


def _analysed(*statements: LedgerStatement) -> LedgerClaim:
    ledger = Ledger(documents=(_doc("d1", "Harbour Gazette"), _doc("d2", "Vosk Wire")), entities=STATES,
                    statements=statements,
                    claims=(LedgerClaim("c1", "ferry service", tuple(s.id for s in statements)),))
    (claim,) = analyse_claims(ledger).claims
    return claim


def test_a_joint_statement_of_two_states_counts_two_origins():
    claim = _analysed(_st("s1", "e1", ("e2",)))
    assert set(claim.origins) == {"e3", "e4"}
    assert claim.status == "corroborated"  # the parties state literally the same proposition
    assert "joint statement: d1 sentence 2" in claim.reasons


def test_a_joint_statement_of_two_bodies_of_one_state_is_one_origin():
    claim = _analysed(_st("s1", "e1", ("e5",)))
    assert claim.origins == ("e3",)
    assert claim.status == "alleged"


def test_a_joint_denial_is_a_denial_by_each_party():
    claim = _analysed(_st("s1", "e6", document="d2"), _st("s2", "e1", ("e2",), stance="deny"))
    assert claim.status == "disputed"
    assert set(claim.deniers) == {"e3", "e4"}
    assert claim.origins == ("e6",)


def test_the_brief_names_every_party():
    statements = (_st("s1", "e1", ("e2",), stance="deny"),)
    ledger = Ledger(documents=(_doc("d1", "Harbour Gazette"),), entities=STATES, statements=statements,
                    claims=(LedgerClaim("c1", "ferry service <resumes>", ("s1",)),))
    for fmt in ("md", "html"):
        text = render_brief(ledger, fmt=fmt)
        assert "Joint statement (denied) by Ruritanian Foreign Ministry and Bordurian Foreign Ministry" in text
        assert "<resumes>" not in text  # escaped like every other value


# ------------------------------------------------------------------ store
def test_co_speakers_round_trip_and_follow_a_merge(db_url):
    db = Database(db_url)
    assert "co_speakers" in {c["name"] for c in inspect(db.engine).get_columns("statements")}
    with db.session() as s:
        doc = save_report(s, processed_report())
        for key, name in (("k1", "Ruritanian Foreign Ministry"), ("k2", "Bordurian Foreign Ministry"),
                          ("k3", "Borduria Foreign Ministry")):
            s.add(EntityRow(key=key, name=name, type="ORG", aliases=[], roles=[], merges=[], state={}))
        row = s.scalars(select(StatementRow).where(StatementRow.document_id == doc.id)).one()
        row.speaker_key, row.co_speakers, row.claim_key = "k1", ["k3"], "claim-a"
    with db.session() as s:
        assert claims_co_spoken_by(s, ["k3"]) == {"claim-a"}
        assert claims_co_spoken_by(s, ["k", "3", "k_"]) == set()  # a key is matched whole, not as a part
        repoint_co_speakers(s, "k3", "k2")  # the resolver merged k3 into k2
    with db.session() as s:
        ledger = load_ledger(s)
        (st,) = ledger.statements
        ids = {e.name: e.id for e in ledger.entities}
        assert st.co_speakers == (ids["Bordurian Foreign Ministry"],)
        assert ledger_to_dict(ledger)["statements"][0]["co_speakers"] == [ids["Bordurian Foreign Ministry"]]
        single = s.scalars(select(StatementRow)).one()
    assert single.co_speakers == ["k2"]


def test_undoing_a_merge_gives_a_joint_statement_its_parties_back(db_url):
    from newstrace.corrections import record_decision, undo_decision

    db = Database(db_url)
    with db.session() as s:
        doc = save_report(s, processed_report())
        rows = {}
        for key, name in (("k1", "Ruritanian Foreign Ministry"), ("k2", "Bordurian Foreign Ministry"),
                          ("k3", "Bordurian Coast Guard")):
            rows[key] = EntityRow(key=key, name=name, type="ORG", aliases=[], roles=[], merges=[], state={})
            s.add(rows[key])
        s.flush()
        ids = {k: f"e{r.id}" for k, r in rows.items()}
        row = s.scalars(select(StatementRow).where(StatementRow.document_id == doc.id)).one()
        row.speaker_key, row.co_speakers = "k1", ["k3"]

    def parties() -> list[str] | None:
        with db.session() as s:
            return s.scalars(select(StatementRow)).one().co_speakers

    decision = record_decision(db, "merge_entities", {"ids": [ids["k2"], ids["k3"]]}, "wrong merge", "tester")
    assert parties() == ["k2"]  # the merge repoints the party
    undo_decision(db, decision["id"], "tester")
    assert parties() == ["k3"]  # and its undo gives it back
    with db.session() as s:
        assert {e.key for e in s.scalars(select(EntityRow))} == {"k1", "k2", "k3"}


def test_a_store_made_before_joint_speakers_is_migrated(db_url):
    from importlib.resources import files

    from alembic import command
    from alembic.config import Config

    from newstrace.store.db import make_engine

    engine = make_engine(db_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(files("newstrace.store").joinpath("migrations")))
    with engine.begin() as conn:  # the schema as it was before migration 0005
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
    assert "co_speakers" not in {c["name"] for c in inspect(engine).get_columns("statements")}
    engine.dispose()
    db = Database(db_url)  # opening migrates to the newest revision
    with db.session() as s:
        save_report(s, processed_report())
    with db.session() as s:
        (st,) = load_ledger(s).statements
    assert st.co_speakers == ()
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() in head_revisions()


REPORT = """Ferry talks end with a deal

The Ruritanian Foreign Ministry and the Bordurian Foreign Ministry said in a joint statement on Tuesday that ferry service across the Strait of Kell would resume in April.

The talks in Vosk lasted two days.
"""


def test_a_joint_statement_through_the_pipeline(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a_gazette.txt").write_text(REPORT, encoding="utf-8")
    (folder / "metadata.yaml").write_text('a_gazette.txt: {outlet: Harbour Gazette, published: "2025-03-04"}\n')
    settings = load_settings(db=f"sqlite:///{tmp_path / 'store.db'}")
    api.ingest([str(folder)], settings)
    ledger = api.ledger(settings)
    names = {e.id: e.name for e in ledger.entities}
    st = next(s for s in ledger.statements if s.co_speakers)
    assert names[st.speaker] == "Ruritanian Foreign Ministry"
    assert [names[e] for e in st.co_speakers] == ["Bordurian Foreign Ministry"]
    claim = next(c for c in ledger.claims if c.id == st.claim)
    assert len(claim.origins) == 2 and claim.status == "corroborated"
    assert any(r.startswith("joint statement: ") for r in claim.reasons)
    exported = ledger_to_dict(ledger)
    assert any(s["co_speakers"] for s in exported["statements"])
    with newstrace.open(str(tmp_path / "store.db")) as wb:  # the workbench and its claim page list both parties
        item = next(x for x in wb.claim(claim.id)["statements"] if x["id"] == st.id)
        assert [c["name"] for c in item["co_speakers"]] == ["Bordurian Foreign Ministry"]
        page = TestClient(make_app(wb, "test-token-joint")).get(f"/claims/{claim.id}").text
    co = item["co_speakers"][0]
    assert f'<a href="/entities/{co["id"]}" class="speaker-link">Bordurian Foreign Ministry</a>' in page
    assert "(joint statement)" in page
