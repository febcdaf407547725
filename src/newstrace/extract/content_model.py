"""Learned content chooser: candidate spans around a cue's content, ranked by a listwise linear model."""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import Sequence

from ..model import ParsedReport, Token
from ..resources import load_json, load_yaml
from .content import DASHES, Tree, trim
from .cue_model import score_tokens
from .quotes import QuoteRegion, find_quotes

MODEL_FILE = "content_model.json"
LEAD_WORDS = {"but", "and", "so", "yet", "or", "well", "nor"}
TAIL_DEPS = {"prep", "npadvmod", "advmod", "advcl", "agent", "dative"}
COMPLEMENT_DEPS = {"oprd", "xcomp", "ccomp", "acomp"}
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj", "csubjpass"}
CHOOSE_TYPES = {"indirect", "mixed", "according_to", "passive", "nominal", "direct", "continuation"}
BREAKS = {",", ";", "\u2014", "\u2013", "--", "(", ":"}
FUNCTION_POS = {"DET", "ADP", "SCONJ", "CCONJ", "PRON", "PART", "AUX", "ADV", "INTJ", "PUNCT"}
QUOTE_MARKS = {'"', "\u201c", "\u201d", "''", "``", "\u2018", "\u2019", "'"}
MAX_EDGES = 3
WH_WORDS = {"if", "whether", "how", "why", "what", "when", "where", "who", "which"}

Candidate = tuple[list[tuple[int, int]], list[str]]


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


@lru_cache(maxsize=1)
def reporting_verbs() -> frozenset[str]:
    """Lemmas of the reporting verbs (a stretch holding one with a subject is likely another attribution)."""
    return frozenset(str(k) for k in (load_yaml("reporting_cues.yaml").get("verbs") or {}))


def _segment(parsed: ParsedReport, tree: Tree, cue: Sequence[int], lo: int, hi: int, a: int, b: int,
             tag: str) -> list[str]:
    """What a stretch the candidate adds or drops looks like: first word, root, attachment, clause, speech."""
    toks = parsed.tokens
    rng = trim(parsed, lo, hi)
    if rng is None:
        return [tag + "|punct"]
    lo, hi = rng
    h = _root(parsed, lo, hi)
    head = toks[h].head
    attach = "self" if head == h else "cue" if head in cue else "in" if a <= head <= b else "out"
    inside = range(lo, hi + 1)
    clause = any(toks[k].dep in SUBJECT_DEPS and lo <= toks[k].head <= hi for k in inside)
    speech = any(toks[k].lemma.lower() in reporting_verbs() and toks[k].pos == "VERB" for k in inside)
    first = _word(toks[lo])
    cued = max((_cue_score(parsed, tree, k) for k in inside if k not in cue), default=0.0)
    cued_s = "hi" if cued >= 0.5 else "mid" if cued >= 0.2 else "lo"
    return [tag + "|cue=" + cued_s, tag + "|cue=" + cued_s + "|att=" + attach,
            tag, tag + "|att=" + attach, tag + "|dep=" + toks[h].dep + "|att=" + attach, tag + "|w=" + first,
            tag + "|w=" + first + "|dep=" + toks[h].dep, tag + "|clause=" + str(clause),
            tag + "|speech=" + str(speech), tag + "|speech=" + str(speech) + "|clause=" + str(clause),
            tag + "|n=" + _bucket(hi - lo + 1)]


def _word(tok: Token) -> str:
    """A token as a boundary feature: function words and punctuation by form, others by part of speech."""
    return tok.text.lower() if tok.pos in FUNCTION_POS or tok.is_punct else tok.pos


