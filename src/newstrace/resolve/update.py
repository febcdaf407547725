"""Incremental resolution during ingest: each new report updates the entities and claims it touches.

The resolver and the claim clusterer live in memory for one ingest run, rebuilt from the store
when the run starts (entity rows; statement vectors and claim ids), so nothing is recomputed
all-pairs: a new report only looks up its blocking keys and nearest neighbours.
"""
from __future__ import annotations

import bisect
from typing import Sequence

import numpy as np
from sqlalchemy import Row, delete, select, update
from sqlalchemy.orm import Session

from ..model import Merge, ProcessedReport, Statement
from ..settings import Settings
from ..store.co_speakers import claims_co_spoken_by, repoint_co_speakers
from ..store.pending import clear_pending
from ..store.repository import doc_id, load_ledger
from ..store.schema import (ClaimRow, DocumentRow, EntityRow, MentionRow, QuantityRow, SearchGraphRow, StatementRow,
                            TimeRow, utcnow)
from .claims import ClaimClusterer, ClaimItem
from .entities import EntityResolver, ResolvedEntity
from .figure_updates import BlockState, update_figures
from .status import analyse_claims


_MAX_CHAIN = 8  # institution levels followed down from an entity whose parent changed
GRAPH_NAME = "claims"  # the claim clusterer's search graph in the search_graphs table
GRAPH_SAVE_MIN_ROWS = 200  # rows added since the saved graph before it is saved again ...
GRAPH_SAVE_SHARE = 0.01  # ... or this share of the index, if more: a restore links in the rest one by one


