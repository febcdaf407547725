"""The brief's story in three lines: allegations (not denials) ranked by support, each with who denies it."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest

from newstrace.model import DuplicateRelation, Ledger, LedgerClaim, LedgerDocument, LedgerEntity, LedgerStatement
from newstrace.report.brief import build_brief, render_brief

# An invented story: Syldavia says Borduria sent rockets to a militia by rail; a think tank and an
# outlet's unnamed sources agree; Borduria denies; a Bordurian customs officer confirms the border
# crossing that his ministry then denies; Borduria's denials of an arms deal make a claim of their own.
ENTITIES = [
    LedgerEntity("e_bd", "Borduria", "GPE"),
    LedgerEntity("e_bdfm", "Bordurian Foreign Ministry", "ORG", parent="e_bd"),
    LedgerEntity("e_cust", "Otto Kessel", "PERSON", roles=("customs chief",), parent="e_bd"),
    LedgerEntity("e_sy", "Syldavia", "GPE"),
    LedgerEntity("e_symod", "Syldavian Defence Ministry", "ORG", parent="e_sy"),
    LedgerEntity("e_tt", "Institute for Rail Studies", "ORG"),
]

# document id -> (outlet, published, sentences)
DOCS = {
    "d1": ("Harbour Post", "2024-05-01", [
        "Borduria denied sending any weapons to the Rebel Militia.",
        "Syldavia's defence ministry said Borduria had sent rockets to the Rebel Militia by rail.",
        "Customs chief Otto Kessel said the train crossed at the Zmajevo border post.",
        "Borduria's foreign ministry said it had never signed an arms deal with the militia.",
    ]),
    "d2": ("Valley Courier", "2024-05-02", [
        "The Institute for Rail Studies said the rockets went to the Rebel Militia on a freight train.",
        "The foreign ministry said no train crossed at Zmajevo.",
        "Borduria again denied any arms deal with the militia.",
    ]),
    "d3": ("Morning Ledger", "2024-05-03", [
        "Two officials said the militia received the rockets from Borduria in April.",
        "Syldavia's defence ministry said the train crossed at Zmajevo.",
        "A Bordurian diplomat rejected reports of an arms deal.",
    ]),
    "d4": ("Wire Digest", "2024-05-04", None),  # a syndicated copy of d1
}
DOCS["d4"] = DOCS["d4"][:2] + (DOCS["d1"][2],)

# (id, doc, sentence index, speaker, speaker_text, stance, claim)
STATEMENTS = [
    ("s1", "d1", 0, "e_bd", "Borduria", "deny", "c_rockets"),
    ("s2", "d1", 1, "e_symod", "Syldavia's defence ministry", "assert", "c_rockets"),
    ("s3", "d1", 2, "e_cust", "Otto Kessel", "assert", "c_border"),
    ("s4", "d1", 3, "e_bdfm", "Borduria's foreign ministry", "deny", "c_deal"),
    ("s5", "d2", 0, "e_tt", "The Institute for Rail Studies", "assert", "c_rockets"),
    ("s6", "d2", 1, "e_bdfm", "The foreign ministry", "deny", "c_border"),
    ("s7", "d2", 2, "e_bd", "Borduria", "deny", "c_deal"),
    ("s8", "d3", 0, None, "Two officials", "assert", "c_rockets"),
    ("s9", "d3", 1, "e_symod", "Syldavia's defence ministry", "assert", "c_border"),
    ("s10", "d3", 2, None, "A Bordurian diplomat", "deny", "c_deal"),
    ("s11", "d4", 0, "e_bd", "Borduria", "deny", "c_rockets"),
    ("s12", "d4", 1, "e_symod", "Syldavia's defence ministry", "assert", "c_rockets"),
    ("s13", "d4", 2, "e_cust", "Otto Kessel", "assert", "c_border"),
    ("s14", "d4", 3, "e_bdfm", "Borduria's foreign ministry", "deny", "c_deal"),
]

CLAIMS = {
    "c_rockets": "Borduria sent rockets to the Rebel Militia",
    "c_border": "The rocket train crossed at Zmajevo",
    "c_deal": "Borduria signed an arms deal with the militia",
}


def story_ledger() -> Ledger:
    docs, spans = [], {}
    for did, (outlet, published, sentences) in DOCS.items():
        pos, spans[did] = 0, []
        for s in sentences:
            spans[did].append((pos, pos + len(s)))
            pos += len(s) + 1
        docs.append(LedgerDocument(id=did, source=f"{did}.txt", title=None, outlet=outlet, published=published,
                                   published_from="metadata", text=" ".join(sentences)))
    texts = {d.id: d.text for d in docs}
    statements = []
    for sid, did, i, speaker, speaker_text, stance, claim in STATEMENTS:
        a, b = spans[did][i]
        statements.append(LedgerStatement(
            id=sid, document=did, sentence=texts[did][a:b], sentence_index=i, speaker=speaker,
            speaker_text=speaker_text, cue="denied" if stance == "deny" else "said", stance=stance,
            content=texts[did][a:b], start=a, end=b, quote_type="indirect", claim=claim))
    claims = tuple(LedgerClaim(id=cid, summary=summary, statements=tuple(s[0] for s in STATEMENTS if s[6] == cid))
                   for cid, summary in CLAIMS.items())
    return Ledger(documents=tuple(docs), entities=tuple(ENTITIES), statements=tuple(statements), claims=claims,
                  relations=(DuplicateRelation(a="d4", b="d1", kind="syndicated", similarity=0.99),))


def _sentence(ledger: Ledger, sid: str) -> str:
    return next(s.sentence for s in ledger.statements if s.id == sid)


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    return story_ledger()


@pytest.fixture(scope="module")
def story(ledger) -> list[dict]:
    return build_brief(ledger)["story"]


def test_claim_of_denials_only_gets_no_story_line(story):
    # c_deal is reported by more outlets than c_border but nobody asserts it: three lines would
    # otherwise end on a denial quote.
    assert [line["claim"] for line in story] == ["c_rockets", "c_border"]


def test_story_line_quotes_an_assertion_not_the_earlier_denial(story, ledger):
    line = story[0]
    assert line["ref"].key == "d1:s2"  # not s1 (Borduria's denial, first in the same report)
    assert line["text"] == _sentence(ledger, "s2")


def test_disputed_line_names_the_denier_with_its_own_reference(story):
    line = story[0]
    assert line["status"] == "disputed"
    assert [(d["who"], d["ref"].key) for d in line["denied_by"]] == [("Borduria", "d1:s1")]


def test_origin_that_also_denies_does_not_speak_for_the_claim(story):
    # Kessel (Borduria) asserts it first, but Borduria's ministry denies it: Syldavia's line is quoted.
    line = story[1]
    assert line["ref"].key == "d3:s9"
    # Borduria's customs chief confirms it, but its ministry denies it: an origin that denies a
    # claim is listed as denying it, whatever else of its statements was read as support
    assert [(d["who"], d["ref"].key) for d in line["denied_by"]] == [("Borduria", "d2:s6")]
    assert line["status"] == "disputed"


def test_wording_the_summary_was_taken_from_is_preferred(ledger):
    claims = tuple(replace(c, summary="the rockets went to the Rebel Militia on a freight train")
                   if c.id == "c_rockets" else c for c in ledger.claims)
    line = build_brief(replace(ledger, claims=claims))["story"][0]
    assert line["ref"].key == "d2:s5"


def test_copied_assertions_do_not_make_a_story_line(ledger):
    # Only the syndicated copy (d4) asserts c_deal: still no line.
    sts = tuple(replace(s, stance="assert") if s.id == "s14" else s for s in ledger.statements)
    story = build_brief(replace(ledger, statements=sts))["story"]
    assert "c_deal" not in [line["claim"] for line in story]


def test_asserted_claim_with_denials_enters_the_story(ledger):
    sts = tuple(replace(s, stance="assert", speaker="e_sy", speaker_text="Syldavia") if s.id == "s10" else s
                for s in ledger.statements)
    story = build_brief(replace(ledger, statements=sts))["story"]
    line = next(line for line in story if line["claim"] == "c_deal")
    assert line["ref"].key == "d3:s10"
    assert {d["who"] for d in line["denied_by"]} == {"Borduria"}


def test_markdown_story_cites_every_line_and_denial(ledger):
    md = render_brief(ledger, "md")
    section = md[md.index("## The story in three lines"):md.index("## Claims by status")]
    lines = [l for l in section.splitlines() if re.match(r"\d\. ", l)]
    assert len(lines) == 2
    assert lines[0].startswith("1. " + _sentence(ledger, "s2") + " [d1:s2] *(disputed)* — denied by Borduria [d1:s1]")
    assert "denied by Borduria [d2:s6]" in lines[1] and "[d3:s9]" in lines[1]
    assert not any(_sentence(ledger, sid) in section for sid in ("s1", "s4", "s7", "s10"))  # no denial quoted
    sources = md.split("## Sources")[1]
    for key in ("d1:s2", "d1:s1", "d3:s9"):
        assert f"**[{key}]**" in sources


def test_html_story_links_the_denial(ledger):
    html = render_brief(ledger, "html")
    story = html[html.index('<section id="story">'):html.index('<section id="claims">')]
    assert 'class="denied"' in story and "denied by Borduria" in story
    assert 'href="#ref-d1-s1"' in story and 'id="ref-d1-s1"' in html


def test_story_leads_with_the_claim_the_reports_keep_returning_to(ledger):
    """c_rockets has three original assertions, c_border two: c_rockets ranks first for the story even
    when c_border has more origins and outlets (a claim relayed once by many voices ranks below the one
    the reports dwell on); the claims list keeps ranking by origins."""
    from newstrace.report.brief import _Builder

    b = _Builder(ledger)
    rockets = replace(next(c for c in ledger.claims if c.id == "c_rockets"), origins=("e_sy",), outlets=2)
    border = replace(next(c for c in ledger.claims if c.id == "c_border"), origins=("e_sy", "e_bd", "e_tt"), outlets=3)
    assert sorted([border, rockets], key=b.story_rank)[0].id == "c_rockets"
    assert sorted([border, rockets], key=b.claim_rank)[0].id == "c_border"
