"""Per-report processing of a batch: clean, parse, extract — in this process or in worker processes.

Each report is handled by pure functions (no database, no shared state), so a batch can be split
across processes now and across a distributed engine later.  A report that fails becomes an
`IngestProblem`; the rest of the batch goes on.
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import Iterable, Iterator, Mapping, Sequence

from .clean import clean_report, line_keys
from .clean.language import UNDETERMINED, detect_language
from .extract.nlp import load_nlp, parse_report, parse_reports
from .extract.pipeline import extract_report
from .extract.places import load_gazetteer
from .extract.tagger import Relation, load_tagger
from .errors import SettingError
from .extract.times import infer_published
from .model import CleanReport, Extraction, IngestProblem, ParsedReport, ProcessedReport, RawReport
from .settings import Settings

ATTRIBUTION_MODES = ("hybrid", "tagger", "rules")
CHUNK = 16  # reports per worker task: large enough for nlp.pipe batching, small for progress
ANALYSED_LANGUAGES = ("en", UNDETERMINED)  # the extractors read English; too little to tell counts as English
NOT_ANALYSED = "not_analysed"  # the extra field saying why a stored report has no extraction


def mark_not_analysed(raw: RawReport, language: str) -> RawReport:
    """The report with its language and "not analysed: language xx" in its extra fields."""
    extra = tuple((k, v) for k, v in raw.extra if k not in ("language", NOT_ANALYSED))
    return replace(raw, extra=extra + (("language", language), (NOT_ANALYSED, f"language {language}")))


def process_chunk(raws: Sequence[RawReport], settings: Settings,
                  outlet_lines: Mapping[str, Mapping[str, int]] | None = None
                  ) -> list[ProcessedReport | IngestProblem]:
    """Clean, parse and extract a list of reports; one failure never spoils the others."""
    nlp = load_nlp(settings.spacy_model)
    gazetteer = load_gazetteer(settings.user_gazetteer)
    out: list[ProcessedReport | IngestProblem | None] = [None] * len(raws)
    ready: list[tuple[int, CleanReport, str | None, str]] = []
    for k, raw in enumerate(raws):
        try:
            clean = clean_report(raw, _others(outlet_lines, raw))
            published, published_from = raw.published, raw.published_from
            if not published:
                published = infer_published(clean.text)
                published_from = "text" if published else "none"
            language = detect_language(clean.text)
            if language not in ANALYSED_LANGUAGES:  # stored and counted, never read by English rules
                out[k] = ProcessedReport(mark_not_analysed(raw, language), clean, Extraction(),
                                         published, published_from)
                continue
            ready.append((k, clean, published, published_from))
        except Exception as exc:  # noqa: BLE001 - any failure is this report's problem only
            out[k] = IngestProblem(raw.source, "E011", f"cleaning failed: {exc!r}")
    parsed = _parse(nlp, ready)
    relations = _tag(parsed, settings)
    for n, (k, clean, published, published_from) in enumerate(ready):
        try:
            if isinstance(parsed[n], Exception):
                raise parsed[n]
            if relations is not None and relations[n] is None:
                raise RuntimeError("the attribution tagger failed on this text")
            extraction = extract_report(parsed[n], gazetteer, relations[n] if relations is not None else None,
                                        rule_spans=settings.attribution == "hybrid")
            out[k] = ProcessedReport(raws[k], clean, extraction, published, published_from)
        except Exception as exc:  # noqa: BLE001
            out[k] = IngestProblem(raws[k].source, "E012", f"extraction failed: {exc!r}")
    return _with_claim_vectors([o for o in out if o is not None], settings)


def _with_claim_vectors(items: list[ProcessedReport | IngestProblem], settings: Settings
                        ) -> list[ProcessedReport | IngestProblem]:
    """Each report with the vectors claim matching needs for its statements, encoded here in one
    batch for the chunk: they depend on the statement alone, and computed by the single writer
    they were four fifths of its time (docs/DEPLOY.md).  Should the encoder fail, the reports go
    on without them and the writer encodes them."""
    from .resolve.claims import ClaimSettings, claim_text, is_claim_worthy
    from .resolve.embeddings import default_encoder

    min_words = ClaimSettings().min_content_words
    texts = {k: list(dict.fromkeys(claim_text(st) for st in item.extraction.statements
                                   if is_claim_worthy(st, min_words)))
             for k, item in enumerate(items) if isinstance(item, ProcessedReport)}
    flat = list(dict.fromkeys(t for ts in texts.values() for t in ts))
    if not flat:
        return items
    try:
        vecs = default_encoder(settings.embedding_model, settings.precision)(flat)
    except Exception:  # noqa: BLE001 - an optimisation only: the writer encodes what is missing
        return items
    by_text = {t: v.astype("float32").tobytes() for t, v in zip(flat, vecs)}
    return [replace(item, claim_vectors=tuple((t, by_text[t]) for t in texts[k])) if k in texts else item
            for k, item in enumerate(items)]


def _parse(nlp, ready: Sequence[tuple[int, CleanReport, str | None, str]]) -> list[ParsedReport | Exception]:
    """The parse of each cleaned report (one batched pass), or the exception that stopped it."""
    try:
        return list(parse_reports(nlp, [(c.text, p) for _, c, p, _ in ready]))
    except Exception:  # noqa: BLE001 - retry one by one so one bad text spoils only itself
        out: list[ParsedReport | Exception] = []
        for _k, clean, published, _f in ready:
            try:
                out.append(parse_report(nlp, clean.text, published))
            except Exception as exc:  # noqa: BLE001 - the text's extraction fails with its own message
                out.append(exc)
        return out


def _tag(parsed: Sequence[ParsedReport | Exception], settings: Settings) -> list[list[Relation] | None] | None:
    """The learned tagger's relations for each parsed report (one batched pass), or None for the rules."""
    if settings.attribution == "rules" or not parsed:
        return None
    if settings.attribution not in ATTRIBUTION_MODES:
        raise SettingError(f"NEWSTRACE_ATTRIBUTION={settings.attribution!r}: expected one of {', '.join(ATTRIBUTION_MODES)}")
    tagger = load_tagger()
    if tagger is None:
        return None
    _share_cores(settings)
    texts = [p.text if isinstance(p, ParsedReport) else "" for p in parsed]
    paras = [None] * len(texts)
    try:
        return tagger.relations(texts, paras, settings.precision)  # type: ignore[return-value]
    except Exception:  # noqa: BLE001 - retry one by one so one bad text spoils only itself
        out: list[list[Relation] | None] = []
        for text, para in zip(texts, paras):
            try:
                out.append(tagger.relations([text], [para], settings.precision)[0])
            except Exception:  # noqa: BLE001 - the text's extraction fails with its own message
                out.append(None)
        return out


