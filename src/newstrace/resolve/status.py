"""Claim status: alleged, corroborated or disputed, with origins, outlets, evidence and plain-word reasons.

The rules (user-facing explanation in docs/claims.md):

* Every statement has an origin (resolve/origins.py): the top of its speaker's institution chain,
  or the quoting outlet for unnamed sources and unattributed lines.
* A statement in a report that repeats an earlier report (exact, near-duplicate, syndicated,
  shared passage) adds an outlet but never an origin.
* Supporting origins are origins with an asserting statement; hedged statements are listed but do
  not count toward corroboration.
* disputed      -- some origin that does not support the claim denies it (the accused denying,
                   or another origin contradicting it);
  corroborated  -- otherwise, two or more independent supporting origins;
  alleged       -- otherwise (one supporting origin, or only hedged support).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Mapping

from ..model import Ledger, LedgerClaim, LedgerDocument, LedgerEntity, LedgerStatement
from .evidence import order_evidence, statement_evidence
from .origins import dependent_statements, independence_key, origin_label, outlet_name, statement_origins

ALLEGED, CORROBORATED, DISPUTED = "alleged", "corroborated", "disputed"


def claim_stance(st: LedgerStatement) -> str:
    """support | deny | hedge: the statement's stance toward its claim."""
    if st.claim_stance in ("support", "deny", "hedge"):
        return st.claim_stance
    return {"deny": "deny", "hedge": "hedge"}.get(st.stance, "support")


def is_government(origin: str, entities: Mapping[str, LedgerEntity]) -> bool:
    """True when an origin is a state (a GPE entity): its statements are official statements."""
    entity = entities.get(origin)
    return entity is not None and entity.type == "GPE"


def _names(origins: list[str], entities: Mapping[str, LedgerEntity]) -> str:
    labels = [origin_label(o, entities) for o in origins]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def _unique_keys(origins: list[str]) -> list[str]:
    """Origins with one representative per independence key, in first-seen order."""
    seen: set[str] = set()
    out = []
    for o in origins:
        k = independence_key(o)
        if k not in seen:
            seen.add(k)
            out.append(o)
    return out


def _first_date(values: list[str | None]) -> str | None:
    dated = sorted(v for v in values if v)
    return dated[0] if dated else None


def _event_date(statements: list[LedgerStatement], times_by_statement: Mapping[str, list[str]]) -> str | None:
    """The date most statements give for the event (earliest among ties)."""
    counts: Counter[str] = Counter()
    for st in statements:
        for value in ([st.date] if st.date else times_by_statement.get(st.id, [])):
            counts[value] += 1
    if not counts:
        return None
    best = max(counts.values())
    return sorted(v for v, n in counts.items() if n == best)[0]


def _analyse_one(claim: LedgerClaim, statements: list[LedgerStatement], ctx: "_Context") -> LedgerClaim:
    docs, entities = ctx.docs, ctx.entities
    ordered = sorted(statements, key=lambda s: (ctx.published(s.document), s.document, s.start))
    support: list[str] = []
    hedging: list[str] = []
    denying: list[str] = []
    repeated_docs: list[str] = []
    evidence: list[str] = []
    evidence_by_kind: dict[str, list[str]] = {}
    for st in ordered:
        origin = ctx.origins[st.id]
        stance = claim_stance(st)
        if st.id in ctx.dependent:
            if st.document not in repeated_docs:
                repeated_docs.append(st.document)
            continue
        if stance == "deny":
            denying.append(origin)
            continue
        (support if stance == "support" else hedging).append(origin)
        for kind in statement_evidence(st, docs.get(st.document), is_government(origin, entities)):
            evidence.append(kind)
            outlet = outlet_name(docs.get(st.document))
            evidence_by_kind.setdefault(kind, [])
            if outlet not in evidence_by_kind[kind]:
                evidence_by_kind[kind].append(outlet)
    supporters = _unique_keys(support)
    support_keys = {independence_key(o) for o in supporters}
    hedgers = [o for o in _unique_keys(hedging) if independence_key(o) not in support_keys]
    deniers = [o for o in _unique_keys(denying) if independence_key(o) not in support_keys]
    self_denial = [o for o in _unique_keys(denying) if independence_key(o) in support_keys]

    if deniers:
        status = DISPUTED
    elif len(supporters) >= 2:
        status = CORROBORATED
    else:
        status = ALLEGED
    reasons = _reasons(status, supporters, hedgers, deniers, self_denial, repeated_docs, evidence_by_kind, ctx)

    docs_all = {st.document for st in statements}
    outlets = {outlet_name(docs.get(d)).lower() for d in docs_all}
    supporting = [st for st in ordered if claim_stance(st) != "deny"] or ordered
    return replace(
        claim,
        status=status,
        reasons=tuple(reasons),
        origins=tuple(supporters + hedgers),
        outlets=len(outlets),
        reports=len(docs_all),
        evidence=order_evidence(evidence),
        deniers=tuple(deniers),
        first_reported=_first_date([docs[s.document].published for s in supporting if s.document in docs]),
        event_date=_event_date(supporting, ctx.times_by_statement),
    )


