"""RSS and Atom feeds via feedparser: each entry's link is fetched and read as a page."""
from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import feedparser
import httpx

from ..errors import EmptyInput, MalformedInput, NewstraceError
from ..model import IngestProblem, RawReport
from ..settings import Settings
from .web import FEED_TYPES, XML_TYPES, fetch_url, is_url, page_report

_FEED_ROOTS = (b"<rss", b"<feed", b"<rdf:rdf")


def looks_like_feed(media_type: str, body: bytes) -> bool:
    """True for feed content types, or XML whose root element is rss, feed or rdf:RDF."""
    if media_type in FEED_TYPES:
        return True
    if media_type and media_type not in XML_TYPES:
        return False
    head = body[:2048].lower()
    return any(root in head for root in _FEED_ROOTS)


def read_feed(body: bytes, source: str, settings: Settings, client: httpx.Client
              ) -> Iterator[RawReport | IngestProblem]:
    """Yield a report per entry (its page fetched) and a problem per broken entry."""
    try:
        parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    except Exception as e:  # feedparser raises on some hostile markup (e.g. &#x110000;, past Unicode)
        raise MalformedInput(f"{source} is not a readable feed: {type(e).__name__}: {e}",
                             source=source) from None
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            why = parsed.get("bozo_exception")
            raise MalformedInput(f"{source} is not a readable feed: {why}", source=source)
        raise EmptyInput(f"{source} is a feed with no entries", source=source)
    outlet = (parsed.get("feed") or {}).get("title") or None
    for n, entry in enumerate(entries, 1):
        link = (entry.get("link") or "").strip()
        member = f"{source}#{link or 'entry-' + str(n)}"
        try:
            if not link:
                raise MalformedInput(f"entry {n} of {source} has no link", source=member)
            if not is_url(link):
                raise MalformedInput(f"entry {n} of {source} links to {link!r}, not an http(s) URL",
                                     source=member)
            page = page_report(fetch_url(link, settings, client), member)
            yield with_entry_fallbacks(page, entry, outlet)
        except NewstraceError as e:
            yield IngestProblem(member, e.code, e.message)


def with_entry_fallbacks(page: RawReport, entry: Any, outlet: str | None) -> RawReport:
    """Fill what the page lacked from the entry: title, author, date; the feed title as outlet."""
    changes: dict[str, Any] = {}
    if not page.title and entry.get("title"):
        changes["title"] = str(entry["title"]).strip()
    if not page.author and entry.get("author"):
        changes["author"] = str(entry["author"]).strip()
    if not page.published:
        day = entry_date(entry)
        if day:
            changes["published"] = day
            changes["published_from"] = "metadata"
    if not page.outlet and outlet:
        changes["outlet"] = str(outlet).strip()
    return replace(page, **changes) if changes else page


def entry_date(entry: Any) -> str | None:
    """YYYY-MM-DD of an entry's published (else updated) time, when feedparser could parse it."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            return time.strftime("%Y-%m-%d", value)
    return None