class Resolution:
    """The cross-report state of one ingest run, and how it is written back to the store."""

    def __init__(self, resolver: EntityResolver, settings: Settings, db=None) -> None:
        self.resolver = resolver
        self.settings = settings
        self._db = db
        self._clusterer: ClaimClusterer | None = None
        self.touched_claims: set[str] = set()
        self._figures: dict[str, BlockState] = {}  # block -> its stored figures, grouped (update_figures)
        self._graph_rows = 0  # rows of the search graph saved in the store (0: none that fits)

    @classmethod
    def load(cls, db, settings: Settings) -> "Resolution":
        with db.session() as s:
            known = [_resolved(row) for row in s.scalars(select(EntityRow).order_by(EntityRow.id))]
        return cls(EntityResolver(known), settings, db)

    # ------------------------------------------------------------------ claims state
    def clusterer(self, session: Session) -> ClaimClusterer:
        """The claim clusterer, restored from stored vectors and claim ids on first use."""
        if self._clusterer is None:
            from .embeddings import default_encoder

            clusterer = ClaimClusterer(default_encoder(self.settings.embedding_model, self.settings.precision))
            # plain rows of the columns a claim item reads, not ORM objects: a large store has
            # hundreds of thousands (about a third of the restore went to building ORM objects)
            rows = session.execute(
                select(*(getattr(StatementRow, c) for c in _ITEM_COLUMNS), DocumentRow.published).join(DocumentRow)
                .where(StatementRow.embedding.is_not(None)).order_by(StatementRow.id)).all()
            if rows:
                ctx = _Context.load(session)  # three queries for the whole store, not three per statement
                chains: dict[str, tuple[str, ...]] = {}  # the same speakers and entities recur: each chain once
                items = [self._claim_item(st, st.published, ctx, chains) for st in rows]
                vecs = np.stack([np.frombuffer(st.embedding, dtype=np.float32) for st in rows])
                saved = session.get(SearchGraphRow, GRAPH_NAME)
                clusterer.restore(items, vecs, [st.claim_key for st in rows], [st.claim_stance for st in rows],
                                  graph=saved.state if saved is not None else None)
                if clusterer.reused_graph:
                    self._graph_rows = saved.rows
            self._clusterer = clusterer
        return self._clusterer

    # ------------------------------------------------------------------ one report
    def add_report(self, session: Session, row: DocumentRow, processed: ProcessedReport) -> None:
        did = doc_id(row.id)
        ex = processed.extraction
        redirects_before = dict(self.resolver.redirects())
        speakers = [s.speaker_name for s in ex.statements] + [c.name for s in ex.statements for c in s.co_speakers]
        keys = self.resolver.add_report(did, ex.mentions, speakers)
        mention_rows = session.scalars(select(MentionRow).where(MentionRow.document_id == row.id)
                                       .order_by(MentionRow.id)).all()
        for m_row, key in zip(mention_rows, keys):
            m_row.entity_key = key
        st_rows = session.scalars(select(StatementRow).where(StatementRow.document_id == row.id)
                                  .order_by(StatementRow.id)).all()
        for st_row, st in zip(st_rows, ex.statements):
            st_row.speaker_key = self._speaker_key(st, keys)
            st_row.co_speakers = self._co_speaker_keys(st, keys, st_row.speaker_key) or None
        touched = set(keys) | {r.speaker_key for r in st_rows if r.speaker_key}
        touched |= {k for r in st_rows for k in r.co_speakers or ()}
        survivors = self._apply_redirects(session, redirects_before, touched)
        for key in sorted(touched):  # in a fixed order: a chain may create an entity (its country)
            touched.update(self.resolver.chain_of(key))
        changed = self._upsert_entities(session, touched)
        session.flush()
        self._cluster(session, row, st_rows, processed.claim_vectors)
        # entities merged, re-parented or re-typed, and anyone below them in an institution chain:
        # the origins of what they say may have moved
        moved = self._below(session, survivors | changed)
        self.touched_claims |= self._claims_spoken_by(session, moved)
        update_figures(session, {row.id}, moved, self._figures)  # in this report's transaction

    @staticmethod
    def _below(session: Session, keys: set[str]) -> set[str]:
        """`keys` and every entity below them in an institution chain (a few levels at most)."""
        below, frontier = set(keys), set(keys)
        for _ in range(_MAX_CHAIN):
            if not frontier:
                break
            frontier = set(session.scalars(select(EntityRow.key).where(EntityRow.parent.in_(sorted(frontier))))) - below
            below |= frontier
        return below

    @staticmethod
    def _claims_spoken_by(session: Session, keys: set[str]) -> set[str]:
        """Claims with a statement by one of `keys` (as speaker or as a party to a joint statement)."""
        if not keys:
            return set()
        spoken = set(session.scalars(select(StatementRow.claim_key).distinct().where(
            StatementRow.speaker_key.in_(sorted(keys)), StatementRow.claim_key.is_not(None))))
        return spoken | claims_co_spoken_by(session, keys)

    def _speaker_key(self, st: Statement, keys: Sequence[str]) -> str | None:
        return self._key_of(st.speaker_mention, st.speaker_name, keys)

    def _co_speaker_keys(self, st: Statement, keys: Sequence[str], speaker_key: str | None) -> list[str]:
        """The entity keys of a joint statement's other parties, each found like the main speaker's
        (its mention's key, else its name); a party that is the speaker again is left out."""
        found = (self._key_of(c.mention, c.name, keys) for c in st.co_speakers)
        return [k for k in dict.fromkeys(found) if k and k != speaker_key]

    def _key_of(self, mention: int | None, name: str | None, keys: Sequence[str]) -> str | None:
        if mention is not None and 0 <= mention < len(keys):
            return keys[mention]
        if name:
            return self.resolver.lookup(name)
        return None

    def _apply_redirects(self, session: Session, before: dict[str, str], touched: set[str]) -> set[str]:
        """Entities merged away by this report: repoint stored rows at the survivor, drop the old row.
        Returns the survivors."""
        survivors: set[str] = set()
        for old in set(self.resolver.redirects()) - set(before):
            new = self.resolver.canonical_key(old)
            session.execute(update(MentionRow).where(MentionRow.entity_key == old).values(entity_key=new))
            session.execute(update(StatementRow).where(StatementRow.speaker_key == old).values(speaker_key=new))
            repoint_co_speakers(session, old, new)
            session.execute(update(EntityRow).where(EntityRow.parent == old).values(parent=new))
            session.execute(delete(EntityRow).where(EntityRow.key == old))
            touched.discard(old)
            touched.add(new)
            survivors.add(new)
        return survivors

    def _upsert_entities(self, session: Session, keys: set[str]) -> set[str]:
        """Write the resolver's current view of `keys` into their rows (one query reads them all).
        Returns the stored entities whose parent or type changed."""
        rows = {r.key: r for r in session.scalars(select(EntityRow).where(EntityRow.key.in_(sorted(keys))))}
        changed: set[str] = set()
        for key in sorted(keys):
            e = self.resolver.entity(key)
            if e is None:
                continue
            row = rows.get(key)
            if row is None:
                row = EntityRow(key=key)
                session.add(row)
            elif (row.parent, row.type) != (e.parent, e.type):
                changed.add(key)
            row.name, row.type, row.aliases, row.roles = e.name, e.type, list(e.aliases), list(e.roles)
            row.lat, row.lon, row.country, row.parent = e.lat, e.lon, e.country, e.parent
            row.merges = [m.__dict__ for m in e.merges]
            row.state = {"mentions": e.mentions, "documents": list(e.documents)}
        return changed

    # ------------------------------------------------------------------ claims
    def _chain(self, key: str, memo: dict[str, tuple[str, ...]] | None) -> tuple[str, ...]:
        if memo is None:
            return self.resolver.chain_of(key)
        if key not in memo:
            memo[key] = self.resolver.chain_of(key)
        return memo[key]

    def _claim_item(self, st_row: StatementRow | Row, published: str | None, ctx: "_Context",
                    chains: dict[str, tuple[str, ...]] | None = None) -> ClaimItem:
        st = _statement(st_row)
        ents = ctx.entities_within(st_row.document_id, st_row.start, st_row.end)
        speaker = st_row.speaker_key
        entity_chains: list[str] = []
        for k in ents:
            entity_chains.extend(self._chain(k, chains))
        return ClaimItem(id=f"s{st_row.id}", document=doc_id(st_row.document_id), statement=st,
                         published=published, speaker=speaker, entities=ents,
                         times=tuple(ctx.times.get(st_row.id, ())),
                         quantities=tuple(ctx.quantities.get(st_row.id, ())),
                         speaker_chain=self._chain(speaker, chains) if speaker else (),
                         entity_chains=tuple(dict.fromkeys(entity_chains)))

    def _cluster(self, session: Session, row: DocumentRow, st_rows: Sequence[StatementRow],
                 vectors: Sequence[tuple[str, bytes]] = ()) -> None:
        if not st_rows:
            return
        clusterer = self.clusterer(session)
        ctx = _Context.load(session, row.id)
        items = [self._claim_item(r, row.published, ctx) for r in st_rows]
        known = {text: np.frombuffer(data, dtype=np.float32) for text, data in vectors}
        assigned = clusterer.add_report(items, known)
        here: set[str] = set()  # claims this report joined: only their rows change now
        for r in st_rows:
            cid = assigned.get(f"s{r.id}")
            r.claim_key = cid
            r.claim_stance = clusterer.stance_of(f"s{r.id}") if cid else None
            vec = clusterer.vector_of(f"s{r.id}")
            r.embedding = vec.astype(np.float32).tobytes() if vec is not None else None
            if cid:
                here.add(cid)
        self.touched_claims |= here
        rows = {c.key: c for c in session.scalars(select(ClaimRow).where(ClaimRow.key.in_(sorted(here))))}
        for claim in clusterer.claims_by_id(sorted(here)):
            c_row = rows.get(claim.id)
            if c_row is None:
                c_row = ClaimRow(key=claim.id, reasons=[], origins=[], evidence=[], deniers=[])
                session.add(c_row)
            c_row.summary = claim.summary
            c_row.first_reported = claim.first_reported
            c_row.event_date = claim.event_date

    # ------------------------------------------------------------------ after the batch
    def finish(self, db) -> None:
        """Claim status, origins, evidence and denials for the claims this run touched; and the
        claim clusterer's search graph saved when it has grown enough since it last was."""
        self.save_graph(db)
        if not self.touched_claims:
            return
        with db.session() as s:
            keys = sorted(self.touched_claims)  # only the part of the store these claims touch
            ledger = analyse_claims(load_ledger(s, claim_keys=keys))
            by_key = {f"c{row.id}": row for row in s.scalars(select(ClaimRow).where(ClaimRow.key.in_(keys)))}
            for claim in ledger.claims:
                row = by_key.get(claim.id)
                if row is None:
                    continue
                row.status, row.reasons, row.origins = claim.status, list(claim.reasons), list(claim.origins)
                row.outlets, row.reports = claim.outlets, claim.reports
                row.evidence, row.deniers = list(claim.evidence), list(claim.deniers)
                row.evidence_reports = [list(pair) for pair in claim.evidence_reports]
                row.first_reported = claim.first_reported or row.first_reported
                row.event_date = claim.event_date or row.event_date
            clear_pending(s, keys)  # with the analysis: a crash before this commit keeps the mark
        self.touched_claims.clear()

    def save_graph(self, db) -> None:
        """Save the clusterer's search graph if it has one and has grown by GRAPH_SAVE_MIN_ROWS rows
        (or GRAPH_SAVE_SHARE of them) since the saved one: the next run's start-up reads it back."""
        if self._clusterer is None:
            return
        rows = self._clusterer.index_rows
        if rows - self._graph_rows < max(GRAPH_SAVE_MIN_ROWS, GRAPH_SAVE_SHARE * rows):
            return
        state = self._clusterer.index_state()
        if state is None:
            return
        with db.session() as s:
            saved = s.get(SearchGraphRow, GRAPH_NAME)
            if saved is None:
                s.add(SearchGraphRow(name=GRAPH_NAME, rows=rows, state=state))
            else:
                saved.rows, saved.state, saved.saved_at = rows, state, utcnow()
        self._graph_rows = rows


