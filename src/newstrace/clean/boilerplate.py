"""Decide which lines of a report are boilerplate: phrase lexicon plus general line features."""
from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Sequence

from ..resources import load_lines, load_yaml

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_QUOTED = re.compile(r"[\"“”«»]")
_SENTENCE_END = tuple('.!?"”’)…')
_STRAIGHTEN = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})

NAV_MAX_WORDS = 8  # a line without sentence punctuation this short may be navigation
NAV_RUN_EDGE = 3  # lines in a navigation run touching the start or end of the report
NAV_RUN_INSIDE = 5  # lines in a navigation run anywhere else
CAPTION_SIMILARITY = 0.85  # a line this similar to the previous one (credit stripped) repeats it
OUTLET_MIN = 2  # earlier reports of the same outlet holding a line before it counts as boilerplate
TRAILING_FROM = 0.5  # a trailing block opened after this share of the lines runs to the end


@dataclass(frozen=True)
class Rule:
    kind: str
    pattern: re.Pattern[str]
    strong: bool
    max_words: int | None
    block: str | None  # None | "trailing" | "related"


@dataclass(frozen=True)
class Verdict:
    """Why a line is removed."""

    kind: str
    reason: str


@dataclass(frozen=True)
class Line:
    """Features of one non-blank line."""

    index: int
    text: str
    words: int
    key: str  # line_key: digits ignored (for counts across an outlet's reports)
    exact: str  # case and spacing ignored, digits kept (for repeats inside one report)
    body: bool  # quotation or attribution verb: body text unless a strong rule fires
    ends_sentence: bool
    rule: Rule | None

    @property
    def navish(self) -> bool:
        return not self.body and self.words <= NAV_MAX_WORDS and not self.ends_sentence

    @property
    def title_like(self) -> bool:
        return not self.body and 3 <= self.words <= 30 and not self.text.endswith(".")


@lru_cache(maxsize=1)
def load_rules() -> tuple[tuple[Rule, ...], tuple[re.Pattern[str], ...]]:
    """The phrase lexicon (resources/boilerplate.yaml) compiled once per process."""
    data = load_yaml("boilerplate.yaml")
    rules = []
    for kind, entries in data["rules"].items():
        for e in entries:
            rules.append(Rule(kind, re.compile(e["re"], re.I), bool(e.get("strong", False)),
                              e.get("max_words", None if e.get("strong") else 30), e.get("block")))
    rules.sort(key=lambda r: not r.strong)  # strong rules are tried first
    cues = tuple(re.compile(c, re.I) for c in data.get("body_cues", []))
    return tuple(rules), cues


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(load_lines("stopwords_en.txt"))


def line_key(line: str) -> str:
    """Normalised hash key of a line: case, digits, punctuation and spacing ignored ('' if blank)."""
    norm = unicodedata.normalize("NFKC", line).casefold()
    words = re.findall(r"[^\W_]+", re.sub(r"\d+", "0", norm))
    if not words:
        return ""
    return hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()[:16]


def line_keys(text: str) -> set[str]:
    """Keys of every non-blank line of a text (what an outlet's line counts are built from)."""
    return {k for k in (line_key(l) for l in text.splitlines()) if k}


def stopword_share(text: str) -> float:
    words = [w.lower() for w in _WORD.findall(text)]
    return sum(w in stopwords() for w in words) / len(words) if words else 0.0


def _match(text: str, words: int, body: bool) -> Rule | None:
    straight = text.translate(_STRAIGHTEN)
    for rule in load_rules()[0]:
        if rule.max_words is not None and words > rule.max_words:
            continue
        if not rule.strong and body:
            continue
        if rule.pattern.search(straight):
            return rule
    return None


def describe_line(index: int, text: str) -> Line:
    words = len(_WORD.findall(text))
    quoted = len(_QUOTED.findall(text)) >= 1 and words >= 6
    body = quoted or any(c.search(text) for c in load_rules()[1])
    exact = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return Line(index, text, words, line_key(text), exact, body, text.endswith(_SENTENCE_END),
                _match(text, words, body))


def strip_credit(text: str) -> str:
    """The line without a trailing photo credit ("... Photograph: Agency/Name")."""
    for rule in load_rules()[0]:
        if rule.kind == "photo_credit":
            m = rule.pattern.search(text)
            if m and m.start() > 0:
                return text[:m.start()].rstrip()
    return text


