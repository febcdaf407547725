"""Time expressions: every form on sentences written for the tests, then the dev gold on the seeds."""
from __future__ import annotations


import pytest

from newstrace.extract.nlp import load_nlp, parse_report
from newstrace.extract.links import link_to_statements, statement_date
from newstrace.extract.times import extract_times, infer_published
from newstrace.model import Statement, TimeExpr



@pytest.fixture(scope="session")
def nlp():
    return load_nlp()


def times_of(nlp, text: str, published: str | None) -> list[TimeExpr]:
    return list(extract_times(parse_report(nlp, text, published)))


# published, sentence, expected text, value, precision, modifier
CASES = [
    ("2022-12-23", "The ministry said a train left last month.", "last month", "2022-11", "month", None),
    ("2022-01-10", "Officials said the deal was signed last month.", "last month", "2021-12", "month", None),
    ("2023-10-20", "This month, officials counted the crates.", "This month", "2023-10", "month", None),
    ("2022-12-23", "The agency rejected the report today (December 23).", "today", "2022-12-23", "day", None),
    ("2022-12-23", "The agency rejected the report today (December 23).", "December 23", "2022-12-23", "day", None),
    ("2022-12-23", "The envoy spoke to reporters yesterday.", "yesterday", "2022-12-22", "day", None),
    ("2022-12-23", "Earlier yesterday, a paper printed the claim.", "Earlier yesterday", "2022-12-22", "day", None),
    ("2022-11-03", "The assessment became public on Wednesday.", "Wednesday", "2022-11-02", "day", None),
    ("2022-11-02", "The assessment became public on Wednesday.", "Wednesday", "2022-11-02", "day", None),
    ("2022-11-03", "The minister will travel there on Friday.", "Friday", "2022-11-04", "day", None),
    ("2022-12-23", "On December 22, the spokesman made the charge.", "December 22", "2022-12-22", "day", None),
    ("2023-01-05", "On December 22, the spokesman made the charge.", "December 22", "2022-12-22", "day", None),
    ("2022-12-23", "A freight train crossed the bridge on November 20.", "November 20", "2022-11-20", "day", None),
    ("2022-12-23", "Crates were unloaded on 20 November near the border.", "20 November", "2022-11-20", "day", None),
    ("2022-11-03", "The talks were held in early November.", "early November", "2022-11", "month", "early"),
    ("2023-10-20", "The ships began sailing in mid-August.", "mid-August", "2023-08", "month", "mid"),
    ("2022-12-23", "The claim was first made last September.", "last September", "2022-09", "month", None),
    ("2022-09-15", "The claim was first made last September.", "last September", "2021-09", "month", None),
    ("2022-12-23", "Last December 12th, images showed wagons.", "Last December 12th", "2022-12-12", "day", None),
    ("2022-12-05", "Last December 12th, images showed wagons.", "Last December 12th", "2021-12-12", "day", None),
    ("2023-10-20", "Crates have been moved in recent weeks.", "recent weeks", "2023-10", "month", "recent"),
    ("2022-11-03", "The analyst wrote about it earlier this year.", "earlier this year", "2022", "year", "earlier"),
    ("2023-10-20", "The institute published its study last week.", "last week", "2023-W41", "week", None),
    ("2023-10-20", "The official said so last Friday.", "last Friday", "2023-10-13", "day", None),
    ("2022-11-03", "Tensions rose this week after the launches.", "this week", "2022-W44", "week", None),
    ("2023-10-20", "Russia was firing many shells in October 2022.", "October 2022", "2022-10", "month", None),
    ("2023-10-20", "The photograph was taken near the front in March.", "March", "2023-03", "month", None),
    ("2023-10-20", "In 2010, the navy sank a corvette.", "2010", "2010", "year", None),
    ("2023-10-20", "Spending will rise in 2024 by a third.", "2024", "2024", "year", None),
    ("2022-12-23", "More cargo is expected in the coming weeks.", "the coming weeks", "2022-12", "month", "future"),
    ("2022-11-03", "Stocks must last through the coming winter.", "coming winter", "2022", "season", "winter"),
    ("2022-11-03", "The war will go on into next year.", "next year", "2023", "year", None),
    ("2022-11-03", "The decision came late last year.", "late last year", "2021", "year", "late"),
    ("2022-11-03", "The plant opened two weeks ago.", "two weeks ago", "2022-W42", "week", None),
    ("2022-11-03", "The region was quiet in the 1990s.", "1990s", "199", "decade", None),
    ("2022-11-03", "Prices doubled from 2014 to 2022 in the region.", "from 2014 to 2022", "2014/2022", "range", None),
    ("2022-11-03", "It happened on Nov. 3, 2021, at dawn.", "Nov. 3, 2021", "2021-11-03", "day", None),
    ("2022-11-03", "Trade resumed by mid-2022 on that line.", "mid-2022", "2022", "year", "mid"),
]


