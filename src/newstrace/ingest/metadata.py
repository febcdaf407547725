"""Sidecar metadata (folder metadata.yaml, FILE.meta.yaml, CLI flags) checked and merged into reports."""
from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import yaml

from ..errors import MetadataError
from ..model import IngestProblem, RawReport

FOLDER_SIDECARS = ("metadata.yaml", "metadata.yml")
FILE_SIDECAR_SUFFIXES = (".meta.yaml", ".meta.yml")
FIELDS = ("title", "outlet", "author", "url", "published", "site")  # RawReport fields
MEMBER_FIELDS = ("outlet", "author", "published", "site")  # apply to every member of a container
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# A sidecar holds a few fields per file; more values than this, counting each alias every time it is
# used, is an alias bomb ("billion laughs") or a recursive alias, refused before any value is read.
MAX_VALUES = 1_000_000


class _SidecarLoader(yaml.SafeLoader):
    """SafeLoader keeping timestamps as text, so one impossible date fails one file, not the YAML."""


_SidecarLoader.add_constructor("tag:yaml.org,2002:timestamp",
                               lambda loader, node: loader.construct_scalar(node))


@dataclass(frozen=True)
class Layer:
    """One checked source of metadata: where it came from and its values (published normalised)."""

    origin: str  # sidecar path or "command line"
    values: tuple[tuple[str, Any], ...]


def normalise_date(value: Any) -> str:
    """YYYY-MM-DD from a date, a datetime or an ISO date/datetime string; ValueError otherwise."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        s = value.strip()
        if _ISO_DAY.fullmatch(s):
            return date.fromisoformat(s).isoformat()  # rejects 2022-02-30
        if len(s) >= 10 and _ISO_DAY.fullmatch(s[:10]):
            return datetime.fromisoformat(s).date().isoformat()
    raise ValueError(f"not a date: {value!r}")


def is_sidecar(name: str) -> bool:
    """True for metadata.yaml and FILE.meta.yaml names (never read as reports)."""
    low = name.lower()
    return low in FOLDER_SIDECARS or low.endswith(FILE_SIDECAR_SUFFIXES)


def make_layer(values: Mapping[Any, Any], origin: str, what: str) -> Layer:
    """Check one mapping of metadata (a bad published date raises MetadataError)."""
    out: list[tuple[str, Any]] = []
    for key, value in values.items():
        key = str(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if key == "published":
            try:
                value = normalise_date(value)
            except ValueError:
                raise MetadataError(f"{origin}: key 'published' {what}holds {value!r}, which is not a "
                                    "real date (YYYY-MM-DD)", source=origin) from None
        elif key in FIELDS:
            value = str(value)
        out.append((key, value))
    return Layer(origin, tuple(out))


def override_layer(overrides: Mapping[str, str] | None) -> Layer | None:
    """The CLI flags as a layer (checked), or None."""
    if not overrides:
        return None
    return make_layer(overrides, "command line", "(--published) ")


class SidecarCache:
    """Finds and checks the sidecars of files; folder metadata.yaml files are read once each."""

    def __init__(self) -> None:
        self._folders: dict[str, tuple[str, Mapping[Any, Any]] | MetadataError | None] = {}

    def layers_for(self, path: str) -> list[Layer]:
        """Folder metadata then FILE.meta.yaml, lowest priority first; MetadataError if bad."""
        folder, name = os.path.split(os.path.abspath(path))
        layers: list[Layer] = []
        found = self._folder(folder)
        if isinstance(found, MetadataError):
            raise MetadataError(f"{found.message} (so {name} was not ingested)", source=path)
        if found is not None:
            sidecar, table = found
            entry = table.get(name)
            if entry is not None:
                if not isinstance(entry, Mapping):
                    raise MetadataError(f"{sidecar}: the entry for {name} is a "
                                        f"{type(entry).__name__}, not a mapping of keys", source=path)
                layers.append(_checked_layer(entry, sidecar, f"of {name} ", path))
        for suffix in FILE_SIDECAR_SUFFIXES:
            sidecar = os.path.join(folder, name + suffix)
            if os.path.isfile(sidecar):
                table = _load_mapping(sidecar, path)
                layers.append(_checked_layer(table, sidecar, "", path))
                break
        return layers

    def orphan_entries(self, folder: str, filenames: list[str]) -> list[IngestProblem]:
        """A problem for each entry of the folder's metadata.yaml that names no file in the folder."""
        found = self._folder(os.path.abspath(folder))
        if found is None or isinstance(found, MetadataError):
            return []
        sidecar, table = found
        present = set(filenames)
        return [IngestProblem(sidecar, MetadataError.code,
                              f"{sidecar}: the entry {str(key)!r} names no file in {folder}; "
                              "its metadata was not used")
                for key in table if str(key) not in present]

    def _folder(self, folder: str) -> tuple[str, Mapping[Any, Any]] | MetadataError | None:
        if folder not in self._folders:
            self._folders[folder] = None
            for name in FOLDER_SIDECARS:
                sidecar = os.path.join(folder, name)
                if os.path.isfile(sidecar):
                    try:
                        self._folders[folder] = (sidecar, _load_mapping(sidecar, sidecar))
                    except MetadataError as e:
                        self._folders[folder] = e
                    break
        return self._folders[folder]


