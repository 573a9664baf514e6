"""A toll stated after the attack it belongs to (issue 9): the dead are no source of an event of
their own, and "the attack" / "the clashes" name the attack already told.

Texts written for this file, in the styles of the reading dev set (codebook note, wire,
monitor, partisan outlet).
"""

from __future__ import annotations

import datetime as dt

import pytest

from events.evaluate.match import top_claim
from events.pipeline.doc import Document
from events.pipeline.runner import run

PUBLISHED = dt.date(2023, 9, 20)


def top_toll(text: str) -> int | None:
    claim = top_claim(run(Document(raw=text, origin="test", given_published=PUBLISHED)))
    assert claim is not None, text
    return claim.fatalities_best


@pytest.mark.parametrize(
    ("text", "toll"),
    [
        # the counted dead are the only "source" of the toll sentence
        (
            "On 14 September 2023, vigilantes fought with bandits near Tsafe, Zamfara. "
            "Five militia members died in the fighting.",
            5,
        ),
        (
            "Observers said that government troops clashed with rebels near Kidal on 2 September. "
            "Three soldiers were killed and six wounded.",
            3,
        ),
        # a definite noun names the attack told before
        (
            "Jihadist fighters attacked a gendarmerie post in Seytenga on Sunday. "
            "Gendarmes repulsed the assault; four gendarmes were killed, the ministry said.",
            4,
        ),
        (
            "Insurgents raided an army outpost near Marib at dawn. "
            "Troops repelled the raid; eight soldiers were killed, the army spokesman said.",
            8,
        ),
        # the riot a crowd's clash became takes the toll of the clashes
        (
            "Traders protesting new market taxes in Kumasi clashed with police on Monday, "
            "burning tyres and throwing stones. Two people died in the clashes, officials said.",
            2,
        ),
    ],
)
def test_a_toll_after_the_attack_goes_to_that_attack(text: str, toll: int) -> None:
    assert top_toll(text) == toll


def test_an_attack_with_another_doer_keeps_its_own_toll() -> None:
    # A second attack by another named actor is another event: its figure is not carried.
    text = (
        "Militants attacked a police station in Bannu on Tuesday. "
        "In a separate incident, a roadside bomb planted by unknown men killed two traders in Lakki."
    )
    doc = run(Document(raw=text, origin="test", given_published=PUBLISHED))
    first = next(c for c in doc.claims if c.sentence_index == doc.claims[0].sentence_index)
    assert first.fatalities_best is None
