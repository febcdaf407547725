"""Figures: each quantity read as a figure — what it counts, the values it allows, the time it holds for, who gives it.

Everything here is a function of one report (its statements, quantities and times) except the
origin, which comes from the claim analysis's `statement_origins`.  Series and conflicts across
reports are decided in `resolve/conflicts.py`.
"""
from __future__ import annotations

import bisect
import datetime as dt
import math
import re
from functools import lru_cache
from typing import Iterable, Sequence

from ..model import Ledger, LedgerDocument, LedgerFigure, LedgerQuantity, LedgerStatement, LedgerTime
from ..resources import load_yaml
from .evidence import sentence_spans
from .origins import UNATTRIBUTED, dependent_documents, outlet_name, statement_origins

SKIPPED_KINDS = frozenset({"calibre", "multiplier"})  # a calibre names a weapon, "twice" counts nothing
# Distances, percentages and rates measure too many different things for context words to link
# them: they are compared only within one claim.
CLAIM_ONLY_KINDS = frozenset({"distance", "percent", "rate"})
_LOWER_BOUND = ("at least", "more than", "over", "upwards of", "in excess of", "no fewer than", "no less than")
_UPPER_BOUND = ("fewer than", "less than", "under", "below", "at most", "no more than", "up to")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")


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


@lru_cache(maxsize=None)
def _wording() -> dict[str, object]:
    data = load_yaml("figures.yaml") or {}

    def alternation(words: Iterable[str]) -> str:
        return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))

    return {
        "start": re.compile(rf"\b(?:{alternation(data['period_start'])})\s+(?:the\s+)?(?:(?:start|beginning|end)\s+of\s+)?\Z",
                            re.I),
        "cumulative": re.compile(rf"\b(?:{alternation(data['cumulative'])})\b", re.I),
        # after the first figure and its "of" phrase ("40 crates of shells, or perhaps 60 crates")
        "alternative": re.compile(rf"\A(?:\s+of(?:\s+[A-Za-z-]+){{1,3}})?[\s,;(–—-]*"
                                  rf"(?:{alternation(data['alternatives'])})[\s,]+\Z", re.I),
    }


def measure_family(unit: str) -> str:
    """The family a unit belongs to ("attack drones" -> "drones"); the unit's last word when unlisted."""
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


def figure_block(q: LedgerQuantity) -> str | None:
    """The block a quantity is compared in — kind, family of what it counts, rate period — or None
    when it counts nothing nameable (a bare number, a calibre)."""
    return block_key(q.kind, q.unit, q.per) if q.values else None


def block_key(kind: str, unit: str | None, per: str | None) -> str | None:
    """`kind:family:per` ("count:containers:", "count:vehicles:day"), None for what is never compared."""
    if kind in SKIPPED_KINDS or not (unit or "").strip():
        return None
    return f"{kind}:{measure_family(unit or '')}:{per or ''}"


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


def _stem(word: str) -> str:
    """A crude stem, enough for "shipped" to meet "ships" and "deliveries" to meet "delivered"."""
    w = word.lower()
    for suffix in ("ings", "ies", "ied", "ing", "ed", "es", "s", "y"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: -len(suffix)]
    return w


def context_words(sentence: str, unit: str) -> tuple[str, ...]:
    """Stems of the content words of a figure's sentence, its unit and stopwords left out; names keep
    a leading capital (so that common names can be told apart, see conflicts.py)."""
    _index, stop = _families()
    unit_words = {_stem(w) for w in unit.lower().split()}
    out: dict[str, None] = {}
    for w in _WORD.findall(sentence):
        low = w.lower()
        if low in stop or len(w) <= 2:
            continue
        stem = _stem(low)
        if stem in unit_words:
            continue
        out[stem.capitalize() if w[0].isupper() else stem] = None
    return tuple(out)


def read_figures(ledger: Ledger, origins: dict[str, str] | None = None,
                 blocks: set[str] | None = None) -> list[LedgerFigure]:
    """Every figure of the ledger's quantities (only those in `blocks`, when given), in document order.

    `origins`: statement id -> origin, when already computed (`statement_origins`).
    """
    origins = statement_origins(ledger) if origins is None else origins
    statements = {s.id: s for s in ledger.statements}
    copies = dependent_documents(ledger)
    times: dict[str, list[LedgerTime]] = {}
    for t in ledger.times:
        times.setdefault(t.document, []).append(t)
    quantities: dict[str, list[LedgerQuantity]] = {}
    for q in ledger.quantities:
        quantities.setdefault(q.document, []).append(q)
    out: list[LedgerFigure] = []
    for doc in ledger.documents:
        qs = sorted(quantities.get(doc.id, ()), key=lambda q: q.start)
        if not qs:
            continue
        spans = sentence_spans(doc.text)
        headline = _headline_end(doc)
        for group in _merge_alternatives(doc, qs, spans):
            block = figure_block(group[0])
            if block is None or (blocks is not None and block not in blocks) or group[0].start < headline:
                continue  # a headline condenses its report's figures: it is not one of its own
            out.append(_figure(doc, group, block, spans, statements, origins, times.get(doc.id, ()),
                               doc.id in copies))
    return out


def _headline_end(doc: LedgerDocument) -> int:
    """Where the headline ends when the report's text opens with its title (0 otherwise)."""
    title = (doc.title or "").strip()
    return len(title) if title and doc.text.lstrip().startswith(title) else 0


