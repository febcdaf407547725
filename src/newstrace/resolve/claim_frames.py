"""Proposition frames of statement contents: what kind of event, who receives, what, how, and when."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from ..resources import load_yaml
from .names import alias_table, lookup_alias, normalize_name

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-]*(?:['\u2019]s)?|[,.;:()\u201c\u201d\"]")
_POSSESSIVE = re.compile(r"['\u2019]s$")


@dataclass(frozen=True)
class Frame:
    """The structure of one statement's proposition, read from its content with lexical rules."""

    kinds: frozenset[str] = frozenset()  # transfer, shortage, rivalry, ...
    recipient: str | None = None  # normalised name of who gets the goods in a transfer
    objects: frozenset[str] = frozenset()  # shells, rockets, drones, ...
    modes: frozenset[str] = frozenset()  # rail, sea, air
    future: bool = False  # further / planned deliveries rather than one that happened


@dataclass(frozen=True)
class _Lexicon:
    kinds: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]
    objects: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]
    modes: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]
    future: tuple[tuple[str, ...], ...]
    recipient_subject: frozenset[str]
    recipient_object: frozenset[str]
    prepositions: frozenset[str]
    stops: frozenset[str]
    generic: frozenset[str]
    transfer_words: frozenset[str]


def _phrases(words: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(w).lower().split()) for w in words)


def _families(table: dict) -> tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]:
    return tuple((name, _phrases(words)) for name, words in (table or {}).items())


@lru_cache(maxsize=1)
def load_lexicon() -> _Lexicon:
    """The frame lexicon from resources/claim_frames.yaml (cached per process)."""
    data = load_yaml("claim_frames.yaml")
    kinds = _families(data["kinds"])
    transfer = frozenset(p[0] for name, ps in kinds if name == "transfer" for p in ps if len(p) == 1)
    return _Lexicon(
        kinds=kinds, objects=_families(data["objects"]), modes=_families(data["modes"]),
        future=_phrases(data["future"]),
        recipient_subject=frozenset(w.lower() for w in data["recipient_subject"]),
        recipient_object=frozenset(w.lower() for w in data["recipient_object"]),
        prepositions=frozenset(w.lower() for w in data["recipient_prepositions"]),
        stops=frozenset(w.lower() for w in data["phrase_stops"]),
        generic=frozenset(w.lower() for w in data["name_generic"]),
        transfer_words=transfer)


def tokenize(text: str) -> list[str]:
    """Word and punctuation tokens, possessive 's kept on its word."""
    return _TOKEN.findall((text or "").replace("\u2019", "'"))


def _has(low: Sequence[str], phrase: tuple[str, ...], words: frozenset[str] | None = None) -> bool:
    """`phrase` occurs in `low`; `words` (the set of `low`) answers most look-ups without a scan."""
    words = frozenset(low) if words is None else words
    if not all(w in words for w in phrase):
        return False
    n = len(phrase)
    return n == 1 or any(tuple(low[i:i + n]) == phrase for i in range(len(low) - n + 1))


@lru_cache(maxsize=16)
def _by_first_word(families) -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """first word of a phrase -> (family, phrase) pairs: a text is checked only against the phrases
    whose first word it contains."""
    index: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for name, phrases in families:
        for phrase in phrases:
            if phrase:
                index.setdefault(phrase[0], []).append((name, phrase))
    return {w: tuple(v) for w, v in index.items()}


def _match(low: Sequence[str], families, words: frozenset[str] | None = None) -> frozenset[str]:
    words = frozenset(low) if words is None else words
    index = _by_first_word(families)
    found: set[str] = set()
    for w in words:
        for name, phrase in index.get(w, ()):
            if name not in found and _has(low, phrase, words):
                found.add(name)
    return frozenset(found)


def _is_name(tok: str, lex: _Lexicon) -> bool:
    return tok[:1].isupper() and tok.lower() not in lex.stops and tok.lower() not in lex.generic


def _runs(tokens: Sequence[str], lex: _Lexicon) -> list[list[str]]:
    """Maximal runs of capitalised tokens (proper-noun phrases), generic words allowed inside."""
    runs: list[list[str]] = []
    cur: list[str] = []
    for tok in tokens:
        if _is_name(tok, lex) or (cur and tok[:1].isupper()):
            cur.append(tok)
        else:
            if cur:
                runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return runs


