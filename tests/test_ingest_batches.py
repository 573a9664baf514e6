"""Several articles per transaction: a crash or a failing article still loses only whole articles.

`events ingest` writes BATCH_ARTICLES articles per transaction, each under its own
savepoint. A process that dies while a batch is being written leaves the batches
committed before it, whole; running the ingest again stores the rest, once.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy.exc import OperationalError

from events.db import open_database
from events.ingest import BATCH_ARTICLES, ingest, iter_documents
from tests.conftest import scalar
from tests.test_concurrency import (
    assert_no_duplicates,
    expected_claims,
    stored_claims,
    write_corpus,
)

#: Runs `events ingest` in a child that dies (os._exit, no clean-up) at the Nth store.
_DYING_INGEST = """
import os, sys
import events.ingest, events.store as store
events.ingest.BATCH_SECONDS = 1e9  # batches by count only, however loaded the machine
original, calls, crash_at = store.store_document, [0], int(sys.argv[1])
def dying(*args, **kwargs):
    calls[0] += 1
    if calls[0] == crash_at:
        os._exit(9)
    return original(*args, **kwargs)
store.store_document = dying
sys.argv = ["events", "--db", sys.argv[2], "ingest", "-q", "--published", "2023-07-01", sys.argv[3]]
from events.cli.main import main
main()
"""


def test_a_crash_inside_a_batch_keeps_the_committed_batches_whole(
    sqlite_db: str, tmp_path: Path
) -> None:
    paths = write_corpus(tmp_path / "in", BATCH_ARTICLES + 8)
    expected = expected_claims(paths)
    crash_at = BATCH_ARTICLES + 5  # the fifth article of the second batch
    died = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_DYING_INGEST), str(crash_at), sqlite_db,
         str(tmp_path / "in")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert died.returncode == 9, died.stderr

    partial = stored_claims(sqlite_db)
    assert len(partial) == BATCH_ARTICLES  # the first batch, none of the second
    assert all(n == expected[digest] for digest, n in partial.items())

    rerun = subprocess.run(
        [sys.executable, "-m", "events", "--db", sqlite_db, "ingest", "-q",
         "--published", "2023-07-01", str(tmp_path / "in")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(paths) - BATCH_ARTICLES} stored, {BATCH_ARTICLES} skipped" in rerun.stderr
    assert stored_claims(sqlite_db) == expected
    assert_no_duplicates(sqlite_db)


def test_a_failing_article_loses_only_itself_not_its_batch(
    sqlite_db: str, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import events.store as store

    write_corpus(tmp_path / "in", 6)
    original = store.store_document

    def failing(session, doc, *args, **kwargs):  # type: ignore[no-untyped-def]
        stored = original(session, doc, *args, **kwargs)
        if doc.origin.endswith("report-002.txt"):  # written, then the disk complains
            raise OperationalError("INSERT", {}, Exception("disk I/O error"))
        return stored

    monkeypatch.setattr(store, "store_document", failing)
    database = open_database(sqlite_db)
    try:
        outcomes = []
        ingest(database, iter_documents([str(tmp_path / "in")]), on_outcome=outcomes.append)
    finally:
        database.dispose()
    assert [o.status for o in outcomes] == ["stored"] * 2 + ["failed"] + ["stored"] * 3
    assert "disk I/O error" in outcomes[2].message
    assert scalar(sqlite_db, "select count(*) from articles") == 5
    assert scalar(sqlite_db, "select count(*) from articles where origin like '%report-002%'") == 0


def test_outcomes_come_in_input_order_with_duplicates_skipped(
    sqlite_db: str, tmp_path: Path
) -> None:
    paths = write_corpus(tmp_path / "in", 3)
    database = open_database(sqlite_db)
    try:
        outcomes = []
        docs = iter_documents([str(paths[0]), str(paths[1]), str(paths[0]), str(paths[2])])
        summary = ingest(database, docs, on_outcome=outcomes.append)
    finally:
        database.dispose()
    assert [o.status for o in outcomes] == ["stored", "stored", "skipped", "stored"]
    assert [Path(o.origin).name for o in outcomes] == [
        "report-000.txt", "report-001.txt", "report-000.txt", "report-002.txt",
    ]  # fmt: skip
    assert (summary.stored, summary.skipped) == (3, 1)
