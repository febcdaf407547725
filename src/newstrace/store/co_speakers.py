"""The other parties of joint statements (`statements.co_speakers`, a JSON list of entity keys).

A joint statement is rare, so the column is NULL for every other statement and the helpers below
read only the rows that hold a list: portable between SQLite and PostgreSQL (no JSON operators),
and cheap however large the store grows.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Text, cast, or_, select
from sqlalchemy.orm import Session

from .schema import StatementRow


_MAX_LIKE = 64  # keys filtered in SQL (one LIKE each; SQLite nests ORs): more read every joint row


def _joint_rows(session: Session, keys: Iterable[str] = ()) -> list[StatementRow]:
    """Joint statements; with `keys`, only those whose list may hold one of them (the JSON text
    holds the key in quotes: a LIKE both SQLite and PostgreSQL read the same way, so a merge does
    not read every joint statement of the store).  Callers still check the decoded list."""
    q = select(StatementRow).where(StatementRow.co_speakers.is_not(None))
    keys = sorted(set(keys))
    if 0 < len(keys) <= _MAX_LIKE:
        text = cast(StatementRow.co_speakers, Text)
        q = q.where(or_(*(text.like(f'%"{_escape_like(k)}"%', escape="\\") for k in keys)))
    return list(session.scalars(q.order_by(StatementRow.id)))


def _escape_like(key: str) -> str:
    return key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def repoint_co_speakers(session: Session, old: str, new: str) -> None:
    """Entity `old` was merged into `new`: joint statements naming `old` now name `new` (once, and
    never the statement's own speaker twice)."""
    for row in _joint_rows(session, [old]):
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
    return {row.claim_key for row in _joint_rows(session, wanted)
            if row.claim_key and wanted.intersection(row.co_speakers or ())}


def joint_parties(session: Session, keys: Iterable[str]) -> dict[str, list[str]]:
    """{statement id: its other parties} for the joint statements naming one of `keys` as a party
    (what undoing a merge of `keys` puts back; ids as strings, the form JSON keeps)."""
    wanted = set(keys)
    return {str(row.id): list(row.co_speakers or ()) for row in _joint_rows(session, wanted)
            if wanted.intersection(row.co_speakers or ())}


def restore_joint_parties(session: Session, saved: dict[str, list[str]]) -> None:
    """Put back the parties `joint_parties` saved (statements since deleted are skipped)."""
    for sid, keys in saved.items():
        row = session.get(StatementRow, int(sid))
        if row is not None:
            row.co_speakers = list(keys) or None
