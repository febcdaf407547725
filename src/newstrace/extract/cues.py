"""Cue finding over the parse: reporting verbs, 'according to', nominal cues, quotes and their content."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from ..model import ParsedReport
from ..resources import load_yaml
from . import content_model
from .content import (EMPTY_OBJECTS, Tree, char_spans, cut_aside, drop_speaker_label, object_content, prep_content,
                      that_fallback, tidy, trim, vp_content)
from .cue_model import score_tokens
from .datelines import body_start, clip_spans
from .quotes import QuoteRegion

RELATIVE = {"who", "which", "that", "whom"}
NO_SOURCE = {"what", "there", "which", "who", "whom", "that", "whoever"}
TRIVIAL = {"nsubj", "punct", "aux", "advmod", "npadvmod", "neg", "prep", "dative", "dobj", "cc", "mark"}
VETO = 0.15  # a lexicon verb the learned model scores below this is not a cue (tuned end-to-end on train)
SPEECH_RATIO = 0.7  # learned share of cue uses above which a verb counts as speech
CUT = 0.5  # learned-only cue threshold, tuned end-to-end on PolNeAR train (0.375/0.5/0.6 tried)


@lru_cache(maxsize=1)
def cue_lexicon() -> dict[str, frozenset[str]]:
    """Reporting verbs (hand list plus learned lemmas), clause-only and object-taking verbs, nominal cues."""
    data = load_yaml("reporting_cues.yaml")
    verbs = {str(k) for k in (data.get("verbs") or {})}
    try:
        learned = load_yaml("cue_lemmas_learned.yaml") or {}
    except FileNotFoundError:
        learned = {}
    cut = float(learned.get("threshold", 0.5))
    verbs |= {str(k) for k, v in (learned.get("verbs") or {}).items() if float(v) >= cut}
    verbs -= {str(k) for k in learned.get("exclude") or ()}
    return {
        "verbs": frozenset(verbs),
        "clause_only": frozenset(data.get("clause_only") or ()),
        "object": frozenset(data.get("object_content") or ()),
        "particles": frozenset(data.get("particles") or ()),
        "nominal": frozenset((data.get("nominal") or {}).keys()),
        "speech": frozenset(str(k) for k in data.get("speech") or ()) | frozenset(
            str(k) for k, v in (learned.get("verbs") or {}).items() if float(v) >= SPEECH_RATIO),
        "not_speech": frozenset(str(k) for k in data.get("not_speech") or ()),
    }


@dataclass
class Found:
    """One attribution before speaker resolution: token positions and content character spans."""

    cue: list[int]
    lemma: str
    source: tuple[int, int, int] | None  # (head, first, last) tokens
    content: list[tuple[int, int]]  # character spans
    quote_type: str
    cited: str | None = None  # "citing people close to the talks": recorded on the citing statement
    score: float = 1.0  # the learned tagger's confidence in the cue (1.0 for the rule finder's readings)


def find_in_sentence(parsed: ParsedReport, tree: Tree, quotes: Sequence[QuoteRegion], s: int,
                     covered: set[int]) -> list[Found]:
    """Attributions whose cue lies in sentence `s`; quote regions given away are added to `covered`."""
    sent = parsed.sentences[s]
    toks = parsed.tokens
    lex = cue_lexicon()
    in_sent = _regions_in(quotes, sent.start, sent.end)
    verbs: list[Found] = []
    others: list[Found] = []
    prob = score_tokens(parsed, tree.children, sent.token_start, sent.token_end)
    cut = CUT
    for i in range(sent.token_start, sent.token_end):
        t = toks[i]
        low = t.text.lower()
        p = prob.get(i, 0.0)
        if low == "according" and i + 1 < sent.token_end and toks[i + 1].text.lower() == "to":
            f = _according(parsed, tree, i, sent.token_start, sent.token_end)
            if f:
                others.append(f)
        elif (t.pos in ("VERB", "AUX") or t.tag.startswith("VB")) and t.lemma.lower() not in lex["not_speech"] and (
                (t.lemma.lower() in lex["verbs"] and (not prob or p >= VETO or tree.child(parsed, i, ("ccomp",))))
                or p >= cut):
            f = _verb(parsed, tree, quotes, in_sent, covered, i, lex)
            if f is None and p >= cut and t.lemma.lower() not in lex["object"] | {"cite"}:
                f = _learned(parsed, tree, i, lex)
            if f:
                verbs.append(f)
        elif t.pos == "NOUN" and t.lemma.lower() in lex["nominal"]:
            f = _nominal(parsed, tree, i)
            if f:
                others.append(f)
    if verbs:  # "X said A, according to reports" is one statement by X
        heads = {c for f in verbs for c in f.cue}
        others = [f for f in others if f.quote_type != "according_to" or not (
            toks[f.cue[0]].head in heads
            or any(a <= toks[f.cue[0]].start < b for g in verbs if g.source for a, b in g.content))]
    for f in verbs:
        _split_citing(parsed, tree, f)
        _absorb_prep(parsed, f)
    spans = [(g, g.source[1], g.source[2]) for g in verbs + others if g.source]
    spans += [(g, g.source[2], min(g.cue)) for g in verbs if g.source and g.source[2] < min(g.cue)]
    verbs = [f for f in verbs if f.lemma == "cite" or all(toks[c].tag != "VBG" for c in f.cue)
             or not any(g is not f and a <= max(f.cue) < b for g, a, b in spans)]  # "X, speculating on Y, said"
    kept = []
    for f in verbs:
        head = toks[f.cue[-1]].head
        owner = [g for g in verbs if g is not f and head in g.cue and g.lemma != "cite"]
        if f.lemma == "cite" and toks[f.cue[-1]].dep == "advcl" and owner:
            owner[0].cited = parsed.text[f.content[0][0]:f.content[-1][1]]
            continue
        kept.append(f)
    for f in kept + others:
        f.content = content_model.choose_content(parsed, tree, f.cue, f.content, f.quote_type, f.lemma)
        f.content = clip_spans(parsed, f.content) or f.content  # a dateline is never content
    return sorted(kept + others, key=lambda f: min(f.cue))


def _split_citing(parsed: ParsedReport, tree: Tree, f: Found) -> None:
    """ "X said A, citing sources ...": the citation leaves the content and becomes `cited`."""
    toks = parsed.tokens
    if f.lemma == "cite" or not f.content:
        return
    a, b = f.content[-1]
    end = parsed.sentences[toks[f.cue[-1]].sent].token_end
    for k in range(f.cue[-1] + 1, end):
        if toks[k].start > a and toks[k].lemma.lower() == "cite" and toks[k].dep == "advcl" \
                and (toks[k].start < b or _reaches(toks, k, f.cue)):
            f.cited = parsed.text[toks[k + 1].start:toks[tree.right[k]].end] if k + 1 <= tree.right[k] else None
            cut = trim(parsed, 0, k - 1)
            if cut is not None:
                f.content[-1] = (a, max(a, min(b, toks[cut[1]].end)))
            return


def continuation(parsed: ParsedReport, tree: Tree, quotes: Sequence[QuoteRegion], s: int,
                 covered: set[int]) -> list[Found]:
    """A paragraph opening with a quote and no cue continues the last speaker's quotation."""
    sent = parsed.sentences[s]
    if s > 0 and parsed.sentences[s - 1].paragraph == sent.paragraph:
        return []
    for k in _regions_in(quotes, sent.start, sent.end):
        q = quotes[k]
        if k not in covered and q.start <= sent.start + 1 and not _cue_follows(parsed, q.end):
            covered.add(k)
            content = content_model.choose_content(parsed, tree, [], [drop_speaker_label(parsed.text, (q.start, q.end))],
                                                   "continuation", "say")
            return [Found([], "say", None, content, "continuation")]
    return []


