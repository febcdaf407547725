"""Entity mentions of one report: the model's entities corrected by gazetteers, domain patterns and context.

The steps live in their own modules: candidate spans and overlaps (entity_spans), label correction
(entity_labels), weapon/vessel/facility phrases (domain_phrases), names and roles (names), all reading
the lexicon of entity_lexicon.
"""
from __future__ import annotations

from ..model import Mention, ParsedReport
from .domain_phrases import domain_spans
from .entity_labels import decide_labels, extend_persons
from .entity_lexicon import Phrase, entity_lexicon
from .entity_spans import PLACE_LABELS, ParseView, merge_spans, model_spans, phrase_spans, resolve_overlaps
from .names import clean_name, normalise_role, person_role
from .places import load_gazetteer

__all__ = ["MODEL_LABELS", "PLACE_LABELS", "Phrase", "clean_name", "extract_mentions", "normalise_role"]

MODEL_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"})


def extract_mentions(parsed: ParsedReport) -> tuple[Mention, ...]:
    """Every name mention in the report (one per occurrence), labelled, cleaned, with roles for people."""
    lex, gaz = entity_lexicon(), load_gazetteer()
    doc = ParseView(parsed)
    spans = merge_spans(model_spans(doc), phrase_spans(doc, lex))
    decide_labels(doc, spans, gaz, lex)
    spans = [s for s in spans if s.label in MODEL_LABELS or s.label in ("MEDIA", "WEAPON", "VESSEL", "FACILITY")]
    extend_persons(doc, spans, lex)
    domain = domain_spans(doc, spans, lex, gaz)
    weaponish = [d for d in domain if d.label in ("WEAPON", "VESSEL")]
    spans = [s for s in spans if not (s.label in ("FAC", "ORG") and any(
        d.start <= s.start and s.end <= d.end for d in weaponish))]
    spans = resolve_overlaps(spans + domain)
    person_tokens = {k for s in spans if s.label == "PERSON" for k in range(s.start, s.end)}
    out = []
    for sp in spans:
        start, end = doc.toks[sp.start].start, doc.toks[sp.end - 1].end
        text = parsed.text[start:end]
        name, titles = clean_name(text, sp.label, sp.canonical)
        first = doc.toks[sp.start]
        if sp.origin == "rule" and first.pos != "PROPN" and parsed.sentences[first.sent].token_start == first.i:
            name = name[:1].lower() + name[1:]  # "Small vessels" opening a sentence
        if not name or not any(c.isalpha() for c in name):
            continue
        role = person_role(doc, sp, person_tokens) if sp.label == "PERSON" else None
        if sp.label == "PERSON" and role is None and titles:
            role = normalise_role(titles)
        out.append(Mention(text=text, name=name, label=sp.label, start=start, end=end,
                           sentence=doc.toks[sp.start].sent, role=role, origin=sp.origin))
    out.sort(key=lambda m: (m.start, -m.end))
    return tuple(out)
