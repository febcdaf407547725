"""Who may read and write: the token, signed session cookies, CSRF tokens, and the security headers.

Writes need the token: an API call sends `Authorization: Bearer TOKEN`; a browser logs in once
(`/login`) and gets a signed session cookie (HttpOnly, SameSite=Strict), and every form carries a
CSRF token derived from that session.  Reads need the same when the server listens beyond
loopback.  Nothing is stored server-side: cookies and CSRF tokens are HMACs of the token.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass

COOKIE = "newstrace_session"
# No script runs on any page; styles and images come from this server only; no framing, no form
# posts elsewhere, no <base> rewriting — a hostile report that slipped through escaping still runs nothing.
CSP = ("default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
           "Referrer-Policy": "no-referrer", "Cross-Origin-Opener-Policy": "same-origin"}


def make_token() -> str:
    """A fresh random token for a server started without one."""
    return secrets.token_urlsafe(24)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost: only this machine can connect."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Guard:
    """The token and what it protects (reads too when `private_reads`)."""

    token: str
    private_reads: bool = False

    def _sign(self, message: str) -> str:
        return hmac.new(self.token.encode(), message.encode(), hashlib.sha256).hexdigest()

    def token_ok(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(given.encode(), self.token.encode())

    def bearer_ok(self, authorization: str | None) -> bool:
        scheme, _, value = (authorization or "").partition(" ")
        return scheme.lower() == "bearer" and self.token_ok(value.strip())

    def new_session(self) -> str:
        """A session cookie value: a random id and its signature."""
        sid = secrets.token_urlsafe(16)
        return f"{sid}.{self._sign('session:' + sid)}"

    def session_id(self, cookie: str | None) -> str | None:
        """The session id of a validly signed cookie, else None."""
        sid, _, sig = (cookie or "").partition(".")
        if sid and sig and hmac.compare_digest(sig, self._sign("session:" + sid)):
            return sid
        return None

    def csrf_for(self, sid: str) -> str:
        return self._sign("csrf:" + sid)

    def csrf_ok(self, sid: str | None, given: str | None) -> bool:
        return bool(sid and given) and hmac.compare_digest(str(given), self.csrf_for(sid))