class _Decisions(dict):
    """index -> Verdict; the first decision for a line stands unless `force` is given."""

    def put(self, i: int, kind: str, reason: str, force: bool = False) -> None:
        if force or i not in self:
            self[i] = Verdict(kind, reason)


def classify_lines(texts: Sequence[str], title: str | None = None, author: str | None = None,
                   outlet_lines: Mapping[str, int] | None = None) -> dict[int, Verdict]:
    """Indexes of `texts` (normalised lines, '' for blank) that are boilerplate, with why."""
    lines = [describe_line(i, t) for i, t in enumerate(texts) if t.strip()]
    out = _Decisions()
    if not lines:
        return out
    _apply_lexicon(lines, out)
    _apply_captions(lines, out)
    _apply_repeats(lines, out)
    _apply_blocks(lines, out)
    head = _apply_navigation(lines, out, title, author)
    _apply_outlet(lines, out, outlet_lines or {}, head)
    _apply_title_repeat(lines, out, head, title)
    return out


def _apply_lexicon(lines: list[Line], out: _Decisions) -> None:
    for ln in lines:
        if ln.words == 0:
            out.put(ln.index, "boilerplate", "no words (a separator)")
        if ln.rule is not None:
            strength = "strong" if ln.rule.strong else "weak"
            out.put(ln.index, ln.rule.kind, f"lexicon ({strength}): {ln.rule.pattern.pattern}")


def _apply_captions(lines: list[Line], out: _Decisions) -> None:
    """A line repeated by the next one (maybe with a credit appended): the repeat goes."""
    for prev, cur in zip(lines, lines[1:]):
        bare = strip_credit(cur.text)
        credited = bare != cur.text
        if not credited and cur.exact != prev.exact:
            continue  # without a credit only an exact repeat is a caption copy
        sim = difflib.SequenceMatcher(None, prev.text.lower(), bare.lower(), autojunk=False).ratio()
        if sim < CAPTION_SIMILARITY:
            continue
        reason = f"repeats the previous line (similarity {sim:.2f}{', credit appended' if credited else ''})"
        if credited:  # the credited copy goes; the caption itself stays (its places and facts count)
            out.put(cur.index, "caption_repeat", "caption: " + reason, force=True)
        elif prev.body and prev.words >= 8 and prev.ends_sentence:
            out.put(cur.index, "caption_repeat", "duplicate body line: " + reason)
        else:
            kind = "navigation" if prev.navish else "caption_repeat"
            out.put(prev.index, kind, reason)
            out.put(cur.index, kind, reason)


def _apply_repeats(lines: list[Line], out: _Decisions) -> None:
    """Short unpunctuated lines repeated anywhere in the report are site furniture (all copies
    go); a repeated sentence (pull quote, duplicated paragraph) keeps its first copy."""
    first: dict[str, Line] = {}
    for ln in lines:
        if not ln.key or not ln.words:
            continue
        if ln.exact not in first:
            first[ln.exact] = ln
            continue
        orig = first[ln.exact]
        if orig.index == lines[0].index:
            continue  # the headline repeated: see _apply_title_repeat
        if not ln.body and (ln.navish or ln.words <= 2):
            out.put(orig.index, "boilerplate", f"short line repeated (line {ln.index + 1})")
            out.put(ln.index, "boilerplate", f"short line repeated (line {orig.index + 1})")
        else:
            out.put(ln.index, "boilerplate", f"repeats line {orig.index + 1}")


def _linkish(ln: Line) -> bool:
    """A link title or teaser: short, or without sentence punctuation, and no reported speech."""
    return not ln.body and (ln.navish or (ln.words <= 20 and not ln.ends_sentence))


def _apply_blocks(lines: list[Line], out: _Decisions) -> None:
    for pos, ln in enumerate(lines):
        if ln.rule is None or ln.rule.block is None or ln.index not in out:
            continue
        late = pos >= TRAILING_FROM * len(lines)
        origin = f"in a block opened by line {ln.index + 1} ({ln.rule.kind})"
        for nxt in lines[pos + 1:]:
            if ln.rule.block == "trailing" and late:
                kind = nxt.rule.kind if nxt.rule is not None else ln.rule.kind
                out.put(nxt.index, kind, "trailing block: " + origin)
            elif nxt.index in out:
                continue
            elif _linkish(nxt):
                out.put(nxt.index, "related", "link list: " + origin)
            else:
                break