def _bucket(n: int) -> str:
    for cut in (1, 2, 3, 5, 8, 12, 20, 35):
        if n <= cut:
            return str(cut)
    return "more"


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
    quoted = prev
    while quoted >= sent.token_start and toks[quoted].text in QUOTE_MARKS:
        quoted -= 1
    if quoted < prev and quoted >= sent.token_start and quoted not in cue \
            and toks[quoted].text.lower() in ("that", "as", "to", "if", "whether"):  # said that "..."
        out.append((quoted, ["s=quoted", "s=quoted|" + toks[quoted].text.lower()]))
    if prev >= sent.token_start and prev not in cue and toks[prev].text.lower() in WH_WORDS:
        out.append((prev, ["s=wh", "s=wh|" + toks[prev].text.lower(), "s=wh|" + toks[prev].dep]))
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
    seen = {s for s, _ in out}
    edges = 0
    for k in range(a + 1, min(b, a + 12) + 1):  # a shorter constituent running to the end: "a speech addressing [X]"
        h = _root(parsed, k, b)
        if tree.left[h] != k or k in seen or toks[k].is_punct or toks[h].head == h:
            continue
        if not all(j == h or k <= toks[j].head <= b for j in range(k, b + 1)):
            continue
        out.append((k, ["s=edge", "s=edge|" + toks[h].dep, "s=edge|w=" + _word(toks[k - 1]),
                        "s=edge|n=" + _bucket(k - a)]))
        seen.add(k)
        edges += 1
        if edges >= MAX_EDGES:
            break
    lefts = [c for c in tree.children[root] if a <= tree.left[c] and c < root]
    for n_drop, c in enumerate(lefts[:2], 1):  # "Now [the FBI is looking ...]": drop the root's leading dependents
        k = tree.right[c] + 1
        rng = trim(parsed, k, b)
        if rng and rng[0] not in seen:
            out.append((rng[0], ["s=left", "s=left|" + toks[c].dep, "s=left|n=" + str(n_drop),
                                 "s=left|w=" + _word(toks[a]), "s=left|p=" + _word(toks[rng[0] - 1])]))
            seen.add(rng[0])
    breaks = [k for k in range(a, min(b, a + 25)) if toks[k].text in BREAKS]
    if breaks and breaks[-1] + 1 <= b and breaks[-1] + 1 not in seen:  # "CAMBRIDGE, Mass. (UPI) — [Young ...]"
        k = breaks[-1]
        out.append((k + 1, ["s=break", "s=break|" + toks[k].text, "s=break|n=" + _bucket(len(breaks)),
                            "s=break|d=" + _bucket(k - a)]))
    first = trim(parsed, sent.token_start, a)
    if first and first[0] < a and not any(first[0] <= c < a for c in cue):
        out.append((first[0], ["s=sent", "s=sent|n=" + _bucket(a - first[0]), "s=sent|w=" + _word(toks[first[0]])]))
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
    seen = {e for e, _ in out}
    edges = 0
    for c in sorted((c for c in tree.children[root] if c > root and tree.left[c] > root), reverse=True):
        rng = trim(parsed, a, tree.left[c] - 1)  # cut before a later right-hand dependent of the span's root
        if not rng or rng[1] in seen:
            continue
        out.append((rng[1], ["e=edge", "e=edge|" + toks[c].dep, "e=edge|w=" + _word(toks[tree.left[c]]),
                             "e=edge|n=" + _bucket(b - rng[1])]))
        seen.add(rng[1])
        edges += 1
        if edges >= MAX_EDGES:
            break
    tops = [k for k in range(root + 1, b + 1) if not a <= toks[k].head <= b and toks[k].head != k]
    for k in tops[:2]:  # a span of several subtrees ("her run [in April]" hung on the cue): cut before the next
        rng = trim(parsed, a, tree.left[k] - 1 if a < tree.left[k] else k - 1)
        if rng and rng[1] not in seen:
            out.append((rng[1], ["e=top", "e=top|" + toks[k].dep, "e=top|w=" + _word(toks[k]),
                                 "e=top|n=" + _bucket(b - rng[1])]))
            seen.add(rng[1])
    last = trim(parsed, b, sent.token_end - 1)
    if last and last[1] > b and not _aside_follows(parsed, tree, b, last[1]):
        more = trim(parsed, b + 1, last[1])
        h = _root(parsed, more[0], more[1]) if more else b + 1
        verbs = sum(1 for k in range(b + 1, last[1] + 1) if toks[k].pos == "VERB")
        out.append((last[1], ["e=sent", "e=sent|n=" + str(min(last[1] - b, 8)),
                              "e=sent|w=" + toks[b + 1].text.lower(), "e=sent|dep=" + toks[h].dep,
                              "e=sent|hd=" + toks[h].dep + "|" + toks[toks[h].head].dep,
                              "e=sent|in=" + str(a <= toks[h].head <= b), "e=sent|v=" + str(min(verbs, 2)),
                              "e=sent|p=" + toks[b + 1].text + "|" + toks[h].dep]))
    return out


def _aside_follows(parsed: ParsedReport, tree: Tree, b: int, end: int) -> bool:
    """The rest of the sentence is a writer's aside the rules took off (content.tidy, cut_aside), so the chooser
    may not put it back: a comma-led relative or participle clause, a dash-led participle ("– possibly linked")."""
    toks = parsed.tokens
    k = b + 1
    while k <= end and toks[k].text in QUOTE_MARKS:
        k += 1
    if k >= end:
        return False
    if toks[k].text in DASHES:
        nxt = toks[k + 1]
        return nxt.tag in ("VBG", "VBN") or nxt.pos == "ADV" and k + 2 <= end and toks[k + 2].tag in ("VBG", "VBN")
    if toks[k].text != ",":
        return False
    h = k + 1
    while toks[h].head != h and k < toks[h].head <= end:
        h = toks[h].head
    return toks[h].dep in ("relcl", "acl") and tree.left[h] == k + 1 and tree.right[h] >= end - 1


