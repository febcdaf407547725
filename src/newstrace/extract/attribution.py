"""Attributions found by the learned tagger, turned into the parse's terms (cue tokens, source head).

The tagger (`extract/tagger.py`) reads raw characters; statements are built over the spaCy parse.
This module maps each tagged relation onto the parse: the cue's tokens and the lemma of its head,
the source's tokens and head (what speaker resolution starts from), the content's character spans
snapped to whole tokens, and the kind of quotation from the quote marks around the content.
"""
from __future__ import annotations

import bisect
from typing import Sequence

from ..model import ParsedReport
from .cues import Found
from .quotes import QuoteRegion
from .tagger import Relation

QUOTE_EDGE = "\"\u201c\u201d\u00ab\u00bb'\u2018\u2019"


def tokens_in(parsed: ParsedReport, start: int, end: int) -> list[int]:
    """Indices of the tokens that begin inside [start, end)."""
    starts = parsed.token_starts
    a = bisect.bisect_left(starts, start)
    b = bisect.bisect_left(starts, end)
    return list(range(a, b))


def span_head(parsed: ParsedReport, idx: Sequence[int]) -> int:
    """The token of `idx` whose syntactic head lies outside it (the first such, nouns and verbs first)."""
    inside = set(idx)
    toks = parsed.tokens
    roots = [i for i in idx if toks[i].head not in inside or toks[i].head == i]
    content = [i for i in roots if toks[i].pos in ("VERB", "NOUN", "PROPN", "PRON", "ADJ")]
    return (content or roots or list(idx))[0]


def quote_type(parsed: ParsedReport, quotes: Sequence[QuoteRegion], content: Sequence[tuple[int, int]],
               cue_lemma: str) -> str:
    """direct (all inside quote marks), mixed (partly), according_to, or indirect."""
    if cue_lemma == "accord":
        return "according_to"
    text = parsed.text
    chars = sum(e - s for s, e in content) or 1
    quoted = sum(max(0, min(e, q.end) - max(s, q.start)) for s, e in content for q in quotes)
    edges = all(text[s] in QUOTE_EDGE or text[max(0, s - 1)] in QUOTE_EDGE for s, _ in content)
    if quoted >= 0.9 * chars or edges and quoted >= 0.5 * chars:
        return "direct"
    return "mixed" if quoted >= 0.2 * chars else "indirect"


def to_found(parsed: ParsedReport, quotes: Sequence[QuoteRegion], rel: Relation) -> Found | None:
    """One tagged relation as a `Found` over the parse, or None when its cue or content is empty."""
    toks = parsed.tokens
    cue = sorted({i for s, e in rel.cue for i in tokens_in(parsed, s, e)})
    content = []
    for s, e in rel.content:
        idx = tokens_in(parsed, s, e)
        if idx:
            content.append((toks[idx[0]].start, toks[idx[-1]].end))
    if not cue or not content:
        return None
    head = span_head(parsed, cue)
    cue = sorted(set(cue) | _negation(parsed, head))  # "did not deny": the stance reads the negation
    lemma = toks[head].lemma.lower()
    if toks[head].text.lower() == "according":
        lemma = "accord"
    source = None
    if rel.source:
        s, e = min(rel.source, key=lambda p: _distance(p, rel.cue))
        idx = tokens_in(parsed, s, e)
        if idx:
            source = (span_head(parsed, idx), idx[0], idx[-1])
    return Found(cue, lemma, source, content, quote_type(parsed, quotes, content, lemma), score=rel.score)


def _negation(parsed: ParsedReport, head: int) -> set[int]:
    """The negation attached to a cue's head ("not", "never") and the auxiliary before it."""
    toks = parsed.tokens
    lo = max(0, head - 4)
    neg = {k for k in range(lo, head) if toks[k].head == head and toks[k].dep == "neg"}
    if neg:
        neg |= {k for k in range(min(neg) - 1, head) if toks[k].head == head and toks[k].dep == "aux"}
    return neg


def found_by_sentence(parsed: ParsedReport, quotes: Sequence[QuoteRegion],
                      relations: Sequence[Relation]) -> dict[int, list[Found]]:
    """Tagged relations as `Found`s, keyed by the sentence of their cue, each list in text order."""
    out: dict[int, list[Found]] = {}
    for rel in relations:
        f = to_found(parsed, quotes, rel)
        if f is not None:
            out.setdefault(parsed.tokens[f.cue[0]].sent, []).append(f)
    for found in out.values():
        found.sort(key=lambda f: f.cue[0])
    return out


def _distance(piece: tuple[int, int], cue: Sequence[tuple[int, int]]) -> int:
    return min(max(0, c[0] - piece[1], piece[0] - c[1]) for c in cue)
