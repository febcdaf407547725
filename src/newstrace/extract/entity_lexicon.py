"""The entity lexicon: organisation, media, place, facility, weapon and vessel names, and title/role words, read once."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from ..resources import load_yaml


@dataclass(frozen=True)
class Phrase:
    """A lexicon phrase: its text, the label it gives, and the canonical name it stands for."""

    text: str
    label: str
    canonical: str
    exact: bool  # match case-sensitively (acronyms, weapon names)


@dataclass(frozen=True)
class EntityLexicon:
    """Everything the entity modules look up: phrases by first word, titles, role words, domain heads."""

    phrases: dict[str, tuple[Phrase, ...]]  # first word (lower) -> phrases, longest first
    titles: tuple[tuple[str, ...], ...]  # lower-case word tuples, longest first
    role_synonyms: dict[str, str]
    reorder_heads: frozenset[str]
    role_drop: frozenset[str]
    honorifics: frozenset[str]
    role_nouns: frozenset[str]
    role_suffixes: tuple[str, ...]
    not_places: frozenset[str]
    weapon_heads: frozenset[str]
    needs_modifier: frozenset[str]
    weapon_stop: frozenset[str]
    designation: re.Pattern
    calibre_units: frozenset[str]
    vessel_heads: frozenset[str]
    vessel_prefixes: frozenset[str]
    facility_heads: frozenset[str]
    facility_preps: frozenset[str]
    place_preps: frozenset[str]


def first_word(s: str) -> str:
    """The lower-cased first word of a phrase or token: the key phrases are indexed by."""
    m = re.match(r"\w+", s.replace("’", "'"))
    return m.group(0).lower() if m else s[:1].lower()


@lru_cache(maxsize=1)
def entity_lexicon() -> EntityLexicon:
    """The lexicon from organisations.yaml, weapons.yaml, gazetteer_places.yaml and titles.yaml, read once."""
    orgs = load_yaml("organisations.yaml")
    weap = load_yaml("weapons.yaml")
    gaz = load_yaml("gazetteer_places.yaml")
    titles = load_yaml("titles.yaml")
    items: list[Phrase] = []

    def add(text: str, label: str, canonical: str) -> None:
        text = str(text).replace("’", "'")
        exact = (text.isupper() and len(text) <= 6) or label in ("WEAPON", "VESSEL")
        items.append(Phrase(text, label, canonical, exact))

    for section, label in (("media", "MEDIA"), ("orgs", "ORG")):
        for e in orgs.get(section) or ():
            for n in [e["name"], *(e.get("aliases") or ())]:
                add(n, label, e["name"])
    for section, label in (("places", "GPE"), ("regions", "LOC"), ("facilities", "FACILITY")):
        for e in gaz.get(section) or ():
            for n in [e["name"], *(e.get("alt") or ())]:
                add(n, label, e["name"])
    for n in gaz.get("country_aliases") or {}:
        add(n, "GPE", str(n))
    for n in weap.get("weapon_names") or ():
        add(n, "WEAPON", str(n))
    for n in weap.get("vessel_names") or ():
        add(n, "VESSEL", str(n))
    index: dict[str, list[Phrase]] = defaultdict(list)
    for p in items:
        index[first_word(p.text)].append(p)
    return EntityLexicon(
        phrases={k: tuple(sorted(v, key=lambda p: -len(p.text))) for k, v in index.items()},
        titles=tuple(sorted((tuple(t.lower().split()) for t in titles["titles"]), key=len, reverse=True)),
        role_synonyms={str(k): str(v) for k, v in (titles.get("role_synonyms") or {}).items()},
        reorder_heads=frozenset(titles.get("reorder_heads") or ()),
        role_drop=frozenset(titles.get("role_drop_leading") or ()),
        honorifics=frozenset(titles.get("honorifics") or ()),
        role_nouns=frozenset(titles.get("role_nouns") or ()),
        role_suffixes=tuple(titles.get("role_suffixes") or ()),
        not_places=frozenset(str(w).lower() for w in gaz.get("not_places") or ()),
        weapon_heads=frozenset(weap["weapon_heads"]), needs_modifier=frozenset(weap["needs_modifier"]),
        weapon_stop=frozenset(weap["weapon_stop_modifiers"]),
        designation=re.compile(weap["designation_pattern"]),
        calibre_units=frozenset(weap["calibre_units"]),
        vessel_heads=frozenset(weap["vessel_heads"]), vessel_prefixes=frozenset(weap["vessel_prefixes"]),
        facility_heads=frozenset(gaz["facility_heads"]), facility_preps=frozenset(gaz["facility_prepositions"]),
        place_preps=frozenset(gaz["place_prepositions"]))
