"""What a time expression looks like: the regular expressions, their trigger scan and prefix words.

Each pattern row names the trigger class it starts at, the prefix words that may precede it and the
normaliser that gives it a value (time_dates, time_relative).
"""
from __future__ import annotations

import re
from functools import lru_cache

from .time_dates import norm_decade, norm_full_date, norm_month, norm_month_day, norm_month_year, norm_season, \
    norm_year, norm_year_range
from .time_lexicon import Normaliser, time_lexicon
from .time_relative import norm_ago, norm_coming, norm_recent, norm_relative_day, norm_unit_relative, norm_weekday

_YEAR = r"(?P<year>(?:1[89]|20)\d\d)(?![\d,.]\d)"
_DAY = r"(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b"


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
def prefix_patterns() -> dict[str, re.Pattern[str]]:
    """Words that may precede a core expression, matched backwards from its start."""
    counts = "|".join(sorted((re.escape(k).replace(r"\ ", r"\s+") for k in time_lexicon()["vague_counts"]), key=len, reverse=True))
    table = {
        "dir": r"\b(?P<dir>(?i:last|this|next|past|coming|previous|current|following))[^\S\n]+\Z",
        "part": r"\b(?P<part>(?i:early|mid|late|the\s+(?:beginning|start|end|middle|first\s+half|second\s+half)\s+of))(?:[^\S\n]|-)+\Z",
        "mod": r"\b(?P<mod>(?i:earlier|later|early|late|mid|(?:the\s+)?(?:end|beginning|start|middle)\s+of))(?:[^\S\n]|-)+\Z",
        "count": rf"\b(?P<count>(?i:{counts})|\d+)[^\S\n]+\Z",
        "span": r"\b(?i:from|between)[^\S\n]+\Z",
    }
    return {k: re.compile(v) for k, v in table.items()}


@lru_cache(maxsize=1)
def time_patterns() -> list[tuple[str, str | None, re.Pattern[str], Normaliser]]:
    """(trigger class, prefix key, pattern, normaliser) rows; the first three are full dates with a year."""
    lex = time_lexicon()
    full = "|".join(sorted(lex["months"], key=len, reverse=True))
    abbr = "|".join(sorted(lex["month_abbreviations"], key=len, reverse=True))
    month_any = rf"(?:{full}|(?:{abbr})\b\.?)"
    weekdays = "|".join(lex["weekdays"])
    part = r"(?P<part>(?:[Ee]arly|[Mm]id|[Ll]ate|[Tt]he\s+(?:beginning|start|end|middle|first\s+half|second\s+half)\s+of))"
    unit_words = r"(?P<unit>(?i:days?|weeks?|months?|years?|decades?))"
    daypart = r"(?:\s+(?i:morning|afternoon|evening|night))?\b"
    table: list[tuple[str, str | None, str, Normaliser]] = [
        ("digit", None, r"\b(?P<year>(?:19|20)\d\d)-(?P<mon>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])(?!\d)", norm_full_date),
        ("month", None, rf"\b(?P<mon>{month_any})\s+{_DAY},?\s+{_YEAR}", norm_full_date),
        ("digit", None, rf"\b{_DAY}\s+(?:of\s+)?(?P<mon>{month_any}),?\s+{_YEAR}", norm_full_date),
        ("month", "dir", rf"\b(?P<mon>{month_any})\s+{_DAY}", norm_month_day),
        ("digit", None, rf"\b{_DAY}\s+(?:of\s+)?(?P<mon>{month_any})(?![\w.])", norm_month_day),
        ("month", "part", rf"\b(?P<mon>{month_any}),?\s+(?:of\s+)?{_YEAR}", norm_month_year),
        ("part", None, rf"\b{part}[\s-]+(?P<mon>{full})\b", norm_month),
        ("month", "dir", rf"\b(?P<mon>{full})\b", norm_month),
        ("season", "dir", rf"\b(?P<season>{_ci('spring|summer|autumn|fall|winter')})\b(?:\s+(?:of\s+)?{_YEAR})?", norm_season),
        ("rel", "mod", rf"\b(?P<rel>{_ci('today|tonight|yesterday|tomorrow')}){daypart}", norm_relative_day),
        ("dir", None, r"\b[Tt]his\s+(?:morning|afternoon|evening)\b", norm_relative_day),
        ("weekday", "dir", rf"\b(?P<wd>{weekdays}){daypart}", norm_weekday),
        ("dir", "mod", rf"\b(?P<dir>{_ci('last|this|next|past|previous|current|coming')})\s+(?P<unit>(?i:week|month|year|weekend))\b",
         norm_unit_relative),
        ("unit", "count", rf"\b{unit_words}\s+(?i:ago|earlier)\b", norm_ago),
        ("recent", None, rf"\b[Rr]ecent\s+{unit_words}", norm_recent),
        ("part", None, rf"\b[Tt]he\s+(?:past|last)\s+(?:few\s+|couple\s+of\s+){unit_words}", norm_recent),
        ("part", None, rf"\b(?:[Tt]he\s+(?:coming|next\s+few|following\s+few)|(?<=within\s)a\s+few)\s+{unit_words}", norm_coming),
        ("digit", "span", r"(?<![\w$£€.,/])(?P<y1>(?:1[89]|20)\d\d)\s*(?:[-–]|\s(?i:to|and|until|through)\s)\s*"
         r"(?P<y2>(?:1[89]|20)\d\d)(?![\d,.]\d)", norm_year_range),
        ("digit", None, r"\b(?P<dec>(?:1[89]|20)\d)0s\b", norm_decade),
        ("digit", "part", rf"(?<![\w$£€.,/#])(?<!\d[-–]){_YEAR}(?!\s*%)", norm_year),
    ]
    return [(t, k, re.compile(p), f) for t, k, p, f in table]


@lru_cache(maxsize=1)
def trigger_scan() -> tuple[re.Pattern[str], dict[str, list[int]]]:
    """One fast scan for the words a time expression can start with; each names the patterns to try there."""
    lex = time_lexicon()
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
    for k, row in enumerate(time_patterns()):
        by_class[row[0]].append(k)
    return re.compile("|".join(f"(?P<{c}>{r})" for c, r in classes.items())), by_class
