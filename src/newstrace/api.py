"""The Python API: every operation the CLI (and any web layer) offers, as functions returning data."""
from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from .errors import OptionError
from .model import DuplicateRelation, IngestProblem, Ledger, ProcessedReport, RawReport
from .settings import Settings

# Read-only commands (status, export, brief) and `--help` must start fast: the NLP pipeline, the
# dedup index (datasketch, scipy) and the resolver load inside the functions that use them.
if TYPE_CHECKING:
    from .clean import DuplicateIndex
    from .resolve.update import Resolution
    from .store.db import Database


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


def open_database(settings: Settings, create: bool = True) -> Database:
    """The store named by settings; read commands pass `create=False` and a missing store is refused."""
    from .store.db import Database

    return Database(settings.db, create=create)


def _load_duplicate_index(db: Database) -> DuplicateIndex:
    from sqlalchemy import select

    from .clean import DuplicateIndex
    from .store.repository import doc_id
    from .store.schema import DocumentRow

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
    from sqlalchemy import select

    from .clean import line_keys
    from .store.schema import DocumentRow

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


@dataclass
class WarmState:
    """What an ingest run builds from the store before its first report — the duplicate index and
    the resolution state (entities, the claim clusterer) — kept for the next run of a long-running
    ingest (`newstrace ingest --watch`), so a round that finds one new report pays for that report,
    not for reading the whole store again.

    It is used again only while the store is as this process left it (`store_marker`: no report or
    correction from anyone else since) and no active correction reshapes entities or statements
    (those are re-applied to the stored rows after every run, which the state in memory would not
    see); otherwise the next run loads afresh.  `seen`: hashes of inputs already stored or refused;
    `problems`: inputs already reported as unreadable.
    """

    dedup: "DuplicateIndex | None" = None
    resolution: "Resolution | None" = None
    marker: tuple | None = None
    seen: set[str] = field(default_factory=set)
    problems: set[tuple] = field(default_factory=set)  # (source, code, message) already reported
    reused: int = 0  # runs that used the state instead of loading it (for tests and logs)


def store_marker(db: Database) -> tuple:
    """What changes whenever anyone writes a report or a correction: the newest report and decision,
    how many decisions are undone, and how many active ones reshape entities or statements."""
    from sqlalchemy import func, select

    from .store.decisions import REGISTRY
    from .store.schema import DecisionRow, DocumentRow

    with db.session() as s:
        kinds = [k for (k,) in s.execute(select(DecisionRow.kind).where(DecisionRow.undone_at.is_(None)))]
        return (s.scalar(select(func.max(DocumentRow.id))), s.scalar(select(func.max(DecisionRow.id))),
                s.scalar(select(func.count()).select_from(DecisionRow).where(DecisionRow.undone_at.is_not(None))),
                sum(1 for k in kinds if k in REGISTRY and not REGISTRY[k].after_analysis))


def ingest(inputs: Sequence[str], settings: Settings, overrides: Mapping[str, str] | None = None,
           progress: Callable[[InputResult], None] | None = None, db: Database | None = None,
           on_wait: Callable[[str], None] | None = None, warm: WarmState | None = None) -> IngestSummary:
    """Read, clean, extract, store and resolve every input; one bad input never stops the batch.

    Each report is committed in one transaction with everything derived from it; failures are
    stored as problems and listed in the summary (the CLI exits non-zero when nothing was ingested).
    After resolution the active corrections (stored decisions) are re-applied.  `db`: a store already open.
    Resolving and writing hold the store's writer lock (`store/lock.py`): a second ingest on the same
    store waits its turn (`on_wait` hears "another ingest is running; waiting"), so runs at once end
    as runs one after the other would.  `warm`: state kept between the runs of one process (see
    `WarmState`); an input whose text was stored or refused in an earlier run is skipped unread.
    """
    from .engine import check_engine
    from .ingest import read_inputs
    from .resources import use_resources_of
    from .store.lock import writer_lock
    from .store.repository import doc_id, find_document, save_problem

    check_engine(settings)  # a bad engine or address is refused before anything is read or stored
    use_resources_of(settings)  # the domain pack, checked before anything is read (E042)
    db = db or open_database(settings)
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
            said = (item.source, item.code, item.message)
            if warm is not None and said in warm.problems:
                continue  # a bad input is reported once per process, not once per round
            fail(item)
            if warm is not None:
                warm.problems.add(said)
            continue
        h = hashlib.sha256(item.text.encode("utf-8")).hexdigest()
        if warm is not None and h in warm.seen:
            continue  # handled by an earlier run of this process
        with db.session() as s:
            existing = find_document(s, item.text)
        if existing is not None or h in seen:
            record(InputResult(item.source, "unchanged", document=doc_id(existing) if existing else None,
                               message="already stored"))
            seen.add(h)
            continue
        seen.add(h)
        raws.append(item)

    if raws or _has_pending_claims(db):  # pending: claims an interrupted run left unanalysed
        with writer_lock(db, on_wait or _log_wait):
            _resolve_and_store(db, settings, raws, summary, record, fail, warm)
    if warm is not None:
        warm.seen |= seen  # stored, already stored, or refused while storing: not read again
    return summary


