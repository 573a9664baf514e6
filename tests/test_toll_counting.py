"""Tolls counted the way a reader counts them (issue 9), on texts written for these tests.

Each case is a mechanism, in several reporting styles (wire copy, codebook note, partisan
outlet, monitor): death euphemisms and means of killing, the body of a person, people counted
with modifiers such as "17-year-old" or "displaced", appositions that are not more people,
"N of them" right after a death verb, and a day of a month that is no count.
"""

from __future__ import annotations

import pytest

from events.pipeline.tolls import fatalities


def best(text: str) -> int | None:
    fig = fatalities(text)
    return fig.best if fig is not None else None


@pytest.mark.parametrize(
    ("text", "toll"),
    [
        # partisan and military euphemisms (seeds/toll_words.tsv kind "death")
        ("Our heroic forces eliminated 18 mercenaries east of the river, the command said.", 18),
        ("Troops neutralized four armed bandits during a clearance operation in Zamfara.", 4),
        ("Two intruders were neutralised near the fence overnight, the border force said.", 2),
        ("The enemy drones bombed a market, martyring nine worshippers leaving the mosque.", 9),
        ("Eleven mercenaries were sent to hell when our fighters ambushed their convoy.", 11),
        # a means of killing
        ("Militants beheaded three loggers in the forest near Mocimboa, villagers said.", 3),
        ("A mob lynched two suspected cattle thieves in the market on Friday.", 2),
    ],
)
def test_death_words_beyond_kill_and_die(text: str, toll: int) -> None:
    assert best(text) == toll


@pytest.mark.parametrize(
    ("text", "toll"),
    [
        ("The body of a fisherman was recovered from the lake with stab wounds.", 1),
        ("Police found the bodies of four herders in a ravine outside the town.", 4),
        # a governing body is not a body
        ("The regional body said that two people were wounded in the blast.", None),
    ],
)
def test_a_body_found_is_a_death(text: str, toll: int | None) -> None:
    assert best(text) == toll


@pytest.mark.parametrize(
    ("text", "toll"),
    [
        ("Soldiers shot dead a 15-year-old girl at a roadblock in the capital.", 1),
        ("Gunmen killed a tailor and two shopkeepers in the old market.", 3),
        ("A drone strike killed six displaced villagers sheltering in a school.", 6),
        ("The monitor recorded that 14 displaced people were killed on 9 March in the camp.", 14),
        ("Raiders killed a merchant and a shepherd on the road to Kadugli.", 2),
    ],
)
def test_people_are_counted_through_their_modifiers(text: str, toll: int) -> None:
    assert best(text) == toll


@pytest.mark.parametrize(
    ("text", "toll"),
    [
        # an apposition names the same person again
        ("The rights group documented the murder of a man, a local teacher, in Tumaco.", 1),
        # a speaker after the figure is no victim
        ("Bandits killed 11 passengers, an official said on Monday.", 11),
        # but a list closed by "and" is more people
        ("A man, a woman and their son were killed when the shell hit the house.", 3),
    ],
)
def test_an_apposition_is_not_another_person(text: str, toll: int) -> None:
    assert best(text) == toll


@pytest.mark.parametrize(
    ("text", "toll"),
    [
        ("Fighters stormed the outpost, killing 9 of them and seizing two trucks.", 9),
        # after a total, "seven of them children" stays a part
        ("Twelve people died, seven of them children, the hospital said.", 12),
    ],
)
def test_of_them_after_a_death_verb_is_the_toll(text: str, toll: int) -> None:
    assert best(text) == toll
