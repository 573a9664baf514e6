"""Casualty figures: who is counted, what is not a toll, and how a report's figures combine.

Sentences are written for these tests, one per reporting style: wire copy ("Gunmen killed ..."),
headlines without articles ("Officer killed, 4 troops hurt"), codebook notes (UCDP/ACLED-style
summaries), monitors (SOHR/VDC-style daily tolls) and partisan statements ("we lost ...").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import invoke, scalar

from events.pipeline.doc import Document
from events.pipeline.runner import run
from events.pipeline.tolls import fatalities, toll_words


def best(sentence: str) -> int | None:
    fig = fatalities(sentence)
    return None if fig is None else fig.best


def bounds(sentence: str) -> tuple[int | None, int | None, int | None] | None:
    fig = fatalities(sentence)
    return None if fig is None else (fig.low, fig.best, fig.high)


# --- counting people -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "toll"),
    [
        ("A man and a woman were killed when gunmen stormed the market in Kismayo.", 2),  # wire
        ("A man was shot dead by unidentified assailants near the checkpoint.", 1),  # note
        ("The bodies of three men were found on the outskirts of Culiacan.", 3),  # wire
        ("We lost seven soldiers in the cowardly ambush, the army spokesman said.", 7),  # partisan
        ("The militia killed 69 people and razed a village in Djugu.", 69),  # note
        ("Two children and their mother died when a shell struck their home.", 3),  # monitor
        ("A policeman and two civilians were killed in the blast.", 3),  # wire
        ("An elderly farmer, his wife and their two sons were hacked to death.", 4),  # note
        ("Husband, wife and baby killed by government forces in a raid", 3),  # headline
        ("Officer killed, 4 troops hurt in latest clash with bandits", 1),  # headline
        ("Troops killed the commander of the armed group.", 1),  # note
        ("Gunmen shot dead eleven worshippers at a mosque on Friday.", 11),  # wire
    ],
)
def test_people_are_counted_from_person_nouns(sentence: str, toll: int) -> None:
    assert best(sentence) == toll


def test_a_lone_the_or_bare_noun_is_a_speaker_or_killer_not_a_count() -> None:
    assert best("The commander said rebels killed villagers in the night.") is None
    assert best("Afghan War Casualty Report: March 2021") is None
    assert best("The strike left civilian casualties in the town.") is None


# --- parts, injuries, perpetrators, things ---------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "toll"),
    [
        ("Militants killed 12 people, including a senior commander, in the raid.", 12),
        ("The airstrike killed 20 people, including seven children, the monitor said.", 20),
        ("18 Taliban militants, including an important commander, were killed.", 18),
        ("Seven of them children, 30 people died in the shelling.", 30),
    ],
)
def test_including_names_a_part_not_the_total(sentence: str, toll: int) -> None:
    assert best(sentence) == toll


def test_a_part_alone_is_only_a_low_bound() -> None:
    assert bounds("Civilians were killed in the strike, including seven children.") == (
        7,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("sentence", "toll"),
    [
        ("Two people were injured in the blast, police said.", None),
        ("Rebels raided the village, killing one and wounding five.", 1),
        ("The bombing killed 10 people and injured 20 others.", 10),
        ("One civilian killed, 11 wounded in shelling near Donetsk", 1),  # headline
        ("19 insurgents killed, 55 detained in overnight raids", 19),  # headline
        ("Taliban attack buses, kill 9, abduct 35", 9),  # headline
    ],
)
def test_the_injured_and_abducted_are_not_dead(sentence: str, toll: int | None) -> None:
    assert best(sentence) == toll


@pytest.mark.parametrize(
    ("sentence", "toll"),
    [
        ("A farmer was shot dead by two armed men on his land.", 1),
        ("Two gunmen killed a farmer near Jos.", 1),
        ("Five soldiers were killed by three suicide bombers.", 5),
        ("3 killed, 3 kidnapped by Philippine militants", 3),
    ],
)
def test_perpetrators_are_not_victims(sentence: str, toll: int) -> None:
    assert best(sentence) == toll


@pytest.mark.parametrize(
    ("sentence", "toll"),
    [
        ("Fighting lasted two days and killed 4 soldiers.", 4),
        ("Three vehicles were destroyed and two soldiers were killed.", 2),
        ("Militants besieged the town in two weeks, killing five soldiers.", 5),
        ("On 3 May, gunmen killed eleven worshippers in Kaduna.", 11),
        ("15 Taliban killed in 24 hours: ministry", 15),
        ("A Maoist rebel carrying a reward of Rs 4 lakh was killed in an encounter.", 1),
        ("AFP 5/9/2001 Two soldiers killed in bomb explosion in Algeria", 2),
        ("Reuters6/20/1989 SIX POLICEMEN, TWO CHILDREN KILLED IN REBEL STRIKE.", 8),
        ("A 12-year-old boy was killed by a stray bullet.", 1),
    ],
)
def test_durations_dates_sums_and_things_are_not_counts(sentence: str, toll: int) -> None:
    assert best(sentence) == toll


# --- conventions and number words ------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # 'at least N' sets only the low bound (seeds/numbers.tsv; ACLED's export takes the
        # best figure, else the low one, so it codes N).
        ("At least 12 people were killed in the attack.", (12, None, None)),
        ("Twenty-three soldiers were killed.", (23, 23, 23)),
        ("Forty-Six Insurgents Killed in four Districts of Kandahar", (46, 46, 46)),
        ("Two hundred and fifty people were killed.", (250, 250, 250)),
        ("A hundred people died in the fighting.", (100, 100, 100)),
        ("A dozen civilians were killed.", (12, 12, 12)),
        ("Airstrikes kill two dozen rebels in Marib", (24, 24, 24)),
        ("Scores of people were killed.", (20, 20, 99)),
        ("Dozens died in the clashes.", (12, 12, 99)),
        ("The attack killed 1,250 people.", (1250, 1250, 1250)),
        ("At least two soldiers and a civilian were killed.", (3, None, None)),
    ],
)
def test_number_words_and_vague_quantities(
    sentence: str, expected: tuple[int | None, int | None, int | None]
) -> None:
    assert bounds(sentence) == expected


def test_numbers_joined_by_and_stay_separate_figures() -> None:
    # "and" joins number words only after a scale ("hundred and fifty").
    assert best("Clashes killed one and wounded two.") == 1


def test_toll_words_seed_has_every_kind() -> None:
    words = toll_words()
    assert words.person.search("policeman") and "policemen" in words.plural
    assert words.outcome.search("wounded") and words.unit.search("days")


# --- the pipeline: figures on claims, one toll per report ------------------------------------


def coded(text: str) -> Document:
    doc = Document(raw=text, origin="test:tolls")
    run(doc)
    return doc


def assault_tolls(doc: Document) -> list[int | None]:
    return [
        c.fatalities_best
        for c in doc.claims
        if c.event_type == "ASSAULT" and c.fatalities_low is not None
    ]


def test_a_total_repeated_in_a_quote_is_one_figure_per_claim() -> None:
    doc = coded(
        "Gunmen attacked a village near Maiduguri on Monday, killing 12 people.\n\n"
        '"Twelve people were killed in the attack," a police spokesman said.'
    )
    tolls = assault_tolls(doc)
    assert tolls and set(tolls) == {12}, tolls


def test_a_repeated_toll_is_stored_once_not_summed(runner, sqlite_db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    article = tmp_path / "report.txt"
    article.write_text(
        "Boko Haram fighters attacked Konduga in Borno state on 3 May 2021, killing 12 "
        "civilians.\n\n"
        '"Twelve civilians were killed by Boko Haram in Konduga," a police spokesman said.\n'
    )
    result = invoke(runner, "--db", sqlite_db, "ingest", str(article), "--published", "2021-05-04")
    assert result.exit_code == 0, result.output
    assert scalar(sqlite_db, "select max(fatalities_best) from claims") == 12
    assert scalar(sqlite_db, "select max(fatalities_best) from events") == 12
