"""FNC-1 stance benchmark: fit the claim-stance model on train bodies, score a held-out fold of bodies.

usage: python benchmarks/fnc1.py [--data ../shared/data/fnc1] [--pairs 0] [--save]
                                 [--model trees|mlp|logistic] [--rounds 300] [--depth 6] [--rate 0.1]
                                 [--balance 1] [--hidden 64] [--alpha 0.001]
                                 [--enc-cache /tmp/fnc/enc.npz] [--cache FEATURES.npz]
       python benchmarks/fnc1.py --test-bodies BODIES.csv --test-stances STANCES.csv

With --test-bodies and --test-stances it fits nothing: the shipped weights
(resources/claim_stance_weights.yaml) score every pair of that split (FNC-1's CSV layout), so the
same command scores the held-out competition test split.  Either way the last line is
`relative FNC score N%`.

The held-out fold is 20% of Body IDs (seeded), so no body is seen in training (headlines are
shared between the two sides: FNC-1 pairs each headline with many bodies).  All 49,972 pairs are
used by default (40,075 fitted, 9,897 held out); `--pairs N` subsamples N (seeded), as the
earlier default of 12,000 did.  `--save` writes the fitted weights to
src/newstrace/resources/claim_stance_weights.yaml and scores the written (rounded) file again.

The model is gradient-boosted trees by default (sklearn's HistGradientBoostingClassifier, 300
rounds of depth <= 6 trees, one per class, class-balanced sample weights), converted to the
node arrays that StanceModel walks in numpy at run time (checked against sklearn's own
probabilities).  `--model mlp` fits the earlier one-hidden-layer ReLU MLP and `--model logistic`
the class-balanced logistic regression; both are also evaluated in numpy.  `--enc-cache` keeps
every sentence vector in an npz file so that later runs (new features, other fits) skip the
encoding; `--cache` keeps the feature matrix itself (stale once the features change).
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newstrace.resolve.stance import STANCES, StanceModel, Trees, features_for  # noqa: E402

PUBLISHED = {"competition winner (relative FNC score)": 82.02, "fine-tuned RoBERTa (relative FNC score)": 90.01}


def read_data(folder: Path) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    return read_split(folder / "train_bodies.csv", folder / "train_stances.csv")


def read_split(bodies_csv: Path, stances_csv: Path) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Bodies by id and (headline, body id, stance) pairs of one FNC-1 split."""
    csv.field_size_limit(10**8)
    with open(bodies_csv, encoding="utf-8", newline="") as f:
        bodies = {row["Body ID"]: row["articleBody"] for row in csv.DictReader(f)}
    with open(stances_csv, encoding="utf-8", newline="") as f:
        pairs = [(r["Headline"], r["Body ID"], r["Stance"]) for r in csv.DictReader(f)]
    return bodies, pairs


def score_split(bodies_csv: Path, stances_csv: Path) -> int:
    """Apply the shipped weights to every pair of a split; nothing is fitted."""
    t0 = time.time()
    bodies, pairs = read_split(bodies_csv, stances_csv)
    missing = sorted({b for _, b, _ in pairs if b not in bodies})
    if missing:
        sys.exit(f"{stances_csv}: {len(missing)} Body IDs not in {bodies_csv} (first: {missing[0]})")
    model = StanceModel.load()
    pred = model.predict(features_for([h for h, _, _ in pairs], [bodies[b] for _, b, _ in pairs]))
    gold = [s for _, _, s in pairs]
    mf1, per = macro_f1(gold, pred)
    print(f"pairs: {len(pairs)} ({len(set(b for _, b, _ in pairs))} bodies), shipped weights, nothing fitted")
    print(f"macro-F1: {mf1:.2f}%; per-class F1: " + ", ".join(f"{c} {100 * v:.1f}" for c, v in per.items()))
    print("published (full FNC-1 test set): competition winner 82.02% FNC; fine-tuned RoBERTa 90.01% FNC")
    print(f"runtime: {time.time() - t0:.0f}s")
    print(f"relative FNC score {fnc_score(gold, pred):.2f}%")
    return 0


def fnc_score(gold: list[str], pred: list[str]) -> float:
    """Relative FNC score: 0.25 per right related/unrelated call, +0.75 per right related label."""
    def raw(g: list[str], p: list[str]) -> float:
        s = 0.0
        for a, b in zip(g, p):
            if (a == "unrelated") == (b == "unrelated"):
                s += 0.25
            if a != "unrelated" and a == b:
                s += 0.75
        return s
    return 100.0 * raw(gold, pred) / raw(gold, gold)


