"""Joint speakers: the parties of a coordinated source, each resolved like a single speaker.

"Ruritania and Borduria said in a joint statement", "Anna Varga and Piet Alder told reporters",
"the foreign ministers of Ruritania and Borduria said": every party speaks, and each is an origin
of its own downstream (resolve/origins.py).  A party is a conjunct joined by "and" (spaCy `conj`
under the source's head, with a `cc` "and"), or, after a plural head ("the foreign ministers of"),
a conjunct of its "of" object.  An apposition ("Anna Varga, the envoy"; "X, Y's spokesman") is
never a conjunct, and a conjunct whose own words hold no name ("Anna Varga and his aides") is not
a party: it is who is with the speaker, not who speaks.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..model import CoSpeaker, ParsedReport, Token
from ..resources import load_yaml
from .cues import cue_lexicon
from .speakers import Resolved, SpeakerIndex, resolve_speaker

Source = tuple[int, int, int]  # (head, first, last) token indexes, as cue finding gives a source
_AND = frozenset({"and", "&"})
_NOT_NAMES = ("DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY")
_MAX_STEPS = 40


@dataclass(frozen=True)
class JointSource:
    """A source read as parties: the main speaker (the first named party) and the others."""

    speaker: Resolved
    co_speakers: tuple[CoSpeaker, ...]


def joint_source(index: SpeakerIndex, source: Source, cue_lemma: str) -> JointSource | None:
    """The parties of a coordinated source, or None when it is not one (or names fewer than two).

    Only a reporting cue makes a joint statement (`is_reporting_cue`): the coordinated subject of
    an attribution the tagger reads from another verb ("A and B are looking to build ...") did
    things together, it did not speak together, and each party would count as a separate origin.
    The first party is resolved over its own words (not the whole coordination, whose later names
    would otherwise be read as its appositions); when it names nobody ("officials and Anna Varga
    said") the source stays a single speaker, as before.
    """
    if not is_reporting_cue(cue_lemma):
        return None
    parties = _parties(index.parsed, source)
    if len(parties) < 2:
        return None
    first = _resolve(index, parties[0])
    if first.name is None:
        return None
    seen = {first.name.lower()}
    others: list[CoSpeaker] = []
    for party in parties[1:]:
        if not _has_name(index, party):
            continue  # "and his aides", "and other officials": with the speaker, not a party
        who = _resolve(index, party)
        if who.name is None or who.name.lower() in seen:
            continue
        seen.add(who.name.lower())
        toks = index.parsed.tokens
        text = index.parsed.text[toks[party[1]].start:toks[party[2]].end]
        others.append(CoSpeaker(text=text, name=who.name, label=who.label, mention=who.mention))
    if not others:
        return None
    return JointSource(first, tuple(others))


@lru_cache(maxsize=1)
def _reporting_lemmas() -> frozenset[str]:
    data = load_yaml("reporting_cues.yaml")
    lex = cue_lexicon()
    return frozenset(str(k) for k in data.get("verbs") or ()) | lex["speech"] | lex["nominal"] | {"accord", "according"}


def is_reporting_cue(lemma: str) -> bool:
    """Whether a cue lemma reports speech: a hand-listed reporting verb, a verb that is speech in
    nearly every use, a nominal cue ("statement") or "according to"; learned cue lemmas alone are
    not enough to make the parties of its subject speak jointly."""
    return lemma.lower() in _reporting_lemmas()


def _resolve(index: SpeakerIndex, party: Source) -> Resolved:
    head, first, last = party
    return resolve_speaker(index, head, first, last)


def _parties(parsed: ParsedReport, source: Source) -> list[Source]:
    """The parties of a source in text order: its head and conjuncts, or the "of" object of a plural
    head and that object's conjuncts; one party (or none) when the source is not coordinated."""
    head, first, last = source
    toks = parsed.tokens
    if not (0 <= first <= head <= last < len(toks)):
        return []
    conjuncts = _conjuncts(toks, head, first, last)
    of_object = _of_object(toks, head, first, last)
    if of_object is not None and toks[head].tag in ("NNS", "NNPS") and toks[head].pos == "NOUN":
        # "the foreign ministers of X and Y": X's conjuncts, or (a common misparse) proper nouns
        # joined to the head itself; each party is the ministers of one state, so the state speaks
        named = [c for c in conjuncts if toks[c].pos == "PROPN"]
        heads = [of_object] + _conjuncts(toks, of_object, first, last) + named
    else:
        heads = [head] + conjuncts
    heads = sorted(dict.fromkeys(heads))
    if len(heads) < 2:
        return []
    return [_own_span(toks, h, first, last, set(heads)) for h in heads]


def _conjuncts(toks: tuple[Token, ...], head: int, first: int, last: int) -> list[int]:
    """Tokens in [first, last] joined to `head` by "and" (conj chains included: "A, B and C")."""
    found: list[int] = []
    frontier = [head]
    while frontier:
        h = frontier.pop()
        kids = [c for c in range(first, last + 1) if toks[c].head == h and c != h and toks[c].dep == "conj"]
        found += kids
        frontier += kids
    if not found:
        return []
    joined = {head, *found}
    if not any(toks[c].dep == "cc" and toks[c].head in joined and toks[c].text.lower() in _AND
               for c in range(first, last + 1)):
        return []  # "or", "but", or no coordinating word at all: not a joint source
    return sorted(found)


def _of_object(toks: tuple[Token, ...], head: int, first: int, last: int) -> int | None:
    """The object of an "of" phrase right under `head` ("Ruritania" in "the ministers of Ruritania")."""
    for p in range(head + 1, last + 1):
        if toks[p].head == head and toks[p].dep == "prep" and toks[p].text.lower() == "of":
            for o in range(p + 1, last + 1):
                if toks[o].head == p and toks[o].dep == "pobj":
                    return o
    return None


def _own_span(toks: tuple[Token, ...], h: int, first: int, last: int, party_heads: set[int]) -> Source:
    """(h, first, last) of the words that belong to party `h` alone: its subtree without the other
    parties and the "and" and commas joining them."""
    own = [k for k in range(first, last + 1) if _belongs(toks, k, h, party_heads)]
    return h, min(own), max(own)


def _belongs(toks: tuple[Token, ...], k: int, h: int, party_heads: set[int]) -> bool:
    """Whether token `k` hangs from party head `h` without passing another party or the "and"/comma
    that joins them."""
    steps = 0
    while k != h and steps < _MAX_STEPS:
        if k in party_heads or toks[k].head == k:
            return False
        if toks[k].dep in ("cc", "conj", "punct") and toks[k].head == h:
            return False
        k = toks[k].head
        steps += 1
    return k == h


def _has_name(index: SpeakerIndex, party: Source) -> bool:
    """Whether a party's own words hold a name: a speaker-capable mention, or a capitalised proper
    noun that is not a date or number ("his aides", "other officials" hold none)."""
    head, first, last = party
    toks = index.parsed.tokens
    if index.mentions_in(toks[first].start, toks[last].end):
        return True
    return any(toks[k].pos == "PROPN" and toks[k].text[:1].isupper() and toks[k].ent_type not in _NOT_NAMES
               for k in range(first, last + 1))
