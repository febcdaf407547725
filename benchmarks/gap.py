"""GAP benchmark: resolve each row's pronoun to A, B or neither with newstrace's speaker resolution.

usage: python benchmarks/gap.py TSV [--method rules|model] [--errors N] [--out SYSTEM.tsv]

Each row's text is parsed with `extract/nlp.py`, its names found with `extract_mentions` (the two
candidate names GAP gives are added as PERSON mentions where the entity finder missed them: the
benchmark measures resolution, not name finding), and the pronoun is resolved as a one-word
source by `speakers.resolve_speaker` over a `SpeakerIndex` that has noted the subjects of the
text before the pronoun, as statement extraction does.  The resolved name is A when it names A
(same name, or one holds the other's last word) or its mention is A's, likewise B, else neither.

With `--method model` the learned pronoun model (`extract/pronoun_model.py`, trained on GAP
development by `benchmarks/train_pronoun.py`) decides instead: A and B are scored as candidates
(each name's mentions in the text marked), the higher one is the answer when it reaches the model's
threshold, else neither.  No parse is needed; the seconds per pronoun are printed.

Scoring is the official GAP scorer (shared/data/gap/gap_scorer.py, imported at run time); its
scorecard is printed, and the last line is `GAP overall F1 NN.N`.
Develop on gap-development.tsv; report on gap-validation.tsv (the test split is held out).
"""
from __future__ import annotations

import argparse
import bisect
import csv
import importlib
import os
import sys
from dataclasses import replace

HERE = os.path.dirname(os.path.abspath(__file__))
GAP = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data", "gap"))


def read_rows(path: str) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def _last(name: str) -> str:
    words = name.replace("\u2019s", "").replace("'s", "").lower().split()
    return words[-1] if words else ""


