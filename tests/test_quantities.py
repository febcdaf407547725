"""Quantities: every form on sentences written for the tests, then the dev gold on the seeds."""
from __future__ import annotations


import pytest

from newstrace.extract.nlp import load_nlp, parse_report
from newstrace.extract.quantities import extract_quantities
from newstrace.extract.links import link_to_statements
from newstrace.model import Quantity, Statement



@pytest.fixture(scope="session")
def nlp():
    return load_nlp()


def quantities_of(nlp, text: str, published: str | None = "2022-11-03") -> list[Quantity]:
    return list(extract_quantities(parse_report(nlp, text, published)))


# sentence, expected text, values, unit, kind, approximate, qualifier, is_range, per
CASES = [
    ("Officials said as many as 1,000 North Korean shipping containers had moved.",
     "as many as 1,000 North Korean shipping containers", (1000,), "shipping containers", "count", True, "as many as", False, None),
    ("Gunners fired about 170 shells at the town.", "about 170 shells", (170,), "shells", "count", True, "about", False, None),
    ("Stocks of 300,000-350,000 artillery pieces were counted.", "300,000-350,000 artillery pieces",
     (300000, 350000), "artillery pieces", "count", False, None, True, None),
    ("Output must rise between two and 10 times to match it.", "between two and 10 times", (2, 10), "times",
     "multiplier", False, None, True, None),
    ("The force grew from 1,000 to some 20,000 men this year.", "from 1,000 to some 20,000 men", (1000, 20000), "men",
     "count", True, "some", True, None),
    ("Both armies use 122mm and 152mm guns.", "122mm and 152mm", (122, 152), "mm", "calibre", False, None, False, None),
    ("Crews loaded 122mm rockets onto the trucks.", "122mm", (122,), "mm", "calibre", False, None, False, None),
    ("Guns sit 30 miles south of the capital.", "30 miles", (30,), "mi", "distance", False, None, False, None),
    ("The two states share a 17-kilometer border.", "17-kilometer", (17,), "km", "distance", False, None, False, None),
    ("The depot lies about 180 miles from the frontier.", "about 180 miles", (180,), "mi", "distance", True, "about", False, None),
    ("The group spends more than $100 million each month on the war.", "more than $100 million each month",
     (100000000,), "USD", "money", True, "more than", False, "month"),
    ("The cargo was said to be worth millions of dollars.", "millions of dollars", (1000000,), "USD", "money", True,
     "millions of", False, None),
    ("Convicts made up 90 percent of the dead.", "90 percent", (90,), "%", "percent", False, None, False, None),
    ("Spending will reach nearly 6% of output.", "nearly 6%", (6,), "%", "percent", True, "nearly", False, None),
    ("Budgets grew 3.9% last year.", "3.9%", (3.9,), "%", "percent", False, None, False, None),
    ("The ships made at least five round trips.", "at least five round trips", (5,), "round trips", "count", True,
     "at least", False, None),
    ("Three Russian cargo vessels sailed north.", "Three Russian cargo vessels", (3,), "cargo vessels", "count", False,
     None, False, None),
    ("The factories turn out approximately 40 long-range missiles a month.", "approximately 40 long-range missiles a month",
     (40,), "long-range missiles", "count", True, "approximately", False, "month"),
    ("Daily consumption of shells in the battle is 10,000 pieces.", "10,000 pieces", (10000,), "pieces", "count",
     False, None, False, "day"),
    ("A $2bn contract was signed.", "$2bn", (2000000000,), "USD", "money", False, None, False, None),
    ("They need 2 to 3 million rounds.", "2 to 3 million rounds", (2000000, 3000000), "rounds", "count", False, None,
     True, None),
    ("Up to 12,000 troops were sent.", "Up to 12,000 troops", (12000,), "troops", "count", True, "up to", False, None),
    ("Guns of 155-millimeter calibre arrived.", "155-millimeter", (155,), "mm", "calibre", False, None, False, None),
    ("Thousands of soldiers crossed the river.", "Thousands of soldiers", (1000,), "soldiers", "count", True,
     "thousands of", False, None),
    ("Trains were seen at least twice at the yard.", "at least twice", (2,), "times", "multiplier", True, "at least",
     False, None),
    ("An estimated 1,000 fighters were killed.", "An estimated 1,000 fighters", (1000,), "fighters", "count", True,
     "an estimated", False, None),
    # an either/or estimate is one figure: a range
    ("The barges carried about 600 crates, or perhaps 900, the harbour master said.", "about 600 crates, or perhaps 900",
     (600, 900), "crates", "count", True, "about", True, None),
    ("Analysts counted 40 lorries or 55 at the depot.", "40 lorries or 55", (40, 55), "lorries", "count", True, None,
     True, None),
]


