"""Learned content chooser: candidate boundaries around a cue's content span, ranked by a linear model."""
from __future__ import annotations

import bisect
import math
from functools import lru_cache
from typing import Sequence

from ..model import ParsedReport
from ..resources import load_json
from .content import Tree, trim

MODEL_FILE = "content_model.json"
LEAD_WORDS = {"but", "and", "so", "yet", "or", "well"}
TAIL_DEPS = {"prep", "npadvmod", "advmod", "advcl", "agent", "dative"}
COMPLEMENT_DEPS = {"oprd", "xcomp", "ccomp", "acomp"}
CHOOSE_TYPES = {"indirect", "mixed", "according_to", "passive", "nominal", "direct", "continuation"}


@lru_cache(maxsize=1)
def load_model() -> dict | None:
    """The shipped weights {"weights": {feature: w}, "intercept": b}, or None if absent."""
    return load_json(MODEL_FILE)


def _token_range(parsed: ParsedReport, span: tuple[int, int]) -> tuple[int, int] | None:
    starts = parsed.token_starts
    a = bisect.bisect_left(starts, span[0])
    b = bisect.bisect_right(starts, span[1] - 1) - 1
    return trim(parsed, a, b) if a <= b else None




def _root(parsed: ParsedReport, a: int, b: int) -> int:
    """The first token of [a, b] whose head lies outside the range."""
    toks = parsed.tokens
    for k in range(a, b + 1):
        if not a <= toks[k].head <= b or toks[k].head == k:
            return k
    return a


def _starts_of(parsed: ParsedReport, tree: Tree, cue: Sequence[int], a: int, b: int) -> list[tuple[int, list[str]]]:
    """Candidate first tokens, each with the features naming how it was made."""
    toks = parsed.tokens
    sent = parsed.sentences[toks[a].sent]
    out: list[tuple[int, list[str]]] = [(a, ["s=orig"])]
    prev = a - 1
    if prev >= sent.token_start and prev not in cue and toks[prev].text.lower() in LEAD_WORDS:
        out.append((prev, ["s=lead", "s=lead|" + toks[prev].text.lower()]))
    if toks[a].text.lower() == "that" and a < b:
        out.append((a + 1, ["s=nothat", "s=nothat|" + toks[a].dep]))
    if prev >= sent.token_start and prev not in cue and toks[prev].text.lower() == "that" and toks[prev].dep == "mark":
        out.append((prev, ["s=addthat"]))
    for k in range(a, min(b, a + 12)):
        if toks[k].text in (",", ":", "\u2014", "\u2015", "--", "\u2013") and k + 1 <= b:
            head = _root(parsed, a, k - 1) if k > a else a
            out.append((k + 1, ["s=comma", "s=comma|" + toks[k].text, "s=comma|" + toks[head].dep,
                                "s=comma|w=" + toks[a].text.lower(), "s=comma|n=" + str(min(k - a, 6)),
                                "s=comma|ent=" + (toks[a].ent_type or "-")]))
            break
    root = _root(parsed, a, b)
    if toks[root].dep == "dobj" and cue and toks[root].head in cue:
        verb = toks[root].head
        for c in tree.children[verb]:
            if c > tree.right[root] and c <= b and (toks[c].dep in COMPLEMENT_DEPS or toks[c].dep == "prep"):
                lemma = toks[verb].lemma.lower()
                out.append((tree.left[c], ["s=compl", "s=compl|" + toks[c].dep, "s=compl|" + lemma,
                                           "s=compl|" + toks[c].text.lower()]))
                if toks[c].dep == "prep" and c + 1 <= b:
                    out.append((c + 1, ["s=complobj", "s=complobj|" + toks[c].text.lower(),
                                        "s=complobj|" + lemma]))
                break
    return out


