"""Exports of the Ledger: JSON per the `newstrace/1` contract (shared/eval/EXPORT.md) and CSV per table."""
from __future__ import annotations

import csv
import io
import json
import math
import os
from dataclasses import asdict
from typing import Any

from ..model import Ledger
from .outputs import write_text_file

FORMAT = "newstrace/1"


def ledger_to_dict(ledger: Ledger) -> dict[str, Any]:
    """The export document: contract fields first, extra fields beside them."""
    return {
        "format": FORMAT,
        "documents": [
            {"id": d.id, "source": d.source, "title": d.title, "outlet": d.outlet, "published": d.published,
             "published_from": d.published_from, "text": d.text, "url": d.url, "author": d.author,
             "removed": [{"kind": r.kind, "start": r.start, "end": r.end, "text": r.text} for r in d.removals]}
            for d in ledger.documents],
        "entities": [
            {"id": e.id, "name": e.name, "type": e.type, "aliases": list(e.aliases), "lat": e.lat, "lon": e.lon,
             "roles": list(e.roles), "country": e.country, "parent": e.parent,
             "merges": [asdict(m) for m in e.merges]}
            for e in ledger.entities],
        "statements": [
            {"id": s.id, "document": s.document, "sentence": s.sentence, "speaker": s.speaker,
             "speaker_text": s.speaker_text, "cue": s.cue, "stance": s.stance, "content": s.content,
             "start": s.start, "end": s.end, "claim": s.claim, "claim_stance": s.claim_stance, "date": s.date,
             "quote_type": s.quote_type, "hedges": list(s.hedges), "cited_source": s.cited_source,
             "spans": s.spans,
             "co_speakers": list(s.co_speakers)}  # entity ids of the other parties to a joint statement
            for s in ledger.statements],
        "claims": [
            {"id": c.id, "summary": c.summary, "statements": list(c.statements), "status": c.status,
             "origins": list(c.origins), "outlets": c.outlets, "reports": c.reports, "reasons": list(c.reasons),
             "evidence": list(c.evidence), "deniers": list(c.deniers), "first_reported": c.first_reported,
             "event_date": c.event_date}
            for c in ledger.claims],
        "quantities": [
            {"document": q.document, "text": q.text, "values": list(q.values), "unit": q.unit,
             "approximate": q.approximate, "range": q.is_range, "statement": q.statement, "kind": q.kind,
             "qualifier": q.qualifier, "per": q.per, "start": q.start, "end": q.end, "id": q.id or None}
            for q in ledger.quantities],
        "times": [
            {"document": t.document, "text": t.text, "value": t.value, "statement": t.statement,
             "precision": t.precision, "modifier": t.modifier, "start": t.start, "end": t.end}
            for t in ledger.times],
        "relations": [asdict(r) for r in ledger.relations],
        "figures": figures_to_dict(ledger),
        "decisions": [asdict(d) for d in ledger.decisions],  # corrections made in the workbench
    }


def figures_to_dict(ledger: Ledger) -> dict[str, list[dict[str, Any]]]:
    """The stored figures (each with what it counts, its values, the date it holds for, its origin and the
    statement and report it cites), the series they form and the conflicts among them."""
    return {
        "figures": [
            {"id": f.id, "document": f.document, "statement": f.statement, "quantities": list(f.quantities),
             "text": f.text, "measure": f.measure, "counted": f.counted, "unit": f.unit, "kind": f.kind,
             "values": [f.low] if f.low == f.high else [f.low, None if f.high == math.inf else f.high],
             "range": f.is_range, "at_least": f.high == math.inf, "date": f.refers_to, "date_from": f.refers_from,
             "origin": f.origin, "cumulative": f.cumulative, "copy": f.copy, "claim": f.claim, "series": f.series,
             "sentence": f.sentence}
            for f in ledger.figures],
        "series": [
            {"id": s.id, "measure": s.measure, "unit": s.unit, "figures": list(s.figures), "periods": list(s.periods),
             "trend": s.trend, "cumulative": s.cumulative}
            for s in ledger.series],
        "conflicts": [
            {"id": c.id, "measure": c.measure, "unit": c.unit, "period": c.period, "figures": list(c.figures),
             "origins": list(c.origins), "reason": c.reason, "series": c.series}
            for c in ledger.figure_conflicts],
    }


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TABLES = ("documents", "entities", "statements", "claims", "quantities", "times", "relations", "figures",
              "figures_series", "figures_conflicts")


def neutralise_cell(value: Any) -> Any:
    """A text cell a spreadsheet would execute, prefixed with `'` (numbers are left as numbers)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def write_json(ledger: Ledger, path: str) -> str:
    """The export document as one JSON file, written whole or not at all."""
    return write_text_file(path, json.dumps(ledger_to_dict(ledger), ensure_ascii=False, indent=1))


def write_csv(ledger: Ledger, folder: str) -> list[str]:
    """One CSV file per table in `folder` (made if missing); lists and dicts are JSON in their cell."""
    written = []
    tables: list[tuple[str, Any]] = []
    for table, rows in ledger_to_dict(ledger).items():  # a table of tables (figures) becomes one file each
        if isinstance(rows, dict):
            tables.extend((table if sub == table else f"{table}_{sub}", r) for sub, r in rows.items())
        else:
            tables.append((table, rows))
    for table, rows in tables:
        if not isinstance(rows, list):
            continue
        columns: list[str] = []
        for row in rows:
            columns.extend(k for k in row if k not in columns)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns or ["id"])
        writer.writeheader()
        for row in rows:
            writer.writerow({k: neutralise_cell(json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
                             for k, v in row.items()})
        written.append(write_text_file(os.path.join(folder, f"{table}.csv"), buffer.getvalue()))
    return written
