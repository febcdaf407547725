"""The store on real SQLite files and real PostgreSQL databases: schema, round trip, atomicity, WAL."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, inspect, select

from newstrace.model import (CleanReport, Extraction, Mention, OffsetMap, ProcessedReport, Quantity,
                             RawReport, Removal, Statement, TimeExpr)
from newstrace.store.db import Database, database_url
from newstrace.store.repository import find_document, load_ledger, save_report
from newstrace.store.schema import DocumentRow, StatementRow

RAW = "Harbour talks stall\n\nThe port authority said on Monday that 40 cranes were idle.\nSubscribe now!\n"


def processed_report(text: str = RAW) -> ProcessedReport:
    clean_text = text.replace("Subscribe now!\n", "")
    raw = RawReport(source="harbour.txt", text=text, title="Harbour talks stall", outlet="Quay Times",
                    published="2024-03-05", published_from="metadata")
    start = clean_text.index("The port")
    cue = clean_text.index("said")
    content = clean_text.index("on Monday")
    statement = Statement(sentence=1, sentence_text=clean_text[start:clean_text.index("\n", start)], start=start,
                          end=clean_text.index("\n", start), speaker_text="The port authority",
                          speaker_name="port authority", speaker_label="ORG", speaker_mention=0, cue="said",
                          content=clean_text[content:clean_text.index("\n", start)], quote_type="indirect",
                          stance="assert", speaker_spans=((start, cue - 1),), cue_spans=((cue, cue + 4),),
                          content_spans=((content, clean_text.index("\n", start)),))
    quantity_at = clean_text.index("40 cranes")
    extraction = Extraction(
        mentions=(Mention("The port authority", "port authority", "ORG", start, cue - 1, 1),),
        statements=(statement,),
        quantities=(Quantity("40 cranes", quantity_at, quantity_at + 9, (40.0,), "cranes", statement=0),),
        times=(TimeExpr("on Monday", content, content + 9, "2024-03-04", "day", statement=0),))
    removal_at = text.index("Subscribe")
    clean = CleanReport(raw=raw, text=clean_text, offsets=OffsetMap(((0, 0, len(clean_text)),), len(clean_text)),
                        removals=(Removal("subscription", removal_at, removal_at + 15, "Subscribe now!", "lexicon"),),
                        fingerprint="f" * 64)
    return ProcessedReport(raw, clean, extraction, raw.published, raw.published_from)


def test_plain_path_means_sqlite_file(tmp_path):
    assert database_url(str(tmp_path / "x.db")) == "sqlite:///" + str(tmp_path / "x.db")
    assert database_url("postgresql://h/db") == "postgresql://h/db"


def test_migrations_create_every_table(db_url):
    db = Database(db_url)
    tables = set(inspect(db.engine).get_table_names())
    assert {"documents", "problems", "removals", "repairs", "relations", "entities", "mentions", "statements",
            "quantities", "times", "claims", "alembic_version"} <= tables
    Database(db_url)  # opening again is a no-op migration


def test_report_round_trip(db_url):
    db = Database(db_url)
    with db.session() as s:
        save_report(s, processed_report())
    with db.session() as s:
        assert find_document(s, RAW) is not None
        ledger = load_ledger(s)
    (doc,) = ledger.documents
    assert doc.outlet == "Quay Times" and doc.published == "2024-03-05" and doc.published_from == "metadata"
    assert doc.removals[0].kind == "subscription"
    (st,) = ledger.statements
    assert st.cue == "said" and st.stance == "assert"
    s0, e0 = st.spans["content"][0]
    assert RAW[s0:e0].startswith("on Monday")  # spans are offsets into the original text
    assert ledger.quantities[0].statement == st.id and ledger.times[0].value == "2024-03-04"


def test_a_failing_report_leaves_no_partial_rows(db_url):
    db = Database(db_url)
    with pytest.raises(RuntimeError):
        with db.session() as s:
            save_report(s, processed_report())
            s.flush()
            raise RuntimeError("crash after the rows were written")
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(DocumentRow)) == 0
        assert s.scalar(select(func.count()).select_from(StatementRow)) == 0


def test_sqlite_readers_see_a_snapshot_while_a_writer_holds_a_transaction(tmp_path):
    path = tmp_path / "wal.db"
    db = Database(str(path))
    with db.session() as s:
        save_report(s, processed_report())
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    writer = db._sessions()
    writer.add(DocumentRow(source="b", content_hash="b" * 64, fingerprint="b", raw_text="b", clean_text="b",
                           offsets=[], extra={}, sentence_keys=[]))
    writer.flush()  # the write lock is held, uncommitted
    reader = sqlite3.connect(path, timeout=1)
    assert reader.execute("select count(*) from documents").fetchone()[0] == 1
    writer.commit()
    assert reader.execute("select count(*) from documents").fetchone()[0] == 2
