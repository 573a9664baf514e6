"""Open databases: URL resolution, engines, schema state and migrations.

One place resolves the database (``--db``, then ``EVENTS_DB``, then ``./events.db``);
the Alembic ``env.py`` uses the same engine factory.

SQLAlchemy is imported by the functions that use it, not with this module: a
query on a SQLite file resolves its path and reads the migration head from here
without loading SQLAlchemy (a quarter of a second of start-up).
"""

from __future__ import annotations

import importlib
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from events.errors import DatabaseError, SchemaOutOfDate
from events.readonly import guard_sqlite, open_sqlite_readonly
from events.readonly import take_denial as take_denial  # re-exported: the guard lives there
from events.readonly import user_sql as user_sql

if TYPE_CHECKING:  # SQLAlchemy loads when an engine is made; the ORM when a session is
    from sqlalchemy import Engine
    from sqlalchemy.engine import URL
    from sqlalchemy.exc import DatabaseError as SADatabaseError
    from sqlalchemy.orm import Session

DEFAULT_DB = "events.db"
ENV_VAR = "EVENTS_DB"

#: How long a SQLite writer waits for another writer's lock before giving up.
#: Concurrent ingests hold the lock for one article's transaction (milliseconds),
#: so 60 s only trips when something is truly stuck.
SQLITE_BUSY_TIMEOUT_MS = 60_000


def resolve_url(db: str | None = None) -> str:
    """Return a SQLAlchemy URL for ``--db`` / ``EVENTS_DB`` / ``./events.db``."""
    value = db or os.environ.get(ENV_VAR) or DEFAULT_DB
    if "://" in value:
        # A plain postgresql:// URL should use psycopg 3, the driver we ship.
        if value.startswith(("postgresql://", "postgres://")):
            value = "postgresql+psycopg://" + value.split("://", 1)[1]
        return value
    return f"sqlite:///{Path(value).expanduser()}"


def describe(url: str) -> str:
    """Return the URL without its password, for messages."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def sqlite_path(url: str) -> Path | None:
    """Return the file of a SQLite URL, or None for other engines and memory."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


@dataclass(frozen=True)
class Database:
    """An engine plus a session factory for one database."""

    url: str
    engine: Engine
    readonly: bool = False

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        from sqlalchemy.orm import Session

        return Session(self.engine, expire_on_commit=False)

    def dispose(self) -> None:
        self.engine.dispose()


