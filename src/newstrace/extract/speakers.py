"""Speaker resolution within one report: names, pronouns and descriptions to the right mention."""
from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

from ..model import Mention, ParsedReport
from ..resources import load_yaml
from .attribution import tokens_in
from .coref import People, pronoun_gender, word_gender
from .datelines import body_start

ORGLIKE = ("ORG", "GPE", "MEDIA", "NORP", "FAC")
FORWARD_WINDOW = 1  # sentences after an indefinite description where its name may follow
_CLAUSE_BREAK = re.compile(r"[,.;:!?()\"\u201c\u201d]")  # where the words "just before" a mention stop
MEDIA_WORDS = frozenset({"media", "newspaper", "paper", "daily", "outlet", "broadcaster", "tabloid"})
FIRST_PLURAL = frozenset({"we", "us"})
QUALIFIED_WINDOW = 10  # sentences back where "the GOP nominee" looks for a person named beside "GOP"
PERSON_WINDOW = 2  # sentences back where the last speaker or named subject is what "he said" continues


@lru_cache(maxsize=1)
def _nouns() -> dict:
    data = load_yaml("speaker_nouns.yaml")
    return {
        "desc": {str(k): tuple(v) for k, v in (data.get("descriptions") or {}).items()},
        "definite": frozenset(data.get("definite") or ()),
        "person": frozenset(data["pronouns"]["person"]),
        "thing": frozenset(data["pronouns"]["thing"]),
        "plural": frozenset(data["pronouns"]["plural"]),
        "labels": frozenset(data.get("speaker_labels") or ()),
        "source_heads": frozenset(data.get("source_heads") or ()),
        "cited_heads": frozenset(data.get("cited_heads") or ()),
        "possessor_heads": frozenset(data.get("possessor_heads") or ()),
        "works": frozenset(str(w).lower() for w in data.get("works") or ()),
        "role_spellings": {str(k): tuple(str(w).lower() for w in v)
                           for k, v in (data.get("role_spellings") or {}).items()},
        "rank_modifiers": frozenset(str(w).lower() for w in data.get("rank_modifiers") or ()),
    }


@dataclass(frozen=True)
class Resolved:
    """A resolved speaker: name, label and mention index (all None for unnamed sources)."""

    name: str | None = None
    label: str | None = None
    mention: int | None = None


