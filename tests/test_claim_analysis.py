"""Claim analysis over a hand-built ledger: origins, dependent reports, evidence, status, conflicting figures."""
from __future__ import annotations

from dataclasses import replace

import pytest

from newstrace.model import (DuplicateRelation, Ledger, LedgerClaim, LedgerDocument, LedgerEntity, LedgerQuantity,
                             LedgerStatement)
from newstrace.resolve.conflicts import figures_disagree, resolve_figures
from newstrace.resolve.evidence import classify_evidence
from newstrace.resolve.figures import figure_interval, measure_family
from newstrace.resolve.origins import dependent_documents, statement_origin
from newstrace.resolve.status import analyse_claims

# --------------------------------------------------------------------------- a hand-built ledger
# A short invented story (see examples/README.md): a US spokesman says a Turkmen state shipping
# line carried drones to Russia; Turkmenistan denies; a think tank cites satellite images; unnamed
# sources give a higher figure; an aggregator re-publishes the first report.

ENTITIES = [
    LedgerEntity("e_us", "United States", "GPE", aliases=("US",)),
    LedgerEntity("e_state", "State Department", "ORG", parent="e_us"),
    LedgerEntity("e_holb", "Darren Holbrook", "PERSON", aliases=("Daren Holbrook", "Holbrook"),
                 roles=("State Department spokesman",), parent="e_state"),
    LedgerEntity("e_tm", "Turkmenistan", "GPE"),
    LedgerEntity("e_tmfm", "Turkmen Foreign Ministry", "ORG", parent="e_tm"),
    LedgerEntity("e_oraz", "Myrat Orazov", "PERSON", roles=("Foreign Ministry spokesman",), parent="e_tmfm"),
    LedgerEntity("e_akyol", "Ak Yol", "MEDIA", parent="e_tm"),
    LedgerEntity("e_coma", "Centre for Open Maritime Analysis", "ORG"),
    LedgerEntity("e_varga", "Helena Varga", "PERSON", roles=("senior analyst",), parent="e_coma"),
    LedgerEntity("e_rail", "Kazakh national railway", "ORG"),
    LedgerEntity("e_sady", "Aigerim Sadykova", "PERSON", roles=("spokeswoman",), parent="e_rail"),
    LedgerEntity("e_ashg", "Ashgabat", "GPE", lat=37.95, lon=58.383, country="TM", parent="e_tm"),
    LedgerEntity("e_tkb", "Turkmenbashi", "GPE", lat=40.022, lon=52.955, country="TM"),
    LedgerEntity("e_mak", "Makhachkala", "GPE", lat=42.978, lon=47.5, country="RU"),
    LedgerEntity("e_ber", "Bereket", "GPE", lat=39.245, lon=55.515, country="TM"),
    LedgerEntity("e_ser", "Serhetyaka", "FAC", lat=41.6, lon=55.15, country="TM"),
    LedgerEntity("e_bol", "Bolashak", "FAC", lat=41.7, lon=55.12, country="KZ"),
    LedgerEntity("e_wash", "Washington", "GPE", lat=38.895, lon=-77.036, country="US", parent="e_us"),
]