def _share_cores(settings: Settings) -> None:
    """Give the tagger this process's share of the cores (workers must not oversubscribe them)."""
    import torch

    want = max(1, available_cores() // max(1, int(settings.processes or 1)))
    if torch.get_num_threads() != want:
        torch.set_num_threads(want)


class _Excluding(Mapping[str, int]):
    """Outlet line counts seen from one report: its own lines do not count as repetition."""

    def __init__(self, counts: Mapping[str, int], own: set[str]) -> None:
        self.counts, self.own = counts, own

    def __getitem__(self, key: str) -> int:
        return self.counts[key] - (key in self.own)

    def __iter__(self):
        return iter(self.counts)

    def __len__(self) -> int:
        return len(self.counts)


def _others(outlet_lines: Mapping[str, Mapping[str, int]] | None, raw: RawReport) -> Mapping[str, int] | None:
    counts = (outlet_lines or {}).get(raw.outlet or "")
    return _Excluding(counts, line_keys(raw.text)) if counts else None


def _chunks(items: Iterable[RawReport], n: int) -> Iterator[list[RawReport]]:
    chunk: list[RawReport] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # platforms without affinity
        return max(1, os.cpu_count() or 1)


def worker_count(settings: Settings, reports: int | None = None) -> int:
    """Worker processes for a batch: `settings.processes`, or by default one per core.

    By default a batch runs on no more workers than it has chunks, so one small batch stays in
    this process: starting a worker (it loads the parser and the tagger) costs seconds.
    """
    if settings.processes:
        return max(1, int(settings.processes))
    workers = available_cores()
    if reports is not None:
        workers = min(workers, -(-reports // CHUNK))
    return max(1, workers)


def start_worker(settings: Settings) -> None:
    """A worker process's start: the resources (domain pack) its settings name become its active ones."""
    from .resources import use_resources_of

    use_resources_of(settings)


def process_reports(raws: Iterable[RawReport], settings: Settings,
                    outlet_lines: Mapping[str, Mapping[str, int]] | None = None
                    ) -> Iterator[ProcessedReport | IngestProblem]:
    """Process reports in order, with `worker_count` worker processes (1 = in this process)."""
    workers = worker_count(settings, len(raws) if isinstance(raws, Sequence) else None)
    settings = replace(settings, processes=workers)  # each process's share of the cores follows
    if workers == 1:
        for chunk in _chunks(raws, CHUNK):
            yield from process_chunk(chunk, settings, outlet_lines)
        return
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    with ProcessPoolExecutor(max_workers=workers, initializer=start_worker, initargs=(settings,)) as pool:
        pending = []
        for chunk in _chunks(raws, CHUNK):
            pending.append(pool.submit(process_chunk, chunk, settings, outlet_lines))
            if len(pending) >= workers * 2:
                yield from pending.pop(0).result()
        for fut in pending:
            yield from fut.result()
