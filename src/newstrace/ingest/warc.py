"""WARC/ARC archives via warcio: each HTML response record is a report; truncation is a problem."""
from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import replace

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader

from ..errors import EmptyInput, InputNotFound, MalformedInput, NewstraceError, TooLarge
from ..model import IngestProblem, RawReport
from ..settings import Settings
from .files import as_problem
from .html import extract_html
from .web import HTML_TYPES

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
LINE_LIMIT = 1 << 20  # a WARC or HTTP header line is far shorter; a longer one is damage (or a bomb)


# warcio logs a warning for each target URI with spaces (it repairs them); a batch need not show it
logging.getLogger("warcio.recordloader").setLevel(logging.ERROR)


class _ArchiveReader(DecompressingBufferedReader):
    """warcio's reader, except that a gzip member damaged part-way raises (warcio writes the zlib
    error to stderr and reads on as if the archive ended there) and that no line is longer than
    LINE_LIMIT (warcio would gather a gzip bomb's gigabytes of zeros into one header line)."""

    def readline(self, length: int | None = None) -> bytes:
        return super().readline(LINE_LIMIT if not length or length > LINE_LIMIT else length)

    def _decompress(self, data: bytes) -> bytes:
        if self.decompressor and data and self.num_block_read:  # past the first block: no more sniffing
            return self.decompressor.decompress(data)
        return super()._decompress(data)


class _Archive(ArchiveIterator):
    """warcio's iterator without its stderr output: a record whose length is wrong is reported as a
    problem instead (counted in err_count), and a damaged gzip member raises."""

    INC_RECORD = ""

    def __init__(self, fileobj) -> None:
        super().__init__(fileobj)
        self.reader = _ArchiveReader(self.fh)


def is_warc(path: str) -> bool:
    """True for .warc, .warc.gz, .arc and .arc.gz names."""
    return path.lower().endswith(WARC_SUFFIXES)


def read_warc(path: str, settings: Settings) -> Iterator[RawReport | IngestProblem]:
    """Yield a report per HTML response (2xx) and a problem per damaged or truncated record.

    The cap applies per record, not to the archive.  warcio reads a cut-off archive without
    complaint, so truncation is detected here: a record whose content ends before its declared
    length, or bytes after the last record that never formed one.
    """
    try:
        size = os.stat(path).st_size
        f = open(path, "rb")
    except OSError as e:
        raise InputNotFound(f"{path} cannot be read: {e.strerror}", source=path) from None
    cap = settings.max_bytes
    records = html_records = 0
    damaged = False
    with f:
        archive = _Archive(f)
        try:
            for record in archive:
                records += 1
                uri = record.rec_headers.get_header("WARC-Target-URI") or f"record-{records}"
                member = f"{path}#{uri}"
                if record.rec_headers.get_header("Content-Length") is None:
                    # a record cut inside its header block: warcio hands back what headers it read
                    raise MalformedInput(f"{path} is truncated: record {records} ends inside its header "
                                         "(no Content-Length)", source=path)
                if not _is_html_response(record):
                    missing = _drain(record)
                    if missing:
                        damaged = True
                        yield _truncated(path, uri, member, missing)
                    continue
                html_records += 1
                body = record.content_stream().read(cap + 1)
                if len(body) > cap:
                    yield as_problem(TooLarge(f"the record for {uri} in {path} is over the cap of "
                                              f"{cap:,} bytes", source=member), member)
                    continue
                missing = _drain(record)
                if missing:
                    damaged = True
                    yield _truncated(path, uri, member, missing)
                    continue
                try:
                    page = extract_html(body, member, url=uri, charset=_charset(_ctype(record)))
                    yield replace(page, url=uri)
                except NewstraceError as e:
                    yield as_problem(e, member)
        except NewstraceError:
            raise
        except Exception as e:  # warcio/zlib raise many kinds on a damaged archive
            raise MalformedInput(f"{path} is damaged after {records} records: "
                                 f"{type(e).__name__}: {_printable(str(e))}", source=path) from None
        end = getattr(archive, "offset", None)
    if archive.err_count and not damaged:
        damaged = True
        yield IngestProblem(path, MalformedInput.code,
                            f"{path} has {archive.err_count} record(s) whose declared Content-Length does "
                            "not match its content; what lies between records was skipped")
    if not damaged and isinstance(end, int) and end < size:
        raise MalformedInput(f"{path} is truncated: the last {size - end:,} bytes (from byte {end:,}) "
                             "do not form a complete record", source=path)
    if not records and not damaged:
        raise EmptyInput(f"{path} holds no WARC records", source=path)
    if not html_records and not damaged:
        raise EmptyInput(f"{path} holds no HTML response records ({records} records read)",
                         source=path)


def _ctype(record) -> str:
    return record.http_headers.get_header("Content-Type") or ""


def _is_html_response(record) -> bool:
    """A 2xx HTTP response record whose content type is HTML."""
    if record.rec_type != "response" or record.http_headers is None:
        return False
    status = record.http_headers.get_statuscode() or ""
    return status.startswith("2") and _ctype(record).split(";")[0].strip().lower() in HTML_TYPES


def _drain(record) -> int:
    """Read what is left of a record; the bytes its declared length promised but the file lacks."""
    stream = record.raw_stream
    while stream.read(65536):
        pass
    return getattr(stream, "limit", 0) or 0


def _truncated(path: str, uri: str, member: str, missing: int) -> IngestProblem:
    return IngestProblem(member, MalformedInput.code, f"the record for {uri} in {path} is truncated: "
                                                     f"{missing:,} bytes of it are missing")


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _printable(text: str, limit: int = 160) -> str:
    """warcio quotes the bytes it choked on: shown escaped and short, never as raw control bytes."""
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}"
                    for c in text[:limit])
    return shown + ("..." if len(text) > limit else "")
