"""Scale of cross-report resolution at 1k-100k statements: the in-memory resolver (default) or the
whole cross-report path (--whole).

usage: python benchmarks/scale.py [--reports 300] [--sizes 1000,10000,100000] [--cache PATH] [--recall]
       python benchmarks/scale.py --whole [--reports 300] [--sizes ...] [--cache PATH] [--work DIR] [--profile ROWS]

1. Extract once: PolNeAR train texts go through the real per-report stage
   (`newstrace.process.process_chunk`); every distinct claim text is encoded once with the
   packaged MiniLM.  Both, and the cleaned texts, are cached in `--cache` (a pickle), so later runs
   skip this step (a cache written before --whole existed lacks the texts: --whole redoes it).
2. Grow: to reach N statements without re-parsing, reports are repeated with perturbations —
   person names recombined (first names and surnames swapped across the corpus), other names
   swapped within their label, numbers changed, content words lightly shuffled — and each copy's
   claim vectors are the original vector plus Gaussian noise (re-normalised).  So the benchmark
   measures resolution, not encoding or parsing.
3. Resolve (default mode): for each size, a fresh `EntityResolver` and `ClaimClusterer` are fed
   report by report (as `resolve/update.py` does during ingest, without the store).  Printed per
   size: total seconds (timed without tracemalloc, which slows Python several-fold), the RSS the run
   added (current RSS after minus before) and the process's peak RSS, the growth exponent
   (slope of log CPU time vs log N from the previous size; CPU time, because on a shared machine
   other jobs stretch wall time, which is printed beside it), and the time to add one more report to
   the largest store.
3'. Whole path (--whole): for each size, the copies are written as text files and ingested by
   `newstrace.api.ingest` into a fresh SQLite store: the real readers, the duplicate index, the
   writer lock, `_store_one` (rows, entity resolution, claim matching, figures) and
   `Resolution.finish` (the end-of-run claim analysis), unchanged.  Only the per-report stage
   (`newstrace.engine.process_reports`) is replaced by the prepared `ProcessedReport`s, whose
   `claim_vectors` carry every claim-worthy statement's vector, so the writer never parses or
   encodes.  Each copy's text is reworded (in every sentence, line and quotation two words outside
   names, quantities and dates become other corpus words of the same length, so spans hold and no
   copy repeats another's sentences) and a metadata.yaml gives each an outlet of twelve, a date
   and a title.  Printed per size: statements, reports, wall and CPU seconds of the ingest, the CPU
   seconds of store and resolution (all reports; and per report), of the claim analysis, of
   start-up (restoring entities and the duplicate index), the rest (reading the files, lock,
   corrections), the growth exponent of the whole CPU time, counts and peak RSS.  Then on the
   largest store: one more report, each a fresh ingest run (median of three): its start-up
   (entities, duplicate index, the claim clusterer rebuilt from stored vectors) apart from the add
   (store and resolution, claim analysis); then two rounds of a long-running ingest (`ingest
   --watch`, `api.WarmState`): the first loads the state, the second adds one more report with the
   state kept in memory; then `api.brief` (markdown) and the JSON export.
   `--profile ROWS` runs the largest size's writer and the brief under cProfile (their times are
   then inflated), prints the top ROWS functions by cumulative time and leaves writer.prof and
   brief.prof in the work folder (give --work to keep them).

--whole prints `growth exponent X.XX` (of the largest step) last.  Targets (issue 12): exponent
<= 1.2 with the whole path; one more report < 1 s on the 100k store; the brief of the 100k store
< 30 s.
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one BLAS thread: CPU time then counts work, not spinning
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import bisect
import itertools
import json
import math
import pickle
import random
import re
import resource
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
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
    """One extracted report: its extraction, and (for --whole) the cleaned text its spans refer to."""

    doc: str
    published: str | None
    extraction: Extraction
    text: str | None = None  # cleaned text (absent from caches written before --whole)
    paragraphs: tuple[tuple[int, int], ...] = ()


# --------------------------------------------------------------------------- step 1: extract once
def extract_corpus(limit: int, cache: Path, need_text: bool = False) -> tuple[list[Base], dict[str, np.ndarray]]:
    """Run the real per-report stage on PolNeAR train texts and encode claim texts once (cached).

    `need_text`: the cleaned texts are needed too (--whole); a cache written without them is redone."""
    if cache.exists():
        with cache.open("rb") as f:
            data = pickle.load(f)
        bases = [Base(*b) for b in data["bases"][:limit]]
        if data["limit"] >= limit and (not need_text or all(b.text is not None for b in bases)):
            return bases, data["vectors"]
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
                bases.append(Base(out.raw.source, out.published, out.extraction, out.clean.text,
                                  out.clean.paragraphs))
        print(f"  extracted {len(bases)} reports ({time.perf_counter() - t:.0f} s)", file=sys.stderr)
    texts = sorted({claim_text(st) for b in bases for st in b.extraction.statements if is_claim_worthy(st)})
    t = time.perf_counter()
    vecs = encode(texts)
    print(f"  encoded {len(texts)} claim texts ({time.perf_counter() - t:.0f} s)", file=sys.stderr)
    vectors = dict(zip(texts, vecs))
    with cache.open("wb") as f:
        pickle.dump({"limit": limit, "bases": [(b.doc, b.published, b.extraction, b.text, b.paragraphs) for b in bases],
                     "vectors": vectors}, f)
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
        return Base(f"{base.doc}#{c}", base.published, replace(base.extraction, mentions=ms, statements=sts),
                    base.text, base.paragraphs)


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


# --------------------------------------------------------------------------- --whole: the real writer
OUTLETS = ("Morning Ledger", "Evening Post", "Harbour Gazette", "Capital Wire", "Northern Courier",
           "Daily Sentinel", "Weekly Observer", "Coastal Herald", "River Times", "Valley Tribune",
           "Metro Chronicle", "Frontier Journal")  # copies are spread over outlets, as a real corpus is
_LOWER = re.compile(r"\b[a-z]{3,}\b")  # the corpus words a copy may put in
_WORDISH = re.compile(r"\b[A-Za-z][A-Za-z]{2,}\b")  # the words a copy may change (outside names: see Rewording)
_PIECE = re.compile(r"[^.!?\n]+")  # a sentence or a line, as the duplicate index splits them
_QUOTED = re.compile(r"[“\"]([^”“\"\n]{20,})[”\"]")  # a quotation (the index keys those too)


@dataclass(frozen=True)
class Prepared:
    """One perturbed report as the per-report stage would hand it to the writer."""

    name: str  # file stem in the ingest folder
    text: str  # the file's text, which is also its cleaned text (spans of `extraction` refer to it)
    outlet: str
    published: str
    title: str | None  # given in the metadata (else the first line is the title)
    extraction: Extraction
    paragraphs: tuple[tuple[int, int], ...]
    fingerprint: str
    claim_vectors: tuple[tuple[str, bytes], ...]


class Rewording:
    """Copy texts that repeat no sentence of another copy, at the same length.

    In each sentence, line and quotation, two words outside quantities and dates (and outside names,
    unless the piece holds nothing else) are replaced by other words of the corpus of the same
    length, in the same case: every span of the
    extraction still holds, but the duplicate index sees no passage shared between copies (it
    would otherwise relate every copy of a report to every other)."""

    def __init__(self, texts: list[str], seed: int) -> None:
        by_length: dict[int, set[str]] = {}
        for text in texts:
            for w in _LOWER.findall(text):
                by_length.setdefault(len(w), set()).add(w)
        self.vocab = {n: sorted(ws) for n, ws in by_length.items() if len(ws) > 1}
        self.rng = random.Random(seed)

    def __call__(self, text: str, ex: Extraction, per_piece: int = 2) -> str:
        names = _Spans([(m.start, m.end) for m in ex.mentions])
        numbers = _Spans([(q.start, q.end) for q in ex.quantities] + [(t.start, t.end) for t in ex.times])
        out = list(text)
        pieces = [(m.start(), m.end()) for m in _PIECE.finditer(text)] + [m.span(1) for m in _QUOTED.finditer(text)]
        for a, b in pieces:
            words = [m.span() for m in _WORDISH.finditer(text, a, b) if len(m.group()) in self.vocab
                     and numbers.free(*m.span())]
            # outside names, unless the piece is all names (a headline the tagger took for one)
            words = [w for w in words if names.free(*w)] or words
            for i, j in self.rng.sample(words, min(per_piece, len(words))):
                new = self.rng.choice(self.vocab[j - i])
                out[i:j] = new.upper() if text[i:j].isupper() else new.capitalize() if text[i].isupper() else new
        return "".join(out)


class _Spans:
    """Spans, to ask whether a word overlaps none of them."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [a for a, _ in spans]
        self.reach = list(itertools.accumulate((b for _, b in spans), max))  # furthest end so far

    def free(self, a: int, b: int) -> bool:
        k = bisect.bisect_left(self.starts, b)  # the spans starting before the word ends
        return k == 0 or self.reach[k - 1] <= a