@dataclass
class SpeakerIndex:
    """Mentions by position plus the running history of speakers and subjects, in text order."""

    parsed: ParsedReport
    mentions: Sequence[Mention]
    starts: list[int] = field(default_factory=list)
    order: list[int] = field(default_factory=list)
    history: list[tuple[int, Resolved]] = field(default_factory=list)  # (token, speaker)
    _people: People | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        labels = _nouns()["labels"]
        self.order = sorted((k for k, m in enumerate(self.mentions) if m.label in labels
                             and not self._in_dateline(m)), key=lambda k: self.mentions[k].start)
        self.starts = [self.mentions[k].start for k in self.order]

    def _in_dateline(self, m: Mention) -> bool:
        """A place in a dateline ("RIGA (Reuters) –") says where the report was filed; it never speaks."""
        return 0 <= m.sentence < len(self.parsed.sentences) and m.start < body_start(self.parsed, m.sentence)

    def people(self) -> People:
        """The report's people as entities with their gender evidence (built on first use)."""
        if self._people is None:
            self._people = People(self.parsed, self.mentions)
        return self._people

    def person_at(self, token: int, gender: str | None = None) -> Resolved | None:
        """The person a pronoun (or, with `gender`, a person description) at `token` means.

        A source pronoun ("he said") mostly continues the last speaker or named subject: first a
        person named as subject earlier in its own sentence, then the latest speaker or named subject
        of the sentences just before (PERSON_WINDOW), in both cases of fitting gender (one of unknown
        gender only when no one of the right gender is there); failing those, the best candidate of
        `coref.People` (salience, syntax, gender), or None when no one fits."""
        people = self.people()
        toks = self.parsed.tokens
        pg = gender or pronoun_gender(toks[token].text)
        k = people.subject_before(token, pg)
        if k is not None:
            ent = people.entity_of[k]
            return Resolved(ent.name, "PERSON", k)
        continues = gender is not None or toks[token].dep in ("nsubj", "nsubjpass")
        recent = self._recent_people(token) if continues else []  # "his", "him": salience and syntax only
        barred = self._own_objects(token) if gender is None else set()
        fallback = None
        for t, who in recent:
            ent = people.entity_named(who.name or "", toks[token].start)
            if ent is not None and ent.key in barred:
                continue  # '"...," he told Rubio': never the object of its own verb
            g = people.name_gender(who.name, token)
            if pg is None or g == pg:
                return self._as_person(who, t)
            if g is None and fallback is None:
                fallback = (t, who)  # of unknown gender: taken unless one of the right gender comes first
        if fallback is not None:
            return self._as_person(fallback[1], fallback[0])
        speakers = [who.name for t, who in self.history if t < token and who.label == "PERSON" and who.name]
        found = people.resolve(token, speakers, threshold=0.0, gender=gender, exclude=barred)
        if found is None:
            return None
        ent, k, _score = found
        return Resolved(ent.name, "PERSON", k)

    def _own_objects(self, token: int) -> set[str]:
        """Entity keys of the people who are objects of the verb a subject pronoun at `token` is the
        subject of ("he told Rubio", "she said to Ms. Ortiz"): a pronoun never means them."""
        toks = self.parsed.tokens
        if toks[token].dep not in ("nsubj", "nsubjpass"):
            return set()
        verb = toks[token].head
        people = self.people()
        out = set()
        for k in people.persons:
            h = people.head_of[k]
            if toks[h].sent != toks[token].sent:
                continue
            t = toks[h]
            if (t.dep in ("dobj", "dative", "iobj") and t.head == verb) or (
                    t.dep == "pobj" and toks[t.head].head == verb and toks[t.head].dep in ("prep", "dative")):
                out.add(people.entity_of[k].key)
        return out

    def _recent_people(self, token: int) -> list[tuple[int, Resolved]]:
        """Speakers and people named as main-clause subjects in the PERSON_WINDOW sentences up to
        `token`, as (token, who), latest first ("X said Y had..." is X's, not Y's)."""
        toks = self.parsed.tokens
        people = self.people()
        sent = toks[token].sent

        def main_subject(t: int) -> bool:
            return toks[t].dep in ("nsubj", "nsubjpass") and toks[toks[t].head].dep == "ROOT"

        out = [(t, who) for t, who in self.history if t < token and who.name and toks[t].sent >= sent - PERSON_WINDOW
               and (who.label == "PERSON" or (who.label is None and who.name[:1].isupper()))
               and (main_subject(t) or toks[t].dep not in ("nsubj", "nsubjpass"))]
        for k in people.persons:  # the history holds only one-word named subjects
            h = people.head_of[k]
            if h < token and toks[h].sent >= sent - PERSON_WINDOW and main_subject(h):
                out.append((h, Resolved(people.entity_of[k].name, "PERSON", k)))
        return sorted(out, key=lambda x: x[0], reverse=True)

    def _as_person(self, who: Resolved, token: int) -> Resolved:
        """A remembered speaker as a person, under the fullest name the report gives it."""
        ent = self.people().entity_named(who.name or "", self.parsed.tokens[token].end)
        return Resolved(ent.name if ent is not None else who.name, "PERSON", who.mention)

    # ------------------------------------------------------------------ lookups
    def mentions_in(self, start: int, end: int) -> list[int]:
        """Speaker-capable mentions inside [start, end) characters."""
        lo = bisect.bisect_left(self.starts, start)
        out = []
        for j in range(lo, len(self.order)):
            k = self.order[j]
            if self.mentions[k].start >= end:
                break
            if self.mentions[k].end <= end:
                out.append(k)
        return out

    def resolved_of(self, k: int) -> Resolved:
        m = self.mentions[k]
        name = m.name or m.text
        if m.label == "PERSON" and " " not in name.strip():
            full = self._full_name(name, m.start)
            if full is not None:
                return full
        return Resolved(name, m.label, k)

    def _full_name(self, surname: str, before: int) -> Resolved | None:
        hi = bisect.bisect_left(self.starts, before)
        for j in range(hi - 1, -1, -1):
            k = self.order[j]
            m = self.mentions[k]
            if m.label == "PERSON" and " " in m.name and m.name.split()[-1] == surname:
                return Resolved(m.name, m.label, k)
        for j in range(hi, len(self.order)):  # named in full only later
            k = self.order[j]
            m = self.mentions[k]
            if m.label == "PERSON" and " " in m.name and m.name.split()[-1] == surname:
                return Resolved(m.name, m.label, k)
        return None

    def by_surname(self, head: int) -> Resolved | None:
        """An earlier speaker whose full name ends with the proper noun at `head` ("Olsen")."""
        word = self.parsed.tokens[head].text
        for _t, who in reversed(self.history):
            if who.name and who.name.split()[-1] == word:
                return who
        return self._full_name(word, self.parsed.tokens[head].start)

    def note(self, token: int, who: Resolved) -> None:
        """Record a speaker or named subject at `token` for later pronouns and descriptions."""
        if who.name is not None:
            self.history.append((token, who))

    def recent(self, token: int, labels: tuple[str, ...], qualifiers: frozenset[str] = frozenset()) -> Resolved | None:
        for t, who in reversed(self.history):
            if t < token and who.label in labels and (not qualifiers or self._qualified(
                    self.parsed.tokens[t].start, self.parsed.tokens[t].end, qualifiers)):
                return who
        return None

    def recent_fitting(self, token: int, labels: tuple[str, ...], word: str,
                       qualifiers: frozenset[str] = frozenset()) -> Resolved | None:
        """Most recent earlier speaker/mention with a fitting label, preferring one whose role or text
        holds `word`; with `qualifiers` ("Ruritanian" in "the Ruritanian agency") only one they sit beside."""
        pos = self.parsed.tokens[token].start
        hi = bisect.bisect_left(self.starts, pos)
        same = self._same_head(token, labels)  # "the agency" after "the Tass news agency said"
        fallback = None
        for j in range(hi - 1, max(-1, hi - 60), -1):
            k = self.order[j]
            m = self.mentions[k]
            if m.label not in labels or not self._qualified(m.start, m.end, qualifiers):
                continue
            if same is not None and m.start < self.parsed.tokens[same[0]].start:
                break
            if _bare_noun(m.text) == word:  # "the bank" is not an earlier mention that is just "Bank"
                continue
            if word in (m.role or "").lower() or word in m.text.lower():
                return self.resolved_of(k)
            if fallback is None:
                fallback = k
        if same is not None:
            return same[1]
        spoken = self.recent(token, labels, qualifiers)
        if spoken is not None:
            return spoken
        return self.resolved_of(fallback) if fallback is not None else None

    def _qualified(self, start: int, end: int, qualifiers: frozenset[str]) -> bool:
        """Whether every qualifier word is written in or just before [start, end) ("Ruritanian" before "RTV").

        "Just before" stops at punctuation or a quote mark: in '... into Ruritanian custody," said
        Kestrel analyst Ann Bell' the nationality belongs to the quote, not to Kestrel."""
        before = self.parsed.text[max(0, start - 40):start]
        before = _CLAUSE_BREAK.split(before)[-1]
        near = (before + self.parsed.text[start:end]).lower()
        return all(re.search(rf"\b{re.escape(q)}\b", near) for q in qualifiers)

    def _same_head(self, token: int, labels: tuple[str, ...]) -> tuple[int, Resolved] | None:
        """The latest earlier speaker whose description had the same head noun as `token`."""
        lemma = self.parsed.tokens[token].lemma.lower()
        for t, who in reversed(self.history):
            if t < token and who.label in labels and self.parsed.tokens[t].lemma.lower() == lemma:
                return t, who
        return None

    def following(self, token: int, labels: tuple[str, ...], qualifiers: frozenset[str] = frozenset()) -> Resolved | None:
        """First fitting mention after `token` within the same or next sentence."""
        tok = self.parsed.tokens[token]
        last_sent = tok.sent + FORWARD_WINDOW
        lo = bisect.bisect_left(self.starts, tok.end)
        for j in range(lo, len(self.order)):
            k = self.order[j]
            m = self.mentions[k]
            if m.sentence > last_sent:
                break
            if m.label in labels and self._qualified(m.start, m.end, qualifiers):
                return self.resolved_of(k)
        return None


