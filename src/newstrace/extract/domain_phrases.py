"""Domain noun phrases the model does not name: WEAPON and VESSEL phrases by their head noun, FACILITY phrases tied to a place."""
from __future__ import annotations

import re

from .entity_lexicon import EntityLexicon
from .entity_spans import DETERMINERS, PLACE_LABELS, NameSpan, ParseView
from .places import Gazetteer

_NP_MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "npadvmod", "punct", "nummod", "cc", "conj", "dep",
                               "hmod", "hyph"})


def _np_left(doc: ParseView, head: int, lex: EntityLexicon, stop: frozenset[str], places: bool = False,
             named: frozenset[int] = frozenset()) -> int:
    """Leftmost token of the modifiers of `head` that belong to a weapon/vessel/facility name."""
    toks, s = doc.toks, head
    k = head - 1
    while k >= 0 and toks[k].sent == toks[head].sent:
        t = toks[k]
        if t.head < k or t.head > head:
            break
        low = t.text.lower()
        if t.text.lower() in DETERMINERS or t.dep in ("poss", "det", "case", "predet") or low in stop:
            break
        if t.is_punct and t.text not in "-‐":
            break
        calibre = low in lex.calibre_units or toks[k + 1].text.lower() in lex.calibre_units \
            or re.match(r"^\d+mm$", low) is not None
        if t.ent_type in ("NORP", "GPE", "ORG", "PERSON", "CARDINAL", "DATE", "QUANTITY") and not (
                calibre or k in named or places and t.ent_type in ("GPE", "LOC", "FAC")):
            break
        if t.like_num and not calibre:
            break
        if t.dep not in _NP_MODIFIER_DEPS:
            break
        s = k
        k -= 1
    if s > 0 and toks[s - 1].text in "-‐" and toks[s - 1].end == toks[s].start:
        s += 1  # "Soviet-era ammunition": do not keep half of a hyphenated modifier
    while s < head and (toks[s].is_punct or toks[s].dep == "cc"):
        s += 1
    return s


def domain_spans(doc: ParseView, spans: list[NameSpan], lex: EntityLexicon, gaz: Gazetteer) -> list[NameSpan]:
    """WEAPON and VESSEL noun phrases, FACILITY phrases tied to a place."""
    toks, out = doc.toks, []
    named = frozenset(k for sp in spans if sp.label in ("WEAPON", "VESSEL") for k in range(sp.start, sp.end))
    place_at = {}
    for sp in spans:
        if sp.label in PLACE_LABELS and not gaz.country_code(doc.text(sp.start, sp.end)):
            for k in range(sp.start, sp.end):
                place_at[k] = sp
    for t in toks:
        lemma = t.lemma.lower()
        if t.pos not in ("NOUN", "PROPN") or t.dep == "compound" and toks[t.head].lemma.lower() in lex.weapon_heads:
            continue
        if lemma in lex.weapon_heads and t.dep != "compound":
            s = _np_left(doc, t.i, lex, lex.weapon_stop, named=named)
            if s < t.i or lemma not in lex.needs_modifier:
                out.append(NameSpan(s, t.i + 1, "WEAPON", "rule"))
        elif lemma in lex.vessel_heads and t.dep != "compound":
            s = _np_left(doc, t.i, lex, lex.weapon_stop, named=named)
            out.append(NameSpan(s, t.i + 1, "VESSEL", "rule"))
        elif lemma in lex.facility_heads and t.dep != "compound":
            s = _np_left(doc, t.i, lex, lex.weapon_stop, places=True)
            if any(k in place_at for k in range(s, t.i)):
                s = min(place_at[k].start for k in range(s, t.i) if k in place_at)
                out.append(NameSpan(s, t.i + 1, "FACILITY", "rule"))
                continue
            for c in doc.children[t.i]:
                if toks[c].dep == "prep" and toks[c].text.lower() in lex.facility_preps:
                    objs = [g for g in doc.children[c] if g in place_at]
                    if objs:
                        out.append(NameSpan(s, place_at[objs[0]].end, "FACILITY", "rule"))
                        break
        elif lex.designation.match(t.text) and t.pos == "PROPN":
            out.append(NameSpan(t.i, t.i + 1, "WEAPON", "rule"))
        if t.text in lex.vessel_prefixes and t.i + 1 < len(toks) and toks[t.i + 1].text[:1].isupper():
            e = t.i + 1
            while e < len(toks) and toks[e].text[:1].isupper() and toks[e].sent == t.sent:
                e += 1
            out.append(NameSpan(t.i, e, "VESSEL", "rule"))
    return out