def prepare(bases: list[Base], vectors: dict[str, np.ndarray], n: int, extra: int = 3, seed: int = 0
            ) -> tuple[list[Prepared], list[Prepared]]:
    """Perturbed reports up to `n` statements, and `extra` more for the one-more-report runs.

    Copy `c` of a report: names and numbers of its statements perturbed as in the default mode,
    claim vectors = original + noise, its text reworded (`Rewording`; copy 0 keeps the cleaned original), its
    outlet one of OUTLETS, published `c` days after the original, its title dated."""
    from newstrace.clean import fingerprint
    from newstrace.resolve.claims import ClaimSettings

    encoder, perturber = CachedEncoder(seed=seed), Perturber(bases, seed)
    reword = Rewording([b.text for b in bases], seed + 1)
    min_words = ClaimSettings().min_content_words
    out: list[Prepared] = []
    seen: set[str] = set()
    counts: list[int] = []  # statements per report
    total = 0
    for i, rep in enumerate(stream(bases, vectors, 10**12, encoder, perturber)):
        if len(out) > extra and total - sum(counts[-extra:]) >= n:  # n statements, then `extra` more
            break
        k, c = i % len(bases), i // len(bases)
        text = bases[k].text if c == 0 else reword(rep.text, rep.extraction)
        if text in seen:  # a report too short to reword apart: a line of its own makes it distinct
            text = f"{text}\n\nCopy {i}."
        seen.add(text)
        ex = rep.extraction
        texts = dict.fromkeys(claim_text(st) for st in ex.statements if is_claim_worthy(st, min_words))
        published = (date.fromisoformat(rep.published or "2016-10-01") + timedelta(days=c)).isoformat()
        # a copy's title carries its date: copies of one report under one title in other outlets
        # would all be syndicated copies of each other
        title = f"{text.strip().splitlines()[0].strip()} ({published})" if c else None
        out.append(Prepared(f"{i:06d}", text, OUTLETS[(7 * k + c) % len(OUTLETS)], published, title, ex,
                            rep.paragraphs,
                            fingerprint(text),
                            tuple((t, encoder.table[t].astype(np.float32).tobytes()) for t in texts)))
        counts.append(len(ex.statements))
        total += counts[-1]
    return out[:-extra], out[-extra:]


