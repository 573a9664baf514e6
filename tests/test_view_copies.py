"""The views read one table each (migration 0007), and still show what the tables hold.

``claims_flat`` and ``events_flat`` read copies of the actors', places', articles' and
crosswalk's columns that the database keeps in ``claims`` / ``events`` with triggers.
These tests change the parent rows the way people and programs do (an actor renamed or
deleted, an outlet renamed, an article marked a copy, a crosswalk row added, a claim
given another actor) and check, on both engines, that the views still equal the join
of the tables they were defined by before 0007; and that a count or an actor filter
through a view is answered by the view's own table and its indexes (the plans).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from events import db as dblib
from tests.conftest import invoke

WIRE = """Militia raid on Baidoa market kills nine

Al-Shabaab fighters attacked a market in Baidoa on Monday, killing nine civilians, \
the regional governor said.

Somali forces later clashed with the militants near the town, residents said.
"""
MONITOR = """Protest in Garowe

Hundreds of traders protested in Garowe on Tuesday against new taxes, \
a local rights group said.
"""

# The columns the copies feed, as 0006's joins computed them (the reference).
CLAIMS_JOINED = """
SELECT c.id AS id, s.name AS source, ar.external_id AS article_external_id,
       ar.url AS article_url, ar.title AS article_title, ar.copy_of_id AS copy_of,
       {published} AS article_published,
       a1.name AS actor1, a1.country AS actor1_country, a1.sector AS actor1_sector,
       a2.name AS actor2, a2.country AS actor2_country, a2.sector AS actor2_sector,
       cl.name AS claimant, cl.country AS claimant_country,
       COALESCE(rl.name, c.relayed_by_text) AS relayed_by,
       loc.name AS location, loc.admin1, loc.admin2, loc.country, loc.latitude,
       loc.longitude, COALESCE(loc.precision, 'unknown') AS geo_precision, loc.geonames_id,
       COALESCE(etm.acled_event_type, etd.acled_event_type) AS acled_event_type,
       COALESCE(etm.acled_sub_event_type, etd.acled_sub_event_type) AS acled_sub_event_type,
       COALESCE(etm.cameo_root, etd.cameo_root) AS cameo_root,
       {assoc_claims} AS assoc_actors
FROM claims c
LEFT JOIN articles ar ON ar.id = c.article_id
LEFT JOIN sources s ON s.id = ar.source_id
LEFT JOIN actors a1 ON a1.id = c.actor1_id
LEFT JOIN actors a2 ON a2.id = c.actor2_id
LEFT JOIN actors cl ON cl.id = c.claimant_id
LEFT JOIN actors rl ON rl.id = c.relayed_by_id
LEFT JOIN locations loc ON loc.id = c.location_id
LEFT JOIN event_types etm ON etm.plover_type = c.event_type AND etm.mode = c.event_mode
LEFT JOIN event_types etd ON etd.plover_type = c.event_type AND etd.mode = ''
WHERE c.status <> 'rejected'
ORDER BY c.id
"""
EVENTS_JOINED = """
SELECT e.id AS id,
       a1.name AS actor1, a1.country AS actor1_country, a1.sector AS actor1_sector,
       a2.name AS actor2, a2.country AS actor2_country, a2.sector AS actor2_sector,
       loc.name AS location, loc.admin1, loc.admin2, loc.country, loc.latitude,
       loc.longitude, COALESCE(loc.precision, 'unknown') AS geo_precision, loc.geonames_id,
       COALESCE(etm.acled_event_type, etd.acled_event_type) AS acled_event_type,
       COALESCE(etm.acled_sub_event_type, etd.acled_sub_event_type) AS acled_sub_event_type,
       COALESCE(etm.cameo_root, etd.cameo_root) AS cameo_root,
       {assoc_events} AS assoc_actors