def _cue_follows(parsed: ParsedReport, end: int) -> bool:
    """Words after a quote in its own sentence (`"A. B," she said`): the quote has its own cue."""
    for s in parsed.sentences:
        if s.start <= end - 1 < s.end:
            return bool(re.search(r"\w", parsed.text[end:s.end]))
    return False


def _regions_in(quotes: Sequence[QuoteRegion], start: int, end: int) -> list[int]:
    out = []
    for k, q in enumerate(quotes):  # few regions per report; a linear pass stays cheap
        if q.start >= end:
            break
        if q.end > start:
            out.append(k)
    return out


def _cue_tokens(parsed: ParsedReport, tree: Tree, i: int, lex: dict) -> list[int]:
    """The verb with its adjacent auxiliaries, negation and adverbs ("has not yet said"), and particle."""
    toks = parsed.tokens
    cue = [i]
    kids = set(tree.children[i])
    k = i - 1
    while k >= 0 and k in kids and toks[k].dep in ("aux", "auxpass", "neg", "advmod") \
            and not toks[k].is_punct and toks[k].text.lower() not in ("however", "then", "now", "so"):
        cue.append(k)
        k -= 1
    for c in tree.children[i]:
        if toks[c].dep == "prt" and c == i + 1 and toks[c].text.lower() in lex["particles"]:
            cue.append(c)
        elif toks[c].dep == "prep" and c == i + 1 and toks[c].text.lower() == "in":
            obj = tree.child(parsed, c, ("pobj",))
            if obj is not None and toks[obj].lemma.lower() == "statement" and obj <= c + 2:
                cue.extend(range(c, obj + 1))  # "said in a statement" is the cue (PolNeAR convention)
    return sorted(cue)


