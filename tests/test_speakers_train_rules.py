"""Speaker-resolution rules developed on the PolNeAR train speaker set (benchmarks/data/speakers_train.yaml),
each on sentences written for this test."""
from __future__ import annotations

from newstrace.extract.entities import extract_mentions
from newstrace.extract.nlp import parse_report
from newstrace.extract.statements import extract_statements


def run(nlp, text):
    parsed = parse_report(nlp, text)
    return extract_statements(parsed, extract_mentions(parsed))


def speaker_of(stmts, speaker_text):
    hits = [s for s in stmts if s.speaker_text == speaker_text]
    assert hits, [(s.speaker_text, s.speaker_name) for s in stmts]
    return hits[-1]


def test_a_subject_pronoun_never_means_the_object_of_its_own_verb(nlp):
    # "he told Berg": whoever "he" is, he is not Berg, though Berg was the last man speaking
    text = ("Jonas Petrauskas drove from Kaunas to ask Senator Tomas Berg about the port. "
            "Berg backed a bill on the harbour last year. "
            "\"We have had no work for a month,\" he told Berg.")
    assert speaker_of(run(nlp, text), "he").speaker_name == "Jonas Petrauskas"


def test_they_means_the_main_clause_subject_not_a_subordinate_one(nlp):
    text = ("Republicans say Democrats are trying to distract voters from the audit. "
            "They said the report would come out in May.")
    assert speaker_of(run(nlp, text), "They").speaker_name == "Republicans"