def make_engine(url: str, *, readonly: bool = False, timeout: float | None = None) -> Engine:
    """Create an engine with the pragmas and modes this program relies on."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        u = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"not a database URL or path: {url!r}") from exc
    backend = u.get_backend_name()
    try:
        if backend == "sqlite":
            return _sqlite_engine(u, readonly=readonly, timeout=timeout)
        if backend == "postgresql":
            return _postgres_engine(u, readonly=readonly, timeout=timeout)
        return create_engine(u)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise DatabaseError(f"no driver for {describe(url)}: {exc}") from exc


def _sqlite_engine(u: URL, *, readonly: bool, timeout: float | None) -> Engine:
    from sqlalchemy import create_engine, event

    path = u.database
    if readonly and path and path != ":memory:":
        if not Path(path).exists():
            raise DatabaseError(f"database {path} does not exist: run `events init` first")
        file = Path(path)
        # mode=ro, query_only and the authorizer: see events.readonly.
        engine = create_engine(
            "sqlite://", creator=lambda: open_sqlite_readonly(file, SQLITE_BUSY_TIMEOUT_MS)
        )
    else:
        engine = create_engine(u, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
            if readonly:  # an in-memory database
                guard_sqlite(dbapi_conn, SQLITE_BUSY_TIMEOUT_MS)
                return
            # Let SQLAlchemy, not the driver's legacy mode, decide where
            # transactions begin (see the "begin" hook below).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the write lock up front: two ingests then queue on the
        # busy timeout instead of failing with "database is locked" on upgrade.
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

    return engine


def _postgres_engine(u: URL, *, readonly: bool, timeout: float | None) -> Engine:
    from sqlalchemy import create_engine

    # JIT compiles plans whose estimated cost is high, e.g. every query over the
    # views with their per-row sub-queries: ~0.8 s spent to save milliseconds.
    options = ["-c jit=off"]
    if readonly:
        # The server's own read-only mode; the query command also opens each
        # transaction READ ONLY so a SET inside the query cannot lift it.
        options.append("-c default_transaction_read_only=on")
    if timeout:
        options.append(f"-c statement_timeout={int(timeout * 1000)}")
    connect_args: dict[str, Any] = {"connect_timeout": 10, "options": " ".join(options)}
    return create_engine(u, connect_args=connect_args, pool_pre_ping=True)


def migrations_dir() -> Path:
    """Return the Alembic script directory (installed package or checkout)."""
    try:
        # The package's directory on disk, as importlib.resources.files() would give
        # it; importing that (zipfile, tempfile ...) cost a query 15 ms of start-up.
        for location in getattr(importlib.import_module("events.migrations"), "__path__", []):
            if (Path(location) / "env.py").is_file():
                return Path(location)
    except ModuleNotFoundError:  # not installed as a package
        pass
    checkout = Path(__file__).resolve().parent.parent / "migrations"
    if (checkout / "env.py").is_file():
        return checkout
    raise DatabaseError("migration scripts not found: reinstall the package (pip install .)")


def alembic_config(url: str) -> Any:
    """Return an Alembic Config pointing at our migrations and ``url``."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    # ConfigParser interpolates '%': escape it (URL-encoded passwords).
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


_REVISION_LINE = re.compile(r'^(down_)?revision\b[^=\n]*=\s*(?:"([^"]*)"|None)', re.M)


def _head_from_files() -> str | None:
    """Return the one revision no migration builds on, read from the scripts' text.

    Importing Alembic costs a query a quarter of a second; the scripts' two
    assignment lines say the same for a linear history. None when the text does
    not give exactly one head (Alembic then decides).
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (migrations_dir() / "versions").glob("*.py"):
        for match in _REVISION_LINE.finditer(script.read_text(encoding="utf-8")):
            if match.group(2):
                (parents if match.group(1) else revisions).add(match.group(2))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def head_revision() -> str:
    """Return the migration head this program needs."""
    head = _head_from_files()
    if head is not None:
        return head
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(migrations_dir()))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine, url: str | None = None) -> str | None:
    """Return the database's revision, None for an empty database.

    Raises DatabaseError for a file that is not a database or belongs to
    another program.
    """
    from sqlalchemy import inspect, text
    from sqlalchemy.exc import DatabaseError as SADatabaseError

    try:
        with engine.connect() as conn:
            names = set(inspect(conn).get_table_names())
            if "alembic_version" not in names:
                if names:
                    raise DatabaseError(
                        "this database belongs to another program (it has tables but no "
                        "events schema): use a new file or URL with --db"
                    )
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SADatabaseError as exc:
        raise DatabaseError(explain(exc, url or str(engine.url))) from exc


def explain(exc: SADatabaseError, url: str) -> str:
    """Return one line saying why the database could not be used."""
    from sqlalchemy.exc import OperationalError

    msg = str(exc.orig) if exc.orig is not None else str(exc)
    first = msg.strip().splitlines()[0] if msg.strip() else type(exc).__name__
    where = describe(url)
    if "file is not a database" in first or "file is encrypted" in first:
        return f"{where} is not a SQLite database: give another path with --db"
    if isinstance(exc, OperationalError) and "unable to open" in first:
        return f"cannot open {where}: check the path and its directory"
    if "readonly database" in first:
        return f"{where} is read-only (file or medium): give a writable copy with --db"
    if "permission denied" in first and "postgres" in where:
        return (
            f"cannot use {where}: {first} (ask the database's owner to GRANT events_reader "
            "TO your role)"
        )
    if "database or disk is full" in first:
        return f"cannot write to {where}: the disk is full"
    return f"cannot use {where}: {first}"


def open_database(
    db: str | None = None,
    *,
    readonly: bool = False,
    require_current: bool = True,
    timeout: float | None = None,
) -> Database:
    """Open the database and (by default) insist that it is at the migration head."""
    url = resolve_url(db)
    path = sqlite_path(url)
    if path is not None and not path.parent.exists():
        raise DatabaseError(f"directory {path.parent} does not exist")
    if path is not None and require_current and not path.exists():
        # Connecting would create an empty file that later commands mistake for one.
        raise SchemaOutOfDate(f"database {path} does not exist: run `events init` first")
    engine = make_engine(url, readonly=readonly, timeout=timeout)
    if require_current:
        try:
            check_current(engine, url)
        except Exception:
            engine.dispose()
            raise
    return Database(url, engine, readonly)


def check_current(engine: Engine, url: str | None = None) -> None:
    """Raise SchemaOutOfDate unless the database is at the program's head."""
    current = current_revision(engine, url)
    head = head_revision()
    if current is None:
        raise SchemaOutOfDate(
            f"{describe(url or str(engine.url))} has no events schema: run `events init`"
        )
    if current != head:
        from alembic.script import ScriptDirectory

        script = ScriptDirectory(str(migrations_dir()))
        try:
            script.get_revision(current)
        except Exception:
            raise SchemaOutOfDate(
                f"database is at revision {current}, unknown to this program "
                f"(it needs {head}): upgrade the program"
            ) from None
        raise SchemaOutOfDate(
            f"database is at revision {current}, the program needs {head}: run `events db upgrade`"
        )


