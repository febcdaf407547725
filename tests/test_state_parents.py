"""Organs of a state (ministries, armed forces, state media) take their country as parent, so
their statements count as that government's; companies named after a country never do."""
from __future__ import annotations

import pytest

from newstrace.model import LedgerDocument, LedgerEntity, LedgerStatement, Mention
from newstrace.resolve.entities import EntityResolver, ResolvedEntity
from newstrace.resolve.names import state_body_country
from newstrace.resolve.origins import statement_origin


def m(name: str, label: str, sentence: int, role: str | None = None) -> Mention:
    return Mention(name, name, label, 0, len(name), sentence, role=role)


def entity_with(r: EntityResolver, name: str) -> ResolvedEntity:
    hits = [e for e in r.entities() if name in e.aliases]
    assert len(hits) == 1, (name, hits)
    return hits[0]


def parent_name(r: EntityResolver, name: str) -> str | None:
    e = entity_with(r, name)
    if e.parent is None:
        return None
    parent = r.entity(e.parent)
    assert parent is not None
    return parent.name


@pytest.mark.parametrize("name,country", [
    # a nationality word or country name before the head
    ("Uzbek Interior Ministry", "Uzbekistan"),
    ("the Latvian Foreign Ministry", "Latvia"),
    ("Kazakhstan's defence ministry", "Kazakhstan"),
    ("Kazakhstan\u2019s defence ministry", "Kazakhstan"),
    ("Mongolian border guards", "Mongolia"),
    ("North Korean state media", "North Korea"),  # institutions-table nationality word
    ("the Azerbaijani state-run television", "Azerbaijan"),
    ("Armenian police", "Armenia"),
    ("the British Army", "United Kingdom"),  # gazetteer word mapped to the table's canonical name
    ("Dutch coast guard", "The Netherlands"),
    ("Georgian Embassy in Kyiv", "Georgia"),  # the capital says where, not whose
    # the country behind 'of' after the head
    ("Ministry of Internal Affairs of Kyrgyzstan", "Kyrgyzstan"),
    ("the Vesna state news agency of Lithuania", "Lithuania"),
    ("Embassy of Finland in Tallinn", "Finland"),
    ("Ministry of Defence of the Republic of Moldova", "Moldova"),
    # not an organ of a state
    ("Tajik cotton company", None),
    ("Uzbek Railways", None),
    ("Korean Air", None),
    ("Mongolian state shipping line", None),
    ("Russian government-owned shipping company", None),
    ("pro-Russian army units", None),
    ("the Free Syrian Army", None),
    ("Kazakh opposition government", None),
    ("Foreign Ministry", None),  # whose ministry is not said
    ("Embassy in Ashgabat", None),
    ("Mexico City police", None),  # a country word inside a city name
    ("New Mexico State Police", None),
    ("Uzbek-Tajik border guards", None),  # two countries before the head
])
def test_state_body_country_of_a_name(name: str, country: str | None) -> None:
    assert state_body_country(name) == country


def test_a_role_that_studies_a_state_body_is_not_the_state() -> None:
    assert state_body_country("Lithuanian Defence Ministry spokeswoman", role=True) == "Lithuania"
    assert state_body_country("Lithuanian military analyst", role=True) is None
    assert state_body_country("Lithuanian military analyst") == "Lithuania"  # as an organisation name


def test_ministries_of_an_unlisted_country_take_the_country_as_parent() -> None:
    r = EntityResolver()
    r.add_report("d1", [m("Uzbek Interior Ministry", "ORG", 0), m("Uzbekistan", "GPE", 1)])
    r.add_report("d2", [m("Ministry of Foreign Affairs of Uzbekistan", "ORG", 0),
                        m("Uzbekistan's state television", "MEDIA", 1)])
    country = entity_with(r, "Uzbekistan")
    for name in ("Uzbek Interior Ministry", "Ministry of Foreign Affairs of Uzbekistan", "Uzbekistan's state television"):
        assert entity_with(r, name).parent == country.key, name
    assert country.parent is None


