"""Stance of a statement toward its content: deny, hedge or assert, with the hedge cues found.

The guideline (benchmarks/data/stance_dev.yaml has it in full): a statement *denies* when its
speaker rejects or negates a proposition -- a rejecting cue ("denied", "dismissed"), content that
brands a claim false ("the reports were fake", "no truth in", "without providing any evidence"),
or content whose main clause negates a fact ("did not send", "no weapons were delivered"); it
*hedges* when the speaker presents the content as uncertain ("may", "reportedly", "it is unclear
whether", "could not confirm"); otherwise it *asserts* -- also when the negation is idiomatic
("no longer"), in a subordinate clause ("the suspect, who had not been seen"), a plan or promise
("would not raise taxes") or someone else's reported words ("said Y had denied it").
Precedence: rejecting cue > rejecting wording > uncertainty > negated main clause > assert.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..resources import load_yaml

_WORD = re.compile(r"[a-z]+(?:['\u2019-][a-z]+)*")
_PIECE_END = re.compile(r"[,;:()\u2014\u2013]|\s-\s")
_NEGATION = re.compile(r"\b(not|never|no|nobody|nothing|none|neither|cannot)\b|n['\u2019]t\b", re.I)
_MODAL_HEDGES = frozenset({"may", "might", "could"})
_COPULAS = frozenset({"is", "are", "was", "were", "be", "been", "being", "as", "remain", "remains", "remained"})
_NOT_MODIFIERS = frozenset({"about", "on", "in", "for", "with", "by", "from", "to", "into", "over", "of",
                            "but", "that", "which", "who", "not"})
_FIRST_SENTENCE = re.compile(r"(?<=[.!?])[\"'\u201d\u2019]*\s+(?=[\"'\u201c\u2018]*[A-Z])")
_RELATIVE_REACH = 1  # words between a relative pronoun and the negation or modal it governs
_SUBORDINATE_REACH = 5  # ... and between a conjunction and it ("if the old dam did not hold")
_PRONOUNS = frozenset({"it", "this", "that", "them", "these", "those", "they"})
_AUX = frozenset({"is", "are", "was", "were", "has", "have", "had", "did", "do", "does", "be", "been"})
_BE = frozenset({"is", "are", "was", "were", "be", "been", "being", "'s", "'re", "am"})


def _words_pattern(words) -> re.Pattern[str] | None:
    words = sorted({str(w) for w in words}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.I)


@dataclass(frozen=True)
class _Lexicon:
    verbs: dict[str, str]
    nouns: dict[str, str]
    deny: tuple[re.Pattern[str], ...]  # rejecting wording anywhere in the content
    deny_predicate: re.Pattern[str] | None  # rejecting only when said of a claim
    claim_nouns: frozenset[str]
    label_cues: frozenset[str]
    hedge: re.Pattern[str]
    hedge_patterns: tuple[re.Pattern[str], ...]
    negated_cue: re.Pattern[str]
    idioms: dict[str, frozenset[str]]
    modals: frozenset[str]
    relatives: frozenset[str]
    subordinators: frozenset[str]
    attitude: frozenset[str]
    fact_predicates: frozenset[str]
    participles: frozenset[str]
    reported: frozenset[str]
    assert_cues: frozenset[str]
    question_openers: frozenset[str]


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    cues = load_yaml("reporting_cues.yaml")
    data = load_yaml("stance.yaml")
    verbs = {str(k): str(v) for k, v in (cues.get("verbs") or {}).items()}
    nouns = {str(k): str(v) for k, v in (cues.get("nominal") or {}).items()}
    for lemma in list(data.get("deny_cues") or ()) + list(data.get("deny_cues_more") or ()):
        verbs.setdefault(str(lemma), "deny")
    predicates = {str(w).lower() for w in data.get("deny_predicates") or ()}
    strong = [w for w in data.get("deny_content") or () if str(w).lower() not in predicates]
    strong += list(data.get("deny_phrases") or ())
    deny = tuple(re.compile(r"\b" + re.escape(str(w)) + r"\b", re.I) for w in strong)
    deny += tuple(re.compile(str(p), re.I) for p in data.get("deny_patterns") or ())
    hedge_words = list(data.get("hedge_content") or ()) + list(data.get("hedge_phrases") or ())
    neg = data.get("negation") or {}
    lower = lambda ws: frozenset(str(w).lower() for w in ws or ())  # noqa: E731
    return _Lexicon(
        verbs=verbs, nouns=nouns, deny=deny, deny_predicate=_words_pattern(predicates),
        claim_nouns=lower(data.get("claim_nouns")), label_cues=lower(data.get("label_cues")),
        hedge=_words_pattern(hedge_words) or re.compile(r"(?!)"),
        hedge_patterns=tuple(re.compile(str(p), re.I) for p in data.get("hedge_patterns") or ()),
        negated_cue=re.compile(r"\b(not|never|no|nothing|neither|nor|cannot)\b|n['\u2019]t\b", re.I),
        idioms={str(k).lower(): lower(v) for k, v in (neg.get("idioms") or {}).items()},
        modals=lower(neg.get("modals")), relatives=lower(neg.get("relatives")),
        subordinators=lower(neg.get("subordinators")), attitude=lower(neg.get("attitude")),
        fact_predicates=lower(neg.get("fact_predicates")), participles=lower(neg.get("participles")),
        reported=lower(neg.get("reported")), assert_cues=lower(neg.get("assert_cues")),
        question_openers=lower(data.get("question_openers")))


def cue_stance(lemma: str) -> str:
    """Default stance of a reporting verb or noun lemma (assert when unknown)."""
    lex = _lexicon()
    lemma = lemma.lower()
    return lex.verbs.get(lemma) or lex.nouns.get(lemma) or "assert"


def classify_stance(cue_lemma: str, content: str, cue_text: str = "") -> tuple[str, tuple[str, ...]]:
    """(stance, hedges) for a cue lemma and its content (see the module docstring).

    Negated rejecting cues ("did not deny") assert nothing either way and count as hedges.
    """
    lex = _lexicon()
    lemma = cue_lemma.lower()
    base = cue_stance(lemma)
    if base == "deny":
        cue_negated = bool(cue_text and lex.negated_cue.search(cue_text))
        return ("hedge", ()) if cue_negated else ("deny", ())
    if _rejects(lex, lemma, content):
        return "deny", ()
    if cue_text and lex.negated_cue.search(cue_text) and _opens_question(lex, content):
        return "hedge", (" ".join(cue_text.lower().split()),)  # "does not know whether", "would not say if"
    found = _hedges(lex, content)
    if base == "hedge":
        return "hedge", (lemma,) + found
    if found:
        return "hedge", found
    if lemma not in lex.assert_cues and _negates_fact(lex, content):
        return "deny", ()
    return "assert", ()


def _opens_question(lex: _Lexicon, content: str) -> bool:
    """The content is an embedded question ("whether the ship docked", "how many were sent")."""
    words = _words(content)
    return bool(words) and words[0] in lex.question_openers


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _piece_before(content: str, pos: int) -> list[str]:
    """Words between the last comma/semicolon/dash/bracket before `pos` and `pos`."""
    head = content[:pos]
    cut = 0
    for m in _PIECE_END.finditer(head):
        cut = m.end()
    return _words(head[cut:])


def _reported(lex: _Lexicon, content: str, pos: int) -> bool:
    """Someone else's speech precedes `pos` in the content ("said Y had denied ...")."""
    return any(w in lex.reported for w in _words(content[:pos]))


