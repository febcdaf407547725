"""Hypothesis strategies that build hostile inputs for benchmarks/fuzz.py: texts, pages, JSON, feeds, WARC, YAML.

Every strategy draws a few small choices (a depth, a repeat count, a byte position) and builds the
input from them, so a case can be large (a 3,000-deep page, a 60,000-character line) while what
Hypothesis stores for it stays small.  The words and names below were written for this file.
"""
from __future__ import annotations

import gzip
import io
import json
import zlib

from hypothesis import strategies as st

# --------------------------------------------------------------------------- text
WORDS = ("harbour", "council", "ferry", "grain", "strike", "talks", "river", "village", "officials",
         "court", "budget", "ship", "border", "crates", "tonnes", "election", "vaccine", "bridge",
         "drought", "refinery", "ceasefire", "tariff", "the", "a", "of", "in", "and", "was", "were")
NAMES = ("Ana Ruiz", "Tomas Berg", "the ministry", "a spokesman", "Dr. Lin", "O'Neill", "Mr. Okafor",
         "the Port Authority", "President Vell", "an official who asked not to be named", "She", "They",
         "the Quay Times", "Senator Marr-Holt", "U.N. envoy Ida Sæther", "the Ruritanian navy")
VERBS = ("said", "told reporters", "denied", "claimed", "added", "warned", "insisted", "did not deny",
         "confirmed", "announced", "wrote on social media", "is quoted as saying", "disputed")
NUMBERS = ("1,000", "3.5 million", "600", "about 900", "40%", "0", "-12", "1e9", "12,34,567",
           "99999999999999999999", "½", "٣٤", "five hundred", "$4bn", "1/3", "2.", ".5")
DATES = ("on Tuesday", "March 3, 2021", "0000-00-00", "2999-01-01", "31/02/2020", "last September",
         "yesterday", "9999-12-31T25:61", "1 Jan 0001", "in mid-August", "2024-02-30")
ODD = ("\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\ufeff",
       "\u00a0", "\u0301", "\u0336", "😀", "👩‍👩‍👧", "\u2028", "\u2029", "\r", "\t", "\x0b", "\x0c",
       "\x00", "\x1b", "\x7f", "\ufffd", "…", "—", "«", "»", "“", "”", "‘", "’", '"', "'", "(",
       ")", "[", "]", "#", "*", ">", "|", "-", "•", "&amp;", "<", "ﬁ", "Å", "ǅ", "ß", "İ", "ا", "ש")
LINES = ("Share this article", "Advertisement", "Copyright 2024 the Quay Times. All rights reserved.",
         "Read more:", "Sign up for our newsletter", "Photo: Reuters", "Updated 12:04 GMT",
         "By Ana Ruiz", "--", "***", "####", "Related", "(AP) —", "Click here", "1.", "a)")


def _pick(seq):
    return st.sampled_from(seq)


def _clause(words: list[str], name: str, num: str, when: str) -> str:
    return f"{name} {' '.join(words)} {num} {when}".strip()


@st.composite
def sentences(draw) -> str:
    """One sentence shaped like news: a reported speech, a figure, a date, or none of these."""
    words = draw(st.lists(_pick(WORDS), max_size=12))
    name, verb = draw(_pick(NAMES)), draw(_pick(VERBS))
    num = draw(st.one_of(st.just(""), _pick(NUMBERS)))
    when = draw(st.one_of(st.just(""), _pick(DATES)))
    body = _clause(words, draw(st.one_of(st.just(""), _pick(NAMES))), num, when)
    open_q, close_q = draw(_pick((('"', '"'), ("“", "”"), ("‘", "’"), ("«", "»"), ('"', ""), ("", "”"),
                                  ("'", "'"), ("", ""))))
    shape = draw(st.integers(0, 6))
    if shape == 0:
        return f"{name} {verb} that {body}."
    if shape == 1:
        return f"{open_q}{body},{close_q} {name} {verb}."
    if shape == 2:
        return f"According to {name}, {body}."
    if shape == 3:
        return f"{open_q}{body}{close_q}"
    if shape == 4:
        return f"{name} {verb}: {open_q}{body}.{close_q} {name} {verb} {num}"
    if shape == 5:
        return draw(st.text(max_size=80))
    return " ".join(draw(st.lists(st.one_of(_pick(WORDS), _pick(ODD), _pick(NUMBERS)), max_size=20)))


