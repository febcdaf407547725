"""Reading and writing model objects: one report with everything derived from it, and the Ledger."""
from __future__ import annotations

import hashlib
from typing import Any, Iterable, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, defer, load_only, selectinload

from ..model import (DuplicateRelation, IngestProblem, Ledger, LedgerClaim, LedgerDecision, LedgerDocument,
                     LedgerEntity, LedgerQuantity, LedgerStatement, LedgerTime, Merge, OffsetMap,
                     Removal)
from .figures import load_figures
from .schema import (ClaimRow, DecisionRow, DocumentRow, EntityRow, MentionRow, ProblemRow, QuantityRow,
                     RelationRow, RemovalRow, RepairRow, StatementRow, TimeRow)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def doc_id(pk: int) -> str:
    return f"d{pk}"


def find_document(session: Session, text: str) -> int | None:
    """The id of a stored report with exactly this raw text, if any (idempotent ingest)."""
    return session.scalar(select(DocumentRow.id).where(DocumentRow.content_hash == content_hash(text)))


def save_problem(session: Session, problem: IngestProblem) -> None:
    """Store one problem; text that cannot be UTF-8 (lone surrogates from odd names) is escaped first."""
    session.add(ProblemRow(source=_storable(problem.source), code=problem.code, message=_storable(problem.message)))


def _storable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def save_report(session: Session, processed, minhash: bytes | None = None,
                sentence_keys: Sequence[str] = ()) -> DocumentRow:
    """Store one processed report with its removals, repairs, mentions, statements, quantities, times.

    Returns the flushed DocumentRow (its id set); the caller commits, so a report lands whole or not at all.
    """
    raw, clean, ex = processed.raw, processed.clean, processed.extraction
    omap = clean.offsets
    doc = DocumentRow(
        source=raw.source, content_hash=content_hash(raw.text), fingerprint=clean.fingerprint,
        title=raw.title, outlet=raw.outlet, author=raw.author, url=raw.url, site=raw.site,
        published=processed.published, published_from=processed.published_from,
        media_type=raw.media_type, extra=dict(raw.extra), raw_text=raw.text, clean_text=clean.text,
        offsets=[list(r) for r in omap.runs], minhash=minhash, sentence_keys=list(sentence_keys))
    session.add(doc)
    session.flush()
    for r in clean.removals:
        session.add(RemovalRow(document_id=doc.id, kind=r.kind, start=r.start, end=r.end, text=r.text, reason=r.reason))
    for r in clean.repairs:
        session.add(RepairRow(document_id=doc.id, kind=r.kind, start=r.start, end=r.end, before=r.before, after=r.after))
    for m in ex.mentions:
        session.add(MentionRow(document_id=doc.id, text=m.text, name=m.name, label=m.label, start=m.start,
                               end=m.end, sentence=m.sentence, role=m.role, lat=m.lat, lon=m.lon,
                               country=m.country, origin=m.origin))
    st_rows = []
    for s in ex.statements:
        # spans describe the attribution relation (a quotation split into one statement per
        # sentence shares its relation's spans); content/start/end describe this statement
        speaker_spans, cue_spans, content_spans = s.relation or (s.speaker_spans, s.cue_spans, s.content_spans)
        spans = {"speaker": [list(omap.span_to_original(*sp)) for sp in speaker_spans],
                 "cue": [list(omap.span_to_original(*sp)) for sp in cue_spans],
                 "content": [list(omap.span_to_original(*sp)) for sp in content_spans]}
        row = StatementRow(document_id=doc.id, sentence_index=s.sentence, sentence_text=s.sentence_text,
                           start=s.start, end=s.end, speaker_text=s.speaker_text, speaker_name=s.speaker_name,
                           speaker_label=s.speaker_label, cue=s.cue, content=s.content, quote_type=s.quote_type,
                           stance=s.stance, hedges=list(s.hedges), cited_source=s.cited_source, spans=spans,
                           date=s.date)
        session.add(row)
        st_rows.append(row)
    session.flush()
    for q in ex.quantities:
        session.add(QuantityRow(document_id=doc.id, statement_id=_sid(st_rows, q.statement), text=q.text,
                                start=q.start, end=q.end, values=list(q.values), unit=q.unit, kind=q.kind,
                                approximate=q.approximate, qualifier=q.qualifier, is_range=q.is_range, per=q.per))
    for t in ex.times:
        session.add(TimeRow(document_id=doc.id, statement_id=_sid(st_rows, t.statement), text=t.text,
                            start=t.start, end=t.end, value=t.value, precision=t.precision, modifier=t.modifier))
    return doc


