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
from typing import Iterable, Sequence

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
            decided, one, found = decide_group(component)
            out_figures.extend(decided)
            series.extend([one] if one is not None else [])
            conflicts.extend(found)
    order = {id(f): i for i, f in enumerate(out_figures)}
    out_figures.sort(key=lambda f: (_number(f.id), order[id(f)]))
    return out_figures, series, conflicts


def decide_group(component: Sequence[LedgerFigure]
                 ) -> tuple[list[LedgerFigure], LedgerSeries | None, list[LedgerFigureConflict]]:
    """One group of related figures: its series (if any), its conflicts, and its figures with their series set.

    Nothing here depends on the order of `component`: a group decided again after an update gives
    what deciding the whole block gives it."""
    if len(component) == 1:  # most figures stand alone: no series, no conflict
        f = component[0]
        return [replace(f, series=None) if f.series else f], None, []
    one = _series(list(component))
    members = set(one.figures) if one is not None else set()
    # a figure takes its series now or none: one read back from the store may carry the key of a
    # series it has left
    decided = [f if f.series == (want := one.id if one is not None and f.id in members else None)
               else replace(f, series=want) for f in component]
    return decided, one, _conflicts(decided, one.id if one else None)


def related_groups(figures: list[LedgerFigure]) -> list[list[LedgerFigure]]:
    """Figures of one block split into groups that count the same thing: linked by a shared claim
    or by MIN_SHARED_WORDS shared context words (an inverted index, never all pairs); see `FigureGroups`."""
    groups = FigureGroups(figures)
    return [[groups.figures[i] for i in members] for members in groups.groups()]


class FigureGroups:
    """One block's figures in reading order, linked into groups that count the same thing.

    Two figures are linked by a shared claim or by MIN_SHARED_WORDS shared context words (an
    inverted index, never all pairs); linking is transitive.  Names found around most figures of
    a block (the story's subject) and words around more than COMMON_POSTING figures say nothing
    about what is counted and link nothing; within a word's figures, each is compared with the
    WINDOW before it (reading order).  Distances, percentages and rates are linked by a shared
    claim only.

    `extend` appends figures that come after all others (a new report's): they join the groups in
    place, at the cost of what they link to, unless they change which words link (a word grown too
    common, a name now around most figures); then it refuses and the block is built again.  Either
    way the groups are those a build over all the figures gives.
    """

    def __init__(self, figures: Iterable[LedgerFigure] = ()) -> None:
        self.figures: list[LedgerFigure] = []
        self._parent: list[int] = []
        self._members: dict[int, list[int]] = {}  # root -> its figures' indices
        self._frequency: dict[str, int] = {}
        self._capitalised: set[str] = set()  # words whose linking depends on the block's size
        self._claims: dict[str, int] = {}  # claim -> its first figure
        self._postings: dict[str, list[int]] = {}  # linking word -> its figures, in reading order
        figures = list(figures)
        for f in figures:
            self._count(f)
        self._link(figures)

    def __len__(self) -> int:
        return len(self.figures)

    def find(self, i: int) -> int:
        parent = self._parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def members(self, root: int) -> list[int]:
        """Indices of the figures of the group whose root is `root`, in reading order."""
        return sorted(self._members[root])

    def groups(self) -> list[list[int]]:
        """Every group as its figures' indices, in reading order of their first figure."""
        seen: dict[int, list[int]] = {}
        for i in range(len(self.figures)):
            seen.setdefault(self.find(i), []).append(i)
        return list(seen.values())

    def extend(self, figures: Sequence[LedgerFigure]) -> tuple[set[int], set[int]] | None:
        """Append `figures` (in reading order, after every figure so far).  Returns the roots of the
        groups they are in and the roots of earlier groups merged into others, or None, changing
        nothing, when they would change which words link (build the block again then)."""
        n_old, n = len(self.figures), len(self.figures) + len(figures)
        added: dict[str, int] = {}
        for f in figures:
            for w in _linking_words(f):
                added[w] = added.get(w, 0) + 1
        freq = self._frequency
        for w, k in added.items():
            if freq.get(w, 0) and _links(w, freq[w], n_old) != _links(w, freq[w] + k, n):
                return None
        if n_old != n:
            for w in self._capitalised:
                if w not in added and _links(w, freq[w], n_old) != _links(w, freq[w], n):
                    return None
        merged: set[int] = set()
        start = len(self.figures)
        for f in figures:
            self._count(f)
        self._link(figures, merged)
        roots = {self.find(i) for i in range(start, n)}
        return roots, {r for r in merged if r < start} - roots

    # ------------------------------------------------------------------ building
    def _count(self, f: LedgerFigure) -> None:
        for w in _linking_words(f):
            self._frequency[w] = self._frequency.get(w, 0) + 1
            if w[:1].isupper():
                self._capitalised.add(w)

    def _link(self, figures: list[LedgerFigure], merged: set[int] | None = None) -> None:
        """Append `figures` (already counted) and link each to the figures before it."""
        start = len(self.figures)
        n = start + len(figures)
        for i, f in enumerate(figures, start):
            self.figures.append(f)
            self._parent.append(i)
            self._members[i] = [i]
            if f.claim:
                first = self._claims.setdefault(f.claim, i)
                if first != i:
                    self._union(first, i, merged)
        freq = self._frequency
        # each figure counts the words it shares with the WINDOW figures before it in each of its
        # words' postings (reading order), and joins those it shares MIN_SHARED_WORDS with
        for b in range(start, n):
            shared: dict[int, int] = {}
            for w in _linking_words(self.figures[b]):
                if not _links(w, freq[w], n):
                    continue
                members = self._postings.setdefault(w, [])
                for a in members[-WINDOW:]:
                    k = shared.get(a, 0) + 1
                    shared[a] = k
                    if k == MIN_SHARED_WORDS:
                        self._union(a, b, merged)
                members.append(b)

    def _union(self, i: int, j: int, merged: set[int] | None) -> None:
        a, b = self.find(i), self.find(j)
        if a == b:
            return
        if len(self._members[a]) > len(self._members[b]):
            a, b = b, a  # the smaller group joins the larger: members move at most log n times each
        self._parent[a] = b
        self._members[b].extend(self._members.pop(a))
        if merged is not None:
            merged.update((a, b))


def _linking_words(f: LedgerFigure) -> tuple[str, ...]:
    return f.context if f.kind not in CLAIM_ONLY_KINDS else ()


def _links(word: str, k: int, n: int) -> bool:
    """Whether a context word found around `k` of a block's `n` figures links figures."""
    return not (word[:1].isupper() and n >= 3 and k > n / 2) and k <= COMMON_POSTING


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
