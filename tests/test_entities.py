"""Entity mentions: model entities corrected by gazetteers, domain patterns, names cleaned, roles kept."""
from __future__ import annotations

import pytest

from newstrace.extract.entities import clean_name, extract_mentions, normalise_role
from newstrace.extract.nlp import parse_report


@pytest.fixture(scope="module")
def mentions_of(nlp):
    cache: dict[str, tuple] = {}

    def run(text: str):
        if text not in cache:
            parsed = parse_report(nlp, text, "2023-01-10")
            cache[text] = (parsed, extract_mentions(parsed))
        return cache[text][1]

    return run


def labelled(mentions, name):
    return {m.label for m in mentions if m.name == name}


# --------------------------------------------------------------------------- corrections
CORRECTIONS = [
    # (sentence written for the test, cleaned name, expected label)
    ("Fierce fighting went on around Soledar and Popasna through the night, officials in Kyiv said.", "Soledar", "GPE"),
    ("Fierce fighting went on around Soledar and Popasna through the night, officials in Kyiv said.", "Popasna", "GPE"),
    ("Freight trains crossed into Khasan before heading north to Vladivostok.", "Khasan", "GPE"),
    ("Satellite pictures showed wagons parked at Tumangang on Sunday.", "Tumangang", "GPE"),
    ("Ships were loaded in Najin and unloaded days later.", "Najin", "GPE"),
    ("Researchers at Rusi doubted the figures.", "RUSI", "ORG"),
    ("Beyond Parallel published new images of the yard on Monday.", "Beyond Parallel", "ORG"),
    ("The study came from the Center for Strategic and International Studies in Washington.",
     "Center for Strategic and International Studies", "ORG"),
    ("According to KCNA, the visit was a success.", "KCNA", "MEDIA"),
    ("The Tokyo Shimbun first reported the shipment, and Reuters followed a day later.", "Tokyo Shimbun", "MEDIA"),
    ("The Tokyo Shimbun first reported the shipment, and Reuters followed a day later.", "Reuters", "MEDIA"),
    ("Yonhap and AFP both carried the statement.", "Yonhap", "MEDIA"),
    ("The Kremlin dismissed the report as nonsense.", "Kremlin", "ORG"),
    ("The White House said the talks would continue.", "White House", "ORG"),
    ("North Korea's Foreign Ministry issued a statement on Friday.", "Foreign Ministry", "ORG"),
    ("Pyongyang denied sending any weapons.", "Pyongyang", "GPE"),
]


@pytest.mark.parametrize("text,name,label", CORRECTIONS)
def test_corrections(mentions_of, text, name, label):
    assert label in labelled(mentions_of(text), name)


DOMAIN = [
    ("The convoy carried 122mm howitzer rounds and Grad rockets to the front.", "122mm howitzer rounds", "WEAPON"),
    ("The convoy carried 122mm howitzer rounds and Grad rockets to the front.", "Grad rockets", "WEAPON"),
    ("Each soldier was issued an RPG-7 and two grenades.", "RPG-7", "WEAPON"),
    ("Moscow has fired kamikaze drones and cruise missiles at power stations.", "kamikaze drones", "WEAPON"),
    ("Moscow has fired kamikaze drones and cruise missiles at power stations.", "cruise missiles", "WEAPON"),
    ("The army is short of artillery shells and anti-tank missiles.", "artillery shells", "WEAPON"),
    ("Three Russian cargo vessels were tracked across the sea.", "cargo vessels", "VESSEL"),
    ("Containers were counted at the Tumangang rail facility last week.", "Tumangang rail facility", "FACILITY"),
    ("The goods were moved by train to a depot near Tikhoretsk in the south.", "depot near Tikhoretsk", "FACILITY"),
    ("A port facility in Dunai received the cargo.", "port facility in Dunai", "FACILITY"),
    ("The train rolled over the Friendship Bridge at dawn.", "Friendship Bridge", "FACILITY"),
]


@pytest.mark.parametrize("text,name,label", DOMAIN)
def test_domain_types(mentions_of, text, name, label):
    assert label in labelled(mentions_of(text), name), [(m.name, m.label) for m in mentions_of(text)]


def test_facility_keeps_its_place(mentions_of):
    ms = mentions_of("Containers were counted at the Tumangang rail facility last week.")
    assert "GPE" in labelled(ms, "Tumangang")


def test_surname_follows_full_name(mentions_of):
    text = ("Patrick Hinton wrote the paper in May. Hinton argued that the rounds were old. "
            "Later Hinton added that supplies would last.")
    ms = mentions_of(text)
    assert labelled(ms, "Hinton") == {"PERSON"}
    assert sum(1 for m in ms if m.name == "Hinton") == 2  # one mention per occurrence


