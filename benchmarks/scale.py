"""Scale of cross-report resolution: time and memory of entity resolution and claim clustering at 1k-100k statements.

usage: python benchmarks/scale.py [--reports 300] [--sizes 1000,10000,100000] [--cache PATH] [--recall]

1. Extract once: PolNeAR train texts go through the real per-report stage
   (`newstrace.process.process_chunk`); every distinct claim text is encoded once with the
   packaged MiniLM.  Both are cached in `--cache` (a pickle), so later runs skip this step.
2. Grow: to reach N statements without re-parsing, reports are repeated with perturbations —
   person names recombined (first names and surnames swapped across the corpus), other names
   swapped within their label, numbers changed, content words lightly shuffled — and each copy's
   claim vectors are the original vector plus Gaussian noise (re-normalised).  So the benchmark
   measures resolution, not encoding or parsing.
3. Resolve: for each size, a fresh `EntityResolver` and `ClaimClusterer` are fed report by report
   (as `resolve/update.py` does during ingest, without the store).  Printed per size: total
   seconds (timed without tracemalloc, which slows Python several-fold), the RSS the run added
   (current RSS after minus before) and the process's peak RSS, the growth exponent
   (slope of log CPU time vs log N from the previous size; CPU time, because on a shared machine
   other jobs stretch wall time, which is printed beside it), and the time to add one more report to
   the largest store.  Targets: exponent <= 1.2, one more report < 1 s.
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one BLAS thread: CPU time then counts work, not spinning
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import math
import pickle
import random
import re
import resource
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from _common import polnear_texts

from newstrace.model import Extraction, Mention, RawReport, Statement
from newstrace.resolve.claims import ClaimClusterer, ClaimItem, claim_text, is_claim_worthy
from newstrace.resolve import names as nm
from newstrace.resolve.entities import EntityResolver

DEFAULT_CACHE = Path("/tmp/newstrace-scale-cache.pkl")
_NUM = re.compile(r"\d+")


@dataclass(frozen=True)
class Base:
    """One extracted report and the vectors of its claim texts (keyed by text)."""

    doc: str
    published: str | None
    extraction: Extraction


# --------------------------------------------------------------------------- step 1: extract once
def extract_corpus(limit: int, cache: Path) -> tuple[list[Base], dict[str, np.ndarray]]:
    """Run the real per-report stage on PolNeAR train texts and encode claim texts once (cached)."""
    if cache.exists():
        with cache.open("rb") as f:
            data = pickle.load(f)
        if data["limit"] >= limit:
            return [Base(*b) for b in data["bases"][:limit]], data["vectors"]
    from newstrace.process import process_chunk
    from newstrace.resolve.embeddings import encode
    from newstrace.settings import load_settings

    settings = load_settings()
    files = polnear_texts("train", limit)
    bases: list[Base] = []
    t = time.perf_counter()
    for i in range(0, len(files), 16):
        raws = [RawReport(source=str(f), text=f.read_text(encoding="utf-8"), published="2016-10-01")
                for f in files[i:i + 16]]
        for out in process_chunk(raws, settings):
            if hasattr(out, "extraction"):
                bases.append(Base(out.raw.source, out.published, out.extraction))
        print(f"  extracted {len(bases)} reports ({time.perf_counter() - t:.0f} s)", file=sys.stderr)
    texts = sorted({claim_text(st) for b in bases for st in b.extraction.statements if is_claim_worthy(st)})
    t = time.perf_counter()
    vecs = encode(texts)
    print(f"  encoded {len(texts)} claim texts ({time.perf_counter() - t:.0f} s)", file=sys.stderr)
    vectors = dict(zip(texts, vecs))
    with cache.open("wb") as f:
        pickle.dump({"limit": limit, "bases": [(b.doc, b.published, b.extraction) for b in bases], "vectors": vectors}, f)
    return bases, vectors


# --------------------------------------------------------------------------- step 2: grow by perturbation
class Perturber:
    """Makes copy `c` of a report: names recombined or swapped, numbers changed, words shuffled."""

    def __init__(self, bases: list[Base], seed: int = 0) -> None:
        self.rng = random.Random(seed)
        firsts, lasts, by_label = set(), set(), {}
        self.places: dict[str, tuple] = {}  # name -> (lat, lon, country) as the extractor geocoded it
        for b in bases:
            for m in b.extraction.mentions:
                self.places.setdefault(m.name, (m.lat, m.lon, m.country))
                words = m.name.split()
                if m.label == "PERSON" and len(words) == 2 and all(w[:1].isupper() for w in words):
                    firsts.add(words[0])
                    lasts.add(words[1])
                elif m.label != "PERSON":
                    by_label.setdefault(m.label, set()).add(m.name)
        self.firsts, self.lasts = sorted(firsts), sorted(lasts)
        self.by_label = {k: sorted(v) for k, v in by_label.items()}

    def name_map(self, base: Base) -> dict[str, str]:
        """Per copy: each full person name gets a new first+last; its surname follows it."""
        out: dict[str, str] = {}
        for m in base.extraction.mentions:
            words = m.name.split()
            if m.name in out:
                continue
            if m.label == "PERSON" and len(words) == 2 and self.firsts:
                new = f"{self.rng.choice(self.firsts)} {self.rng.choice(self.lasts)}"
                out[m.name] = new
                out.setdefault(words[1], new.split()[1])
            elif m.label in self.by_label and self.rng.random() < 0.5:
                out[m.name] = self.rng.choice(self.by_label[m.label])
        return out

    def text(self, text: str, names: dict[str, str]) -> str:
        for old in sorted(names, key=len, reverse=True):
            text = text.replace(old, names[old])
        text = _NUM.sub(lambda mt: str(int(mt.group()) + self.rng.randint(1, 9)), text)
        words = text.split()
        for _ in range(max(1, len(words) // 12)):  # light local shuffling
            if len(words) > 3:
                i = self.rng.randrange(len(words) - 1)
                words[i], words[i + 1] = words[i + 1], words[i]
        return " ".join(words)

    def copy(self, base: Base, c: int) -> Base:
        if c == 0:
            return base
        names = self.name_map(base)
        ms = tuple(self._renamed(m, names) for m in base.extraction.mentions)
        sts = tuple(replace(st, content=self.text(st.content, names), sentence_text=self.text(st.sentence_text, names),
                            speaker_name=names.get(st.speaker_name, st.speaker_name) if st.speaker_name else None)
                    for st in base.extraction.statements)
        return Base(f"{base.doc}#{c}", base.published, replace(base.extraction, mentions=ms, statements=sts))


    def _renamed(self, m: Mention, names: dict[str, str]) -> Mention:
        """The mention under its new name; a swapped place takes the new name's coordinates."""
        name = names.get(m.name, m.name)
        if name == m.name:
            return replace(m, text=names.get(m.text, m.text))
        lat, lon, country = self.places.get(name, (None, None, None))
        return replace(m, text=names.get(m.text, m.text), name=name, lat=lat, lon=lon, country=country)


