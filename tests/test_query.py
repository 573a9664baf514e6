"""`events query`: read-only, streamed, every output format, clear errors."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import invoke, scalar

SQL = "select alpha, n from (select 'a,b' as alpha, 1 as n union all select 'c', 2) t order by n"


@pytest.mark.parametrize(
    ("flag", "parse"),
    [
        ("--json", lambda s: [[r["alpha"], r["n"]] for r in json.loads(s)]),
        (
            "--nl",
            lambda s: [[json.loads(ln)["alpha"], json.loads(ln)["n"]] for ln in s.splitlines()],
        ),
        ("--csv", lambda s: [[r[0], int(r[1])] for r in list(csv.reader(io.StringIO(s)))[1:]]),
        (
            "--tsv",
            lambda s: [[r.split("\t")[0], int(r.split("\t")[1])] for r in s.splitlines()[1:]],
        ),
    ],
)
def test_output_formats_carry_the_same_rows(runner, db: str, flag: str, parse) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", db, "query", SQL, flag)
    assert result.exit_code == 0, result.output
    assert parse(result.stdout) == [["a,b", 1], ["c", 2]]


def test_json_is_the_default_and_valid_when_empty(runner, db: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", db, "query", "select * from claims_flat")
    assert json.loads(result.stdout) == []


def test_table_and_no_headers(runner, db: str) -> None:  # type: ignore[no-untyped-def]
    table = invoke(runner, "--db", db, "query", SQL, "--table").stdout.splitlines()
    assert table[0].split() == ["alpha", "n"]
    assert set(table[1]) <= {"-", " "}
    assert table[2].split() == ["a,b", "1"]
    bare = invoke(runner, "--db", db, "query", SQL, "--csv", "--no-headers").stdout
    assert bare.splitlines() == ['"a,b",1', "c,2"]


def test_named_parameters_are_bound(runner, db: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(
        runner,
        "--db",
        db,
        "query",
        "select name from actors where key = :k",
        "-p",
        "k",
        "ARM",
        "--csv",
    )
    assert result.stdout.splitlines() == ["name", "Armenia"]
    missing = invoke(runner, "--db", db, "query", "select name from actors where key = :k")
    assert missing.exit_code == 1
    assert "-p NAME VALUE" in missing.stderr


@pytest.mark.parametrize(
    "sql",
    [
        "delete from actors",
        "update actors set name = 'x'",
        "drop table actors",
        "create table stolen (a int)",
        "insert into sources (name) values ('x')",
    ],
)
def test_writes_are_refused_and_nothing_changes(runner, db: str, sql: str) -> None:  # type: ignore[no-untyped-def]
    before = scalar(db, "select count(*) from actors")
    result = invoke(runner, "--db", db, "query", sql)
    assert result.exit_code == 1
    # SQLite: the read-only file refuses the write; PostgreSQL: a statement that
    # returns no rows is not run at all (tests/test_readonly_attacks.py).
    assert result.stderr.startswith("Error: refused:"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert scalar(db, "select count(*) from actors") == before
    assert scalar(db, "select count(*) from sources") == 0


def test_attach_is_refused_on_sqlite(runner, sqlite_db: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "other.db"
    result = invoke(runner, "--db", sqlite_db, "query", f"attach database '{target}' as other")
    assert result.exit_code == 1
    assert "refused: ATTACH would open another database file" in result.stderr
    assert not target.exists()


def test_postgres_read_only_cannot_be_switched_off(runner, db: str, engine_name: str) -> None:  # type: ignore[no-untyped-def]
    if engine_name != "postgresql":
        pytest.skip("PostgreSQL-specific: SQLite opens the file read-only")
    sql = "set transaction read write; delete from actors"
    result = invoke(runner, "--db", db, "query", sql)
    assert result.exit_code == 1
    assert scalar(db, "select count(*) from actors") > 0


def test_sql_error_is_one_line_exit_1(runner, db: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", db, "query", "select * from no_such_table")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: SQL error:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_usage_mistakes_exit_2(runner, db: str) -> None:  # type: ignore[no-untyped-def]
    assert invoke(runner, "--db", db, "query", "select 1", "--csv", "--json").exit_code == 2
    assert invoke(runner, "--db", db, "query").exit_code == 2
    assert invoke(runner, "--db", db, "query", "select 1", "--timeout", "-3").exit_code == 2


def test_timeout_stops_a_runaway_query(runner, db: str, engine_name: str) -> None:  # type: ignore[no-untyped-def]
    forever = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
    )
    result = invoke(runner, "--db", db, "query", forever, "--timeout", "0.3")
    assert result.exit_code == 1
    assert "timeout" in result.stderr


def test_closed_pipe_stops_quietly(sqlite_db: str) -> None:
    """`events query ... | head -1` must not end in a traceback."""
    import subprocess
    import sys

    sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 200000) SELECT x FROM c"
    proc = subprocess.Popen(
        [sys.executable, "-m", "events", "--db", sqlite_db, "query", sql, "--csv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline() == b"x\n"
    proc.stdout.close()  # the reader goes away, like `head -1`
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err
    assert proc.returncode == 1


def test_numeric_parameters_bind_as_numbers(runner, db: str) -> None:  # type: ignore[no-untyped-def]
    sql = "select count(*) as n from (select 3 as k) t where k >= :n"
    assert json.loads(invoke(runner, "--db", db, "query", sql, "-p", "n", "2").stdout)[0]["n"] == 1
    text_sql = "select :name as v"
    assert (
        json.loads(invoke(runner, "--db", db, "query", text_sql, "-p", "name", "ARM").stdout)[0][
            "v"
        ]
        == "ARM"
    )


def test_error_words_in_names_are_not_misread(runner, db: str) -> None:  # type: ignore[no-untyped-def]
    for table in ("interrupted", "readonly_notes"):
        result = invoke(runner, "--db", db, "query", f"select * from {table}")
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: SQL error:"), result.stderr
