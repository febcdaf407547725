"""Label correction: one label per name across the report (lexicon, surnames, places, votes), and persons' missed given names."""
from __future__ import annotations

from collections import Counter, defaultdict

from .entity_lexicon import EntityLexicon
from .entity_spans import PLACE_LABELS, NameSpan, ParseView
from .places import Gazetteer


def decide_labels(doc: ParseView, spans: list[NameSpan], gaz: Gazetteer, lex: EntityLexicon) -> None:
    """One label per name in the report: lexicon, then people's surnames, then places, then votes."""
    toks = doc.toks
    by_name: dict[str, list[NameSpan]] = defaultdict(list)
    for sp in spans:
        by_name[doc.text(sp.start, sp.end)].append(sp)
    person_parts: Counter = Counter()
    for name, group in by_name.items():
        words = name.split()
        if len(words) > 1 and any(g.label == "PERSON" for g in group):
            for w in words:
                person_parts[w] += len(group)
    context = set()
    for name, group in by_name.items():
        code = gaz.country_code(name) if group[0].label in ("GPE", "LOC") else gaz.demonym_country(name)
        if code:
            context.add(code)
    for name, group in by_name.items():
        if any(g.origin == "gazetteer" for g in group) or group[0].label in ("WEAPON", "VESSEL", "FACILITY", "MEDIA"):
            label = next((g.label for g in group if g.origin == "gazetteer"), group[0].label)
            if label in PLACE_LABELS and person_parts.get(name):
                label = "PERSON"  # "Lyman" after "Princeton Lyman" is the person, not the town
            for g in group:
                if g.origin == "model" and g.label in PLACE_LABELS and label == "GPE":
                    continue
                g.label = label
            continue
        votes = Counter(g.label for g in group)
        if gaz.country_code(name) and votes.get("NORP", 0) < len(group):
            label = "GPE"
        elif person_parts.get(name) and \
                votes.get("GPE", 0) + votes.get("LOC", 0) <= votes.get("PERSON", 0) + person_parts[name]:
            votes["PERSON"] += person_parts[name]
            label = max(votes, key=lambda k: (votes[k], k == "PERSON"))
        else:
            if votes.keys() & {"PERSON", "ORG"} and len(name.split()) <= 2:
                near = sum(1 for g in group if g.start > 0 and toks[g.start - 1].text.lower() in lex.place_preps)
                cands = gaz.candidates(name) if near or votes.keys() & PLACE_LABELS else []
                if any(c.country in context and (c.population >= 1000 or c.source != "geonames") for c in cands):
                    votes["GPE"] += near + 1
            label = max(votes, key=lambda k: (votes[k], k in PLACE_LABELS))
        for g in group:
            if not (label in PLACE_LABELS and g.label in PLACE_LABELS):
                if g.label != label:
                    g.origin = "rule"
                g.label = label


def extend_persons(doc: ParseView, spans: list[NameSpan], lex: EntityLexicon) -> None:
    """Take in a given name the model left out ("Maria" of "Maria Olsen"), never a title."""
    taken = {k for sp in spans for k in range(sp.start, sp.end)}
    titles = {t[0] for t in lex.titles if len(t) == 1}
    for sp in spans:
        if sp.label != "PERSON":
            continue
        while sp.start > 0:
            t = doc.toks[sp.start - 1]
            if (t.i in taken or t.pos != "PROPN" or t.dep != "compound" or not t.text[:1].isupper()
                    or t.text.lower().rstrip(".") in titles or t.sent != doc.toks[sp.start].sent
                    or not sp.start <= t.head < sp.end):
                break
            sp.start -= 1
