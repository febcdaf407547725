"""The JSON API under /api/: each route parses, makes one workbench call, returns its data."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from ..errors import TokenRequired
from ..workbench import Workbench

router = APIRouter(prefix="/api", tags=["ledger"])
PageNo = Query(1, ge=1, description="Page number, from 1")
PerPage = Query(50, ge=1, le=200, description="Items per page (at most 200)")


def wb(request: Request) -> Workbench:
    return request.app.state.wb


def writer(request: Request) -> str:
    """Writes need `Authorization: Bearer TOKEN` (a browser session cannot call the JSON API)."""
    if not request.state.bearer:
        raise TokenRequired("writes need Authorization: Bearer TOKEN", source=request.url.path)
    return request.headers.get("x-newstrace-author") or "api"


class Merge(BaseModel):
    ids: list[str] = Field(..., min_length=2, description="Entity ids; the others merge into the first")
    note: str = ""


class Split(BaseModel):
    aliases: list[str] = Field(..., min_length=1, description="Names of the entity that become a new entity")
    name: str | None = None
    note: str = ""


class Speaker(BaseModel):
    entity: str
    note: str = ""


class Stance(BaseModel):
    stance: Literal["assert", "deny", "hedge"]
    note: str = ""


class Move(BaseModel):
    claim: str
    note: str = ""


class SplitClaim(BaseModel):
    statements: list[str] = Field(..., min_length=1, description="Statement ids of the claim that become a new claim")
    summary: str | None = Field(None, max_length=2000, description="The new claim's summary (default: the first statement's content)")
    note: str = ""


class Status(BaseModel):
    status: Literal["alleged", "corroborated", "disputed"]
    note: str = ""


def _day(what: str):
    """A date parameter (each parameter needs its own Query object)."""
    return Query(None, max_length=40, description=f"{what} (YYYY-MM-DD)")


@router.get("/overview")
def overview(since: str | None = Query(None, max_length=40, description="What changed since YYYY-MM-DD"),
             w: Workbench = Depends(wb)) -> dict:
    return w.overview(since)


@router.get("/claims")
def claims(status: str | None = None, outlet: str | None = None,
           origin: str | None = Query(None, max_length=300, description="An origin id: e4, outlet:NAME, state:NAME"),
           since: str | None = _day("First reported on or after"),
           until: str | None = _day("First reported on or before"), page: int = PageNo, per_page: int = PerPage,
           w: Workbench = Depends(wb)) -> dict:
    return w.claims(status, outlet, page, per_page, origin, since, until).as_dict()


@router.get("/claims/matrix")
def claims_matrix(status: str | None = None, outlet: str | None = None, origin: str | None = Query(None, max_length=300),
                  since: str | None = _day("First reported on or after"),
                  until: str | None = _day("First reported on or before"), page: int = PageNo,
                  per_page: int = PerPage, w: Workbench = Depends(wb)) -> dict:
    """One page of claims x the independent origins counted on them (cells: supports, denies, hedges)."""
    return w.claims_matrix(status, outlet, page, per_page, origin, since, until)


@router.get("/claims/{claim_id}")
def claim(claim_id: str, page: int = PageNo, per_page: int = Query(50, ge=1, le=200, description="Statements per page"),
          w: Workbench = Depends(wb)) -> dict:
    """A claim with one page of its statements (`statements_total`, `statements_page`), figures, and
    for an alleged claim the nearest claims (null while the server is still reading the vectors)."""
    return w.claim(claim_id, page, per_page, wait=False)


@router.get("/timeline")
def timeline(since: str | None = _day("From"), until: str | None = _day("To"), page: int = PageNo, per_page: int = PerPage,
             w: Workbench = Depends(wb)) -> dict:
    return w.timeline(since, until, page, per_page).as_dict()


@router.get("/places")
def places(claim: str | None = None, status: str | None = None, page: int = PageNo, per_page: int = PerPage,
           w: Workbench = Depends(wb)) -> dict:
    """Places named in the statements of one claim or of a page of claims (the map is on /map)."""
    out = w.places(claim, status, page, per_page)
    out.pop("svg")
    return out


@router.get("/statements")
def statements(speaker: str | None = None, claim: str | None = None, report: str | None = None,
               page: int = PageNo, per_page: int = PerPage, w: Workbench = Depends(wb)) -> dict:
    return w.statements(speaker, claim, report, page, per_page).as_dict()


@router.get("/entities")
def entities(q: str | None = None, type: str | None = None, page: int = PageNo, per_page: int = PerPage,
             w: Workbench = Depends(wb)) -> dict:
    return w.entities(q, type, page, per_page).as_dict()


@router.get("/entities/{entity_id}")
def entity(entity_id: str, w: Workbench = Depends(wb)) -> dict:
    return w.entity(entity_id)


@router.get("/reports")
def reports(outlet: str | None = None, page: int = PageNo, per_page: int = PerPage, w: Workbench = Depends(wb)) -> dict:
    return w.reports(outlet, page, per_page).as_dict()


@router.get("/reports/{report_id}")
def report(report_id: str, removed: bool = False, w: Workbench = Depends(wb)) -> dict:
    return w.report(report_id, removed)


@router.get("/search")
def search(q: str = Query(..., max_length=500), page: int = PageNo, per_page: int = PerPage,
           w: Workbench = Depends(wb)) -> dict:
    return w.search(q, page, per_page).as_dict()


@router.get("/decisions")
def decisions(page: int = PageNo, per_page: int = PerPage, w: Workbench = Depends(wb)) -> dict:
    return w.decisions(page, per_page).as_dict()


@router.post("/entities/merge", status_code=201)
def merge(body: Merge, author: str = Depends(writer), w: Workbench = Depends(wb)) -> dict:
    return w.merge_entities(body.ids, body.note, author)


@router.post("/entities/{entity_id}/split", status_code=201)
def split(entity_id: str, body: Split, author: str = Depends(writer), w: Workbench = Depends(wb)) -> dict:
    return w.split_entity(entity_id, body.aliases, body.name, body.note, author)


@router.post("/statements/{statement_id}/speaker", status_code=201)
def set_speaker(statement_id: str, body: Speaker, author: str = Depends(writer), w: Workbench = Depends(wb)) -> dict:
    return w.set_speaker(statement_id, body.entity, body.note, author)


@router.post("/statements/{statement_id}/stance", status_code=201)
def set_stance(statement_id: str, body: Stance, author: str = Depends(writer), w: Workbench = Depends(wb)) -> dict:
    return w.set_stance(statement_id, body.stance, body.note, author)


@router.post("/statements/{statement_id}/move", status_code=201)
def move(statement_id: str, body: Move, author: str = Depends(writer), w: Workbench = Depends(wb)) -> dict:
    return w.move_statement(statement_id, body.claim, body.note, author)


@router.post("/claims/{claim_id}/split", status_code=201)
def split_claim(claim_id: str, body: SplitClaim, author: str = Depends(writer), w: Workbench = Depends(wb)) -> dict:
    return w.split_claim(claim_id, body.statements, body.summary, body.note, author)


@router.post("/claims/{claim_id}/status", status_code=201)
def set_status(claim_id: str, body: Status, author: str = Depends(writer), w: Workbench = Depends(wb)) -> dict:
    return w.set_claim_status(claim_id, body.status, body.note, author)


@router.post("/decisions/{decision_id}/undo")
def undo(decision_id: int, author: str = Depends(writer), w: Workbench = Depends(wb)) -> dict:
    return w.undo(decision_id, author)
