"""A claim's figures as stored (docs/figures.md): each figure its statements give, the series those
figures belong to (every figure of the series, in date order) and the conflicts they take part in."""
from __future__ import annotations

import math

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.schema import DocumentRow, FigureConflictRow, FigureRow, SeriesRow, StatementRow


def _values(low: float, high: float | None, is_range: bool) -> str:
    """'600', '600-900', '20 or more' as a page shows a figure's values."""
    fmt = lambda v: f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"  # noqa: E731
    if high is None or high == math.inf:
        return f"{fmt(low)} or more"
    if is_range or high != low:
        return f"{fmt(low)}-{fmt(high)}"
    return fmt(low)


def _figure_item(f: FigureRow, outlet: str | None, published: str | None) -> dict:
    return {"id": f"f{f.id}", "text": f.text, "amount": _values(f.low, f.high, f.is_range), "low": f.low,
            "high": f.high, "measure": f.measure, "counted": f.counted, "unit": f.unit, "date": f.refers_to,
            "date_from": f.refers_from, "origin": f.origin, "report": f"d{f.document_id}", "outlet": outlet,
            "published": published, "statement": f"s{f.statement_id}" if f.statement_id else None,
            "copy": f.copy, "cumulative": f.cumulative, "series": f.series_key, "sentence": f.sentence}


def claim_figures(session: Session, claim_key: str) -> dict:
    """{figures, series, conflicts} for the claim with `claim_key` (figures of its statements)."""
    rows = session.execute(select(FigureRow, DocumentRow.outlet, DocumentRow.published).join(DocumentRow)
                           .join(StatementRow, StatementRow.id == FigureRow.statement_id)
                           .where(StatementRow.claim_key == claim_key).order_by(FigureRow.refers_to, FigureRow.id)).all()
    figures = [_figure_item(f, outlet, published) for f, outlet, published in rows]
    if not figures:
        return {"figures": [], "series": [], "conflicts": []}
    own = {f.id for f, _, _ in rows}
    series_keys = sorted({f.series_key for f, _, _ in rows if f.series_key})
    blocks = sorted({f.block for f, _, _ in rows})
    series_rows = session.scalars(select(SeriesRow).where(SeriesRow.key.in_(series_keys))).all() if series_keys else []
    members = sorted({int(n) for s in series_rows for n in _nums(s.figures)})
    by_id = {f.id: (f, o, p) for f, o, p in session.execute(
        select(FigureRow, DocumentRow.outlet, DocumentRow.published).join(DocumentRow)
        .where(FigureRow.id.in_(members)))} if members else {}
    series = [{"id": s.key, "measure": s.measure, "unit": s.unit, "trend": s.trend, "periods": list(s.periods),
               "cumulative": s.cumulative,
               "figures": [{**_figure_item(*by_id[n]), "in_claim": n in own} for n in _nums(s.figures) if n in by_id]}
              for s in series_rows]
    conflicts = [{"id": c.key, "measure": c.measure, "unit": c.unit, "period": c.period, "reason": c.reason,
                  "origins": list(c.origins), "figures": [f"f{n}" for n in _nums(c.figures)]}
                 for c in session.scalars(select(FigureConflictRow).where(FigureConflictRow.block.in_(blocks))
                                          .order_by(FigureConflictRow.period, FigureConflictRow.id))
                 if own & set(_nums(c.figures))]
    return {"figures": figures, "series": series, "conflicts": conflicts}


def _nums(refs: list) -> list[int]:
    """Figure ids as stored in series and conflicts ("f12" or 12) -> 12."""
    out = []
    for r in refs:
        text = str(r).lstrip("f")
        if text.isdigit():
            out.append(int(text))
    return out
