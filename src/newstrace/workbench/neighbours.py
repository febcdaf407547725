"""Claims an alleged claim may belong with: the claims of the statements nearest its own, found in
the stored statement vectors through the project's vector index (never all pairs).

The index is kept by the open workbench and only grows: a call adds the statements stored since
the last one (a statement's vector never changes once stored), then asks the index for the
nearest statements of each of the claim's statements.  Claim membership is read fresh from the
store every time, so moves, splits and later ingests show at once.
"""
from __future__ import annotations

import threading

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..resolve.vector_index import VectorIndex
from ..store.schema import ClaimRow, StatementRow

NEIGHBOURS = 12  # nearest statements asked for each statement of the claim
MIN_SIMILARITY = 0.45  # cosine below which a statement says something else
SHOWN = 5  # claims suggested
QUERIED = 20  # statements of the claim whose neighbours are looked up (a big claim: its first ones)
_BATCH = 5000  # vectors read per query while the index catches up


class StatementVectors:
    """The stored statement vectors in a growing `VectorIndex`, shared by the threads of one app."""

    def __init__(self) -> None:
        self._index: VectorIndex | None = None
        self._last = 0  # highest statement id indexed
        self._lock = threading.Lock()

    def _catch_up(self, session: Session) -> VectorIndex:
        if self._index is None:
            self._index = VectorIndex()
        while True:
            rows = session.execute(select(StatementRow.id, StatementRow.embedding)
                                   .where(StatementRow.id > self._last, StatementRow.embedding.is_not(None))
                                   .order_by(StatementRow.id).limit(_BATCH)).all()
            if not rows:
                return self._index
            vecs = np.stack([np.frombuffer(e, dtype=np.float32) for _, e in rows])
            self._index.add([f"s{i}" for i, _ in rows], vecs)
            self._last = rows[-1][0]

    def behind(self, session: Session) -> int:
        """About how many stored statements the index has not read yet."""
        last = session.scalar(select(func.max(StatementRow.id))) or 0
        return max(0, last - self._last)

    def warm(self, session: Session) -> None:
        """Read every stored vector now (the web app does it in the background at start)."""
        with self._lock:
            self._catch_up(session)

    def nearest_claims(self, session: Session, claim_key: str, shown: int = SHOWN,
                       wait: bool = True) -> list[dict] | None:
        """[{id, summary, status, similarity, via}] best first: other claims holding statements near
        this claim's (`via`: the nearest pair, as statement ids).  With `wait=False`, None instead of
        waiting while the index is far behind the store or busy catching up (a page says so)."""
        own = session.execute(select(StatementRow.id, StatementRow.embedding)
                              .where(StatementRow.claim_key == claim_key, StatementRow.embedding.is_not(None))
                              .order_by(StatementRow.id).limit(QUERIED)).all()
        if not own:
            return []
        if not wait and self.behind(session) > _BATCH:
            return None
        if not self._lock.acquire(timeout=-1 if wait else 1.0):
            return None
        try:
            index = self._catch_up(session)
            hits = [(f"s{sid}", hit, score) for sid, emb in own
                    for hit, score in index.search(np.frombuffer(emb, dtype=np.float32), NEIGHBOURS, MIN_SIMILARITY)]
        finally:
            self._lock.release()
        ids = sorted({int(h[1:]) for _, h, _ in hits})
        claim_of = dict(session.execute(select(StatementRow.id, StatementRow.claim_key)
                                        .where(StatementRow.id.in_(ids), StatementRow.claim_key.is_not(None),
                                               StatementRow.claim_key != claim_key)).all()) if ids else {}
        best: dict[str, tuple[float, str, str]] = {}
        for mine, hit, score in hits:
            key = claim_of.get(int(hit[1:]))
            if key and (key not in best or score > best[key][0]):
                best[key] = (score, mine, hit)
        if not best:
            return []
        rows = {c.key: c for c in session.scalars(select(ClaimRow).where(ClaimRow.key.in_(sorted(best))))}
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))[:shown]
        return [{"id": f"c{rows[k].id}", "summary": rows[k].summary, "status": rows[k].status,
                 "similarity": round(score, 3), "via": [mine, hit]}
                for k, (score, mine, hit) in ranked if k in rows]

    def size(self) -> int:
        return len(self._index) if self._index is not None else 0

