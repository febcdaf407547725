"""Invented multi-report stories through the whole pipeline, with the truth an analyst would count.

Each story in tests/data/stories/ was written for these tests (no sentence of a real report): a
government and its officials, relays and a verbatim copy, unnamed sources, headlines, denials and
an independent second origin.  What is asserted is what must never go wrong in print: a
"corroborated" resting on one origin, a denial counted as support, a relay or a headline counted
as a source.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from newstrace import api
from newstrace.resolve.origins import statement_origins
from newstrace.settings import load_settings

STORIES = Path(__file__).parent / "data" / "stories"


def _ledger(name: str, tmp_path_factory):
    settings = load_settings(db=f"sqlite:///{tmp_path_factory.mktemp(name) / 'store.db'}")
    api.ingest([str(STORIES / name)], settings)
    return api.ledger(settings)


@pytest.fixture(scope="module")
def trawlers(tmp_path_factory):
    return _ledger("trawlers", tmp_path_factory)


@pytest.fixture(scope="module")
def dam(tmp_path_factory):
    return _ledger("dam", tmp_path_factory)


def _names(ledger, ids) -> set[str]:
    names = {e.id: e.name for e in ledger.entities}
    return {names.get(i, i) for i in ids}


def _claim_of(ledger, speaker_text: str):
    st = next(s for s in ledger.statements if s.speaker_text == speaker_text)
    return next(c for c in ledger.claims if c.id == st.claim)


def test_no_denial_counts_as_support(trawlers, dam):
    for ledger in (trawlers, dam):
        for st in ledger.statements:
            if st.stance == "deny" and st.claim:
                assert st.claim_stance == "deny", st


def test_one_government_is_one_origin(trawlers):
    # Portugal, its foreign ministry and the ministry's spokeswoman (relayed twice) are one origin
    claim = _claim_of(trawlers, "Portugal's Foreign Ministry")
    assert _names(trawlers, claim.origins) == {"Portugal"}
    assert claim.status != "corroborated"


def test_nothing_in_the_trawler_story_is_corroborated(trawlers):
    # one government asserts; the think tank's imagery is a second voice on a separately worded
    # claim; the rest is unnamed, unattributed, headlines or the accused
    assert [c.summary for c in trawlers.claims if c.status == "corroborated"] == []


def test_a_verbatim_copy_adds_no_origin(trawlers):
    copy = next(d.id for d in trawlers.documents if d.outlet == "Bayside Herald")
    claims = {s.claim for s in trawlers.statements if s.document == copy and s.claim}
    assert claims
    for claim in (c for c in trawlers.claims if c.id in claims):
        assert any("repeated verbatim" in r and copy in r for r in claim.reasons)


def test_headlines_and_unnamed_sources_are_never_origins(trawlers):
    origins = statement_origins(trawlers)
    assert any(s.sentence_index == 0 for s in trawlers.statements)  # the story has headline statements
    assert any(s.speaker is None for s in trawlers.statements)  # and unnamed or unattributed ones
    for claim in trawlers.claims:
        assert not any(o.startswith(("unnamed:", "unattributed:")) for o in claim.origins)
        for origin in claim.origins:  # each counted origin speaks somewhere below a headline
            assert any(s.claim == claim.id and s.sentence_index > 0 and origins[s.id] == origin
                       for s in trawlers.statements), (claim.summary, origin)


def test_two_independent_named_origins_corroborate(dam):
    claim = _claim_of(dam, "Kenya's Ministry of Water")
    assert claim.status == "corroborated"
    assert _names(dam, claim.origins) == {"Kenya", "Kenya Red Cross"}
    assert "d1 sentence 2" in claim.reasons[1] and "d2 sentence 2" in claim.reasons[1]


def test_a_minister_speaks_for_the_state(dam):
    origins = statement_origins(dam)
    minister = next(s for s in dam.statements if s.speaker_text.startswith("Kenyan Water Minister"))
    ministry = next(s for s in dam.statements if s.speaker_text == "Kenya's Ministry of Water")
    assert origins[minister.id] == origins[ministry.id]