def write_inputs(folder: Path, reports: list[Prepared]) -> None:
    """One text file per report, and the folder's metadata.yaml naming each one's outlet and date
    (read by the real readers)."""
    folder.mkdir(parents=True, exist_ok=True)
    for p in reports:
        (folder / f"{p.name}.txt").write_text(p.text, encoding="utf-8")
    (folder / "metadata.yaml").write_text("".join(  # JSON strings are YAML
        f"{p.name}.txt: {{outlet: {json.dumps(p.outlet)}, published: '{p.published}'"
        + (f", title: {json.dumps(p.title)}" if p.title else "") + "}\n" for p in reports), encoding="utf-8")


class Clock:
    """CPU and wall seconds of named writer functions, patched in for one ingest run."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = {}
        self.wall: dict[str, float] = {}

    def add(self, name: str, cpu: float, wall: float) -> None:
        self.cpu[name] = self.cpu.get(name, 0.0) + cpu
        self.wall[name] = self.wall.get(name, 0.0) + wall

    def wrap(self, name: str, fn):
        def timed(*args, **kwargs):
            c, w = time.process_time(), time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.add(name, time.process_time() - c, time.perf_counter() - w)
        return timed


@contextmanager
def real_writer(table: dict[str, Prepared], clock: Clock):
    """`api.ingest` as it is, with the per-report stage replaced by the prepared reports (so the
    writer never parses or encodes) and its parts timed: `load` (dedup index and entities restored),
    `restore` (the claim clusterer rebuilt from stored vectors, on the run's first report),
    `store` (per report: rows, entities, claims, figures — restore included), `finish` (the
    end-of-run claim analysis) and `decisions` (corrections re-applied)."""
    import newstrace.corrections as corrections
    import newstrace.engine as engine
    from newstrace import api
    from newstrace.model import CleanReport, OffsetMap, ProcessedReport
    from newstrace.resolve import update

    def process_reports(raws, settings, outlet_lines=None):
        for raw in raws:
            p = table[Path(raw.source).name.removesuffix(".txt")]
            clean = CleanReport(raw, p.text, OffsetMap.identity(len(p.text)), fingerprint=p.fingerprint,
                                paragraphs=p.paragraphs)
            yield ProcessedReport(raw, clean, p.extraction, raw.published or p.published,
                                  raw.published_from, p.claim_vectors)

    first_use = update.Resolution.clusterer

    def clusterer(self, session):
        if self._clusterer is not None:
            return first_use(self, session)
        return clock.wrap("restore", first_use)(self, session)

    load = update.Resolution.load  # bound to the class
    patches = [(engine, "process_reports", process_reports),
               (api, "_store_one", clock.wrap("store", api._store_one)),
               (api, "_load_duplicate_index", clock.wrap("load", api._load_duplicate_index)),
               (update.Resolution, "load", staticmethod(clock.wrap("load", load))),
               (update.Resolution, "clusterer", clusterer),
               (update.Resolution, "finish", clock.wrap("finish", update.Resolution.finish)),
               (corrections, "honour_decisions", clock.wrap("decisions", corrections.honour_decisions))]
    saved = [(obj, name, vars(obj)[name]) for obj, name, _ in patches]
    for obj, name, value in patches:
        setattr(obj, name, value)
    try:
        yield
    finally:
        for obj, name, value in saved:
            setattr(obj, name, value)


def ingest_timed(folder: Path, db: Path, table: dict[str, Prepared], profile=None, warm=None, store=None) -> dict:
    """One real ingest run of `folder` into the store `db`; CPU and wall seconds, whole and by part.
    `warm` and `store`: an `api.WarmState` and the open Database a long-running ingest keeps."""
    from newstrace import api
    from newstrace.settings import load_settings

    clock = Clock()
    settings = load_settings(db=str(db))
    with real_writer(table, clock):
        c, w = time.process_time(), time.perf_counter()
        if profile is not None:
            profile.enable()
        summary = api.ingest([str(folder)], settings, warm=warm, db=store)
        if profile is not None:
            profile.disable()
        cpu, wall = time.process_time() - c, time.perf_counter() - w
    failed = [r for r in summary.results if r.status != "stored"]
    if failed:
        raise SystemExit(f"{len(failed)} reports not stored, e.g. {failed[0]}")
    parts = {k: clock.cpu.get(k, 0.0) for k in ("load", "restore", "store", "finish", "decisions")}
    walls = {k: clock.wall.get(k, 0.0) for k in ("load", "restore", "store", "finish", "decisions")}
    return {"cpu": cpu, "wall": wall, "parts": parts, "walls": walls, "stored": summary.count("stored"),
            "statements": sum(r.statements for r in summary.results), "relations": len(summary.relations)}


def store_counts(db: Path) -> dict:
    from sqlalchemy import func, select

    from newstrace.store.db import Database
    from newstrace.store.schema import ClaimRow, EntityRow

    with Database(str(db), create=False).session() as s:
        return {"claims": s.scalar(select(func.count()).select_from(ClaimRow)),
                "entities": s.scalar(select(func.count()).select_from(EntityRow))}


def run_whole(bases: list[Base], vectors: dict[str, np.ndarray], sizes: list[int], work: Path,
              profile_rows: int = 0) -> None:
    """--whole: for each size a fresh SQLite store filled by the real ingest writer; on the largest,
    one more report (fresh runs) and the brief and JSON export."""
    import cProfile

    from newstrace import api
    from newstrace.resolve.embeddings import load_model
    from newstrace.settings import load_settings

    warm = prepare(bases, vectors, 60, extra=1, seed=99)[0][:3]  # imports, alias table, gazetteer: before any clock
    write_inputs(work / "warm", warm)
    ingest_timed(work / "warm", work / "warm.db", {p.name: p for p in warm})
    print("whole path: the real ingest writer (api.ingest, the per-report stage precomputed) into a fresh SQLite "
          "store per size; CPU seconds of this process")
    print(f"{'N':>8} {'reports':>7} {'wall s':>8} {'CPU s':>8} {'store s':>8} {'ms/rep':>7} {'analysis s':>10} "
          f"{'start s':>8} {'other s':>8} {'exponent':>8} {'claims':>7} {'entities':>8} {'relations':>9} {'peak RSS':>8}",
          flush=True)
    prev = last = None
    for n in sizes:
        reports, extra = prepare(bases, vectors, n, extra=5)  # 3 fresh runs, then 2 rounds of --watch
        folder, db = work / f"n{n}", work / f"n{n}.db"
        write_inputs(folder, reports)
        profile = cProfile.Profile() if profile_rows and n == sizes[-1] else None
        r = ingest_timed(folder, db, {p.name: p for p in reports}, profile)
        p = r["parts"]
        other = r["cpu"] - p["store"] - p["finish"] - p["load"] - p["decisions"]
        exp = math.log(r["cpu"] / prev["cpu"]) / math.log(r["statements"] / prev["statements"]) if prev else float("nan")
        counts = store_counts(db)
        print(f"{r['statements']:>8} {r['stored']:>7} {r['wall']:>8.1f} {r['cpu']:>8.1f} {p['store']:>8.1f} "
              f"{1000 * p['store'] / r['stored']:>7.1f} {p['finish']:>10.1f} {p['load']:>8.1f} {other:>8.1f} {exp:>8.2f} "
              f"{counts['claims']:>7} {counts['entities']:>8} {r['relations']:>9} "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:>8.0f}", flush=True)
        if profile is not None:
            print_profile(profile, profile_rows, f"writer at {r['statements']} statements (under cProfile: slower)")
            profile.dump_stats(str(work / "writer.prof"))  # for pstats: callers, callees
        prev, last = dict(r, exponent=exp), (n, db, extra)
    n, db, extra = last
    exp = prev["exponent"]
    runs = []
    for k, p in enumerate(extra[:3]):
        write_inputs(work / f"one{k}", [p])
        runs.append(ingest_timed(work / f"one{k}", db, {p.name: p}))
    med = lambda f: float(np.median([f(r) for r in runs]))  # noqa: E731
    start = med(lambda r: r["parts"]["load"] + r["parts"]["restore"])
    add = med(lambda r: r["parts"]["store"] - r["parts"]["restore"])
    fin = med(lambda r: r["parts"]["finish"])
    print(f"one more report to the {prev['statements']}-statement store (median of {len(runs)} fresh ingest runs, CPU s): "
          f"start-up {start:.2f} (entities and dedup index {med(lambda r: r['parts']['load']):.2f}, claim clusterer "
          f"{med(lambda r: r['parts']['restore']):.2f}); add {add + fin:.3f} (store and resolution {add:.3f}, claim "
          f"analysis {fin:.3f}); whole run {med(lambda r: r['cpu']):.2f} CPU, {med(lambda r: r['wall']):.2f} wall")
    # a long-running ingest (`ingest --watch`): its first round loads the store's state, the next
    # finds one new report and adds it with the state kept in memory
    from newstrace.store.db import Database

    store, warm = Database(str(db)), api.WarmState()
    rounds = []
    for k, p in enumerate(extra[3:5]):
        write_inputs(work / f"watch{k}", [p])
        rounds.append(ingest_timed(work / f"watch{k}", db, {p.name: p}, warm=warm, store=store))
    store.close()
    print(f"one more report to a running ingest (--watch, state kept: {warm.reused} of 2 rounds) on the "
          f"{prev['statements']}-statement store: first round {rounds[0]['cpu']:.2f} CPU s (loads the state), "
          f"next round {rounds[1]['cpu']:.3f} CPU s, {rounds[1]['wall']:.3f} wall")
    settings = load_settings(db=str(db))
    profile = cProfile.Profile() if profile_rows else None
    c, w = time.process_time(), time.perf_counter()
    if profile is not None:
        profile.enable()
    text = api.brief(settings, "md")
    if profile is not None:
        profile.disable()
    b_cpu, b_wall = time.process_time() - c, time.perf_counter() - w
    c, w = time.process_time(), time.perf_counter()
    api.export(settings, "json", str(work / "export.json"))
    e_cpu, e_wall = time.process_time() - c, time.perf_counter() - w
    print(f"brief (markdown) of the {prev['statements']}-statement store: {b_wall:.1f} s wall, {b_cpu:.1f} s CPU, "
          f"{len(text)} characters; JSON export {e_wall:.1f} s wall, {e_cpu:.1f} s CPU, "
          f"{(work / 'export.json').stat().st_size / 2**20:.0f} MiB")
    if profile is not None:
        print_profile(profile, profile_rows, "brief (under cProfile: slower)")
        profile.dump_stats(str(work / "brief.prof"))
    if load_model.cache_info().currsize:
        print("WARNING: the sentence encoder ran in the writer: some claim vectors were missing")
    print("targets: exponent <= 1.2, one more report < 1 s, brief of the 100k store < 30 s")
    print(f"growth exponent {exp:.2f}")


def print_profile(profile, rows: int, title: str) -> None:
    """The top `rows` functions by cumulative time, this benchmark's own wrappers left out."""
    import pstats

    st = pstats.Stats(profile)
    items = sorted(((v[3], v[2], v[1], k) for k, v in st.stats.items()  # type: ignore[attr-defined]
                    if k[2] not in ("timed", "clusterer", "process_reports") or "newstrace" in k[0]),
                   reverse=True)
    print(f"cProfile, {title}: top {rows} by cumulative seconds")
    print(f"  {'cum s':>8} {'own s':>8} {'calls':>9}  function")
    for cum, own, calls, (path, line, fn) in items[:rows]:
        where = path.split("/src/")[-1] if "/src/" in path else Path(path).name
        print(f"  {cum:>8.2f} {own:>8.2f} {calls:>9}  {where}:{line} {fn}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=300, help="PolNeAR train reports to extract (once, cached)")
    ap.add_argument("--sizes", default="1000,10000,100000", help="statement counts to resolve")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--extract-only", action="store_true")
    ap.add_argument("--recall", action="store_true", help="also measure VectorIndex recall vs exact search")
    ap.add_argument("--whole", action="store_true",
                    help="the whole cross-report path: the real ingest writer into SQLite, the brief and the export")
    ap.add_argument("--work", type=Path, help="--whole: folder for the inputs and stores (default: a temporary one)")
    ap.add_argument("--profile", type=int, default=0, metavar="ROWS",
                    help="--whole: cProfile the largest size's writer and the brief, print ROWS functions each")
    args = ap.parse_args()
    bases, vectors = extract_corpus(args.reports, args.cache, need_text=args.whole)
    n_st = sum(len(b.extraction.statements) for b in bases)
    print(f"base corpus: {len(bases)} PolNeAR reports, {n_st} statements, {len(vectors)} encoded claim texts")
    if args.extract_only:
        return
    if args.whole:
        sizes = [int(x) for x in args.sizes.split(",")]
        if args.work:
            run_whole(bases, vectors, sizes, args.work, args.profile)
        else:
            with tempfile.TemporaryDirectory(prefix="newstrace-scale-") as tmp:
                run_whole(bases, vectors, sizes, Path(tmp), args.profile)
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
