"""Sentences run together by scraping ("fighting.The") are parted; addresses and abbreviations are not;
the parser keeps datelines, glued words and "?” she asked" inside one sentence."""
from __future__ import annotations

import pytest

from newstrace.clean import clean_report
from newstrace.clean.runons import find_runons
from newstrace.model import RawReport

# Invented sentences for these tests.
RUNONS = [
    ("The ferry left the harbour at dawn.Its crew of nine was unharmed.", "dawn. Its"),
    ("Prices rose again in June.Economists blamed the drought.", "June. Economists"),
    ("The striker scored twice in 2021.He has not scored since.", "2021. He"),
    ("Turnout reached 64%.Officials called it a record.", "64%. Officials"),
    ("Who will pay for the dam?The council has no answer.", "dam? The"),
    ("The crowd cheered for an hour!Then the square emptied.", "hour! Then"),
    ("“We are not leaving,” the mayor said.“The town needs us.”", "said. “The"),
    ("The coach called it “a bad day”.The club said nothing.", "day”. The"),
    ("The vote was close...Neither side conceded.", "close... Neither"),
    ("The talks ended at the NATO.The envoys left.", "NATO. The"),
]

KEPT = [
    "Results appear on tallinn-votes.org and vote.gov.vt each evening.",
    "The page moved to www.harbour-ledger.example/News.Today last week.",
    "Write to press.Office@ferry-line.example for details.",
    "The U.S.Navy sent two ships.",
    "The statement was posted on Ministry.Gov.VT at noon.",
    "The order was signed by Gen.Tomas Varga and Col.Anna Berg.",
    "The chapel of St.Anne burned down.",
    "The economy grew 3.5 percent.",
    "The firm is called ASP.NET Partners.",
]


@pytest.mark.parametrize("text, repaired", RUNONS)
def test_runon_is_parted(text: str, repaired: str) -> None:
    clean = clean_report(RawReport("t.txt", text))
    assert repaired in clean.text
    rep = [r for r in clean.repairs if r.kind == "run_on"]
    assert len(rep) == 1 and rep[0].after.replace(" ", "") == rep[0].before
    # every character but the inserted space maps back to the original
    for word in repaired.split(" "):
        s = clean.text.index(word)
        o1, o2 = clean.offsets.span_to_original(s, s + len(word))
        assert clean.raw.text[o1:o2] == word


@pytest.mark.parametrize("text", KEPT)
def test_addresses_and_abbreviations_are_kept(text: str) -> None:
    assert find_runons(text) == []
    assert clean_report(RawReport("t.txt", text)).text == text


def _sentences(nlp, text: str) -> list[str]:
    from newstrace.extract.nlp import parse_report

    clean = clean_report(RawReport("t.txt", text))
    parsed = parse_report(nlp, clean.text)
    return [clean.text[s.start:s.end].strip() for s in parsed.sentences]


@pytest.mark.parametrize("text, sentences", [
    ("The harbour flooded overnight.Boats were lifted onto the quay.",
     ["The harbour flooded overnight.", "Boats were lifted onto the quay."]),
    ("ORLAN, May 9 (Reuters) - The port reopened on Friday. Ships queued outside.",
     ["ORLAN, May 9 (Reuters) - The port reopened on Friday.", "Ships queued outside."]),
    ("“Where is the money?” the auditor asked. Nobody replied.",
     ["“Where is the money?” the auditor asked.", "Nobody replied."]),
    ("The report appeared on Ministry.Gov.VT before noon.",
     ["The report appeared on Ministry.Gov.VT before noon."]),
])
def test_sentence_boundaries(nlp, text: str, sentences: list[str]) -> None:
    assert _sentences(nlp, text) == sentences


def test_a_quote_glued_to_a_word_may_open_a_sentence(nlp):
    # newspaper archives write opening quotes as '' glued to the word: the boundary stays
    got = _sentences(nlp, "The minister left early. ''It was a long day,'' an aide said.")
    assert len(got) == 2 and got[1].lstrip("'").startswith("It was a long day")
