"""Fused-word repair: scraping fusions are split, real words and names never are."""
from __future__ import annotations

import pytest

from newstrace.clean import clean_report
from newstrace.clean.fused import find_fused, split_fused
from newstrace.model import RawReport

# Sentences written for these tests; each holds one fusion of the kinds seen in scraped reports.
FUSED = [
    ("Washington pointed at North Koreaaccusing it of selling shells.", "Koreaaccusing", "Korea accusing"),
    ("As the Tokyo Shimbunlast week reported, a train crossed the border.", "Shimbunlast", "Shimbun last"),
    ("The remark came from John Kirbyspokesman at the White House.", "Kirbyspokesman", "Kirby spokesman"),
    ("A statement carried by kcnathe ministry rejected the report.", "kcnathe", "kcna the"),
    ("Rockets went to Wagnerengaged in the siege of the town.", "Wagnerengaged", "Wagner engaged"),
    ("Envoy Linda Thomas-GreenfieldHowever said the sales were illegal.", "GreenfieldHowever",
     "Greenfield However"),
    ("Officials at the State Departmentspokesman office declined to comment.", "Departmentspokesman",
     "Department spokesman"),
]

REAL_WORDS = ["understands", "Greenfield", "newspaper", "Pyongyang", "Shoigu", "Prigozhin", "Tumangang",
              "counterevidence", "distributionally", "YouTube", "iPhone", "InsideOver", "Shimbum",
              "thinktank", "frontline", "Luhanks", "Kiviselg", "Penwell", "Aronberg"]


@pytest.mark.parametrize("sentence, token, repaired", FUSED)
def test_fused_token_is_split(sentence: str, token: str, repaired: str) -> None:
    clean = clean_report(RawReport("t.txt", "A headline for the test\n\n" + sentence))
    assert repaired in clean.text
    assert token not in clean.text
    rep = [r for r in clean.repairs if r.kind == "fused_word"]
    assert [(r.before, r.after) for r in rep] == [(token, repaired)]
    # both halves map back to the original characters
    left, right = repaired.split(" ")
    for half in (left, right):
        s = clean.text.index(half, clean.text.index(repaired))
        o1, o2 = clean.offsets.span_to_original(s, s + len(half))
        assert clean.raw.text[o1:o2] == half


@pytest.mark.parametrize("word", REAL_WORDS)
def test_real_words_and_names_are_never_split(word: str) -> None:
    assert split_fused(word) is None
    text = f"The analyst said {word} was mentioned in the briefing on Tuesday."
    assert find_fused(text) == []


def test_repeated_token_counts_as_a_word() -> None:
    text = "Staff at Bravomarket said Bravomarket would reopen, as Marketalpha denied."
    assert all(text[s.start:s.end] != "Bravomarket" for s in find_fused(text))


def test_outlet_name_from_metadata_is_protected() -> None:
    text = "Headline here\n\nReaders of Portmorning said the port was busy."
    assert split_fused("Portmorning") == ("Port", "morning")  # would split without the metadata
    assert "Portmorning" in clean_report(RawReport("t.txt", text, outlet="Portmorning Daily")).text


def test_addresses_are_left_alone() -> None:
    assert find_fused("Write to desk@harbourledger.example or visit harbourledger.example/world.") == []
