"""PLOVER event types by mechanism (issue 9), on sentences written for this file.

Styles vary on purpose: wire copy, a codebook-like note, a partisan outlet, a monitor's line.
Each case fails when its mechanism is missing:

* withdrawing peacekeepers, inspectors or monitors, and cutting supplies or funding, sanction the
  host or recipient (CAMEO 166/16); announced, it is a threat;
* a promise whose complement is force or coercion is a threat ("is ready to impose a curfew");
* an event in a clause subordinate to the main one ("where", "as", "while") ranks below it;
* a place qualifying the subject of "must" does not hide the demand's target;
* a trigger word inside a capitalised name is no event ("the Relief Committee");
* permission granted ("allowed X to hold", "decided to allow") is a concession.
"""

from __future__ import annotations

import datetime as dt

import pytest

from events.evaluate.match import top_claim
from events.pipeline.doc import Claim, Document
from events.pipeline.runner import run

PUBLISHED = dt.date(2024, 3, 5)


def top(text: str) -> Claim:
    claim = top_claim(run(Document(raw=text, origin="test", given_published=PUBLISHED)))
    assert claim is not None, text
    return claim


@pytest.mark.parametrize(
    ("text", "event_type"),
    [
        ("Ghana pulled out its peacekeepers from the mission in protest on Tuesday.", "SANCTION"),
        ("The donors cut medical supplies to the northern districts last month.", "SANCTION"),
        ("The ministry said it had suspended all funding to the commission.", "SANCTION"),
        # announced: a threat
        (
            "The bloc said it will withdraw its election observers unless the vote is delayed.",
            "THREATEN",
        ),
    ],
)
def test_withdrawing_monitors_or_cutting_supplies_is_a_sanction(text: str, event_type: str) -> None:
    assert top(text).event_type == event_type


@pytest.mark.parametrize(
    ("text", "event_type"),
    [
        ("The junta said it is ready to impose a curfew on the capital.", "THREATEN"),
        ("The rebels pledged to attack the army units around the town.", "THREATEN"),
        # a promise of cooperation stays a promise
        ("The government is ready to release the detained students.", "AGREE"),
    ],
)
def test_a_promise_of_force_is_a_threat(text: str, event_type: str) -> None:
    assert top(text).event_type == event_type


@pytest.mark.parametrize(
    ("text", "event_type"),
    [
        (
            "The governor lifted the curfew in Jos, where dozens of people died in ethnic riots "
            "last year.",
            "CONCEDE",
        ),
        (
            "Serbia eased the emergency measures in the province while police in the north "
            "cracked down on nationalists.",
            "CONCEDE",
        ),
    ],
)
def test_a_subordinate_clause_does_not_outrank_the_main_event(text: str, event_type: str) -> None:
    assert top(text).event_type == event_type


def test_a_place_after_the_subject_of_must_keeps_the_demand() -> None:
    claim = top("The envoy said that the militias in Tripoli must leave the city by Friday.")
    assert claim.event_type == "REQUEST"
    assert any("militias" in a.text for a in claim.actors("target"))


@pytest.mark.parametrize(
    ("text", "event_type"),
    [
        # "Relief" in a name is no aid; the demand is the event
        (
            "Maria Lopez, the Regional Relief Coordinator, demanded that the army stop "
            "blocking the convoys.",
            "REQUEST",
        ),
        # "Cessation of Hostilities" names an accord, it reports no fighting
        (
            "After signing the Declaration on Cessation of Hostilities, the government and the "
            "rebels agreed to exchange prisoners.",
            "AGREE",
        ),
    ],
)
def test_a_trigger_inside_a_name_is_no_event(text: str, event_type: str) -> None:
    assert top(text).event_type == event_type


@pytest.mark.parametrize(
    "text",
    [
        "The electoral court decided to allow the exiled candidate to stand in the election.",
        "The interior minister allowed the opposition to hold its rally in the main square.",
    ],
)
def test_permission_granted_is_a_concession(text: str) -> None:
    assert top(text).event_type == "CONCEDE"


@pytest.mark.parametrize(
    "text",
    [
        "Thousands of nurses took to the streets of Kampala on Monday to press for back pay.",
        "Hundreds of traders took to the streets after the market was closed.",
    ],
)
def test_taking_to_the_streets_is_a_protest(text: str) -> None:
    assert top(text).event_type == "PROTEST"