FROM events e
LEFT JOIN actors a1 ON a1.id = e.actor1_id
LEFT JOIN actors a2 ON a2.id = e.actor2_id
LEFT JOIN locations loc ON loc.id = e.location_id
LEFT JOIN event_types etm ON etm.plover_type = e.event_type AND etm.mode = e.event_mode
LEFT JOIN event_types etd ON etd.plover_type = e.event_type AND etd.mode = ''
WHERE e.status <> 'rejected' AND e.num_claims > 0
ORDER BY e.id
"""


def assoc(pg: bool, link_table: str, key: str, owner: str) -> str:
    """The other actors' names in role order, as 0004's views computed them per row."""
    distinct = "IS DISTINCT FROM" if pg else "IS NOT"
    ranked = (
        f"SELECT x.name, min(CASE l.role WHEN 'source' THEN 0 WHEN 'target' THEN 1000 "
        f"ELSE 2000 END + l.position) AS rank FROM {link_table} l "
        f"JOIN actors x ON x.id = l.actor_id WHERE l.{key} = {owner}.id "
        f"AND l.actor_id {distinct} {owner}.actor1_id AND l.actor_id {distinct} {owner}.actor2_id "
        f"GROUP BY x.id, x.name"
    )
    if pg:
        return f"(SELECT string_agg(t.name, '; ' ORDER BY t.rank, t.name) FROM ({ranked}) t)"
    return f"(SELECT group_concat(t.name, '; ') FROM ({ranked} ORDER BY rank, x.name) t)"


def rows(db: str, sql: str, **params: Any) -> list[dict[str, Any]]:
    engine = dblib.make_engine(dblib.resolve_url(db))
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def write(db: str, *statements: str, **params: Any) -> None:
    engine = dblib.make_engine(dblib.resolve_url(db))
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement), params)
    finally:
        engine.dispose()


def joined_and_viewed(db: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The reference join of the tables, and the same columns read from the views."""
    pg = db.startswith("postgresql")
    published = "CAST(ar.published AS TEXT)" if pg else "ar.published"
    joined = rows(
        db,
        CLAIMS_JOINED.format(
            published=published, assoc_claims=assoc(pg, "claim_actors", "claim_id", "c")
        ),
    )
    columns = [k for k in joined[0] if k != "id"] if joined else []
    viewed = rows(
        db, f"SELECT claim_id AS id, {', '.join(columns)} FROM claims_flat ORDER BY claim_id"
    )
    events_joined = rows(
        db, EVENTS_JOINED.format(assoc_events=assoc(pg, "event_actors", "event_id", "e"))
    )
    event_columns = [k for k in events_joined[0] if k != "id"] if events_joined else []
    events_viewed = rows(
        db, f"SELECT event_id AS id, {', '.join(event_columns)} FROM events_flat ORDER BY event_id"
    )
    return joined + events_joined, viewed + events_viewed


def assert_views_match_tables(db: str) -> None:
    joined, viewed = joined_and_viewed(db)
    assert joined, "nothing stored"
    for want, got in zip(joined, viewed, strict=True):
        assert got == want


