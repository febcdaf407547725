"""Sentence splitting of scraped news text: cases in benchmarks/data/sentence_cases.yaml.

Each case's text goes through the real path: `clean_report` on a RawReport, then `parse_report`
over the cleaned text; its sentences are `parsed.sentences` (offsets into the cleaned text),
compared stripped with the expected ones.  A case is right when all its sentences match exactly.
Expected sentences lying inside lines the cleaner removed as boilerplate (a byline, a photo
credit) are left out of the comparison: that is the boilerplate stage's decision, measured by
benchmarks/boilerplate.py.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/sentences.py [--cases PATH] [--show]

The last line is `sentence splitting accuracy 0.NNN (N cases)`.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from newstrace.clean import clean_report
from newstrace.extract.nlp import load_nlp, parse_report
from newstrace.model import RawReport

CASES = Path(__file__).resolve().parent / "data" / "sentence_cases.yaml"


def split(nlp, text: str) -> tuple[list[str], list[str]]:
    """(sentences of the cleaned text, texts of the removed boilerplate lines)."""
    clean = clean_report(RawReport(source="x", text=text))
    parsed = parse_report(nlp, clean.text)
    sentences = [clean.text[s.start:s.end].strip() for s in parsed.sentences]
    return [s for s in sentences if s], [r.text for r in clean.removals]


def expected(case: dict, removed: list[str], got_text: str) -> list[str]:
    """The case's sentences, less those inside lines the cleaner removed."""
    return [s for s in case["sentences"] if not (s not in got_text and any(s in r for r in removed))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=Path, default=CASES)
    ap.add_argument("--show", action="store_true", help="print every case, right ones too")
    args = ap.parse_args(argv)
    cases = yaml.safe_load(args.cases.read_text(encoding="utf-8")) or []
    nlp = load_nlp()
    right = 0
    for case in cases:
        got, removed = split(nlp, case["text"])
        want = expected(case, removed, "\n".join(got))
        ok = got == want
        right += ok
        if not ok or args.show:
            print(f"{'ok  ' if ok else 'FAIL'} {case.get('name', '')}")
            if not ok:
                for s in want:
                    print(f"   want: {s!r}")
                for s in got:
                    print(f"   got:  {s!r}")
            if removed:
                print(f"   (removed as boilerplate: {removed!r})")
    print(f"sentence splitting accuracy {right / max(1, len(cases)):.3f} ({len(cases)} cases)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
