"""Which person a pronoun means, within one report: salience, syntax and gender agreement.

The candidates for a personal pronoun ("he", "her", "his") are the people named before it (and,
for a pronoun in a clause that opens its sentence, after it in the same sentence), grouped into
entities by name ("Lindsey Graham", "Graham", "Mr. Graham" are one; "Bill Clinton" and "Hillary
Clinton" are two).  People of the other gender are never candidates.  Each remaining entity is
scored by a logistic model over features of its mentions relative to the pronoun:

* gender agreement: an entity's gender comes from the report itself (honorifics such as "Mr." or
  "Ms.", gendered role words beside the name such as "actress" or "spokesman", and the pronouns
  the text uses when that entity is the only person in view, never the pronoun being resolved),
  else from the first-name list (resources/coref_gender.yaml);
* salience: distance in sentences, whether the entity was the subject of its clause, the last
  subject-position person, the last person named, the first person of the report, how often
  it was named; parallel roles (subject pronoun, subject antecedent);
* syntax: a possessive pronoun in the clause of its subject ("Graham said his plan...") binds to
  it; an object pronoun never means the subject of its own verb ("Graham praised him");
* attribution: whether the entity was already a speaker of the report (news only).

The weights (`resources/coref_weights.json`) are trained by `benchmarks/train_coref.py` on GAP
development rows, except two that GAP cannot teach (its two names always share the pronoun's
gender, and it has no attributions): gender agreement and "already a speaker", set by hand.
Without the file a hand-set fallback applies the same features.  speakers.py asks this module
only after its own news rule (the last speaker or main-clause subject of fitting gender).
"""
from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Sequence

from ..model import Mention, ParsedReport
from ..resources import load_json, load_yaml