@pytest.fixture
def stored(runner, db: str, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    for name, body, source in (
        ("wire", WIRE, "Horn Wire"),
        ("monitor", MONITOR, "Puntland Monitor"),
    ):
        path = tmp_path / f"{name}.txt"
        path.write_text(body, encoding="utf-8")
        result = invoke(runner, "--db", db, "ingest", "-q", str(path), "--published",
                        "2024-03-12", "--source", source)  # fmt: skip
        assert result.exit_code == 0, result.stderr
    return db


def test_ingested_rows_read_the_same_through_the_views(stored: str) -> None:
    assert_views_match_tables(stored)
    names = {r["actor1"] for r in rows(stored, "SELECT actor1 FROM claims_flat")}
    assert "al-Shabaab" in names


def test_a_renamed_actor_shows_under_its_new_name_everywhere(stored: str) -> None:
    actor = rows(stored, "SELECT actor1_id FROM claims WHERE actor1_id IS NOT NULL")[0]["actor1_id"]
    write(stored, "UPDATE actors SET name = 'Renamed Front', sector = 'REB' WHERE id = :a", a=actor)
    assert_views_match_tables(stored)
    viewed = rows(
        stored,
        "SELECT DISTINCT actor1, actor1_sector FROM claims_flat WHERE actor1_id = :a",
        a=actor,
    )
    assert viewed == [{"actor1": "Renamed Front", "actor1_sector": "REB"}]


def test_a_deleted_actor_or_place_leaves_empty_cells_not_stale_names(stored: str) -> None:
    actor = rows(stored, "SELECT actor1_id FROM claims WHERE actor1_id IS NOT NULL")[0]["actor1_id"]
    place = rows(stored, "SELECT location_id FROM claims WHERE location_id IS NOT NULL")[0][
        "location_id"
    ]
    write(
        stored,
        "DELETE FROM claim_actors WHERE actor_id = :a",
        "DELETE FROM event_actors WHERE actor_id = :a",
        "DELETE FROM actor_aliases WHERE actor_id = :a",
        "UPDATE actors SET parent_id = NULL WHERE parent_id = :a",
        "UPDATE actors SET merged_into_id = NULL WHERE merged_into_id = :a",
        "DELETE FROM actors WHERE id = :a",
        "DELETE FROM locations WHERE id = :p",
        a=actor, p=place,
    )  # fmt: skip
    assert_views_match_tables(stored)
    assert (
        rows(stored, "SELECT count(*) AS n FROM claims_flat WHERE location_id = :p", p=place)[0][
            "n"
        ]
        == 0
    )


def test_outlet_article_and_crosswalk_changes_reach_the_claims(stored: str) -> None:
    write(stored, "UPDATE sources SET name = 'Horn Wire Service' WHERE name = 'Horn Wire'")
    write(stored, "UPDATE articles SET copy_of_id = 1, title = 'Edited title' WHERE id = 2")
    used = rows(stored, "SELECT event_type, event_mode FROM claims WHERE event_mode IS NOT NULL")
    if used:
        write(
            stored,
            "DELETE FROM event_types WHERE plover_type = :t AND mode = :m",
            "INSERT INTO event_types (plover_type, mode, acled_event_type, acled_sub_event_type, "
            "cameo_root) VALUES (:t, :m, 'Strategic developments', 'Other', '01')",
            t=used[0]["event_type"], m=used[0]["event_mode"],
        )  # fmt: skip
    write(
        stored,
        "UPDATE event_types SET cameo_root = '99' WHERE mode = '' AND plover_type = 'PROTEST'",
    )
    assert_views_match_tables(stored)
    sources = {r["source"] for r in rows(stored, "SELECT source FROM claims_flat")}
    assert "Horn Wire Service" in sources and "Horn Wire" not in sources
    copies = rows(
        stored, "SELECT DISTINCT copy_of, article_title FROM claims_flat WHERE article_id = 2"
    )
    assert copies == [{"copy_of": 1, "article_title": "Edited title"}]


def test_a_claim_given_other_actors_and_place_reads_them(stored: str) -> None:
    other = rows(stored, "SELECT id FROM actors WHERE name = 'United Nations'")[0]["id"]
    place = rows(stored, "SELECT location_id FROM claims WHERE location_id IS NOT NULL")[0][
        "location_id"
    ]
    claim = rows(stored, "SELECT min(id) AS id FROM claims")[0]["id"]
    write(
        stored,
        "UPDATE claims SET actor2_id = :o, claimant_id = :o, relayed_by_id = :o, "
        "location_id = :p, event_mode = NULL, event_type = 'PROTEST' WHERE id = :c",
        "UPDATE events SET actor1_id = :o WHERE id = (SELECT event_id FROM claims WHERE id = :c)",
        o=other, p=place, c=claim,
    )  # fmt: skip
    assert_views_match_tables(stored)
    row = rows(
        stored,
        "SELECT actor2, claimant, relayed_by, acled_event_type FROM claims_flat WHERE claim_id = :c",
        c=claim,
    )
    assert row == [{"actor2": "United Nations", "claimant": "United Nations",
                    "relayed_by": "United Nations", "acled_event_type": "Protests"}]  # fmt: skip


def test_actor_links_added_renamed_and_removed_show_in_assoc_actors(stored: str) -> None:
    claim = rows(stored, "SELECT min(id) AS id FROM claims")[0]["id"]
    event = rows(stored, "SELECT event_id FROM claims WHERE id = :c", c=claim)[0]["event_id"]
    un = rows(stored, "SELECT id FROM actors WHERE name = 'United Nations'")[0]["id"]
    au = rows(stored, "SELECT id FROM actors WHERE name = 'African Union'")[0]["id"]
    write(
        stored,
        "INSERT INTO claim_actors (claim_id, actor_id, role, position) VALUES (:c, :u, 'other', 5)",
        "INSERT INTO claim_actors (claim_id, actor_id, role, position) VALUES (:c, :a, 'target', 9)",
        "INSERT INTO event_actors (event_id, actor_id, role, position) VALUES (:e, :u, 'other', 5)",
        c=claim, e=event, u=un, a=au,
    )  # fmt: skip
    assert_views_match_tables(stored)
    got = rows(stored, "SELECT assoc_actors FROM claims_flat WHERE claim_id = :c", c=claim)
    assert "African Union; United Nations" in got[0]["assoc_actors"]
    write(stored, "UPDATE actors SET name = 'UN' WHERE id = :u", u=un)
    write(stored, "DELETE FROM claim_actors WHERE claim_id = :c AND actor_id = :a", c=claim, a=au)
    assert_views_match_tables(stored)
    got = rows(stored, "SELECT assoc_actors FROM claims_flat WHERE claim_id = :c", c=claim)
    assert "UN" in got[0]["assoc_actors"].split("; ")
    assert "African Union" not in got[0]["assoc_actors"]
    events = rows(stored, "SELECT assoc_actors FROM events_flat WHERE event_id = :e", e=event)
    assert "UN" in events[0]["assoc_actors"].split("; ")


def _plan(db: str, sql: str) -> str:
    if db.startswith("postgresql"):
        return "\n".join(r["QUERY PLAN"] for r in rows(db, "EXPLAIN " + sql))
    return "\n".join(str(r["detail"]) for r in rows(db, "EXPLAIN QUERY PLAN " + sql))


def test_a_count_by_type_through_a_view_reads_only_its_table(stored: str) -> None:
    for view, table in (("claims_flat", "claims"), ("events_flat", "events")):
        plan = _plan(stored, f"SELECT event_type, count(*) FROM {view} GROUP BY event_type")
        for other in ("articles", "actors", "locations", "event_types", "sources"):
            assert other not in plan, plan
        assert table in plan


def test_an_actor_filter_through_a_view_uses_the_name_indexes(stored: str) -> None:
    for view in ("claims_flat", "events_flat"):
        plan = _plan(
            stored, f"SELECT * FROM {view} WHERE actor1 = 'al-Shabaab' OR actor2 = 'al-Shabaab'"
        )
        assert "actor1_name" in plan and "actor2_name" in plan, plan


def test_one_events_contradictions_are_read_through_the_event_index(stored: str) -> None:
    # 0006 grouped every claim's values before the filter could apply: one event's
    # rows cost a pass over all claims (37 s at 1 M claims on SQLite).
    plan = _plan(stored, "SELECT * FROM contradictions WHERE event_id = 1")
    assert "ix_claims_event_id" in plan, plan
    if not stored.startswith("postgresql"):  # no branch reads the whole claims table
        assert not re.search(r"^SCAN (c|o)\b", plan, re.MULTILINE), plan
