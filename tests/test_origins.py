"""Origins: a pronoun speaker the extractor left unresolved borrows the origin the quotation or its report gives."""
from __future__ import annotations

from newstrace.model import Ledger, LedgerDocument, LedgerEntity, LedgerStatement
from newstrace.resolve.origins import quotation_key, statement_origins

QUOTE = "We can say that the harbour authority has completed a first delivery of fuel to the militia"


def doc(i: str, outlet: str) -> LedgerDocument:
    return LedgerDocument(id=i, source=f"{i}.txt", title=None, outlet=outlet, published="2024-05-02",
                          published_from="metadata", text="")


def stmt(sid: str, document: str, content: str, speaker: str | None, speaker_text: str,
         claim: str | None = "c1") -> LedgerStatement:
    return LedgerStatement(id=sid, document=document, sentence=content, sentence_index=0, speaker=speaker,
                           speaker_text=speaker_text, cue="said", stance="assert", content=content, start=0,
                           end=len(content), quote_type="direct", claim=claim)


ENTITIES = (LedgerEntity("e1", "Nora Vik", "PERSON", parent="e2"),
            LedgerEntity("e2", "Harbour Ministry", "ORG", parent="e3"),
            LedgerEntity("e3", "Norway", "GPE"))


def test_quotation_relayed_with_he_takes_the_named_speaker_origin():
    ledger = Ledger(documents=(doc("d1", "Coast Post"), doc("d2", "Fjord Wire")), entities=ENTITIES, statements=(
        stmt("s1", "d1", QUOTE + ", she told reporters.", "e1", "Vik"),
        stmt("s2", "d2", "\u201c" + QUOTE + ".\u201d", None, "he"),
        stmt("s3", "d2", "the fuel was paid for in cash", None, "they", claim="c2")))
    origins = statement_origins(ledger)
    assert origins["s1"] == origins["s2"] == "e3"
    assert origins["s3"] == "unnamed:Fjord Wire"  # nothing tells who "they" are


def test_pronoun_takes_the_one_named_origin_of_its_report_on_the_same_claim():
    ledger = Ledger(documents=(doc("d1", "Coast Post"),), entities=ENTITIES, statements=(
        stmt("s1", "d1", "the authority delivered fuel to the militia in April", "e1", "Vik"),
        stmt("s2", "d1", "the deliveries would continue", None, "she"),
        stmt("s3", "d1", "the militia pays well", None, "officials", claim="c1")))
    origins = statement_origins(ledger)
    assert origins["s2"] == "e3"
    assert origins["s3"] == "unnamed:Coast Post"  # an unnamed source is not a pronoun: it stays unnamed


def test_quotation_key_ignores_punctuation_and_needs_enough_words():
    assert quotation_key("\u201cWe can say, that the Harbour authority has\u2026") == quotation_key(
        "we can say that the harbour authority has completed")
    assert quotation_key("too short to identify") is None