def _has_pending_claims(db: Database) -> bool:
    from .store.pending import pending_keys

    with db.session() as s:
        return bool(pending_keys(s))


def _log_wait(message: str) -> None:
    logging.getLogger("newstrace").warning(message)


def _resolve_and_store(db: Database, settings: Settings, raws: list[RawReport], summary: IngestSummary,
                       record: Callable[[InputResult], None], fail: Callable[[IngestProblem], None],
                       warm: WarmState | None = None) -> None:
    """Extract, store and resolve new reports (under the writer lock: the store cannot change meanwhile)."""
    from .corrections import honour_decisions
    from .engine import process_reports  # local processes or a Dask cluster (settings.engine)
    from .resolve.update import Resolution
    from .store.pending import pending_keys
    from .store.repository import doc_id, find_document

    fresh = []
    with db.session() as s:  # another run may have stored some of them while this one waited
        for raw in raws:
            existing = find_document(s, raw.text)
            if existing is None:
                fresh.append(raw)
            else:
                record(InputResult(raw.source, "unchanged", document=doc_id(existing), message="already stored"))
    raws = fresh
    with db.session() as s:
        pending = pending_keys(s)
    if raws or pending:
        if warm is not None and warm.resolution is not None and warm.marker == store_marker(db):
            dedup, resolution = warm.dedup, warm.resolution  # the store is as this process left it
            warm.reused += 1
        else:
            dedup = _load_duplicate_index(db)
            resolution = Resolution.load(db, settings)
        resolution.touched_claims |= pending
        for processed in (process_reports(raws, settings, _outlet_lines(db, raws)) if raws else ()):
            if isinstance(processed, IngestProblem):
                fail(processed)
                continue
            try:
                result = _store_one(db, processed, dedup, resolution, summary)
            except Exception as exc:  # noqa: BLE001 - a store failure is this report's problem
                fail(IngestProblem(processed.raw.source, "E020", f"could not store the report: {exc!r}"))
                # drop the in-memory state the failed report left behind
                touched = resolution.touched_claims  # stored reports' claims still need their analysis
                dedup, resolution = _load_duplicate_index(db), Resolution.load(db, settings)
                resolution.touched_claims |= touched
                continue
            record(result)
        resolution.finish(db)
        honour_decisions(db)
        if warm is not None:
            marker = store_marker(db)
            keep = marker[3] == 0  # re-applied corrections reshaped stored rows: load afresh next time
            warm.dedup, warm.resolution, warm.marker = (dedup, resolution, marker) if keep else (None, None, None)


def _store_one(db: Database, processed: ProcessedReport, dedup: DuplicateIndex, resolution: Resolution,
               summary: IngestSummary) -> InputResult:
    from .clean import sentence_keys
    from .store.pending import mark_pending
    from .store.repository import doc_id, save_relations, save_report

    with db.session() as s:
        row = save_report(s, processed, sentence_keys=sentence_keys(processed.clean.text))
        did = doc_id(row.id)
        relations = dedup.add(did, processed.clean)
        row.minhash = dedup.signature(did)
        save_relations(s, relations)
        before = set(resolution.touched_claims)
        resolution.add_report(s, row, processed)
        s.flush()
        mark_pending(s, resolution.touched_claims - before)  # in the report's transaction
    summary.relations.extend(relations)
    kinds = Counter(r.kind for r in processed.clean.removals)
    summary.removed_by_kind.update(kinds)
    not_analysed = dict(processed.raw.extra).get("not_analysed")
    return InputResult(processed.raw.source, "stored", document=did,
                       message=f"not analysed: {not_analysed}" if not_analysed else "",
                       statements=len(processed.extraction.statements), removed=sum(kinds.values()))


