"""Corrections as stored decisions: apply one, undo one, and re-apply the active ones after an ingest.

Each kind is three functions over a session: `apply` (returns what undo needs and the claims whose
analysis must be redone), `undo`, and `reapply` (idempotent; run after every later ingest so the
resolver never silently overwrites a person's decision).  Ids in payloads are the ledger's ids
(`e12`, `s40`, `c3`); entity and claim rows are also recorded by key, which survives re-resolution.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from ..errors import DecisionError, NotFound
from .co_speakers import claims_co_spoken_by, joint_parties, repoint_co_speakers, restore_joint_parties
from .schema import ClaimRow, DecisionRow, EntityRow, MentionRow, StatementRow

KINDS = ("merge_entities", "split_entity", "set_speaker", "set_stance", "move_statement", "split_claim",
         "set_claim_status")
STANCES = ("assert", "deny", "hedge")
CLAIM_STATUSES = ("alleged", "corroborated", "disputed")
_CLAIM_STANCE = {"assert": "support", "deny": "deny", "hedge": "hedge"}  # statement stance -> toward its claim
_ENTITY_COLUMNS = ("id", "key", "name", "type", "aliases", "roles", "lat", "lon", "country", "parent", "merges",
                   "state")


def row_id(ref: str, prefix: str) -> int:
    """`e12` -> 12; a bad reference is a DecisionError naming it."""
    if not isinstance(ref, str) or not ref.startswith(prefix) or not ref[1:].isdigit():
        raise DecisionError(f"{ref!r} is not a {_NOUN[prefix]} id (like {prefix}12)", source=str(ref))
    return int(ref[1:])


_NOUN = {"e": "entity", "s": "statement", "c": "claim", "d": "report"}


def _get(session: Session, table, ref: str, prefix: str):
    row = session.get(table, row_id(ref, prefix))
    if row is None:
        raise NotFound(f"no {_NOUN[prefix]} {ref}", source=ref)
    return row


def _entity_dict(row: EntityRow) -> dict:
    return {c: getattr(row, c) for c in _ENTITY_COLUMNS}


def _claims_of_speakers(session: Session, keys: list[str]) -> set[str]:
    spoken = set(session.scalars(select(StatementRow.claim_key).distinct()
                                 .where(StatementRow.speaker_key.in_(keys), StatementRow.claim_key.is_not(None))))
    return spoken | claims_co_spoken_by(session, keys)  # a party to a joint statement speaks there too


# ------------------------------------------------------------------ merge entities
def _absorb(session: Session, survivor: EntityRow, other: EntityRow, note: str) -> None:
    """Fold `other` into `survivor`: names, roles, merge record; repoint rows; drop `other`."""
    aliases = list(dict.fromkeys([*survivor.aliases, other.name, *other.aliases]))
    survivor.aliases = [a for a in aliases if a != survivor.name]
    survivor.roles = list(dict.fromkeys([*survivor.roles, *other.roles]))
    survivor.merges = [*survivor.merges, *other.merges,
                       {"alias": other.name, "into": survivor.name, "rule": "manual", "evidence": note}]
    state, extra = dict(survivor.state or {}), other.state or {}
    state["mentions"] = int(state.get("mentions", 0)) + int(extra.get("mentions", 0))
    state["documents"] = sorted(set(state.get("documents", [])) | set(extra.get("documents", [])))
    survivor.state = state
    session.execute(update(MentionRow).where(MentionRow.entity_key == other.key).values(entity_key=survivor.key))
    session.execute(update(StatementRow).where(StatementRow.speaker_key == other.key).values(speaker_key=survivor.key))
    repoint_co_speakers(session, other.key, survivor.key)
    session.execute(update(EntityRow).where(EntityRow.parent == other.key).values(parent=survivor.key))
    session.delete(other)


def merge_apply(session: Session, d: DecisionRow) -> set[str]:
    ids = list(dict.fromkeys(d.payload.get("ids", [])))
    if len(ids) < 2:
        raise DecisionError("a merge needs at least two entity ids", source=",".join(ids))
    rows = [_get(session, EntityRow, ref, "e") for ref in ids]
    survivor, others = rows[0], rows[1:]
    keys = [r.key for r in rows]
    affected = _claims_of_speakers(session, keys)
    d.before = {
        "survivor": _entity_dict(survivor),
        "absorbed": [_entity_dict(o) for o in others],
        "mentions": {o.key: list(session.scalars(select(MentionRow.id).where(MentionRow.entity_key == o.key)))
                     for o in others},
        "statements": {o.key: list(session.scalars(select(StatementRow.id).where(StatementRow.speaker_key == o.key)))
                       for o in others},
        "children": {o.key: list(session.scalars(select(EntityRow.id).where(EntityRow.parent == o.key)))
                     for o in others},
        # joint statements naming an absorbed entity as a party: their parties as they were
        "co_speakers": joint_parties(session, [o.key for o in others]),
    }
    d.payload = {**d.payload, "into_key": survivor.key,
                 "absorbed": [{"key": o.key, "names": list(dict.fromkeys([o.name, *o.aliases]))} for o in others]}
    for o in others:
        _absorb(session, survivor, o, d.note or f"decision {d.id}")
    return affected


def merge_undo(session: Session, d: DecisionRow) -> set[str]:
    """Restore the absorbed entities and what pointed at them; what later reports said or mentioned
    under an absorbed entity's own names goes back to it too."""
    b = d.before
    survivor = session.scalar(select(EntityRow).where(EntityRow.key == b["survivor"]["key"]))
    if survivor is not None:
        for c in ("name", "type", "aliases", "roles", "merges", "state"):
            setattr(survivor, c, b["survivor"][c])
    for o in b["absorbed"]:
        if session.scalar(select(EntityRow.id).where(EntityRow.key == o["key"])) is None:
            session.add(EntityRow(**o))
    session.flush()
    own = {n.lower() for n in [b["survivor"]["name"], *b["survivor"]["aliases"]]}
    for o in b["absorbed"]:
        key = o["key"]
        session.execute(update(MentionRow).where(MentionRow.id.in_(b["mentions"].get(key, []))).values(entity_key=key))
        session.execute(update(StatementRow).where(StatementRow.id.in_(b["statements"].get(key, [])))
                        .values(speaker_key=key))
        session.execute(update(EntityRow).where(EntityRow.id.in_(b["children"].get(key, []))).values(parent=key))
        names = sorted({n.lower() for n in [o["name"], *o["aliases"]]} - own)
        if survivor is not None and names:
            session.execute(update(MentionRow).where(MentionRow.entity_key == survivor.key,
                                                     func.lower(MentionRow.name).in_(names)).values(entity_key=key))
            session.execute(update(StatementRow).where(StatementRow.speaker_key == survivor.key,
                                                       func.lower(StatementRow.speaker_name).in_(names))
                            .values(speaker_key=key))
    restore_joint_parties(session, b.get("co_speakers", {}))  # a decision recorded before this has none
    return _claims_of_speakers(session, [b["survivor"]["key"], *(o["key"] for o in b["absorbed"])])


