"""The timeline: per day, the reports and statements published that day, the claims first reported
that day and the claims whose events are dated that day (all from stored dates, nothing re-read).

A claim's event date may be a month ("2025-02"): it is a row of its own, sorted before that
month's days.  Pages are runs of dates; each date lists at most `PER_DATE` claims of each kind.
"""
from __future__ import annotations

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from ..store.schema import ClaimRow, DocumentRow, StatementRow
from .dates import check_date
from .views import Page, bounds

PER_DATE = 10


def _in_range(column, since: str | None, until: str | None):
    conds = [column.is_not(None)]
    if since:
        conds.append(column >= since)
    if until:
        conds.append(column <= until + "\uffff")  # a month ("2025-02") counts up to its last day
    return conds


def timeline(session: Session, since: str | None = None, until: str | None = None,
             page: int = 1, per_page: int = 30) -> Page:
    """A `Page` of dates, oldest first: {date, reports, statements, first_reported, first_total,
    events, events_total}."""
    since, until = check_date(since, "since"), check_date(until, "until")
    page, per_page, limit, offset = bounds(page, per_page)
    has_statements = exists().where(StatementRow.claim_key == ClaimRow.key)
    days: dict[str, dict] = {}

    def day(d: str) -> dict:
        return days.setdefault(d, {"date": d, "reports": 0, "statements": 0, "first_total": 0, "events_total": 0,
                                   "first_reported": [], "events": []})

    for d, n in session.execute(select(DocumentRow.published, func.count()).where(
            *_in_range(DocumentRow.published, since, until)).group_by(DocumentRow.published)):
        day(d)["reports"] = n
    for d, n in session.execute(select(DocumentRow.published, func.count()).join(StatementRow).where(
            *_in_range(DocumentRow.published, since, until)).group_by(DocumentRow.published)):
        day(d)["statements"] = n
    for d, n in session.execute(select(ClaimRow.first_reported, func.count()).where(
            has_statements, *_in_range(ClaimRow.first_reported, since, until)).group_by(ClaimRow.first_reported)):
        day(d)["first_total"] = n
    for d, n in session.execute(select(ClaimRow.event_date, func.count()).where(
            has_statements, *_in_range(ClaimRow.event_date, since, until)).group_by(ClaimRow.event_date)):
        day(d)["events_total"] = n
    ordered = sorted(days)
    shown = [days[d] for d in ordered[offset:offset + limit]]
    dates = [d["date"] for d in shown]
    if dates:
        for column, field in ((ClaimRow.first_reported, "first_reported"), (ClaimRow.event_date, "events")):
            rows = session.execute(select(column, ClaimRow.id, ClaimRow.summary, ClaimRow.status, ClaimRow.outlets)
                                   .where(has_statements, column.in_(dates))
                                   .order_by(column, ClaimRow.outlets.desc(), ClaimRow.id)).all()
            for d, cid, summary, status, outlets in rows:
                bucket = days[d][field]
                if len(bucket) < PER_DATE:
                    bucket.append({"id": f"c{cid}", "summary": summary, "status": status, "outlets": outlets})
    return Page(shown, page, per_page, len(ordered))
