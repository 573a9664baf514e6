"""Issue 7, ingest half: no input can crash an ingest.

Each test feeds one family of hostile input through the command line (or the
stage that handles it) and checks the contract: a bad item gets one readable
line on stderr naming it and the reason, never a traceback; the exit status is
1 if anything failed; every good item of the batch is still stored, whole.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import json
import os
import pstats
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text

from events import db as dblib
from events.dates import interval_of, normalise, shift
from events.ingest import extract, warm_up
from events.pipeline.load import Overrides, load_bytes
from events.pipeline.segment import PIECE_CHARS, split_sentences
from events.pipeline.tolls import MAX_PLAUSIBLE_FATALITIES, fatalities
from tests.conftest import invoke, scalar

GOOD = "Police arrested ten protesters in Minsk on 5 May 2021, witnesses said."
STORY = "Rebels attacked an army convoy near Goma on 3 May 2021, killing five soldiers."


def count(db: str, sql: str) -> int:
    return int(scalar(db, sql))  # type: ignore[arg-type]


def write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    # ensure_ascii keeps "\ud800" as the escape a feed would carry.
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def assert_clean(result) -> None:  # type: ignore[no-untyped-def]
    assert "Traceback" not in result.output, result.output
    for line in result.stderr.splitlines():
        assert line.startswith(("stored: ", "skipped: ", "error: ", "  warning: ")) or re.match(
            r"\d+ stored, ", line
        ), f"stray stderr line: {line!r}"


# --- 3. lone surrogates ---------------------------------------------------------------


@pytest.mark.parametrize("field", ["text", "title", "source", "url", "id"])
def test_a_lone_surrogate_is_replaced_with_a_warning(
    runner, db: str, tmp_path: Path, field: str
) -> None:  # type: ignore[no-untyped-def]
    record: dict[str, object] = {"id": "odd", "text": STORY, "title": "Convoy attacked",
                                 "source": "Wire", "url": "https://example.org/a"}  # fmt: skip
    record[field] = f"{record[field]} \ud800 end"
    feed = write_jsonl(tmp_path / "feed.jsonl", [record, {"id": "good", "text": GOOD}])
    result = invoke(runner, "--db", db, "ingest", str(feed))
    assert result.exit_code == 0, result.output
    assert_clean(result)
    assert f"warning: {field}: 1 invalid character(s) (lone surrogates) replaced by U+FFFD" in (
        result.stderr
    )
    assert count(db, "select count(*) from articles") == 2
    column = {"text": "body", "id": "external_id", "source": "name"}.get(field, field)
    table = "sources" if field == "source" else "articles"
    assert count(db, f"select count(*) from {table} where {column} like '%\ufffd end%'") == 1


def test_surrogates_in_flags_and_file_names_are_replaced(runner, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # What Python makes of bytes that are not UTF-8 in argv and in file names.
    name = os.fsdecode(b"caf\xe9.txt")
    (tmp_path / name).write_text(STORY, encoding="utf-8")
    result = invoke(runner, "--db", db, "ingest", str(tmp_path), "--title", "T\udcff",
                    "--source", "W\udcfe", "--url", "u\udcfd")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert_clean(result)
    for field in ("file name", "title", "source", "url"):
        assert f"warning: {field}: 1 invalid character(s)" in result.stderr
    assert scalar(db, "select title from articles") == "T\ufffd"
    assert scalar(db, "select name from sources") == "W\ufffd"
    assert str(scalar(db, "select origin from articles")).endswith("caf\ufffd.txt")


def test_control_characters_in_file_names_stay_on_one_line(
    runner, sqlite_db: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "bad\nline\x1b[31m.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "good\u202eline.txt").write_text(STORY)
    result = invoke(runner, "--db", sqlite_db, "ingest", str(tmp_path))
    assert result.exit_code == 1
    assert_clean(result)
    assert result.stderr.splitlines()[:2] == [
        f"error: {tmp_path}/bad\\nline\\x1b[31m.txt: binary data (not text)",
        f"stored: {tmp_path}/good\\u202eline.txt (1 claims)",
    ]


# --- 4. dates at the calendar's ends ---------------------------------------------------

RELATIVE = ["yesterday", "last week", "next month", "two days later", "this week", "on Friday",
            "in March", "on 3 May", "next year", "tomorrow"]  # fmt: skip


def test_relative_dates_against_the_calendar_ends_do_not_crash(
    runner, db: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    records: list[dict[str, object]] = [
        {"id": f"{published}/{phrase}", "published": published,
         "text": f"Rebels attacked the army near Goma {phrase}, killing five soldiers. "
                 f"Troops will attack Aleppo {phrase}. Two days later, troops shelled Idlib. "
                 f"Report {published}."}
        for published in ("0001-01-01", "9999-12-31") for phrase in RELATIVE
    ]  # fmt: skip
    records.insert(3, {"id": "good", "text": GOOD, "published": "2021-05-06"})
    result = invoke(runner, "--db", db, "ingest", str(write_jsonl(tmp_path / "f.jsonl", records)))
    assert result.exit_code == 0, result.output
    assert_clean(result)
    assert count(db, "select count(*) from articles") == len(records)
    assert "is at the end of the calendar" in result.stderr
    assert count(db, "select count(*) from claims where date_start > date_end") == 0


def test_date_arithmetic_stays_in_the_calendar() -> None:
    assert shift(dt.date.max, 1) == dt.date.max
    assert shift(dt.date.min, -3) == dt.date.min
    assert interval_of(dt.date.max, "week") == (dt.date(9999, 12, 27), dt.date.max)
    for phrase in ("next month", "next year", "in two weeks", "tomorrow", "this week"):
        for found in normalise(phrase, dt.date.max, "future"):
            assert found.date_start is None or found.date_start <= dt.date.max
    assert normalise("yesterday", dt.date.min) == []  # no 31 December of year 0


# --- 5. absurd casualty figures --------------------------------------------------------


def test_an_absurd_death_toll_is_no_figure_on_both_engines(runner, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    records = [
        {"id": "absurd", "published": "2021-05-04",
         "text": "Rebels attacked a village near Goma on 3 May 2021; "
                 "99999999999999999999999999 people were killed."},
        {"id": "huge", "published": "2021-05-04",
         "text": "Rebels shelled a market near Idlib, killing 500 million people."},
        {"id": "good", "published": "2021-05-04",
         "text": "Rebels shelled a market near Aleppo, killing 12 people."},
    ]  # fmt: skip
    result = invoke(runner, "--db", db, "ingest", str(write_jsonl(tmp_path / "f.jsonl", records)))
    assert result.exit_code == 0, result.output
    assert_clean(result)
    rows = {
        r["article_external_id"]: r["fatalities_best"]
        for r in json.loads(
            invoke(runner, "--db", db, "query",
                   "select article_external_id, fatalities_best from claims_flat "
                   "where event_type = 'ASSAULT'").stdout
        )
    }  # fmt: skip
    assert rows == {"absurd": None, "huge": None, "good": 12}


def test_fatality_figures_are_bounded() -> None:
    assert fatalities("99999999999999999999999999 people were killed.") is None
    assert fatalities("1" + "0" * 400 + " people were killed.") is None  # float overflow
    kept = fatalities("The war killed 70 million people.")
    assert kept is not None and kept.best == 70_000_000 <= MAX_PLAUSIBLE_FATALITIES
    assert MAX_PLAUSIBLE_FATALITIES < 2**31  # PostgreSQL INTEGER


def test_max_bytes_keeps_offsets_inside_32_bit_columns(
    runner, sqlite_db: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a.txt"
    path.write_text(STORY)
    result = invoke(runner, "--db", sqlite_db, "ingest", str(path), "--max-bytes", str(2**31))
    assert result.exit_code == 2
    assert "--max-bytes" in result.stderr


# --- 7. sentences without punctuation --------------------------------------------------


def generated(size: int, seed: int = 7) -> tuple[str, str]:
    """Return (punctuated, unpunctuated) texts of about ``size`` characters, same words."""
    rng = random.Random(seed)
    actors = ["Syrian forces", "Rebels", "The army", "Police", "Militants", "Russian troops"]
    places = ["Aleppo", "Idlib", "Mosul", "Goma", "Sanaa", "Kherson"]
    out: list[str] = []
    while sum(len(s) + 1 for s in out) < size:
        out.append(
            f"{rng.choice(actors)} {rng.choice(['shelled', 'attacked', 'raided'])} a village near "
            f"{rng.choice(places)} on {rng.randint(1, 28)} May 2023, killing "
            f"{rng.randint(2, 40)} people, officials said."
        )
    punctuated = " ".join(out)
    return punctuated, re.sub(r"[.,;:!?]", "", punctuated)


def test_an_unpunctuated_text_costs_what_the_punctuated_one_does() -> None:
    warm_up()
    work, docs = {}, {}
    for name, body in zip(("punctuated", "flat"), generated(100_000), strict=True):
        doc = load_bytes(body.encode(), origin=name,
                         overrides=Overrides(published=dt.date(2023, 7, 1)))  # fmt: skip
        profile = cProfile.Profile()
        profile.enable()
        docs[name] = extract(doc)
        profile.disable()
        # Function calls: a measure of work that a busy machine does not skew.
        work[name] = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
    assert work["flat"] <= 2 * work["punctuated"], work
    for name, doc in docs.items():
        per_sentence = Counter(c.sentence_index for c in doc.claims)
        assert max(per_sentence.values()) <= 6, name
        assert max(len(s.text) for s in doc.sentences) <= 1000, name
        assert len(doc.claims) >= len(doc.body) // 1000, name  # still coded, not dropped


def test_overlong_spans_are_cut_at_soft_breaks() -> None:
    text = " ".join(["the convoy moved on"] * 100 + ["and then", "Rebels attacked it"] * 50)
    pieces = [text[s:e] for _, s, e in split_sentences(text)]
    assert all(len(p) <= PIECE_CHARS for p in pieces)
    assert " ".join(pieces).split() == text.split()
    assert all(p.startswith("Rebels") for p in pieces[-3:])  # cut before a capital


# --- 8. deeply nested HTML and library logging -----------------------------------------


@pytest.mark.parametrize(("depth", "note"), [
    (300, "HTML nested 303 levels deep (libxml2 reads 255): parsed in lxml's huge-tree mode"),
    (3000, "HTML nested 2048 or more levels deep, too deep for main-text extraction: "
           "kept the page's plain text, boilerplate included"),
])  # fmt: skip
def test_deeply_nested_html_keeps_its_text(
    runner, db: str, tmp_path: Path, depth: int, note: str
) -> None:  # type: ignore[no-untyped-def]
    page = f"<html><body>{'<div>' * depth}<p>{STORY}</p>{'</div>' * depth}</body></html>"
    (tmp_path / "deep.html").write_text(page)
    result = invoke(runner, "--db", db, "ingest", str(tmp_path / "deep.html"))
    assert result.exit_code == 0, result.output
    assert f"warning: {note}" in result.stderr
    assert scalar(db, "select body from articles") == STORY
    assert count(db, "select count(*) from claims") >= 1


def test_library_log_lines_only_with_verbose(tmp_path: Path, sqlite_db: str) -> None:
    (tmp_path / "empty.html").write_text("<html><body></body></html>")  # trafilatura complains

    def run(*flags: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "events", "--db", sqlite_db, *flags, "ingest",
             str(tmp_path / "empty.html")],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    quiet = run()
    assert quiet.returncode == 1
    assert quiet.stderr.splitlines()[0] == (
        f"error: {tmp_path / 'empty.html'}: no article text found in the HTML page"
    )
    assert "trafilatura" not in quiet.stderr
    assert "WARNING trafilatura" in run("--verbose").stderr


# --- 9. one article, two wrappers ------------------------------------------------------

PARAGRAPHS = (
    "<p>Rebels attacked an army convoy near Goma on 3 May 2021, killing at least five soldiers, "
    "the army said in a statement.</p><p>The rebels denied the attack, a spokesman told "
    "reporters in Kinshasa on 4 May 2021.</p>"
)
WRAPPERS = [
    "<html><head><title>Rebels attack convoy - Site A</title></head><body><nav><a href='/'>Home"
    "</a> | <a href='/w'>World</a></nav><article><h1>Rebels attack convoy</h1>{}</article>"
    "<footer>Copyright Site A 2023</footer></body></html>",
    "<!doctype html><html><head><title>Rebels attack convoy | B News</title></head><body>"
    "<div class='menu'><ul><li>News</li><li>Sport</li></ul></div><div class='content'>"
    "<div class='post'>{}</div></div><div class='share'>Share this</div></body></html>",
]


def test_the_same_text_in_two_wrappers_is_stored_once(runner, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for i, wrapper in enumerate(WRAPPERS):
        (tmp_path / f"{i}.html").write_text(wrapper.format(PARAGRAPHS))
    result = invoke(runner, "--db", db, "ingest", str(tmp_path / "0.html"))
    claims = count(db, "select count(*) from claims")
    assert result.exit_code == 0 and claims >= 1, result.output
    again = invoke(runner, "--db", db, "ingest", str(tmp_path / "1.html"))
    assert again.exit_code == 0, again.output
    assert f"skipped: {tmp_path / '1.html'} (already stored (same text))" in again.stderr
    assert count(db, "select count(*) from articles") == 1
    assert count(db, "select count(*) from claims") == claims


def test_migration_0003_gives_existing_articles_their_text_hash(empty_db: str) -> None:
    url = dblib.resolve_url(empty_db)
    dblib.upgrade(url, "0002_place_date_indexes")
    engine = dblib.make_engine(url)
    try:
        with engine.begin() as conn:
            for n, body in enumerate(["Same  text.", "Same text.", "Other text.", ""], 1):
                conn.execute(
                    text("insert into articles (id, body, title, published_precision, "
                         "published_inferred, content_hash, extractor_version) values "
                         "(:id, :body, :title, 'unknown', false, :h, 'old')"),
                    {"id": n, "body": body, "title": "Title only" if not body else None,
                     "h": f"raw-{n}"},
                )  # fmt: skip
        dblib.upgrade(url)
        with engine.connect() as conn:
            rows = conn.execute(text("select id, text_hash from articles order by id")).all()
    finally:
        engine.dispose()
    hashes = [h for _, h in rows]
    assert hashes[1] is None  # the younger copy of "Same text." (whitespace does not count)
    assert len({h for h in hashes if h is not None}) == 3
    assert dblib.check_models(url) == []
    dblib.downgrade(url, "0002_place_date_indexes")
    dblib.upgrade(url)


# --- 10. unreadable directories --------------------------------------------------------


@pytest.fixture
def locked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory holding an article that this process may not list (simulated)."""
    folder = tmp_path / "in" / "locked"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text(STORY)
    real = os.scandir

    def scandir(path=None):  # type: ignore[no-untyped-def]
        if path is not None and Path(path) == folder:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path) if path is not None else real()

    monkeypatch.setattr(os, "scandir", scandir)
    return folder


