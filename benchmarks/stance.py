"""Stance accuracy (assert / deny / hedge) of extracted statements on hand-labelled sentences.

Sets are YAML lists of {text, cue, stance, note?} (benchmarks/data/stance_dev.yaml, tuned on, and
stance_test.yaml, held out).  Every text goes through the real path (`extract_texts`, one batch);
the scored statement is the first one whose cue text contains the item's cue (case-insensitive).
An item with no such statement counts as wrong ("missed").

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/stance.py [--set PATH ...]

The attribution finder is the settings' one (NEWSTRACE_ATTRIBUTION=rules for the rule-based one).
The last line is `stance accuracy 0.NNN (N sentences)`.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent
DEFAULT_SETS = [ROOT / "data" / "stance_dev.yaml", ROOT / "data" / "stance_test.yaml"]
CLASSES = ("assert", "deny", "hedge")
MISSED = "missed"


def load_items(path: Path) -> list[dict]:
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for n, it in enumerate(items):
        if not it.get("text") or not it.get("cue") or it.get("stance") not in CLASSES:
            sys.exit(f"{path}: item {n} needs text, cue and stance in {CLASSES}: {it!r}")
    return items


def pick(result, cue: str):
    """The first statement whose cue text contains `cue` (case-insensitive), or None."""
    if not hasattr(result, "extraction"):
        return None
    want = cue.lower()
    for st in result.extraction.statements:
        if want in st.cue.lower():
            return st
    return None


def report(name: str, rows: list[tuple[dict, object]]) -> tuple[int, int]:
    """Print per-class scores, the confusion matrix and the errors of one set; (right, total)."""
    confusion: Counter = Counter()
    for it, st in rows:
        confusion[(it["stance"], st.stance if st is not None else MISSED)] += 1
    right = sum(v for (g, p), v in confusion.items() if g == p)
    print(f"== {name}: {len(rows)} sentences, accuracy {right / max(1, len(rows)):.3f}")
    print(f"{'class':8} {'prec':>6} {'rec':>6} {'f1':>6} {'gold':>5} {'pred':>5}")
    for c in CLASSES:
        tp = confusion[(c, c)]
        gold = sum(v for (g, _), v in confusion.items() if g == c)
        pred = sum(v for (_, p), v in confusion.items() if p == c)
        p = tp / pred if pred else 0.0
        r = tp / gold if gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{c:8} {p:6.3f} {r:6.3f} {f:6.3f} {gold:5d} {pred:5d}")
    cols = CLASSES + (MISSED,)
    print("confusion (rows gold, columns predicted):")
    print(f"{'':8} " + " ".join(f"{c:>7}" for c in cols))
    for g in CLASSES:
        print(f"{g:8} " + " ".join(f"{confusion[(g, p)]:7d}" for p in cols))
    errors = [(it, st) for it, st in rows if st is not None and st.stance != it["stance"]]
    missed = [it for it, st in rows if st is None]
    if errors:
        print("errors:")
        for it, st in errors:
            hedges = f" hedges={list(st.hedges)}" if st.hedges else ""
            print(f"  gold {it['stance']:6} got {st.stance:6} cue={st.cue!r}{hedges} | {it['text']}")
            print(f"      content: {st.content!r}")
    if missed:
        print("missed (no statement with that cue):")
        for it in missed:
            print(f"  gold {it['stance']:6} cue={it['cue']!r} | {it['text']}")
    print()
    return right, len(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", dest="sets", action="append", type=Path,
                    help="a stance YAML set (repeatable; default: dev and test)")
    args = ap.parse_args(argv)
    sets = args.sets or DEFAULT_SETS
    loaded = [(p, load_items(p)) for p in sets]

    from newstrace.api import extract_texts
    from newstrace.settings import load_settings

    settings = load_settings()
    texts = [it["text"] for _, items in loaded for it in items]
    results = extract_texts(texts, settings)
    print(f"attribution finder: {settings.attribution}\n")
    k = 0
    right = total = 0
    for path, items in loaded:
        rows = [(it, pick(results[k + n], it["cue"])) for n, it in enumerate(items)]
        k += len(items)
        r, t = report(path.name, rows)
        right, total = right + r, total + t
    print(f"stance accuracy {right / max(1, total):.3f} ({total} sentences)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