# document id -> (outlet, published, title, sentences)
DOCS = {
    "d1": ("The Harbour Ledger", "2024-03-13", "US accuses Turkmen shipping line", [
        "Spokesman Darren Holbrook said the line moved about 400 attack drones from Turkmenbashi to Makhachkala.",
        "He said the assessment drew on US intelligence.",
        "Holbrook said the drones were packed into crates at a depot near Bereket.",
        "\"The cargo papers were falsified,\" Holbrook told reporters.",
        "Holbrook said more shipments were likely in the coming weeks.",
    ]),
    "d2": ("Steppe Wire", "2024-03-13", "Ashgabat rejects drone claims", [
        "Daren Holbrook said the company shipped roughly 400 drones across the sea.",
        "Holbrook said a force of about 150 soldiers guards the depot.",
        "\"These claims are untrue,\" Foreign Ministry spokesman Myrat Orazov said in a statement.",
        "Holbrook said the cargo papers had been falsified.",
    ]),
    "d3": ("Ak Yol State News Agency", "2024-03-14", "Ministry rejects fabricated claims", [
        "The ministry rejected claims that any drones were loaded at Turkmenbashi.",
        "The depot near Bereket is a civilian logistics centre, the agency said.",
    ]),
    "d4": ("The Meridian Review", "2024-03-20", "Images show containers at depot", [
        "Satellite images taken on March 9 show between 60 and 80 containers at the depot near Bereket, "
        "the centre said.",
        "The images also show at least 14 flatbed wagons on a siding.",
        "Ferry transponders went dark during crossings, said Helena Varga, a senior analyst at the centre.",
    ]),
    "d5": ("Northern Dispatch", "2024-03-22", "Shipments larger than US says", [
        "As many as 1,200 drones have crossed the sea, according to two people familiar with the shipments.",
        "The people said a detachment of some 600 personnel guards the depot.",
        "Tracking data shows Karakum ferries switched off their transponders in February.",
        "Holbrook said last week that the cargo papers were falsified.",
    ]),
    "d6": ("NewsLine Hub", "2024-03-14", "US accuses Turkmen shipping line", None),  # copy of d1
    "d7": ("Caspian Courier", "2024-03-27", "Second drone route", [
        "Holbrook said more than 20 wagons crossed from Serhetyaka to Bolashak in early March.",
        "\"We have found nothing of this kind,\" railway spokeswoman Aigerim Sadykova said.",
        "Ashgabat again denied that drones had been shipped.",
        "Holbrook repeated that the cargo papers were falsified.",
    ]),
}
DOCS["d6"] = DOCS["d6"][:3] + (DOCS["d1"][3],)

# (id, doc, sentence index, speaker, speaker_text, cue, stance, claim)
STATEMENTS = [
    ("s1", "d1", 0, "e_holb", "Darren Holbrook", "said", "assert", "c1"),
    ("s2", "d1", 2, "e_holb", "Holbrook", "said", "assert", "c2"),
    ("s3", "d1", 3, "e_holb", "Holbrook", "told", "assert", "c6"),
    ("s4", "d1", 4, "e_holb", "Holbrook", "said", "hedge", "c4"),
    ("s5", "d2", 0, "e_holb", "Daren Holbrook", "said", "assert", "c1"),
    ("s6", "d2", 1, "e_holb", "Holbrook", "said", "assert", "c7"),
    ("s7", "d2", 2, "e_oraz", "Myrat Orazov", "said", "deny", "c1"),
    ("s8", "d2", 3, "e_holb", "Holbrook", "said", "assert", "c6"),
    ("s9", "d3", 0, "e_tmfm", "The ministry", "rejected", "deny", "c1"),
    ("s10", "d3", 1, "e_akyol", "the agency", "said", "deny", "c2"),
    ("s11", "d4", 0, "e_coma", "the centre", "said", "assert", "c2"),
    ("s12", "d4", 2, "e_varga", "Helena Varga", "said", "assert", "c5"),
    ("s13", "d5", 0, None, "two people familiar with the shipments", "according to", "assert", "c1"),
    ("s14", "d5", 1, None, "The people", "said", "assert", "c7"),
    ("s15", "d5", 2, None, "", "shows", "assert", "c5"),
    ("s16", "d5", 3, "e_holb", "Holbrook", "said", "assert", "c6"),
    ("s17", "d6", 0, "e_holb", "Darren Holbrook", "said", "assert", "c1"),
    ("s18", "d6", 2, "e_holb", "Holbrook", "said", "assert", "c2"),
    ("s19", "d6", 3, "e_holb", "Holbrook", "told", "assert", "c6"),
    ("s20", "d7", 0, "e_holb", "Holbrook", "said", "assert", "c3"),
    ("s21", "d7", 1, "e_sady", "Aigerim Sadykova", "said", "deny", "c3"),
    ("s22", "d7", 2, "e_ashg", "Ashgabat", "denied", "deny", "c1"),
    ("s23", "d7", 3, "e_holb", "Holbrook", "repeated", "assert", "c6"),
]

