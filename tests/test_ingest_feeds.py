"""RSS and Atom feeds read from local files: a feed that feedparser cannot read is one coded problem."""
from __future__ import annotations

from pathlib import Path

import pytest

from newstrace.ingest import read_inputs
from newstrace.model import IngestProblem
from newstrace.settings import Settings


@pytest.mark.parametrize("charref", ["&#x110000;", "&#99999999999;"])
def test_character_reference_past_unicode_is_malformed(tmp_path: Path, charref: str) -> None:
    # regression (benchmarks/fuzz.py): feedparser raised ValueError / OverflowError out of read_feed
    path = tmp_path / "news.rss"
    path.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>Quay</title><item>'
                    f"<title>{charref}</title><link>https://quay.example/1</link></item></channel></rss>",
                    encoding="utf-8")
    (problem,) = list(read_inputs([str(path)], Settings()))
    assert isinstance(problem, IngestProblem)
    assert problem.code == "E008" and problem.source == str(path) and "not a readable feed" in problem.message
