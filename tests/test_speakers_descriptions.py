"""Description speakers ("the X news agency", "the agency", "the government of X") resolve to what they name."""
from __future__ import annotations

import pytest

from newstrace.extract.entities import extract_mentions
from newstrace.extract.nlp import parse_report
from newstrace.extract.statements import extract_statements


def run(nlp, text):
    parsed = parse_report(nlp, text)
    return extract_statements(parsed, extract_mentions(parsed))


def speaker_of(stmts, speaker_text):
    hits = [s for s in stmts if s.speaker_text == speaker_text]
    assert len(hits) == 1, [(s.speaker_text, s.speaker_name) for s in stmts]
    return hits[0]


COMPANY = "Baltic Ferry Lines operates six vessels from Klaipeda.\n"


@pytest.mark.parametrize("name", ["Ilves", "Sarvan", "Interfax"])
def test_agency_named_in_its_description_speaks(nlp, name):
    # regression: "the <name> state news agency reported" went to the last organisation named before it
    text = COMPANY + f"The ministry has rejected the accusations, the {name} state news agency reported."
    s = speaker_of(run(nlp, text), f"the {name} state news agency")
    assert s.speaker_name == name
    assert s.speaker_label == "MEDIA"


def test_the_agency_refers_back_to_the_agency(nlp):
    text = (COMPANY + "The ministry has rejected the accusations, the Ilves state news agency reported.\n"
            "The ministry said the ferries carried only grain.\n"
            "The agency said the port had been inspected in April.")
    stmts = run(nlp, text)
    assert speaker_of(stmts, "The agency").speaker_name == "Ilves"
    assert speaker_of(stmts, "The ministry").speaker_name != "Ilves"


@pytest.mark.parametrize("description", ["the Estonian state news agency", "the Turkmen state news agency",
                                         "the Latvian transport ministry"])
def test_nationality_description_is_neither_a_name_nor_an_unrelated_organisation(nlp, description):
    text = COMPANY + f"The ferries carried only grain, {description} said."
    s = speaker_of(run(nlp, text), description)
    nationality = description.split()[1]
    assert s.speaker_name not in ("Baltic Ferry Lines", nationality)


def test_government_of_a_country_is_that_country(nlp):
    # regression: "The government of X" went to the last country named ("The United States")
    text = ("The United States has accused the company of smuggling.\n"
            "The government of Lithuania issued a statement rejecting the accusation.")
    s = speaker_of(run(nlp, text), "The government of Lithuania")
    assert s.speaker_name == "Lithuania"


def test_capital_government_is_the_capital(nlp):
    text = "Washington has asked for talks. The Vilnius government said the talks would resume."
    s = speaker_of(run(nlp, text), "The Vilnius government")
    assert s.speaker_name == "Vilnius"


def test_a_nationality_before_government_names_the_country(nlp):
    # regression: "the Latvian government" went to the last country named ("Sweden")
    text = ("Sweden has asked for an inquiry into the ferry company.\n"
            "The Latvian government said the ferries had been inspected in April.")
    s = speaker_of(run(nlp, text), "The Latvian government")
    assert s.speaker_name != "Sweden"
    assert "Latvia" in (s.speaker_name or "")


def test_a_party_or_nationality_source_is_unnamed(nlp):
    # "a Democratic source" named the speaker "Democratic" (benchmarks/speakers.py: one of the wrong names)
    text = "The committee met on Tuesday.\nA Democratic source said the vote would be delayed until March."
    s = speaker_of(run(nlp, text), "A Democratic source")
    assert s.speaker_name is None


def test_an_official_of_a_named_body_takes_the_whole_name(nlp):
    # the named modifier was cut to its last word: "Department", "Virginia"
    text = "The storm reached the coast overnight.\nA Harbour Safety Department official said the pier would stay shut."
    s = speaker_of(run(nlp, text), "A Harbour Safety Department official")
    assert s.speaker_name == "Harbour Safety Department"


def test_a_place_modifying_a_coordinated_title_is_not_the_speaker(nlp):
    text = ("Ann Morrow spoke at the veterans' hall in Dayton.\n"
            "The former governor and U.S. senator said the clinic would open in May.")
    s = speaker_of(run(nlp, text), "The former governor and U.S. senator")
    assert s.speaker_name != "U.S."


def test_a_description_is_not_resolved_to_a_bare_mention_of_its_own_noun(nlp):
    text = ("Shares of the Bank fell on Monday.\nKarla Brandt, who runs Orsolo Savings, met regulators.\n"
            "The bank said it would repay the fees in June.")
    s = speaker_of(run(nlp, text), "The bank")
    assert s.speaker_name != "Bank"


def test_a_name_between_a_description_and_its_cue_speaks(nlp):
    text = ("The border crossing at Valka closed on Monday.\n"
            "Earlier on Tuesday, left-leaning Ruritanian media the Morning Ledger reported that two trains of "
            "grain had crossed the border at night.")
    stmts = run(nlp, text)
    hits = [s for s in stmts if "trains of grain" in s.content]
    assert len(hits) == 1 and hits[0].speaker_name == "Morning Ledger", [(s.speaker_text, s.speaker_name) for s in stmts]
