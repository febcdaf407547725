"""Stance of statements: deny, hedge, assert, from cue lemma and content wording."""
from __future__ import annotations

import pytest

from newstrace.extract.stance import classify_stance


@pytest.mark.parametrize("lemma,content,stance,hedge", [
    ("deny", "that it sold shells", "deny", None),
    ("reject", "the accusation", "deny", None),
    ("say", "the story was an absurd fabrication", "deny", None),
    ("say", "the claims are baseless", "deny", None),
    ("say", "the ship did not carry arms", "deny", None),  # a negated fact denies
    ("say", "the cargo may have been weapons", "hedge", "may"),
    ("say", "the ship was probably heading north", "hedge", "probably"),
    ("estimate", "that stocks are low", "hedge", "estimate"),
    ("suggest", "that the shipment left in May", "hedge", "suggest"),
    ("report", "that the ship left in May", "assert", None),
])
def test_classify_stance(lemma, content, stance, hedge):
    got, hedges = classify_stance(lemma, content)
    assert got == stance
    if hedge:
        assert hedge in hedges
    else:
        assert hedges == ()


def test_negated_denial_is_not_a_denial():
    assert classify_stance("deny", "the report", "did not deny")[0] == "hedge"
    assert classify_stance("deny", "the report", "neither confirmed nor denied")[0] == "hedge"


@pytest.mark.parametrize("lemma,content", [
    ("rebuff", "claims that the match had been fixed"),  # more rejecting cues
    ("repudiate", "the remarks of its former envoy"),
    ("say", "there was no truth in reports that the dam had cracked"),  # rejecting wording anywhere
    ("say", "the mill had nothing to do with the spill"),
    ("say", "the trawler company had no links to the smugglers"),
    ("say", "the opposition had made the accusation without providing any evidence"),
    ("say", "the ferry operator repeated the charge without a shred of proof"),
    ("say", "the reports were fake and meant to frighten investors"),  # a rejecting predicate of a claim
    ("say", "the photographs circulating online were doctored"),
    ("say", "the leaked memo was a forgery"),
    ("say", "the story was propaganda"),
    ("describe", "the newspaper's account as a malicious invention"),
    ("call", "the allegations ridiculous"),  # after a labelling cue: object + complement
    ("call", "such information fake"),
    ("label", "it a provocation"),
    ("say", "the convoy did not cross the river"),  # a negated fact
    ("say", "no grain was loaded at the terminal"),
    ("say", "nobody from the mine had been arrested"),
    ("say", "the mayor had never met the developer"),
    ("say", "there were no tanks in the valley"),
    ("say", "the pilots didn't fly over the lake"),
    ("say", "the rocket could not have come from its launchers"),
    ("say", "the referee was not paid by the club and the match was fair"),
    ("say", "the driver was not carrying a licence"),  # "is not" + a participle, a place, a truth word
    ("say", "the minister was not in the building at the time"),
    ("say", "the signatures were not genuine"),
    ("say", "the tweets spreading the story about the harbour master's yacht are lies"),
])
def test_denials(lemma, content):
    assert classify_stance(lemma, content) == ("deny", ())


@pytest.mark.parametrize("lemma,content", [
    ("say", "the regional envoy had denied any role in the raid"),  # someone else's denial, reported
    ("say", "the court had rejected the appeal"),
    ("say", "the ministry had said the reports were false"),
    ("say", "the smugglers used fake passports and false papers"),  # a rejecting word of a thing
    ("call", "the shelling a provocation"),  # a thing, not a claim
    ("say", "the government would not raise the sales tax"),  # a plan, a promise, a duty
    ("say", "the club will never sell its stadium"),
    ("say", "nobody should be above the law"),
    ("say", "the canal would not reopen until the wreck was removed"),
    ("say", "the driver, who had not slept for a day, lost control"),  # a subordinate clause
    ("say", "workers who did not return by Friday would be fined"),
    ("say", "the harbour would close if the storm did not ease"),
    ("say", "the reform was not only about money"),  # idioms
    ("say", "the bakery no longer sold bread on Sundays"),
    ("say", "there was no doubt the striker was onside"),
    ("say", "no fewer than 40 boats took part"),
    ("say", "the result was nothing short of a miracle"),
    ("say", "the town had no choice but to borrow"),
    ("urge", "residents not to drink tap water"),
    ("accuse", "the insurer of not paying claims"),  # an accusation with a negation stays one
    ("admit", "the firm had not inspected the crane"),
    ("say", "rescuers could not reach the flooded villages"),  # could not: neither hedge nor fact denied
    ("say", "the village lies ten kilometres from the front"),  # "lies" as a verb
    ("say", "wages fell and the talks broke down"),  # negative meaning, no negation
    ("say", "I don't want to speak for the board"),  # a verb of attitude, not a fact
    ("say", "nobody wants another lockdown"),
    ("say", "the ferry line had no plans to raise fares"),
    ("say", "this just isn't fair"),  # "is not" + an opinion
    ("say", "the budget is not a wish list"),
    ("say", "the museum is not the crowd-pleasing spectacle its critics describe"),
    ("say", "Isn't it time the council acted?"),  # a question
    ("say", "Do not believe the rumours about the mill"),  # an imperative
    ("say", "Don't get distracted by the polls"),
    ("mock", "the mayor for not paying the fine"),  # a gerund, no clause
    ("say", "Neither do I."),
    ("say", "The port was busy. The cranes did not stop all night."),  # only the first sentence counts
])
def test_assertions_with_negative_words(lemma, content):
    assert classify_stance(lemma, content) == ("assert", ())