def _ends_of(parsed: ParsedReport, tree: Tree, a: int, b: int) -> list[tuple[int, list[str]]]:
    """Candidate last tokens, each with the features naming how it was made."""
    toks = parsed.tokens
    sent = parsed.sentences[toks[b].sent]
    out: list[tuple[int, list[str]]] = [(b, ["e=orig"])]
    for k in range(b - 1, a, -1):
        if toks[k].text in (",", ";", "\u2014", "\u2013", "--", "("):
            rng = trim(parsed, a, k - 1)
            if rng:
                h = _root(parsed, k + 1, b)
                out.append((rng[1], ["e=comma", "e=comma|" + toks[k].text, "e=comma|" + toks[h].dep,
                                     "e=comma|w=" + toks[k + 1].text.lower(), "e=comma|n=" + str(min(b - k, 8))]))
            break
    root = _root(parsed, a, b)
    kids = [c for c in tree.children[root] if c > root and tree.right[c] == b]
    if kids and toks[kids[-1]].dep in TAIL_DEPS and tree.left[kids[-1]] > root:
        c = kids[-1]
        rng = trim(parsed, a, tree.left[c] - 1)
        if rng:
            ent = toks[c + 1].ent_type if c + 1 <= b else ""
            out.append((rng[1], ["e=tail", "e=tail|" + toks[c].dep, "e=tail|w=" + toks[c].text.lower(),
                                 "e=tail|ent=" + (ent or toks[c].ent_type or "-"),
                                 "e=tail|n=" + str(min(b - tree.left[c] + 1, 8))]))
    last = trim(parsed, b, sent.token_end - 1)
    if last and last[1] > b:
        more = trim(parsed, b + 1, last[1])
        h = _root(parsed, more[0], more[1]) if more else b + 1
        verbs = sum(1 for k in range(b + 1, last[1] + 1) if toks[k].pos == "VERB")
        out.append((last[1], ["e=sent", "e=sent|n=" + str(min(last[1] - b, 8)),
                              "e=sent|w=" + toks[b + 1].text.lower(), "e=sent|dep=" + toks[h].dep,
                              "e=sent|hd=" + toks[h].dep + "|" + toks[toks[h].head].dep,
                              "e=sent|in=" + str(a <= toks[h].head <= b), "e=sent|v=" + str(min(verbs, 2)),
                              "e=sent|p=" + toks[b + 1].text + "|" + toks[h].dep]))
    return out


def span_candidates(parsed: ParsedReport, tree: Tree, cue: Sequence[int], span: tuple[int, int],
                    qtype: str, lemma: str) -> list[tuple[tuple[int, int], list[str]]]:
    """Candidate character spans for one content span, with their feature strings (first = as found)."""
    rng = _token_range(parsed, span)
    if rng is None:
        return [(span, ["s=orig", "e=orig"])]
    a, b = rng
    toks = parsed.tokens
    side = "L" if cue and b < min(cue) else "R"
    base = ["q=" + qtype, "side=" + side]
    out = []
    for s, sf in _starts_of(parsed, tree, cue, a, b):
        for e, ef in _ends_of(parsed, tree, a, b):
            if e < s:
                continue
            kinds = sf[0] + "+" + ef[0]
            feats = base + sf + ef + [kinds, kinds + "|" + qtype, sf[0] + "|" + qtype, ef[0] + "|" + qtype,
                                      sf[0] + "|l=" + lemma, ef[0] + "|l=" + lemma, sf[0] + "|" + side,
                                      ef[0] + "|" + side]
            lo = span[0] if s == a else toks[s].start
            hi = span[1] if e == b else toks[e].end
            out.append(((lo, hi), feats))
    return out


def _score(model: dict, feats: Sequence[str]) -> float:
    w = model["weights"]
    z = float(model.get("intercept", 0.0)) + sum(w.get(f, 0.0) for f in feats)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def choose_content(parsed: ParsedReport, tree: Tree, cue: Sequence[int], content: list[tuple[int, int]],
                   qtype: str, lemma: str) -> list[tuple[int, int]]:
    """The content spans with each single span's boundaries set by the learned chooser."""
    model = load_model()
    if model is None or len(content) != 1 or qtype not in CHOOSE_TYPES:
        return content
    cands = span_candidates(parsed, tree, cue, content[0], qtype, lemma)
    if len(cands) == 1:
        return content
    best = max(cands, key=lambda c: _score(model, c[1]))
    return [best[0]]
