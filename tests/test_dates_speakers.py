"""Issue 9, dates and speakers: the mechanisms that date a claim and name who makes it.

Every text here was written for this file (invented incidents; real place and organisation names
only so that the dictionaries resolve them), in four styles: codebook notes (ACLED-like "On 3 May
2020, ..."), wire copy ("..., a police officer told AFP"), monitor reports ("..., said the Syrian
Observatory for Human Rights") and partisan outlets ("the militants said they killed ..."). Each
case runs the whole pipeline (clean ... events) and checks one mechanism.
"""

from __future__ import annotations

import datetime as dt

import pytest

from events.pipeline.anchor import anchor
from events.pipeline.dates import date_mentions, find_candidates
from events.pipeline.doc import Claim, Document, Sentence
from events.pipeline.load import Overrides, load_bytes
from events.pipeline.runner import run

PUBLISHED = dt.date(2020, 5, 7)  # a Thursday
D = dt.date


def extract(text: str, published: dt.date | None = PUBLISHED) -> Document:
    """Run the whole pipeline on ``text``."""
    doc = load_bytes(
        text.encode(), origin="test", fmt="text", overrides=Overrides(published=published)
    )
    return run(doc)


def claim(doc: Document, trigger: str) -> Claim:
    found = [c for c in doc.claims if c.trigger.lower().startswith(trigger)]
    assert found, [(c.event_type, c.trigger) for c in doc.claims]
    return found[0]


def span(c: Claim) -> tuple[dt.date | None, dt.date | None, str | None]:
    d = c.date
    return (d.date_start, d.date_end, d.precision) if d else (None, None, None)


def claimant(c: Claim) -> str | None:
    a = c.attribution
    return a.claimant.name if a.claimant is not None else a.claimant_text


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------


def test_note_opening_date_carries_to_following_sentences() -> None:
    doc = extract(
        "On 3 May 2020, militants attacked a checkpoint near Gao. Troops arrested five men in Gao."
    )
    assert span(claim(doc, "arrested")) == (D(2020, 5, 3), D(2020, 5, 3), "day")


def test_note_sentence_naming_another_date_keeps_its_own() -> None:
    doc = extract(
        "On 3 May 2020, militants attacked a checkpoint near Gao. "
        "The next morning gunmen killed two soldiers in Gao."
    )
    assert span(claim(doc, "attacked"))[0] == D(2020, 5, 3)
    assert span(claim(doc, "killed")) == (D(2020, 5, 4), D(2020, 5, 4), "day")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("As reported on 2 May, gunmen killed three civilians in Gao.", (D(2020, 5, 2),) * 2),
        # "around": an approximation, the week holding the day
        ("Around 5 May (as reported), gunmen killed three civilians in Gao.",
         (D(2020, 5, 4), D(2020, 5, 10))),
        ("Between 2 and 4 May, gunmen killed three civilians in Gao.",
         (D(2020, 5, 2), D(2020, 5, 4))),
    ],
)  # fmt: skip
def test_note_report_dates_and_intervals(text: str, expected: tuple[dt.date, dt.date]) -> None:
    assert span(claim(extract(text), "killed"))[:2] == expected


def test_wire_last_sunday_is_the_sunday_before_publication() -> None:
    text = "Gunmen killed three civilians in Gao last Sunday, police said."
    assert span(claim(extract(text), "killed"))[0] == D(2020, 5, 3)
    # published on a Monday: the day before is that Sunday; on a Sunday, the week before
    assert span(claim(extract(text, D(2020, 5, 4)), "killed"))[0] == D(2020, 5, 3)
    assert span(claim(extract(text, D(2020, 5, 3)), "killed"))[0] == D(2020, 4, 26)


def test_wire_two_days_after_the_strike_counts_from_the_strike() -> None:
    doc = extract(
        "Gunmen attacked a base in Gao on Monday. "
        "Two days after the strike, troops killed five militants near the town."
    )
    assert span(claim(doc, "killed"))[0] == D(2020, 5, 6)


def test_monitor_in_the_past_week_ends_at_publication() -> None:
    doc = extract("Gunmen killed 40 civilians in Gao in the past week, a monitor said.")
    assert span(claim(doc, "killed")) == (D(2020, 4, 30), D(2020, 5, 7), "week")


def test_monitor_over_the_last_three_days_is_the_exact_span() -> None:
    doc = extract("Airstrikes killed 12 people in Idlib over the last three days.")
    assert span(claim(doc, "airstrikes")) == (D(2020, 5, 4), D(2020, 5, 7), "day")


def test_bare_month_day_is_this_year_and_past_unless_future() -> None:
    published = D(2020, 10, 20)
    past = extract("Gunmen attacked a base in Gao on October 18.", published)
    assert span(claim(past, "attacked"))[0] == D(2020, 10, 18)
    future = extract("The army will attack the rebels in Gao on October 18.", published)
    assert span(claim(future, "attack"))[0] == D(2021, 10, 18)


@pytest.mark.parametrize(
    "text",
    [
        "Nearly 2000 labourers fled Gao after gunmen attacked the town.",
        "Some 2000 workers and 1500 refugees left the camp.",
    ],
)
def test_partisan_numbers_are_not_years(text: str) -> None:
    assert [c.text for c in find_candidates(text)] == []


def test_caption_year_does_not_anchor_the_body() -> None:
    sentences = [
        Sentence(index=0, section="caption", start=0, end=40,
                 text="Troops near Gao in March 2019. (AFP)"),
        Sentence(index=1, section="body", start=0, end=40,
                 text="In April, gunmen attacked the town."),
    ]  # fmt: skip
    found = date_mentions(sentences, None, mode="narrative")
    april = [d for d in found if d.text.startswith("In April") or d.text == "April"]
    assert april and not april[0].resolved


