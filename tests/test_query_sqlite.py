"""`events query` on a SQLite file: sqlite3 alone, read-only by SQLite's own means.

The query opens the file through ``events.readonly.open_sqlite_readonly`` without
SQLAlchemy (tests/test_startup.py checks that). These tests hold it to what the
SQLAlchemy path did: WAL files, a writer at work, a read-only directory, the
same errors for files it cannot use, the same bind parameters.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from events import db as dblib
from events.query import query_database, run_query
from tests.conftest import invoke

WRITER = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA journal_mode = WAL")
con.execute("INSERT INTO sources (name) VALUES ('committed')")
con.execute("BEGIN IMMEDIATE")
con.execute("INSERT INTO sources (name) VALUES ('pending')")
print("ready", flush=True)
sys.stdin.readline()
con.execute("COMMIT")
print("committed", flush=True)
"""


def _names(runner, db: str) -> list[str]:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", db, "query", "select name from sources order by name", "--csv")
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()[1:]


def test_a_wal_database_without_its_wal_file_is_read(runner, sqlite_db: str) -> None:  # type: ignore[no-untyped-def]
    assert not Path(f"{sqlite_db}-wal").exists()
    result = invoke(runner, "--db", sqlite_db, "query", "PRAGMA journal_mode", "--csv")
    assert result.stdout.splitlines() == ["journal_mode", "wal"]
    assert _names(runner, sqlite_db) == []


def test_a_query_reads_while_another_process_writes(runner, sqlite_db: str) -> None:  # type: ignore[no-untyped-def]
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, sqlite_db],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert writer.stdin is not None and writer.stdout is not None
    try:
        assert writer.stdout.readline().strip() == "ready"
        # The writer holds its write lock: the reader sees the committed row only,
        # and does not wait for the lock.
        assert _names(runner, sqlite_db) == ["committed"]
        writer.stdin.write("go\n")
        writer.stdin.flush()
        assert writer.stdout.readline().strip() == "committed"  # the reader did not block it
    finally:
        writer.stdin.close()
        writer.wait(timeout=60)
    assert writer.returncode == 0
    assert _names(runner, sqlite_db) == ["committed", "pending"]
    # A write through the query is still refused while the WAL holds the rows.
    result = invoke(runner, "--db", sqlite_db, "query", "delete from sources")
    assert result.exit_code == 1 and result.stderr.startswith("Error: refused:")
    assert _names(runner, sqlite_db) == ["committed", "pending"]


NOBODY = 65534


