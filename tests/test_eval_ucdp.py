"""The UCDP GED evaluation gate: place, date, deaths and sides must not fall below the floors.

The whole sample (1,000 rows) runs in a few seconds, so the gate scores all of it. Only the
all-rows figures are pinned: a ``with_claim:`` rate may fall when the pipeline finds events in
more (harder) headlines, which is progress.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from events.evaluate import Report
from events.evaluate.match import (
    country_codes,
    distance_km,
    government_of,
    name_key,
    principal_actors,
    same_name,
    top_claim,
)
from events.evaluate.ucdp import (
    FIELDS,
    GoldEvent,
    date_right,
    deaths_within,
    evaluate,
    gold_events,
    location_right,
    predicted_admin1,
    score_row,
    side_matches,
)
from events.pipeline.doc import (
    ActorMention,
    Claim,
    DateMention,
    Document,
    PlaceMention,
    RoleFiller,
)
from tests.conftest import SHARED_DATA, shared_file

FLOORS = Path(__file__).with_name("eval_floors.json")


def gold(**fields: object) -> GoldEvent:
    values: dict[str, object] = {
        "id": "1",
        "text": "Two soldiers killed in Ariha",
        "source": "",
        "published": dt.date(2013, 1, 3),
        "from_headline": True,
        "date_start": dt.date(2013, 1, 3),
        "date_end": dt.date(2013, 1, 3),
        "where_description": "in the al-Rami village",
        "adm_1": "Idlib governorate",
        "adm_2": "Ariha district",
        "country": "Syria",
        "latitude": 35.763369,
        "longitude": 36.558974,
        "best": 2,
        "side_a": "Government of Syria",
        "side_b": "Syrian insurgents",
    }
    values.update(fields)
    return GoldEvent(**values)  # type: ignore[arg-type]


def place(name: str, precision: str = "point", lat: float | None = None,
          lon: float | None = None, country: str | None = "SYR", admin1: str | None = None,
          text: str | None = None) -> PlaceMention:  # fmt: skip
    return PlaceMention(0, len(name), text or name, 0, f"t:{name}", name, country, admin1,
                        lat, lon, precision)  # type: ignore[arg-type]  # fmt: skip


def actor(name: str, kind: str, country: str | None = None, sector: str | None = None,
          text: str | None = None) -> ActorMention:  # fmt: skip
    return ActorMention(0, 1, text or name, 0, f"k:{name}", name, kind, country, sector)


def claim(confidence: float = 0.5, trigger_start: int = 0, sentence_index: int = 0,
          **fields: object) -> Claim:  # fmt: skip
    c = Claim(sentence_index, "body", 0, 10, "s", "killed", trigger_start, trigger_start + 6,
              "ASSAULT", confidence=confidence)  # fmt: skip
    for k, v in fields.items():
        setattr(c, k, v)
    return c


# --------------------------------------------------------------------------
# Countries and names
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("DR Congo (Zaire)", "COD"),
        ("Russia (Soviet Union)", "RUS"),
        ("Yemen (North Yemen)", "YEM"),
        ("Cambodia (Kampuchea)", "KHM"),
        ("Myanmar (Burma)", "MMR"),
        ("Bosnia-Herzegovina", "BIH"),
        ("Serbia (Yugoslavia)", "SRB"),
        ("Turkey", "TUR"),
        ("Ivory Coast", "CIV"),
        ("Syria", "SYR"),
        ("Afghanistan", "AFG"),  # not in the crosswalk: pycountry
        ("Britain", "GBR"),  # a short name of seeds/countries.tsv
    ],
)
def test_ucdp_country_names_resolve_to_iso_codes(name: str, code: str) -> None:
    assert code in country_codes(name)


def test_a_predecessor_state_covers_its_successors_and_unknown_names_resolve_to_nothing() -> None:
    assert {"HRV", "BIH"} <= country_codes("Serbia (Yugoslavia)")  # Vukovar 1991
    assert "AZE" in country_codes("Russia (Soviet Union)")
    assert country_codes("Atlantis") == frozenset()
    assert country_codes("") == frozenset()


def test_government_sides_name_their_country() -> None:
    assert government_of("Government of DR Congo (Zaire)") == frozenset({"COD"})
    assert government_of("Government of United States of America") == frozenset({"USA"})
    assert government_of("Syrian insurgents") == frozenset()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Idlib governorate", "Idlib"),
        ("Şırnak province", "Sirnak"),
        ("town of Rafah", "Rafah"),
        ("Ar Raqqah governorate", "Raqqa"),
        ("Groznyy", "Grozny"),
        ("Khalsa city (area of)", "Khalsa"),
        ("in the al-Rami village", "Rami"),
    ],
)
def test_place_names_compare_folded_and_without_type_words(a: str, b: str) -> None:
    assert same_name(a, b), (name_key(a), name_key(b))


def test_different_or_empty_names_do_not_match() -> None:
    assert not same_name("Idlib", "Aleppo")
    assert not same_name("", "")
    assert not same_name(None, "Idlib")
    assert not same_name("province", "governorate")  # nothing left of either


def test_distance_is_great_circle_kilometres() -> None:
    assert distance_km(0, 0, 0, 1) == pytest.approx(111.2, abs=0.1)
    assert distance_km(35.76, 36.56, 35.76, 36.56) == 0


# --------------------------------------------------------------------------
# Fields
# --------------------------------------------------------------------------


def test_location_is_right_within_25_km_or_by_name() -> None:
    g = gold()
    assert location_right(place("Kafr Testa", lat=35.81, lon=36.61), g)  # ~7 km
    assert not location_right(place("Aleppo", lat=36.2, lon=37.16), g)  # ~70 km
    assert location_right(place("Rami"), g)  # where_description, no coordinates
    assert location_right(place("Ariha", text="Ariha"), g)  # adm_2 "Ariha district"
    assert not location_right(None, g)


def test_a_country_or_region_point_is_no_location() -> None:
    g = gold(latitude=34.5281, longitude=69.1723, where_description="Kabul city", adm_2="")
    # A country's point is its capital: Kabul for Afghanistan. Right by distance, wrong in kind.
    assert not location_right(place("Afghanistan", "country", 34.5281, 69.1723, "AFG"), g)
    assert not location_right(place("East Afghanistan", "region", 34.5281, 69.1723, "AFG"), g)
    assert location_right(place("Kabul", "point", 34.5281, 69.1723, "AFG"), g)


def test_admin1_is_the_places_division_or_the_place_itself() -> None:
    assert predicted_admin1(place("Ariha", admin1="Idlib Governorate")) == "Idlib Governorate"
    assert predicted_admin1(place("Idlib", "admin1")) == "Idlib"
    assert predicted_admin1(place("Syria", "country")) is None
    assert same_name(predicted_admin1(place("Ariha", admin1="Idlib")), gold().adm_1)


def date(start: dt.date, end: dt.date, precision: str = "day") -> DateMention:
    return DateMention(0, 1, "x", 0, start, end, precision)  # type: ignore[arg-type]


def test_date_overlaps_the_gold_interval_and_names_a_month_at_most() -> None:
    g = gold(date_start=dt.date(1989, 5, 10), date_end=dt.date(1989, 5, 16))
    assert date_right(claim(date=date(dt.date(1989, 5, 15), dt.date(1989, 5, 15))), g)
    assert not date_right(claim(date=date(dt.date(1989, 5, 17), dt.date(1989, 5, 17))), g)
    may = date(dt.date(1989, 5, 1), dt.date(1989, 5, 31), "month")
    assert date_right(claim(date=may), g)
    year = date(dt.date(1989, 1, 1), dt.date(1989, 12, 31), "year")
    assert not date_right(claim(date=year), g)
    assert not date_right(claim(), g)
    assert not date_right(None, g)


def test_deaths_exact_and_within_a_quarter() -> None:
    assert deaths_within(12, 12, 0.0)
    assert not deaths_within(11, 12, 0.0)
    assert deaths_within(10, 12, 0.25) and not deaths_within(8, 12, 0.25)
    assert not deaths_within(None, 0, 0.25)  # no figure is not "no deaths"
    assert deaths_within(0, 0, 0.25)


def test_government_sides_match_state_actors_of_their_country() -> None:
    assert side_matches("Government of Syria", actor("Military (Syria)", "military", "SYR", "MIL"))
    assert side_matches("Government of Syria", actor("Syria", "state", "SYR"))
    assert not side_matches("Government of Syria", actor("Military", "military", None, "MIL"))
    assert not side_matches(
        "Government of Syria", actor("Armed group", "armed_group", "SYR", "REB")
    )
    assert side_matches("Government of Russia (Soviet Union)", actor("Russia", "state", "RUS"))


def test_civilian_and_insurgent_sides() -> None:
    assert side_matches("Civilians", actor("Civilians", "population", "AFG", "CVL"))
    assert not side_matches("Civilians", actor("Taliban", "armed_group", "AFG", "REB"))
    assert side_matches("Syrian insurgents", actor("Armed group", "armed_group", None, "REB"))
    assert not side_matches("Syrian insurgents", actor("Syria", "state", "SYR"))


def test_named_sides_match_by_acronym_or_a_shared_spelling() -> None:
    assert side_matches("Taleban", actor("Taliban", "armed_group", "AFG", "REB"))
    assert side_matches("IS", actor("Islamic State", "armed_group", None, "REB"))
    assert side_matches("LTTE", actor("Liberation Tigers of Tamil Eelam", "armed_group"))
    assert side_matches("SDF", actor("Syrian Democratic Forces", "armed_group", "SYR"))
    assert side_matches("UNITA", actor("Armed group (Angola)", "armed_group", text="UNITA rebels"))
    assert side_matches("Al-Shabaab", actor("al-Shabaab", "armed_group", text="Al-Shabab"))
    assert not side_matches("PKK", actor("Armed group", "armed_group", "TUR", "REB"))
    # "Ahmed" in a brigade's name is no spelling of the generic "Armed group".
    assert not side_matches("Martyr Ahmed Abdou Brigades", actor("Armed group", "armed_group"))
    assert not side_matches("Taleban", None)


# --------------------------------------------------------------------------
# Claims and rows
# --------------------------------------------------------------------------


def test_top_claim_is_the_most_confident_then_the_earliest() -> None:
    first, second, sure = claim(0.5, 5), claim(0.5, 40), claim(0.9, 80)
    assert top_claim(Document(claims=[second, first])) is first
    assert top_claim(Document(claims=[first, sure])) is sure
    later_sentence = claim(0.5, 0, sentence_index=2)
    assert top_claim(Document(claims=[later_sentence, second])) is second
    assert top_claim(Document()) is None


def test_principal_actors_are_first_source_and_first_other_target() -> None:
    army = actor("Military (Syria)", "military", "SYR", "MIL")
    rebels = actor("Armed group", "armed_group", None, "REB")
    civilians = actor("Civilians", "population", None, "CVL")
    c = claim(roles=[RoleFiller("source", army), RoleFiller("target", rebels)])
    assert principal_actors(c) == (army, rebels)
    clash = claim(roles=[RoleFiller("source", army), RoleFiller("source", rebels)])
    assert principal_actors(clash) == (army, rebels)
    victims = claim(roles=[RoleFiller("target", civilians)])
    assert principal_actors(victims) == (None, civilians)
    assert principal_actors(None) == (None, None)


def test_a_row_without_a_claim_is_wrong_everywhere_and_not_in_with_claim() -> None:
    report = Report("t")
    score_row(report, gold(), None)
    assert {f for f in report.scores} == set(FIELDS)
    assert all(s.total == 1 and s.correct == 0 for s in report.scores.values())


def test_a_right_row_counts_in_both_views() -> None:
    army = actor("Military (Syria)", "military", "SYR", "MIL")
    rebels = actor("Armed group", "armed_group", "SYR", "REB")
    c = claim(
        roles=[RoleFiller("source", army), RoleFiller("target", rebels)],
        place=place("Rami", lat=35.763, lon=36.559, admin1="Idlib"),
        date=date(dt.date(2013, 1, 3), dt.date(2013, 1, 3)),
        fatalities_best=2,
    )
    report = Report("t")
    score_row(report, gold(), c)
    for name in FIELDS:
        for key in (name, f"with_claim:{name}"):
            assert (report.scores[key].correct, report.scores[key].total) == (1, 1), key


def test_an_empty_gold_field_is_not_scored() -> None:
    report = Report("t")
    score_row(report, gold(adm_1="", country="Atlantis"), None)
    assert "admin1" not in report.scores and "country" not in report.scores


HEADER = (
    "id,source_article,source_date,source_headline,source_original,where_description,adm_1,"
    "adm_2,latitude,longitude,country,date_start,date_end,best,side_a,side_b\n"
)


def test_rows_become_articles_from_headlines_or_the_article_reference(tmp_path: Path) -> None:
    folder = tmp_path / "ucdp-ged-sample"
    folder.mkdir()
    (folder / "ucdpged_sample1000.csv").write_text(
        HEADER
        + '7.0,"x",2020-01-02;2020-01-05,Soldiers killed in Ariha;.;Shelling in Idlib,SOHR; VDC,'
        "Ariha,Idlib governorate,,35.8,36.6,Syria,2020-01-01,2020-01-02,3.0,"
        "Government of Syria,Syrian insurgents\n"
        '8.0,"Wire 1990-02-06 ""FIVE KILLED IN A BLAST",,,,Town,,,1.0,2.0,India,1990-02-05,'
        "1990-02-05,5.0,Government of India,Kashmir insurgents\n",
        encoding="utf-8",
    )
    first, second = gold_events(tmp_path)
    assert first.id == "7"
    assert first.text == "Soldiers killed in Ariha\n\nShelling in Idlib"  # "." is no headline
    assert first.published == dt.date(2020, 1, 2)
    assert first.source == "SOHR; VDC" and first.from_headline
    assert first.best == 3 and first.date_end == dt.date(2020, 1, 2)
    assert second.text == 'Wire 1990-02-06 "FIVE KILLED IN A BLAST'
    assert second.published == dt.date(1990, 2, 5) and not second.from_headline
    doc = first.document()
    assert doc.raw == first.text and doc.source == "SOHR; VDC"
    assert doc.given_published == dt.date(2020, 1, 2)


# --------------------------------------------------------------------------
# The gate
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report() -> Report:
    shared_file("ucdp-ged-sample", "ucdpged_sample1000.csv")
    return evaluate(SHARED_DATA)


def test_every_ucdp_row_is_scored(report: Report) -> None:
    assert report.scores["claimed"].total == 1000
    assert report.scores["location"].total == 1000


def test_ucdp_floors_cover_every_all_rows_field() -> None:
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))["ucdp"]
    assert set(floors) == {"claimed", *FIELDS}


@pytest.mark.parametrize("field", ["claimed", *FIELDS])
def test_ucdp_scores_stay_above_their_floors(report: Report, field: str) -> None:
    floor = json.loads(FLOORS.read_text(encoding="utf-8"))["ucdp"][field]
    score = report.scores[field]
    assert score.accuracy >= floor, (
        f"{field} accuracy {score.accuracy:.4f} ({score.correct}/{score.total}) fell below "
        f"its floor {floor}: {report.notes}"
    )
