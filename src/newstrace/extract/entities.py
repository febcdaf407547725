"""Entity mentions of one report: the model's entities corrected by gazetteers, domain patterns and context."""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from ..model import Mention, ParsedReport, Token
from ..resources import load_yaml
from .places import Gazetteer, load_gazetteer, place_key

MODEL_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_DET = frozenset({"the", "a", "an"})
_EDGE_PUNCT = "\"'“”‘’«»()[]{}.,;:!?—–-*"
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
_MAX_ROLE_TOKENS = 16
_NP_MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "npadvmod", "punct", "nummod", "cc", "conj", "dep",
                               "hmod", "hyph"})


@dataclass(frozen=True)
class Phrase:
    """A lexicon phrase: its text, the label it gives, and the canonical name it stands for."""

    text: str
    label: str
    canonical: str
    exact: bool  # match case-sensitively (acronyms, weapon names)


@dataclass
class _Span:
    start: int  # token indices, end exclusive
    end: int
    label: str
    origin: str = "model"
    canonical: str | None = None


@dataclass(frozen=True)
class _Lexicon:
    phrases: dict[str, tuple[Phrase, ...]]  # first word (lower) -> phrases, longest first
    titles: tuple[tuple[str, ...], ...]  # lower-case word tuples, longest first
    role_synonyms: dict[str, str]
    reorder_heads: frozenset[str]
    role_drop: frozenset[str]
    honorifics: frozenset[str]
    role_nouns: frozenset[str]
    role_suffixes: tuple[str, ...]
    not_places: frozenset[str]
    weapon_heads: frozenset[str]
    needs_modifier: frozenset[str]
    weapon_stop: frozenset[str]
    designation: re.Pattern
    calibre_units: frozenset[str]
    vessel_heads: frozenset[str]
    vessel_prefixes: frozenset[str]
    facility_heads: frozenset[str]
    facility_preps: frozenset[str]
    place_preps: frozenset[str]


def _first_word(s: str) -> str:
    m = re.match(r"\w+", s.replace("’", "'"))
    return m.group(0).lower() if m else s[:1].lower()


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    orgs = load_yaml("organisations.yaml")
    weap = load_yaml("weapons.yaml")
    gaz = load_yaml("gazetteer_places.yaml")
    titles = load_yaml("titles.yaml")
    items: list[Phrase] = []

    def add(text: str, label: str, canonical: str) -> None:
        text = str(text).replace("’", "'")
        exact = (text.isupper() and len(text) <= 6) or label in ("WEAPON", "VESSEL")
        items.append(Phrase(text, label, canonical, exact))

    for section, label in (("media", "MEDIA"), ("orgs", "ORG")):
        for e in orgs.get(section) or ():
            for n in [e["name"], *(e.get("aliases") or ())]:
                add(n, label, e["name"])
    for section, label in (("places", "GPE"), ("regions", "LOC"), ("facilities", "FACILITY")):
        for e in gaz.get(section) or ():
            for n in [e["name"], *(e.get("alt") or ())]:
                add(n, label, e["name"])
    for n in gaz.get("country_aliases") or {}:
        add(n, "GPE", str(n))
    for n in weap.get("weapon_names") or ():
        add(n, "WEAPON", str(n))
    for n in weap.get("vessel_names") or ():
        add(n, "VESSEL", str(n))
    index: dict[str, list[Phrase]] = defaultdict(list)
    for p in items:
        index[_first_word(p.text)].append(p)
    return _Lexicon(
        phrases={k: tuple(sorted(v, key=lambda p: -len(p.text))) for k, v in index.items()},
        titles=tuple(sorted((tuple(t.lower().split()) for t in titles["titles"]), key=len, reverse=True)),
        role_synonyms={str(k): str(v) for k, v in (titles.get("role_synonyms") or {}).items()},
        reorder_heads=frozenset(titles.get("reorder_heads") or ()),
        role_drop=frozenset(titles.get("role_drop_leading") or ()),
        honorifics=frozenset(titles.get("honorifics") or ()),
        role_nouns=frozenset(titles.get("role_nouns") or ()),
        role_suffixes=tuple(titles.get("role_suffixes") or ()),
        not_places=frozenset(str(w).lower() for w in gaz.get("not_places") or ()),
        weapon_heads=frozenset(weap["weapon_heads"]), needs_modifier=frozenset(weap["needs_modifier"]),
        weapon_stop=frozenset(weap["weapon_stop_modifiers"]),
        designation=re.compile(weap["designation_pattern"]),
        calibre_units=frozenset(weap["calibre_units"]),
        vessel_heads=frozenset(weap["vessel_heads"]), vessel_prefixes=frozenset(weap["vessel_prefixes"]),
        facility_heads=frozenset(gaz["facility_heads"]), facility_preps=frozenset(gaz["facility_prepositions"]),
        place_preps=frozenset(gaz["place_prepositions"]))