def macro_f1(gold: list[str], pred: list[str]) -> tuple[float, dict[str, float]]:
    per = {}
    for c in STANCES:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        fp = sum(g != c and p == c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        pr = tp / (tp + fp) if tp + fp else 0.0
        rc = tp / (tp + fn) if tp + fn else 0.0
        per[c] = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
    return 100.0 * sum(per.values()) / len(per), per


class CachedEncoder:
    """The default encoder, remembering every text's vector in an npz file between runs (experiments)."""

    def __init__(self, path: Path) -> None:
        from newstrace.resolve.embeddings import default_encoder

        self.path, self.enc, self.vecs = path, default_encoder(), {}
        if path.exists():
            z = np.load(path, allow_pickle=False)
            self.vecs = dict(zip(z["texts"].tolist(), z["vecs"]))

    def __call__(self, texts):
        new = list(dict.fromkeys(t for t in texts if t not in self.vecs))
        if new:
            self.vecs.update(zip(new, self.enc(new)))
            self.path.parent.mkdir(parents=True, exist_ok=True)
            keys = list(self.vecs)
            np.savez(self.path, texts=np.asarray(keys), vecs=np.stack([self.vecs[k] for k in keys]))
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self.vecs[t] for t in texts])


def class_weights(y: list[str]) -> np.ndarray:
    """'balanced' weights (n / (k * n_class)) per sample, as sklearn's class_weight='balanced'."""
    classes, counts = np.unique(y, return_counts=True)
    per = dict(zip(classes, len(y) / (len(classes) * counts)))
    return np.asarray([per[c] for c in y])


def trees_from_sklearn(gb) -> Trees:
    """A fitted HistGradientBoostingClassifier's trees as a Trees (classes in STANCES order).

    Reads the estimator's `_predictors` node records (sklearn 1.x; private, so checked against its own
    predict_proba by the caller): left when the value <= num_threshold; leaf values include the rate."""
    feature, threshold, left, right, value, roots, klass = [], [], [], [], [], [], []
    cls = [STANCES.index(c) for c in gb.classes_]
    depth = 0
    for per_class in gb._predictors:
        for k, tree in enumerate(per_class):
            nodes, at = tree.nodes, len(feature)
            if nodes["is_categorical"].any():
                raise ValueError("categorical splits are not supported")
            leaf = nodes["is_leaf"].astype(bool)
            own = np.arange(len(nodes)) + at
            feature += np.where(leaf, 0, nodes["feature_idx"]).tolist()
            threshold += np.where(leaf, np.inf, nodes["num_threshold"]).tolist()
            left += np.where(leaf, own, nodes["left"].astype(np.int64) + at).tolist()
            right += np.where(leaf, own, nodes["right"].astype(np.int64) + at).tolist()
            value += np.where(leaf, nodes["value"], 0.0).tolist()
            roots.append(at)
            klass.append(cls[k])
            depth = max(depth, int(nodes["depth"].max()))
    base = np.zeros(len(STANCES))
    base[cls] = np.ravel(gb._baseline_prediction)
    return Trees(np.asarray(feature), np.asarray(threshold), np.asarray(left), np.asarray(right),
                 np.asarray(value), np.asarray(roots), np.asarray(klass), base, depth)


