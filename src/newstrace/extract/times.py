"""Time expressions: find dates and relative times in a report and normalise them against its publication date."""
from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from ..model import ParsedReport, TimeExpr
from ..resources import load_yaml

Norm = tuple[str, str, str | None]  # value, precision, modifier
_Match = Any  # a re.Match or a PrefixedMatch (core match plus the words before it)
_ENTITY_BLOCKERS = {"PERSON", "ORG", "FAC", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"}
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)(?![\d,.]\d)"
_DAY = r"(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b"


@dataclass(frozen=True)
class _Context:
    """What a normaliser needs beyond the match: the anchor date and a tense test."""

    pub: dt.date | None
    future: Callable[[int], bool]
    in_date_entity: Callable[[int, int], bool]
    sentence_initial: Callable[[int], bool]
    name_part: Callable[[int], bool]


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, Any]:
    lex = dict(load_yaml("times.yaml"))
    lex["month_lookup"] = {**{k.lower(): v for k, v in lex["months"].items()},
                           **{k.lower(): v for k, v in lex["month_abbreviations"].items()}}
    return lex


def _ci(words: str) -> str:
    """An alternation whose first letters match either case, without a slow case-insensitive start."""
    return "|".join(f"[{w[0].upper()}{w[0]}]{w[1:]}" if w[0].isalpha() else w for w in words.split("|"))


def _both(words: str) -> str:
    """A literal alternation of each word in lower case and capitalised."""
    out = {v for w in words.split("|") for v in (w, w[0].upper() + w[1:])}
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(out, key=len, reverse=True))


class PrefixedMatch:
    """A core match joined with the optional words found just before it (the prefix match)."""

    def __init__(self, core: re.Match[str], prefix: re.Match[str] | None):
        self.core, self.prefix, self.string = core, prefix, core.string

    def _owner(self, name: str) -> re.Match[str] | None:
        if self.prefix is not None and name in self.prefix.re.groupindex:
            return self.prefix
        return self.core if name in self.core.re.groupindex else None

    def start(self, name: str | None = None) -> int:
        if name is None:
            return self.prefix.start() if self.prefix is not None else self.core.start()
        return self._owner(name).start(name)  # type: ignore[union-attr]

    def end(self, name: str | None = None) -> int:
        return self.core.end() if name is None else self._owner(name).end(name)  # type: ignore[union-attr]

    def group(self, name: int | str = 0) -> str | None:
        if name == 0:
            return self.string[self.start():self.end()]
        owner = self._owner(str(name))
        return owner.group(name) if owner is not None else None

    def groupdict(self) -> dict[str, str | None]:
        return {**self.core.groupdict(), **(self.prefix.groupdict() if self.prefix is not None else {})}