def _sentence_span(spans: Sequence[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    """The sentence holding `pos` (spans ordered and disjoint: a binary search)."""
    i = bisect.bisect_right(spans, (pos, math.inf)) - 1
    if i >= 0 and spans[i][0] <= pos < spans[i][1]:
        return spans[i]
    return None


def _merge_alternatives(doc: LedgerDocument, qs: list[LedgerQuantity],
                        spans: Sequence[tuple[int, int]]) -> list[list[LedgerQuantity]]:
    """Quantities in reading order, an either/or estimate split over two numbers of one sentence
    ("about 1,000 containers, or perhaps 2,000") joined into one group."""
    alternative = _wording()["alternative"]
    groups: list[list[LedgerQuantity]] = []
    for q in qs:
        if groups:
            prev = groups[-1][-1]
            same_sentence = _sentence_span(spans, prev.start) == _sentence_span(spans, q.start)
            between = doc.text[prev.end:q.start] if prev.end <= q.start else ""
            same_measure = (q.unit or "").lower().split()[-1:] == (prev.unit or "").lower().split()[-1:]
            if same_sentence and same_measure and between and alternative.match(between):  # type: ignore[union-attr]
                groups[-1].append(q)
                continue
        groups.append([q])
    return groups


def _figure(doc: LedgerDocument, group: list[LedgerQuantity], block: str, spans: Sequence[tuple[int, int]],
            statements: dict[str, LedgerStatement], origins: dict[str, str], times: Iterable[LedgerTime],
            copy: bool) -> LedgerFigure:
    first, last = group[0], group[-1]
    st = next((statements[q.statement] for q in group if q.statement in statements), None)
    span = _sentence_span(spans, first.start) or (first.start, last.end)
    sentence = doc.text[span[0]:span[1]].strip() if doc.text else first.text
    if st is not None:
        sentence = st.sentence
    if len(group) == 1:
        low, high = figure_interval(first)
        text, is_range = first.text, first.is_range
    else:
        bounds = [figure_interval(q) for q in group]
        low, high = min(b[0] for b in bounds), max(b[1] for b in bounds)
        text, is_range = doc.text[first.start:last.end] if doc.text else first.text, True
    refers_to, refers_from, cumulative = _refers_to(doc, first, span, times)
    origin = origins.get(st.id) if st is not None else None
    if origin is None:
        origin = UNATTRIBUTED + outlet_name(doc)
    number = (first.id or "").lstrip("q") or f"{doc.id}@{first.start}"
    return LedgerFigure(
        id=f"f{number}", document=doc.id, text=text, block=block, measure=block.split(":")[1], unit=first.unit,
        kind=first.kind, counted=_counted(doc, last), low=low, high=high, is_range=is_range, refers_to=refers_to, refers_from=refers_from,
        origin=origin, statement=st.id if st is not None else None,
        quantities=tuple(q.id for q in group if q.id), cumulative=cumulative, copy=copy,
        claim=st.claim if st is not None else None, context=context_words(sentence, first.unit),
        sentence=sentence)


_OF_PHRASE = re.compile(r"\s+of\s+((?:(?!(?:to|from|in|at|on|by|for|with|and|or|since|into)\b)[A-Za-z][\w-]*\s?){1,3})")


def _counted(doc: LedgerDocument, q: LedgerQuantity) -> str:
    """What a figure counts, as written: its unit and the "of" phrase after it ("containers of artillery shells")."""
    m = _OF_PHRASE.match(doc.text, q.end) if doc.text and q.unit and q.kind == "count" else None
    return f"{q.unit} of {m.group(1).strip()}" if m else q.unit


def _refers_to(doc: LedgerDocument, q: LedgerQuantity, span: tuple[int, int],
               times: Iterable[LedgerTime]) -> tuple[str | None, str, bool]:
    """(date the figure holds for, where that date comes from, whether it is a running total).

    The date nearest the figure in its sentence, leaving out a date that starts the period a running
    total covers ("since May"); a figure without such a date holds as of its report's publication date.
    """
    w = _wording()
    a, b = span
    sentence = doc.text[a:b] if doc.text else q.text
    cumulative = bool(w["cumulative"].search(sentence))  # type: ignore[union-attr]
    best: tuple[int, str] | None = None
    for t in times:
        if not (a <= t.start < b) or t.precision not in ("day", "month", "year", "season", "week"):
            continue
        if w["start"].search(doc.text[max(a, t.start - 40):t.start]):  # type: ignore[union-attr]
            cumulative = True
            continue
        distance = abs(t.start - q.start)
        if best is None or distance < best[0]:
            best = (distance, t.value)
    if best is not None:
        return best[1], "text", cumulative
    if doc.published:
        return doc.published, "published", cumulative
    return None, "none", cumulative


@lru_cache(maxsize=4096)  # asked for every figure of a group each time the group is decided again
def period_of(date: str | None) -> str | None:
    """The period a figure's date is compared at: its month (YYYY-MM), or its year when that is all it gives."""
    if not date:
        return None
    week = re.match(r"(\d{4})-W(\d{2})", date)
    if week:  # a week holds for the month of its Thursday
        day = dt.date.fromisocalendar(int(week.group(1)), int(week.group(2)), 4)
        return f"{day.year:04d}-{day.month:02d}"
    m = re.match(r"(\d{4})(?:-(\d{2}))?", date)
    if not m:
        return None
    return f"{m.group(1)}-{m.group(2)}" if m.group(2) else m.group(1)