def is_cited_head(parsed: ParsedReport, head: int) -> bool:
    """Whether a source headed by `head` ("sources") is cited on behalf of a named speaker."""
    return parsed.tokens[head].lemma.lower() in _nouns()["cited_heads"]


def resolve_speaker(index: SpeakerIndex, head: int, first: int, last: int) -> Resolved:
    """Resolve the source whose head token is `head` and tokens [first, last] to a speaker."""
    parsed = index.parsed
    toks = parsed.tokens
    nouns = _nouns()
    inside = index.mentions_in(toks[first].start, toks[last].end)
    hit = [k for k in inside if index.mentions[k].start <= toks[head].start < index.mentions[k].end]
    if hit:
        return index.resolved_of(hit[0])
    appos = [c for c in range(first, last + 1) if toks[c].dep == "appos" and toks[c].head == head]
    apposed = [k for k in inside if any(index.mentions[k].start <= toks[c].start < index.mentions[k].end
                                        for c in appos)]
    modifiers = [(toks[c].start, toks[_right(toks, c, last)].end) for c in range(head + 1, last + 1)
                 if toks[c].head == head and toks[c].dep in ("acl", "relcl", "prep")]
    apposed += [k for k in inside if index.mentions[k].start > toks[head].end and k not in apposed
                and index.mentions[k].label in ("PERSON", "ORG", "MEDIA", "GPE")
                and not any(a <= index.mentions[k].start < b for a, b in modifiers)  # "media, quoted by sites in Oslo"
                and not _modifies_a_noun(index, k, last)]  # "the former mayor and Ruritanian senator"
    apposed += [k for k in inside if index.mentions[k].end < toks[head].start and k not in apposed
                and parsed.text[index.mentions[k].end:index.mentions[k].end + 2] in ("'s", "\u2019s")
                and index.mentions[k].label in ("ORG", "MEDIA", "GPE", "PERSON", "FAC")]  # "the Daily Ledger's report"
    word = toks[head].text.lower()
    if word in FIRST_PLURAL:
        return Resolved()  # the outlet's own voice ("we", "us") is never a named speaker
    if (word in MEDIA_WORDS or toks[head].lemma.lower() in MEDIA_WORDS) and toks[head].ent_type not in ("ORG", "MEDIA") and not apposed:
        return _media(index, head, first)
    if apposed and word not in nouns["person"] | nouns["thing"]:
        return index.resolved_of(apposed[0])  # "the Ruritanian daily, the Morning Ledger," / "X, spokesman"
    if toks[head].text[:1].isupper() and word not in nouns["person"] | nouns["thing"] | nouns["plural"] \
            and word not in nouns["desc"] and not toks[head].ent_type.startswith(("DATE", "TIME")):
        found = index.by_surname(head)
        if found is not None or toks[head].pos == "PROPN":
            return found or Resolved(parsed.text[toks[first].start:toks[last].end], None, None)
    if toks[head].lemma.lower() in nouns["source_heads"]:
        named = _named_modifier(index, head, first)
        if named is not None:
            return named
    if word in nouns["person"]:
        return index.person_at(head) or Resolved()
    if word in nouns["thing"]:
        return index.recent(head, ORGLIKE) or Resolved()
    if word in nouns["plural"]:
        return _plural(index, head) or Resolved()
    lemma = toks[head].lemma.lower()
    owner = [k for k in range(first, head) if toks[k].head == head and toks[k].dep == "poss"
             and toks[k].text.lower() in nouns["person"] | nouns["thing"] | nouns["plural"]]
    if owner and (lemma in nouns["possessor_heads"] or lemma in nouns["works"]):  # "his campaign", "its website": the owner speaks
        return resolve_speaker(index, owner[0], owner[0], owner[0])
    if lemma in nouns["works"] and {toks[k].text.lower() for k in range(first, head)} & nouns["definite"]:
        made = _work_producer(index, head)  # "the statement" after "X said in a statement"
        if made is not None:
            return made
        if lemma not in nouns["desc"]:
            return Resolved()
    labels = nouns["desc"].get(lemma) or nouns["desc"].get(word)
    if not labels or toks[head].tag in ("NNS", "NNPS"):
        return Resolved()
    if labels != ("PERSON",):
        named = _own_name(index, head, first, last, labels)
        if named is not None:
            return named
    dets = {toks[k].text.lower() for k in range(first, head)}
    qualifiers = _qualifiers(toks, first, head)
    if dets & nouns["definite"] and not owner:
        if labels == ("PERSON",):  # "the senator", "the Indiana governor", "the spokeswoman"
            return _person_description(index, head, first, lemma, qualifiers) or Resolved()
        named = _named_same_head(index, head)  # "the poll" after "a Bloomberg poll"
        if named is not None:
            return named
    if dets & nouns["definite"]:
        found = index.recent_fitting(head, labels, lemma, qualifiers)
        if found is not None:
            return found
    elif not dets & {"a", "an"}:
        return Resolved()
    return index.following(last, labels, qualifiers) or Resolved()


