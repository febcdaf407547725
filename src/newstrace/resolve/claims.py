"""Incremental claim clustering: statements across reports that assert or deny one proposition."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

import numpy as np

from ..model import Statement
from .claim_frames import Frame, frames_conflict, read_frame
from .rebuttal import is_rebuttal
from .summaries import LIMIT, Candidate, summarise
from .embeddings import Encoder, default_encoder
from .vector_index import VectorIndex

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\-]*")
_STOP = frozenset("""a an the and or but of to in on at for with by from as is are was were be been being it its
this that these those he she they we you i his her their our your them us him what which who whom will would
shall should can could may might must do does did has have had not no so than then there here also just very""".split())
STANCE_TO_CLAIM = {"assert": "support", "deny": "deny", "hedge": "hedge"}


@dataclass(frozen=True)
class ClaimItem:
    """One statement as the clusterer sees it, with what resolution already knows about it."""

    id: str  # statement id
    document: str
    statement: Statement
    published: str | None = None  # YYYY-MM-DD of the report
    speaker: str | None = None  # entity key of the speaker
    entities: tuple[str, ...] = ()  # entity keys mentioned inside the statement
    times: tuple[str, ...] = ()  # ISO values of the time expressions in the statement
    quantities: tuple[tuple[float, ...], ...] = ()
    speaker_chain: tuple[str, ...] = ()  # speaker, its institutions and country (EntityResolver.chain_of)
    entity_chains: tuple[str, ...] = ()  # union of the chains of `entities` (who a denial names)


@dataclass(frozen=True)
class Claim:
    id: str
    summary: str
    statements: tuple[str, ...]
    stances: tuple[str, ...]  # support | deny | hedge, one per statement
    first_reported: str | None  # earliest publication date among its statements
    event_date: str | None  # the date of what it reports (most common statement date)
    entities: tuple[str, ...] = ()


@dataclass
class _Claim:
    id: str
    members: list[str] = field(default_factory=list)
    entities: Counter = field(default_factory=Counter)
    dates: Counter = field(default_factory=Counter)
    event_dates: Counter = field(default_factory=Counter)  # dates of what happened, not of saying it
    documents: Counter = field(default_factory=Counter)
    speaker_keys: Counter = field(default_factory=Counter)  # exact speakers of its assertions
    first_published: str | None = None  # earliest publication date of its members
    speakers: Counter = field(default_factory=Counter)  # chain keys of its asserting speakers
    # distinct frames of members that have a kind, and their union (a claim's size never
    # multiplies the cost of comparing a statement with it)
    frames: dict[Frame, None] = field(default_factory=dict)
    kinds: set[str] = field(default_factory=set)
    recipients: set[str] = field(default_factory=set)
    objects: set[str] = field(default_factory=set)
    future: bool = False
    vec_sum: np.ndarray | None = None
    n_vec: int = 0


@dataclass(frozen=True)
class ClaimSettings:
    """Clusterer thresholds, picked by a small sweep on the dev seeds and the example corpus."""

    threshold: float = 0.62  # average-link score (mean cosine to members + agreement) to join a claim
    deny_threshold: float = 0.5  # a denial with a readable proposition joins at this lower bar
    bare_deny_threshold: float = 0.2  # a denial naming little ("the rumors") joins by who and when
    speaker_weight: float = 0.1  # same speaker or institution chain as the claim's speakers
    speaker_penalty: float = 0.05  # two named speakers with nothing in common
    same_speaker_weight: float = 0.05  # the very speaker already asserted it
    continuation_weight: float = 0.1  # ... in the same report (a speaker developing one allegation)
    report_weight: float = 0.05  # the claim already has a statement from this report
    future_weight: float = 0.1  # both about further / planned deliveries
    accuser_weight: float = 0.2  # a denial naming the claim's speakers ("US allegations")
    kind_weight: float = 0.1  # same frame kind (transfer, shortage, ...)
    recipient_weight: float = 0.1  # same recipient of a transfer
    object_weight: float = 0.05  # same object family (shells, rockets, ...)
    neighbours: int = 12
    min_similarity: float = 0.3  # least cosine of a neighbour, and of an assertion to a claim it joins
    entity_weight: float = 0.15
    date_penalty: float = 0.25
    disjoint_penalty: float = 0.1
    deny_window_days: int = 90
    block_limit: int = 64  # most recent claims read from one kind or entity block
    story_window_days: int = 180  # reports further apart than this are about different events
    min_content_words: int = 3


class ClaimClusterer:
    """Adds statements one report at a time; each searches its nearest neighbours and blocks only."""

    def __init__(self, encoder: Encoder | None = None, settings: ClaimSettings = ClaimSettings()) -> None:
        self.encoder = encoder or default_encoder()
        self.settings = settings
        self._index = VectorIndex()
        self._items: dict[str, ClaimItem] = {}
        self._frames: dict[str, Frame] = {}
        self._row: dict[str, int] = {}
        self._claim_of: dict[str, str | None] = {}
        self._stance: dict[str, str] = {}  # statement id -> support | deny | hedge toward its claim
        self._claims: dict[str, _Claim] = {}
        # blocks, each in the order its claims were last joined (most recent last): a search reads
        # at most `block_limit` of the most recent ones, so a busy kind or entity costs a constant
        self._by_entity: dict[str, dict[str, None]] = {}  # entity key -> claim ids (blocking for denials)
        self._by_kind: dict[str, dict[str, None]] = {}  # frame kind -> claim ids (blocking by proposition)
        self._entity_df: Counter = Counter()
        self._next = 1

    # ------------------------------------------------------------------ public API
    def add_report(self, items: Sequence[ClaimItem],
                   known: Mapping[str, np.ndarray] | None = None) -> dict[str, str | None]:
        """Cluster one report's statements (in order); returns statement id -> claim id or None.

        `known` maps claim texts to vectors computed earlier (in the per-report stage); only the
        texts missing from it are encoded here."""
        items = [it for it in items if it.id not in self._items]
        worthy = [it for it in items if is_claim_worthy(it.statement, self.settings.min_content_words)]
        vecs = self._vectors([claim_text(it.statement) for it in worthy], known or {})
        out: dict[str, str | None] = {it.id: None for it in items}
        for it in items:
            self._items[it.id] = it
            self._claim_of[it.id] = None
        for it, vec in zip(worthy, vecs):
            self._frames[it.id] = read_frame(it.statement.content)
            cid = self._place(it, vec)
            out[it.id] = cid
            self._row[it.id] = len(self._index)
            self._index.add([it.id], vec[None, :])
        return out

    def _vectors(self, texts: Sequence[str], known: Mapping[str, np.ndarray]) -> list[np.ndarray]:
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        fresh = dict(zip(missing, self.encoder(missing))) if missing else {}
        return [known[t] if t in known else fresh[t] for t in texts]

    def restore(self, items: Sequence[ClaimItem], vecs: np.ndarray, claim_ids: Sequence[str | None],
                stances: Sequence[str | None] = (), graph: bytes | None = None) -> None:
        """Rebuild the state from stored statements, their vectors, claim ids and stances toward
        them (no re-encoding); `graph`, a saved `index_state`, spares rebuilding the search graph."""
        stances = list(stances) or [None] * len(items)
        rows: list[int] = []
        if len(items):  # one batch: the graph is built (or read back) once
            rows = self._index.restore([it.id for it in items], np.asarray(vecs), graph)
        for i, (it, vec, cid, stance) in enumerate(zip(items, vecs, claim_ids, stances)):
            self._items[it.id] = it
            self._claim_of[it.id] = None
            self._row[it.id] = rows[i]
            if cid is None:
                continue
            self._frames[it.id] = read_frame(it.statement.content)
            if cid not in self._claims:
                self._claims[cid] = _Claim(cid)
                if cid[1:].isdigit():
                    self._next = max(self._next, int(cid[1:]) + 1)
            self._join(cid, it, vec, stance)

    @property
    def index_rows(self) -> int:
        """Statements in the nearest-neighbour index."""
        return len(self._index)

    @property
    def reused_graph(self) -> bool:
        """Whether `restore` read the search graph back from a saved state instead of building it."""
        return self._index.reused

    def index_state(self) -> bytes | None:
        """The search graph's saved form (`VectorIndex.graph_state`; None while it scans every row)."""
        return self._index.graph_state()

    def vector_of(self, statement_id: str) -> np.ndarray | None:
        row = self._row.get(statement_id)
        return self._index.vector(row) if row is not None else None

    def claims_by_id(self, ids: Iterable[str]) -> list[Claim]:
        return [self._freeze(self._claims[c]) for c in ids if c in self._claims]

    def claim_of(self, statement_id: str) -> str | None:
        return self._claim_of.get(statement_id)

    def stance_of(self, statement_id: str) -> str | None:
        """support | deny | hedge of a clustered statement toward its claim (None when unclustered)."""
        return self._stance.get(statement_id) if self._claim_of.get(statement_id) else None

    def claims(self) -> list[Claim]:
        """Every claim with its summary, statements and their stance toward it, and its dates."""
        return [self._freeze(c) for c in self._claims.values()]

    # ------------------------------------------------------------------ placement
    def _candidates(self, it: ClaimItem, vec: np.ndarray, frame: Frame) -> set[str]:
        """Claims worth scoring: nearest statements' claims, claims of the same kind, and for a
        denial the claims about its entities in the time window."""
        s = self.settings
        out = {self._claim_of[sid] for sid, _ in self._index.search(vec, s.neighbours, s.min_similarity)
               if self._claim_of.get(sid)}
        for kind in frame.kinds:
            out.update(self._recent(self._by_kind.get(kind), it, s.story_window_days))
        if it.statement.stance == "deny":
            out |= self._entity_block(it)
        return out

    def _place(self, it: ClaimItem, vec: np.ndarray) -> str:
        s = self.settings
        frame = self._frames[it.id]
        deny = it.statement.stance == "deny"
        bare = deny and not frame.kinds
        best, best_score = None, -1.0
        # in claim order: a tie goes to the older claim on every run (a set of ids iterates by hash)
        for cid in sorted(self._candidates(it, vec, frame), key=_claim_order):
            c = self._claims[cid]
            if self._vetoed(it, frame, c):
                continue
            mean = float(c.vec_sum @ vec) / c.n_vec if c.vec_sum is not None and c.n_vec else 0.0
            # a claim proposed by a block must be as close as a neighbour must be: bonuses
            # (same speaker, same report) never stand in for content; denials answer by who and when
            if not deny and mean < s.min_similarity:
                continue
            score = (0.5 * mean if bare else mean) + self._agreement(it, c) + self._frame_bonus(frame, c)
            if bare:
                score += self._reply_bonus(it, c)
            if score > best_score:
                best, best_score = cid, score
        bar = s.bare_deny_threshold if bare else s.deny_threshold if deny else s.threshold
        if best is not None and best_score >= bar:
            self._join(best, it, vec)
            return best
        cid = f"c{self._next}"
        self._next += 1
        self._claims[cid] = _Claim(cid)
        self._join(cid, it, vec)
        return cid

    def _vetoed(self, it: ClaimItem, frame: Frame, c: _Claim) -> bool:
        """Complete-link vetoes: a frame conflict with any member, a report far outside the
        claim's time span, or an event dated after the claim was first reported."""
        if any(frames_conflict(frame, f) for f in c.frames):
            return True
        if it.statement.stance == "deny":  # "US allegations": a denial names who it answers
            accused = set(it.entity_chains) - set(it.speaker_chain)
            if accused and c.speakers and not accused & c.speakers.keys():
                return True
        s = self.settings
        if not self._in_window(it, c, s.story_window_days):
            return True
        if it.statement.date and c.first_published and len(it.statement.date) == 10:
            d = _days(c.first_published, it.statement.date)
            if d is not None and d > 1:
                return True
        if it.published:
            for d in c.event_dates:
                if len(d) == 10 and (_days(it.published, d) or 0) > 1:
                    return True
        return False

    def _frame_bonus(self, frame: Frame, c: _Claim) -> float:
        s = self.settings
        if not frame.kinds or not c.frames:
            return 0.0
        bonus = s.kind_weight if frame.kinds & c.kinds else 0.0
        if frame.recipient and frame.recipient in c.recipients:
            bonus += s.recipient_weight
        if frame.objects and c.objects:
            bonus += s.object_weight if frame.objects & c.objects else -s.object_weight
        if frame.future and c.future:
            bonus += s.future_weight
        return bonus

    def _reply_bonus(self, it: ClaimItem, c: _Claim) -> float:
        """A bare denial answers the latest accusation: claims asserted days before it score higher."""
        if not it.statement.date or not c.dates:
            return 0.0
        gaps = [_days(d, it.statement.date) for d in c.dates if len(d) == 10]
        gaps = [g for g in gaps if g is not None and 0 <= g <= 7]
        return 0.15 if gaps else 0.0

    def _entity_block(self, it: ClaimItem) -> set[str]:
        out: set[str] = set()
        for e in set(it.entities) | ({it.speaker} if it.speaker else set()):
            out.update(self._recent(self._by_entity.get(e), it))
        return out

    def _recent(self, block: dict[str, None] | None, it: ClaimItem, days: int | None = None) -> list[str]:
        """The `block_limit` most recently joined claims of a block that are in `it`'s time window."""
        out: list[str] = []
        for cid in reversed(block or {}):
            if self._in_window(it, self._claims[cid], days):
                out.append(cid)
                if len(out) >= self.settings.block_limit:
                    break
        return out

    @staticmethod
    def _touch(block: dict[str, None], cid: str) -> None:
        block.pop(cid, None)
        block[cid] = None

    def _in_window(self, it: ClaimItem, c: _Claim, days: int | None = None) -> bool:
        """A denial within the deny window after the claim was first reported; with `days`, any
        statement within that many days either side of it."""
        if not it.published or not c.first_published:
            return True
        d = _days(c.first_published, it.published)
        if d is None:
            return True
        return abs(d) <= days if days is not None else -2 <= d <= self.settings.deny_window_days

    def _agreement(self, it: ClaimItem, c: _Claim) -> float:
        """Entity overlap raises the score; conflicting dates or disjoint key entities lower it."""
        s = self.settings
        deny = it.statement.stance == "deny"
        # the denier is usually the subject of what it denies; an asserting speaker is not
        mine = set(it.entities) | {it.speaker} if deny and it.speaker else {e for e in it.entities if e != it.speaker}
        theirs = c.entities.keys()
        bonus = 0.0
        if mine and theirs:
            shared = mine & theirs
            weight = sum(1.0 / (1 + self._entity_df[e]) ** 0.5 for e in shared)
            total = sum(1.0 / (1 + self._entity_df[e]) ** 0.5 for e in mine)
            bonus += s.entity_weight * (weight / total if total else 0.0)
            if not shared and not deny:
                bonus -= s.disjoint_penalty
        event = event_date(it)
        if event and c.event_dates and _dates_conflict(event, list(c.event_dates)):
            bonus -= s.date_penalty
        if deny:
            accused = set(it.entity_chains) - set(it.speaker_chain)
            if accused and c.speakers:
                bonus += s.accuser_weight if accused & c.speakers.keys() else -s.accuser_weight
        elif it.speaker_chain and c.speakers:
            bonus += s.speaker_weight if c.speakers.keys() & set(it.speaker_chain) else -s.speaker_penalty
        if not deny and it.speaker and c.speaker_keys[it.speaker]:
            bonus += s.same_speaker_weight
            if c.documents[it.document]:  # more when the statement names no recipient ("the shipment")
                underspecified = self._frames.get(it.id, Frame()).recipient is None
                bonus += s.continuation_weight * (2 if underspecified else 1)
        if c.documents[it.document]:
            bonus += s.report_weight
        return bonus

    def _join(self, cid: str, it: ClaimItem, vec: np.ndarray, stance: str | None = None) -> None:
        c = self._claims[cid]
        c.members.append(it.id)
        stance = stance or self._stance_toward(it, c)
        self._stance[it.id] = stance
        frame = self._frames.get(it.id) or read_frame(it.statement.content)
        if frame.kinds or stance != "deny":  # a bare denial says nothing to compare
            c.vec_sum = vec.copy() if c.vec_sum is None else c.vec_sum + vec
            c.n_vec += 1
        if frame.kinds and frame not in c.frames:
            c.frames[frame] = None
            c.kinds |= frame.kinds
            c.objects |= frame.objects
            c.recipients |= {frame.recipient} if frame.recipient else set()
            c.future = c.future or frame.future
        for kind in c.kinds:
            self._touch(self._by_kind.setdefault(kind, {}), cid)
        if stance != "deny":
            c.speakers.update(set(it.speaker_chain))
        mine = set(it.entities)
        for e in mine:
            if e not in c.entities:
                self._entity_df[e] += 1
            self._touch(self._by_entity.setdefault(e, {}), cid)
        c.entities.update(mine)
        if it.statement.date:
            c.dates[it.statement.date] += 1
        event = event_date(it)
        if event and stance != "deny":
            c.event_dates[event] += 1
        c.documents[it.document] += 1
        if it.speaker and stance != "deny":
            c.speaker_keys[it.speaker] += 1
        if it.published:
            c.first_published = min(c.first_published or it.published, it.published)
        self._claim_of[it.id] = cid

    def _stance_toward(self, it: ClaimItem, c: _Claim) -> str:
        """The statement's own stance, except that an accused party's negating assertion denies."""
        stance = STANCE_TO_CLAIM.get(it.statement.stance, "support")
        if stance == "support" and is_rebuttal(it.statement.content, it.speaker_chain, c.speakers, c.entities):
            return "deny"
        return stance

    # ------------------------------------------------------------------ output
    def _freeze(self, c: _Claim) -> Claim:
        items = [self._items[m] for m in c.members]
        return Claim(
            id=c.id, summary=self._summary(c), statements=tuple(c.members),
            stances=tuple(self._stance.get(it.id) or STANCE_TO_CLAIM.get(it.statement.stance, "support") for it in items),
            first_reported=c.first_published,
            event_date=c.dates.most_common(1)[0][0] if c.dates else None,
            entities=tuple(e for e, _ in c.entities.most_common()))

    def _summary(self, c: _Claim, limit: int = LIMIT) -> str:
        """The claim's summary (summaries.py): its supporting statement that reads best on its own,
        weighed with its centrality (mean cosine to the members), normalised and dated."""
        rows = [(m, self._row[m]) for m in c.members if m in self._row]
        if not rows:
            return ""
        mat = np.stack([self._index.vector(r) for _, r in rows])
        central = mat @ mat.mean(axis=0)  # each member's mean cosine to the members, without the m x m matrix
        return summarise([Candidate(self._items[m].statement.content, self._stance.get(m, "support"),
                                    float(central[i])) for i, (m, _) in enumerate(rows)],
                         c.event_dates, limit)


