"""Data files shipped with the package (lexicons, gazetteers, phrase lists, model weights), read
through one `Resources` object built from settings, optionally overlaid by a domain pack.

    resources = Resources.from_settings(settings)   # settings.domain_pack: a folder, or None
    use_resources(resources)                         # the one active instance of this process
    load_yaml("reporting_cues.yaml")                 # = the active instance's .yaml(name)

Each instance reads a file once (`yaml`, `lines`, `json`, cached per instance); `path` says where
the file or folder standing for a name lies.  Stages receive the loaded data, never paths.

A **domain pack** (setting `domain_pack`: `--domain-pack DIR`, `NEWSTRACE_DOMAIN_PACK`) is a folder
whose files overlay the bundled ones by name:

- a YAML file (`.yaml`, `.yml`) with a bundled file's name **extends** it: mappings are merged key
  by key (lists concatenated, nested mappings merged, a scalar from the pack wins, an empty value
  in the pack adds nothing), a list is appended to the bundled list;
- a line file (`.txt`) with a bundled file's name is appended to it;
- a `pack.yaml` in the pack may list `replace: [file names]`: those pack files replace the bundled
  files of their names instead of extending them (it may also hold `name` and `description`);
- any other file or folder with a bundled name (JSON and model weights, e.g. a trained
  `attribution_tagger/` folder) replaces the bundled one whole: `path` and `json` prefer the pack;
- a file with a new name is simply available.

A bad pack (no such folder, a file that is not UTF-8 or not valid YAML / JSON, a YAML file whose
top-level type or a nested value's kind differs from the bundled file's, a bad `pack.yaml`) is
refused when the instance is built, with `DomainPackError` (E042) naming the file and the problem,
so an ingest fails before any report is read rather than on every report.

One instance is active per process.  The CLI, the API, the workbench, process-pool workers and Dask
workers make it match the settings they run with (`use_resources_of(settings)`).  Switching to
resources that read differently (another pack, or a pack whose files changed) clears every
`functools.lru_cache` of the `newstrace` modules, so the tables derived from resources (cue
lexicons, gazetteers, the tagger...) are rebuilt from the new ones.
"""
from __future__ import annotations

import functools
import json as _json
import os
import sys
import threading
from contextlib import contextmanager
from importlib.resources import files
from typing import Any, Callable, Iterator

import yaml as _yaml

from ..errors import DomainPackError

MANIFEST = "pack.yaml"  # a pack's own description: `replace: [names]`, `name`, `description`
MANIFEST_KEYS = frozenset({"replace", "name", "description"})
YAML_SUFFIXES = (".yaml", ".yml")
LINE_SUFFIXES = (".txt",)
JSON_SUFFIXES = (".json",)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "a single value"


def _merge(base: Any, extra: Any, where: str, file: str) -> Any:
    """`base` extended by `extra` (a pack's value): never mutates either."""
    if extra is None:
        return base
    if base is None:
        return extra
    if isinstance(base, dict) and isinstance(extra, dict):
        out = dict(base)
        for key, value in extra.items():
            out[key] = _merge(base[key], value, f"{where}.{key}" if where else str(key), file) if key in base else value
        return out
    if isinstance(base, list) and isinstance(extra, list):
        return base + extra
    if not isinstance(base, (dict, list)) and not isinstance(extra, (dict, list)):
        return extra  # a scalar from the pack wins
    at = f"at `{where}`: " if where else ""
    raise DomainPackError(f"{at}{_kind(extra)}, but the bundled {os.path.basename(file)} has {_kind(base)} there "
                          f"(a pack file extends the bundled file of its name; list it under `replace` in "
                          f"{MANIFEST} to replace it)", source=file)


def _read_text(path: str, pack: bool) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except UnicodeDecodeError as exc:
        if pack:
            raise DomainPackError(f"not UTF-8 text (byte {exc.start})", source=path) from None
        raise


def _parse_yaml(path: str, pack: bool = False) -> Any:
    text = _read_text(path, pack)
    if not pack:
        return _yaml.safe_load(text)
    try:
        return _yaml.safe_load(text)
    except _yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise DomainPackError(f"not valid YAML: {problem}{at}", source=path) from None


def _parse_lines(path: str, pack: bool = False) -> tuple[str, ...]:
    """Non-empty, non-comment lines of a text file."""
    lines = _read_text(path, pack).split("\n")  # as iterating the file does (universal newlines)
    return tuple(l.strip() for l in lines if l.strip() and not l.lstrip().startswith("#"))


def _parse_json(path: str, pack: bool = False) -> Any:
    text = _read_text(path, pack)
    if not pack:
        return _json.loads(text)
    try:
        return _json.loads(text)
    except ValueError as exc:
        raise DomainPackError(f"not valid JSON: {exc}", source=path) from None


