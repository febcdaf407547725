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
from .cache import Memo, store_version
from .changes import changes_since
from .dates import check_date
from .copies import report_relations
from .figures import claim_figures
from .matrix import OriginCache, origin_matrix
from .neighbours import StatementVectors
from .places import places_map
from .timeline import timeline
from .views import Page

__all__ = ["Page", "Workbench", "open_workbench"]


class Workbench:
    """A store opened once (schema migrated once), with reads returning dicts and `Page`s and
    corrections recorded as decisions that later ingests honour."""

    def __init__(self, settings: Settings) -> None:
        from ..resources import use_resources_of

        use_resources_of(settings)  # corrections re-analyse claims, and maps and figures read resources
        self.settings = settings
        self.db = Database(settings.db)
        self._vectors = StatementVectors()  # nearest claims; grows with the store, built on first use
        # answers worked out from many rows, kept while the store is unchanged (workbench/cache.py)
        self._said = OriginCache()  # statement origins of claims (matrix, what changed)
        self._places = Memo()  # places of claims
        self._answers = Memo(2000)  # timeline pages, what changed since a date, figures of claims

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
    def overview(self, since: str | None = None) -> dict:
        """Counts, claims by status, and the three most widely reported claims; with `since`
        (YYYY-MM-DD), `changes`: reports, claims and status changes since that date."""
        def read(session) -> dict:
            out = views.overview(session)
            if since is not None:
                since_ = check_date(since, "since")
                out["changes"] = self._answers.one(("changes", store_version(session), since_),
                                                   lambda: changes_since(session, since_, self._said))
            return out

        return self._read(read)

    def claims(self, status: str | None = None, outlet: str | None = None, page: int = 1, per_page: int = 50,
               origin: str | None = None, since: str | None = None, until: str | None = None) -> Page:
        """Claims, most widely reported first; filters: status, outlet, origin (an origin id such as
        `e4` or `outlet:Velmora Courier`), first reported between `since` and `until` (YYYY-MM-DD)."""
        return self._read(views.list_claims, status, outlet, page, per_page, origin, since, until)

    def claims_matrix(self, status: str | None = None, outlet: str | None = None, page: int = 1,
                      per_page: int = 50, origin: str | None = None, since: str | None = None,
                      until: str | None = None) -> dict:
        """One page of claims (same filters as `claims`) x the independent origins counted on them:
        `columns`, `rows` (each with `cells`: supports | denies | hedges | None), `hidden`, and `page`."""
        def read(session) -> dict:
            listed = views.list_claims(session, status, outlet, page, per_page, origin, since, until)
            matrix = origin_matrix(session, [c["id"] for c in listed.items], origin, self._said)
            return {**matrix, "page": {k: v for k, v in listed.as_dict().items() if k != "items"}}

        return self._read(read)

    def claim(self, claim_id: str, page: int = 1, per_page: int | None = None, wait: bool = True) -> dict:
        """One claim with its statements (each in its sentence, marked; all of them, or one page of
        `per_page`), origins, deniers, reasons, its figures (with their series and conflicts) and,
        when alleged, the nearest other claims (`wait=False`: None while the vector index catches up)."""
        def build(session) -> dict:
            out = views.claim(session, claim_id, page, per_page)
            key = views.claim_key(session, out["id"])
            out["figures"] = claim_figures(session, key)
            out["nearest"] = (self._vectors.nearest_claims(session, key, wait=wait) if out["status"] == "alleged"
                              else [])
            return out

        def read(session) -> dict:
            asked = ("claim", store_version(session), claim_id, page, per_page)
            out = self._answers.one(asked, lambda: build(session))
            if out["nearest"] is None:  # asked while the index was catching up: not kept
                self._answers.forget(asked)
            return out

        return self._read(read)

    def warm(self) -> None:
        """Read what the first requests would otherwise wait for: every stored statement vector (the
        nearest-claims index) and the matrix of the first page of claims.  `serve` runs it in the
        background at start."""
        self._read(self._vectors.warm)
        self.claims_matrix()

    def timeline(self, since: str | None = None, until: str | None = None, page: int = 1, per_page: int = 30) -> Page:
        """A `Page` of dates, oldest first: reports and statements published, claims first reported,
        claims whose events are dated then."""
        def read(session) -> Page:
            key = ("timeline", store_version(session), since, until, page, per_page)
            return self._answers.one(key, lambda: timeline(session, since, until, page, per_page))

        return self._read(read)

    def places(self, claim: str | None = None, status: str | None = None, page: int = 1, per_page: int = 50) -> dict:
        """Places named in the statements of one claim, or of a page of claims (`status` filter):
        `claims` (each with its `places`), `places` (each with its claims), `svg` (the offline map),
        `far` (places too far off to draw), and `page`."""
        def read(session) -> dict:
            if claim:
                views.get_claim(session, claim)  # an unknown claim is a 404, not an empty map
                return {**places_map(session, [claim], memo=self._places), "page": None}
            listed = views.list_claims(session, status, None, page, per_page)
            return {**places_map(session, [c["id"] for c in listed.items], memo=self._places),
                    "page": {k: v for k, v in listed.as_dict().items() if k != "items"}}

        return self._read(read)

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
        """One report's cleaned text cut into segments, statements marked, and its `copies` (relations
        to other reports, both ways); `removed`: what cleaning cut, with raw-text offsets."""
        def read(session) -> dict:
            out = views.report(session, report_id, removed)
            out["copies"] = report_relations(session, int(out["id"][1:]))
            return out

        return self._read(read)

    def outlets(self) -> list[str]:
        return self._read(lambda session: self._answers.one(("outlets", store_version(session)),
                                                            lambda: views.outlets(session)))

    def search(self, q: str, page: int = 1, per_page: int = 50) -> Page:
        """Full-text search over reports and statements (indexed on SQLite and PostgreSQL)."""
        page, per_page, limit, offset = views.bounds(page, per_page)
        hits, total = self._read(lambda session: self._answers.one(
            ("search", store_version(session), q, limit, offset), lambda: _search.search(session, q, limit, offset)))
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

    def split_claim(self, claim_id: str, statements: Sequence[str], summary: str | None = None, note: str = "",
                    author: str | None = None) -> dict:
        """Move `statements` of a claim into a new claim (at least one stays); later ingests keep them
        apart, and new statements may join either claim. The decision's payload names the new claim
        (`new_claim`)."""
        return self._decide("split_claim", {"claim": claim_id, "statements": list(statements), "summary": summary},
                            note, author)

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
