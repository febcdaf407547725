"""Fit the 'same proposition' model (resolve/agreement.py) on MRPC train and check it on a held-out part.

usage: python benchmarks/train_agreement.py [--data ../shared/data/mrpc/msr_paraphrase_train.txt]
                                            [--precision 0.9] [--seed 13] [--save]

The 4,076 pairs are split by a seeded shuffle: 80% to fit, 20% held out.  The threshold is the
lowest probability at which out-of-fold predictions on the fitting part (5 folds) reach the
target precision for 'same meaning'; the held-out part is scored once, at that threshold.
`--save` writes resources/agreement_weights.yaml.  Last line: the held-out precision and recall.
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newstrace.resolve.agreement import FEATURES, WEIGHTS_FILE, pair_features, read_text  # noqa: E402

PUBLISHED = "published (GLUE test, paraphrase F1): BERT-base 88.9"


def read_pairs(path: Path) -> list[tuple[str, str, int]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(rows)
        return [(r[3], r[4], int(r[0])) for r in rows if len(r) >= 5]


def features(pairs: list[tuple[str, str, int]]) -> tuple[np.ndarray, np.ndarray]:
    X = np.stack([pair_features(read_text(a), read_text(b)) for a, b, _ in pairs])
    return X, np.asarray([y for _, _, y in pairs])


def threshold_for(prob: np.ndarray, gold: np.ndarray, precision: float) -> float:
    """The lowest threshold whose predictions reach `precision` (ties kept together)."""
    order = np.argsort(-prob)
    hits = np.cumsum(gold[order])
    prec = hits / np.arange(1, len(order) + 1)
    ok = [k for k in range(len(order)) if prec[k] >= precision and (k + 1 == len(order) or prob[order[k + 1]] < prob[order[k]])]
    return float(prob[order[ok[-1]]]) if ok else 1.0


def scores(prob: np.ndarray, gold: np.ndarray, threshold: float) -> tuple[float, float, float, float]:
    pred = prob >= threshold
    tp = int((pred & (gold == 1)).sum())
    p = tp / max(1, int(pred.sum()))
    r = tp / max(1, int((gold == 1).sum()))
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f1, float((pred == (gold == 1)).mean())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "mrpc" / "msr_paraphrase_train.txt"))
    ap.add_argument("--precision", type=float, default=0.9, help="target precision of 'same' (default 0.9)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--save", action="store_true")
    a = ap.parse_args(argv)
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict

    pairs = read_pairs(Path(a.data))
    random.Random(a.seed).shuffle(pairs)
    cut = len(pairs) * 4 // 5
    Xtr, ytr = features(pairs[:cut])
    Xte, yte = features(pairs[cut:])
    mean, scale = Xtr.mean(axis=0), Xtr.std(axis=0) + 1e-9
    lr = LogisticRegression(max_iter=5000, C=1.0)
    oof = cross_val_predict(lr, (Xtr - mean) / scale, ytr, cv=5, method="predict_proba")[:, 1]
    threshold = threshold_for(oof, ytr, a.precision)
    lr.fit((Xtr - mean) / scale, ytr)
    prob = lr.predict_proba((Xte - mean) / scale)[:, 1]
    print(f"pairs: {len(pairs)} ({cut} fitted, {len(pairs) - cut} held out); positives {ytr.mean():.2f}")
    p, r, f1, acc = scores(prob, yte, 0.5)
    print(f"held-out at 0.5: accuracy {acc:.3f}, paraphrase F1 {100 * f1:.1f} (P {p:.3f} R {r:.3f}); {PUBLISHED}")
    if a.save:
        import yaml

        from newstrace.resources import resource_path

        data = {"note": f"fitted by benchmarks/train_agreement.py on {cut} MRPC train pairs, seed {a.seed}; "
                        f"threshold: out-of-fold precision >= {a.precision}",
                "features": list(FEATURES), "coef": np.round(lr.coef_[0], 6).tolist(),
                "intercept": round(float(lr.intercept_[0]), 6), "mean": np.round(mean, 6).tolist(),
                "scale": np.round(scale, 6).tolist(), "threshold": round(threshold, 4)}
        path = resource_path(WEIGHTS_FILE)
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump(data, f, sort_keys=False)
        print("weights written to", path)
    p, r, f1, acc = scores(prob, yte, threshold)
    print(f"held-out at threshold {threshold:.3f} (out-of-fold precision >= {a.precision}): precision {p:.3f} recall {r:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
