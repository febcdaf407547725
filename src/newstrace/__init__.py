"""newstrace: a sourced evidence ledger from news reports.  `newstrace.open(db)` opens a store to
query and correct (see docs/api.md); heavy modules load only when used."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .workbench import Workbench


def open(db: str | None = None, settings=None) -> "Workbench":  # noqa: A001 - the notebook entry point
    """Open a store once: `newstrace.open("story.db")` or a postgresql:// URL."""
    from .workbench import open_workbench

    return open_workbench(db, settings)


__all__ = ["open"]
