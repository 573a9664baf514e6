"""The anchor stage: given, inferred (flagged) or unknown publication dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from events.pipeline.anchor import WARN_UNKNOWN, anchor, infer_published
from events.pipeline.dates import find_dates
from events.pipeline.doc import Document, Sentence

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ARTICLE = SHARED / "seed" / "southfront-2020-10-turkey-karabakh.txt"


def doc_with(body: str, given: dt.date | None = None) -> Document:
    doc = Document(given_published=given)
    doc.body = body
    return doc


def test_given_date_wins_and_is_not_flagged():
    doc = doc_with("MOSCOW, Oct. 9, 2020 - Talks began.", given=dt.date(2020, 10, 10))
    anchor(doc)
    assert (doc.published, doc.published_precision, doc.published_inferred) == (
        dt.date(2020, 10, 10),
        "day",
        False,
    )
    assert doc.warnings == []


def test_dateline_is_inferred_and_flagged():
    doc = doc_with("MOSCOW, Oct. 9, 2020 - Talks began. The war began on March 3, 2014.")
    anchor(doc)
    assert (doc.published, doc.published_inferred) == (dt.date(2020, 10, 9), True)
    assert doc.warnings == [
        "publication date inferred from the text as 2020-10-09; pass --published to set it"
    ]


def test_without_dateline_the_latest_past_date_is_a_lower_bound():
    body = "Background. " * 80 + (
        "The war began on March 3, 2014. Elections will be held on May 5, 2030. "
        "The ceasefire collapsed on June 4, 2015."
    )
    assert infer_published(body, today=dt.date(2024, 1, 1)) == dt.date(2015, 6, 4)


def test_dates_after_today_are_not_a_publication_date():
    assert infer_published("Signed on January 2, 2031.", today=dt.date(2024, 1, 1)) is None


def test_text_without_a_year_leaves_the_date_unknown_and_yearless_dates_unresolved():
    doc = doc_with("The attack began on September 27. Talks were held yesterday.")
    anchor(doc)
    assert (doc.published, doc.published_precision, doc.published_inferred) == (
        None,
        "unknown",
        False,
    )
    assert doc.warnings == [WARN_UNKNOWN]
    doc.sentences = [Sentence(0, "body", 0, len(doc.body), doc.body)]
    find_dates(doc)
    assert [(d.text, d.resolved, d.date_start) for d in doc.dates] == [
        ("September 27", False, None),
        ("yesterday", False, None),
    ]


def test_acceptance_article_has_no_inferable_date():
    if not ARTICLE.is_file():
        pytest.skip(f"acceptance article not available at {ARTICLE} (../shared/data is absent)")
    doc = doc_with(ARTICLE.read_text(encoding="utf-8"))
    anchor(doc)
    assert doc.published is None and doc.published_precision == "unknown"
    assert WARN_UNKNOWN in doc.warnings


@pytest.mark.parametrize("body", ["", "\x00\x01 binary \ufffd", "x" * 300_000, "2020 " * 10_000])
def test_odd_bodies_do_not_crash(body):
    doc = doc_with(body)
    anchor(doc)
    assert doc.published is None or isinstance(doc.published, dt.date)
