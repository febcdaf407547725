"""Train the learned content chooser on PolNeAR train: writes src/newstrace/resources/content_model.json.

usage: python benchmarks/train_content.py [--split train] [--cache train.pkl] [--c 0.1 0.3 1]

For every content span the rules find (extract_statements with PolNeAR's whole-quotation convention),
extract/content_model.py proposes candidate boundaries (with or without a leading "But", "that", an
intro before a comma, the object before a complement; cut at a last comma or a trailing modifier, or
run to the sentence end).  A candidate is labelled 1 when its word tokens equal a gold Content span of
the document.  A logistic regression over the candidate features is fitted on the spans where some
candidate is right and tuned by document-grouped cross-validation (chosen-span accuracy); the
non-zero weights are written as JSON.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import re
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
POLNEAR = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data", "polnear"))
OUT = os.path.normpath(os.path.join(HERE, "..", "src", "newstrace", "resources", "content_model.json"))
WORD = re.compile(r"\w+")


def words(text: str, spans) -> frozenset[int]:
    """Start offsets of the word tokens in `spans` (the PolNeAR scorer's unit of comparison)."""
    return frozenset(m.start() for s, e in spans for m in WORD.finditer(text, s, e))


def gold_contents(split: str, path: str, text: str) -> set[frozenset[int]]:
    stem = os.path.basename(path)[:-4]
    anns = sorted(glob.glob(os.path.join(POLNEAR, split, "attributions", stem + "_*.ann")))
    out = set()
    if not anns:
        return out
    for line in open(anns[0], encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if line.startswith("T") and len(parts) >= 2 and parts[1].startswith("Content "):
            out.add(words(text, [tuple(map(int, p.split())) for p in parts[1][8:].split(";")]))
    return out


def groups_of(split: str, data) -> list[tuple[int, list[list[str]], list[int]]]:
    """(document, candidate features, labels) for every content span the rules choose among."""
    from newstrace.extract import content_model
    from newstrace.extract.statements import extract_statements

    sys.path.insert(0, HERE)
    from polnear import stand_in_mentions

    out: list[tuple[int, list[list[str]], list[int]]] = []
    original = content_model.choose_content
    try:
        for d, (path, parsed) in enumerate(data):
            gold = gold_contents(split, path, parsed.text)

            def record(parsed_, tree, cue, content, qtype, lemma, d=d, gold=gold):
                if len(content) == 1 and qtype in content_model.CHOOSE_TYPES:
                    cands = content_model.span_candidates(parsed_, tree, cue, content[0], qtype, lemma)
                    labels = [int(words(parsed_.text, [span]) in gold) for span, _ in cands]
                    out.append((d, [f for _, f in cands], labels))
                return content

            content_model.choose_content = record
            extract_statements(parsed, stand_in_mentions(parsed), split_quotes=False)
    finally:
        content_model.choose_content = original
    return out


def fit(groups, c: float):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = [(f, y) for _, cands, labels in groups if any(labels) for f, y in zip(cands, labels)]
    vec = DictVectorizer()
    X = vec.fit_transform([{k: 1 for k in f} for f, _ in rows]).tocsr()
    X.indices = X.indices.astype(np.int32)
    X.indptr = X.indptr.astype(np.int32)
    y = np.array([lab for _, lab in rows])
    clf = LogisticRegression(C=c, max_iter=3000, solver="liblinear").fit(X, y)
    return {str(n): float(w) for n, w in zip(vec.get_feature_names_out(), clf.coef_[0])}, float(clf.intercept_[0])


def accuracy(groups, weights: dict, intercept: float) -> tuple[int, int]:
    """Spans whose chosen candidate is right, and spans where the first (rule) candidate is right."""
    chosen = first = 0
    for _, cands, labels in groups:
        scores = [intercept + sum(weights.get(k, 0.0) for k in f) for f in cands]
        chosen += labels[int(np.argmax(scores))]
        first += labels[0]
    return chosen, first


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="train")
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--c", type=float, nargs="+", default=[0.1, 0.3, 1.0])
    ap.add_argument("--cache", default=None, help="pickle of [(path, ParsedReport)] to skip parsing")
    ap.add_argument("--output", default=OUT)
    args = ap.parse_args()
    t0 = time.time()
    from train_attribution import parsed_split  # one parse (and cache format) for both trainers

    data = parsed_split(args.split, args.cache)
    groups = groups_of(args.split, data)
    reach = sum(1 for _, _, labels in groups if any(labels))
    print(f"{len(groups)} content spans, rule right on {sum(g[2][0] for g in groups)}, "
          f"some candidate right on {reach} ({time.time() - t0:.0f}s)")
    docs = np.array([g[0] for g in groups])
    best = None
    for c in args.c:
        right = 0
        for k in range(args.folds):
            test = [g for g, d in zip(groups, docs) if d % args.folds == k]
            train = [g for g, d in zip(groups, docs) if d % args.folds != k]
            w, b = fit(train, c)
            right += accuracy(test, w, b)[0]
        print(f"C={c}: cross-validated chosen-span right on {right}")
        if best is None or right > best[1]:
            best = (c, right)
    c = best[0]
    w, b = fit(groups, c)
    weights = {k: round(v, 4) for k, v in w.items() if abs(v) >= 1e-3}
    model = {"about": "learned content chooser; benchmarks/train_content.py on PolNeAR " + args.split,
             "C": c, "cv_right": best[1], "spans": len(groups), "intercept": round(b, 4), "weights": weights}
    with open(args.output, "w", encoding="utf-8") as f:
        json.dump(model, f, sort_keys=True, separators=(",", ":"))
    print(f"wrote {args.output}: {len(weights)} weights, C={c} ({time.time() - t0:.0f}s total)")


if __name__ == "__main__":
    main()
