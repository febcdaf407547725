"""Claim clustering across reports: same proposition joins, different shipments stay apart, denials join."""
from __future__ import annotations

import pytest

from newstrace.model import Statement
from newstrace.resolve.claims import ClaimClusterer, ClaimItem, is_claim_worthy, trim
from newstrace.resolve.summaries import normalise


@pytest.fixture(scope="session")
def encoder():
    from newstrace.resolve.embeddings import default_encoder

    enc = default_encoder()
    enc(["warm up"])
    return enc


def st(content: str, stance: str = "assert", date: str | None = None, sentence: str | None = None) -> Statement:
    sent = sentence or f"Officials said {content}."
    return Statement(sentence=0, sentence_text=sent, start=0, end=len(sent), speaker_text="officials",
                     speaker_name=None, speaker_label=None, speaker_mention=None, cue="said", content=content,
                     quote_type="indirect", stance=stance, date=date)


def item(sid: str, doc: str, published: str, statement: Statement, entities=(), speaker=None,
         speaker_chain=(), entity_chains=()) -> ClaimItem:
    return ClaimItem(sid, doc, statement, published, speaker, tuple(entities), speaker_chain=tuple(speaker_chain),
                     entity_chains=tuple(entity_chains))


# entity keys: e1 Borduria (country), e2 Ruritania, e3 the rebels, e4 Syldavia, e5 Ruritanian ministry
SHIP = "Borduria delivered a first consignment of rockets and mortar shells to the rebel militia in March"
REPORTS = [
    [item("a1", "A", "2024-04-02", st(SHIP, date="2024-03"), ["e1", "e3"], "e5", ["e5", "e2"], ["e1", "e3"]),
     item("a2", "A", "2024-04-02", st("It was shameful"), [], "e5", ["e5", "e2"])],
    [item("b1", "B", "2024-04-03", st("the rebel militia received rockets and mortar rounds from Borduria last month",
                                      date="2024-03"), ["e3", "e1"], "e5", ["e5", "e2"], ["e3", "e1"]),
     item("b2", "B", "2024-04-03", st("the allegations", stance="deny",
                                      sentence="Borduria denied the allegations from Ruritania, calling them baseless."),
          ["e1", "e2"], "e1", ["e1"], ["e1", "e2"])],
    [item("c1", "C", "2025-09-10", st("Syldavia delivered a consignment of grain and fertiliser to farmers in Carpania in August",
                                      date="2025-08"), ["e4"], None)],
]


def run(reports, encoder, one_by_one=True):
    cc = ClaimClusterer(encoder)
    if one_by_one:
        for r in reports:
            cc.add_report(r)
    else:
        cc.add_report([it for r in reports for it in r])
    return cc


def test_same_proposition_joins_and_denial_joins_its_claim(encoder):
    cc = run(REPORTS, encoder)
    assert cc.claim_of("a1") is not None
    assert cc.claim_of("a1") == cc.claim_of("b1") == cc.claim_of("b2")
    claim = next(c for c in cc.claims() if c.id == cc.claim_of("a1"))
    stances = dict(zip(claim.statements, claim.stances))
    assert stances == {"a1": "support", "b1": "support", "b2": "deny"}
    assert claim.first_reported == "2024-04-02"
    assert claim.event_date == "2024-03"
    # the summary is an assertive member's content as a sentence (both name a date), never the denial's
    assert claim.summary in {normalise(REPORTS[0][0].statement.content), normalise(REPORTS[1][0].statement.content)}


def test_similar_wording_about_another_shipment_stays_apart(encoder):
    cc = run(REPORTS, encoder)
    assert cc.claim_of("c1") is not None and cc.claim_of("c1") != cc.claim_of("a1")


def test_conflicting_dates_and_entities_keep_claims_apart(encoder):
    other = [item("d1", "D", "2024-11-20", st("Borduria delivered a first consignment of tanks to the navy of Syldavia in October",
                                              date="2024-10"), ["e1", "e4"], None)]
    cc = run(REPORTS + [other], encoder)
    assert cc.claim_of("d1") != cc.claim_of("a1")


def test_opinion_quote_is_not_a_claim(encoder):
    cc = run(REPORTS, encoder)
    assert cc.claim_of("a2") is None
    assert not is_claim_worthy(st("It was shameful"))
    assert is_claim_worthy(st("the rumours", stance="deny"))


