"""Train the event-mention pair model (resolve/event_pairs.py) on ECB+ train topics only.

usage: python benchmarks/train_event_pairs.py [--data ../shared/data/ecbplus] [--cache /tmp/ecb_cache]
                                              [--folds 5] [--seed 13] [--save]

Mentions are the gold event mentions of the annotated sentences; pairs are every two mentions of
one topic (the block benchmarks/ecbplus.py clusters in; whether their documents fall in one
tf-idf document cluster, resolve/event_pairs.cluster_documents_by_names, is a feature), the label is whether gold puts them in one cluster.  Logistic
regression (scikit-learn, L2) over the standardised base features and their pairwise products
(`MODEL_FEATURES`).  The merge threshold of average-link clustering is chosen
by cross-validation over train topics (topics split into --folds seeded folds; each fold clustered
with a model fitted on the others; CoNLL F1 of all held-out mentions together), never on dev.  The
final model is fitted on all train topics; --save writes src/newstrace/resources/event_pairs.json.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ecbplus import (DEFAULT_CACHE, DEFAULT_DATA, ROOT, TRAIN, CachedEncoder, conll,  # noqa: E402
                     document_name_tokens, event_mentions, parse_topics)

from newstrace.resolve.event_pairs import (BASE_FEATURES, EventPairModel, cluster_documents_by_names,  # noqa: E402
                                           cluster_event_mentions, encode_mentions, expand_features,
                                           pair_features)

MODEL_FEATURES: tuple[str, ...] = BASE_FEATURES + tuple(
    f"{a}*{b}" for k, a in enumerate(BASE_FEATURES) for b in BASE_FEATURES[k + 1:])
THRESHOLDS = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55)
OUT = ROOT / "src" / "newstrace" / "resources" / "event_pairs.json"


def topic_data(topics, data, cache, enc):
    """Per topic: mentions, their vectors, gold labels, and the table of all pairs in the topic."""
    parsed = parse_topics(data, list(topics), cache)
    out = {}
    for topic in topics:
        docs = parsed[topic]
        blocks = cluster_documents_by_names(document_name_tokens(data, topic, docs))
        items = event_mentions(topic, docs, blocks)
        gold = {d.name: d.gold for d in docs}
        labels = [gold[m.doc].get(m.key[2], f"single:{m.doc}:{m.key[2]}") for m in items]
        vecs = encode_mentions(items, enc)
        i, j = np.triu_indices(len(items), k=1)
        x = pair_features(items, vecs, i, j)
        y = np.array([labels[a] == labels[b] for a, b in zip(i, j)], dtype=np.int64)
        out[topic] = {"items": items, "vecs": vecs, "labels": labels, "x": x, "y": y}
    return out


def fit(x: np.ndarray, y: np.ndarray, seed: int, c: float) -> EventPairModel:
    from sklearn.linear_model import LogisticRegression

    z = expand_features(x, MODEL_FEATURES)
    mean, scale = z.mean(axis=0), z.std(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=c, max_iter=2000, random_state=seed)
    lr.fit((z - mean) / scale, y)
    return EventPairModel(MODEL_FEATURES, mean, scale, lr.coef_[0].astype(np.float64), float(lr.intercept_[0]), 0.5)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(DEFAULT_DATA))
    ap.add_argument("--cache", default=str(DEFAULT_CACHE))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--c", type=float, default=1.0, help="inverse L2 strength")
    ap.add_argument("--save", action="store_true")
    a = ap.parse_args(argv)
    t0 = time.time()
    enc = CachedEncoder(Path(a.cache) if a.cache else None)
    td = topic_data(TRAIN, Path(a.data), Path(a.cache) if a.cache else None, enc)
    enc.save()
    n_m = sum(len(v["items"]) for v in td.values())
    n_p = sum(len(v["y"]) for v in td.values())
    n_pos = int(sum(v["y"].sum() for v in td.values()))
    print(f"train topics {len(td)}: {n_m} mentions, {n_p} pairs within topics ({n_pos} coreferent)"
          f" [{time.time() - t0:.0f}s]")
    rng = np.random.default_rng(a.seed)
    order = list(rng.permutation(list(TRAIN)))
    folds = [sorted(int(t) for t in order[k::a.folds]) for k in range(a.folds)]
    cv_resp: dict[float, dict] = {th: {} for th in THRESHOLDS}
    key = {m.key: lab for t in TRAIN for m, lab in zip(td[t]["items"], td[t]["labels"])}
    for k, held in enumerate(folds):
        rest = [t for t in TRAIN if t not in held]
        model = fit(np.vstack([td[t]["x"] for t in rest]), np.concatenate([td[t]["y"] for t in rest]), a.seed, a.c)
        for th in THRESHOLDS:
            for t in held:
                items = td[t]["items"]
                for m, c in zip(items, cluster_event_mentions(items, td[t]["vecs"], model, th)):
                    cv_resp[th][m.key] = f"{t}:{c}"
        print(f"fold {k + 1}/{a.folds} held out topics {held} [{time.time() - t0:.0f}s]")
    cv = {th: conll(key, cv_resp[th]) for th in THRESHOLDS}
    for th in THRESHOLDS:
        s = cv[th]
        print(f"CV threshold {th:.2f}: MUC {s['MUC']:.1f}  B3 {s['B3']:.1f}  CEAF-e {s['CEAF-e']:.1f}  "
              f"CoNLL F1 {s['CoNLL']:.1f}")
    best = max(THRESHOLDS, key=lambda th: (cv[th]["CoNLL"], -abs(th - 0.5)))
    print(f"chosen threshold {best:.2f}: train CV CoNLL F1 {cv[best]['CoNLL']:.1f}")
    model = fit(np.vstack([td[t]["x"] for t in TRAIN]), np.concatenate([td[t]["y"] for t in TRAIN]), a.seed, a.c)
    for name, w in zip(model.features, model.weights):
        print(f"  {name:28s} {w:+.3f}")
    if a.save:
        doc = {
            "about": "ECB+ event mention pair model (resolve/event_pairs.py); card in docs/claims.md",
            "trained_on": f"ECB+ train topics {','.join(map(str, TRAIN))}: {n_m} mentions, {n_p} pairs "
                          f"within topics, {n_pos} coreferent",
            "command": "python benchmarks/train_event_pairs.py --save",
            "date": dt.date.today().isoformat(),
            "seed": a.seed, "folds": a.folds, "c": a.c,
            "cv": {k: round(v, 1) for k, v in cv[best].items()},
            "features": list(model.features),
            "mean": [round(float(v), 6) for v in model.mean],
            "scale": [round(float(v), 6) for v in model.scale],
            "weights": [round(float(v), 6) for v in model.weights],
            "intercept": round(model.intercept, 6),
            "threshold": best,
        }
        OUT.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}")
    print(f"runtime: {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
