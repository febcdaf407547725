"""Relative-time normalisers: today/yesterday, weekdays, this/next/last unit, "N units ago", recent and coming stretches.

Each is counted from the publication date; without one they give nothing.
"""
from __future__ import annotations

import datetime as dt
import re

from .time_lexicon import Match, Norm, TimeContext, direction_of, part_modifier, time_lexicon


def norm_relative_day(m: Match, ctx: TimeContext) -> Norm | None:
    if ctx.pub is None:
        return None
    rel = (m.groupdict().get("rel") or "today").lower()
    day = ctx.pub + dt.timedelta(days=time_lexicon()["relative_days"][rel])
    return day.isoformat(), "day", None


def norm_weekday(m: Match, ctx: TimeContext) -> Norm | None:
    if ctx.pub is None:
        return None
    wd, pub = time_lexicon()["weekdays"][m.group("wd")], ctx.pub
    direction = direction_of(m.group("dir"))
    back, ahead = (pub.weekday() - wd) % 7, (wd - pub.weekday()) % 7
    if direction == "past":
        day = pub - dt.timedelta(days=back or 7)
    elif direction == "future":
        day = pub + dt.timedelta(days=ahead or 7)
    elif ctx.future(m.start()):
        day = pub + dt.timedelta(days=ahead)
    else:
        day = pub - dt.timedelta(days=back)
    return day.isoformat(), "day", None


def norm_unit_relative(m: Match, ctx: TimeContext) -> Norm | None:
    if ctx.pub is None:
        return None
    direction, unit, pub = direction_of(m.group("dir")), m.group("unit").lower(), ctx.pub
    step = {"past": -1, "future": 1}.get(direction or "this", 0)
    modifier = part_modifier(m.group("mod"))
    if m.group("dir").lower() == "past":  # "the past week": the stretch up to now
        step, modifier = 0, modifier or "recent"
    if unit in ("week", "weekend"):
        return _iso_week(pub + dt.timedelta(days=7 * step)), "week", modifier
    if unit == "month":
        y, mo = _add_months(pub.year, pub.month, step)
        return f"{y}-{mo:02d}", "month", modifier
    return str(pub.year + step), "year", modifier


def norm_ago(m: Match, ctx: TimeContext) -> Norm | None:
    count = m.group("count")
    if ctx.pub is None or count is None:  # "weeks ago" with no count before it: no date to compute
        return None
    raw = re.sub(r"\s+", " ", count.lower())
    n = int(raw) if raw.isdigit() else time_lexicon()["vague_counts"].get(raw)
    if n is None:
        return None
    modifier = None if raw.isdigit() or raw in ("a", "an", "one") or n != 3 else "approx"
    unit, pub = m.group("unit").lower().rstrip("s"), ctx.pub
    if unit == "day":
        return (pub - dt.timedelta(days=n)).isoformat(), "day", modifier
    if unit == "week":
        return _iso_week(pub - dt.timedelta(days=7 * n)), "week", modifier
    if unit == "month":
        y, mo = _add_months(pub.year, pub.month, -n)
        return f"{y}-{mo:02d}", "month", modifier
    return str(pub.year - n * (10 if unit == "decade" else 1)), "year", modifier


def norm_recent(m: Match, ctx: TimeContext) -> Norm | None:
    return _stretch(m, ctx, "recent")


def norm_coming(m: Match, ctx: TimeContext) -> Norm | None:
    return _stretch(m, ctx, "future")


def _stretch(m: Match, ctx: TimeContext, modifier: str) -> Norm | None:
    """A vague stretch of days or weeks is the publication month, of longer units the publication year."""
    if ctx.pub is None:
        return None
    if m.group("unit").lower().rstrip("s") in ("day", "week"):
        return f"{ctx.pub.year}-{ctx.pub.month:02d}", "month", modifier
    return str(ctx.pub.year), "year", modifier


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + n
    return k // 12, k % 12 + 1


def _iso_week(day: dt.date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"
