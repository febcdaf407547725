"""Cutting text into marked segments (speaker, cue, content, statement, search hit) for the pages.

Pages render segments as escaped text inside elements, never as markup built from report text.
"""
from __future__ import annotations

from typing import Iterable

HIT_OPEN, HIT_CLOSE = "\ue000", "\ue001"  # private-use marks the search engines put around a hit


def segments(text: str, marks: Iterable[tuple[int, int, str, str | None]]) -> list[dict]:
    """`text` cut at the (start, end, class, ref) marks; overlapping marks after the first are dropped."""
    out: list[dict] = []
    pos = 0
    for start, end, cls, ref in sorted(marks, key=lambda m: (m[0], -m[1])):
        start, end = max(start, 0), min(end, len(text))
        if start < pos or end <= start:
            continue
        if start > pos:
            out.append({"text": text[pos:start], "cls": None, "ref": None})
        out.append({"text": text[start:end], "cls": cls, "ref": ref})
        pos = end
    if pos < len(text):
        out.append({"text": text[pos:], "cls": None, "ref": None})
    return out


def _find(sentence: str, part: str, taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Where `part` sits in `sentence`, clear of parts already placed (case-insensitive)."""
    part = part.strip()
    if not part:
        return None
    low, needle = sentence.lower(), part.lower()
    at = low.find(needle)
    while at >= 0:
        end = at + len(needle)
        if all(end <= a or at >= b for a, b in taken):
            return at, end
        at = low.find(needle, at + 1)
    return None


def statement_segments(sentence: str, speaker: str, cue: str, content: str) -> list[dict]:
    """The sentence with the statement's content, cue and speaker marked (content placed first)."""
    marks: list[tuple[int, int, str, str | None]] = []
    taken: list[tuple[int, int]] = []
    for part, cls in ((content, "content"), (cue, "cue"), (speaker, "speaker")):
        hit = _find(sentence, part, taken)
        if hit:
            taken.append(hit)
            marks.append((hit[0], hit[1], cls, None))
    return segments(sentence, marks)


def hit_segments(snippet: str) -> list[dict]:
    """A search snippet with its hit marks turned into segments."""
    out: list[dict] = []
    for k, piece in enumerate(snippet.split(HIT_OPEN)):
        inside, _, after = piece.partition(HIT_CLOSE) if k else ("", "", piece)
        if inside:
            out.append({"text": inside, "cls": "hit", "ref": None})
        if after:
            out.append({"text": after, "cls": None, "ref": None})
    return out


def http_link(url: str | None) -> str | None:
    """`url` when it is an absolute http(s) URL with no control characters (the only links a page
    makes from report data: never javascript:, data: or relative ones), else None."""
    if not url:
        return None
    scheme, sep, rest = url.partition(":")
    if not sep or scheme.strip().lower() not in ("http", "https") or not rest.startswith("//"):
        return None
    if any(ord(c) < 32 or c.isspace() for c in url):
        return None
    return url