def _reasons(status: str, supporters: list[str], hedgers: list[str], deniers: list[str], self_denial: list[str],
             repeated_docs: list[str], evidence_by_kind: dict[str, list[str]], ctx: "_Context") -> list[str]:
    entities = ctx.entities
    n = len(supporters)
    reasons = []
    if status == DISPUTED:
        reasons.append(f"disputed: denied by {_names(deniers, entities)}, an origin that does not support it")
    elif status == CORROBORATED:
        reasons.append(f"corroborated: {n} independent origins assert it")
    else:
        reasons.append("alleged: fewer than two independent origins assert it")
    if supporters:
        word = "origin" if n == 1 else "independent origins"
        reasons.append(f"asserted by {n} {word}: {_names(supporters, entities)}")
    else:
        reasons.append("no origin asserts it outright")
    if hedgers:
        reasons.append(f"hedged (not counted as corroboration) by {_names(hedgers, entities)}")
    if self_denial:
        reasons.append(f"also denied by a supporting origin ({_names(self_denial, entities)}): inconsistent")
    if repeated_docs:
        labels = ", ".join(f"{outlet_name(ctx.docs.get(d))} ({d})" for d in repeated_docs)
        reasons.append(f"repeated verbatim from an earlier report, adding no origin: {labels}")
    for kind in order_evidence(list(evidence_by_kind)):
        reasons.append(f"evidence cited: {kind} (in {', '.join(evidence_by_kind[kind])})")
    if not evidence_by_kind:
        reasons.append("no evidence described beyond the statements themselves")
    return reasons


class _Context:
    """Lookups shared by every claim of one analysis."""

    def __init__(self, ledger: Ledger):
        self.docs: dict[str, LedgerDocument] = {d.id: d for d in ledger.documents}
        self.entities: dict[str, LedgerEntity] = {e.id: e for e in ledger.entities}
        self.origins = statement_origins(ledger)
        self.dependent = dependent_statements(ledger)
        self.times_by_statement: dict[str, list[str]] = {}
        for t in ledger.times:
            if t.statement:
                self.times_by_statement.setdefault(t.statement, []).append(t.value)

    def published(self, doc_id: str) -> str:
        doc = self.docs.get(doc_id)
        return doc.published if doc and doc.published else "9999-99-99"


def analyse_claims(ledger: Ledger) -> Ledger:
    """The ledger with every claim's status, reasons, origins, outlets, reports, evidence, deniers and dates."""
    ctx = _Context(ledger)
    by_id = {st.id: st for st in ledger.statements}
    by_claim: dict[str, list[LedgerStatement]] = {}
    for st in ledger.statements:
        if st.claim:
            by_claim.setdefault(st.claim, []).append(st)
    claims = []
    for claim in ledger.claims:
        members = list(by_claim.get(claim.id, []))
        members += [by_id[s] for s in claim.statements if s in by_id and by_id[s].claim != claim.id]
        claims.append(_analyse_one(claim, members, ctx) if members else claim)
    return replace(ledger, claims=tuple(claims))


def origin_first_dates(ledger: Ledger) -> dict[str, dict[str, str | None]]:
    """claim id -> {independence key of a supporting origin -> first date a non-copy report carried it}.

    What `since` needs: an origin first seen after a date is new, and a claim whose second
    independent origin came after the date changed status then.
    """
    ctx = _Context(ledger)
    out: dict[str, dict[str, str | None]] = {}
    for st in ledger.statements:
        if not st.claim or st.id in ctx.dependent or claim_stance(st) != "support":
            continue
        first = out.setdefault(st.claim, {})
        key = independence_key(ctx.origins[st.id])
        date = ctx.docs[st.document].published if st.document in ctx.docs else None
        if key not in first or (date and (first[key] is None or date < str(first[key]))):
            first[key] = date
    return out
