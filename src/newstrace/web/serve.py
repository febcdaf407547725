"""Starting the workbench server: open the store once, settle the token, run uvicorn."""
from __future__ import annotations

import os
import threading
from typing import Callable

from ..settings import Settings
from ..workbench import Workbench
from .security import is_loopback, make_token


def resolve_token(token: str | None) -> tuple[str, bool]:
    """(token, generated): `--token`, else NEWSTRACE_TOKEN, else a fresh random one."""
    token = token or os.environ.get("NEWSTRACE_TOKEN") or ""
    return (token, False) if token else (make_token(), True)


def _warm(workbench: Workbench) -> None:
    try:
        workbench.warm()
    except Exception:  # noqa: BLE001 - a failed warm-up only means the first requests do the work
        pass


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8765, token: str | None = None,
          say: Callable[[str], None] = print) -> None:
    """Serve the workbench until interrupted; reads need the token too when `host` is not loopback."""
    import uvicorn

    from .app import make_app

    token, generated = resolve_token(token)
    private = not is_loopback(host)
    workbench = Workbench(settings)
    app = make_app(workbench, token, private_reads=private)
    # the nearest-claims index and the first claims matrix are read in the background: the
    # server answers at once, and a claim page asked for meanwhile says its neighbours are coming
    threading.Thread(target=_warm, args=(workbench,), name="newstrace-warm", daemon=True).start()
    shown = f"[{host}]" if ":" in host else host
    say(f"newstrace workbench on http://{shown}:{port}/ (store {workbench.db.url})")
    say(f"log in to correct: http://{shown}:{port}/login?token={token}" if generated else
        "log in with the token you gave (--token or NEWSTRACE_TOKEN)")
    if generated:
        say(f"token (generated): {token}")
    if private:
        say("bound beyond loopback: every page and API call needs the token")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, server_header=False)
    finally:
        workbench.close()