def merge_reapply(session: Session, d: DecisionRow) -> set[str]:
    """Entities the resolver made again for an absorbed entity (its key back, or one of its names as
    a separate entity) are folded into the survivor again."""
    survivor = session.scalar(select(EntityRow).where(EntityRow.key == d.payload["into_key"]))
    if survivor is None:  # the survivor itself was merged away later: nothing left to keep apart
        return set()
    affected: set[str] = set()
    for o in d.payload.get("absorbed", []):
        names = {n.lower() for n in o["names"]}
        for row in session.scalars(select(EntityRow).where(EntityRow.key != survivor.key,
                                                           func.lower(EntityRow.name).in_(sorted(names)))).all():
            if row.name.lower() in names:
                affected |= _claims_of_speakers(session, [row.key, survivor.key])
                _absorb(session, survivor, row, d.note or f"decision {d.id}")
    return affected


# ------------------------------------------------------------------ split entity
def _split_targets(session: Session, key: str, aliases: set[str]) -> tuple[list[int], list[int]]:
    mentions = [m.id for m in session.scalars(select(MentionRow).where(MentionRow.entity_key == key))
                if m.name.lower() in aliases or m.text.lower() in aliases]
    statements = [s.id for s in session.scalars(select(StatementRow).where(StatementRow.speaker_key == key))
                  if (s.speaker_name or "").lower() in aliases or s.speaker_text.lower() in aliases]
    return mentions, statements


def _move_to(session: Session, key: str, mentions: list[int], statements: list[int]) -> None:
    session.execute(update(MentionRow).where(MentionRow.id.in_(mentions)).values(entity_key=key))
    session.execute(update(StatementRow).where(StatementRow.id.in_(statements)).values(speaker_key=key))


