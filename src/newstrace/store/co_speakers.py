"""The other parties of joint statements (`statements.co_speakers`, a JSON list of entity keys).

A joint statement is rare, so the column is NULL for every other statement and the helpers below
read only the rows that hold a list: portable between SQLite and PostgreSQL (no JSON operators),
and cheap however large the store grows.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from .schema import StatementRow


def _joint_rows(session: Session) -> list[StatementRow]:
    return list(session.scalars(select(StatementRow).where(StatementRow.co_speakers.is_not(None))
                                .order_by(StatementRow.id)))


def repoint_co_speakers(session: Session, old: str, new: str) -> None:
    """Entity `old` was merged into `new`: joint statements naming `old` now name `new` (once, and
    never the statement's own speaker twice)."""
    for row in _joint_rows(session):
        keys = list(row.co_speakers or ())
        if old not in keys:
            continue
        moved = [new if k == old else k for k in keys]
        row.co_speakers = [k for k in dict.fromkeys(moved) if k != row.speaker_key] or None


def claims_co_spoken_by(session: Session, keys: Iterable[str]) -> set[str]:
    """Claim keys of the joint statements with a co-speaker among `keys`."""
    wanted = set(keys)
    if not wanted:
        return set()
    return {row.claim_key for row in _joint_rows(session)
            if row.claim_key and wanted.intersection(row.co_speakers or ())}


def joint_parties(session: Session, keys: Iterable[str]) -> dict[str, list[str]]:
    """{statement id: its other parties} for the joint statements naming one of `keys` as a party
    (what undoing a merge of `keys` puts back; ids as strings, the form JSON keeps)."""
    wanted = set(keys)
    return {str(row.id): list(row.co_speakers or ()) for row in _joint_rows(session)
            if wanted.intersection(row.co_speakers or ())}


def restore_joint_parties(session: Session, saved: dict[str, list[str]]) -> None:
    """Put back the parties `joint_parties` saved (statements since deleted are skipped)."""
    for sid, keys in saved.items():
        row = session.get(StatementRow, int(sid))
        if row is not None:
            row.co_speakers = list(keys) or None