def test_an_unreadable_directory_is_named(runner, sqlite_db: str, locked: Path) -> None:  # type: ignore[no-untyped-def]
    result = invoke(runner, "--db", sqlite_db, "ingest", str(locked))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"error: {locked}: permission denied"
    assert "no article files" not in result.stderr


def test_an_unreadable_subdirectory_is_named_and_the_rest_stored(
    runner, sqlite_db: str, locked: Path
) -> None:  # type: ignore[no-untyped-def]
    (locked.parent / "good.txt").write_text(GOOD)
    result = invoke(runner, "--db", sqlite_db, "ingest", str(locked.parent))
    assert result.exit_code == 1
    assert f"error: {locked}: permission denied" in result.stderr.splitlines()
    assert count(sqlite_db, "select count(*) from articles") == 1


NOBODY = 65534


def expand_without_privileges(*paths: Path) -> list[str]:
    """Return what expand_paths yields for ``paths``, run as an ordinary user.

    Root reads a chmod 000 directory, so as root a forked child drops to
    ``nobody`` first; the permission check is then the kernel's own.
    """
    from events.ingest import expand_paths

    def expand() -> list[str]:
        return [str(item) for item in expand_paths(str(p) for p in paths)]

    if os.geteuid() != 0:
        return expand()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 1
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            with os.fdopen(write, "w") as out:
                json.dump(expand(), out)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as inp:
        data = inp.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, data
    return list(json.loads(data))


