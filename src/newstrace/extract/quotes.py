"""Direct-quote regions: pair quotation marks per paragraph, open quotes run on to the paragraph end."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..model import ParsedReport

OPEN = "\u201c\u00ab\u201e"
CLOSE = "\u201d\u00bb"
STRAIGHT = '"'
MIN_QUOTE_CHARS = 3  # shorter marked stretches ("A", scare quotes of one letter) are not quotes


@dataclass(frozen=True)
class QuoteRegion:
    """A quoted stretch in cleaned-text offsets, marks included; `closed` is False when it runs on."""

    start: int
    end: int
    paragraph: int
    closed: bool = True
    words: int = 0


def find_quotes(parsed: ParsedReport) -> tuple[QuoteRegion, ...]:
    """Quote regions of the report, in text order, one scan per paragraph."""
    text = parsed.text
    out: list[QuoteRegion] = []
    for p, (ps, pe) in enumerate(_paragraph_spans(parsed)):
        out.extend(_scan(text, ps, pe, p))
    return tuple(out)


def _paragraph_spans(parsed: ParsedReport) -> list[tuple[int, int]]:
    spans: dict[int, list[int]] = {}
    for s in parsed.sentences:
        cur = spans.setdefault(s.paragraph, [s.start, s.end])
        cur[0] = min(cur[0], s.start)
        cur[1] = max(cur[1], s.end)
    return [tuple(spans[k]) for k in sorted(spans)]  # type: ignore[misc]


def _scan(text: str, ps: int, pe: int, p: int) -> list[QuoteRegion]:
    out: list[QuoteRegion] = []
    start = -1
    straight_open = False
    para = text[ps:pe].replace("''", '" ').replace("``", '" ')  # doubled marks, same length
    for k in range(ps, pe):
        ch = para[k - ps]
        if ch in OPEN or (ch == STRAIGHT and not straight_open and start < 0):
            if start < 0:
                start = k
                straight_open = ch == STRAIGHT
            continue
        if start >= 0 and (ch in CLOSE or (ch == STRAIGHT and straight_open)):
            _add(out, text, start, k + 1, p, True)
            start = -1
            straight_open = False
        elif start < 0 and ch in CLOSE and k > ps and para[k - ps - 1] in ".,!?":
            # a closing mark with no opener: the quote began in an earlier paragraph
            _add(out, text, ps, k + 1, p, False)
    if start >= 0:
        _add(out, text, start, pe, p, False)
    return out


def _add(out: list[QuoteRegion], text: str, s: int, e: int, p: int, closed: bool) -> None:
    inner = text[s:e].strip(OPEN + CLOSE + STRAIGHT + " ")
    if len(inner) < MIN_QUOTE_CHARS:
        return
    out.append(QuoteRegion(s, e, p, closed, len(inner.split())))


def region_at(regions: Sequence[QuoteRegion], starts: Sequence[int], pos: int) -> int:
    """Index of the region holding character `pos`, or -1 (`starts` = region starts, sorted)."""
    import bisect

    k = bisect.bisect_right(starts, pos) - 1
    if k >= 0 and regions[k].start <= pos < regions[k].end:
        return k
    return -1
