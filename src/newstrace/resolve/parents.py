"""Parents of resolved entities: the institution, country or place each one belongs to.

Maria Olsen -> Transport Ministry (her role names it), a ministry named with a country -> that
country, a facility -> the place it sits at, a table entry -> its listed parent.  Statement origins
follow these links to the top (resolve/origins.py).  A mixin of `EntityResolver`: it reads the
resolver's entities and blocks, and may create a mention-less country or institution entity.
"""
from __future__ import annotations

from . import names as nm
from .merge_rules import WorkingEntity as _Entity, km_between

_STATE_BODY_TYPES = frozenset({"ORG", "MEDIA", "NORP", "GPE"})  # types an organ of a state is seen as
_MAX_CHAIN = 8  # parent steps followed when checking where an institution leads


class ParentFinder:
    """Parent look-ups over an `EntityResolver`'s state (`_ents`, `_candidates`, `_new`, ...)."""

    def _memo_parent(self, e: _Entity) -> str | None:
        """`_parent_of`, remembered until a name, role or merge anywhere could change it."""
        hit = self._parents.get(e.key)
        if hit is not None and hit[0] == self._epoch:
            return hit[1]
        parent = self._parent_of(e)
        self._parents[e.key] = (self._epoch, parent)  # the epoch after any table entity it created
        return parent

    def _parent_of(self, e: _Entity) -> str | None:
        for n in e.names:
            info = nm.lookup_alias(n)
            if info and info.parent:
                return self._ensure(info.parent)
        if e.is_facility():
            return self._facility_place(e)
        if self._type_of(e) != "PERSON":
            return self._state_of_body(e)
        best: tuple[int, str] | None = None
        for role in e.roles:
            toks = nm.name_tokens(role)
            for size in range(min(6, len(toks)), 0, -1):
                for i in range(len(toks) - size + 1):
                    gram = " ".join(toks[i:i + size])
                    info = nm.alias_table().get(gram)
                    hits = self._candidates("n:" + gram)
                    hits = {k for k in hits if k != e.key and not self._ents[k].is_person()}
                    if info and not info.is_capital:
                        target = self._ensure(info.canonical)
                    elif hits and (size > 1 or nm.looks_like_acronym(next(iter(self._ents[next(iter(hits))].names)))):
                        target = sorted(hits)[0]
                    else:
                        continue
                    if best is None or size > best[0]:
                        best = (size, target)
        return self._state_of_role(e, best[1] if best else None)

    def _state_of_body(self, e: _Entity) -> str | None:
        """The country an organ of a state belongs to ('Turkmen interior ministry' -> Turkmenistan).

        Only organisations, media and groups; never a country (or one of its own names) itself."""
        if self._type_of(e) not in _STATE_BODY_TYPES or any(map(nm.country_role, e.names)):
            return None
        countries = {c for c in map(nm.state_body_country, e.names) if c}
        if len(countries) != 1:
            return None
        key = self._ensure(countries.pop(), "GPE")
        return key if key != e.key else None

    def _state_of_role(self, e: _Entity, found: str | None) -> str | None:
        """A person whose roles name a state body of one country ('Turkmen Foreign Ministry
        spokesman') speaks for that country, unless the institution `found` from the role already
        leads there (Russian Foreign Ministry -> Russia) or the role blocks it ('military analyst')."""
        countries = {c for c in (nm.state_body_country(r, role=True) for r in e.roles) if c}
        if len(countries) != 1:
            return found
        country = next(iter(countries))
        if found is not None and self._leads_to(found, country):
            return found
        return self._ensure(country, "GPE")

    def _leads_to(self, key: str, country: str) -> bool:
        """`key` or one of its parents (a few steps up) holds the name `country`."""
        want = nm.normalize_name(country)
        seen: set[str] = set()
        cur: str | None = key
        while cur and cur not in seen and len(seen) < _MAX_CHAIN and cur in self._ents:
            seen.add(cur)
            e = self._ents[cur]
            if any(nm.normalize_name(n) == want for n in e.names):
                return True
            cur = self._memo_parent(e)
        return False

    def _facility_place(self, e: _Entity) -> str | None:
        """The place a facility sits at: a place named in its phrase, else one at its coordinates."""
        def place(k: str) -> bool:
            o = self._ents.get(k)
            return o is not None and k != e.key and o.place_like() and not o.is_facility() and not o.is_person()

        for n in sorted(e.names, key=lambda n: -e.names[n]):
            words = nm.strip_accents(n).split()
            for size in range(min(4, len(words)), 0, -1):  # longest capitalised run first
                for i in range(len(words) - size + 1):
                    run = words[i:i + size]
                    if not all(w[:1].isupper() for w in run):
                        continue
                    hits = sorted(k for k in self._candidates("n:" + nm.normalize_name(" ".join(run))) if place(k))
                    if hits:
                        return hits[0]
        if e.lat is None:
            return None
        near = [k for k in self._candidates(f"g:{round(e.lat, 1)},{round(e.lon, 1)}")
                if place(k) and self._ents[k].lat is not None and km_between(e, self._ents[k]) < 1.0]
        return min(near, key=lambda k: (-self._ents[k].mentions, k)) if near else None

    def _ensure(self, name: str, label: str | None = None) -> str:
        """Key of the entity named `name`, creating a mention-less one typed `label` (default: the
        institutions table's type, else ORG).  A country (`label` GPE) prefers a place among the holders."""
        hits = self._candidates("n:" + nm.normalize_name(name))
        if hits:
            return sorted(hits, key=lambda k: (label == "GPE" and not self._ents[k].place_like(), k))[0]
        e = self._new()
        e.names[name] += 1
        info = nm.lookup_alias(name)
        e.labels[label or (info.type if info else "ORG")] += 1
        self._index_entity(e)
        return e.key