def _person_description(index: SpeakerIndex, head: int, first: int, lemma: str,
                        qualifiers: frozenset[str]) -> Resolved | None:
    """ "the senator", "the former president", "the spokeswoman": the latest person introduced with
    that role (qualifiers such as "Indiana" preferred, rank words such as "vice" must agree), else
    the person last described with the same head, else the most salient person of fitting gender."""
    toks = index.parsed.tokens
    nouns = _nouns()
    spellings = (lemma,) + nouns["role_spellings"].get(lemma, ())
    own_ranks = {toks[k].text.lower() for k in range(first, head)} & nouns["rank_modifiers"]
    pos = toks[head].start
    hi = bisect.bisect_left(index.starts, pos)
    fits = []
    for j in range(hi - 1, max(-1, hi - 80), -1):
        k = index.order[j]
        m = index.mentions[k]
        if m.label != "PERSON":
            continue
        described = " ".join(((m.role or "") + " " + m.text).lower().split())
        for w in spellings:
            hit = re.search(rf"(?:(\w+)\s+)?(?<![\w.]){re.escape(w)}(?!\w)", described)
            if hit is None:
                continue
            rank = hit.group(1) or ""
            if (own_ranks and rank not in own_ranks) or (rank in nouns["rank_modifiers"] and rank not in own_ranks):
                continue  # "vice president" is not "the president"
            fits.append(k)
            break
    if fits:
        qualified = [k for k in fits if index._qualified(index.mentions[k].start, index.mentions[k].end, qualifiers)]
        if qualified or not qualifiers:
            return index.resolved_of((qualified or fits)[0])
    same = index._same_head(head, ("PERSON",))
    if same is not None:
        return same[1]
    if qualifiers:  # "the GOP nominee", "the Indiana governor": the latest person named beside those words
        people = index.people()
        for k in reversed(people.persons):
            m = index.mentions[k]
            if m.end > pos or m.sentence < toks[head].sent - QUALIFIED_WINDOW:
                continue
            ent = people.entity_of[k]
            if any(index._qualified(index.mentions[j].start, index.mentions[j].end, qualifiers)
                   or qualifiers <= set(re.findall(r"[\w-]+", (index.mentions[j].role or "").lower()))
                   for j in ent.mentions if index.mentions[j].end <= pos):
                return Resolved(ent.name, "PERSON", k)
    return index.person_at(head, gender=word_gender(lemma))


