"""Whether two statements state the same proposition: the test two origins must pass to corroborate.

A claim groups statements loosely (nearest neighbours, a shared frame, shared entities), so two
origins in one claim may say related but different things: one gives a count, the other a
motive.  Counting them as corroboration is the worst error the ledger can print, so status asks
a stricter question of every pair of origins: does some statement of one and some statement of
the other say the same thing?

The decision is a logistic regression over word-level features of the two texts (shared content
words and stems, shared bigrams, numbers that agree or clash, names in one and not the other, a
negation in one only, length ratio, shared character 4-grams), fitted on the Microsoft Research
Paraphrase Corpus train split by `benchmarks/train_agreement.py` and shipped as
resources/agreement_weights.yaml with the threshold chosen there for precision (see
docs/claims.md).  Hard vetoes (numbers that clash, a negation in one text only) were tried and
left out: on the held-out MRPC pairs they removed only true paraphrases above the threshold
(1 of 76 and 6 of 47 vetoed pairs, no false one); the regression weighs those features itself,
and a denial reaches status as a denial (its stance), not through this model.  It reads only the texts, so the store and the brief decide alike and neither
needs a model library.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np

from ..resources import load_yaml

WEIGHTS_FILE = "agreement_weights.yaml"
FEATURES = ("jaccard", "containment", "stem_jaccard", "bigram_jaccard", "char4_cosine", "numbers_shared",
            "numbers_clash", "names_jaccard", "names_unmatched", "negation_mismatch", "length_ratio", "log_length")

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'\-]*|\d[\d,.]*")
_NUMBER = re.compile(r"\d[\d,.]*")
_NEGATION = re.compile(r"\b(?:not|no|never|nothing|none|neither|nor|without|cannot|denied|denies|deny)\b|n't\b", re.I)
_STOP = frozenset("""a an the and or but of to in on at for with by from as is are was were be been being it its
this that these those he she they we you i his her their our your them us him what which who whom will would
shall should can could may might must do does did has have had so than then there here also just very said says
say told according""".split())
_SUFFIXES = ("ations", "ation", "ings", "ing", "edly", "ed", "ies", "es", "ly", "s")


@dataclass(frozen=True)
class Text:
    """One statement's text, read once: what the pair features compare."""

    words: frozenset[str]
    stems: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    char4: dict[str, int]
    numbers: frozenset[str]
    names: frozenset[str]
    negated: bool
    length: int


@lru_cache(maxsize=1)
def _number_words() -> dict[str, str]:
    """Written numbers ("twelve": "12") from resources/quantities.yaml; 'one' is left out (a pronoun too)."""
    table = (load_yaml("quantities.yaml") or {}).get("number_words") or {}
    return {str(k).lower(): str(int(v)) for k, v in table.items() if " " not in str(k) and str(k).lower() != "one"}


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=1 << 14)
def read_text(text: str) -> Text:
    """The features' view of a text (cached: a statement meets many others)."""
    tokens = _TOKEN.findall(text or "")
    lower = [t.lower() for t in tokens]
    written = _number_words()
    content = [w for w in lower if w not in _STOP and not _NUMBER.fullmatch(w) and w not in written]
    # a capitalised word that does not open the text: a name ("Agadir", "Red Cross")
    names = frozenset(t.lower() for i, t in enumerate(tokens) if i > 0 and t[:1].isupper() and t.lower() not in _STOP)
    joined = " ".join(content)
    char4: dict[str, int] = {}
    for i in range(max(0, len(joined) - 3)):
        gram = joined[i:i + 4]
        char4[gram] = char4.get(gram, 0) + 1
    return Text(
        words=frozenset(content), stems=frozenset(_stem(w) for w in content),
        bigrams=frozenset(zip(content, content[1:])), char4=char4,
        numbers=frozenset([n.rstrip(".,").replace(",", "") for n in _NUMBER.findall(text or "")]
                          + [written[w] for w in lower if w in written]),
        names=names, negated=bool(_NEGATION.search(text or "")), length=len(content))


def _jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _cosine(a: dict[str, int], b: dict[str, int]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


def pair_features(a: Text, b: Text) -> np.ndarray:
    """The FEATURES of a pair of texts (symmetric)."""
    shared_numbers = a.numbers & b.numbers
    unmatched = len(a.names ^ b.names) / max(1, len(a.names | b.names))
    return np.asarray([
        _jaccard(a.words, b.words),
        len(a.words & b.words) / max(1, min(len(a.words), len(b.words))),
        _jaccard(a.stems, b.stems),
        _jaccard(a.bigrams, b.bigrams),
        _cosine(a.char4, b.char4),
        float(bool(shared_numbers)),
        float(bool(a.numbers and b.numbers and not shared_numbers)),
        _jaccard(a.names, b.names),
        unmatched,
        float(a.negated != b.negated),
        min(a.length, b.length) / max(1, a.length, b.length),
        math.log1p(min(a.length, b.length)),
    ], dtype=np.float64)


@dataclass(frozen=True)
class AgreementModel:
    """Logistic regression over standardised pair features, with the threshold for 'same'."""

    coef: np.ndarray
    intercept: float
    mean: np.ndarray
    scale: np.ndarray
    threshold: float

    def probability(self, a: str, b: str) -> float:
        """P(the two texts state the same proposition), by the regression alone."""
        return self.probability_of(pair_features(read_text(a), read_text(b)))

    def probability_of(self, features: np.ndarray) -> float:
        x = (features - self.mean) / self.scale
        return 1.0 / (1.0 + math.exp(-(float(x @ self.coef) + self.intercept)))

    def same(self, a: str, b: str) -> bool:
        """Whether the two texts state the same proposition (the regression at or above the threshold)."""
        return self.probability(a, b) >= self.threshold


@lru_cache(maxsize=1)
def default_model() -> AgreementModel:
    w = load_yaml(WEIGHTS_FILE)
    if list(w["features"]) != list(FEATURES):
        raise ValueError(f"{WEIGHTS_FILE} was fitted on other features; re-run benchmarks/train_agreement.py --save")
    return AgreementModel(np.asarray(w["coef"], float), float(w["intercept"]), np.asarray(w["mean"], float),
                          np.asarray(w["scale"], float), float(w["threshold"]))


def agreeing_pair(texts_a: Sequence[str], texts_b: Sequence[str], model: AgreementModel | None = None,
                  limit: int = 8) -> tuple[int, int] | None:
    """(i, j) of the first texts of two origins that state the same proposition, else None.

    At most `limit` texts of each origin are compared (their first ones), so a claim with many
    statements costs at most limit² pairs per pair of origins."""
    model = model or default_model()
    for i, a in enumerate(texts_a[:limit]):
        for j, b in enumerate(texts_b[:limit]):
            if model.same(a, b):
                return i, j
    return None