@pytest.mark.parametrize("content,hedge", [
    ("it was unclear whether the ferry had sunk", "unclear"),
    ("it was not clear whether the strike would spread", "not clear"),
    ("the reports of looting were unconfirmed", "unconfirmed"),
    ("unverified footage showed smoke over the port", "unverified"),
    ("he could not confirm that the minister had resigned", "not confirm"),
    ("they were unable to verify the toll", "unable to verify"),
    ("the figures could not be independently verified", "not be independently verified"),
    ("the bank could not rule out more losses", "not rule out"),
    ("the coach might not be fit for the derby", "might"),  # uncertainty wins over negation
    ("the singer was said to be recovering", "said to be"),
    ("the inspectors could not be sure the seals were intact", "not be sure"),
    ("we do not know whether the ferry will sail", "not know whether"),
    ("maybe the vote will be held in May", "maybe"),
])
def test_hedges(content, hedge):
    stance, hedges = classify_stance("say", content)
    assert stance == "hedge"
    assert hedge in hedges


def test_modal_in_a_relative_clause_does_not_hedge():
    assert classify_stance("say", "passengers who could not fly would get vouchers") == ("assert", ())
    assert classify_stance("say", "staff who may have been exposed will be tested") == ("assert", ())
    # the relative clause has ended: the modal is the main clause's
    assert classify_stance("say", "those who forge permits may try again")[0] == "hedge"


def test_precedence():
    # a rejecting cue beats uncertainty in its content; rejecting wording beats uncertainty
    assert classify_stance("reject", "suggestions that the vote could be delayed")[0] == "deny"
    assert classify_stance("say", "the claims, which may have come from abroad, were baseless")[0] == "deny"
    # uncertainty beats a negated fact; a hedging cue keeps its hedge
    assert classify_stance("say", "the ship may not have carried arms")[0] == "hedge"
    assert classify_stance("believe", "the ship did not carry arms")[0] == "hedge"


def test_statement_stance_on_parse(nlp):
    from newstrace.extract.entities import extract_mentions
    from newstrace.extract.nlp import parse_report
    from newstrace.extract.statements import extract_statements

    parsed = parse_report(nlp, "Analysts estimate that the plant could reopen in June. "
                               "The operator dismissed the reports as groundless.")
    stmts = extract_statements(parsed, extract_mentions(parsed))
    by_cue = {s.cue: s for s in stmts}
    assert by_cue["estimate"].stance == "hedge"
    assert "could" in by_cue["estimate"].hedges
    assert by_cue["dismissed"].stance == "deny"


@pytest.mark.parametrize("lemma, cue_text, content", [
    ("know", "does not know", "whether the tanker carried fuel for the rebels"),
    ("know", "don\u2019t know", "if the mill ever shipped steel to the coast"),
    ("say", "would not say", "whether the envoy had met the rebel leaders"),
    ("tell", "cannot tell", "how many drones were delivered in the spring"),
])
def test_a_negated_cue_before_an_embedded_question_hedges(lemma, cue_text, content):
    stance, hedges = classify_stance(lemma, content, cue_text)
    assert stance == "hedge" and hedges == (cue_text.lower(),)
    # the same cue, not negated, before a plain clause still asserts
    assert classify_stance(lemma, "the tanker carried fuel for the rebels", lemma)[0] == "assert"
