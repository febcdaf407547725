"""Train the learned cue detector on PolNeAR train: writes src/newstrace/resources/cue_model.json.

usage: python benchmarks/train_attribution.py [--split train] [--folds 4] [--c 0.3 1 3]

Each candidate token of the parse (see extract/cue_model.py) is labelled 1 when it heads a PolNeAR
Cue span (it lies in the span and its syntactic head does not).  A logistic regression over the
token features is tuned by document-grouped cross-validation (C and the decision threshold), then
refit on the whole split; the non-zero weights are written as JSON.  Parsing the 840 training texts
takes about 4 minutes on one core, fitting a few more.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import pickle
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
POLNEAR = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data", "polnear"))
OUT = os.path.normpath(os.path.join(HERE, "..", "src", "newstrace", "resources", "cue_model.json"))


def cue_spans(ann_path: str) -> list[list[tuple[int, int]]]:
    """Cue spans of one annotation file (each a list of pieces)."""
    out = []
    for line in open(ann_path, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if line.startswith("T") and len(parts) >= 2 and parts[1].startswith("Cue "):
            out.append([tuple(map(int, p.split())) for p in parts[1][4:].split(";")])
    return out


def cue_heads(parsed, spans: list[list[tuple[int, int]]]) -> set[int]:
    """Tokens inside a cue span whose head lies outside it."""
    heads = set()
    for pieces in spans:
        inside = {t.i for t in parsed.tokens for s, e in pieces if s <= t.start < e and not t.is_punct}
        for i in inside:
            if parsed.tokens[i].head not in inside or parsed.tokens[i].head == i:
                heads.add(i)
    return heads


def parsed_split(split: str, cache: str | None):
    if cache and os.path.exists(cache):
        with open(cache, "rb") as f:
            return pickle.load(f)
    from newstrace.extract.nlp import load_nlp, parse_reports

    paths = sorted(glob.glob(os.path.join(POLNEAR, split, "text", "*.txt")))
    texts = [open(p, encoding="utf-8").read() for p in paths]
    return list(zip(paths, parse_reports(load_nlp(), [(t, None) for t in texts])))


def examples(split: str, data) -> tuple[list[list[str]], list[int], list[int]]:
    from newstrace.extract.cue_model import is_candidate, token_features
    from newstrace.extract.cues import Tree

    X, y, groups = [], [], []
    for d, (path, parsed) in enumerate(data):
        stem = os.path.basename(path)[:-4]
        anns = sorted(glob.glob(os.path.join(POLNEAR, split, "attributions", stem + "_*.ann")))
        if not anns:
            continue
        heads = cue_heads(parsed, cue_spans(anns[0]))
        tree = Tree(parsed)
        for t in parsed.tokens:
            if is_candidate(parsed, t.i):
                X.append(token_features(parsed, tree.children, t.i))
                y.append(int(t.i in heads))
                groups.append(d)
    return X, y, groups


def best_threshold(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    best = (0.5, 0.0)
    for thr in np.arange(0.2, 0.8, 0.025):
        pred = p >= thr
        tp = float((pred & (y == 1)).sum())
        f1 = 2 * tp / (pred.sum() + (y == 1).sum()) if tp else 0.0
        if f1 > best[1]:
            best = (float(thr), f1)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="train")
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--c", type=float, nargs="+", default=[0.3, 1.0, 3.0])
    ap.add_argument("--min-count", type=int, default=3, help="drop features seen fewer times")
    ap.add_argument("--cache", default=None, help="pickle of [(path, ParsedReport)] to skip parsing")
    args = ap.parse_args()
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    t0 = time.time()
    data = parsed_split(args.split, args.cache)
    print(f"parsed {len(data)} texts in {time.time() - t0:.0f}s")
    X_feats, y_list, groups = examples(args.split, data)
    vec = DictVectorizer()
    X = vec.fit_transform([{f: 1 for f in fs} for fs in X_feats]).tocsc()
    keep = np.flatnonzero(np.asarray(X.sum(axis=0)).ravel() >= args.min_count)  # rare features only overfit
    X = X[:, keep].tocsr()
    X.indices = X.indices.astype(np.int32)
    X.indptr = X.indptr.astype(np.int32)
    y = np.array(y_list)
    print(f"{X.shape[0]} candidate tokens, {int(y.sum())} cue heads, {X.shape[1]} features")
    results = {}
    for c in args.c:
        probs = np.zeros(len(y))
        for tr, te in GroupKFold(n_splits=args.folds).split(X, y, groups):
            clf = LogisticRegression(C=c, max_iter=2000, solver="liblinear")
            clf.fit(X[tr], y[tr])
            probs[te] = clf.predict_proba(X[te])[:, 1]
        thr, f1 = best_threshold(y, probs)
        results[c] = (thr, f1)
        print(f"C={c}: cross-validated cue-head F1 {f1:.3f} at threshold {thr:.3f}")
    c = max(results, key=lambda k: results[k][1])
    clf = LogisticRegression(C=c, max_iter=2000, solver="liblinear").fit(X, y)
    names = vec.get_feature_names_out()[keep]
    weights = {str(n): round(float(w), 4) for n, w in zip(names, clf.coef_[0]) if abs(w) >= 1e-3}
    model = {"about": "learned cue-head detector; benchmarks/train_attribution.py on PolNeAR " + args.split,
             "C": c, "cv_f1": round(results[c][1], 4), "threshold": round(results[c][0], 3),
             "intercept": round(float(clf.intercept_[0]), 4), "weights": weights}
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(model, f, sort_keys=True, separators=(",", ":"))
    print(f"wrote {OUT}: {len(weights)} weights, C={c}, threshold {model['threshold']} "
          f"({time.time() - t0:.0f}s total)")


if __name__ == "__main__":
    main()
