"""Train the pronoun-resolution weights (resources/coref_weights.json) on GAP development rows.

usage: python benchmarks/train_coref.py [--tsv gap-development.tsv] [--write]

For each row, the people of its text (extract_mentions, plus A and B where the entity finder
missed them) are grouped into entities by `extract/coref.People`, and each entity that is A or B
gets the features `People.candidates` gives it for the row's pronoun, labelled by GAP's A-coref /
B-coref (other people are left out: GAP does not say whether they are meant).  A logistic
regression (scikit-learn, a few seconds on CPU) fits the weights; the decision threshold (below
it the pronoun stays unresolved) is chosen for GAP F1 on 5-fold cross-validated scores, and the
cross-validated F1 is printed.  --write stores weights, threshold and feature names as JSON.
"""
from __future__ import annotations

import argparse
import bisect
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from gap import GAP, read_rows, with_candidates  # noqa: E402


SPEAKER_WEIGHT = 1.0
GENDER_AGREE_WEIGHT = 1.5


def row_candidates(parsed, mentions, row):
    """(entity is A / B / other, features) for each candidate entity of the row's pronoun."""
    from newstrace.extract.coref import People

    mentions = with_candidates(parsed, mentions, row)
    people = People(parsed, mentions)
    tok = max(0, bisect.bisect_right(parsed.token_starts, int(row["Pronoun-offset"])) - 1)
    out = []
    for ent, f in people.candidates(tok):
        tag = None
        for key in ("A", "B"):
            a = int(row[f"{key}-offset"])
            b = a + len(row[key])
            if any(mentions[k].start < b and a < mentions[k].end for k in ent.mentions):
                tag = key
        out.append((tag, f))
    return out


def parses(rows, cache: str | None = None) -> list:
    """(parsed, mentions) per row, from `cache` (a pickle) when it exists."""
    import pickle

    if cache and os.path.exists(cache):
        with open(cache, "rb") as f:
            return pickle.load(f)
    from newstrace.extract.entities import extract_mentions
    from newstrace.extract.nlp import load_nlp, parse_reports

    out = [(p, extract_mentions(p)) for p in parse_reports(load_nlp(), [(r["Text"], None) for r in rows])]
    if cache:
        with open(cache, "wb") as f:
            pickle.dump(out, f)
    return out


def gap_f1(rows_cands, probs, threshold) -> float:
    tp = fp = fn = 0
    it = iter(probs)
    for row, cands in rows_cands:
        scored = [(next(it), tag) for tag, _f in cands]
        best = max(scored, default=(0.0, None))
        choice = best[1] if best[0] >= threshold else None
        for key in ("A", "B"):
            gold = row[f"{key}-coref"].upper() == "TRUE"
            sys_ = choice == key
            tp += gold and sys_
            fp += sys_ and not gold
            fn += gold and not sys_
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return 100 * 2 * p * r / (p + r) if p + r else 0.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tsv", default=os.path.join(GAP, "gap-development.tsv"))
    ap.add_argument("--write", action="store_true", help="write src/newstrace/resources/coref_weights.json")
    ap.add_argument("--C", type=float, default=1.0, help="inverse regularisation strength")
    ap.add_argument("--cache", help="pickle of the parses: read when present, else written (reruns)")
    args = ap.parse_args(argv)

    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    rows = read_rows(args.tsv)
    rows_cands = []
    for row, (parsed, mentions) in zip(rows, parses(rows, args.cache)):
        rows_cands.append((row, row_candidates(parsed, mentions, row)))
    names = sorted({k for _r, cands in rows_cands for _t, f in cands for k in f})
    X, y, groups = [], [], []
    for g, (row, cands) in enumerate(rows_cands):
        for tag, f in cands:
            if tag is None:
                continue
            X.append([f.get(k, 0.0) for k in names])
            y.append(int(row[f"{tag}-coref"].upper() == "TRUE"))
            groups.append(g)
    X, y = np.array(X), np.array(y)
    print(f"{len(rows)} rows, {len(y)} labelled candidates ({int(y.sum())} positive), {len(names)} features")

    def fit(Xs, ys):
        return LogisticRegression(C=args.C, max_iter=2000).fit(Xs, ys)

    # cross-validated scores for every candidate (labelled or not) to choose the threshold
    cv_probs = [None] * sum(len(c) for _r, c in rows_cands)
    flat = [(g, i, f) for g, (_r, cands) in enumerate(rows_cands) for i, (_t, f) in enumerate(cands)]
    offsets = []
    n = 0
    for _r, cands in rows_cands:
        offsets.append(n)
        n += len(cands)
    folds = GroupKFold(n_splits=5)
    row_ids = np.arange(len(rows_cands))
    for train_rows, test_rows in folds.split(row_ids, groups=row_ids):
        train_set = set(train_rows.tolist())
        mask = np.array([g in train_set for g in groups])
        model = fit(X[mask], y[mask])
        test_set = set(test_rows.tolist())
        for g, i, f in flat:
            if g in test_set:
                cv_probs[offsets[g] + i] = float(model.predict_proba([[f.get(k, 0.0) for k in names]])[0, 1])
    best_t, best_f1 = 0.0, -1.0
    for t in [x / 100 for x in range(0, 80, 2)]:
        f1 = gap_f1(rows_cands, cv_probs, t)
        if f1 > best_f1:
            best_t, best_f1 = t, f1
    print(f"cross-validated GAP F1 {best_f1:.1f} at threshold {best_t:.2f} (no threshold: {gap_f1(rows_cands, cv_probs, 0.0):.1f})")
    model = fit(X, y)
    weights = {"bias": float(model.intercept_[0])}
    weights.update({k: round(float(w), 4) for k, w in zip(names, model.coef_[0])})
    # GAP has no attributions, so "was already a speaker of the report" never fires there: its weight
    # is set by hand (checked by reading PolNeAR train resolutions, not learned)
    weights["speaker"] = SPEAKER_WEIGHT
    # GAP's A and B always have the pronoun's gender, so agreement cannot be learned there either
    weights["gender_agree"] = GENDER_AGREE_WEIGHT
    for k in names:
        print(f"  {k:<18} {weights[k]:+.3f}")
    print(f"  {'bias':<18} {weights['bias']:+.3f}")
    if args.write:
        path = os.path.join(HERE, "..", "src", "newstrace", "resources", "coref_weights.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"trained_on": os.path.basename(args.tsv), "rows": len(rows),
                       "cv_gap_f1": round(best_f1, 1), "threshold": best_t,
                       "features": names, "weights": weights}, f, indent=1)
            f.write("\n")
        print(f"wrote {os.path.normpath(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
