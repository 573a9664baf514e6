"""The places stage: locative cues, curated regions, disambiguation, one index lookup."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

from events.pipeline import places
from events.pipeline.actors import find_actors
from events.pipeline.doc import Document, PlaceMention, Sentence
from events.pipeline.places import find_places

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SEED_ARTICLE = SHARED / "seed" / "southfront-2020-10-turkey-karabakh.txt"


def places_of(*sentences: str) -> list[PlaceMention]:
    body = ""
    sents = []
    for text in sentences:
        if body:
            body += " "
        start = len(body)
        body += text
        sents.append(Sentence(len(sents), "body", start, len(body), text))
    doc = Document(body=body, sentences=sents)
    find_actors(doc)
    find_places(doc)
    for p in doc.places:
        assert doc.body[p.start : p.end] == p.text
    return doc.places


def test_capital_after_locative_cue_is_a_point_place() -> None:
    (moscow,) = places_of("The foreign ministers were meeting in Moscow on Friday.")
    assert (moscow.name, moscow.country, moscow.precision) == ("Moscow", "RUS", "point")
    assert moscow.latitude == pytest.approx(55.75, abs=0.1)
    assert moscow.longitude == pytest.approx(37.62, abs=0.1)


def test_capital_used_as_actor_is_not_a_place() -> None:
    assert places_of("Moscow said the talks would continue.") == []


def test_curated_region_has_coordinates() -> None:
    (nk,) = places_of("Azerbaijan attacked Armenian forces in Nagorno-Karabakh on September 27.")
    assert (nk.key, nk.country, nk.precision) == ("region:nagorno-karabakh", "AZE", "region")
    assert nk.latitude == pytest.approx(39.8, abs=0.3)
    assert nk.longitude == pytest.approx(46.75, abs=0.3)


def test_region_alias_is_the_same_region() -> None:
    (nk,) = places_of("No ceasefire until Armenia withdraws its troops out of N-K.")
    assert nk.key == "region:nagorno-karabakh"


def test_country_after_locative_cue_is_a_country_level_place() -> None:
    (aze,) = places_of("At least two Turkish F-16 fighter jets were deployed in Azerbaijan.")
    assert (aze.key, aze.country, aze.precision) == ("country:AZE", "AZE", "country")
    assert aze.latitude is not None


def test_country_as_actor_is_not_a_place() -> None:
    assert places_of("Azerbaijan launched its largest ever attack.") == []


def test_same_name_city_goes_to_the_article_s_country() -> None:
    (lebanon,) = places_of("Lebanese troops clashed with gunmen in Tripoli.")
    (libya,) = places_of("Libyan forces shelled positions near Tripoli.")
    assert (lebanon.country, libya.country) == ("LBN", "LBY")


def test_without_article_country_the_larger_city_wins() -> None:
    (tripoli,) = places_of("Fighting broke out in Tripoli.")
    assert tripoli.country == "LBY"


def test_small_town_named_like_a_word_needs_a_cue() -> None:
    assert places_of("Most residents fled.") == []


def test_all_candidates_of_a_document_are_looked_up_in_one_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The places stage asks the place index once per document, whatever its length."""
    index = places._index()
    calls: list[int] = []
    real = index.lookup_many

    def counting(texts):  # type: ignore[no-untyped-def]
        texts = list(texts)
        calls.append(len(texts))
        return real(texts)

    monkeypatch.setattr(index, "lookup_many", counting)
    monkeypatch.setattr(index, "lookup", lambda text: pytest.fail(f"single lookup of {text!r}"))
    found = places_of(
        "Gunmen attacked Bama in Borno state.",
        "Fighting also spread to Gwoza and Damboa.",
        "The governor visited Maiduguri on Monday.",
    )
    assert len(calls) == 1 and calls[0] > 3
    assert {p.name for p in found} >= {"Bama", "Borno State", "Gwoza", "Damboa", "Maiduguri"}
    assert all(p.key and p.evidence for p in found)


@pytest.fixture(scope="module")
def seed_doc() -> Document:
    if not SEED_ARTICLE.exists():
        pytest.skip(f"{SEED_ARTICLE} not found: the acceptance article lives in ../shared")
    if (
        importlib.util.find_spec("events.pipeline.clean") is None
        or importlib.util.find_spec("events.pipeline.segment") is None
    ):
        pytest.skip("clean/segment stages are not available yet")
    from events.pipeline.runner import get_stage

    doc = Document(
        raw=SEED_ARTICLE.read_text(encoding="utf-8"), given_published=dt.date(2020, 10, 10)
    )
    for name in ("clean", "segment", "actors", "places"):
        get_stage(name)(doc)
    return doc


def test_seed_article_places(seed_doc: Document) -> None:
    found = {(p.text, p.key, p.country, p.precision) for p in seed_doc.places}
    assert ("Moscow", "geonames:524901", "RUS", "point") in found
    assert ("Nagorno-Karabakh", "region:nagorno-karabakh", "AZE", "region") in found
    assert ("Azerbaijan", "country:AZE", "AZE", "country") in found
    # "Turkey", "Armenia", "Ankara" act in this article: none of them is a place
    assert not {t for t, *_ in found} & {"Turkey", "Armenia", "Ankara"}


def test_a_month_is_not_a_place() -> None:
    import datetime as dt

    from events.pipeline.load import Overrides, load_bytes
    from events.pipeline.runner import run

    text = b"Armenian forces shelled Azerbaijani positions near Fizuli in March, the ministry in Baku said."
    doc = run(load_bytes(text, origin="t", overrides=Overrides(published=dt.date(2021, 5, 1))))
    assert "March" not in [p.text for p in doc.places]
    assert any(d.text.endswith("March") for d in doc.dates)