def _subject_piece(parsed: ParsedReport, tree: Tree, cue: Sequence[int],
                   a: int) -> tuple[tuple[int, int], list[str]] | None:
    """The cue's subject left of it ("The plan [is expected] to fail"), a piece the content may take."""
    toks = parsed.tokens
    if not cue or max(cue) >= a:
        return None
    heads = [c for c in cue if toks[c].head not in cue or toks[c].head == c]
    if not heads:
        return None
    v = heads[0]
    subj = next((c for c in tree.children[v] if toks[c].dep in SUBJECT_DEPS and c < min(cue)), None)
    if subj is not None:
        rng = trim(parsed, tree.left[subj], tree.right[subj])
        dep = toks[subj].dep
    elif toks[v].dep in ("acl", "relcl") and toks[v].head < min(cue):
        h = toks[v].head
        rng = trim(parsed, tree.left[h], min(cue) - 1)
        dep = toks[v].dep
    else:
        return None
    if rng is None or rng[1] >= min(cue):
        return None
    return rng, ["p=subj", "p=subj|" + dep, "p=subj|l=" + toks[v].lemma.lower(), "p=subj|t=" + toks[v].tag,
                 "p=subj|w=" + _word(toks[rng[0]]), "p=subj|pron=" + str(toks[rng[1]].pos == "PRON")]


def _quotes(parsed: ParsedReport, tree: Tree) -> tuple[QuoteRegion, ...]:
    if "quotes" not in tree.memo:
        tree.memo["quotes"] = find_quotes(parsed)
    return tree.memo["quotes"]


def _cue_score(parsed: ParsedReport, tree: Tree, k: int) -> float:
    """The learned cue detector's probability that token `k` heads a cue (0 for tokens it does not score)."""
    sent = parsed.tokens[k].sent
    key = ("cue", sent)
    if key not in tree.memo:
        s = parsed.sentences[sent]
        tree.memo[key] = score_tokens(parsed, tree.children, s.token_start, s.token_end)
    return tree.memo[key].get(k, 0.0)


def _next_quote(parsed: ParsedReport, tree: Tree, cue: Sequence[int], span: tuple[int, int]) -> Candidate | None:
    """The quote after the cue in the same paragraph (`"A," she said. "B."`), a piece the content may take."""
    toks = parsed.tokens
    after = max(span[1], toks[max(cue)].end) if cue else span[1]
    quotes = _quotes(parsed, tree)
    k = bisect.bisect_left([q.start for q in quotes], after)
    if k >= len(quotes):
        return None
    q = quotes[k]
    para = parsed.sentences[toks[bisect.bisect_right(parsed.token_starts, span[1] - 1) - 1].sent].paragraph
    if q.paragraph != para or q.start < after:
        return None
    return [(q.start, q.end)], _piece_features(parsed.text, after, (q.start, q.end), "n=next") + [
        "n=next|closed=" + str(q.closed)]


def _piece_features(text: str, after: int, piece: tuple[int, int], tag: str) -> list[str]:
    """A later piece of content: the words between it and what comes before, whether they end a sentence,
    whether words follow it in its paragraph (its own cue, `"B," she added`), its length."""
    gap = text[after:piece[0]]
    tail_end = text.find("\n", piece[1])
    tail = text[piece[1]: tail_end if tail_end >= 0 else len(text)]
    stop = bool(re.search(r"[.!?:]\W*$", gap))
    return [tag, tag + "|gap=" + _bucket(len(gap.split())), tag + "|stop=" + str(stop),
            tag + "|tail=" + str(bool(re.search(r"\w", tail))),
            tag + "|len=" + _bucket(len(text[piece[0]:piece[1]].split())),
            tag + "|end=" + str(bool(re.search(r"[.!?]\W*$", text[piece[0]:piece[1]])))]


def _boundary_features(parsed: ParsedReport, cue: Sequence[int], s: int, e: int, qtype: str) -> list[str]:
    """What the candidate's edges look like: the words at and beside each edge, its length, its verbs."""
    toks = parsed.tokens
    sent_s = parsed.sentences[toks[s].sent]
    sent_e = parsed.sentences[toks[e].sent]
    p = s - 1
    while p >= sent_s.token_start and toks[p].text in QUOTE_MARKS:
        p -= 1
    before = "BOS" if p < sent_s.token_start else "CUE" if p in cue else _word(toks[p])
    n = e + 1
    while n < sent_e.token_end and toks[n].text in QUOTE_MARKS:
        n += 1
    rest = all(toks[k].is_punct for k in range(n, sent_e.token_end))
    after = "EOS" if rest else "CUE" if n in cue else _word(toks[n])
    first, last = _word(toks[s]), _word(toks[e])
    verbs = sum(1 for k in range(s, e + 1) if toks[k].pos in ("VERB", "AUX") and toks[k].dep not in ("amod",))
    quotes = sum(1 for k in range(s, e + 1) if toks[k].text in QUOTE_MARKS)
    length = _bucket(e - s + 1)
    return ["b<" + before, "b<" + before + "|" + first, "b<" + before + "|" + qtype, "b[" + first,
            "b[d=" + toks[s].dep, "b>" + after, "b>" + after + "|" + last, "b>" + after + "|" + qtype,
            "b]" + last, "b]d=" + toks[e].dep, "len=" + length, "len=" + length + "|" + qtype,
            "verbs=" + str(min(verbs, 3)), "qodd=" + str(quotes % 2), "sents=" + str(min(sent_e.i - sent_s.i, 2))]


