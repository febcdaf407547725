"""The claims x origins matrix: for one page of claims, each independent origin's stance toward each.

Columns are the origins the stored claim analysis counted (`claims.origins`, `claims.deniers`), so
the matrix never disagrees with a claim's status.  A denier denies; a counted origin supports,
unless every statement it gave the claim hedges (the analysis lists hedgers after supporters
without marking them, so the statements are read again for that, through the same
`statement_origins` the analysis uses, on the page's statements and their speakers' chains only).
"""
from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..model import Ledger, LedgerDocument, LedgerEntity, LedgerStatement
from ..resolve.origins import (headline_statements, independence_key, joint_origins, origin_label, statement_origins,
                               statement_parties)
from ..store.schema import ClaimRow, DocumentRow, EntityRow, StatementRow
from .cache import Memo, store_version

MAX_COLUMNS = 24  # origins shown side by side; the rest are counted, and reachable by the origin filter
_CHAIN_LEVELS = 12  # institution levels followed up from a speaker (as the origin analysis does)
_TITLE_CHARS = 400  # of each report's text: enough to recognise a statement read from its headline
STANCE_WORD = {"support": "supports", "deny": "denies", "hedge": "hedges"}


def _entities(session: Session, speaker_keys: set[str]) -> tuple[dict[str, LedgerEntity], dict[str, str]]:
    """(ledger id -> entity, key -> ledger id) for the speakers, everything above them, and every
    country (the origin rules look countries up by name)."""
    rows: dict[str, EntityRow] = {}
    frontier = {k for k in speaker_keys if k}
    for _ in range(_CHAIN_LEVELS):
        if not frontier:
            break
        found = session.scalars(select(EntityRow).where(EntityRow.key.in_(sorted(frontier)))).all()
        rows.update((r.key, r) for r in found)
        frontier = {r.parent for r in found if r.parent and r.parent not in rows}
    for r in session.scalars(select(EntityRow).where(EntityRow.type == "GPE", EntityRow.parent.is_(None))):
        rows.setdefault(r.key, r)
    ids = {k: f"e{r.id}" for k, r in rows.items()}
    ents = {ids[k]: LedgerEntity(id=ids[k], name=r.name, type=r.type, aliases=tuple(r.aliases), roles=tuple(r.roles),
                                 country=r.country, parent=ids.get(r.parent) if r.parent else None)
            for k, r in rows.items()}
    return ents, ids


_ST_COLUMNS = (StatementRow.id, StatementRow.document_id, StatementRow.sentence_text, StatementRow.sentence_index,
               StatementRow.speaker_key, StatementRow.speaker_text, StatementRow.cue, StatementRow.stance,
               StatementRow.content, StatementRow.start, StatementRow.end, StatementRow.quote_type,
               StatementRow.cited_source, StatementRow.claim_key, StatementRow.claim_stance, StatementRow.co_speakers)


def statement_origin_rows(session: Session, claim_keys: list[str]) -> list[tuple[str, int, int, str, str]]:
    """(claim key, statement id, report id, its origin, stance toward the claim) for every statement of `claim_keys` that is not read from a headline, with origins worked out as
    the claim analysis does (`statement_origins`), from the needed columns only; a joint statement
    gives one row per party."""
    st_rows = session.execute(select(*_ST_COLUMNS).where(StatementRow.claim_key.in_(claim_keys))).all()
    if not st_rows:
        return []
    ents, ids = _entities(session, {k for s in st_rows for k in (s.speaker_key, *(s.co_speakers or ())) if k})
    doc_ids = sorted({s.document_id for s in st_rows})
    docs = tuple(LedgerDocument(id=f"d{i}", source="", title=t, outlet=o, published=p, published_from="none",
                                text=head or "")
                 for i, t, o, p, head in session.execute(
                     select(DocumentRow.id, DocumentRow.title, DocumentRow.outlet, DocumentRow.published,
                            func.substr(DocumentRow.clean_text, 1, _TITLE_CHARS))
                     .where(DocumentRow.id.in_(doc_ids))))
    statements = tuple(
        LedgerStatement(id=f"s{s.id}", document=f"d{s.document_id}", sentence=s.sentence_text,
                        sentence_index=s.sentence_index, speaker=ids.get(s.speaker_key) if s.speaker_key else None,
                        speaker_text=s.speaker_text, cue=s.cue, stance=s.stance, content=s.content, start=s.start,
                        end=s.end, quote_type=s.quote_type, cited_source=s.cited_source, claim=s.claim_key,
                        claim_stance=s.claim_stance,
                        co_speakers=tuple(ids[k] for k in s.co_speakers or () if k in ids))
        for s in st_rows)
    ledger = Ledger(documents=docs, entities=tuple(ents.values()), statements=statements)
    origins, joint = statement_origins(ledger), joint_origins(ledger)
    headlines = headline_statements(ledger)
    return [(s.claim_key, s.id, s.document_id, origin, s.claim_stance or "support")
            for s, st in zip(st_rows, statements) if st.id not in headlines
            for origin in statement_parties(st, origins, joint)]


