"""What changed since a date: reports published since, claims first reported since, and claims whose
status moved because of reports published since (or that someone set by hand since).

A status change is found by applying the analysis's status rule to a claim's statements twice,
with and without the reports since the date, each statement's origin worked out as the analysis
does; only claims that reports before and since the date carry are read (at most
`MAX_REANALYSED`, the most widely reported first), through the workbench's origin cache.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from ..resolve.origins import counts_as_origin, independence_key
from ..store.decisions import decision_dict
from ..store.schema import ClaimRow, DecisionRow, DocumentRow, StatementRow
from .dates import check_date
from .matrix import OriginCache

LISTED = 50  # reports and new claims listed (the totals are always given)
MAX_REANALYSED = 50  # older claims touched since the date whose status is worked out again


def _since_filter(since: str):
    """Reports published on or after `since`; an undated report counts from when it was ingested."""
    start = datetime.fromisoformat(since).replace(tzinfo=timezone.utc)
    return or_(DocumentRow.published >= since,
               and_(DocumentRow.published.is_(None), DocumentRow.ingested_at >= start))


def changes_since(session: Session, since: str, cache: OriginCache | None = None) -> dict:
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
            "claims_total": claims_total, "status_changes": _by_hand(session, since) + _by_reports(session, since, cache or OriginCache())}


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


def _status(said: list[tuple[int, str, str]]) -> str:
    """The status rule of the claim analysis (docs/claims.md) on (report, origin, stance) rows: a
    counted origin denying disputes, two independent counted origins supporting corroborate."""
    deny = {independence_key(o) for _, o, st in said if st == "deny" and counts_as_origin(o)}
    support = {independence_key(o) for _, o, st in said if st == "support" and counts_as_origin(o)} - deny
    return "disputed" if deny else "corroborated" if len(support) >= 2 else "alleged"


def _by_reports(session: Session, since: str, cache: OriginCache) -> list[dict]:
    """Claims carried by reports before `since` and since, whose status with and without the
    reports since differs.  Both are worked out by the same rule on the same statements; a claim
    whose stored status that rule does not reproduce (a hand-set status, or agreement the full
    analysis weighs) is left out rather than guessed."""
    later = select(DocumentRow.id).where(_since_filter(since))
    # claims the reports since carry that were first reported before the date (a claim only denied
    # before it, with no first report, is not looked at: it was disputed and stays so)
    touched = session.scalars(select(ClaimRow).where(
        ClaimRow.first_reported < since,
        ClaimRow.key.in_(select(StatementRow.claim_key).where(StatementRow.document_id.in_(later))))
        .order_by(ClaimRow.outlets.desc(), ClaimRow.id).limit(MAX_REANALYSED)).all()
    if not touched:
        return []
    later_ids = set(session.scalars(later))
    said = cache.said(session, list(touched))
    out = []
    for c in touched:
        rows = list(said.get(c.key, ()))
        now, was = _status(rows), _status([r for r in rows if r[0] not in later_ids])
        if now == c.status and was != now:
            out.append({"id": f"c{c.id}", "summary": c.summary, "was": was, "now": now,
                        "why": "reports published since", "date": None})
    return out