def split_apply(session: Session, d: DecisionRow) -> set[str]:
    row = _get(session, EntityRow, d.payload.get("id", ""), "e")
    aliases = [a for a in d.payload.get("aliases", []) if a]
    known = {a.lower() for a in [row.name, *row.aliases]}
    missing = [a for a in aliases if a.lower() not in known]
    if not aliases or missing:
        raise DecisionError(f"split needs names of {row.name!r} (unknown: {missing or 'none given'})",
                            source=d.payload.get("id"))
    lowered = {a.lower() for a in aliases}
    name = d.payload.get("name") or aliases[0]
    new_key = f"x{d.id}"  # never a resolver key (those are e<number>)
    mentions, statements = _split_targets(session, row.key, lowered)
    d.before = {"original": _entity_dict(row), "mentions": mentions, "statements": statements}
    d.payload = {**d.payload, "key": row.key, "new_key": new_key, "name": name}
    session.add(EntityRow(key=new_key, name=name, type=row.type, aliases=[a for a in aliases if a != name],
                          roles=[], merges=[], state={"mentions": len(mentions), "documents": []}, parent=row.parent,
                          country=row.country))
    row.aliases = [a for a in row.aliases if a.lower() not in lowered]
    row.merges = [m for m in row.merges if str(m.get("alias", "")).lower() not in lowered]
    if row.name.lower() in lowered:
        row.name = row.aliases[0] if row.aliases else row.name
    session.flush()
    _move_to(session, new_key, mentions, statements)
    return _claims_of_speakers(session, [row.key, new_key])


def split_undo(session: Session, d: DecisionRow) -> set[str]:
    p, b = d.payload, d.before
    affected = _claims_of_speakers(session, [p["key"], p["new_key"]])
    row = session.scalar(select(EntityRow).where(EntityRow.key == p["key"]))
    if row is not None:
        for c in ("name", "aliases", "merges"):
            setattr(row, c, b["original"][c])
    elif session.scalar(select(EntityRow.id).where(EntityRow.key == p["key"])) is None:
        session.add(EntityRow(**b["original"]))
        session.flush()
    moved_m = list(session.scalars(select(MentionRow.id).where(MentionRow.entity_key == p["new_key"])))
    moved_s = list(session.scalars(select(StatementRow.id).where(StatementRow.speaker_key == p["new_key"])))
    _move_to(session, p["key"], moved_m, moved_s)
    session.execute(delete(EntityRow).where(EntityRow.key == p["new_key"]))
    return affected


def split_reapply(session: Session, d: DecisionRow) -> set[str]:
    p = d.payload
    if session.scalar(select(EntityRow.id).where(EntityRow.key == p["new_key"])) is None:
        session.add(EntityRow(key=p["new_key"], name=p["name"], type=d.before["original"]["type"],
                              aliases=[a for a in p["aliases"] if a != p["name"]], roles=[], merges=[], state={}))
        session.flush()
    lowered = {a.lower() for a in p["aliases"]}
    mentions, statements = _split_targets(session, p["key"], lowered)
    if not mentions and not statements:
        return set()
    affected = _claims_of_speakers(session, [p["key"]])
    _move_to(session, p["new_key"], mentions, statements)
    row = session.scalar(select(EntityRow).where(EntityRow.key == p["key"]))
    if row is not None:
        row.aliases = [a for a in row.aliases if a.lower() not in lowered]
    return affected


# ------------------------------------------------------------------ statements
def speaker_apply(session: Session, d: DecisionRow) -> set[str]:
    st = _get(session, StatementRow, d.payload.get("statement", ""), "s")
    ent = _get(session, EntityRow, d.payload.get("entity", ""), "e")
    d.before = {"speaker_key": st.speaker_key}
    d.payload = {**d.payload, "entity_key": ent.key}
    return speaker_reapply(session, d)


def speaker_reapply(session: Session, d: DecisionRow) -> set[str]:
    st = session.get(StatementRow, row_id(d.payload["statement"], "s"))
    if st is None or st.speaker_key == d.payload["entity_key"]:
        return set()
    st.speaker_key = d.payload["entity_key"]
    return {st.claim_key} if st.claim_key else set()


def speaker_undo(session: Session, d: DecisionRow) -> set[str]:
    st = session.get(StatementRow, row_id(d.payload["statement"], "s"))
    if st is None:
        return set()
    st.speaker_key = d.before.get("speaker_key")
    return {st.claim_key} if st.claim_key else set()


