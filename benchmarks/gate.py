"""Quality gate: score fixed small subsets and fail when a figure falls below its floor.

usage: python benchmarks/gate.py [--only NAME ...] [--raise-floors] [--lower-floors REASON]

Each check runs a benchmark script in a child process and reads figures off its last lines;
`benchmarks/floors.json` pins the floor of every figure.  The gate exits 1 when a figure is
below its floor (less a run-to-run noise margin, below) or a floored figure could not be measured.  --raise-floors writes the figures
measured now as the new floors where they are higher (never lower); lowering a floor needs
--lower-floors with the reason, which is recorded in floors.json (and belongs in the commit).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared"))
FLOORS = os.path.join(HERE, "floors.json")
PY = sys.executable
# Run-to-run noise allowed below a floor (float results differ slightly across CPUs): 0.3 points
# on percentage figures, 0.005 on fractions.  A real drop is larger than one flipped decision.
NOISE_PERCENT, NOISE_FRACTION = 0.3, 0.005


def noise(value: float) -> float:
    return NOISE_PERCENT if value > 1.0 else NOISE_FRACTION


def _run(cmd: list[str], timeout: int = 1800) -> str:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[1:3])} failed: {proc.stderr.strip()[-1500:]}")
    return proc.stdout


def _last(out: str, pattern: str) -> re.Match:
    for line in reversed(out.strip().splitlines()):
        m = re.search(pattern, line)
        if m:
            return m
    raise RuntimeError(f"no line matching {pattern!r} in the output")


def polnear_dev30() -> dict[str, float]:
    """Attribution spans through the real CLI on the first 30 PolNeAR dev articles (exact F1, %)."""
    out = _run([PY, "benchmarks/polnear.py", "--split", "dev", "--limit", "30"])
    m = _last(out, r"polnear exact F1 source ([\d.]+) cue ([\d.]+) content ([\d.]+)")
    return {"polnear_dev30.source": float(m[1]), "polnear_dev30.cue": float(m[2]), "polnear_dev30.content": float(m[3])}


def seeds_dev_gold() -> dict[str, float]:
    """The seeds through the CLI, scored against the dev gold (reports 000 and 004)."""
    exe = os.path.join(os.path.dirname(PY), "newstrace")
    with tempfile.TemporaryDirectory() as tmp:
        db, out = os.path.join(tmp, "gate.db"), os.path.join(tmp, "export.json")
        _run([exe, "--db", db, "ingest", os.path.join(SHARED, "corpus", "seeds")])
        _run([exe, "--db", db, "export", "--format", "json", "--output", out])
        res = json.loads(_run([PY, os.path.join(SHARED, "eval", "score.py"), out,
                               os.path.join(SHARED, "eval", "gold", "dev.yaml"), "--json"]))
    return {"seeds.statements_f1": res["statements"]["f1"], "seeds.speaker_accuracy": res["speaker_accuracy"],
            "seeds.stance_accuracy": res["stance_accuracy"], "seeds.claims_f1": res["claims_pairwise"]["f1"]}


def script_check(name: str, cmd: list[str], pattern: str, scale: float = 1.0):
    def check() -> dict[str, float]:
        return {name: float(_last(_run([PY] + cmd), pattern)[1]) * scale}
    check.__doc__ = " ".join(cmd)
    return check


CHECKS = {
    "polnear": polnear_dev30,
    "seeds": seeds_dev_gold,
    "stance": script_check("stance.accuracy", ["benchmarks/stance.py"], r"stance accuracy ([\d.]+)"),
    "speakers": script_check("speakers.accuracy", ["benchmarks/speakers.py"], r"speaker accuracy ([\d.]+)"),
    "gap": script_check("gap_validation.f1", ["benchmarks/gap.py", os.path.join(SHARED, "data", "gap", "gap-validation.tsv")],
                        r"GAP overall F1 ([\d.]+)"),
    "ecbplus": script_check("ecbplus_dev.conll_f1", ["benchmarks/ecbplus.py"], r"CoNLL F1 ([\d.]+)"),
    "sentences": script_check("sentences.accuracy", ["benchmarks/sentences.py"], r"sentence splitting accuracy ([\d.]+)"),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", choices=sorted(CHECKS), help="run only these checks")
    ap.add_argument("--raise-floors", action="store_true", help="raise floors to the figures measured now")
    ap.add_argument("--lower-floors", metavar="REASON", help="allow lowering floors; the reason is recorded")
    args = ap.parse_args()
    floors = json.load(open(FLOORS, encoding="utf-8")) if os.path.exists(FLOORS) else {"floors": {}}
    pinned: dict[str, float] = floors["floors"]
    measured: dict[str, float] = {}
    failed: list[str] = []
    for name in args.only or list(CHECKS):
        t0 = time.time()
        try:
            got = CHECKS[name]()
        except Exception as exc:  # noqa: BLE001 - a check that cannot run is reported, the rest go on
            print(f"{name}: not measured ({exc})")
            failed.extend(k for k in pinned if k.split(".")[0].startswith(name))
            continue
        measured.update(got)
        for key, value in got.items():
            floor = pinned.get(key)
            verdict = "no floor" if floor is None else ("ok" if value >= floor - noise(floor) else "BELOW FLOOR")
            if verdict == "BELOW FLOOR":
                failed.append(key)
            print(f"{key:32s} {value:8.3f}  floor {'-' if floor is None else f'{floor:.3f}':>8s}  {verdict}")
        print(f"  ({name}: {time.time() - t0:.0f}s)", flush=True)
    if args.raise_floors or args.lower_floors:
        for key, value in measured.items():
            old = pinned.get(key)
            if old is None or value > old or args.lower_floors:
                pinned[key] = round(value, 3)
        if args.lower_floors:
            floors.setdefault("lowered", []).append({"date": time.strftime("%Y-%m-%d"), "reason": args.lower_floors})
        with open(FLOORS, "w", encoding="utf-8") as f:
            json.dump(floors, f, indent=1, sort_keys=True)
            f.write("\n")
        print(f"floors written to {FLOORS}")
        failed = [k for k in failed if k not in measured or measured[k] < pinned[k] - noise(pinned[k])]
    if failed:
        print("gate FAILED: " + ", ".join(sorted(set(failed))))
        return 1
    print("gate passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
