"""Speaker resolution benchmark: do pronoun and description sources resolve to the right name?

usage: python benchmarks/speakers.py [--set benchmarks/data/speakers_dev.yaml] [--errors] [--gold]

The set (see the header of benchmarks/data/speakers_dev.yaml) lists PolNeAR Source spans such as
"he", "the senator" or "the agency", each with the name it refers to in its article, or null
when the article never names it.  All articles of the set go through `extract_texts` in one
call; for each item the statement whose speaker span (mapped back to original offsets) overlaps
the item's source is scored:

  correct  its speaker_name matches the antecedent (case-insensitive; also when one name holds
           the other's last word: "Clinton" ~ "Hillary Clinton"), or both are unresolved
  wrong    otherwise
  missed   no statement has a speaker over the source (counted wrong, reported apart)

With --gold the learned tagger is bypassed: the raw texts are parsed as they are and the
corpus's own attributions (source, cue and content spans of the annotation file) are handed to
extract_statements, so every source is found and only speaker resolution is measured.

Before it, `wrong names`: the sources given a name that is not their antecedent (the worst
error: a statement given to someone who did not make it), out of all given a name.
The last line is `speaker accuracy 0.NNN (N sources)`.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from collections import Counter

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
POLNEAR = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data", "polnear"))
DEFAULT_SET = os.path.join(HERE, "data", "speakers_dev.yaml")


def _words(name: str) -> list[str]:
    name = re.sub(r"['\u2019]s\b", "", name.lower())
    return [w for w in re.findall(r"[\w.-]+", name) if w not in ("the", "mr.", "mrs.", "ms.", "dr.")]


def _initials(name: str) -> str:
    words = [w for w in re.findall(r"[\w]+", name) if w.lower() not in ("of", "the", "and", "for", "on", "u", "s")]
    return "".join(w[0] for w in words).lower()


def names_match(got: str | None, want: str | None) -> bool:
    """Same name, ignoring case, or one holds the other's last word ("Clinton" ~ "Hillary Clinton"),
    or one is the other's acronym ("IMF" ~ "International Monetary Fund")."""
    if got is None or want is None:
        return got is None and want is None
    g, w = _words(got), _words(want)
    if not g or not w:
        return got.strip().lower() == want.strip().lower()
    if g == w or w[-1] in g or g[-1] in w:
        return True
    short, long_ = sorted((got.strip(), want.strip()), key=len)
    return short.isupper() and len(short) >= 2 and " " not in short and _initials(long_) == short.lower()


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def find_statement(statements, to_original, span: tuple[int, int]):
    """The statement whose speaker span (in original offsets) overlaps `span` most, or None."""
    best, best_len = None, 0
    for st in statements:
        for a, b in st.speaker_spans:
            n = _overlap(to_original(a, b), span)
            if n > best_len:
                best, best_len = st, n
    return best


def pipeline_statements(texts: list[str]) -> list[tuple | None]:
    """(statements, offset mapper) per text from `extract_texts`; None for a text that failed."""
    from newstrace.api import extract_texts
    from newstrace.model import IngestProblem

    out = []
    for report in extract_texts(texts):
        if isinstance(report, IngestProblem):
            print(f"{report.source} failed: {report.message}", file=sys.stderr)
            out.append(None)
        else:
            out.append((report.extraction.statements, report.clean.offsets.span_to_original))
    return out


def gold_relations(split: str, doc: str) -> list:
    """The attributions of the first annotation file of `doc`, as tagger Relations."""
    import glob

    from newstrace.extract.tagger import Relation

    path = sorted(glob.glob(os.path.join(POLNEAR, split, "attributions", doc + "_*.ann")))[0]
    spans, rels = {}, []
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for line in lines:
        if line.startswith("T"):
            tid, mid, _text = line.split("\t", 2)
            label, pieces = mid.split(" ", 1)
            spans[tid] = (label, [tuple(map(int, p.split())) for p in pieces.split(";")])
    for line in lines:
        if line.startswith("E"):
            parts = dict(p.split(":", 1) for p in line.split("\t", 1)[1].split())
            get = lambda role: spans[parts[role]][1] if role in parts and parts[role] in spans else []
            if get("Cue") and get("Content"):
                rels.append(Relation(cue=get("Cue"), source=get("Source"), content=get("Content")))
    return rels


def gold_statements(texts: list[str], docs: list[str], split: str) -> list[tuple]:
    """Statements over the raw texts from the corpus's own attributions (identity offsets)."""
    from newstrace.extract.entities import extract_mentions
    from newstrace.extract.nlp import load_nlp, parse_reports
    from newstrace.extract.statements import extract_statements

    out = []
    for doc, parsed in zip(docs, parse_reports(load_nlp(), [(t, None) for t in texts])):
        stmts = extract_statements(parsed, extract_mentions(parsed), split_quotes=False,
                                   relations=gold_relations(split, doc))
        out.append((stmts, lambda a, b: (a, b)))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", default=DEFAULT_SET, help="YAML set of sources (default: %(default)s)")
    ap.add_argument("--errors", action="store_true", help="list every wrong and missed item")
    ap.add_argument("--gold", action="store_true",
                    help="use the corpus's attributions instead of the tagger (resolution only)")
    args = ap.parse_args(argv)

    with open(args.set, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    items = data["items"]
    split = data.get("split", "dev")
    docs = sorted({it["doc"] for it in items})
    texts = []
    for d in docs:
        with open(os.path.join(POLNEAR, split, "text", d + ".txt"), encoding="utf-8") as f:
            texts.append(f.read())

    found = gold_statements(texts, docs, split) if args.gold else pipeline_statements(texts)
    reports = dict(zip(docs, found))
    totals, right, missed = Counter(), Counter(), Counter()
    named_wrong = 0  # resolved to a name that is not the antecedent: a quote given to the wrong speaker
    named_any = 0
    lines: list[str] = []
    for it in items:
        kind = it.get("kind", "pronoun")
        ante = it.get("antecedent")
        want = ante["name"] if ante else None
        groups = (kind, "named" if ante else "null", "all")
        for g in groups:
            totals[g] += 1
        report = reports[it["doc"]]
        st = None if report is None else find_statement(report[0], report[1], tuple(it["source"]))
        if st is None:
            for g in groups:
                missed[g] += 1
            lines.append(f"  MISSED {it['doc']} {it['source']} {it['text']!r} -> want {want!r}")
            continue
        named_any += st.speaker_name is not None
        if names_match(st.speaker_name, want):
            for g in groups:
                right[g] += 1
        else:
            named_wrong += st.speaker_name is not None
            lines.append(f"  WRONG  {it['doc']} {it['source']} {it['text']!r} ({st.speaker_text!r}) "
                         f"-> got {st.speaker_name!r}, want {want!r}")
    if args.errors:
        print("\n".join(lines))
    print(f"{'group':<12} {'sources':>7} {'correct':>7} {'missed':>6} {'accuracy':>8} {'acc. found':>10}")
    for g in ("pronoun", "description", "named", "null", "all"):
        n = totals[g]
        if not n:
            continue
        found = n - missed[g]
        acc_found = right[g] / found if found else 0.0
        print(f"{g:<12} {n:>7} {right[g]:>7} {missed[g]:>6} {right[g] / n:>8.3f} {acc_found:>10.3f}")
    print(f"wrong names {named_wrong} of {named_any} sources given a name "
          f"({named_wrong / max(1, named_any):.3f}: each a statement given to someone who did not make it)")
    print(f"speaker accuracy {right['all'] / max(1, totals['all']):.3f} ({totals['all']} sources)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
