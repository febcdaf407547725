"""SQLAlchemy 2 tables of the store: documents, what cleaning did, extractions, resolution, claims."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, LargeBinary,
                        String, Text, false)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the raw text
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)  # sha256 of normalised clean text
    title: Mapped[str | None] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    site: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(10))
    published_from: Mapped[str] = mapped_column(String(16), default="none")
    media_type: Mapped[str] = mapped_column(String(64), default="text/plain")
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    raw_text: Mapped[str] = mapped_column(Text)
    clean_text: Mapped[str] = mapped_column(Text)
    offsets: Mapped[list] = mapped_column(JSON, default=list)  # OffsetMap runs
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    sentence_keys: Mapped[list] = mapped_column(JSON, default=list)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    removals: Mapped[list["RemovalRow"]] = relationship(back_populates="document", cascade="all, delete-orphan")


class ProblemRow(Base):
    """An input that could not be ingested, with its stable error code."""

    __tablename__ = "problems"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    code: Mapped[str] = mapped_column(String(8))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RemovalRow(Base):
    __tablename__ = "removals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    document: Mapped[DocumentRow] = relationship(back_populates="removals")


class RepairRow(Base):
    __tablename__ = "repairs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)


class RelationRow(Base):
    """Document `a` repeats document `b` (exact, near-duplicate, syndicated, shared passage)."""

    __tablename__ = "relations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    a: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    b: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    similarity: Mapped[float] = mapped_column(Float)


class EntityRow(Base):
    __tablename__ = "entities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(Text, unique=True)  # the resolver's stable key
    name: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(16))
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    roles: Mapped[list] = mapped_column(JSON, default=list)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    country: Mapped[str | None] = mapped_column(String(8))
    parent: Mapped[str | None] = mapped_column(Text)  # key of the institution it belongs to
    merges: Mapped[list] = mapped_column(JSON, default=list)  # [{alias, into, rule, evidence}]
    state: Mapped[dict] = mapped_column(JSON, default=dict)  # resolver bookkeeping (counts, blocking keys)


class MentionRow(Base):
    __tablename__ = "mentions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    entity_key: Mapped[str | None] = mapped_column(Text, index=True)
    text: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(16))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    sentence: Mapped[int] = mapped_column(Integer)
    role: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    country: Mapped[str | None] = mapped_column(String(8))
    origin: Mapped[str] = mapped_column(String(16), default="model")


class ClaimRow(Base):
    __tablename__ = "claims"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(Text, unique=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="alleged")
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    origins: Mapped[list] = mapped_column(JSON, default=list)
    outlets: Mapped[int] = mapped_column(Integer, default=0)
    reports: Mapped[int] = mapped_column(Integer, default=0)
    evidence: Mapped[list] = mapped_column(JSON, default=list)
    evidence_reports: Mapped[list | None] = mapped_column(JSON)  # [[kind, reports], ...]; None: not analysed since 0008
    deniers: Mapped[list] = mapped_column(JSON, default=list)
    first_reported: Mapped[str | None] = mapped_column(String(10))
    event_date: Mapped[str | None] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # set in the transaction of a report that touches the claim, cleared in the one storing its
    # analysis: an ingest killed in between leaves the mark, and the next run finishes the work
    needs_analysis: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), index=True)


class StatementRow(Base):
    __tablename__ = "statements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    sentence_index: Mapped[int] = mapped_column(Integer)
    sentence_text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    speaker_text: Mapped[str] = mapped_column(Text, default="")
    speaker_name: Mapped[str | None] = mapped_column(Text)
    speaker_label: Mapped[str | None] = mapped_column(String(16))
    speaker_key: Mapped[str | None] = mapped_column(Text, index=True)  # resolved entity key
    # entity keys of the other parties to a joint statement ("A and B said"); NULL for a single
    # speaker, so the few joint statements are all that repointing a merged entity has to read
    co_speakers: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    cue: Mapped[str] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text)
    quote_type: Mapped[str] = mapped_column(String(16))
    stance: Mapped[str] = mapped_column(String(8))
    hedges: Mapped[list] = mapped_column(JSON, default=list)
    cited_source: Mapped[str | None] = mapped_column(Text)
    spans: Mapped[dict] = mapped_column(JSON, default=dict)  # original-text offsets
    date: Mapped[str | None] = mapped_column(String(10))
    claim_key: Mapped[str | None] = mapped_column(Text, index=True)
    claim_stance: Mapped[str | None] = mapped_column(String(8))
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)


class QuantityRow(Base):
    __tablename__ = "quantities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("statements.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    values: Mapped[list] = mapped_column(JSON)
    unit: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    qualifier: Mapped[str | None] = mapped_column(Text)
    is_range: Mapped[bool] = mapped_column(Boolean, default=False)
    per: Mapped[str | None] = mapped_column(String(16))


class TimeRow(Base):
    __tablename__ = "times"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("statements.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    value: Mapped[str] = mapped_column(String(32))
    precision: Mapped[str] = mapped_column(String(16))
    modifier: Mapped[str | None] = mapped_column(String(16))



class FigureRow(Base):
    """A quantity read as a figure (resolve/figures.py); its id is the id of its (first) quantity."""

    __tablename__ = "figures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("statements.id", ondelete="SET NULL"))
    block: Mapped[str] = mapped_column(Text, index=True)  # kind:family:per, what figures are compared within
    measure: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    counted: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    low: Mapped[float] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)  # None: no upper bound ("more than 20")
    is_range: Mapped[bool] = mapped_column(Boolean, default=False)
    refers_to: Mapped[str | None] = mapped_column(String(10))
    refers_from: Mapped[str] = mapped_column(String(16), default="none")
    origin: Mapped[str] = mapped_column(Text)
    quantities: Mapped[list] = mapped_column(JSON, default=list)  # quantity ids (two for an either/or estimate)
    cumulative: Mapped[bool] = mapped_column(Boolean, default=False)
    copy: Mapped[bool] = mapped_column(Boolean, default=False)
    context: Mapped[list] = mapped_column(JSON, default=list)
    sentence: Mapped[str] = mapped_column(Text, default="")
    series_key: Mapped[str | None] = mapped_column(Text)


class SeriesRow(Base):
    """Figures of one quantity at two or more dates."""

    __tablename__ = "figure_series"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(Text, unique=True)  # "fs12", after its earliest figure
    block: Mapped[str] = mapped_column(Text, index=True)
    measure: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(Text)
    figures: Mapped[list] = mapped_column(JSON, default=list)  # figure ids in date order
    periods: Mapped[list] = mapped_column(JSON, default=list)
    trend: Mapped[str] = mapped_column(String(16))
    cumulative: Mapped[bool] = mapped_column(Boolean, default=False)


class FigureConflictRow(Base):
    """Figures for one quantity and period from different origins that do not agree."""

    __tablename__ = "figure_conflicts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(Text, unique=True)  # "fc12-2025-02"
    block: Mapped[str] = mapped_column(Text, index=True)
    measure: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(Text)
    period: Mapped[str] = mapped_column(String(10))
    figures: Mapped[list] = mapped_column(JSON, default=list)
    origins: Mapped[list] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(Text)
    series_key: Mapped[str | None] = mapped_column(Text)

Index("ix_relations_pair", RelationRow.a, RelationRow.b, RelationRow.kind, unique=True)
# joint statements (a few in a store) are read by entity key on every merge: a partial index (0006)
Index("ix_statements_joint", StatementRow.id, sqlite_where=StatementRow.co_speakers.is_not(None),
      postgresql_where=StatementRow.co_speakers.is_not(None))


class DecisionRow(Base):
    """A correction by a person (merge, split, speaker, stance, move, claim status), re-applied after
    every later ingest until undone.  `before` holds what undo needs to restore."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    author: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by: Mapped[str | None] = mapped_column(Text)


class SearchGraphRow(Base):
    """A saved nearest-neighbour search graph (the claim clusterer's, by name), so that a fresh run
    on a large store reads its links back instead of rebuilding them; derived data, rebuilt whenever
    it no longer fits the stored vectors."""

    __tablename__ = "search_graphs"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    rows: Mapped[int] = mapped_column(Integer)
    state: Mapped[bytes] = mapped_column(LargeBinary)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