@pytest.mark.parametrize("sentence,text,values,unit,kind,approximate,qualifier,is_range,per", CASES)
def test_quantity_forms(nlp, sentence, text, values, unit, kind, approximate, qualifier, is_range, per):
    found = {q.text: q for q in quantities_of(nlp, sentence)}
    assert text in found, f"{text!r} not in {list(found)}"
    q = found[text]
    assert q.values == tuple(float(v) for v in values)
    assert (q.unit, q.kind, q.approximate, q.qualifier, q.is_range, q.per) == (unit, kind, approximate, qualifier,
                                                                             is_range, per)
    assert sentence[q.start:q.end] == q.text


def test_separate_counts_stay_separate(nlp):
    found = quantities_of(nlp, "The convoy held 5 tanks and 3 trucks.")
    assert [(q.text, q.values, q.unit) for q in found] == [("5 tanks", (5.0,), "tanks"), ("3 trucks", (3.0,), "trucks")]
    found = quantities_of(nlp, "The convoy held 5 tanks, or 8 trucks by another count.")
    assert [(q.text, q.values) for q in found] == [("5 tanks", (5.0,)), ("8 trucks", (8.0,))]


@pytest.mark.parametrize("sentence", [
    "The war began in 2022 and the first talks were held in 2010.",
    "On December 22, the envoy spoke; on 20 November a train left.",
    "Prigozhin, 61, did not answer.",
    "One of them said one expert disagreed.",
    "Ten months have passed and the fighting has lasted five years.",
    "The 12th brigade and the first battalion withdrew.",
    "The RPG-7 and T-72 remain in service, a report by 38 North said.",
    "The two countries signed a pact.",
    "He became a 61-year-old convict.",
])
def test_not_quantities(nlp, sentence):
    assert quantities_of(nlp, sentence) == []


def test_link_to_statement(nlp):
    text = "The envoy said about 170 shells fell, and 3 trucks burned."
    qs = quantities_of(nlp, text)
    st = Statement(sentence=0, sentence_text=text, start=0, end=text.index(", and"), speaker_text="The envoy",
                   speaker_name=None, speaker_label=None, speaker_mention=None, cue="said",
                   content="about 170 shells fell", quote_type="indirect", stance="assert")
    narrow = Statement(**{**st.__dict__, "start": text.index("3 trucks"), "end": len(text) - 1})
    linked = link_to_statements(qs, [st, narrow])
    assert [(q.text, q.statement) for q in linked] == [("about 170 shells", 0), ("3 trucks", 1)]


# --------------------------------------------------------------------------- seeds (dev gold)
def test_gold_quantities_on_seeds(nlp, seeds_dir, dev_gold, scorer):
    seeds, (gold, meta), score = seeds_dir, dev_gold, scorer
    missed = []
    for key, items in gold["quantities"].items():
        name = gold["documents"][key]["file"]
        found = quantities_of(nlp, (seeds / name).read_text(encoding="utf-8"), meta[name]["published"])
        for g in items:
            a = score.norm(g["anchor"])
            if not any((score.overlap(q.text, g["anchor"]) >= 0.5 or score.norm(q.text) in a or a in score.norm(q.text))
                       and all(any(abs(v - gv) <= 0.01 * max(1.0, abs(gv)) for v in q.values) for gv in g["values"])
                       and q.unit == g["unit"] for q in found):
                missed.append((key, g["anchor"]))
    assert missed == []


def test_a_bare_number_measuring_its_subject_takes_the_subject_as_unit(nlp):
    from newstrace.extract.nlp import parse_report
    from newstrace.extract.quantities import extract_quantities

    parsed = parse_report(nlp, "Officials said the militia now numbers about 8,000, up from last year.", "2024-05-01")
    (q,) = [q for q in extract_quantities(parsed) if 8000.0 in q.values]
    assert q.unit == "militia" and q.approximate


def test_a_time_of_day_is_not_a_count(nlp):
    # live blogs stamp entries "6:01 p.m.": read as counts of "p.m." they made one huge figure block
    from newstrace.extract.nlp import parse_report
    from newstrace.extract.quantities import extract_quantities

    parsed = parse_report(nlp, "6:01 p.m. The board met again at 10:15 a.m. on Friday and said 40 boats had left at 4 pm.")
    assert [(q.text, q.unit) for q in extract_quantities(parsed)] == [("40 boats", "boats")]
