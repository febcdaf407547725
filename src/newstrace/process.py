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
from .extract.nlp import load_nlp, parse_reports
from .extract.pipeline import extract_report
from .extract.places import load_gazetteer
from .extract.tagger import Relation, load_tagger
from .errors import SettingError
from .extract.times import infer_published
from .model import CleanReport, Extraction, IngestProblem, ProcessedReport, RawReport
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
    relations = _tag([c.text for _, c, _, _ in ready], settings)
    parsed_iter = parse_reports(nlp, [(c.text, p) for _, c, p, _ in ready])
    for n, (k, clean, published, published_from) in enumerate(ready):
        try:
            parsed = next(parsed_iter)
            if relations is not None and relations[n] is None:
                raise RuntimeError("the attribution tagger failed on this text")
            extraction = extract_report(parsed, gazetteer, relations[n] if relations is not None else None,
                                        rule_spans=settings.attribution == "hybrid")
            out[k] = ProcessedReport(raws[k], clean, extraction, published, published_from)
        except Exception as exc:  # noqa: BLE001
            out[k] = IngestProblem(raws[k].source, "E012", f"extraction failed: {exc!r}")
    return [o for o in out if o is not None]


def _tag(texts: Sequence[str], settings: Settings) -> list[list[Relation]] | None:
    """The learned tagger's relations for each text (one batched pass), or None for the rules."""
    if settings.attribution == "rules" or not texts:
        return None
    if settings.attribution not in ATTRIBUTION_MODES:
        raise SettingError(f"NEWSTRACE_ATTRIBUTION={settings.attribution!r}: expected one of {', '.join(ATTRIBUTION_MODES)}")
    tagger = load_tagger()
    if tagger is None:
        return None
    _share_cores(settings)
    try:
        return tagger.relations(texts)
    except Exception:  # noqa: BLE001 - retry one by one so one bad text spoils only itself
        out: list[list[Relation] | None] = []
        for text in texts:
            try:
                out.append(tagger.relations([text])[0])
            except Exception:  # noqa: BLE001 - the text's extraction fails with its own message
                out.append(None)
        return out  # type: ignore[return-value]


def _share_cores(settings: Settings) -> None:
    """Give the tagger this process's share of the cores (workers must not oversubscribe them)."""
    import torch

    want = max(1, (os.cpu_count() or 1) // max(1, int(settings.processes or 1)))
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


def process_reports(raws: Iterable[RawReport], settings: Settings,
                    outlet_lines: Mapping[str, Mapping[str, int]] | None = None
                    ) -> Iterator[ProcessedReport | IngestProblem]:
    """Process reports in order, with `settings.processes` worker processes (1 = in process)."""
    workers = max(1, int(settings.processes or 1))
    if workers == 1:
        for chunk in _chunks(raws, CHUNK):
            yield from process_chunk(chunk, settings, outlet_lines)
        return
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending = []
        for chunk in _chunks(raws, CHUNK):
            pending.append(pool.submit(process_chunk, chunk, settings, outlet_lines))
            if len(pending) >= workers * 2:
                yield from pending.pop(0).result()
        for fut in pending:
            yield from fut.result()