Said = tuple[int, str, str]  # (report id, origin, stance toward the claim) of one statement


class OriginCache:
    """claim -> what each of its statements says and from which origin (`statement_origin_rows`),
    kept while the store is unchanged: reading a big claim's statements again is the costly part of
    the matrix and of "what changed"."""

    def __init__(self, size: int = 5000) -> None:
        self._memo = Memo(size)
        self._hedging = Memo(size)

    def hedging(self, session: Session, claims: list[ClaimRow]) -> dict[str, set[str]]:
        """claim key -> `hedging_only` of its statements (worked out once per store version)."""
        version = store_version(session)
        got = self._hedging.many([(version, c.key) for c in claims], lambda missing: {
            (version, k): hedging_only(v) for k, v in self.said(session, [c for c in claims
                                                                          if (version, c.key) in missing]).items()})
        return {k: v for (_, k), v in got.items()}

    def said(self, session: Session, claims: list[ClaimRow]) -> dict[str, tuple[Said, ...]]:
        if not claims:
            return {}
        version = store_version(session)

        def compute(missing: list) -> dict:
            found: dict[str, list[Said]] = {}
            for claim_key, _sid, doc, origin, stance in statement_origin_rows(session, [k for _, k in missing]):
                found.setdefault(claim_key, []).append((doc, origin, stance))
            return {(version, k): tuple(found.get(k, ())) for _, k in missing}

        got = self._memo.many([(version, c.key) for c in claims], compute)
        return {k: v for (_, k), v in got.items()}


def hedging_only(said: tuple[Said, ...]) -> set[str]:
    """Independence keys of the origins whose every counted statement on a claim hedges."""
    stances: dict[str, set[str]] = {}
    for _doc, origin, stance in said:
        stances.setdefault(independence_key(origin), set()).add(stance)
    return {key for key, seen in stances.items() if seen == {"hedge"}}


def origin_matrix(session: Session, claim_ids: list[str], origin: str | None = None,
                  cache: OriginCache | None = None) -> dict:
    """{columns: [{id, label, entity, claims}], rows: [{id, summary, status, outlets, reports,
    first_reported, cells: [stance word | None]}],
    hidden: origins left out} for the claims `claim_ids` (one page), in that order; `origin` (an
    origin id, from the origin filter) comes first."""
    nums = [int(c[1:]) for c in claim_ids if c[1:].isdigit()]
    by_id = {r.id: r for r in session.scalars(select(ClaimRow).where(ClaimRow.id.in_(nums)))} if nums else {}
    claims = [by_id[n] for n in nums if n in by_id]
    hedging = (cache or OriginCache()).hedging(session, claims)
    cells: dict[str, dict[str, str]] = {}
    first_seen: dict[str, str] = {}  # independence key -> the origin id shown for it
    counts: Counter = Counter()
    for c in claims:
        row: dict[str, str] = {}
        for o in c.deniers:
            row[independence_key(o)] = "denies"
            first_seen.setdefault(independence_key(o), o)
        for o in c.origins:
            key = independence_key(o)
            first_seen.setdefault(key, o)
            row.setdefault(key, "hedges" if key in hedging.get(c.key, set()) else "supports")
        cells[c.key] = row
        counts.update(row.keys())
    wanted = independence_key(origin) if origin else None
    order = sorted(counts, key=lambda k: (k != wanted, -counts[k], first_seen[k]))
    shown = order[:MAX_COLUMNS]
    refs = [first_seen[k] for k in shown]
    named = {f"e{i}": LedgerEntity(id=f"e{i}", name=n, type=t) for i, n, t in session.execute(
        select(EntityRow.id, EntityRow.name, EntityRow.type)
        .where(EntityRow.id.in_([int(o[1:]) for o in refs if o.startswith("e") and o[1:].isdigit()])))}
    columns = [{"id": o, "label": origin_label(o, named), "entity": o in named, "claims": counts[k]}
               for k, o in zip(shown, refs)]
    rows = [{"id": f"c{c.id}", "summary": c.summary, "status": c.status, "outlets": c.outlets, "reports": c.reports,
             "first_reported": c.first_reported, "cells": [cells[c.key].get(k) for k in shown]} for c in claims]
    return {"columns": columns, "rows": rows, "hidden": len(order) - len(shown)}