@pytest.mark.parametrize("published,sentence,text,value,precision,modifier", CASES)
def test_time_forms(nlp, published, sentence, text, value, precision, modifier):
    found = {t.text: t for t in times_of(nlp, sentence, published)}
    assert text in found, f"{text!r} not in {list(found)}"
    t = found[text]
    assert (t.value, t.precision, t.modifier) == (value, precision, modifier)
    assert sentence[t.start:t.end] == t.text


def test_two_months_coordinated(nlp):
    found = times_of(nlp, "Pyongyang denied similar charges in September and November.", "2022-12-23")
    assert [(t.text, t.value) for t in found] == [("September", "2022-09"), ("November", "2022-11")]


@pytest.mark.parametrize("sentence", [
    "Ten months have passed since the invasion began.",
    "Prigozhin, 61, has led the group for five years.",
    "The siege has lasted almost three years.",
    "Output fell over the past five years.",
    "May the talks succeed, one diplomat wrote.",
    "Theresa May spoke in parliament.",
    "The 2000 troops crossed at night.",
])
def test_not_time_points(nlp, sentence):
    assert times_of(nlp, sentence, "2022-11-03") == []


def test_relative_needs_publication_date(nlp):
    found = times_of(nlp, "It happened last month, on 4 July 2021.", None)
    assert [(t.text, t.value) for t in found] == [("4 July 2021", "2021-07-04")]


@pytest.mark.parametrize("text,expected", [
    ("Headline here\nBy A Writer\nPublished 3 November 2022\n\nBody text.", "2022-11-03"),
    ("Headline\nNov. 3, 2022\nBody text follows here.", "2022-11-03"),
    ("Headline\nUpdated: 2022-11-04T10:00:00Z\nPosted 2022-11-03 09:00\nBody.", "2022-11-03"),
    ("Headline\nLast updated 5 December 2022\nBody.", "2022-12-05"),
    ("Headline\nThe story began on a long road with no date at all.\nBody.", None),
    ("Headline\nA very long opening line that mentions April 24, 2024 in passing while telling a story.", None),
])
def test_infer_published(text, expected):
    assert infer_published(text) == expected


def _statement(text: str, start: int, end: int, content: tuple[int, int]) -> Statement:
    return Statement(sentence=0, sentence_text=text, start=start, end=end, speaker_text="the envoy",
                     speaker_name=None, speaker_label=None, speaker_mention=None, cue="said",
                     content=text[content[0]:content[1]], quote_type="indirect", stance="assert",
                     content_spans=(content,))


def test_link_and_statement_date(nlp):
    text = "On May 2, the envoy said the train left on April 30 and more will follow in the coming weeks."
    times = list(extract_times(parse_report(nlp, text, "2023-05-03")))
    s0 = text.index("the envoy")
    content = (text.index("the train"), len(text) - 1)
    st = _statement(text, s0, len(text) - 1, content)
    linked = link_to_statements(times, [st])
    assert [t.statement for t in linked] == [0, 0, 0]  # "May 2" sits before the span, in the same sentence
    assert statement_date(st, linked) == "2023-04-30"  # inside the content, most precise, not future
    assert statement_date(_statement(text, 0, 5, (0, 5)), []) is None


# --------------------------------------------------------------------------- seeds (dev gold)
def test_gold_times_on_seeds(nlp, seeds_dir, dev_gold, scorer):
    seeds, (gold, meta), score = seeds_dir, dev_gold, scorer
    missed = []
    for key, items in gold["times"].items():
        name = gold["documents"][key]["file"]
        found = times_of(nlp, (seeds / name).read_text(encoding="utf-8"), meta[name]["published"])
        for g in items:
            if not any(score.norm(t.text) in score.norm(g["anchor"]) and t.value.startswith(str(g["value"]))
                       for t in found):
                missed.append((key, g["anchor"]))
    assert missed == []


def test_ago_without_a_count_is_no_date_and_no_crash(nlp):
    # "years ago" with nothing countable before it crashed the whole report's extraction (E012)
    from newstrace.extract.nlp import parse_report
    from newstrace.extract.times import extract_times

    parsed = parse_report(nlp, "The council, which years ago sold the quay, said on Monday it would buy it back.",
                          "2024-03-06")
    assert all("ago" not in t.text for t in extract_times(parsed))
