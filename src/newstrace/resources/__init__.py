"""Data files shipped with the package (lexicons, gazetteers, phrase lists) and their loaders.

Each loader reads its file once per process; stages receive the loaded data, never paths.
"""
from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
import json
from typing import Any

import yaml


def resource_path(name: str) -> str:
    """Filesystem path of a bundled resource file."""
    return str(files(__name__).joinpath(name))


@lru_cache(maxsize=None)
def load_yaml(name: str) -> Any:
    with open(resource_path(name), encoding="utf-8") as f:
        return yaml.safe_load(f)


@lru_cache(maxsize=None)
def load_lines(name: str) -> tuple[str, ...]:
    """Non-empty, non-comment lines of a text resource."""
    with open(resource_path(name), encoding="utf-8") as f:
        return tuple(l.strip() for l in f if l.strip() and not l.lstrip().startswith("#"))


@lru_cache(maxsize=None)
def load_json(name: str) -> Any:
    """A JSON resource (e.g. shipped model weights), or None when the file is absent."""
    try:
        with open(resource_path(name), encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return None
