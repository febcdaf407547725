"""The workbench web app: FastAPI routes over one open `Workbench`, server-rendered Jinja pages.

`make_app` builds the app; `newstrace serve` hands it to uvicorn.  Every asset is served from
the package (nothing loads from another host); no page runs script.
"""
from __future__ import annotations

from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader

from ..errors import NewstraceError, StoreError, TokenRequired
from ..workbench import Workbench
from .security import COOKIE, HEADERS, Guard

_OPEN_PATHS = ("/login", "/static/")  # reachable without the token even when reads are private


def http_status(exc: NewstraceError) -> int:
    """The one place an error code becomes an HTTP status."""
    if isinstance(exc, StoreError):
        return 503
    return getattr(exc, "http_status", 400)


def make_templates() -> Environment:
    """Jinja with autoescape on for every template: report text is always escaped."""
    env = Environment(loader=FileSystemLoader(str(files("newstrace.web").joinpath("templates"))),
                      autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = lambda part, whole: round(100 * part / whole) if whole else 0
    return env


def make_app(workbench: Workbench, token: str, private_reads: bool = False) -> FastAPI:
    """The app over `workbench`; writes need `token`, reads too when `private_reads`."""
    app = FastAPI(title="newstrace workbench", version="1", docs_url=None, redoc_url=None,
                  description="Read, search and correct a newstrace ledger. Writes need `Authorization: Bearer TOKEN`.")
    app.state.wb, app.state.guard, app.state.templates = workbench, Guard(token, private_reads), make_templates()
    app.mount("/static", StaticFiles(directory=str(files("newstrace.web").joinpath("static"))), name="static")

    @app.middleware("http")
    async def guard_and_headers(request: Request, call_next) -> Response:
        guard: Guard = request.app.state.guard
        request.state.sid = guard.session_id(request.cookies.get(COOKIE))
        request.state.bearer = guard.bearer_ok(request.headers.get("authorization"))
        path = request.url.path
        if guard.private_reads and not (request.state.sid or request.state.bearer) \
                and not path.startswith(_OPEN_PATHS):
            if path.startswith("/api/") or path == "/openapi.json":
                error = TokenRequired("reads need the token when the server listens beyond loopback", source=path)
                response: Response = JSONResponse({"error": {"code": error.code, "message": str(error)}}, 401)
            else:
                response = RedirectResponse("/login", status_code=303)
        else:
            response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(NewstraceError)
    async def newstrace_error(request: Request, exc: NewstraceError) -> Response:
        status = http_status(exc)
        body = {"error": {"code": exc.code, "message": str(exc)}}
        if request.url.path.startswith("/api/"):
            return JSONResponse(body, status)
        return render(request, "error.html", status_code=status, error=body["error"])

    from .api_routes import router as api_router
    from .pages import router as pages_router

    app.include_router(api_router)
    app.include_router(pages_router)
    return app


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page: the template with the session's CSRF token and login state."""
    guard: Guard = request.app.state.guard
    sid = getattr(request.state, "sid", None)
    html = request.app.state.templates.get_template(template).render(
        request=request, logged_in=bool(sid), csrf=guard.csrf_for(sid) if sid else "", **context)
    return HTMLResponse(html, status_code=status_code)
