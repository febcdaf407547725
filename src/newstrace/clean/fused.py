"""Split words that scraping fused together ("North Koreaaccusing" -> "North Korea accusing").

A token is a candidate only when it is not a word (wordfreq), not a known name
(resources/known_names.txt) and not repeated in the same report; it is split where both halves
are words, the right half a common one.  Real words and names are never split.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from wordfreq import zipf_frequency

from ..resources import load_lines

_TOKEN = re.compile(r"[^\W\d_]+")

MIN_TOKEN = 6  # shorter tokens are never split
WORD_ZIPF = 1.0  # a whole token this frequent (or more) is a word: never split
LEFT_ZIPF = 2.0  # the left half must be at least a rare word or a known name
RIGHT_ZIPF = 3.0  # the right half must be a common word ...
SHORT_RIGHT_ZIPF = 5.0  # ... and a function word when it has fewer than 4 letters
CAMEL_MAX_ZIPF = 4.5  # "GreenfieldHowever" splits; "InsideOver", "EyePress" (both halves common) do not


@dataclass(frozen=True)
class FusedSplit:
    """A fused token found in a text: `text[start:end]` becomes `left + " " + right`."""

    start: int
    end: int
    left: str
    right: str

    @property
    def cut(self) -> int:
        return self.start + len(self.left)


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """Zipf frequency of a lower-cased English word (0 when unknown)."""
    return zipf_frequency(word, "en")


@lru_cache(maxsize=1)
def known_names() -> frozenset[str]:
    """Lower-cased names (people, places, organisations) that must never be split."""
    return frozenset(n.lower() for n in load_lines("known_names.txt"))


def _is_word(token: str) -> bool:
    low = token.lower()
    return low in known_names() or zipf(low) >= WORD_ZIPF


def _left_ok(left: str) -> bool:
    return len(left) >= 3 and (left.lower() in known_names() or zipf(left.lower()) >= LEFT_ZIPF)


def _right_ok(right: str) -> bool:
    low = right.lower()
    if len(right) < 2:
        return False
    if len(right) < 4:
        return zipf(low) >= SHORT_RIGHT_ZIPF
    return zipf(low) >= RIGHT_ZIPF or low in known_names()


def split_fused(token: str) -> tuple[str, str] | None:
    """The best (left, right) split of a fused token, or None when it should stay whole."""
    if len(token) < MIN_TOKEN or token.isupper() or _is_word(token):
        return None
    # camel case inside a token: "GreenfieldHowever" -> "Greenfield" + "However"
    for k in range(1, len(token)):
        if token[k - 1].islower() and token[k].isupper():
            left, right = token[:k], token[k:]
            zl, zr = zipf(left.lower()), zipf(right.lower())
            # two common words in camel case are a brand name ("InsideOver"), not a fusion
            if _left_ok(left) and _right_ok(right) and not right.isupper() and min(zl, zr) < CAMEL_MAX_ZIPF:
                return left, right
            return None
    # lower-case junction: "Koreaaccusing" -> "Korea" + "accusing"
    best: tuple[float, float, int] | None = None
    for k in range(3, len(token) - 1):
        left, right = token[:k], token[k:]
        if not right.islower() or not _left_ok(left) or not _right_ok(right):
            continue
        zl, zr = zipf(left.lower()), zipf(right.lower())
        score = (min(zl, zr), zl + zr, k)
        if best is None or score > best:
            best = score
    if best is None:
        return None
    k = best[2]
    return token[:k], token[k:]


def _in_address(text: str, start: int, end: int) -> bool:
    """True when the token is part of a URL, e-mail address, handle or file name."""
    if start > 0 and text[start - 1] in "./@_#:\\":
        return True
    nxt = text[end:end + 2]
    return bool(nxt) and (nxt[0] in "/@_\\" or (nxt[0] == "." and len(nxt) > 1 and nxt[1].isalnum()))


def find_fused(text: str, protected: frozenset[str] | set[str] = frozenset()) -> list[FusedSplit]:
    """Fused tokens of a text, left to right.

    Tokens repeated in the text, tokens in `protected` (lower-cased names from the report's
    metadata: outlet, site, author) and parts of addresses count as words.
    """
    tokens = list(_TOKEN.finditer(text))
    counts = Counter(m.group(0).lower() for m in tokens)
    out = []
    for m in tokens:
        tok = m.group(0)
        if counts[tok.lower()] > 1 or tok.lower() in protected or _in_address(text, m.start(), m.end()):
            continue
        parts = split_fused(tok)
        if parts:
            out.append(FusedSplit(m.start(), m.end(), parts[0], parts[1]))
    return out
