"""Sentence splitting: abbreviations, quotes, numbers, sections and offsets."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from events.pipeline.clean import clean
from events.pipeline.doc import Document
from events.pipeline.load import load_path
from events.pipeline.segment import MAX_SENTENCE_CHARS, segment, split_sentences

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ACCEPTANCE = SHARED / "seed" / "southfront-2020-10-turkey-karabakh.txt"


def sentences(text: str) -> list[str]:
    return [text[start:end] for _, start, end in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # abbreviations that never end a sentence
        (
            "Gen. Smith met Lt. Col. Jones in St. Petersburg. They talked.",
            ["Gen. Smith met Lt. Col. Jones in St. Petersburg.", "They talked."],
        ),
        (
            "Envoys (e.g. Mr. Brown) left. Others stayed.",
            ["Envoys (e.g. Mr. Brown) left.", "Others stayed."],
        ),
        # "final" abbreviations end a sentence only before a sentence opener
        (
            "Talks with the U.S. to end the war failed.",
            ["Talks with the U.S. to end the war failed."],
        ),
        ("The U.S. State Department objected.", ["The U.S. State Department objected."]),
        (
            "Fighting began on Oct. 9 and lasted a week.",
            ["Fighting began on Oct. 9 and lasted a week."],
        ),
        (
            "The deal was signed by the U.S. The talks then ended.",
            ["The deal was signed by the U.S.", "The talks then ended."],
        ),
        (
            "Arms came from the U.S., the U.K. and France.",
            ["Arms came from the U.S., the U.K. and France."],
        ),
        # numbers, initials, ellipses
        ("Prices rose 1.5 percent. Wages did not.", ["Prices rose 1.5 percent.", "Wages did not."]),
        (
            "J. R. Smith and W. Brown spoke. Nobody listened.",
            ["J. R. Smith and W. Brown spoke.", "Nobody listened."],
        ),
        ("Unit No. 5 withdrew. The rest stayed.", ["Unit No. 5 withdrew.", "The rest stayed."]),
        (
            "He paused... and went on. Then... Silence.",
            ["He paused... and went on.", "Then...", "Silence."],
        ),
        # quotes: the sentence ends after the closing quote
        (
            '“We will not stop.” Akar said so. He added: "Never." Done!',
            ["“We will not stop.”", "Akar said so.", 'He added: "Never."', "Done!"],
        ),
        ("“Why now?” he asked. Nobody knew.", ["“Why now?” he asked.", "Nobody knew."]),
        # a paragraph break always ends a sentence; a single line break never does
        ("Troops left the\ntown\n\nNo one stayed", ["Troops left the\ntown", "No one stayed"]),
        ("", []),
        ("...  !!  ?", []),
    ],
)
def test_sentence_boundaries(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_paragraph_numbers() -> None:
    text = "One. Two.\n\nThree.\n \n\nFour."
    assert [p for p, _, _ in split_sentences(text)] == [0, 0, 1, 2]


def test_a_huge_unpunctuated_line_is_cut_into_bounded_pieces() -> None:
    text = "word " * 5000
    pieces = sentences(text)
    assert len(pieces) > 1
    assert all(len(p) <= MAX_SENTENCE_CHARS for p in pieces)
    assert " ".join(pieces).split() == text.split()


def test_sections_offsets_and_running_index() -> None:
    doc = Document(
        title="Rebels Take Town. Army Retreats",
        body="Army Trucks Near the Bridge\n\nRebels took the town. The army left.",
        comments="Fake news. Lies.",
        caption_spans=[(0, 27)],
    )
    segment(doc)
    got = [(s.index, s.section, s.paragraph, s.text) for s in doc.sentences]
    assert got == [
        (0, "title", 0, "Rebels Take Town. Army Retreats"),  # a headline is one sentence
        (1, "caption", 0, "Army Trucks Near the Bridge"),
        (2, "body", 1, "Rebels took the town."),
        (3, "body", 1, "The army left."),
    ]
    doc.include_comments = True
    segment(doc)
    comments = [(s.index, s.section, s.start, s.end, s.text) for s in doc.sentences[4:]]
    assert comments == [(4, "comment", 0, 10, "Fake news."), (5, "comment", 11, 16, "Lies.")]


def test_acceptance_article_us_does_not_end_a_sentence() -> None:
    if not ACCEPTANCE.is_file():
        pytest.skip(f"acceptance article not found at {ACCEPTANCE} (needs ../shared/data)")
    [doc] = load_path(ACCEPTANCE)
    assert isinstance(doc, Document)
    clean(doc)
    segment(doc)
    texts = [s.text for s in doc.sentences]
    assert any(
        t.startswith("Efforts by Russian, France and the U.S. to end") and t.endswith("October 9.")
        for t in texts
    )
    assert [s.section for s in doc.sentences[:3]] == ["title", "caption", "body"]
    assert {s.section for s in doc.sentences} == {
        "title",
        "caption",
        "body",
    }  # comments off by default
    doc.include_comments = True
    segment(doc)
    assert doc.sentences[-1].section == "comment"


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.lists(
            st.sampled_from(list('aB. !?”"\n\t…1') + ["U.S. ", "Gen. ", "\n\n", ".” ", "No. "])
        ).map("".join),
    )
)
def test_offsets_always_slice(text: str) -> None:
    doc = Document(
        title=text[:40],
        body=text,
        comments=text,
        include_comments=True,
        caption_spans=[(0, len(text) // 2)] if text else [],
    )
    segment(doc)
    for i, s in enumerate(doc.sentences):
        assert s.index == i
        assert doc.section_text(s.section)[s.start : s.end] == s.text == s.text.strip()
        assert s.text