@st.composite
def report_texts(draw) -> str:
    """A report: paragraphs of sentences, furniture lines, odd characters, long lines, or raw text."""
    kind = draw(st.integers(0, 9))
    if kind == 0:  # any text Hypothesis likes
        text = draw(st.text(min_size=1, max_size=400))
    elif kind == 1:  # only punctuation, only numbers, only odd characters
        text = "".join(draw(st.lists(_pick(ODD + tuple(".,;:!?-()") + NUMBERS), min_size=1, max_size=60)))
    elif kind == 2:  # one very long line (or word)
        unit = draw(st.one_of(_pick(WORDS), sentences(), _pick(ODD)))
        sep = draw(_pick(("", " ", ", ", ". ")))
        text = sep.join([unit] * draw(st.integers(1, 6000)))
    else:
        paras = []
        for _ in range(draw(st.integers(1, 8))):
            if draw(st.booleans()) and draw(st.booleans()):
                paras.append(draw(_pick(LINES)))
            joiner = draw(_pick((" ", "", "  ", "\u00a0", "\t")))  # "" runs sentences together
            paras.append(joiner.join(draw(st.lists(sentences(), min_size=1, max_size=6))))
        text = draw(_pick(("\n", "\n\n", "\r\n", "\r", "\n \n", "\u2029"))).join(paras)
    inserts = draw(st.lists(st.tuples(st.integers(0, 10**6), _pick(ODD)), max_size=6))
    for pos, ch in inserts:  # sprinkle zero-width, RTL, controls and quotes anywhere
        pos %= len(text) + 1
        text = text[:pos] + ch + text[pos:]
    if not text.strip():
        text += " " + draw(_pick(WORDS))
    return text


# --------------------------------------------------------------------------- bytes
_MAGIC = (b"%PDF-1.7", b"\x89PNG\r\n", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b\x08", b"\x7fELF",
          b"SQLite format 3\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"BZh9")


@st.composite
def mutated(draw, base: bytes) -> bytes:
    """`base` damaged a few times: bytes flipped, inserted, deleted, repeated, or the tail cut off."""
    data = bytearray(base)
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.integers(0, 4))
        pos = draw(st.integers(0, 10**6)) % (len(data) + 1)
        if op == 0 and data:
            data[pos % len(data)] = draw(st.integers(0, 255))
        elif op == 1:
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif op == 2:
            del data[pos:pos + draw(st.integers(1, 64))]
        elif op == 3:
            data[pos:pos] = bytes(data[pos:pos + draw(st.integers(1, 32))]) * draw(st.integers(1, 50))
        else:
            del data[pos:]
    return bytes(data)


