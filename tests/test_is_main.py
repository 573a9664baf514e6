"""The report's main event (issue 9): ``Claim.is_main``, ``claims.is_main``, migration 0005.

Exactly one claim per article is main: the event the headline and lead describe (a physical
event first, then the highest confidence, then the earliest), else the article's
highest-confidence claim. Side remarks keep their confidence.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import text

from events import db as dblib
from events.pipeline.doc import Claim, Document
from events.pipeline.eventcoding import PHYSICAL_TYPES, mark_main
from events.pipeline.runner import run
from events.store import store_document
from events.views import CLAIMS_FLAT_COLUMNS
from tests.conftest import invoke

#: Where 0005 put is_main in claims_flat.
IS_MAIN = CLAIMS_FLAT_COLUMNS.index("is_main")

BEFORE = "0004_place_admin2_geonames"

#: (title, body, what the main claim is): headline + lead + background + quote.
REPORTS = [
    (
        "Militants kill 12 soldiers in attack on army base in Borno",
        "MAIDUGURI, Nigeria (Reuters) - Islamist militants killed 12 soldiers in an attack on an "
        "army base in Borno state on Tuesday, the army said. The fighters arrived in trucks and "
        "burned several vehicles, a military source said. Last year the group abducted more than "
        '100 schoolgirls in the region. "We will continue to protect our people," the governor '
        "told reporters after meeting the president.",
        "ASSAULT",
    ),
    (
        "Thousands protest in Khartoum against military rule",
        "Thousands of people protested in Khartoum on Sunday against military rule, witnesses "
        "said. Security forces fired tear gas at the crowd. In March, clashes between the army "
        'and the RSF killed dozens in Omdurman. "The people want civilian rule," said one '
        "protester.",
        "PROTEST",
    ),
    (
        "Air strike hits market in Idlib",
        "An air strike hit a crowded market in Idlib on Monday, killing at least 7 civilians, "
        "rescuers said. The White Helmets said the death toll could rise. Government forces and "
        'rebels signed a ceasefire agreement in 2020. "We condemn this crime," the UN envoy '
        "said in a statement.",
        "ASSAULT",
    ),
]

#: A codebook note: one sentence, one event.
NOTE = "On 3 May 2023, RSF shelled a market in El Fasher, killing 4 civilians."


def _coded(title: str | None, body: str) -> Document:
    doc = Document(raw=body, given_title=title, given_published=dt.date(2024, 5, 7))
    return run(doc)


def _main(doc: Document) -> list[Claim]:
    return [c for c in doc.claims if c.is_main]


@pytest.mark.parametrize(("title", "body", "event_type"), REPORTS)
def test_exactly_one_claim_per_report_is_main_and_it_is_the_headline_event(
    title: str, body: str, event_type: str
) -> None:
    doc = _coded(title, body)
    assert len(doc.claims) > 1  # background and quote give claims of their own
    (main,) = _main(doc)
    assert main.event_type == event_type
    lead = sorted(s.index for s in doc.sentences if s.section == "body")[:2]
    assert main.section == "title" or main.sentence_index in lead


def test_a_codebook_note_s_single_event_is_main() -> None:
    doc = _coded(None, NOTE)
    (main,) = _main(doc)
    assert main.event_type == "ASSAULT"
    assert main.fatalities_best == 4


def test_marking_the_main_event_changes_no_confidence() -> None:
    title, body, _ = REPORTS[0]
    doc = _coded(title, body)
    before = [(c.sentence_index, c.trigger_start, c.confidence) for c in doc.claims]
    for claim in doc.claims:
        claim.is_main = True  # stale marks are cleared
    mark_main(doc)
    assert [(c.sentence_index, c.trigger_start, c.confidence) for c in doc.claims] == before
    assert sum(c.is_main for c in doc.claims) == 1


def _claim(index: int, section: str, event_type: str, confidence: float) -> Claim:
    return Claim(index, section, 0, 10, "x", "x", 0, 1, event_type, confidence=confidence)  # type: ignore[arg-type]


def test_the_rule_physical_first_then_confidence_then_earliest_else_the_article_s_best() -> None:
    from events.pipeline.doc import Sentence

    doc = Document()
    doc.sentences = [Sentence(0, "title", 0, 1, "t")] + [
        Sentence(i, "body", i * 10, i * 10 + 9, "b") for i in range(1, 5)
    ]
    assert "ASSAULT" in PHYSICAL_TYPES and "CONSULT" not in PHYSICAL_TYPES
    doc.claims = [
        _claim(0, "title", "CONSULT", 0.9),
        _claim(1, "body", "ASSAULT", 0.6),
        _claim(2, "body", "ASSAULT", 0.6),
        _claim(3, "body", "ASSAULT", 0.95),  # background: outside the lead
    ]
    mark_main(doc)
    assert [c.is_main for c in doc.claims] == [False, True, False, False]
    # No claim in the title or lead: the article's highest confidence, earliest among ties.
    doc.claims = [_claim(3, "body", "CONSULT", 0.7), _claim(4, "body", "ASSAULT", 0.7)]
    mark_main(doc)
    assert [c.is_main for c in doc.claims] == [True, False]
    doc.claims = []
    mark_main(doc)  # nothing to mark


# --- store and views ------------------------------------------------------------------------


def _rows(db_arg: str, sql: str) -> list[dict[str, Any]]:
    engine = dblib.make_engine(dblib.resolve_url(db_arg))
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def test_is_main_shows_at_the_end_of_claims_flat(db: str) -> None:
    # appended by 0005 after 0004's columns (later revisions append after it)
    assert CLAIMS_FLAT_COLUMNS[IS_MAIN - 1 : IS_MAIN + 1] == ("location_evidence", "is_main")
    database = dblib.open_database(db)
    try:
        for title, body, _ in REPORTS[:2]:
            with database.session() as session, session.begin():
                assert store_document(session, _coded(title, body)) is not None
    finally:
        database.dispose()
    rows = _rows(db, "SELECT * FROM claims_flat ORDER BY claim_id")
    assert tuple(rows[0]) == CLAIMS_FLAT_COLUMNS
    assert {r["is_main"] for r in rows} == {0, 1}  # 0/1 on both engines, like negated
    mains = _rows(db, "SELECT article_id, count(*) AS n FROM claims_flat WHERE is_main = 1 "
                      "GROUP BY article_id ORDER BY article_id")  # fmt: skip
    assert [m["n"] for m in mains] == [1, 1]
    stored = _rows(db, "SELECT event_type FROM claims_flat WHERE is_main = 1 ORDER BY claim_id")
    assert [s["event_type"] for s in stored] == ["ASSAULT", "PROTEST"]


# --- migration ------------------------------------------------------------------------------


def _view_sql(db_arg: str) -> dict[str, str]:
    """The definition of each view as the engine keeps it."""
    if db_arg.startswith("postgresql"):
        sql = ("SELECT viewname AS name, definition AS sql FROM pg_views "
               "WHERE schemaname = current_schema()")  # fmt: skip
    else:
        sql = "SELECT name, sql FROM sqlite_master WHERE type = 'view'"
    return {r["name"]: r["sql"] for r in _rows(db_arg, sql)}


def test_migration_up_down_up_keeps_the_data_and_restores_0004_s_views(  # type: ignore[no-untyped-def]
    runner, empty_db: str
) -> None:
    assert invoke(runner, "--db", empty_db, "db", "upgrade", BEFORE).exit_code == 0
    views_0004 = _view_sql(empty_db)
    engine = dblib.make_engine(dblib.resolve_url(empty_db))
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO articles (id, body, published_precision, published_inferred, "
            "content_hash, extractor_version) VALUES (1, 'Shelling in Kharkiv.', 'unknown', "
            ":no, 'h1', 'old')"), {"no": False})  # fmt: skip
        conn.execute(text(
            "INSERT INTO claims (id, article_id, section, sentence_index, char_start, char_end, "
            "sentence, modality, negated, confidence, extractor_version, event_type, "
            "date_precision) VALUES (1, 1, 'body', 0, 0, 20, 'Shelling in Kharkiv.', "
            "'asserted', :no, 0.5, 'old', 'ASSAULT', 'unknown')"), {"no": False})  # fmt: skip
    engine.dispose()

    assert invoke(runner, "--db", empty_db, "db", "upgrade", "0005_claim_is_main").exit_code == 0
    # Existing rows are not the main event until extracted again.
    assert _rows(empty_db, "SELECT claim_id, is_main FROM claims_flat") == [
        {"claim_id": 1, "is_main": 0}
    ]
    assert (
        tuple(_rows(empty_db, "SELECT * FROM claims_flat")[0]) == CLAIMS_FLAT_COLUMNS[: IS_MAIN + 1]
    )

    down = invoke(runner, "--db", empty_db, "db", "downgrade", BEFORE, "--yes")
    assert down.exit_code == 0, down.output
    assert _view_sql(empty_db) == views_0004  # the very views of 0004
    row = _rows(empty_db, "SELECT * FROM claims_flat")[0]
    assert tuple(row) == CLAIMS_FLAT_COLUMNS[:IS_MAIN]
    assert (row["claim_id"], row["sentence"]) == (1, "Shelling in Kharkiv.")

    assert invoke(runner, "--db", empty_db, "db", "upgrade").exit_code == 0
    assert _rows(empty_db, "SELECT claim_id, is_main FROM claims_flat") == [
        {"claim_id": 1, "is_main": 0}
    ]
    check = invoke(runner, "--db", empty_db, "db", "check")
    assert check.exit_code == 0, check.output
