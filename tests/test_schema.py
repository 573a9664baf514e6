"""Schema, migrations, views and database selection on both engines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text

from events import db as dblib
from events.views import CLAIMS_FLAT_COLUMNS, EVENTS_FLAT_COLUMNS, VIEWS
from tests.conftest import invoke, scalar

CONTRACT_CLAIMS = (
    "claim_id event_id article_id article_external_id source article_url article_published "
    "section sentence_index char_start char_end sentence trigger event_type event_mode "
    "acled_event_type acled_sub_event_type cameo_root date_start date_end date_precision "
    "date_text actor1 actor1_country actor1_sector actor2 actor2_country actor2_sector "
    "assoc_actors location admin1 country latitude longitude geo_precision fatalities_low "
    "fatalities_best fatalities_high claimant claimant_country relayed_by modality confidence "
    "rule extractor_version"
).split()
CONTRACT_EVENTS = (
    "event_id event_type event_mode acled_event_type acled_sub_event_type cameo_root "
    "date_start date_end date_precision actor1 actor1_country actor1_sector actor2 "
    "actor2_country actor2_sector assoc_actors location admin1 country latitude longitude "
    "geo_precision fatalities_low fatalities_best fatalities_high num_claims num_articles "
    "num_sources first_reported status"
).split()
# The views as revisions 0001-0003 made them: later revisions only append, so
# every column here keeps its position (a notebook's row[31] stays admin1).
CLAIMS_0003 = (
    *CONTRACT_CLAIMS,
    *"claim_date negated article_title actor1_id actor2_id location_id".split(),
)
EVENTS_0003 = (*CONTRACT_EVENTS, "actor1_id", "actor2_id", "location_id")


def counts(runner, db_arg: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", db_arg, "init")
    assert result.exit_code == 0, result.output
    # "  table   1,234" lines; other lines (the place index's state ...) are not counts
    rows = [line.split() for line in result.stderr.splitlines()[1:]]
    return {
        row[0]: int(row[1].replace(",", ""))
        for row in rows
        if len(row) == 2 and row[1].replace(",", "").isdigit()
    }


def test_contract_columns_are_all_in_the_views() -> None:
    assert CLAIMS_FLAT_COLUMNS[: len(CONTRACT_CLAIMS)] == tuple(CONTRACT_CLAIMS)
    assert EVENTS_FLAT_COLUMNS[: len(CONTRACT_EVENTS)] == tuple(CONTRACT_EVENTS)


def test_later_columns_are_appended_after_the_older_ones() -> None:
    assert CLAIMS_FLAT_COLUMNS[: len(CLAIMS_0003)] == CLAIMS_0003
    assert EVENTS_FLAT_COLUMNS[: len(EVENTS_0003)] == EVENTS_0003
    # 0004: the place's admin2 and GeoNames id (DESIGN.md names both), and on
    # claims why the place was chosen.
    assert CLAIMS_FLAT_COLUMNS[len(CLAIMS_0003) : len(CLAIMS_0003) + 3] == (
        "admin2", "geonames_id", "location_evidence")  # fmt: skip
    # 0005: whether the claim is the report's main event (DESIGN.md names it).
    assert CLAIMS_FLAT_COLUMNS[len(CLAIMS_0003) + 3 : len(CLAIMS_0003) + 4] == ("is_main",)
    assert EVENTS_FLAT_COLUMNS[len(EVENTS_0003) : len(EVENTS_0003) + 2] == (
        "admin2", "geonames_id")  # fmt: skip
    # 0006: curation and syndicated copies on claims (DESIGN.md names `curated`); the
    # event summary (DESIGN.md names `contested`).
    assert CLAIMS_FLAT_COLUMNS[len(CLAIMS_0003) + 4 :] == ("curated", "copy_of")
    assert EVENTS_FLAT_COLUMNS[len(EVENTS_0003) + 2 :] == (
        "num_reports", "contested", "contested_fields", "date_first", "date_last", "places",
        "link_reason")  # fmt: skip


def test_init_twice_changes_nothing(runner, empty_db: str) -> None:  # type: ignore[no-untyped-def]
    first = counts(runner, empty_db)
    second = counts(runner, empty_db)
    assert first == second
    assert first["actors"] >= 249  # every ISO 3166-1 country at least
    assert first["event_types"] >= 16
    assert "already current" in invoke(runner, "--db", empty_db, "init").stderr


def test_views_have_exactly_the_contract_columns(db: str) -> None:
    engine = dblib.make_engine(dblib.resolve_url(db))
    with engine.connect() as conn:
        for view, columns in VIEWS.items():
            got = tuple(conn.execute(text(f"SELECT * FROM {view} WHERE 1 = 0")).keys())
            assert got == columns, view
    engine.dispose()


def view_columns(db_arg: str) -> dict[str, tuple[str, ...]]:
    engine = dblib.make_engine(dblib.resolve_url(db_arg))
    try:
        with engine.connect() as conn:
            present = set(sa_inspect(conn).get_view_names())
            return {
                view: tuple(conn.execute(text(f"SELECT * FROM {view} WHERE 1 = 0")).keys())
                for view in VIEWS
                if view in present
            }
    finally:
        engine.dispose()


def test_migrations_go_up_down_and_up_again(runner, empty_db: str) -> None:  # type: ignore[no-untyped-def]
    assert invoke(runner, "--db", empty_db, "db", "upgrade").exit_code == 0
    assert scalar(empty_db, "SELECT count(*) FROM claims_flat") == 0
    assert view_columns(empty_db) == VIEWS
    down = invoke(runner, "--db", empty_db, "db", "downgrade", "0003_article_text_hash", "--yes")
    assert down.exit_code == 0, down.output
    assert view_columns(empty_db) == {"claims_flat": CLAIMS_0003, "events_flat": EVENTS_0003}
    assert invoke(runner, "--db", empty_db, "db", "upgrade").exit_code == 0
    assert view_columns(empty_db) == VIEWS
    down = invoke(runner, "--db", empty_db, "db", "downgrade", "base", "--yes")
    assert down.exit_code == 0, down.output
    current = invoke(runner, "--db", empty_db, "db", "current")
    assert "database: (empty)" in current.stdout
    assert invoke(runner, "--db", empty_db, "db", "upgrade").exit_code == 0
    assert scalar(empty_db, "SELECT count(*) FROM events_flat") == 0
    current = invoke(runner, "--db", empty_db, "db", "current")
    assert current.stdout.splitlines()[0] == f"database: {dblib.head_revision()}"


def test_db_check_proves_models_and_migrations_agree(runner, db: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", db, "db", "check")
    assert result.exit_code == 0, result.output
    assert "agree" in result.stderr


def test_db_check_without_a_database_uses_a_scratch_one(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "nothing-here.db"
    result = invoke(runner, "--db", str(missing), "db", "check")
    assert result.exit_code == 0, result.output
    assert not missing.exists()


def test_db_path_comes_from_option_then_env_then_default(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("EVENTS_DB", raising=False)
    assert dblib.resolve_url(None) == "sqlite:///events.db"
    monkeypatch.setenv("EVENTS_DB", str(tmp_path / "env.db"))
    assert dblib.resolve_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    assert dblib.resolve_url("x.db") == "sqlite:///x.db"
    assert dblib.resolve_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"


def test_env_var_selects_the_database(runner, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "from-env.db"
    monkeypatch.setenv("EVENTS_DB", str(target))
    assert invoke(runner, "init").exit_code == 0
    assert target.exists()


def test_sqlite_runs_with_wal_and_foreign_keys(sqlite_db: str) -> None:
    engine = dblib.make_engine(dblib.resolve_url(sqlite_db))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == dblib.SQLITE_BUSY_TIMEOUT_MS
    engine.dispose()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b"this is plainly not a database file" * 100,
            "is not a SQLite database: give another path with --db",
        ),
        (None, "belongs to another program"),
    ],
)
def test_foreign_files_get_a_one_line_error(runner, tmp_path: Path, content, expected) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "foreign.db"
    if content is None:
        import sqlite3

        con = sqlite3.connect(path)
        con.execute("CREATE TABLE customers (id INTEGER)")
        con.commit()
        con.close()
    else:
        path.write_bytes(content)
    for command in (["query", "select 1"], ["init"], ["ingest", str(path)]):
        result = invoke(runner, "--db", str(path), *command)
        assert result.exit_code == 1, result.output
        assert expected in result.stderr
        assert "Traceback" not in result.output
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_empty_and_unknown_revisions_name_the_fix(runner, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine = dblib.make_engine(dblib.resolve_url(db))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff0000'"))
    engine.dispose()
    result = invoke(runner, "--db", db, "query", "select 1")
    assert result.exit_code == 1
    assert "revision ffff0000, unknown to this program" in result.stderr

    result = invoke(runner, "--db", str(tmp_path / "new.db"), "query", "select 1")
    assert result.exit_code == 1
    assert "run `events init`" in result.stderr


def test_downgraded_database_asks_for_upgrade(runner, db: str) -> None:  # type: ignore[no-untyped-def]
    assert invoke(runner, "--db", db, "db", "downgrade", "base", "--yes").exit_code == 0
    result = invoke(runner, "--db", db, "query", "select 1")
    assert result.exit_code == 1
    assert "run `events init`" in result.stderr or "events db upgrade" in result.stderr


def test_init_output_is_on_stderr_and_json_query_on_stdout(runner, db: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", db, "query", "select count(*) as n from event_types")
    assert json.loads(result.stdout)[0]["n"] >= 16
