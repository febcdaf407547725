"""Claim summaries (resolve/summaries.py): a normalised proposition, never a truncated quote.

Claims are built through the real ClaimClusterer (real MiniLM encoder) from invented reports about
a harbour board in the invented country of Velmora; the summaries are asserted exactly.
"""
from __future__ import annotations

import pytest

from newstrace.model import Statement
from newstrace.resolve.claims import ClaimClusterer, ClaimItem
from newstrace.resolve.summaries import (Candidate, date_label, names_date, normalise, readability, summarise,
                                         taken_from)


@pytest.fixture(scope="module")
def encoder():
    from newstrace.resolve.embeddings import default_encoder

    enc = default_encoder()
    enc(["warm up"])
    return enc


def st(content: str, stance: str = "assert", date: str | None = None) -> Statement:
    sent = f"Officials said {content}."
    return Statement(sentence=0, sentence_text=sent, start=0, end=len(sent), speaker_text="officials",
                     speaker_name=None, speaker_label=None, speaker_mention=None, cue="said", content=content,
                     quote_type="indirect", stance=stance, date=date)


# entity keys: e1 the Harbour Board of Velmora, e2 Castellan Marine, e3 Velmora's ministry of ports
def item(sid: str, doc: str, published: str, statement: Statement, speaker: str = "e3") -> ClaimItem:
    return ClaimItem(sid, doc, statement, published, speaker, ("e1", "e2"), speaker_chain=(speaker,),
                     entity_chains=("e1", "e2", "e3"))


def summary_of(encoder, items: list[ClaimItem], sid: str) -> str:
    cc = ClaimClusterer(encoder)
    for it in items:
        cc.add_report([it])
    claim = next(c for c in cc.claims() if c.id == cc.claim_of(sid))
    assert set(claim.statements) == {it.id for it in items}, "the invented statements must form one claim"
    return claim.summary


# ---------------------------------------------------------------------------- through the clusterer
def test_complementiser_dropped_and_date_range_added(encoder):
    items = [
        item("a1", "A", "2024-04-10", st("that the Harbour Board of Velmora sold two dredgers to Castellan Marine",
                                         date="2024-03")),
        item("b1", "B", "2024-04-20", st("“the dredgers of the Harbour Board went to Castellan Marine,",
                                         date="2024-04-02")),
    ]
    # before: "that the Harbour Board of Velmora sold two dredgers to Castellan Marine"
    assert summary_of(encoder, items, "a1") == \
        "The Harbour Board of Velmora sold two dredgers to Castellan Marine (March\u2013April 2024)."


def test_denial_not_chosen_when_an_assertion_exists(encoder):
    # the denial comes first and reads as well: a tie would go to it if stance were ignored
    items = [
        item("a1", "A", "2024-06-03", st("the Harbour Board of Velmora sold the two dredgers to Castellan Marine",
                                         stance="deny"), speaker="e1"),
        item("b1", "B", "2024-06-04", st("the Harbour Board of Velmora quietly sold its two dredgers to Castellan Marine",
                                         date="2024-05-28")),
    ]
    assert summary_of(encoder, items, "b1") == \
        "The Harbour Board of Velmora quietly sold its two dredgers to Castellan Marine (28 May 2024)."


def test_complete_clause_preferred_over_fragment_pronoun_and_question(encoder):
    items = [
        item("a1", "A", "2024-07-01", st("it sold the dredgers to Castellan Marine")),
        item("b1", "B", "2024-07-02", st("whether the Harbour Board of Velmora sold its dredgers to Castellan Marine")),
        item("c1", "C", "2024-07-02", st("the dredgers, Castellan Marine\u2026")),
        item("d1", "D", "2024-07-03", st("the Harbour Board of Velmora sold both of its dredgers to Castellan Marine "
                                         "last week")),
    ]
    # the statement names its own date ("last week"): nothing is added
    assert summary_of(encoder, items, "d1") == \
        "The Harbour Board of Velmora sold both of its dredgers to Castellan Marine last week."


