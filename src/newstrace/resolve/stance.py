"""Stance of a statement or body toward a claim: unrelated / discuss / agree / disagree.

Features: embedding similarity between the claim and the body's sentences, word overlap, and
deny/hedge/refute/agree/negation cue counts near (and weighted by similarity to) the most similar
sentences, numbers agreement, and the claim's framing (reported speech and doubt in the closest
sentences, negations and deny words next to the claim's own words); gradient-boosted trees (or, in
older files, a one-hidden-layer MLP or a multinomial logistic regression), fitted on the FNC-1 train
split by benchmarks/fnc1.py, are shipped as resources/claim_stance_weights.yaml and evaluated in numpy.
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
            "deny_wsim", "hedge_wsim", "agree_wsim", "neg_wsim", "deny_top5", "agree_top5", "neg_top5",
            # polarity (issue 9, item 2): how the closest sentences frame the claim's words
            "report_top1", "report_lead", "report_frac", "report_wsim", "doubt_top3", "doubt_all",
            "neg_by_claim_word", "deny_by_claim_word", "deny_sim_max", "hedge_sim_max", "report_sim_max",
            "best_position", "quotes_per_sentence")
_NEG_TOKEN = re.compile(r"not|no|never|nothing|none|neither|nor|nobody|without|cannot|\w+n't")
_NEG = re.compile(r"\b(not|no|never|nothing|none|neither|nor|nobody|without|cannot)\b|n't\b", re.I)
_AGREE = re.compile(r"\b(confirm|verif|proof|proves|proven|evidence|officially|indeed|revealed|admit|"
                    r"announc|true|genuine|authentic)\w*\b", re.I)
_NUM = re.compile(r"\d+(?:[.,]\d+)*")
_REPORT = re.compile(r"\b(says?|said|claim(?:s|ed)?|according to|report(?:s|ed|edly)?|told|alleg\w*|"
                     r"purport\w*)\b", re.I)
_DOUBT = re.compile(r"\b(doubts?|doubtful|sceptic\w*|skeptic\w*|unverified|not been verified|suspicious|"
                    r"questionable|whether|if true|unclear|unsubstantiated)\b", re.I)
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
NEAR_WORDS = 4


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
    feats += _polarity_features(cs, sentences, sims, order)
    return np.asarray(feats, dtype=np.float32)


@lru_cache(maxsize=1)
def _deny_prefix() -> re.Pattern[str]:
    """The deny cues as word prefixes for one token at a time."""
    deny = _lexicon()[0].pattern
    return re.compile(deny[len(r"\b"):-len(r"\w*\b")], re.I)


def _cues_by_claim_words(claim_words: set[str], sentence: str) -> tuple[int, int]:
    """Negations and deny cues within NEAR_WORDS tokens of one of the claim's words in `sentence`."""
    tokens = _TOKEN.findall(sentence.lower())
    at = [i for i, t in enumerate(tokens) if t in claim_words]
    if not at:
        return 0, 0
    near = lambda i: any(abs(i - j) <= NEAR_WORDS for j in at)  # noqa: E731
    neg = sum(1 for i, t in enumerate(tokens) if _NEG_TOKEN.fullmatch(t) and near(i))
    deny = _deny_prefix()
    return neg, sum(1 for i, t in enumerate(tokens) if deny.match(t) and near(i))


@lru_cache(maxsize=65536)
def _frame_counts(sentence: str) -> tuple[int, int, int]:
    """Reporting verbs, doubt words and quotation marks of one sentence."""
    return (len(_REPORT.findall(sentence)), len(_DOUBT.findall(sentence)),
            sum(sentence.count(q) for q in "\"\u201c\u201d"))


