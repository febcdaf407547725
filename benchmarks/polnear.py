"""PolNeAR attribution benchmark: export statements for a split and score source/cue/content spans.

usage: python benchmarks/polnear.py [--split dev] [--direct] [--limit N] [--rules]

Without --direct it runs the real pipeline (`newstrace ingest` + `newstrace export`) on the first
N texts of the split (all without --limit); with --direct it parses the raw texts with
extract/nlp.py (identity offsets, no cleaning), runs the tagger and extract_statements and writes
the export itself.  --rules uses the rule-based cue finder instead of the learned tagger.  Both
end by running shared/eval/polnear_score.py; the last line is
`polnear exact F1 source S cue C content N` (percentages).
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "shared"))
POLNEAR = os.path.join(SHARED, "data", "polnear")
SCORER = os.path.join(SHARED, "eval", "polnear_score.py")


def stand_in_mentions(parsed):
    """Mentions from the parser's entities until extract/entities.py lands."""
    try:
        from newstrace.extract.entities import extract_mentions  # type: ignore
        return extract_mentions(parsed)
    except ImportError:
        pass
    from newstrace.model import Mention

    out = []
    for e in parsed.entities:
        if e.label not in ("PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"):
            continue
        name = e.text
        for pre in ("the ", "The "):
            if name.startswith(pre):
                name = name[len(pre):]
        if name.endswith("'s") or name.endswith("\u2019s"):
            name = name[:-2]
        out.append(Mention(e.text, name, e.label, e.start, e.end, parsed.tokens[e.token_start].sent))
    return tuple(out)


def export_direct(paths: list[str], out_path: str) -> float:
    """Parse and extract each text; write a minimal export; return seconds spent extracting."""
    from newstrace.extract.nlp import load_nlp, parse_reports
    from newstrace.extract.statements import extract_statements

    from newstrace.extract.tagger import load_tagger

    nlp = load_nlp()
    texts = [open(p, encoding="utf-8").read() for p in paths]
    tagger = None if os.environ.get("NEWSTRACE_ATTRIBUTION") == "rules" else load_tagger()
    t0 = time.perf_counter()
    relations = tagger.relations(texts) if tagger is not None else [None] * len(texts)
    docs, stmts, spent = [], [], time.perf_counter() - t0
    for k, (path, parsed) in enumerate(zip(paths, parse_reports(nlp, [(t, None) for t in texts]))):
        did = f"d{k}"
        docs.append({"id": did, "source": path})
        t0 = time.perf_counter()
        found = extract_statements(parsed, stand_in_mentions(parsed), split_quotes=False,  # PolNeAR joins quotes
                                   relations=relations[k],
                                   rule_spans=os.environ.get("NEWSTRACE_ATTRIBUTION", "hybrid") == "hybrid")
        spent += time.perf_counter() - t0
        for s in found:
            stmts.append({"document": did, "speaker_text": s.speaker_text, "cue": s.cue, "content": s.content,
                          "spans": {"speaker": [list(x) for x in s.speaker_spans],
                                    "cue": [list(x) for x in s.cue_spans],
                                    "content": [list(x) for x in s.content_spans]}})
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump({"format": "newstrace/1", "documents": docs, "statements": stmts}, f)
    return spent


def export_pipeline(text_dir: str, out_path: str) -> None:
    exe = os.path.join(os.path.dirname(sys.executable), "newstrace")
    if not os.path.exists(exe):
        exe = shutil.which("newstrace") or exe
    with tempfile.TemporaryDirectory() as tmp:
        db = "sqlite:///" + os.path.join(tmp, "bench.db")
        subprocess.run([exe, "--db", db, "ingest", text_dir], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([exe, "--db", db, "export", "--format", "json", "--output", out_path], check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev")
    ap.add_argument("--direct", action="store_true", help="parse and extract here, without the CLI")
    ap.add_argument("--limit", type=int, default=0, help="only the first N texts")
    ap.add_argument("--rules", action="store_true", help="the rule-based cue finder instead of the tagger")
    ap.add_argument("--tagger", action="store_true", help="the tagger's spans only (no syntactic spans)")
    ap.add_argument("--output", default=None, help="keep the export at this path")
    args = ap.parse_args()
    if args.rules or args.tagger:
        os.environ["NEWSTRACE_ATTRIBUTION"] = "rules" if args.rules else "tagger"
    split_dir = os.path.join(POLNEAR, args.split)
    out = args.output or os.path.join(tempfile.gettempdir(), f"polnear_{args.split}_export.json")
    paths = sorted(glob.glob(os.path.join(split_dir, "text", "*.txt")))
    score_dir = split_dir
    if args.limit:  # score only the texts exported
        paths = paths[: args.limit]
        score_dir = tempfile.mkdtemp()
        for sub in ("text", "attributions"):
            os.makedirs(os.path.join(score_dir, sub))
        for p in paths:
            stem = os.path.basename(p)[:-4]
            os.symlink(p, os.path.join(score_dir, "text", stem + ".txt"))
            for a in glob.glob(os.path.join(split_dir, "attributions", stem + "_*.ann")):
                os.symlink(a, os.path.join(score_dir, "attributions", os.path.basename(a)))
    if args.direct:
        spent = export_direct(paths, out)
        print(f"extract_statements: {spent:.2f}s over {len(paths)} texts")
    else:
        export_pipeline(os.path.join(score_dir, "text"), out)
    res = subprocess.run([sys.executable, SCORER, out, score_dir], check=True, capture_output=True, text=True)
    print(res.stdout, end="")
    exact = {}
    for line in res.stdout.splitlines():
        parts = line.split()
        if parts and parts[0] in ("Source", "Cue", "Content"):
            exact[parts[0].lower()] = 100 * float(parts[parts.index("exact") + 6])
    print("polnear exact F1 " + " ".join(f"{k} {v:.1f}" for k, v in exact.items()))


if __name__ == "__main__":
    main()
