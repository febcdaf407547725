"""Time expressions: find dates and relative times in a report and normalise them against its publication date.

The scan lives here; what an expression looks like is in time_patterns, what it means in time_dates and
time_relative, and the publication date read from a report's text in published.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re

from ..model import ParsedReport, TimeExpr
from .published import infer_published
from .time_lexicon import Norm, TimeContext, time_lexicon
from .time_patterns import PrefixedMatch, prefix_patterns, time_patterns, trigger_scan

__all__ = ["Norm", "PrefixedMatch", "extract_times", "infer_published", "time_spans"]

_ENTITY_BLOCKERS = {"PERSON", "ORG", "FAC", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"}


def extract_times(parsed: ParsedReport) -> tuple[TimeExpr, ...]:
    """Every time expression of the report, normalised against parsed.published (YYYY-MM-DD)."""
    ctx = _make_context(parsed)
    blockers = [(e.start, e.end) for e in parsed.entities
                if e.label in _ENTITY_BLOCKERS and not re.fullmatch(r"[\d\s,.\-–]+", e.text)]
    prefixes, text = prefix_patterns(), parsed.text
    found: list[TimeExpr] = []
    patterns = time_patterns()
    trigger, by_class = trigger_scan()
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


def _make_context(parsed: ParsedReport) -> TimeContext:
    """The publication date and the parse-based tests (tense, DATE entity, sentence start, proper name)."""
    pub = _parse_iso(parsed.published)
    starts = [t.start for t in parsed.tokens]
    future_aux = {w.lower() for w in time_lexicon()["future_auxiliaries"]}
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
        names = set(time_lexicon()["months"]) | set(time_lexicon()["weekdays"])
        return bool(before and toks[k - 1].text not in names) or bool(after and toks[toks[k].head].text not in names)

    return TimeContext(pub, future, in_date_entity, sentence_initial, name_part)


def _keep_longest(found: list[TimeExpr]) -> list[TimeExpr]:
    kept: list[TimeExpr] = []
    for t in sorted(found, key=lambda t: (-(t.end - t.start), t.start)):
        if all(t.end <= k.start or t.start >= k.end for k in kept):
            kept.append(t)
    return sorted(kept, key=lambda t: t.start)


def _parse_iso(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