def test_real_permissions_are_reported() -> None:
    # Under /tmp itself: pytest's own temporary root is closed to other users.
    import shutil
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="events-perm-", dir="/tmp"))
    try:
        base.chmod(0o755)
        (base / "locked").mkdir()
        (base / "locked" / "a.txt").write_text(STORY)
        (base / "good.txt").write_text(GOOD)
        (base / "good.txt").chmod(0o644)
        (base / "locked").chmod(0)
        assert expand_without_privileges(base) == [
            f"{base / 'locked'}: permission denied",
            str(base / "good.txt"),
        ]
        assert expand_without_privileges(base / "locked") == [
            f"{base / 'locked'}: permission denied"
        ]
        assert expand_without_privileges(base / "locked" / "a.txt") == [
            f"{base / 'locked' / 'a.txt'}: permission denied"
        ]
    finally:
        (base / "locked").chmod(0o755)
        shutil.rmtree(base)


# --- 11. long and NUL-holding metadata -------------------------------------------------


def test_long_metadata_is_refused_the_same_on_both_engines(runner, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    records = [
        {"id": "long-source", "text": STORY, "source": "x" * 300},
        {"id": "i" * 256, "text": "Rebels shelled Idlib on 3 May 2021."},
        {
            "id": "long-language",
            "text": "Rebels shelled Mosul on 3 May 2021.",
            "language": "e" * 17,
        },
        {"id": "good", "text": GOOD},
    ]
    feed = write_jsonl(tmp_path / "f.jsonl", records)
    result = invoke(runner, "--db", db, "ingest", str(feed))
    assert result.exit_code == 1
    assert_clean(result)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        f"error: {feed}:1: 'source' is 300 characters long; the limit is 255",
        f"error: {feed}:2: 'id' is 256 characters long; the limit is 255",
        f"error: {feed}:3: 'language' is 17 characters long; the limit is 16",
    ]
    assert count(db, "select count(*) from articles") == 1
    flag = invoke(runner, "--db", db, "ingest", str(feed), "--source", "y" * 256)
    assert flag.exit_code == 2
    assert "'source' is 256 characters long; the limit is 255" in flag.stderr


