"""``events snapshot``: a SQLite copy (whole or filtered) with the same views, from both engines."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import invoke
from tests.test_serve import REPORTS, ingest_reports, rows

OTHER_REPORTS = [
    {
        "id": "caucasus-wire-0502",
        "title": "Police detain protesters in Yerevan",
        "published": "2024-05-02",
        "source": "Caucasus Wire",
        "text": "YEREVAN, May 2 (Caucasus Wire) - Police detained 40 protesters in Yerevan on "
        "Thursday during a rally against the government, the interior ministry said.",
    },
    {
        "id": "steppe-post-0115",
        "title": "Shelling kills three in Kharkiv",
        "published": "2024-01-15",
        "source": "Steppe Post",
        "text": "KHARKIV, Jan 15 (Steppe Post) - Artillery shelling killed three people in "
        "Kharkiv on Sunday, the regional governor said.",
    },
]

TABLES = ("events", "claims", "articles", "claim_actors", "event_actors", "sources", "actors")


@pytest.fixture
def three_countries(db: str, tmp_path: Path) -> str:
    ingest_reports(db, tmp_path, REPORTS + OTHER_REPORTS)
    return db


def count(path: Path, table: str) -> int:
    return int(rows(path, f"SELECT count(*) FROM {table}")[0][0])


def source_count(db_arg: str, sql: str) -> int:
    from tests.conftest import scalar

    return int(scalar(db_arg, sql))  # type: ignore[arg-type]


def test_whole_copy_holds_every_row_and_the_views(runner, three_countries, tmp_path) -> None:
    out = tmp_path / "copy.db"
    result = invoke(runner, "--db", three_countries, "snapshot", str(out))
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.stderr
    for table in TABLES:
        assert count(out, table) == source_count(three_countries, f"SELECT count(*) FROM {table}")
    for view in ("events_flat", "claims_flat", "contradictions"):
        assert count(out, view) == source_count(three_countries, f"SELECT count(*) FROM {view}")
    assert not Path(f"{out}-wal").exists()  # one file to share
    assert rows(out, "PRAGMA integrity_check") == [("ok",)]


def test_filtered_copy_holds_only_the_matching_events(runner, three_countries, tmp_path) -> None:
    out = tmp_path / "mali.db"
    result = invoke(runner, "--db", three_countries, "snapshot", str(out), "--country", "MLI",
                    "--since", "2024-03-01", "--until", "2024-03-31")  # fmt: skip
    assert result.exit_code == 0, result.output
    expected = source_count(
        three_countries,
        "SELECT count(*) FROM events_flat WHERE country = 'MLI' "
        "AND date_start BETWEEN '2024-03-01' AND '2024-03-31'",
    )
    assert expected >= 1
    assert rows(out, "SELECT DISTINCT country FROM events_flat") == [("MLI",)]
    assert count(out, "events_flat") == expected == count(out, "events")
    assert {r[0] for r in rows(out, "SELECT source FROM claims_flat")} <= {
        "Sahel Monitor",
        "Bamako Daily",
    }
    assert rows(
        out, "SELECT count(*) FROM claims WHERE event_id NOT IN (SELECT id FROM events)"
    ) == [(0,)]
    assert {r[0] for r in rows(out, "SELECT external_id FROM articles")} <= {
        r["id"] for r in REPORTS
    }
    # The views work on the copy: the disputed toll is there with both figures.
    values = {
        r[0] for r in rows(out, "SELECT value FROM contradictions WHERE field = 'fatalities'")
    }
    assert any(v.startswith("12") for v in values) and any("31" in v for v in values)
    # Dictionaries come whole, so the copy can be queried and filtered like the original.
    assert count(out, "event_types") == source_count(
        three_countries, "SELECT count(*) FROM event_types"
    )
    assert rows(out, "PRAGMA foreign_key_check") == []


def test_country_by_name_and_type_filters(runner, three_countries, tmp_path) -> None:
    out = tmp_path / "arm.db"
    result = invoke(runner, "--db", three_countries, "snapshot", str(out), "--country", "Armenia",
                    "--type", "PROTEST")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert rows(out, "SELECT DISTINCT country, event_type FROM events_flat") == [("ARM", "PROTEST")]


def test_refuses_to_overwrite_without_force(runner, three_countries, tmp_path) -> None:
    out = tmp_path / "keep.db"
    out.write_bytes(b"precious")
    result = invoke(runner, "--db", three_countries, "snapshot", str(out))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {out} exists: add --force to replace it"
    assert out.read_bytes() == b"precious"
    result = invoke(runner, "--db", three_countries, "snapshot", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert count(out, "events") >= 3


def test_unknown_country_is_one_line_and_writes_nothing(runner, three_countries, tmp_path) -> None:
    out = tmp_path / "none.db"
    result = invoke(runner, "--db", three_countries, "snapshot", str(out), "--country", "Atlantis")
    assert result.exit_code == 1
    assert "unknown country 'Atlantis'" in result.stderr
    assert list(tmp_path.glob("*none.db*")) == []


def test_a_failure_mid_copy_leaves_the_old_file(runner, sqlite_db, tmp_path, monkeypatch) -> None:
    ingest_reports(sqlite_db, tmp_path)
    out = tmp_path / "old.db"
    assert invoke(runner, "--db", sqlite_db, "snapshot", str(out)).exit_code == 0
    before = out.read_bytes()
    from events.web import snapshot as snap

    real = snap._insert

    def failing(dst, table, batch):  # type: ignore[no-untyped-def]
        if table.name == "claims":
            raise sqlite3.OperationalError("disk I/O error (simulated)")
        return real(dst, table, batch)

    monkeypatch.setattr(snap, "_insert", failing)
    with pytest.raises(sqlite3.OperationalError):
        snap.snapshot(sqlite_db, out, snap.SnapshotFilters(), force=True)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.glob("*old.db*")) == ["old.db"]


def test_the_copy_can_be_served(runner, three_countries, tmp_path) -> None:
    pytest.importorskip("datasette", reason="the web extra is not installed")
    from tests.test_serve import get

    out = tmp_path / "served.db"
    assert (
        invoke(runner, "--db", three_countries, "snapshot", str(out), "--country", "MLI").exit_code
        == 0
    )
    event = rows(out, "SELECT event_id FROM events_flat WHERE contested = 1")[0][0]
    (page,) = get(out, f"/events/event?event_id={event}")
    assert page.status_code == 200 and "Contested" in page.text
