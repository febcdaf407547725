"""Read queries of the workbench: one page of a list, or one item with what its page shows.

Every function takes an open session and returns plain dicts (JSON-ready); ids are the ledger's
(`c3`, `s40`, `e12`, `d7`), the same as in the export.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, cast, exists, func, or_, select
from sqlalchemy.orm import Session

from ..errors import NotFound
from ..model import LedgerEntity
from ..resolve.origins import origin_label
from ..store.decisions import decision_dict, row_id
from ..store.schema import ClaimRow, DecisionRow, DocumentRow, EntityRow, MentionRow, StatementRow
from .dates import check_date
from .highlight import http_link, segments, statement_segments

MAX_PER_PAGE = 200


@dataclass(frozen=True)
class Page:
    """One page of a list: items, where it is, and how many there are in all."""

    items: list[dict]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def as_dict(self) -> dict[str, Any]:
        return {"items": self.items, "page": self.page, "per_page": self.per_page, "total": self.total,
                "pages": self.pages}


def bounds(page: int, per_page: int) -> tuple[int, int, int, int]:
    """(page, per_page, limit, offset) clamped to sane values."""
    page, per_page = max(1, int(page)), min(max(1, int(per_page)), MAX_PER_PAGE)
    return page, per_page, per_page, (page - 1) * per_page


def _get(session: Session, table, ref: str, prefix: str):
    row = session.get(table, row_id(ref, prefix))
    if row is None:
        raise NotFound(f"no such id {ref}", source=ref)
    return row


def _entity_ids(session: Session, keys) -> dict[str, tuple[str, str]]:
    """entity key -> (ledger id, name)."""
    keys = sorted({k for k in keys if k})
    if not keys:
        return {}
    return {k: (f"e{i}", n) for i, k, n in session.execute(select(EntityRow.id, EntityRow.key, EntityRow.name)
                                                         .where(EntityRow.key.in_(keys)))}


# ------------------------------------------------------------------ overview
def overview(session: Session) -> dict:
    by_status = dict(session.execute(select(ClaimRow.status, func.count()).where(_has_statements())
                                     .group_by(ClaimRow.status)).all())
    top = session.scalars(select(ClaimRow).where(_has_statements())
                          .order_by(ClaimRow.outlets.desc(), ClaimRow.reports.desc(), ClaimRow.id).limit(3)).all()
    count = lambda t: session.scalar(select(func.count()).select_from(t)) or 0  # noqa: E731
    return {"reports": count(DocumentRow), "statements": count(StatementRow), "entities": count(EntityRow),
            "claims": sum(by_status.values()), "claims_by_status": by_status,
            "decisions": session.scalar(select(func.count()).select_from(DecisionRow)
                                        .where(DecisionRow.undone_at.is_(None))) or 0,
            "story": [_claim_item(c) for c in top]}


# ------------------------------------------------------------------ claims
def _has_statements():
    return exists().where(StatementRow.claim_key == ClaimRow.key)


def _claim_item(c: ClaimRow) -> dict:
    return {"id": f"c{c.id}", "summary": c.summary, "status": c.status, "outlets": c.outlets,
            "reports": c.reports, "first_reported": c.first_reported, "event_date": c.event_date,
            "evidence": list(c.evidence)}


def _like_json_item(value: str) -> str:
    """A LIKE pattern for one string inside a stored JSON list (stored as json.dumps writes it)."""
    quoted = json.dumps(value)
    return "%" + quoted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def list_claims(session: Session, status: str | None = None, outlet: str | None = None,
                page: int = 1, per_page: int = 50, origin: str | None = None,
                since: str | None = None, until: str | None = None) -> Page:
    """Claims with statements, most widely reported first; filters: status, an outlet carrying it,
    an origin counted on it (supporting, hedging or denying), first reported on or after `since`
    and on or before `until` (YYYY-MM-DD)."""
    since, until = check_date(since, "since"), check_date(until, "until")
    page, per_page, limit, offset = bounds(page, per_page)
    q = select(ClaimRow).where(_has_statements())
    if status:
        q = q.where(ClaimRow.status == status)
    if outlet:  # the outlet's reports, then their statements' claims (both indexed lookups)
        q = q.where(ClaimRow.key.in_(select(StatementRow.claim_key).where(StatementRow.document_id.in_(
            select(DocumentRow.id).where(DocumentRow.outlet == outlet)))))
    if origin:
        pattern = _like_json_item(origin)
        q = q.where(or_(cast(ClaimRow.origins, Text).like(pattern, escape="\\"),
                        cast(ClaimRow.deniers, Text).like(pattern, escape="\\")))
    if since:
        q = q.where(ClaimRow.first_reported >= since)
    if until:
        q = q.where(ClaimRow.first_reported <= until)
    total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
    rows = session.scalars(q.order_by(ClaimRow.outlets.desc(), ClaimRow.id).limit(limit).offset(offset)).all()
    return Page([_claim_item(c) for c in rows], page, per_page, total)


def outlets(session: Session) -> list[str]:
    return [o for o in session.scalars(select(DocumentRow.outlet).distinct().order_by(DocumentRow.outlet)) if o]


def get_claim(session: Session, ref: str) -> ClaimRow:
    """The claim row of a ledger id (NotFound / DecisionError for an unknown or malformed id)."""
    return _get(session, ClaimRow, ref, "c")


def claim_key(session: Session, ref: str) -> str:
    return get_claim(session, ref).key


def claim(session: Session, ref: str, page: int = 1, per_page: int | None = None) -> dict:
    """A claim with its statements (oldest report first; one page of `per_page` when given, with
    `statements_total` and `statements_page`)."""
    c = _get(session, ClaimRow, ref, "c")
    q = (select(StatementRow, DocumentRow.title, DocumentRow.outlet, DocumentRow.published)
         .join(DocumentRow).where(StatementRow.claim_key == c.key).order_by(DocumentRow.published, StatementRow.id))
    total = session.scalar(select(func.count()).where(StatementRow.claim_key == c.key)) or 0
    if per_page is not None:
        page, per_page, limit, offset = bounds(page, per_page)
        q = q.limit(limit).offset(offset)
    rows = session.execute(q).all()
    ents = _entity_ids(session, _speaker_keys(r[0] for r in rows))
    refs = {o for o in [*c.origins, *c.deniers] if o.startswith("e") and o[1:].isdigit()}
    named = {f"e{i}": LedgerEntity(id=f"e{i}", name=n, type=t) for i, n, t in session.execute(
        select(EntityRow.id, EntityRow.name, EntityRow.type).where(EntityRow.id.in_([int(o[1:]) for o in refs])))}
    return {**_claim_item(c), "reasons": list(c.reasons),
            "origins": [{"id": o, "label": origin_label(o, named), "entity": o in named} for o in c.origins],
            "deniers": [{"id": o, "label": origin_label(o, named), "entity": o in named} for o in c.deniers],
            "statements": [{**_statement_item(st, ents, title, outlet, published), "claim": f"c{c.id}"}
                           for st, title, outlet, published in rows],
            "statements_total": total,
            "statements_page": _where(Page([], page, per_page, total)) if per_page is not None else None}


def _where(page: Page) -> dict:
    """Where a page stands, without its items (page, per_page, total, pages)."""
    return {k: v for k, v in page.as_dict().items() if k != "items"}


# ------------------------------------------------------------------ statements
def _speaker_keys(rows) -> list[str]:
    """The entity keys statements speak with: each speaker and the other parties of joint statements."""
    return [k for st in rows for k in (st.speaker_key, *(st.co_speakers or ()))]


def _statement_item(st: StatementRow, ents: dict, title=None, outlet=None, published=None) -> dict:
    speaker = ents.get(st.speaker_key)
    co = [{"id": ents[k][0], "name": ents[k][1]} for k in st.co_speakers or () if k in ents]
    return {"id": f"s{st.id}", "document": f"d{st.document_id}", "title": title, "outlet": outlet,
            "published": published, "sentence": st.sentence_text, "speaker": speaker[0] if speaker else None,
            "speaker_name": speaker[1] if speaker else None, "co_speakers": co,
            "speaker_text": st.speaker_text, "cue": st.cue,
            "content": st.content, "stance": st.stance, "claim_stance": st.claim_stance,
            "claim": None, "claim_key": st.claim_key, "quote_type": st.quote_type, "hedges": list(st.hedges),
            "segments": statement_segments(st.sentence_text, st.speaker_text, st.cue, st.content)}


def list_statements(session: Session, speaker: str | None = None, claim_ref: str | None = None,
                    document: str | None = None, page: int = 1, per_page: int = 50) -> Page:
    page, per_page, limit, offset = bounds(page, per_page)
    q = select(StatementRow, DocumentRow.title, DocumentRow.outlet, DocumentRow.published).join(DocumentRow)
    if speaker:
        q = q.where(StatementRow.speaker_key == _get(session, EntityRow, speaker, "e").key)
    if claim_ref:
        q = q.where(StatementRow.claim_key == _get(session, ClaimRow, claim_ref, "c").key)
    if document:
        q = q.where(StatementRow.document_id == row_id(document, "d"))
    total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
    rows = session.execute(q.order_by(StatementRow.id).limit(limit).offset(offset)).all()
    return Page(_with_claim_ids(session, rows), page, per_page, total)


def _with_claim_ids(session: Session, rows) -> list[dict]:
    ents = _entity_ids(session, _speaker_keys(r[0] for r in rows))
    keys = sorted({r[0].claim_key for r in rows if r[0].claim_key})
    cids = dict(session.execute(select(ClaimRow.key, ClaimRow.id).where(ClaimRow.key.in_(keys))).all()) if keys else {}
    items = []
    for st, title, outlet, published in rows:
        item = _statement_item(st, ents, title, outlet, published)
        item["claim"] = f"c{cids[st.claim_key]}" if st.claim_key in cids else None
        items.append(item)
    return items


# ------------------------------------------------------------------ entities
def _entity_item(e: EntityRow) -> dict:
    return {"id": f"e{e.id}", "name": e.name, "type": e.type, "aliases": list(e.aliases), "roles": list(e.roles),
            "country": e.country, "mentions": int((e.state or {}).get("mentions", 0))}


def list_entities(session: Session, q: str | None = None, type_: str | None = None,
                  page: int = 1, per_page: int = 50) -> Page:
    page, per_page, limit, offset = bounds(page, per_page)
    query = select(EntityRow)
    if q:
        query = query.where(func.lower(EntityRow.name).contains(q.lower()))
    if type_:
        query = query.where(EntityRow.type == type_)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(EntityRow.name, EntityRow.id).limit(limit).offset(offset)).all()
    return Page([_entity_item(e) for e in rows], page, per_page, total)


def entity(session: Session, ref: str) -> dict:
    e = _get(session, EntityRow, ref, "e")
    parent = _entity_ids(session, [e.parent]).get(e.parent) if e.parent else None
    spoken = session.scalar(select(func.count()).where(StatementRow.speaker_key == e.key)) or 0
    mentions = session.scalar(select(func.count()).where(MentionRow.entity_key == e.key)) or 0
    return {**_entity_item(e), "merges": list(e.merges), "lat": e.lat, "lon": e.lon,
            "parent": {"id": parent[0], "name": parent[1]} if parent else None,
            "statements": spoken, "mention_rows": mentions}


# ------------------------------------------------------------------ reports
def _report_item(d: DocumentRow) -> dict:
    return {"id": f"d{d.id}", "title": d.title, "outlet": d.outlet, "published": d.published,
            "author": d.author, "url": http_link(d.url), "source": d.source}


def list_reports(session: Session, outlet: str | None = None, page: int = 1, per_page: int = 50) -> Page:
    page, per_page, limit, offset = bounds(page, per_page)
    q = select(DocumentRow.id, DocumentRow.title, DocumentRow.outlet, DocumentRow.published, DocumentRow.author,
               DocumentRow.url, DocumentRow.source)
    if outlet:
        q = q.where(DocumentRow.outlet == outlet)
    total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
    rows = session.execute(q.order_by(DocumentRow.published, DocumentRow.id).limit(limit).offset(offset)).all()
    return Page([_report_item(r) for r in rows], page, per_page, total)


def report(session: Session, ref: str, removed: bool = False) -> dict:
    d = _get(session, DocumentRow, ref, "d")
    rows = session.scalars(select(StatementRow).where(StatementRow.document_id == d.id).order_by(StatementRow.id)).all()
    keys = sorted({r.claim_key for r in rows if r.claim_key})
    cids = dict(session.execute(select(ClaimRow.key, ClaimRow.id).where(ClaimRow.key.in_(keys))).all()) if keys else {}
    marks = [(r.start, r.end, "statement", f"c{cids[r.claim_key]}" if r.claim_key in cids else None) for r in rows]
    out = {**_report_item(d), "text": d.clean_text, "segments": segments(d.clean_text, marks),
           "statements": len(rows)}
    if removed:
        # offsets are into the raw text (what was fetched or read), which the store keeps
        out["removed"] = [{"kind": r.kind, "text": r.text, "reason": r.reason, "start": r.start, "end": r.end}
                          for r in sorted(d.removals, key=lambda r: r.start)]
    return out


# ------------------------------------------------------------------ decisions
def list_decisions(session: Session, page: int = 1, per_page: int = 50) -> Page:
    page, per_page, limit, offset = bounds(page, per_page)
    total = session.scalar(select(func.count()).select_from(DecisionRow)) or 0
    rows = session.scalars(select(DecisionRow).order_by(DecisionRow.id.desc()).limit(limit).offset(offset)).all()
    return Page([decision_dict(d) for d in rows], page, per_page, total)