CLAIMS = {
    "c1": "Karakum Maritime Lines shipped drones from Turkmenbashi to Russia",
    "c2": "The drones are crated at a rail depot near Bereket",
    "c3": "Drones also went by rail through Serhetyaka into Kazakhstan",
    "c4": "Further shipments are likely",
    "c5": "Karakum ferries switched off their transponders during crossings",
    "c6": "The cargo papers were falsified",
    "c7": "A security force guards the Bereket depot",
}

# (doc, statement, text, values, unit, qualifier, is_range)
QUANTITIES = [
    ("d1", "s1", "about 400 attack drones", (400,), "attack drones", "about", False),
    ("d6", "s17", "about 400 attack drones", (400,), "attack drones", "about", False),
    ("d2", "s5", "roughly 400 drones", (400,), "drones", "roughly", False),
    ("d5", "s13", "As many as 1,200 drones", (1200,), "drones", "as many as", False),
    ("d2", "s6", "about 150 soldiers", (150,), "soldiers", "about", False),
    ("d5", "s14", "some 600 personnel", (600,), "personnel", "some", False),
    ("d4", "s11", "between 60 and 80 containers", (60, 80), "containers", None, True),
    ("d4", None, "at least 14 flatbed wagons", (14,), "flatbed wagons", "at least", False),
    ("d7", "s20", "more than 20 wagons", (20,), "wagons", "more than", False),
]


def _doc_text(sentences: list[str]) -> tuple[str, list[tuple[int, int]]]:
    spans, pos = [], 0
    for s in sentences:
        spans.append((pos, pos + len(s)))
        pos += len(s) + 2
    return "\n\n".join(sentences), spans


def story_ledger(relations: tuple[DuplicateRelation, ...] | None = None) -> Ledger:
    """The invented drone-shipping story as a resolved (not yet analysed) ledger."""
    docs, spans = [], {}
    for did, (outlet, published, title, sentences) in DOCS.items():
        text, spans[did] = _doc_text(sentences)
        docs.append(LedgerDocument(id=did, source=f"{did}.txt", title=title, outlet=outlet, published=published,
                                   published_from="text" if did == "d7" else "metadata", text=text,
                                   url=f"https://{outlet.lower().replace(' ', '')}.example/{did}"))
    texts = {d.id: d.text for d in docs}
    statements = []
    for sid, did, i, speaker, speaker_text, cue, stance, claim in STATEMENTS:
        a, b = spans[did][i]
        statements.append(LedgerStatement(
            id=sid, document=did, sentence=texts[did][a:b], sentence_index=i, speaker=speaker,
            speaker_text=speaker_text, cue=cue, stance=stance, content=texts[did][a:b], start=a, end=b,
            quote_type="indirect", claim=claim, date="2024-02" if sid in ("s1", "s17") else None))
    quantities = []
    for did, sid, text, values, unit, qual, is_range in QUANTITIES:
        start = texts[did].find(text)
        quantities.append(LedgerQuantity(document=did, text=text, values=values, unit=unit, kind="count",
                                         approximate=qual in ("about", "roughly", "some"), is_range=is_range,
                                         qualifier=qual, statement=sid, start=start, end=start + len(text)))
    claims = [LedgerClaim(id=cid, summary=summary,
                          statements=tuple(s[0] for s in STATEMENTS if s[7] == cid))
              for cid, summary in CLAIMS.items()]
    if relations is None:
        relations = (DuplicateRelation(a="d6", b="d1", kind="syndicated", similarity=0.97),)
    return Ledger(documents=tuple(docs), entities=tuple(ENTITIES), statements=tuple(statements),
                  claims=tuple(claims), quantities=tuple(quantities), relations=relations)


@pytest.fixture(scope="module")
def analysed() -> Ledger:
    return analyse_claims(story_ledger())


def _claim(ledger: Ledger, cid: str) -> LedgerClaim:
    return next(c for c in ledger.claims if c.id == cid)