def _rejects(lex: _Lexicon, lemma: str, content: str) -> bool:
    """Rejecting wording: anywhere ("baseless"), or predicated of a claim ("the reports were fake")."""
    for p in lex.deny:
        m = p.search(content)
        if m and not _reported(lex, content, m.start()):
            return True
    if lex.deny_predicate is None:
        return False
    for m in lex.deny_predicate.finditer(content):
        if _reported(lex, content, m.start()):
            continue
        before = _words(content[:m.start()])[-20:]
        if _said_of_claim(lex, lemma, before):
            return True
    return False


def _said_of_claim(lex: _Lexicon, lemma: str, before: list[str]) -> bool:
    """The words before a rejecting predicate make it a predicate of a claim noun.

    "the reports (...) were (completely) fake", "the report as a malicious invention", or after a
    labelling cue, "the claims absurd" / "it a provocation".
    """
    # up to three modifiers between the copula (or "as") and the predicate: "were a cynical lie"
    for k in range(1, min(4, len(before)) + 1):
        if before[-k] in _COPULAS:
            between = before[len(before) - k + 1:]
            if any(w in _NOT_MODIFIERS for w in between):
                break
            subject = before[:len(before) - k][-15:]
            if any(w in lex.claim_nouns for w in subject):
                return True
            if lemma in lex.label_cues and before[-k] == "as" and any(w in _PRONOUNS for w in subject[:2]):
                return True
            break
    if lemma in lex.label_cues and 0 < len(before) <= 8:
        # object complement: "called [the claims] [absurd]", "labelled [it] [a provocation]"
        if any(w in _NOT_MODIFIERS - {"of"} for w in before):
            return False
        return any(w in lex.claim_nouns for w in before) or before[0] in _PRONOUNS or (
            before[0] == "that" and len(before) > 1 and before[1] in _PRONOUNS)
    return False


