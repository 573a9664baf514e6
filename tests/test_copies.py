"""Syndicated copies: a republished wire story is one report, not independent confirmation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from events.db import make_engine, resolve_url
from events.linking import copies
from tests.conftest import invoke

WIRE = [
    "A car bomb exploded at a busy market in Baidoa on Tuesday morning, killing at least "
    "eight people and wounding more than twenty, regional officials said.",
    "The blast struck shortly after nine o'clock as traders were opening their stalls near "
    "the main bus station, according to witnesses who spoke by telephone. Ambulances carried "
    "the wounded to the regional hospital, where doctors appealed for blood donations.",
    "The governor of Bay region, Abdirashid Nur, told reporters that eight civilians had died "
    "and that security forces had sealed off the area. He blamed the al-Shabaab militant "
    "group for the attack.",
    "Al-Shabaab said in a statement on a website linked to the group that its fighters had "
    "carried out the bombing and that fourteen soldiers had been killed. The claim could not "
    "be independently verified.",
    "Baidoa, about 250 kilometres northwest of Mogadishu, hosts a large camp for people "
    "displaced by drought and fighting. The town has been hit by several similar attacks in "
    "recent years.",
]


def _body(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


#: Three republications: the last paragraph cut; a new headline and a few words
#: changed; paragraphs reordered with the outlet's own boilerplate line added.
TRIMMED = _body(WIRE[:4])
RETITLED = (
    _body(WIRE)
    .replace("busy market", "crowded market")
    .replace("told reporters", "told journalists")
    .replace("several similar", "many similar")
)
REORDERED = _body(
    [WIRE[0], WIRE[2], WIRE[1], WIRE[3], WIRE[4],
     "Follow the Horn Observer on social media for the latest news from the region."]
)  # fmt: skip

#: Another outlet's own report of the same bombing: the same facts, its own words.
OWN_REPORT = _body([
    "At least eight civilians were killed when explosives packed in a vehicle went off in "
    "the central market of Baidoa, a town in southwestern Somalia, on Tuesday.",
    "Hospital staff said dozens of wounded people were brought in during the morning, many "
    "of them stall holders and shoppers. Residents described thick smoke over the bus "
    "station and said shops had been destroyed.",
    "Officials in Bay region blamed al-Shabaab, which later claimed responsibility and said "
    "it had killed fourteen soldiers, a figure the authorities rejected.",
])  # fmt: skip

#: Codebook-style one-line notes generated from one template: two attacks on one
#: post, six days apart, are different incidents however alike their notes are.
NOTE = (
    "On {day} May 2021, suspected JNIM militants attacked a gendarmerie post in Sebba town, "
    "Yagha province, Sahel region, killing {toll} gendarmes and wounding several others."
)
NOTES = [NOTE.format(day=3, toll="four"), NOTE.format(day=9, toll="four")]


def _feed(tmp_path: Path, name: str, items: list[dict[str, Any]]) -> str:
    path = tmp_path / name
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    return str(path)


def _rows(db: str, sql: str, **params: Any) -> list[dict[str, Any]]:
    engine = make_engine(resolve_url(db))
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def _ingest(runner, db: str, path: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", db, "ingest", path)
    assert result.exit_code == 0, result.output


def _wire_feed(tmp_path: Path) -> str:
    return _feed(tmp_path, "wire.jsonl", [
        {"id": "wire", "source": "Wire Agency", "published": "2024-06-12",
         "title": "Car bomb kills eight in Somali market town", "text": _body(WIRE)},
        {"id": "trimmed", "source": "Daily Courier", "published": "2024-06-12",
         "title": "Car bomb kills eight in Somali market town", "text": TRIMMED},
        {"id": "retitled", "source": "Coast Times", "published": "2024-06-13",
         "title": "Deadly blast rocks Baidoa market", "text": RETITLED},
        {"id": "reordered", "source": "Horn Observer", "published": "2024-06-13",
         "title": "Baidoa: market bombing", "text": REORDERED},
        {"id": "own", "source": "Radio Jubba", "published": "2024-06-12",
         "title": "Eight killed in Baidoa market blast", "text": OWN_REPORT},
    ])  # fmt: skip


def test_republished_wire_story_points_to_the_original(runner, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _ingest(runner, db, _wire_feed(tmp_path))
    articles = {
        r["external_id"]: r
        for r in _rows(db, "SELECT id, external_id, copy_of_id, minhash FROM articles")
    }
    original = articles["wire"]["id"]
    assert articles["wire"]["copy_of_id"] is None
    for name in ("trimmed", "retitled", "reordered"):
        assert articles[name]["copy_of_id"] == original, name
    # Another outlet's own words about the same bombing are an independent report.
    assert articles["own"]["copy_of_id"] is None
    assert all(len(r["minhash"]) == copies.NUM_PERM * 8 for r in articles.values())
    bands = _rows(db, "SELECT count(*) AS n FROM article_bands")[0]["n"]
    assert bands == copies.BANDS * len(articles)
    # claims_flat says which report a copy's claims come from.
    copied = _rows(db, "SELECT DISTINCT copy_of FROM claims_flat WHERE article_external_id = "
                       "'retitled'")  # fmt: skip
    assert copied == [{"copy_of": original}]


def test_copies_count_once_in_reports_and_sources(runner, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    feed = _wire_feed(tmp_path)
    lines = Path(feed).read_text().splitlines()[:4]  # the wire story and its three copies
    Path(feed).write_text("\n".join(lines) + "\n")
    _ingest(runner, db, feed)
    # The bombing: every article has a claim in it, the four are one report by one outlet.
    event = _rows(
        db,
        "SELECT event_id, num_claims, num_articles, num_sources, num_reports FROM events_flat "
        "WHERE event_type = 'ASSAULT' ORDER BY num_articles DESC, event_id LIMIT 1",
    )[0]
    assert event["num_articles"] == 4
    assert event["num_reports"] == 1
    assert event["num_sources"] == 1
    assert event["num_claims"] >= 4
    sources = _rows(
        db, "SELECT DISTINCT source FROM claims_flat WHERE event_id = :e", e=event["event_id"]
    )
    assert len(sources) == 4  # the copies' claims stay linked to the event


def test_own_report_adds_a_source_and_a_report(runner, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _ingest(runner, db, _wire_feed(tmp_path))
    events = _rows(
        db,
        "SELECT e.event_id, e.num_articles, e.num_sources, e.num_reports FROM events_flat e "
        "WHERE EXISTS (SELECT 1 FROM claims_flat c WHERE c.event_id = e.event_id "
        "AND c.article_external_id = 'own') "
        "AND EXISTS (SELECT 1 FROM claims_flat c WHERE c.event_id = e.event_id "
        "AND c.article_external_id = 'wire')",
    )
    if not events:
        pytest.skip("the linker kept the two outlets' reports of the bombing apart")
    best = max(events, key=lambda e: (e["num_articles"], -e["event_id"]))
    assert best["num_articles"] == 5
    assert best["num_reports"] == 2  # the wire story (with its copies) and the own report
    assert best["num_sources"] == 2  # the wire agency and Radio Jubba, not the republishers


def test_short_template_notes_are_not_copies(runner, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert all(len(copies.shingles(n)) < copies.MIN_SHINGLES for n in NOTES)
    # The two notes are alike enough that, were they long, they would be copies:
    sig = [copies.signature(copies.shingles(n)) for n in NOTES]
    assert copies.similarity(*sig) >= copies.COPY_THRESHOLD
    feed = _feed(tmp_path, "notes.jsonl", [
        {"id": f"note-{i}", "source": "Codebook", "published": "2021-05-06", "text": note}
        for i, note in enumerate(NOTES)
    ])  # fmt: skip
    _ingest(runner, db, feed)
    rows = _rows(db, "SELECT copy_of_id, minhash FROM articles")
    assert rows == [{"copy_of_id": None, "minhash": None}] * 2


def test_signature_estimates_similarity() -> None:
    a = copies.signature(copies.shingles(_body(WIRE)))
    assert copies.similarity(a, copies.signature(copies.shingles(TRIMMED))) >= 0.6
    assert copies.similarity(a, copies.signature(copies.shingles(REORDERED))) >= 0.85
    assert copies.similarity(a, copies.signature(copies.shingles(OWN_REPORT))) < 0.1
    assert copies.from_hex(copies.to_hex(a)) == a
    # Paragraph order does not matter; words do.
    assert copies.shingles(_body(WIRE[::-1])) == copies.shingles(_body(WIRE))


def test_candidate_lookup_uses_the_band_index(sqlite_db: str) -> None:
    from sqlalchemy.dialects import sqlite

    from events.db import open_database

    sig = copies.signature(copies.shingles(_body(WIRE)))
    database = open_database(sqlite_db)
    try:
        with database.session() as session:
            captured: list[str] = []

            def explain(stmt: Any) -> None:
                sql = str(stmt.compile(dialect=sqlite.dialect(),
                                       compile_kwargs={"literal_binds": True}))  # fmt: skip
                captured.extend(
                    row[-1] for row in session.execute(text("EXPLAIN QUERY PLAN " + sql))
                )

            explain(copies.candidate_query(sig))
    finally:
        database.dispose()
    plan = " ".join(captured)
    assert "article_bands" in plan and "(band=? AND bucket=?)" in plan, plan
    assert "SCAN article_bands" not in plan, plan


def test_stored_articles_indexed_afterwards(runner, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A database ingested before copies were recognised gets them from index_stored."""
    from events.db import open_database

    _ingest(runner, db, _wire_feed(tmp_path))
    expected = _rows(db, "SELECT id, copy_of_id FROM articles ORDER BY id")
    reports = _rows(
        db, "SELECT event_id, num_reports, num_sources FROM events_flat ORDER BY event_id"
    )
    engine = make_engine(resolve_url(db))
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM article_bands"))
            conn.execute(text("UPDATE articles SET minhash = NULL, copy_of_id = NULL"))
            conn.execute(text("UPDATE events SET num_reports = num_articles"))
    finally:
        engine.dispose()
    database = open_database(db)
    try:
        with database.session() as session, session.begin():
            assert copies.index_stored(session, batch=2) == (5, 3)
    finally:
        database.dispose()
    assert _rows(db, "SELECT id, copy_of_id FROM articles ORDER BY id") == expected
    assert (
        _rows(db, "SELECT event_id, num_reports, num_sources FROM events_flat ORDER BY event_id")
        == reports
    )
