"""Keeping stored figures current during ingest: a new report re-decides only the blocks it touches,
and re-reads from their text only the reports whose figures may have changed."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..model import LedgerFigure
from ..store.figures import load_block_figures, save_figure_blocks
from ..store.repository import load_ledger
from ..store.schema import FigureRow, QuantityRow, RelationRow, StatementRow
from .conflicts import decide_figures
from .figures import block_key, read_figures


CACHE_LIMIT = 200_000  # figures an ingest run keeps in memory between reports (about 1 KB each)


def update_figures(session: Session, document_ids: Iterable[int], speaker_keys: Iterable[str] = (),
                   cache: dict[str, list[LedgerFigure]] | None = None) -> set[str]:
    """Decide again, in the caller's transaction, the figure blocks that `document_ids` touch.

    A block is re-decided when one of the reports has a quantity in it, or when a figure in it is
    spoken by one of `speaker_keys` (entities merged, re-parented or re-typed, and those below them:
    their origin may have moved).  Figures are read again from their report only for the new
    reports, the reports whose figures those speakers give, and the reports any of these copy or
    are copied by (a copy's figures add outlets, not origins); every other figure of the blocks is
    taken as stored.  So the cost of a report grows with the figures of its blocks (one read of the
    figures table), not with the text of every report that holds them.  Returns the blocks re-decided.

    `cache` (block -> its figures as last stored) lets one ingest run read a block from the table
    once: the run is the store's only writer (the writer lock), and a failed report's run state,
    this cache with it, is rebuilt from the store (`api._resolve_and_store`).
    """
    document_ids = set(document_ids)
    blocks = {block_key(kind, unit, per) for kind, unit, per in session.execute(
        select(QuantityRow.kind, QuantityRow.unit, QuantityRow.per).where(QuantityRow.document_id.in_(sorted(document_ids))))}
    reread = set(document_ids)
    speaker_keys = sorted(set(speaker_keys))
    if speaker_keys:
        for block, document in session.execute(
                select(FigureRow.block, FigureRow.document_id).distinct()
                .join(StatementRow, StatementRow.id == FigureRow.statement_id)
                .where(StatementRow.speaker_key.in_(speaker_keys))):
            blocks.add(block)
            reread.add(document)
    blocks.discard(None)
    if not blocks:
        return set()
    reread |= {d for pair in session.execute(select(RelationRow.a, RelationRow.b).where(
        or_(RelationRow.a.in_(sorted(reread)), RelationRow.b.in_(sorted(reread))))) for d in pair}
    fresh = read_figures(load_ledger(session, document_ids=reread), blocks=blocks)  # type: ignore[arg-type]
    cached = {b for b in blocks if cache is not None and b in cache}
    kept = load_block_figures(session, blocks - cached, leave_out=reread)  # type: ignore[arg-type]
    kept += [f for b in sorted(cached) for f in cache[b] if int(f.document.lstrip("d")) not in reread]  # type: ignore[index]
    figures, series, conflicts = decide_figures(_in_report_order(kept, fresh))
    save_figure_blocks(session, blocks, figures, series, conflicts,  # type: ignore[arg-type]
                       stored={f.id: f for f in kept}, documents=reread)
    if cache is not None:
        if sum(map(len, cache.values())) + len(figures) > CACHE_LIMIT:
            cache.clear()  # memory stays bounded: blocks are read from the table again
        for b in blocks:
            cache[b] = []  # type: ignore[index]
        for f in figures:
            cache[f.block].append(f)
    return blocks  # type: ignore[return-value]


def _in_report_order(kept: list[LedgerFigure], fresh: list[LedgerFigure]) -> list[LedgerFigure]:
    """Stored and freshly read figures in the order a whole read gives them (report by report, and
    within a report in reading order): the order figures are linked in (`related_groups`)."""
    rank = {id(f): i for i, f in enumerate(fresh)}
    number = lambda f: int(f.document.lstrip("d"))  # noqa: E731
    within = lambda f: rank[id(f)] if id(f) in rank else int(f.id.lstrip("f"))  # noqa: E731
    return sorted([*kept, *fresh], key=lambda f: (number(f), within(f)))
