"""Incremental entity resolution across reports: mentions -> entities, every merge recorded."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ..model import Mention, Merge
from . import names as nm
from .merge_rules import ORG_LABELS, PLACE_LABELS, WorkingEntity as _Entity, display_name, rank, rule_between, \
    type_of
from .parents import ParentFinder

MAX_BLOCK = 50  # largest typo-prefix or acronym-expansion block searched for merge candidates
MAX_HOLDERS = 50  # a surname held by more full names than this is ambiguous for good: stop indexing it
_CAPPED = ("p:", "A:")  # blocks that say nothing once they hold very many entities

__all__ = ["ORG_LABELS", "PLACE_LABELS", "EntityResolver", "ResolvedEntity", "resolve_entities"]


@dataclass(frozen=True)
class ResolvedEntity:
    """One resolved entity as the store keeps it (the lead maps it to model.LedgerEntity)."""

    key: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    merges: tuple[Merge, ...] = ()
    parent: str | None = None  # key of the institution/country it belongs to
    mentions: int = 0  # 0: created only as a parent from the institutions table
    documents: tuple[str, ...] = ()


class EntityResolver(ParentFinder):
    """Fed one report's mentions at a time; blocking-key indexes, never all pairs."""

    def __init__(self, known: Iterable[ResolvedEntity] = ()) -> None:
        self._ents: dict[str, _Entity] = {}
        self._redirect: dict[str, str] = {}
        self._index: dict[str, set[str]] = {}
        self._indexed: dict[str, set[str]] = {}  # entity key -> names already in the index
        self._indexed_roles: dict[str, set[str]] = {}  # entity key -> roles already in the index
        self._geo_indexed: set[str] = set()
        self._place_indexed: set[str] = set()  # gazetteer-id keys written for every name
        self._dead: set[str] = set()  # capped blocks found to hold too many entities: never searched again
        self._full_surnames: set[str] = set()  # surnames with too many full-name holders (f: not kept)
        self._parents: dict[str, tuple[int, str | None]] = {}  # key -> (epoch, parent key)
        self._epoch = 0  # bumped whenever a name, role or merge could change some parent
        self._next = 1
        for r in known:
            e = self._new(r.key)
            e.names.update({a: 1 for a in r.aliases})
            e.names[r.name] += 1
            e.labels[r.type] += max(1, r.mentions)
            e.roles.update(r.roles)
            e.lat, e.lon, e.country = r.lat, r.lon, r.country
            e.merges.extend(r.merges)
            e.docs.update(r.documents)
            e.mentions = r.mentions
            self._index_entity(e)
            if r.key.startswith("e") and r.key[1:].isdigit():
                self._next = max(self._next, int(r.key[1:]) + 1)

    # ------------------------------------------------------------------ public API
    def add_report(self, doc_id: str, mentions: Sequence[Mention], speakers: Sequence[str | None] = ()) -> list[str]:
        """Resolve one report's mentions; returns the entity key of each mention (current keys).

        `speakers` are statement speaker names: one that matches no mention of the report is
        added as an extra name so the statement has an entity to point at.
        """
        forms = [self._form(m) for m in mentions]
        groups = self._local_groups(mentions, forms)
        seen = {nm.normalize_name(f) for f in forms}
        for sp in speakers:
            if sp and nm.normalize_name(self._canonical_form(sp)) not in seen and not self._speaker_in_report(sp, forms):
                seen.add(nm.normalize_name(self._canonical_form(sp)))
                groups.append(_Group(self._canonical_form(sp), [], label="PERSON" if len(sp.split()) in (2, 3)
                                     and sp.istitle() else "ORG", surfaces=[sp]))
        keys: list[str | None] = [None] * len(mentions)
        # full names first, so one-word names find them
        for g in sorted(groups, key=lambda g: nm.is_single_word(g.form)):
            key = self._place_group(doc_id, g, mentions)
            for i in g.members:
                keys[i] = key
        return [self.canonical_key(k) for k in keys]  # type: ignore[arg-type]

    def canonical_key(self, key: str) -> str:
        """Current key of an entity (keys of merged-away entities redirect to the survivor)."""
        root = key
        while root in self._redirect:
            root = self._redirect[root]
        while key != root:  # path compression: later look-ups take one step
            nxt = self._redirect[key]
            self._redirect[key] = root
            key = nxt
        return root

    def lookup(self, name: str) -> str | None:
        """Current key of the entity holding `name` (exact, alias or unambiguous surname), else None."""
        form = self._canonical_form(name)
        hits = self._candidates("n:" + nm.normalize_name(form))
        if hits:
            return sorted(hits)[0]
        if nm.is_single_word(form):
            return self._unique_surname_holder(nm.surname_of(form))
        return None

    def chain_of(self, key: str | None) -> tuple[str, ...]:
        """The entity, its parents up the institution chain, and an outlet's home country (keys)."""
        out: list[str] = []
        key = self.canonical_key(key) if key else None
        while key and key not in out and key in self._ents:
            out.append(key)
            e = self._ents[key]
            for n in e.names:
                info = nm.lookup_alias(n)
                if info and info.country:
                    out.append(self._ensure(info.country))
                    break
            key = self._memo_parent(e)
        return tuple(dict.fromkeys(out))

    def redirects(self) -> dict[str, str]:
        """Keys of entities merged away, each to the key it was merged into (a copy)."""
        return dict(self._redirect)

    def entity(self, key: str) -> ResolvedEntity | None:
        """One live entity (after following redirects), without building the whole list."""
        key = self.canonical_key(key)
        e = self._ents.get(key)
        if e is None:
            return None
        return ResolvedEntity(
            key=key, name=self._display_name(e), type=self._type_of(e),
            aliases=tuple(sorted(e.names, key=lambda n: (-e.names[n], n))),
            roles=tuple(r for r, _ in e.roles.most_common()), lat=e.lat, lon=e.lon, country=e.country,
            merges=tuple(e.merges), parent=self._memo_parent(e), mentions=e.mentions, documents=tuple(sorted(e.docs)))

    def entities(self) -> list[ResolvedEntity]:
        """Every live entity with its name, type, aliases, roles, place, merges and parent key."""
        parents: dict[str, str | None] = {}
        while len(parents) < len(self._ents):  # parents may create table entities, which have parents
            for k in [k for k in self._ents if k not in parents]:
                parents[k] = self._parent_of(self._ents[k])
        out = []
        for k, e in self._ents.items():
            out.append(ResolvedEntity(
                key=k, name=self._display_name(e), type=self._type_of(e),
                aliases=tuple(sorted(e.names, key=lambda n: (-e.names[n], n))),
                roles=tuple(r for r, _ in e.roles.most_common()), lat=e.lat, lon=e.lon, country=e.country,
                merges=tuple(e.merges), parent=parents.get(k), mentions=e.mentions, documents=tuple(sorted(e.docs))))
        return sorted(out, key=lambda r: (int(r.key[1:]) if r.key[1:].isdigit() else 0, r.key))

    # ------------------------------------------------------------------ per-report grouping
    def _canonical_form(self, name: str) -> str:
        info = nm.lookup_alias(name)
        return info.canonical if info else name.strip()

    def _form(self, m: Mention) -> str:
        return self._canonical_form(m.name or m.text)

    def _speaker_in_report(self, speaker: str, forms: list[str]) -> bool:
        sp = nm.normalize_name(speaker)
        return any(nm.normalize_name(f).endswith(" " + sp) or sp.endswith(" " + nm.normalize_name(f)) for f in forms)

    def _local_groups(self, mentions: Sequence[Mention], forms: list[str]) -> list["_Group"]:
        by_norm: dict[str, _Group] = {}
        for i, (m, f) in enumerate(zip(mentions, forms)):
            g = by_norm.setdefault(nm.normalize_name(f), _Group(f, []))
            g.members.append(i)
            g.surfaces.append(m.name or m.text)
        # a one-word name joins the full PERSON name of this report it is the surname of
        persons = [g for g in by_norm.values() if not nm.is_single_word(g.form)
                   and Counter(mentions[i].label for i in g.members).most_common(1)[0][0] == "PERSON"]
        for key, g in list(by_norm.items()):
            if not nm.is_single_word(g.form) or nm.lookup_alias(g.form):
                continue
            cands = [p for p in persons if nm.surname_of(p.form) == nm.normalize_name(g.form)]
            if not cands:
                continue
            first = min(mentions[i].start for i in g.members)
            before = [p for p in cands if min(mentions[i].start for i in p.members) < first] or cands
            target = max(before, key=lambda p: min(mentions[i].start for i in p.members))
            target.members.extend(g.members)
            target.surfaces.extend(g.surfaces)
            target.folded.append((g.form, "surname", f"'{g.form}' follows '{target.form}' in the same report"))
            del by_norm[key]
        return list(by_norm.values())

    # ------------------------------------------------------------------ global placement
    def _place_group(self, doc_id: str, g: "_Group", mentions: Sequence[Mention]) -> str:
        hits = self._candidates("n:" + nm.normalize_name(g.form))
        if hits:
            e = self._ents[min(hits, key=lambda k: (-self._ents[k].mentions, _key_order(k)))]
        else:
            e = self._new()
        norms = {nm.normalize_name(n) for n in e.names} if any(s not in e.names for s in g.surfaces) else set()
        for s in g.surfaces:
            if s not in e.names and e.names and nm.normalize_name(s) in norms:
                e.merges.append(Merge(s, self._display_name(e), "spelling", "same name once case, hyphens, dots and accents are ignored"))
        for s in g.surfaces:
            info = nm.lookup_alias(s)
            if info and not info.is_capital and nm.normalize_name(s) != nm.normalize_name(info.canonical) and s not in e.names:
                rule = "acronym" if nm.looks_like_acronym(s) else "alias"
                e.merges.append(Merge(s, info.canonical, rule, "listed in resources/institutions.yaml"))
        for alias, rule, why in g.folded:
            if alias not in e.names:
                e.merges.append(Merge(alias, g.form, rule, why))
        e.names.update(g.surfaces)
        e.names[g.form] += 0  # index the canonical form even when only an alias was written
        if g.label:
            e.labels[g.label] += 1
        for i in g.members:
            m = mentions[i]
            e.labels[m.label] += 1
            e.mentions += 1
            e.sentences.add((doc_id, m.sentence))
            if m.role:
                e.roles[m.role.strip()] += 1
            if m.lat is not None and e.lat is None:
                e.lat, e.lon = m.lat, m.lon
            if m.country and not e.country:
                e.country = m.country
        e.docs.add(doc_id)
        self._epoch += 1  # labels and roles moved: parents may differ
        self._index_entity(e)
        roles = {mentions[i].role.strip() for i in g.members if mentions[i].role}
        return self._link(e.key, {*g.surfaces, g.form}, roles)

    def _link(self, key: str, names: set[str], roles: set[str]) -> str:
        """Merge `key` with every blocked candidate a rule accepts, until nothing changes.

        Candidates are searched only by the `names` and `roles` this report gave the entity (and
        its coordinates): its older names were linked when they arrived."""
        changed = True
        while changed:
            changed = False
            e = self._ents[key]
            for other in sorted(self._neighbours(e, names, roles)):
                if other == key or other not in self._ents:
                    continue
                found = self._rule_between(e, self._ents[other])
                if found:
                    key = self._merge(key, other, *found)
                    changed = True
                    break
        return key

    def _keys_of(self, e: _Entity, names: Iterable[str] | None = None, search: bool = False) -> list[str]:
        """Index keys of `names` (default: all names of `e`); `search`: the keys to look them up by."""
        keys = []
        for n in e.names if names is None else names:
            keys += nm.blocking_keys(n, search) + ["c:" + nm.core_org_name(n)]
            if e.place_like():
                ids = nm.place_ids(n)
                keys += [f"gid:{i}" for i in ids] if len(ids) == 1 else []
        return keys

    def _neighbours(self, e: _Entity, names: set[str], roles: set[str]) -> set[str]:
        """Keys of entities sharing a block with `names`/`roles` of `e`, looked up from the side each rule needs."""
        out: set[str] = set()
        for bk in set(self._lookup_keys(e, names, roles)):
            if bk in self._dead:
                continue
            raw = self._index.get(bk)
            if not raw:
                continue
            live = self._candidates(bk)
            # a prefix, token-set, surname or initials block shared by very many names says nothing (blocking cap)
            if bk[:2] in _CAPPED and len(live) > MAX_BLOCK:
                self._dead.add(bk)
                continue
            out |= live
        if e.lat is not None:
            out |= self._candidates(f"g:{round(e.lat, 1)},{round(e.lon, 1)}")
        for n in names:
            if not nm.is_single_word(n):  # a bare surname waits for its full name: look the other way too
                out |= self._candidates("n:" + nm.surname_of(n))
            else:
                holder = self._unique_surname_holder(nm.surname_of(n))
                if holder:
                    out.add(holder)
        return out

    def _lookup_keys(self, e: _Entity, names: set[str], roles: set[str]) -> list[str]:
        """Blocks to search: acronyms look at expansions (A:) and expansions at acronyms (a:); persons
        with a role look at same-surname persons sharing a role word (r:)."""
        return self._keys_of(e, names, search=True) + self._role_keys_new(e, names, roles)

    def _role_keys_new(self, e: _Entity, names: Iterable[str], roles: Iterable[str]) -> list[str]:
        """Role blocks touched by new full names (with every role) or new roles (with every surname)."""
        new_words = {w for r in roles for w in nm.role_tokens(r)}
        words = new_words | {w for r in e.roles for w in nm.role_tokens(r)} if any(
            not nm.is_single_word(n) for n in names) else new_words
        surnames = {nm.surname_of(n) for n in names if not nm.is_single_word(n)}
        keys = {f"r:{s}|{w}" for s in surnames for w in words}
        if new_words:
            keys.update(f"r:{s}|{w}" for s in {nm.surname_of(n) for n in e.full_names()} for w in new_words)
        return list(keys)

    def _rule_between(self, a: _Entity, b: _Entity) -> tuple[str, str, str] | None:
        """(alias, rule, evidence) when a rule in merge_rules.py says `a` and `b` are one entity."""
        return rule_between(a, b, self._unique_surname_holder)

    def _unique_surname_holder(self, surname: str) -> str | None:
        """The only entity with a full name ending in `surname` (f: block), else None."""
        if surname in self._full_surnames:
            return None
        full = self._candidates("f:" + surname)
        if len(full) > MAX_HOLDERS:  # ambiguous for good: drop the block
            self._full_surnames.add(surname)
            self._index.pop("f:" + surname, None)
            return None
        return next(iter(full)) if len(full) == 1 else None

    # ------------------------------------------------------------------ bookkeeping
    def _new(self, key: str | None = None) -> _Entity:
        if key is None:
            key = f"e{self._next}"
            self._next += 1
        e = _Entity(key)
        self._ents[key] = e
        return e

    def _candidates(self, bkey: str) -> set[str]:
        """Live keys of a block; a block holding merged-away keys is rewritten to live keys once."""
        raw = self._index.get(bkey)
        if not raw:
            return set()
        live = {self.canonical_key(k) for k in raw}
        if len(live) < len(raw):
            self._index[bkey] = set(live)
        return live

    def _index_entity(self, e: _Entity) -> None:
        """Index what is new about `e`: names and roles not yet indexed, coordinates once."""
        done = self._indexed.setdefault(e.key, set())
        place = e.place_like()
        if place and e.key not in self._place_indexed:
            done.clear()  # gazetteer-id keys now apply to every name
            self._place_indexed.add(e.key)
        new = [n for n in e.names if n not in done]
        if new:
            self._epoch += 1
            for bk in self._keys_of(e, new):
                self._index.setdefault(bk, set()).add(e.key)
            done.update(new)
        for n in new:
            if nm.is_single_word(n):
                continue
            s = nm.surname_of(n)
            if s not in self._full_surnames:
                self._index.setdefault("f:" + s, set()).add(e.key)
        roles = self._indexed_roles.setdefault(e.key, set())
        if new or any(r not in roles for r in e.roles):
            self._epoch += 1
            for bk in self._role_keys_new(e, new, [r for r in e.roles if r not in roles]):
                self._index.setdefault(bk, set()).add(e.key)
            roles.update(e.roles)
        if e.lat is not None and e.key not in self._geo_indexed:
            self._geo_indexed.add(e.key)
            for dl in (-0.1, 0.0, 0.1):
                for dn in (-0.1, 0.0, 0.1):
                    self._index.setdefault(f"g:{round(e.lat + dl, 1)},{round(e.lon + dn, 1)}", set()).add(e.key)

    def _merge(self, a: str, b: str, alias: str, rule: str, evidence: str) -> str:
        ea, eb = self._ents[a], self._ents[b]
        keep, gone = (ea, eb) if rank(ea) >= rank(eb) else (eb, ea)
        alias_owner = ea if alias in ea.names else eb
        into = self._display_name(eb if alias_owner is ea else ea)
        keep.names.update(gone.names)
        keep.labels.update(gone.labels)
        keep.roles.update(gone.roles)
        keep.merges.extend(m for m in gone.merges if m not in keep.merges)
        keep.merges.append(Merge(alias, into, rule, evidence))
        keep.docs |= gone.docs
        keep.sentences |= gone.sentences
        keep.mentions += gone.mentions
        if keep.lat is None:
            keep.lat, keep.lon = gone.lat, gone.lon
        keep.country = keep.country or gone.country
        del self._ents[gone.key]
        self._redirect[gone.key] = keep.key
        # the index already holds gone's names and roles under its key, which now redirects to keep
        self._indexed.setdefault(keep.key, set()).update(self._indexed.pop(gone.key, ()))
        self._indexed_roles.setdefault(keep.key, set()).update(self._indexed_roles.pop(gone.key, ()))
        if gone.key in self._place_indexed and keep.key not in self._place_indexed:
            self._indexed[keep.key] = set()  # keep's own names still lack gazetteer-id keys
        if gone.key in self._geo_indexed and keep.lat == gone.lat and keep.lon == gone.lon:
            self._geo_indexed.add(keep.key)
        self._place_indexed.discard(gone.key)
        self._geo_indexed.discard(gone.key)
        self._parents.pop(gone.key, None)
        self._epoch += 1
        self._index_entity(keep)
        return keep.key

    def _display_name(self, e: _Entity) -> str:
        return display_name(e)

    def _type_of(self, e: _Entity) -> str:
        return type_of(e)


@dataclass
class _Group:
    """The mentions of one report sharing a name (after surname folding)."""

    form: str
    members: list[int]
    label: str | None = None  # only for speaker names that have no mention
    surfaces: list[str] = field(default_factory=list)
    folded: list[tuple[str, str, str]] = field(default_factory=list)


def resolve_entities(reports: Iterable[tuple[str, Sequence[Mention]]]) -> tuple[list[ResolvedEntity], list[list[str]]]:
    """Resolve many reports at once: (entities, entity key per mention for each report)."""
    r = EntityResolver()
    keys = [r.add_report(doc, ms) for doc, ms in reports]
    return r.entities(), [[r.canonical_key(k) for k in ks] for ks in keys]


def _key_order(key: str) -> tuple[int, str]:
    """Entity keys in creation order ("e9" before "e10"): ties broken the same way in every run."""
    digits = key[1:]
    return (int(digits), key) if digits.isdigit() else (1 << 62, key)