def test_nul_characters_are_dropped_the_same_on_both_engines(
    runner, db: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    record = {"id": "a\x00b", "text": f"{STORY}\x00", "title": "T\x00", "url": "u\x00",
              "source": "W\x00ire"}  # fmt: skip
    feed = write_jsonl(tmp_path / "f.jsonl", [record])
    result = invoke(runner, "--db", db, "ingest", str(feed))
    assert result.exit_code == 0, result.output
    for field in ("text", "title", "url", "id", "source"):
        assert f"warning: {field}: 1 NUL character(s) removed" in result.stderr
    assert scalar(db, "select external_id from articles") == "ab"
    assert scalar(db, "select name from sources") == "Wire"
    assert scalar(db, "select url from articles") == "u"


# --- JSON the parser gives up on (found by tests/test_fuzz.py) ------------------------


def test_json_nested_too_deeply_or_with_huge_numbers_is_one_line(
    runner, sqlite_db: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    feed = tmp_path / "f.jsonl"
    feed.write_bytes(b"[" * 5000 + b"\n" + b'{"id": ' + b"9" * 5000 + b', "text": "x"}\n'
                     + json.dumps({"text": GOOD}).encode() + b"\n")  # fmt: skip
    (tmp_path / "g.json").write_bytes(b"[" * 5000 + b"]" * 5000)
    result = invoke(runner, "--db", sqlite_db, "ingest", str(feed), str(tmp_path / "g.json"))
    assert result.exit_code == 1
    assert_clean(result)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors[0] == f"error: {feed}:1: invalid JSON: nested too deeply"
    assert errors[1] == f"error: {feed}:2: invalid JSON: a number with more than 4,300 digits"
    assert errors[2] == f"error: {tmp_path / 'g.json'}: invalid JSON: nested too deeply"
    assert count(sqlite_db, "select count(*) from articles") == 1


# --- 12. publication dates of month and year precision ---------------------------------


@pytest.mark.parametrize(("published", "stored", "precision"), [
    ("2024-05", "2024-05-01", "month"),
    ("2024", "2024-01-01", "year"),
    ("2024-W19", "2024-05-06", "week"),
    ("2024-05-06", "2024-05-06", "day"),
])  # fmt: skip
def test_published_of_reduced_precision(
    runner, db: str, tmp_path: Path, published: str, stored: str, precision: str
) -> None:  # type: ignore[no-untyped-def]
    feed = write_jsonl(tmp_path / "f.jsonl", [
        {"id": "json", "published": published,
         "text": "Rebels attacked an army convoy near Goma yesterday, killing five soldiers."},
    ])  # fmt: skip
    (tmp_path / "flag.txt").write_text("Police arrested ten protesters in Minsk yesterday.")
    result = invoke(runner, "--db", db, "ingest", str(feed))
    assert result.exit_code == 0, result.output
    flag = invoke(
        runner, "--db", db, "ingest", str(tmp_path / "flag.txt"), "--published", published
    )
    assert flag.exit_code == 0, flag.output
    rows = json.loads(
        invoke(runner, "--db", db, "query",
               "select article_published, date_start, date_end, date_precision from claims_flat "
               "order by claim_id").stdout
    )  # fmt: skip
    assert len(rows) == 2
    first, last = interval_of(dt.date.fromisoformat(stored), precision)  # type: ignore[arg-type]
    for row in rows:
        assert row["article_published"] == stored
        # "yesterday" read from every day of the publication period.
        assert row["date_start"] == (first - dt.timedelta(days=1)).isoformat()
        assert row["date_end"] == (last - dt.timedelta(days=1)).isoformat()
        assert row["date_precision"] == ("day" if precision == "day" else precision)
    assert (
        count(db, f"select count(*) from articles where published_precision = '{precision}'") == 2
    )
