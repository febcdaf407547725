"""Series and conflicts: figures of one quantity over time, and figures for one time that disagree.

Figures are compared only within their block (kind, family of what is counted, rate period; see
`resolve/figures.py`), and within a block only when their context says they count the same thing
(the same claim, or two shared content words).  Related figures at two or more dates form a
**series**; related figures for the same month (or year) from different independent origins whose
values do not agree form a **conflict**.  An either/or or ranged estimate is one figure.
"""
from __future__ import annotations

import math
from dataclasses import replace
from typing import Iterable

from ..model import Ledger, LedgerFigure, LedgerFigureConflict, LedgerSeries
from .figures import CLAIM_ONLY_KINDS, period_of, read_figures
from .origins import independence_key

TOLERANCE = 0.2  # point figures differing by more than 20% of the larger disagree
MIN_SHARED_WORDS = 2  # context words two figures must share to count the same thing (without a shared claim)
COMMON_POSTING = 400  # a context word around this many figures of a block links nothing (too common)
WINDOW = 24  # a figure shares words with at most this many earlier figures of each word (bounded work per figure)


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


def resolve_figures(ledger: Ledger, blocks: set[str] | None = None,
                    origins: dict[str, str] | None = None) -> Ledger:
    """The ledger with its figures, series and figure conflicts (of `blocks` only, when given)."""
    figures, series, conflicts = decide_figures(read_figures(ledger, origins=origins, blocks=blocks))
    return replace(ledger, figures=tuple(figures), series=tuple(series), figure_conflicts=tuple(conflicts))


def decide_figures(figures: Iterable[LedgerFigure]
                   ) -> tuple[list[LedgerFigure], list[LedgerSeries], list[LedgerFigureConflict]]:
    """Series and conflicts among `figures`, block by block; the figures come back with their series set."""
    by_block: dict[str, list[LedgerFigure]] = {}
    for f in figures:
        by_block.setdefault(f.block, []).append(f)
    out_figures: list[LedgerFigure] = []
    series: list[LedgerSeries] = []
    conflicts: list[LedgerFigureConflict] = []
    for block in sorted(by_block):
        for component in related_groups(by_block[block]):
            if len(component) == 1:  # most figures stand alone: no series, no conflict
                f = component[0]
                out_figures.append(replace(f, series=None) if f.series else f)
                continue
            one = _series(component)
            if one is not None:
                series.append(one)
            members = set(one.figures) if one is not None else set()
            # a figure takes its series now or none: one read back from the store may carry the
            # key of a series it has left
            component = [f if f.series == (want := one.id if one is not None and f.id in members else None)
                         else replace(f, series=want) for f in component]
            conflicts.extend(_conflicts(component, one.id if one else None))
            out_figures.extend(component)
    order = {id(f): i for i, f in enumerate(out_figures)}
    out_figures.sort(key=lambda f: (_number(f.id), order[id(f)]))
    return out_figures, series, conflicts


def related_groups(figures: list[LedgerFigure]) -> list[list[LedgerFigure]]:
    """Figures of one block split into groups that count the same thing: linked by a shared claim
    or by MIN_SHARED_WORDS shared context words (an inverted index, never all pairs).

    Names found around most figures of a block (the story's subject) and words around too many
    figures say nothing about what is counted and link nothing; within a word's figures, each is
    compared with the WINDOW before it (reading order), and linking is transitive.  Distances, percentages and rates
    are linked by a shared claim only.
    """
    n = len(figures)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    words = [f.context if f.kind not in CLAIM_ONLY_KINDS else () for f in figures]
    frequency: dict[str, int] = {}
    claims: dict[str, int] = {}
    for i, f in enumerate(figures):
        for w in words[i]:
            frequency[w] = frequency.get(w, 0) + 1
        if f.claim:
            first = claims.setdefault(f.claim, i)
            if first != i:
                union(first, i)
    linking = {w for w, k in frequency.items()
               if not (w[:1].isupper() and n >= 3 and k > n / 2) and k <= COMMON_POSTING}
    # each figure counts the words it shares with the WINDOW figures before it in each of its
    # words' postings (reading order), and joins those it shares MIN_SHARED_WORDS with
    postings: dict[str, list[int]] = {}
    for b in range(n):
        shared: dict[int, int] = {}
        for w in words[b]:
            if w not in linking:
                continue
            members = postings.setdefault(w, [])
            for a in members[-WINDOW:]:
                k = shared.get(a, 0) + 1
                shared[a] = k
                if k == MIN_SHARED_WORDS:
                    union(a, b)
            members.append(b)
    groups: dict[int, list[LedgerFigure]] = {}
    for i, f in enumerate(figures):
        groups.setdefault(find(i), []).append(f)
    return list(groups.values())


def _number(figure_id: str) -> tuple[int, str]:
    digits = figure_id.lstrip("f")
    return (int(digits), "") if digits.isdigit() else (1 << 62, figure_id)


def _value(f: LedgerFigure) -> float:
    return f.low if f.high == math.inf else (f.low + f.high) / 2