def stance_apply(session: Session, d: DecisionRow) -> set[str]:
    st = _get(session, StatementRow, d.payload.get("statement", ""), "s")
    if d.payload.get("stance") not in STANCES:
        raise DecisionError(f"stance must be one of {', '.join(STANCES)}", source=str(d.payload.get("stance")))
    d.before = {"stance": st.stance, "claim_stance": st.claim_stance}
    return stance_reapply(session, d)


def stance_reapply(session: Session, d: DecisionRow) -> set[str]:
    st = session.get(StatementRow, row_id(d.payload["statement"], "s"))
    if st is None or st.stance == d.payload["stance"]:
        return set()
    st.stance = d.payload["stance"]
    if st.claim_key:
        st.claim_stance = _CLAIM_STANCE[st.stance]
    return {st.claim_key} if st.claim_key else set()


def stance_undo(session: Session, d: DecisionRow) -> set[str]:
    st = session.get(StatementRow, row_id(d.payload["statement"], "s"))
    if st is None:
        return set()
    st.stance, st.claim_stance = d.before["stance"], d.before["claim_stance"]
    return {st.claim_key} if st.claim_key else set()


def move_apply(session: Session, d: DecisionRow) -> set[str]:
    st = _get(session, StatementRow, d.payload.get("statement", ""), "s")
    claim = _get(session, ClaimRow, d.payload.get("claim", ""), "c")
    d.before = {"claim_key": st.claim_key, "claim_stance": st.claim_stance}
    d.payload = {**d.payload, "claim_key": claim.key}
    return move_reapply(session, d)


def move_reapply(session: Session, d: DecisionRow) -> set[str]:
    st = session.get(StatementRow, row_id(d.payload["statement"], "s"))
    if st is None or st.claim_key == d.payload["claim_key"]:
        return set()
    old = st.claim_key
    st.claim_key, st.claim_stance = d.payload["claim_key"], _CLAIM_STANCE.get(st.stance, "support")
    return {k for k in (old, st.claim_key) if k}


def move_undo(session: Session, d: DecisionRow) -> set[str]:
    st = session.get(StatementRow, row_id(d.payload["statement"], "s"))
    if st is None:
        return set()
    now = st.claim_key
    st.claim_key, st.claim_stance = d.before["claim_key"], d.before["claim_stance"]
    return {k for k in (now, st.claim_key) if k}


# ------------------------------------------------------------------ split claim
def _split_claim_key(d: DecisionRow) -> str:
    """The new claim's key: never one the clusterer makes (those are c<number>), stable for the decision."""
    return f"split{d.id}"


def split_claim_apply(session: Session, d: DecisionRow) -> set[str]:
    """Statements of a claim become a claim of their own (at least one statement stays behind)."""
    claim = _get(session, ClaimRow, d.payload.get("claim", ""), "c")
    refs = list(dict.fromkeys(d.payload.get("statements", [])))
    if not refs:
        raise DecisionError("a claim split needs the ids of the statements to move out", source=d.payload.get("claim"))
    rows = [_get(session, StatementRow, ref, "s") for ref in refs]
    strangers = [f"s{r.id}" for r in rows if r.claim_key != claim.key]
    if strangers:
        raise DecisionError(f"{', '.join(strangers)} not in claim {d.payload['claim']}", source=",".join(strangers))
    members = session.scalar(select(func.count()).where(StatementRow.claim_key == claim.key)) or 0
    if len(rows) >= members:
        raise DecisionError(f"a split must leave at least one statement in {d.payload['claim']}",
                            source=d.payload["claim"])
    first = min(rows, key=lambda r: r.id)
    summary = (d.payload.get("summary") or "").strip() or first.content
    new = ClaimRow(key=_split_claim_key(d), summary=summary, status="alleged", reasons=[], origins=[], evidence=[],
                   deniers=[], outlets=0, reports=0, first_reported=claim.first_reported)
    session.add(new)
    session.flush()
    d.before = {"claim_key": claim.key}
    d.payload = {**d.payload, "statements": refs, "claim_key": claim.key, "new_key": new.key,
                 "new_claim": f"c{new.id}", "summary": summary}
    session.execute(update(StatementRow).where(StatementRow.id.in_([r.id for r in rows])).values(claim_key=new.key))
    return {claim.key, new.key}


