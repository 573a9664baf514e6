"""Attribution: who claims a sentence, relayed by whom, when, and how firmly.

Documents are built by hand (sentences, actors, dates) so that these tests exercise the claims
stage alone; the sentences are written for these tests.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from events.pipeline.claims import attribute, find_cues, inflections
from events.pipeline.doc import ActorMention, DateMention, Document, PlaceMention, Sentence

PUBLISHED = dt.date(2021, 3, 12)

#: Actor surface forms used in the hand-built documents: key, name, kind, country, sector.
ACTORS: dict[str, tuple[str, str, str, str | None, str | None]] = {
    "Colonel Dana Mirza": ("person:dana-mirza", "Dana Mirza", "person", "NGA", "MIL"),
    "Mirza": ("person:dana-mirza", "Dana Mirza", "person", "NGA", "MIL"),
    "Interior Minister Alan Okoro": ("person:alan-okoro", "Alan Okoro", "person", "NGA", "GOV"),
    "Okoro": ("person:alan-okoro", "Alan Okoro", "person", "NGA", "GOV"),
    "Reuters": ("org:reuters", "Reuters", "media", None, "MED"),
    "the army": ("NGA:MIL", "Nigerian Army", "military", "NGA", "MIL"),
    "Nigerian troops": ("NGA:MIL", "Nigerian Army", "military", "NGA", "MIL"),
    "the rebels": ("REB:delta", "Delta rebels", "armed_group", "NGA", "REB"),
    "rebels": ("REB:delta", "Delta rebels", "armed_group", "NGA", "REB"),
    "Chad": ("TCD", "Chad", "state", "TCD", None),
    "Niger": ("NER", "Niger", "state", "NER", None),
    "Nigeria": ("NGA", "Nigeria", "state", "NGA", None),
    "Abuja": ("NGA", "Nigeria", "state", "NGA", "GOV"),
    "Cameroon": ("CMR", "Cameroon", "state", "CMR", None),
    "Cameroonian": ("CMR", "Cameroon", "state", "CMR", None),
    "police": ("NGA:COP", "Nigerian police", "government", "NGA", "COP"),
    "protesters": ("CVL:protesters", "protesters", "population", None, "CVL"),
    "the ministry": ("NGA:GOV", "Nigerian government", "government", "NGA", "GOV"),
    "villagers": ("CVL:villagers", "villagers", "population", None, "CVL"),
}
DATES: dict[str, tuple[dt.date, dt.date, str]] = {
    "on Tuesday": (dt.date(2021, 3, 9), dt.date(2021, 3, 9), "day"),
    "on March 3": (dt.date(2021, 3, 3), dt.date(2021, 3, 3), "day"),
    "on Thursday": (dt.date(2021, 3, 11), dt.date(2021, 3, 11), "day"),
    "last week": (dt.date(2021, 3, 1), dt.date(2021, 3, 7), "week"),
}
PLACES: dict[str, tuple[str, str, str]] = {
    "Maiduguri": ("geonames:2331447", "Maiduguri", "NGA"),
    "Lake Chad": ("region:lake-chad", "Lake Chad", "TCD"),
    "Niger": ("country:NER", "Niger", "NER"),
}


def _occurrences(text: str, surface: str) -> list[tuple[int, int]]:
    return [
        (m.start(), m.end()) for m in re.finditer(rf"(?<![\w-]){re.escape(surface)}(?![\w-])", text)
    ]


def make_doc(body: str, published: dt.date | None = PUBLISHED) -> Document:
    """Build a document with sentences, actors, dates and places found from the tables above."""
    doc = Document(raw=body, given_published=published)
    doc.body, doc.published = body, published
    index = 0
    for p, par in enumerate(re.finditer(r"[^\n]+", body)):
        for m in re.finditer(r".+?(?:[.!?][”\"]?(?=\s|$)|$)", par.group()):
            if not m.group().strip():
                continue
            start = par.start() + m.start() + (len(m.group()) - len(m.group().lstrip()))
            text = body[start : par.start() + m.end()]
            doc.sentences.append(Sentence(index, "body", start, start + len(text), text, p))
            index += 1

    def sentence_of(pos: int) -> int:
        return next(s.index for s in doc.sentences if s.start <= pos < s.end)

    taken: list[tuple[int, int]] = []
    for surface in sorted(ACTORS, key=len, reverse=True):
        key, name, kind, country, sector = ACTORS[surface]
        for a, b in _occurrences(body, surface):
            if any(x < b and a < y for x, y in taken):
                continue
            taken.append((a, b))
            doc.actors.append(
                ActorMention(a, b, surface, sentence_of(a), key, name, kind, country, sector)
            )
    for surface, (lo, hi, prec) in DATES.items():
        for a, b in _occurrences(body, surface):
            doc.dates.append(DateMention(a, b, surface, sentence_of(a), lo, hi, prec))  # type: ignore[arg-type]
    for surface, (key, name, country) in PLACES.items():
        for a, b in _occurrences(body, surface):
            doc.places.append(
                PlaceMention(a, b, surface, sentence_of(a), key, name, country, precision="point")
            )
    doc.actors.sort(key=lambda m: m.start)
    return doc


def attributed(body: str) -> Document:
    doc = make_doc(body)
    attribute(doc)
    return doc


def test_reporting_verb_names_the_claimant_and_date_of_speaking() -> None:
    doc = attributed(
        "The army shelled rebel positions near Maiduguri, Colonel Dana Mirza said on Tuesday."
    )
    att = doc.attributions[0]
    assert att.claimant is not None and att.claimant.name == "Dana Mirza"
    assert att.claim_date is not None and att.claim_date.date_start == dt.date(2021, 3, 9)
    assert att.modality == "asserted"
    assert att.relayed_by is None


def test_outlet_asserts_a_sentence_without_cue() -> None:
    doc = attributed("Nigerian troops entered Maiduguri on Thursday.")
    att = doc.attributions[0]
    assert att.claimant is None and att.claimant_text is None
    assert att.modality == "asserted"


def test_relay_quoted_as_saying_separates_speaker_and_outlet() -> None:
    doc = attributed("Reuters quoted Okoro as saying that the curfew would stay in place.")
    att = doc.attributions[0]
    assert att.claimant is not None and att.claimant.name == "Alan Okoro"
    assert att.relayed_by is not None and att.relayed_by.name == "Reuters"


def test_told_an_outlet_makes_the_outlet_the_relay() -> None:
    doc = attributed(
        "Interior Minister Alan Okoro told Reuters the border with Niger would reopen."
    )
    att = doc.attributions[0]
    assert att.claimant is not None and att.claimant.name == "Alan Okoro"
    assert att.relayed_by is not None and att.relayed_by.name == "Reuters"


def test_according_to_puts_the_speaker_after_the_cue() -> None:
    doc = attributed("Five villagers died in the raid, according to the ministry.")
    att = doc.attributions[0]
    assert att.claimant is not None and att.claimant.key == "NGA:GOV"


def test_in_a_statement_with_the_speaker_named_later() -> None:
    doc = attributed(
        "In a statement, Interior Minister Alan Okoro said police would patrol Maiduguri."
    )
    att = doc.attributions[0]
    assert att.claimant is not None and att.claimant.name == "Alan Okoro"
    assert att.modality == "predicted"


def test_quote_is_attributed_to_the_speaker_named_after_it() -> None:
    body = "“We will not leave Maiduguri. The town is ours.” Mirza said in the statement."
    doc = attributed(body)
    first = doc.attributions[0]
    assert first.claimant is not None and first.claimant.name == "Dana Mirza"


def test_continued_quote_keeps_the_previous_speaker() -> None:
    body = "Okoro said the talks had failed. “There is nothing left to discuss.”"
    doc = attributed(body)
    assert doc.attributions[1].claimant is not None
    assert doc.attributions[1].claimant.name == "Alan Okoro"


@pytest.mark.parametrize(
    ("sentence", "modality"),
    [
        ("The rebels reportedly seized two trucks.", "alleged"),
        ("Cameroon appears to be confident that the talks will fail.", "alleged"),
        ("The army allegedly burned a market.", "alleged"),
        ("The army denied that it shelled the market.", "denied"),
        ("Chad will send troops to the border.", "predicted"),
        ("Chad plans to send troops to the border.", "predicted"),
        ("The offensive will stop if the rebels lay down their arms.", "conditional"),
        ("Nigerian troops will keep fighting until the rebels surrender.", "conditional"),
        ("Nigerian troops took the town on Thursday.", "asserted"),
    ],
)
def test_modality_cues(sentence: str, modality: str) -> None:
    assert attributed(sentence).attributions[0].modality == modality


def test_pronoun_speaker_takes_the_last_named_person() -> None:
    doc = attributed("Okoro said the curfew was lifted. He said the army would leave Maiduguri.")
    att = doc.attributions[1]
    assert att.claimant is not None and att.claimant.name == "Alan Okoro"


def test_month_may_is_not_the_modal_may() -> None:
    body = "The rebels attacked Maiduguri on May 4."
    doc = make_doc(body)
    start = body.index("on May 4")
    doc.dates.append(
        DateMention(
            start, start + 8, "on May 4", 0, dt.date(2021, 5, 4), dt.date(2021, 5, 4), "day"
        )
    )
    attribute(doc)
    assert doc.attributions[0].modality == "asserted"


def test_inflections_cover_regular_forms() -> None:
    assert {"attack", "attacks", "attacked", "attacking"} <= inflections("attack")
    assert {"deploy", "deploys", "deployed", "deploying"} <= inflections("deploy")
    assert {"rally", "rallies", "rallied"} <= inflections("rally")
    assert {"ban", "banned", "banning"} <= inflections("ban")
    assert inflections("on") == {"on"}


def test_cue_slot_captures_the_speaker_span() -> None:
    text = "Reuters quoted the ministry spokesman as saying"
    (cue,) = [c for c in find_cues(text) if c.cue.kind == "relay"]
    assert cue.slot is not None
    assert text[cue.slot[0] : cue.slot[1]] == "the ministry spokesman"


def test_arbitrary_text_does_not_crash() -> None:
    for body in ["", "“", "said said said", "\x00\x01 according to", "if unless until " * 50]:
        doc = make_doc(body)
        attribute(doc)
        assert set(doc.attributions) == {s.index for s in doc.sentences}
