"""Main text and metadata of an HTML page: trafilatura (precision mode) plus a non-recursive fallback."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

from ..errors import MalformedInput, NoTextFound
from ..model import RawReport
from .metadata import normalise_date

DATE_PARAMS = {"extensive_search": False, "original_date": True}  # htmldate: markup only, not body text
DEEP = 200  # lxml/libxml2 silently drops what lies deeper than ~256 elements
MIN_WORDS = 5  # fewer words than this is not a report (a menu, a cookie notice)

_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "math", "head", "nav",
                   "footer", "aside", "form", "button", "select", "iframe", "object", "canvas"})
_BLOCK = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "article",
                    "section", "blockquote", "pre", "td", "th", "dd", "dt", "figcaption", "header",
                    "main", "table", "ul", "ol", "dl", "figure", "hr", "address"})
_VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "area", "base", "col", "embed",
                   "param", "source", "track", "wbr", "keygen"})
# elements HTML lets authors leave open: not counted as nesting
_OPTIONAL_CLOSE = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option", "tbody", "thead",
                             "colgroup", "optgroup", "rt", "rp"})
_SPACES = re.compile(r"[ \t\f\v\r\u00a0]+")


@dataclass(frozen=True)
class PlainPage:
    """What the fallback parser saw: visible text by lines, the <title>, the deepest nesting."""

    text: str
    title: str | None
    depth: int


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self.skip = 0
        self.in_title = False
        self.depth = 0
        self.max_depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "title":
            self.in_title = True
        if tag in _SKIP:
            self.skip += 1
        if tag in _BLOCK:
            self.parts.append("\n")
        if tag not in _VOID and tag not in _OPTIONAL_CLOSE:
            self.depth += 1
            self.max_depth = max(self.max_depth, self.depth)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in _SKIP and self.skip:
            self.skip -= 1
        if tag in _BLOCK:
            self.parts.append("\n")
        if tag not in _VOID and tag not in _OPTIONAL_CLOSE and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.skip:
            self.parts.append(data)


def plain_page(html: str) -> PlainPage:
    """Visible text of a page with the stdlib parser (no tree, no recursion: any depth is fine)."""
    p = _TextParser()
    p.feed(html)
    p.close()
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(p.parts).split("\n"))
    title = _SPACES.sub(" ", "".join(p.title)).strip() or None
    return PlainPage("\n".join(line for line in lines if line), title, p.max_depth)


def decode_html(data: bytes, charset: str | None = None) -> str:
    """Page bytes as text: the declared charset, else UTF-8, else Windows-1252 (never fails)."""
    for enc in (charset, _meta_charset(data), "utf-8"):
        if not enc:
            continue
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")


def _meta_charset(data: bytes) -> str | None:
    m = re.search(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_\-]+)", data[:4096], re.I)
    return m.group(1).decode("ascii") if m else None


def extract_html(content: bytes | str, source: str, url: str | None = None,
                 charset: str | None = None) -> RawReport:
    """One report from a page: trafilatura's main text and metadata, htmldate's date.

    When trafilatura fails (an lxml error, a recursion limit) or the page nests deeper than
    lxml keeps, the stdlib fallback's plain text is used instead; a page with no main text
    raises NoTextFound.
    """
    html = content if isinstance(content, str) else decode_html(content, charset)
    html = html.replace("\x00", "")  # never page text (browsers drop it) and PostgreSQL cannot store it
    try:
        page = plain_page(html)
    except Exception as e:  # the stdlib parser is lenient; this guards against the unforeseen
        raise MalformedInput(f"{source} could not be parsed as HTML: {e}", source=source) from None
    doc, failure = _trafilatura(html, url)
    text = (doc.text or "") if doc is not None else ""
    extra: list[tuple[str, str]] = []
    deep = page.depth > DEEP  # lxml dropped what lies deeper: the fallback saw all of it
    if (failure or (deep and len(page.text) > len(text))) and _words(page.text) >= MIN_WORDS:
        text = page.text
        why = failure or f"page nests {page.depth} elements deep"
        extra.append(("extraction", f"plain-text fallback ({why})"))
    if _words(text) < MIN_WORDS:
        raise NoTextFound(f"{source} has no main text (found {_words(text)} words)", source=source)
    meta = doc if doc is not None else _metadata_only(html, url)
    published = None
    if meta is not None and meta.date:
        try:
            published = normalise_date(meta.date)
        except ValueError:
            published = None
    return RawReport(
        source=source, text=text,
        title=(meta.title if meta is not None and meta.title else page.title),
        author=meta.author if meta is not None else None,
        url=(meta.url if meta is not None and meta.url else url),
        outlet=_outlet(meta.sitename, meta.url or url) if meta is not None else None,
        site=meta.sitename if meta is not None else None,
        published=published, published_from="html" if published else "none",
        media_type="text/html", extra=tuple(extra))


def _trafilatura(html: str, url: str | None):
    """(document, None) or (None, why it failed)."""
    from trafilatura import bare_extraction

    try:
        with _quiet():
            doc = bare_extraction(html, url=url, favor_precision=True, with_metadata=True,
                                  include_comments=False, date_extraction_params=DATE_PARAMS)
        return doc, None
    except RecursionError:
        return None, "trafilatura hit the recursion limit"
    except Exception as e:  # lxml and trafilatura raise many kinds on hostile markup
        return None, f"trafilatura failed: {type(e).__name__}"


def _metadata_only(html: str, url: str | None):
    from trafilatura.metadata import extract_metadata

    try:
        with _quiet():
            return extract_metadata(html, default_url=url, date_config=DATE_PARAMS)
    except Exception:  # metadata is optional; the text already decided the report
        return None


def _outlet(site: str | None, url: str | None) -> str | None:
    """The site name as an outlet (sidecars win later), unless it is only the URL's host name."""
    if not site:
        return None
    host = urlsplit(url).netloc.lower() if url else ""
    bare = site.lower().removeprefix("www.")
    return None if bare in (host, host.removeprefix("www.")) or "://" in site else site


def _words(text: str) -> int:
    return len(text.split())


class _quiet:
    """Silence trafilatura/htmldate warnings about the page while extracting."""

    _names = ("trafilatura", "htmldate", "courlan")

    def __enter__(self) -> None:
        self._levels = [(n, logging.getLogger(n).level) for n in self._names]
        for n in self._names:
            logging.getLogger(n).setLevel(logging.ERROR)

    def __exit__(self, *exc: object) -> None:
        for n, level in self._levels:
            logging.getLogger(n).setLevel(level)