# --------------------------------------------------------------------------- origins
def test_spokesman_origin_is_top_of_institution_chain():
    ledger = story_ledger()
    ents = {e.id: e for e in ledger.entities}
    docs = {d.id: d for d in ledger.documents}
    sts = {s.id: s for s in ledger.statements}
    assert statement_origin(sts["s1"], ents, docs["d1"]) == "e_us"
    assert statement_origin(sts["s5"], ents, docs["d2"]) == "e_us"  # misspelt first name, same entity
    assert statement_origin(sts["s7"], ents, docs["d2"]) == "e_tm"  # Orazov -> ministry -> Turkmenistan
    assert statement_origin(sts["s10"], ents, docs["d3"]) == "e_tm"  # state news agency -> its government
    assert statement_origin(sts["s22"], ents, docs["d7"]) == "e_tm"  # a capital speaking -> its government
    assert statement_origin(sts["s13"], ents, docs["d5"]) == "unnamed:Northern Dispatch"
    # a line with no speaker is the report's own voice, which counts only when the outlet says so
    assert statement_origin(sts["s15"], ents, docs["d5"]) == "unattributed:Northern Dispatch"
    assert statement_origin(sts["s12"], ents, docs["d4"]) == "e_coma"


def test_capital_without_parent_speaks_for_listed_country():
    # institutions.yaml lists Pyongyang as the capital of North Korea; the resolver left no parent.
    ents = {"g1": LedgerEntity("g1", "Pyongyang", "GPE"), "g2": LedgerEntity("g2", "North Korea", "GPE",
                                                                             aliases=("DPRK",))}
    doc = LedgerDocument("d1", "x", None, "Some Paper", "2022-12-23", "metadata", "Pyongyang denied it.")
    st = LedgerStatement("s1", "d1", "Pyongyang denied it.", 0, "g1", "Pyongyang", "denied", "deny", "it", 0, 20,
                         "indirect")
    assert statement_origin(st, ents, doc) == "g2"


def test_outlet_speaker_without_parent_is_an_outlet_origin():
    ents = {"m1": LedgerEntity("m1", "Tokyo Shimbun", "MEDIA")}
    doc = LedgerDocument("d1", "x", None, "Some Paper", None, "none", "The paper reported a rail shipment.")
    st = LedgerStatement("s1", "d1", doc.text, 0, "m1", "a Japanese newspaper", "claimed", "assert", "x", 0, 10,
                         "indirect")
    assert statement_origin(st, ents, doc) == "outlet:Tokyo Shimbun"


# --------------------------------------------------------------------------- dependent reports
@pytest.mark.parametrize("relation", [
    DuplicateRelation(a="d6", b="d1", kind="syndicated", similarity=0.97),
    DuplicateRelation(a="d1", b="d6", kind="near_duplicate", similarity=0.97),  # direction decided by date
    DuplicateRelation(a="d6", b="d1", kind="shared_passage", similarity=0.4),
])
def test_copy_is_the_later_report(relation):
    assert dependent_documents(story_ledger((relation,))) == {"d6"}


def test_unrelated_relation_kind_is_ignored():
    assert dependent_documents(story_ledger((DuplicateRelation("d6", "d1", "same_story", 0.3),))) == set()


def test_dependent_report_adds_outlet_but_no_origin(analysed):
    c2 = _claim(analysed, "c2")
    assert "e_us" in c2.origins and c2.reports == 4  # d1, d3, d4, d6
    assert any("NewsLine Hub (d6)" in r and "adding no origin" in r for r in c2.reasons)


def test_copy_with_its_own_unnamed_origin_does_not_count():
    # If the aggregator's copy were read as its own voice it would be a second origin.
    ledger = story_ledger()
    sts = tuple(replace(s, speaker=None, speaker_text="officials") if s.id == "s19" else s
                for s in ledger.statements)
    c6 = _claim(analyse_claims(replace(ledger, statements=sts)), "c6")
    assert c6.origins == ("e_us",) and c6.status == "alleged"


