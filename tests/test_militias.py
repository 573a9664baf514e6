"""Militias as ACLED codes them: gunmen and vigilantes are political militias (inter 3), clan,
ethnic and communal militias identity militias (inter 4), neither of them rebels (inter 2).

Texts are our own, in the styles of codebook notes, wire reports and monitors, from several
continents.
"""

from __future__ import annotations

import datetime as dt

import pytest

from events.evaluate.match import principal_actors
from events.evaluate.reading import acled_event_type, inter_class
from events.pipeline.doc import Claim, Document
from events.pipeline.runner import run


def main_claim(text: str) -> Claim:
    doc = Document(raw=text, given_published=dt.date(2024, 5, 6))
    run(doc)
    assert doc.claims
    return max(doc.claims, key=lambda c: (c.confidence, -c.sentence_index, -c.trigger_start))


def actor1_class(text: str) -> str:
    claim = main_claim(text)
    country = claim.place.country if claim.place else None
    return inter_class(principal_actors(claim)[0], acled_event_type(claim), country)


@pytest.mark.parametrize(
    "text",
    [
        "On 2 February 2024, gunmen killed four traders on the road outside Zaria, Kaduna state.",
        "Unknown gunmen shot dead a municipal councillor in Acapulco, Guerrero, on Monday, "
        "prosecutors said.",
        "On 9 April 2023, militiamen looted shops and abducted two women in Bangassou, "
        "Mbomou prefecture.",
        "Vigilantes beat a suspected thief to death in a market in Kampala on Sunday, police said.",
    ],
)
def test_gunmen_militiamen_and_vigilantes_are_political_militias(text: str) -> None:
    assert actor1_class(text) == "political_militia"


@pytest.mark.parametrize(
    "text",
    [
        "On 7 June 2022, a clan militia attacked a rival settlement near Beledweyne, Hiraan, "
        "killing six people.",
        "Dozo hunters killed three herders near Djenne, Mopti region, on 14 March 2021.",
        "Armed herders attacked farmers near Bokkos, Plateau state, on Saturday, killing 11, "
        "a local leader said.",
        "The monitor recorded an attack by an ethnic militia on a camp for displaced people "
        "in Ituri on 2 May; 19 civilians were killed.",
    ],
)
def test_clan_ethnic_and_communal_militias_are_identity_militias(text: str) -> None:
    assert actor1_class(text) == "identity_militia"


def test_rebels_stay_rebels() -> None:
    text = "On 3 March 2024, insurgents attacked an army post near Mocimboa da Praia."
    assert actor1_class(text) == "rebel"