def test_caption_date_does_not_become_the_inferred_publication_date() -> None:
    caption = "Soldiers patrol in Gao, 12 March 2019 (AFP)"
    doc = Document(body=f"{caption}\n\nGunmen attacked a base in Gao, the army said on 5 May 2020.")
    doc.caption_spans = [(0, len(caption))]
    anchor(doc)
    assert doc.published == D(2020, 5, 5) and doc.published_inferred


def test_metadata_line_is_not_part_of_the_first_sentence() -> None:
    doc = extract("date 2020-02-20\nGunmen attacked a base in Gao on Monday.", published=None)
    assert doc.published == D(2020, 2, 20)
    assert not doc.body.startswith("date")
    assert span(claim(doc, "attacked"))[0] == D(2020, 2, 17)


# ---------------------------------------------------------------------------------------------
# Speakers
# ---------------------------------------------------------------------------------------------


def test_wire_person_keeps_name_over_appositive_institution() -> None:
    doc = extract(
        "Captain Ahmed Idow, a military officer, said militants attacked a base in Gao. "
        "He said two soldiers were killed."
    )
    assert claimant(claim(doc, "attacked")) == "Ahmed Idow"
    assert claimant(claim(doc, "killed")) == "Ahmed Idow"


def test_wire_he_said_after_a_quote_is_the_quoted_person() -> None:
    doc = extract(
        '"We killed them all," said Colonel Ali Musa. He said the army attacked the rebels in Gao.'
    )
    assert claimant(claim(doc, "attacked")) == "Ali Musa"


def test_monitor_post_posed_speaker() -> None:
    doc = extract(
        "Militants attacked a base in Gao on Monday, killing two soldiers, "
        "said the Syrian Observatory for Human Rights."
    )
    assert claimant(claim(doc, "attacked")) == "Syrian Observatory for Human Rights"


@pytest.mark.parametrize("outlet", ["AFP", "Reuters"])
def test_wire_told_an_outlet_sets_the_relay(outlet: str) -> None:
    doc = extract(f"A police officer told {outlet} that gunmen killed three civilians in Gao.")
    att = claim(doc, "killed").attribution
    assert att.relayed_by is not None and att.relayed_by.sector == "MED"
    assert att.claimant is not None and att.claimant.sector == "COP"


def test_partisan_coordinated_said_keeps_the_subject() -> None:
    doc = extract(
        "Turkish President Recep Tayyip Erdogan condemned the attack and said Azerbaijan "
        "would retake its land."
    )
    assert claimant(claim(doc, "retake")) == "Recep Tayyip Erdogan"


def test_partisan_group_boast_is_the_group_claim() -> None:
    doc = extract("The militants said they killed 14 soldiers in an attack on a base in Gao.")
    c = claim(doc, "killed")
    assert c.attribution.claimant is not None
    assert c.attribution.claimant.sector == "REB"


def test_failed_attempt_to_reach_is_not_an_event() -> None:
    assert extract("An attempt to reach the army spokesman failed.").claims == []


def test_told_by_telephone_is_not_a_consult() -> None:
    doc = extract("An army spokesman told Reuters by telephone that militants attacked a base.")
    assert [c.event_type for c in doc.claims] == ["ASSAULT"]


def test_wire_a_day_after_in_apposition_dates_the_earlier_event() -> None:
    doc = extract(
        "The body of a shepherd was found in Diyala on Sunday, a day after he was abducted "
        "by militants, police said.",
        published=D(2022, 6, 14),
    )
    found = {d.text: d.date_start for d in doc.dates}
    assert found == {"on Sunday": D(2022, 6, 12), "a day after": D(2022, 6, 11)}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The Observatory documented the death of two soldiers on Monday when a landmine "
         "exploded near Deir ez-Zor.", D(2020, 5, 4)),
        ("On 6 May, the SMM saw fresh damage caused by shelling to a house in Staromarivka.",
         D(2020, 5, 6)),
    ],
)  # fmt: skip
def test_monitor_observation_date_is_the_event_date(text: str, expected: dt.date) -> None:
    doc = extract(text)
    assert doc.claims and doc.claims[0].date is not None
    assert doc.claims[0].date.date_start == expected
    assert doc.attributions[doc.claims[0].sentence_index].claimant_text or (
        doc.claims[0].attribution.claimant is not None
    )


def test_monitor_date_inside_the_reported_clause_is_the_event_date() -> None:
    doc = extract(
        "UNAMA said nine worshippers were killed on Tuesday when a bomb exploded in a mosque "
        "in Kabul."
    )
    assert span(claim(doc, "killed"))[0] == D(2020, 5, 5)


@pytest.mark.parametrize(
    "text, speaker",
    [
        ("Security forces shot dead a boy at a checkpoint in Port-au-Prince on Sunday, "
         "his family said.", "his family"),
        ('"We lost seven soldiers," a security official said.', "a security official"),
        ("Gunmen killed two farmers in Tumaco on Sunday, said Rami Abdel Rahman.",
         "Rami Abdel Rahman"),
    ],
)  # fmt: skip
def test_unknown_speakers_keep_their_words(text: str, speaker: str) -> None:
    doc = extract(text)
    atts = [a for a in doc.attributions.values() if a.claimant_text or a.claimant]
    assert atts and (atts[0].claimant_text == speaker or claimant_name(atts[0]) == speaker)


def claimant_name(att) -> str | None:  # type: ignore[no-untyped-def]
    return att.claimant.name if att.claimant is not None else None
