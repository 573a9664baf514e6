"""`events ingest` and `events show`: good input stored whole, bad input named, nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import OperationalError

from events.db import open_database
from events.ingest import ingest_one
from events.pipeline.load import Overrides, load_bytes
from tests.conftest import SAMPLES, invoke, scalar

STORY = (
    "Rebels attacked an army convoy near Goma on Tuesday, killing at least five soldiers, "
    "the army said in a statement.\n\nThe rebels denied the attack."
)


def count(db: str, table: str) -> int:
    return int(scalar(db, f"select count(*) from {table}"))  # type: ignore[arg-type]


def test_samples_ingest_and_produce_claims(runner, db: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", db, "ingest", str(SAMPLES))
    assert result.exit_code == 0, result.output
    assert " 0 failed" in result.stderr
    stored = count(db, "articles")
    assert stored == len([p for p in SAMPLES.iterdir() if p.suffix == ".txt"]) + sum(
        1 for p in SAMPLES.glob("*.jsonl") for line in p.read_text().splitlines() if line.strip()
    )
    assert count(db, "claims") >= stored
    assert count(db, "events") >= 1
    again = invoke(runner, "--db", db, "ingest", str(SAMPLES))
    assert f"{stored} skipped" in again.stderr
    assert count(db, "articles") == stored


def test_directory_with_good_and_bad_files(runner, sqlite_db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text(STORY, encoding="utf-8")
    (folder / "sub" / "latin1.txt").write_bytes(
        "Soldiers shelled the village of Kéran on 3 March 2021, officials said.".encode("latin-1")
    )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (folder / "feed.jsonl").write_text(
        json.dumps({"id": "a1", "text": "Police arrested ten protesters in Minsk on 5 May 2021.",
                    "published": "2021-05-06", "source": "Wire"}) + "\n"
        + "{not json\n"
        + json.dumps({"id": "a3", "title": "no text"}) + "\n"
        + json.dumps({"id": "a4", "text": "Troops withdrew from Kherson on 11 November 2022.",
                      "published": "2022-11-12"}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    result = invoke(runner, "--db", sqlite_db, "ingest", str(folder))
    assert result.exit_code == 1
    err = result.stderr
    assert "empty.txt" in err and "binary.txt" in err
    assert "feed.jsonl:2" in err and "feed.jsonl:3" in err
    assert "4 stored" in err and "4 failed" in err
    assert "Traceback" not in result.output
    assert count(sqlite_db, "articles") == 4
    rows = json.loads(
        invoke(runner, "--db", sqlite_db, "query",
               "select external_id, published from articles where external_id is not null order by 1").stdout
    )  # fmt: skip
    assert rows == [{"external_id": "a1", "published": "2021-05-06"},
                    {"external_id": "a4", "published": "2022-11-12"}]  # fmt: skip


def test_missing_path_and_glob_are_named(runner, sqlite_db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = invoke(
        runner, "--db", sqlite_db, "ingest", str(tmp_path / "nope.txt"), str(tmp_path / "*.html")
    )
    assert result.exit_code == 1
    assert "no such file or directory" in result.stderr
    assert "no file matches this pattern" in result.stderr


def test_stdin_and_metadata_flags(runner, sqlite_db: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(
        runner, "--db", sqlite_db, "ingest", "-", "--published", "2023-04-05",
        "--source", "Test Wire", "--url", "https://example.org/a", input=STORY.encode(),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (row,) = json.loads(
        invoke(runner, "--db", sqlite_db, "query",
               "select source, article_url, article_published, date_start, fatalities_low "
               "from claims_flat where fatalities_low is not null").stdout
    )  # fmt: skip
    assert row["source"] == "Test Wire"
    assert row["article_url"] == "https://example.org/a"
    assert row["article_published"] == "2023-04-05"
    assert row["date_start"] == "2023-04-04"  # "on Tuesday" before a Wednesday publication
    assert row["fatalities_low"] == 5


def test_bad_published_flag_is_a_clear_error(runner, sqlite_db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a.txt"
    path.write_text(STORY)
    result = invoke(runner, "--db", sqlite_db, "ingest", str(path), "--published", "last tuesday")
    assert result.exit_code == 2
    assert "is not an ISO date" in result.stderr
    assert count(sqlite_db, "articles") == 0


def test_ingest_requires_an_initialised_database(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a.txt"
    path.write_text(STORY)
    result = invoke(runner, "--db", str(tmp_path / "new.db"), "ingest", str(path))
    assert result.exit_code == 1
    assert "run `events init`" in result.stderr


def test_a_failure_while_storing_leaves_no_half_article(
    db: str, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import events.store as store

    calls = {"n": 0}
    original = store._claim_actor_rows

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:  # after the article, its events and claims were written
            raise OperationalError("INSERT", {}, Exception("disk I/O error"))
        return original(*args, **kwargs)

    monkeypatch.setattr(store, "_claim_actor_rows", failing)
    database = open_database(db)
    try:
        doc = load_bytes(STORY.encode(), origin="story.txt", overrides=Overrides())
        outcome = ingest_one(database, doc)
        assert outcome.status == "failed"
        assert "disk I/O error" in outcome.message
        for table in ("articles", "claims", "claim_actors", "events"):
            assert count(db, table) == 0, table
        monkeypatch.setattr(store, "_claim_actor_rows", original)
        doc = load_bytes(STORY.encode(), origin="story.txt", overrides=Overrides())
        assert ingest_one(database, doc).status == "stored"
        assert count(db, "articles") == 1
    finally:
        database.dispose()


def test_show_marks_the_evidence(runner, sqlite_db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a.txt"
    path.write_text(STORY)
    invoke(runner, "--db", sqlite_db, "ingest", str(path), "--published", "2023-04-05")
    result = invoke(runner, "--db", sqlite_db, "show", "1")
    assert result.exit_code == 0, result.output
    assert "[1 Rebels attacked" in result.stdout
    assert "event_type=ASSAULT" in result.stdout
    missing = invoke(runner, "--db", sqlite_db, "show", "999")
    assert missing.exit_code == 1
    assert "no article '999'" in missing.stderr


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.one_of(
        st.binary(max_size=3000),
        st.text(max_size=3000).map(lambda t: t.encode("utf-8", "surrogatepass")),
    )
)
def test_arbitrary_input_is_stored_whole_or_refused_cleanly(sqlite_db: str, data: bytes) -> None:
    database = open_database(sqlite_db)
    try:
        try:
            doc = load_bytes(data, origin="fuzz.txt", overrides=Overrides())
        except Exception as exc:  # loader refusals must be domain errors with one line
            from events.errors import InputError

            assert isinstance(exc, InputError), repr(exc)
            assert "\n" not in str(exc)
            return
        outcome = ingest_one(database, doc)
        assert outcome.status in ("stored", "skipped", "failed")
        assert "\n" not in outcome.message
        orphans = scalar(sqlite_db, "select count(*) from claims c left join articles a "
                                    "on a.id = c.article_id where a.id is null")  # fmt: skip
        assert orphans == 0
    finally:
        database.dispose()


@pytest.mark.parametrize("size_mb", [3])
def test_huge_single_line_is_handled(runner, sqlite_db: str, tmp_path: Path, size_mb: int) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "huge.txt"
    path.write_text(("word " * (size_mb * 200_000)).strip())
    result = invoke(runner, "--db", sqlite_db, "ingest", str(path), "--max-bytes", "1000000")
    assert result.exit_code == 1
    assert "limit" in result.stderr
    assert count(sqlite_db, "articles") == 0


def test_show_numbers_evidence_like_the_list_and_survives_huge_ids(
    runner, sqlite_db: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a.txt"
    path.write_text("Rebels Attack Army Convoy Near Goma\n\n" + STORY)
    invoke(runner, "--db", sqlite_db, "ingest", str(path), "--published", "2023-04-05")
    result = invoke(runner, "--db", sqlite_db, "show", "1")
    listed = [line for line in result.stdout.splitlines() if line.startswith("[")]
    title_claims = sum(1 for line in listed if " title sentence" in line)
    assert title_claims >= 1  # the headline is coded too
    assert f"[{title_claims + 1}" in result.stdout.split("\n\n", 2)[1]  # first body marker
    huge = invoke(runner, "--db", sqlite_db, "show", "99999999999999999999999")
    assert huge.exit_code == 1
    assert "no article" in huge.stderr


def test_read_only_database_stops_the_batch_with_one_line(
    runner, sqlite_db: str, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import events.store as store

    def readonly(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("INSERT", {}, Exception("attempt to write a readonly database"))

    monkeypatch.setattr(store, "_source_id", readonly)
    for i in range(3):
        (tmp_path / f"a{i}.txt").write_text(f"{STORY} Report {i}.")
    result = invoke(runner, "--db", sqlite_db, "ingest", str(tmp_path), "--source", "Wire")
    assert result.exit_code == 1
    assert result.stderr.count("read-only") == 1
    assert count(sqlite_db, "articles") == 0