def test_surname_beats_a_town_of_the_same_name(mentions_of):
    ms = mentions_of("Princeton Lyman led the American delegation. Lyman said the talks had gone well.")
    assert labelled(ms, "Lyman") == {"PERSON"}


def test_offsets_sentences_and_dropped_labels(mentions_of):
    text = "On 20 November 2022 about 300 wagons crossed. Kirby spoke to reporters in Washington on Monday."
    ms = mentions_of(text)
    for m in ms:
        assert text[m.start:m.end] == m.text
        assert m.label not in {"DATE", "CARDINAL", "TIME", "QUANTITY", "ORDINAL"}
    kirby = [m for m in ms if m.name == "Kirby"]
    assert kirby and kirby[0].sentence == 1


def test_capital_that_speaks_stays_a_place(mentions_of):
    ms = mentions_of("Moscow said on Tuesday that the claims were false.")
    assert labelled(ms, "Moscow") == {"GPE"}


# --------------------------------------------------------------------------- names
TITLES = [
    ("Maj Patrick Hinton", "PERSON", "Patrick Hinton"),
    ("Col. Ants Kiviselg", "PERSON", "Ants Kiviselg"),
    ("Mr. Putin", "PERSON", "Putin"),
    ("Mr Prigozhin’s", "PERSON", "Prigozhin"),
    ("President Vladimir Putin", "PERSON", "Vladimir Putin"),
    ("Foreign Secretary James Cleverly", "PERSON", "James Cleverly"),
    ("Kirby's", "PERSON", "Kirby"),
    ("the White House", "ORG", "White House"),
    ("the Kremlin,", "ORG", "Kremlin"),
    ("the United States", "GPE", "United States"),
    ("U.S.", "GPE", "U.S."),
    ("SEOUL", "GPE", "Seoul"),
]


@pytest.mark.parametrize("text,label,name", TITLES)
def test_clean_name(text, label, name):
    assert clean_name(text, label)[0] == name


def test_media_keeps_canonical_article():
    assert clean_name("Guardian", "MEDIA", "The Guardian")[0] == "The Guardian"
    assert clean_name("the Tokyo Shimbun", "MEDIA", "Tokyo Shimbun")[0] == "Tokyo Shimbun"


def test_titles_are_returned_for_roles():
    assert clean_name("Foreign Secretary James Cleverly", "PERSON")[1] == "foreign secretary"


# --------------------------------------------------------------------------- roles
ROLES = [
    ("White House national security spokesman John Kirby told reporters that talks had stalled.",
     "John Kirby", "white house national security spokesman"),
    ("John Kirby, spokesperson for the national security council, said the shipment was small.",
     "John Kirby", "national security council spokesman"),
    ("Joseph Dempsey, a research associate at the International Institute for Strategic Studies, said stocks were low.",
     "Joseph Dempsey", "research associate at the international institute for strategic studies"),
    ("British Foreign Secretary James Cleverly called the deal shameful.", "James Cleverly", "british foreign secretary"),
    ("Maj Patrick Hinton, an artillery officer, said the rounds were old.", "Patrick Hinton", "artillery officer"),
    ("The country's leader, Kim Jong Un, visited the plant.", "Kim Jong Un", "country leader"),
    ("Mr Putin did not comment on the visit.", "Putin", None),
]


@pytest.mark.parametrize("text,name,role", ROLES)
def test_roles(mentions_of, text, name, role):
    people = [m for m in mentions_of(text) if m.label == "PERSON" and m.name == name]
    assert people, [(m.name, m.label) for m in mentions_of(text)]
    assert people[0].role == role


@pytest.mark.parametrize("raw,role", [
    ("the White House’s National Security Council Spokesman", "white house national security council spokesman"),
    ("spokeswoman for the State Department", "state department spokesman"),
    ("a senior research fellow at Rusi", "senior research fellow at rusi"),
    (")", None),
])
def test_normalise_role(raw, role):
    assert normalise_role(raw) == role


def test_extraction_is_cheap_on_a_seed(nlp, seeds_dir):
    import time

    text = sorted(seeds_dir.glob("*.txt"))[0].read_text(encoding="utf-8")
    t0 = time.perf_counter()
    parsed = parse_report(nlp, text)
    t1 = time.perf_counter()
    extract_mentions(parsed)  # warm the lexicons
    t2 = time.perf_counter()
    extract_mentions(parsed)
    t3 = time.perf_counter()
    assert t3 - t2 < 0.5 * (t1 - t0) + 0.02, (t1 - t0, t3 - t2)
