"""Content spans of a cue: clause, object and preposition complements, trimmed at asides and tails."""
from __future__ import annotations

import bisect
import re
from typing import Sequence

from ..model import ParsedReport

OBJECT_TAIL = {"prep", "oprd", "xcomp", "advcl", "acomp", "ccomp"}
OBJECT_PREPS = {"of", "as", "for", "over"}
CONTENT_PREPS = {"for", "on", "against", "of", "about"}  # "called for X", "warned against X"
EMPTY_OBJECTS = {"nothing", "anything", "something", "it", "this", "that", "so"}
DASHES = {"\u2013", "\u2014", "--"}
DISCOURSE = {"however", "meanwhile", "still", "instead", "nonetheless", "nevertheless"}


class Tree:
    """Children lists and subtree edges of a parse, computed once (tokens x depth)."""

    def __init__(self, parsed: ParsedReport):
        toks = parsed.tokens
        n = len(toks)
        self.children: list[list[int]] = [[] for _ in range(n)]
        self.left = list(range(n))
        self.right = list(range(n))
        for t in toks:
            if t.head != t.i:
                self.children[t.head].append(t.i)
        for t in toks:
            k, steps = t.i, 0
            while toks[k].head != k and steps < 80:
                k = toks[k].head
                steps += 1
                self.left[k] = min(self.left[k], t.i)
                self.right[k] = max(self.right[k], t.i)
        self.quote_starts: list[int] = []
        self.memo: dict = {}  # per-report lookups content_model makes on first use (quote regions, cue scores)

    def child(self, parsed: ParsedReport, i: int, deps: Sequence[str]) -> int | None:
        for c in self.children[i]:
            if parsed.tokens[c].dep in deps:
                return c
        return None


def trim(parsed: ParsedReport, a: int, b: int) -> tuple[int, int] | None:
    """Token range [a, b] without punctuation or conjunctions at its edges."""
    toks = parsed.tokens
    while a <= b and (toks[a].is_punct or toks[a].dep == "cc"):
        a += 1
    while b >= a and (toks[b].is_punct or toks[b].dep == "cc"):
        b -= 1
    return (a, b) if a <= b else None


def char_spans(parsed: ParsedReport, rng: tuple[int, int] | None) -> list[tuple[int, int]]:
    if rng is None:
        return []
    return [(parsed.tokens[rng[0]].start, parsed.tokens[rng[1]].end)]


def object_content(parsed: ParsedReport, tree: Tree, i: int) -> list[tuple[int, int]]:
    toks = parsed.tokens
    obj = tree.child(parsed, i, ("dobj",))
    later = [c for c in tree.children[i] if obj is not None and c > obj and toks[c].dep in ("dobj", "dep", "appos")]
    if obj is None or toks[obj].pos == "PRON" and toks[obj].text.lower() in ("it", "this", "that") \
            and not any(toks[c].dep in OBJECT_TAIL for c in tree.children[i] if c > obj):
        return []
    end = tree.right[obj]
    lemma = toks[i].lemma.lower()
    kids = [c for c in tree.children[i] if c > obj] + [c for d in later for c in tree.children[d] if c > d]
    if lemma not in ("deny", "reject", "dismiss", "refute", "dispute", "confirm", "allege") and not any(
            toks[c].dep in ("oprd", "xcomp", "ccomp", "acomp")
            or (toks[c].dep == "prep" and toks[c].text.lower() in OBJECT_PREPS) for c in kids):
        return []  # "called her brother": no complement, no attribution
    for c in kids:
        if toks[c].dep in ("oprd", "xcomp", "ccomp", "acomp") \
                or (toks[c].dep == "prep" and toks[c].text.lower() in OBJECT_PREPS):
            end = max(end, tree.right[c])  # "accused the operator – a partner – of ignoring ...": the later object's prep
    return char_spans(parsed, trim(parsed, tree.left[obj], end))


def prep_content(parsed: ParsedReport, tree: Tree, i: int) -> list[tuple[int, int]]:
    """ "called for an inquiry", "warned of delays": the verb's own preposition and its object."""
    toks = parsed.tokens
    c = tree.child(parsed, i, ("prep",))
    if c is None or c != i + 1 or toks[c].text.lower() not in CONTENT_PREPS:
        return []
    p = tree.child(parsed, c, ("pobj", "pcomp"))
    if p is None or toks[p].ent_type in ("DATE", "TIME") or toks[p].lemma.lower() in EMPTY_OBJECTS:
        return []
    return char_spans(parsed, trim(parsed, c, tree.right[c]))


