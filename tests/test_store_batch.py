"""The store pays its fixed costs once per batch, and its fast path stores what SQLAlchemy would.

`events.linking.direct.run` executes the store's pre-built statements on the SQLite
driver's cursor; `events.store.BatchCache` resolves sources, actors, aliases and places
once per transaction. These tests count statements (never time) and compare values.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError

from events.db import open_database
from events.ingest import ingest, iter_documents
from events.linking.direct import run, savepoint
from events.models import Article, Claim
from tests.conftest import scalar
from tests.test_concurrency import write_corpus


def _traced(database) -> list[str]:  # type: ignore[no-untyped-def]
    """Record every SQL statement SQLite runs on the database's connections."""
    seen: list[str] = []

    @event.listens_for(database.engine, "connect")
    def _trace(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.set_trace_callback(seen.append)

    database.engine.dispose()  # connections opened from now on are traced
    return seen


def _ingest_traced(db: str, folder: Path, **kwargs) -> tuple[list[str], list]:  # type: ignore[no-untyped-def,type-arg]
    database = open_database(db)
    try:
        seen = _traced(database)
        outcomes: list = []  # type: ignore[type-arg]
        ingest(database, iter_documents([str(folder)], **kwargs), on_outcome=outcomes.append)
    finally:
        database.dispose()
    return seen, outcomes


def test_shared_rows_and_stored_texts_are_looked_up_once_per_batch(
    sqlite_db: str, tmp_path: Path
) -> None:
    write_corpus(tmp_path / "in", 12)  # four actors, six places, one source
    seen, outcomes = _ingest_traced(sqlite_db, tmp_path / "in", source="Wire")
    assert [o.status for o in outcomes] == ["stored"] * 12
    kinds = Counter(s.split(" WHERE")[0].split(" VALUES")[0] for s in seen)

    def count(prefix: str) -> int:
        return sum(n for kind, n in kinds.items() if kind.startswith(prefix))

    assert count("INSERT INTO sources") == 1  # the one source, for the first article only
    assert count("SELECT sources.id") == 1
    # Each actor and place is offered once (a row per actor: executemany), not per article.
    actors = scalar(sqlite_db, "select count(*) from actors where origin = 'extracted'")
    assert count("INSERT INTO actors") <= actors + 4
    places = scalar(sqlite_db, "select count(distinct location_id) from claims")
    assert count("INSERT INTO locations") == places
    # One look-up of stored texts for the batch (besides ingest's pre-check), none per article.
    assert count("SELECT articles.id") == 0
    assert sum("articles.text_hash IN" in s for s in seen) == 1
    # Savepoints stay per article: one failing article loses only itself.
    assert count("SAVEPOINT") == 12


def test_a_rolled_back_article_takes_its_cached_rows_with_it(
    sqlite_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import events.store as store

    write_corpus(tmp_path / "in", 6)
    original = store.store_document

    def failing(session, doc, *args, **kwargs):  # type: ignore[no-untyped-def]
        stored = original(session, doc, *args, **kwargs)
        if doc.origin.endswith("report-000.txt"):  # its actors, places, source: rolled back
            raise OperationalError("INSERT", {}, Exception("disk I/O error"))
        return stored

    monkeypatch.setattr(store, "store_document", failing)
    _, outcomes = _ingest_traced(sqlite_db, tmp_path / "in", source="Wire")
    assert [o.status for o in outcomes] == ["failed"] + ["stored"] * 5
    # The next articles met the same actors, places and source: inserted again, not
    # taken from the cache of the rolled-back article (that would break a foreign key).
    assert scalar(sqlite_db, "select count(*) from articles") == 5
    assert scalar(sqlite_db, "select count(*) from articles where source_id is null") == 0
    for column, table in (("actor1_id", "actors"), ("location_id", "locations")):
        dangling = scalar(
            sqlite_db,
            f"select count(*) from claims c left join {table} t on t.id = c.{column} "
            f"where c.{column} is not null and t.id is null",
        )
        assert dangling == 0
    assert scalar(sqlite_db, "select count(*) from claims") > 0


def test_run_binds_and_reads_values_as_sqlalchemy_does(db: str) -> None:
    database = open_database(db)
    try:
        with database.engine.begin() as conn:
            row = {"body": "x", "published": dt.date(2021, 5, 3), "published_inferred": True,
                   "warnings": ["a", "b"], "content_hash": "h1", "extractor_version": "t",
                   "published_precision": "day"}  # fmt: skip
            fast = run(conn, insert(Article).returning(Article.id), row)[0][0]
            slow = conn.execute(
                insert(Article).returning(Article.id), {**row, "content_hash": "h2"}
            ).scalar_one()
            query = select(
                Article.published, Article.published_inferred, Article.warnings,
                Article.published_precision,
            ).where(Article.id.in_([fast, slow]))  # fmt: skip
            by_run = run(conn, query.order_by(Article.id))
            by_execute = [tuple(r) for r in conn.execute(query.order_by(Article.id))]
            assert by_run == by_execute
            assert by_run[0] == (dt.date(2021, 5, 3), True, ["a", "b"], "day")
            # A unique key collision is SQLAlchemy's IntegrityError, as execute raises it,
            # and a savepoint undoes only its own block.
            with pytest.raises(IntegrityError), savepoint(conn):
                run(conn, insert(Article), {**row, "content_hash": "h3"})
                run(conn, insert(Article), {**row, "content_hash": "h1"})
            hashes = conn.execute(select(Article.content_hash).order_by(Article.id)).scalars()
            assert list(hashes)[-2:] == ["h1", "h2"]
            assert run(conn, select(Claim.id).where(Claim.id.in_([]))) == []  # empty IN list
    finally:
        database.dispose()
