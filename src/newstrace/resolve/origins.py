"""Origins: who a statement ultimately comes from, and which reports only repeat earlier ones."""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Mapping

from ..model import Ledger, LedgerDocument, LedgerEntity, LedgerStatement
from ..resources import load_yaml

# Relation kinds meaning "report a repeats verbatim passages of report b".
DEPENDENT_KINDS = frozenset({"exact", "near_duplicate", "syndicated", "shared_passage"})
# Kinds where the whole report is a copy (every statement in it is a repetition).
WHOLE_COPY_KINDS = frozenset({"exact", "near_duplicate", "syndicated"})

UNNAMED = "unnamed:"
OUTLET = "outlet:"
UNATTRIBUTED = "unattributed:"
STATE = "state:"
_MAX_CHAIN = 12


def outlet_name(doc: LedgerDocument | None) -> str:
    """The outlet a report is credited to (its id when the outlet is unknown)."""
    if doc is None:
        return "unknown"
    return (doc.outlet or "").strip() or doc.id


def statement_origin(st: LedgerStatement, entities: Mapping[str, LedgerEntity], doc: LedgerDocument,
                     countries: Mapping[str, str] | None = None) -> str:
    """The independent origin of a statement: the top of the speaker's institution chain.

    A named speaker is followed up `LedgerEntity.parent` (Maria Olsen -> Transport Ministry ->
    Ruritanian government -> Ruritania); a capital city speaking stands for its country's government;
    so does a named speaker whose chain stops short of a state but whose words say whose organ or
    office holder it is ("the Chilean Foreign Ministry", "Peru's fisheries minister Ana Soto"),
    and so does an organ written without a name ("the Chilean fisheries ministry said");
    a news outlet speaking is `outlet:<name>`; unnamed sources ("people close to the talks",
    "a diplomat") are `unnamed:<outlet>` of the report quoting them; a statement with no speaker
    at all is `unattributed:<outlet>` (the report's own voice, never an origin that corroborates).
    `countries`: normalised country name -> entity id (see `country_index`).
    """
    entity = entities.get(st.speaker) if st.speaker else None
    if entity is None:
        state = _state_body_speaking(st.speaker_text, countries)
        if state is not None:
            return state
        if (st.speaker_text or "").strip() or st.cited_source:
            return UNNAMED + outlet_name(doc)
        return UNATTRIBUTED + outlet_name(doc)
    top = _chain_top(entity, entities)
    if top.type == "MEDIA" and top.parent is None:
        return OUTLET + top.name
    if top.type in ("GPE", "LOC") and top.parent is None:
        country = _capital_country(top, entities, countries)
        if country is not None:
            return country
    if top.type not in ("GPE", "LOC"):
        state = _state_of_words(st.speaker_text, entity, countries)
        if state is not None:
            return state
    return top.id


def _state_of_words(speaker_text: str, entity: LedgerEntity, countries: Mapping[str, str] | None) -> str | None:
    """The state a speaker's own words make it an organ or office holder of, as an origin id."""
    from .names import normalize_name, state_body_country

    for phrase in (speaker_text or "", *entity.roles, entity.name, *entity.aliases):
        country = state_body_country(phrase, role=True, offices=True) if phrase else None
        if country:
            found = (countries or {}).get(normalize_name(country))
            return found or STATE + country
    return None


def _state_body_speaking(speaker_text: str | None, countries: Mapping[str, str] | None) -> str | None:
    """The state an unresolved speaker is the organ of ("the Chilean fisheries ministry"), as an origin id."""
    from .names import normalize_name, state_body_speaking

    country = state_body_speaking(speaker_text) if speaker_text else None
    if country is None:
        return None
    return (countries or {}).get(normalize_name(country)) or STATE + country


def country_index(entities: Mapping[str, LedgerEntity]) -> dict[str, str]:
    """Normalised name or alias of each country entity (GPE without parent) -> its id, built once."""
    from .names import normalize_name

    out: dict[str, str] = {}
    for e in sorted(entities.values(), key=lambda e: e.id):
        if e.type == "GPE" and e.parent is None:
            for name in (e.name, *e.aliases):
                out.setdefault(normalize_name(name), e.id)
    return out


def _chain_top(entity: LedgerEntity, entities: Mapping[str, LedgerEntity]) -> LedgerEntity:
    seen = {entity.id}
    current = entity
    for _ in range(_MAX_CHAIN):
        parent = entities.get(current.parent) if current.parent else None
        if parent is None or parent.id in seen:
            break
        seen.add(parent.id)
        current = parent
    return current


def _capital_index() -> dict[str, str]:
    """capital name (lower case) -> canonical country name, from institutions.yaml."""
    try:
        data = load_yaml("institutions.yaml") or {}
    except OSError:
        return {}
    index: dict[str, str] = {}
    for country, info in (data.get("countries") or {}).items():
        for capital in (info or {}).get("capitals") or ():
            index[str(capital).lower()] = str(country)
    return index