def event_date(it: ClaimItem) -> str | None:
    """The statement's date when it dates what happened: a date on the report's day or the day
    before is when it was said ("on Thursday the ministry said"), not an event date."""
    value = it.statement.date
    if not value or not it.published or len(value) < 10:
        return value
    d = _days(value, it.published)
    return None if d is not None and 0 <= d <= 1 else value


def claim_text(st: Statement) -> str:
    """What is embedded: the content when it says enough, else the whole sentence."""
    return st.content if len(content_words(st.content)) >= 6 else st.sentence_text


def content_words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text or "") if w.lower() not in _STOP and len(w) > 2]


def is_claim_worthy(st: Statement, min_words: int = 3) -> bool:
    """Statements that carry a checkable proposition; short opinion quotes and colour stay out."""
    if st.stance == "deny":
        return True
    words = content_words(st.content)
    if len(words) < min_words:
        return False
    return len(set(words)) >= min_words


def trim(text: str, limit: int = 200) -> str:
    text = " ".join((text or "").split()).strip(" \"'\u201c\u201d,")
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "\u2026"


def _parse_date(value: str) -> tuple[int, int | None, int | None] | None:
    m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value or "")
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)) if m.group(2) else None, int(m.group(3)) if m.group(3) else None


def _claim_order(cid: str) -> tuple[int, str]:
    """Claims in the order they were made ("c9" before "c10")."""
    digits = cid[1:]
    return (int(digits), cid) if digits.isdigit() else (1 << 62, cid)


@lru_cache(maxsize=1 << 16)
def _days(a: str, b: str) -> int | None:
    pa, pb = _parse_date(a), _parse_date(b)
    if not pa or not pb:
        return None
    da = date(pa[0], pa[1] or 1, pa[2] or 1)
    db = date(pb[0], pb[1] or 1, pb[2] or 1)
    return (db - da).days


def _dates_conflict(value: str, others: Iterable[str]) -> bool:
    """A month-or-finer date more than about a month from every date the claim already has."""
    pv = _parse_date(value)
    if not pv or pv[1] is None:
        return False
    seen = False
    for o in others:
        po = _parse_date(o)
        if not po or po[1] is None:
            continue
        seen = True
        d = _days(value, o)
        if d is not None and abs(d) <= 45:
            return False
    return seen


def cluster_claims(reports: Iterable[Sequence[ClaimItem]], encoder: Encoder | None = None) -> tuple[list[Claim], dict[str, str | None]]:
    """Cluster many reports at once: (claims, statement id -> claim id)."""
    cc = ClaimClusterer(encoder)
    out: dict[str, str | None] = {}
    for items in reports:
        out.update(cc.add_report(items))
    return cc.claims(), out