def names_match(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    la, lb = a.lower().split(), b.lower().split()
    return la == lb or _last(a) in lb or _last(b) in la


def with_candidates(parsed, mentions, row) -> list:
    """The report's mentions plus A and B as PERSON mentions where no mention covers them."""
    from newstrace.model import Mention

    out = list(mentions)
    for key in ("A", "B"):
        start = int(row[f"{key}-offset"])
        end = start + len(row[key])
        if any(m.start < end and start < m.end for m in out):
            # a mention over the name that is not a person (the model's ORG or NORP) becomes one
            out = [replace(m, label="PERSON", name=row[key]) if m.start < end and start < m.end
                   and m.label != "PERSON" else m for m in out]
            continue
        k = max(0, bisect.bisect_right(parsed.token_starts, start) - 1)
        out.append(Mention(text=row[key], name=row[key], label="PERSON", start=start, end=end,
                           sentence=parsed.tokens[k].sent, origin="rule"))
    out.sort(key=lambda m: (m.start, -m.end))
    return out


def resolve_row(parsed, mentions, row) -> str | None:
    """'A', 'B' or None: whom newstrace's speaker resolution gives the row's pronoun."""
    from newstrace.extract.speakers import SpeakerIndex, resolve_speaker

    mentions = with_candidates(parsed, mentions, row)
    index = SpeakerIndex(parsed, mentions)
    pos = int(row["Pronoun-offset"])
    tok = max(0, bisect.bisect_right(parsed.token_starts, pos) - 1)
    note_subjects = getattr(index, "note_subjects", None)
    if note_subjects is not None:
        note_subjects(0, tok)
    else:  # the statement extractor's own noting of named subjects, sentence by sentence
        from newstrace.extract.content import Tree
        from newstrace.extract.statements import _note_subjects

        _note_subjects(parsed, Tree(parsed), index, 0, tok)
    who = resolve_speaker(index, tok, tok, tok)
    if who.name is None and who.mention is None:
        return None
    spans = {key: (int(row[f"{key}-offset"]), int(row[f"{key}-offset"]) + len(row[key])) for key in ("A", "B")}
    if who.mention is not None:
        m = mentions[who.mention]
        for key, (a, b) in spans.items():
            if m.start < b and a < m.end:
                return key
    hits = [key for key in ("A", "B") if names_match(who.name, row[key])]
    if len(hits) == 1:
        return hits[0]
    if len(hits) == 2:  # both names fit ("Smith"): the exact one
        exact = [key for key in hits if (who.name or "").lower() == row[key].lower()]
        return exact[0] if len(exact) == 1 else None
    return None


def model_decisions(model, rows: list[dict]) -> dict[str, str | None]:
    """Row id -> 'A', 'B' or None by the learned pronoun model (both candidates of a row in one batch)."""
    from newstrace.extract.pronoun_model import name_spans

    out: dict[str, str | None] = {}
    for row in rows:
        text, p = row["Text"], int(row["Pronoun-offset"])
        cands = []
        for key, other in (("A", "B"), ("B", "A")):
            a = int(row[f"{key}-offset"])
            cands.append(name_spans(text, row[key], (a, a + len(row[key])), [row[other]]))
        pick, _scores = model.choose(text, (p, p + len(row["Pronoun"])), cands)
        out[row["ID"]] = None if pick is None else "AB"[pick]
    return out


def score(gold_path: str, decisions: dict[str, str | None]) -> str:
    """The official scorecard for `decisions` (row id -> 'A', 'B' or None)."""
    sys.path.insert(0, GAP)
    try:
        scorer = importlib.import_module("gap_scorer")
    finally:
        sys.path.remove(GAP)

    def py3_open(path, mode="r", *args, **kwargs):  # the scorer opens with Python 2's 'rU'
        return open(path, mode.replace("U", ""), *args, encoding="utf-8", newline="", **kwargs)

    scorer.open = py3_open
    gold = scorer.read_annotations(gold_path, is_gold=True)
    system = {}
    for rid, choice in decisions.items():
        ann = scorer.Annotation()
        ann.name_a_coref = choice == "A"
        ann.name_b_coref = choice == "B"
        system[rid] = ann

    class Py2Dict(dict):  # the scorer iterates with Python 2's iteritems
        def iteritems(self):
            return iter(self.items())

    return scorer.make_scorecard(scorer.calculate_scores(Py2Dict(gold), system))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tsv", help="a GAP .tsv (gap-development.tsv, gap-validation.tsv)")
    ap.add_argument("--method", choices=("rules", "model"), default="rules",
                    help="rules: speaker resolution as the pipeline runs it (default); model: the learned pronoun model")
    ap.add_argument("--errors", type=int, default=0, help="show this many wrong rows")
    ap.add_argument("--out", help="also write the system decisions as a GAP system .tsv")
    args = ap.parse_args(argv)

    rows = read_rows(args.tsv)
    decisions: dict[str, str | None] = {}
    if args.method == "model":
        import time

        from newstrace.extract.pronoun_model import load_pronoun_model

        model = load_pronoun_model()
        if model is None:
            print("no pronoun model shipped (src/newstrace/resources/pronoun_model/): train it with "
                  "benchmarks/train_pronoun.py", file=sys.stderr)
            return 2
        t0 = time.perf_counter()
        decisions = model_decisions(model, rows)
        print(f"pronoun model: {(time.perf_counter() - t0) / max(1, len(rows)):.3f} s per pronoun (2 candidates)")
    else:
        from newstrace.extract.entities import extract_mentions
        from newstrace.extract.nlp import load_nlp, parse_reports

        for row, parsed in zip(rows, parse_reports(load_nlp(), [(r["Text"], None) for r in rows])):
            decisions[row["ID"]] = resolve_row(parsed, extract_mentions(parsed), row)
    wrong = []
    for row in rows:
        choice = decisions[row["ID"]]
        gold = "A" if row["A-coref"].upper() == "TRUE" else "B" if row["B-coref"].upper() == "TRUE" else None
        if choice != gold:
            wrong.append((row, choice, gold))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            for rid, choice in decisions.items():
                f.write(f"{rid}\t{str(choice == 'A').upper()}\t{str(choice == 'B').upper()}\n")
    for row, choice, gold in wrong[:args.errors]:
        p = int(row["Pronoun-offset"])
        print(f"{row['ID']}: {row['Pronoun']!r} -> {choice} (gold {gold}); A={row['A']!r} B={row['B']!r}\n"
              f"    {row['Text'][max(0, p - 300):p]}[[{row['Pronoun']}]]{row['Text'][p + len(row['Pronoun']):p + 80]}")
    answered = sum(1 for c in decisions.values() if c)
    print(f"{len(rows)} rows, {answered} resolved to A or B, {len(wrong)} wrong")
    card = score(args.tsv, decisions)
    print(card.rstrip())
    overall = card.splitlines()[0]
    f1 = float(overall.rsplit("f1:", 1)[1])
    print(f"GAP overall F1 {f1:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
