"""Propose pronoun and description sources of a PolNeAR split for hand annotation of a speaker set.

usage: python benchmarks/speaker_candidates.py [--split train] [--every 6] [--offset 0] > candidates.txt

This is step 1-2 of how benchmarks/data/speakers_*.yaml are made (see their headers): every Source
span of the first annotator's .ann file of every `--every`-th article (sorted, from `--offset`)
is read; pronoun sources ("he" every 4th, "she" and "I" every 3rd occurrence, the rest all) and
descriptions (a determiner or possessive, or a bare plural, before a lower-case head, no proper
noun at the head) are kept.  For each it prints the article context (450 characters before, 120
after, the source in [[ ]]) and, as a reading aid only, the PERSON / ORG / GPE / NORP names
spaCy finds in the 1,500 characters before it.  The antecedent of each is then written by hand
after reading the article; the proposals are never copied without that check.
"""
from __future__ import annotations

import argparse
import glob
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
POLNEAR = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data", "polnear"))

PRONOUNS = {"he", "she", "they", "it", "we", "his", "her", "i", "him", "them", "their", "its"}
EVERY = {"he": 4, "she": 3, "i": 3}
DETS = {"the", "this", "that", "these", "those", "a", "an", "his", "her", "its", "their", "one", "another",
        "my", "our", "same"}


def sources(split: str, doc_file: str) -> list[tuple[int, int, str]]:
    out = []
    with open(doc_file, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t", 2)
            if line.startswith("T") and len(parts) == 3:
                _tid, mid, text = parts
                label, pieces = mid.split(" ", 1)
                if label == "Source" and ";" not in pieces:
                    a, b = map(int, pieces.split())
                    out.append((a, b, text))
    return sorted(set(out))


def kind_of(text: str) -> str | None:
    words = text.split()
    if len(words) == 1 and words[0].lower() in PRONOUNS:
        return "pronoun"
    if not 1 <= len(words) <= 6 or not re.fullmatch(r"[a-z][a-z-]+s?", words[-1]):
        return None
    if len(words) >= 2 and (words[0].lower() in DETS or (len(words) <= 3 and words[-1].endswith("s") and words[0].islower())):
        return "description"
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="train")
    ap.add_argument("--every", type=int, default=6)
    ap.add_argument("--offset", type=int, default=0)
    args = ap.parse_args(argv)
    from newstrace.extract.nlp import load_nlp
    nlp = load_nlp()
    files = sorted(glob.glob(os.path.join(POLNEAR, args.split, "attributions", "*.ann")))
    docs: dict[str, str] = {}
    for f in files:
        docs.setdefault(os.path.basename(f).rsplit("_", 1)[0], f)
    seen: dict[str, int] = {}
    n = 0
    for i, (doc, ann) in enumerate(sorted(docs.items())):
        if i % args.every != args.offset:
            continue
        with open(os.path.join(POLNEAR, args.split, "text", doc + ".txt"), encoding="utf-8") as f:
            text = f.read()
        parsed = None
        for a, b, s in sources(args.split, ann):
            kind = kind_of(s)
            if kind is None:
                continue
            w = s.lower()
            if kind == "pronoun" and w in EVERY:
                seen[w] = seen.get(w, 0) + 1
                if seen[w] % EVERY[w]:
                    continue
            if parsed is None:
                parsed = nlp(text)
            names = [f"{e.text}@{e.start_char}:{e.label_}" for e in parsed.ents
                     if e.label_ in ("PERSON", "ORG", "GPE", "NORP") and a - 1500 <= e.start_char < a]
            ctx = text[max(0, a - 450):a] + "[[" + text[a:b] + "]]" + text[b:b + 120]
            n += 1
            print(f"### {n} {doc} [{a}, {b}] {s!r} {kind}")
            print(" ".join(ctx.split()))
            print("NAMES:", ", ".join(names[-14:]))
            print()
    print(f"{n} candidates", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
