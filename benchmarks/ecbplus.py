"""ECB+ benchmark: (a) documents of a topic into its two events, (b) event mentions across documents.

usage: python benchmarks/ecbplus.py [--data ../shared/data/ecbplus] [--topics 2,5,12,18,21,23,34,35]

(a) uses the claim clusterer (resolve/claims.py: nearest neighbours + entity/date agreement) with one
item per document (its first sentences; capitalised words and numbers as entity keys) and prints
B-cubed F1 beside a one-cluster-per-topic baseline. (b) clusters the gold event mentions (ACTION_*,
NEG_ACTION_* in the annotated sentences) of each topic and prints MUC, B-cubed, CEAF-e and CoNLL F1
for the same-head-lemma baseline and for ours (same lemma or close mention embedding, within the
document clusters of (a)). Published, test topics, gold mentions: 86.7 CoNLL F1 (Min et al. 2024).
"""
from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newstrace.model import Statement  # noqa: E402
from newstrace.resolve.claims import ClaimClusterer, ClaimItem, ClaimSettings  # noqa: E402
from newstrace.resolve.embeddings import default_encoder  # noqa: E402

DEV = (2, 5, 12, 18, 21, 23, 34, 35)
_CAP = re.compile(r"^(?:[A-Z][a-z]+|[A-Z]{2,}|\d{4})$")


# --------------------------------------------------------------------------- metrics
def muc(key: list[set], resp: list[set]) -> tuple[float, float, float]:
    def part(a: list[set], b: list[set]) -> float:
        where = {m: i for i, c in enumerate(b) for m in c}
        num = den = 0
        for c in a:
            parts = {where.get(m, ("s", m)) for m in c}
            num += len(c) - len(parts)
            den += len(c) - 1
        return num / den if den else 0.0
    r, p = part(key, resp), part(resp, key)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def bcubed(key: list[set], resp: list[set]) -> tuple[float, float, float]:
    kc = {m: c for c in key for m in c}
    rc = {m: c for c in resp for m in c}
    ms = list(kc)
    p = sum(len(kc[m] & rc[m]) / len(rc[m]) for m in ms) / len(ms)
    r = sum(len(kc[m] & rc[m]) / len(kc[m]) for m in ms) / len(ms)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def ceafe(key: list[set], resp: list[set]) -> tuple[float, float, float]:
    from scipy.optimize import linear_sum_assignment

    sim = np.array([[2 * len(k & s) / (len(k) + len(s)) for s in resp] for k in key])
    rows, cols = linear_sum_assignment(-sim)
    total = sim[rows, cols].sum()
    p, r = total / len(resp), total / len(key)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def clusters(labels: dict) -> list[set]:
    out = defaultdict(set)
    for m, c in labels.items():
        out[c].add(m)
    return list(out.values())


# --------------------------------------------------------------------------- data
def read_doc(path: Path, keep: set[int]):
    root = ET.parse(path).getroot()
    toks = {t.get("t_id"): (int(t.get("sentence")), t.text or "") for t in root.iter("token")}
    sents = defaultdict(list)
    for tid, (s, w) in toks.items():
        sents[s].append((int(tid), w))
    text = {s: " ".join(w for _, w in sorted(ws)) for s, ws in sents.items()}
    mentions = {}
    for mk in root.find("Markables"):
        anchors = [a.get("t_id") for a in mk.findall("token_anchor")]
        if mk.tag.startswith(("ACTION", "NEG_ACTION")) and anchors:
            s = toks[anchors[0]][0]
            if s in keep:
                mentions[mk.get("m_id")] = (s, [toks[a][1] for a in anchors])
    gold = {}
    for rel in root.find("Relations") or ():
        for src in rel.findall("source"):
            mid = src.get("m_id")
            if mid in mentions:
                gold[mid] = rel.get("note") if rel.tag == "CROSS_DOC_COREF" else f"{path.stem}:{rel.get('r_id')}"
    return text, mentions, gold


