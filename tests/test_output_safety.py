"""Output a spreadsheet cannot misread: quoted line breaks, neutralised formulas, no clobbering.

A CSV or TSV cell holding a bare carriage return must be quoted, or a spreadsheet
starts a new row there and whatever follows (``@SUM(1+1)``) becomes a cell of its
own, past the formula neutralisation. The files are read twice: with Python's
:mod:`csv` and with a naive splitter that breaks rows at ``\\r\\n``, ``\\n`` and
``\\r`` outside quotes, as spreadsheets do; both must see the same rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from events import db as dblib
from events.linking.summary import refresh_events
from events.models import Actor, Article, Claim, Event, Source
from tests.conftest import invoke, scalar

#: Stored as article titles, urls, sentences and triggers (and one source name).
DANGEROUS = [
    "x\r@SUM(1+1)",
    '\n=HYPERLINK("http://evil.example","click")',
    "  =1+1",
    "\t+cmd|' /C calc'!A0",
    'say "hi"\r-2+3',
    "line one\r\nline two,\t=2+2",
    "plain text",
]
SOURCE = "+Wire\r=1+1"
#: What a spreadsheet may run as a formula: these first characters, or = + - @
#: after leading whitespace (some spreadsheets trim it on import).
FORMULA_FIRST = ("=", "+", "-", "@", "\t", "\r", "\n")


def _store(db_arg: str) -> None:
    """Store one article, claim and event per dangerous value."""
    database = dblib.open_database(db_arg)
    try:
        with database.session() as s, s.begin():
            actor = s.execute(select(Actor.id).where(Actor.key == "ARM")).scalar_one()
            source = s.execute(insert(Source).values(name=SOURCE).returning(Source.id)).scalar_one()
            for n, value in enumerate(DANGEROUS):
                article = s.execute(insert(Article).values(
                    source_id=source, external_id=f"x-{n}", title=value, url=value, body=value,
                    published=dt.date(2020, 10, 1), published_precision="day",
                    published_inferred=False, content_hash=f"x-{n}", extractor_version="test-x",
                ).returning(Article.id)).scalar_one()  # fmt: skip
                day = dt.date(2020, 10, 1 + n)
                coded = dict(event_type="ASSAULT", date_start=day, date_end=day,
                             date_precision="day", actor1_id=actor)  # fmt: skip
                event = s.execute(insert(Event).values(
                    status="auto", extractor_version="test-x", **coded
                ).returning(Event.id)).scalar_one()  # fmt: skip
                s.execute(insert(Claim).values(
                    article_id=article, event_id=event, section="body", sentence_index=0,
                    char_start=0, char_end=len(value), sentence=value, trigger=value,
                    modality="asserted", negated=False, confidence=0.9,
                    extractor_version="test-x", **coded,
                ))  # fmt: skip
            refresh_events(s, s.execute(select(Event.id)).scalars().all())
    finally:
        database.dispose()


@pytest.fixture
def stored(db: str) -> str:
    _store(db)
    return db


def spreadsheet_rows(text: str, delimiter: str) -> list[list[str]]:
    """Split ``text`` the way a spreadsheet imports it (rows end at CR, LF or CRLF)."""
    rows: list[list[str]] = []
    row: list[str] = []
    cell: list[str] = []
    quoted = False
    i = 0
    while i < len(text):
        c = text[i]
        if quoted:
            if c == '"' and text[i + 1 : i + 2] == '"':
                cell.append('"')
                i += 1
            elif c == '"':
                quoted = False
            else:
                cell.append(c)
        elif c == '"':
            quoted = True
        elif c == delimiter:
            row.append("".join(cell))
            cell = []
        elif c in "\r\n":
            row.append("".join(cell))
            rows.append(row)
            row, cell = [], []
            if c == "\r" and text[i + 1 : i + 2] == "\n":
                i += 1
        else:
            cell.append(c)
        i += 1
    if cell or row:
        row.append("".join(cell))
        rows.append(row)
    return rows


def python_rows(text: str, delimiter: str) -> list[list[str]]:
    """Read ``text`` as Python's csv documentation says to: newline=''."""
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def live_formulas(rows: list[list[str]]) -> list[str]:
    """Return the cells a spreadsheet could evaluate (neither numbers nor quote-prefixed)."""
    return [
        cell
        for row in rows
        for cell in row
        if not _is_number(cell)
        and (cell.startswith(FORMULA_FIRST) or cell.lstrip(" \t\r\n").startswith(FORMULA_FIRST))
    ]


