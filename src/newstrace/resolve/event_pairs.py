"""Event mention coreference: a learned pairwise decision and average-link clustering over it.

Two mentions of events ("the quake", "struck") refer to the same real-world event or not.  The
decision is a logistic regression over features that any parsed report provides (no gold
arguments): head-lemma match and closeness, MiniLM cosines of the mention's words, of the mention
in a window of its sentence, of the whole sentence and of its document's lead, overlap of the names
and numbers of the two sentences and of the two documents and of the triggers' syntactic arguments,
and where the mentions sit (same document, same sentence, lead sentences, same document cluster),
with their pairwise products.  Weights come from `benchmarks/train_event_pairs.py` (ECB+ train topics)
and are shipped as `resources/event_pairs.json`; the model card is in `docs/claims.md`.

    mentions = [EventMention(key, doc, block, sentence, lemma, words, context, sentence_text,
                             names, args, lead, doc_cluster, doc_text, doc_names), ...]
    vectors = encode_mentions(mentions, encoder)
    labels = cluster_event_mentions(mentions, vectors, load_event_pair_model())

Mentions are compared only inside their `block` (a topic or story, or a cluster of documents on
one event), never all against all across a collection.  Average-link over the whole topic with the
document cluster as a feature scored above clustering inside document clusters on ECB+ train
cross-validation (76.6 vs 74.5 CoNLL F1), so the benchmark's blocks are topics.  The document clusters
that feature sees come from `cluster_documents_by_names`: tf-idf over the capitalised words and numbers
of each whole document, average-link at cosine 0.04 (chosen on ECB+ train: sub-topic B3 93.2 against
82.1 for the claim clusterer over leads; pair-model CV 77.7 against 76.6).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Hashable, Mapping, Sequence

import numpy as np

from .embeddings import Encoder

MODEL_FILE = "event_pairs.json"
DOC_CLUSTER_THRESHOLD = 0.04  # tf-idf cosine of document names; chosen on ECB+ train topics

# Base features, in the order the weights name them; "a*b" names in a model are products of two.
BASE_FEATURES: tuple[str, ...] = (
    "same_lemma",      # head lemmas equal
    "lemma_close",     # head lemmas differ but share a stem (4+ letters) or most letter trigrams
    "cos_trigger",     # MiniLM cosine of the mention's own words
    "cos_context",     # MiniLM cosine of the mention within a window of its sentence
    "cos_sentence",    # MiniLM cosine of the two sentences
    "names_jaccard",   # Jaccard of the capitalised words and numbers of the two sentences
    "names_shared",    # how many of those they share (capped at 3, divided by 3)
    "args_jaccard",    # Jaccard of the lemmas of the triggers' subjects, objects and modifiers
    "args_both",       # both triggers have such arguments
    "same_doc",
    "same_sentence",
    "lead_both",       # both mentions in a document's first sentences
    "same_doc_cluster",  # their documents were put in one cluster (e.g. by the claim clusterer)
    "cos_document",    # MiniLM cosine of the two documents' leads
    "doc_names_jaccard",  # Jaccard of the capitalised words and numbers of the two documents
)


@dataclass(frozen=True)
class EventMention:
    """One event mention, as the parse gives it; `block` bounds which mentions are compared."""

    key: Hashable
    doc: str
    block: Hashable
    sentence: int  # index of the sentence in its document
    lemma: str  # lemma of the mention's head word, lower case
    words: str  # the mention's own words
    context: str  # the mention with a few words either side
    sentence_text: str
    names: frozenset[str] = frozenset()  # capitalised words and numbers of the sentence
    args: frozenset[str] = frozenset()  # lemmas of the head's subjects, objects and modifiers
    lead: bool = False  # in the first sentences of its document
    doc_cluster: Hashable = None  # the cluster of documents its document belongs to
    doc_text: str = ""  # its document's lead (first sentences)
    doc_names: frozenset[str] = frozenset()  # capitalised words and numbers of its document


@dataclass(frozen=True)
class MentionVectors:
    """Unit vectors of each mention's words, context window, sentence and document lead (rows follow
    the mentions)."""

    trigger: np.ndarray
    context: np.ndarray
    sentence: np.ndarray
    document: np.ndarray


@dataclass(frozen=True)
class EventPairModel:
    """Logistic regression over standardised pair features; `threshold` stops average-link merging."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    intercept: float
    threshold: float

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "EventPairModel":
        return cls(tuple(data["features"]), np.asarray(data["mean"], dtype=np.float64),
                   np.asarray(data["scale"], dtype=np.float64), np.asarray(data["weights"], dtype=np.float64),
                   float(data["intercept"]), float(data["threshold"]))

    def probabilities(self, base: np.ndarray) -> np.ndarray:
        """P(same event) for rows of base features (columns as `BASE_FEATURES`)."""
        x = expand_features(base, self.features)
        z = ((x - self.mean) / self.scale) @ self.weights + self.intercept
        return 1.0 / (1.0 + np.exp(-z))