class CachedEncoder:
    """Encoder that never runs a model: a copy's vector is its original's plus noise, re-normalised."""

    def __init__(self, noise: float = 0.03, seed: int = 0) -> None:
        self.table: dict[str, np.ndarray] = {}
        self.noise = noise
        self.rng = np.random.default_rng(seed)

    def register(self, text: str, original: np.ndarray, copy: int) -> None:
        if copy == 0:
            self.table[text] = original
            return
        v = original + self.rng.normal(0.0, self.noise, original.shape).astype(np.float32)
        self.table[text] = v / np.linalg.norm(v)

    def __call__(self, texts) -> np.ndarray:
        return np.stack([self.table[t] for t in texts]) if texts else np.zeros((0, 384), dtype=np.float32)


def claim_items(doc: str, base: Base, keys: list[str], resolver: EntityResolver) -> list[ClaimItem]:
    """ClaimItems as `resolve/update.py` builds them: entities, times and quantities inside each statement."""
    ex = base.extraction
    items = []
    for j, st in enumerate(ex.statements):
        ents = tuple(dict.fromkeys(k for m, k in zip(ex.mentions, keys) if m.start >= st.start and m.end <= st.end))
        speaker = keys[st.speaker_mention] if st.speaker_mention is not None and st.speaker_mention < len(keys) \
            else resolver.lookup(st.speaker_name) if st.speaker_name else None
        chains: list[str] = []
        for k in ents:
            chains.extend(resolver.chain_of(k))
        items.append(ClaimItem(
            id=f"{doc}:s{j}", document=doc, statement=st, published=base.published, speaker=speaker, entities=ents,
            times=tuple(t.value for t in ex.times if t.statement == j),
            quantities=tuple(q.values for q in ex.quantities if q.statement == j),
            speaker_chain=resolver.chain_of(speaker) if speaker else (), entity_chains=tuple(dict.fromkeys(chains))))
    return items