def _sid(rows: list[StatementRow], index: int | None) -> int | None:
    return rows[index].id if index is not None and 0 <= index < len(rows) else None


def save_relations(session: Session, relations: Sequence[DuplicateRelation]) -> None:
    for r in relations:
        session.add(RelationRow(a=int(r.a.lstrip("d")), b=int(r.b.lstrip("d")), kind=r.kind,
                                similarity=float(r.similarity)))


def offset_map(row: DocumentRow) -> OffsetMap:
    return OffsetMap(tuple(tuple(r) for r in row.offsets), len(row.clean_text))


def load_ledger(session: Session, claim_keys: Iterable[str] | None = None,
                document_ids: Iterable[int] | None = None) -> Ledger:
    """The whole resolved view, in ids that stay stable for the life of the database.

    With `claim_keys`, only what those claims need: their claims, the reports holding their
    statements and the reports those repeat or are repeated by (with all their statements).
    Analysing claims after an ingest run then reads the part of the store the run touched, not all
    of it.  With `document_ids`, only those reports: what reading their figures needs.  A partial
    view holds only the entities its statements need (`_entities_for`), only the relations among
    its reports, and no corrections; stored figures, series and figure conflicts come with the whole
    view only.
    """
    claim_q = select(ClaimRow).order_by(ClaimRow.id)
    doc_ids: set[int] | None = set(document_ids) if document_ids is not None else None
    if claim_keys is not None:
        keys = sorted(set(claim_keys))
        claim_q = claim_q.where(ClaimRow.key.in_(keys))
        doc_ids = set(session.scalars(select(StatementRow.document_id).where(StatementRow.claim_key.in_(keys))))
        related = session.execute(select(RelationRow.a, RelationRow.b)
                                  .where(or_(RelationRow.a.in_(doc_ids), RelationRow.b.in_(doc_ids)))).all()
        doc_ids |= {d for pair in related for d in pair}
    elif doc_ids is not None:  # the claims these reports' statements joined
        claim_q = claim_q.where(ClaimRow.key.in_(select(StatementRow.claim_key).where(
            StatementRow.document_id.in_(sorted(doc_ids)), StatementRow.claim_key.is_not(None))))
    only = (lambda column, q: q.where(column.in_(sorted(doc_ids)))) if doc_ids is not None else (lambda column, q: q)
    # plain rows of the columns a view reads, not ORM objects: not the claim vectors (1.5 kB a
    # statement) nor the reports' raw texts, offsets and sketches, most of what a brief read before
    st_rows = session.execute(only(StatementRow.document_id, select(
        *(getattr(StatementRow, c) for c in _LEDGER_STATEMENT_COLUMNS)).order_by(StatementRow.id))).all()
    ent_rows = (session.scalars(_entity_query().order_by(EntityRow.id)).all() if doc_ids is None
                else _entities_for(session, st_rows))
    ent_id = {e.key: f"e{e.id}" for e in ent_rows}
    claim_rows = session.scalars(claim_q).all()
    claim_id = {c.key: f"c{c.id}" for c in claim_rows}
    docs = tuple(
        LedgerDocument(id=doc_id(d.id), source=d.source, title=d.title, outlet=d.outlet, published=d.published,
                       published_from=d.published_from, text=d.clean_text, url=d.url, author=d.author,
                       removals=tuple(Removal(r.kind, r.start, r.end, r.text, r.reason) for r in d.removals))
        for d in session.scalars(only(DocumentRow.id, select(DocumentRow).options(
            load_only(*(getattr(DocumentRow, c) for c in _LEDGER_DOCUMENT_COLUMNS)),
            selectinload(DocumentRow.removals)).order_by(DocumentRow.id))))
    entities = tuple(
        LedgerEntity(id=f"e{e.id}", name=e.name, type=e.type, aliases=tuple(e.aliases), lat=e.lat, lon=e.lon,
                     roles=tuple(e.roles), country=e.country, parent=ent_id.get(e.parent) if e.parent else None,
                     merges=tuple(Merge(**m) for m in e.merges))
        for e in ent_rows)
    statements = tuple(
        LedgerStatement(id=f"s{s.id}", document=doc_id(s.document_id), sentence=s.sentence_text,
                        sentence_index=s.sentence_index, speaker=ent_id.get(s.speaker_key) if s.speaker_key else None,
                        speaker_text=s.speaker_text, cue=s.cue, stance=s.stance, content=s.content, start=s.start,
                        end=s.end, quote_type=s.quote_type, hedges=tuple(s.hedges), cited_source=s.cited_source,
                        claim=claim_id.get(s.claim_key) if s.claim_key else None, claim_stance=s.claim_stance,
                        date=s.date, spans=s.spans,
                        co_speakers=tuple(ent_id[k] for k in s.co_speakers or () if k in ent_id))
        for s in st_rows)
    members: dict[str, list[str]] = {}
    for s in st_rows:
        if s.claim_key:
            members.setdefault(s.claim_key, []).append(f"s{s.id}")
    claims = tuple(
        LedgerClaim(id=claim_id[c.key], summary=c.summary, statements=tuple(members.get(c.key, ())),
                    status=c.status, reasons=tuple(c.reasons), origins=tuple(c.origins), outlets=c.outlets,
                    reports=c.reports, evidence=tuple(c.evidence), deniers=tuple(c.deniers),
                    evidence_reports=tuple((k, int(n)) for k, n in c.evidence_reports or ()),
                    first_reported=c.first_reported, event_date=c.event_date)
        for c in claim_rows if members.get(c.key))
    quantities = tuple(
        LedgerQuantity(document=doc_id(q.document_id), text=q.text, values=tuple(q.values), unit=q.unit,
                       kind=q.kind, approximate=q.approximate, is_range=q.is_range, qualifier=q.qualifier,
                       per=q.per, statement=f"s{q.statement_id}" if q.statement_id else None,
                       start=q.start, end=q.end, id=f"q{q.id}")
        for q in session.scalars(only(QuantityRow.document_id, select(QuantityRow).order_by(QuantityRow.id))))
    times = tuple(
        LedgerTime(document=doc_id(t.document_id), text=t.text, value=t.value, precision=t.precision,
                   modifier=t.modifier, statement=f"s{t.statement_id}" if t.statement_id else None,
                   start=t.start, end=t.end)
        for t in session.scalars(only(TimeRow.document_id, select(TimeRow).order_by(TimeRow.id))))
    relations = tuple(DuplicateRelation(doc_id(r.a), doc_id(r.b), r.kind, r.similarity)
                      for r in session.scalars(only(RelationRow.a, only(RelationRow.b, select(RelationRow)))
                                               .order_by(RelationRow.id)))
    whole = doc_ids is None
    figures, series, conflicts = (load_figures(session, {s.id: claim_id.get(s.claim_key) for s in st_rows})
                                  if whole else ((), (), ()))
    return Ledger(documents=docs, entities=entities, statements=statements, claims=claims,
                  quantities=quantities, times=times, relations=relations, figures=figures, series=series,
                  figure_conflicts=conflicts, decisions=load_decisions(session) if whole else (), analysed=True)