def _stdout(result) -> str:  # type: ignore[no-untyped-def]
    """Return stdout as written (click's ``Result.stdout`` turns CRLF into LF)."""
    assert result.exit_code == 0, result.output
    return str(result.stdout_bytes.decode("utf-8"))


def _both_readings(text: str, delimiter: str) -> list[list[str]]:
    by_python = python_rows(text, delimiter)
    assert spreadsheet_rows(text, delimiter) == by_python
    return by_python


# --- task 1 and 2: export ---------------------------------------------------------------


@pytest.mark.parametrize(("flag", "delimiter"), [("--csv", ","), ("--tsv", "\t")])
@pytest.mark.parametrize("profile", ["native", "acled", "ucdp"])
def test_export_quotes_line_breaks_and_leaves_no_live_formula(
    runner, stored: str, flag: str, delimiter: str, profile: str
) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", stored, "export", "-", flag, "--profile", profile, "-q")
    rows = _both_readings(_stdout(result), delimiter)
    assert len(rows) == 1 + len(DANGEROUS)
    assert {len(r) for r in rows} == {len(rows[0])}
    assert live_formulas(rows) == []


@pytest.mark.parametrize(("flag", "delimiter"), [("--csv", ","), ("--tsv", "\t")])
def test_raw_export_round_trips_every_value(runner, stored: str, flag: str, delimiter: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", stored, "export", "-", flag, "--raw", "-q")
    header, *body = _both_readings(_stdout(result), delimiter)
    for column in ("article_title", "article_url", "sentence", "trigger"):
        assert [r[header.index(column)] for r in body] == DANGEROUS, column
    assert {r[header.index("source")] for r in body} == {SOURCE}


@pytest.mark.parametrize(("flag", "delimiter"), [("--csv", ","), ("--tsv", "\t")])
def test_neutralised_cells_keep_their_value_after_the_quote(
    runner, stored: str, flag: str, delimiter: str
) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", stored, "export", "-", flag, "-q")
    header, *body = _both_readings(_stdout(result), delimiter)
    titles = [r[header.index("article_title")] for r in body]
    assert titles == [
        "x\r@SUM(1+1)",  # starts with x: one cell, nothing to neutralise once quoted
        "'" + DANGEROUS[1],
        "'  =1+1",
        "'" + DANGEROUS[3],
        DANGEROUS[4],
        DANGEROUS[5],
        "plain text",
    ]


def test_file_export_is_read_the_same_by_python_and_a_spreadsheet(
    runner, stored: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "claims.tsv"
    result = invoke(runner, "--db", stored, "export", str(target), "-q")
    assert result.exit_code == 0, result.output
    text = target.read_bytes().decode("utf-8")
    rows = _both_readings(text, "\t")
    assert len(rows) == 1 + len(DANGEROUS) and live_formulas(rows) == []


def test_parallel_export_quotes_like_one_process(runner, stored: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import events.export as export_module

    monkeypatch.setattr(export_module, "PARALLEL_MIN_ROWS", 1)
    one = _stdout(invoke(runner, "--db", stored, "export", "-", "--jobs", "1", "-q"))
    three = _stdout(invoke(runner, "--db", stored, "export", "-", "--jobs", "3", "-q"))
    assert one == three
    assert len(_both_readings(three, ",")) == 1 + len(DANGEROUS)


def test_csv_writer_quotes_carriage_returns_past_a_batch() -> None:
    from events.export import CSV_BATCH_ROWS, write_rows

    plain = [(i, "text") for i in range(CSV_BATCH_ROWS + 5)]
    rows = [*plain, (0, "a\rb"), *plain, (1, "c\rd")]
    out = io.StringIO()
    assert write_rows(out, ["n", "s"], iter(rows), "csv") == len(rows)
    assert _both_readings(out.getvalue(), ",")[1:] == [[str(n), s] for n, s in rows]
    assert out.getvalue().count("\n") == len(rows) + 1  # '\n' line ends, as before


# --- task 1 and 2: query ----------------------------------------------------------------

QUERY = "select article_title, article_url, sentence from claims_flat order by claim_id"


@pytest.mark.parametrize(("flag", "delimiter"), [("--csv", ","), ("--tsv", "\t")])
def test_query_quotes_line_breaks_and_prints_values_as_stored(
    runner, stored: str, flag: str, delimiter: str
) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", stored, "query", QUERY, flag)
    header, *body = _both_readings(_stdout(result), delimiter)
    assert header == ["article_title", "article_url", "sentence"]
    assert body == [[v, v, v] for v in DANGEROUS]  # raw SQL output: not neutralised


def test_query_help_says_it_does_not_neutralise(runner) -> None:  # type: ignore[no-untyped-def]
    text = " ".join(invoke(runner, "query", "--help").stdout.split())
    assert "not neutralised" in text and "events export" in text


# --- task 3: export does not overwrite --------------------------------------------------


@pytest.mark.parametrize("existing", ["out.csv", "out.csv.manifest.json"])
def test_export_refuses_to_overwrite_unless_force(
    runner, sqlite_db: str, tmp_path: Path, existing: str
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    out.mkdir()
    target = out / "out.csv"
    (out / existing).write_text("precious\n", encoding="utf-8")
    result = invoke(runner, "--db", sqlite_db, "export", str(target))
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"Error: {out / existing} exists: add --force to overwrite it, or choose another file\n"
    )
    assert (out / existing).read_text(encoding="utf-8") == "precious\n"
    assert [p.name for p in out.iterdir()] == [existing]

    forced = invoke(runner, "--db", sqlite_db, "export", str(target), "--force", "-q")
    assert forced.exit_code == 0, forced.output
    assert target.read_text(encoding="utf-8").startswith("claim_id,")
    manifest = json.loads((out / "out.csv.manifest.json").read_text(encoding="utf-8"))
    assert manifest["rows"] == 0


def test_export_without_manifest_checks_only_the_file(
    runner, sqlite_db: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "out.csv.manifest.json").write_text("{}", encoding="utf-8")
    result = invoke(runner, "--db", sqlite_db, "export", str(tmp_path / "out.csv"),
                    "--no-manifest", "-q")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.csv.manifest.json").read_text(encoding="utf-8") == "{}"


def test_export_to_stdout_twice_is_fine(runner, sqlite_db: str) -> None:  # type: ignore[no-untyped-def]
    first = invoke(runner, "--db", sqlite_db, "export", "-", "-q")
    second = invoke(runner, "--db", sqlite_db, "export", "-", "-q")
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout


# --- task 4: downgrade asks -------------------------------------------------------------


def test_downgrade_without_a_terminal_needs_yes(runner, db: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", db, "db", "downgrade", "base")
    assert result.exit_code == 1, result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "--yes" in result.stderr
    assert scalar(db, "select version_num from alembic_version") == dblib.head_revision()

    done = invoke(runner, "--db", db, "db", "downgrade", "base", "--yes")
    assert done.exit_code == 0, done.output
    assert "database: (empty)" in invoke(runner, "--db", db, "db", "current").stdout


def test_downgrade_on_a_terminal_asks_first(runner, sqlite_db: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from events.cli import db as db_cli

    monkeypatch.setattr(db_cli, "_on_terminal", lambda: True)
    refused = invoke(runner, "--db", sqlite_db, "db", "downgrade", "base", input="n\n")
    assert refused.exit_code == 1
    assert "drops" in refused.stderr and "Aborted" in refused.stderr
    assert scalar(sqlite_db, "select version_num from alembic_version") == dblib.head_revision()

    agreed = invoke(runner, "--db", sqlite_db, "db", "downgrade", "base", input="y\n")
    assert agreed.exit_code == 0, agreed.output
    assert "database: (empty)" in invoke(runner, "--db", sqlite_db, "db", "current").stdout


def test_downgrade_of_a_database_without_schema_does_not_ask(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()
    result = invoke(runner, "--db", str(path), "db", "downgrade", "base")
    assert result.exit_code == 0, result.output
