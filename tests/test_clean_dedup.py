"""DuplicateIndex: exact, near-duplicate, syndicated and shared-passage relations, persisted and rebuilt."""
from __future__ import annotations

from newstrace.clean import DuplicateIndex, clean_report, sentence_keys
from newstrace.clean.dedup import DocMeta
from newstrace.model import RawReport

BODY = [
    "Port officials in the coastal city said on Monday that three ferries had been held for inspection.",
    "The vessels were carrying containers declared as farm machinery, according to customs records.",
    "Inspectors found no weapons aboard the first ferry but had not finished searching the others.",
    "The shipping company said its cargo papers were in order and that it welcomed the inspection.",
    "Regional analysts said the route had become busier since sanctions were tightened last year.",
    "A spokesman for the transport ministry said the checks were routine and not aimed at any country.",
    "Freight volumes through the port rose by a fifth in the first quarter, figures showed.",
    "The ferries are expected to sail again once the inspections are complete later this week.",
]
EXPERT = ("Satellite pictures show far more containers at the depot than at any time in the past five years, "
          "the analyst said.")


def _clean(text: str, outlet: str | None = "Harbour Times", title: str | None = None, via: str | None = None):
    extra = (("via", via),) if via else ()
    return clean_report(RawReport("x.txt", text, outlet=outlet, title=title, extra=extra))


def _report(title: str, body: list[str]) -> str:
    return title + "\n\n" + "\n\n".join(body)


def test_exact_copy() -> None:
    idx = DuplicateIndex()
    text = _report("Ferries held for inspection", BODY)
    assert idx.add("a", _clean(text)) == []
    rels = idx.add("b", _clean(text.replace("  ", " ").upper()))
    assert [(r.a, r.b, r.kind, r.similarity) for r in rels] == [("b", "a", "exact", 1.0)]


def test_near_duplicate_same_outlet() -> None:
    idx = DuplicateIndex()
    idx.add("a", _clean(_report("Ferries held for inspection", BODY)))
    edited = BODY[:-1] + ["The ferries should sail again once the checks end later this week."]
    rels = idx.add("b", _clean(_report("Ferries held for inspection", edited)))
    assert [r.kind for r in rels] == ["near_duplicate"]
    assert 0.8 <= rels[0].similarity < 1.0


def test_syndicated_copy_through_another_outlet() -> None:
    idx = DuplicateIndex()
    idx.add("orig", _clean(_report("Ferries held for inspection", BODY)))
    wrapped = ("PARTNER WIRE | Top stories | Partner content\nSign up for the Partner Wire daily digest today.\n\n"
               + _report("Ferries held for inspection", BODY)
               + "\n\nThis story was distributed through the Partner Wire feed.\nShare this story: Facebook | X")
    clean = _clean(wrapped, outlet="Partner Wire", via="partner feed")
    assert clean.text == _clean(_report("Ferries held for inspection", BODY)).text  # wrapper removed
    rels = idx.add("copy", clean)
    assert [(r.b, r.kind) for r in rels] == [("orig", "syndicated")]


def test_same_title_other_outlet_is_syndicated() -> None:
    idx = DuplicateIndex()
    idx.add("a", _clean(_report("Ferries held for inspection", BODY[:4]), outlet="Harbour Times"))
    rels = idx.add("b", _clean(_report("Ferries held for inspection", BODY[4:]), outlet="Coast Daily"))
    assert [r.kind for r in rels] == ["syndicated"]


def test_shared_passage_between_different_reports() -> None:
    idx = DuplicateIndex()
    idx.add("a", _clean(_report("Depot fills up", BODY[:3] + [EXPERT]), outlet="Harbour Times"))
    other = ["Rail traffic to the border has risen sharply this spring, officials said.", EXPERT,
             "The government denies that any military cargo passed through the depot.",
             "Diplomats say they have asked for access to the site but have had no reply."]
    rels = idx.add("b", _clean(_report("Questions over border depot", other), outlet="Coast Daily"))
    assert [(r.b, r.kind, r.similarity) for r in rels] == [("a", "shared_passage", 0.25)]


def test_unrelated_reports_have_no_relation() -> None:
    idx = DuplicateIndex()
    idx.add("a", _clean(_report("Ferries held", BODY[:4])))
    assert idx.add("b", _clean(_report("Other news", BODY[4:]))) == []


def test_signature_round_trip_rebuilds_the_index() -> None:
    first = DuplicateIndex()
    clean = _clean(_report("Ferries held for inspection", BODY))
    first.add("a", clean)
    stored = (clean.fingerprint, first.signature("a"), first.sentence_keys_of("a"), first.meta("a"))
    assert isinstance(stored[1], bytes) and len(stored[2]) == len(BODY)
    rebuilt = DuplicateIndex()
    rebuilt.load("a", stored[0], stored[1], stored[2], {"outlet": stored[3].outlet, "title": stored[3].title})
    assert "a" in rebuilt and len(rebuilt) == 1
    assert [r.kind for r in rebuilt.add("b", clean)] == ["exact"]
    edited = BODY[:-1] + ["The ferries should sail again once the checks end later this week."]
    assert [r.kind for r in rebuilt.add("c", _clean(_report("Ferries held for inspection", edited)))] == [
        "near_duplicate", "near_duplicate"]


def test_sentence_keys_need_eight_words() -> None:
    text = "Too short to count. " + BODY[0] + " Also short. " + BODY[0].upper()
    assert len(sentence_keys(text)) == 1
    assert DocMeta.from_mapping(None) == DocMeta()


def test_same_quote_in_different_sentences_is_a_shared_passage() -> None:
    quote = "we have seen no evidence at all that military cargo crossed the border this year"
    a = _report("Ministry rejects claims", [f'The minister said: "{quote}." He did not take questions.'] + BODY[:2])
    b = _report("Border claims denied", [f'"{quote}," a ministry statement read on Tuesday.'] + BODY[4:6])
    idx = DuplicateIndex()
    idx.add("a", _clean(a, outlet="Harbour Times"))
    assert [r.kind for r in idx.add("b", _clean(b, outlet="Coast Daily"))] == ["shared_passage"]