# --------------------------------------------------------------------------- spans
class _Doc:
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


def _trim(doc: _Doc, s: int, e: int) -> tuple[int, int]:
    """Drop leading determiners/quotes and trailing possessives/punctuation from a token span."""
    toks = doc.toks
    while s < e and (toks[s].text.lower() in _DET or toks[s].is_punct):
        s += 1
    while e > s and (toks[e - 1].text in _POSSESSIVE or toks[e - 1].is_punct):
        e -= 1
    return s, e


def _model_spans(doc: _Doc) -> list[_Span]:
    """The model's entities, split at internal possessives and slashes ("White House’s NSC"), trimmed."""
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
            out.append(_Span(s, e, ent.label))
    return out


def _phrase_spans(doc: _Doc, lex: _Lexicon) -> list[_Span]:
    """Lexicon phrases (organisations, media, curated places, facilities, named weapons/vessels)."""
    out, k, n = [], 0, len(doc.toks)
    while k < n:
        t = doc.toks[k]
        hit = None
        for ph in lex.phrases.get(_first_word(t.text), ()):
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
            out.append(_Span(k, j + 1, ph.label, "gazetteer", ph.canonical))
            k = j + 1
        else:
            k += 1
    return out


def _merge(model: list[_Span], phrases: list[_Span]) -> list[_Span]:
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


# --------------------------------------------------------------------------- labels
def _decide_labels(doc: _Doc, spans: list[_Span], gaz: Gazetteer, lex: _Lexicon) -> None:
    """One label per name in the report: lexicon, then people's surnames, then places, then votes."""
    toks = doc.toks
    by_name: dict[str, list[_Span]] = defaultdict(list)
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


def _extend_persons(doc: _Doc, spans: list[_Span], lex: _Lexicon) -> None:
    """Take in a given name the model left out ("Pjotr" of "Pjotr Sauer"), never a title."""
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


# --------------------------------------------------------------------------- domain phrases
def _np_left(doc: _Doc, head: int, lex: _Lexicon, stop: frozenset[str], places: bool = False,
             named: frozenset[int] = frozenset()) -> int:
    """Leftmost token of the modifiers of `head` that belong to a weapon/vessel/facility name."""
    toks, s = doc.toks, head
    k = head - 1
    while k >= 0 and toks[k].sent == toks[head].sent:
        t = toks[k]
        if t.head < k or t.head > head:
            break
        low = t.text.lower()
        if t.text.lower() in _DET or t.dep in ("poss", "det", "case", "predet") or low in stop:
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


