"""Merge rules of entity resolution: when two working entities are one, and how an entity is named and typed."""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from rapidfuzz import fuzz

from ..model import Merge
from . import names as nm

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "FACILITY"})
ORG_LABELS = frozenset({"ORG", "MEDIA", "NORP"})
# words of a facility phrase that say nothing about which facility it is
_FACILITY_FILLER = frozenset({"the", "a", "an", "of", "in", "near", "at", "outside", "by", "on"})

Rule = tuple[str, str, str]  # (alias, rule, evidence)
TYPO_NAMES = 20  # names per entity the typo rule compares (the most frequent): caps a quadratic scan


@dataclass
class WorkingEntity:
    """One entity while resolution runs: name counts, label votes, roles, place and history."""

    key: str
    names: Counter = field(default_factory=Counter)  # surface name -> count
    labels: Counter = field(default_factory=Counter)
    roles: Counter = field(default_factory=Counter)
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    merges: list[Merge] = field(default_factory=list)
    docs: set[str] = field(default_factory=set)
    sentences: set[tuple[str, int]] = field(default_factory=set)
    mentions: int = 0
    memo: dict = field(default_factory=dict, repr=False, compare=False)  # derived views, keyed by version

    def cached(self, what: str, version: object, build: Callable[[], object]) -> object:
        """`build()` remembered until `version` changes (names only grow, so their count versions them)."""
        hit = self.memo.get(what)
        if hit is not None and hit[0] == version:
            return hit[1]
        value = build()
        self.memo[what] = (version, value)
        return value

    def is_person(self) -> bool:
        return self.labels.get("PERSON", 0) > 0 and self.labels["PERSON"] * 2 >= sum(self.labels.values())

    def is_facility(self) -> bool:
        """Mostly seen as a FACILITY phrase ('depot near Strelsau'): a site at a place, not the place."""
        return self.labels.get("FACILITY", 0) > 0 and self.labels["FACILITY"] * 2 >= sum(self.labels.values())

    def full_names(self) -> list[str]:
        return list(self.cached("full", len(self.names), lambda: [n for n in self.names if not nm.is_single_word(n)]))

    def is_bare_surname(self) -> bool:
        """Only ever seen as one word and not a known alias/acronym (e.g. 'Olsen')."""
        return not self.full_names() and not any(nm.lookup_alias(n) or nm.looks_like_acronym(n) and n.isupper()
                                                 for n in self.names)

    def place_like(self) -> bool:
        return any(l in PLACE_LABELS for l in self.labels) or self.lat is not None


def type_of(e: WorkingEntity) -> str:
    """The institutions table's type, else the majority label (PERSON only with a full name)."""
    # names and label votes only grow, so their counts version the answer
    return e.cached("type", (len(e.names), sum(e.labels.values())), lambda: _type_of(e))  # type: ignore[return-value]


def _type_of(e: WorkingEntity) -> str:
    for n in e.names:
        info = nm.lookup_alias(n)
        if info:
            return info.type
    if not e.labels:
        return "ORG"
    if e.labels.get("PERSON", 0) and e.full_names() and e.is_person():
        return "PERSON"
    return max(e.labels, key=lambda l: (e.labels[l], l == "PERSON", l))


def display_name(e: WorkingEntity) -> str:
    """Canonical table name; a person's most frequent full name; a place's most frequent short proper name."""
    for n in e.names:
        info = nm.lookup_alias(n)
        if info and not info.is_capital:
            return info.canonical
    if not e.names:
        return ""
    if e.is_person() and e.full_names():
        return max(e.full_names(), key=lambda n: (e.names[n], len(n), n))
    if e.place_like() and not e.is_facility():
        return max(e.names, key=lambda n: (is_proper_name(n), e.names[n], -len(n.split()), -len(n), n))
    return max(e.names, key=lambda n: (e.names[n], len(n), n))


def is_proper_name(name: str) -> bool:
    """Every word capitalised except short connectors ('Strelsau', 'Port of Zenda'; not 'depot near X')."""
    words = name.split()
    return bool(words) and words[0][:1].isupper() and all(w[:1].isupper() or w.lower() in _FACILITY_FILLER
                                                          for w in words)


