"""Origins: who a statement ultimately comes from, and which reports only repeat earlier ones."""
from __future__ import annotations

import re
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
_MAX_CHAIN = 12


def outlet_name(doc: LedgerDocument | None) -> str:
    """The outlet a report is credited to (its id when the outlet is unknown)."""
    if doc is None:
        return "unknown"
    return (doc.outlet or "").strip() or doc.id


def statement_origin(st: LedgerStatement, entities: Mapping[str, LedgerEntity], doc: LedgerDocument) -> str:
    """The independent origin of a statement: the top of the speaker's institution chain.

    A named speaker is followed up `LedgerEntity.parent` (Maria Olsen -> Transport Ministry ->
    Ruritanian government -> Ruritania); a capital city speaking stands for its country's government;
    a news outlet speaking is `outlet:<name>`; unnamed sources ("people close to the talks",
    "a diplomat") are `unnamed:<outlet>` of the report quoting them; a statement with no speaker
    at all is the outlet's own voice, `outlet:<outlet>`.
    """
    entity = entities.get(st.speaker) if st.speaker else None
    if entity is None:
        if (st.speaker_text or "").strip() or st.cited_source:
            return UNNAMED + outlet_name(doc)
        return OUTLET + outlet_name(doc)
    top = _chain_top(entity, entities)
    if top.type == "MEDIA" and top.parent is None:
        return OUTLET + top.name
    if top.type in ("GPE", "LOC") and top.parent is None:
        country = _capital_country(top, entities)
        if country is not None:
            return country.id
    return top.id


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


def _capital_country(place: LedgerEntity, entities: Mapping[str, LedgerEntity]) -> LedgerEntity | None:
    """The country entity a capital stands for, when the capital is listed and the country is known."""
    country = _capital_index().get(place.name.lower())
    if country is None:
        return None
    wanted = country.lower()
    for e in entities.values():
        if e.type == "GPE" and (e.name.lower() == wanted or wanted in (a.lower() for a in e.aliases)):
            return e
    return None


def independence_key(origin: str) -> str:
    """Origins that are one voice for counting independence.

    An outlet's own reporting and its unnamed sources are one origin (`outlet:X` and
    `unnamed:X` both key to X); named origins key to themselves.
    """
    for prefix in (UNNAMED, OUTLET):
        if origin.startswith(prefix):
            return "outlet:" + origin[len(prefix):].lower()
    return origin


def origin_label(origin: str, entities: Mapping[str, LedgerEntity]) -> str:
    """A readable name for an origin id."""
    if origin.startswith(UNNAMED):
        return f"unnamed sources ({origin[len(UNNAMED):]})"
    if origin.startswith(OUTLET):
        return f"{origin[len(OUTLET):]} (own reporting)"
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
    the same claim; otherwise it stays with the outlet, like an unnamed source.
    """
    entities = {e.id: e for e in ledger.entities}
    docs = {d.id: d for d in ledger.documents}
    blank = LedgerDocument(id="?", source="", title=None, outlet=None, published=None, published_from="none", text="")
    origins = {st.id: statement_origin(st, entities, docs.get(st.document, blank)) for st in ledger.statements}
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
        if st.claim and not origins[st.id].startswith((UNNAMED, OUTLET)):
            by_report_claim.setdefault((st.document, st.claim), set()).add(origins[st.id])
    for st in unresolved:
        named_here = by_report_claim.get((st.document, st.claim or ""), set())
        if origins[st.id].startswith(UNNAMED) and len(named_here) == 1:
            origins[st.id] = next(iter(named_here))
    return origins


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