def _capital_country(place: LedgerEntity, entities: Mapping[str, LedgerEntity],
                     countries: Mapping[str, str] | None = None) -> str | None:
    """The id of the country entity a capital stands for, when the capital is listed and the country is known."""
    from .names import normalize_name

    country = _capital_index().get(place.name.lower())
    if country is None:
        return None
    found = (countries if countries is not None else country_index(entities)).get(normalize_name(country))
    return found if found != place.id else None


def independence_key(origin: str) -> str:
    """Origins that are one voice for counting independence.

    An outlet's own reporting and its unnamed sources are one origin (`outlet:X` and
    `unnamed:X` both key to X); named origins key to themselves.
    """
    for prefix in (UNNAMED, OUTLET, UNATTRIBUTED):
        if origin.startswith(prefix):
            return "outlet:" + origin[len(prefix):].lower()
    return origin


def counts_as_origin(origin: str) -> bool:
    """Whether an origin can corroborate or dispute: a named speaker, a state, or an outlet that
    says the reporting is its own.  Unnamed sources and a report's unattributed lines cannot."""
    return not origin.startswith((UNNAMED, UNATTRIBUTED))


def origin_label(origin: str, entities: Mapping[str, LedgerEntity]) -> str:
    """A readable name for an origin id."""
    if origin.startswith(UNNAMED):
        return f"unnamed sources ({origin[len(UNNAMED):]})"
    if origin.startswith(OUTLET):
        return f"{origin[len(OUTLET):]} (own reporting)"
    if origin.startswith(UNATTRIBUTED):
        return f"{origin[len(UNATTRIBUTED):]} (unattributed)"
    if origin.startswith(STATE):
        return f"{origin[len(STATE):]} (government)"
    entity = entities.get(origin)
    return entity.name if entity else origin


def _date_key(doc: LedgerDocument | None) -> str:
    return (doc.published if doc and doc.published else "9999-99-99")


def _earlier_later(ledger: Ledger, a: str, b: str) -> tuple[str, str]:
    """(original, copy) of a relation `a repeats b`: the earlier report is the original.

    Publication dates decide; when they tie or are missing the relation's direction holds
    (`b` is the original).
    """
    docs = {d.id: d for d in ledger.documents}
    da, db = _date_key(docs.get(a)), _date_key(docs.get(b))
    if da < db:
        return a, b
    return b, a


def dependent_documents(ledger: Ledger) -> set[str]:
    """Reports that repeat verbatim passages of an earlier report (any dependent relation kind)."""
    out: set[str] = set()
    for rel in ledger.relations:
        if rel.kind not in DEPENDENT_KINDS or rel.a == rel.b:
            continue
        _original, copy = _earlier_later(ledger, rel.a, rel.b)
        out.add(copy)
    return out


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def dependent_statements(ledger: Ledger) -> set[str]:
    """Statements that only repeat an earlier report: they add outlets, never origins.

    In a whole copy (exact, near-duplicate, syndicated) every statement is a repetition; in a
    report sharing passages, a statement is one when its sentence also appears in the earlier
    report it shares passages with.
    """
    docs = {d.id: d for d in ledger.documents}
    whole: set[str] = set()
    partial: dict[str, list[str]] = {}
    for rel in ledger.relations:
        if rel.kind not in DEPENDENT_KINDS or rel.a == rel.b:
            continue
        original, copy = _earlier_later(ledger, rel.a, rel.b)
        if rel.kind in WHOLE_COPY_KINDS:
            whole.add(copy)
        else:
            partial.setdefault(copy, []).append(original)
    originals_text = {oid: _norm(docs[oid].text) for ids in partial.values() for oid in ids if oid in docs}
    out: set[str] = set()
    for st in ledger.statements:
        if st.document in whole:
            out.add(st.id)
        elif st.document in partial:
            sentence = _norm(st.sentence)
            if sentence and any(sentence in originals_text.get(o, "") for o in partial[st.document]):
                out.add(st.id)
    return out


