"""Ingest: read files, folders, URLs, feeds, WARC and JSON(L) into RawReports or IngestProblems."""
from __future__ import annotations

from .sources import read_inputs

__all__ = ["read_inputs"]