@lru_cache(maxsize=1)
def _prefixes() -> dict[str, re.Pattern[str]]:
    """Words that may precede a core expression, matched backwards from its start."""
    counts = "|".join(sorted((re.escape(k).replace(r"\ ", r"\s+") for k in _lexicon()["vague_counts"]), key=len, reverse=True))
    table = {
        "dir": r"\b(?P<dir>(?i:last|this|next|past|coming|previous|current|following))[^\S\n]+\Z",
        "part": r"\b(?P<part>(?i:early|mid|late|the\s+(?:beginning|start|end|middle|first\s+half|second\s+half)\s+of))(?:[^\S\n]|-)+\Z",
        "mod": r"\b(?P<mod>(?i:earlier|later|early|late|mid|(?:the\s+)?(?:end|beginning|start|middle)\s+of))(?:[^\S\n]|-)+\Z",
        "count": rf"\b(?P<count>(?i:{counts})|\d+)[^\S\n]+\Z",
        "span": r"\b(?i:from|between)[^\S\n]+\Z",
    }
    return {k: re.compile(v) for k, v in table.items()}


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str | None, re.Pattern[str], Callable[[Any, _Context], Norm | None]]]:
    lex = _lexicon()
    full = "|".join(sorted(lex["months"], key=len, reverse=True))
    abbr = "|".join(sorted(lex["month_abbreviations"], key=len, reverse=True))
    month_any = rf"(?:{full}|(?:{abbr})\b\.?)"
    weekdays = "|".join(lex["weekdays"])
    part = r"(?P<part>(?:[Ee]arly|[Mm]id|[Ll]ate|[Tt]he\s+(?:beginning|start|end|middle|first\s+half|second\s+half)\s+of))"
    unit_words = r"(?P<unit>(?i:days?|weeks?|months?|years?|decades?))"
    daypart = r"(?:\s+(?i:morning|afternoon|evening|night))?\b"
    table: list[tuple[str, str | None, str, Callable[[Any, _Context], Norm | None]]] = [
        ("digit", None, r"\b(?P<year>(?:19|20)\d\d)-(?P<mon>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])(?!\d)", _norm_full_date),
        ("month", None, rf"\b(?P<mon>{month_any})\s+{_DAY},?\s+{_YEAR}", _norm_full_date),
        ("digit", None, rf"\b{_DAY}\s+(?:of\s+)?(?P<mon>{month_any}),?\s+{_YEAR}", _norm_full_date),
        ("month", "dir", rf"\b(?P<mon>{month_any})\s+{_DAY}", _norm_month_day),
        ("digit", None, rf"\b{_DAY}\s+(?:of\s+)?(?P<mon>{month_any})(?![\w.])", _norm_month_day),
        ("month", "part", rf"\b(?P<mon>{month_any}),?\s+(?:of\s+)?{_YEAR}", _norm_month_year),
        ("part", None, rf"\b{part}[\s-]+(?P<mon>{full})\b", _norm_month),
        ("month", "dir", rf"\b(?P<mon>{full})\b", _norm_month),
        ("season", "dir", rf"\b(?P<season>{_ci('spring|summer|autumn|fall|winter')})\b(?:\s+(?:of\s+)?{_YEAR})?", _norm_season),
        ("rel", "mod", rf"\b(?P<rel>{_ci('today|tonight|yesterday|tomorrow')}){daypart}", _norm_relative_day),
        ("dir", None, r"\b[Tt]his\s+(?:morning|afternoon|evening)\b", _norm_relative_day),
        ("weekday", "dir", rf"\b(?P<wd>{weekdays}){daypart}", _norm_weekday),
        ("dir", "mod", rf"\b(?P<dir>{_ci('last|this|next|past|previous|current|coming')})\s+(?P<unit>(?i:week|month|year|weekend))\b",
         _norm_unit_relative),
        ("unit", "count", rf"\b{unit_words}\s+(?i:ago|earlier)\b", _norm_ago),
        ("recent", None, rf"\b[Rr]ecent\s+{unit_words}", _norm_recent),
        ("part", None, rf"\b[Tt]he\s+(?:past|last)\s+(?:few\s+|couple\s+of\s+){unit_words}", _norm_recent),
        ("part", None, rf"\b(?:[Tt]he\s+(?:coming|next\s+few|following\s+few)|(?<=within\s)a\s+few)\s+{unit_words}", _norm_coming),
        ("digit", "span", r"(?<![\w$£€.,/])(?P<y1>(?:1[89]|20)\d\d)\s*(?:[-–]|\s(?i:to|and|until|through)\s)\s*"
         r"(?P<y2>(?:1[89]|20)\d\d)(?![\d,.]\d)", _norm_year_range),
        ("digit", None, r"\b(?P<dec>(?:1[89]|20)\d)0s\b", _norm_decade),
        ("digit", "part", rf"(?<![\w$£€.,/#])(?<!\d[-–]){_YEAR}(?!\s*%)", _norm_year),
    ]
    return [(t, k, re.compile(p), f) for t, k, p, f in table]