def normalise_name(words: Sequence[str], lex: _Lexicon | None = None) -> str | None:
    """A comparable key for a name: generic words dropped, possessive cut, first word's stem.

    A country, or a capital or demonym the institutions table lists for one, keys to the country
    ("Moscow", "Russian forces", "the Russian Federation" -> Russia's key), since a capital
    receiving stands for its country.
    """
    lex = lex or load_lexicon()
    bare = [_POSSESSIVE.sub("", w) for w in words]
    kept = [w.lower() for w in bare if w and w.lower() not in lex.generic]
    if not kept:
        return None
    country = country_of([" ".join(bare)] + [" ".join(kept[:n]) for n in range(len(kept), 0, -1)])
    if country:
        return _country_key(country)
    return kept[0][:5]


def country_of(surfaces: Sequence[str]) -> str | None:
    """The country the first listed name of `surfaces` stands for (tried as written, then singular).

    Countries and their aliases give the country, capitals and demonyms their country; the first
    name the institutions table lists decides, so "Washington Post" (an outlet) gives None.
    """
    for surface in surfaces:
        for form in (surface, surface[:-1] if len(surface) > 4 and surface.endswith("s") else None):
            info = lookup_alias(form) if form else None
            if info is None:
                continue
            if info.is_capital and info.parent:
                return info.parent
            return info.canonical if info.type == "GPE" and info.parent is None else None
    return None


@lru_cache(maxsize=1)
def _country_stems() -> Counter[str]:
    """How many of the table's countries share each first-word stem ("United States", "United Kingdom")."""
    countries = {i.canonical for i in alias_table().values() if i.type == "GPE" and i.parent is None}
    return Counter(normalize_name(c)[:5] for c in countries)


def _country_key(country: str) -> str:
    """A country's recipient key: its first word's stem, as any name gets, unless another listed
    country shares that stem; then its whole normalised name."""
    stem = normalize_name(country)[:5]
    return stem if _country_stems()[stem] <= 1 else normalize_name(country)


def _phrase_recipient(tokens: Sequence[str], lex: _Lexicon) -> str | None:
    """The recipient named by the noun phrase at the start of `tokens` (after "to"/"into")."""
    phrase: list[str] = []
    for tok in tokens[:10]:
        if tok.lower() in lex.stops or not tok[:1].isalnum():
            break
        phrase.append(tok)
    runs = _runs(phrase, lex)
    if not runs:
        return None
    owner = next((i for i, t in enumerate(phrase) if _POSSESSIVE.search(t) and t[:1].isupper()), None)
    if owner is not None:  # "Ruritania's navy" -> Ruritania; "Ruritania's allied militia Red Hand" -> Red Hand
        after = _runs(phrase[owner + 1:], lex)
        return normalise_name(after[-1] if after else [phrase[owner]], lex)
    return normalise_name(runs[-1], lex)


def find_recipient(tokens: Sequence[str], lex: _Lexicon | None = None) -> str | None:
    """Who receives in a transfer: subject of buy/receive, object of supply, or after to/into."""
    lex = lex or load_lexicon()
    low = [t.lower() for t in tokens]
    for i, w in enumerate(low):
        if w not in lex.transfer_words:
            continue
        if w in lex.recipient_subject:
            before = _runs(tokens[max(0, i - 8):i], lex)
            if before:
                return normalise_name(before[-1], lex)
            continue
        if w in lex.recipient_object and i + 1 < len(tokens) and _is_name(tokens[i + 1], lex):
            return _phrase_recipient(tokens[i + 1:], lex)
        for j in range(i + 1, min(len(tokens), i + 15)):
            if low[j] in lex.prepositions:
                found = _phrase_recipient(tokens[j + 1:], lex)
                if found:
                    return found
                break
            if low[j] in {".", ";"}:
                break
    return None


def read_frame(text: str) -> Frame:
    """The frame of a statement's content (an empty frame when nothing in the lexicon matches)."""
    lex = load_lexicon()
    tokens = tokenize(text)
    low = [t.lower() for t in tokens]
    low_bare = [_POSSESSIVE.sub("", t) for t in low]
    words = frozenset(low_bare)
    kinds = _match(low_bare, lex.kinds, words)
    transfer = "transfer" in kinds
    return Frame(
        kinds=kinds,
        recipient=find_recipient(tokens, lex) if transfer else None,
        objects=_match(low_bare, lex.objects, words),
        modes=_match(low_bare, lex.modes, words),
        future=transfer and any(_has(low_bare, p, words) for p in lex.future))


def frames_conflict(a: Frame, b: Frame) -> str | None:
    """Why two frames cannot be one proposition (None when they may be)."""
    if a.kinds and b.kinds and not a.kinds & b.kinds:
        return "kind"
    if "transfer" in a.kinds and "transfer" in b.kinds:
        if a.recipient and b.recipient and a.recipient != b.recipient:
            return "recipient"
        if a.future != b.future:
            return "tense"
    return None