def test_incremental_equals_batch(encoder):
    a = run(REPORTS, encoder, one_by_one=True)
    b = run(REPORTS, encoder, one_by_one=False)
    part = lambda cc: {frozenset(c.statements) for c in cc.claims()}  # noqa: E731
    assert part(a) == part(b)
    # adding a report again changes nothing
    a.add_report(REPORTS[0])
    assert part(a) == part(b)


def test_trim_cuts_at_a_word():
    text = "word " * 100
    out = trim(text, 50)
    assert len(out) <= 51 and out.endswith("\u2026") and "  " not in out


# ---------------------------------------------------------------- frames and round-2 behaviour
from newstrace.resolve.claim_frames import frames_conflict, read_frame  # noqa: E402

FRAMES = [
    ("Borduria shipped mortar shells to the Rebel Militia by rail", "transfer", "rebel", {"shells"}, {"rail"}, False),
    ("the Carpanian navy bought rockets from Borduria", "transfer", "carpa", {"rockets"}, set(), False),
    ("Borduria is secretly supplying Syldavia's army with artillery rounds", "transfer", "sylda", {"shells"}, set(), False),
    ("further deliveries of missiles are due in the coming weeks", "transfer", None, {"rockets"}, set(), True),
    ("the militia is running short of ammunition", "shortage", None, {"shells"}, set(), False),
]


@pytest.mark.parametrize("text,kind,recipient,objects,modes,future", FRAMES)
def test_read_frame(text, kind, recipient, objects, modes, future):
    f = read_frame(text)
    assert kind in f.kinds
    assert f.recipient == recipient
    assert set(f.objects) == objects and set(f.modes) == modes and f.future is future


def test_frames_conflict_on_recipient_and_tense():
    a = read_frame("Borduria sent rockets to the Rebel Militia")
    assert frames_conflict(a, read_frame("Borduria sent rockets to Syldavia")) == "recipient"
    assert frames_conflict(a, read_frame("more shipments of rockets will follow, planning to send them")) == "tense"
    assert frames_conflict(a, read_frame("the militia is running short of shells")) == "kind"
    assert frames_conflict(a, read_frame("the rebels received rockets from Borduria")) is None


SPOKES = ["e5", "e2"]  # the Ruritanian ministry spokesman's chain
ALLEGATION = [
    "Borduria has delivered a first batch of rockets and missiles to the Rebel Militia",
    "the Rebel Militia received rockets and missiles from Borduria in its first delivery",
    "Borduria handed the Rebel Militia an initial consignment of rockets and missiles",
    "an initial shipment of Bordurian rockets and missiles was delivered to the Rebel Militia",
    "Borduria supplied the Rebel Militia with a first load of rockets and missiles",
]


def relay(n: int, published: str = "2024-04-0{}") -> list[list[ClaimItem]]:
    return [[item(f"r{i}", f"R{i}", published.format(i + 2), st(text), ["e1", "e3"], "e6", ["e6", "e5", "e2"],
                  ["e1", "e3"])] for i, text in enumerate(ALLEGATION[:n])]


def test_five_outlets_relaying_one_allegation_join_one_claim(encoder):
    cc = run(relay(5), encoder)
    assert len({cc.claim_of(f"r{i}") for i in range(5)} - {None}) == 1


def test_same_words_other_recipient_or_future_stays_apart(encoder):
    other = [[item("x1", "X", "2024-04-08", st("Borduria has delivered a first batch of rockets and missiles to Syldavia"),
                   ["e1", "e4"], "e6", ["e6", "e5", "e2"], ["e1", "e4"]),
              item("x2", "X", "2024-04-08", st("further deliveries of rockets and missiles to the Rebel Militia are planned"),
                   ["e1", "e3"], "e6", ["e6", "e5", "e2"], ["e1", "e3"])]]
    cc = run(relay(3) + other, encoder)
    main = cc.claim_of("r0")
    assert cc.claim_of("x1") not in {None, main}
    assert cc.claim_of("x2") not in {None, main, cc.claim_of("x1")}