@lru_cache(maxsize=1)
def _triggers() -> tuple[re.Pattern[str], dict[str, list[int]]]:
    """One fast scan for the words a time expression can start with; each names the patterns to try there."""
    lex = _lexicon()
    months = "|".join(sorted([*lex["months"], *lex["month_abbreviations"]], key=len, reverse=True))
    classes = {  # plain literal alternations: Python's re scans those far faster than classes or (?i:)
        "digit": r"\d+",
        "month": months,
        "weekday": "|".join(lex["weekdays"]),
        "part": _both("early|mid|late|a few") + r"|(?:the|The)\s+(?=(?:beginning|start|end|middle|first|second|past|last"
                r"|coming|next|following)\b)",
        "season": _both("spring|summer|autumn|fall|winter"),
        "rel": _both("today|tonight|yesterday|tomorrow"),
        "dir": _both("last|this|next|past|previous|current|coming"),
        "unit": "|".join(sorted({w for u in ("day", "week", "month", "year", "decade") for w in (u, u + "s")}, key=len, reverse=True)),
        "recent": _both("recent"),
    }
    by_class: dict[str, list[int]] = {c: [] for c in classes}
    for k, row in enumerate(_patterns()):
        by_class[row[0]].append(k)
    return re.compile("|".join(f"(?P<{c}>{r})" for c, r in classes.items())), by_class


def extract_times(parsed: ParsedReport) -> tuple[TimeExpr, ...]:
    """Every time expression of the report, normalised against parsed.published (YYYY-MM-DD)."""
    ctx = _make_context(parsed)
    blockers = [(e.start, e.end) for e in parsed.entities
                if e.label in _ENTITY_BLOCKERS and not re.fullmatch(r"[\d\s,.\-–]+", e.text)]
    prefixes, text = _prefixes(), parsed.text
    found: list[TimeExpr] = []
    patterns = _patterns()
    trigger, by_class = _triggers()
    for hit in trigger.finditer(text):
        for k in by_class[hit.lastgroup or ""]:
            _trigger, key, pattern, normalise = patterns[k]
            core = pattern.match(text, hit.start())
            if core is None:
                continue
            prefix = prefixes[key].search(text, max(0, core.start() - 40), core.start()) if key else None
            m = PrefixedMatch(core, prefix)
            if any(bs <= m.start() and m.end() <= be for bs, be in blockers):
                continue
            norm = normalise(m, ctx)
            if norm is not None:
                found.append(TimeExpr(text[m.start():m.end()], m.start(), m.end(), norm[0], norm[1], norm[2]))
    return tuple(_keep_longest(found))


def time_spans(parsed: ParsedReport) -> tuple[tuple[int, int], ...]:
    """Character spans of the report's time expressions (quantities skip numbers inside them)."""
    return tuple((t.start, t.end) for t in extract_times(parsed))


# --------------------------------------------------------------------------- normalisers
def _norm_full_date(m: _Match, ctx: _Context) -> Norm | None:
    month = _month_number(m.group("mon"))
    day = _safe_date(int(m.group("year")), month, int(m.group("day")))
    return (day.isoformat(), "day", None) if day else None


def _norm_month_day(m: _Match, ctx: _Context) -> Norm | None:
    if ctx.pub is None or _ambiguous_month(m, ctx):
        return None
    month, day = _month_number(m.group("mon")), int(m.group("day"))
    direction = _direction(m.groupdict().get("dir"))
    pub, future = ctx.pub, ctx.future(m.start())
    cand = _safe_date(pub.year, month, day)
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
    out = _safe_date(year, month, day)
    return (out.isoformat(), "day", None) if out else None


def _norm_month_year(m: _Match, ctx: _Context) -> Norm | None:
    return f"{m.group('year')}-{_month_number(m.group('mon')):02d}", "month", _part(m.group("part"))


def _norm_month(m: _Match, ctx: _Context) -> Norm | None:
    if ctx.pub is None or _ambiguous_month(m, ctx):
        return None
    month = _month_number(m.group("mon"))
    year = _month_year(ctx.pub, month, _direction(m.groupdict().get("dir")), ctx.future(m.start()))
    return f"{year}-{month:02d}", "month", _part(m.groupdict().get("part"))


def _norm_season(m: _Match, ctx: _Context) -> Norm | None:
    season = m.group("season").lower().replace("fall", "autumn")
    if m.group("year"):
        return m.group("year"), "season", season
    direction = _direction(m.group("dir"))
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


