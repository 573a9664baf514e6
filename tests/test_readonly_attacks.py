"""Hostile SQL through `events query` and `events export --where` changes nothing.

Each vector here once worked (or would work against a guard that only switched
roles): several statements in one string, transaction control, server files and
programs, role switching inside a statement, SQL run from inside SQL. The tests
connect as the superuser that CI uses and as ordinary roles, and check the
database and the server's files afterwards, not just the exit status.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from events import db as dblib
from events.errors import QueryError
from events.sqlexpr import check_condition
from tests.conftest import PG_SKIP, PG_URL, SAMPLES, invoke, scalar

pg_only = pytest.mark.postgres


def _pg(db: str, sql: str) -> None:
    """Run SQL as the superuser of the test database (setting up an attack's target)."""
    engine = create_engine(dblib.resolve_url(db), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(sql)
    finally:
        engine.dispose()


def _refused(result) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: refused:"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.output


def _tables(db: str) -> set[str]:
    engine = dblib.make_engine(dblib.resolve_url(db))
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                rows = conn.exec_driver_sql("select name from sqlite_master")
            else:
                rows = conn.exec_driver_sql(
                    "select tablename from pg_tables where schemaname = current_schema()"
                )
            return {r[0] for r in rows}
    finally:
        engine.dispose()


@pytest.fixture
def pg_db(db: str, engine_name: str) -> str:
    if engine_name != "postgresql":
        pytest.skip("PostgreSQL-specific vector")
    return db


@pytest.fixture
def marker(tmp_path: Path) -> Iterator[Path]:
    """A server-side file path that an attack would create (server and tests share a host)."""
    path = Path("/tmp") / f"events-attack-{uuid.uuid4().hex}"
    yield path
    if path.exists():
        path.unlink()


# --- several statements, transaction control -------------------------------------------

TRANSACTION_ESCAPES = [
    "COMMIT; BEGIN READ WRITE; CREATE TABLE pwned (a int); COMMIT",
    "select 1; CREATE TABLE pwned (a int)",
    "set default_transaction_read_only = off; COMMIT; CREATE TABLE pwned (a int)",
    "ROLLBACK; CREATE TABLE pwned (a int)",
]


@pytest.mark.parametrize("sql", TRANSACTION_ESCAPES)
def test_several_statements_are_refused_and_nothing_is_written(
    runner, db: str, engine_name: str, sql: str
) -> None:  # type: ignore[no-untyped-def]
    before = _tables(db)
    result = invoke(runner, "--db", db, "query", sql)
    assert result.exit_code == 1, result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    if engine_name == "postgresql":
        assert "refused: a query is one SQL statement" in result.stderr
    else:
        # SQLite compiles the first statement first: its authorizer refuses a
        # leading COMMIT, its parser a PostgreSQL-only SET; either way nothing runs.
        assert result.stderr.startswith(("Error: refused:", "Error: SQL error:"))
    assert _tables(db) == before


@pytest.mark.parametrize(
    "sql",
    [
        "COMMIT",
        "ROLLBACK",
        "BEGIN",
        "SAVEPOINT s",
        "set default_transaction_read_only = off",
        "RESET ROLE",
        "SET ROLE postgres",
        "SET SESSION AUTHORIZATION DEFAULT",
        "DO $$BEGIN CREATE TABLE pwned (a int); END$$",
        "LISTEN events_channel",
        "NOTIFY events_channel, 'x'",
        "CREATE TABLE pwned (a int)",
    ],
)
def test_statements_that_return_no_rows_are_not_run(runner, pg_db: str, sql: str) -> None:  # type: ignore[no-untyped-def]
    before = _tables(pg_db)
    result = invoke(runner, "--db", pg_db, "query", sql)
    _refused(result)
    assert "returns none, so it is not run" in result.stderr
    assert _tables(pg_db) == before


def test_call_of_a_writing_procedure_is_not_run(runner, pg_db: str) -> None:  # type: ignore[no-untyped-def]
    _pg(
        pg_db,
        "CREATE PROCEDURE add_source() LANGUAGE sql AS $$INSERT INTO sources (name) VALUES ('pwned')$$",
    )
    result = invoke(runner, "--db", pg_db, "query", "CALL add_source()")
    _refused(result)
    assert scalar(pg_db, "select count(*) from sources where name = 'pwned'") == 0


@pytest.mark.parametrize(
    "sql",
    [
        "BEGIN",
        "COMMIT",
        "SAVEPOINT s",
        "PRAGMA query_only = 0",
        "PRAGMA journal_mode = delete",
        "PRAGMA writable_schema = 1",
    ],
)
def test_sqlite_transaction_and_settings_are_refused(runner, sqlite_db: str, sql: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", sqlite_db, "query", sql)
    _refused(result)


def test_sqlite_introspection_pragmas_still_work(runner, sqlite_db: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", sqlite_db, "query", "PRAGMA table_info(claims)", "--csv")
    assert result.exit_code == 0, result.output
    assert "article_id" in result.stdout
    result = invoke(runner, "--db", sqlite_db, "query", "PRAGMA user_version", "--csv")
    assert result.exit_code == 0, result.output


def test_load_extension_is_refused_with_its_reason(runner, sqlite_db: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", sqlite_db, "query", "select load_extension('/tmp/evil.so')")
    _refused(result)
    assert "load_extension is disabled" in result.stderr
    assert "read-only" not in result.stderr  # it is not a write: say what it is


@pytest.mark.parametrize(
    "sql",
    [
        "select fts3_tokenizer('simple')",
        "select fts3_tokenizer('mine', x'4141414141414141')",
        "select 1 where fts3_tokenizer('simple') is not null",
    ],
)
def test_sqlite_native_pointers_are_refused(runner, sqlite_db: str, sql: str) -> None:  # type: ignore[no-untyped-def]
    """fts3_tokenizer(name) returns a pointer; with a blob it registers one as tokenizer code."""
    result = invoke(runner, "--db", sqlite_db, "query", sql, "--csv")
    _refused(result)
    assert "fts3_tokenizer is disabled" in result.stderr
    assert result.stdout == ""
    where = invoke(
        runner, "--db", sqlite_db, "export", "-", "--where", "fts3_tokenizer('simple') is not null"
    )
    _refused(where)
    assert where.stdout == ""


# --- server files, programs, admin functions ---------------------------------------------


def test_copy_to_a_server_file_or_program_is_refused(runner, pg_db: str, marker: Path) -> None:  # type: ignore[no-untyped-def]
    for sql in (
        f"COPY (select 1) TO '{marker}'",
        f"COPY (select 1) TO PROGRAM 'touch {marker}'",
    ):
        _refused(invoke(runner, "--db", pg_db, "query", sql))
    assert not marker.exists()


@pytest.mark.parametrize(
    "sql",
    [
        "select pg_read_file('/etc/hostname')",
        "select pg_ls_dir('/')",
        "select lo_export(lo_from_bytea(0, 'x'), '{marker}')",
        "select pg_reload_conf()",
        "select query_to_xml('select 1', true, true, '')",
        "select ts_stat('select to_tsvector(''x'')')::text",
        "select table_to_xml('pg_authid', true, true, '')",
    ],
)
def test_server_and_sql_running_functions_are_refused(
    runner, pg_db: str, marker: Path, sql: str
) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", pg_db, "query", sql.format(marker=marker))
    _refused(result)
    assert "events_reader" in result.stderr or "read-only" in result.stderr
    assert not marker.exists()


@pytest.mark.parametrize("setting", ["role", "session_authorization"])
def test_switching_back_inside_a_statement_gains_nothing(
    runner, pg_db: str, marker: Path, setting: str
) -> None:  # type: ignore[no-untyped-def]
    """set_config() runs mid-statement; the functions after it must not run as the login."""
    for sql in (
        f"select set_config('{setting}', 'postgres', true), pg_read_file('/etc/hostname')",
        f"select set_config('{setting}', 'postgres', true), "
        "query_to_xml('select pg_read_file(''/etc/hostname'')', true, true, '')",
        f"select set_config('{setting}', 'postgres', true), current_user",
        f"select set_config('{setting}', 'postgres', true), "
        f"query_to_xml('select lo_export(lo_from_bytea(0, ''x''), ''{marker}'')', true, true, '')",
    ):
        result = invoke(runner, "--db", pg_db, "query", sql, "--csv")
        _refused(result)
        assert "postgres" not in result.stdout
    assert not marker.exists()


def test_other_sessions_cannot_be_terminated(runner, pg_db: str) -> None:  # type: ignore[no-untyped-def]
    engine = create_engine(dblib.resolve_url(pg_db))
    try:
        with engine.connect() as victim:
            pid = victim.exec_driver_sql("select pg_backend_pid()").scalar()
            sql = (
                "select set_config('session_authorization', 'postgres', true), "
                f"pg_terminate_backend({pid})"
            )
            _refused(invoke(runner, "--db", pg_db, "query", sql))
            result = invoke(runner, "--db", pg_db, "query", f"select pg_terminate_backend({pid})")
            assert result.exit_code == 1
            assert victim.exec_driver_sql("select 1").scalar() == 1  # still alive
    finally:
        engine.dispose()


def test_dblink_is_locked_down_after_init(runner, pg_db: str) -> None:  # type: ignore[no-untyped-def]
    try:
        _pg(pg_db, "CREATE EXTENSION IF NOT EXISTS dblink")
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"dblink is not installed on this server: {exc}")
    name = make_url(dblib.resolve_url(pg_db)).database
    attack = f"select dblink_exec('dbname={name}', 'CREATE TABLE pwned (a int)')"
    before = _tables(pg_db)
    # Installed after init: the superuser's queries are refused until init locks it.
    result = invoke(runner, "--db", pg_db, "query", attack)
    _refused(result)
    assert "events init" in result.stderr
    assert invoke(runner, "--db", pg_db, "init").exit_code == 0
    for sql in (
        attack,
        f"select set_config('session_authorization', 'postgres', true), "
        f"dblink_exec('dbname={name}', 'CREATE TABLE pwned (a int)')",
    ):
        _refused(invoke(runner, "--db", pg_db, "query", sql))
    assert _tables(pg_db) == before


def test_notify_from_a_select_is_never_delivered(runner, pg_db: str) -> None:  # type: ignore[no-untyped-def]
    import psycopg

    url = make_url(dblib.resolve_url(pg_db)).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as listener:
        listener.execute("LISTEN events_channel")
        result = invoke(
            runner, "--db", pg_db, "query", "select pg_notify('events_channel', 'x') is null"
        )
        assert result.exit_code in (0, 1)
        assert list(listener.notifies(timeout=0.5, stop_after=1)) == []


def test_sleep_stops_at_the_timeout(runner, pg_db: str) -> None:  # type: ignore[no-untyped-def]
    for sql in (
        "select pg_sleep(60) is null",
        # Lifting the timeout inside the statement does not lift the running timer.
        "select set_config('statement_timeout', '0', true), pg_sleep(60) is null",
    ):
        result = invoke(runner, "--db", pg_db, "query", sql, "--timeout", "0.5")
        assert result.exit_code == 1
        assert "timeout" in result.stderr


# --- export --where -----------------------------------------------------------------------

WHERE_ATTACKS = [
    "true)) v) TO STDOUT; COMMIT; BEGIN READ WRITE; CREATE TABLE pwned (a int); COMMIT; --",
    "1=1); CREATE TABLE pwned (a int); --",
    "1=0) or (1=1",
    "1=1 -- the rest is a comment",
    "1=1 /* hidden */",
    "true; CREATE TABLE pwned (a int)",
    "source = $$x$$",
    "source = E'\\'' or 1=1",
]


@pytest.mark.parametrize("where", WHERE_ATTACKS)
def test_where_is_one_expression(runner, db: str, where: str) -> None:  # type: ignore[no-untyped-def]
    before = _tables(db)
    result = invoke(runner, "--db", db, "export", "-", "--where", where)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: refused: --where contains"), result.stderr
    assert result.stdout == ""
    assert _tables(db) == before


def test_where_runs_with_reader_rights(runner, pg_db: str, marker: Path) -> None:  # type: ignore[no-untyped-def]
    # Rows to evaluate the condition on (set_config only runs when a row is read).
    assert invoke(runner, "--db", pg_db, "ingest", str(SAMPLES), "-q").exit_code == 0
    for where in (
        "pg_read_file('/etc/hostname') is not null",
        f"lo_export(lo_from_bytea(0, 'x'), '{marker}') = 1",
        "set_config('session_authorization', 'postgres', true) is not null",
    ):
        result = invoke(runner, "--db", pg_db, "export", "-", "--where", where)
        _refused(result)
        assert result.stdout == ""
    assert not marker.exists()


@pytest.mark.parametrize(
    "condition",
    [
        "fatalities_best >= 10",
        "source in ('A', 'B (wire)') and (country = 'ARM' or country is null)",
        "sentence like '%)%' and title = 'it''s'",
        "lower(\"source\") = 'x;y'",
    ],
)
def test_ordinary_conditions_pass_the_check(condition: str) -> None:
    assert check_condition(condition) == condition


@pytest.mark.parametrize("condition", ["", "(", "a = 'open", "x = [y]", "a = `b`", "x\\y"])
def test_malformed_conditions_are_named(condition: str) -> None:
    with pytest.raises(QueryError):
        check_condition(condition)


# --- connected as an ordinary role --------------------------------------------------------


@pytest.fixture
def ordinary_role(pg_db: str) -> Iterator[tuple[str, str]]:
    """Two login roles: one granted events_reader, one not. Yields their URLs."""
    if not PG_URL:
        pytest.skip(PG_SKIP)
    suffix = uuid.uuid4().hex[:8]
    member, outsider = f"events_t_member_{suffix}", f"events_t_outsider_{suffix}"
    url = make_url(dblib.resolve_url(pg_db))
    for role in (member, outsider):
        _pg(pg_db, f"CREATE ROLE {role} LOGIN")
    _pg(pg_db, f"GRANT events_reader TO {member}")
    try:
        yield (
            url.set(username=member).render_as_string(hide_password=False),
            url.set(username=outsider).render_as_string(hide_password=False),
        )
    finally:
        for role in (member, outsider):
            _pg(pg_db, f"DROP OWNED BY {role}")
            _pg(pg_db, f"DROP ROLE IF EXISTS {role}")


def test_a_member_of_the_reader_role_reads_and_nothing_more(
    runner, ordinary_role, marker: Path
) -> None:  # type: ignore[no-untyped-def]
    member, _ = ordinary_role
    result = invoke(
        runner,
        "--db",
        member,
        "query",
        "select count(*) as n, current_user as u from actors",
        "--csv",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].endswith(",events_reader")
    for sql in (
        "COMMIT; CREATE TABLE pwned (a int)",
        "select pg_read_file('/etc/hostname')",
        f"COPY (select 1) TO '{marker}'",
        "select set_config('role', current_setting('session_authorization'), true), "
        "query_to_xml('select 1', true, true, '')",
    ):
        _refused(invoke(runner, "--db", member, "query", sql))
    assert not marker.exists()


def test_a_role_without_rights_is_told_what_to_ask_for(runner, ordinary_role) -> None:  # type: ignore[no-untyped-def]
    _, outsider = ordinary_role
    result = invoke(runner, "--db", outsider, "query", "select count(*) from claims_flat")
    assert result.exit_code == 1
    assert "GRANT events_reader" in result.stderr
    assert "Traceback" not in result.output


def test_init_makes_the_reader_role_idempotently(runner, pg_db: str) -> None:  # type: ignore[no-untyped-def]
    assert invoke(runner, "--db", pg_db, "init").exit_code == 0
    assert invoke(runner, "--db", pg_db, "init").exit_code == 0
    assert (
        scalar(pg_db, "select rolcanlogin from pg_roles where rolname = 'events_reader'") is False
    )
    assert scalar(pg_db, "select has_table_privilege('events_reader', 'claims', 'INSERT')") is False
    assert (
        scalar(pg_db, "select has_table_privilege('events_reader', 'claims_flat', 'SELECT')")
        is True
    )