# --------------------------------------------------------------------------- status
def test_five_outlets_quoting_one_spokesman_is_one_origin(analysed):
    c6 = _claim(analysed, "c6")
    assert c6.outlets == 5 and c6.reports == 5
    assert c6.origins == ("e_us",)
    assert c6.status == "alleged"
    assert c6.reasons[0].startswith("alleged")
    assert "Darren Holbrook" not in c6.reasons[1] and "United States" in c6.reasons[1]


def test_unattributed_line_does_not_corroborate(analysed):
    c5 = _claim(analysed, "c5")
    assert c5.status == "alleged"
    assert c5.origins == ("e_coma",)
    assert any("Northern Dispatch (unattributed)" in r and "not counted" in r for r in c5.reasons)
    assert "named expert" in c5.evidence and "documents" in c5.evidence


def _dispatch_says(analysed, dispatch_content: str) -> LedgerClaim:
    """c5 with the Northern Dispatch claiming its tracking line as its own reporting, and the
    analyst's line read (as extraction reads it) without its attribution."""
    nd = LedgerEntity("e_nd", "Northern Dispatch", "MEDIA")
    changed = {"s15": dict(speaker="e_nd", speaker_text="The Dispatch", content=dispatch_content),
               "s12": dict(content="Ferry transponders went dark during crossings")}
    sts = tuple(replace(s, **changed[s.id]) if s.id in changed else s for s in analysed.statements)
    return _claim(analyse_claims(replace(analysed, entities=analysed.entities + (nd,), statements=sts)), "c5")


def test_outlet_saying_the_reporting_is_its_own_corroborates(analysed):
    c5 = _dispatch_says(analysed, "ferry transponders went dark during crossings in February")
    assert c5.status == "corroborated"
    assert set(c5.origins) == {"e_coma", "outlet:Northern Dispatch"}
    assert "(d4 sentence 3)" in c5.reasons[1] and "(d5 sentence 3)" in c5.reasons[1]
    assert "same proposition: d4 sentence 3 and d5 sentence 3" in c5.reasons


def test_two_origins_saying_different_things_in_one_claim_do_not_corroborate(analysed):
    # grouped with the transponder line, but another proposition: two origins, no corroboration
    c5 = _dispatch_says(analysed, "Karakum ferries carried about 400 drones to Russia in one week")
    assert c5.status == "alleged"
    assert set(c5.origins) == {"e_coma", "outlet:Northern Dispatch"}
    assert "no two of them state the same proposition" in c5.reasons[0]
    assert not any(r.startswith("same proposition") for r in c5.reasons)


def test_unnamed_sources_never_corroborate(analysed):
    c7 = _claim(analysed, "c7")  # Holbrook and "the people" (unnamed): one named origin
    assert c7.status == "alleged" and c7.origins == ("e_us",)
    assert any("unnamed sources (Northern Dispatch)" in r and "not counted" in r for r in c7.reasons)


def test_denial_by_accused_disputes(analysed):
    c1 = _claim(analysed, "c1")
    assert c1.status == "disputed"
    assert c1.deniers == ("e_tm",)  # Orazov, the ministry and "Ashgabat" are one government
    assert c1.origins == ("e_us",)  # the unnamed people are listed, not counted
    assert "denied by Turkmenistan (d2 sentence 3; d3 sentence 1; d7 sentence 3)" in c1.reasons[0]
    assert c1.first_reported == "2024-03-13" and c1.event_date == "2024-02"


def test_contradiction_by_another_origin_disputes(analysed):
    c3 = _claim(analysed, "c3")
    assert c3.status == "disputed" and c3.deniers == ("e_rail",)


def test_hedged_single_origin_is_alleged(analysed):
    c4 = _claim(analysed, "c4")
    assert c4.status == "alleged" and c4.origins == ("e_us",)
    assert any("hedged" in r for r in c4.reasons)


def test_evidence_on_claims(analysed):
    assert "satellite imagery" in _claim(analysed, "c2").evidence
    assert "intelligence assessment" in _claim(analysed, "c1").evidence  # from the neighbouring sentence
    assert "unnamed sources" in _claim(analysed, "c7").evidence


def test_analysis_is_idempotent(analysed):
    assert analyse_claims(analysed) == analysed


