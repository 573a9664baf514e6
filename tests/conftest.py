"""Shared fixtures: databases on both engines, the CLI runner, shared data paths.

PostgreSQL tests need ``EVENTS_TEST_PG_URL`` (a server URL whose user may
create databases; ``.ci/run`` sets it). Each test gets a database of its own,
cloned from a template migrated once per session with the real migrations.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from events import db as dblib

PG_URL = os.environ.get("EVENTS_TEST_PG_URL")
PG_SKIP = "EVENTS_TEST_PG_URL is not set: PostgreSQL tests skipped (.ci/run sets it)"

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
SEED_ARTICLE = SHARED_DATA / "seed" / "southfront-2020-10-turkey-karabakh.txt"
SAMPLES = REPO / "seeds" / "samples"


def shared_file(*parts: str) -> Path:
    """Return a file under ../shared/data, skipping the test when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"{path} not found: third-party gold data lives in ../shared beside the checkout"
        )
    return path


def _pg_admin_url() -> str:
    assert PG_URL
    return dblib.resolve_url(PG_URL)


def _pg_execute(sql: str) -> None:
    engine = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(sql)
    finally:
        engine.dispose()


def _pg_url_for(name: str) -> str:
    return make_url(_pg_admin_url()).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    from events import admin

    admin.init(str(path))
    import sqlite3

    con = sqlite3.connect(path)  # fold the WAL into the file before copying it
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    if not PG_URL:
        pytest.skip(PG_SKIP)
    name = f"events_tpl_{uuid.uuid4().hex[:8]}"
    _pg_execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    from events import admin

    admin.init(_pg_url_for(name))
    yield name
    _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fresh_pg(template: str | None) -> Iterator[str]:
    name = f"events_t_{uuid.uuid4().hex[:10]}"
    _pg_execute(f'CREATE DATABASE "{name}" TEMPLATE {template or "template0"}')
    try:
        yield _pg_url_for(name)
    finally:
        _pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql" and not PG_URL:
        pytest.skip(PG_SKIP)
    return str(request.param)


@pytest.fixture
def empty_db(engine_name: str, tmp_path: Path) -> Iterator[str]:
    """A database argument (path or URL) with no schema, on each engine."""
    if engine_name == "sqlite":
        yield str(tmp_path / "empty.db")
    else:
        yield from _fresh_pg(None)


@pytest.fixture
def db(engine_name: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A database argument initialised with the schema and seeds, on each engine."""
    if engine_name == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "events.db"
        shutil.copy(template, path)
        yield str(path)
    else:
        template = request.getfixturevalue("pg_template")
        yield from _fresh_pg(template)


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> str:
    """An initialised SQLite database file (for tests that need just one engine)."""
    path = tmp_path / "events.db"
    shutil.copy(sqlite_template, path)
    return str(path)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, *args: str, input: str | bytes | None = None):  # type: ignore[no-untyped-def]
    """Invoke the CLI and return the result (stdout in .stdout, messages in .stderr)."""
    from events.cli.main import cli

    return runner.invoke(cli, list(args), input=input, catch_exceptions=False)


def scalar(db_arg: str, sql: str) -> object:
    """Run one read query directly against a database argument."""
    engine = dblib.make_engine(dblib.resolve_url(db_arg))
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()