def _domain_spans(doc: _Doc, spans: list[_Span], lex: _Lexicon, gaz: Gazetteer) -> list[_Span]:
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
                out.append(_Span(s, t.i + 1, "WEAPON", "rule"))
        elif lemma in lex.vessel_heads and t.dep != "compound":
            s = _np_left(doc, t.i, lex, lex.weapon_stop, named=named)
            out.append(_Span(s, t.i + 1, "VESSEL", "rule"))
        elif lemma in lex.facility_heads and t.dep != "compound":
            s = _np_left(doc, t.i, lex, lex.weapon_stop, places=True)
            if any(k in place_at for k in range(s, t.i)):
                s = min(place_at[k].start for k in range(s, t.i) if k in place_at)
                out.append(_Span(s, t.i + 1, "FACILITY", "rule"))
                continue
            for c in doc.children[t.i]:
                if toks[c].dep == "prep" and toks[c].text.lower() in lex.facility_preps:
                    objs = [g for g in doc.children[c] if g in place_at]
                    if objs:
                        out.append(_Span(s, place_at[objs[0]].end, "FACILITY", "rule"))
                        break
        elif lex.designation.match(t.text) and t.pos == "PROPN":
            out.append(_Span(t.i, t.i + 1, "WEAPON", "rule"))
        if t.text in lex.vessel_prefixes and t.i + 1 < len(toks) and toks[t.i + 1].text[:1].isupper():
            e = t.i + 1
            while e < len(toks) and toks[e].text[:1].isupper() and toks[e].sent == t.sent:
                e += 1
            out.append(_Span(t.i, e, "VESSEL", "rule"))
    return out


# --------------------------------------------------------------------------- names and roles
def _strip_titles(words: list[str], lex: _Lexicon) -> tuple[list[str], list[str]]:
    """Remove leading titles/ranks ("Maj", "Foreign Secretary", "Mr.") from a person's name."""
    stripped: list[str] = []
    changed = True
    while changed and len(words) > 1:
        changed = False
        low = [w.lower().rstrip(".") for w in words]
        for t in lex.titles:
            if len(t) < len(words) and tuple(low[:len(t)]) == t:
                stripped.extend(words[:len(t)])
                words = words[len(t):]
                changed = True
                break
    return words, stripped


def clean_name(text: str, label: str, canonical: str | None = None) -> tuple[str, str | None]:
    """(cleaned name, stripped titles) of a mention's text."""
    lex = _lexicon()
    s = re.sub(r"\s+", " ", text).strip().strip(_EDGE_PUNCT.replace(".", "")).strip()
    s = re.sub(r"(?:'s|’s|'|’)$", "", s).strip()
    s = s.rstrip(",;:!?”\"'’)").strip()
    if label != "PERSON" and not re.search(r"(?:\b[A-Z]\.|Inc\.|Co\.)$", s):  # keep "U.S.", "D.C."
        s = s.rstrip(".")
    if re.match(r"(?i)^the\s", s):
        s = s[4:].strip()
    titles = None
    if label == "PERSON":
        words, lost = _strip_titles(s.split(" "), lex)
        s, titles = " ".join(words), (" ".join(lost).lower().replace(".", "") or None)
    if canonical and place_key(canonical) == place_key(s):
        s = canonical
    elif label in ("GPE", "LOC") and s.isupper() and len(s) > 4:
        s = s.title()  # datelines: "SEOUL"
    return s, titles


def normalise_role(role: str) -> str | None:
    """Lower-case, possessives and articles dropped, synonyms mapped, 'spokesman for the X' -> 'X spokesman'."""
    lex = _lexicon()
    s = role.replace("’", "'").lower()
    s = re.sub(r"'s\b", "", s)
    s = re.sub(r"[\s,;:]+$", "", re.sub(r"\s+", " ", s)).strip(" ,;:-\"“”")
    words = [lex.role_synonyms.get(w, w) for w in s.split()]
    while words and words[0] in lex.role_drop:
        words = words[1:]
    s = " ".join(words)
    if not re.search(r"[a-z]", s):
        return None
    m = re.match(r"^([\w-]+) (?:for|of) (?:the )?(.+)$", s)
    if m and m.group(1) in lex.reorder_heads:
        s = f"{m.group(2)} {m.group(1)}"
    return s or None


def _names_person(t: Token, lex: _Lexicon) -> bool:
    """Whether a noun can describe a person ("analyst", "head", "spokesman"), for appositions."""
    w = t.lemma.lower()
    return w in lex.role_nouns or w.endswith(lex.role_suffixes)