def _as_nobody(path: Path, sql: str) -> dict:
    """Run ``sql`` on ``path`` in a child process without root's rights; return the outcome."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 1
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            try:
                with query_database(str(path), sql) as result:
                    outcome = {"columns": result.columns, "rows": [list(r) for r in result.rows]}
            except Exception as exc:  # noqa: BLE001 - reported to the parent
                outcome = {"error": f"{type(exc).__name__}: {exc}"}
            with os.fdopen(write, "w") as out:
                json.dump(outcome, out)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as inp:
        data = inp.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, data
    return dict(json.loads(data))


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="drops root to nobody")
def test_a_database_in_a_directory_the_reader_cannot_write(sqlite_db: str) -> None:
    """A shared dataset: no -shm can be made beside it, so it is opened immutable."""
    base = Path(tempfile.mkdtemp(prefix="events-ro-", dir="/tmp"))
    try:
        shutil.copy(sqlite_db, base / "events.db")
        (base / "events.db").chmod(0o644)
        base.chmod(0o755)  # root's directory: nobody may read it, not write in it
        outcome = _as_nobody(base / "events.db", "select count(*) as n from actors")
        assert outcome.get("rows", [[0]])[0][0] > 0, outcome
        outcome = _as_nobody(base / "events.db", "delete from actors")
        assert outcome["error"].startswith("ReadOnlyViolation: refused:"), outcome
        assert sorted(p.name for p in base.iterdir()) == ["events.db"]
    finally:
        shutil.rmtree(base)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="drops root to nobody")
def test_a_reader_who_cannot_write_the_directory_sees_rows_still_in_the_wal(
    sqlite_db: str,
) -> None:
    """Opened immutable, SQLite would ignore the -wal file and miss committed rows."""
    base = Path(tempfile.mkdtemp(prefix="events-ro-", dir="/tmp"))
    writer = None
    try:
        shutil.copy(sqlite_db, base / "events.db")
        base.chmod(0o755)
        writer = sqlite3.connect(base / "events.db", isolation_level=None)
        writer.execute("PRAGMA wal_autocheckpoint = 0")  # the row stays in the -wal file
        writer.execute("INSERT INTO sources (name) VALUES ('in the wal')")
        for name in ("events.db", "events.db-wal", "events.db-shm"):
            (base / name).chmod(0o644)
        outcome = _as_nobody(base / "events.db", "select name from sources")
        assert outcome.get("rows") == [["in the wal"]], outcome
    finally:
        if writer is not None:
            writer.close()
        shutil.rmtree(base)


def _older_revision(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = 'deadbeef'")
    con.commit()
    con.close()


def _other_program(path: Path) -> None:
    path.unlink()
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE x (a)")
    con.commit()
    con.close()


def _alembic_view(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("ALTER TABLE alembic_version RENAME TO old_versions")
    con.execute("CREATE VIEW alembic_version AS SELECT * FROM old_versions")
    con.commit()
    con.close()


ODD_FILES = {
    "missing": lambda p: p.unlink(),
    "empty": lambda p: p.write_bytes(b""),
    "not a database": lambda p: p.write_bytes(b"not a database " * 200),
    "another program's": _other_program,
    "unknown revision": _older_revision,
    "no version row": lambda p: _run(p, "DELETE FROM alembic_version"),
    "alembic_version is a view": _alembic_view,
    "a directory": lambda p: (p.unlink(), p.mkdir()),
}


def _run(path: Path, sql: str) -> None:
    con = sqlite3.connect(path)
    con.execute(sql)
    con.commit()
    con.close()


@pytest.mark.parametrize("case", sorted(ODD_FILES))
def test_a_file_it_cannot_use_is_reported_as_before(sqlite_db: str, case: str) -> None:
    """The same exception and words as open_database (the SQLAlchemy path) gives."""
    path = Path(sqlite_db)
    ODD_FILES[case](path)
    with pytest.raises(Exception) as general:
        dblib.open_database(str(path), readonly=True).dispose()
    with pytest.raises(Exception) as fast, query_database(str(path), "select 1"):
        pass
    assert type(fast.value) is type(general.value)
    assert str(fast.value) == str(general.value)


def test_run_query_on_an_open_database_gives_the_same_rows(sqlite_db: str) -> None:
    sql = "select key, name from actors where key in (:a, :b) order by key"
    params = {"a": "ARM", "b": "AZE"}
    with query_database(sqlite_db, sql, params) as fast:
        fast_rows = (fast.columns, list(fast.rows))
    database = dblib.open_database(sqlite_db, readonly=True)
    try:
        with run_query(database, sql, params) as general:
            general_rows = (general.columns, list(general.rows))
    finally:
        database.dispose()
    assert (
        fast_rows == general_rows == (["key", "name"], [("ARM", "Armenia"), ("AZE", "Azerbaijan")])
    )


def test_parameters_are_read_as_on_postgresql(runner, db: str) -> None:  # type: ignore[no-untyped-def]
    """:name binds (repeatable), \\:name is a plain colon, a missing one is named."""
    sql = "select :a as x, :a + 1 as y, '\\:b' as z"
    result = invoke(runner, "--db", db, "query", sql, "-p", "a", "1", "-p", "unused", "2")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"x": 1, "y": 2, "z": ":b"}]
    missing = invoke(runner, "--db", db, "query", "select :a as x, :b as y", "-p", "b", "1")
    assert missing.exit_code == 1
    assert missing.stderr == (
        "Error: A value is required for bind parameter 'a': pass it with -p NAME VALUE\n"
    )
