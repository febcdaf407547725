"""The Python API: every operation the CLI (and any web layer) offers, as functions returning data."""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

from sqlalchemy import func, select

from .clean import DuplicateIndex, line_keys, sentence_keys
from .ingest import read_inputs
from .model import DuplicateRelation, IngestProblem, Ledger, ProcessedReport, RawReport
from .process import process_reports
from .report.export import write_csv, write_json
from .resolve.update import Resolution
from .settings import Settings
from .store.db import Database
from .store.repository import (doc_id, find_document, load_ledger, save_problem, save_relations,
                               save_report)
from .store.schema import DocumentRow, ProblemRow, RelationRow, RemovalRow


@dataclass
class InputResult:
    source: str
    status: str  # stored | unchanged | failed
    document: str | None = None
    message: str = ""
    code: str | None = None
    statements: int = 0
    removed: int = 0


@dataclass
class IngestSummary:
    results: list[InputResult] = field(default_factory=list)
    relations: list[DuplicateRelation] = field(default_factory=list)
    removed_by_kind: Counter = field(default_factory=Counter)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    def as_dict(self) -> dict:
        return {"stored": self.count("stored"), "unchanged": self.count("unchanged"),
                "failed": self.count("failed"), "removed_by_kind": dict(self.removed_by_kind),
                "relations": [r.__dict__ for r in self.relations],
                "results": [r.__dict__ for r in self.results]}


def open_database(settings: Settings) -> Database:
    return Database(settings.db)


def _load_duplicate_index(db: Database) -> DuplicateIndex:
    index = DuplicateIndex()
    with db.session() as s:
        for row in s.execute(select(DocumentRow.id, DocumentRow.fingerprint, DocumentRow.minhash,
                                    DocumentRow.sentence_keys, DocumentRow.outlet, DocumentRow.title,
                                    DocumentRow.url)):
            index.load(doc_id(row.id), row.fingerprint, row.minhash, row.sentence_keys,
                       {"outlet": row.outlet, "title": row.title, "url": row.url})
    return index


def _outlet_lines(db: Database, raws: Sequence[RawReport]) -> dict[str, dict[str, int]]:
    """Line repetition counts per outlet, over stored reports and this batch (boilerplate signal)."""
    counts: dict[str, Counter] = {}
    outlets = {r.outlet for r in raws if r.outlet}
    with db.session() as s:
        for outlet in outlets:
            rows = s.scalars(select(DocumentRow.raw_text).where(DocumentRow.outlet == outlet)
                             .order_by(DocumentRow.id.desc()).limit(50))
            for text in rows:
                counts.setdefault(outlet, Counter()).update(line_keys(text))
    for r in raws:
        if r.outlet:
            counts.setdefault(r.outlet, Counter()).update(line_keys(r.text))
    return {k: dict(v) for k, v in counts.items()}


def ingest(inputs: Sequence[str], settings: Settings, overrides: Mapping[str, str] | None = None,
           progress: Callable[[InputResult], None] | None = None) -> IngestSummary:
    """Read, clean, extract, store and resolve every input; one bad input never stops the batch.

    Each report is committed in one transaction with everything derived from it; failures are
    stored as problems and listed in the summary (the CLI exits non-zero when nothing was ingested).
    """
    db = open_database(settings)
    summary = IngestSummary()

    def record(result: InputResult) -> None:
        summary.results.append(result)
        if progress:
            progress(result)

    def fail(problem: IngestProblem) -> None:
        with db.session() as s:
            save_problem(s, problem)
        record(InputResult(problem.source, "failed", message=problem.message, code=problem.code))

    raws: list[RawReport] = []
    seen: set[str] = set()
    for item in read_inputs(list(inputs), settings, overrides):
        if isinstance(item, IngestProblem):
            fail(item)
            continue
        h = hashlib.sha256(item.text.encode("utf-8")).hexdigest()
        with db.session() as s:
            existing = find_document(s, item.text)
        if existing is not None or h in seen:
            record(InputResult(item.source, "unchanged", document=doc_id(existing) if existing else None,
                               message="already stored"))
            continue
        seen.add(h)
        raws.append(item)

    if raws:
        dedup = _load_duplicate_index(db)
        resolution = Resolution.load(db, settings)
        for processed in process_reports(raws, settings, _outlet_lines(db, raws)):
            if isinstance(processed, IngestProblem):
                fail(processed)
                continue
            try:
                result = _store_one(db, processed, dedup, resolution, summary)
            except Exception as exc:  # noqa: BLE001 - a store failure is this report's problem
                fail(IngestProblem(processed.raw.source, "E020", f"could not store the report: {exc!r}"))
                # drop the in-memory state the failed report left behind
                dedup, resolution = _load_duplicate_index(db), Resolution.load(db, settings)
                continue
            record(result)
        resolution.finish(db)
    return summary


def _store_one(db: Database, processed: ProcessedReport, dedup: DuplicateIndex, resolution: Resolution,
               summary: IngestSummary) -> InputResult:
    with db.session() as s:
        row = save_report(s, processed, sentence_keys=sentence_keys(processed.clean.text))
        did = doc_id(row.id)
        relations = dedup.add(did, processed.clean)
        row.minhash = dedup.signature(did)
        save_relations(s, relations)
        resolution.add_report(s, row, processed)
    summary.relations.extend(relations)
    kinds = Counter(r.kind for r in processed.clean.removals)
    summary.removed_by_kind.update(kinds)
    return InputResult(processed.raw.source, "stored", document=did,
                       statements=len(processed.extraction.statements), removed=sum(kinds.values()))


def ledger(settings: Settings) -> Ledger:
    db = open_database(settings)
    with db.session() as s:
        return load_ledger(s)


def export(settings: Settings, fmt: str, output: str) -> list[str]:
    """Write the ledger as JSON (one file) or CSV (one file per table in a folder)."""
    data = ledger(settings)
    if fmt == "json":
        return [write_json(data, output)]
    if fmt == "csv":
        return write_csv(data, output)
    raise ValueError(f"unknown export format {fmt!r} (json or csv)")


def status(settings: Settings) -> dict:
    """Counts of what the store holds."""
    db = open_database(settings)
    with db.session() as s:
        removed = dict(s.execute(select(RemovalRow.kind, func.count()).group_by(RemovalRow.kind)).all())
        return {"documents": s.scalar(select(func.count()).select_from(DocumentRow)),
                "problems": s.scalar(select(func.count()).select_from(ProblemRow)),
                "relations": s.scalar(select(func.count()).select_from(RelationRow)),
                "removed_by_kind": removed}


def brief(settings: Settings, fmt: str = "md", since: str | None = None) -> str:
    """The sourced "what we know" brief of everything stored."""
    from .report.brief import render_brief

    return render_brief(ledger(settings), fmt=fmt, since=since)


def extract_texts(texts: Sequence[str], settings: Settings | None = None) -> list[ProcessedReport | IngestProblem]:
    """Clean, parse and extract plain texts without a store (benchmarks, notebooks).

    Each result's `extraction.statements` carry spans into its `clean.text`; `clean.offsets`
    maps them back to the text given.
    """
    from .process import process_chunk
    from .settings import load_settings

    settings = settings or load_settings()
    raws = [RawReport(source=f"text{k}", text=t) for k, t in enumerate(texts)]
    return process_chunk(raws, settings)