def pack_fingerprint(pack: str) -> tuple[tuple[str, int, int], ...]:
    """What a pack holds, cheaply: (relative path, size, mtime) of every file in it."""
    out = []
    for root, dirs, names in os.walk(pack):
        dirs.sort()
        for n in sorted(names):
            p = os.path.join(root, n)
            try:
                st = os.stat(p)
            except OSError:
                continue
            out.append((os.path.relpath(p, pack), st.st_size, st.st_mtime_ns))
    return tuple(out)


def _check_folder(pack: str) -> str:
    folder = os.path.abspath(os.path.expanduser(str(pack)))
    if not os.path.exists(folder):
        raise DomainPackError("no such folder (--domain-pack / NEWSTRACE_DOMAIN_PACK names a domain pack folder)",
                              source=folder)
    if not os.path.isdir(folder):
        raise DomainPackError("not a folder (a domain pack is a folder of resource files)", source=folder)
    return folder


def resources_key(pack: str | os.PathLike | None, bundled: str | None = None) -> tuple:
    """What makes two `Resources` read alike: the bundled folder, the pack folder and its files."""
    bundled = str(bundled or files(__name__))
    if not pack:
        return (bundled, None, ())
    folder = _check_folder(str(pack))
    return (bundled, folder, pack_fingerprint(folder))


class Resources:
    """The bundled resource files, overlaid by an optional domain pack (see the module docstring)."""

    def __init__(self, pack: str | os.PathLike | None = None, bundled: str | os.PathLike | None = None) -> None:
        self.bundled = str(bundled or files(__name__))
        self.key = resources_key(pack, self.bundled)
        self.pack: str | None = self.key[1]
        self.replaced: frozenset[str] = frozenset()
        self.name = self.description = None
        self._cache: dict[tuple[str, str], Any] = {}
        self._lock = threading.RLock()
        if self.pack:
            self._check_pack()

    @classmethod
    def from_settings(cls, settings: Any) -> "Resources":
        """The resources `settings` name: the bundled files, overlaid by `settings.domain_pack` when set."""
        return cls(getattr(settings, "domain_pack", None) or None)

    def __repr__(self) -> str:
        return f"Resources(pack={self.pack!r})"

    # ------------------------------------------------------------------ reading
    def yaml(self, name: str) -> Any:
        """A YAML resource: the bundled file extended (or replaced) by the pack's; FileNotFoundError when neither."""
        return self._cached("yaml", name, self._read_yaml)

    def lines(self, name: str) -> tuple[str, ...]:
        """Non-empty, non-comment lines of a text resource, the pack's appended (or replacing them)."""
        return self._cached("lines", name, self._read_lines)

    def json(self, name: str) -> Any:
        """A JSON resource (e.g. shipped model weights; a pack's file replaces it), or None when absent."""
        return self._cached("json", name, self._read_json)

    def path(self, name: str) -> str:
        """Where the file or folder standing for `name` lies: the pack's when it replaces the bundled one
        or is new (folders, JSON, files under `replace`), else the bundled path (which may not exist).
        A YAML or line file the pack extends has no single path: read it with `yaml` or `lines`."""
        packed = self._pack_file(name)
        bundled = os.path.join(self.bundled, name)
        if packed and (os.path.isdir(packed) or name in self.replaced or not os.path.exists(bundled)
                       or not self._mergeable(name)):
            return packed
        return bundled

    # ------------------------------------------------------------------ internals
    def _cached(self, kind: str, name: str, read: Callable[[str], Any]) -> Any:
        key = (kind, name)
        try:
            return self._cache[key]
        except KeyError:
            pass
        with self._lock:
            if key not in self._cache:
                self._cache[key] = read(name)
            return self._cache[key]

    @staticmethod
    def _mergeable(name: str) -> bool:
        return name.endswith(YAML_SUFFIXES + LINE_SUFFIXES)

    def _pack_file(self, name: str) -> str | None:
        if not self.pack or name == MANIFEST:
            return None
        p = os.path.join(self.pack, name)
        return p if os.path.exists(p) else None

    def _bundled_file(self, name: str) -> str | None:
        p = os.path.join(self.bundled, name)
        return p if os.path.isfile(p) else None

    def _read_yaml(self, name: str) -> Any:
        packed, bundled = self._pack_file(name), self._bundled_file(name)
        if packed and (bundled is None or name in self.replaced):
            return _parse_yaml(packed, pack=True)
        if bundled is None:
            raise FileNotFoundError(os.path.join(self.bundled, name))
        base = _parse_yaml(bundled)
        if not packed:
            return base
        extra = _parse_yaml(packed, pack=True)
        if base is not None and extra is not None and _kind(base) != _kind(extra):
            raise DomainPackError(f"{_kind(extra)}, but the bundled {name} is {_kind(base)} (a pack file extends "
                                  f"the bundled file of its name; list it under `replace` in {MANIFEST} to "
                                  f"replace it)", source=packed)
        return _merge(base, extra, "", packed)

    def _read_lines(self, name: str) -> tuple[str, ...]:
        packed, bundled = self._pack_file(name), self._bundled_file(name)
        if packed and (bundled is None or name in self.replaced):
            return _parse_lines(packed, pack=True)
        if bundled is None:
            raise FileNotFoundError(os.path.join(self.bundled, name))
        return _parse_lines(bundled) + (_parse_lines(packed, pack=True) if packed else ())

    def _read_json(self, name: str) -> Any:
        packed = self._pack_file(name)
        try:
            return _parse_json(packed or os.path.join(self.bundled, name), pack=bool(packed))
        except FileNotFoundError:
            return None

    def _check_pack(self) -> None:
        """Read the manifest and every top-level file of the pack now, so a bad pack fails at once."""
        assert self.pack is not None
        manifest = os.path.join(self.pack, MANIFEST)
        if os.path.isfile(manifest):
            data = _parse_yaml(manifest, pack=True) or {}
            if not isinstance(data, dict):
                raise DomainPackError(f"{_kind(data)}; expected a mapping (replace: [file names])", source=manifest)
            unknown = sorted(str(k) for k in data if k not in MANIFEST_KEYS)
            if unknown:
                raise DomainPackError(f"unknown key {', '.join(unknown)}; accepted: {', '.join(sorted(MANIFEST_KEYS))}",
                                      source=manifest)
            replace = data.get("replace") or []
            if isinstance(replace, str):
                replace = [replace]
            if not isinstance(replace, list) or not all(isinstance(n, str) for n in replace):
                raise DomainPackError("`replace` must be a list of file names", source=manifest)
            missing = [n for n in replace if not os.path.exists(os.path.join(self.pack, n))]
            if missing:
                raise DomainPackError(f"`replace` names {', '.join(missing)}, which the pack does not hold",
                                      source=manifest)
            self.replaced = frozenset(replace)
            self.name, self.description = data.get("name"), data.get("description")
        for entry in sorted(os.listdir(self.pack)):
            if entry == MANIFEST or not os.path.isfile(os.path.join(self.pack, entry)):
                continue
            if entry.endswith(YAML_SUFFIXES):
                self.yaml(entry)  # parses, checks against the bundled file, merges (and caches)
            elif entry.endswith(LINE_SUFFIXES):
                self.lines(entry)
            elif entry.endswith(JSON_SUFFIXES):
                self.json(entry)


