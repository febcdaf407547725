"""Read local report files: size cap, binary and encoding checks, text, Markdown, JSON and JSONL."""
from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import (
    BinaryInput,
    EmptyInput,
    EncodingError,
    InputNotFound,
    MalformedInput,
    MetadataError,
    NewstraceError,
    NoTextFound,
    TooLarge,
    UnsupportedInput,
)
from ..model import IngestProblem, RawReport
from ..settings import Settings
from .metadata import normalise_date

# Leading bytes of common binary formats: a file starting with one is never a text report.
MAGIC_NUMBERS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ", "an xz archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd archive"),
    (b"\x7fELF", "an executable"),
    (b"MZ\x90\x00", "a Windows executable"),
    (b"\xd0\xcf\x11\xe0", "a legacy Office document"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"RIFF", "a RIFF media file"),
    (b"OggS", "an Ogg media file"),
    (b"ID3", "an MP3 file"),
)
_SNIFF = 8192
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\v\x1b")
_CONTROL_SHARE = 0.10  # more control characters than this in the first 8 KiB -> binary
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"  # a byte order mark and zero-width spaces: not text
RECORD_KEYS = ("text", "title", "url", "outlet", "published", "author")


def as_problem(err: NewstraceError, source: str) -> IngestProblem:
    """The stored form of an ingest error."""
    return IngestProblem(source=err.source or source, code=err.code, message=err.message)


def read_capped(path: str, settings: Settings) -> bytes:
    """The bytes of a regular file, refusing files over settings.max_bytes before reading them."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputNotFound(f"{path} does not exist", source=path) from None
    except OSError as e:
        raise InputNotFound(f"{path} cannot be read: {e.strerror}", source=path) from None
    cap = settings.max_bytes
    if st.st_size > cap:
        raise TooLarge(f"{path} is {st.st_size:,} bytes, over the cap of {cap:,} bytes "
                       "(raise max_bytes to read it)", source=path)
    try:
        with open(path, "rb") as f:
            data = f.read(cap + 1)
    except OSError as e:
        raise InputNotFound(f"{path} cannot be read: {e.strerror}", source=path) from None
    if len(data) > cap:  # the file grew between stat and read
        raise TooLarge(f"{path} is over the cap of {cap:,} bytes", source=path)
    return data


def check_binary(data: bytes, source: str) -> None:
    """Raise BinaryInput (or EncodingError for UTF-16/32) when the bytes are not a text file."""
    for magic, kind in MAGIC_NUMBERS:
        if data.startswith(magic):
            raise BinaryInput(f"{source} is {kind}, not a text report", source=source)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise EncodingError(f"{source} is UTF-16 or UTF-32 text; save it as UTF-8", source=source)
    head = data[:_SNIFF]
    byte_order = _utf16_without_bom(head)
    if byte_order:
        raise EncodingError(f"{source} is UTF-16 ({byte_order}) text without a byte order mark; "
                            "save it as UTF-8", source=source)
    nul = data.find(b"\x00")  # anywhere, not only in the head: no text report holds one
    if nul >= 0:
        raise BinaryInput(f"{source} holds a NUL byte at offset {nul}: it is a binary file, "
                          "not a text report", source=source)
    controls = sum(1 for b in head if b < 32 and b not in _TEXT_CONTROLS)
    if head and controls / len(head) > _CONTROL_SHARE:
        raise BinaryInput(f"{source} is mostly control characters ({controls} of the first "
                          f"{len(head)} bytes): it is a binary file, not a text report", source=source)


def _utf16_without_bom(head: bytes) -> str | None:
    """'little-endian' or 'big-endian' when every other byte is NUL, as in UTF-16 of Latin text."""
    if len(head) < 16:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
        return "little-endian"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
        return "big-endian"
    return None


def decode_utf8(data: bytes, source: str, lines: bool = True) -> str:
    """The bytes decoded as UTF-8 exactly, or EncodingError naming the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        where = f" (line {line})" if lines else ""
        raise EncodingError(f"{source} is not valid UTF-8: byte 0x{data[e.start]:02x} at byte offset "
                            f"{e.start}{where}; convert it to UTF-8", source=source) from None


def first_line_title(text: str, markdown: bool = False) -> str | None:
    """The first non-empty line, stripped (and without leading '#' for Markdown)."""
    for line in text.splitlines():
        line = line.replace("\ufeff", "").strip()
        if markdown:
            line = line.lstrip("#").strip()
        if line:
            return line
    return None


def check_words(text: str, source: str, what: str = "") -> None:
    """EmptyInput for blank text (a byte order mark or zero-width spaces count as blank), NoTextFound
    for text without a single letter (only digits, punctuation, symbols or invisible marks)."""
    if not any(not c.isspace() and c not in _INVISIBLE for c in text):  # stops at the first visible one
        raise EmptyInput(f"{source} has an empty {what}" if what else
                         f"{source} is empty or holds only whitespace", source=source)
    if not any(c.isalpha() for c in text):
        raise NoTextFound(f"{source} holds no words, only digits, punctuation, symbols or invisible "
                          "characters", source=source)