def _load_mapping(sidecar: str, source: str) -> Mapping[Any, Any]:
    try:
        with open(sidecar, encoding="utf-8") as f:
            table = yaml.load(f, Loader=_SidecarLoader)  # noqa: S506 - a SafeLoader subclass
    except (OSError, ValueError, yaml.YAMLError) as e:
        detail = str(e).replace("\n", " ")
        raise MetadataError(f"{sidecar} cannot be read as YAML: {detail}", source=source) from None
    except RecursionError:  # PyYAML builds nested collections recursively
        raise MetadataError(f"{sidecar} nests its values too deeply to be metadata", source=source) from None
    if _expanded_size(table, MAX_VALUES) > MAX_VALUES:
        raise MetadataError(f"{sidecar} expands to more than {MAX_VALUES:,} values (aliases repeating "
                            "aliases, or an alias inside itself); it is not read", source=source)
    if table is None:
        return {}
    if not isinstance(table, Mapping):
        raise MetadataError(f"{sidecar} holds a {type(table).__name__}, not a mapping of keys",
                            source=source)
    return table


def _expanded_size(value: Any, limit: int) -> int:
    """How many values `value` holds with every alias expanded, counting no further than limit + 1."""
    seen, stack = 0, [value]
    while stack and seen <= limit:  # a stack, not recursion: any depth, and a cycle ends at the limit
        item = stack.pop()
        seen += 1
        if isinstance(item, Mapping):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
    return seen


def _checked_layer(table: Mapping[Any, Any], sidecar: str, what: str, path: str) -> Layer:
    """make_layer, with the error's source set to the file that is not ingested."""
    try:
        return make_layer(table, sidecar, what)
    except MetadataError as e:
        raise MetadataError(f"{e.message}; {os.path.basename(path)} was not ingested",
                            source=path) from None


def apply_layers(report: RawReport, layers: list[Layer], member: bool = False) -> RawReport:
    """Overlay metadata layers (lowest priority first) on what the file itself gave.

    For a member of a container (feed entry, WARC record, JSON list) title and url stay the
    member's own.  Keys that are not report fields go to `extra`.
    """
    values: dict[str, Any] = {}
    extra = dict(report.extra)
    published_from = report.published_from
    for layer in layers:
        for key, value in layer.values:
            if key in FIELDS:
                if member and key not in MEMBER_FIELDS:
                    continue
                values[key] = value
                if key == "published":
                    published_from = "metadata"
            else:
                extra[key] = value if isinstance(value, str) else _scalar_text(value)
    if not values and extra == dict(report.extra):
        return report
    return replace(report, **values, published_from=published_from, extra=tuple(extra.items()))


def _scalar_text(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (int, float, bool)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)
