"""Rebuttals: an accused party's negating assertion counts as a denial of the claim it joins."""
from __future__ import annotations

import pytest

from newstrace.resolve.rebuttal import is_rebuttal, negates


@pytest.mark.parametrize("text,expected", [
    ("our ferries carry what is written in their documents, nothing more", True),
    ("no weapons were ever loaded at the port", True),
    ("the claims are fabricated", True),
    ("the cargo wasn't military", True),
    ("the ferries carried grain and fertiliser to Baku", False),
    ("notably, the port expanded in 2019", False),  # 'not' only as a whole word
])
def test_negates(text, expected):
    assert negates(text) is expected


def test_only_an_accused_party_outside_the_asserting_speakers_rebuts():
    claim_speakers, claim_entities = {"e-us", "e-state-dept"}, {"e-company", "e-russia"}
    content = "no drones were ever loaded on our ferries"
    assert is_rebuttal(content, ("e-director", "e-company"), claim_speakers, claim_entities)
    # the accusers themselves, or someone the claim is not about, do not rebut it
    assert not is_rebuttal(content, ("e-state-dept", "e-us"), claim_speakers, claim_entities)
    assert not is_rebuttal(content, ("e-analyst", "e-think-tank"), claim_speakers, claim_entities)
    # nor does the accused party asserting without negating
    assert not is_rebuttal("our ferries carry grain to Baku", ("e-company",), claim_speakers, claim_entities)


def test_clusterer_records_a_rebuttal_as_a_denial():
    import numpy as np

    from newstrace.model import Statement
    from newstrace.resolve.claims import ClaimClusterer, ClaimItem

    def st(content: str) -> Statement:
        return Statement(sentence=0, sentence_text=content, start=0, end=len(content), speaker_text="x",
                         speaker_name=None, speaker_label=None, speaker_mention=None, cue="said", content=content,
                         quote_type="indirect", stance="assert")

    same = np.ones((1, 384), dtype=np.float32) / np.sqrt(384)  # every text one vector: they join one claim
    cc = ClaimClusterer(lambda texts: np.repeat(same, len(texts), axis=0))
    accusation = ClaimItem("a1", "A", st("the shipping company moved drones across the sea to the rebels"),
                           "2024-03-12", "e-us", ("e-company", "e-rebels"), speaker_chain=("e-us",))
    reply = ClaimItem("b1", "B", st("the shipping company never moved drones across the sea to anyone"),
                      "2024-03-13", "e-company", ("e-company",), speaker_chain=("e-company",))
    cc.add_report([accusation])
    cc.add_report([reply])
    assert cc.claim_of("a1") == cc.claim_of("b1")
    assert cc.stance_of("a1") == "support" and cc.stance_of("b1") == "deny"
    assert cc.claims()[0].stances == ("support", "deny")