def _absorb_prep(parsed: ParsedReport, f: Found) -> None:
    """Content opening with the verb's own preposition ("called for X"): the preposition joins the cue."""
    toks = parsed.tokens
    if not f.cue or not f.content:
        return
    k = max(f.cue) + 1
    a, b = f.content[0]
    if k < len(toks) and toks[k].start == a and toks[k].dep == "prep" and toks[k].head in f.cue \
            and k + 1 < len(toks) and toks[k + 1].end <= b:
        f.cue.append(k)
        f.content[0] = (toks[k + 1].start, b)


def _source(parsed: ParsedReport, tree: Tree, i: int) -> tuple[int, int, int] | None | str:
    """(head, first, last) of the source of verb `i`; "it" for an expletive passive; None if none."""
    toks = parsed.tokens
    body = _body_token(parsed, toks[i].sent)
    k, steps = i, 0
    while steps < 4:
        subj = _subject(parsed, tree, k, body)
        if subj is not None:
            low = toks[subj].text.lower()
            if low in RELATIVE and toks[k].dep == "relcl":
                head = toks[k].head
                if toks[head].ent_type in ("DATE", "TIME"):
                    return None  # a relative clause on a date: the date never speaks
                rng = trim(parsed, max(body, tree.left[head]), tree.left[k] - 1)
                return (head, rng[0], rng[1]) if rng else None
            if low in NO_SOURCE or toks[tree.left[subj]].text.lower() in NO_SOURCE \
                    or toks[subj].ent_type in ("DATE", "TIME"):
                return None
            if steps and low == "it" and toks[k].lemma.lower() == "be":
                return None  # "it is fair to say ...": an expletive "it" never speaks
            rng = trim(parsed, max(body, tree.left[subj]), tree.right[subj])
            if rng is None or rng[0] <= i <= rng[1]:
                return None
            return (subj, rng[0], rng[1])
        passive = tree.child(parsed, k, ("nsubjpass",))
        if passive is not None:
            return "it" if toks[passive].text.lower() == "it" else None
        if (toks[k].dep == "xcomp" or toks[k].dep == "advcl" and tree.child(parsed, k, ("aux",)) is not None
                and toks[tree.child(parsed, k, ("aux",))].text.lower() == "to") and toks[k].head != k:
            obj = tree.child(parsed, toks[k].head, ("dobj",))
            if obj is not None and body <= obj < k:  # "prompting traders to predict": the object speaks
                rng = trim(parsed, max(body, tree.left[obj]), tree.right[obj])
                return (obj, rng[0], rng[1]) if rng else None
        if toks[k].dep in ("advcl", "conj", "xcomp") and toks[k].head != k:
            if toks[k].tag == "VBG" and toks[k].dep == "advcl" and not _speechy(toks[k].lemma.lower()) \
                    and not _speechy(toks[toks[k].head].lemma.lower()):
                return None  # "a video surfaced showing ...": a participle of a non-speech verb
            k = toks[k].head
            steps += 1
            continue
        return None
    return None


def _body_token(parsed: ParsedReport, s: int) -> int:
    """First token of sentence `s` after its dateline ("ALMATY – ..."), or its first token."""
    sent = parsed.sentences[s]
    start = body_start(parsed, s)
    k = sent.token_start
    while k < sent.token_end and parsed.tokens[k].start < start:
        k += 1
    return k


def _subject(parsed: ParsedReport, tree: Tree, k: int, body: int) -> int | None:
    """The nsubj of `k` outside the dateline: a dateline the parser made the subject ("ALMATY –
    Turkmenistan rejected", "LONDON – the ministry, ... said") gives way to a second subject or its
    apposition; a dateline alone is no subject."""
    toks = parsed.tokens
    subjects = [c for c in tree.children[k] if toks[c].dep == "nsubj"]
    if not subjects or subjects[0] >= body:
        return subjects[0] if subjects else None
    later = [c for c in subjects if c >= body]
    if later:
        return later[0]
    appos = [c for c in tree.children[subjects[0]] if c >= body and toks[c].dep == "appos"]
    return appos[0] if appos else None