def fit_trees(X: np.ndarray, y: list[str], rounds: int = 300, depth: int = 6, rate: float = 0.1,
              balance: float = 1.0, seed: int = 13) -> StanceModel:
    """Gradient-boosted trees (sklearn's HistGradientBoostingClassifier) on the raw features; sample
    weights are the balanced class weights to the power `balance` (0: none, 1: fully balanced)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    gb = HistGradientBoostingClassifier(max_iter=rounds, max_depth=depth, learning_rate=rate,
                                        early_stopping=False, random_state=seed)
    gb.fit(X, y, sample_weight=class_weights(y) ** balance)
    model = StanceModel(*(np.zeros(0, np.float32),) * 4, trees=trees_from_sklearn(gb))
    check = X[:: max(1, len(X) // 2000)]
    want = gb.predict_proba(check)[:, [list(gb.classes_).index(c) for c in STANCES]]
    if not np.allclose(model.predict_proba(check), want, atol=1e-4):
        raise RuntimeError("the numpy trees disagree with sklearn's predict_proba")
    return model


def fit(X: np.ndarray, y: list[str], kind: str = "mlp", hidden: int = 64, alpha: float = 1e-3,
        seed: int = 13) -> StanceModel:
    """A logistic regression or a one-hidden-layer ReLU MLP, class-balanced, on standardised features."""
    mean, scale = X.mean(axis=0), X.std(axis=0) + 1e-6
    Z = (X - mean) / scale
    if kind == "logistic":
        from sklearn.linear_model import LogisticRegression

        lr = LogisticRegression(max_iter=2000, C=1.0, class_weight="balanced")
        lr.fit(Z, y)
        order = [list(lr.classes_).index(c) for c in STANCES]
        return StanceModel(lr.coef_[order].astype(np.float32), lr.intercept_[order].astype(np.float32), mean, scale)
    from sklearn.neural_network import MLPClassifier

    mlp = MLPClassifier(hidden_layer_sizes=(hidden,), activation="relu", alpha=alpha, max_iter=400,
                        early_stopping=False, random_state=seed)
    mlp.fit(Z, y, sample_weight=class_weights(y))
    order = [list(mlp.classes_).index(c) for c in STANCES]
    w_out, b_out = mlp.coefs_[-1], mlp.intercepts_[-1]
    return StanceModel(w_out.T[order].astype(np.float32), b_out[order].astype(np.float32), mean, scale,
                       hidden=[(w, b) for w, b in zip(mlp.coefs_[:-1], mlp.intercepts_[:-1])])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "fnc1"))
    ap.add_argument("--pairs", type=int, default=0, help="pairs sampled (0: all 49,972)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--save", action="store_true")
    ap.add_argument("--cache", default="", help="npz file to keep the features between runs")
    ap.add_argument("--model", choices=("trees", "mlp", "logistic"), default="trees")
    ap.add_argument("--rounds", type=int, default=300, help="boosting rounds of the trees")
    ap.add_argument("--depth", type=int, default=6, help="depth limit of each tree")
    ap.add_argument("--rate", type=float, default=0.1, help="learning rate of the trees")
    ap.add_argument("--balance", type=float, default=1.0,
                    help="trees: power of the balanced class weights (1 balanced, 0 none)")
    ap.add_argument("--hidden", type=int, default=64, help="hidden units of the MLP")
    ap.add_argument("--alpha", type=float, default=1e-3, help="L2 penalty of the MLP")
    ap.add_argument("--enc-cache", default="", help="npz file keeping the sentence vectors between runs")
    ap.add_argument("--test-bodies", type=Path, help="bodies CSV of a split to score with the shipped weights")
    ap.add_argument("--test-stances", type=Path, help="stances CSV of that split")
    a = ap.parse_args(argv)
    if a.test_bodies or a.test_stances:
        if not (a.test_bodies and a.test_stances):
            ap.error("--test-bodies and --test-stances go together")
        return score_split(a.test_bodies, a.test_stances)
    t0 = time.time()
    bodies, pairs = read_data(Path(a.data))
    rng = random.Random(a.seed)
    ids = sorted(bodies)
    rng.shuffle(ids)
    held = set(ids[: len(ids) // 5])
    if a.pairs:
        pairs = rng.sample(pairs, min(a.pairs, len(pairs)))
    train = [p for p in pairs if p[1] not in held]
    test = [p for p in pairs if p[1] in held]
    cache = Path(a.cache) if a.cache else None
    if cache and cache.exists():
        X = np.load(cache)["X"]
    else:
        enc = CachedEncoder(Path(a.enc_cache)) if a.enc_cache else None
        X = features_for([h for h, _, _ in pairs], [bodies[b] for _, b, _ in pairs], enc)
        if cache:
            np.savez(cache, X=X)
    idx = {id(p): i for i, p in enumerate(pairs)}
    Xtr = X[[idx[id(p)] for p in train]]
    Xte = X[[idx[id(p)] for p in test]]
    ytr = [s for _, _, s in train]
    if a.model == "trees":
        model = fit_trees(Xtr, ytr, a.rounds, a.depth, a.rate, a.balance, a.seed)
    else:
        model = fit(Xtr, ytr, a.model, a.hidden, a.alpha, a.seed)
    gold = [s for _, _, s in test]
    pred = model.predict(Xte)
    rel = fnc_score(gold, pred)
    mf1, per = macro_f1(gold, pred)
    print(f"pairs: {len(pairs)} {'sampled' if a.pairs else 'used'} ({len(train)} train, {len(test)} held-out "
          f"from {len(held)} held-out bodies)")
    print(f"held-out macro-F1: {mf1:.2f}%")
    print("per-class F1: " + ", ".join(f"{c} {100 * v:.1f}" for c, v in per.items()))
    print("published (full FNC-1 test set): competition winner 82.02% FNC; fine-tuned RoBERTa 90.01% FNC")
    if a.save:
        print("weights written to", model.save(note=f"fitted by benchmarks/fnc1.py on {len(train)} FNC-1 train pairs, seed {a.seed}"))
        shipped = StanceModel.load().predict(Xte)
        print(f"shipped (rounded) weights: held-out relative FNC score {fnc_score(gold, shipped):.2f}%")
    print(f"runtime: {time.time() - t0:.0f}s")
    print(f"held-out relative FNC score {rel:.2f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