# --------------------------------------------------------------------------- step 3: resolve
def stream(bases: list[Base], vectors: dict[str, np.ndarray], target: int, encoder: CachedEncoder,
           perturber: Perturber):
    """Reports (copies of the bases in turn) until `target` statements have been produced."""
    total, c = 0, 0
    while True:
        for b in bases:
            if total >= target:
                return
            cp = perturber.copy(b, c)
            for st0, st in zip(b.extraction.statements, cp.extraction.statements):
                if is_claim_worthy(st):
                    encoder.register(claim_text(st), _vector_for(vectors, st0), c)
            total += len(cp.extraction.statements)
            yield cp
        c += 1


def _vector_for(vectors: dict[str, np.ndarray], st: Statement) -> np.ndarray:
    """The cached vector of a statement's claim text (a copy may be claim-worthy when its original was not)."""
    for text in (claim_text(st), st.content, st.sentence_text):
        if text in vectors:
            return vectors[text]
    keys = list(vectors)
    return vectors[keys[hash(st.sentence_text) % len(keys)]]


def add_one(resolver: EntityResolver, clusterer: ClaimClusterer, rep: Base) -> None:
    keys = resolver.add_report(rep.doc, rep.extraction.mentions, [s.speaker_name for s in rep.extraction.statements])
    clusterer.add_report(claim_items(rep.doc, rep, keys, resolver))