def _polarity_features(claim_words: set[str], sentences: Sequence[str], sims: np.ndarray,
                       order: np.ndarray) -> list[float]:
    """How the body frames the claim: reported speech and doubt near the closest sentences, deny words and
    negations next to the claim's own words, and how close the closest denying / hedging sentence is."""
    if not sentences or len(sims) != len(sentences):
        return [0.0] * 13
    frames = np.asarray([_frame_counts(x) for x in sentences], np.float32)
    top3 = [sentences[i] for i in order[:3]]
    w = np.maximum(sims, 0.0) ** 2
    wsum = max(float(w.sum()), 1e-6)
    cues = np.asarray([_cue_counts(x) for x in sentences], np.float32)
    has_deny, has_hedge = cues[:, 0] > 0, cues[:, 1] > 0
    has_report = frames[:, 0] > 0
    best = lambda mask: float(sims[mask].max()) if mask.any() else 0.0  # noqa: E731
    by_claim = np.asarray([_cues_by_claim_words(claim_words, x) for x in top3], np.float32).reshape(-1, 2)
    return [
        float(frames[order[0], 0]), float(frames[:2, 0].sum()), float(has_report.mean()),
        float(w @ frames[:, 0] / wsum), float(frames[order[:3], 1].sum()), float(frames[:, 1].sum()),
        float(by_claim[:, 0].sum()), float(by_claim[:, 1].sum()),
        best(has_deny), best(has_hedge), best(has_report),
        float(order[0]) / len(sentences), float(frames[:, 2].mean()),
    ]


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


def _numbers(text: str, dtype: type) -> np.ndarray:
    return np.asarray(text.split(), dtype=np.float64).astype(dtype)


class Trees:
    """Gradient-boosted regression trees, one score per class, evaluated in numpy.

    The nodes of every tree lie side by side in flat arrays.  A split node sends a row left when its
    feature is <= the threshold; a leaf points to itself with an infinite threshold, so `depth` steps
    from every root reach every row's leaf at once.  Class scores: `base` plus the leaf values of that
    class's trees; a softmax over them gives the probabilities.
    """

    ROWS = 2048  # rows walked at a time (memory: ROWS x trees node indices)

    def __init__(self, feature: np.ndarray, threshold: np.ndarray, left: np.ndarray, right: np.ndarray,
                 value: np.ndarray, roots: np.ndarray, klass: np.ndarray, base: np.ndarray, depth: int) -> None:
        self.feature, self.threshold = np.asarray(feature, np.int64), np.asarray(threshold, np.float64)
        self.left, self.right = np.asarray(left, np.int64), np.asarray(right, np.int64)
        self.value, self.base = np.asarray(value, np.float64), np.asarray(base, np.float64)
        self.roots, self.klass, self.depth = np.asarray(roots, np.int64), np.asarray(klass, np.int64), int(depth)
        self._onehot = np.eye(len(self.base))[self.klass]

    def scores(self, X: np.ndarray) -> np.ndarray:
        """(rows, classes) raw class scores."""
        X = np.nan_to_num(np.asarray(X, np.float64))
        out = np.empty((len(X), len(self.base)))
        for start in range(0, len(X), self.ROWS):
            part = X[start:start + self.ROWS]
            node = np.broadcast_to(self.roots, (len(part), len(self.roots)))
            for _ in range(self.depth):
                x = np.take_along_axis(part, self.feature[node], axis=1)
                node = np.where(x <= self.threshold[node], self.left[node], self.right[node])
            out[start:start + self.ROWS] = self.base + self.value[node] @ self._onehot
        return out

    def to_dict(self) -> dict:
        """Plain data for the weights file; arrays as space-separated numbers (fast to read back)."""
        ints = lambda a: " ".join(map(str, a.tolist()))  # noqa: E731
        floats = lambda a, digits: " ".join(f"{v:.{digits}g}" for v in a.tolist())  # noqa: E731
        return {"depth": self.depth, "base": self.base.round(6).tolist(), "roots": ints(self.roots),
                "class": ints(self.klass), "feature": ints(self.feature),
                "threshold": floats(self.threshold, 9), "left": ints(self.left),
                "right": ints(self.right), "value": floats(self.value, 6)}

    @classmethod
    def from_dict(cls, d: dict) -> "Trees":
        return cls(_numbers(d["feature"], np.int64), _numbers(d["threshold"], np.float64),
                   _numbers(d["left"], np.int64), _numbers(d["right"], np.int64), _numbers(d["value"], np.float64),
                   _numbers(d["roots"], np.int64), _numbers(d["class"], np.int64), d["base"], d["depth"])


