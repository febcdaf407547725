"""Stance of a statement or body toward a claim: unrelated / discuss / agree / disagree.

Features: embedding similarity between the claim and the body's sentences, word overlap, and
deny/hedge/refute/agree/negation cue counts near (and weighted by similarity to) the most similar
sentences, numbers agreement; a one-hidden-layer MLP (or, in older files, a multinomial logistic
regression), fitted on the FNC-1 train split by benchmarks/fnc1.py, is shipped as
resources/claim_stance_weights.yaml and evaluated in numpy.
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
            "max_sim_x_overlap", "deny_x_sim", "log_sentences",
            # added with the MLP (issue 9): lead and best-sentence overlap, claim-word frequency, numbers,
            # negation parity, agree cues and cues of the single closest sentence
            "lead_overlap", "best_sent_overlap", "top1_overlap", "hits_per_word", "log_hits", "sim_std",
            "frac_sim_05", "numbers_agree", "numbers_missing", "log_claim_words", "neg_near", "neg_claim",
            "neg_parity", "agree_near", "agree_all", "deny_top1", "hedge_top1", "q_body", "deny_lead",
            "deny_wsim", "hedge_wsim", "agree_wsim", "neg_wsim", "deny_top5", "agree_top5", "neg_top5")
_NEG = re.compile(r"\b(not|no|never|nothing|none|neither|nor|nobody|without|cannot)\b|n't\b", re.I)
_AGREE = re.compile(r"\b(confirm|verif|proof|proves|proven|evidence|officially|indeed|revealed|admit|"
                    r"announc|true|genuine|authentic)\w*\b", re.I)
_NUM = re.compile(r"\d+(?:[.,]\d+)*")


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


@lru_cache(maxsize=65536)
def _cue_counts(sentence: str) -> tuple[int, int, int, int]:
    """deny, hedge, agree and negation cues of one sentence."""
    deny, hedge, _ = _lexicon()
    return (len(deny.findall(sentence)), len(hedge.findall(sentence)), len(_AGREE.findall(sentence)),
            len(_NEG.findall(sentence)))


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
    lead_w = set(_words(" ".join(sentences[:2])))
    sent_sets = [set(_words(x)) for x in sentences]
    sent_ov = [len(cs & x) / len(cs) if cs else 0.0 for x in sent_sets] or [0.0]
    counts: dict[str, int] = {}
    for w in bw:
        counts[w] = counts.get(w, 0) + 1
    hits = sum(counts.get(w, 0) for w in cs)
    cn = set(_NUM.findall(claim))
    bn = set(_NUM.findall(body))
    neg_near, neg_claim = len(_NEG.findall(near)), len(_NEG.findall(claim))
    top1 = sentences[int(order[0])] if sentences else ""
    lead = " ".join(sentences[:2])
    feats += [
        len(cs & lead_w) / len(cs) if cs else 0.0, max(sent_ov), sent_ov[int(order[0])] if sentences else 0.0,
        100.0 * hits / n_words, float(np.log1p(hits)), float(sims.std()), float((sims > 0.5).mean()),
        len(cn & bn) / len(cn) if cn else 0.0, float(not cn), float(np.log1p(len(cw))), float(neg_near),
        float(neg_claim), float((neg_near + neg_claim) % 2), float(len(_AGREE.findall(near))),
        100.0 * len(_AGREE.findall(body)) / n_words, float(len(deny.findall(top1))), float(len(hedge.findall(top1))),
        float(body.count("?")), float(len(deny.findall(lead))),
    ]
    cues = np.asarray([_cue_counts(x) for x in sentences], np.float32).reshape(-1, 4)
    if len(cues) == len(sims):
        w = np.maximum(sims, 0.0) ** 2
        feats += list(w @ cues / max(float(w.sum()), 1e-6))
        feats += list(cues[order[:5]][:, [0, 2, 3]].sum(axis=0))
    else:
        feats += [0.0] * 7
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
    """Softmax over stance_features: a multinomial logistic regression (`kind: logistic`) or a small MLP
    (`kind: mlp`: ReLU hidden layers, then the softmax layer), weights from a data file.

    The file names its features; they are picked from FEATURES by name, so an older file over fewer
    features still loads and scores.  A file without `kind` is a logistic regression.
    """

    def __init__(self, coef: np.ndarray, intercept: np.ndarray, mean: np.ndarray, scale: np.ndarray,
                 classes: Sequence[str] = STANCES, hidden: Sequence[tuple[np.ndarray, np.ndarray]] = (),
                 features: Sequence[str] = FEATURES) -> None:
        self.coef, self.intercept, self.mean, self.scale = coef, intercept, mean, scale
        self.classes = tuple(classes)
        self.hidden = [(np.asarray(w, np.float32), np.asarray(b, np.float32)) for w, b in hidden]
        self.features = tuple(features)
        missing = [f for f in self.features if f not in FEATURES]
        if missing:
            raise ValueError(f"stance weights use unknown features: {missing}")
        self._cols = None if self.features == FEATURES else np.asarray([FEATURES.index(f) for f in self.features])

    @property
    def kind(self) -> str:
        return "mlp" if self.hidden else "logistic"

    @classmethod
    def load(cls, name: str = WEIGHTS_FILE) -> "StanceModel":
        w = load_yaml(name)
        kind = w.get("kind", "logistic")
        if kind not in ("logistic", "mlp"):
            raise ValueError(f"{name}: unknown stance model kind {kind!r}")
        hidden = [(layer["weights"], layer["bias"]) for layer in w.get("hidden") or ()] if kind == "mlp" else ()
        return cls(np.asarray(w["coef"], np.float32), np.asarray(w["intercept"], np.float32),
                   np.asarray(w["mean"], np.float32), np.asarray(w["scale"], np.float32), w["classes"],
                   hidden, w.get("features") or FEATURES[:len(w["mean"])])

    def save(self, name: str = WEIGHTS_FILE, note: str = "") -> str:
        import yaml

        path = resource_path(name)
        r = lambda a: np.round(np.asarray(a, np.float64), 5).tolist()  # noqa: E731
        data = {"note": note, "kind": self.kind, "features": list(self.features), "classes": list(self.classes)}
        if self.hidden:
            data["hidden"] = [{"weights": r(w), "bias": r(b)} for w, b in self.hidden]
        data.update({"coef": r(self.coef), "intercept": r(self.intercept), "mean": r(self.mean), "scale": r(self.scale)})
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump(data, f, sort_keys=False)
        return path

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, np.float32)
        if self._cols is not None:
            X = X[:, self._cols]
        h = (X - self.mean) / self.scale
        for w, b in self.hidden:
            h = np.maximum(h @ w + b, 0.0)
        z = h @ self.coef.T + self.intercept
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
