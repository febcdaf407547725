"""Tagged relations mapped onto the parse: cue head and negation, source head, quotation kind."""
from __future__ import annotations

import pytest

from newstrace.api import extract_texts
from newstrace.extract.tagger import load_tagger
from newstrace.settings import load_settings

pytestmark = pytest.mark.skipif(load_tagger() is None, reason="no tagger weights shipped")


def _statements(text: str, mode: str = "tagger"):
    (report,) = extract_texts([text], load_settings(attribution=mode))
    return report.extraction.statements


def test_negated_cue_keeps_its_negation_and_hedges():
    (s,) = _statements("The harbour board did not deny that the ferry had run aground near Easton.")
    assert s.cue == "did not deny"
    assert s.stance == "hedge"
    assert "ferry had run aground" in s.content


def test_quoted_content_is_direct_and_reported_content_indirect():
    quoted, reported = _statements(
        '"We will rebuild the pier by spring," the mayor said.\n'
        "The council said that the budget for the pier had doubled.")
    assert quoted.quote_type == "direct" and quoted.speaker_text == "the mayor"
    assert reported.quote_type == "indirect" and "budget for the pier had doubled" in reported.content


def test_hybrid_keeps_the_tagger_attributions_and_only_swaps_spans():
    text = ("The union said the strike would end on Friday. Managers, however, told staff that "
            "talks had stalled, according to an internal memo.")
    hybrid, tagger = _statements(text, "hybrid"), _statements(text, "tagger")
    assert len(hybrid) == len(tagger) >= 2
    assert [s.sentence for s in hybrid] == [s.sentence for s in tagger]


def test_unknown_attribution_mode_is_a_clear_setting_error():
    from newstrace.errors import SettingError

    with pytest.raises(SettingError, match="NEWSTRACE_ATTRIBUTION='spans'"):
        extract_texts(["The mayor said the bridge would reopen."], load_settings(attribution="spans"))
