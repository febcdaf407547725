"""Start-up cost of the CLI: seconds of imports (`python -X importtime`) for `--help` and `status`.

Targets (issue 12): `--help` under 0.5 s, `status` under 1 s, neither importing a model or NLP library.
Run: .venv/bin/python benchmarks/cli_imports.py [--db PATH] [--repeat N]   (prints the median of N runs)
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HEAVY = ("torch", "spacy", "transformers", "faiss", "datasketch", "scipy", "sklearn", "wordfreq")


def import_seconds(*args: str) -> tuple[float, list[str]]:
    """Total self import time of one CLI run, and the heavy libraries it imported."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "newstrace.cli", *args],
                          capture_output=True, text=True, check=True)
    total, heavy = 0, set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "[us]" not in line:
            self_us, _cumulative, name = line[len("import time:"):].split("|")
            total += int(self_us)
            if name.strip().split(".")[0] in HEAVY:
                heavy.add(name.strip().split(".")[0])
    return total / 1e6, sorted(heavy)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="store for `status` (default: a new SQLite file)")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "store.db")
        if not args.db:  # a read command never creates a store; migrations are not start-up cost anyway
            subprocess.run([sys.executable, "-c", "import sys; from newstrace.api import open_database; "
                            "from newstrace.settings import Settings; open_database(Settings(db='sqlite:///' + sys.argv[1])).close()",
                            db], check=True)
        for name, argv in (("--help", ["--help"]), ("status", ["--db", db, "status"])):
            runs = [import_seconds(*argv) for _ in range(args.repeat)]
            heavy = sorted({h for _s, hs in runs for h in hs})
            print(f"{name}: {statistics.median(s for s, _h in runs):.3f} s of imports (median of {args.repeat}); "
                  f"model/NLP libraries: {', '.join(heavy) or 'none'}")


if __name__ == "__main__":
    main()
