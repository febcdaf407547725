"""Claim stance model (resolve/stance.py): the weights file's formats and the numpy forward pass."""
from __future__ import annotations

import numpy as np
import pytest

from newstrace.resolve import stance
from newstrace.resolve.stance import FEATURES, STANCES, StanceModel


def test_shipped_weights_load_and_name_known_features():
    m = StanceModel.load()
    assert m.classes == STANCES
    assert set(m.features) <= set(FEATURES)
    p = m.predict_proba(np.zeros((2, len(FEATURES)), np.float32))
    assert p.shape == (2, 4) and np.allclose(p.sum(axis=1), 1.0, atol=1e-5)


def test_logistic_file_without_kind_over_fewer_features_still_loads(monkeypatch):
    # the format before the MLP: no `kind`, the first 17 features
    old = list(FEATURES[:17])
    coef = np.zeros((4, 17))
    coef[3, old.index("deny_near")] = 5.0
    data = {"features": old, "classes": list(STANCES), "coef": coef.tolist(), "intercept": [0.0] * 4,
            "mean": [0.0] * 17, "scale": [1.0] * 17}
    monkeypatch.setattr(stance, "load_yaml", lambda name: data)
    m = StanceModel.load("old.yaml")
    assert m.kind == "logistic"
    X = np.zeros((1, len(FEATURES)), np.float32)
    X[0, FEATURES.index("deny_near")] = 2.0
    X[0, 20] = 100.0  # a feature the old file does not use is ignored
    assert m.predict(X) == ["disagree"]


def test_mlp_forward_pass_matches_sklearn_layout(monkeypatch):
    rng = np.random.default_rng(0)
    n, h = len(FEATURES), 5
    w1, b1 = rng.normal(size=(n, h)), rng.normal(size=h)
    w2, b2 = rng.normal(size=(h, 4)), rng.normal(size=4)
    data = {"kind": "mlp", "features": list(FEATURES), "classes": list(STANCES),
            "hidden": [{"weights": w1.tolist(), "bias": b1.tolist()}], "coef": w2.T.tolist(),
            "intercept": b2.tolist(), "mean": [0.5] * n, "scale": [2.0] * n}
    monkeypatch.setattr(stance, "load_yaml", lambda name: data)
    m = StanceModel.load("mlp.yaml")
    assert m.kind == "mlp"
    X = rng.normal(size=(3, n)).astype(np.float32)
    z = np.maximum(((X - 0.5) / 2.0) @ w1 + b1, 0) @ w2 + b2
    want = np.exp(z - z.max(axis=1, keepdims=True))
    want /= want.sum(axis=1, keepdims=True)
    assert np.allclose(m.predict_proba(X), want, atol=1e-4)


def test_unknown_kind_or_feature_is_refused(monkeypatch):
    data = {"kind": "forest", "features": list(FEATURES), "classes": list(STANCES), "coef": [], "intercept": [],
            "mean": [], "scale": []}
    monkeypatch.setattr(stance, "load_yaml", lambda name: data)
    with pytest.raises(ValueError):
        StanceModel.load("x.yaml")
    data.update(kind="logistic", features=["no_such_feature"])
    with pytest.raises(ValueError):
        StanceModel.load("x.yaml")


def test_features_match_the_names():
    sents = ["The mayor said 300 people were evacuated.", "Officials denied it was a hoax."]
    vecs = np.eye(2, 4, dtype=np.float32)
    f = stance.stance_features("Mayor evacuated 300 people?", np.array([1, 0, 0, 0], np.float32), sents, vecs)
    assert f.shape == (len(FEATURES),) and np.isfinite(f).all()
    got = dict(zip(FEATURES, f))
    assert got["numbers_agree"] == 1.0 and got["numbers_missing"] == 0.0
    assert got["top1_overlap"] == 1.0 and got["q_head"] == 1.0


def _stumps() -> stance.Trees:
    """Two depth-1 trees on max_sim: the 'unrelated' score rises up to 0.5, the 'agree' score above it."""
    f = FEATURES.index("max_sim")
    inf = np.inf
    # nodes 0-2: tree of class 0 (unrelated); nodes 3-5: tree of class 2 (agree); leaves point to themselves
    return stance.Trees(feature=np.array([f, 0, 0, f, 0, 0]), threshold=np.array([0.5, inf, inf, 0.5, inf, inf]),
                        left=np.array([1, 1, 2, 4, 4, 5]), right=np.array([2, 1, 2, 5, 4, 5]),
                        value=np.array([0.0, 2.0, -1.0, 0.0, -1.0, 2.0]), roots=np.array([0, 3]),
                        klass=np.array([0, 2]), base=np.zeros(4), depth=1)


def test_trees_walk_each_row_to_its_leaf_and_survive_the_file(monkeypatch):
    X = np.zeros((3, len(FEATURES)), np.float32)
    X[:, FEATURES.index("max_sim")] = [0.1, 0.5, 0.9]  # a value equal to the threshold goes left
    trees = _stumps()
    assert np.allclose(trees.scores(X), [[2, 0, -1, 0], [2, 0, -1, 0], [-1, 0, 2, 0]])
    data = {"kind": "trees", "features": list(FEATURES), "classes": list(STANCES), "trees": trees.to_dict()}
    monkeypatch.setattr(stance, "load_yaml", lambda name: data)
    m = StanceModel.load("trees.yaml")
    assert m.kind == "trees"
    assert m.predict(X) == ["unrelated", "unrelated", "agree"]
    assert np.allclose(m.predict_proba(X).sum(axis=1), 1.0)


def test_polarity_features_read_the_framing_of_the_claim_words():
    claim = "Spider burrowed into tourist's stomach"
    sents = ["Scientists cast doubt on claims that a spider burrowed into his stomach.",
             "The spider did not burrow under his skin, a doctor said.",
             "He flew home on Monday."]
    vecs = np.eye(3, 4, dtype=np.float32)
    f = dict(zip(FEATURES, stance.stance_features(claim, np.array([0.9, 0.5, 0.1, 0], np.float32), sents, vecs)))
    assert f["report_top1"] == 1.0  # "claims" frames the closest sentence
    assert f["doubt_top3"] == 1.0 and f["doubt_all"] == 1.0
    assert f["neg_by_claim_word"] == 1.0  # "not" two words from "spider"
    assert f["best_position"] == 0.0 and f["report_frac"] == pytest.approx(2 / 3)
    assert f["deny_sim_max"] == 0.0  # no deny word in any sentence


def test_shipped_model_on_real_text():
    claim = "Apple to ban sales of iPhones in China"
    same = ("Apple will stop selling iPhones in China from next month, the company said on Tuesday. "
            "The ban on iPhone sales follows a dispute with regulators in Beijing.")
    other = ("A brown bear was seen walking through a supermarket car park in a small Alaskan town. "
             "Wildlife officers said the animal left on its own after an hour.")
    got = [stance.classify_claim_stance(claim, body) for body in (same, other)]
    assert got[0] != "unrelated" and got[1] == "unrelated"