def _series(component: list[LedgerFigure]) -> LedgerSeries | None:
    """The component as a dated series, when its original figures hold for two or more periods."""
    dated = sorted((f for f in component if not f.copy and period_of(f.refers_to)),
                   key=lambda f: (f.refers_to or "", _number(f.id)))
    periods = tuple(dict.fromkeys(period_of(f.refers_to) for f in dated))
    if len(periods) < 2:
        return None
    per_period: dict[str, list[float]] = {}
    for f in dated:
        per_period.setdefault(period_of(f.refers_to) or "", []).append(_value(f))
    values = [sorted(v)[len(v) // 2] for v in per_period.values()]
    first = min(dated, key=lambda f: _number(f.id))
    return LedgerSeries(id="fs" + first.id[1:], block=first.block, measure=first.measure, unit=first.unit,
                        figures=tuple(f.id for f in dated), periods=tuple(p for p in periods if p),
                        trend=_trend(values), cumulative=any(f.cumulative for f in dated))


def _trend(values: list[float]) -> str:
    steps = [(a, b) for a, b in zip(values, values[1:]) if figures_disagree((a, a), (b, b))]
    if not steps:
        return "steady"
    if all(b >= a for a, b in zip(values, values[1:])):
        return "rising"
    if all(b <= a for a, b in zip(values, values[1:])):
        return "falling"
    return "mixed"


def _periods(figures: list[LedgerFigure]) -> list[tuple[str, list[LedgerFigure]]]:
    """Figures by the period they hold for: months, and a year-only figure with every month of its year
    (a year with no month of its own is a period too)."""
    months: dict[str, list[LedgerFigure]] = {}
    years: dict[str, list[LedgerFigure]] = {}
    for f in figures:
        p = period_of(f.refers_to)
        if p is None:
            continue
        (months if len(p) == 7 else years).setdefault(p, []).append(f)
    out = []
    for month, members in sorted(months.items()):
        out.append((month, members + years.get(month[:4], [])))
    for year, members in sorted(years.items()):
        if not any(m.startswith(year) for m in months):
            out.append((year, members))
    return out


def _conflicts(component: list[LedgerFigure], series: str | None) -> list[LedgerFigureConflict]:
    """Per period: positions (origin and values; relays and copies fold in) that disagree with a
    position of another independent origin."""
    out = []
    for period, members in _periods(component):
        positions: dict[tuple[str, tuple[float, float]], list[LedgerFigure]] = {}
        for f in sorted(members, key=lambda f: (f.copy, _number(f.id))):
            key = (independence_key(f.origin), (f.low, f.high))
            if f.copy and key not in positions:
                continue  # a copy's figure only adds outlets to a figure an original report gives
            positions.setdefault(key, []).append(f)
        disagreeing = _disagreeing(list(positions))
        if len(disagreeing) < 2:
            continue
        disagreeing.sort(key=lambda k: (k[1], k[0]))
        figures = tuple(f.id for key in disagreeing for f in positions[key])
        first = min((positions[k][0] for k in disagreeing), key=lambda f: _number(f.id))
        origins = tuple(dict.fromkeys(positions[k][0].origin for k in disagreeing))
        values = " vs ".join(dict.fromkeys(format_interval(*k[1]) for k in disagreeing))
        out.append(LedgerFigureConflict(
            id=f"fc{first.id[1:]}-{period}", block=first.block, measure=first.measure, unit=first.unit,
            period=period, figures=figures, origins=origins, series=series,
            reason=f"different origins give figures for {period} that do not agree ({values})"))
    return out


def _disagreeing(keys: list[tuple[str, tuple[float, float]]]) -> list[tuple[str, tuple[float, float]]]:
    """Positions (origin key, interval) that disagree with a position of another origin.

    The position most likely to disagree with one is the lowest or the highest one, so each is only
    checked against the two lowest and two highest of distinct origins (not against all others).
    """
    def extremes(values: list[tuple[float, tuple[str, tuple[float, float]]]]) -> list[tuple[str, tuple[float, float]]]:
        out: list[tuple[str, tuple[float, float]]] = []
        for _v, key in sorted(values):
            if all(key[0] != o[0] for o in out):
                out.append(key)
            if len(out) == 2:
                break
        return out

    low_ends = extremes([(k[1][1], k) for k in keys])  # smallest upper ends
    high_ends = extremes([(-k[1][0], k) for k in keys])  # largest lower ends
    return [k for k in keys if any(o[0] != k[0] and figures_disagree(k[1], o[1]) for o in low_ends + high_ends)]


def format_interval(low: float, high: float) -> str:
    """A figure's values as a reader writes them: "400", "60-80", "at least 20", "up to 10"."""
    if high == math.inf:
        return f"at least {low:,.0f}"
    if low == 0 and high > 0:
        return f"up to {high:,.0f}"
    if low == high:
        return f"{low:,.0f}"
    return f"{low:,.0f}-{high:,.0f}"
