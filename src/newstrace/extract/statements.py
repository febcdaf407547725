"""Attributed statements: find cues over the parse, then source, content, speaker and stance."""
from __future__ import annotations

import re

from dataclasses import replace

from typing import Sequence

from ..model import CoSpeaker, Mention, ParsedReport, Statement
from . import content_model
from .attribution import found_by_sentence, tokens_in
from .datelines import in_dateline
from .joint import joint_source
from .cues import Found, Tree, continuation, cue_lexicon, find_in_sentence
from .quotes import find_quotes
from .speakers import Resolved, SpeakerIndex, is_cited_head, resolve_speaker
from .stance import classify_stance
from .tagger import Relation


def extract_statements(parsed: ParsedReport, mentions: Sequence[Mention],
                       split_quotes: bool = True,
                       relations: Sequence[Relation] | None = None,
                       rule_spans: bool = True) -> tuple[Statement, ...]:
    """Every attribution in the report, in text order, with speakers resolved within the report.

    With `relations` (the learned tagger's output for this text) the attributions are the
    tagger's; without, the rule-based cue finder's.  With both and `rule_spans`, the tagger decides
    which attributions there are, and where the syntactic finder reads the same cue its source,
    cue and content spans are used (they match PolNeAR's boundaries more often; see
    docs/attribution.md for the measurement).

    With `split_quotes` a quotation running over several sentences gives one statement per
    sentence (the ledger's unit, so each sentence can join its own claim); without it, one
    statement holds the whole quotation (PolNeAR's convention).
    """
    tree = Tree(parsed)
    quotes = find_quotes(parsed)
    index = SpeakerIndex(parsed, mentions)
    toks = parsed.tokens
    out: list[Statement] = []
    covered: set[int] = set()  # quote regions already given to a statement
    last_speaker: tuple[str, Resolved, tuple[CoSpeaker, ...]] | None = None
    tagged = found_by_sentence(parsed, quotes, relations) if relations is not None else None
    for sent in parsed.sentences:
        if tagged is not None:
            found = tagged.get(sent.i, [])
            if found and rule_spans:
                found = _prefer_rule_spans(parsed, found, find_in_sentence(parsed, tree, quotes, sent.i, covered), tree)
            elif not found and last_speaker is not None:  # a paragraph that is only a quotation goes on
                found = [f for f in continuation(parsed, tree, quotes, sent.i, covered)  # the last speaker's
                         if not _already_stated(out, f.content)]
        else:
            found = find_in_sentence(parsed, tree, quotes, sent.i, covered)
            if not found and last_speaker is not None:
                found = continuation(parsed, tree, quotes, sent.i, covered)
        for f in found:
            if f.source is None and f.quote_type == "continuation":
                text, who, co = last_speaker  # type: ignore[misc]
                pieces = _by_sentence(parsed, f.content) if split_quotes else [f.content]
                # pieces of one quotation share its relation (its whole content), as a split quote does
                relation = ((), (), tuple(f.content)) if len(pieces) > 1 else None
                for piece in pieces:
                    g = Found([], f.lemma, None, piece, "continuation")
                    out.append(replace(_build(parsed, g, who, text, "direct", (), keep_source=False), co_speakers=co,
                                       relation=relation))
                continue
            rest: list[list[tuple[int, int]]] = []
            whole = tuple(f.content)
            if split_quotes and f.quote_type == "direct" and len(f.content) > 1:
                cue_sent = toks[f.cue[0]].sent
                later = [c for c in f.content if parsed.sentences[cue_sent].end <= c[0]]
                if later and len(later) < len(f.content):
                    f.content = [c for c in f.content if c not in later]
                    rest = [p for c in later for p in _by_sentence(parsed, [c])]
            if f.source is not None and _expletive_it(parsed, f):
                f.source = None  # "it seems", "it appears": no one speaks
            if f.source is not None:
                name = _name_before_cue(parsed, f)
                if name is not None:  # the source runs over the name to the cue, and the name speaks
                    f.source = (f.cue[0] - 1, f.source[1], f.cue[0] - 1)
                head, first, last = f.source
                joint = joint_source(index, f.source, f.lemma) if name is None else None
                if joint is not None:  # "A and B said": A speaks here, B is a co-speaker
                    who, co = joint.speaker, joint.co_speakers
                else:
                    who, co = resolve_speaker(index, head, name if name is not None else first, last), ()
                speaker_text = parsed.text[toks[first].start:toks[last].end]
                if who.name and who.mention is None and f.cited is None and is_cited_head(parsed, head):
                    f.cited = speaker_text  # "ministry sources said": the ministry speaks through its sources
                index.note(head, who)
            else:
                who, speaker_text, co = Resolved(), "", ()
            head = _build(parsed, f, who, speaker_text, f.quote_type, ())
            relation = (head.speaker_spans, head.cue_spans, whole) if rest else None
            out.append(replace(head, relation=relation, co_speakers=co))
            for piece in rest:  # "A," she said. "B.": B is a statement of its own, in the same relation
                out.append(replace(_build(parsed, Found([], f.lemma, None, piece, "direct"), who, speaker_text,
                                          "direct", (), keep_source=False), relation=relation, cue=head.cue,
                                   co_speakers=co))
            if f.quote_type in ("direct", "mixed", "indirect") and f.source is not None:
                last_speaker = (speaker_text, who, co)
        _note_subjects(parsed, tree, index, sent.token_start, sent.token_end)
    return tuple(st for st in out if len(_WORD.findall(st.content)) >= MIN_CONTENT_WORDS)


