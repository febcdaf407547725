"""The clean stage: repair text, remove boilerplate, split fused words, find duplicate reports."""
from __future__ import annotations

from .boilerplate import line_key, line_keys
from .dedup import DuplicateIndex, sentence_keys
from .report import clean_report, fingerprint

__all__ = ["DuplicateIndex", "clean_report", "fingerprint", "line_key", "line_keys", "sentence_keys"]
