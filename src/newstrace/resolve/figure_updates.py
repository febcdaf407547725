"""Keeping stored figures current during ingest: a new report re-decides only the groups of figures it
touches, and re-reads from their text only the reports whose figures may have changed."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..model import LedgerFigure, LedgerFigureConflict, LedgerSeries
from ..store.figures import load_block_figures, save_figure_blocks, save_figure_groups
from ..store.repository import load_ledger
from ..store.schema import FigureRow, QuantityRow, RelationRow, StatementRow
from .conflicts import FigureGroups, decide_group
from .figures import block_key, read_figures


CACHE_LIMIT = 200_000  # figures an ingest run keeps in memory between reports (about 1 KB each)


@dataclass
class BlockState:
    """One block's figures as last stored, grouped, with the series and conflicts each group gave."""

    groups: FigureGroups
    outputs: dict[int, tuple[str, ...]] = field(default_factory=dict)  # group root -> its series and conflict keys
    documents: dict[int, list[int]] = field(default_factory=dict)  # report number -> its figures' indices

    @property
    def figures(self) -> list[LedgerFigure]:
        return self.groups.figures

    @property
    def last_document(self) -> int:
        return max(self.documents, default=0)


def update_figures(session: Session, document_ids: Iterable[int], speaker_keys: Iterable[str] = (),
                   cache: dict[str, BlockState] | None = None) -> set[str]:
    """Decide again, in the caller's transaction, the figures of the blocks that `document_ids` touch.

    A block is touched when one of the reports has a quantity in it, or when a figure in it is
    spoken by one of `speaker_keys` (entities merged, re-parented or re-typed, and those below them:
    their origin may have moved).  Figures are read again from their report only for the new
    reports, the reports whose figures those speakers give, and the reports any of these copy or
    are copied by (a copy's figures add outlets, not origins); every other figure of the blocks is
    taken as stored.  Returns the blocks touched.

    `cache` (block -> `BlockState`) lets one ingest run read a block from the table once and keep
    its groups: the run is the store's only writer (the writer lock), and a failed report's run
    state, this cache with it, is rebuilt from the store (`api._resolve_and_store`).  With a
    block's state at hand, a report whose figures come after the block's (a new report) and leave
    the re-read ones as they were re-decides only the groups its figures join or change: its cost
    grows with those groups, not with the block.  Otherwise the whole block is decided again.
    Both ways store what deciding the whole store at once gives.
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
    fresh: dict[str, list[LedgerFigure]] = {b: [] for b in blocks}  # type: ignore[misc]
    for f in read_figures(load_ledger(session, document_ids=reread), blocks=blocks):  # type: ignore[arg-type]
        fresh[f.block].append(f)
    cache = {} if cache is None else cache
    whole = sorted(b for b in blocks if not (b in cache and _update_groups(session, cache[b], fresh[b], reread)))  # type: ignore[index]
    if whole:
        _decide_blocks(session, whole, fresh, reread, cache)
    if sum(len(state.figures) for state in cache.values()) > CACHE_LIMIT:
        cache.clear()  # memory stays bounded: blocks are read from the table again
    return blocks  # type: ignore[return-value]


def _decide_blocks(session: Session, blocks: list[str], fresh: dict[str, list[LedgerFigure]],
                   reread: set[int], cache: dict[str, BlockState]) -> None:
    """Decide `blocks` whole: stored figures (from the cache or the table) with the fresh ones."""
    missing = [b for b in blocks if b not in cache]
    kept = load_block_figures(session, missing, leave_out=reread)
    kept += [f for b in blocks if b in cache for f in cache[b].figures if _number(f) not in reread]
    kept_by_block: dict[str, list[LedgerFigure]] = {b: [] for b in blocks}
    for f in kept:
        kept_by_block[f.block].append(f)
    figures: list[LedgerFigure] = []
    series: list[LedgerSeries] = []
    conflicts: list[LedgerFigureConflict] = []
    for b in blocks:
        state = BlockState(FigureGroups(_in_report_order(kept_by_block[b], fresh[b])))
        for i, f in enumerate(state.figures):
            state.documents.setdefault(_number(f), []).append(i)
        for members in state.groups.groups():
            decided, one, found = decide_group([state.figures[i] for i in members])
            for i, f in zip(members, decided):
                state.figures[i] = f
            state.outputs[state.groups.find(members[0])] = _keys(one, found)
            series.extend([one] if one is not None else [])
            conflicts.extend(found)
        figures.extend(state.figures)
        cache[b] = state
    save_figure_blocks(session, blocks, figures, series, conflicts,
                       stored={f.id: f for f in kept}, documents=reread)


def _update_groups(session: Session, state: BlockState, fresh: list[LedgerFigure], reread: set[int]) -> bool:
    """Re-decide only the groups that `fresh` (the block's figures of the re-read reports) join or
    change, and store what they give.  False, changing nothing, when the block must be decided whole:
    an earlier report's figures differ in what links them (their context, kind or claim), or come
    and go, or the new figures change which words link."""
    last = state.last_document
    new = [f for f in fresh if _number(f) > last]
    again = [f for f in fresh if _number(f) <= last]
    if any(_number(f) in state.documents for f in new):
        return False
    old: dict[int, LedgerFigure] = {}  # index -> its figure read again
    for d in sorted(d for d in reread if d <= last):
        ids = [f.id for f in again if _number(f) == d]
        indices = state.documents.get(d, [])
        if ids != [state.figures[i].id for i in indices]:
            return False
        old.update(zip(indices, (f for f in again if _number(f) == d)))
    for i, f in old.items():
        was = state.figures[i]
        if (f.context, f.kind, f.claim) != (was.context, was.kind, was.claim):
            return False
    changed = {i for i, f in old.items() if replace(f, series=state.figures[i].series) != state.figures[i]}
    start = len(state.figures)
    new.sort(key=_number)  # stable: a report's figures stay in reading order
    extended = state.groups.extend(new)
    if extended is None:
        return False
    roots, absorbed = extended
    for i in changed:
        state.figures[i] = replace(old[i], series=state.figures[i].series)
    roots |= {state.groups.find(i) for i in changed}
    for i, f in enumerate(new, start):
        state.documents.setdefault(_number(f), []).append(i)
    stale = {k for r in absorbed | roots for k in state.outputs.pop(r, ())}
    written: list[LedgerFigure] = []
    series: list[LedgerSeries] = []
    conflicts: list[LedgerFigureConflict] = []
    for root in sorted(roots):
        members = state.groups.members(root)
        decided, one, found = decide_group([state.figures[i] for i in members])
        for i, f in zip(members, decided):
            if i >= start or i in changed or f != state.figures[i]:
                written.append(f)
            state.figures[i] = f
        state.outputs[root] = _keys(one, found)
        series.extend([one] if one is not None else [])
        conflicts.extend(found)
    wanted = {s.id for s in series} | {c.id for c in conflicts}
    save_figure_groups(session, written, series, conflicts, gone=stale - wanted)
    return True


def _keys(series: LedgerSeries | None, conflicts: list[LedgerFigureConflict]) -> tuple[str, ...]:
    return tuple([series.id] if series is not None else []) + tuple(c.id for c in conflicts)


def _number(f: LedgerFigure) -> int:
    return int(f.document.lstrip("d"))


def _in_report_order(kept: list[LedgerFigure], fresh: list[LedgerFigure]) -> list[LedgerFigure]:
    """Stored and freshly read figures in the order a whole read gives them (report by report, and
    within a report in reading order): the order figures are linked in (`FigureGroups`)."""
    rank = {id(f): i for i, f in enumerate(fresh)}
    within = lambda f: rank[id(f)] if id(f) in rank else int(f.id.lstrip("f"))  # noqa: E731
    return sorted([*kept, *fresh], key=lambda f: (_number(f), within(f)))