WORK_WINDOW = 3  # sentences back where "the piece" looks for the work it names ("an article", "a column")
WORK_REACH = 5000  # tokens back where "the statement" looks for an earlier "statement" (a long article's length)
MADE_BY_VERBS = frozenset({"say", "write", "tell", "add", "state", "announce", "argue", "claim", "note"})
MAKE_VERBS = frozenset({"release", "issue", "publish", "write", "send", "post", "air", "run", "launch", "sign",
                        "file", "provide", "pen", "author", "tweet", "unveil", "produce", "conduct", "commission"})


def _work_producer(index: SpeakerIndex, head: int) -> Resolved | None:
    """Who made the work a definite description such as "the statement", "the ad" or "the piece"
    refers to: the latest earlier mention of the same noun (else of another work noun within
    WORK_WINDOW sentences) whose maker the sentence names: "X said in a statement", "X released an
    ad", "a statement from X", "an email sent by X", "X's letter", "a Bloomberg poll"."""
    toks = index.parsed.tokens
    works = _nouns()["works"]
    lemma = toks[head].lemma.lower()
    sent = toks[head].sent
    # at most WORK_REACH tokens back: a long report must not cost its length per description
    earlier = [i for i in range(head - 1, max(-1, head - 1 - WORK_REACH), -1)
               if toks[i].pos == "NOUN" and toks[i].lemma.lower() in works]
    same = [i for i in earlier if toks[i].lemma.lower() == lemma]
    other = [i for i in earlier if toks[i].lemma.lower() != lemma and toks[i].sent >= sent - WORK_WINDOW]
    for i in same[:1] or other[:1]:  # the same noun mentioned before is the work meant, maker named or not
        found = _maker_of(index, i)
        if found is not None:
            return found
    return None


