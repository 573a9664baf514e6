"""Schema administration behind ``events init`` and ``events db``."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
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
    place_index: str = ""  # what happened to the place index ("built in 26 s", "current")


def init(db_arg: str | None, *, on_index_build: Callable[[Path], None] | None = None) -> InitResult:
    """Create or upgrade the schema, load the seed dictionaries, build the place index.

    Idempotent. The place index (events.geoindex) is built once per machine and
    seed version; ``on_index_build`` is called first when a build is needed
    (it takes tens of seconds), so the CLI can say so.
    """
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
    return InitResult(
        url, before, db.head_revision(), counts, warnings, _place_index(on_index_build)
    )


def _place_index(on_build: Callable[[Path], None] | None) -> str:
    from events import geoindex

    target = geoindex.index_path()
    if target.exists():
        return f"current ({target})"
    if on_build is not None:
        on_build(target)
    started = time.perf_counter()
    try:
        geoindex.ensure_index(target)
    except OSError as exc:
        raise db.DatabaseError(
            f"cannot write the place index to {target.parent} ({exc.strerror}): "
            "set EVENTS_CACHE_DIR to a writable directory"
        ) from None
    removed = geoindex.prune_old_indexes(keep=target)
    note = f", {removed} older one(s) removed" if removed else ""
    return f"built in {time.perf_counter() - started:.0f} s ({target}){note}"


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