def _norm_relative_day(m: _Match, ctx: _Context) -> Norm | None:
    if ctx.pub is None:
        return None
    rel = (m.groupdict().get("rel") or "today").lower()
    day = ctx.pub + dt.timedelta(days=_lexicon()["relative_days"][rel])
    return day.isoformat(), "day", None


def _norm_weekday(m: _Match, ctx: _Context) -> Norm | None:
    if ctx.pub is None:
        return None
    wd, pub = _lexicon()["weekdays"][m.group("wd")], ctx.pub
    direction = _direction(m.group("dir"))
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


def _norm_unit_relative(m: _Match, ctx: _Context) -> Norm | None:
    if ctx.pub is None:
        return None
    direction, unit, pub = _direction(m.group("dir")), m.group("unit").lower(), ctx.pub
    step = {"past": -1, "future": 1}.get(direction or "this", 0)
    modifier = _part(m.group("mod"))
    if m.group("dir").lower() == "past":  # "the past week": the stretch up to now
        step, modifier = 0, modifier or "recent"
    if unit in ("week", "weekend"):
        return _iso_week(pub + dt.timedelta(days=7 * step)), "week", modifier
    if unit == "month":
        y, mo = _add_months(pub.year, pub.month, step)
        return f"{y}-{mo:02d}", "month", modifier
    return str(pub.year + step), "year", modifier


def _norm_ago(m: _Match, ctx: _Context) -> Norm | None:
    if ctx.pub is None:
        return None
    raw = re.sub(r"\s+", " ", m.group("count").lower())
    n = int(raw) if raw.isdigit() else _lexicon()["vague_counts"].get(raw)
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


def _norm_recent(m: _Match, ctx: _Context) -> Norm | None:
    if ctx.pub is None:
        return None
    if m.group("unit").lower().rstrip("s") in ("day", "week"):
        return f"{ctx.pub.year}-{ctx.pub.month:02d}", "month", "recent"
    return str(ctx.pub.year), "year", "recent"


def _norm_coming(m: _Match, ctx: _Context) -> Norm | None:
    if ctx.pub is None:
        return None
    if m.group("unit").lower().rstrip("s") in ("day", "week"):
        return f"{ctx.pub.year}-{ctx.pub.month:02d}", "month", "future"
    return str(ctx.pub.year), "year", "future"


def _norm_year_range(m: _Match, ctx: _Context) -> Norm | None:
    y1, y2 = int(m.group("y1")), int(m.group("y2"))
    return (f"{y1}/{y2}", "range", None) if y1 < y2 <= y1 + 50 else None


def _norm_decade(m: _Match, ctx: _Context) -> Norm | None:
    return m.group("dec"), "decade", None


def _norm_year(m: _Match, ctx: _Context) -> Norm | None:
    if m.group("part") is None and _counted_after(ctx, m):
        return None
    return m.group("year"), "year", _part(m.group("part"))


# --------------------------------------------------------------------------- helpers
def _make_context(parsed: ParsedReport) -> _Context:
    pub = _parse_iso(parsed.published)
    starts = [t.start for t in parsed.tokens]
    future_aux = {w.lower() for w in _lexicon()["future_auxiliaries"]}
    dates = [(e.start, e.end) for e in parsed.entities if e.label in ("DATE", "TIME")]

    def token_at(pos: int) -> int | None:
        k = bisect.bisect_right(starts, pos) - 1
        return k if 0 <= k < len(parsed.tokens) and parsed.tokens[k].end > pos else None

    def future(pos: int) -> bool:
        k = token_at(pos)
        if k is None:
            return False
        tok, steps = parsed.tokens[k], 0
        while tok.pos not in ("VERB", "AUX") and tok.head != tok.i and steps < 6:
            tok, steps = parsed.tokens[tok.head], steps + 1
        sent = parsed.sentences[tok.sent]
        return any(t.head == tok.i and t.tag == "MD" and t.text.lower() in future_aux
                   for t in parsed.tokens[sent.token_start:sent.token_end])

    def in_date_entity(s: int, e: int) -> bool:
        return any(ds <= s and e <= de for ds, de in dates)

    def sentence_initial(pos: int) -> bool:
        k = token_at(pos)
        return k is None or parsed.sentences[parsed.tokens[k].sent].token_start == k

    def name_part(pos: int) -> bool:
        """The word at pos is part of a proper name ("Theresa May", "March Madness")."""
        k = token_at(pos)
        if k is None:
            return False
        toks = parsed.tokens
        before = k > 0 and toks[k - 1].pos == "PROPN" and toks[k - 1].head == k and toks[k - 1].dep == "compound"
        after = toks[k].dep == "compound" and toks[k].head > k and toks[toks[k].head].pos == "PROPN"
        names = set(_lexicon()["months"]) | set(_lexicon()["weekdays"])
        return bool(before and toks[k - 1].text not in names) or bool(after and toks[toks[k].head].text not in names)

    return _Context(pub, future, in_date_entity, sentence_initial, name_part)


