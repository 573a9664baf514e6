"""An attack on people named only by a civilian noun is violence against civilians (issue 9).

"Gunmen shot dead a village chief" names no target actor, yet the noun says whom the force
struck (seeds/toll_words.tsv kind civilian). Texts written for this file: wire copy, a partisan
outlet's wording, a monitor's line, a codebook-style note.
"""

from __future__ import annotations

import datetime as dt

import pytest

from events.evaluate.match import top_claim
from events.evaluate.reading import acled_event_type
from events.pipeline.doc import Document
from events.pipeline.runner import run

PUBLISHED = dt.date(2024, 5, 2)


def acled_type(text: str) -> str | None:
    return acled_event_type(
        top_claim(run(Document(raw=text, origin="test", given_published=PUBLISHED)))
    )


@pytest.mark.parametrize(
    "text",
    [
        "Unknown gunmen shot dead a schoolteacher and a tailor in Kunduz on Monday, police said.",
        "The occupation militias murdered three peasants near their fields, the union denounced.",
        "The commission documented the killing of two vaccinators by armed men in Peshawar.",
        "On 2 April 2024, a community elder was shot dead at his home in Cauca department.",
        "Bandits gunned down a herder on the road outside Kaura Namoda on Friday.",
    ],
)
def test_victims_named_by_a_civilian_noun_make_violence_against_civilians(text: str) -> None:
    assert acled_type(text) == "Violence against civilians"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # armed targets stay a battle, remote weapons stay remote violence
        ("Militants shot dead two soldiers at a checkpoint near Bannu.", "Battles"),
        (
            "Artillery shells killed a farmer and his son in the village, officials said.",
            "Explosions/Remote violence",
        ),
    ],
)
def test_armed_targets_and_remote_weapons_keep_their_type(text: str, expected: str) -> None:
    assert acled_type(text) == expected
