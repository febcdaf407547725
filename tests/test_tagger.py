"""The attribution tagger: encoding, gold labels, decoding into relations, and the shipped model."""
from __future__ import annotations

import numpy as np
import pytest

from newstrace.extract.tagger import (LABELS, bio_labels, decode, encode, load_tagger, load_tokenizer, piece_labels,
                                      windows)

TEXT = ("Harbour plans stall\n"
        "The port authority said the new quay would open in May. \"We are behind,\" its director, "
        "Lena Moss, told reporters.")


@pytest.fixture(scope="module")
def tokenizer():
    return load_tokenizer()


def _find(text: str, part: str) -> tuple[int, int]:
    s = text.index(part)
    return (s, s + len(part))


def test_windows_cover_every_piece_with_overlap():
    spans = windows(1000, size=254, stride=192)
    assert spans[0] == (0, 254) and spans[-1][1] == 1000
    covered = set()
    for a, b in spans:
        assert b - a <= 254
        covered.update(range(a, b))
    assert covered == set(range(1000))
    assert windows(10) == [(0, 10)]


def test_paragraph_break_is_a_marker_between_paragraphs(tokenizer):
    enc = encode(tokenizer, TEXT)
    breaks = [i for i, (a, b) in enumerate(enc.offsets) if a == b]
    assert len(breaks) == 1
    assert TEXT[enc.offsets[breaks[0] - 1][0]:enc.offsets[breaks[0] - 1][1]] == "stall"
    assert len(enc.words) == sum(enc.first_piece)


def test_gold_labels_decode_back_to_the_same_relations(tokenizer):
    spans = {"SRC": [[_find(TEXT, "The port authority")], [_find(TEXT, "its director, Lena Moss")]],
             "CUE": [[_find(TEXT, "said")], [_find(TEXT, "told")]],
             "CON": [[_find(TEXT, "the new quay would open in May")], [_find(TEXT, "We are behind,")]]}
    enc = encode(tokenizer, TEXT)
    labels = piece_labels(enc, spans)
    assert LABELS[labels[enc.first_piece.index(True, 0)]] == "O"  # the headline's first word
    rels = decode(enc, [0 if lab < 0 else lab for lab in labels])
    got = [(TEXT[slice(*r.cue[0])], [TEXT[slice(*s)] for s in r.source], [TEXT[slice(*c)] for c in r.content])
           for r in rels]
    assert got == [("said", ["The port authority"], ["the new quay would open in May"]),
                   ("told", ["its director, Lena Moss"], ["We are behind,"])]


def test_content_pieces_on_both_sides_of_a_cue_join_one_relation(tokenizer):
    text = "\"The vote is close,\" the senator said, \"but we will win.\""
    spans = {"SRC": [[_find(text, "the senator")]], "CUE": [[_find(text, "said")]],
             "CON": [[_find(text, "The vote is close,"), _find(text, "but we will win.")]]}
    enc = encode(tokenizer, text)
    rels = decode(enc, [0 if lab < 0 else lab for lab in piece_labels(enc, spans)])
    assert len(rels) == 1
    assert [text[slice(*c)] for c in rels[0].content] == ["The vote is close,", "but we will win."]


def test_content_split_by_a_cue_set_off_by_commas_joins(tokenizer):
    text = "The new ferry, the harbour master said, will sail twice a day."
    spans = {"SRC": [[_find(text, "the harbour master")]], "CUE": [[_find(text, "said")]],
             "CON": [[_find(text, "The new ferry"), _find(text, "will sail twice a day.")]]}
    enc = encode(tokenizer, text)
    rels = decode(enc, [0 if lab < 0 else lab for lab in piece_labels(enc, spans)])
    assert [text[slice(*c)] for c in rels[0].content] == ["The new ferry", "will sail twice a day."]


def test_a_phrase_across_the_cue_without_punctuation_stays_out(tokenizer):
    # labelled content on both sides of "said", but nothing sets the gap off: not one split content
    text = "Critics painted the levy as a burden and the treasurer said the budget was sound."
    spans = {"SRC": [[_find(text, "the treasurer")]], "CUE": [[_find(text, "said")]],
             "CON": [[_find(text, "the levy as a burden")], [_find(text, "the budget was sound")]]}
    enc = encode(tokenizer, text)
    rels = decode(enc, [0 if lab < 0 else lab for lab in piece_labels(enc, spans)])
    assert len(rels) == 1
    assert [text[slice(*c)] for c in rels[0].content] == ["the budget was sound"]


