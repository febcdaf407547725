"""Transfer recipients in claim frames: a capital or demonym the institutions table lists stands for its country."""
from __future__ import annotations

import pytest

from newstrace.resolve.claim_frames import country_of, frames_conflict, read_frame
from newstrace.resolve.names import alias_table


def _recipient(text: str) -> str | None:
    return read_frame(text).recipient


def _listed(kind: str) -> list[tuple[str, str]]:
    """(surface name, country) for every capital (GPE) or demonym (NORP) in the institutions table."""
    return sorted({(info.canonical, info.parent) for info in alias_table().values()
                   if info.is_capital and info.type == kind and info.parent})


@pytest.mark.parametrize("a,b", [
    ("the shells were shipped to Moscow by rail", "Pyongyang has been supplying Russia with shells"),
    ("the shells were sent to Russian forces near the front", "the shells were delivered to Russia"),
    ("the shells were sent to the Russian Federation", "Moscow bought shells from Pyongyang"),
    ("crates of shells were shipped into Moscow's depots", "Russia received shells by train"),
    ("the Russians bought shells last month", "the shells were delivered to Moscow"),
])
def test_capital_and_demonym_receive_for_their_country(a, b):
    assert _recipient(a) is not None
    assert _recipient(a) == _recipient(b)
    assert frames_conflict(read_frame(a), read_frame(b)) is None


@pytest.mark.parametrize("capital,country", _listed("GPE"))
def test_every_listed_capital_keys_to_its_country(capital, country):
    assert _recipient(f"rockets were sent to {capital} by sea") == _recipient(f"rockets were sent to {country} by sea")


@pytest.mark.parametrize("demonym,country", _listed("NORP"))
def test_every_listed_demonym_keys_to_its_country(demonym, country):
    assert _recipient(f"rockets were sent to {demonym} forces") == _recipient(f"rockets were sent to {country}")


def test_other_countries_and_capitals_still_conflict():
    moscow = read_frame("the shells were shipped to Moscow")
    assert frames_conflict(moscow, read_frame("the shells were shipped to Kyiv")) == "recipient"
    assert frames_conflict(moscow, read_frame("the shells were shipped to Ukrainian forces")) == "recipient"


def test_countries_sharing_a_first_word_stay_apart():
    # "United States" and "United Kingdom" share a first word; their aliases must not merge them.
    us = read_frame("drones were sold to the US")
    assert _recipient("drones were sold to Washington") == us.recipient
    assert frames_conflict(us, read_frame("drones were sold to Britain")) == "recipient"
    assert frames_conflict(us, read_frame("drones were sold to London")) == "recipient"


def test_names_that_are_not_countries_keep_their_own_key():
    assert _recipient("Borduria shipped shells to the Rebel Militia") == "rebel"
    assert _recipient("rockets were sent to Russia's private group Wagner") == "wagne"
    # an outlet named after a capital is not the country
    assert _recipient("the files were sent to the Washington Post") != _recipient("the files were sent to Washington")


@pytest.mark.parametrize("surfaces,country", [
    (["Moscow"], "Russia"),
    (["Russian Defence Ministry", "Russian"], None),  # an institution listed first decides: not a country
    (["Ukrainians"], "Ukraine"),
    (["DPRK"], "North Korea"),
    (["Syldavia"], None),
])
def test_country_of(surfaces, country):
    assert country_of(surfaces) == country