def test_long_statement_cut_at_a_clause_boundary_with_balanced_quotes(encoder):
    long_a = ("the Harbour Board of Velmora sold its two dredgers to Castellan Marine for a fraction of their value, "
              "according to minutes of a closed meeting, and the money was paid into an account that the board "
              "keeps at a bank in the port of Ostrel")
    long_b = ("the ministry said that “the Harbour Board of Velmora handed both dredgers to Castellan Marine without "
              "a tender, without an inspection and without asking the ministry of ports, which learned of the sale "
              "from the crews of the dredgers themselves")
    items = [item("a1", "A", "2024-08-12", st(long_a, date="2024-08-09")),
             item("b1", "B", "2024-08-13", st(long_b, date="2024-08-09"))]
    assert len(long_a) > 200 and len(long_b) > 200
    # before: the content cut at 200 characters mid-clause, ending "…"
    assert summary_of(encoder, items, "a1") == (
        "The Harbour Board of Velmora sold its two dredgers to Castellan Marine for a fraction of their value, "
        "according to minutes of a closed meeting (9 August 2024).")


# ---------------------------------------------------------------------------- the normalisation itself
@pytest.mark.parametrize("text, expected", [
    ("that the canal was closed to barges", "The canal was closed to barges."),
    ("whether the canal would reopen", "The canal would reopen."),
    ("\u201cthe canal was closed to barges,\u201d", "The canal was closed to barges."),
    ("the pilots said the canal \u201cwas closed to barges", "The pilots said the canal was closed to barges."),
    ("the pilots said the canal was \u201cclosed to barges\u201d and", "The pilots said the canal was \u201cclosed to barges\u201d."),
    ("\u2026the canal was closed to barges;", "The canal was closed to barges."),
    ("that was a mistake by the board", "That was a mistake by the board."),
    ("eFerry services stopped at the canal", "eFerry services stopped at the canal."),
])
def test_normalise(text, expected):
    assert normalise(text) == expected


def test_cut_never_mid_word_nor_with_a_dangling_quote():
    text = ("the board said \u201cthe dredgers were sold to Castellan Marine, a company from Ostrel, because "
            "the board could no longer pay their crews\u201d")
    out = normalise(text, 80)
    assert out == "The board said the dredgers were sold to Castellan Marine."
    assert len(out) <= 81 and out.count("\u201c") == out.count("\u201d")


def test_date_labels():
    assert date_label({"2024-05-12": 2}) == "12 May 2024"
    assert date_label({"2024-05-12": 1, "2024-05-14": 1}) == "12\u201314 May 2024"
    assert date_label({"2024-03": 1, "2024-04-12": 1}) == "March\u2013April 2024"
    assert date_label({"2023-12": 1, "2024-01": 1}) == "December 2023 \u2013 January 2024"
    assert date_label({"2023-04-28": 1, "2023-05-03": 1}) == "28 April \u2013 3 May 2023"
    assert date_label({"2019-02": 1, "2024-03": 3}) == "March 2024"  # a stray far-off date is noise
    assert date_label({"soon": 1}) is None and date_label({}) is None


def test_names_date():
    assert names_date("the canal closed in May") and names_date("the canal closed on Tuesday")
    assert names_date("the canal closed in 2023") and names_date("the canal closed last month")
    assert not names_date("the board may close the canal")
    assert not names_date("Jan Merrow said 2000 barges used the canal")


def test_summarise_prefers_support_then_hedge_then_deny():
    denial = Candidate("the board sold the dredgers to Castellan Marine", "deny", 0.9)
    hedge = Candidate("the board may have sold the dredgers", "hedge", 0.5)
    assert summarise([denial, hedge]) == "The board may have sold the dredgers."
    assert summarise([denial]) == "The board sold the dredgers to Castellan Marine."
    assert summarise([]) == ""


def test_readability_ranks_complete_clauses_first():
    clause = readability("the Harbour Board of Velmora sold two dredgers to Castellan Marine")
    assert clause == 0
    for worse in ("the dredgers", "it sold two dredgers to Castellan Marine", "did the board sell the dredgers?",
                  "the sale of two dredgers\u2026", "to be paid for the days the dredgers were idle",
                  "the state-owned harbour board of selling its dredgers abroad",
                  "the minister as saying the harbour board sold two dredgers",
                  "if the Harbour Board of Velmora has really sold two dredgers to Castellan Marine",
                  "how many dredgers the Harbour Board of Velmora sold to Castellan Marine"):
        assert readability(worse) < clause, worse


def test_taken_from_finds_the_wording_behind_a_summary():
    content = "that the board \u201csold both dredgers to Castellan Marine\u201d, the ministry said"
    summary = summarise([Candidate(content)], {"2024-03": 1})
    assert summary == "The board \u201csold both dredgers to Castellan Marine\u201d, the ministry said (March 2024)."
    assert taken_from(summary, content)
    assert not taken_from(summary, "the board sold one dredger to Castellan Marine")
    assert taken_from("the board sold both dredgers\u2026", content.replace("\u201c", ""))  # an older, trimmed summary
