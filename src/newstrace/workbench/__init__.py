"""The workbench: one open store to query and correct, for notebooks, the CLI and the web app.

    import newstrace
    ledger = newstrace.open("story.db")
    ledger.claims(status="disputed").items
    ledger.merge_entities(["e4", "e9"], note="same ministry")
"""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

from ..model import Ledger
from ..settings import Settings, load_settings
from ..store.db import Database
from . import search as _search
from . import views
from .views import Page

__all__ = ["Page", "Workbench", "open_workbench"]


class Workbench:
    """A store opened once (schema migrated once), with reads returning dicts and `Page`s and
    corrections recorded as decisions that later ingests honour."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db = Database(settings.db)

    # ------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Workbench":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def _read(self, fn: Callable, *args, **kwargs):
        with self.db.session() as s:
            return fn(s, *args, **kwargs)

    # ------------------------------------------------------------------ reads
    def overview(self) -> dict:
        """Counts, claims by status, and the three most widely reported claims."""
        return self._read(views.overview)

    def claims(self, status: str | None = None, outlet: str | None = None, page: int = 1, per_page: int = 50) -> Page:
        return self._read(views.list_claims, status, outlet, page, per_page)

    def claim(self, claim_id: str) -> dict:
        """One claim with its statements (each in its sentence, marked), origins, deniers, reasons."""
        return self._read(views.claim, claim_id)

    def statements(self, speaker: str | None = None, claim: str | None = None, report: str | None = None,
                   page: int = 1, per_page: int = 50) -> Page:
        return self._read(views.list_statements, speaker, claim, report, page, per_page)

    def entities(self, q: str | None = None, type: str | None = None, page: int = 1, per_page: int = 50) -> Page:
        return self._read(views.list_entities, q, type, page, per_page)

    def entity(self, entity_id: str) -> dict:
        """One entity with its aliases and every merge (rule and evidence)."""
        return self._read(views.entity, entity_id)

    def reports(self, outlet: str | None = None, page: int = 1, per_page: int = 50) -> Page:
        return self._read(views.list_reports, outlet, page, per_page)

    def report(self, report_id: str, removed: bool = False) -> dict:
        """One report's cleaned text cut into segments, statements marked; `removed`: what cleaning cut."""
        return self._read(views.report, report_id, removed)

    def outlets(self) -> list[str]:
        return self._read(views.outlets)

    def search(self, q: str, page: int = 1, per_page: int = 50) -> Page:
        """Full-text search over reports and statements (indexed on SQLite and PostgreSQL)."""
        page, per_page, limit, offset = views.bounds(page, per_page)
        hits, total = self._read(_search.search, q, limit, offset)
        return Page(hits, page, per_page, total)

    def decisions(self, page: int = 1, per_page: int = 50) -> Page:
        """Every correction, newest first, undone ones included."""
        return self._read(views.list_decisions, page, per_page)

    def ledger(self) -> Ledger:
        """The whole resolved ledger (what the JSON export writes)."""
        from ..store.repository import load_ledger

        return self._read(load_ledger)

    # ------------------------------------------------------------------ corrections
    def _decide(self, kind: str, payload: dict, note: str, author: str | None) -> dict:
        from ..corrections import record_decision

        return record_decision(self.db, kind, payload, note, author)

    def merge_entities(self, ids: Sequence[str], note: str = "", author: str | None = None) -> dict:
        """Merge entities into the first of `ids`."""
        return self._decide("merge_entities", {"ids": list(ids)}, note, author)

    def split_entity(self, entity_id: str, aliases: Sequence[str], name: str | None = None, note: str = "",
                     author: str | None = None) -> dict:
        """Move names `aliases` of an entity (and what was said or mentioned under them) to a new entity."""
        return self._decide("split_entity", {"id": entity_id, "aliases": list(aliases), "name": name}, note, author)

    def set_speaker(self, statement_id: str, entity_id: str, note: str = "", author: str | None = None) -> dict:
        return self._decide("set_speaker", {"statement": statement_id, "entity": entity_id}, note, author)

    def set_stance(self, statement_id: str, stance: str, note: str = "", author: str | None = None) -> dict:
        """stance: assert | deny | hedge."""
        return self._decide("set_stance", {"statement": statement_id, "stance": stance}, note, author)

    def move_statement(self, statement_id: str, claim_id: str, note: str = "", author: str | None = None) -> dict:
        return self._decide("move_statement", {"statement": statement_id, "claim": claim_id}, note, author)

    def set_claim_status(self, claim_id: str, status: str, note: str = "", author: str | None = None) -> dict:
        """status: alleged | corroborated | disputed; kept over every later analysis until undone."""
        return self._decide("set_claim_status", {"claim": claim_id, "status": status}, note, author)

    def undo(self, decision_id: int, author: str | None = None) -> dict:
        from ..corrections import undo_decision

        return undo_decision(self.db, int(decision_id), author)

    # ------------------------------------------------------------------ ingest
    def ingest(self, inputs: Sequence[str], overrides: Mapping[str, str] | None = None):
        """Ingest more reports into this store; active decisions are re-applied afterwards."""
        from ..api import ingest

        return ingest(list(inputs), self.settings, overrides, db=self.db)


def open_workbench(db: str | None = None, settings: Settings | None = None) -> Workbench:
    """Open a store (a SQLite path or a postgresql:// URL; default from settings) once."""
    settings = settings or load_settings(db=db)
    if db and settings.db != db:
        from dataclasses import replace

        settings = replace(settings, db=db)
    return Workbench(settings)