MIN_CONTENT_WORDS = 1  # a content with no word at all (stray quote marks) is no statement; 2 measured worse:
# PolNeAR dev content F1 +0.5 but 3 of 251 speaker-set sources lost with their one-word contents
_WORD = re.compile(r"\w+")


def _already_stated(out: Sequence[Statement], spans: Sequence[tuple[int, int]]) -> bool:
    """Whether an earlier statement's content already covers any of `spans` (a quotation the tagger
    gave to a statement of the previous paragraph is not a new one)."""
    return any(a < d and c < b for st in out for a, b in st.content_spans for c, d in spans)


_NOT_APPOSED = ("GPE", "LOC", "NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY")


def _name_before_cue(parsed: ParsedReport, f: Found) -> int | None:
    """The first token of a name standing between an attribution's source and its cue ("Ruritanian
    media the Morning Ledger reported": the description ends before the name, and the name is who
    speaks), or None.  The name is capitalised proper nouns, after at most "the", up to the cue."""
    last = f.source[2]  # type: ignore[index]
    toks = parsed.tokens
    if not f.cue or not 2 <= f.cue[0] - last <= 6:
        return None
    gap = list(range(last + 1, f.cue[0]))
    if toks[gap[0]].text.lower() == "the":
        gap = gap[1:]
    if not gap or any(toks[k].pos != "PROPN" or not toks[k].text[:1].isupper()
                      or toks[k].ent_type in _NOT_APPOSED or toks[k].sent != toks[last].sent for k in gap):
        return None
    return gap[0]


def _prefer_rule_spans(parsed: ParsedReport, tagged: list[Found], ruled: list[Found],
                       tree: Tree | None = None) -> list[Found]:
    """Each tagged attribution, replaced by the rule finder's reading of the same cue when there is one.

    A tagged attribution with no source whose cue hangs from the rule finder's cue verb ("said in a
    joint statement that ...", where the tagger can take "statement" for the cue and find nobody)
    is replaced by that rule reading when the verb is a speech verb, has a source and the same
    content: the verb's subject speaks ("it issued a paper welcoming ..." stays the tagger's).

    The rule reading keeps the tagger's content when that is one span holding every word of the
    rule content and more (`_keeps_tagged_content`).  A tagged attribution the rule finder does not
    read is dropped when it has no source and the tagger is unsure of its cue (`MIN_UNSOURCED_SCORE`),
    and otherwise gets its content boundaries from the learned content chooser (`_chosen`)."""
    out, used = [], set()
    for f in tagged:
        cue = set(f.cue)
        match = next((k for k, r in enumerate(ruled) if k not in used and cue & set(r.cue) and r.content), None)
        if match is None and f.source is None and f.content:
            match = next((k for k, r in enumerate(ruled) if k not in used and r.source is not None
                          and r.lemma in cue_lexicon()["speech"] and _hangs_from(parsed, f.cue, r.cue)
                          and _same_content(f.content, r.content)), None)
        if match is None:
            if f.source is not None or f.score >= MIN_UNSOURCED_SCORE:
                out.append(_chosen(parsed, tree or Tree(parsed), f))
        else:
            used.add(match)
            r = ruled[match]
            if _keeps_tagged_content(parsed, f.content, r.content) or _reads_other_side(parsed, f, r):
                r = replace(r, content=list(f.content),
                            quote_type=f.quote_type if r.quote_type in _QUOTE_KINDS else r.quote_type)
            out.append(r)
    return out