@contextmanager
def connect_for_migrations(url: str) -> Iterator[Any]:
    """Yield a connection for Alembic with the same engine settings as the program."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def upgrade(url: str, revision: str = "head") -> list[str]:
    """Migrate the database up to ``revision``; return warnings about the reader role.

    On PostgreSQL the read-only role that user SQL runs as is (re)granted the
    project's tables afterwards, since a migration may have added some.
    """
    from alembic import command
    from sqlalchemy.engine import make_url

    _run_alembic(url, lambda cfg: command.upgrade(cfg, revision))
    if make_url(url).get_backend_name() != "postgresql":
        return []
    return setup_reader(url).warnings


def setup_reader(url: str) -> Any:
    """Create/refresh the PostgreSQL reader role and its grants (see events.readonly)."""
    from sqlalchemy.exc import DatabaseError as SADatabaseError

    from events import readonly
    from events.models import Base
    from events.views import VIEWS

    relations = [*Base.metadata.tables, *VIEWS, "alembic_version"]
    engine = make_engine(url)
    try:
        with engine.connect() as conn, conn.begin():
            return readonly.setup_reader(conn, relations)
    except SADatabaseError as exc:
        raise DatabaseError(explain(exc, url)) from exc
    finally:
        engine.dispose()


def downgrade(url: str, revision: str = "-1") -> None:
    """Migrate the database down to ``revision``."""
    from alembic import command

    _run_alembic(url, lambda cfg: command.downgrade(cfg, revision))


def _run_alembic(url: str, action: Any) -> None:
    from sqlalchemy.exc import DatabaseError as SADatabaseError

    engine = make_engine(url)
    try:
        current_revision(engine, url)  # readable errors for non-databases first
        with engine.connect() as conn:
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            action(cfg)
    except SADatabaseError as exc:
        raise DatabaseError(explain(exc, url)) from exc
    finally:
        engine.dispose()


def check_models(url: str) -> list[str]:
    """Return the differences between the models and the migrated schema (empty = agree)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from events.models import Base, include_object

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            opts = {"compare_type": True, "include_object": include_object}
            ctx = MigrationContext.configure(conn, opts=opts)
            return [repr(d) for d in compare_metadata(ctx, Base.metadata)]
    finally:
        engine.dispose()
