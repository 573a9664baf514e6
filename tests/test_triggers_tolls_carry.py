"""Issue 9: triggers for reports that gave no claim, and tolls carried to the attack they follow.

Every sentence here was written for this file (invented events at real places), one or more per
report style of the dev set: codebook notes, wire, monitor (SOHR-style) and partisan wording.
"""

from __future__ import annotations

import datetime as dt

import pytest

from events.evaluate.match import top_claim
from events.pipeline.doc import Claim, Document
from events.pipeline.runner import run
from events.pipeline.triggers import find_triggers

PUBLISHED = dt.date(2023, 6, 14)


def extract(text: str) -> Document:
    """Run the whole pipeline on ``text``."""
    return run(Document(raw=text, origin="test", given_published=PUBLISHED))


def top(text: str) -> Claim:
    claim = top_claim(extract(text))
    assert claim is not None, text
    return claim


@pytest.mark.parametrize(
    ("sentence", "event_type", "mode"),
    [
        ("Soldiers eliminated 14 insurgents near the border.", "ASSAULT", ""),
        ("Commandos neutralized two gunmen at the checkpoint.", "ASSAULT", ""),
        ("Border troops neutralised an armed intruder.", "ASSAULT", ""),
        ("Occupation forces martyred a young farmer near the village.", "ASSAULT", ""),
        ("Two smugglers died in a gunfight with the coast guard.", "ASSAULT", "firearms"),
        ("The rebels launched three missiles at the port.", "ASSAULT", "heavy-weapons"),
        ("The militia fired two rockets towards the airfield.", "ASSAULT", "heavy-weapons"),
        ("A drone targeted a pickup truck on the highway.", "ASSAULT", "drone"),
        ("The soldiers burned dozens of houses in the hamlet.", "ASSAULT", "destroy"),
        ("The vigilantes set up checkpoints on the main road.", "MOBILIZE", "troops"),
    ],
)
def test_new_trigger_types(sentence: str, event_type: str, mode: str) -> None:
    found = [t.trigger for t in find_triggers(sentence)]
    assert (event_type, mode) in {(t.event_type, t.mode) for t in found}, found


@pytest.mark.parametrize(
    "sentence",
    [
        "The minister said the plan would eliminate delays at the port.",
        "The tyres were burned in a scrapyard fire, the fire service said.",
        "The team was targeted by online critics.",
    ],
)
def test_new_triggers_stay_out_of_ordinary_wording(sentence: str) -> None:
    assert not any(
        t.trigger.event_type == "ASSAULT" and t.trigger.mode in {"destroy", "drone"}
        for t in find_triggers(sentence)
    ), sentence


@pytest.mark.parametrize(
    ("text", "acled"),
    [
        # partisan
        (
            "Heroic units of the army eliminated 12 terrorists of the so-called Ansar group "
            "in the countryside of Hama on Tuesday, a military source said.",
            "ASSAULT",
        ),
        # monitor
        (
            "According to the observatory, a Turkish drone targeted a motorbike near Kobani on "
            "Monday. No casualties were reported.",
            "ASSAULT",
        ),
        # wire
        (
            "Five people died in a gunfight between two families in the Pakistani district of "
            "Kohat on Saturday, police said.",
            "ASSAULT",
        ),
        # note
        (
            "On 4 June 2023, a local vigilante group set up checkpoints on the Sokoto-Gusau road.",
            "MOBILIZE",
        ),
    ],
)
def test_reports_that_had_no_claim_now_have_one(text: str, acled: str) -> None:
    assert top(text).event_type == acled


@pytest.mark.parametrize(
    ("text", "best"),
    [
        # note: the toll sentence has no event of its own
        (
            "On 2 June 2023, gunmen attacked the village of Kadisau, Katsina state. "
            "Twelve people died.",
            12,
        ),
        # wire: "were killed" gives a weaker claim without a source
        (
            "Suspected jihadists stormed a cattle market in Djibo on Sunday. "
            "At least 9 civilians were killed, a local official said.",
            9,
        ),
        # monitor: the toll two sentences after the attack
        (
            "Regime forces shelled the town of Ariha on Monday, the observatory said. "
            "The shelling lasted for two hours. "
            "Seven people, including two children, were killed.",
            7,
        ),
        # partisan
        (
            "Terrorist militias attacked a checkpoint of our forces in Marib on Tuesday. "
            "Four heroes were martyred in the cowardly attack.",
            4,
        ),
    ],
)
def test_toll_carried_to_the_attack(text: str, best: int) -> None:
    doc = extract(text)
    first = min(
        (c for c in doc.claims if c.event_type == "ASSAULT"), key=lambda c: c.sentence_index
    )
    figure = (first.fatalities_low, first.fatalities_best)
    assert best in figure, [(c.trigger, c.fatalities_low, c.fatalities_best) for c in doc.claims]


def test_toll_not_added_to_a_stated_figure() -> None:
    doc = extract(
        "Militants attacked an army base in Gao on Monday, killing three soldiers. "
        "Five more died in hospital on Tuesday."
    )
    figures = sorted(c.fatalities_best for c in doc.claims if c.fatalities_best is not None)
    assert figures == [3], [(c.trigger, c.fatalities_best) for c in doc.claims]


def test_toll_not_carried_beyond_two_sentences() -> None:
    doc = extract(
        "Gunmen attacked a bus near Bunia on Friday. "
        "The bus was travelling to Komanda. "
        "The road had been closed for a week. "
        "Eleven people died."
    )
    first = min(doc.claims, key=lambda c: c.sentence_index)
    assert first.fatalities_best is None and first.fatalities_low is None


def test_toll_with_its_own_attack_stays_there() -> None:
    doc = extract(
        "Gunmen attacked a bus near Bunia on Friday. "
        "In a separate incident, militiamen killed six farmers near Djugu."
    )
    first = min(doc.claims, key=lambda c: c.sentence_index)
    assert first.fatalities_best is None and first.fatalities_low is None


def test_toll_not_carried_to_another_place() -> None:
    doc = extract(
        "Gunmen attacked a village near Maiduguri on Friday. "
        "Eleven people died in Lagos on Saturday."
    )
    first = min(doc.claims, key=lambda c: c.sentence_index)
    assert first.fatalities_best is None and first.fatalities_low is None


def test_toll_carried_within_the_attacks_state() -> None:
    doc = extract(
        "On 2 June 2023, bandits attacked the village of Kadisau in Katsina state. "
        "Nine people died in Katsina state, a police spokesman said."
    )
    first = min(doc.claims, key=lambda c: c.sentence_index)
    assert first.fatalities_best == 9, [(c.trigger, c.place) for c in doc.claims]
