"""Cleaning: boilerplate, title, captions, comment section, normalisation."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.pipeline.clean import clean
from events.pipeline.doc import Document
from events.pipeline.load import load_path
from events.pipeline.segment import segment

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ACCEPTANCE = SHARED / "seed" / "southfront-2020-10-turkey-karabakh.txt"

# A page in the shape of a scraped outlet page, written for these tests.
PAGE = """\
10 $
1,250 $
$

Army Says Northern Road Reopened After Week Of Clashes

Support Frontline Daily

Army Says Northern Road Reopened After Week Of Clashes

Army Engineers Near the Northern Bridge

The army reopened the northern road on Monday after clashes with rebels, a spokesman said.

Traffic resumed in the afternoon. Convoys of trucks carrying grain crossed the bridge.

Share this:
Twitter
Facebook

Support Frontline Daily

Notify of
Newest Most Voted
Inline Feedbacks
View all comments

The road was never closed, this is propaganda.

Reader One

Good news for the farmers.

Would love your thoughts, please comment.x"""


def cleaned(raw: str, **fields: object) -> Document:
    doc = Document(raw=raw, **fields)  # type: ignore[arg-type]
    clean(doc)
    return doc


def test_title_source_banner_widgets_and_comments() -> None:
    doc = cleaned(PAGE)
    assert doc.title == "Army Says Northern Road Reopened After Week Of Clashes"
    assert (doc.source, doc.source_detected) == ("Frontline Daily", True)
    assert doc.body == (
        "Army Engineers Near the Northern Bridge\n\n"
        "The army reopened the northern road on Monday after clashes with rebels, a spokesman said."
        "\n\n"
        "Traffic resumed in the afternoon. Convoys of trucks carrying grain crossed the bridge."
    )
    assert [doc.body[s:e] for s, e in doc.caption_spans] == [
        "Army Engineers Near the Northern Bridge"
    ]
    assert doc.comments == (
        "The road was never closed, this is propaganda.\n\nReader One\n\nGood news for the farmers."
    )
    assert doc.warnings == []


def test_given_source_is_kept() -> None:
    doc = cleaned(PAGE, source="Wire Desk")
    assert (doc.source, doc.source_detected) == ("Wire Desk", False)


def test_given_title_wins_and_its_line_leaves_the_body() -> None:
    raw = "Convoy Reaches City\n\nThe convoy reached the city on Friday, aid workers said."
    doc = cleaned(raw, given_title="Convoy  Reaches City")
    assert doc.title == "Convoy Reaches City"
    assert doc.body == "The convoy reached the city on Friday, aid workers said."


def test_sentence_case_headline_above_the_text() -> None:
    raw = "Rebels agree to a ceasefire in the east\n\nRebel leaders agreed to stop fighting."
    doc = cleaned(raw)
    assert doc.title == "Rebels agree to a ceasefire in the east"
    assert doc.body == "Rebel leaders agreed to stop fighting."


def test_text_without_a_headline_keeps_every_line() -> None:
    raw = "Rebel leaders agreed on Sunday to stop fighting.\n\nTalks resume next week."
    doc = cleaned(raw)
    assert doc.title == ""
    assert doc.body == raw


def test_a_lone_short_line_is_body_not_title() -> None:
    doc = cleaned("Shelling Reported Near Airport")
    assert (doc.title, doc.body) == ("", "Shelling Reported Near Airport")


def test_comment_marker_before_the_text_does_not_swallow_the_article() -> None:
    raw = "Comments\n\nThe army said it had retaken the village.\n\n3 comments\n\nFake news."
    doc = cleaned(raw)
    assert doc.body == "The army said it had retaken the village."  # the menu word is furniture
    assert doc.comments == "Fake news."


def test_subheading_standing_alone_is_a_caption_but_prose_is_not() -> None:
    raw = (
        "Troops pulled back from the ridge on Tuesday, officials said.\n\n"
        "Photo: Defence Ministry\n\n"
        "Heavy Artillery Positions Near Hill 402\n\n"
        "Fighting resumed at dawn."
    )
    doc = cleaned(raw)
    captions = [doc.body[s:e] for s, e in doc.caption_spans]
    assert captions == ["Photo: Defence Ministry", "Heavy Artillery Positions Near Hill 402"]


def test_a_headline_with_a_verb_is_not_a_caption() -> None:
    raw = "Ceasefire talks stalled on Monday.\n\nRussia Says Talks Will Resume\n\nNothing moved."
    assert cleaned(raw).caption_spans == []


def test_normalises_newlines_spaces_and_blank_runs() -> None:
    raw = "First\u00a0line  of text,   \r\nstill the first.\r\n\r\n\r\n\n  Second\u200b one.  "
    doc = cleaned(raw)
    assert doc.body == "First line of text,\nstill the first.\n\nSecond one."


def test_nothing_left_is_a_warning_not_an_error() -> None:
    doc = cleaned("2,500 $\n\nSupport Frontline Daily\n\nNotify of")
    assert doc.body == ""
    assert doc.warnings == ["clean: no article text left after removing boilerplate"]


# --- the acceptance article ---------------------------------------------------------


@pytest.fixture(scope="module")
def acceptance() -> Document:
    if not ACCEPTANCE.is_file():
        pytest.skip(f"acceptance article not found at {ACCEPTANCE} (needs ../shared/data)")
    [doc] = load_path(ACCEPTANCE)
    assert isinstance(doc, Document)
    clean(doc)
    return doc


def test_acceptance_title_and_source(acceptance: Document) -> None:
    assert acceptance.title == (
        "Turkey Claims Nagorno-Karabakh Ceasefire Efforts Will Fail Without Armenian Withdrawal"
    )
    assert acceptance.title not in acceptance.body
    assert (acceptance.source, acceptance.source_detected) == ("SouthFront", True)


@pytest.mark.parametrize(
    "furniture",
    [
        "0 $",
        "2,500 $",
        "Support SouthFront",
        "Notify of",
        "Newest Most Voted",
        "Inline Feedbacks",
        "View all comments",
        "Would love your thoughts",
    ],
)
def test_acceptance_boilerplate_is_not_body(acceptance: Document, furniture: str) -> None:
    assert furniture not in acceptance.body
    assert furniture not in acceptance.comments


def test_acceptance_caption(acceptance: Document) -> None:
    captions = [acceptance.body[s:e] for s, e in acceptance.caption_spans]
    assert captions == ["Turkish Presidential Spokesman Ibrahim Kalin"]


def test_acceptance_comments_are_apart(acceptance: Document) -> None:
    assert acceptance.body.endswith("will not likely end anytime soon.")
    assert acceptance.comments.startswith("This is perfectly correct.")
    assert "Erdogan" not in acceptance.body and "Erdogan" in acceptance.comments


# --- never crash ---------------------------------------------------------------------

_LINES = st.sampled_from(
    [
        "",
        " ",
        "Notify of",
        "2,500 $",
        "Support SouthFront",
        "Some Title Line Here",
        "A sentence.",
        "Photo: AP",
        "\u00a0",
        "\r",
        "U.S. Gen. J. R.",
        "“Quoted.”",
        "...",
        "x" * 50,
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), st.lists(st.one_of(_LINES, st.text(max_size=30))).map("\n".join)))
def test_clean_and_segment_never_crash_and_offsets_slice(raw: str) -> None:
    doc = Document(raw=raw, include_comments=True)
    clean(doc)
    segment(doc)
    for s, e in doc.caption_spans:
        assert 0 <= s < e <= len(doc.body)
    for i, sent in enumerate(doc.sentences):
        container = doc.section_text(sent.section)
        assert sent.index == i
        assert container[sent.start : sent.end] == sent.text
        assert sent.text == sent.text.strip() and sent.text


def test_dateline_and_byline_are_not_the_title() -> None:
    raw = (
        "October 10, 2020\n\nBy Jane Doe\n\nArmy Retakes Northern Bridge\n\n"
        "The army retook the bridge on Friday, officials said."
    )
    doc = cleaned(raw)
    assert doc.title == "Army Retakes Northern Bridge"
    assert doc.body.startswith("October 10, 2020\n\nBy Jane Doe\n\nThe army retook")


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=300))
def test_html_cleaning_never_crashes(raw: str) -> None:
    doc = Document(raw=f"<html><body><p>{raw}</p></body></html>", format="html")
    clean(doc)
    segment(doc)
    for sent in doc.sentences:
        assert doc.section_text(sent.section)[sent.start : sent.end] == sent.text
