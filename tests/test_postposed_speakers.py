"""Post-posed speakers (issue 9): "..., the Observatory said" is the Observatory's claim, not
that of an actor named in the reported clause before the comma.

Sentences written for this file in monitor, partisan and wire styles.
"""

from __future__ import annotations

import datetime as dt

import pytest

from events.evaluate.match import top_claim
from events.pipeline.doc import Document
from events.pipeline.runner import run

PUBLISHED = dt.date(2024, 6, 10)


def claimant(text: str) -> str:
    claim = top_claim(run(Document(raw=text, origin="test", given_published=PUBLISHED)))
    assert claim is not None, text
    return (claim.attribution.claimant_text or "").lower()


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "Turkish drones struck a vehicle near Qamishli on Friday, killing two members of the "
            "SDF, the Monitor said.",
            "monitor",
        ),
        (
            "Soldiers fired on a wedding party in Kayes, killing four guests of the rebels, "
            "the Platform said.",
            "platform",
        ),
    ],
)
def test_a_speaker_after_a_comma_is_not_an_actor_of_the_clause(text: str, speaker: str) -> None:
    assert speaker in claimant(text)
