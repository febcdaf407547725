"""Fetch a URL with httpx: timeouts, redirects, a content-type check and a cap on decompressed bytes."""
from __future__ import annotations

import time
import zlib
from dataclasses import dataclass, replace

import httpcore
import httpx

from ..errors import EncodingError, FetchError, ForbiddenAddress, MalformedInput, TooLarge, UnsupportedInput
from ..model import RawReport
from ..settings import Settings
from .files import check_binary, text_report
from .html import extract_html
from .netguard import GuardedBackend, fetch_deadline

USER_AGENT = "newstrace/0.1 (+https://example.invalid/newstrace; news evidence ledger)"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain", "text/markdown"})
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml",
                        "application/feed+xml"})
XML_TYPES = frozenset({"application/xml", "text/xml"})
ACCEPTED_TYPES = HTML_TYPES | TEXT_TYPES | FEED_TYPES | XML_TYPES
TOTAL_TIME_FACTOR = 3  # a whole fetch may take this many times settings.http_timeout


@dataclass(frozen=True)
class Fetched:
    """A fetched body (decompressed, within the cap) and what the server said about it."""

    url: str  # as asked
    final_url: str  # after redirects
    media_type: str  # "" when the server sent none
    charset: str | None
    body: bytes


def is_url(text: str) -> bool:
    """True for http(s) URLs."""
    return text.lower().startswith(("http://", "https://"))


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool that connects through `GuardedBackend`."""

    def __init__(self, allow_private: bool) -> None:
        super().__init__(trust_env=False)
        # httpx builds its pool without a way to pass a network backend; rebuild it with ours
        self._pool = httpcore.ConnectionPool(ssl_context=self._pool._ssl_context,  # noqa: SLF001
                                             network_backend=GuardedBackend(allow_private))


def _only_http(request: httpx.Request) -> None:
    """Every request of a fetch, redirects included, is http(s)."""
    if request.url.scheme not in ("http", "https"):
        raise FetchError(f"a redirect leads to {request.url}; only http(s) URLs are followed",
                         source=str(request.url))


def make_client(settings: Settings, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """One client for a batch: redirects followed (http(s) only), timeouts from settings, gzip/deflate
    only, public addresses only unless settings.allow_private.  `transport` stands in for the network
    (the fuzzer's fake servers); by default it is the guarded one."""
    return httpx.Client(
        transport=transport or _GuardedTransport(settings.allow_private), event_hooks={"request": [_only_http]},
        follow_redirects=True, max_redirects=10, timeout=httpx.Timeout(settings.http_timeout),
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate",
                 "Accept": "text/html,application/xhtml+xml,application/rss+xml,"
                           "application/atom+xml,text/plain;q=0.8,*/*;q=0.1"})


def fetch_url(url: str, settings: Settings, client: httpx.Client) -> Fetched:
    """GET a page or feed; FetchError, TooLarge or MalformedInput when it cannot be had."""
    total = settings.http_timeout * TOTAL_TIME_FACTOR
    try:
        with fetch_deadline(total) as deadline, client.stream("GET", url) as resp:
            if resp.status_code >= 400:
                raise FetchError(f"{url} answered HTTP {resp.status_code} {resp.reason_phrase}",
                                 source=url)
            ctype = resp.headers.get("content-type", "")
            media_type = ctype.split(";")[0].strip().lower()
            if media_type and media_type not in ACCEPTED_TYPES:
                raise FetchError(f"{url} is {media_type}, not an HTML page, text or a feed",
                                 source=url)
            body = _read_body(resp, url, settings.max_bytes, deadline)
            return Fetched(url, str(resp.url), media_type, resp.charset_encoding, body)
    except ForbiddenAddress as e:  # raised at connect time, for this URL or a redirect of it
        raise ForbiddenAddress(f"{url}: {e.message}", source=url) from None
    except httpx.TimeoutException:
        raise FetchError(f"{url} did not answer in time ({settings.http_timeout:g} s per read, "
                         f"{total:g} s for the whole fetch)", source=url) from None
    except httpx.TooManyRedirects:
        raise FetchError(f"{url} redirects too many times", source=url) from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as e:
        raise UnsupportedInput(f"{url} is not a URL that can be fetched: {e}", source=url) from None
    except httpx.ConnectError as e:
        raise FetchError(f"{url} is unreachable: {_reason(e)}", source=url) from None
    except httpx.HTTPError as e:
        raise FetchError(f"{url} could not be fetched: {_reason(e)}", source=url) from None


def _read_body(resp: httpx.Response, url: str, cap: int, deadline: float) -> bytes:
    """Stream the raw body, inflating it ourselves so the cap holds on decompressed bytes."""
    length = resp.headers.get("content-length", "")
    if length.isdigit() and int(length) > cap:
        raise TooLarge(f"{url} is {int(length):,} bytes, over the cap of {cap:,} bytes", source=url)
    encoding = resp.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("gzip", "x-gzip"):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        inflater = zlib.decompressobj(zlib.MAX_WBITS)
    elif encoding in ("", "identity"):
        inflater = None
    else:
        raise FetchError(f"{url} sent content encoding {encoding!r}, which is not supported",
                         source=url)
    out = bytearray()
    try:
        for chunk in resp.iter_raw():
            if time.monotonic() > deadline:
                raise FetchError(f"{url} took too long to send its body", source=url)
            if inflater is None:
                out += chunk
            else:
                data = chunk
                while data and len(out) <= cap:
                    out += inflater.decompress(data, cap + 1 - len(out))
                    data = inflater.unconsumed_tail
            if len(out) > cap:
                what = "decompresses to" if inflater is not None else "is"
                raise TooLarge(f"{url} {what} more than the cap of {cap:,} bytes; refused",
                               source=url)
        if inflater is not None:
            out += inflater.flush()
    except zlib.error as e:
        raise MalformedInput(f"{url} sent a damaged {encoding} body: {e}", source=url) from None
    if len(out) > cap:
        raise TooLarge(f"{url} is more than the cap of {cap:,} bytes; refused", source=url)
    return bytes(out)


def page_report(fetched: Fetched, source: str) -> RawReport:
    """A fetched HTML page or text file as a report (feeds are read by feeds.py)."""
    url = fetched.url
    if not fetched.body.strip():
        raise FetchError(f"{url} sent an empty body", source=source)
    if fetched.media_type in TEXT_TYPES or (not fetched.media_type and not looks_like_html(fetched.body)):
        check_binary(fetched.body, url)
        try:
            text = fetched.body.decode(fetched.charset or "utf-8")
        except (LookupError, UnicodeDecodeError):
            raise EncodingError(f"{url} is not valid {fetched.charset or 'UTF-8'} text",
                                source=source) from None
        media = "text/markdown" if fetched.media_type == "text/markdown" else "text/plain"
        return replace(text_report(text, source, media), url=fetched.final_url)
    if fetched.media_type in HTML_TYPES or looks_like_html(fetched.body):
        return extract_html(fetched.body, source, url=fetched.final_url, charset=fetched.charset)
    raise UnsupportedInput(f"{url} is XML but neither an HTML page nor a feed", source=source)


def looks_like_html(body: bytes) -> bool:
    """True when the first bytes look like an HTML document."""
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or b"<head" in head


def _reason(e: Exception) -> str:
    text = str(e) or type(e).__name__
    return text.splitlines()[0] if text else type(e).__name__

