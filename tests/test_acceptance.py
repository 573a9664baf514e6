"""The article the project was specified from, end to end, judged in claims_flat.

Reads ../shared/data/seed/southfront-2020-10-turkey-karabakh.txt (third-party
text, never copied into the repo); skips when ../shared is absent.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.conftest import SEED_ARTICLE, invoke, shared_file

TITLE = "Turkey Claims Nagorno-Karabakh Ceasefire Efforts Will Fail Without Armenian Withdrawal"


def rows(runner, db: str, sql: str, **params: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    args = [a for k, v in params.items() for a in ("-p", k, v)]
    result = invoke(runner, "--db", db, "query", sql, *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def seeded(runner, db: str) -> str:  # type: ignore[no-untyped-def]
    path = shared_file("seed", SEED_ARTICLE.name)
    result = invoke(runner, "--db", db, "ingest", str(path), "--published", "2020-10-10")
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def claims(runner, seeded: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return rows(runner, seeded, "select * from claims_flat order by claim_id")


def test_1_title_source_and_clean_body(runner, seeded: str) -> None:  # type: ignore[no-untyped-def]
    (article,) = rows(
        runner, seeded,
        "select a.title, a.body, a.comments, s.name as source from articles a "
        "left join sources s on s.id = a.source_id",
    )  # fmt: skip
    assert article["title"] == TITLE
    assert article["source"] == "SouthFront"
    body = article["body"]
    assert TITLE not in body
    for junk in ("2,500 $", "5,000 $", "Support SouthFront", "Notify of", "Newest Most Voted",
                 "Inline Feedbacks", "View all comments", "Would love your thoughts"):  # fmt: skip
        assert junk not in body, junk
    assert body.lstrip().startswith("Turkish Presidential Spokesman Ibrahim Kalin")


def test_1_caption_is_its_own_section(runner, seeded: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", seeded, "show", "1", "--json")
    body = json.loads(result.stdout)["article"]["body"]
    caption_end = body.index("Ibrahim Kalin") + len("Ibrahim Kalin")
    # the caption is not glued to the first body sentence
    assert body[caption_end : caption_end + 2] == "\n\n"


def test_2_comments_are_kept_apart_and_not_coded(runner, seeded: str, claims) -> None:  # type: ignore[no-untyped-def]
    (article,) = rows(runner, seeded, "select comments from articles")
    assert "Stalin rewrote the borders" in article["comments"]
    assert not [c for c in claims if c["section"] == "comment"]
    assert not [c for c in claims if "Stalin" in c["sentence"] or "Isis" in c["sentence"]]


def test_2_include_comments_codes_them(runner, db: str) -> None:  # type: ignore[no-untyped-def]
    path = shared_file("seed", SEED_ARTICLE.name)
    invoke(
        runner, "--db", db, "ingest", str(path), "--published", "2020-10-10", "--include-comments"
    )
    coded = rows(runner, db, "select distinct section from claims_flat")
    assert {"body", "comment"} <= {r["section"] for r in coded}


def test_3_azerbaijan_assaults_armenian_forces(claims) -> None:  # type: ignore[no-untyped-def]
    hits = [
        c for c in claims
        if c["event_type"] == "ASSAULT" and c["actor1_country"] == "AZE"
        and c["actor2_country"] == "ARM" and c["date_start"] == "2020-09-27"
    ]  # fmt: skip
    assert hits, "no ASSAULT Azerbaijan -> Armenia on 2020-09-27"
    c = hits[0]
    assert c["date_precision"] == "day"
    assert c["actor2_sector"] == "MIL"
    assert c["location"] == "Nagorno-Karabakh"
    assert c["latitude"] is not None and c["longitude"] is not None
    assert c["modality"] == "asserted"
    assert c["claimant"] is None


def test_4_hundreds_killed_thus_far(claims) -> None:  # type: ignore[no-untyped-def]
    (c,) = [c for c in claims if c["fatalities_low"] is not None]
    assert "Hundreds" in c["sentence"]
    assert c["fatalities_low"] == 100
    assert c["fatalities_high"] is not None and c["fatalities_high"] < 1000
    assert (c["date_start"], c["date_end"]) == ("2020-09-27", "2020-10-10")


def test_5_kalin_relayed_by_reuters_demands_withdrawal(claims) -> None:  # type: ignore[no-untyped-def]
    kalin = [c for c in claims if c["claimant"] == "Ibrahim Kalin"]
    assert kalin
    assert {c["claimant_country"] for c in kalin} == {"TUR"}
    assert any(c["relayed_by"] == "Reuters" for c in kalin)
    demand = [
        c for c in kalin
        if c["event_type"] in ("REQUEST", "THREATEN") and c["actor2_country"] == "ARM"
        and c["modality"] in ("conditional", "predicted")
    ]  # fmt: skip
    assert demand
    assert any(c["date_start"] == "2020-10-09" or c["claim_date"] == "2020-10-09" for c in demand)


def test_5_kalin_is_a_turkish_government_person(runner, seeded: str) -> None:  # type: ignore[no-untyped-def]
    (kalin,) = rows(runner, seeded, "select * from actors where name = 'Ibrahim Kalin'")
    assert (kalin["kind"], kalin["country"], kalin["sector"]) == ("person", "TUR", "GOV")
    assert "spokesman" in (kalin["title"] or "").lower()


def test_6_foreign_ministers_meet_in_moscow(runner, seeded: str, claims) -> None:  # type: ignore[no-untyped-def]
    consult = [c for c in claims if c["event_type"] == "CONSULT" and c["location"] == "Moscow"]
    assert consult
    c = consult[0]
    assert c["country"] == "RUS" and c["geo_precision"] == "point"
    assert c["latitude"] == pytest.approx(55.75, abs=0.2)
    assert c["date_start"] == "2020-10-09"
    people = {c["actor1"], c["actor2"], *(c["assoc_actors"] or "").split("; ")}
    assert {"Sergey Lavrov", "Jeyhun Bayramov", "Zohrab Mnatsakanyan"} <= people
    ministers = rows(
        runner, seeded,
        "select name, country, kind from actors where name in "
        "('Sergey Lavrov', 'Jeyhun Bayramov', 'Zohrab Mnatsakanyan') order by name",
    )  # fmt: skip
    assert [(m["name"], m["country"], m["kind"]) for m in ministers] == [
        ("Jeyhun Bayramov", "AZE", "person"),
        ("Sergey Lavrov", "RUS", "person"),
        ("Zohrab Mnatsakanyan", "ARM", "person"),
    ]


def test_7_akar_predicts_operations_continue_until_withdrawal(claims) -> None:  # type: ignore[no-untyped-def]
    akar = [
        c for c in claims
        if c["claimant"] == "Hulusi Akar" and c["event_type"] in ("THREATEN", "REQUEST")
        and c["modality"] in ("predicted", "conditional")
    ]  # fmt: skip
    assert akar
    assert all(c["claimant_country"] == "TUR" for c in akar)
    assert any(c["actor2_country"] == "ARM" for c in akar)


def test_8_turkey_deploys_militants_and_jets(claims) -> None:  # type: ignore[no-untyped-def]
    deploy = [c for c in claims if c["event_type"] in ("MOBILIZE", "SUPPORT")]
    militants = [c for c in deploy if "Syrian militants" in c["sentence"]]
    assert militants and militants[0]["actor1_country"] == "TUR"
    jets = [c for c in deploy if "F-16" in c["sentence"]]
    assert jets and jets[0]["actor1_country"] == "TUR"
    assert jets[0]["location"] == "Azerbaijan" and jets[0]["country"] == "AZE"


def test_9_appears_is_never_asserted(claims) -> None:  # type: ignore[no-untyped-def]
    appears = [c for c in claims if "appears to be confident" in c["sentence"]]
    assert all(c["modality"] == "alleged" for c in appears)


def test_10_three_mediators_and_us_does_not_split(claims) -> None:  # type: ignore[no-untyped-def]
    sentence = [
        c for c in claims if c["sentence"].startswith("Efforts by Russian, France and the U.S.")
    ]
    assert sentence, "the U.S. sentence was split or not coded"
    assert sentence[0]["sentence"].endswith("said on October 9.")
    import datetime as dt

    from events.pipeline.load import Overrides, load_bytes
    from events.pipeline.runner import run

    doc = run(load_bytes(SEED_ARTICLE.read_bytes(), origin="seed",
                         overrides=Overrides(published=dt.date(2020, 10, 10))))  # fmt: skip
    (index,) = [s.index for s in doc.sentences if s.text.startswith("Efforts by Russian")]
    mediators = [
        a for a in doc.actors if a.sentence_index == index and a.start < doc.body.index(" to end")
    ]
    assert [a.country for a in mediators] == ["RUS", "FRA", "USA"]


def test_11_no_dates_from_today_or_durations_and_no_widget_actors(
    runner, seeded: str, claims
) -> None:  # type: ignore[no-untyped-def]
    for c in claims:
        for field in ("date_start", "date_end"):
            assert not (c[field] or "").startswith("2026"), c
        assert c["date_text"] not in ("30 years", "now", "we")
    names = {
        r["name"]
        for r in rows(runner, seeded, "select name from actors where origin = 'extracted'")
    }
    for widget in (
        "Support",
        "Notify",
        "Newest",
        "Inline Feedbacks",
        "View",
        "Would",
        "SouthFront Support",
    ):
        assert widget not in names
    assert not [n for n in names if re.fullmatch(r"(?i)we|now|support southfront", n)]


def test_without_published_date_nothing_is_resolved_against_today(runner, db: str) -> None:  # type: ignore[no-untyped-def]
    path = shared_file("seed", SEED_ARTICLE.name)
    result = invoke(runner, "--db", db, "ingest", str(path))
    assert result.exit_code == 0, result.output
    assert "publication date" in result.stderr
    (article,) = rows(runner, db, "select published, published_inferred, warnings from articles")
    assert article["published"] is None or article["published_inferred"]
    for c in rows(runner, db, "select date_start, date_end from claims_flat"):
        assert not (c["date_start"] or "").startswith("2026")


def test_reingest_is_a_no_op(runner, seeded: str) -> None:  # type: ignore[no-untyped-def]
    before = rows(runner, seeded, "select count(*) as n from claims")[0]["n"]
    path = shared_file("seed", SEED_ARTICLE.name)
    again = invoke(runner, "--db", seeded, "ingest", str(path), "--published", "2020-10-10")
    assert again.exit_code == 0
    assert "1 skipped" in again.stderr
    assert rows(runner, seeded, "select count(*) as n from claims")[0]["n"] == before
    assert rows(runner, seeded, "select count(*) as n from articles")[0]["n"] == 1