class StanceModel:
    """Softmax over stance_features: a multinomial logistic regression (`kind: logistic`), a small MLP
    (`kind: mlp`: ReLU hidden layers, then the softmax layer) or gradient-boosted trees (`kind: trees`,
    see Trees), weights from a data file.

    The file names its features; they are picked from FEATURES by name, so an older file over fewer
    features still loads and scores.  A file without `kind` is a logistic regression.
    """

    def __init__(self, coef: np.ndarray, intercept: np.ndarray, mean: np.ndarray, scale: np.ndarray,
                 classes: Sequence[str] = STANCES, hidden: Sequence[tuple[np.ndarray, np.ndarray]] = (),
                 features: Sequence[str] = FEATURES, trees: Trees | None = None) -> None:
        self.coef, self.intercept, self.mean, self.scale = coef, intercept, mean, scale
        self.classes = tuple(classes)
        self.hidden = [(np.asarray(w, np.float32), np.asarray(b, np.float32)) for w, b in hidden]
        self.trees = trees
        self.features = tuple(features)
        missing = [f for f in self.features if f not in FEATURES]
        if missing:
            raise ValueError(f"stance weights use unknown features: {missing}")
        self._cols = None if self.features == FEATURES else np.asarray([FEATURES.index(f) for f in self.features])

    @property
    def kind(self) -> str:
        return "trees" if self.trees is not None else "mlp" if self.hidden else "logistic"

    @classmethod
    def load(cls, name: str = WEIGHTS_FILE) -> "StanceModel":
        w = load_yaml(name)
        kind = w.get("kind", "logistic")
        if kind not in ("logistic", "mlp", "trees"):
            raise ValueError(f"{name}: unknown stance model kind {kind!r}")
        if kind == "trees":
            empty = np.zeros(0, np.float32)
            return cls(empty, empty, empty, empty, w["classes"], features=w["features"],
                       trees=Trees.from_dict(w["trees"]))
        hidden = [(layer["weights"], layer["bias"]) for layer in w.get("hidden") or ()] if kind == "mlp" else ()
        return cls(np.asarray(w["coef"], np.float32), np.asarray(w["intercept"], np.float32),
                   np.asarray(w["mean"], np.float32), np.asarray(w["scale"], np.float32), w["classes"],
                   hidden, w.get("features") or FEATURES[:len(w["mean"])])

    def save(self, name: str = WEIGHTS_FILE, note: str = "") -> str:
        import yaml

        path = resource_path(name)
        r = lambda a: np.round(np.asarray(a, np.float64), 5).tolist()  # noqa: E731
        data = {"note": note, "kind": self.kind, "features": list(self.features), "classes": list(self.classes)}
        if self.trees is not None:
            data["trees"] = self.trees.to_dict()
        elif self.hidden:
            data["hidden"] = [{"weights": r(w), "bias": r(b)} for w, b in self.hidden]
        if self.trees is None:
            data.update({"coef": r(self.coef), "intercept": r(self.intercept), "mean": r(self.mean),
                         "scale": r(self.scale)})
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump(data, f, sort_keys=False)
        return path

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, np.float32)
        if self._cols is not None:
            X = X[:, self._cols]
        if self.trees is not None:
            z = self.trees.scores(X)
            z = np.exp(z - z.max(axis=1, keepdims=True))
            return z / z.sum(axis=1, keepdims=True)
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