def span_candidates(parsed: ParsedReport, tree: Tree, cue: Sequence[int], span: tuple[int, int],
                    qtype: str, lemma: str) -> list[Candidate]:
    """Candidate content spans for one found span, with their feature strings (first = as found)."""
    rng = _token_range(parsed, span)
    if rng is None:
        return [([span], ["s=orig", "e=orig"])]
    a, b = rng
    toks = parsed.tokens
    side = "L" if cue and b < min(cue) else "R"
    base = ["q=" + qtype, "side=" + side]
    piece = _subject_piece(parsed, tree, cue, a) if side == "R" else None
    nxt = _next_quote(parsed, tree, cue, span) if side == "L" or not cue else None
    out: list[Candidate] = []
    for s, sf in _starts_of(parsed, tree, cue, a, b):
        for e, ef in _ends_of(parsed, tree, a, b):
            if e < s:
                continue
            kinds = sf[0] + "+" + ef[0]
            feats = base + sf + ef + [kinds, kinds + "|" + qtype, sf[0] + "|" + qtype, ef[0] + "|" + qtype,
                                      sf[0] + "|l=" + lemma, ef[0] + "|l=" + lemma, sf[0] + "|" + side,
                                      ef[0] + "|" + side] + _boundary_features(parsed, cue, s, e, qtype)
            if s != a:
                feats += _segment(parsed, tree, cue, min(s, a), max(s, a) - 1, a, b, "ds" + ("+" if s < a else "-"))
            if e != b:
                feats += _segment(parsed, tree, cue, min(e, b) + 1, max(e, b), a, b, "de" + ("+" if e > b else "-"))
            lo = span[0] if s == a else toks[s].start
            hi = span[1] if e == b else toks[e].end
            out.append(([(lo, hi)], feats + ["p=none"]))
            if nxt and e == b:
                out.append(([(lo, hi)] + nxt[0], feats + nxt[1] + ["n=next|" + qtype, "n=next|" + sf[0]]))
            if piece and s >= a:
                (pa, pb), pf = piece
                out.append(([(toks[pa].start, toks[pb].end), (lo, hi)],
                            feats + pf + ["p=subj|" + sf[0], "p=subj|" + ef[0], "p=subj|" + qtype]))
    return out


def score_candidate(model: dict, feats: Sequence[str]) -> float:
    """The linear score of one candidate (the chooser keeps the highest of a span's candidates)."""
    w = model["weights"]
    return float(model.get("intercept", 0.0)) + sum(w.get(f, 0.0) for f in set(feats))  # binary, as trained


def content_candidates(parsed: ParsedReport, tree: Tree, cue: Sequence[int], content: list[tuple[int, int]],
                       qtype: str, lemma: str) -> list[Candidate]:
    """The chooser's candidates for a cue's content (first = as found): boundaries for one span; for a
    direct quote the rules joined to the quote after its cue, that pair or the first quote alone."""
    if qtype not in CHOOSE_TYPES or not content:
        return [(content, [])]
    if len(content) == 1:
        return span_candidates(parsed, tree, cue, content[0], qtype, lemma)
    if len(content) == 2 and qtype == "direct":
        toks = parsed.tokens
        after = max(content[0][1], toks[max(cue)].end) if cue else content[0][1]
        feats = _piece_features(parsed.text, after, content[1], "m=pair")
        return [(content, feats), (content[:1], ["m=first", "m=first|l=" + lemma])]
    return [(content, [])]


def choose_content(parsed: ParsedReport, tree: Tree, cue: Sequence[int], content: list[tuple[int, int]],
                   qtype: str, lemma: str) -> list[tuple[int, int]]:
    """The content spans as the learned chooser sets them (unchanged without a shipped model)."""
    model = load_model()
    if model is None:
        return content
    cands = content_candidates(parsed, tree, cue, content, qtype, lemma)
    if len(cands) == 1:
        return content
    best = max(cands, key=lambda c: score_candidate(model, c[1]))
    return list(best[0])
