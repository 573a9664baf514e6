"""The extraction's shortcuts give what the plain computation gives (no timing here).

Date candidates and titles are tried only at words that can start them; a sentence's phrase
matches and dictionary matches are remembered; these tests hold each shortcut to the plain
answer on real sentences and on odd text (case folding beyond ASCII, hyphens, digits).
"""

from __future__ import annotations

import random
import re
import subprocess
import sys

import pytest

from events import gazetteer, lexicon
from events.lexicon.phrases import PhraseIndex
from events.pipeline import dates
from events.pipeline.claims import cue_lexicon, find_cues
from events.pipeline.triggers import find_triggers, trigger_lexicon
from tests.conftest import REPO

SAMPLES = sorted((REPO / "seeds" / "samples").glob("*.txt"))


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in SAMPLES]
    texts += [
        "Between 2 and 4 May 2020, early October, 1500 men and mid-March; the 3rd of May 1918.",
        "On Tuesday the Prime Minister and Vice-President met Lt. Gen. Smith, aged 54.",
        "Fighting resumed in the past week; two days later, the day before yesterday.",
        "ſeptember 3, Kelvin \u212a, İstanbul, ﬁrst, ٣ May, _3 May, x3 May, F-1939, $1939.",
    ]
    rng = random.Random(11)
    pieces = [
        "May", "may", "mid", "early", "the", "Sept", "1939", "3rd", "a", "day", "ago", "Monday",
        "last", "between", "and", "of", "31", "in", "past", "week", "President", "vice",
        "minister", "Gen.", "ſ", "K", "İ", "٣", "-", ",", ".", "'", "’", "$", "_",
    ]  # fmt: skip
    for _ in range(3000):
        words = [rng.choice(pieces) for _ in range(rng.randint(1, 14))]
        texts.append("".join(w + rng.choice(["", " ", " ", "-", "\n"]) for w in words))
    return texts


TEXTS = _texts()


def test_date_candidates_are_those_of_the_whole_regex() -> None:
    regex, firsts = dates.candidate_regex(), dates._first_words()
    assert firsts  # the shortcut is in use
    for text in TEXTS:
        plain = [(m.span(), m.lastgroup) for m in regex.finditer(text)]
        quick = [(m.span(), m.lastgroup) for m in lexicon.finditer_at_words(regex, firsts, text)]
        assert quick == plain, text


def test_titles_are_those_of_the_whole_pattern() -> None:
    for text in TEXTS:
        plain = [m.span() for m in gazetteer.title_pattern().finditer(text)]
        assert [m.span() for m in gazetteer.title_matches(text)] == plain, text


def test_first_words_refuse_what_the_shortcut_cannot_promise() -> None:
    assert lexicon.first_words(["Prime Minister", "vice-president"]) == {"prime", "vice"}
    assert lexicon.first_words(["'t Hooft"]) is None  # starts with no word
    assert lexicon.first_words(["ſeptember"]) is None  # matches "september" when case is ignored
    regex = re.compile(r"(?<!\w)(?:ſept|sept)\b", re.I)
    text = "SEPT and ſept"
    assert [m.span() for m in lexicon.finditer_at_words(regex, None, text)] == [(0, 4), (9, 13)]


@pytest.mark.parametrize("kind", ["triggers", "cues"])
def test_remembered_phrase_matches_are_the_scanned_ones(kind: str) -> None:
    index: PhraseIndex = (trigger_lexicon() if kind == "triggers" else cue_lexicon()).index
    sentences = [s for p in SAMPLES for s in p.read_text(encoding="utf-8").split(". ")]
    for text in sentences:
        scanned = [(i, m.span(), m.group()) for i, m in index._scan(text)]
        first = [(i, m.span(), m.group()) for i, m in index.finditer(text)]
        again = [(i, m.span(), m.group()) for i, m in index.finditer(text)]
        assert first == scanned and again == scanned
    # Offsets are applied per call, not remembered with the matches.
    text = sentences[0]
    assert [t.start - 100 for t in find_triggers(text, 100)] == [
        t.start for t in find_triggers(text)
    ]
    assert [c.start - 7 for c in find_cues(text, 7)] == [c.start for c in find_cues(text)]


def test_remembered_dictionary_matches_are_fresh_lists() -> None:
    matcher = gazetteer.actor_matcher()
    text = "Russian troops shelled Kharkiv, Ukrainian officials said."
    first = matcher.find(text)
    first.clear()  # a caller's list is its own
    assert matcher.find(text) == matcher._find(text) != []


def test_the_warm_up_loads_dateparser() -> None:
    # Forked workers share what the warm-up loaded, so its date must be one that only
    # dateparser reads (the common forms, ordinals included, are read without it).
    code = "import sys; from events.ingest import warm_up; warm_up(); print('dateparser' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
