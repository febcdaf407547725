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
