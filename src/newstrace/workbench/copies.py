"""A report's copies and relays: the stored relations (exact, near_duplicate, syndicated,
shared_passage) in both directions, with the other report's title, outlet and date."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..store.schema import DocumentRow, RelationRow

KIND_WORDS = {"exact": "exact copy", "near_duplicate": "near-duplicate", "syndicated": "syndicated copy",
              "shared_passage": "shares passages"}


def report_relations(session: Session, document_id: int) -> list[dict]:
    """[{kind, label, direction, report, title, outlet, published, similarity}]: `direction` is
    "repeats" when this report repeats the other (the relation's `a`), "repeated_by" otherwise."""
    rows = session.execute(select(RelationRow.a, RelationRow.b, RelationRow.kind, RelationRow.similarity)
                           .where(or_(RelationRow.a == document_id, RelationRow.b == document_id))
                           .order_by(RelationRow.id)).all()
    others = {b if a == document_id else a for a, b, _, _ in rows}
    docs = {i: (t, o, p) for i, t, o, p in session.execute(
        select(DocumentRow.id, DocumentRow.title, DocumentRow.outlet, DocumentRow.published)
        .where(DocumentRow.id.in_(sorted(others))))} if others else {}
    out = []
    for a, b, kind, similarity in rows:
        other = b if a == document_id else a
        title, outlet, published = docs.get(other, (None, None, None))
        out.append({"kind": kind, "label": KIND_WORDS.get(kind, kind),
                    "direction": "repeats" if a == document_id else "repeated_by", "report": f"d{other}",
                    "title": title, "outlet": outlet, "published": published, "similarity": round(similarity, 3)})
    return out