def _hedges(lex: _Lexicon, content: str) -> tuple[str, ...]:
    """Uncertainty markers in the content, lowercased, first seen first."""
    out: list[tuple[int, str]] = []
    for m in lex.hedge.finditer(content):
        word = m.group(1)
        if not (word[0].islower() or m.start() == 0):  # "in May" is a month
            continue
        low = word.lower()
        if low in _MODAL_HEDGES:
            after = _words(content[m.end():])[:2]
            if low == "could" and after[:1] in (["not"], ["n't"]):
                continue  # "could not travel" is no possibility ("could not confirm" is a pattern)
            if _subordinate(lex, _piece_before(content, m.start())):
                continue  # "passengers who may have been exposed will be tested"
        out.append((m.start(), low))
    for p in lex.hedge_patterns:
        for m in p.finditer(content):
            out.append((m.start(), " ".join(m.group(0).lower().split())))
    out.sort()
    return tuple(dict.fromkeys(w for _, w in out))


def _subordinate(lex: _Lexicon, piece: list[str]) -> bool:
    """The words of a comma piece before a negation or modal end in a subordinate clause opening:
    a relative pronoun just before it ("who had not", "which may") or a conjunction a few words
    before it ("if the storm did not")."""
    for k, w in enumerate(reversed(piece)):
        if w in lex.relatives and k <= _RELATIVE_REACH:
            return True
        if w in lex.subordinators and k <= _SUBORDINATE_REACH:
            return True
    return False


def _fact_predicate(lex: _Lexicon, word: str) -> bool:
    """After a negated "be": a participle ("armed", "launched", "sent", "carrying"), a place or a truth
    word ("genuine", "involved", "a member")."""
    if not word or "-" in word:  # "the boundary-breaking behemoth": an adjective
        return False
    return (word in lex.fact_predicates or word in lex.participles or (len(word) > 4 and word.endswith("ed"))
            or (len(word) > 5 and word.endswith("ing") and word != "going"))


def _negates_fact(lex: _Lexicon, content: str) -> bool:
    """The main clause of the content's first sentence negates a fact ("did not send", "no weapons
    were delivered"); a question ("isn't it?") does not."""
    text = _FIRST_SENTENCE.split(content.replace("\u2019", "'").strip(), maxsplit=1)[0]
    if text.rstrip("\"'\u201d ").endswith("?"):
        return False
    for m in _NEGATION.finditer(text):
        word = (m.group(1) or "n't").lower()
        after = _words(text[m.end():])
        nxt = after[0] if after else ""
        if nxt in lex.idioms.get(word, ()):
            continue  # "not only", "no longer", "nothing but"
        piece = _piece_before(text, m.start())  # "didn't": the piece ends with "did"
        prev = piece[-1] if piece else ""
        if prev in ("or", "if"):
            continue  # "whether or not", "if not"
        if word == "not" and nxt.endswith("ing") and not (prev in _BE or prev.endswith(("'s", "'re", "'m"))):
            continue  # "not paying taxes makes me smart", "mocked him for not releasing": no clause
        if piece in (["do"], ["don"]) or (word == "n't" and piece == ["do"]):
            continue  # "Don't get hung up on it": an imperative
        if _subordinate(lex, piece):
            continue  # "the suspect, who had not been seen since Friday, was arrested"
        if _reported(lex, text, m.start()):
            continue  # "said the army had not ..." reports someone else's words
        modal_before = word == "cannot" or any(w in lex.modals for w in piece[-3:])
        if modal_before:
            if (prev in ("could", "can", "ca") or word == "cannot") and nxt == "have":
                return True  # "could not have come from its positions"
            continue  # "would not raise taxes", "will not tolerate", "could not travel"
        verb = next((w for w in after[:3] if not w.endswith("ly")), "")  # "don't really want"
        if word in ("no", "nobody", "nothing", "none", "neither") and (not piece or prev in ("that", "and", "but")):
            verb = next((w for w in after[:6] if w in lex.modals or w in _AUX or w in lex.attitude), verb)
            if verb in lex.modals:
                continue  # "nobody should be above the law", "no one will be charged"
        if verb in lex.attitude:
            continue  # "I don't want to interrupt", "nobody wants", "it had no plans to"
        be = prev in _BE or prev.endswith(("'s", "'re", "'m"))  # "isn't", "it's not"
        predicate = next((w for w in after[:4] if not w.endswith("ly") and w not in ("a", "an", "the")), "")
        if word in ("not", "n't", "never") and be and not _fact_predicate(lex, predicate):
            continue  # "this isn't right", "these are not whistles": an opinion, not a fact denied
        return True
    return False
