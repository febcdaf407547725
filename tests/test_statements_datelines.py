"""Datelines never speak: the place opening a report or paragraph is skipped as source, content and referent."""
from __future__ import annotations

import pytest

from conftest import one_with_cue as by_cue, parse_and_extract as run
from newstrace.extract.datelines import dateline_length


# text, the dateline it opens with ("" when none)
SHAPES = [
    ("OSLO \u2013 Norway rejected the claims.", "OSLO \u2013 "),
    ("NEW YORK (AP) \u2014 The council voted.", "NEW YORK (AP) \u2014 "),
    ("BERGEN, Norway, Jan. 9 (Fjord Wire) -- The port reopened.", "BERGEN, Norway, Jan. 9 (Fjord Wire) -- "),
    ("ST. JOHN'S - Fog closed the harbour.", "ST. JOHN'S - "),
    ("TALLINN\u2014The ferry sailed late.", "TALLINN\u2014"),
    ("Tallinn, May 4, 2023 \u2013 The ferry sailed late.", "Tallinn, May 4, 2023 \u2013 "),
    ("Riga, Latvia (Baltic Wire) \u2013 The crane fell.", "Riga, Latvia (Baltic Wire) \u2013 "),
    ("CARDIFF, March 3 /Harbour Newswire/ -- Acme opened a depot.", "CARDIFF, March 3 /Harbour Newswire/ -- "),
    # asides between dashes, speaker labels and plain sentences are not datelines
    ("Maria Lindqvist \u2013 the port's director \u2013 said the crane was safe.", ""),
    ("Peter Okafor, a spokesman for the port -- speaking late on Monday -- said it was safe.", ""),
    ("Sen. Anna Berg (R) \u2014 who chairs the panel \u2014 objected.", ""),
    ("Sen. Anna Berg (R-Maine) \u2014 who chairs the panel \u2014 objected.", ""),
    ("OKAFOR: We will reopen the port.", ""),
    ("US officials say \u2013 without evidence \u2013 that the port is closed.", ""),
    ("THE PORT HAS BEEN CLOSED FOR MONTHS NOW \u2014 and nobody knows why.", ""),
]


@pytest.mark.parametrize("text,dateline", SHAPES)
def test_dateline_shapes(text, dateline):
    assert text[:dateline_length(text)] == dateline


@pytest.mark.parametrize("text,cue,speaker_text", [
    ("OSLO \u2013 Norway rejected claims that its navy had tracked the tanker.", "rejected", "Norway"),
    ("TALLINN, May 4, 2023 (Baltic Wire) \u2013 Estonian officials say the ferry was never inspected.",
     "say", "Estonian officials"),
    ("RIGA (Reuters) \u2013 The harbour authority said the crane had collapsed overnight.",
     "said", "The harbour authority"),
])
def test_dateline_is_never_the_speaker(nlp, text, cue, speaker_text):
    _, stmts = run(nlp, text)
    s = by_cue(stmts, cue)
    assert s.speaker_text == speaker_text
    dateline = text[:dateline_length(text)]
    assert dateline.split()[0] not in (s.speaker_name or "")


def test_dateline_is_not_content(nlp):
    text = "BERGEN \u2013 Container traffic through the port rose sharply last year, a shipping group said on Monday."
    _, stmts = run(nlp, text)
    s = by_cue(stmts, "said")
    assert s.content.startswith("Container traffic")
    assert all(a >= text.index("Container") for a, _ in s.content_spans)


def test_dateline_place_is_not_a_later_referent(nlp):
    # "a shipping group ... said" looks ahead for its name; the place filing the next report is not one
    text = ("BERGEN \u2013 Container traffic rose sharply last year, a shipping group said on Monday.\n"
            "RIGA (Reuters) \u2013 The harbour authority said the crane had collapsed overnight.")
    _, stmts = run(nlp, text)
    group = [s for s in stmts if s.speaker_text == "a shipping group"]
    assert group and group[0].speaker_name is None


def test_speaker_between_dashes_is_kept(nlp):
    text = "Maria Lindqvist \u2013 the port's director since 2019 \u2013 said the crane was safe."
    _, stmts = run(nlp, text)
    assert by_cue(stmts, "said").speaker_name == "Maria Lindqvist"


def test_dateline_only_in_first_sentence_of_paragraph(nlp):
    text = "The port reopened on Monday. OSLO officials said the ferry would sail."
    _, stmts = run(nlp, text)
    assert by_cue(stmts, "said").speaker_text == "OSLO officials"