def _maker_of(index: SpeakerIndex, i: int) -> Resolved | None:
    """The named maker of the work noun at token `i`, from the syntax of its own sentence."""
    toks = index.parsed.tokens
    t = toks[i]
    candidates: list[int] = []
    kids = [c for c in range(max(0, i - 8), min(len(toks), i + 12)) if toks[c].head == i and c != i]
    candidates += [c for c in kids if toks[c].dep in ("poss", "compound") and c < i]  # "X's letter", "a Bloomberg poll"
    outlet: list[int] = []
    for c in kids:  # "a statement from X", "an ad by X", "an email sent from X"
        preps = [c] if toks[c].dep == "prep" else [g for g in range(c + 1, min(len(toks), c + 6))
                                                   if toks[g].head == c and toks[g].dep in ("prep", "agent")] \
            if toks[c].dep == "acl" else []
        for pr in preps:
            objs = [g for g in range(pr + 1, min(len(toks), pr + 8)) if toks[g].head == pr and toks[g].dep == "pobj"]
            if toks[pr].text.lower() in ("from", "by"):
                candidates += objs
            elif toks[pr].text.lower() == "in" and toks[c].dep == "prep":
                outlet += objs  # "an article in the journal Science": the outlet, if it is one
    verb = None
    if t.dep == "pobj" and toks[t.head].text.lower() == "in" and toks[toks[t.head].head].lemma.lower() in MADE_BY_VERBS:
        verb = toks[t.head].head  # "X said in a statement"
    elif t.dep in ("dobj", "nsubjpass") and toks[t.head].lemma.lower() in MAKE_VERBS:
        verb = t.head  # "X released a statement", "a statement was issued by X"
    if verb is not None:
        candidates += [c for c in range(max(0, verb - 25), min(len(toks), verb + 25))
                       if toks[c].head == verb and toks[c].dep in ("nsubj", "agent")]
        candidates = [g for c in candidates for g in ([c] if toks[c].dep != "agent" else
                      [g for g in range(c + 1, min(len(toks), c + 8)) if toks[g].head == c and toks[g].dep == "pobj"])]
    for c in outlet:
        k = _mention_at(index, toks[c].start)
        if k is not None and index.mentions[k].label in ("MEDIA", "ORG"):
            return index.resolved_of(k)
    for c in candidates:
        spoken = [who for tk, who in index.history if tk == c and who.name]
        if spoken:
            return spoken[-1]
        k = _mention_at(index, toks[c].start)
        if k is not None:
            return index.resolved_of(k)
        nouns = _nouns()
        if toks[c].text.lower() in nouns["person"]:
            return index.person_at(c)
    return None


def _mention_at(index: SpeakerIndex, pos: int) -> int | None:
    """The first speaker-capable mention (in start order) that covers character `pos`: a binary
    search, then the few mentions starting just before it (mentions barely nest)."""
    hi = bisect.bisect_right(index.starts, pos)
    found = None
    for j in range(hi - 1, max(-1, hi - 9), -1):
        k = index.order[j]
        if index.mentions[k].start <= pos < index.mentions[k].end:
            found = k  # keep going back: the earliest-starting covering mention is the one listed first
    return found


def _named_same_head(index: SpeakerIndex, head: int) -> Resolved | None:
    """ "the poll" after "a Bloomberg poll", "the campaign" after "the Clinton campaign": the name
    that modified an earlier use of the same head noun."""
    toks = index.parsed.tokens
    lemma = toks[head].lemma.lower()
    for i in range(head - 1, -1, -1):
        if toks[i].lemma.lower() != lemma or toks[i].pos != "NOUN":
            continue
        for c in range(max(0, i - 6), i):
            if toks[c].head == i and toks[c].dep in ("compound", "poss", "nmod", "amod") and toks[c].pos == "PROPN":
                inside = [k for k in index.mentions_in(toks[c].start, toks[i].start)
                          if index.mentions[k].start <= toks[c].start < index.mentions[k].end]
                if inside:
                    return index.resolved_of(inside[0])
    return None