# ---------------------------------------------------------------------- the active instance
_active: Resources | None = None
_active_lock = threading.RLock()


def active_resources() -> Resources:
    """This process's resources; until one is set, those the environment's settings name."""
    global _active
    if _active is None:
        with _active_lock:
            if _active is None:
                from ..settings import load_settings

                _active = Resources.from_settings(load_settings())
    return _active


def use_resources(resources: Resources) -> Resources | None:
    """Make `resources` this process's active instance; returns the one it replaces.

    When the new instance reads differently from the old one (another pack, changed pack files),
    every derived cache is cleared (`clear_derived_caches`), so the next stage rebuilds its tables.
    """
    global _active
    with _active_lock:
        previous, _active = _active, resources
        if previous is not None and previous.key != resources.key:
            clear_derived_caches()
    return previous


def use_resources_of(settings: Any) -> Resources:
    """The active resources, made to match `settings` (built only when they differ from the active ones)."""
    with _active_lock:
        key = resources_key(getattr(settings, "domain_pack", None) or None)
        if _active is not None and _active.key == key:
            return _active
        resources = Resources.from_settings(settings)
        use_resources(resources)
        return resources


@contextmanager
def resources_in_use(resources: Resources) -> Iterator[Resources]:
    """`with resources_in_use(Resources(pack)):` ... then the resources active before are restored."""
    previous = use_resources(resources)
    try:
        yield resources
    finally:
        use_resources(previous if previous is not None else Resources())


def clear_derived_caches() -> int:
    """Clear every `functools.lru_cache` of a loaded `newstrace` module (functions, and classes' methods);
    returns how many."""
    seen: set[int] = set()
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "newstrace" or name.startswith("newstrace.")):
            continue
        for value in list(vars(module).values()):
            candidates = [value]
            if isinstance(value, type) and getattr(value, "__module__", "") == name:
                candidates = [getattr(v, "__func__", v) for v in vars(value).values()]
            for fn in candidates:
                if (isinstance(fn, functools._lru_cache_wrapper) and id(fn) not in seen
                        and str(getattr(fn, "__module__", "")).startswith("newstrace")):
                    seen.add(id(fn))
                    fn.cache_clear()
    return len(seen)


# ---------------------------------------------------------------------- module-level loaders
def resource_path(name: str) -> str:
    """Filesystem path of the resource file or folder standing for `name` (`Resources.path`)."""
    return active_resources().path(name)


def load_yaml(name: str) -> Any:
    """A YAML resource of the active instance (`Resources.yaml`)."""
    return active_resources().yaml(name)


def load_lines(name: str) -> tuple[str, ...]:
    """Non-empty, non-comment lines of a text resource of the active instance (`Resources.lines`)."""
    return active_resources().lines(name)


def load_json(name: str) -> Any:
    """A JSON resource of the active instance (e.g. shipped model weights), or None when the file is absent."""
    return active_resources().json(name)