def _edge(lines: list[Line], out: _Decisions, start: int, end: int, head_pos: int) -> bool:
    """True when only the headline or removed lines lie before `start`, or only removed lines
    after `end` (inclusive positions)."""
    before = [l for l in lines[head_pos + 1:start]]
    return all(l.index in out for l in before) or all(l.index in out for l in lines[end + 1:])


def _find_head(lines: list[Line], out: _Decisions, title: str | None) -> tuple[int, int]:
    """(position of the headline in `lines`, end of the navigation run around it).

    The headline is the line matching `title` when one is given.  Else, when the report opens
    with a run of short lines (menu, byline, date), it is the line after the run if that line
    is title-like, or the longest line of the run; otherwise the first line.
    """
    tkey = line_key(title) if title else ""
    for pos, ln in enumerate(lines[:20]):
        if tkey and ln.key == tkey:
            return pos, pos + 1
    end = 0
    while end < len(lines) and (lines[end].navish or lines[end].index in out):
        end += 1
    if end < len(lines) and lines[end].title_like and (end >= NAV_RUN_EDGE or lines[0].index in out):
        return end, end + 1
    if end >= NAV_RUN_EDGE:
        free = [p for p in range(end) if lines[p].index not in out and lines[p].words >= 3]
        if free:
            return max(free, key=lambda p: (lines[p].words, -p)), end
    for pos, ln in enumerate(lines):
        if ln.index not in out or out[ln.index].kind == "navigation":
            return pos, pos + 1
    return 0, 1


def _apply_navigation(lines: list[Line], out: _Decisions, title: str | None, author: str | None) -> int:
    """Runs of short unpunctuated lines at the start or end (menus, bylines, section names),
    anything short above the headline, and the author's byline.  Returns the headline index."""
    head_pos, run_end = _find_head(lines, out, title)
    head = lines[head_pos].index
    for ln in lines[:head_pos]:
        if ln.navish or not ln.body:
            out.put(ln.index, "navigation", "above the headline")
    for ln in lines[head_pos + 1:run_end]:
        out.put(ln.index, "navigation", "short line under the headline, in the opening run")
    akey = line_key(author) if author else ""
    for ln in lines[:10] + lines[-5:]:
        if akey and ln.key in (akey, line_key("by " + (author or ""))) and ln.index != head:
            out.put(ln.index, "navigation", "byline (the report's author)")
    pos = max(head_pos + 1, run_end)
    while pos < len(lines):
        end = pos
        while end < len(lines) and (lines[end].navish or lines[end].index in out):
            end += 1
        size = end - pos
        if size >= NAV_RUN_INSIDE or (size >= NAV_RUN_EDGE and _edge(lines, out, pos, end - 1, head_pos)):
            for ln in lines[pos:end]:
                out.put(ln.index, "navigation", f"navigation run of {size} short lines")
        pos = max(end, pos + 1)
    return head


def _apply_outlet(lines: list[Line], out: _Decisions, counts: Mapping[str, int], head: int) -> None:
    """Lines seen in earlier reports of the same outlet.  When most lines are (the outlet published
    the article before), only short unpunctuated ones are taken."""
    frequent = [ln for ln in lines if counts.get(ln.key, 0) >= OUTLET_MIN and ln.index != head and not ln.body]
    if not frequent:
        return
    chosen = frequent
    if len(frequent) > 0.5 * len(lines):  # a re-published article: only its menu-like lines
        chosen = [ln for ln in frequent if ln.navish]
    for ln in chosen:
        out.put(ln.index, "boilerplate", f"seen in {counts[ln.key]} earlier reports of the outlet")


def _apply_title_repeat(lines: list[Line], out: _Decisions, head: int, title: str | None) -> None:
    """Copies of the headline go; the headline itself stays unless a strong lexicon rule fired."""
    by_index = {l.index: l for l in lines}
    keys = {k for k in (line_key(title) if title else "", by_index[head].key) if k}
    for ln in lines:
        if ln.index != head and ln.key in keys:
            out.put(ln.index, "title_repeat", "repeats the headline", force=True)
    rule = by_index[head].rule
    if head in out and not (rule is not None and rule.strong):
        del out[head]
