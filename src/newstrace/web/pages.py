"""Server-rendered pages and the review forms (each form posts, then redirects back: no script)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from ..errors import FormRejected
from .app import render
from .security import COOKIE, Guard

router = APIRouter(include_in_schema=False)
STATEMENTS_PER_PAGE = 50  # of a claim page (a claim a whole story repeats can hold thousands)
_IDS = re.compile(r"[a-z]\d+")


def _wb(request: Request):
    return request.app.state.wb


def _page_links(request: Request, page) -> dict:
    """Previous / next links keeping the other query parameters."""
    params = {k: v for k, v in request.query_params.items() if k != "page" and v}
    link = lambda n: f"{request.url.path}?{urlencode({**params, 'page': n})}"  # noqa: E731
    return {"page": page.page, "pages": page.pages, "total": page.total,
            "prev": link(page.page - 1) if page.page > 1 else None,
            "next": link(page.page + 1) if page.page < page.pages else None}


@dataclass(frozen=True)
class _Paged:
    """Where a page of a list stands, for the pager links (from `Page.as_dict()` without items)."""

    page: int
    per_page: int
    total: int
    pages: int


def _check_form(request: Request, csrf: str) -> str:
    """A form write needs a logged-in session, its CSRF token, and no foreign Origin."""
    guard: Guard = request.app.state.guard
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.url.netloc:
        raise FormRejected(f"a form posted from another site ({origin})", source=request.url.path)
    if not request.state.sid:
        raise FormRejected("log in with the token first (/login)", source=request.url.path)
    if not guard.csrf_ok(request.state.sid, csrf):
        raise FormRejected("bad or missing CSRF token: reload the page and try again", source=request.url.path)
    return "web"


def _back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# ------------------------------------------------------------------ reading
@router.get("/", response_class=HTMLResponse)
def overview(request: Request, since: str | None = Query(None, max_length=40)):
    return render(request, "overview.html", view=_wb(request).overview(since or None), since=since or "")


@router.get("/claims", response_class=HTMLResponse)
def claims(request: Request, status: str | None = None, outlet: str | None = None,
           origin: str | None = Query(None, max_length=300), since: str | None = Query(None, max_length=40),
           until: str | None = Query(None, max_length=40), page: int = Query(1, ge=1)):
    wb = _wb(request)
    matrix = wb.claims_matrix(status or None, outlet or None, page, 50, origin or None, since or None, until or None)
    return render(request, "claims.html", matrix=matrix, pager=_page_links(request, _Paged(**matrix["page"])),
                  status=status, outlet=outlet, origin=origin or "", since=since or "", until=until or "",
                  outlets=wb.outlets())


@router.get("/timeline", response_class=HTMLResponse)
def timeline(request: Request, since: str | None = Query(None, max_length=40),
             until: str | None = Query(None, max_length=40), page: int = Query(1, ge=1)):
    result = _wb(request).timeline(since or None, until or None, page)
    return render(request, "timeline.html", days=result.items, pager=_page_links(request, result),
                  since=since or "", until=until or "")


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, claim: str | None = Query(None, max_length=20), status: str | None = None,
             page: int = Query(1, ge=1)):
    view = _wb(request).places(claim or None, status or None, page)
    pager = _page_links(request, _Paged(**view["page"])) if view["page"] else None
    return render(request, "map.html", view=view, svg=Markup(view["svg"]), pager=pager, claim=claim, status=status)


@router.get("/claims/{claim_id}", response_class=HTMLResponse)
def claim(request: Request, claim_id: str, page: int = Query(1, ge=1)):
    view = _wb(request).claim(claim_id, page, STATEMENTS_PER_PAGE, wait=False)
    return render(request, "claim.html", claim=view, pager=_page_links(request, _Paged(**view["statements_page"])))


@router.get("/reports", response_class=HTMLResponse)
def reports(request: Request, outlet: str | None = None, page: int = Query(1, ge=1)):
    wb = _wb(request)
    result = wb.reports(outlet or None, page)
    return render(request, "reports.html", reports=result.items, pager=_page_links(request, result),
                  outlet=outlet, outlets=wb.outlets())


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report(request: Request, report_id: str, removed: bool = False):
    return render(request, "report.html", report=_wb(request).report(report_id, removed), removed=removed)


@router.get("/entities", response_class=HTMLResponse)
def entities(request: Request, q: str | None = None, page: int = Query(1, ge=1)):
    result = _wb(request).entities(q or None, None, page)
    return render(request, "entities.html", entities=result.items, pager=_page_links(request, result), q=q)


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity(request: Request, entity_id: str, page: int = Query(1, ge=1)):
    wb = _wb(request)
    said = wb.statements(speaker=entity_id, page=page)
    return render(request, "entity.html", entity=wb.entity(entity_id), statements=said.items,
                  pager=_page_links(request, said))


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, q: str = Query("", max_length=500), page: int = Query(1, ge=1)):
    result = _wb(request).search(q, page) if q.strip() else None
    return render(request, "search.html", q=q, hits=result.items if result else [],
                  pager=_page_links(request, result) if result else None)


@router.get("/decisions", response_class=HTMLResponse)
def decisions(request: Request, page: int = Query(1, ge=1)):
    result = _wb(request).decisions(page)
    return render(request, "decisions.html", decisions=result.items, pager=_page_links(request, result))


# ------------------------------------------------------------------ logging in
@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, token: str | None = None):
    if token is not None:
        return login(request, token)
    return render(request, "login.html", failed=False)


@router.post("/login")
def login(request: Request, token: str = Form(...)):
    guard: Guard = request.app.state.guard
    if not guard.token_ok(token):
        return render(request, "login.html", status_code=403, failed=True)
    response = _back("/")
    response.set_cookie(COOKIE, guard.new_session(), httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")
    return response


@router.post("/logout")
def logout(request: Request, csrf: str = Form("")):
    _check_form(request, csrf)
    response = _back("/")
    response.delete_cookie(COOKIE, path="/")
    return response


# ------------------------------------------------------------------ review forms
@router.post("/entities/merge")
def merge(request: Request, ids: list[str] = Form(...), note: str = Form(""), csrf: str = Form("")):
    author = _check_form(request, csrf)
    wanted = [i for chunk in ids for i in _IDS.findall(chunk)]  # checkboxes or one "e4, e9" field
    _wb(request).merge_entities(wanted, note, author)
    return _back(f"/entities/{wanted[0]}" if wanted else "/entities")


@router.post("/entities/{entity_id}/split")
def split(request: Request, entity_id: str, aliases: list[str] = Form(...), name: str = Form(""),
          note: str = Form(""), csrf: str = Form("")):
    author = _check_form(request, csrf)
    _wb(request).split_entity(entity_id, aliases, name or None, note, author)
    return _back(f"/entities/{entity_id}")


@router.post("/statements/{statement_id}/speaker")
def set_speaker(request: Request, statement_id: str, entity: str = Form(...), note: str = Form(""),
                back: str = Form("/"), csrf: str = Form("")):
    author = _check_form(request, csrf)
    _wb(request).set_speaker(statement_id, entity.strip(), note, author)
    return _back(_local(back))


@router.post("/statements/{statement_id}/stance")
def set_stance(request: Request, statement_id: str, stance: str = Form(...), note: str = Form(""),
               back: str = Form("/"), csrf: str = Form("")):
    author = _check_form(request, csrf)
    _wb(request).set_stance(statement_id, stance, note, author)
    return _back(_local(back))


@router.post("/statements/{statement_id}/move")
def move(request: Request, statement_id: str, claim: str = Form(...), note: str = Form(""), csrf: str = Form("")):
    author = _check_form(request, csrf)
    _wb(request).move_statement(statement_id, claim.strip(), note, author)
    return _back(f"/claims/{claim.strip()}")


@router.post("/claims/{claim_id}/split")
def split_claim(request: Request, claim_id: str, statements: list[str] = Form(...), summary: str = Form(""),
                note: str = Form(""), csrf: str = Form("")):
    author = _check_form(request, csrf)
    wanted = [i for chunk in statements for i in _IDS.findall(chunk)]
    made = _wb(request).split_claim(claim_id, wanted, summary.strip() or None, note, author)
    return _back(f"/claims/{made['payload']['new_claim']}")


@router.post("/claims/{claim_id}/status")
def set_status(request: Request, claim_id: str, status: str = Form(...), note: str = Form(""), csrf: str = Form("")):
    author = _check_form(request, csrf)
    _wb(request).set_claim_status(claim_id, status, note, author)
    return _back(f"/claims/{claim_id}")


@router.post("/decisions/{decision_id}/undo")
def undo(request: Request, decision_id: int, csrf: str = Form("")):
    author = _check_form(request, csrf)
    _wb(request).undo(decision_id, author)
    return _back("/decisions")


def _local(url: str) -> str:
    """Only redirect within this site (a path, never another host)."""
    return url if url.startswith("/") and not url.startswith("//") and "\\" not in url else "/"
