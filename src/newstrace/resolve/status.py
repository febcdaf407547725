"""Claim status: alleged, corroborated or disputed, with origins, outlets, evidence and plain-word reasons.

The rules (user-facing explanation in docs/claims.md):

* Every statement has an origin (resolve/origins.py): the top of its speaker's institution chain,
  or the quoting outlet for unnamed sources and unattributed lines.
* A statement in a report that repeats an earlier report (exact, near-duplicate, syndicated,
  shared passage) adds an outlet but never an origin.
* A statement read from a headline is not a source: it is listed, never counted.
* Each party to a joint statement ("A and B said") is an origin of its own, with the statement's
  stance (a joint denial is a denial by each); parties under one state are still one origin.
* Only named origins count: a named speaker (up to its state), or an outlet saying the reporting
  is its own.  Unnamed sources ("two officials") and a report's unattributed lines are listed as
  "unnamed (outlet)" and neither corroborate nor dispute.
* Supporting origins are origins with an asserting statement; hedged statements are listed but do
  not count toward corroboration.
* An origin that denies a claim counts as denying it even where other statements of its were read
  as support (most often counter-statements: "the cargo left on its own").
* Two supporting origins corroborate each other only when some statement of one and some
  statement of the other state the same proposition (resolve/agreement.py, a model fitted on
  MRPC and tuned for precision): a claim groups related statements, and two origins saying
  related but different things do not corroborate.  The parties of one joint statement state
  literally the same proposition: that statement links them ("joint statement: d1 sentence 3").
* disputed      -- some named origin denies it (the accused denying, or another origin
                   contradicting it);
  corroborated  -- otherwise, two or more independent supporting origins that state the same
                   proposition;
  alleged       -- otherwise (one supporting origin, only hedged support, or origins whose
                   statements are related but not the same proposition).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Mapping

from ..model import Ledger, LedgerClaim, LedgerDocument, LedgerEntity, LedgerStatement
from .agreement import agreeing_pair
from .evidence import order_evidence, statement_evidence
from .origins import (counts_as_origin, dependent_statements, headline_statements, independence_key, joint_origins,
                      origin_label, outlet_name, statement_origins, statement_parties)

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
    uncounted: list[tuple[str, str]] = []  # (origin, stance) of unnamed and unattributed statements
    headlines: list[str] = []
    repeated_docs: list[str] = []
    evidence: list[str] = []
    evidence_by_kind: dict[str, list[str]] = {}
    evidence_docs: dict[str, set[str]] = {}  # kind -> the reports describing it
    cited: dict[str, list[str]] = {}  # independence key -> the statements behind it, as "d1 s2"
    asserted: dict[str, list[LedgerStatement]] = {}  # independence key -> its supporting statements
    for st in ordered:
        stance = claim_stance(st)
        if st.id in ctx.headlines:
            headlines.append(st.id)
            continue
        if st.id in ctx.dependent:
            if st.document not in repeated_docs:
                repeated_docs.append(st.document)
            continue
        # each party to a joint statement is an origin with the statement's stance: a joint denial
        # is a denial by each party, a joint assertion an assertion by each
        parties = ctx.parties(st)
        for origin in parties:
            if not counts_as_origin(origin):
                uncounted.append((origin, stance))
                continue
            cited.setdefault(independence_key(origin), []).append(_cite(st))
            if stance == "deny":
                denying.append(origin)
            else:
                (support if stance == "support" else hedging).append(origin)
                if stance == "support":
                    asserted.setdefault(independence_key(origin), []).append(st)
        if stance == "deny":
            continue
        official = any(is_government(o, entities) for o in parties)
        for kind in statement_evidence(st, docs.get(st.document), official):
            evidence.append(kind)
            evidence_docs.setdefault(kind, set()).add(st.document)
            outlet = outlet_name(docs.get(st.document))
            evidence_by_kind.setdefault(kind, [])
            if outlet not in evidence_by_kind[kind]:
                evidence_by_kind[kind].append(outlet)
    # an origin that denies the claim is a denier, whatever else it says about it: its assertions
    # on the same claim are most often counter-statements ("the boats left on their own")
    deny_keys = {independence_key(o) for o in denying}
    self_denial = [o for o in _unique_keys(support + hedging) if independence_key(o) in deny_keys]
    supporters = [o for o in _unique_keys(support) if independence_key(o) not in deny_keys]
    support_keys = {independence_key(o) for o in supporters}
    hedgers = [o for o in _unique_keys(hedging) if independence_key(o) not in support_keys | deny_keys]
    deniers = _unique_keys(denying)
    agreeing, same = _agreeing_origins(supporters, asserted)

    if deniers:
        status = DISPUTED
    elif len(agreeing) >= 2:
        status = CORROBORATED
    else:
        status = ALLEGED
    found = _Found(supporters, hedgers, deniers, self_denial, uncounted, headlines, repeated_docs, cited,
                   agreeing, same)
    reasons = _reasons(status, found, evidence_by_kind, ctx)

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
        evidence_reports=tuple((k, len(evidence_docs[k])) for k in order_evidence(evidence)),
        deniers=tuple(deniers),
        first_reported=_first_date([docs[s.document].published for s in supporting if s.document in docs]),
        event_date=_event_date(supporting, ctx.times_by_statement),
    )


def _statement_text(st: LedgerStatement) -> str:
    """What a statement asserts, for comparing propositions: its content, or its sentence when the
    content is a fragment ("the account")."""
    return st.content if len((st.content or "").split()) >= 6 else st.sentence


def _agreeing_origins(supporters: list[str], asserted: Mapping[str, list[LedgerStatement]]
                      ) -> tuple[list[str], list[tuple[LedgerStatement, LedgerStatement]]]:
    """The largest group of supporting origins linked by statements of the same proposition, and
    the linking pairs of statements (one pair per link).  Origins are few per claim; each pair of
    origins compares at most 8 x 8 statements."""
    parent = {o: o for o in supporters}

    def root(o: str) -> str:
        while parent[o] != o:
            o = parent[o]
        return o

    texts = {o: [_statement_text(st) for st in asserted.get(independence_key(o), [])] for o in supporters}
    pairs: list[tuple[str, LedgerStatement, LedgerStatement]] = []
    for i, a in enumerate(supporters):
        for b in supporters[i + 1:]:
            if root(a) == root(b):
                continue
            joint = _joint_statement(asserted.get(independence_key(a), []), asserted.get(independence_key(b), []))
            if joint is not None:  # the parties of one joint statement state literally the same proposition
                parent[root(b)] = root(a)
                pairs.append((a, joint, joint))
                continue
            hit = agreeing_pair(texts[a], texts[b])
            if hit is not None:
                parent[root(b)] = root(a)
                pairs.append((a, asserted[independence_key(a)][hit[0]], asserted[independence_key(b)][hit[1]]))
    groups: dict[str, list[str]] = {}
    for o in supporters:
        groups.setdefault(root(o), []).append(o)
    best = max(groups.values(), key=len, default=[])
    if len(best) < 2:
        return [], []
    group = root(best[0])
    return best, [(x, y) for a, x, y in pairs if root(a) == group]


def _joint_statement(a: list[LedgerStatement], b: list[LedgerStatement]) -> LedgerStatement | None:
    """A statement both origins support as parties of it (a joint statement), else None."""
    ids = {st.id for st in b}
    return next((st for st in a if st.id in ids), None)


def _cite(st: LedgerStatement) -> str:
    """Where a statement is: its report and sentence number (1-based), as the brief cites it."""
    return f"{st.document} sentence {st.sentence_index + 1}"


@dataclass
class _Found:
    """What one claim's statements amount to, before it is put into words."""

    supporters: list[str]
    hedgers: list[str]
    deniers: list[str]
    self_denial: list[str]
    uncounted: list[tuple[str, str]]
    headlines: list[str]
    repeated_docs: list[str]
    cited: dict[str, list[str]]
    agreeing: list[str]  # supporters that state one proposition (two or more: corroborated)
    same: list[tuple[LedgerStatement, LedgerStatement]]  # the statements that link them