def that_fallback(parsed: ParsedReport, i: int, sent_end: int) -> list[tuple[int, int]]:
    """Misparsed "said for the first time that ...": content from the next "that" to the end."""
    toks = parsed.tokens
    for k in range(i + 1, min(i + 8, sent_end)):
        if toks[k].pos in ("VERB", "AUX") or toks[k].is_punct:
            return []
        if toks[k].text.lower() == "that" and toks[k].dep in ("mark", "advmod", "nsubj"):
            return char_spans(parsed, trim(parsed, k, sent_end - 1))
    return []


def cut_aside(parsed: ParsedReport, span: tuple[int, int]) -> tuple[int, int]:
    """Drop a trailing dash-led aside of the writer ("... are due – possibly linked to ...")."""
    toks = parsed.tokens
    starts = parsed.token_starts
    a = bisect.bisect_left(starts, span[0])
    b = bisect.bisect_right(starts, span[1] - 1) - 1
    dashes = [k for k in range(a + 2, b) if toks[k].text in DASHES]
    if len(dashes) != 1:
        return span  # a paired dash is a parenthesis inside the content
    k = dashes[0]
    nxt = toks[k + 1]
    if nxt.pos == "ADV" and k + 2 <= b and toks[k + 2].tag == "VBG" or nxt.tag == "VBG":
        rng = trim(parsed, a, k - 1)
        if rng:
            end = rng[1] + 1 if toks[rng[1] + 1].text in ("\u201d", '"', "''") else rng[1]
            return (toks[rng[0]].start, toks[end].end)
    return span




def tidy(parsed: ParsedReport, tree: Tree, content: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop a leading "However," and a trailing comma-led relative, participle or apposition."""
    toks = parsed.tokens
    starts = parsed.token_starts
    a = bisect.bisect_left(starts, content[0][0])
    b = bisect.bisect_right(starts, content[0][1] - 1) - 1
    if a + 1 < b and toks[a].text.lower() in DISCOURSE and toks[a + 1].text == ",":
        a += 2
    for k in range(b - 1, a, -1):
        if toks[k].text != ",":
            continue
        h = k + 1
        while toks[h].head != h and k < toks[h].head <= b:
            h = toks[h].head
        if toks[h].dep in ("relcl", "acl", "appos", "advcl") and tree.left[h] == k + 1 and tree.right[h] >= b - 1:
            b = k - 1
        break
    rng = trim(parsed, a, b)
    return char_spans(parsed, rng) if rng else content


def vp_content(parsed: ParsedReport, tree: Tree, i: int) -> tuple[int, int] | None:
    """Clause or complements right of verb `i` up to a comma-led adverbial clause or conjunct."""
    toks = parsed.tokens
    clause = tree.child(parsed, i, ("ccomp",))
    if clause is not None and clause > i:
        return trim(parsed, tree.left[clause], tree.right[clause])
    lo = hi = None
    for c in sorted(tree.children[i]):
        if c <= i or toks[c].dep in ("punct", "cc", "prt", "neg", "aux", "advmod"):
            continue
        if toks[c].dep in ("conj", "parataxis") or (toks[c].dep in ("advcl", "npadvmod") and toks[c - 1].is_punct) \
                or (toks[tree.left[c] - 1].text in (",", ";", "--") and toks[c].dep not in ("dobj", "ccomp", "xcomp")):
            break
        if toks[c].dep == "prep" and lo is None:
            p = tree.child(parsed, c, ("pobj", "pcomp"))
            if p is None:
                continue
            lo = tree.left[p]
        elif lo is None:
            lo = tree.left[c]
        hi = tree.right[c]
    if lo is None or hi is None:
        return None
    return trim(parsed, lo, hi)


LABEL = re.compile(r"[\"\u201c\u00ab]?\s*([A-Z][A-Z.'\u2019 -]{1,30}):\s+")


def drop_speaker_label(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """A transcript turn ("SMITH: We will ..."): the content starts after the speaker's capitalised label."""
    m = LABEL.match(text, span[0], span[1])
    if m is None or not any(ch.isalpha() for ch in m.group(1)) or m.end() >= span[1]:
        return span
    return (m.end(), span[1])
