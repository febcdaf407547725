"""Storing figures, series and figure conflicts, block by block, and reading them back into the Ledger."""
from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Iterable, Mapping

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from ..model import LedgerFigure, LedgerFigureConflict, LedgerSeries
from .schema import ClaimRow, FigureConflictRow, FigureRow, SeriesRow, StatementRow


def _num(ledger_id: str | None, prefix: str) -> int | None:
    digits = (ledger_id or "")[len(prefix):]
    return int(digits) if ledger_id and ledger_id.startswith(prefix) and digits.isdigit() else None


def save_figure_blocks(session: Session, blocks: Iterable[str], figures: Iterable[LedgerFigure],
                       series: Iterable[LedgerSeries], conflicts: Iterable[LedgerFigureConflict],
                       stored: Mapping[str, LedgerFigure] | None = None, documents: Iterable[int] = ()) -> None:
    """Replace what the store holds for `blocks` with freshly decided figures, series and conflicts.

    Figures keep their ids (their quantity's); series and conflicts keep their keys, so a figure or
    conflict that survives an update is the same row before and after.  With `stored` (figure id ->
    the figure as the store holds it) only what changed is written: a figure equal to its stored
    self is not touched, and only the figures of `documents` (the reports read again) are looked
    for among those that are gone.
    """
    blocks = sorted(set(blocks))
    if not blocks:
        return
    figures, series, conflicts = list(figures), list(series), list(conflicts)
    if stored is not None:
        figures = [f for f in figures if stored.get(f.id) != f]
        written = sorted(n for n in (_num(f.id, "f") for f in figures) if n is not None)
        q = select(FigureRow).where(FigureRow.block.in_(blocks), or_(
            FigureRow.document_id.in_(sorted(set(documents))), FigureRow.id.in_(written)))
    else:
        q = select(FigureRow).where(FigureRow.block.in_(blocks))
    rows = {r.id: r for r in session.scalars(q)}
    keep: set[int] = set() if stored is None else {n for n in (_num(i, "f") for i in stored) if n is not None}
    for f in figures:
        fid = _num(f.id, "f")
        if fid is None:
            continue
        keep.add(fid)
        _write_figure(session, rows.get(fid), fid, f)
    for fid, row in rows.items():
        if fid not in keep:
            session.delete(row)
    _replace_keyed(session, SeriesRow, blocks, _series_columns(series))
    _replace_keyed(session, FigureConflictRow, blocks, _conflict_columns(conflicts))


def save_figure_groups(session: Session, figures: Iterable[LedgerFigure], series: Iterable[LedgerSeries],
                       conflicts: Iterable[LedgerFigureConflict], gone: Iterable[str] = ()) -> None:
    """Store what deciding some groups of figures again gave: `figures` (new or changed), the groups'
    series and conflicts (added or updated by key), and the series and conflict keys in `gone` deleted."""
    figures = [f for f in figures if _num(f.id, "f") is not None]
    ids = sorted({_num(f.id, "f") for f in figures})  # type: ignore[type-var]
    rows = {r.id: r for r in session.scalars(select(FigureRow).where(FigureRow.id.in_(ids)))} if ids else {}
    for f in figures:
        fid = _num(f.id, "f")
        _write_figure(session, rows.get(fid), fid, f)  # type: ignore[arg-type]
    gone = sorted(set(gone))
    if gone:
        session.execute(delete(SeriesRow).where(SeriesRow.key.in_(gone)))
        session.execute(delete(FigureConflictRow).where(FigureConflictRow.key.in_(gone)))
    _upsert_keyed(session, SeriesRow, _series_columns(series))
    _upsert_keyed(session, FigureConflictRow, _conflict_columns(conflicts))


def _write_figure(session: Session, row: FigureRow | None, fid: int, f: LedgerFigure) -> None:
    if row is None:
        row = session.get(FigureRow, fid) or FigureRow(id=fid)
        session.add(row)
    row.document_id = int(f.document.lstrip("d"))
    row.statement_id = _num(f.statement, "s")
    row.block, row.measure, row.unit, row.kind, row.text = f.block, f.measure, f.unit, f.kind, f.text
    row.counted = f.counted
    row.low, row.high = f.low, (None if f.high == math.inf else f.high)
    row.is_range, row.refers_to, row.refers_from, row.origin = f.is_range, f.refers_to, f.refers_from, f.origin
    row.quantities = [n for n in (_num(q, "q") for q in f.quantities) if n is not None]
    row.cumulative, row.copy, row.context, row.sentence = f.cumulative, f.copy, list(f.context), f.sentence
    row.series_key = f.series


def _series_columns(series: Iterable[LedgerSeries]) -> dict[str, dict]:
    return {s.id: dict(block=s.block, measure=s.measure, unit=s.unit, figures=list(s.figures),
                       periods=list(s.periods), trend=s.trend, cumulative=s.cumulative) for s in series}


def _conflict_columns(conflicts: Iterable[LedgerFigureConflict]) -> dict[str, dict]:
    return {c.id: dict(block=c.block, measure=c.measure, unit=c.unit, period=c.period, figures=list(c.figures),
                       origins=list(c.origins), reason=c.reason, series_key=c.series) for c in conflicts}


