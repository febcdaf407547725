"""What changed since a date: reports published since, claims first reported since, and claims whose
status moved because of reports published since (or that someone set by hand since).

A status change is found by analysing a claim twice with the same rules the ingest uses: once on
everything stored, once on the reports published before the date; only claims that reports since
the date touched are re-analysed (at most `MAX_REANALYSED`, the most widely reported first).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from sqlalchemy import and_, exists, func, not_, or_, select
from sqlalchemy.orm import Session

from ..model import Ledger
from ..resolve.status import analyse_claims
from ..store.decisions import decision_dict
from ..store.repository import load_ledger
from ..store.schema import ClaimRow, DecisionRow, DocumentRow, StatementRow
from .dates import check_date

LISTED = 50  # reports and new claims listed (the totals are always given)
MAX_REANALYSED = 100  # older claims touched since the date whose status is worked out again


def _since_filter(since: str):
    """Reports published on or after `since`; an undated report counts from when it was ingested."""
    start = datetime.fromisoformat(since).replace(tzinfo=timezone.utc)
    return or_(DocumentRow.published >= since,
               and_(DocumentRow.published.is_(None), DocumentRow.ingested_at >= start))


def changes_since(session: Session, since: str) -> dict:
    """{since, reports, reports_total, claims, claims_total, status_changes} (see the module doc)."""
    since = check_date(since, "since")
    new_docs = select(DocumentRow.id).where(_since_filter(since))
    reports_total = session.scalar(select(func.count()).select_from(new_docs.subquery())) or 0
    reports = [{"id": f"d{i}", "title": t, "outlet": o, "published": p} for i, t, o, p in session.execute(
        select(DocumentRow.id, DocumentRow.title, DocumentRow.outlet, DocumentRow.published)
        .where(_since_filter(since)).order_by(DocumentRow.published.desc(), DocumentRow.id.desc()).limit(LISTED))]
    has_statements = exists().where(StatementRow.claim_key == ClaimRow.key)
    new_claims = select(ClaimRow).where(has_statements, ClaimRow.first_reported >= since)
    claims_total = session.scalar(select(func.count()).select_from(new_claims.subquery())) or 0
    claims = [{"id": f"c{c.id}", "summary": c.summary, "status": c.status, "first_reported": c.first_reported,
               "outlets": c.outlets}
              for c in session.scalars(new_claims.order_by(ClaimRow.first_reported.desc(), ClaimRow.id).limit(LISTED))]
    return {"since": since, "reports": reports, "reports_total": reports_total, "claims": claims,
            "claims_total": claims_total, "status_changes": _by_hand(session, since) + _by_reports(session, since)}


def _by_hand(session: Session, since: str) -> list[dict]:
    start = datetime.fromisoformat(since).replace(tzinfo=timezone.utc)
    out = []
    for d in session.scalars(select(DecisionRow).where(DecisionRow.kind == "set_claim_status",
                                                       DecisionRow.created_at >= start).order_by(DecisionRow.id)):
        item = decision_dict(d)
        out.append({"id": item["payload"].get("claim"), "summary": _summary(session, item["payload"]),
                    "was": (d.before or {}).get("status"), "now": item["payload"].get("status"),
                    "why": f"set by hand by {d.author}" + (f": {d.note}" if d.note else "")
                           + ("" if item["active"] else " (undone)"), "date": item["created_at"][:10]})
    return out


def _summary(session: Session, payload: dict) -> str:
    key = payload.get("claim_key")
    return session.scalar(select(ClaimRow.summary).where(ClaimRow.key == key)) or "" if key else ""


def _by_reports(session: Session, since: str) -> list[dict]:
    """Claims carried by reports before `since` and since, whose automatic status differs with and
    without the reports since."""
    said = lambda when: exists().where(  # noqa: E731
        StatementRow.claim_key == ClaimRow.key, StatementRow.document_id == DocumentRow.id, when)
    touched = (select(ClaimRow.key).where(said(not_(_since_filter(since))), said(_since_filter(since)))
               .order_by(ClaimRow.outlets.desc(), ClaimRow.id).limit(MAX_REANALYSED))
    keys = list(session.scalars(touched))
    if not keys:
        return []
    now = load_ledger(session, claim_keys=keys)
    nums = sorted(int(d.id[1:]) for d in now.documents)
    later = {f"d{i}" for i in session.scalars(select(DocumentRow.id).where(DocumentRow.id.in_(nums),
                                                                         _since_filter(since)))}
    before_docs = {d.id for d in now.documents} - later
    before = _only_documents(now, before_docs)
    was = {c.id: c.status for c in analyse_claims(before).claims}
    current = {c.id: c for c in now.claims}
    out = []
    for claim in analyse_claims(now).claims:
        stored = current[claim.id]
        if claim.id in was and was[claim.id] != claim.status:
            out.append({"id": claim.id, "summary": stored.summary, "was": was[claim.id], "now": stored.status,
                        "why": "reports published since", "date": None})
    return out


def _only_documents(ledger: Ledger, doc_ids: set[str]) -> Ledger:
    """The ledger as it stood with only `doc_ids` (claims keep the statements of those reports)."""
    statements = tuple(s for s in ledger.statements if s.document in doc_ids)
    kept = {s.id for s in statements}
    claims = tuple(replace(c, statements=tuple(s for s in c.statements if s in kept)) for c in ledger.claims)
    return replace(ledger, documents=tuple(d for d in ledger.documents if d.id in doc_ids), statements=statements,
                   claims=tuple(c for c in claims if c.statements),
                   relations=tuple(r for r in ledger.relations if r.a in doc_ids and r.b in doc_ids))