def test_a_country_never_mentioned_is_created_as_a_place() -> None:
    r = EntityResolver()
    r.add_report("d1", [m("Latvian state television", "ORG", 0)])
    parent = r.entity(entity_with(r, "Latvian state television").parent or "")
    assert parent is not None and parent.name == "Latvia" and parent.type == "GPE" and parent.mentions == 0
    # the country, mentioned later, is that same entity
    r.add_report("d2", [m("Latvia", "GPE", 0)])
    assert entity_with(r, "Latvian state television").parent == entity_with(r, "Latvia").key


def test_companies_named_after_a_country_have_no_parent() -> None:
    r = EntityResolver()
    r.add_report("d1", [m("Tajik cotton company", "ORG", 0), m("Uzbek Railways", "ORG", 1),
                        m("Korean Air", "ORG", 2), m("Tajikistan", "GPE", 3)])
    for name in ("Tajik cotton company", "Uzbek Railways", "Korean Air"):
        assert entity_with(r, name).parent is None, name


def test_the_institutions_table_still_decides_first() -> None:
    r = EntityResolver()
    r.add_report("d1", [m("Russian Defence Ministry", "ORG", 0)])
    assert parent_name(r, "Russian Defence Ministry") == "Russia"
    r.add_report("d2", [m("Kremlin", "ORG", 0), m("North Korean state media", "ORG", 1)])
    assert parent_name(r, "Kremlin") == "Russia"
    assert parent_name(r, "North Korean state media") == "North Korea"


def test_a_country_is_never_its_own_parent() -> None:
    r = EntityResolver()
    r.add_report("d1", [m("Russian government", "ORG", 0), m("Russia", "GPE", 1)])
    assert entity_with(r, "Russian government").parent is None


def test_a_spokesman_of_a_state_body_speaks_for_the_state() -> None:
    r = EntityResolver()
    r.add_report("d1", [m("Dilnoza Karimova", "PERSON", 0, role="Uzbek Foreign Ministry spokeswoman"),
                        m("Foreign Ministry", "ORG", 1)])
    # the bare 'Foreign Ministry' says no country: the role's country wins over it
    assert parent_name(r, "Dilnoza Karimova") == "Uzbekistan"
    assert entity_with(r, "Foreign Ministry").parent is None
    r.add_report("d2", [m("Vera Sokolova", "PERSON", 0, role="Russian Foreign Ministry spokeswoman")])
    assert parent_name(r, "Vera Sokolova") == "Russian Foreign Ministry"  # the table's institution, under Russia
    r.add_report("d3", [m("Ilya Orlov", "PERSON", 0, role="Russian military analyst")])
    assert entity_with(r, "Ilya Orlov").parent is None


def test_statements_of_two_bodies_of_one_state_share_one_origin() -> None:
    r = EntityResolver()
    r.add_report("d1", [m("Uzbek Interior Ministry", "ORG", 0)])
    r.add_report("d2", [m("the Nur state news agency of Uzbekistan", "MEDIA", 0), m("Tashkent Cotton Company", "ORG", 1)])
    ents = {e.key: LedgerEntity(e.key, e.name, e.type, e.aliases, parent=e.parent) for e in r.entities()}
    doc = LedgerDocument("d1", "x", None, "Wire", None, "none", "")

    def origin(name: str) -> str:
        st = LedgerStatement("s", "d1", "", 0, entity_with(r, name).key, name, "said", "assert", "", 0, 0, "indirect")
        return statement_origin(st, ents, doc)

    country = r.lookup("Uzbekistan")
    assert origin("Uzbek Interior Ministry") == origin("the Nur state news agency of Uzbekistan") == country
    assert origin("Tashkent Cotton Company") == entity_with(r, "Tashkent Cotton Company").key
