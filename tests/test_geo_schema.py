"""Places with admin2 and GeoNames id (migration 0004): store, views, migrations, exports.

Documents are built here and stored through the store, so these tests do not
depend on the places stage that fills the same fields from text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from sqlalchemy import text

from events import db as dblib
from events.pipeline.doc import (
    ActorMention,
    Claim,
    DateMention,
    Document,
    PlaceMention,
    RoleFiller,
)
from events.store import store_document
from events.views import CLAIMS_FLAT_COLUMNS, EVENTS_FLAT_COLUMNS
from tests.conftest import invoke, scalar

BEFORE = "0003_article_text_hash"

KHARKIV = PlaceMention(
    0, 7, "Kharkiv", 0, key="geonames:706483", name="Kharkiv", country="UKR",
    admin1="Kharkiv Oblast", admin2="Kharkivskyi Raion", geonames_id=706483,
    latitude=49.98081, longitude=36.25272, precision="point",
    evidence="city of the article's country UKR",
)  # fmt: skip
IGABI = PlaceMention(
    0, 5, "Igabi", 0, key="geonames:2338400", name="Igabi", country="NGA", admin1="Kaduna",
    admin2="Igabi", geonames_id=2338400, latitude=10.78, longitude=7.77, precision="admin2",
    evidence="admin2 of Kaduna named in the sentence",
)  # fmt: skip
IDLIB = PlaceMention(
    0, 5, "Idlib", 0, key="geonames:169387", name="Idlib", country="SYR", admin1="Idlib",
    geonames_id=169387, latitude=35.83, longitude=36.63, precision="admin1",
)  # fmt: skip
SOMALIA = PlaceMention(
    0, 7, "Somalia", 0, key="country:SOM", name="Somalia", country="SOM",
    latitude=2.0416, longitude=45.3435, precision="country",
    evidence="no place named: the country of the actors",
)  # fmt: skip
KARABAKH = PlaceMention(
    0, 16, "Nagorno-Karabakh", 0, key="region:nagorno-karabakh", name="Nagorno-Karabakh",
    country="AZE", latitude=39.82, longitude=46.75, precision="region",
)  # fmt: skip


def _actor(key: str, name: str, country: str) -> ActorMention:
    return ActorMention(0, len(name), name, 0, key=key, name=name, kind="state", country=country)


def _doc(n: int, place: PlaceMention | None, day: int = 1) -> Document:
    """Return an extracted document: one shelling claim at ``place`` on 2024-03-``day``."""
    sentence = f"Artillery shelled the area on March {day}, report number {n}."
    date = DateMention(0, 8, f"March {day}", 0, dt.date(2024, 3, day), dt.date(2024, 3, day),
                       "day")  # fmt: skip
    claim = Claim(
        sentence_index=0, section="body", char_start=0, char_end=len(sentence),
        sentence=sentence, trigger="shelled", trigger_start=10, trigger_end=17,
        event_type="ASSAULT", date=date, place=place, fatalities_best=n, fatalities_low=n,
        fatalities_high=n, confidence=0.8, rule="test",
        roles=[RoleFiller("source", _actor("RUS", "Russia", "RUS")),
               RoleFiller("target", _actor("UKR", "Ukraine", "UKR"))],
    )  # fmt: skip
    return Document(raw=sentence, body=sentence, title=f"Report {n}", source="Test Wire",
                    published=dt.date(2024, 3, 2), published_precision="day",
                    claims=[claim])  # fmt: skip


def _store(db_arg: str, *docs: Document) -> None:
    database = dblib.open_database(db_arg)
    try:
        for doc in docs:
            with database.session() as session, session.begin():
                assert store_document(session, doc) is not None
    finally:
        database.dispose()


def _rows(db_arg: str, sql: str) -> list[dict[str, Any]]:
    engine = dblib.make_engine(dblib.resolve_url(db_arg))
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


# --- store and views --------------------------------------------------------------------


def test_stored_place_shows_admin2_and_geonames_id_in_both_views(db: str) -> None:
    _store(db, _doc(1, KHARKIV), _doc(2, SOMALIA))
    claims = _rows(db, "SELECT * FROM claims_flat ORDER BY claim_id")
    assert [tuple(c) for c in claims] == [CLAIMS_FLAT_COLUMNS] * 2
    kharkiv, somalia = claims
    assert (kharkiv["location"], kharkiv["admin1"], kharkiv["admin2"]) == (
        "Kharkiv", "Kharkiv Oblast", "Kharkivskyi Raion")  # fmt: skip
    assert kharkiv["geonames_id"] == 706483
    assert kharkiv["location_evidence"] == "city of the article's country UKR"
    assert (kharkiv["geo_precision"], kharkiv["country"]) == ("point", "UKR")
    # A country-level place when no place is named: no admin2, no GeoNames id.
    assert (somalia["location"], somalia["geo_precision"], somalia["country"]) == (
        "Somalia", "country", "SOM")  # fmt: skip
    assert (somalia["admin2"], somalia["geonames_id"]) == (None, None)
    assert somalia["location_evidence"] == "no place named: the country of the actors"

    events = _rows(db, "SELECT * FROM events_flat ORDER BY event_id")
    assert [tuple(e) for e in events] == [EVENTS_FLAT_COLUMNS] * 2
    assert (events[0]["admin2"], events[0]["geonames_id"]) == ("Kharkivskyi Raion", 706483)
    assert (events[1]["admin2"], events[1]["geonames_id"]) == (None, None)


def test_place_without_evidence_stores_null_and_long_evidence_is_cut(db: str) -> None:
    from dataclasses import replace

    _store(db, _doc(1, IDLIB), _doc(2, replace(IGABI, evidence="why " * 100)))
    idlib, igabi = _rows(db, "SELECT location_evidence FROM claims ORDER BY id")
    assert idlib["location_evidence"] is None
    assert igabi["location_evidence"] == ("why " * 100)[:255]


def test_a_later_mention_completes_a_stored_place_but_never_replaces(db: str) -> None:
    from dataclasses import replace

    # Stored before admin2 and the GeoNames id were known (an older places stage).
    bare = replace(KHARKIV, admin2=None, geonames_id=None)
    _store(db, _doc(1, bare))
    row = _rows(db, "SELECT admin2, geonames_id FROM locations WHERE key = 'geonames:706483'")
    assert row == [{"admin2": None, "geonames_id": None}]
    _store(db, _doc(2, KHARKIV, day=5))
    other = replace(KHARKIV, admin2="Another Raion", geonames_id=1)
    _store(db, _doc(3, other, day=9))
    row = _rows(db, "SELECT admin2, geonames_id FROM locations WHERE key = 'geonames:706483'")
    assert row == [{"admin2": "Kharkivskyi Raion", "geonames_id": 706483}]
    assert scalar(db, "SELECT count(*) FROM locations WHERE key = 'geonames:706483'") == 1
    claims = _rows(db, "SELECT DISTINCT admin2 FROM claims_flat")
    assert claims == [{"admin2": "Kharkivskyi Raion"}]


# --- migrations ---------------------------------------------------------------------------


def _fill_at_0003(db_arg: str) -> None:
    """Insert one place, article, event and claim with the columns revision 0003 has."""
    engine = dblib.make_engine(dblib.resolve_url(db_arg))
    try:
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO locations (id, key, name, admin1, country, latitude, longitude, "
                "precision) VALUES (1, 'geonames:706483', 'Kharkiv', 'Kharkiv Oblast', 'UKR', "
                "49.98, 36.25, 'point')"))  # fmt: skip
            conn.execute(text(
                "INSERT INTO articles (id, body, published_precision, published_inferred, "
                "content_hash, extractor_version) VALUES (1, 'Shelling in Kharkiv.', 'unknown', "
                ":no, 'h1', 'old')"), {"no": False})  # fmt: skip
            conn.execute(text(
                "INSERT INTO events (id, location_id, status, extractor_version, event_type, "
                "date_precision) VALUES (1, 1, 'auto', 'old', 'ASSAULT', 'unknown')"))  # fmt: skip
            conn.execute(text(
                "INSERT INTO claims (id, article_id, event_id, section, sentence_index, "
                "char_start, char_end, sentence, location_id, modality, negated, confidence, "
                "extractor_version, event_type, date_precision) VALUES (1, 1, 1, 'body', 0, 0, "
                "20, 'Shelling in Kharkiv.', 1, 'asserted', :no, 0.5, 'old', 'ASSAULT', "
                "'unknown')"), {"no": False})  # fmt: skip
    finally:
        engine.dispose()


def _upgrade(runner, db_arg: str, *revision: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", db_arg, "db", "upgrade", *revision)
    assert result.exit_code == 0, result.output


def _downgrade(runner, db_arg: str, revision: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", db_arg, "db", "downgrade", revision, "--yes")
    assert result.exit_code == 0, result.output


def test_up_down_up_keeps_the_data(runner, empty_db: str) -> None:  # type: ignore[no-untyped-def]
    _upgrade(runner, empty_db, BEFORE)
    _fill_at_0003(empty_db)
    _upgrade(runner, empty_db)
    # Existing rows: the new columns start empty, everything else is as it was.
    row = _rows(empty_db, "SELECT location, admin1, admin2, geonames_id, location_evidence, "
                          "sentence FROM claims_flat")  # fmt: skip
    assert row == [{"location": "Kharkiv", "admin1": "Kharkiv Oblast", "admin2": None,
                    "geonames_id": None, "location_evidence": None,
                    "sentence": "Shelling in Kharkiv."}]  # fmt: skip
    engine = dblib.make_engine(dblib.resolve_url(empty_db))
    with engine.begin() as conn:
        conn.execute(text("UPDATE locations SET admin2 = 'Kharkivskyi Raion', geonames_id = 7"))
    engine.dispose()
    assert _rows(empty_db, "SELECT admin2, geonames_id FROM events_flat") == [
        {"admin2": "Kharkivskyi Raion", "geonames_id": 7}
    ]

    _downgrade(runner, empty_db, BEFORE)
    assert _rows(empty_db, "SELECT claim_id, event_id, location, admin1 FROM claims_flat") == [
        {"claim_id": 1, "event_id": 1, "location": "Kharkiv", "admin1": "Kharkiv Oblast"}
    ]
    assert scalar(empty_db, "SELECT count(*) FROM events_flat") == 1

    _upgrade(runner, empty_db)
    # What only the dropped columns held is gone; every other value survived both ways.
    assert _rows(empty_db, "SELECT claim_id, location, admin2 FROM claims_flat") == [
        {"claim_id": 1, "location": "Kharkiv", "admin2": None}
    ]
    check = invoke(runner, "--db", empty_db, "db", "check")
    assert check.exit_code == 0, check.output


def _view_definitions(db_arg: str) -> dict[str, str]:
    if dblib.sqlite_path(dblib.resolve_url(db_arg)) is not None:
        sql = "SELECT name, sql FROM sqlite_master WHERE type = 'view'"
    else:
        sql = "SELECT viewname, definition FROM pg_views WHERE schemaname = current_schema()"
    engine = dblib.make_engine(dblib.resolve_url(db_arg))
    try:
        with engine.connect() as conn:
            return {name: definition for name, definition in conn.execute(text(sql))}
    finally:
        engine.dispose()


def test_downgrade_restores_the_views_of_0003_exactly(runner, empty_db: str) -> None:  # type: ignore[no-untyped-def]
    _upgrade(runner, empty_db, BEFORE)
    before = _view_definitions(empty_db)
    assert set(before) == {"claims_flat", "events_flat"}
    _upgrade(runner, empty_db)
    assert _view_definitions(empty_db) != before
    _downgrade(runner, empty_db, BEFORE)
    assert _view_definitions(empty_db) == before


@pytest.mark.postgres
def test_postgres_upgrade_keeps_grants_and_researchers_views(runner, engine_name, empty_db) -> None:  # type: ignore[no-untyped-def]
    if engine_name != "postgresql":
        pytest.skip("grants and view dependencies are PostgreSQL's")
    from alembic import command

    from events.readonly import READER_ROLE

    _upgrade(runner, empty_db, BEFORE)  # also grants the reader role the 0003 views
    url = dblib.resolve_url(empty_db)
    engine = dblib.make_engine(url)

    def granted(view: str) -> bool:
        with engine.connect() as conn:
            return bool(conn.execute(
                text("SELECT has_table_privilege(:role, :view, 'SELECT')"),
                {"role": READER_ROLE, "view": view},
            ).scalar())  # fmt: skip

    with engine.begin() as conn:
        conn.execute(text("CREATE VIEW my_kharkiv AS SELECT claim_id, location FROM claims_flat"))
    # The migration alone (no grant refresh after it) keeps what the views had.
    command.upgrade(dblib.alembic_config(url), "head")
    assert granted("claims_flat") and granted("events_flat")
    assert scalar(empty_db, "SELECT count(*) FROM my_kharkiv") == 0
    # ... so the read-only query, which runs as the reader role, sees the new columns.
    result = invoke(runner, "--db", empty_db, "query",
                    "select admin2, geonames_id, location_evidence from claims_flat")  # fmt: skip
    assert result.exit_code == 0, result.output

    # A downgrade cannot drop a view a researcher built on: it says so and changes nothing.
    refused = invoke(runner, "--db", empty_db, "db", "downgrade", BEFORE, "--yes")
    assert refused.exit_code == 1
    assert "other objects depend on it" in refused.stderr, refused.stderr
    assert scalar(empty_db, "SELECT version_num FROM alembic_version") == dblib.head_revision()
    with engine.begin() as conn:
        conn.execute(text("DROP VIEW my_kharkiv"))
    command.downgrade(dblib.alembic_config(url), BEFORE)
    assert granted("claims_flat") and granted("events_flat")  # given back after the re-creation
    engine.dispose()

    # The usual path, `events db upgrade` from 0003, ends with a working reader query.
    _upgrade(runner, empty_db)
    result = invoke(runner, "--db", empty_db, "query", "select admin2 from claims_flat")
    assert result.exit_code == 0, result.output


# --- exports ------------------------------------------------------------------------------

#: place -> (ACLED geo_precision, UCDP where_prec, ACLED region, UCDP region, country_id)
CODED = {
    "Kharkiv": ("1", "1", "Europe", "Europe", "369"),
    "Igabi": ("2", "3", "Western Africa", "Africa", "475"),
    "Idlib": ("3", "4", "Middle East", "Middle East", "652"),
    "Somalia": ("3", "6", "Eastern Africa", "Africa", "520"),
    "Nagorno-Karabakh": ("3", "5", "Caucasus and Central Asia", "Europe", "373"),
}


@pytest.fixture
def places_db(db: str) -> str:
    places = (KHARKIV, IGABI, IDLIB, SOMALIA, KARABAKH)
    _store(db, *(_doc(n, place, day=n) for n, place in enumerate(places, start=1)))
    return db


def _export(runner, db_arg: str, *args: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", db_arg, "export", "-", *args)
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


@pytest.mark.parametrize("level", ["claims", "events"])
def test_acled_export_carries_admin2_region_and_precision(runner, places_db, level) -> None:  # type: ignore[no-untyped-def]
    rows = {r["location"]: r for r in _export(runner, places_db, "--profile", "acled",
                                              "--level", level)}  # fmt: skip
    assert set(rows) == set(CODED)
    for place, (precision, _where, region, _ucdp, _id) in CODED.items():
        assert (rows[place]["geo_precision"], rows[place]["region"]) == (precision, region), place
        assert rows[place]["admin3"] == ""
    kharkiv = rows["Kharkiv"]
    assert (kharkiv["country"], kharkiv["iso"]) == ("Ukraine", "804")
    assert (kharkiv["admin1"], kharkiv["admin2"]) == ("Kharkiv Oblast", "Kharkivskyi Raion")
    assert (rows["Igabi"]["admin1"], rows["Igabi"]["admin2"]) == ("Kaduna", "Igabi")
    assert (rows["Idlib"]["admin1"], rows["Idlib"]["admin2"]) == ("Idlib", "")
    assert (rows["Somalia"]["admin1"], rows["Somalia"]["admin2"]) == ("", "")
    assert (rows["Somalia"]["country"], rows["Somalia"]["iso"]) == ("Somalia", "706")


@pytest.mark.parametrize("level", ["claims", "events"])
def test_ucdp_export_carries_adm_2_country_id_region_and_where_prec(
    runner, places_db, level
) -> None:  # type: ignore[no-untyped-def]
    rows = {r["where_coordinates"]: r for r in _export(runner, places_db, "--profile", "ucdp",
                                                       "--level", level)}  # fmt: skip
    assert set(rows) == set(CODED)
    for place, (_precision, where, _acled, region, country_id) in CODED.items():
        got = (rows[place]["where_prec"], rows[place]["region"], rows[place]["country_id"])
        assert got == (where, region, country_id), place
    kharkiv = rows["Kharkiv"]
    assert (kharkiv["adm_1"], kharkiv["adm_2"]) == ("Kharkiv Oblast", "Kharkivskyi Raion")
    assert (kharkiv["latitude"], kharkiv["longitude"]) == ("49.98081", "36.25272")
    assert kharkiv["geom_wkt"] == "POINT (36.25272 49.98081)"
    assert (kharkiv["country"], rows["Igabi"]["adm_2"]) == ("Ukraine", "Igabi")


def test_native_export_has_the_new_columns_at_the_end(runner, places_db) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", places_db, "export", "-", "--csv")
    header = next(csv.reader(io.StringIO(result.stdout)))
    # 0004's columns, then 0005's is_main (appended after them), then 0006's
    at = header.index("admin2")
    assert header[at : at + 4] == ["admin2", "geonames_id", "location_evidence", "is_main"]
    assert header[at + 4 :] == ["curated", "copy_of"]
    rows = {r["location"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert (rows["Kharkiv"]["admin2"], rows["Kharkiv"]["geonames_id"]) == (
        "Kharkivskyi Raion", "706483")  # fmt: skip
