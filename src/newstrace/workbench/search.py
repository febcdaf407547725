"""Full-text search over reports and statements: SQLite FTS5, PostgreSQL text search (both indexed)."""
from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from .highlight import HIT_CLOSE, HIT_OPEN, hit_segments

_WORD = re.compile(r"\w+", re.UNICODE)


def fts5_query(q: str) -> str:
    """User words as an FTS5 query: each word quoted (no operators from user input), all required."""
    return " ".join(f'"{w}"' for w in _WORD.findall(q))


def search(session: Session, q: str, limit: int, offset: int) -> tuple[list[dict], int]:
    """(hits, total): reports first, then statements, best first within each."""
    if not _WORD.search(q or ""):
        return [], 0
    dialect = session.get_bind().dialect.name
    return _sqlite(session, q, limit, offset) if dialect == "sqlite" else _postgres(session, q, limit, offset)


_SQLITE = """
SELECT kind, id, doc, title, snip FROM (
  SELECT 'report' AS kind, f.rowid AS id, f.rowid AS doc, d.title AS title, 0 AS grp, f.rank AS rank,
         snippet(documents_fts, 1, :o, :c, '…', 16) AS snip
    FROM documents_fts f JOIN documents d ON d.id = f.rowid WHERE documents_fts MATCH :q
  UNION ALL
  SELECT 'statement', f.rowid, s.document_id, s.speaker_text, 1, f.rank,
         snippet(statements_fts, 0, :o, :c, '…', 24)
    FROM statements_fts f JOIN statements s ON s.id = f.rowid WHERE statements_fts MATCH :q
) ORDER BY grp, rank LIMIT :limit OFFSET :offset
"""
_SQLITE_COUNT = """SELECT (SELECT count(*) FROM documents_fts WHERE documents_fts MATCH :q)
                        + (SELECT count(*) FROM statements_fts WHERE statements_fts MATCH :q)"""


def _sqlite(session: Session, q: str, limit: int, offset: int) -> tuple[list[dict], int]:
    query = fts5_query(q)
    rows = session.execute(text(_SQLITE), {"q": query, "o": HIT_OPEN, "c": HIT_CLOSE, "limit": limit,
                                           "offset": offset}).all()
    total = session.execute(text(_SQLITE_COUNT), {"q": query}).scalar() or 0
    return [_hit(*r) for r in rows], int(total)


_DOC_VEC = "to_tsvector('english', coalesce(d.title, '') || ' ' || d.clean_text)"
_ST_VEC = "to_tsvector('english', s.sentence_text || ' ' || s.speaker_text)"
_PG = f"""
SELECT kind, id, doc, title, snip FROM (
  SELECT 'report' AS kind, d.id AS id, d.id AS doc, d.title AS title, 0 AS grp, ts_rank({_DOC_VEC}, query) AS rank,
         ts_headline('english', d.clean_text, query,
                     'StartSel=' || :o || ', StopSel=' || :c || ', MaxWords=30, MinWords=10') AS snip
    FROM documents d, websearch_to_tsquery('english', :q) query WHERE {_DOC_VEC} @@ query
  UNION ALL
  SELECT 'statement', s.id, s.document_id, s.speaker_text, 1, ts_rank({_ST_VEC}, query),
         ts_headline('english', s.sentence_text, query,
                     'StartSel=' || :o || ', StopSel=' || :c || ', HighlightAll=true')
    FROM statements s, websearch_to_tsquery('english', :q) query WHERE {_ST_VEC} @@ query
) hits ORDER BY grp, rank DESC, id LIMIT :limit OFFSET :offset
"""
_PG_COUNT = f"""SELECT (SELECT count(*) FROM documents d, websearch_to_tsquery('english', :q) query
                         WHERE {_DOC_VEC} @@ query)
                     + (SELECT count(*) FROM statements s, websearch_to_tsquery('english', :q) query
                         WHERE {_ST_VEC} @@ query)"""


def _postgres(session: Session, q: str, limit: int, offset: int) -> tuple[list[dict], int]:
    words = " ".join(_WORD.findall(q))  # plain words: no operator from user input
    rows = session.execute(text(_PG), {"q": words, "o": HIT_OPEN, "c": HIT_CLOSE, "limit": limit,
                                       "offset": offset}).all()
    total = session.execute(text(_PG_COUNT), {"q": words}).scalar() or 0
    return [_hit(*r) for r in rows], int(total)


def _hit(kind: str, pk: int, doc: int, title: str | None, snippet: str | None) -> dict:
    prefix = "d" if kind == "report" else "s"
    return {"kind": kind, "id": f"{prefix}{pk}", "report": f"d{doc}", "title": title or "",
            "snippet": hit_segments(snippet or "")}
