"""The learned content chooser: which candidate spans it offers, how it picks, how its trainer ranks."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from newstrace.extract import content_model
from newstrace.extract.content import Tree
from newstrace.extract.content_model import choose_content, span_candidates
from newstrace.extract.nlp import parse_report

ROOT = Path(__file__).resolve().parents[1]


def offered(nlp, text, start, end, cue_word, qtype="indirect", lemma="say"):
    """Candidate texts (pieces joined by " | ") for the content text[start:end] of the cue `cue_word`."""
    parsed = parse_report(nlp, text)
    cue = [t.i for t in parsed.tokens if t.text == cue_word]
    span = (text.index(start), text.index(end) + len(end))
    cands = span_candidates(parsed, Tree(parsed), cue, span, qtype, lemma)
    return parsed, cue, span, cands, [" | ".join(text[a:b] for a, b in spans) for spans, _ in cands]


def test_the_found_span_comes_first_and_the_sentence_end_is_offered(nlp):
    text = "Officials said the pier would reopen in May, and the ferry would return in June."
    _, _, span, cands, texts = offered(nlp, text, "the pier", "in May", "said")
    assert cands[0][0] == [span]
    assert "the pier would reopen in May, and the ferry would return in June" in texts


def test_a_trailing_relative_clause_is_not_put_back(nlp):
    text = "Officials said the pier would reopen in May, which residents welcomed."
    *_, texts = offered(nlp, text, "the pier", "in May", "said")
    assert not any("welcomed" in t for t in texts)


def test_a_dash_led_aside_is_not_put_back(nlp):
    text = "The Baltic Courier said that more ferries are due soon – possibly linked to the new timetable."
    *_, texts = offered(nlp, text, "that more", "due soon", "said")
    assert not any("timetable" in t for t in texts)


def test_the_subject_of_a_raising_cue_is_offered_as_a_first_piece(nlp):
    text = "The new ferry is expected to enter service in April."
    *_, texts = offered(nlp, text, "to enter", "in April", "expected", qtype="passive", lemma="expect")
    assert "The new ferry | to enter service in April" in texts


def test_the_quote_after_the_cue_is_offered_as_a_second_piece(nlp):
    text = "\u201cThe ferry is old,\u201d the captain said on Monday. \u201cIt will be replaced.\u201d"
    *_, texts = offered(nlp, text, "\u201cThe ferry", "old,\u201d", "said", qtype="direct")
    assert "\u201cThe ferry is old,\u201d | \u201cIt will be replaced.\u201d" in texts


def test_a_shorter_constituent_and_a_cut_before_a_later_dependent_are_offered(nlp):
    text = "The mayor gave a speech on Monday addressing the closure of the harbour."
    *_, texts = offered(nlp, text, "a speech", "the harbour", "gave", lemma="give")
    assert "the closure of the harbour" in texts
    assert "a speech on Monday" in texts


@pytest.mark.parametrize("weights, expected", [
    ({"e=sent": 5.0}, "the pier would reopen in May, and the ferry would return in June"),
    ({"e=orig": 5.0, "s=orig": 5.0}, "the pier would reopen in May"),
])
def test_the_chooser_keeps_the_highest_scoring_candidate(nlp, monkeypatch, weights, expected):
    text = "Officials said the pier would reopen in May, and the ferry would return in June."
    parsed, cue, span, _, _ = offered(nlp, text, "the pier", "in May", "said")
    monkeypatch.setattr(content_model, "load_model", lambda: {"weights": weights, "intercept": 0.0})
    (a, b), = choose_content(parsed, Tree(parsed), cue, [span], "indirect", "say")
    assert text[a:b] == expected


def test_without_weights_the_rules_span_stays(nlp, monkeypatch):
    text = "Officials said the pier would reopen in May, and the ferry would return in June."
    parsed, cue, span, _, _ = offered(nlp, text, "the pier", "in May", "said")
    monkeypatch.setattr(content_model, "load_model", lambda: None)
    assert choose_content(parsed, Tree(parsed), cue, [span], "indirect", "say") == [span]


def test_the_listwise_trainer_learns_which_candidate_of_a_span_is_right():
    spec = importlib.util.spec_from_file_location("bench_train_content", ROOT / "benchmarks" / "train_content.py")
    train = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train)
    # the right candidate always carries "good"; "common" sits on every candidate and says nothing
    groups = [(d, [["common", "bad"], ["common", "good"], ["common", "bad", "long"]], [0, 1, 0]) for d in range(20)]
    groups += [(20, [["common", "bad"]], [0])]  # a span with no right candidate is left out of the fit
    weights, _ = train.fit(groups, 0.1)
    assert weights["good"] > weights["bad"]
    assert abs(weights["common"]) < 1e-6
    assert train.accuracy(groups, weights, 0.0) == (20, 0)
