"""Sentences run together by scraping: "fighting.The minister said" -> "fighting. The minister said".

A space goes after a full stop, question or exclamation mark (and any closing quotes or brackets
after it) when the left is a word of two or more letters, a number or a closing quote, and the
right a capitalised word, maybe after an opening quote ("said.“It").  Never inside addresses:
not when the run of non-space characters holds "/", "@" or another full stop
("example.com", "Ministry.Gov.VT", "U.S.Navy"), nor after an abbreviation that goes before names
("Gen.Tomas", "Mr.Orsic", "St.Anne").
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..resources import load_yaml

_RUNON = re.compile(
    r"(?P<left>[^\W\d_]{2,}|\d+%?|[\u201d\u2019\"')\]])"  # a word, a number or a closing quote/bracket
    r"(?P<stop>\.{1,3}|\u2026|[?!]+)"
    r"[\u201d\u2019\"')\]]*"  # quotes or brackets closing after the stop
    r"(?=[\u201c\u2018\"'(]?[A-Z][a-z])"  # a capitalised word, maybe after an opening quote
)


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    return frozenset(str(w).lower() for w in load_yaml("runon_abbreviations.yaml")["before_names"])


def _chunk(text: str, pos: int) -> str:
    """The run of non-space characters around `pos`."""
    a = pos
    while a > 0 and not text[a - 1].isspace():
        a -= 1
    b = pos
    while b < len(text) and not text[b].isspace():
        b += 1
    return text[a:b]


def find_runons(text: str) -> list[int]:
    """Offsets in `text` where a space must go between two sentences run together."""
    out = []
    for m in _RUNON.finditer(text):
        left = m.group("left")
        if left.isalpha() and left.lower() in _abbreviations():
            continue
        chunk = _chunk(text, m.end())
        dots = chunk.count(".") - m.group("stop").count(".")
        if dots or "/" in chunk or "@" in chunk:
            continue  # an address or a dotted abbreviation: "example.com", "U.S.Navy"
        out.append(m.end())
    return out
