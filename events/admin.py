"""Schema administration behind ``events init`` and ``events db``."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import DatabaseError as SADatabaseError

from events import db
from events.catalog import load_seeds


@dataclass
class InitResult:
    url: str
    revision_before: str | None
    revision_after: str
    counts: dict[str, int]
    warnings: list[str]


def init(db_arg: str | None) -> InitResult:
    """Create or upgrade the schema and load the seed dictionaries (idempotent)."""
    url = db.resolve_url(db_arg)
    path = db.sqlite_path(url)
    if path is not None and not path.parent.exists():
        raise db.DatabaseError(f"directory {path.parent} does not exist")
    engine = db.make_engine(url)
    try:
        before = db.current_revision(engine, url)
    finally:
        engine.dispose()
    warnings = db.upgrade(url)
    database = db.open_database(db_arg)
    try:
        with database.session() as session, session.begin():
            counts = load_seeds(session)
    except SADatabaseError as exc:
        raise db.DatabaseError(db.explain(exc, url)) from None
    finally:
        database.dispose()
    return InitResult(url, before, db.head_revision(), counts, warnings)


def current(db_arg: str | None) -> tuple[str | None, str]:
    """Return (database revision, program head)."""
    url = db.resolve_url(db_arg)
    engine = db.make_engine(url, readonly=db.sqlite_path(url) is not None)
    try:
        return db.current_revision(engine, url), db.head_revision()
    finally:
        engine.dispose()


def check(db_arg: str | None) -> tuple[str, list[str]]:
    """Compare models with the migrated schema.

    Uses the given database when it is at the head; when it does not exist yet or
    is empty, migrates a scratch SQLite database instead. Returns (what was
    compared, differences).
    """
    url = db.resolve_url(db_arg)
    path = db.sqlite_path(url)
    if path is None or path.exists():
        engine = db.make_engine(url)
        try:
            revision = db.current_revision(engine, url)
            if revision is not None:
                db.check_current(engine, url)
                return db.describe(url), db.check_models(url)
        finally:
            engine.dispose()
    with tempfile.TemporaryDirectory() as tmp:
        scratch = f"sqlite:///{Path(tmp) / 'check.db'}"
        db.upgrade(scratch)
        return "a scratch database migrated to head", db.check_models(scratch)
