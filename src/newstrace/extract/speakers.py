"""Speaker resolution within one report: names, pronouns and descriptions to the right mention."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

from ..model import Mention, ParsedReport
from ..resources import load_yaml

ORGLIKE = ("ORG", "GPE", "MEDIA", "NORP", "FAC")
FORWARD_WINDOW = 1  # sentences after an indefinite description where its name may follow
MEDIA_WINDOW = 8  # sentences after "a Japanese newspaper" where the paper's name may follow
MEDIA_WORDS = frozenset({"media", "newspaper", "paper", "daily", "outlet", "broadcaster", "tabloid"})
FIRST_PLURAL = frozenset({"we", "us"})


@lru_cache(maxsize=1)
def _nouns() -> dict:
    data = load_yaml("speaker_nouns.yaml")
    return {
        "desc": {str(k): tuple(v) for k, v in (data.get("descriptions") or {}).items()},
        "definite": frozenset(data.get("definite") or ()),
        "person": frozenset(data["pronouns"]["person"]),
        "thing": frozenset(data["pronouns"]["thing"]),
        "plural": frozenset(data["pronouns"]["plural"]),
        "labels": frozenset(data.get("speaker_labels") or ()),
        "source_heads": frozenset(data.get("source_heads") or ()),
        "cited_heads": frozenset(data.get("cited_heads") or ()),
    }


@dataclass(frozen=True)
class Resolved:
    """A resolved speaker: name, label and mention index (all None for unnamed sources)."""

    name: str | None = None
    label: str | None = None
    mention: int | None = None


@dataclass
class SpeakerIndex:
    """Mentions by position plus the running history of speakers and subjects, in text order."""

    parsed: ParsedReport
    mentions: Sequence[Mention]
    starts: list[int] = field(default_factory=list)
    order: list[int] = field(default_factory=list)
    history: list[tuple[int, Resolved]] = field(default_factory=list)  # (token, speaker)

    def __post_init__(self) -> None:
        labels = _nouns()["labels"]
        self.order = sorted((k for k, m in enumerate(self.mentions) if m.label in labels),
                            key=lambda k: self.mentions[k].start)
        self.starts = [self.mentions[k].start for k in self.order]

    # ------------------------------------------------------------------ lookups
    def mentions_in(self, start: int, end: int) -> list[int]:
        """Speaker-capable mentions inside [start, end) characters."""
        lo = bisect.bisect_left(self.starts, start)
        out = []
        for j in range(lo, len(self.order)):
            k = self.order[j]
            if self.mentions[k].start >= end:
                break
            if self.mentions[k].end <= end:
                out.append(k)
        return out

    def resolved_of(self, k: int) -> Resolved:
        m = self.mentions[k]
        name = m.name or m.text
        if m.label == "PERSON" and " " not in name.strip():
            full = self._full_name(name, m.start)
            if full is not None:
                return full
        return Resolved(name, m.label, k)

    def _full_name(self, surname: str, before: int) -> Resolved | None:
        hi = bisect.bisect_left(self.starts, before)
        for j in range(hi - 1, -1, -1):
            k = self.order[j]
            m = self.mentions[k]
            if m.label == "PERSON" and " " in m.name and m.name.split()[-1] == surname:
                return Resolved(m.name, m.label, k)
        for j in range(hi, len(self.order)):  # named in full only later
            k = self.order[j]
            m = self.mentions[k]
            if m.label == "PERSON" and " " in m.name and m.name.split()[-1] == surname:
                return Resolved(m.name, m.label, k)
        return None

    def by_surname(self, head: int) -> Resolved | None:
        """An earlier speaker whose full name ends with the proper noun at `head` ("Watling")."""
        word = self.parsed.tokens[head].text
        for _t, who in reversed(self.history):
            if who.name and who.name.split()[-1] == word:
                return who
        return self._full_name(word, self.parsed.tokens[head].start)

    def note(self, token: int, who: Resolved) -> None:
        """Record a speaker or named subject at `token` for later pronouns and descriptions."""
        if who.name is not None:
            self.history.append((token, who))

    def recent(self, token: int, labels: tuple[str, ...]) -> Resolved | None:
        for t, who in reversed(self.history):
            if t < token and who.label in labels:
                return who
        return None

    def recent_fitting(self, token: int, labels: tuple[str, ...], word: str) -> Resolved | None:
        """Most recent earlier speaker/mention with a fitting label, preferring one whose role or text holds `word`."""
        pos = self.parsed.tokens[token].start
        hi = bisect.bisect_left(self.starts, pos)
        fallback = None
        for j in range(hi - 1, max(-1, hi - 60), -1):
            k = self.order[j]
            m = self.mentions[k]
            if m.label not in labels:
                continue
            if word in (m.role or "").lower() or word in m.text.lower():
                return self.resolved_of(k)
            if fallback is None:
                fallback = k
        spoken = self.recent(token, labels)
        if spoken is not None:
            return spoken
        return self.resolved_of(fallback) if fallback is not None else None

    def following(self, token: int, labels: tuple[str, ...]) -> Resolved | None:
        """First fitting mention after `token` within the same or next sentence."""
        tok = self.parsed.tokens[token]
        last_sent = tok.sent + FORWARD_WINDOW
        lo = bisect.bisect_left(self.starts, tok.end)
        for j in range(lo, len(self.order)):
            k = self.order[j]
            m = self.mentions[k]
            if m.sentence > last_sent:
                break
            if m.label in labels:
                return self.resolved_of(k)
        return None


def is_cited_head(parsed: ParsedReport, head: int) -> bool:
    """Whether a source headed by `head` ("sources") is cited on behalf of a named speaker."""
    return parsed.tokens[head].lemma.lower() in _nouns()["cited_heads"]


def resolve_speaker(index: SpeakerIndex, head: int, first: int, last: int) -> Resolved:
    """Resolve the source whose head token is `head` and tokens [first, last] to a speaker."""
    parsed = index.parsed
    toks = parsed.tokens
    nouns = _nouns()
    inside = index.mentions_in(toks[first].start, toks[last].end)
    hit = [k for k in inside if index.mentions[k].start <= toks[head].start < index.mentions[k].end]
    if hit:
        return index.resolved_of(hit[0])
    appos = [c for c in range(first, last + 1) if toks[c].dep == "appos" and toks[c].head == head]
    apposed = [k for k in inside if any(index.mentions[k].start <= toks[c].start < index.mentions[k].end
                                        for c in appos)]
    modifiers = [(toks[c].start, toks[_right(toks, c, last)].end) for c in range(head + 1, last + 1)
                 if toks[c].head == head and toks[c].dep in ("acl", "relcl", "prep")]
    apposed += [k for k in inside if index.mentions[k].start > toks[head].end and k not in apposed
                and index.mentions[k].label in ("PERSON", "ORG", "MEDIA", "GPE")
                and not any(a <= index.mentions[k].start < b for a, b in modifiers)]  # "media, monitored in Seoul"
    apposed += [k for k in inside if index.mentions[k].end < toks[head].start and k not in apposed
                and parsed.text[index.mentions[k].end:index.mentions[k].end + 2] in ("'s", "\u2019s")
                and index.mentions[k].label in ("ORG", "MEDIA", "GPE", "PERSON", "FAC")]  # "the paper's story"
    word = toks[head].text.lower()
    if word in FIRST_PLURAL:
        return Resolved()  # the outlet's own voice ("we", "us") is never a named speaker
    if (word in MEDIA_WORDS or toks[head].lemma.lower() in MEDIA_WORDS) and toks[head].ent_type not in ("ORG", "MEDIA") and not apposed:
        return _media(index, head, first)
    if apposed and word not in nouns["person"] | nouns["thing"]:
        return _spelling_variant(index, apposed[0]) or index.resolved_of(apposed[0])  # "the Japanese newspaper, the Tokyo Shimbun," / "X, spokesman"
    if toks[head].text[:1].isupper() and word not in nouns["person"] | nouns["thing"] | nouns["plural"] \
            and word not in nouns["desc"] and not toks[head].ent_type.startswith(("DATE", "TIME")):
        found = index.by_surname(head)
        if found is not None or toks[head].pos == "PROPN":
            return found or Resolved(parsed.text[toks[first].start:toks[last].end], None, None)
    if toks[head].lemma.lower() in nouns["source_heads"]:
        named = _named_modifier(index, head, first)
        if named is not None:
            return named
    if word in nouns["person"]:
        return index.recent(head, ("PERSON",)) or Resolved()
    if word in nouns["thing"]:
        return index.recent(head, ORGLIKE) or Resolved()
    lemma = toks[head].lemma.lower()
    labels = nouns["desc"].get(lemma) or nouns["desc"].get(word)
    if not labels or toks[head].tag in ("NNS", "NNPS"):
        return Resolved()
    dets = {toks[k].text.lower() for k in range(first, head)}
    if dets & nouns["definite"]:
        found = index.recent_fitting(head, labels, lemma)
        if found is not None:
            return found
    elif not dets & {"a", "an"}:
        return Resolved()
    return index.following(last, labels) or Resolved()


def _right(toks, c: int, last: int) -> int:
    """Last token in [c, last] whose chain of heads reaches `c`."""
    end = c
    for k in range(c + 1, last + 1):
        h, steps = k, 0
        while toks[h].head != h and h != c and steps < 40:
            h = toks[h].head
            steps += 1
        if h == c:
            end = k
    return end


def _media(index: SpeakerIndex, head: int, first: int) -> Resolved:
    """ "a Japanese newspaper", "state media": a MEDIA mention named nearby, else the description itself."""
    toks = index.parsed.tokens
    dets = {toks[k].text.lower() for k in range(first, head)}
    definite = bool(dets & _nouns()["definite"])
    if definite:
        found = index.recent(head, ("MEDIA",))
        if found is not None:
            return found
    adjs = {toks[k].text.lower() for k in range(first, head) if toks[k].ent_type == "NORP"}
    if adjs:  # "a Japanese newspaper": the paper later introduced as Japanese, anywhere in the report
        lo = bisect.bisect_left(index.starts, toks[head].end)
        for j in range(lo, len(index.order)):
            m = index.mentions[index.order[j]]
            near = index.parsed.text[max(0, m.start - 40):m.start].lower()
            if m.label == "MEDIA" and any(a in near for a in adjs):
                return index.resolved_of(index.order[j])
    lo = bisect.bisect_left(index.starts, toks[head].end)
    limit = toks[head].sent + MEDIA_WINDOW
    for j in range(lo, len(index.order)):
        m = index.mentions[index.order[j]]
        if m.sentence > limit:
            break
        if m.label == "MEDIA":
            return index.resolved_of(index.order[j])
    if toks[head].text.lower() == "media":
        words = [toks[k].text for k in range(first, head + 1) if toks[k].pos not in ("DET", "PUNCT")]
        return Resolved(" ".join(words), "MEDIA", None)
    return Resolved()


def _named_modifier(index: SpeakerIndex, head: int, first: int) -> Resolved | None:
    """ "UK government sources", "US intelligence assessment": the named modifiers before the head speak."""
    toks = index.parsed.tokens
    mods = [k for k in range(first, head) if toks[k].head == head and toks[k].dep in ("compound", "amod", "nmod")]
    if not mods or not any(toks[k].ent_type in ORGLIKE or toks[k].pos == "PROPN" for k in range(mods[0], head)):
        return None
    a = next(k for k in range(mods[0], head) if toks[k].ent_type in ORGLIKE or toks[k].pos == "PROPN")
    inside = index.mentions_in(toks[a].start, toks[head - 1].end)
    exact = [k for k in inside if index.mentions[k].start == toks[a].start and index.mentions[k].end == toks[head - 1].end]
    if exact:
        return index.resolved_of(exact[0])
    return Resolved(index.parsed.text[toks[a].start:toks[head - 1].end], "ORG", None)


def _spelling_variant(index: SpeakerIndex, k: int) -> Resolved | None:
    """An earlier organisation the mention `k` misspells ("Tokyo Shimbum" for "Tokyo Shimbun")."""
    m = index.mentions[k]
    name = (m.name or m.text).lower()
    if len(name) < 8:
        return None
    for j in index.order:
        other = index.mentions[j]
        if other.start >= m.start:
            break
        o = (other.name or other.text).lower()
        if o != name and other.label in ORGLIKE and len(o) == len(name) \
                and sum(x != y for x, y in zip(o, name)) == 1:
            return index.resolved_of(j)
    return None