EXPORT_FORMATS = ("json", "csv")
BRIEF_FORMATS = ("md", "html")


def ledger(settings: Settings) -> Ledger:
    """The whole resolved view of an existing store."""
    from .resources import use_resources_of
    from .store.repository import load_ledger

    use_resources_of(settings)
    db = open_database(settings, create=False)
    with db.session() as s:
        return load_ledger(s)


def _check_format(fmt: str, accepted: Sequence[str]) -> None:
    if fmt not in accepted:
        raise OptionError(f"unknown format {fmt!r}; accepted: {', '.join(accepted)}", source="--format")


def _check_since(since: str | None) -> None:
    if since is None:
        return
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", since):
            raise ValueError
        date.fromisoformat(since)
    except ValueError:
        raise OptionError(f"{since!r} is not a date; give YYYY-MM-DD", source="--since") from None


def export(settings: Settings, fmt: str, output: str) -> list[str]:
    """Write the ledger as JSON (one file) or CSV (one file per table in a folder, made if missing).

    Checked before anything is read: the format, and that no output lands on a file of the store.
    """
    from .report.export import CSV_TABLES, write_csv, write_json
    from .report.outputs import check_output_file, check_output_folder, store_files

    _check_format(fmt, EXPORT_FORMATS)
    protected = store_files(settings.db)
    if fmt == "json":
        check_output_file(output, protected)
    else:
        check_output_folder(output, [f"{t}.csv" for t in CSV_TABLES], protected)
    data = ledger(settings)
    return [write_json(data, output)] if fmt == "json" else write_csv(data, output)


def status(settings: Settings) -> dict:
    """Counts of what the store holds."""
    from sqlalchemy import func, select

    from .store.schema import DocumentRow, ProblemRow, RelationRow, RemovalRow

    db = open_database(settings, create=False)
    with db.session() as s:
        removed = dict(s.execute(select(RemovalRow.kind, func.count()).group_by(RemovalRow.kind)).all())
        # reports stored but not analysed (not in English), by language; extra is JSON on both backends
        languages = Counter(dict(extra or {}).get("language") for extra in s.scalars(
            select(DocumentRow.extra)) if "not_analysed" in (extra or {}))
        return {"documents": s.scalar(select(func.count()).select_from(DocumentRow)),
                "not_analysed": sum(languages.values()),
                "not_analysed_by_language": dict(sorted(languages.items())),
                "problems": s.scalar(select(func.count()).select_from(ProblemRow)),
                "relations": s.scalar(select(func.count()).select_from(RelationRow)),
                "removed_by_kind": removed}


def brief(settings: Settings, fmt: str = "md", since: str | None = None, output: str | None = None) -> str:
    """The sourced "what we know" brief of everything stored; written to `output` when given."""
    from .report.brief import render_brief
    from .report.outputs import check_output_file, store_files, write_text_file
    from .resources import use_resources_of

    _check_format(fmt, BRIEF_FORMATS)
    _check_since(since)
    use_resources_of(settings)  # the brief's map and wording read resources
    if output:
        check_output_file(output, store_files(settings.db))
    text = render_brief(ledger(settings), fmt=fmt, since=since)
    if output:
        write_text_file(output, text)
    return text


def extract_texts(texts: Sequence[str], settings: Settings | None = None) -> list[ProcessedReport | IngestProblem]:
    """Clean, parse and extract plain texts without a store (benchmarks, notebooks).

    Each result's `extraction.statements` carry spans into its `clean.text`; `clean.offsets`
    maps them back to the text given.
    """
    from .process import process_chunk
    from .resources import use_resources_of
    from .settings import load_settings

    settings = settings or load_settings()
    use_resources_of(settings)
    raws = [RawReport(source=f"text{k}", text=t) for k, t in enumerate(texts)]
    return process_chunk(raws, settings)
