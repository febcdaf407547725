"""Conflicting figures: quantities about the same measure whose values disagree across origins or dates."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from ..model import Ledger, LedgerDocument, LedgerQuantity, LedgerStatement
from ..resources import load_yaml
from .evidence import statement_context
from .origins import OUTLET, dependent_documents, independence_key, outlet_name, statement_origins

CLAIM_ONLY_KINDS = frozenset({"distance", "percent", "multiplier", "rate"})
TOLERANCE = 0.2  # point figures differing by more than 20% of the larger disagree
_LOWER_BOUND = ("at least", "more than", "over", "upwards of", "in excess of", "no fewer than", "no less than")
_UPPER_BOUND = ("fewer than", "less than", "under", "below", "at most", "no more than")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")


@dataclass(frozen=True)
class FigurePosition:
    """One figure as reported by one origin: the value and everywhere it was printed."""

    text: str  # as first written, e.g. "about 400 attack drones"
    low: float
    high: float
    origin: str  # origin id (see resolve/origins.py)
    documents: tuple[str, ...]
    outlets: tuple[str, ...]
    dates: tuple[str, ...]  # publication dates of the reports carrying it
    statements: tuple[str, ...] = ()
    sentences: tuple[str, ...] = ()  # the sentence each document states it in (same order as documents)


@dataclass(frozen=True)
class FigureConflict:
    """Figures for one measure that disagree, side by side."""

    measure: str  # family name ("drones", "personnel") or the unit
    unit: str
    kind: str
    claim: str | None  # the claim the figures are about, when one links them
    positions: tuple[FigurePosition, ...]
    reason: str


@lru_cache(maxsize=None)
def _families() -> tuple[dict[str, str], frozenset[str]]:
    data = load_yaml("measures.yaml") or {}
    stop = frozenset(str(w).lower() for w in data.get("stopwords") or ())
    index: dict[str, str] = {}
    for family, words in data.items():
        if family == "stopwords":
            continue
        for w in words or ():
            index[str(w).lower()] = str(family)
    return index, stop


def measure_family(unit: str) -> str:
    """The family a unit belongs to ("attack drones" -> "drones"); the unit itself when unlisted."""
    index, _stop = _families()
    u = " ".join(unit.lower().split())
    if u in index:
        return index[u]
    words = u.split()
    for n in range(len(words) - 1, 0, -1):
        tail = " ".join(words[-n:])
        if tail in index:
            return index[tail]
    if words and words[-1] in index:
        return index[words[-1]]
    return words[-1] if words else u


def figure_interval(q: LedgerQuantity) -> tuple[float, float]:
    """The values a figure allows: ranges as written, bounds open-ended, points as points."""
    values = [v for v in q.values if v is not None]
    if not values:
        return (math.nan, math.nan)
    lo, hi = min(values), max(values)
    qual = (q.qualifier or "").lower()
    if not q.is_range and any(qual.startswith(b) for b in _LOWER_BOUND):
        return (lo, math.inf)
    if not q.is_range and any(qual.startswith(b) for b in _UPPER_BOUND):
        return (0.0, hi)
    return (lo, hi)


def figures_disagree(a: tuple[float, float], b: tuple[float, float], tolerance: float = TOLERANCE) -> bool:
    """Ranges that do not overlap, or point figures that differ by more than `tolerance`."""
    if any(math.isnan(x) for x in a + b):
        return False
    if a[0] == a[1] and b[0] == b[1]:
        big = max(abs(a[0]), abs(b[0]))
        return big > 0 and abs(a[0] - b[0]) / big > tolerance
    # A point figure is read with half the tolerance either side ("about 400" meets "380-390");
    # ranges and bounds are taken as written.
    (a_lo, a_hi), (b_lo, b_hi) = (_widen(x, tolerance / 2) for x in (a, b))
    return a_hi < b_lo or b_hi < a_lo


def _widen(interval: tuple[float, float], by: float) -> tuple[float, float]:
    lo, hi = interval
    return (lo * (1 - by), hi * (1 + by)) if lo == hi else (lo, hi)


def _context_words(q: LedgerQuantity, doc: LedgerDocument | None, st: LedgerStatement | None) -> frozenset[str]:
    """Content words of the sentence holding the figure (its unit and stopwords left out)."""
    _index, stop = _families()
    if st is not None:
        text = st.sentence
    elif doc is not None:
        text = _sentence_at(doc, q)
    else:
        text = q.text
    unit_words = set(q.unit.lower().split())
    return frozenset(w.lower() for w in _WORD.findall(text)
                     if w.lower() not in stop and w.lower() not in unit_words and len(w) > 2)


@dataclass
class _Item:
    q: LedgerQuantity
    family: str
    interval: tuple[float, float]
    origin: str
    claim: str | None
    words: frozenset[str]
    doc: LedgerDocument | None
    sentence: str
    names: frozenset[str] = frozenset()  # the capitalised words among `words`


def _related(a: _Item, b: _Item) -> bool:
    """Same claim, or at least two shared context words (the same thing is being counted).

    Distances, percentages and multipliers measure too many different things to be linked by
    context words: only a shared claim links them.
    """
    if a.claim and a.claim == b.claim:
        return True
    if a.q.kind in CLAIM_ONLY_KINDS:
        return False
    return len(a.words & b.words) >= 2


def _drop_common_names(items: list[_Item]) -> list[_Item]:
    """Leave out names found around most figures of a family (the story's subject: "Karakum").

    A name every figure sits next to does not tell what is counted; the common words around a
    figure ("guards the depot") do, so they stay.
    """
    if len(items) < 3:
        return items
    counts: dict[str, int] = {}
    for it in items:
        for w in it.names:
            counts[w] = counts.get(w, 0) + 1
    common = {w for w, n in counts.items() if n > len(items) / 2}
    for it in items:
        it.words = it.words - common
    return items


def _components(items: list[_Item]) -> list[list[_Item]]:
    items = _drop_common_names(items)
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if _related(items[i], items[j]):
                parent[find(i)] = find(j)
    groups: dict[int, list[_Item]] = {}
    for i, it in enumerate(items):
        groups.setdefault(find(i), []).append(it)
    return list(groups.values())


def _positions(items: list[_Item]) -> list[FigurePosition]:
    """One position per (origin, interval); copies of a figure are folded into one position."""
    grouped: dict[tuple[str, tuple[float, float]], list[_Item]] = {}
    for it in sorted(items, key=lambda i: ((i.doc.published if i.doc and i.doc.published else "9999"), i.q.document)):
        grouped.setdefault((independence_key(it.origin), it.interval), []).append(it)
    out = []
    for (_key, interval), its in grouped.items():
        docs: list[str] = []
        sentences: list[str] = []
        for it in its:
            if it.q.document not in docs:
                docs.append(it.q.document)
                sentences.append(it.sentence)
        out.append(FigurePosition(
            text=its[0].q.text, low=interval[0], high=interval[1], origin=its[0].origin,
            documents=tuple(docs),
            outlets=tuple(dict.fromkeys(outlet_name(it.doc) for it in its)),
            dates=tuple(sorted({it.doc.published for it in its if it.doc and it.doc.published})),
            statements=tuple(dict.fromkeys(it.q.statement for it in its if it.q.statement)),
            sentences=tuple(sentences)))
    return out


def _disagreeing(positions: list[FigurePosition]) -> list[FigurePosition]:
    """Positions that disagree with at least one position of another origin or date."""
    keep = []
    for p in positions:
        for o in positions:
            if o is p:
                continue
            other_source = independence_key(o.origin) != independence_key(p.origin) or set(o.dates) != set(p.dates)
            if other_source and figures_disagree((p.low, p.high), (o.low, o.high)):
                keep.append(p)
                break
    return keep


def conflicting_figures(ledger: Ledger) -> list[FigureConflict]:
    """Figures about the same measure from different origins or dates whose values disagree."""
    docs = {d.id: d for d in ledger.documents}
    statements = {s.id: s for s in ledger.statements}
    origins = statement_origins(ledger)
    copies = dependent_documents(ledger)
    items: list[_Item] = []
    for q in ledger.quantities:
        if q.kind in ("calibre",) or not q.values or not (q.unit or "").strip():
            continue  # a bare number says nothing about what it counts
        doc = docs.get(q.document)
        st = statements.get(q.statement) if q.statement else None
        origin = origins.get(st.id) if st else None
        if origin is None:
            origin = OUTLET + outlet_name(doc)
        if q.document in copies and st is None:
            continue  # a copy's unattributed figure is the original's figure
        sentence = st.sentence if st else q.text
        if st is None and doc is not None:
            sentence = _sentence_at(doc, q)
        words = _context_words(q, doc, st)
        names = frozenset(w.lower() for w in _WORD.findall(sentence) if w[0].isupper()) & words
        items.append(_Item(q, f"{q.kind}:{measure_family(q.unit)}:{q.per or ''}", figure_interval(q), origin,
                           st.claim if st else None, words, doc, sentence, names))
    by_family: dict[str, list[_Item]] = {}
    for it in items:
        by_family.setdefault(it.family, []).append(it)
    conflicts = []
    for family, members in sorted(by_family.items()):
        for component in _components(members):
            positions = _disagreeing(_positions(component))
            if len(positions) < 2:
                continue
            kind, measure, _per = family.split(":", 2)
            claims = {it.claim for it in component if it.claim}
            conflicts.append(FigureConflict(
                measure=measure, unit=component[0].q.unit, kind=kind,
                claim=claims.pop() if len(claims) == 1 else None,
                positions=tuple(sorted(positions, key=lambda p: (p.low, p.high, p.dates[:1] or ("9999",)))),
                reason=_reason(positions)))
    return conflicts


def _sentence_at(doc: LedgerDocument, q: LedgerQuantity) -> str:
    """The sentence of a report holding a figure (the figure itself when its offsets are unknown)."""
    if not doc.text or not (0 <= q.start < q.end <= len(doc.text)):
        return q.text
    fake = LedgerStatement(id="", document=doc.id, sentence=q.text, sentence_index=0, speaker=None,
                           speaker_text="", cue="", stance="assert", content="", start=q.start, end=q.end,
                           quote_type="")
    return statement_context(fake, doc, neighbours=0)


def _fmt(p: FigurePosition) -> str:
    if p.high == math.inf:
        return f"at least {p.low:,.0f}"
    if p.low == p.high:
        return f"{p.low:,.0f}"
    return f"{p.low:,.0f}-{p.high:,.0f}"


def _reason(positions: list[FigurePosition]) -> str:
    origins = {independence_key(p.origin) for p in positions}
    values = " vs ".join(dict.fromkeys(_fmt(p) for p in sorted(positions, key=lambda p: (p.low, p.high))))
    if len(origins) > 1:
        return f"different origins give figures that do not agree ({values})"
    return f"the same origin gave different figures on different dates ({values})"