def run_size(bases: list[Base], vectors: dict[str, np.ndarray], n: int) -> dict:
    encoder, perturber = CachedEncoder(), Perturber(bases)
    reports = list(stream(bases, vectors, n + 200, encoder, perturber))
    extra = reports[-5:]
    reports = _upto(reports[:-5], n)
    warm = EntityResolver()  # load the alias table and the gazetteer place index before the clock
    warm.add_report("warm", bases[0].extraction.mentions)
    nm.place_ids("London"), nm.alias_table()
    resolver, clusterer = EntityResolver(), ClaimClusterer(encoder)
    rss0 = _rss_mib()
    # CPU time of this process: on a shared machine other jobs inflate wall time, not this
    wall, t = time.perf_counter(), time.process_time()
    ent_s = 0.0
    for rep in reports:
        t0 = time.process_time()
        keys = resolver.add_report(rep.doc, rep.extraction.mentions, [s.speaker_name for s in rep.extraction.statements])
        ent_s += time.process_time() - t0
        clusterer.add_report(claim_items(rep.doc, rep, keys, resolver))
    seconds, wall = time.process_time() - t, time.perf_counter() - wall
    grown = _rss_mib() - rss0
    one = []
    for rep in extra:
        t0 = time.process_time()
        add_one(resolver, clusterer, rep)
        one.append(time.process_time() - t0)
    return {"n": sum(len(r.extraction.statements) for r in reports), "reports": len(reports), "seconds": seconds, "wall": wall,
            "entity_seconds": ent_s, "rss_grown_mib": grown, "one_more": float(np.median(one)),
            "one_more_max": max(one), "entities": len(resolver.entities()), "claims": len(clusterer.claims()),
            "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure_recall(vectors: dict[str, np.ndarray], n: int, k: int = 12, queries: int = 300) -> dict:
    """Recall@k of VectorIndex.search vs exact search, at n rows (real MiniLM vectors plus noisy copies)."""
    from newstrace.resolve.embeddings import VectorIndex

    real = np.stack(list(vectors.values()))
    rng = np.random.default_rng(2)
    idx = VectorIndex()
    t = time.perf_counter()
    for start in range(0, n, 1000):
        rows = real[rng.integers(0, len(real), min(1000, n - start))]
        rows = rows + rng.normal(0.0, 0.03, rows.shape).astype(np.float32) if start >= len(real) else rows
        rows = rows / np.linalg.norm(rows, axis=1, keepdims=True)
        idx.add([str(start + i) for i in range(len(rows))], rows)
    build = time.perf_counter() - t
    qs = real[rng.choice(len(real), queries, replace=False)]
    qs = qs + rng.normal(0.0, 0.03, qs.shape).astype(np.float32)
    qs /= np.linalg.norm(qs, axis=1, keepdims=True)
    hit = tot = hit_close = tot_close = 0
    t_graph = t_exact = 0.0
    for q in qs:
        t0 = time.perf_counter()
        got = {i for i, _ in idx.search(q, k, 0.3)}
        t1 = time.perf_counter()
        exact = idx.search_exact(q, k, 0.3)
        t_exact += time.perf_counter() - t1
        t_graph += t1 - t0
        hit += len(got & {i for i, _ in exact})
        tot += len(exact)
        close = {i for i, sc in exact if sc >= 0.7}  # the neighbours that can join a claim
        hit_close += len(got & close)
        tot_close += len(close)
    return {"n": n, "recall": hit / max(1, tot), "recall_close": hit_close / max(1, tot_close),
            "ms_graph": 1000 * t_graph / queries, "ms_exact": 1000 * t_exact / queries, "build_s": build}


def _rss_mib() -> float:
    """Current resident set size of this process in MiB (Linux /proc; 0 elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * resource.getpagesize() / 2**20


def _upto(reports: list[Base], n: int) -> list[Base]:
    out, total = [], 0
    for r in reports:
        if total >= n:
            break
        out.append(r)
        total += len(r.extraction.statements)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=300, help="PolNeAR train reports to extract (once, cached)")
    ap.add_argument("--sizes", default="1000,10000,100000", help="statement counts to resolve")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--extract-only", action="store_true")
    ap.add_argument("--recall", action="store_true", help="also measure VectorIndex recall vs exact search")
    args = ap.parse_args()
    bases, vectors = extract_corpus(args.reports, args.cache)
    n_st = sum(len(b.extraction.statements) for b in bases)
    print(f"base corpus: {len(bases)} PolNeAR reports, {n_st} statements, {len(vectors)} encoded claim texts")
    if args.extract_only:
        return
    print("vectors are cached (copies: original + noise), so times are resolution only, not encoding")
    print(f"{'N':>8} {'reports':>7} {'CPU s':>8} {'wall s':>8} {'entity s':>8} {'+RSS MiB':>8} {'peak RSS':>8} "
          f"{'exponent':>8} {'+1 report s':>11} {'entities':>8} {'claims':>7}")
    if args.recall:
        print("VectorIndex recall vs exact (k=12, cosine >= 0.3; 'close' = exact neighbours with cosine >= 0.7)")
        for n in (5000, 20000, 100000):
            r = measure_recall(vectors, n)
            print(f"  {r['n']:>7} rows: recall@12 {r['recall']:.3f}  close {r['recall_close']:.3f}  "
                  f"search {r['ms_graph']:.2f} ms (exact {r['ms_exact']:.2f} ms)  build {r['build_s']:.1f} s", flush=True)
    prev = None
    for n in (int(x) for x in args.sizes.split(",")):
        r = run_size(bases, vectors, n)
        exp = math.log(r["seconds"] / prev["seconds"]) / math.log(r["n"] / prev["n"]) if prev else float("nan")
        print(f"{r['n']:>8} {r['reports']:>7} {r['seconds']:>8.1f} {r['wall']:>8.1f} {r['entity_seconds']:>8.1f} {r['rss_grown_mib']:>8.0f} "
              f"{r['rss_mib']:>8.0f} {exp:>8.2f} {r['one_more']:>11.3f} {r['entities']:>8} {r['claims']:>7}", flush=True)
        prev = r
    print(f"targets: exponent <= 1.2, one more report < 1 s (largest: median {prev['one_more']:.3f} s, "
          f"max {prev['one_more_max']:.3f} s)")


if __name__ == "__main__":
    main()