def statement_origins(ledger: Ledger) -> dict[str, str]:
    """statement id -> origin, for every statement of the ledger.

    A statement whose speaker is a pronoun the extractor could not resolve ("he said") takes the
    origin of a statement elsewhere with the same words and a named speaker: the same quotation
    relayed by another outlet tells who "he" is (a hash join on the quotation's first words, not a
    comparison of all pairs).  Failing that, it takes the one named origin its own report gives
    the same claim; otherwise it stays with the outlet, like an unnamed source.  A named speaker
    whose own words once said whose organ it is ("Peru's Ministry of Fisheries") is that state's
    wherever it speaks ("the ministry said"), as long as its words never named another.
    """
    entities = {e.id: e for e in ledger.entities}
    docs = {d.id: d for d in ledger.documents}
    blank = LedgerDocument(id="?", source="", title=None, outlet=None, published=None, published_from="none", text="")
    countries = country_index(entities)
    origins = {st.id: statement_origin(st, entities, docs.get(st.document, blank), countries)
               for st in ledger.statements}
    states: dict[str, set[str]] = {}  # speaker entity -> the states its statements' words name
    for st in ledger.statements:
        entity = entities.get(st.speaker or "")
        if entity is not None and origins[st.id] != _chain_top(entity, entities).id:
            if origins[st.id].startswith(STATE) or entities.get(origins[st.id], entity).type == "GPE":
                states.setdefault(entity.id, set()).add(origins[st.id])
    for st in ledger.statements:
        entity = entities.get(st.speaker or "")
        found = states.get(st.speaker or "")
        if entity is not None and found and len(found) == 1 and origins[st.id] == _chain_top(entity, entities).id:
            origins[st.id] = next(iter(found))
    named: dict[str, str] = {}
    for st in ledger.statements:
        key = quotation_key(st.content)
        if key and st.speaker in entities:
            named.setdefault(key, origins[st.id])
    unresolved = [st for st in ledger.statements if st.speaker not in entities and _is_pronoun(st.speaker_text)]
    for st in unresolved:
        found = named.get(quotation_key(st.content) or "")
        if found:
            origins[st.id] = found
    # still unresolved: the one named origin its own report gives the same claim ("they" after "Olsen")
    by_report_claim: dict[tuple[str, str], set[str]] = {}
    for st in ledger.statements:
        if st.claim and not origins[st.id].startswith((UNNAMED, OUTLET, UNATTRIBUTED)):
            by_report_claim.setdefault((st.document, st.claim), set()).add(origins[st.id])
    for st in unresolved:
        named_here = by_report_claim.get((st.document, st.claim or ""), set())
        if origins[st.id].startswith((UNNAMED, UNATTRIBUTED)) and len(named_here) == 1:
            origins[st.id] = next(iter(named_here))
    return origins


def joint_origins(ledger: Ledger) -> dict[str, tuple[str, ...]]:
    """statement id -> the origins of the other parties of a joint statement ("A and B said"), for
    the joint statements only.

    Each party is its own speaker: its origin is worked out as for a statement it made alone
    (`statement_origin`), from its entity only: the statement's speaker text is the whole
    coordination, whose words name the other party's state as well.  Two bodies of one state give
    that state twice; status counts independence keys, so they remain one origin.
    """
    joint = [st for st in ledger.statements if st.co_speakers]
    if not joint:
        return {}
    entities = {e.id: e for e in ledger.entities}
    docs = {d.id: d for d in ledger.documents}
    blank = LedgerDocument(id="?", source="", title=None, outlet=None, published=None, published_from="none", text="")
    countries = country_index(entities)
    out: dict[str, tuple[str, ...]] = {}
    for st in joint:
        alone = (replace(st, speaker=eid, speaker_text="", cited_source=None, co_speakers=())
                 for eid in st.co_speakers if eid in entities)
        found = [statement_origin(party, entities, docs.get(st.document, blank), countries) for party in alone]
        if found:
            out[st.id] = tuple(dict.fromkeys(found))
    return out


def statement_parties(st: LedgerStatement, origins: Mapping[str, str],
                      joint: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The origins a statement speaks for: its speaker's, then each other party's of a joint
    statement, one per independence key (two ministries of one state are one party)."""
    out: list[str] = []
    seen: set[str] = set()
    for origin in (origins[st.id], *joint.get(st.id, ())):
        key = independence_key(origin)
        if key not in seen:
            seen.add(key)
            out.append(origin)
    return out


QUOTATION_WORDS = 8  # words of a quotation that identify it across reports


def quotation_key(content: str | None) -> str | None:
    """The first QUOTATION_WORDS words of a content, lower case, without punctuation (None when shorter)."""
    words = _norm(content or "").split()
    return " ".join(words[:QUOTATION_WORDS]) if len(words) >= QUOTATION_WORDS else None


def _is_pronoun(text: str | None) -> bool:
    return _norm(text or "") in _pronouns()


@lru_cache(maxsize=1)
def _pronouns() -> frozenset[str]:
    table = (load_yaml("speaker_nouns.yaml") or {}).get("pronouns") or {}
    return frozenset(str(w).lower() for words in table.values() for w in words)


def headline_statements(ledger: Ledger) -> set[str]:
    """Statements read from a report's headline: a headline condenses the report, it is not a source."""
    docs = {d.id: d for d in ledger.documents}
    out: set[str] = set()
    for st in ledger.statements:
        doc = docs.get(st.document)
        title = _norm(doc.title or "") if doc else ""
        if title and st.start < len(doc.title or "") + 1 and _norm(doc.text[: len(doc.title or "") + 1]) == title:
            out.add(st.id)
    return out
