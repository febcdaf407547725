"""The ingest entry point: dispatch paths, folders and URLs to their readers and apply metadata."""
from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta, timezone

import httpx

from ..errors import (
    EmptyInput,
    EncodingError,
    FutureDate,
    InputNotFound,
    MetadataError,
    NewstraceError,
    UnsupportedInput,
)
from ..model import IngestProblem, RawReport
from ..settings import Settings
from . import files, web
from .feeds import looks_like_feed, read_feed
from .html import extract_html
from .metadata import Layer, SidecarCache, apply_layers, is_sidecar, override_layer
from .warc import is_warc, read_warc

TEXT_SUFFIXES = (".txt", ".text")
MARKDOWN_SUFFIXES = (".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
JSON_SUFFIXES = (".json",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
FEED_SUFFIXES = (".rss", ".atom", ".xml")

Item = RawReport | IngestProblem
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # C0 and C1 control characters, newline and escape among them


def read_inputs(inputs: Sequence[str], settings: Settings,
                overrides: Mapping[str, str] | None = None) -> Iterator[Item]:
    """Yield a RawReport per report found and an IngestProblem per input that failed; never raises.

    `inputs` are files, folders (recursive, sorted, hidden files and sidecars skipped) or http(s)
    URLs.  `overrides` (CLI flags for a single file: outlet, published, author, url, title) win
    over FILE.meta.yaml, which wins over the folder's metadata.yaml, which wins over the file.
    """
    session = _Session(settings)
    try:
        try:
            flags = override_layer(overrides)
        except MetadataError as e:
            for item in inputs:
                yield IngestProblem(str(item), e.code, f"{e.message}; {item} was not ingested")
            return
        for item in inputs:
            item = str(item)
            yield from refuse_future_dates(_guarded(shown_name(item), session.read(item, flags)))
    finally:
        session.close()


class _Session:
    """State shared across one batch: the sidecar cache and a lazily made HTTP client."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.sidecars = SidecarCache()
        self._client: httpx.Client | None = None

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = web.make_client(self.settings)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def read(self, item: str, flags: Layer | None) -> Iterator[Item]:
        if web.is_url(item):
            yield from _with_layers(self.read_url(item), [flags] if flags else [], item)
        elif "://" in item:
            raise UnsupportedInput(f"{item} is not a file, a folder or an http(s) URL", source=item)
        elif os.path.isdir(item):
            yield from self.read_folder(item, flags)
        elif os.path.exists(item) or os.path.islink(item):  # a looping link: named as one by read_path
            yield from self.read_path(item, flags)
        else:
            raise InputNotFound(f"{item} does not exist", source=item)

    def read_folder(self, folder: str, flags: Layer | None) -> Iterator[Item]:
        found = False
        errors: list[OSError] = []
        for dirpath, dirnames, filenames in os.walk(folder, onerror=errors.append):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith(".") or is_sidecar(name):
                    continue
                found = True
                path = os.path.join(dirpath, name)
                yield from _guarded(shown_name(path), self.read_path(path, flags))
            yield from self.sidecars.orphan_entries(dirpath, filenames)
        for e in errors:
            where = shown_name(str(e.filename or folder))
            yield IngestProblem(where, InputNotFound.code, f"{where} cannot be read: {e.strerror}")
        if not found and not errors:
            raise EmptyInput(f"{folder} holds no report files", source=folder)

    def read_path(self, path: str, flags: Layer | None) -> Iterator[Item]:
        refuse_undecodable_name(path)
        name = os.path.basename(path)
        if is_sidecar(name):
            raise UnsupportedInput(f"{path} is a sidecar metadata file, not a report", source=path)
        files.ensure_regular_file(path)
        layers = self.sidecars.layers_for(path)  # a bad sidecar stops this file before reading
        if flags:
            layers.append(flags)
        yield from _with_layers(self.read_file(path), layers, path)

    def read_file(self, path: str) -> Iterator[Item]:
        """The reports of one file, by its kind (suffix, else sniffed)."""
        low = path.lower()
        settings = self.settings
        if is_warc(low):
            yield from read_warc(path, settings)
        elif low.endswith(JSONL_SUFFIXES):
            yield from files.read_jsonl_file(path, settings)
        elif low.endswith(JSON_SUFFIXES):
            yield from files.read_json_file(path, settings)
        elif low.endswith(MARKDOWN_SUFFIXES):
            yield files.read_text_file(path, settings, markdown=True)
        elif low.endswith(TEXT_SUFFIXES):
            yield files.read_text_file(path, settings)
        else:
            data = files.read_capped(path, settings)
            if not data.strip():
                raise EmptyInput(f"{path} is empty or holds only whitespace", source=path)
            files.check_binary(data, path)
            if low.endswith(HTML_SUFFIXES) or web.looks_like_html(data):
                yield extract_html(data, path)
            elif low.endswith(FEED_SUFFIXES) or looks_like_feed("", data):
                if not looks_like_feed("", data):
                    raise UnsupportedInput(f"{path} is XML but not an RSS or Atom feed", source=path)
                yield from read_feed(data, path, settings, self.client)
            else:
                yield files.text_report(files.decode_utf8(data, path), path)

    def read_url(self, url: str) -> Iterator[Item]:
        fetched = web.fetch_url(url, self.settings, self.client)
        if looks_like_feed(fetched.media_type, fetched.body):
            yield from read_feed(fetched.body, url, self.settings, self.client)
        else:
            yield web.page_report(fetched, url)


def shown_name(path: str) -> str:
    """A path as text that can always be stored and printed: bytes that are not UTF-8 as \\xNN,
    control characters (a newline, an escape sequence) as \\n, \\x1b..."""
    if _undecodable(path):
        path = os.fsencode(path).decode("utf-8", "backslashreplace")
    return _CONTROLS.sub(lambda m: repr(m.group())[1:-1], path) if _CONTROLS.search(path) else path


def _undecodable(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # os gives undecodable bytes as lone surrogates
        return True
    return False


def refuse_undecodable_name(path: str) -> None:
    """EncodingError, naming the bytes, for a file name that is not valid UTF-8; UnsupportedInput for a
    name holding control characters (a newline would forge lines of output, an escape would drive the
    terminal)."""
    if _undecodable(path):
        shown = shown_name(path)
        raise EncodingError(f"the file name {shown} is not valid UTF-8 (its bytes are shown as \\xNN); "
                            "rename the file to ingest it", source=shown)
    if _CONTROLS.search(path):
        shown = shown_name(path)
        raise UnsupportedInput(f"the file name {shown} holds control characters (shown escaped); "
                               "rename the file to ingest it", source=shown)


def refuse_future_dates(items: Iterable[Item], today: date | None = None) -> Iterator[Item]:
    """Pass items on; a report published after tomorrow (UTC) becomes a FutureDate problem."""
    limit = ((today or datetime.now(timezone.utc).date()) + timedelta(days=1)).isoformat()
    for item in items:
        if isinstance(item, RawReport) and item.published and item.published > limit:
            err = FutureDate(f"{item.source}: publication date {item.published} (from {item.published_from}) "
                             "is in the future; correct the date to ingest it", source=item.source)
            yield files.as_problem(err, item.source)
        else:
            yield item


def _with_layers(items: Iterable[Item], layers: list[Layer], source: str) -> Iterator[Item]:
    """Apply metadata layers to each report; members of a container keep their title and url."""
    for item in items:
        if isinstance(item, RawReport) and layers:
            item = apply_layers(item, layers, member=item.source != source)
        yield item


def _guarded(source: str, items: Iterable[Item]) -> Iterator[Item]:
    """Pass items on; an error (expected or not) becomes one IngestProblem and the batch goes on."""
    try:
        yield from items
    except NewstraceError as e:
        yield files.as_problem(e, source)
    except Exception as e:  # a reader bug must not stop the batch; the message says what happened
        yield IngestProblem(source, "E000", f"{source} could not be read (unexpected "
                                            f"{type(e).__name__}: {e})")