@lru_cache(maxsize=512)
def _speechy(lemma: str) -> bool:
    """A verb whose uses are mostly speech (learned ratio), or a hand-listed speech verb."""
    return lemma in cue_lexicon()["speech"]


def _verb(parsed: ParsedReport, tree: Tree, quotes: Sequence[QuoteRegion], in_sent: list[int],
          covered: set[int], i: int, lex: dict) -> Found | None:
    toks = parsed.tokens
    t = toks[i]
    lemma = t.lemma.lower()
    if t.dep in ("amod", "compound", "nmod") or (t.tag == "VBN" and t.dep == "acl"):
        return None
    src = _source(parsed, tree, i)
    if src is None:
        return None
    if any(quotes[k].start <= t.start < quotes[k].end for k in in_sent):
        return None  # speech reported inside a quotation is part of that quotation
    sent = parsed.sentences[t.sent]
    content: list[tuple[int, int]] = []
    qtype = "indirect"
    clause = tree.child(parsed, i, ("ccomp",))
    if clause is not None and tree.left[clause] > i and toks[clause].pos in ("NOUN", "PROPN", "PRON") \
            and not tree.child(parsed, clause, ("nsubj", "aux")):
        clause = None
    paratactic = False
    if clause is not None:
        content = char_spans(parsed, trim(parsed, tree.left[clause], tree.right[clause]))
    elif t.dep == "parataxis" or (t.dep in ("ccomp", "advcl") and toks[t.head].i < i
                                  and all(toks[c].dep in TRIVIAL for c in tree.children[i])):
        if not any(c > i and toks[c].dep == "prep" and toks[c].text.lower() in ("of", "about")
                   for c in tree.children[i]):
            h = t.head
            before = trim(parsed, tree.left[h], tree.left[i] - 1)
            after = trim(parsed, tree.right[i] + 1, tree.right[h])
            content = char_spans(parsed, before) + char_spans(parsed, after)
            paratactic = True
    src_pos = (toks[src[1]].start, toks[src[2]].end) if isinstance(src, tuple) else (t.start, t.start)
    free = [k for k in in_sent if k not in covered and not (quotes[k].start <= t.start < quotes[k].end)
            and not (quotes[k].start <= src_pos[0] < quotes[k].end)]
    vp = vp_content(parsed, tree, i)
    if free and vp is not None and not content:
        lo, hi = min(t.start, src_pos[0]), max(t.end, src_pos[1])
        inner = (toks[vp[0]].start, toks[vp[1]].end)
        free = [k for k in free if inner[0] <= quotes[k].start < inner[1] or re.fullmatch(r"[\s,:;\u2014\u2013-]*", parsed.text[quotes[k].end:lo] if
                                                quotes[k].end <= lo else parsed.text[hi:quotes[k].start])]
    tail = object_content(parsed, tree, i) if lemma in lex["object"] or (free and not content) else []
    if free and not content and tail and tail[0][0] < quotes[free[0]].start <= tail[-1][1]:
        content, qtype = tail, "mixed"  # called X "a disgrace": the quote is inside the object
        covered.update(k for k in free if quotes[k].start < tail[-1][1])
    elif free and (not content or paratactic
                   or any(quotes[k].start <= content[0][0] + 1 < quotes[k].end for k in free)):
        content = [(quotes[k].start, quotes[k].end) for k in free]
        covered.update(free)
        nxt = _next_region(parsed, quotes, free[-1], max(t.end, src_pos[1]))
        if nxt is not None and nxt not in covered:
            content.append((quotes[nxt].start, quotes[nxt].end))
            covered.add(nxt)
        qtype = "direct"
    elif content and free:
        lo, hi = content[0][0], content[-1][1]
        touching = [k for k in free if quotes[k].start < hi and quotes[k].end > lo]
        if touching:
            qtype = "mixed"
            covered.update(touching)
            hi = max(hi, max(quotes[k].end for k in touching))
            content[-1] = (content[-1][0], hi)
    if not content and tail:
        content = tail
    if not content and lemma in lex["object"]:
        content = object_content(parsed, tree, i) or prep_content(parsed, tree, i)
    if not content and lemma not in lex["clause_only"]:
        content = that_fallback(parsed, i, sent.token_end)
    if not content:
        return None
    if qtype == "indirect" and len(content) == 1:
        content = tidy(parsed, tree, content)
    if qtype in ("indirect", "mixed"):
        content[-1] = cut_aside(parsed, content[-1])
    if src == "it":
        return Found(_cue_tokens(parsed, tree, i, lex), lemma, None, content, "passive")
    return Found(_cue_tokens(parsed, tree, i, lex), lemma, src, content, qtype)


