"""Candidate name spans over a report's tokens: the model's entities, lexicon phrase matches, and how overlaps are settled."""
from __future__ import annotations

from dataclasses import dataclass

from ..model import ParsedReport
from .entity_lexicon import EntityLexicon, first_word

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
DETERMINERS = frozenset({"the", "a", "an"})
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})


@dataclass
class NameSpan:
    """A candidate name over tokens, its label and where the label came from (model, gazetteer, rule)."""

    start: int  # token indices, end exclusive
    end: int
    label: str
    origin: str = "model"
    canonical: str | None = None


class ParseView:
    """Per-report views of the parse: normalised text, token ends, children."""

    def __init__(self, parsed: ParsedReport):
        self.p = parsed
        self.toks = parsed.tokens
        self.norm = parsed.text.replace("’", "'")
        self.end_tok = {t.end: t.i for t in self.toks}
        self.children: list[list[int]] = [[] for _ in self.toks]
        for t in self.toks:
            if t.head != t.i:
                self.children[t.head].append(t.i)

    def text(self, s: int, e: int) -> str:
        return self.p.text[self.toks[s].start:self.toks[e - 1].end] if e > s else ""

    def subtree(self, i: int, skip_deps: frozenset[str] = frozenset()) -> list[int]:
        out, stack = [], [i]
        while stack:
            k = stack.pop()
            out.append(k)
            stack.extend(c for c in self.children[k] if self.toks[c].dep not in skip_deps)
        return sorted(out)


def _trim(doc: ParseView, s: int, e: int) -> tuple[int, int]:
    """Drop leading determiners/quotes and trailing possessives/punctuation from a token span."""
    toks = doc.toks
    while s < e and (toks[s].text.lower() in DETERMINERS or toks[s].is_punct):
        s += 1
    while e > s and (toks[e - 1].text in _POSSESSIVE or toks[e - 1].is_punct):
        e -= 1
    return s, e


def model_spans(doc: ParseView) -> list[NameSpan]:
    """The model's entities, split at internal possessives and slashes ("Ruritania’s Transport Ministry"), trimmed."""
    out = []
    for ent in doc.p.entities:
        bounds, s = [], ent.token_start
        for k in range(ent.token_start, ent.token_end):
            if doc.toks[k].text in ("'s", "’s", "/"):
                bounds.append((s, k))
                s = k + 1
        bounds.append((s, ent.token_end))
        for s, e in bounds:
            s, e = _trim(doc, s, e)
            if e <= s or not doc.toks[s].text[:1].isupper():
                continue
            if any("@" in doc.toks[k].text or doc.toks[k].text == "+" for k in range(s, e)):
                continue  # social handles, keyboard hints
            out.append(NameSpan(s, e, ent.label))
    return out


def phrase_spans(doc: ParseView, lex: EntityLexicon) -> list[NameSpan]:
    """Lexicon phrases (organisations, media, curated places, facilities, named weapons/vessels)."""
    out, k, n = [], 0, len(doc.toks)
    while k < n:
        t = doc.toks[k]
        hit = None
        for ph in lex.phrases.get(first_word(t.text), ()):
            end = t.start + len(ph.text)
            j = doc.end_tok.get(end)
            if j is None:
                continue
            seg = doc.norm[t.start:end]
            if seg == ph.text or (not ph.exact and seg.lower() == ph.text.lower() and seg[:1].isupper()):
                hit = (j, ph)
                break
        if hit:
            j, ph = hit
            out.append(NameSpan(k, j + 1, ph.label, "gazetteer", ph.canonical))
            k = j + 1
        else:
            k += 1
    return out


def merge_spans(model: list[NameSpan], phrases: list[NameSpan]) -> list[NameSpan]:
    """Phrase matches relabel equal model spans, replace overlapped ones, and add missed ones."""
    kept = list(model)
    for ph in phrases:
        over = [m for m in kept if m.start < ph.end and ph.start < m.end]
        if not over:
            kept.append(ph)
            continue
        same = [m for m in over if (m.start, m.end) == (ph.start, ph.end)]
        if same:
            m = same[0]
            if m.label != ph.label and not (ph.label == "GPE" and m.label in PLACE_LABELS):
                m.label, m.origin = ph.label, "gazetteer"
            m.canonical = ph.canonical
            continue
        inside = all(m.start <= ph.start and ph.end <= m.end for m in over)
        if inside and not (ph.label in ("WEAPON", "FACILITY") and all(m.label not in ("PERSON",) for m in over)):
            continue  # a known name inside a longer model entity: keep the model's reading
        for m in over:
            kept.remove(m)
        kept.append(ph)
    return kept


def resolve_overlaps(spans: list[NameSpan]) -> list[NameSpan]:
    """Drop exact duplicates and weapon/vessel spans inside names; keep facility + place overlaps."""
    seen, out = set(), []
    named = [s for s in spans if s.label not in ("WEAPON", "VESSEL", "FACILITY")]
    rules = [s for s in spans if s.label in ("WEAPON", "VESSEL") and s.origin == "rule"]
    for sp in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        key = (sp.start, sp.end)
        if key in seen:
            continue
        if sp.label in ("WEAPON", "VESSEL") and sp.origin == "rule":
            if any(n.start <= sp.start and sp.end <= n.end and n.label != "GPE" for n in named if n is not sp):
                continue
        if sp.label in ("WEAPON", "VESSEL") and sp.origin == "gazetteer":
            if any(r.start <= sp.start and sp.end <= r.end and (r.start, r.end) != key for r in rules):
                continue
        seen.add(key)
        out.append(sp)
    return out