MALE_PRONOUNS = frozenset({"he", "him", "his", "himself"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers", "herself"})
POSSESSIVE = frozenset({"his", "her", "hers"})
SUBJECT_DEPS = ("nsubj", "nsubjpass")
OBJECT_DEPS = ("dobj", "iobj", "pobj", "dative", "obj")
MAX_SENTENCES_BACK = 6  # an antecedent further back than this many sentences is not considered
WEIGHTS_FILE = "coref_weights.json"


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    data = load_yaml("coref_gender.yaml") or {}
    return {
        "male_titles": frozenset(str(w).lower() for w in data.get("male_titles") or ()),
        "female_titles": frozenset(str(w).lower() for w in data.get("female_titles") or ()),
        "male_words": frozenset(str(w).lower() for w in data.get("male_words") or ()),
        "female_words": frozenset(str(w).lower() for w in data.get("female_words") or ()),
        "male_names": frozenset(str(w).lower() for w in data.get("male_names") or ()),
        "female_names": frozenset(str(w).lower() for w in data.get("female_names") or ()),
    }


@lru_cache(maxsize=1)
def _weights() -> dict | None:
    return load_json(WEIGHTS_FILE)


def pronoun_gender(word: str) -> str | None:
    w = word.lower()
    return "m" if w in MALE_PRONOUNS else "f" if w in FEMALE_PRONOUNS else None


def _name_words(name: str) -> list[str]:
    name = re.sub(r"['\u2019]s$", "", name.strip())
    return [w for w in re.findall(r"[\w.'\u2019-]+", name) if not w.endswith(".") or len(w) > 2]


@dataclass(eq=False)
class Entity:
    """One person of the report: its mention indices (into the report's mentions) and evidence."""

    key: str
    name: str
    mentions: list[int] = field(default_factory=list)
    votes: float = 0.0  # > 0 male, < 0 female


class People:
    """The people of one report as entities, with each one's gender evidence, for pronoun resolution."""

    def __init__(self, parsed: ParsedReport, mentions: Sequence[Mention]):
        self.parsed = parsed
        self.mentions = mentions
        surnames = {_name_words(m.name or m.text)[-1].lower() for m in mentions
                    if m.label == "PERSON" and len(_name_words(m.name or m.text)) >= 2}
        # a person's surname the entity finder labelled otherwise ("Trump" as ORG) is still that person
        self.persons = sorted((k for k, m in enumerate(mentions) if m.label == "PERSON" or (
            m.label in ("ORG", "NORP", "GPE", "FAC") and len(_name_words(m.name or m.text)) == 1
            and (m.name or m.text).lower() in surnames)), key=lambda k: mentions[k].start)
        self.entities: dict[str, Entity] = {}
        self.entity_of: dict[int, Entity] = {}
        self.head_of: dict[int, int] = {}
        self.pronoun_votes: dict[int, tuple[Entity, float]] = {}  # token -> (entity, vote)
        self._cluster()
        self.persons = [k for k in self.persons if k in self.entity_of]
        self._gender()

    # ------------------------------------------------------------------ entities
    def _cluster(self) -> None:
        """Full names are entities of their own ("Bill Clinton" is not "Hillary Clinton"); a single
        name joins the nearest full name before it that holds it, else the first one after it."""
        fulls: list[tuple[int, str, list[str]]] = []  # (start, key, lowercased words)
        for k in self.persons:
            words = [w.lower() for w in _name_words(self.mentions[k].name or self.mentions[k].text)]
            if len(words) >= 2:
                fulls.append((self.mentions[k].start, words[0] + " " + words[-1], words))
        for k in self.persons:
            m = self.mentions[k]
            words = [w.lower() for w in _name_words(m.name or m.text)]
            if not words:
                continue
            if len(words) >= 2:
                key = words[0] + " " + words[-1]
            else:
                holding = [(start, fk) for start, fk, fw in fulls if words[0] in (fw[0], fw[-1])]
                earlier = [fk for start, fk in holding if start < m.start]
                key = earlier[-1] if earlier else holding[0][1] if holding else words[0]
            ent = self.entities.get(key)
            if ent is None:
                ent = self.entities[key] = Entity(key, m.name or m.text)
            if len(_name_words(m.name or m.text)) > len(_name_words(ent.name)):
                ent.name = m.name or m.text
            ent.mentions.append(k)
            self.entity_of[k] = ent
            self.head_of[k] = self._head_token(m)

    def _head_token(self, m: Mention) -> int:
        toks = self.parsed.tokens
        starts = self.parsed.token_starts
        a = bisect.bisect_left(starts, m.start)
        b = max(a + 1, bisect.bisect_left(starts, m.end))
        inside = range(a, min(b, len(toks)))
        for i in inside:
            if not (a <= toks[i].head < b) or toks[i].head == i:
                return i
        return a

    # ------------------------------------------------------------------ gender
    def _gender(self) -> None:
        lex = _lexicon()
        toks = self.parsed.tokens
        text = self.parsed.text
        for k, ent in self.entity_of.items():
            m = self.mentions[k]
            before = text[max(0, m.start - 12):m.start].lower()
            title = re.findall(r"([a-z]+)\.?\s*$", before)
            inner = [w.lower().rstrip(".") for w in m.text.split()[:-1]]
            if (title and title[0] in lex["male_titles"]) or set(inner) & lex["male_titles"]:
                ent.votes += 2
            if (title and title[0] in lex["female_titles"]) or set(inner) & lex["female_titles"]:
                ent.votes -= 2
            for w in self._role_words(k):
                if w in lex["male_words"]:
                    ent.votes += 1
                elif w in lex["female_words"]:
                    ent.votes -= 1
        # pronouns when one person is in view: the sentence so far and the one before
        for i, t in enumerate(toks):
            g = pronoun_gender(t.text)
            if g is None:
                continue
            ents = self._in_view(i)
            if len(ents) == 1:
                vote = 0.5 if g == "m" else -0.5
                ents[0].votes += vote
                self.pronoun_votes[i] = (ents[0], vote)
        # first names, only where the report itself says nothing
        for ent in self.entities.values():
            if abs(ent.votes) >= 0.5:
                continue
            words = _name_words(ent.name)
            first = words[0].lower() if len(words) >= 2 else ""
            if first in lex["male_names"]:
                ent.votes += 0.75
            elif first in lex["female_names"]:
                ent.votes -= 0.75

    def _role_words(self, k: int) -> list[str]:
        """Words that describe the mention: its role, and the modifiers and apposition of its head
        ("actress Kamala Lopez", "Ivanka Trump, the nominee's eldest daughter")."""
        m = self.mentions[k]
        toks = self.parsed.tokens
        words = [w.lower() for w in re.findall(r"[A-Za-z-]+", m.role or "")]
        h = self.head_of[k]
        lo, hi = toks[h].i, toks[h].i
        sent = self.parsed.sentences[toks[h].sent]
        for i in range(sent.token_start, sent.token_end):
            t = toks[i]
            if t.head == h and i != h and not (m.start <= t.start < m.end):
                if t.dep == "appos":
                    words.append(t.text.lower())
                elif t.dep in ("compound", "amod", "nmod") and t.pos in ("NOUN", "ADJ"):
                    words.append(t.text.lower())
        return words

    def _in_view(self, token: int) -> list[Entity]:
        """Entities named in the sentence of `token` before it, or else in the previous sentence."""
        toks = self.parsed.tokens
        sent = toks[token].sent
        pos = toks[token].start
        here, prev = [], []
        for k in self.persons:
            m = self.mentions[k]
            if m.start >= pos:
                break
            if m.sentence == sent:
                here.append(self.entity_of[k])
            elif m.sentence == sent - 1:
                prev.append(self.entity_of[k])
        pick = here or prev
        out: list[Entity] = []
        for e in pick:
            if e not in out:
                out.append(e)
        return out

    def gender_of(self, ent: Entity, token: int | None = None) -> str | None:
        """The entity's gender, leaving out the vote of the pronoun at `token` (the one being resolved)."""
        votes = ent.votes
        own = self.pronoun_votes.get(token) if token is not None else None
        if own is not None and own[0] is ent:
            votes -= own[1]
        return "m" if votes >= 0.5 else "f" if votes <= -0.5 else None

    def entity_named(self, name: str, before: int | None = None) -> Entity | None:
        """The entity a name stands for: same full name, else the latest (before char `before`)
        whose first or last word it is."""
        key = _key(name)
        if key in self.entities:
            return self.entities[key]
        words = key.split()
        if len(words) != 1:
            return None
        fits = [e for e in self.entities.values() if words[0] in e.key.split()]
        if before is not None:
            fits = [e for e in fits if self.mentions[e.mentions[0]].start < before] or fits
        return max(fits, key=lambda e: self.mentions[e.mentions[0]].start) if fits else None

    def name_gender(self, name: str, token: int | None = None) -> str | None:
        """Gender of whoever `name` is: its entity's evidence, else the first-name list."""
        ent = self.entity_named(name, self.parsed.tokens[token].start if token is not None else None)
        if ent is not None:
            return self.gender_of(ent, token)
        words = [w.lower() for w in _name_words(name)]
        lex = _lexicon()
        if len(words) >= 2 and words[0] in lex["male_names"]:
            return "m"
        if len(words) >= 2 and words[0] in lex["female_names"]:
            return "f"
        return None

    def subject_before(self, token: int, gender: str | None) -> int | None:
        """The latest person named as a subject earlier in the sentence of `token`, of fitting gender."""
        toks = self.parsed.tokens
        p = toks[token]
        for k in reversed(self.persons):
            m = self.mentions[k]
            if m.end > p.start:
                continue
            if m.sentence != p.sent:
                break
            h = self.head_of[k]
            if toks[h].dep in SUBJECT_DEPS and (gender is None or self.gender_of(self.entity_of[k], token) in (gender, None)):
                if p.dep in OBJECT_DEPS and toks[p.head].i == toks[h].head:
                    continue  # "Graham praised him": never the subject of its own verb
                return k
        return None

    # ------------------------------------------------------------------ candidates
    def candidates(self, token: int, speakers: Sequence[str] = (), gender: str | None = None,
                   exclude: frozenset[str] | set[str] = frozenset()) -> list[tuple[Entity, dict[str, float]]]:
        """Each entity that may be meant by the pronoun (or person description) at `token`, with its
        features; `gender` is the description's ("the spokeswoman"), else the pronoun's."""
        toks = self.parsed.tokens
        p = toks[token]
        pg = gender or pronoun_gender(p.text)
        before = [k for k in self.persons if self.mentions[k].end <= p.start
                  and p.sent - self.mentions[k].sentence <= MAX_SENTENCES_BACK]
        after = [k for k in self.persons if self.mentions[k].start > p.end and self.mentions[k].sentence == p.sent
                 and self._opens_sentence(token)]
        if not before and not after:
            return []
        subjects = [k for k in before if toks[self.head_of[k]].dep in SUBJECT_DEPS]
        last_subject = self.entity_of[subjects[-1]] if subjects else None
        last_person = self.entity_of[before[-1]] if before else None
        first_person = self.entity_of[self.persons[0]] if self.persons else None
        p_subject = p.dep in SUBJECT_DEPS
        p_verb = _clause_verb(toks, token)
        spoken = {_key(s) for s in speakers if s}
        out = []
        ents = [e for e in dict.fromkeys(self.entity_of[k] for k in before + after) if e.key not in exclude]
        if pg is not None:  # gender must agree: no one else is meant
            agree = [e for e in ents if self.gender_of(e, token) in (pg, None)]
            ents = agree
        for ent in ents:
            ks = [k for k in before if self.entity_of[k] is ent]
            later = [k for k in after if self.entity_of[k] is ent]
            k = ks[-1] if ks else later[0]
            h = self.head_of[k]
            dist = p.sent - self.mentions[k].sentence if ks else 0
            text_after = self.parsed.text[self.mentions[k].end:self.mentions[k].end + 2]
            f = {
                "gender_agree": float(pg is not None and self.gender_of(ent, token) == pg),
                "same_sentence": float(dist == 0),
                "dist1": float(dist == 1),
                "dist2": float(dist == 2),
                "dist3plus": float(dist >= 3),
                "subject": float(toks[h].dep in SUBJECT_DEPS),
                "last_subject": float(ent is last_subject),
                "last_person": float(ent is last_person),
                "first_person": float(ent is first_person),
                "count": math.log1p(len(ks)),
                "parallel": float(p_subject and toks[h].dep in SUBJECT_DEPS),
                "possessor": float(text_after in ("'s", "\u2019s")),
                "pobj": float(toks[h].dep == "pobj"),
                "bound_possessive": float(p.text.lower() in POSSESSIVE and toks[h].dep in SUBJECT_DEPS
                                          and bool(ks) and p_verb is not None and _clause_verb(toks, h) == p_verb),
                "bound_object": float(p.dep in OBJECT_DEPS and p.text.lower() not in POSSESSIVE and bool(ks)
                                      and toks[h].dep in SUBJECT_DEPS and toks[p.head].i == toks[h].head),
                "cataphora": float(not ks),
                "token_dist": math.log1p(abs(token - h)) / 5.0,
                "speaker": float(ent.key in spoken or any(" " not in s and s in ent.key.split() for s in spoken)),
            }
            out.append((ent, f))
        return out

    def _opens_sentence(self, token: int) -> bool:
        """Whether the pronoun sits in a clause before its sentence's main subject ("In his youth, X...")."""
        toks = self.parsed.tokens
        sent = self.parsed.sentences[toks[token].sent]
        for i in range(sent.token_start, token):
            if toks[i].dep in SUBJECT_DEPS and toks[toks[i].head].dep == "ROOT":
                return False
        return True

    def resolve(self, token: int, speakers: Sequence[str] = (), threshold: float | None = None,
                gender: str | None = None, exclude: frozenset[str] | set[str] = frozenset(),
                model: Any = None) -> tuple[Entity, int, float] | None:
        """The best entity for the pronoun at `token`, its latest mention before it, and its score;
        None when no one fits or the best score is under `threshold` (default: the trained one).
        Entities whose key is in `exclude` are never candidates.

        With `model` (a `pronoun_model.PronounModel`) a personal pronoun's candidates (those of
        fitting gender) are ranked by the learned model instead, and none is taken when the best
        scores under the model's threshold; person descriptions keep the features above."""
        cands = self.candidates(token, speakers, gender, exclude)
        if model is not None and gender is None and pronoun_gender(self.parsed.tokens[token].text) is not None:
            return self._resolve_by_model(token, cands, model)
        best = None
        for ent, f in cands:
            s = score(f)
            if best is None or s > best[2]:
                best = (ent, f, s)
        if best is None:
            return None
        ent, f, s = best
        cut = threshold if threshold is not None else ((_weights() or {}).get("threshold", 0.0))
        if s < cut:
            return None
        return ent, self._latest_mention(ent, token), s

    def _latest_mention(self, ent: Entity, token: int) -> int:
        pos = self.parsed.tokens[token].start
        ks = [k for k in ent.mentions if self.mentions[k].end <= pos] or ent.mentions
        return ks[-1]

    def _resolve_by_model(self, token: int, cands: list, model: Any) -> tuple[Entity, int, float] | None:
        """The candidate entity the learned model prefers for the pronoun at `token` (each entity's
        mentions marked in one input per candidate, all candidates in one batch), or None."""
        if not cands:
            return None
        t = self.parsed.tokens[token]
        ents = [ent for ent, _f in cands]
        spans = [[(self.mentions[k].start, self.mentions[k].end) for k in ent.mentions] for ent in ents]
        pick, scores = model.choose(self.parsed.text, (t.start, t.end), spans)
        if pick is None:
            return None
        return ents[pick], self._latest_mention(ents[pick], token), scores[pick]


FALLBACK = {"bias": -1.0, "gender_agree": 1.5, "same_sentence": 0.6, "dist1": 0.4,
            "dist2": 0.0, "dist3plus": -0.6, "subject": 0.8, "last_subject": 1.0, "last_person": 0.4,
            "first_person": 0.4, "count": 0.4, "parallel": 0.3, "possessor": -0.3, "pobj": -0.4,
            "bound_possessive": 1.0, "bound_object": -2.0, "cataphora": -0.8, "token_dist": -0.3,
            "speaker": 1.0}


def score(features: dict[str, float]) -> float:
    """Probability-like score (0..1) of one candidate under the shipped weights (or the fallback)."""
    w = (_weights() or {}).get("weights") or FALLBACK
    z = w.get("bias", 0.0) + sum(w.get(k, 0.0) * v for k, v in features.items())
    return 1.0 / (1.0 + math.exp(-z))


def _key(name: str) -> str:
    """An entity key for a name: first and last word of a full name, else the one word."""
    words = [w.lower() for w in _name_words(name)]
    return (words[0] + " " + words[-1]) if len(words) >= 2 else (words[0] if words else "")


def word_gender(word: str) -> str | None:
    """The gender a role word carries ("spokeswoman" f, "businessman" m), else None."""
    lex = _lexicon()
    w = word.lower()
    return "m" if w in lex["male_words"] else "f" if w in lex["female_words"] else None


def _clause_verb(toks, i: int) -> int | None:
    """The nearest verb above token `i` (the head of its clause), or the sentence root."""
    j = toks[i].head
    for _ in range(40):
        if toks[j].pos in ("VERB", "AUX") or toks[j].head == j:
            return j
        j = toks[j].head
    return None