def _role(doc: _Doc, sp: _Span, person_tokens: set[int]) -> str | None:
    """Descriptor around a person mention: pre-modifiers in its noun phrase, or an apposition."""
    toks = doc.toks
    heads = [k for k in range(sp.start, sp.end) if not sp.start <= toks[k].head < sp.end or toks[k].head == k]
    head = heads[-1] if heads else sp.end - 1
    pre, k = sp.start, sp.start - 1
    while k >= 0 and toks[k].sent == toks[sp.start].sent and k not in person_tokens:
        t = toks[k]
        if t.dep in ("det", "predet") or t.text.lower() in _DET or not (k < t.head < sp.end or t.dep == "case"):
            break
        if t.dep not in ("compound", "amod", "nmod", "poss", "case", "punct", "npadvmod", "nummod", "dep", "hyph") \
                or (t.is_punct and t.text not in "-‐–"):
            break
        pre, k = k, k - 1
    prefix = doc.text(pre, sp.start) if pre < sp.start else ""
    appos = None
    skip = frozenset({"relcl", "acl", "advcl", "punct", "appos", "parataxis"})
    for c in doc.children[head]:
        if toks[c].dep == "appos" and c not in person_tokens and toks[c].pos in ("NOUN", "PROPN") and c > head \
                and toks[c].ent_type != "PERSON" and _names_person(toks[c], _lexicon()):
            sub = doc.subtree(c, skip)
            if len(sub) <= _MAX_ROLE_TOKENS:
                appos = doc.text(sub[0], sub[-1] + 1)
            break
    h = toks[head].head
    if appos is None and toks[head].dep == "appos" and toks[h].pos in ("NOUN", "PROPN") \
            and toks[h].ent_type != "PERSON" and _names_person(toks[h], _lexicon()):
        sub = [k for k in doc.subtree(h, skip) if k < sp.start]
        cut = [j for j, k in enumerate(sub) if toks[k].dep == "cc" or k in person_tokens]
        sub = sub[cut[-1] + 1:] if cut else sub
        if sub and len(sub) <= _MAX_ROLE_TOKENS:
            appos = doc.text(sub[0], sub[-1] + 1)
    lex = _lexicon()
    pre_words = [w.lower().rstrip(".") for w in prefix.split()]
    descriptive = bool(pre_words) and _strip_titles(pre_words + ["x"], lex)[0] != ["x"]
    role = prefix if descriptive or not appos else appos
    if not role:
        return None
    role = normalise_role(role)
    return role if role and role.rstrip(".") not in lex.honorifics else None


# --------------------------------------------------------------------------- entry point
def _resolve_overlaps(spans: list[_Span]) -> list[_Span]:
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


def extract_mentions(parsed: ParsedReport) -> tuple[Mention, ...]:
    """Every name mention in the report (one per occurrence), labelled, cleaned, with roles for people."""
    lex, gaz = _lexicon(), load_gazetteer()
    doc = _Doc(parsed)
    spans = _merge(_model_spans(doc), _phrase_spans(doc, lex))
    _decide_labels(doc, spans, gaz, lex)
    spans = [s for s in spans if s.label in MODEL_LABELS or s.label in ("MEDIA", "WEAPON", "VESSEL", "FACILITY")]
    _extend_persons(doc, spans, lex)
    domain = _domain_spans(doc, spans, lex, gaz)
    weaponish = [d for d in domain if d.label in ("WEAPON", "VESSEL")]
    spans = [s for s in spans if not (s.label in ("FAC", "ORG") and any(
        d.start <= s.start and s.end <= d.end for d in weaponish))]
    spans = _resolve_overlaps(spans + domain)
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
        role = _role(doc, sp, person_tokens) if sp.label == "PERSON" else None
        if sp.label == "PERSON" and role is None and titles:
            role = normalise_role(titles)
        out.append(Mention(text=text, name=name, label=sp.label, start=start, end=end,
                           sentence=doc.toks[sp.start].sent, role=role, origin=sp.origin))
    out.sort(key=lambda m: (m.start, -m.end))
    return tuple(out)