def _plural(index: SpeakerIndex, head: int) -> Resolved | None:
    """ "they": the latest named plural subject before it, in its sentence or the PERSON_WINDOW before: an
    organisation or group ("Republicans", "Politifact") or named people joined by "and"; single
    people and things are passed over, and an unnamed group as main subject ("protesters said")
    means no named speaker."""
    toks = index.parsed.tokens
    nouns = _nouns()
    sent = toks[head].sent
    subjects = list(itertools.takewhile(lambda i: toks[i].sent >= sent - PERSON_WINDOW, range(head - 1, -1, -1)))
    subjects = [i for i in subjects if toks[i].dep in ("nsubj", "nsubjpass")
                and toks[i].text.lower() not in nouns["plural"] | FIRST_PLURAL]
    # sentence by sentence, latest first; in each, main-clause subjects before those of other
    # clauses ("Democrats believe ... too great for Republicans to resist. They say")
    subjects.sort(key=lambda i: (-toks[i].sent, toks[toks[i].head].dep != "ROOT", -i))
    for i in subjects:
        t = toks[i]
        members, frontier = [i], [i]
        while frontier:  # the subject, its appositions and the names joined to them ("A and B")
            h = frontier.pop()
            kids = [c for c in range(h + 1, min(len(toks), h + 15)) if toks[c].head == h and toks[c].dep in ("conj", "appos")]
            members += kids
            frontier += kids
        people = []
        for c in members:
            k = _mention_at(index, toks[c].start)
            if k is not None and index.mentions[k].label == "PERSON":
                if k not in people:
                    people.append(k)
            elif k is not None and c == i and len(members) == 1:
                return index.resolved_of(k)  # "Republicans", "the Commission"
        if len(people) >= 2:
            names = [index.resolved_of(k).name or "" for k in people]
            return Resolved(" and ".join(names), "PERSON", people[0])
        if len(people) == 1 and len(members) == 1:
            ent = index.people().entity_of.get(people[0])
            if ent is not None and " " not in ent.name.strip() and index.people().gender_of(ent) is None:
                return index.resolved_of(people[0])  # "Politifact" taken for a person: one word, no gender
        if t.tag in ("NNS", "NNPS") and not people and toks[t.head].dep == "ROOT":
            return None  # "protesters said", "officials": an unnamed group
    return None


def _qualifiers(toks, first: int, head: int) -> frozenset[str]:
    """Nationality, place and proper-noun words modifying a description ("Latvian", "Riga")."""
    return frozenset(toks[k].text.lower() for k in range(first, head)
                     if toks[k].ent_type in ("NORP", "GPE", "LOC") or toks[k].pos == "PROPN"
                     or toks[k].text.lower() in _demonyms())


def _right(toks, c: int, last: int) -> int:
    """Last token in [c, last] whose chain of heads reaches `c`."""
    end = c
    for k in range(c + 1, last + 1):
        h, steps = k, 0
        while toks[h].head != h and h != c and steps < 40:
            h = toks[h].head
            steps += 1
        if h == c:
            end = k
    return end


def _media(index: SpeakerIndex, head: int, first: int) -> Resolved:
    """ "the paper", "a Ruritanian daily", "state media": a MEDIA mention named nearby, else the description itself."""
    toks = index.parsed.tokens
    dets = {toks[k].text.lower() for k in range(first, head)}
    if dets & _nouns()["definite"]:
        found = index.recent(head, ("MEDIA",))
        if found is not None:
            return found
    elif dets & {"a", "an"}:  # like any indefinite description: a fitting name in the same or next sentence
        found = index.following(head, ("MEDIA",), _qualifiers(toks, first, head))
        if found is not None:
            return found
    if toks[head].text.lower() == "media":
        words = [toks[k].text for k in range(first, head + 1) if toks[k].pos not in ("DET", "PUNCT")]
        return Resolved(" ".join(words), "MEDIA", None)
    return Resolved()


def _named_modifier(index: SpeakerIndex, head: int, first: int) -> Resolved | None:
    """ "Ruritanian government sources", "Bordurian intelligence report": the named modifiers before the head speak."""
    toks = index.parsed.tokens
    mods = [k for k in range(first, head) if toks[k].head == head and toks[k].dep in ("compound", "amod", "nmod")]
    if not mods or not any(toks[k].ent_type in ORGLIKE or toks[k].pos == "PROPN" for k in range(mods[0], head)):
        return None
    a = next(k for k in range(mods[0], head) if toks[k].ent_type in ORGLIKE or toks[k].pos == "PROPN")
    while a > first and a <= toks[a - 1].head < head and toks[a - 1].text[:1].isupper():
        a -= 1  # the whole name: "West Virginia", "Homeland Security Department", not its last word
    if all(toks[k].ent_type == "NORP" or toks[k].text.lower() in _demonyms() for k in range(a, head)):
        return None  # "a Democratic source", "Latvian officials": a nationality or party is nobody's name
    inside = index.mentions_in(toks[a].start, toks[head - 1].end)
    exact = [k for k in inside if index.mentions[k].start == toks[a].start and index.mentions[k].end == toks[head - 1].end]
    if exact:
        return index.resolved_of(exact[0])
    return Resolved(index.parsed.text[toks[a].start:toks[head - 1].end], "ORG", None)


