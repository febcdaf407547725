"""Learn which verb lemmas act as attribution cues from PolNeAR train: writes cue_lemmas_learned.yaml.

usage: python benchmarks/learn_cues.py [--split train] [--min-count 4] [--threshold 0.35]

For each verb lemma: how often a PolNeAR Cue span holds it / how often it occurs as a verb.  The
output maps lemma -> ratio; extract/cues.py adds lemmas at or above `threshold` to the hand list.
"""
from __future__ import annotations

import argparse
import glob
import os
from collections import Counter

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
POLNEAR = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data", "polnear"))
OUT = os.path.normpath(os.path.join(HERE, "..", "src", "newstrace", "resources", "cue_lemmas_learned.yaml"))


def cue_spans(ann_path: str) -> list[tuple[int, int]]:
    out = []
    for line in open(ann_path, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if line.startswith("T") and len(parts) >= 2 and parts[1].startswith("Cue "):
            for piece in parts[1][4:].split(";"):
                s, e = piece.split()
                out.append((int(s), int(e)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="train")
    ap.add_argument("--min-count", type=int, default=4)
    ap.add_argument("--threshold", type=float, default=0.35)
    args = ap.parse_args()
    from newstrace.extract.nlp import load_nlp, parse_reports

    split = os.path.join(POLNEAR, args.split)
    paths = sorted(glob.glob(os.path.join(split, "text", "*.txt")))
    texts = [open(p, encoding="utf-8").read() for p in paths]
    seen, cued = Counter(), Counter()
    for path, parsed in zip(paths, parse_reports(load_nlp(), [(t, None) for t in texts])):
        stem = os.path.basename(path)[:-4]
        anns = sorted(glob.glob(os.path.join(split, "attributions", stem + "_*.ann")))
        if not anns:
            continue
        spans = cue_spans(anns[0])
        starts = {s for s, _ in spans}
        inside = [(s, e) for s, e in spans]
        for t in parsed.tokens:
            if t.pos != "VERB":
                continue
            lemma = t.lemma.lower()
            seen[lemma] += 1
            if t.start in starts or any(s <= t.start < e for s, e in inside):
                cued[lemma] += 1
    verbs = {l: round(cued[l] / seen[l], 3) for l in sorted(cued) if cued[l] >= args.min_count}
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("# Learned by benchmarks/learn_cues.py from PolNeAR %s: lemma -> share of its verb uses\n"
                "# that PolNeAR marks as an attribution cue.  Lemmas >= threshold join the hand list.\n" % args.split)
        yaml.safe_dump({"threshold": args.threshold, "counts": {l: cued[l] for l in verbs},
                        "verbs": verbs, "exclude": []}, f, sort_keys=True, allow_unicode=True)
    print(f"{len(verbs)} lemmas, {sum(1 for v in verbs.values() if v >= args.threshold)} at or above {args.threshold}")


if __name__ == "__main__":
    main()