def _next_region(parsed: ParsedReport, quotes: Sequence[QuoteRegion], k: int, after: int) -> int | None:
    """The quote after `"A," said X. "B."`: same paragraph, a sentence break before it, nothing after it."""
    if k + 1 >= len(quotes):
        return None
    q, prev = quotes[k + 1], quotes[k]
    if q.paragraph != prev.paragraph or q.start < after:
        return None
    text = parsed.text
    gap = text[max(prev.end, after):q.start]
    if len(gap.split()) > 12 or not re.search(r"[.!?:]\W*$", gap):
        return None
    if re.search(r"[.!?]\W*$", text[q.start:q.end]):
        return k + 1  # the quote ends its sentence: nobody else speaks it
    tail_end = text.find("\n", q.end)
    tail = text[q.end: tail_end if tail_end >= 0 else len(text)]
    nxt = re.search(r"[.!?]\W", tail)
    if re.search(r"\w", tail[: nxt.start() if nxt else len(tail)]):
        return None  # the quote has its own cue ("B," she added)
    return k + 1


def _according(parsed: ParsedReport, tree: Tree, i: int, a: int, b: int) -> Found | None:
    toks = parsed.tokens
    to = i + 1
    pobj = tree.child(parsed, to, ("pobj",))
    if pobj is None:
        return None
    src = trim(parsed, tree.left[pobj], tree.right[pobj])
    if src is None:
        return None
    lo, hi = min(tree.left[i], i), max(tree.right[i], src[1], to)
    before, after = trim(parsed, a, lo - 1), trim(parsed, hi + 1, b - 1)
    if before is not None and any(toks[k].pos in ("VERB", "AUX") for k in range(before[0], before[1] + 1)):
        after = None  # "A happened, according to X, more than ...": the tail is an aside
    content = char_spans(parsed, before) + char_spans(parsed, after)
    if not content:
        return None
    return Found([i, to], "according", (pobj, src[0], src[1]), content, "according_to")


def _nominal(parsed: ParsedReport, tree: Tree, i: int) -> Found | None:
    toks = parsed.tokens
    clause = None
    for c in tree.children[i]:
        if toks[c].dep in ("acl", "ccomp", "relcl") and c > i:
            first = tree.left[c]
            if toks[first].text.lower() == "that" and toks[first].dep == "mark":
                clause = c
                break
    if clause is None:
        return None
    src = None
    for c in tree.children[i]:
        if toks[c].dep == "poss" and c < i:
            src = (c, tree.left[c], tree.right[c])
        elif toks[c].dep == "prep" and toks[c].text.lower() in ("from", "by") and c < clause:
            p = tree.child(parsed, c, ("pobj",))
            if p is not None:
                src = (p, tree.left[p], tree.right[p])
    if src is None:
        return None
    content = char_spans(parsed, trim(parsed, tree.left[clause], tree.right[clause]))
    return Found([i], toks[i].lemma.lower(), src, content, "nominal") if content else None


def _learned(parsed: ParsedReport, tree: Tree, i: int, lex: dict) -> Found | None:
    """A cue found by the learned model only: its clause, or its complements after the verb, as content."""
    toks = parsed.tokens
    cue = _cue_tokens(parsed, tree, i, lex)
    content = vp_content(parsed, tree, i)
    if content is None or (content[0] == content[1] and toks[content[0]].lemma.lower() in EMPTY_OBJECTS):
        return None
    first = content[0]
    if toks[first - 1].dep == "prep" and toks[first - 1].head == i and first - 1 > i:
        cue = sorted(set(cue) | set(range(i + 1, first)))  # "pointed to X": the preposition joins the cue
    src = _source(parsed, tree, i)
    source = src if isinstance(src, tuple) else None
    if source is None and toks[i].tag == "VBG" and toks[i].dep in ("advcl", "acl"):
        return None  # a dangling participle ("surfaced online showing ...") reports nothing
    return Found(cue, toks[i].lemma.lower(), source, tidy(parsed, tree, char_spans(parsed, content)),
                 "indirect" if source else "passive")


def _reaches(toks, k: int, targets: Sequence[int]) -> bool:
    """Whether the chain of heads from token `k` passes through one of `targets`, or its content clause."""
    seen, steps = k, 0
    while toks[seen].head != seen and steps < 40:
        seen = toks[seen].head
        steps += 1
        if seen in targets or toks[seen].head in targets and toks[seen].dep == "ccomp":
            return True
    return False