_LEDGER_STATEMENT_COLUMNS = ("id", "document_id", "sentence_text", "sentence_index", "speaker_key", "speaker_text",
                             "cue", "stance", "content", "start", "end", "quote_type", "hedges", "cited_source",
                             "claim_key", "claim_stance", "date", "spans", "co_speakers")
_LEDGER_DOCUMENT_COLUMNS = ("id", "source", "title", "outlet", "published", "published_from", "clean_text", "url",
                            "author")


def _entity_query():
    """Entity rows without the resolver's bookkeeping (`state`: a country's list of every report
    naming it), which no view reads and which costs most to decode."""
    return select(EntityRow).options(defer(EntityRow.state))


def _entities_for(session: Session, st_rows: Sequence[Any]) -> list[EntityRow]:
    """The entities a partial view's statements need, in id order: their speakers and joint parties,
    the institutions above them, and every country (a GPE with no parent), which origins are read
    against (`resolve/origins.country_index`).  A few queries, however large the store."""
    wanted = {s.speaker_key for s in st_rows if s.speaker_key} | {k for s in st_rows for k in s.co_speakers or ()}
    rows = {e.key: e for e in session.scalars(_entity_query().where(EntityRow.type == "GPE", EntityRow.parent.is_(None)))}
    frontier = wanted - set(rows)
    while frontier:  # up the chains; a cycle ends it, every row being read once
        found = session.scalars(_entity_query().where(EntityRow.key.in_(sorted(frontier)))).all()
        rows.update((e.key, e) for e in found)
        frontier = {e.parent for e in found if e.parent} - set(rows)
    return sorted(rows.values(), key=lambda e: e.id)


def load_decisions(session: Session) -> tuple[LedgerDecision, ...]:
    """Every stored correction, undone ones included (the export keeps the whole review trail)."""
    iso = lambda t: t.isoformat() if t else None  # noqa: E731
    return tuple(LedgerDecision(id=d.id, kind=d.kind, payload=dict(d.payload), author=d.author, note=d.note,
                                created_at=iso(d.created_at), undone_at=iso(d.undone_at), undone_by=d.undone_by)
                 for d in session.scalars(select(DecisionRow).order_by(DecisionRow.id)))
