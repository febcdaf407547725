"""Recording, undoing and honouring corrections (stored decisions) against an open store.

A decision is applied in the same transaction that records it; the claims it touches are then
re-analysed (origins, status, evidence), and hand-set claim statuses are put back on top.  After
every ingest run `honour_decisions` re-applies all active decisions, so re-resolution never
silently overwrites a person's correction.
"""
from __future__ import annotations

import os
from datetime import datetime, timezone

from sqlalchemy import select

from .errors import DecisionError, NotFound
from .resolve.entities import EntityResolver
from .resolve.update import Resolution
from .settings import Settings
from .store.db import Database
from .store.decisions import KINDS, REGISTRY, decision_dict, reapply_statuses, reapply_structural
from .store.schema import DecisionRow


def default_author() -> str:
    """Who made a decision when nobody says: the login name, else 'analyst'."""
    return os.environ.get("NEWSTRACE_AUTHOR") or os.environ.get("USER") or "analyst"


def reanalyse(db: Database, claim_keys: set[str]) -> None:
    """Redo status, origins, evidence and denials of `claim_keys` (the run's own claim analysis)."""
    keys = {k for k in claim_keys if k}
    if not keys:
        return
    # the analysis needs no resolver state: an empty one keeps the public entry point honest
    resolution = Resolution(EntityResolver(), Settings(), db)
    resolution.touched_claims |= keys
    resolution.finish(db)


def record_decision(db: Database, kind: str, payload: dict, note: str = "", author: str | None = None) -> dict:
    """Apply a correction and store it as a decision; returns the decision."""
    if kind not in REGISTRY:
        raise DecisionError(f"unknown correction {kind!r} (one of {', '.join(KINDS)})", source=kind)
    with db.session() as s:
        d = DecisionRow(kind=kind, payload=dict(payload), before={}, author=author or default_author(),
                        note=note or "")
        s.add(d)
        s.flush()
        affected = REGISTRY[kind].apply(s, d)
    reanalyse(db, affected)
    with db.session() as s:
        reapply_statuses(s)
        return decision_dict(s.get(DecisionRow, d.id))


def undo_decision(db: Database, decision_id: int, author: str | None = None) -> dict:
    """Undo one decision: the state before it comes back, and later ingests no longer honour it."""
    with db.session() as s:
        d = s.get(DecisionRow, decision_id)
        if d is None:
            raise NotFound(f"no decision {decision_id}", source=str(decision_id))
        if d.undone_at is not None:
            raise DecisionError(f"decision {decision_id} was already undone", source=str(decision_id))
        affected = REGISTRY[d.kind].undo(s, d)
        d.undone_at, d.undone_by = datetime.now(timezone.utc), author or default_author()
    reanalyse(db, affected)
    with db.session() as s:
        reapply_statuses(s)
        return decision_dict(s.get(DecisionRow, decision_id))


def honour_decisions(db: Database) -> int:
    """Re-apply every active decision after an ingest run; returns how many are active."""
    with db.session() as s:
        count = len(list(s.scalars(select(DecisionRow.id).where(DecisionRow.undone_at.is_(None)))))
        if not count:
            return 0
        affected = reapply_structural(s)
    reanalyse(db, affected)
    with db.session() as s:
        reapply_statuses(s)
    return count
