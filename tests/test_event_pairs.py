"""Event mention pair features, average-link clustering and the shipped pair model (resolve/event_pairs.py)."""
from __future__ import annotations

import numpy as np
import pytest

from newstrace.resolve.event_pairs import (BASE_FEATURES, EventMention, EventPairModel, MentionVectors,
                                           average_link, cluster_documents_by_names, cluster_event_mentions,
                                           encode_mentions, expand_features, lemmas_close, load_event_pair_model,
                                           pair_features)

COL = {name: i for i, name in enumerate(BASE_FEATURES)}


def mention(key, doc, lemma, words, sentence=1, names=(), args=(), doc_cluster=0, doc_names=(), lead=True):
    return EventMention(key=key, doc=doc, block="story", sentence=sentence, lemma=lemma, words=words,
                        context=f"... {words} ...", sentence_text=f"Sentence {sentence} of {doc} with {words}.",
                        names=frozenset(names), args=frozenset(args), lead=lead, doc_cluster=doc_cluster,
                        doc_text=f"lead of {doc}", doc_names=frozenset(doc_names))


def unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def vectors(rows: list[np.ndarray]) -> MentionVectors:
    m = np.stack(rows)
    return MentionVectors(m, m, m, m)


# Two reports of one quake (same lemma, same place and year, same document cluster) and a fire
# elsewhere, written for this test.
QUAKE_A = mention("a1", "rep1", "quake", "quake", names={"ridgeford", "2031"}, args={"coast"},
                  doc_names={"ridgeford", "2031", "coast"})
QUAKE_B = mention("b1", "rep2", "quake", "quake", names={"ridgeford", "2031"}, args={"coast"},
                  doc_names={"ridgeford", "2031", "harbour"})
FIRE = mention("c1", "rep3", "blaze", "blaze", names={"millbrook"}, args={"warehouse"}, doc_cluster=1,
               doc_names={"millbrook", "warehouse"}, lead=False)
VECS = vectors([unit(1, 0.1, 0), unit(0.95, 0.15, 0), unit(0, 0.2, 1)])


@pytest.mark.parametrize("a, b, close", [
    ("explosion", "explode", True),
    ("shooting", "shoot", True),
    ("arrest", "arrest", False),  # equal lemmas are `same_lemma`, not close
    ("quake", "fire", False),
    ("die", "kill", False),
])
def test_lemmas_close(a, b, close):
    assert lemmas_close(a, b) is close


def test_pair_features_of_hand_made_mentions():
    ms = [QUAKE_A, QUAKE_B, FIRE]
    x = pair_features(ms, VECS, np.array([0, 0]), np.array([1, 2]))
    assert x.shape == (2, len(BASE_FEATURES))
    same, other = x
    assert same[COL["same_lemma"]] == 1 and other[COL["same_lemma"]] == 0
    assert same[COL["names_jaccard"]] == 1.0 and other[COL["names_jaccard"]] == 0.0
    assert same[COL["names_shared"]] == pytest.approx(2 / 3)
    assert same[COL["args_jaccard"]] == 1.0 and same[COL["args_both"]] == 1.0
    assert same[COL["same_doc"]] == 0 and same[COL["same_sentence"]] == 0
    assert same[COL["lead_both"]] == 1 and other[COL["lead_both"]] == 0
    assert same[COL["same_doc_cluster"]] == 1 and other[COL["same_doc_cluster"]] == 0
    assert same[COL["doc_names_jaccard"]] == pytest.approx(2 / 4)
    assert same[COL["cos_trigger"]] > 0.9 > 0.3 > other[COL["cos_trigger"]]


def test_same_sentence_and_same_document():
    a = mention("x", "rep1", "attack", "attacked", sentence=3)
    b = mention("y", "rep1", "kill", "killing", sentence=3)
    x = pair_features([a, b], vectors([unit(1, 0), unit(0, 1)]), np.array([0]), np.array([1]))[0]
    assert x[COL["same_doc"]] == 1 and x[COL["same_sentence"]] == 1
    assert x[COL["doc_names_jaccard"]] == 1.0  # one document: its names are the same


def test_expand_features_products():
    base = np.arange(2 * len(BASE_FEATURES), dtype=float).reshape(2, -1)
    out = expand_features(base, ["same_lemma", "cos_trigger*same_doc"])
    assert out[:, 0].tolist() == base[:, COL["same_lemma"]].tolist()
    assert out[:, 1].tolist() == (base[:, COL["cos_trigger"]] * base[:, COL["same_doc"]]).tolist()


def test_average_link_uses_the_mean_not_the_best_pair():
    # 0-1 close, 2 close to 1 only: the mean of (0,2) and (1,2) is 0.5, below 0.6, so 2 stays apart
    sim = np.array([[1.0, 0.9, 0.2], [0.9, 1.0, 0.8], [0.2, 0.8, 1.0]])
    labels = average_link(sim, 0.6)
    assert labels[0] == labels[1] != labels[2]
    assert len(set(average_link(sim, 0.45))) == 1
    assert len(set(average_link(sim, 0.95))) == 3
    assert average_link(np.eye(1), 0.5) == [0]


def test_clustering_stays_inside_blocks():
    model = EventPairModel(("same_lemma",), np.zeros(1), np.ones(1), np.array([10.0]), -5.0, 0.5)
    a = QUAKE_A
    b = EventMention(**{**QUAKE_B.__dict__, "block": "another story"})
    labels = cluster_event_mentions([a, b], VECS, model)
    assert labels[0] != labels[1]


def test_shipped_model_joins_one_event_and_keeps_another_apart():
    model = load_event_pair_model()
    assert set(model.features) >= set(BASE_FEATURES)
    assert len(model.weights) == len(model.features) == len(model.mean) == len(model.scale)
    assert 0.0 < model.threshold < 1.0
    labels = cluster_event_mentions([QUAKE_A, QUAKE_B, FIRE], VECS, model)
    assert labels[0] == labels[1] != labels[2]


def test_encode_mentions_encodes_each_distinct_text_once():
    seen: list[str] = []

    def encoder(texts):
        seen.extend(texts)
        return np.stack([unit(len(t), 1.0) for t in texts])

    ms = [QUAKE_A, QUAKE_B, FIRE]
    vecs = encode_mentions(ms, encoder)
    assert vecs.trigger.shape == (3, 2) and vecs.document.shape == (3, 2)
    assert seen.count("quake") == 1
    assert np.allclose(vecs.trigger[0], vecs.trigger[1])


def test_documents_cluster_by_their_rare_names():
    # two reports of a quake in Ridgeford, two of one in Lowmere; "quake" and "tuesday" are in all four
    docs = {
        "r1": ["ridgeford", "ridgeford", "2031", "quake", "tuesday", "mayor", "okafor"],
        "r2": ["ridgeford", "okafor", "2031", "quake", "tuesday"],
        "l1": ["lowmere", "2029", "quake", "tuesday", "harbour"],
        "l2": ["lowmere", "lowmere", "harbour", "2029", "quake", "tuesday"],
    }
    labels = cluster_documents_by_names(docs)
    assert labels["r1"] == labels["r2"] != labels["l1"] == labels["l2"]
    assert cluster_documents_by_names({}) == {}
    assert len(set(cluster_documents_by_names({"a": [], "b": []}).values())) == 2  # no names: nothing shared
