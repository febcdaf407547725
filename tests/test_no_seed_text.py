"""The five seed reports are test-only data: no six-word run of them may appear in src/.

Every text file under src/ (code, comments, resource files; not .json, .safetensors or binaries)
is read line by line, and each line's six-word runs (lower-cased [a-z0-9]+ words) are looked up
in the set of all six-word runs of the seeds.  A hit means seed text was copied into the code,
its comments or its lexicons: write an invented example of the same construction instead.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
N = 6
_WORD = re.compile(r"[a-z0-9]+")
SKIP_SUFFIXES = {".json", ".safetensors", ".pyc"}

# Proper names are facts, not sentences: an organisation's full name listed in a lexicon may share
# six words with a seed that names it.  (file relative to src/, phrase) pairs, kept minimal.
ALLOWED = {
    # think tanks' full names, listed as aliases of their acronyms
    ("newstrace/resources/organisations.yaml", "center for strategic and international studies"),
    ("newstrace/resources/organisations.yaml", "institute for the study of war"),
}


def _runs(text: str) -> list[str]:
    words = _WORD.findall(text.lower())
    return [" ".join(words[i:i + N]) for i in range(len(words) - N + 1)]


def _seed_runs() -> set[str]:
    runs: set[str] = set()
    for path in sorted(SEEDS.iterdir()):
        if path.is_file() and path.name != "metadata.yaml":
            runs.update(_runs(path.read_text(encoding="utf-8", errors="replace")))
    return runs


def _text_files():
    for path in sorted(SRC.rglob("*")):
        if not path.is_file() or path.suffix.lower() in SKIP_SUFFIXES or "__pycache__" in path.parts:
            continue
        data = path.read_bytes()
        if b"\0" in data:
            continue  # binary
        try:
            yield path, data.decode("utf-8")
        except UnicodeDecodeError:
            continue  # binary


def test_no_six_word_run_of_a_seed_in_src():
    if not SEEDS.is_dir():
        pytest.skip("../shared/corpus/seeds is not beside the project")
    seeds = _seed_runs()
    assert seeds, "no seed text read"
    offenders = []
    for path, text in _text_files():
        rel = path.relative_to(SRC).as_posix()
        for n, line in enumerate(text.splitlines(), 1):
            hits = sorted({r for r in _runs(line) if r in seeds and (rel, r) not in ALLOWED})
            if hits:
                offenders.append(f"src/{rel}:{n}: {'; '.join(hits)}")
    assert not offenders, "seed text in src/ (replace with invented examples):\n" + "\n".join(offenders)