def _names_cited(origins: list[str], found: _Found, entities: Mapping[str, LedgerEntity]) -> str:
    """Origins by name, each with the statements behind it: "Chile (d1 sentence 3; d4 sentence 2)"."""
    parts = []
    for o in origins:
        where = found.cited.get(independence_key(o), [])
        parts.append(origin_label(o, entities) + (f" ({'; '.join(dict.fromkeys(where))})" if where else ""))
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _reasons(status: str, found: _Found, evidence_by_kind: dict[str, list[str]], ctx: "_Context") -> list[str]:
    entities = ctx.entities
    supporters, hedgers, deniers = found.supporters, found.hedgers, found.deniers
    n = len(supporters)
    reasons = []
    if status == DISPUTED:
        reasons.append(f"disputed: denied by {_names_cited(deniers, found, entities)}")
    elif status == CORROBORATED:
        reasons.append(f"corroborated: {len(found.agreeing)} independent origins state the same proposition")
    elif n >= 2:
        reasons.append(f"alleged: {n} independent origins make statements grouped here, but no two of them "
                       "state the same proposition (not counted as corroboration)")
    else:
        reasons.append("alleged: fewer than two independent named origins assert it")
    if supporters:
        word = "origin" if n == 1 else "independent origins"
        reasons.append(f"asserted by {n} {word}: {_names_cited(supporters, found, entities)}")
    else:
        reasons.append("no named origin asserts it outright")
    for x, y in found.same:
        if x.id == y.id:  # the parties of one joint statement
            reasons.append(f"joint statement: {_cite(x)}")
        else:
            reasons.append(f"same proposition: {_cite(x)} and {_cite(y)}")
    if hedgers:
        reasons.append(f"hedged (not counted as corroboration) by {_names_cited(hedgers, found, entities)}")
    if found.self_denial:
        reasons.append(f"{_names(found.self_denial, entities)} also made statements read as support: "
                       "counted as denying, not as support")
    unnamed = list(dict.fromkeys(o for o, _ in found.uncounted))
    if unnamed:
        reasons.append(f"also reported by {_names(unnamed, entities)}: not counted (no named origin)")
    if found.headlines:
        reasons.append(f"in {len(found.headlines)} headline(s): a headline is not a source, not counted")
    if found.repeated_docs:
        labels = ", ".join(f"{outlet_name(ctx.docs.get(d))} ({d})" for d in found.repeated_docs)
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
        self.joint = joint_origins(ledger)
        self.dependent = dependent_statements(ledger)
        self.headlines = headline_statements(ledger)
        self.times_by_statement: dict[str, list[str]] = {}
        for t in ledger.times:
            if t.statement:
                self.times_by_statement.setdefault(t.statement, []).append(t.value)

    def published(self, doc_id: str) -> str:
        doc = self.docs.get(doc_id)
        return doc.published if doc and doc.published else "9999-99-99"

    def parties(self, st: LedgerStatement) -> list[str]:
        """The origins a statement speaks for (more than one for a joint statement)."""
        return statement_parties(st, self.origins, self.joint)


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
        if not st.claim or st.id in ctx.dependent or st.id in ctx.headlines or claim_stance(st) != "support":
            continue
        for origin in ctx.parties(st):
            if not counts_as_origin(origin):
                continue
            first = out.setdefault(st.claim, {})
            key = independence_key(origin)
            date = ctx.docs[st.document].published if st.document in ctx.docs else None
            if key not in first or (date and (first[key] is None or date < str(first[key]))):
                first[key] = date
    return out
