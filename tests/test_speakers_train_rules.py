"""Speaker-resolution rules developed on the PolNeAR train speaker set (benchmarks/data/speakers_train.yaml),
each on sentences written for this test."""
from __future__ import annotations

from test_speakers_pronouns import run, speaker_of  # the shared helpers: parse, extract, pick a source


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


def test_the_statement_is_whoever_spoke_in_it(nlp):
    text = ("Ona Petraitis, the port director, said in a statement that the cranes would restart on Monday. "
            "\"We regret the delay,\" the statement said.")
    assert speaker_of(run(nlp, text), "the statement").speaker_name == "Ona Petraitis"


def test_the_ad_is_whoever_released_it(nlp):
    text = ("The Harbour Workers Union released an ad on Monday attacking the plan. "
            "The ad says the port will close within a year.")
    assert speaker_of(run(nlp, text), "The ad").speaker_name == "Harbour Workers Union"


def test_a_work_someone_only_handled_is_not_theirs(nlp):
    # "brought up an article" does not make Lind its author: unresolved, never Lind
    text = ("Minister Jonas Lind brought up an article on the port at the meeting. "
            "The article says the cranes have been idle for a month.")
    assert speaker_of(run(nlp, text), "The article").speaker_name != "Jonas Lind"


def test_a_party_before_a_role_must_fit_the_person_who_held_it(nlp):
    # "the Democratic nominee" is not the one introduced as the Republican nominee
    text = ("Republican nominee Tomas Berg spoke in Ohio on Monday. Lena Moss answered him in Iowa. "
            "The Democratic nominee said the plan would fail.")
    assert speaker_of(run(nlp, text), "The Democratic nominee").speaker_name == "Lena Moss"
