"""Run researchers' SQL with no more rights than reading the project's tables.

Read-only is enforced by the servers, never by reading the SQL text:

* **One statement.** Every user statement reaches PostgreSQL through the
  extended protocol (Parse), which refuses a string holding several commands;
  SQLite's driver refuses them itself.
* **Rows only.** The parsed statement is described before it runs; one that
  returns no rows (COMMIT, SET, RESET ROLE, DO, CALL, LISTEN, COPY ...) is
  refused without being executed, so the statement can neither end nor change
  its transaction.
* **Least rights.** ``events init`` creates a role without login,
  ``events_reader``, that may only SELECT the project's tables and views. The
  statement runs in a ``READ ONLY`` transaction as that role: ``SET LOCAL
  SESSION AUTHORIZATION`` when the connecting role is a superuser (the session
  user then changes too, so ``set_config('role', ...)`` cannot climb back), else
  ``SET LOCAL ROLE`` for a member of the role. Server-file, program and admin
  functions are then refused by PostgreSQL's own privilege checks.
* **No way back up.** A session whose login is a superuser may switch
  ``session_authorization`` back with ``set_config()`` in the middle of a
  statement, and every function that checks rights at run time would then run
  as the superuser. So for such a session the statement runs inside
  ``events_run_readonly(text)``, a SECURITY DEFINER function owned by the
  reader: PostgreSQL refuses to change ``role`` or ``session_authorization``
  within a security-definer function. (The rows are materialised by the
  function before they stream out; ordinary roles stream directly.)
* **No SQL from inside SQL.** Functions that execute SQL text with whatever
  rights are current when they run (``query_to_xml``, ``ts_stat``, ``dblink``
  ...) are revoked from PUBLIC in the project's database by ``events init`` run
  as a superuser; a privileged connection refuses to run user SQL until that
  lock-down (and the wrapper above) is in place.
* **Time.** ``statement_timeout`` is set before the role switch, and a client
  timer cancels the statement as a second guard.

SQLite has no roles; the file is opened so that SQLite itself refuses writes
(:func:`open_sqlite_readonly`, used by ``events query`` directly and by every
read-only SQLAlchemy engine):

* **Read-only file.** ``mode=ro`` in the ``file:`` URI (and ``immutable=1`` on
  a read-only medium with no ``-wal`` file), plus ``PRAGMA query_only``, which
  also covers the temp database.
* **An authorizer** (:func:`sqlite_authorizer`) refuses ATTACH/DETACH,
  ``load_extension`` and ``fts3_tokenizer`` (which reads and registers native
  pointers) in every statement, and in the user's own statement also
  transaction control and PRAGMAs that set anything (reading introspection
  PRAGMAs is allowed).
* **One statement.** Python's driver refuses a text holding several.
* **No statement cache,** so a user's ``BEGIN`` is compiled (and authorised)
  anew rather than reusing the program's own.

This module imports only the standard library (psycopg when PostgreSQL runs):
a SQLite query starts without SQLAlchemy.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from events.errors import QueryError, ReadOnlyViolation

# --- SQLite ---------------------------------------------------------------------------------

#: Why the authorizer last refused something on this thread (read by the query
#: command to say why, instead of SQLite's bare "not authorized").
DENIALS = threading.local()

#: PRAGMAs a read-only query may run: introspection, with or without an argument.
READ_PRAGMAS = frozenset(
    "table_info table_xinfo table_list index_list index_info index_xinfo foreign_key_list "
    "foreign_key_check database_list collation_list function_list module_list pragma_list "
    "compile_options integrity_check quick_check".split()
)
#: PRAGMAs a read-only query may read but not set.
GET_ONLY_PRAGMAS = frozenset(
    "user_version schema_version application_id page_count page_size freelist_count "
    "encoding journal_mode data_version foreign_keys query_only busy_timeout".split()
)

#: SQL functions a query may never call, with the reason it is told.
REFUSED_FUNCTIONS = {
    "load_extension": (
        "load_extension is disabled: an extension is native code that could do anything, "
        "so queries never load one"
    ),
    # fts3_tokenizer(name) returns a tokenizer's address in memory, and
    # fts3_tokenizer(name, blob) registers any address as a tokenizer's code.
    "fts3_tokenizer": (
        "fts3_tokenizer is disabled: it reads and registers addresses of native code"
    ),
}


def sqlite_authorizer(action: int, arg1: str | None, arg2: str | None, *_: Any) -> int:
    """SQLite authorizer of read-only connections (see the module's docstring)."""
    reason = None
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        # ATTACH would let a read-only query open (and write) another file.
        reason = "ATTACH would open another database file"
    elif action == sqlite3.SQLITE_FUNCTION:
        # Also in the program's own statements: an export's --where is inside one.
        reason = REFUSED_FUNCTIONS.get((arg2 or "").lower())
    elif not getattr(DENIALS, "user_sql", False):
        pass  # the program's own statements (BEGIN, the driver's PRAGMA reads)
    elif action in (sqlite3.SQLITE_TRANSACTION, sqlite3.SQLITE_SAVEPOINT):
        reason = "a query cannot begin, end or change its transaction"
    elif action == sqlite3.SQLITE_PRAGMA:
        name = (arg1 or "").lower()
        if not (name in READ_PRAGMAS or (name in GET_ONLY_PRAGMAS and arg2 is None)):
            reason = f"PRAGMA {name} would change the connection's settings"
    if reason is None:
        return sqlite3.SQLITE_OK
    DENIALS.reason = reason
    return sqlite3.SQLITE_DENY


@contextmanager
def user_sql() -> Iterator[None]:
    """Mark statements prepared inside the block as the user's (stricter authorizer)."""
    DENIALS.user_sql = True
    try:
        yield
    finally:
        DENIALS.user_sql = False


def take_denial() -> str | None:
    """Return (and forget) why the read-only authorizer last refused something."""
    reason = getattr(DENIALS, "reason", None)
    DENIALS.reason = None
    return reason


def open_sqlite_readonly(path: Path, busy_timeout_ms: int) -> sqlite3.Connection:
    """Open the SQLite file ``path`` so that SQLite refuses every change to it.

    The connection is in autocommit mode (the caller opens its transactions)
    and carries the authorizer above.
    """
    resolved = path.resolve()
    uri = f"file:{_file_url_path(resolved)}?mode=ro"
    wal = resolved.with_name(resolved.name + "-wal")
    if not os.access(resolved.parent, os.W_OK) and not wal.exists():
        # Read-only medium (a shared dataset): SQLite cannot create the WAL
        # index beside the file, and nothing can change the file under us.
        # Not when a -wal file is there: committed rows may still be in it, and
        # an immutable reader would not see them (mode=ro reads them through
        # the writer's -shm).
        uri += "&immutable=1"
    # No statement cache: a cached statement skips the authorizer, so a user's
    # "BEGIN" would reuse the program's own, already-authorised one.
    con = sqlite3.connect(uri, uri=True, check_same_thread=False, cached_statements=0)
    try:
        guard_sqlite(con, busy_timeout_ms)
    except BaseException:
        con.close()
        raise
    return con


def guard_sqlite(con: sqlite3.Connection, busy_timeout_ms: int) -> None:
    """Make ``con`` query-only, with the read-only authorizer, in autocommit mode."""
    con.isolation_level = None
    cur = con.cursor()
    cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA query_only = ON")
    cur.close()
    con.set_authorizer(sqlite_authorizer)


def _file_url_path(path: Path) -> str:
    """Return ``path`` as the path part of a file: URI (urllib's pathname2url).

    On POSIX that is quote(); importing urllib.request for it would load http.client
    and email, 30 ms of every read-only command's start-up.
    """
    if os.name == "nt":  # pragma: no cover - drive letters and backslashes
        from urllib.request import pathname2url

        return pathname2url(str(path))
    return quote(str(path))


# --- PostgreSQL -----------------------------------------------------------------------------

#: The role user SQL runs as on PostgreSQL (cluster-wide; rights granted per database).
READER_ROLE = "events_reader"

#: The SECURITY DEFINER wrapper that runs a superuser session's statements.
WRAPPER = "events_run_readonly"

#: Built-in functions that run SQL text (or read whole tables by name) with the
#: rights of whoever is current *when they run*, not when the statement started.
SQL_RUNNING_FUNCTIONS = (
    "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema",
    "cursor_to_xml", "cursor_to_xmlschema",
    "table_to_xml", "table_to_xmlschema", "table_to_xml_and_xmlschema",
    "schema_to_xml", "schema_to_xmlschema", "schema_to_xml_and_xmlschema",
    "database_to_xml", "database_to_xmlschema", "database_to_xml_and_xmlschema",
    "ts_stat", "ts_rewrite",
)  # fmt: skip

#: Extension functions that open connections or run SQL (matched by name prefix).
SQL_RUNNING_PREFIXES = ("dblink",)

#: Rows fetched per round trip from the server-side cursor.
FETCH_ROWS = 1000

#: Extra seconds the client timer waits past ``--timeout`` before it cancels:
#: the server's statement_timeout should fire first.
CLIENT_CANCEL_GRACE = 1.0

# The functions above as they exist in this database (ts_rewrite only in its
# form that takes a query text; extensions such as dblink wherever installed).
_DANGEROUS_FUNCTIONS = f"""
SELECT p.oid, p.oid::regprocedure::text
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE (n.nspname = 'pg_catalog'
       AND p.proname IN ({", ".join(f"'{name}'" for name in SQL_RUNNING_FUNCTIONS)})
       AND NOT (p.proname = 'ts_rewrite' AND NOT 'text'::regtype = ANY (p.proargtypes)))
   OR ({" OR ".join(f"starts_with(p.proname, '{prefix}')" for prefix in SQL_RUNNING_PREFIXES)})
"""

_IDENTITY = f"""
SELECT r.rolsuper,
       pg_has_role(current_user, 'pg_write_server_files', 'MEMBER')
         OR pg_has_role(current_user, 'pg_read_server_files', 'MEMBER')
         OR pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER'),
       reader.oid IS NOT NULL,
       reader.oid IS NOT NULL AND pg_has_role(current_user, reader.oid, 'MEMBER'),
       reader.oid IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM ({_DANGEROUS_FUNCTIONS}) f (oid, name)
           WHERE has_function_privilege(reader.oid, f.oid, 'EXECUTE')),
       reader.oid IS NOT NULL AND (reader.rolsuper OR reader.rolcreaterole
           OR reader.rolbypassrls OR reader.rolcreatedb),
       current_user,
       EXISTS (SELECT 1 FROM pg_proc p
               WHERE p.proname = '{WRAPPER}' AND p.proowner = reader.oid
                 AND p.prosecdef
                 AND p.pronamespace = (SELECT oid FROM pg_namespace
                                       WHERE nspname = current_schema()))
FROM pg_roles r LEFT JOIN pg_roles reader ON reader.rolname = '{READER_ROLE}'
WHERE r.rolname = current_user
"""


@dataclass
class SetupReport:
    """What ``setup_reader`` did, and what it could not do (as warnings)."""

    granted: list[str]
    revoked: list[str]
    warnings: list[str]


def setup_reader(conn: Any, relations: list[str]) -> SetupReport:
    """Create the reader role (idempotently), grant it SELECT on ``relations``, lock down.

    ``conn`` is a SQLAlchemy connection to PostgreSQL inside a transaction. Each
    step runs in a savepoint so a missing right (CREATEROLE, superuser) becomes a
    warning rather than a failed ``events init``.
    """
    report = SetupReport([], [], [])

    def attempt(sql: str, what: str) -> bool:
        savepoint = conn.begin_nested()
        try:
            conn.exec_driver_sql(sql)
        except Exception as exc:  # noqa: BLE001 - reported, init goes on
            savepoint.rollback()
            first = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            report.warnings.append(f"{what}: {first}")
            return False
        savepoint.commit()
        return True

    exists = conn.exec_driver_sql(
        f"SELECT 1 FROM pg_roles WHERE rolname = '{READER_ROLE}'"
    ).scalar()
    if not exists:
        # Two inits at once may both try: the loser's duplicate is not an error.
        attempt(
            "DO $$BEGIN CREATE ROLE "
            f"{READER_ROLE} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
            "NOBYPASSRLS; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END$$",
            f"cannot create the role {READER_ROLE} (needs CREATEROLE); queries run as the "
            "connecting role",
        )
        exists = conn.exec_driver_sql(
            f"SELECT 1 FROM pg_roles WHERE rolname = '{READER_ROLE}'"
        ).scalar()
    if not exists:
        return report
    schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
    present = set(
        conn.exec_driver_sql(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm', 'p')"
        ).scalars()
    )
    attempt(f'GRANT USAGE ON SCHEMA "{schema}" TO {READER_ROLE}', "cannot grant schema usage")
    for name in sorted(set(relations) & present):
        if attempt(f'GRANT SELECT ON "{schema}"."{name}" TO {READER_ROLE}', f"cannot grant {name}"):
            report.granted.append(name)
    superuser = conn.exec_driver_sql(
        "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
    ).scalar()
    if not superuser:
        # The owner may switch to the reader (SET ROLE) for its own queries.
        attempt(
            f"GRANT {READER_ROLE} TO CURRENT_USER",
            f"cannot grant {READER_ROLE} to the connecting role",
        )
    if superuser:
        created = attempt(
            f'CREATE OR REPLACE FUNCTION "{schema}".{WRAPPER}(statement text) '
            "RETURNS SETOF record LANGUAGE plpgsql SECURITY DEFINER "
            "SET search_path FROM CURRENT AS $$BEGIN RETURN QUERY EXECUTE statement; END$$",
            f"cannot create {WRAPPER}",
        )
        if created:
            attempt(
                f'ALTER FUNCTION "{schema}".{WRAPPER}(text) OWNER TO {READER_ROLE}',
                f"cannot give {WRAPPER} to {READER_ROLE}",
            )
            attempt(
                f'REVOKE ALL ON FUNCTION "{schema}".{WRAPPER}(text) FROM PUBLIC',
                f"cannot revoke {WRAPPER} from PUBLIC",
            )
    for _oid, signature in conn.exec_driver_sql(_DANGEROUS_FUNCTIONS).all():
        if not superuser:
            report.warnings.append(
                f"{signature} can still run SQL for every role: run `events init` once as a "
                "superuser to revoke it (queries by privileged roles are refused until then)"
            )
            continue
        if attempt(
            f"REVOKE EXECUTE ON FUNCTION {signature} FROM PUBLIC", f"cannot revoke {signature}"
        ):
            report.revoked.append(signature)
    return report


@dataclass
class PgStatement:
    """A user statement parsed by the server.

    ``runnable`` is what to execute (or DECLARE / COPY): the statement itself, or
    the statement inside the security-definer wrapper for superuser sessions.
    """

    sql: str
    columns: list[str]
    runnable: str


@dataclass
class Guard:
    """A cursor inside the reader transaction, and how statements must be run in it."""

    raw: Any
    cur: Any
    wrapped: bool

    def parse(self, sql: str, *, what: str = "a query") -> PgStatement:
        """Parse ``sql`` as one row-returning statement and say how to run it."""
        columns, types = _parse(self.raw, sql, what)
        if not self.wrapped:
            return PgStatement(sql, columns, sql)
        from psycopg.sql import Identifier, Literal

        self.cur.execute(
            "SELECT format_type(t.oid, t.mod), y.typtype = 'p' "
            "FROM unnest(%s::oid[], %s::int[]) WITH ORDINALITY AS t(oid, mod, n) "
            "JOIN pg_type y ON y.oid = t.oid ORDER BY t.n",
            ([oid for oid, _ in types], [mod for _, mod in types]),
        )
        described = self.cur.fetchall()
        for column, (name, pseudo) in zip(columns, described, strict=True):
            if pseudo:
                raise QueryError(
                    f"column {column!r} has the pseudo-type {name}, which this query guard "
                    f"cannot pass on: select a value of a real type (e.g. CAST(... AS text), "
                    f"or pg_sleep(1) IS NULL)"
                )
        # The statement's own column names, so a COPY header reads as it should;
        # positional names when they repeat (a column list cannot).
        labels = (
            [Identifier(c).as_string(self.raw) for c in columns]
            if len(set(columns)) == len(columns)
            else [f"c{i}" for i in range(1, len(columns) + 1)]
        )
        definition = ", ".join(
            f"{label} {name}" for label, (name, _) in zip(labels, described, strict=True)
        )
        literal = Literal(sql).as_string(self.raw)
        return PgStatement(sql, columns, f"SELECT * FROM {WRAPPER}({literal}) AS t({definition})")


@contextmanager
def reader_transaction(raw: Any, timeout: float | None = None) -> Iterator[Guard]:
    """Yield a Guard: a READ ONLY transaction running as the reader role.

    ``raw`` is a psycopg connection that this function owns for the duration (it
    is switched to autocommit so that the transaction boundaries are ours). The
    transaction is always rolled back.
    """
    raw.autocommit = True
    cur = raw.cursor()
    timer: threading.Timer | None = None
    try:
        cur.execute("BEGIN READ ONLY")
        if timeout:
            cur.execute(f"SET LOCAL statement_timeout = {int(timeout * 1000)}")
        wrapped = _switch_identity(cur)
        if timeout:
            timer = threading.Timer(timeout + CLIENT_CANCEL_GRACE, _cancel, (raw,))
            timer.daemon = True
            timer.start()
        yield Guard(raw, cur, wrapped)
    finally:
        if timer is not None:
            timer.cancel()
        try:
            cur.close()
            raw.execute("ROLLBACK")
        except Exception:  # noqa: BLE001 - the caller discards the connection anyway
            pass


def _cancel(raw: Any) -> None:
    # Best effort: the server's statement_timeout is the first guard.
    with contextlib.suppress(Exception):
        raw.cancel_safe()


def _switch_identity(cur: Any) -> bool:
    """Become the reader role; return True when statements must run in the wrapper."""
    cur.execute(_IDENTITY)
    row = cur.fetchone()
    (superuser, file_rights, reader_exists, member, locked_down, reader_privileged, who,
     has_wrapper) = row  # fmt: skip
    privileged = bool(superuser or file_rights)
    if reader_exists and reader_privileged:
        raise ReadOnlyViolation(
            f"refused: the role {READER_ROLE} has rights beyond reading (superuser, "
            f"CREATEROLE, CREATEDB or BYPASSRLS): ALTER ROLE {READER_ROLE} NOSUPERUSER "
            "NOCREATEROLE NOCREATEDB NOBYPASSRLS"
        )
    if privileged and not reader_exists:
        raise ReadOnlyViolation(
            f"refused: connected as {who}, a role that can read or write server files, and "
            f"this database has no {READER_ROLE} role to run queries as: run `events init`"
        )
    if privileged and not (locked_down and (has_wrapper or not superuser)):
        raise ReadOnlyViolation(
            f"refused: connected as {who}, a privileged role, but this database is not locked "
            f"down for it (functions that run SQL text are open to every role, or "
            f"{WRAPPER} is missing): run `events init` once as a superuser"
        )
    if superuser:
        cur.execute(f"SET LOCAL SESSION AUTHORIZATION {READER_ROLE}")
        return True
    if member:
        cur.execute(f"SET LOCAL ROLE {READER_ROLE}")
    elif privileged:
        raise ReadOnlyViolation(
            f"refused: connected as {who}, a role that can read or write server files: "
            f"GRANT {READER_ROLE} TO {who} so that queries run with read rights only"
        )
    # else: an ordinary role runs as itself in a read-only transaction; its
    # rights are the ones the database's owner gave it.
    return False


def stream_rows(cur: Any, sql: str) -> Iterator[tuple[Any, ...]]:
    """Run a parsed statement and return its rows: a server-side cursor when it can be one.

    The statement runs before this returns, so an error (a refused function, a
    timeout) comes before anything is printed.
    """
    import psycopg

    cur.execute("SAVEPOINT events_declare")
    try:
        cur.execute(f"DECLARE events_q NO SCROLL CURSOR FOR {sql}", prepare=True)
    except (psycopg.errors.SyntaxError, psycopg.errors.FeatureNotSupported):
        # EXPLAIN, SHOW and the like return rows but cannot back a cursor;
        # their results are small.
        cur.execute("ROLLBACK TO SAVEPOINT events_declare")
        cur.execute(sql, prepare=True)
        return iter([tuple(row) for row in cur.fetchall()])
    cur.execute(f"FETCH FORWARD {FETCH_ROWS} FROM events_q")
    first = cur.fetchall()

    def rows(batch: list[Any]) -> Iterator[tuple[Any, ...]]:
        while batch:
            yield from (tuple(row) for row in batch)
            cur.execute(f"FETCH FORWARD {FETCH_ROWS} FROM events_q")
            batch = cur.fetchall()

    return rows(first)


def literal_sql(raw: Any, sql: str, params: dict[str, Any] | None) -> str:
    """Return ``sql`` (psycopg placeholders) with ``params`` merged in as SQL literals."""
    import psycopg

    return psycopg.ClientCursor(raw).mogrify(sql, params or {})


def _parse(raw: Any, sql: str, what: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Have the server parse ``sql`` as exactly one statement that returns rows.

    Nothing is executed. Return the column names and (type oid, type modifier)
    pairs; raise QueryError / ReadOnlyViolation with the reason.
    """
    pgconn = raw.pgconn
    result = pgconn.prepare(b"", sql.encode("utf-8"))
    if result.status != _COMMAND_OK:
        message = _first_line(result.error_message)
        if "multiple commands" in message:
            raise ReadOnlyViolation(
                f"refused: {what} is one SQL statement; this text holds several"
            )
        raise QueryError(f"SQL error: {message}")
    described = pgconn.describe_prepared(b"")
    if described.status != _COMMAND_OK:
        raise QueryError(f"SQL error: {_first_line(described.error_message)}")
    if described.nfields == 0:
        raise ReadOnlyViolation(
            f"refused: {what} must be a statement that returns rows (SELECT, WITH, VALUES, "
            "TABLE, EXPLAIN, SHOW); this one returns none, so it is not run"
        )
    n = described.nfields
    columns = [(described.fname(i) or b"?column?").decode("utf-8", "replace") for i in range(n)]
    types = [(described.ftype(i), described.fmod(i)) for i in range(n)]
    return columns, types


def check_copy(raw: Any, sql: str) -> None:
    """Have the server parse a ``COPY ... TO STDOUT`` as exactly one statement."""
    result = raw.pgconn.prepare(b"", sql.encode("utf-8"))
    if result.status != _COMMAND_OK:
        message = _first_line(result.error_message)
        if "multiple commands" in message:
            raise ReadOnlyViolation(
                "refused: the export is one SQL statement; --where made several"
            )
        raise QueryError(f"SQL error: {message}")


_COMMAND_OK = 1  # libpq PGRES_COMMAND_OK


def _first_line(message: bytes | str | None) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else (message or "")
    text = text.strip()
    if text.startswith("ERROR:"):
        text = text[len("ERROR:") :].strip()
    return text.splitlines()[0] if text else "unknown error"