def _replace_keyed(session: Session, table, blocks: list[str], wanted: Mapping[str, dict]) -> None:
    """Rows of `blocks` become `wanted` (key -> columns): kept rows updated, others deleted or added."""
    rows = {r.key: r for r in session.scalars(select(table).where(table.block.in_(blocks)))}
    stale = [key for key in rows if key not in wanted]
    if stale:
        session.execute(delete(table).where(table.key.in_(stale)))
    _upsert_keyed(session, table, wanted, rows)


def _upsert_keyed(session: Session, table, wanted: Mapping[str, dict], rows: Mapping | None = None) -> None:
    """Rows keyed as in `wanted` (key -> columns) updated in place or added; unchanged ones stay clean."""
    if rows is None:
        keys = sorted(wanted)
        rows = {r.key: r for r in session.scalars(select(table).where(table.key.in_(keys)))} if keys else {}
    for key, values in wanted.items():
        row = rows.get(key) or session.scalar(select(table).where(table.key == key))
        if row is None:
            row = table(key=key)
            session.add(row)
        for name, value in values.items():
            if getattr(row, name, None) != value:  # an unchanged row stays clean: no UPDATE
                setattr(row, name, value)


def load_block_figures(session: Session, blocks: Iterable[str], leave_out: Iterable[int] = ()) -> list[LedgerFigure]:
    """The stored figures of `blocks`, but those of the reports in `leave_out`, in report order, each
    with its statement's claim (ledger ids): what deciding those blocks again needs of the reports
    that did not change, read from the figures table alone."""
    blocks, leave_out = sorted(set(blocks)), sorted(set(leave_out))
    if not blocks:
        return []
    # plain columns, not ORM rows: a busy block holds thousands of figures and is read per report
    columns = [getattr(FigureRow, c) for c in _COLUMNS]
    q = (select(*columns, ClaimRow.id).outerjoin(StatementRow, StatementRow.id == FigureRow.statement_id)
         .outerjoin(ClaimRow, ClaimRow.key == StatementRow.claim_key)
         .where(FigureRow.block.in_(blocks)).order_by(FigureRow.document_id, FigureRow.id))
    if leave_out:
        q = q.where(FigureRow.document_id.not_in(leave_out))
    return [_figure(SimpleNamespace(**dict(zip(_COLUMNS, values))), f"c{claim}" if claim is not None else None)
            for *values, claim in session.execute(q)]


_COLUMNS = ("id", "document_id", "text", "block", "measure", "unit", "kind", "counted", "low", "high", "is_range",
            "refers_to", "refers_from", "origin", "statement_id", "quantities", "cumulative", "copy", "context",
            "sentence", "series_key")


def _figure(r: FigureRow | SimpleNamespace, claim: str | None) -> LedgerFigure:
    return LedgerFigure(
        id=f"f{r.id}", document=f"d{r.document_id}", text=r.text, block=r.block, measure=r.measure, unit=r.unit,
        kind=r.kind, counted=r.counted, low=r.low, high=math.inf if r.high is None else r.high,
        is_range=r.is_range, refers_to=r.refers_to, refers_from=r.refers_from, origin=r.origin,
        statement=f"s{r.statement_id}" if r.statement_id else None, quantities=tuple(f"q{n}" for n in r.quantities),
        cumulative=r.cumulative, copy=r.copy, claim=claim, context=tuple(r.context), sentence=r.sentence,
        series=r.series_key)


def load_figures(session: Session, claim_of: Mapping[int, str | None],
                 document_ids: set[int] | None = None
                 ) -> tuple[tuple[LedgerFigure, ...], tuple[LedgerSeries, ...], tuple[LedgerFigureConflict, ...]]:
    """Stored figures, series and conflicts (of `document_ids`' blocks only, when given), in ledger ids.

    `claim_of`: statement id -> ledger claim id, for the figure's claim.
    """
    q = select(FigureRow).order_by(FigureRow.id)
    if document_ids is not None:
        q = q.where(FigureRow.document_id.in_(sorted(document_ids)))
    figures = tuple(_figure(r, claim_of.get(r.statement_id) if r.statement_id else None) for r in session.scalars(q))
    blocks = sorted({f.block for f in figures})
    series_q, conflict_q = select(SeriesRow).order_by(SeriesRow.id), select(FigureConflictRow).order_by(FigureConflictRow.id)
    if document_ids is not None:
        series_q, conflict_q = series_q.where(SeriesRow.block.in_(blocks)), conflict_q.where(FigureConflictRow.block.in_(blocks))
    series = tuple(
        LedgerSeries(id=r.key, block=r.block, measure=r.measure, unit=r.unit, figures=tuple(r.figures),
                     periods=tuple(r.periods), trend=r.trend, cumulative=r.cumulative)
        for r in session.scalars(series_q))
    conflicts = tuple(
        LedgerFigureConflict(id=r.key, block=r.block, measure=r.measure, unit=r.unit, period=r.period,
                             figures=tuple(r.figures), origins=tuple(r.origins), reason=r.reason,
                             series=r.series_key)
        for r in session.scalars(conflict_q))
    return figures, series, conflicts
