"""Linking what a report's statements contain: quantities and times to the statement holding them,
and the date of what each statement reports."""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Sequence, TypeVar

from ..model import Statement, TimeExpr

T = TypeVar("T")
_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "season": 3, "year": 4, "range": 5, "decade": 6}


def link_to_statements(items: Sequence[T], statements: Sequence[Statement]) -> tuple[T, ...]:
    """Set `.statement` on each quantity/time to the statement whose span holds it.

    The narrowest statement span holding the item wins; an item outside every span but in the
    sentence of exactly one statement (a dateline "On May 2, ..." before the speaker) goes to it.
    """
    out: list[T] = []
    for item in items:
        s0, e0 = item.start, item.end  # type: ignore[attr-defined]
        holding = [(st.end - st.start, k) for k, st in enumerate(statements) if st.start <= s0 and e0 <= st.end]
        if holding:
            out.append(replace(item, statement=min(holding)[1]))  # type: ignore[type-var]
            continue
        same = [k for k, st in enumerate(statements) if _in_sentence(item, st)]
        out.append(replace(item, statement=same[0]) if len(same) == 1 else item)  # type: ignore[type-var]
    return tuple(out)


def statement_date(statement: Statement, times: Sequence[TimeExpr]) -> str | None:
    """Date of what the statement reports, when its sentence holds a time expression; else None.

    Times inside the content come first, then the most precise; future-pointing times last.
    """
    candidates = []
    for t in times:
        inside = statement.start <= t.start and t.end <= statement.end
        if not inside and not _in_sentence(t, statement):
            continue
        in_content = any(s <= t.start and t.end <= e for s, e in statement.content_spans)
        candidates.append((t.modifier == "future", not in_content, _PRECISION_RANK.get(t.precision, 9), t.start, t.value))
    return min(candidates)[4] if candidates else None


def _in_sentence(item: Any, st: Statement) -> bool:
    """The item lies in the statement's sentence(s): its text is there and within reach of the span."""
    n = len(st.sentence_text)
    return bool(n) and item.text in st.sentence_text and st.end - n <= item.start and item.end <= st.start + n