def lemma(word: str) -> str:
    """Crude English lemma for the baseline head: lower case, common inflections stripped."""
    w = word.lower()
    for suf, rep in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            return w[: -len(suf)] + rep
    return w


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "ecbplus"))
    ap.add_argument("--topics", default=",".join(map(str, DEV)))
    ap.add_argument("--doc-threshold", type=float, default=0.6)
    ap.add_argument("--mention-threshold", type=float, default=0.85)
    a = ap.parse_args(argv)
    t0 = time.time()
    data = Path(a.data)
    keep = defaultdict(set)
    with open(data / "ECBplus_coreference_sentences.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            keep[f"{row['Topic']}_{row['File']}"].add(int(row["Sentence Number"]))
    enc = default_encoder()
    doc_scores, base_scores = [], []
    all_key, all_base, all_ours = {}, {}, {}
    for topic in [int(t) for t in a.topics.split(",")]:
        docs = sorted((data / "ECB+" / str(topic)).glob("*.xml"))
        cc = ClaimClusterer(enc, ClaimSettings(threshold=a.doc_threshold, neighbours=20, min_similarity=0.0,
                                               entity_weight=0.3, disjoint_penalty=0.1))
        gold_doc, pred_doc, parsed = {}, {}, {}
        for p in docs:
            text, mentions, gold = read_doc(p, keep.get(p.stem, set()))
            parsed[p.stem] = (text, mentions, gold)
            lead = " ".join(text[s] for s in sorted(text)[:4])
            ents = tuple(sorted({w for w in lead.split()[1:] if _CAP.match(w)}))
            st = Statement(0, lead, 0, len(lead), "", None, None, None, "", lead, "nominal", "assert")
            pred_doc[p.stem] = cc.add_report([ClaimItem(p.stem, p.stem, st, None, None, ents)])[p.stem]
            gold_doc[p.stem] = "plus" if p.stem.endswith("plus") else "ecb"
        doc_scores.append(bcubed(clusters(gold_doc), clusters(pred_doc))[2])
        base_scores.append(bcubed(clusters(gold_doc), [set(gold_doc)])[2])
        # (b) event mentions of the topic
        items = [(d, mid, s, words) for d, (text, ms, _) in parsed.items() for mid, (s, words) in ms.items()]
        if not items:
            continue
        ctx = enc([" ".join(w) for _, _, _, w in items])  # the mention's own words: a sentence would dominate
        parent = list(range(len(items)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i
        by_lemma = defaultdict(list)
        for i, (d, mid, s, w) in enumerate(items):
            key = (topic, d, mid)
            all_key[key] = parsed[d][2].get(mid, f"single:{d}:{mid}")
            all_base[key] = f"{topic}:{lemma(w[-1])}"
            by_lemma[lemma(w[-1])].append(i)
        for group in by_lemma.values():
            for i in group[1:]:
                if pred_doc[items[i][0]] == pred_doc[items[group[0]][0]]:
                    parent[find(i)] = find(group[0])
                else:  # the first of its lemma in this document cluster
                    same = [j for j in group if pred_doc[items[j][0]] == pred_doc[items[i][0]]]
                    parent[find(i)] = find(same[0])
        sims = ctx @ ctx.T
        for i in range(len(items)):
            for j in np.argsort(-sims[i])[1:6]:
                if sims[i, j] >= a.mention_threshold and pred_doc[items[i][0]] == pred_doc[items[j][0]]:
                    parent[find(i)] = find(int(j))
        for i, (d, mid, _, _) in enumerate(items):
            all_ours[(topic, d, mid)] = f"{topic}:{find(i)}"
    print(f"topics {a.topics}: documents into events, B-cubed F1: ours {100 * np.mean(doc_scores):.1f} "
          f"| one cluster per topic {100 * np.mean(base_scores):.1f}")
    key = clusters(all_key)
    for name, resp in (("same-head-lemma baseline", all_base), ("ours (lemma or embedding, within doc clusters)", all_ours)):
        r = clusters(resp)
        m, b, c = muc(key, r), bcubed(key, r), ceafe(key, r)
        print(f"event mentions ({len(all_key)}), {name}: MUC {100 * m[2]:.1f}  B3 {100 * b[2]:.1f}  "
              f"CEAF-e {100 * c[2]:.1f}  CoNLL F1 {100 * (m[2] + b[2] + c[2]) / 3:.1f}")
    print("published (test topics, gold mentions): 86.7 CoNLL F1 (Min et al. 2024), 85.7 (Held et al. 2021)")
    print(f"runtime: {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
