"""A claim's summary: its best supporting statement, made to read as a standalone proposition.

Statement contents are attribution contents as written: "that the harbour board sold the dredger",
a quotation with one of its marks left outside, a lowercase start, a clause that runs past any
sensible length. The summary picks the supporting statement that reads best on its own (central
to the claim, a complete clause of reasonable length), then normalises it: no leading
complementiser, balanced quotes, a capital, a full stop, a cut only at a clause boundary, and the
claim's event dates in parentheses when the text names none.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Sequence

LIMIT = 200  # characters of the proposition, before the date is added

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\u2019\-]*")
# "that" before a verb is a pronoun subject ("that was a mistake"), not a complementiser
_LEAD = re.compile(r"^(?:whether|and|but|that(?!\s+(?:is|was|were|are|has|had|have|would|will|could|can|"
                   r"may|might|must|should|did|does|do|remains|seems|means)\b))\s+", re.IGNORECASE)
_TRAIL = re.compile(r"(?:[\s,;:\-\u2013\u2014]+|\s+(?:and|or|but|while|as|because|after|whereas))$", re.IGNORECASE)
_ELLIPSIS = re.compile(r"^(?:\u2026|\.\.\.)\s*|\s*(?:\u2026|\.\.\.)$")
_END = re.compile(r"[.!?][\"'\u201d\u2019)]*$")
# where a clause ends: a sentence's full stop (not an initial's or a title's), a semicolon or comma,
# a spaced dash, or the space before a conjunction that opens the next clause
_BOUNDARY = re.compile(r"(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\b[A-Z])\.(?=\s+[\"'\u201c\u2018A-Z])|[;,](?=\s)"
                       r"|\s[\u2013\u2014-]\s|\s(?=(?:and|but|while|after|because|whereas|although)\s)")
_LOW = re.compile(r"[a-z0-9]+")
# an embedded question or a condition ("whether the ship docked", "if the mill shipped steel",
# "how many were sent"): left open, so no proposition to print as the claim
_QUESTION = re.compile(r"(?:whether|if|why|how)\b", re.IGNORECASE)
_DATE_SUFFIX = re.compile(r"\s\([^()]*\)[.!?]?$")
_PRONOUN = frozenset("it they he she this these those we i them such".split())
_NO_SUBJECT = frozenset("to of for about on over with without by".split())
_AS_SAYING = re.compile(r"\bas (?:saying|having said|telling)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:I|we|We|our|Our|us|my|My)\b")
_AUX = frozenset("""is are was were be been being has have had will would shall should can could may might must
do does did""".split())
_IRREGULAR = frozenset("""sent sold gave given took taken made left went gone came began begun bought brought built
said fired hit shot struck held kept met paid put ran saw seen told won lost got found moved flew flown drove
driven fell fallen rose risen cut set shut spent stood threw thrown wrote written""".split())
_DATE_WORDS = re.compile(
    r"\b(?:(?:January|February|March|April|June|July|August|September|October|November|December)\b|"
    r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)(?:\.|\s+\d)|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today|tonight|"
    r"\d{1,2}\s+May|May\s+\d|(?:in|since|until|by|early|late|mid-?)\s+May\b|"
    r"(?:last|this|next|earlier this|later this)\s+(?:week|weekend|month|year|spring|summer|autumn|fall|winter|night)|"
    r"(?:days|weeks|months|years)\s+ago)|(?<![\d,.])(?:19|20)\d{2}(?![\d,.]?\d)(?!\s+[a-z]+s\b)")


@dataclass(frozen=True)
class Candidate:
    """One statement of a claim, as the summary sees it."""

    text: str  # the statement's content as extracted
    stance: str = "support"  # support | deny | hedge toward the claim
    centrality: float = 0.0  # mean cosine to the claim's members


def summarise(candidates: Sequence[Candidate], dates: Mapping[str, int] | None = None, limit: int = LIMIT) -> str:
    """The claim's summary: the best-reading statement of the first stance that has one
    (support, then hedge, then deny), normalised, with `dates` (ISO value -> count) as a compact
    date or range when the proposition names no date. Ties go to the earliest candidate."""
    pool = next(([c for c in candidates if c.stance == s] for s in ("support", "hedge", "deny")
                 if any(c.stance == s for c in candidates)), [])
    pool = [c for c in pool if c.text and c.text.strip()] or pool
    if not pool:
        return ""
    best = max(pool, key=lambda c: round(c.centrality + readability(c.text, limit), 2))
    text = normalise(best.text, limit)
    label = date_label(dates or {})
    if label and text and not names_date(text):
        # the date goes before the closing punctuation, outside any closing quote mark
        m = re.search(r"([.!?])([\"'\u201d\u2019)]*)$", text)
        text = text[:m.start()] + m.group(2) + f" ({label})" + m.group(1) if m else f"{text} ({label})."
    return text


def normalise(text: str, limit: int = LIMIT) -> str:
    """`text` as a sentence: no leading complementiser, balanced quotes, capitalised, ending with a
    full stop, at most `limit` characters cut at a clause boundary."""
    s = _clean(text)
    if len(s) > limit:
        s = _clean(_cut(s, limit))
    return _finish(s)


@lru_cache(maxsize=1 << 16)  # a claim's summary weighs every member again each time one joins
def readability(text: str, limit: int = LIMIT) -> float:
    """0 for a complete clause of reasonable length, less for what reads badly alone: a fragment,
    a question, a pronoun whose antecedent is elsewhere, a start with no subject, a quotation cut
    where it was reported, text that must be cut (more when it has no clause boundary to cut at)."""
    raw = " ".join((text or "").split())
    s = _clean(raw)
    words = _WORD.findall(s)
    penalty = 0.0
    if len(words) < 5:
        penalty += 0.4
    elif len(words) < 8:
        penalty += 0.1
    if len(s) > limit:
        penalty += 0.2 if _boundary_before(s, limit) else 0.4
    if raw.endswith(("\u2026", "...")) or raw.startswith(("\u2026", "...")):
        penalty += 0.3
    if s.rstrip("\"'\u201d\u2019)").endswith("?") or _QUESTION.match(raw):
        penalty += 0.4
    if words and words[0].lower() in _PRONOUN:
        penalty += 0.3
    if words and words[0].lower() in _NO_SUBJECT:  # "to be paid", "about the sale": no one does it
        penalty += 0.3
    if _AS_SAYING.search(s):  # "(quoted) the director as saying ...": the reporting frame, not the claim
        penalty += 0.3
    if _FIRST_PERSON.search(s):  # a speaker's own voice reads oddly as the claim's
        penalty += 0.1
    if not _has_verb(words):
        penalty += 0.3
    if _unmatched(raw):
        penalty += 0.1
    return -penalty


def names_date(text: str) -> bool:
    """Whether the text names a date or time of its own (a month, a weekday, a year, "last week")."""
    return bool(_DATE_WORDS.search(text or ""))


def taken_from(summary: str, text: str) -> bool:
    """Whether `summary` was made from `text`: its words, less an added date, run in the text (the
    normalisation changes case, quote marks, a leading complementiser and the end, never the words)."""
    words = _LOW.findall(_DATE_SUFFIX.sub("", summary or "").lower())
    hay = _LOW.findall((text or "").lower())
    n = len(words)
    return bool(words) and any(hay[i:i + n] == words for i in range(len(hay) - n + 1))


def date_label(dates: Mapping[str, int]) -> str | None:
    """A compact date or range for ISO values (YYYY, YYYY-MM, YYYY-MM-DD), at the coarsest
    precision among them: "12 May 2024", "12–14 May 2024", "March–April 2024", "2023–2024".
    When they span more than a year the most common one stands alone (a stray date is noise)."""
    parsed = [(p, n) for v, n in dates.items() if n > 0 and (p := _parse(v))]
    if not parsed:
        return None
    precision = min(len(p) for p, _ in parsed)
    values = [(p[:precision], n) for p, n in parsed]
    lo, hi = min(p for p, _ in values), max(p for p, _ in values)
    if precision > 1 and (hi[0] - lo[0]) * 12 + hi[1] - lo[1] > 12 or precision == 1 and hi[0] - lo[0] > 1:
        counts: dict[tuple[int, ...], int] = {}
        for p, n in values:
            counts[p] = counts.get(p, 0) + n
        lo = hi = max(sorted(counts), key=lambda p: counts[p])
    return _format_range(lo, hi)


# ---------------------------------------------------------------------------- helpers
def _clean(text: str) -> str:
    s = " ".join((text or "").split())
    while True:
        before = s
        s = _ELLIPSIS.sub("", s).strip()
        s = _LEAD.sub("", s)
        s = _balance(s)
        s = _unwrap(s)
        s = _TRAIL.sub("", s).strip()
        if s == before:
            return s


def _finish(s: str) -> str:
    if not s:
        return s
    m = re.search(r"[A-Za-z]", s)
    if m and s[m.start()].islower():
        word = _WORD.match(s, m.start())
        if not (word and any(ch.isupper() for ch in word.group(0))):  # "eBay" keeps its case
            s = s[:m.start()] + s[m.start()].upper() + s[m.start() + 1:]
    return s if _END.search(s) else s + "."


def _quote_pairs(s: str) -> tuple[list[tuple[int, int]], list[int]]:
    """Matched double-quote pairs (open, close) and the positions of unmatched marks."""
    pairs, unmatched = [], []
    open_at: int | None = None
    for i, ch in enumerate(s):
        if ch == "\u201c" or (ch == '"' and open_at is None):
            if open_at is not None:
                unmatched.append(open_at)
            open_at = i
        elif ch in "\u201d\"":
            if open_at is None:
                unmatched.append(i)
            else:
                pairs.append((open_at, i))
                open_at = None
    if open_at is not None:
        unmatched.append(open_at)
    # single marks: an opening one with no closing one after it (a closing one is also an apostrophe)
    for m in re.finditer("\u2018", s):
        if "\u2019" not in s[m.end():]:
            unmatched.append(m.start())
    return pairs, sorted(unmatched)


def _unmatched(s: str) -> bool:
    return bool(_quote_pairs(s)[1])


def _balance(s: str) -> str:
    """Drop quote marks without their partner ("the ministry said it “sold the dredger")."""
    _, unmatched = _quote_pairs(s)
    for i in reversed(unmatched):
        s = s[:i] + s[i + 1:]
    return re.sub(r"\s{2,}", " ", s).strip()


def _unwrap(s: str) -> str:
    """Drop quote marks around the whole text: the summary is the proposition, not the quotation."""
    if len(s) < 2:
        return s
    pairs, _ = _quote_pairs(s)
    if (0, len(s) - 1) in pairs:
        return s[1:-1].strip()
    if s[0] == "\u2018" and s[-1] == "\u2019" and s.count("\u2018") == 1:  # straight ones may be apostrophes
        return s[1:-1].strip()
    return s


def _boundary_before(s: str, limit: int, min_words: int = 4) -> int | None:
    """The last clause boundary at or before `limit` that leaves at least `min_words`, preferring
    one outside any quotation unless that keeps under half as much (a cut inside a quotation
    drops its opening mark)."""
    pairs, _ = _quote_pairs(s)
    ok, inside = None, None
    for m in _BOUNDARY.finditer(s, 0, limit + 1):
        end = _end_of(m)
        if len(_WORD.findall(s[:end])) < min_words:
            continue
        if any(a < m.start() < b for a, b in pairs):
            inside = end
        else:
            ok = end
    return ok if ok is not None and (inside is None or 2 * ok >= inside) else inside


def _cut(s: str, limit: int) -> str:
    """Cut at a clause boundary before `limit`; failing that at the first one after it (up to half
    the limit again), and only then at a word, never inside one."""
    at = _boundary_before(s, limit)
    if at is None:
        after = _BOUNDARY.search(s, limit)
        if after and after.start() <= limit * 3 // 2:
            at = _end_of(after)
    if at is not None:
        return s[:at]
    cut = s[:limit].rsplit(" ", 1)[0]
    # a word cut must not end on a word that needs what follows it
    return re.sub(r"(?:\s+(?:the|a|an|of|to|in|on|at|for|with|by|from|and|or|but|that|which|its|their))+$", "",
                  cut, flags=re.IGNORECASE)


def _end_of(m: re.Match[str]) -> int:
    """Where text cut at a boundary ends: a sentence keeps its full stop, a clause loses its comma."""
    return m.start() + 1 if m.group(0) == "." else m.start()


def _has_verb(words: Sequence[str]) -> bool:
    low = [w.lower() for w in words]
    for i, w in enumerate(low):
        # "-ed" outside compounds ("state-owned" is an adjective)
        if w in _AUX or w in _IRREGULAR or (len(w) > 4 and w.endswith("ed") and "-" not in w):
            return True
        # present tense after a subject: "Borduria supplies", "it denies"
        if i and w.endswith("s") and len(w) > 3 and (words[i - 1][0].isupper() or low[i - 1] in _PRONOUN):
            return True
    return False


def _parse(value: str) -> tuple[int, ...] | None:
    m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$", value or "")
    if not m:
        return None
    parts = tuple(int(g) for g in m.groups() if g)
    if len(parts) > 1 and not 1 <= parts[1] <= 12 or len(parts) > 2 and not 1 <= parts[2] <= 31:
        return None
    return parts


def _format_range(lo: tuple[int, ...], hi: tuple[int, ...]) -> str:
    def one(p: tuple[int, ...], year: bool = True) -> str:
        parts = ([str(p[2])] if len(p) > 2 else []) + ([_MONTHS[p[1] - 1]] if len(p) > 1 else [])
        return " ".join(parts + ([str(p[0])] if year else []))

    if lo == hi:
        return one(lo)
    if len(lo) == 1:
        return f"{lo[0]}\u2013{hi[0]}"
    if lo[0] != hi[0]:
        return f"{one(lo)} \u2013 {one(hi)}"
    if len(lo) == 2:
        return f"{_MONTHS[lo[1] - 1]}\u2013{one(hi)}"
    if lo[1] == hi[1]:
        return f"{lo[2]}\u2013{one(hi)}"
    return f"{one(lo, year=False)} \u2013 {one(hi)}"
