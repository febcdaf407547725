"""Split words that scraping fused together ("the Ministryaccusing" -> "the Ministry accusing").

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

from ..resources import load_lines, load_yaml

_TOKEN = re.compile(r"[^\W\d_]+")

MIN_TOKEN = 7  # shorter tokens are never split
MIN_PART = 4  # letters in each half
MIN_CAPITAL_TOKEN = 10  # a capitalised or camel-case token must be this long ("Ledgerlast")
WORD_ZIPF = 1.0  # a whole token this frequent (or more) is a word: never split
LEFT_ZIPF = 2.0  # the left half must be at least a rare word or a known name
RIGHT_ZIPF = 3.5  # the right half must be a common word ("accusing", "spokesman") ...
FUNCTION_ZIPF = 6.6  # ... or a function word ("the"): then a 3-letter half and a short token do
CAMEL_MAX_ZIPF = 4.5  # "OlsenHowever" splits; "TownVoice" (both halves common) does not


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


@lru_cache(maxsize=1)
def affixes() -> tuple[frozenset[str], frozenset[str]]:
    """(prefixes, suffixes) that make real compounds (resources/fused_affixes.yaml)."""
    data = load_yaml("fused_affixes.yaml")
    return frozenset(data["prefixes"]), frozenset(data["suffixes"])


def _is_word(token: str) -> bool:
    low = token.lower()
    return low in known_names() or zipf(low) >= WORD_ZIPF


def _function_word(part: str) -> bool:
    return len(part) >= 3 and part.islower() and zipf(part) >= FUNCTION_ZIPF


def _halves_ok(token: str, left: str, right: str) -> bool:
    """Both halves are words, neither is an affix, and the split is long enough to trust."""
    prefixes, suffixes = affixes()
    low_left, low_right = left.lower(), right.lower()
    if len(left) < MIN_PART or low_left in prefixes or low_right in suffixes:
        return False
    if not (low_left in known_names() or zipf(low_left) >= LEFT_ZIPF):
        return False
    if _function_word(right):
        return True
    if len(right) < MIN_PART or len(token) < MIN_CAPITAL_TOKEN:
        return False
    if token.islower():
        return False  # lower-case compounds are words far more often than fusions
    return zipf(low_right) >= RIGHT_ZIPF or low_right in known_names()


def split_fused(token: str) -> tuple[str, str] | None:
    """The best (left, right) split of a fused token, or None when it should stay whole."""
    if len(token) < MIN_TOKEN or token.isupper() or _is_word(token):
        return None
    # camel case inside a token: "OlsenHowever" -> "Olsen" + "However"
    for k in range(1, len(token)):
        if token[k - 1].islower() and token[k].isupper():
            left, right = token[:k], token[k:]
            zl, zr = zipf(left.lower()), zipf(right.lower())
            # two common words in camel case are a brand name ("TownVoice"), not a fusion
            if (not right.isupper() and len(right) >= MIN_PART and min(zl, zr) < CAMEL_MAX_ZIPF
                    and _halves_ok(token, left, right.lower()) and zr >= RIGHT_ZIPF):
                return left, right
            return None
    # lower-case junction: "Ministryaccusing" -> "Ministry" + "accusing"
    best: tuple[float, float, int] | None = None
    for k in range(MIN_PART, len(token) - 2):
        left, right = token[:k], token[k:]
        if not right.islower() or not _halves_ok(token, left, right):
            continue
        zl, zr = zipf(left.lower()), zipf(right)
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