def test_denial_arriving_first_is_adopted_by_the_claim_it_denies(encoder):
    denial = [[item("n1", "N", "2024-04-01", st("that it was supplying the Rebel Militia with rockets", stance="deny",
                                                sentence="Borduria denied that it was supplying the Rebel Militia with rockets."),
                    ["e1", "e3"], "e1", ["e1"], ["e1", "e3"])]]
    cc = run(denial + relay(3), encoder)
    assert cc.claim_of("n1") is not None
    assert cc.claim_of("n1") == cc.claim_of("r0") == cc.claim_of("r2")
    claim = next(c for c in cc.claims() if c.id == cc.claim_of("r0"))
    assert dict(zip(claim.statements, claim.stances))["n1"] == "deny"


def test_report_a_year_later_is_another_event(encoder):
    late = [[item("y1", "Y", "2025-06-01", st(ALLEGATION[0]), ["e1", "e3"], "e6", ["e6", "e5", "e2"], ["e1", "e3"])]]
    cc = run(relay(2) + late, encoder)
    assert cc.claim_of("y1") != cc.claim_of("r0")


def test_a_busy_kind_or_entity_block_is_read_only_to_its_most_recent_claims():
    """Regression guard for N^2 growth: a statement scores a bounded number of claims however many
    claims share its frame kind and entities (the kind and entity blocks are read by recency)."""
    import numpy as np

    from newstrace.resolve.claims import ClaimSettings

    rng = np.random.default_rng(0)

    def orthogonal(texts):  # every text far from every other: only the blocks propose candidates
        v = rng.normal(size=(len(texts), 384)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    cc = ClaimClusterer(orthogonal, ClaimSettings(block_limit=10))
    scored: list[int] = []
    real = cc._vetoed

    def counting(it, frame, c):
        scored[-1] += 1
        return real(it, frame, c)

    cc._vetoed = counting  # type: ignore[method-assign]
    for i in range(60):
        scored.append(0)
        text = f"the navy shipped {i + 3} crates of rifles and shells to the port of Town{i} by sea"
        cc.add_report([item(f"s{i}", f"d{i}", "2024-05-01", st(text), ["e1"], None)])
    assert len(cc.claims()) == 60
    assert max(scored) <= 10 + cc.settings.neighbours
    assert scored[-1] >= 10  # the block still proposes its most recent claims


def test_same_speaker_in_the_same_report_does_not_pull_in_an_unrelated_remark(encoder):
    """Speaker and report bonuses only add to similar content: a remark close to one member of a
    claim (a neighbour) but far from the claim as a whole stays apart."""
    ship = st("Borduria delivered artillery shells and rockets to the rebel militia last month")
    handed = st("the rockets and shells from Borduria were handed to the militia commander at the palace")
    remark = st("their commander seems more interested in flattering the palace than in anything else")
    cc = run([[item("a1", "A", "2024-04-02", ship, ["e1", "e3"], "e5", ["e5", "e2"]),
               item("a2", "A", "2024-04-02", handed, ["e1", "e3"], "e5", ["e5", "e2"]),
               item("a3", "A", "2024-04-02", remark, ["e3"], "e5", ["e5", "e2"])]], encoder)
    assert cc.claim_of("a1") == cc.claim_of("a2")
    assert cc.claim_of("a3") != cc.claim_of("a1")


def test_a_tie_between_claims_goes_to_the_older_one_on_every_run(monkeypatch):
    import numpy as np

    def same_vector(texts):  # every text the same unit vector: every claim scores alike
        out = np.zeros((len(texts), 384), dtype=np.float32)
        out[:, 0] = 1.0
        return out

    cc = ClaimClusterer(same_vector)
    words = "Borduria delivered rockets to the rebel militia"
    # two claims kept apart by their event dates (a date conflict vetoes joining)
    cc.add_report([item("x1", "X", "2024-04-02", st(words, date="2024-03-01"), ["e1"])])
    cc.add_report([item("y1", "Y", "2024-05-20", st(words, date="2024-05-18"), ["e1"])])
    first, second = cc.claim_of("x1"), cc.claim_of("y1")
    assert first != second
    # a set of candidate ids iterates in an order that depends on the run's hash seed
    monkeypatch.setattr(cc, "_candidates", lambda *a: {second, first})
    monkeypatch.setattr(cc, "_vetoed", lambda *a: False)
    cc.add_report([item("z1", "Z", "2024-05-21", st(words), ["e1"])])
    assert cc.claim_of("z1") == first