def test_a_source_never_joins_a_cue_in_another_paragraph(tokenizer):
    # a heading read as a source must not become the speaker of the next paragraph's cue
    text = "Ports and Tolls\n\nWhile waiting to hear more about the tolls, observers wondered why."
    spans = {"SRC": [[_find(text, "Ports and Tolls")]], "CUE": [[_find(text, "waiting to hear more about")]],
             "CON": [[_find(text, "the tolls")]]}
    enc = encode(tokenizer, text)
    rels = decode(enc, [0 if lab < 0 else lab for lab in piece_labels(enc, spans)])
    assert [(text[slice(*r.cue[0])], r.source) for r in rels] == [("waiting to hear more about", [])]
    # within one paragraph the same source still joins its cue
    joined = text.replace("\n\n", " ")
    enc = encode(tokenizer, joined)
    spans = {"SRC": [[_find(joined, "Ports and Tolls")]], "CUE": [[_find(joined, "waiting to hear more about")]]}
    rels = decode(enc, [0 if lab < 0 else lab for lab in piece_labels(enc, spans)])
    assert [[joined[slice(*s)] for s in r.source] for r in rels] == [["Ports and Tolls"]]


def test_a_content_piece_joins_a_cue_of_its_own_paragraph(tokenizer):
    # the headline's cue is nearer in words, but the piece belongs to the cue after it in its paragraph
    text = ("Mill owner blamed for spill\n\n"
            "The Tarn mill has dumped dye into the river for months, a water board inspector told reporters.")
    spans = {"CUE": [[_find(text, "blamed")], [_find(text, "told")]],
             "SRC": [[_find(text, "a water board inspector")]],
             "CON": [[_find(text, "for spill")], [_find(text, "The Tarn mill has dumped dye into the river for months")]]}
    enc = encode(tokenizer, text)
    rels = decode(enc, [0 if lab < 0 else lab for lab in piece_labels(enc, spans)])
    got = {text[slice(*r.cue[0])]: [text[slice(*c)] for c in r.content] for r in rels}
    assert got == {"blamed": ["for spill"], "told": ["The Tarn mill has dumped dye into the river for months"]}


def test_a_text_without_cues_has_no_relations(tokenizer):
    enc = encode(tokenizer, "Rain fell all day.")
    assert decode(enc, [0] * len(enc.ids)) == []


def test_shipped_model_reads_a_plain_attribution():
    tagger = load_tagger()
    if tagger is None:
        pytest.skip("no tagger weights shipped in resources/attribution_tagger")
    text = "The mayor of Easton said on Tuesday that the bridge would reopen next month."
    rels = tagger.relations([text])[0]
    assert len(rels) == 1
    rel = rels[0]
    assert text[slice(*rel.cue[0])] == "said"
    assert any("mayor" in text[slice(*s)] for s in rel.source)
    assert any("bridge would reopen" in text[slice(*c)] for c in rel.content)


def _probs(rows):
    """Per-piece label probabilities from rows of {label: probability} (the rest share what is left)."""
    out = np.full((len(rows), len(LABELS)), 0.0)
    for r, row in enumerate(rows):
        rest = (1.0 - sum(row.values())) / (len(LABELS) - len(row))
        for j, lab in enumerate(LABELS):
            out[r, j] = row.get(lab, rest)
    return out


def test_bio_decoding_never_opens_a_span_on_an_inside_label():
    # argmax would read O, I-CON, I-CON: a content span with no beginning; the best allowed reading
    # makes the first uncertain word its beginning
    probs = _probs([{"O": 0.9}, {"I-CON": 0.5, "B-CON": 0.4}, {"I-CON": 0.9}])
    assert [LABELS[j] for j in bio_labels(probs, [True, True, True])] == ["O", "B-CON", "I-CON"]


def test_bio_decoding_keeps_one_kind_through_a_span():
    # a source word in the middle of a cue is read as the cue's own inside word
    probs = _probs([{"B-CUE": 0.9}, {"I-SRC": 0.45, "I-CUE": 0.4}, {"I-CUE": 0.9}])
    assert [LABELS[j] for j in bio_labels(probs, [True, True, True])] == ["B-CUE", "I-CUE", "I-CUE"]


def test_bio_decoding_leaves_pieces_inside_a_word_to_their_own_best_label():
    # only first pieces carry a word's label; a later piece is not forced into the word sequence
    probs = _probs([{"B-SRC": 0.9}, {"I-CUE": 0.9}, {"O": 0.9}])
    assert [LABELS[j] for j in bio_labels(probs, [True, False, True])] == ["B-SRC", "I-CUE", "O"]
