"""Stance of a statement toward its content: deny, hedge or assert, with the hedge cues found."""
from __future__ import annotations

import re
from functools import lru_cache

from ..resources import load_yaml


@lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, str], dict[str, str], tuple[re.Pattern[str], ...], re.Pattern[str], re.Pattern[str]]:
    cues = load_yaml("reporting_cues.yaml")
    data = load_yaml("stance.yaml")
    verbs = {str(k): str(v) for k, v in (cues.get("verbs") or {}).items()}
    nouns = {str(k): str(v) for k, v in (cues.get("nominal") or {}).items()}
    for lemma in data.get("deny_cues") or ():
        verbs.setdefault(str(lemma), "deny")
    deny = tuple(re.compile(r"\b" + re.escape(str(w)) + r"\b", re.I) for w in data.get("deny_content") or ())
    hedge_words = sorted((str(w) for w in data.get("hedge_content") or ()), key=len, reverse=True)
    hedge = re.compile(r"\b(" + "|".join(re.escape(w) for w in hedge_words) + r")\b", re.I)
    negated = re.compile(r"\b(not|never|no|n't|nothing|neither)\b", re.I)
    return verbs, nouns, deny, hedge, negated


def cue_stance(lemma: str) -> str:
    """Default stance of a reporting verb or noun lemma (assert when unknown)."""
    verbs, nouns, *_ = _lexicon()
    lemma = lemma.lower()
    return verbs.get(lemma) or nouns.get(lemma) or "assert"


def classify_stance(cue_lemma: str, content: str, cue_text: str = "") -> tuple[str, tuple[str, ...]]:
    """(stance, hedges) for a cue lemma and its content.

    deny: the cue denies/rejects, or the content calls the claim baseless, absurd, false ...
    (a plain "not" in the content is not a denial).  hedge: the cue hedges or the content holds
    uncertainty markers; the markers found are returned.  Negated denial cues ("did not deny")
    assert nothing either way and count as hedges.
    """
    _verbs, _nouns, deny, hedge, negated = _lexicon()
    base = cue_stance(cue_lemma)
    cue_negated = bool(cue_text and negated.search(cue_text))
    if base == "deny":
        return ("hedge", ()) if cue_negated else ("deny", ())
    if any(p.search(content) for p in deny):
        return "deny", ()
    found = tuple(dict.fromkeys(m.group(1).lower() for m in hedge.finditer(content)
                                if m.group(1)[0].islower() or m.start() == 0))  # "in May" is a month
    if base == "hedge":
        return "hedge", (cue_lemma.lower(),) + found
    if found:
        return "hedge", found
    return "assert", ()