def _modifies_a_noun(index: SpeakerIndex, k: int, last: int) -> bool:
    """Whether mention `k` only modifies a later noun of the source ("Ruritanian" in "Ruritanian
    senator"): then it says where or what that noun is, not who it is."""
    m = index.mentions[k]
    inner = tokens_in(index.parsed, m.start, m.end)
    heads = {index.parsed.tokens[t].head for t in inner} - set(inner)
    return bool(inner) and bool(heads) and all(inner[-1] < h <= last for h in heads)


def _bare_noun(text: str) -> str:
    """A mention's text as a bare lowercase noun ("The Bank" -> "bank"); multi-word names stay multi-word."""
    words = text.lower().split()
    if words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words)


PLACES = ("GPE", "LOC")
NOT_NAMES = ("DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY")  # never a name


@lru_cache(maxsize=1)
def _demonyms() -> frozenset[str]:
    """Nationality words ("Latvian", "Norwegian") from the place gazetteer and the institutions table."""
    words = {str(k).lower() for k in (load_yaml("gazetteer_places.yaml").get("demonyms") or {})}
    for spec in (load_yaml("institutions.yaml").get("countries") or {}).values():
        words.update(str(w).lower() for w in (spec or {}).get("demonyms") or ())
    return frozenset(words)


def _own_name(index: SpeakerIndex, head: int, first: int, last: int, labels: tuple[str, ...]) -> Resolved | None:
    """A description that names itself is that name, never an earlier organisation it happens to fit.

    "the Tass news agency", "the state-run Kestrel agency": the proper nouns before the head name
    the organisation (a known place or nationality word there, "the Oslo daily", "the Latvian
    agency", is not its name).  "the Riga government", "the government of Latvia": a
    government-like head (one that refers back to countries first) is that place's government.
    """
    toks = index.parsed.tokens
    run = _name_run(toks, first, head)
    if labels[0] == "GPE":
        # the words before the head ("the Riga government", "the Latvian government") and
        # an "of"/"in" phrase after it ("the government of Latvia")
        spans = [(toks[first].start, toks[head - 1].end)] if first < head else []
        for c in range(head + 1, last + 1):
            if toks[c].head == head and toks[c].dep == "prep" and toks[c].text.lower() in ("of", "in"):
                spans.append((toks[c].end, toks[_right(toks, c, last)].end))
        for a, b in spans:
            for k in index.mentions_in(a, b):
                if index.mentions[k].label in PLACES + ("NORP",):
                    return index.resolved_of(k)
        return None
    if not run or any(toks[k].ent_type in NOT_NAMES or toks[k].text.lower() in _demonyms() for k in run):
        return None
    a, b = toks[run[0]].start, toks[run[-1]].end
    inside = index.mentions_in(a, b)
    if any(index.mentions[k].label in PLACES and index.mentions[k].lat is not None for k in inside):
        return None  # "the Oslo daily": a known place says where, not who
    exact = [k for k in inside if index.mentions[k].start == a and index.mentions[k].end == b]
    media = any(toks[k].lemma.lower() in MEDIA_WORDS | {"news"} for k in range(run[-1] + 1, head + 1))
    return Resolved(index.parsed.text[a:b], "MEDIA" if media else "ORG", exact[0] if exact else None)


def _name_run(toks, first: int, head: int) -> list[int]:
    """The proper nouns modifying `head` as one run before it ("Ak Yol" in "the Ak Yol state news
    agency"); empty when there is none or they are split by other words."""
    run = [k for k in range(first, head) if toks[k].pos == "PROPN" and toks[k].dep == "compound"
           and toks[k].text[:1].isupper()]
    if not run or run != list(range(run[0], run[-1] + 1)):
        return []
    if any(toks[k].pos not in ("NOUN", "PROPN", "ADJ", "PUNCT", "VERB") for k in range(run[-1] + 1, head)):
        return []
    return run
