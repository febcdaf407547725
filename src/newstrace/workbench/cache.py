"""What the workbench keeps between requests: results worked out from many rows (statement origins
of a big claim, places of claims, the timeline), kept while the store is unchanged.

The store's version is read in one cheap query: the newest report and statement ids and counts,
the decisions (made and undone) and the claims marked for analysis.  Every write the workbench knows of changes it — an ingest adds
reports and statements, a correction adds or undoes a decision — so a cached answer is never older
than the store.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..store.schema import ClaimRow, DecisionRow, DocumentRow, StatementRow


def store_version(session: Session) -> tuple:
    """(newest report id, reports, newest statement id, statements, decisions, newest decision, undone,
    claims marked for analysis: an ingest finishing an interrupted one's analysis clears marks)."""
    sub = lambda q: q.scalar_subquery()  # noqa: E731
    return tuple(session.execute(select(
        sub(select(func.max(DocumentRow.id))), sub(select(func.count()).select_from(DocumentRow)),
        sub(select(func.max(StatementRow.id))), sub(select(func.count()).select_from(StatementRow)),
        sub(select(func.count()).select_from(DecisionRow)), sub(select(func.max(DecisionRow.id))),
        sub(select(func.count()).where(DecisionRow.undone_at.is_not(None))),
        sub(select(func.count()).where(ClaimRow.needs_analysis.is_(True))))).one())


class Memo:
    """A bounded map (least recently used out first) from (store version, what was asked) to an answer."""

    def __init__(self, size: int = 5000) -> None:
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def many(self, keys: list[Hashable], compute: Callable[[list[Hashable]], dict[Hashable, Any]]) -> dict:
        """Answers for `keys`; `compute` gets the missing ones and returns key -> answer.  It runs
        outside the lock: a slow answer never holds up readers asking for something else."""
        out: dict[Hashable, Any] = {}
        missing = []
        with self._lock:
            for k in keys:
                if k in self._data:
                    self._data.move_to_end(k)
                    out[k] = self._data[k]
                else:
                    missing.append(k)
        if missing:
            found = compute(missing)
            with self._lock:
                for k in missing:
                    out[k] = self._data[k] = found.get(k)
                while len(self._data) > self._size:
                    self._data.popitem(last=False)
        return out

    def forget(self, key: Hashable) -> None:
        with self._lock:
            self._data.pop(key, None)

    def one(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        return self.many([key], lambda _missing: {key: compute()})[key]
