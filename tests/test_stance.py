"""Stance of statements: deny, hedge, assert, from cue lemma and content wording."""
from __future__ import annotations

import pytest

from newstrace.extract.stance import classify_stance


@pytest.mark.parametrize("lemma,content,stance,hedge", [
    ("deny", "that it sold shells", "deny", None),
    ("reject", "the accusation", "deny", None),
    ("say", "the story was an absurd fabrication", "deny", None),
    ("say", "the claims are baseless", "deny", None),
    ("say", "the ship did not carry arms", "assert", None),
    ("say", "the cargo may have been weapons", "hedge", "may"),
    ("say", "the ship was probably heading north", "hedge", "probably"),
    ("estimate", "that stocks are low", "hedge", "estimate"),
    ("suggest", "that the shipment left in May", "hedge", "suggest"),
    ("report", "that the ship left in May", "assert", None),
])
def test_classify_stance(lemma, content, stance, hedge):
    got, hedges = classify_stance(lemma, content)
    assert got == stance
    if hedge:
        assert hedge in hedges
    else:
        assert hedges == ()


def test_negated_denial_is_not_a_denial():
    assert classify_stance("deny", "the report", "did not deny")[0] == "hedge"


def test_statement_stance_on_parse(nlp):
    from newstrace.extract.entities import extract_mentions
    from newstrace.extract.nlp import parse_report
    from newstrace.extract.statements import extract_statements

    parsed = parse_report(nlp, "Analysts estimate that the plant could reopen in June. "
                               "The operator dismissed the reports as groundless.")
    stmts = extract_statements(parsed, extract_mentions(parsed))
    by_cue = {s.cue: s for s in stmts}
    assert by_cue["estimate"].stance == "hedge"
    assert "could" in by_cue["estimate"].hedges
    assert by_cue["dismissed"].stance == "deny"
