"""Train the learned content chooser on PolNeAR train: writes src/newstrace/resources/content_model.json.

usage: python benchmarks/train_content.py [--split train] [--cache train.pkl] [--lam 0.5 1 2]

For every content the rules find (extract_statements with PolNeAR's whole-quotation convention),
extract/content_model.py proposes candidates: for one span, boundaries with or without a leading "But",
"that", an intro before a comma, the object before a complement, the root's leading dependents, a
shorter constituent running to the end; cut at a last comma, a trailing modifier or a later dependent,
or run to the sentence end; with the cue's subject as a first piece or the quote after the cue as a
last one.  For a direct quote joined to the quote after its cue: the pair or the first quote alone.
A candidate is labelled 1 when its word tokens equal a gold Content span of the document.  A listwise
model (a softmax over each content's candidates, L2-penalised, fitted with L-BFGS) is trained on the
contents where some candidate is right, its penalty tuned by document-grouped cross-validation
(chosen-candidate accuracy); the non-zero weights are written as JSON.  About 4 minutes from a cache.
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
                cands = content_model.content_candidates(parsed_, tree, cue, content, qtype, lemma)
                if len(cands) > 1:
                    labels = [int(words(parsed_.text, spans) in gold) for spans, _ in cands]
                    out.append((d, [f for _, f in cands], labels))
                return content

            content_model.choose_content = record
            extract_statements(parsed, stand_in_mentions(parsed), split_quotes=False)
    finally:
        content_model.choose_content = original
    return out


def vectorize(groups, vocab: dict[str, int] | None = None):
    """Sparse candidate-by-feature matrix, each candidate's group and label; the vocabulary of `groups`."""
    from scipy import sparse

    if vocab is None:
        names = sorted({k for _, cands, labels in groups if any(labels) for f in cands for k in f})
        vocab = {k: j for j, k in enumerate(names)}
    rows, cols, gid, y = [], [], [], []
    for g, (_, cands, labels) in enumerate(groups):
        for f, lab in zip(cands, labels):
            js = {vocab[k] for k in f if k in vocab}
            rows.extend([len(y)] * len(js))
            cols.extend(js)
            gid.append(g)
            y.append(lab)
    X = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(y), len(vocab)))
    return X, np.array(gid, dtype=np.int64), np.array(y, dtype=float), vocab


def fit(groups, lam: float):
    """Weights maximising each right candidate's share of its span's softmax, minus lam * |w|^2."""
    from scipy.optimize import minimize

    groups = [g for g in groups if any(g[2])]
    X, gid, y, vocab = vectorize(groups)
    n = len(groups)
    XT = X.T.tocsr()

    def loss(w):
        s = X @ w
        top = np.full(n, -np.inf)
        np.maximum.at(top, gid, s)
        e = np.exp(s - top[gid])
        z, zr = np.bincount(gid, e, n), np.bincount(gid, e * y, n)
        grad = XT @ (e / z[gid] - e * y / zr[gid]) + 2 * lam * w
        return float(np.sum(np.log(z) - np.log(zr)) + lam * w @ w), grad

    w = minimize(loss, np.zeros(len(vocab)), jac=True, method="L-BFGS-B", options={"maxiter": 500}).x
    return {k: float(w[j]) for k, j in vocab.items()}, 0.0


def accuracy(groups, weights: dict, intercept: float) -> tuple[int, int]:
    """Spans whose chosen candidate is right, and spans where the first (rule) candidate is right."""
    chosen = first = 0
    for _, cands, labels in groups:
        scores = [intercept + sum(weights.get(k, 0.0) for k in set(f)) for f in cands]
        chosen += labels[int(np.argmax(scores))]
        first += labels[0]
    return chosen, first


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="train")
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--lam", type=float, nargs="+", default=[0.5, 1.0, 2.0], help="L2 penalties to try")
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
    for lam in args.lam:
        right = 0
        for k in range(args.folds):
            test = [g for g, d in zip(groups, docs) if d % args.folds == k]
            train = [g for g, d in zip(groups, docs) if d % args.folds != k]
            w, b = fit(train, lam)
            right += accuracy(test, w, b)[0]
        print(f"lam={lam}: cross-validated chosen-span right on {right}")
        if best is None or right > best[1]:
            best = (lam, right)
    lam = best[0]
    w, b = fit(groups, lam)
    weights = {k: round(v, 4) for k, v in w.items() if abs(v) >= 1e-3}
    model = {"about": "learned content chooser; benchmarks/train_content.py on PolNeAR " + args.split,
             "lam": lam, "cv_right": best[1], "spans": len(groups), "intercept": round(b, 4), "weights": weights}
    with open(args.output, "w", encoding="utf-8") as f:
        json.dump(model, f, sort_keys=True, separators=(",", ":"))
    print(f"wrote {args.output}: {len(weights)} weights, lam={lam} ({time.time() - t0:.0f}s total)")


if __name__ == "__main__":
    main()
