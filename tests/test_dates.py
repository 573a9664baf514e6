"""The dateparser wrapper (events.dates) and the dates stage (events.pipeline.dates)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from events.dates import DateInterval, normalise, ongoing_interval
from events.pipeline.dates import date_mentions, find_candidates, find_dates, is_ongoing
from events.pipeline.doc import Document, Sentence

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ARTICLE = SHARED / "seed" / "southfront-2020-10-turkey-karabakh.txt"

PUBLISHED = dt.date(2020, 10, 10)
# Far from any plausible "today": a year-less date resolved against the clock would show.
OLD = dt.date(1987, 3, 14)


def one(text: str, anchor: dt.date | None = PUBLISHED, prefer: str = "past") -> DateInterval:
    found = normalise(text, anchor, prefer)  # type: ignore[arg-type]
    assert len(found) == 1, found
    return found[0]


def doc_of(*sentences: str, published: dt.date | None = PUBLISHED) -> Document:
    """Build a document by hand: body = the sentences joined by spaces."""
    doc = Document()
    doc.published = published
    pos = 0
    parts = []
    for i, text in enumerate(sentences):
        doc.sentences.append(
            Sentence(index=i, section="body", start=pos, end=pos + len(text), text=text)
        )
        parts.append(text)
        pos += len(text) + 1
    doc.body = " ".join(parts)
    return doc


def dates_of(*sentences: str, published: dt.date | None = PUBLISHED) -> list:
    doc = doc_of(*sentences, published=published)
    find_dates(doc)
    return doc.dates


# --- the wrapper ---------------------------------------------------------------


def test_yearless_date_takes_the_anchor_year():
    got = one("October 9")
    assert (got.date_start, got.date_end, got.precision) == (
        dt.date(2020, 10, 9),
        dt.date(2020, 10, 9),
        "day",
    )
    assert got.resolved and not got.has_year


def test_yearless_date_is_never_resolved_against_today():
    assert one("October 9", OLD).date_start == dt.date(
        1986, 10, 9
    )  # the last October 9 before the anchor
    got = one("October 9", None)
    assert not got.resolved and got.date_start is None and got.date_end is None


def test_relative_date_without_anchor_stays_unresolved():
    for text in ("yesterday", "last week", "on Friday", "three days ago"):
        got = one(text, None)
        assert not got.resolved and got.date_start is None, text
        assert got.relative, text


def test_relative_dates_are_read_from_the_anchor():
    assert one("yesterday", OLD).date_start == dt.date(1987, 3, 13)
    week = one("last week")
    assert (week.date_start, week.date_end, week.precision) == (
        dt.date(2020, 9, 28),
        dt.date(2020, 10, 4),
        "week",
    )


def test_future_preference_picks_the_next_occurrence():
    # 2020-10-10 is a Saturday.
    assert one("on Friday", prefer="future").date_start == dt.date(2020, 10, 16)
    assert one("on Friday", prefer="past").date_start == dt.date(2020, 10, 9)
    assert one("December 25", prefer="future").date_start == dt.date(2020, 12, 25)
    assert one("December 25", prefer="past").date_start == dt.date(2019, 12, 25)


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("September 1, 1939", dt.date(1939, 9, 1), dt.date(1939, 9, 1), "day"),
        ("February of 1940", dt.date(1940, 2, 1), dt.date(1940, 2, 29), "month"),
        ("1939", dt.date(1939, 1, 1), dt.date(1939, 12, 31), "year"),
        ("2020-10-09", dt.date(2020, 10, 9), dt.date(2020, 10, 9), "day"),
    ],
)
def test_precision_and_interval_follow_what_the_text_gives(text, start, end, precision):
    got = one(text, None)
    assert (got.date_start, got.date_end, got.precision, got.resolved) == (
        start,
        end,
        precision,
        True,
    )


@pytest.mark.parametrize(
    "text", ["30 years", "now", "we", "1,000", "F-16", "", "   ", "the last 30 years"]
)
def test_non_dates_give_an_empty_list_not_none(text):
    assert normalise(text, PUBLISHED) == []


def test_ongoing_interval_runs_to_publication():
    got = ongoing_interval(dt.date(2020, 9, 27), PUBLISHED)
    assert (got.date_start, got.date_end) == (dt.date(2020, 9, 27), PUBLISHED)
    assert ongoing_interval(dt.date(2020, 9, 27), None).date_end == dt.date(2020, 9, 27)


# --- the stage -----------------------------------------------------------------


def test_stage_normalises_dates_with_offsets_in_the_container():
    doc = doc_of(
        "Talks began.", "Azerbaijan attacked on September 27, the ministry said on October 9."
    )
    find_dates(doc)
    got = [
        (doc.body[d.start : d.end], d.date_start, d.precision, d.sentence_index) for d in doc.dates
    ]
    assert got == [
        ("September 27", dt.date(2020, 9, 27), "day", 1),
        ("October 9", dt.date(2020, 10, 9), "day", 1),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "It will be a repeat of what went on for the last 30 years or so.",
        "It was obvious, but now we have hard proof.",
        "Ankara deployed over 1,000 Syrian militants.",
        "At least two Turkish F-16 fighter jets were deployed.",
        "The army had 1500 men and 2000 tanks.",
        "They may march on the capital.",
        "The talks lasted 12 hours.",
    ],
)
def test_durations_counts_and_words_are_not_dates(sentence):
    assert dates_of(sentence) == []


def test_future_tense_prefers_the_future():
    (d,) = dates_of("The ministers will meet again on Friday.")
    assert d.date_start == dt.date(2020, 10, 16) and d.relative


def test_without_publication_date_yearless_dates_stay_unresolved():
    (d,) = dates_of("The attack began on September 27.", published=None)
    assert not d.resolved and d.date_start is None and d.text == "September 27"


def test_thus_far_is_detected_and_since_runs_to_publication():
    assert is_ongoing("Hundreds from both sides have been killed, thus far.")
    assert not is_ongoing("Hundreds were killed on Sunday.")
    (d,) = dates_of("Fighting has raged since September 27.")
    assert (d.date_start, d.date_end) == (dt.date(2020, 9, 27), PUBLISHED)


def test_narrative_mode_reads_yearless_and_anaphoric_dates_from_the_reference():
    sents = [
        Sentence(0, "body", 0, 40, "The pact was signed in February of 1940."),
        Sentence(1, "body", 41, 70, "In April, Germany invaded Denmark."),
        Sentence(2, "body", 71, 99, "The next day, Norway fell."),
    ]
    got = [(m.text, m.date_start, m.precision) for m in date_mentions(sents, OLD, mode="narrative")]
    assert got == [
        ("February of 1940", dt.date(1940, 2, 1), "month"),
        ("April", dt.date(1940, 4, 1), "month"),
        ("The next day", dt.date(1940, 4, 1), "month"),  # no more precise than its reference
    ]


def test_candidate_modifiers_are_kept_in_the_span():
    assert [
        c.text for c in find_candidates("By early October the city fell; by the end of 1943 too.")
    ] == [
        "early October",
        "the end of 1943",
    ]


def test_acceptance_article_dates():
    if not ARTICLE.is_file():
        pytest.skip(f"acceptance article not available at {ARTICLE} (../shared/data is absent)")
    text = ARTICLE.read_text(encoding="utf-8")
    lines = [line for line in text.split("\n")]
    doc = doc_of(*lines)
    find_dates(doc)
    got = {(d.text, d.date_start, d.precision) for d in doc.dates}
    assert ("September 27", dt.date(2020, 9, 27), "day") in got
    assert ("October 9", dt.date(2020, 10, 9), "day") in got
    for d in doc.dates:
        assert d.date_start is None or d.date_start.year != 2026, d
        assert not any(w in d.text.lower() for w in ("30 years", "now", "we")), d


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400), published=st.one_of(st.none(), st.dates()))
def test_arbitrary_text_never_crashes_the_stage(text, published):
    doc = doc_of(text, published=published)
    find_dates(doc)
    for d in doc.dates:
        assert 0 <= d.start <= d.end <= len(doc.body)
        assert d.precision in ("day", "week", "month", "year", "unknown")


@settings(max_examples=100, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(
            ["on", "October", "9", ",", "1939", "last", "week", "the", "next", "day", "May", "in"]
        ),
        max_size=12,
    ).map(" ".join),
    published=st.one_of(
        st.none(), st.dates(min_value=dt.date(1, 2, 1), max_value=dt.date(9998, 11, 30))
    ),
)
def test_date_like_text_never_crashes_the_stage(text, published):
    find_dates(doc_of(text, published=published))


def test_weekday_named_on_its_own_publication_day_is_that_day() -> None:
    from events.dates import normalise

    tuesday = dt.date(2024, 5, 7)
    assert normalise("on Tuesday", tuesday)[0].date_start == tuesday
    assert normalise("Tuesday night", tuesday)[0].date_start == tuesday
    assert normalise("last Tuesday", tuesday)[0].date_start == dt.date(2024, 4, 30)
    assert normalise("Monday", tuesday)[0].date_start == dt.date(2024, 5, 6)
