"""Evidence: what kind of support a report says a statement rests on, from cue phrases in evidence.yaml."""
from __future__ import annotations

import bisect
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

from ..model import LedgerDocument, LedgerStatement
from ..resources import load_yaml

# Kinds that show something beyond a speaker's word (used for "no public evidence" questions).
MATERIAL_KINDS = ("satellite imagery", "released imagery", "documents", "physical evidence", "named expert")
NO_PUBLIC_EVIDENCE = "no public evidence"
# A following sentence that continues the statement across a paragraph break ("He said the ...").
_CONTINUES = re.compile(r"[\"“]?(?:He|She|They|It|This|That|These|Those|Such|The assessment)\b")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])|\n\s*\n")


_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class EvidenceKind:
    name: str
    phrases: re.Pattern[str] | None
    patterns: tuple[re.Pattern[str], ...]
    # the first word of each phrase (lower case): a passage holding none of them cannot match the
    # phrases, so their pattern is not run (None: always run it)
    first_words: frozenset[str] | None = None

    def matches(self, text: str, words: set[str] | None = None) -> bool:
        """`words`: the passage's words in lower case, when already known."""
        if self.phrases is not None and (words is None or self.first_words is None or not self.first_words.isdisjoint(words)):
            if self.phrases.search(text):
                return True
        return any(p.search(text) for p in self.patterns)


@lru_cache(maxsize=None)
def load_evidence_kinds(name: str = "evidence.yaml") -> tuple[EvidenceKind, ...]:
    """The evidence kinds of a resource file, compiled once per process."""
    data = load_yaml(name) or {}
    kinds = []
    for kind, spec in data.items():
        spec = spec or {}
        phrases = [str(p) for p in spec.get("phrases") or () if str(p).strip()]
        alternation = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))
        compiled = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE) if alternation else None
        patterns = tuple(re.compile(str(p)) for p in spec.get("patterns") or ())
        firsts = [_TOKEN.search(p) for p in phrases]
        first_words = (frozenset(m.group(0).lower() for m in firsts if m)
                       if all(m and m.group(0).isascii() for m in firsts) else None)
        kinds.append(EvidenceKind(str(kind), compiled, patterns, first_words))
    return tuple(kinds)


def classify_evidence(text: str) -> tuple[str, ...]:
    """Evidence kinds a passage mentions, in the order of evidence.yaml.

    Kinds: satellite imagery | released imagery | intelligence assessment | official statement |
    documents | named expert | unnamed sources | physical evidence | no public evidence.
    """
    if not text or not text.strip():
        return ()
    words = set(_TOKEN.findall(text.lower()))
    return tuple(k.name for k in load_evidence_kinds() if k.matches(text, words))


SPANS_KEPT_CHARS = 32_000_000  # reports' sentences kept while their texts total less (a few MB of spans)


class _SpanCache:
    """Report text -> its sentences, least recently asked dropped first once the texts kept total
    more than `limit` characters; a lock, as web requests read it from several threads."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._spans: OrderedDict[str, tuple[tuple[int, int], ...]] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def get(self, text: str) -> tuple[tuple[int, int], ...]:
        with self._lock:
            hit = self._spans.get(text)
            if hit is not None:
                self._spans.move_to_end(text)
                return hit
        spans = _split_sentences(text)
        with self._lock:
            if text not in self._spans:
                self._spans[text] = spans
                self._chars += len(text)
            while self._chars > self.limit and len(self._spans) > 1:
                old, _ = self._spans.popitem(last=False)
                self._chars -= len(old)
        return spans


_SPANS = _SpanCache(SPANS_KEPT_CHARS)


def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Rough sentence boundaries of a cleaned report (enough to find a statement's neighbours).

    Kept for the reports last asked about (a brief asks once per statement, visiting a claim's
    reports in turn), up to SPANS_KEPT_CHARS characters of text: bounded by size, not count, so
    a store of short reports keeps them all and a few long ones cannot fill memory."""
    return _SPANS.get(text)


def _split_sentences(text: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return tuple((a, b) for a, b in spans if text[a:b].strip())


def statement_context(st: LedgerStatement, doc: LedgerDocument | None, neighbours: int = 1) -> str:
    """The statement's sentence and `neighbours` sentences either side of it in its report."""
    if doc is None or not doc.text:
        return st.sentence
    text = doc.text
    start, end = st.start, st.end
    if not (0 <= start < end <= len(text)):
        found = text.find(st.sentence) if st.sentence else -1
        if found < 0:
            return st.sentence
        start, end = found, found + len(st.sentence)
    spans = sentence_spans(text)
    # the sentences overlapping [start, end): from the last one starting before `start` (spans are
    # ordered and disjoint) while they start before `end`
    first = max(0, bisect.bisect_right(spans, (start, len(text) + 1)) - 1)
    idx = []
    for i in range(first, len(spans)):
        a, b = spans[i]
        if a >= end:
            break
        if b > start:
            idx.append(i)
    if not idx:
        return st.sentence
    lo, hi = max(0, idx[0] - neighbours), min(len(spans) - 1, idx[-1] + neighbours)
    # Neighbours stay inside the statement's paragraph (a new paragraph is a new subject) unless
    # the next paragraph carries on with a pronoun.
    para_start = text.rfind("\n\n", 0, start) + 1
    para_end = text.find("\n\n", end)
    para_end = len(text) if para_end < 0 else para_end
    chosen = [spans[i] for i in range(lo, hi + 1)
              if i in idx or (spans[i][1] > para_start and spans[i][0] < para_end)
              or (i > idx[-1] and _CONTINUES.match(text, spans[i][0]))]
    return " ".join(text[a:b] for a, b in chosen)


def statement_evidence(st: LedgerStatement, doc: LedgerDocument | None, official: bool = False) -> tuple[str, ...]:
    """Evidence kinds for one statement: cue phrases around it, plus what its speaker implies.

    An unnamed speaker counts as "unnamed sources"; a speaker whose origin is a government
    (`official`) counts as "official statement" (its word, not proof).
    """
    kinds = list(classify_evidence(statement_context(st, doc)))
    if st.speaker is None and (st.speaker_text or st.cited_source) and "unnamed sources" not in kinds:
        kinds.append("unnamed sources")
    if st.cited_source and "unnamed sources" not in kinds:
        kinds.append("unnamed sources")
    if official and "official statement" not in kinds:
        kinds.append("official statement")
    return order_evidence(kinds)


def order_evidence(kinds: list[str] | tuple[str, ...] | set[str]) -> tuple[str, ...]:
    """Evidence kinds deduplicated in the order of evidence.yaml (unknown kinds last).

    "no public evidence" is dropped beside a material kind: a report's "could not be verified"
    does not unmake photographs or documents that were released."""
    order = [k.name for k in load_evidence_kinds()]
    seen = set(kinds)
    if seen & set(MATERIAL_KINDS):
        seen.discard(NO_PUBLIC_EVIDENCE)
    known = [k for k in order if k in seen]
    return tuple(known + sorted(seen - set(order)))
