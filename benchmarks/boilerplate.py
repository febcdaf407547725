"""Precision and recall of boilerplate line removal on the labelled line set.

Labels live in tests/data/boilerplate_labels.yaml as {file: {line_number: kind}} for the lines
that must go (every other non-blank line must stay); line numbers are 1-based in the text the
cleaner receives.  Files: the seeds (../shared/corpus/seeds, read at run time) and the example
corpus (examples/corpus).  An HTML file is read through the ingest stage ("name.html") and
through its plain-text fallback ("name.html#plain").

    .venv/bin/python benchmarks/boilerplate.py [--show]
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from newstrace.clean import clean_report
from newstrace.model import RawReport

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "data" / "boilerplate_labels.yaml"
FOLDERS = {"seeds": ROOT.parent / "shared" / "corpus" / "seeds", "examples": ROOT / "examples" / "corpus"}


@dataclass
class Result:
    files: int = 0
    lines: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    gold_kinds: Counter = field(default_factory=Counter)  # gold kind -> lines
    found_kinds: Counter = field(default_factory=Counter)  # gold kind -> lines removed
    pred_kinds: Counter = field(default_factory=Counter)  # predicted kind -> lines
    pred_right: Counter = field(default_factory=Counter)  # predicted kind -> lines that should go
    same_kind: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def _metadata(folder: Path) -> dict:
    path = folder / "metadata.yaml"
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}


def _raw_from_text(path: Path, meta: dict) -> RawReport:
    extra = tuple((k, str(v)) for k, v in meta.items() if k in ("via", "language_note"))
    return RawReport(str(path), path.read_text(encoding="utf-8"), title=meta.get("title"),
                     outlet=meta.get("outlet"), author=meta.get("author"), extra=extra)


def _raw_from_html(path: Path, meta: dict, plain: bool) -> RawReport | None:
    try:
        from newstrace.ingest.html import extract_html, plain_page
    except ImportError:
        return None
    html = path.read_text(encoding="utf-8")
    if plain:
        page = plain_page(html)
        return RawReport(str(path), page.text, title=page.title, outlet=meta.get("outlet"),
                         author=meta.get("author"), media_type="text/html")
    raw = extract_html(html, str(path))
    return RawReport(raw.source, raw.text, title=raw.title, outlet=meta.get("outlet") or raw.outlet,
                     author=meta.get("author") or raw.author, media_type="text/html")


def load_reports(labels: dict) -> dict[str, RawReport]:
    """Labelled key -> RawReport, for every labelled file present on this machine."""
    out = {}
    for key in labels:
        folder_name, _, name = key.partition("/")
        name, _, variant = name.partition("#")
        folder = FOLDERS.get(folder_name)
        if folder is None or not (folder / name).exists():
            continue
        meta = _metadata(folder).get(name) or {}
        if name.endswith((".html", ".htm")):
            raw = _raw_from_html(folder / name, meta, plain=variant == "plain")
        else:
            raw = _raw_from_text(folder / name, meta)
        if raw is not None:
            out[key] = raw
    return out


def evaluate(labels_path: Path = LABELS, show: bool = False) -> Result:
    labels = yaml.safe_load(labels_path.read_text(encoding="utf-8"))
    res = Result()
    # outlets with several reports in one folder: the cleaner sees no cross-report counts here
    for key, raw in load_reports(labels).items():
        gold = {int(k): v for k, v in (labels[key] or {}).items()}
        clean = clean_report(raw)
        lines = raw.text.splitlines()
        pred = {raw.text.count("\n", 0, r.start) + 1: r.kind for r in clean.removals}
        res.files += 1
        for no, line in enumerate(lines, 1):
            if not line.strip():
                continue
            res.lines += 1
            g, p = gold.get(no), pred.get(no)
            if g:
                res.gold_kinds[g] += 1
            if p:
                res.pred_kinds[p] += 1
            if g and p:
                res.tp += 1
                res.found_kinds[g] += 1
                res.pred_right[p] += 1
                res.same_kind += g == p
                if show and g != p:
                    res.errors.append(f"{key}:{no} kind {p} (gold {g}): {line[:70]!r}")
            elif p:
                res.fp += 1
                res.errors.append(f"{key}:{no} FALSE REMOVAL {p}: {line[:70]!r}" if show else f"{key}:{no} fp")
            elif g:
                res.fn += 1
                res.errors.append(f"{key}:{no} MISSED {g}: {line[:70]!r}" if show else f"{key}:{no} fn")
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", action="store_true", help="print each wrong line (text shown, never stored)")
    args = ap.parse_args(argv)
    res = evaluate(show=args.show)
    f1 = 2 * res.precision * res.recall / (res.precision + res.recall) if res.tp else 0.0
    print(f"files {res.files}  non-blank lines {res.lines}  to remove {res.tp + res.fn}  removed {res.tp + res.fp}")
    print(f"overall  precision {res.precision:.3f}  recall {res.recall:.3f}  F1 {f1:.3f}  "
          f"kind agreement {res.same_kind}/{res.tp}")
    print(f"{'kind':16s} {'gold':>5s} {'recall':>7s} {'pred':>5s} {'precision':>9s}")
    for kind in sorted(set(res.gold_kinds) | set(res.pred_kinds)):
        g, p = res.gold_kinds[kind], res.pred_kinds[kind]
        rec = f"{res.found_kinds[kind] / g:.3f}" if g else "-"
        prec = f"{res.pred_right[kind] / p:.3f}" if p else "-"
        print(f"{kind:16s} {g:5d} {rec:>7s} {p:5d} {prec:>9s}")
    for e in res.errors:
        print("  " + e)
    return 0


if __name__ == "__main__":
    sys.exit(main())
