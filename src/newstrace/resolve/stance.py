"""Stance of a statement or body toward a claim: unrelated / discuss / agree / disagree.

Features: embedding similarity between the claim and the body's sentences, word overlap, and
deny/hedge/refute cue counts near the most similar sentences; a small multinomial logistic
regression (fitted on the FNC-1 train split by benchmarks/fnc1.py) is shipped as
resources/claim_stance_weights.yaml.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

import numpy as np

from ..resources import load_yaml, resource_path
from .embeddings import Encoder, default_encoder

STANCES = ("unrelated", "discuss", "agree", "disagree")
WEIGHTS_FILE = "claim_stance_weights.yaml"
_SENT = re.compile(r"(?<=[.!?])[\"'\u201d\u2019]?\s+(?=[\"'\u201c\u2018]?[A-Z0-9])")
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset("""a an the and or but of to in on at for with by from as is are was were be been it its this that
has have had will would after over new says said say""".split())
MAX_SENTENCES = 30
FEATURES = ("max_sim", "top3_sim", "lead_sim", "mean_sim", "overlap", "jaccard", "bigram_overlap",
            "deny_near", "deny_all", "hedge_near", "hedge_all", "refute_head", "hedge_head", "q_head",
            "max_sim_x_overlap", "deny_x_sim", "log_sentences")


@lru_cache(maxsize=1)
def _lexicon() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    words = load_yaml("claim_stance.yaml")
    shared = load_yaml("stance.yaml") or {}
    as_str = lambda ws: {str(w) for w in ws or () if isinstance(w, str)}  # noqa: E731
    deny = sorted(as_str(words["refute"]) | as_str(shared.get("deny_content")) | as_str(shared.get("deny_cues")),
                  key=len, reverse=True)
    hedge = sorted(as_str(words["hedge"]) | as_str(shared.get("hedge_content")), key=len, reverse=True)
    alt = lambda ws: re.compile(r"\b(" + "|".join(re.escape(w) for w in ws) + r")\w*\b", re.I)  # noqa: E731
    return alt(deny), alt(hedge), re.compile(r"\?")


def split_sentences(text: str, limit: int = MAX_SENTENCES) -> list[str]:
    """Sentences of a body (simple punctuation split), at most `limit`."""
    parts = [p.strip() for chunk in text.split("\n") for p in _SENT.split(chunk)]
    return [p for p in parts if len(p) > 2][:limit] or [text[:500]]


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP]


def stance_features(claim: str, claim_vec: np.ndarray, sentences: Sequence[str], sent_vecs: np.ndarray) -> np.ndarray:
    """Feature vector (see FEATURES) from the claim and a body already split and encoded."""
    deny, hedge, question = _lexicon()
    sims = sent_vecs @ claim_vec if len(sent_vecs) else np.zeros(1)
    order = np.argsort(-sims)
    top = [sentences[i] for i in order[:3]] if sentences else []
    cw, bw = _words(claim), _words(" ".join(sentences))
    cs, bs = set(cw), set(bw)
    cb = {tuple(cw[i:i + 2]) for i in range(len(cw) - 1)}
    bb = {tuple(bw[i:i + 2]) for i in range(len(bw) - 1)}
    overlap = len(cs & bs) / len(cs) if cs else 0.0
    near = " ".join(top)
    body = " ".join(sentences)
    n_words = max(1, len(body.split()))
    deny_near = len(deny.findall(near))
    feats = [
        float(sims.max()), float(np.sort(sims)[-3:].mean()), float(sims[:2].mean()), float(sims.mean()),
        overlap, len(cs & bs) / len(cs | bs) if cs | bs else 0.0, len(cb & bb) / len(cb) if cb else 0.0,
        float(deny_near), 100.0 * len(deny.findall(body)) / n_words, float(len(hedge.findall(near))),
        100.0 * len(hedge.findall(body)) / n_words, float(len(deny.findall(claim))), float(len(hedge.findall(claim))),
        float(bool(question.search(claim))), float(sims.max()) * overlap, deny_near * float(sims.max()),
        float(np.log1p(len(sentences))),
    ]
    return np.asarray(feats, dtype=np.float32)


def features_for(claims: Sequence[str], bodies: Sequence[str], encoder: Encoder | None = None) -> np.ndarray:
    """Feature matrix for (claim, body) pairs, encoding each distinct text once."""
    enc = encoder or default_encoder()
    uniq_claims = list(dict.fromkeys(claims))
    uniq_bodies = list(dict.fromkeys(bodies))
    cvec = dict(zip(uniq_claims, enc(uniq_claims)))
    split = {b: split_sentences(b) for b in uniq_bodies}
    flat = [s for b in uniq_bodies for s in split[b]]
    vecs = enc(flat)
    bvec, k = {}, 0
    for b in uniq_bodies:
        n = len(split[b])
        bvec[b] = vecs[k:k + n]
        k += n
    return np.stack([stance_features(c, cvec[c], split[b], bvec[b]) for c, b in zip(claims, bodies)])


class StanceModel:
    """Multinomial logistic regression over stance_features (weights from a data file)."""

    def __init__(self, coef: np.ndarray, intercept: np.ndarray, mean: np.ndarray, scale: np.ndarray,
                 classes: Sequence[str] = STANCES) -> None:
        self.coef, self.intercept, self.mean, self.scale = coef, intercept, mean, scale
        self.classes = tuple(classes)

    @classmethod
    def load(cls, name: str = WEIGHTS_FILE) -> "StanceModel":
        w = load_yaml(name)
        return cls(np.asarray(w["coef"], np.float32), np.asarray(w["intercept"], np.float32),
                   np.asarray(w["mean"], np.float32), np.asarray(w["scale"], np.float32), w["classes"])

    def save(self, name: str = WEIGHTS_FILE, note: str = "") -> str:
        import yaml

        path = resource_path(name)
        data = {"note": note, "features": list(FEATURES), "classes": list(self.classes),
                "coef": np.round(self.coef, 5).tolist(), "intercept": np.round(self.intercept, 5).tolist(),
                "mean": np.round(self.mean, 5).tolist(), "scale": np.round(self.scale, 5).tolist()}
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump(data, f, sort_keys=False)
        return path

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        z = ((X - self.mean) / self.scale) @ self.coef.T + self.intercept
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)

    def predict(self, X: np.ndarray) -> list[str]:
        return [self.classes[i] for i in self.predict_proba(X).argmax(axis=1)]


@lru_cache(maxsize=1)
def default_model() -> StanceModel:
    return StanceModel.load()


def classify_claim_stance(claim: str, body: str, encoder: Encoder | None = None) -> str:
    """unrelated / discuss / agree / disagree of `body` (a statement or article) toward `claim`."""
    return default_model().predict(features_for([claim], [body], encoder))[0]
