"""The learned pronoun model (extract/pronoun_model.py): its encoding, its choices in clear cases,
lazy loading, and the feature resolver it falls back to when no weights are shipped."""
from __future__ import annotations

import subprocess
import sys

import pytest

from newstrace.extract import pronoun_model as pm


def spans_of(text: str, *names: str) -> list[tuple[int, int]]:
    out = []
    for name in names:
        start = text.find(name)
        while start >= 0:
            out.append((start, start + len(name)))
            start = text.find(name, start + 1)
    return out


def pronoun_span(text: str, word: str, nth: int = 0) -> tuple[int, int]:
    import re

    m = list(re.finditer(r"\b" + word + r"\b", text))[nth]
    return m.start(), m.end()


@pytest.fixture(scope="module")
def tokenizer():
    from newstrace.extract.tagger import load_tokenizer

    return load_tokenizer()


@pytest.fixture(scope="module")
def model():
    found = pm.load_pronoun_model()
    if found is None:
        pytest.skip("no pronoun model shipped")
    return found


def test_encoding_marks_the_pronoun_and_every_candidate_mention(tokenizer):
    text = "Ilse Marten chaired the board. Marten said she would stay."
    later = text.index("Marten said")
    pair = pm.encode_pair(tokenizer, text, pronoun_span(text, "she"), [(0, 11), (later, later + 6)])
    pieces = tokenizer.convert_ids_to_tokens(pair.ids)
    assert pieces[0] == "[CLS]" and pieces[-1] == "[SEP]"
    assert pieces[pair.pronoun_at:pair.pronoun_at + 3] == [pm.PRONOUN_MARKS[0], "she", pm.PRONOUN_MARKS[1]]
    assert len(pair.candidate_at) == 2 and all(pieces[c] == pm.CANDIDATE_MARKS[0] for c in pair.candidate_at)


def test_a_long_text_is_cut_around_the_pronoun_but_keeps_the_candidate_in_view(tokenizer):
    filler = "The river rose slowly over the old stone wall of the town. " * 30
    text = "Petra Voss ran the ferry. " + filler + "Later she sold it."
    pair = pm.encode_pair(tokenizer, text, pronoun_span(text, "she"), spans_of(text, "Petra Voss"), max_pieces=64)
    assert len(pair.ids) == 64
    assert pair.candidate_at == ()  # too far back for 64 pieces: out of view, scored 0
    near = filler[:200] + "Petra Voss ran the ferry. " + filler[:150] + "Later she sold it. " + filler
    pair = pm.encode_pair(tokenizer, near, pronoun_span(near, "she"), spans_of(near, "Petra Voss"), max_pieces=64)
    assert len(pair.ids) == 64 and len(pair.candidate_at) == 1


def test_name_spans_finds_the_surname_but_not_a_shared_one():
    text = "Bill Orcutt met Hanna Orcutt and Lise Brandt. Brandt said she agreed."
    spans = pm.name_spans(text, "Lise Brandt", (text.index("Lise"), text.index("Lise") + 11), ["Hanna Orcutt"])
    assert [text[a:b] for a, b in spans] == ["Lise Brandt", "Brandt"]
    spans = pm.name_spans(text, "Bill Orcutt", (0, 11), ["Hanna Orcutt"])
    assert [text[a:b] for a, b in spans] == ["Bill Orcutt"]  # "Orcutt" alone could be either


CLEAR = [
    # (text, pronoun, nth, right candidate, wrong candidate)
    ("Marta Olsen met Daniel Frey at the harbour on Monday. She said the cranes would be repaired.",
     "She", 0, "Marta Olsen", "Daniel Frey"),
    ("Daniel Frey met Marta Olsen at the harbour on Monday. He said the cranes would be repaired.",
     "He", 0, "Daniel Frey", "Marta Olsen"),
    ("The mayor, Greta Lund, thanked Viktor Sand for the report, and she praised his work on the budget.",
     "his", 0, "Viktor Sand", "Greta Lund"),
    ("Aldo Bruni was born in Turin in 1950. After studying law, he joined a firm run by Clara Neri.",
     "he", 0, "Aldo Bruni", "Clara Neri"),
]


@pytest.mark.parametrize("text,word,nth,right,wrong", CLEAR)
def test_the_model_prefers_the_right_candidate_in_clear_cases(model, text, word, nth, right, wrong):
    right_score, wrong_score = model.score(text, pronoun_span(text, word, nth), [spans_of(text, right), spans_of(text, wrong)])
    assert right_score > wrong_score
    pick, _scores = model.choose(text, pronoun_span(text, word, nth), [spans_of(text, wrong), spans_of(text, right)])
    assert pick == 1


def test_a_candidate_out_of_view_scores_zero_and_no_candidates_choose_none(model):
    text = "Nobody was there. She left."
    assert model.score(text, pronoun_span(text, "She"), [[]]) == [0.0]
    assert model.choose(text, pronoun_span(text, "She"), []) == (None, [])


def test_importing_the_resolvers_loads_no_model_library():
    code = ("import sys, newstrace.extract.pronoun_model as pm, newstrace.extract.coref, newstrace.extract.speakers; "
            "assert 'torch' not in sys.modules and 'transformers' not in sys.modules, 'torch imported'; "
            "assert pm.load_pronoun_model.cache_info().currsize == 0; print('ok')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]


def test_missing_weights_give_no_model(tmp_path):
    assert pm.load_pronoun_model(str(tmp_path)) is None
    assert not pm.weights_present(str(tmp_path))


class StubModel:
    """Stands in for the learned model: picks the candidate at `pick` (None: none reaches the threshold)."""

    def __init__(self, pick):
        self.pick = pick
        self.asked = []

    def choose(self, text, pronoun, candidates):
        self.asked.append((text[pronoun[0]:pronoun[1]], [[text[a:b] for a, b in c] for c in candidates]))
        return self.pick, [0.5] * len(candidates)


TWO_WOMEN = "Maria Lindqvist met Eva Berg in Klaipeda on Monday. Berg toured the port. Later she spoke to reporters."


def resolve_she(nlp, model):
    from newstrace.extract.coref import People
    from newstrace.extract.entities import extract_mentions
    from newstrace.extract.nlp import parse_report

    parsed = parse_report(nlp, TWO_WOMEN)
    people = People(parsed, extract_mentions(parsed))
    token = next(t.i for t in parsed.tokens if t.text == "she")
    return people.resolve(token, threshold=0.0, model=model)


def test_the_resolver_falls_back_to_the_features_without_weights(nlp, tmp_path):
    missing = pm.load_pronoun_model(str(tmp_path))  # no weights: None, and People.resolve uses its features
    by_features = resolve_she(nlp, None)
    fallback = resolve_she(nlp, missing)
    assert by_features is not None and fallback is not None
    assert fallback[0].key == by_features[0].key and fallback[1] == by_features[1]


def test_the_resolver_asks_the_model_once_with_every_candidate_and_follows_it(nlp):
    stub = StubModel(pick=0)
    ent, _k, _s = resolve_she(nlp, stub)
    assert len(stub.asked) == 1
    pronoun, cands = stub.asked[0]
    assert pronoun == "she" and sorted(c[0] for c in cands) == ["Eva Berg", "Maria Lindqvist"]
    assert ent.name == cands[0][0]
    assert resolve_she(nlp, StubModel(pick=None)) is None  # under the threshold: no one, not a guess
