"""benchmarks/scale.py --whole runs the real ingest writer, the brief and the export (issue 12, item 4)."""
from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

from newstrace.model import Extraction, Mention, Statement
from newstrace.resolve.claims import claim_text

ROOT = Path(__file__).resolve().parents[1]

REPORTS = [
    ("Harbour works in Keswin", [
        ("Maria Olsen", "PERSON", "the north quay of Keswin would close for repairs in March next year"),
        ("Harbour Board", "ORG", "about forty fishing boats would move to the south basin before the work began")]),
    ("Ferry service to Aven", [
        ("Tomas Berg", "PERSON", "the ferry service between Aven and Keswin would end after the winter season"),
        ("Transport Ministry", "ORG", "there was no truth in reports that the ferry service would end soon")]),
    ("Bridge inspection in Aven", [
        ("Lena Holm", "PERSON", "inspectors found deep cracks in two pillars of the old river bridge last week"),
        ("City Council", "ORG", "the old river bridge would stay open to cars while engineers studied the cracks")]),
]


def _base(k: int, title: str, sentences) -> tuple:
    """A report as the per-report stage extracts it: text, one mention and one statement per sentence."""
    text = title + "\n\n"
    mentions, statements = [], []
    for i, (speaker, label, content) in enumerate(sentences):
        start = len(text)
        sentence = f"{speaker} said {content}."
        text += sentence + " "
        cue_start = start + len(speaker) + 1
        sp, cue, ct = (start, cue_start - 1), (cue_start, cue_start + 4), (cue_start + 5, start + len(sentence) - 1)
        mentions.append(Mention(speaker, speaker, label, *sp, sentence=i + 1))
        statements.append(Statement(sentence=i + 1, sentence_text=sentence, start=start, end=start + len(sentence),
                                    speaker_text=speaker, speaker_name=speaker, speaker_label=label,
                                    speaker_mention=len(mentions) - 1, cue="said", content=content,
                                    quote_type="indirect", stance="assert", speaker_spans=(sp,), cue_spans=(cue,),
                                    content_spans=(ct,)))
    text = text.rstrip()
    paragraphs = ((0, len(title)), (len(title) + 2, len(text)))
    return (f"report{k}.txt", "2016-10-01", Extraction(mentions=tuple(mentions), statements=tuple(statements)),
            text, paragraphs)


def test_whole_path_on_two_tiny_sizes(tmp_path: Path) -> None:
    bases = [_base(k, title, sentences) for k, (title, sentences) in enumerate(REPORTS)]
    rng = np.random.default_rng(0)
    vectors = {}
    for b in bases:
        for st in b[2].statements:
            v = rng.normal(size=384).astype(np.float32)
            vectors[claim_text(st)] = v / np.linalg.norm(v)
    cache = tmp_path / "cache.pkl"
    cache.write_bytes(pickle.dumps({"limit": len(bases), "bases": bases, "vectors": vectors}))
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "scale.py"), "--whole", "--reports", "3",
                           "--cache", str(cache), "--sizes", "12,30", "--work", str(tmp_path / "work")],
                          capture_output=True, text=True, timeout=600, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    rows = [line.split() for line in out.splitlines() if re.match(r"\s+\d+\s+\d+\s", line)]
    assert [int(r[0]) for r in rows] == [12, 30] and [int(r[1]) for r in rows] == [6, 15]  # statements, reports
    assert "one more report to the 30-statement store" in out and "brief (markdown) of the 30-statement store" in out
    assert "WARNING" not in out  # every claim vector came with its report: the writer never encoded
    assert re.fullmatch(r"growth exponent -?\d+\.\d\d", out.strip().splitlines()[-1])
    texts = {p.read_text(encoding="utf-8") for p in (tmp_path / "work" / "n30").glob("*.txt")}
    assert len(texts) == 15  # every copy's text is distinct: the store keeps them all