def split_claim_reapply(session: Session, d: DecisionRow) -> set[str]:
    """The split-off statements stay in their own claim whatever a later ingest decided."""
    p = d.payload
    if session.scalar(select(ClaimRow.id).where(ClaimRow.key == p["new_key"])) is None:
        session.add(ClaimRow(key=p["new_key"], summary=p.get("summary", ""), status="alleged", reasons=[], origins=[],
                             evidence=[], deniers=[], outlets=0, reports=0))
        session.flush()
    ids = [row_id(ref, "s") for ref in p["statements"]]
    stray = list(session.scalars(select(StatementRow).where(
        StatementRow.id.in_(ids), or_(StatementRow.claim_key != p["new_key"], StatementRow.claim_key.is_(None)))))
    if not stray:
        return set()
    affected = {r.claim_key for r in stray if r.claim_key} | {p["new_key"]}
    for r in stray:
        r.claim_key = p["new_key"]
    return affected


def split_claim_undo(session: Session, d: DecisionRow) -> set[str]:
    """Everything in the split-off claim (later joiners too) goes back to the claim it came from."""
    p = d.payload
    session.execute(update(StatementRow).where(StatementRow.claim_key == p["new_key"])
                    .values(claim_key=p["claim_key"]))
    session.execute(delete(ClaimRow).where(ClaimRow.key == p["new_key"]))
    return {p["claim_key"]}


# ------------------------------------------------------------------ claim status
def status_apply(session: Session, d: DecisionRow) -> set[str]:
    claim = _get(session, ClaimRow, d.payload.get("claim", ""), "c")
    if d.payload.get("status") not in CLAIM_STATUSES:
        raise DecisionError(f"status must be one of {', '.join(CLAIM_STATUSES)}", source=str(d.payload.get("status")))
    d.before = {"status": claim.status, "reasons": list(claim.reasons)}
    d.payload = {**d.payload, "claim_key": claim.key}
    status_reapply(session, d)
    return set()  # the status is set after analysis, never re-derived from it


def status_reapply(session: Session, d: DecisionRow) -> set[str]:
    claim = session.scalar(select(ClaimRow).where(ClaimRow.key == d.payload["claim_key"]))
    if claim is None:
        return set()
    reason = f"set by hand to {d.payload['status']} by {d.author or 'someone'}" + (f": {d.note}" if d.note else "")
    claim.status = d.payload["status"]
    claim.reasons = [reason, *[r for r in claim.reasons if not str(r).startswith("set by hand")]]
    return set()


def status_undo(session: Session, d: DecisionRow) -> set[str]:
    claim = session.scalar(select(ClaimRow).where(ClaimRow.key == d.payload["claim_key"]))
    return {claim.key} if claim is not None else set()  # re-analysis restores the automatic status


def decision_dict(d: DecisionRow) -> dict[str, Any]:
    """A decision as the API, the export and the pages show it."""
    return {"id": d.id, "kind": d.kind, "payload": d.payload, "author": d.author, "note": d.note,
            "created_at": d.created_at.isoformat() if d.created_at else None,
            "undone_at": d.undone_at.isoformat() if d.undone_at else None, "undone_by": d.undone_by,
            "active": d.undone_at is None}


@dataclass(frozen=True)
class Kind:
    apply: Callable[[Session, DecisionRow], set[str]]
    undo: Callable[[Session, DecisionRow], set[str]]
    reapply: Callable[[Session, DecisionRow], set[str]]
    after_analysis: bool = False  # re-applied after claims are re-analysed (a status overrides analysis)


REGISTRY: dict[str, Kind] = {
    "merge_entities": Kind(merge_apply, merge_undo, merge_reapply),
    "split_entity": Kind(split_apply, split_undo, split_reapply),
    "set_speaker": Kind(speaker_apply, speaker_undo, speaker_reapply),
    "set_stance": Kind(stance_apply, stance_undo, stance_reapply),
    "move_statement": Kind(move_apply, move_undo, move_reapply),
    "split_claim": Kind(split_claim_apply, split_claim_undo, split_claim_reapply),
    "set_claim_status": Kind(status_apply, status_undo, status_reapply, after_analysis=True),
}


def active(session: Session) -> list[DecisionRow]:
    return list(session.scalars(select(DecisionRow).where(DecisionRow.undone_at.is_(None)).order_by(DecisionRow.id)))


def reapply_structural(session: Session) -> set[str]:
    """Re-apply every active decision that shapes entities and statements; returns the claims to re-analyse."""
    affected: set[str] = set()
    for d in active(session):
        kind = REGISTRY[d.kind]
        if not kind.after_analysis:
            affected |= kind.reapply(session, d)
    return affected


def reapply_statuses(session: Session) -> None:
    """Hand-set claim statuses win over the analysis just run."""
    for d in active(session):
        kind = REGISTRY[d.kind]
        if kind.after_analysis:
            kind.reapply(session, d)
