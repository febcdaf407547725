"""Calendar-date normalisers: full dates, month names, seasons, years, year ranges and decades.

Where the year is not written ("March 5", "last spring") it is chosen from the publication date,
the direction word before the expression and the tense of its clause.
"""
from __future__ import annotations

import datetime as dt
import re

from .time_lexicon import Match, Norm, TimeContext, direction_of, month_number, part_modifier, safe_date, \
    time_lexicon


def norm_full_date(m: Match, ctx: TimeContext) -> Norm | None:
    month = month_number(m.group("mon"))
    day = safe_date(int(m.group("year")), month, int(m.group("day")))
    return (day.isoformat(), "day", None) if day else None


def norm_month_day(m: Match, ctx: TimeContext) -> Norm | None:
    if ctx.pub is None or _ambiguous_month(m, ctx):
        return None
    month, day = month_number(m.group("mon")), int(m.group("day"))
    direction = direction_of(m.groupdict().get("dir"))
    pub, future = ctx.pub, ctx.future(m.start())
    cand = safe_date(pub.year, month, day)
    if cand is None:
        return None
    year = pub.year
    if direction == "past" and cand >= pub:
        year -= 1
    elif direction == "future" and cand <= pub:
        year += 1
    elif direction is None and future and cand < pub:
        year += 1
    elif direction is None and not future and cand > pub + dt.timedelta(days=31):
        year -= 1
    out = safe_date(year, month, day)
    return (out.isoformat(), "day", None) if out else None


def norm_month_year(m: Match, ctx: TimeContext) -> Norm | None:
    return f"{m.group('year')}-{month_number(m.group('mon')):02d}", "month", part_modifier(m.group("part"))


def norm_month(m: Match, ctx: TimeContext) -> Norm | None:
    if ctx.pub is None or _ambiguous_month(m, ctx):
        return None
    month = month_number(m.group("mon"))
    year = _month_year(ctx.pub, month, direction_of(m.groupdict().get("dir")), ctx.future(m.start()))
    return f"{year}-{month:02d}", "month", part_modifier(m.groupdict().get("part"))


def norm_season(m: Match, ctx: TimeContext) -> Norm | None:
    season = m.group("season").lower().replace("fall", "autumn")
    if m.group("year"):
        return m.group("year"), "season", season
    direction = direction_of(m.group("dir"))
    if ctx.pub is None or direction is None:
        return None
    start = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}[season]
    pub = ctx.pub
    if season == "winter":
        current = pub.year if pub.month >= 3 else pub.year - 1  # the winter now or next
        year = current - 1 if direction == "past" else current
    elif direction == "past":
        year = pub.year if pub.month > start + 2 else pub.year - 1
    else:
        year = pub.year if pub.month <= start + 2 else pub.year + 1
    return str(year), "season", season


def norm_year_range(m: Match, ctx: TimeContext) -> Norm | None:
    y1, y2 = int(m.group("y1")), int(m.group("y2"))
    return (f"{y1}/{y2}", "range", None) if y1 < y2 <= y1 + 50 else None


def norm_decade(m: Match, ctx: TimeContext) -> Norm | None:
    return m.group("dec"), "decade", None


def norm_year(m: Match, ctx: TimeContext) -> Norm | None:
    if m.group("part") is None and _counted_after(ctx, m):
        return None
    return m.group("year"), "year", part_modifier(m.group("part"))


def _counted_after(ctx: TimeContext, m: re.Match[str]) -> bool:
    """A 4-digit number followed by a plural noun ("2000 troops") is a count, not a year."""
    rest = m.string[m.end():m.end() + 30]
    before = m.string[max(0, m.start() - 12):m.start()].lower().split()
    nxt = re.match(r"\s+([a-z][a-z-]*s)\b", rest)
    return bool(nxt) and not (before and before[-1] in {"in", "since", "by", "until", "from", "before", "after", "during", "of"})


def _ambiguous_month(m: Match, ctx: TimeContext) -> bool:
    name = m.group("mon").rstrip(".")
    if m.group(0).strip() == name and ctx.name_part(m.start("mon")):
        return True
    if name not in time_lexicon()["ambiguous_months"] or m.group(0).strip() != name:
        return False
    return ctx.sentence_initial(m.start("mon")) and not ctx.in_date_entity(m.start("mon"), m.end("mon"))


def _month_year(pub: dt.date, month: int, direction: str | None, future: bool) -> int:
    if direction == "past":
        return pub.year if month < pub.month else pub.year - 1
    if direction == "future":
        return pub.year if month > pub.month else pub.year + 1
    if direction == "this":
        return pub.year
    if future:
        return pub.year if month >= pub.month else pub.year + 1
    return pub.year if month <= pub.month + 1 else pub.year - 1
