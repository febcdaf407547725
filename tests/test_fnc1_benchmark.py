"""benchmarks/fnc1.py scores any FNC-1-shaped split with the shipped weights (issue 9, item 1)."""
from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BODIES = {
    "1": "The harbour board of Keswin said on Monday that the north quay would close for repairs in March. "
         "About 40 boats will move to the south basin, a spokesman said.",
    "2": "Officials in Aven denied reports that the ferry service would end. 'There is no truth in it,' "
         "the mayor said, calling the story fabricated.",
}
PAIRS = [("Keswin north quay to close for repairs", "1", "agree"),
         ("Ferry service to Aven will end next month", "2", "disagree"),
         ("Keswin north quay to close for repairs", "2", "unrelated"),
         ("Ferry service to Aven will end next month", "1", "unrelated")]


def test_a_split_is_scored_with_the_shipped_weights(tmp_path: Path) -> None:
    bodies, stances = tmp_path / "b.csv", tmp_path / "s.csv"
    with open(bodies, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([("Body ID", "articleBody"), *BODIES.items()])
    with open(stances, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([("Headline", "Body ID", "Stance"), *PAIRS])
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "fnc1.py"), "--test-bodies", str(bodies),
                           "--test-stances", str(stances)], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    last = done.stdout.strip().splitlines()[-1]
    score = float(re.fullmatch(r"relative FNC score (\d+\.\d+)%", last).group(1))
    assert 0 <= score <= 100
    assert "pairs: 4 (2 bodies)" in done.stdout


def test_a_body_id_missing_from_the_bodies_is_named(tmp_path: Path) -> None:
    bodies, stances = tmp_path / "b.csv", tmp_path / "s.csv"
    bodies.write_text("Body ID,articleBody\n1,Some text about a quay.\n", encoding="utf-8")
    stances.write_text("Headline,Body ID,Stance\nA quay,7,agree\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "fnc1.py"), "--test-bodies", str(bodies),
                           "--test-stances", str(stances)], capture_output=True, text=True, timeout=600)
    assert done.returncode != 0 and "Body IDs not in" in done.stderr and "(first: 7)" in done.stderr