def km_between(a: WorkingEntity, b: WorkingEntity) -> float:
    """Great-circle distance in km between two entities with coordinates."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dl = math.radians(b.lon - a.lon)
    x = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742 * math.asin(math.sqrt(min(1.0, x)))


# --------------------------------------------------------------------------- rules
def rule_between(a: WorkingEntity, b: WorkingEntity, surname_holder: Callable[[str], str | None]) -> Rule | None:
    """(alias, rule, evidence) when a rule says `a` and `b` are one entity.

    `surname_holder(s)` is the key of the only entity with a full name ending in surname `s`.
    """
    for x, y in ((a, b), (b, a)):
        hit = _acronym_or_spelling(x, y)
        if hit:
            return hit
        if x.is_bare_surname() and y.full_names() and not x.place_like():
            s = nm.normalize_name(next(iter(x.names)))
            if any(nm.surname_of(f) == s for f in y.full_names()) and surname_holder(s) == y.key:
                return next(iter(x.names)), "surname", f"'{y.full_names()[0]}' is the only full name with surname '{s}'"
    if a.is_person() and b.is_person():
        hit = role_rule(a, b)
        if hit:
            return hit
    if a.place_like() and b.place_like():
        hit = place_rule(a, b)
        if hit:
            return hit
    return typo_rule(a, b)


def _acronym_or_spelling(x: WorkingEntity, y: WorkingEntity) -> Rule | None:
    """A name of `x` is the initials of a name of `y`, or both differ only by a generic word.

    `y`'s names are bucketed by initials and core name, so the cost is linear in the names;
    for each name of `x` the first matching name of `y` (in `y`'s order) wins, as a full scan would."""
    orgs = not x.is_person() and not y.is_person()
    ys, by_acr, by_core = y.cached("acr", len(y.names), lambda: _name_buckets(y))
    explained = x.cached("acr", len(x.names), lambda: _name_buckets(x))[1]
    xs = x.names if orgs else x.cached("acr_like", len(x.names), lambda: [n for n in x.names if nm.looks_like_acronym(n)])
    for n in xs:  # only acronym-like names can match when one side is a person
        best: tuple[int, int] | None = None  # (index in y, 0 acronym / 1 spelling)
        if nm.looks_like_acronym(n) and _acronym_may_stand_for(n, y, explained):
            i = by_acr.get(nm.normalize_name(n))
            if i is not None:
                best = (i, 0)
        if orgs:
            single, norm = nm.is_single_word(n), nm.normalize_name(n)
            for i in by_core.get(nm.core_org_name(n), ()):
                if best is not None and i >= best[0]:
                    break
                if (not single or not nm.is_single_word(ys[i])) and norm != nm.normalize_name(ys[i]):
                    best = (i, 1)
                    break
        if best is not None:
            o = ys[best[0]]
            if best[1] == 0:
                return n, "acronym", f"'{n}' is the initials of '{o}'"
            return n, "spelling", f"'{n}' and '{o}' differ only by a generic word"
    return None


def _acronym_may_stand_for(acronym: str, y: WorkingEntity, explained: dict[str, int]) -> bool:
    """Whether acronym `acronym` may be read as the initials of a name of `y`.

    Not when its own entity already holds an expansion of it (one acronym, one expansion: 'B.C.'
    explained by one name must not pull in every other name with those initials), and for a
    person only when written in capitals with three letters or more ('MBS'; 'AP' or 'Song' are not
    a person's initials)."""
    key = nm.normalize_name(acronym)
    if key in explained:
        return False
    if y.is_person():
        return len(key) >= 3 and acronym.replace(".", "").isupper()
    return True


def _name_buckets(y: WorkingEntity) -> tuple[list[str], dict[str, int], dict[str, list[int]]]:
    """`y`'s names, the first index of each multi-word name's initials, and indexes by core name."""
    by_acr: dict[str, int] = {}
    by_core: dict[str, list[int]] = {}
    ys = list(y.names)
    for i, o in enumerate(ys):
        if not nm.is_single_word(o):
            by_acr.setdefault(nm.acronym_of(o) or "", i)
        by_core.setdefault(nm.core_org_name(o), []).append(i)
    return ys, by_acr, by_core


MAX_FIRST_NAMES = 2  # first names one person may be written with under one surname ('Robert'/'Bob Olsen')


def role_rule(a: WorkingEntity, b: WorkingEntity) -> Rule | None:
    """Same surname, different first names, matching roles, never in one report ('Robert'/'Bob Olsen').

    A report naming both is about two people; and an entity already written with two first names
    takes no third, so one shared title cannot chain many namesakes together."""
    if not a.roles or not b.roles or a.docs & b.docs:
        return None
    by_surname: dict[str, list[str]] = {}
    for o in b.full_names():  # bucket by surname: linear in the names, not their product
        by_surname.setdefault(nm.surname_of(o), []).append(o)
    pair = _matching_roles(a, b)
    if pair is None:
        return None
    for n in a.full_names():
        surname = nm.surname_of(n)
        others = by_surname.get(surname, ())
        if not any(nm.first_name_of(n) != nm.first_name_of(o) for o in others):
            continue
        firsts = {nm.first_name_of(f) for e in (a, b) for f in e.full_names() if nm.surname_of(f) == surname}
        if len(firsts) <= MAX_FIRST_NAMES:
            return n, "role", f"same surname and role: '{pair[0]}' / '{pair[1]}'"
    return None


def _matching_roles(a: WorkingEntity, b: WorkingEntity) -> tuple[str, str] | None:
    """The first (role of a, role of b) naming the same post; `b`'s roles bucketed by word."""
    rbs = list(b.roles)
    by_word: dict[str, list[int]] = {}
    for i, rb in enumerate(rbs):
        for w in nm.role_tokens(rb):
            by_word.setdefault(w, []).append(i)
    for ra in a.roles:
        cands = sorted({i for w in nm.role_tokens(ra) for i in by_word.get(w, ())})
        for i in cands:
            if nm.roles_match(ra, rbs[i]):
                return ra, rbs[i]
    return None


def place_rule(a: WorkingEntity, b: WorkingEntity) -> Rule | None:
    """Two places at the same coordinates or listed as names of one gazetteer place.

    A facility never merges into the place it sits at; two facilities merge by coordinates
    only when their phrases also share a word saying what they are ('port', 'depot').
    """
    if a.is_person() or b.is_person() or not _may_share_coordinates(_country_roles(a), _country_roles(b)):
        return None
    if a.is_facility() != b.is_facility():
        return None
    if a.lat is not None and b.lat is not None and km_between(a, b) < 1.0:
        if not a.is_facility():
            return next(iter(a.names)), "place_alias", f"same coordinates ({a.lat:.3f}, {a.lon:.3f})"
        shared = facility_words(a) & facility_words(b)
        if shared:
            return next(iter(a.names)), "place_alias", \
                f"same coordinates ({a.lat:.3f}, {a.lon:.3f}) and kind ({', '.join(sorted(shared))})"
        return None
    # names listed for one and only one gazetteer place ('Bombay' / 'Mumbai'): a lookup by place id
    # instead of comparing every name of one entity with every name of the other
    mine = _unique_place_names(a)
    for o in b.names:
        ids = nm.place_ids(o)
        if len(ids) != 1:
            continue
        norm_o = nm.normalize_name(o)
        for norm_n, n in mine.get(next(iter(ids)), ()):
            if norm_n != norm_o:
                return n, "place_alias", f"'{n}' and '{o}' are names of one gazetteer place"
    return None


def _unique_place_names(e: WorkingEntity) -> dict[int, list[tuple[str, str]]]:
    """Gazetteer id -> (normalised name, name) for the entity's names that name exactly one place."""
    def build() -> dict[int, list[tuple[str, str]]]:
        out: dict[int, list[tuple[str, str]]] = {}
        for n in e.names:
            ids = nm.place_ids(n)
            if len(ids) == 1:
                out.setdefault(next(iter(ids)), []).append((nm.normalize_name(n), n))
        return out
    return e.cached("unique_place_names", len(e.names), build)  # type: ignore[return-value]


def facility_words(e: WorkingEntity) -> set[str]:
    """Lower-case words of a facility's names that are not part of a place name ('port', 'depot')."""
    return {w.lower() for n in e.names for w in nm.strip_accents(n).split()
            if w[:1].islower() and w.lower() not in _FACILITY_FILLER}


def _country_roles(e: WorkingEntity) -> frozenset[tuple[str, str]]:
    """The country and capital roles of an entity's names (see names.country_role)."""
    return e.cached("country", len(e.names),  # type: ignore[return-value]
                    lambda: frozenset(r for r in map(nm.country_role, e.names) if r))


def _may_share_coordinates(ra: frozenset[tuple[str, str]], rb: frozenset[tuple[str, str]]) -> bool:
    """Gazetteers put a country at its capital: a country never merges as a place, and a capital
    only with another name of the same country's capital ('Kiev' / 'Kyiv')."""
    if any(kind == "country" for kind, _ in ra | rb):
        return False
    if ra or rb:
        return bool(ra) and ra == rb
    return True


def typo_rule(a: WorkingEntity, b: WorkingEntity) -> Rule | None:
    """Near-identical spellings of long names that never share a sentence ('Daily Ledger'/'Daily Ledgre')."""
    if a.sentences & b.sentences:
        return None
    person = a.is_person() or b.is_person()
    if type_of(a) == "GPE" or type_of(b) == "GPE":
        return None
    if a.is_facility() != b.is_facility():
        return None
    min_len, min_ratio = nm.typo_thresholds()
    bs, by_first, by_prefix = b.cached("typo", (len(b.names), b.mentions, len(b.docs)), lambda: _typo_buckets(b, min_len))
    top = a.cached("top", (len(a.names), a.mentions, len(a.docs)), lambda: _top_names(a))
    for nn, n in ((nm.normalize_name(n), n) for n in top):
        if len(nn) < min_len:
            continue
        cands = set(by_first.get(nn.split()[0], ()))
        if not person:
            cands.update(by_prefix.get(nn[:nm.TYPO_PREFIX], ()))
        for i in sorted(cands):
            no = bs[i]
            if nn == no or person and _middle_initials_differ(nn, no):
                continue
            ratio = fuzz.ratio(nn, no)
            if ratio >= min_ratio:
                return n, "typo", f"'{n}' ~ '{bs.names[i]}' (ratio {ratio:.0f})"
    return None


def _middle_initials_differ(a: str, b: str) -> bool:
    """Both names carry middle names or initials, starting differently ('george hw bush' / 'george w bush')."""
    ma, mb = a.split()[1:-1], b.split()[1:-1]
    return bool(ma and mb) and ma[0][0] != mb[0][0]


def _typo_buckets(b: WorkingEntity, min_len: int) -> tuple["_Normed", dict[str, list[int]], dict[str, list[int]]]:
    """`b`'s compared names (normalised) with indexes by first word and by five-letter prefix."""
    bs = _typo_names(b, min_len)
    by_first: dict[str, list[int]] = {}
    by_prefix: dict[str, list[int]] = {}
    for i, no in enumerate(bs):
        by_first.setdefault(no.split()[0], []).append(i)
        by_prefix.setdefault(no[:nm.TYPO_PREFIX], []).append(i)
    return bs, by_first, by_prefix


class _Normed(list):
    """Normalised names with the surface names they came from (`names`)."""

    names: list[str]


def _top_names(e: WorkingEntity) -> list[str]:
    """The entity's TYPO_NAMES most frequent names, in the entity's own order."""
    if len(e.names) <= TYPO_NAMES:
        return list(e.names)
    keep = {n for n, _ in e.names.most_common(TYPO_NAMES)}
    return [n for n in e.names if n in keep]


def _typo_names(e: WorkingEntity, min_len: int) -> _Normed:
    out = _Normed()
    out.names = []
    for n in _top_names(e):
        nn = nm.normalize_name(n)
        if len(nn) >= min_len:
            out.append(nn)
            out.names.append(n)
    return out


def common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def rank(e: WorkingEntity) -> tuple[int, int]:
    """Survivor order of a merge: more mentions, then the older key."""
    return e.mentions, -int(e.key[1:]) if e.key[1:].isdigit() else 0