def text_report(text: str, source: str, media_type: str = "text/plain") -> RawReport:
    """A report from decoded text, title from its first line; EmptyInput when blank, NoTextFound
    when it holds no word."""
    check_words(text, source)
    title = first_line_title(text, markdown=media_type == "text/markdown")
    return RawReport(source=source, text=text, title=title, media_type=media_type)


def read_text_file(path: str, settings: Settings, markdown: bool = False) -> RawReport:
    """A plain-text or Markdown file as one report, its text the file decoded as UTF-8 exactly."""
    data = read_capped(path, settings)
    if not data.strip():
        raise EmptyInput(f"{path} is empty or holds only whitespace", source=path)
    check_binary(data, path)
    return text_report(decode_utf8(data, path), path, "text/markdown" if markdown else "text/plain")


def record_report(record: Any, source: str) -> RawReport:
    """One JSON record {text, title, url, outlet, published, author, ...} as a report."""
    if not isinstance(record, Mapping):
        raise MalformedInput(f"{source} is a JSON {type(record).__name__}, not a record "
                             "with a 'text' key", source=source)
    text = record.get("text")
    if not isinstance(text, str):
        raise MalformedInput(f"{source} has no 'text' string", source=source)
    check_words(text, source, "'text'")
    values: dict[str, str | None] = {}
    for key in ("title", "url", "outlet", "author"):
        v = record.get(key)
        values[key] = None if v is None else str(v)
    for key, value in (("text", text), *values.items()):
        if value and "\x00" in value:  # no report holds one, and PostgreSQL cannot store it
            raise MalformedInput(f"{source}: '{key}' holds a NUL character (\\u0000) at offset "
                                 f"{value.index(chr(0))}", source=source)
    published = None
    if record.get("published") not in (None, ""):
        try:
            published = normalise_date(record["published"])
        except ValueError:
            raise MetadataError(f"{source}: 'published' holds {record['published']!r}, not a date "
                                "(YYYY-MM-DD)", source=source) from None
    extra = tuple((str(k), _as_text(v)) for k, v in record.items()
                  if k not in RECORD_KEYS and v is not None)
    return RawReport(source=source, text=text, title=values["title"] or first_line_title(text),
                     outlet=values["outlet"], author=values["author"], url=values["url"],
                     published=published, published_from="metadata" if published else "none",
                     media_type="application/json", extra=extra)


def read_json_file(path: str, settings: Settings) -> Iterator[RawReport | IngestProblem]:
    """A JSON file holding one record or a list of records; a bad record fails alone."""
    data = read_capped(path, settings)
    if not data.strip():
        raise EmptyInput(f"{path} is empty or holds only whitespace", source=path)
    check_binary(data, path)
    doc = parse_json(decode_utf8(data, path), path, path)
    if isinstance(doc, list):
        if not doc:
            raise EmptyInput(f"{path} holds an empty list of records", source=path)
        for i, record in enumerate(doc):
            member = f"{path}#{i}"
            try:
                yield record_report(record, member)
            except NewstraceError as e:
                yield as_problem(e, member)
    else:
        yield record_report(doc, path)


def parse_json(text: str, what: str, source: str, lines: bool = True) -> Any:
    """The JSON value in `text`, or MalformedInput naming `what` and why it is not readable JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        where = f"line {e.lineno}, column {e.colno}" if lines else f"column {e.colno}"
        raise MalformedInput(f"{what} is not valid JSON: {e.msg} ({where})", source=source) from None
    except RecursionError:  # the decoder recurses once per nested array or object
        raise MalformedInput(f"{what} nests arrays or objects too deeply to be a report record",
                             source=source) from None
    except ValueError as e:  # a number longer than Python converts (sys.get_int_max_str_digits)
        raise MalformedInput(f"{what} holds a number too long to read: {e}", source=source) from None


def read_jsonl_file(path: str, settings: Settings) -> Iterator[RawReport | IngestProblem]:
    """A JSON Lines file, streamed: each line a record (cap per line); a bad line fails alone."""
    cap = settings.max_bytes
    found = 0
    try:
        f = open(path, "rb")
    except OSError as e:
        raise InputNotFound(f"{path} cannot be read: {e.strerror}", source=path) from None
    with f:
        check_binary(f.read(_SNIFF), path)
        f.seek(0)
        for lineno, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            found += 1
            member = f"{path}#{lineno}"
            try:
                if len(raw) > cap:
                    raise TooLarge(f"line {lineno} of {path} is {len(raw):,} bytes, over the cap "
                                   f"of {cap:,} bytes", source=member)
                text = decode_utf8(raw, f"line {lineno} of {path}", lines=False)
                record = parse_json(text, f"line {lineno} of {path}", member, lines=False)
                yield record_report(record, member)
            except NewstraceError as e:
                yield IngestProblem(member, e.code, e.message)
    if not found:
        raise EmptyInput(f"{path} holds no JSON lines", source=path)


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float, bool)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def ensure_regular_file(path: str) -> None:
    """UnsupportedInput for sockets, devices, looping or broken links and other non-regular files."""
    if not os.path.isfile(path):
        if os.path.islink(path) and not os.path.exists(path):
            raise UnsupportedInput(f"{path} is a symbolic link that loops or leads nowhere", source=path)
        raise UnsupportedInput(f"{path} is not a regular file", source=path)