def _counted_after(ctx: _Context, m: re.Match[str]) -> bool:
    """A 4-digit number followed by a plural noun ("2000 troops") is a count, not a year."""
    rest = m.string[m.end():m.end() + 30]
    before = m.string[max(0, m.start() - 12):m.start()].lower().split()
    nxt = re.match(r"\s+([a-z][a-z-]*s)\b", rest)
    return bool(nxt) and not (before and before[-1] in {"in", "since", "by", "until", "from", "before", "after", "during", "of"})


def _ambiguous_month(m: _Match, ctx: _Context) -> bool:
    name = m.group("mon").rstrip(".")
    if m.group(0).strip() == name and ctx.name_part(m.start("mon")):
        return True
    if name not in _lexicon()["ambiguous_months"] or m.group(0).strip() != name:
        return False
    return ctx.sentence_initial(m.start("mon")) and not ctx.in_date_entity(m.start("mon"), m.end("mon"))


def _keep_longest(found: list[TimeExpr]) -> list[TimeExpr]:
    kept: list[TimeExpr] = []
    for t in sorted(found, key=lambda t: (-(t.end - t.start), t.start)):
        if all(t.end <= k.start or t.start >= k.end for k in kept):
            kept.append(t)
    return sorted(kept, key=lambda t: t.start)


def _month_number(name: str) -> int:
    return int(name) if name.isdigit() else _lexicon()["month_lookup"][name.rstrip(".").lower()]


def _direction(word: str | None) -> str | None:
    return _lexicon()["direction"].get(word.lower()) if word else None


def _part(phrase: str | None) -> str | None:
    if not phrase:
        return None
    p = re.sub(r"\s+", " ", phrase.lower()).replace("the ", "").replace(" of", "").strip()
    return {"earlier": "earlier", "later": "later"}.get(p) or _lexicon()["parts"].get(p)


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


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + n
    return k // 12, k % 12 + 1


def _iso_week(day: dt.date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _parse_iso(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


# --------------------------------------------------------------------------- publication date
_NUMERIC_DATE = re.compile(r"(?<![\d/.])(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>(?:19|20)\d\d)(?!\d)")


def infer_published(text: str, max_lines: int = 12) -> str | None:
    """Publication date written in the first lines (byline, dateline) as YYYY-MM-DD, or None."""
    lines = [l.strip() for l in text.splitlines() if l.strip()][:max_lines]
    markers = sorted(_lexicon()["published_markers"], key=len, reverse=True)
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
    for _trigger, _key, pattern, normalise in _patterns()[:3]:
        m = pattern.search(line)
        norm = normalise(m, _NO_CONTEXT) if m else None
        if m and norm and (best is None or m.start() < best[0]):
            best = (m.start(), norm[0], m.span())
    m = _NUMERIC_DATE.search(line)
    if m and (best is None or m.start() < best[0]):
        a, b, y = int(m.group("a")), int(m.group("b")), int(m.group("year"))
        day = _safe_date(y, b, a) if a > 12 else _safe_date(y, a, b) if b > 12 else None
        if day:
            best = (m.start(), day.isoformat(), m.span())
    return (best[1], best[2]) if best else (None, (0, 0))


_NO_CONTEXT = _Context(None, lambda pos: False, lambda s, e: False, lambda pos: False, lambda pos: False)
