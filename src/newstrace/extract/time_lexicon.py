"""What the time modules share: the times.yaml lexicon, its word lookups, and a normaliser's types."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from ..resources import load_yaml

Norm = tuple[str, str, str | None]  # value, precision, modifier
Match = Any  # a re.Match or a PrefixedMatch (core match plus the words before it)


@dataclass(frozen=True)
class TimeContext:
    """What a normaliser needs beyond the match: the anchor date and a tense test."""

    pub: dt.date | None
    future: Callable[[int], bool]
    in_date_entity: Callable[[int, int], bool]
    sentence_initial: Callable[[int], bool]
    name_part: Callable[[int], bool]


Normaliser = Callable[[Match, TimeContext], Norm | None]


@lru_cache(maxsize=1)
def time_lexicon() -> dict[str, Any]:
    """The times.yaml lexicon, with month_lookup: every month name and abbreviation (lower case) -> number."""
    lex = dict(load_yaml("times.yaml"))
    lex["month_lookup"] = {**{k.lower(): v for k, v in lex["months"].items()},
                           **{k.lower(): v for k, v in lex["month_abbreviations"].items()}}
    return lex


def month_number(name: str) -> int:
    """1-12 for a month written as digits, a name or an abbreviation ("Sept.")."""
    return int(name) if name.isdigit() else time_lexicon()["month_lookup"][name.rstrip(".").lower()]


def direction_of(word: str | None) -> str | None:
    """'past', 'future' or 'this' for a direction word ("last", "next", "this"), else None."""
    return time_lexicon()["direction"].get(word.lower()) if word else None


def part_modifier(phrase: str | None) -> str | None:
    """The modifier ('early', 'mid', 'late', 'earlier', 'later') of a part-of phrase ("the end of")."""
    if not phrase:
        return None
    p = re.sub(r"\s+", " ", phrase.lower()).replace("the ", "").replace(" of", "").strip()
    return {"earlier": "earlier", "later": "later"}.get(p) or time_lexicon()["parts"].get(p)


def safe_date(y: int, m: int, d: int) -> dt.date | None:
    """The date, or None where it does not exist (31 June)."""
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None
