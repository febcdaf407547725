"""Keeping stored figures current during ingest: a new report re-decides only the blocks it touches."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..store.figures import save_figure_blocks
from ..store.repository import load_ledger
from ..store.schema import FigureRow, QuantityRow, RelationRow, StatementRow
from .conflicts import resolve_figures
from .figures import block_key


def update_figures(session: Session, document_ids: Iterable[int], speaker_keys: Iterable[str] = ()) -> set[str]:
    """Decide again, in the caller's transaction, the figure blocks that `document_ids` touch.

    A block is re-decided when one of the reports has a quantity in it, or when a figure in it is
    spoken by one of `speaker_keys` (entities merged or re-parented: their origin may have moved).
    Only the reports holding figures of those blocks are read (plus the reports they copy or are
    copied by), never the whole store.  Returns the blocks re-decided.
    """
    document_ids = set(document_ids)
    blocks = {block_key(kind, unit, per) for kind, unit, per in session.execute(
        select(QuantityRow.kind, QuantityRow.unit, QuantityRow.per).where(QuantityRow.document_id.in_(sorted(document_ids))))}
    speaker_keys = sorted(set(speaker_keys))
    if speaker_keys:
        blocks |= set(session.scalars(select(FigureRow.block).distinct().join(
            StatementRow, StatementRow.id == FigureRow.statement_id).where(StatementRow.speaker_key.in_(speaker_keys))))
    blocks.discard(None)
    if not blocks:
        return set()
    docs = document_ids | set(session.scalars(select(FigureRow.document_id).distinct()
                                              .where(FigureRow.block.in_(sorted(blocks)))))
    docs |= {d for pair in session.execute(select(RelationRow.a, RelationRow.b).where(
        or_(RelationRow.a.in_(sorted(docs)), RelationRow.b.in_(sorted(docs))))) for d in pair}
    decided = resolve_figures(load_ledger(session, document_ids=docs), blocks=blocks)  # type: ignore[arg-type]
    save_figure_blocks(session, blocks, decided.figures, decided.series, decided.figure_conflicts)  # type: ignore[arg-type]
    return blocks  # type: ignore[return-value]
