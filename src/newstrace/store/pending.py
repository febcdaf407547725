"""Claims needing analysis: marked with the report that touches them, cleared with their analysis.

Claim analysis (status, origins, evidence) runs once at the end of an ingest, over every claim the
run touched.  The mark is what survives a run killed before that point: the next run analyses every
marked claim, even when all its reports are already stored.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .schema import ClaimRow


def mark_pending(session: Session, keys: Iterable[str]) -> None:
    """Mark claims `keys` as needing analysis (in the caller's transaction: the report's)."""
    keys = sorted(set(keys))
    if keys:
        session.execute(update(ClaimRow).where(ClaimRow.key.in_(keys)).values(needs_analysis=True))


def pending_keys(session: Session) -> set[str]:
    """Keys of the claims still waiting for their analysis."""
    return set(session.scalars(select(ClaimRow.key).where(ClaimRow.needs_analysis.is_(True))))


def clear_pending(session: Session, keys: Iterable[str]) -> None:
    """Clear the mark of `keys` (in the transaction that stores their analysis)."""
    keys = sorted(set(keys))
    if keys:
        session.execute(update(ClaimRow).where(ClaimRow.key.in_(keys)).values(needs_analysis=False))
