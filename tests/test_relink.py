"""``events relink``: the grouping recomputed, whatever the ingest order, pinned claims kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from events import db as dblib
from events.linking import relink as relink_module
from tests.conftest import invoke, scalar
from tests.test_linking import grouping, ingest, rows, write

NAMES = ("wire", "monday", "monitor", "thursday", "retaliation", "prediction", "offensive")


def relink(runner: CliRunner, db: str, *args: str) -> str:
    result = invoke(runner, "--db", db, "relink", *args)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # the summary is a message (stderr)
    return result.stderr


def test_relink_gives_the_ingest_grouping_whatever_the_order(
    db: str, runner: CliRunner, tmp_path: Path
) -> None:
    paths = write(tmp_path / "in", *NAMES)
    ingest(runner, db, *paths[::-1])  # reverse order
    ingested = grouping(db)
    summary = relink(runner, db)
    assert grouping(db) == ingested
    claims = scalar(db, "SELECT count(*) FROM claims")
    events = len(ingested)
    assert f"relinked {claims} claims: {events} events -> {events} events" in summary

    # A database whose grouping was lost (every claim alone) gets it back.
    engine = dblib.make_engine(dblib.resolve_url(db))
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM claim_links")
        conn.exec_driver_sql("UPDATE claims SET event_id = NULL")
    engine.dispose()
    relink(runner, db)
    assert grouping(db) == ingested
    assert scalar(db, "SELECT count(*) FROM claim_links") > 0
    # Events left without claims are hidden, not listed as empty events.
    assert scalar(db, "SELECT count(*) FROM events_flat") == scalar(
        db, "SELECT count(DISTINCT event_id) FROM claims WHERE event_id IS NOT NULL"
    )


def test_relink_keeps_pinned_claims_in_their_events(
    db: str, runner: CliRunner, tmp_path: Path
) -> None:
    ingest(runner, db, *write(tmp_path, "wire", "monitor", "monday"))
    menaka = rows(db, "SELECT c.event_id FROM claims c JOIN articles a ON a.id = c.article_id "
                      "WHERE a.external_id = 'menaka-1'")[0][0]  # fmt: skip
    moved = rows(db, "SELECT c.id FROM claims c JOIN articles a ON a.id = c.article_id "
                     "WHERE a.external_id = 'monitor-gao' ORDER BY c.id")[0][0]  # fmt: skip
    engine = dblib.make_engine(dblib.resolve_url(db))
    with engine.begin() as conn:  # what a person's `events merge/split` leaves behind
        conn.exec_driver_sql(
            f"UPDATE claims SET event_id = {menaka}, event_pinned = true WHERE id = {moved}"
        )
    engine.dispose()
    relink(runner, db)
    assert scalar(db, f"SELECT event_id FROM claims WHERE id = {moved}") == menaka
    gao = rows(db, "SELECT DISTINCT c.event_id FROM claims c JOIN articles a "
                   "ON a.id = c.article_id WHERE a.external_id = 'wire-gao'")  # fmt: skip
    assert len(gao) == 1 and gao[0][0] != menaka


def test_relink_with_a_filter_leaves_other_claims_alone(
    sqlite_db: str, runner: CliRunner, tmp_path: Path
) -> None:
    ingest(runner, sqlite_db, *write(tmp_path, "wire", "monitor"))
    root = Path(__file__).resolve().parent.parent
    assert invoke(runner, "--db", sqlite_db, "ingest", "-q",
                  str(root / "seeds" / "samples")).exit_code == 0  # fmt: skip
    before = rows(sqlite_db, "SELECT id, event_id FROM claims ORDER BY id")
    summary = relink(runner, sqlite_db, "--country", "mli", "--since", "2024-03-01",
                     "--until", "2024-03-31")  # fmt: skip
    assert rows(sqlite_db, "SELECT id, event_id FROM claims ORDER BY id") == before
    claims = int(summary.split("relinked ")[1].split()[0])
    assert 0 < claims < len(before)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--since", "yesterday"), "--since 'yesterday' is not a date"),
        (("--country", "Mali"), "is not an ISO 3166 alpha-3 code"),
        (("--since", "2024-05-01", "--until", "2024-04-01"), "is after --until"),
    ],
)
def test_relink_refuses_bad_input_in_one_line(
    sqlite_db: str, runner: CliRunner, args: tuple[str, ...], message: str
) -> None:
    result = invoke(runner, "--db", sqlite_db, "relink", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1


def test_a_failed_relink_leaves_the_old_grouping(
    db: str, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(runner, db, *write(tmp_path, "wire", "monitor", "monday"))
    engine = dblib.make_engine(dblib.resolve_url(db))
    with engine.begin() as conn:  # a grouping relink would change
        conn.exec_driver_sql("UPDATE claims SET event_id = NULL")
    engine.dispose()
    before = rows(db, "SELECT id, event_id FROM claims ORDER BY id")
    links = scalar(db, "SELECT count(*) FROM claim_links")

    def crash(*_: object) -> None:
        raise RuntimeError("killed")

    monkeypatch.setattr(relink_module, "refresh_events", crash)  # after every write but one
    with pytest.raises(RuntimeError):
        invoke(runner, "--db", db, "relink")
    assert rows(db, "SELECT id, event_id FROM claims ORDER BY id") == before
    assert scalar(db, "SELECT count(*) FROM claim_links") == links