_QUOTE_KINDS = ("direct", "mixed", "indirect")
# An attribution only the tagger reads, with no source, is kept when the tagger's mean probability
# over its cue words is at least this.  Chosen on PolNeAR train (benchmarks/polnear.py --direct, exact
# F1 source / cue / content): all kept 76.0 / 68.6 / 62.2; 0.5 76.0 / 69.4 / 62.5; 0.6 76.0 / 69.9 /
# 62.6; 0.7 76.0 / 70.2 / 62.4; 0.8 76.0 / 70.2 / 62.3; none kept 76.0 / 69.8 / 62.0.  Those with a
# source are all kept: dropping them too (at 0.6: 76.1 / 70.5 / 62.8) loses 7 sources of the speaker
# set (benchmarks/speakers.py 0.542 -> 0.526).
MIN_UNSOURCED_SCORE = 0.6


def _chosen(parsed: ParsedReport, tree: Tree, f: Found) -> Found:
    """A tagged attribution with the content boundaries the learned content chooser prefers
    (`content_model.choose_content`, the chooser the rule finder's contents go through: a lead-in
    word, a tail after a comma, a clause cut short), unless that leaves no word.

    The tagger's own boundaries on the attributions only it reads are exact for 2,259 of 5,954
    contents on PolNeAR train; through the chooser content exact F1 (benchmarks/polnear.py
    --direct) dev 59.0 -> 59.3, train 61.8 -> 62.2."""
    if not f.content:
        return f
    content = content_model.choose_content(parsed, tree, f.cue, list(f.content), f.quote_type, f.lemma)
    if content == f.content or not any(_WORD.search(parsed.text[s:e]) for s, e in content):
        return f
    return replace(f, content=list(content))


def _keeps_tagged_content(parsed: ParsedReport, tagged: Sequence[tuple[int, int]],
                          ruled: Sequence[tuple[int, int]]) -> bool:
    """Whether the tagger's content stands over the rule finder's for the same cue: one span whose
    words are a strict superset of the rule content's (the rules cut a lead-in before a quotation,
    a tail after a comma or a quote, a clause the tagger reads whole).

    On PolNeAR train, where the two disagree this way with the tagger's content in one span, the
    tagger's matches the gold exactly 440 times and the rules' 149 (the other way round, rule content
    holding the tagger's, the rules win 1,457 to 508, so that stays as it was).  Content exact F1
    (benchmarks/polnear.py --direct) dev 57.2 -> 58.5, train 59.6 -> 61.1."""
    if len(tagged) != 1:
        return False
    t, r = _words(parsed, tagged), _words(parsed, ruled)
    return r < t


def _reads_other_side(parsed: ParsedReport, tagged: Found, ruled: Found) -> bool:
    """Whether the rule finder took an indirect content from before the cue ("A, he said"; often
    the clause a cue hangs from: "X happened, he said, citing ...") where the tagger reads one after
    it: there the tagger's content stands.

    On PolNeAR train, of such disagreements (no word shared) the tagger's content is the exact one
    154 times and the rules' 36 (both 46: two gold contents); content exact F1
    (benchmarks/polnear.py --direct) dev 58.5 -> 59.0, train 61.1 -> 61.8."""
    if ruled.quote_type != "indirect" or not tagged.content or not ruled.content:
        return False
    toks = parsed.tokens
    first, last = toks[min(ruled.cue)].start, toks[max(ruled.cue)].end
    before = max(e for _s, e in ruled.content) <= first
    after = min(s for s, _e in tagged.content) >= last
    return before and after and not _words(parsed, tagged.content) & _words(parsed, ruled.content)


def _words(parsed: ParsedReport, spans: Sequence[tuple[int, int]]) -> frozenset[int]:
    """The tokens of the spans that hold a letter or digit."""
    toks = parsed.tokens
    return frozenset(i for s, e in spans for i in tokens_in(parsed, s, e) if _WORD.search(toks[i].text))


def _hangs_from(parsed: ParsedReport, cue: Sequence[int], verb_cue: Sequence[int]) -> bool:
    """Whether a tagged cue is the medium of a rule cue verb: a noun in an "in" phrase under the verb
    with no owner of its own ("statement" in "said in a joint statement"; not "Mr. Trump's
    interjection", which is an attribution of its own, nor a verb of the content)."""
    toks, verbs, inside = parsed.tokens, set(verb_cue), set(cue)
    roots = [k for k in inside if toks[k].head not in inside or toks[k].head == k]
    if len(roots) != 1:
        return False
    noun = roots[0]
    if toks[noun].dep == "prep":  # the tagger took the whole phrase, "in a joint statement"
        noun = next((k for k in inside if toks[k].head == noun and toks[k].dep == "pobj"), noun)
    prep = toks[noun].head
    return (toks[noun].pos == "NOUN" and toks[noun].dep == "pobj" and toks[prep].text.lower() == "in"
            and toks[prep].dep == "prep" and toks[prep].head in verbs
            and not any(t.head == noun and t.dep == "poss" for t in toks[max(0, noun - 6):noun]))