# --------------------------------------------------------------------------- evidence phrases
@pytest.mark.parametrize("text,kind", [
    ("Images from a commercial satellite taken on 9 March show stacked containers.", None),
    ("Satellite images taken on March 9 show a full yard.", "satellite imagery"),
    ("He said the assessment drew on US intelligence.", "intelligence assessment"),
    ("The minister told reporters at a briefing in the capital.", "official statement"),
    ("Port records show two ferries left within two days.", "documents"),
    ("\"It filled up quickly,\" said Helena Varga, a senior analyst at the centre.", "named expert"),
    ("Two people familiar with the shipments spoke on condition of anonymity.", "unnamed sources"),
    ("Investigators recovered fragments bearing serial numbers.", "physical evidence"),
    ("The officials offered no evidence for the claim.", "no public evidence"),
])
def test_classify_evidence(text, kind):
    kinds = classify_evidence(text)
    if kind is None:
        assert "satellite imagery" not in kinds  # "commercial satellite" alone is not a phrase in the list
    else:
        assert kind in kinds


def test_classify_evidence_plain_sentence_has_none():
    assert classify_evidence("The weather in the port was mild on Tuesday.") == ()


# --------------------------------------------------------------------------- conflicting figures
@pytest.mark.parametrize("unit,family", [("attack drones", "drones"), ("UAVs", "drones"), ("soldiers", "personnel"),
                                         ("personnel", "personnel"), ("flatbed wagons", "wagons"),
                                         ("widgets", "widgets")])
def test_measure_family(unit, family):
    assert measure_family(unit) == family


@pytest.mark.parametrize("a,b,disagree", [
    ((400, 400), (1200, 1200), True),
    ((400, 400), (450, 450), False),  # within 20%
    ((60, 80), (90, 100), True),
    ((60, 80), (75, 120), False),
    ((20, float("inf")), (14, 14), True),
])
def test_figures_disagree(a, b, disagree):
    assert figures_disagree(a, b) is disagree


def test_bounds_from_qualifiers():
    q = LedgerQuantity("d1", "more than 20 wagons", (20,), "wagons", "count", False, False, qualifier="more than")
    assert figure_interval(q) == (20, float("inf"))


def test_conflicting_figures_side_by_side(analysed):
    ledger = resolve_figures(analysed)
    conflicts = {c.measure: c for c in ledger.figure_conflicts}
    assert set(conflicts) == {"drones", "personnel"}  # wagons at the depot and at the border are different
    figures = {f.id: f for f in ledger.figures}
    drones = conflicts["drones"]
    assert drones.period == "2024-03" and "different origins" in drones.reason
    # the US figure as printed by three reports (d6 a copy), then the unnamed sources' figure
    assert [(figures[f].document, figures[f].low, figures[f].origin) for f in drones.figures] == [
        ("d1", 400, "e_us"), ("d2", 400, "e_us"), ("d6", 400, "e_us"), ("d5", 1200, "unnamed:Northern Dispatch")]
    assert [figures[f].low for f in conflicts["personnel"].figures] == [150, 600]
    assert not ledger.series  # every figure holds for March 2024


def test_same_figure_from_two_origins_is_no_conflict(analysed):
    qs = tuple(q for q in analysed.quantities if q.document != "d5")
    assert all(c.measure != "drones" for c in resolve_figures(replace(analysed, quantities=qs)).figure_conflicts)


# --------------------------------------------------------------------------- the example corpus
def test_example_corpus_is_complete():
    import os

    import yaml
    root = os.path.join(os.path.dirname(__file__), "..", "examples", "corpus")
    meta = yaml.safe_load(open(os.path.join(root, "metadata.yaml"), encoding="utf-8"))
    files = sorted(f for f in os.listdir(root) if f != "metadata.yaml")
    assert sorted(meta) == files and 6 <= len(files) <= 8
    assert [f for f in files if "published" not in meta[f]] == ["07_caspian_courier.txt"]
    for f in files:
        words = len(open(os.path.join(root, f), encoding="utf-8").read().split())
        assert 150 <= words <= 460, (f, words)
