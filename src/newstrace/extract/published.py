"""Publication date of a report read from its first lines (byline, dateline), for reports without metadata."""
from __future__ import annotations

import re

from .time_lexicon import TimeContext, safe_date, time_lexicon
from .time_patterns import time_patterns

_NUMERIC_DATE = re.compile(r"(?<![\d/.])(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>(?:19|20)\d\d)(?!\d)")
_NO_CONTEXT = TimeContext(None, lambda pos: False, lambda s, e: False, lambda pos: False, lambda pos: False)


def infer_published(text: str, max_lines: int = 12) -> str | None:
    """Publication date written in the first lines (byline, dateline) as YYYY-MM-DD, or None."""
    lines = [l.strip() for l in text.splitlines() if l.strip()][:max_lines]
    markers = sorted(time_lexicon()["published_markers"], key=len, reverse=True)
    ranked: list[tuple[int, int, str]] = []
    for k, line in enumerate(lines):
        day, span = _first_full_date(line)
        if day is None:
            continue
        low = line.lower()
        if any(re.search(rf"\b{w}\b", low) for w in markers if w not in ("updated", "last updated")):
            ranked.append((0, k, day))
        elif "updated" in low:
            ranked.append((1, k, day))
        elif len(line) - (span[1] - span[0]) <= 40:  # a short line that is mostly the date
            ranked.append((2, k, day))
    return min(ranked)[2] if ranked else None


def _first_full_date(line: str) -> tuple[str | None, tuple[int, int]]:
    best: tuple[int, str, tuple[int, int]] | None = None
    for _trigger, _key, pattern, normalise in time_patterns()[:3]:
        m = pattern.search(line)
        norm = normalise(m, _NO_CONTEXT) if m else None
        if m and norm and (best is None or m.start() < best[0]):
            best = (m.start(), norm[0], m.span())
    m = _NUMERIC_DATE.search(line)
    if m and (best is None or m.start() < best[0]):
        a, b, y = int(m.group("a")), int(m.group("b")), int(m.group("year"))
        day = safe_date(y, b, a) if a > 12 else safe_date(y, a, b) if b > 12 else None
        if day:
            best = (m.start(), day.isoformat(), m.span())
    return (best[1], best[2]) if best else (None, (0, 0))