def _same_content(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> bool:
    """Whether two content readings mostly cover the same characters (over half of the shorter)."""
    shared = sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)
    shorter = min(sum(e - s for s, e in a), sum(e - s for s, e in b))
    return shorter > 0 and shared * 2 > shorter


def _by_sentence(parsed: ParsedReport, spans: Sequence[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Content spans cut at sentence ends: one list of spans per sentence (quote marks stay attached)."""
    out: list[list[tuple[int, int]]] = []
    for a, b in spans:
        for sent in parsed.sentences:
            if sent.end <= a or sent.start >= b:
                continue
            lo, hi = max(a, sent.start), min(b, sent.end)
            while lo < hi and parsed.text[lo].isspace():
                lo += 1
            while hi > lo and parsed.text[hi - 1].isspace():
                hi -= 1
            if len(parsed.text[lo:hi].strip("\u201c\u201d\"' ")) >= 3:
                out.append([(lo, hi)])
    return out or [list(spans)]


def _note_subjects(parsed: ParsedReport, tree: Tree, index: SpeakerIndex, a: int, b: int) -> None:
    """Named subjects of a sentence become the latest mention of who they resolve to."""
    toks = parsed.tokens
    for i in range(a, b):
        if toks[i].dep in ("nsubj", "nsubjpass") and toks[i].ent_type and not in_dateline(parsed, i):
            # the mention holding the subject's head word ("Maria Lindqvist" for the head "Lindqvist")
            inside = [k for k in index.mentions_in(toks[tree.left[i]].start, toks[i].end)
                      if index.mentions[k].start <= toks[i].start < index.mentions[k].end]
            if inside:
                index.note(i, index.resolved_of(inside[0]))


EXPLETIVE_VERBS = frozenset({"seem", "appear"})


def _expletive_it(parsed: ParsedReport, f: Found) -> bool:
    """The source is a bare "it" before "seem" or "appear" ("it seems the talks failed"): it stands
    for nothing.  PolNeAR train gold marks no source on any of the four the first 300 train texts
    produced; such an "it" otherwise resolves to whatever organisation came last."""
    toks = parsed.tokens
    _head, first, last = f.source  # type: ignore[misc]
    if first != last or toks[first].text.lower() != "it" or not f.cue:
        return False
    return toks[min(f.cue)].lemma.lower() in EXPLETIVE_VERBS


def _build(parsed: ParsedReport, f: Found, who: Resolved, speaker_text: str, qtype: str,
           hedges: tuple[str, ...], keep_source: bool = True) -> Statement:
    toks = parsed.tokens
    text = parsed.text
    cue_spans = _runs(parsed, sorted(f.cue))
    cue_text = " ".join(text[s:e] for s, e in cue_spans)
    content = " ".join(text[s:e] for s, e in f.content)
    stance, hedges = classify_stance(f.lemma, content, cue_text)
    speaker_spans: tuple[tuple[int, int], ...] = ()
    if f.source is not None and keep_source:
        _h, first, last = f.source
        speaker_spans = ((toks[first].start, toks[last].end),)
    all_spans = list(speaker_spans) + cue_spans + list(f.content)
    lo = min(s for s, _ in all_spans)
    hi = max(e for _, e in all_spans)
    s_first = toks[_token_at(parsed, lo)].sent
    s_last = toks[_token_at(parsed, max(lo, hi - 1))].sent
    start, end = parsed.sentences[s_first].start, parsed.sentences[s_last].end
    return Statement(
        sentence=s_first, sentence_text=text[start:end], start=start, end=end,
        speaker_text=speaker_text, speaker_name=who.name, speaker_label=who.label,
        speaker_mention=who.mention, cue=cue_text, content=content, quote_type=qtype,
        stance=stance, hedges=hedges, speaker_spans=speaker_spans, cue_spans=tuple(cue_spans),
        content_spans=tuple(f.content), cited_source=f.cited)


def _token_at(parsed: ParsedReport, pos: int) -> int:
    import bisect

    starts = parsed.token_starts
    return max(0, bisect.bisect_right(starts, pos) - 1)




def _runs(parsed: ParsedReport, idx: Sequence[int]) -> list[tuple[int, int]]:
    """Character spans of runs of consecutive token indices."""
    toks = parsed.tokens
    out: list[tuple[int, int]] = []
    run_a = run_b = None
    for i in idx:
        if run_b is not None and i == run_b + 1:
            run_b = i
            continue
        if run_a is not None:
            out.append((toks[run_a].start, toks[run_b].end))
        run_a = run_b = i
    if run_a is not None:
        out.append((toks[run_a].start, toks[run_b].end))
    return out


