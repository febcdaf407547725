"""A small DevTools-protocol driver for Debian's Chromium over --remote-debugging-pipe (no extra
package): JSON messages ending in NUL on the browser's fds 3 (in) and 4 (out)."""
from __future__ import annotations

import base64
import json
import os
import select
import subprocess
import time

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         "--disable-extensions", "--remote-debugging-pipe"]


class Browser:
    """One headless Chromium with one page; `events` keeps every event seen (dialogs, loads)."""

    def __init__(self, chromium: str, profile: str, timeout: float = 60.0) -> None:
        self.timeout = timeout
        # the shell hands our stdin/stdout pipes to the browser as fds 3 and 4
        cmd = f'exec "$0" "$@" 3<&0 4>&1 </dev/null >/dev/null'
        self.proc = subprocess.Popen(["sh", "-c", cmd, chromium, *FLAGS, f"--user-data-dir={profile}",
                                      "--window-size=1280,1400", "about:blank"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._buf = b""
        self._next = 0
        self.events: list[dict] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime"):
            self.page(f"{domain}.enable")

    # ------------------------------------------------------------------ protocol
    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.proc.stdout], [], [], left)[0]:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self.proc.stdout.fileno(), 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buf += chunk
        raw, _, self._buf = self._buf.partition(b"\0")
        return json.loads(raw)

    def call(self, method: str, session: str | None = None, **params) -> dict:
        self._next += 1
        msg = {"id": self._next, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        self.proc.stdin.write(json.dumps(msg).encode() + b"\0")
        self.proc.stdin.flush()
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def page(self, method: str, **params) -> dict:
        return self.call(method, self.session, **params)

    def wait_event(self, method: str, since: int) -> dict:
        deadline = time.monotonic() + self.timeout
        while True:
            for event in self.events[since:]:
                if event.get("method") == method:
                    return event
            since = len(self.events)
            self.events.append(self._read_message(deadline))

    # ------------------------------------------------------------------ what tests use
    def goto(self, url: str) -> None:
        mark = len(self.events)
        self.page("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired", mark)

    def js(self, expression: str):
        result = self.page("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def click_and_wait(self, selector: str) -> None:
        """Click an element that loads a new page (a link or a submit button) and wait for it."""
        mark = len(self.events)
        self.js(f"document.querySelector({json.dumps(selector)}).click()")
        self.wait_event("Page.loadEventFired", mark)

    def screenshot(self, path: str) -> None:
        data = self.page("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def dialogs(self) -> list[dict]:
        """Every alert/confirm/prompt a page tried to open (a hostile script that ran)."""
        return [e for e in self.events if e.get("method") == "Page.javascriptDialogOpening"]

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except Exception:  # noqa: BLE001 - already gone
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