def load_event_pair_model(resources: Any | None = None) -> EventPairModel:
    """The shipped model, read through `resources` (default: the active resources of the process)."""
    if resources is None:
        from ..resources import load_json

        return EventPairModel.from_json(load_json(MODEL_FILE))
    return EventPairModel.from_json(resources.json(MODEL_FILE))


def encode_mentions(mentions: Sequence[EventMention], encoder: Encoder) -> MentionVectors:
    """Encode the distinct words, contexts, sentences and document leads of `mentions` once each."""

    def rows(texts: list[str]) -> np.ndarray:
        distinct = sorted(set(texts))
        vecs = encoder(distinct) if distinct else np.zeros((0, 1), dtype=np.float32)
        where = {t: i for i, t in enumerate(distinct)}
        return np.asarray(vecs, dtype=np.float32)[[where[t] for t in texts]] if texts else vecs

    return MentionVectors(rows([m.words for m in mentions]), rows([m.context for m in mentions]),
                          rows([m.sentence_text for m in mentions]), rows([m.doc_text for m in mentions]))


def lemmas_close(a: str, b: str) -> bool:
    """Different lemmas of one stem: a shared prefix of 4+ letters covering most of the shorter
    ("explosion" / "explode"), or at least half their letter trigrams shared."""
    if a == b or not a or not b:
        return False
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    if n >= 4 and n >= 0.6 * min(len(a), len(b)):
        return True
    ta = {a[i:i + 3] for i in range(len(a) - 2)}
    tb = {b[i:i + 3] for i in range(len(b) - 2)}
    return bool(ta and tb) and len(ta & tb) / len(ta | tb) >= 0.5


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def pair_features(mentions: Sequence[EventMention], vectors: MentionVectors,
                  left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Base features (columns as `BASE_FEATURES`) of the pairs (mentions[left[k]], mentions[right[k]])."""
    left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
    out = np.zeros((len(left), len(BASE_FEATURES)), dtype=np.float64)
    if not len(left):
        return out
    col = {name: i for i, name in enumerate(BASE_FEATURES)}
    for name, vecs in (("cos_trigger", vectors.trigger), ("cos_context", vectors.context),
                       ("cos_sentence", vectors.sentence), ("cos_document", vectors.document)):
        out[:, col[name]] = np.einsum("ij,ij->i", vecs[left], vecs[right])
    close: dict[tuple[str, str], bool] = {}
    for k, (i, j) in enumerate(zip(left.tolist(), right.tolist())):
        a, b = mentions[i], mentions[j]
        if a.lemma == b.lemma:
            out[k, col["same_lemma"]] = 1.0
        else:
            pair = (a.lemma, b.lemma)
            if pair not in close:
                close[pair] = lemmas_close(*pair)
            out[k, col["lemma_close"]] = float(close[pair])
        out[k, col["names_jaccard"]] = _jaccard(a.names, b.names)
        out[k, col["names_shared"]] = min(len(a.names & b.names), 3) / 3.0
        out[k, col["args_jaccard"]] = _jaccard(a.args, b.args)
        out[k, col["args_both"]] = float(bool(a.args) and bool(b.args))
        same_doc = a.doc == b.doc
        out[k, col["same_doc"]] = float(same_doc)
        out[k, col["same_sentence"]] = float(same_doc and a.sentence == b.sentence)
        out[k, col["lead_both"]] = float(a.lead and b.lead)
        out[k, col["same_doc_cluster"]] = float(a.doc_cluster == b.doc_cluster)
        out[k, col["doc_names_jaccard"]] = 1.0 if same_doc else _jaccard(a.doc_names, b.doc_names)
    return out


def expand_features(base: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """Columns named `names` from base features: a base name, or "a*b" for the product of two."""
    col = {name: i for i, name in enumerate(BASE_FEATURES)}
    out = np.empty((base.shape[0], len(names)), dtype=np.float64)
    for k, name in enumerate(names):
        if "*" in name:
            a, b = name.split("*")
            out[:, k] = base[:, col[a]] * base[:, col[b]]
        else:
            out[:, k] = base[:, col[name]]
    return out


def average_link(similarity: np.ndarray, threshold: float) -> list[int]:
    """Average-link agglomerative clustering: merge the two clusters of highest mean pairwise
    similarity while that mean is at least `threshold`.  Returns a cluster label per row."""
    n = similarity.shape[0]
    labels = list(range(n))
    if n < 2:
        return labels
    sim = np.array(similarity, dtype=np.float64)
    np.fill_diagonal(sim, -np.inf)
    size = np.ones(n)
    alive = np.ones(n, dtype=bool)
    members = {i: [i] for i in range(n)}
    while True:
        flat = int(np.argmax(sim))
        i, j = divmod(flat, n)
        if not np.isfinite(sim[i, j]) or sim[i, j] < threshold:
            break
        # merge j into i; Lance-Williams update of the mean similarity to every other cluster
        row = (size[i] * sim[i] + size[j] * sim[j]) / (size[i] + size[j])
        sim[i], sim[:, i] = row, row
        sim[i, i] = -np.inf
        sim[j], sim[:, j] = -np.inf, -np.inf
        size[i] += size[j]
        alive[j] = False
        members[i].extend(members.pop(j))
    for c, group in members.items():
        for m in group:
            labels[m] = c
    return labels


def cluster_documents_by_names(doc_names: Mapping[Hashable, Sequence[str]],
                                threshold: float = DOC_CLUSTER_THRESHOLD) -> dict[Hashable, int]:
    """Documents of one block into events: average-link over the tf-idf cosine of their names (each
    document's capitalised words and numbers, with repeats; idf over the block's documents).  Two
    reports of one event share rare names (a place, a person, a date); names every document of the
    block has weigh nothing."""
    keys = list(doc_names)
    if not keys:
        return {}
    df: Counter[str] = Counter()
    for names in doc_names.values():
        df.update(set(names))
    vocab = {w: i for i, w in enumerate(sorted(df))}
    n = len(keys)
    mat = np.zeros((n, max(len(vocab), 1)))
    for r, k in enumerate(keys):
        for w, c in Counter(doc_names[k]).items():
            mat[r, vocab[w]] = (1.0 + np.log(c)) * np.log((n + 1) / (df[w] + 1))
    mat /= np.maximum(np.linalg.norm(mat, axis=1, keepdims=True), 1e-9)
    labels = average_link(mat @ mat.T, threshold)
    return {k: labels[r] for r, k in enumerate(keys)}


def pair_probabilities(mentions: Sequence[EventMention], vectors: MentionVectors, model: EventPairModel,
                       rows: Sequence[int]) -> np.ndarray:
    """Symmetric matrix of P(same event) among mentions[rows] (diagonal 1)."""
    n = len(rows)
    prob = np.eye(n)
    if n < 2:
        return prob
    iu, ju = np.triu_indices(n, k=1)
    idx = np.asarray(rows, dtype=np.int64)
    p = model.probabilities(pair_features(mentions, vectors, idx[iu], idx[ju]))
    prob[iu, ju] = p
    prob[ju, iu] = p
    return prob


def cluster_event_mentions(mentions: Sequence[EventMention], vectors: MentionVectors, model: EventPairModel,
                           threshold: float | None = None) -> list[int]:
    """A cluster label per mention: average-link over the model's pair probabilities within each
    block, merging while the mean probability is at least `threshold` (default: the model's)."""
    cut = model.threshold if threshold is None else threshold
    blocks: dict[Hashable, list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        blocks[m.block].append(i)
    labels = [0] * len(mentions)
    base = 0
    for rows in blocks.values():
        local = average_link(pair_probabilities(mentions, vectors, model, rows), cut)
        for r, c in zip(rows, local):
            labels[r] = base + c
        base += len(rows)
    return labels
