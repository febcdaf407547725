"""Evidence kinds (resolve/evidence.py): released imagery and single documents count as material
evidence, and "no public evidence" is never printed for a claim whose origin released them.

Invented story: the ports ministry of Velmora says its harbour board sold two dredgers abroad.
"""
from __future__ import annotations

import pytest

from newstrace.model import Ledger, LedgerClaim, LedgerDocument, LedgerEntity, LedgerStatement
from newstrace.report.brief import build_brief
from newstrace.resolve.evidence import MATERIAL_KINDS, classify_evidence, order_evidence
from newstrace.resolve.status import analyse_claims


@pytest.mark.parametrize("text, kind", [
    ("The ministry of ports released photographs it said showed the dredgers leaving Ostrel.", "released imagery"),
    ("Images released by the harbour board show two dredgers at the quay.", "released imagery"),
    ("The board posted a short video of the dredgers under tow.", "released imagery"),
    ("Photos showing the dredgers in a foreign port circulated on Tuesday.", "released imagery"),
    ("The ministry published a contract for the sale of both dredgers.", "documents"),
    ("An invoice seen by the Ostrel Gazette puts the price at 4 million crowns.", "documents"),
])
def test_released_imagery_and_documents(text, kind):
    assert kind in classify_evidence(text)
    assert kind in MATERIAL_KINDS


def test_satellite_imagery_is_not_listed_twice():
    kinds = classify_evidence("The institute released new satellite images that show the empty berth.")
    assert "satellite imagery" in kinds and "released imagery" not in kinds


def test_plain_statements_are_not_imagery_or_documents():
    for text in ("The board released a statement on Monday.", "The ministry did not document the sale.",
                 "The pilots said they had seen the dredgers leave."):
        kinds = classify_evidence(text)
        assert "released imagery" not in kinds and "documents" not in kinds, text


def test_no_public_evidence_dropped_beside_material_kinds():
    assert order_evidence(["no public evidence", "released imagery"]) == ("released imagery",)
    assert order_evidence(["no public evidence", "official statement"]) == ("official statement", "no public evidence")


def _ledger() -> Ledger:
    sentences = [
        "The ministry of ports said the Harbour Board of Velmora sold two dredgers to Castellan Marine.",
        "The ministry released photographs it said showed the dredgers under tow past the Ostrel breakwater.",
        "The sale could not be independently verified.",
    ]
    text = " ".join(sentences)  # one paragraph: the neighbouring sentences are its context
    start = 0
    statements = []
    for i, sent in enumerate(sentences[:1]):
        statements.append(LedgerStatement(
            id=f"s{i + 1}", document="d1", sentence=sent, sentence_index=i, speaker="e_min",
            speaker_text="The ministry of ports", cue="said", stance="assert", content=sent, start=start,
            end=start + len(sent), quote_type="indirect", claim="c1"))
        start += len(sent) + 1
    doc = LedgerDocument(id="d1", source="d1.txt", title="Velmora dredgers sold", outlet="Ostrel Gazette",
                         published="2024-05-02", published_from="metadata", text=text,
                         url="https://ostrelgazette.example/d1")
    entities = (LedgerEntity("e_vel", "Velmora", "GPE"),
                LedgerEntity("e_min", "Ministry of Ports", "ORG", parent="e_vel"))
    claim = LedgerClaim(id="c1", summary="The Harbour Board of Velmora sold two dredgers to Castellan Marine.",
                        statements=("s1",))
    return Ledger(documents=(doc,), entities=entities, statements=tuple(statements), claims=(claim,))


def test_no_public_evidence_question_not_raised_when_the_origin_released_photographs():
    ledger = analyse_claims(_ledger())
    claim = ledger.claims[0]
    assert "released imagery" in claim.evidence and "no public evidence" not in claim.evidence
    questions = build_brief(ledger)["open_questions"]
    assert any(q["kind"] == "single origin" for q in questions)  # the brief did look at the claim
    assert not any(q["kind"] == "no public evidence" for q in questions)


def test_sentence_spans_are_kept_within_a_size_bound():
    from newstrace.resolve.evidence import _SpanCache, _split_sentences

    cache = _SpanCache(limit=40)
    first, second = "Ships left. Crews stayed.", "Trains ran late. Nobody came."
    assert cache.get(first) == _split_sentences(first) == ((0, 11), (12, 25))
    assert cache.get(first) is cache.get(first)  # kept
    cache.get(second)  # 25 + 29 characters pass the bound: the older text goes
    assert list(cache._spans) == [second] and cache._chars == len(second)