@st.composite
def encoded(draw, text: str) -> bytes:
    """`text` as bytes: UTF-8 (with or without BOM, cut mid-character), UTF-16/32, Latin-1, or junk."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return text.encode("utf-8-sig")
    if kind == 1:
        return text.encode(draw(_pick(("utf-16", "utf-16-le", "utf-16-be", "utf-32"))))
    if kind == 2:
        return text.encode("cp1252", errors="replace")
    if kind == 3:
        raw = text.encode("utf-8")
        return raw[:draw(st.integers(0, max(0, len(raw))))]
    if kind == 4:
        return draw(_pick(_MAGIC)) + draw(st.binary(max_size=512))
    if kind == 5:
        return draw(st.binary(max_size=2048))
    if kind == 6:
        return text.encode("utf-8").replace(b" ", b"\x00", draw(st.integers(0, 3)))
    return text.encode("utf-8")


@st.composite
def text_files(draw) -> bytes:
    """The bytes of a .txt or .md file."""
    data = draw(encoded(draw(report_texts())))
    return draw(mutated(data)) if draw(st.booleans()) else data


# --------------------------------------------------------------------------- HTML
_TAGS = ("div", "p", "span", "b", "i", "a", "table", "tr", "td", "ul", "li", "article", "section",
         "main", "h1", "h2", "script", "style", "nav", "footer", "template", "svg", "math", "iframe",
         "br", "img", "blockquote", "pre", "form", "select", "noscript", "x-custom", "font", "center")
_ENTITIES = ("&amp;", "&lt;", "&#0;", "&#x110000;", "&#99999999999;", "&bogus;", "&nbsp;", "&#x202e;",
             "&", "&#", "&#x;", "<!-- -->", "<!--", "<![CDATA[x]]>", "<?php ?>", "</>", "<", ">")


@st.composite
def html_pages(draw) -> bytes:
    """A page: a tree of tags and report text, deep nesting, entities, charsets, meta dates."""
    title = draw(st.one_of(st.just(""), report_texts()))
    body_parts = []
    for _ in range(draw(st.integers(0, 6))):
        tag = draw(_pick(_TAGS))
        attrs = draw(st.one_of(st.just(""), _pick((' class="content"', ' id="main"', " hidden",
                                                     ' href="javascript:alert(1)"', ' class="x', " =",
                                                     ' style="x:1"', ' itemprop="articleBody"'))))
        inner = draw(st.one_of(sentences(), report_texts(), _pick(_ENTITIES)))
        close = "" if draw(st.integers(0, 5)) == 0 else f"</{tag}>"
        body_parts.append(f"<{tag}{attrs}>{inner}{close}")
    depth = draw(st.one_of(st.just(0), st.integers(0, 3000)))
    nest = draw(_pick(("div", "span", "b", "table", "p", "li", "x")))
    core = "".join(body_parts)
    if depth:
        closing = f"</{nest}>" * depth if draw(st.booleans()) else ""
        core = f"<{nest}>" * depth + core + closing
    date = draw(st.one_of(st.just(""), _pick(DATES + ("2024-05-01", "2024-05-01T10:00:00+02:00")),
                          st.text(max_size=30)))
    charset = draw(st.one_of(st.just(""), _pick(("utf-8", "latin-1", "utf-16", "x-nonsense", "utf-7",
                                                  "cp1252", "", "shift_jis", "UTF-8\"><b"))))
    head = (f"<head><meta charset=\"{charset}\"><title>{title}</title>"
            f"<meta name=\"date\" content=\"{date}\"><meta property=\"og:site_name\" content=\"{title[:20]}\">"
            "</head>")
    shape = draw(st.integers(0, 3))
    if shape == 0:
        page = f"<!DOCTYPE html><html>{head}<body><article>{core}</article></body></html>"
    elif shape == 1:
        page = f"<html><body>{core}"
    elif shape == 2:
        page = f"<?xml version=\"1.0\" encoding=\"{charset or 'utf-8'}\"?><html>{head}<body>{core}</body></html>"
    else:
        page = core
    enc = draw(_pick(("utf-8", "utf-8", "utf-16", "cp1252")))
    data = page.encode(enc, errors="replace")
    return draw(mutated(data)) if draw(st.integers(0, 3)) == 0 else data


# --------------------------------------------------------------------------- JSON
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
                     _pick(DATES), _pick(("", " ", "javascript:alert(1)", "=cmd|'/c calc'!A1")))
_JSON_VALUES = st.recursive(_SCALARS, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                             st.dictionaries(st.text(max_size=8), kids, max_size=4)),
                            max_leaves=12)


@st.composite
def records(draw):
    """One report record, its fields of the right type or not."""
    record = {}
    for key in ("text", "title", "url", "outlet", "published", "author", "via"):
        if draw(st.integers(0, 3)):
            record[key] = draw(st.one_of(report_texts(), _SCALARS, _JSON_VALUES)) if key == "text" or \
                draw(st.booleans()) else draw(_SCALARS)
    if draw(st.booleans()):
        record["text"] = draw(report_texts())
    if draw(st.integers(0, 4)) == 0:
        record.update(draw(st.dictionaries(st.text(max_size=10), _JSON_VALUES, max_size=3)))
    return record


def _deep_json(depth: int, opener: str) -> str:
    closer = "]" if opener == "[" else "}"
    inner = '{"a":' if opener == "{" else "["
    return (inner * depth) + "1" + (closer * depth)


@st.composite
def json_documents(draw) -> str:
    """A JSON file: one record, a list of records and other values, a deep nest, a huge number."""
    kind = draw(st.integers(0, 6))
    if kind == 0:
        doc = json.dumps(draw(records()), ensure_ascii=draw(st.booleans()))
    elif kind in (1, 2):
        doc = json.dumps(draw(st.lists(st.one_of(records(), _JSON_VALUES), max_size=6)),
                         ensure_ascii=draw(st.booleans()))
    elif kind == 3:
        doc = json.dumps(draw(_JSON_VALUES))
    elif kind == 4:
        doc = _deep_json(draw(st.integers(1, 200_000)), draw(_pick(("[", "{"))))
    elif kind == 5:
        digits = "9" * draw(st.integers(1, 20_000))
        doc = draw(_pick(('{"text": "x y z", "published": %s}', '[%s]', '{"text": %s}',
                          '{"text": "a b", "n": %s.5e99999}'))) % digits
    else:
        doc = draw(st.text(max_size=200))
    return doc


@st.composite
def json_files(draw) -> bytes:
    data = draw(encoded(draw(json_documents()))) if draw(st.integers(0, 4)) == 0 else \
        draw(json_documents()).encode("utf-8", errors="surrogatepass")
    return draw(mutated(data)) if draw(st.integers(0, 4)) == 0 else data


@st.composite
def jsonl_files(draw) -> bytes:
    """JSON Lines: good records among broken lines, blank lines, deep nests, other encodings."""
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.integers(0, 4))
        if kind <= 1:
            lines.append(json.dumps(draw(records())).encode())
        elif kind == 2:
            lines.append(draw(json_documents()).replace("\n", " ").encode("utf-8", errors="surrogatepass"))
        elif kind == 3:
            lines.append(draw(st.binary(max_size=40)).replace(b"\n", b""))
        else:
            lines.append(b"")
    data = draw(_pick((b"\n", b"\r\n", b"\n\n"))).join(lines)
    return draw(mutated(data)) if draw(st.integers(0, 4)) == 0 else data


# --------------------------------------------------------------------------- feeds
FEED_HOST = "https://feed.fuzz.example"
_LINKS = ("", "javascript:alert(1)", "ftp://feed.fuzz.example/a", "http://", "https://[::1",
          "https://feed.fuzz.example/%zz", "/relative", "mailto:x@y", "https://feed.fuzz.example/" + "a" * 3000,
          "http://127.0.0.1:9/x", "HTTPS://FEED.FUZZ.EXAMPLE/UPPER")


@st.composite
def feed_documents(draw, host: str = FEED_HOST) -> tuple[str, list[str]]:
    """(an RSS 1.0/2.0 or Atom feed, the page URLs its entries link to)."""
    links: list[str] = []
    entries = []
    for n in range(draw(st.integers(0, 5))):
        link = f"{host}/story/{n}" if draw(st.integers(0, 3)) else draw(_pick(_LINKS))
        links.append(link)
        title = draw(st.one_of(sentences(), _pick(_ENTITIES)))
        when = draw(st.one_of(_pick(DATES + ("Tue, 10 Jun 2003 04:00:00 GMT", "Mon, 99 Foo 2003",
                                             "2003-06-10T04:00:00Z", "9999-12-31T23:59:59Z")),
                              st.text(max_size=30)))
        entries.append((link, title, when, draw(st.one_of(st.just(""), _pick(NAMES)))))
    flavour = draw(st.integers(0, 2))
    name = draw(st.one_of(st.just(""), _pick(NAMES), st.text(max_size=20)))
    doctype = ""
    if draw(st.integers(0, 4)) == 0:  # entity expansion ("billion laughs"), kept small here
        doctype = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">' + "".join(
            f'<!ENTITY {chr(98 + k)} "{("&" + chr(97 + k) + ";") * 10}">' for k in range(draw(st.integers(1, 4)))) + "]>"
    if flavour == 0:
        items = "".join(f"<item><title>{t}</title><link>{l}</link><pubDate>{w}</pubDate>"
                        f"<author>{a}</author></item>" for l, t, w, a in entries)
        doc = f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>{name}</title>{items}</channel></rss>'
    elif flavour == 1:
        items = "".join(f'<entry><title>{t}</title><link href="{l}"/><updated>{w}</updated>'
                        f"<author><name>{a}</name></author></entry>" for l, t, w, a in entries)
        doc = f'<?xml version="1.0"?>{doctype}<feed xmlns="http://www.w3.org/2005/Atom"><title>{name}</title>{items}</feed>'
    else:
        items = "".join(f'<item rdf:about="{l}"><title>{t}</title><link>{l}</link><dc:date>{w}</dc:date></item>'
                        for l, t, w, a in entries)
        doc = ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
               'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
               f"<channel><title>{name}</title></channel>{items}</rdf:RDF>")
    return doc, links


@st.composite
def feed_files(draw) -> tuple[bytes, dict[str, tuple[int, str, str, bytes]]]:
    """(the feed's bytes, {url: (status, content type, content encoding, body)} its server answers)."""
    doc, links = draw(feed_documents())
    data = doc.encode("utf-8", errors="replace")
    if draw(st.integers(0, 4)) == 0:
        data = draw(mutated(data))
    pages = {}
    for link in links:
        if not link.startswith(FEED_HOST):
            continue
        status = draw(_pick((200, 200, 200, 200, 301, 404, 500, 204)))
        ctype = draw(_pick(("text/html", "text/html; charset=utf-8", "text/plain", "application/pdf", "",
                            "text/html; charset=bogus", "application/rss+xml", "text/xml")))
        body = draw(st.one_of(html_pages(), text_files()))
        encoding = draw(_pick(("", "", "gzip", "deflate", "br", "gzip-broken")))
        if status == 301:
            body, ctype = draw(_pick(_LINKS + (f"{FEED_HOST}/story/0",))).encode("utf-8", "replace"), "location"
        elif encoding == "gzip":
            body = gzip.compress(body)
        elif encoding == "deflate":
            body = zlib.compress(body)
        elif encoding == "gzip-broken":
            body, encoding = gzip.compress(body)[: max(1, len(body) // 3)] + b"\x00junk", "gzip"
        pages[link] = (status, ctype, encoding, body)
    return data, pages


# --------------------------------------------------------------------------- WARC
_REC_TYPES = ("response", "response", "response", "request", "resource", "metadata", "revisit", "warcinfo")


def build_warc(records: list[tuple[str, str, str, str, bytes]], compress: bool) -> bytes:
    """A WARC written by warcio from (type, uri, status line, content type, payload) records."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=compress)
    for rec_type, uri, status, ctype, payload in records:
        try:
            headers = None
            if rec_type in ("response", "revisit"):
                headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, rec_type, payload=io.BytesIO(payload),
                                                          http_headers=headers))
        except Exception:  # noqa: BLE001 - warcio refused to write this record: the input is the rest
            continue
    return out.getvalue()


@st.composite
def warc_files(draw) -> tuple[bytes, bool]:
    """(a WARC archive's bytes, gzipped?): records of every kind, bad lengths, cut or damaged."""
    recs = []
    for n in range(draw(st.integers(0, 5))):
        recs.append((draw(_pick(_REC_TYPES)),
                     draw(st.one_of(st.just(f"https://warc.fuzz.example/{n}"), st.text(max_size=30))),
                     draw(_pick(("200 OK", "200 OK", "404 Not Found", "2", "abc", "999 X", "", "301 Moved"))),
                     draw(_pick(("text/html", "text/html; charset=utf-8", "text/html; charset=bogus",
                                 "application/xhtml+xml", "image/png", "", "text/plain"))),
                     draw(st.one_of(html_pages(), st.binary(max_size=200)))))
    compress = draw(st.booleans())
    data = build_warc(recs, compress)
    damage = draw(st.integers(0, 5))
    if damage == 1 and not compress:  # a declared length that lies
        import re
        lengths = list(re.finditer(rb"Content-Length: (\d+)", data))
        if lengths:
            m = lengths[draw(st.integers(0, len(lengths) - 1))]
            new = str(draw(st.one_of(st.integers(0, 10**6), st.just(10**30)))).encode()
            data = data[:m.start(1)] + draw(st.one_of(st.just(new), _pick((b"-5", b"x", b"")))) + data[m.end(1):]
    elif damage in (2, 3):
        data = draw(mutated(data))
    elif damage == 4:
        data = draw(st.binary(max_size=600))
    return data, compress


# --------------------------------------------------------------------------- metadata
_META_KEYS = ("title", "outlet", "author", "url", "published", "site", "via", "language_note")


@st.composite
def metadata_files(draw, name: str) -> bytes:
    """A metadata.yaml (or FILE.meta.yaml) for the file `name`: entries, tags, anchors, junk."""
    kind = draw(st.integers(0, 7))
    entry = draw(st.dictionaries(_pick(_META_KEYS), st.one_of(_SCALARS, _JSON_VALUES), max_size=5))
    if kind <= 2:
        import yaml

        table = {name: entry} if kind else entry
        if draw(st.booleans()):
            table[draw(st.text(max_size=12))] = draw(_JSON_VALUES)
        text = yaml.safe_dump(table, allow_unicode=draw(st.booleans()))
    elif kind == 3:  # an alias bomb: each level repeats the one before
        width, levels = draw(st.integers(2, 12)), draw(st.integers(1, 9))
        lines = ["l0: &l0 [" + ", ".join(["x"] * width) + "]"]
        for k in range(1, levels):
            lines.append(f"l{k}: &l{k} [" + ", ".join([f"*l{k - 1}"] * width) + "]")
        key = draw(_pick(("outlet", "published", "via", "title")))
        lines.append(f"{name}: {{{key}: *l{levels - 1}}}")
        text = "\n".join(lines) + "\n"
    elif kind == 4:  # tags: python objects, binary, sets, timestamps, custom
        tag = draw(_pick(("!!python/object/apply:os.system ['true']", "!!binary aGVsbG8=", "!!set {a, b}",
                          "!!timestamp 2024-13-45", "!custom x", "!!int 0x1F", "!!float .nan",
                          "!!python/name:os.system", "!!omap [a: 1]", "!!str 2024-01-01")))
        text = f"{name}:\n  {draw(_pick(_META_KEYS))}: {tag}\n"
    elif kind == 5:  # deep nesting
        depth = draw(st.integers(1, 20_000))
        text = f"{name}: {{outlet: " + "[" * depth + "x" + "]" * depth + "}\n"
    elif kind == 6:
        text = f"{name}: {{published: {draw(_pick(DATES + ('2024-01-01 10:00:00 +99:00', '20240101', '-1')))}}}\n"
    else:
        text = draw(st.text(max_size=200))
    data = text.encode("utf-8", errors="surrogatepass")
    return draw(mutated(data)) if draw(st.integers(0, 5)) == 0 else data


def overrides():
    """CLI flags for one input (--published, --outlet ...), as `newstrace ingest` passes them."""
    return st.dictionaries(_pick(("outlet", "published", "author", "url", "title")),
                           st.one_of(_pick(DATES), st.text(min_size=1, max_size=20)), max_size=3)


# --------------------------------------------------------------------------- file names
SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".ndjson", ".rss", ".atom", ".xml",
            ".warc", ".warc.gz", ".dat", "", ".TXT", ".meta.yaml", ".markdown", ".xhtml")


@st.composite
def file_names(draw) -> bytes:
    """A file name as bytes: newlines, spaces, leading dashes, RTL, invalid UTF-8, long."""
    stem = draw(st.text(st.characters(exclude_characters="/\x00", exclude_categories=("Cs",)),
                        min_size=1, max_size=40))
    raw = stem.encode("utf-8")
    if draw(st.integers(0, 5)) == 0:
        raw += draw(_pick((b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80abc")))
    raw += draw(_pick(SUFFIXES)).encode()
    raw = raw[-200:]
    if raw in (b".", b"..") or not raw:
        raw = b"x" + raw
    return raw


@st.composite
def any_file_bytes(draw) -> bytes:
    """Content of a file whose kind the dispatcher must pick (feeds link only to refused addresses)."""
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return draw(text_files())
    if kind == 1:
        return draw(html_pages())
    if kind == 2:
        return draw(json_files())
    if kind == 3:
        return draw(jsonl_files())
    if kind == 4:
        return draw(feed_documents(host="http://127.0.0.1:9"))[0].encode("utf-8", "replace")
    return draw(warc_files())[0]