# what `_claim_item` and `_statement` read of a stored statement, with the restore's vector and claim
_ITEM_COLUMNS = ("id", "document_id", "sentence_index", "sentence_text", "start", "end", "speaker_text",
                 "speaker_name", "speaker_label", "cue", "content", "quote_type", "stance", "hedges",
                 "cited_source", "date", "speaker_key", "claim_key", "claim_stance", "embedding")


class _Context:
    """What claim items need besides the statement: entity keys by document, times and quantities
    by statement — read in bulk (one query each) for a document or for the whole store."""

    def __init__(self) -> None:
        self.mentions: dict[int, list[tuple[int, int, str]]] = {}
        self.times: dict[int, list[str]] = {}
        self.quantities: dict[int, list[tuple[float, ...]]] = {}
        self._by_start: dict[int, tuple[list[int], list[tuple[int, int, int, str]]]] = {}

    def entities_within(self, document_id: int, start: int, end: int) -> tuple[str, ...]:
        """Keys of the report's mentions inside [start, end], each once, in mention order: a
        binary search over the report's mentions by start (a long report has thousands)."""
        if document_id not in self._by_start:
            ordered = sorted((s, i, e, k) for i, (s, e, k) in enumerate(self.mentions.get(document_id, ())))
            self._by_start[document_id] = ([m[0] for m in ordered], ordered)
        starts, ordered = self._by_start[document_id]
        inside = []
        for s, i, e, k in ordered[bisect.bisect_left(starts, start):]:
            if s > end:
                break
            if e <= end:
                inside.append((i, k))
        return tuple(dict.fromkeys(k for _i, k in sorted(inside)))

    @classmethod
    def load(cls, session: Session, document_id: int | None = None) -> "_Context":
        ctx = cls()
        m = select(MentionRow.document_id, MentionRow.start, MentionRow.end, MentionRow.entity_key)
        t = select(TimeRow.statement_id, TimeRow.value).where(TimeRow.statement_id.is_not(None))
        q = select(QuantityRow.statement_id, QuantityRow.values).where(QuantityRow.statement_id.is_not(None))
        if document_id is not None:
            m = m.where(MentionRow.document_id == document_id)
            t = t.where(TimeRow.document_id == document_id)
            q = q.where(QuantityRow.document_id == document_id)
        for doc, start, end, key in session.execute(m.order_by(MentionRow.id)):
            if key:
                ctx.mentions.setdefault(doc, []).append((start, end, key))
        for sid, value in session.execute(t.order_by(TimeRow.id)):
            ctx.times.setdefault(sid, []).append(value)
        for sid, values in session.execute(q.order_by(QuantityRow.id)):
            ctx.quantities.setdefault(sid, []).append(tuple(values))
        return ctx


def _resolved(row: EntityRow) -> ResolvedEntity:
    state = row.state or {}
    return ResolvedEntity(key=row.key, name=row.name, type=row.type, aliases=tuple(row.aliases or ()),
                          roles=tuple(row.roles or ()), lat=row.lat, lon=row.lon, country=row.country,
                          merges=tuple(Merge(**m) for m in row.merges or ()), parent=row.parent,
                          mentions=int(state.get("mentions", 0)), documents=tuple(state.get("documents", ())))


def _statement(r: StatementRow | Row) -> Statement:
    return Statement(sentence=r.sentence_index, sentence_text=r.sentence_text, start=r.start, end=r.end,
                     speaker_text=r.speaker_text, speaker_name=r.speaker_name, speaker_label=r.speaker_label,
                     speaker_mention=None, cue=r.cue, content=r.content, quote_type=r.quote_type,
                     stance=r.stance, hedges=tuple(r.hedges or ()), cited_source=r.cited_source, date=r.date)
