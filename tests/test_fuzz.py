"""Fuzzing `events ingest` through the real command line, on both engines.

Each example is one batch -- a JSON Lines file or a directory of texts or HTML
pages -- with known-good articles mixed in, ingested twice into the same
database. Whatever the input, the command must: exit 0 or 1 without a
traceback; name every bad item on one stderr line of its own; store every good
item whole; leave the database intact; and store nothing new the second time.

The examples are few and derandomized so that fuzzing runs in every test run,
reproducibly; ``EVENTS_FUZZ_EXAMPLES=500`` digs deeper, and ``bench/fuzz.py``
pushes thousands of inputs through one ``events ingest``. Sizes that plain random
generation rarely reaches (JSON nested 1,000 deep, 4,301-digit numbers, HTML
past libxml2's 255 levels) are drawn on purpose, and each crash found so far is
pinned with ``@example``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
import shutil
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from events import db as dblib

#: Examples per test and engine: every family is covered in each run while the
#: module stays within ~15 s per engine.
EXAMPLES = int(os.environ.get("EVENTS_FUZZ_EXAMPLES", "12"))

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI stays reproducible
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # tmp_path, caplog, the PostgreSQL database
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

# --- inputs ----------------------------------------------------------------------------

STORIES = [
    "Rebels attacked an army convoy near Goma on Tuesday, killing at least five soldiers, "
    "the army said in a statement.",
    "Police arrested ten protesters in Minsk on 5 May 2021, witnesses said.",
    "Russian forces shelled the town of Kharkiv overnight, wounding 12 civilians, officials said.",
    "Troops withdrew from Kherson on 11 November 2022, the ministry said.",
]
RELATIVE = ["yesterday", "last Tuesday", "3 days ago", "tomorrow", "next month", "on Monday",
    "last year", "10000 days ago", "on 29 February", "on 1 January 1", "on 9999-12-31",
    "on 0001-01-01", "in the year 10000", "earlier this week"]  # fmt: skip
ODD_DATES = ["0001-01-01", "9999-12-31", "2024-13-45", "2024", "2024-05", "2024-02-30",
    "0000-00-00", "+002024-05-06", "2024-05-06T25:61:00", "20240506", "2024-W19-1",
    "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "2024-05-06\x00", "\ud800", "",
    " ", "yesterday", "May 6, 2024"]  # fmt: skip
ODD_STRINGS = ["\ud800", "\udfff", "a\ud83dz", "a\x00b", "\x00", "\x1b[31m", "\u202e", "\ufeff",
    "\u0085\u2028", "İ ﬁ ß", "e\u0301" * 30, "<script>alert(1)</script>", "x" * 256, "x" * 5000,
    "é" * 300, "\r\n", "\\", '"']  # fmt: skip
INSERTS = ["\x00", "\x01", "\x0b", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff", "\u200b",
    "\u202e", "😀", "e\u0301", "İ", "ﬁ", "\t", "\n", "\n\n", ".", "...", "«",
    "99999999999999999999999999", "-1", "0"]  # fmt: skip
HTML_TOKENS = ["<p>", "</p>", "<div", ">", "<", "</", "<!--", "-->", "<![CDATA[", "]]>",
    "<script>", "</script>", '"', "&", "&#", "&#x110000;", "&#0;", "&#xD800;", "&#99999999999;",
    "<!DOCTYPE html>", "<html>", "<body>", "<table><tr><td>", "<meta charset='x-unknown'>",
    "<svg>", "<title>", "<style>", "<article>", "\x00"]  # fmt: skip

surrogates = st.characters(categories=["Cs"])
# The odd pools are listed twice so that examples hit them more often than plain
# random text (one_of picks its branches about evenly).
odd_text = st.one_of(
    st.sampled_from(ODD_STRINGS),
    st.sampled_from(ODD_STRINGS),
    st.text(max_size=40),
    st.text(st.one_of(st.characters(), surrogates), max_size=20),
)
odd_value = st.one_of(
    odd_text,
    odd_text,
    st.one_of(st.integers(), st.sampled_from([10**30, 2**63, -(2**63) - 1])),
    st.one_of(st.floats(), st.booleans(), st.none()),
    st.one_of(
        st.lists(st.integers(), max_size=2),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    ),
)
odd_date = st.one_of(
    st.sampled_from(ODD_DATES),
    st.dates().map(lambda d: d.isoformat()),
    st.tuples(st.integers(0, 10000), st.integers(0, 13), st.integers(0, 32)).map(
        lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}"
    ),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
)


#: Nesting depths and integer lengths around the interpreter's limits (recursion
#: ~1,000 frames; int() of more than 4,300 digits), which plain random sizes rarely
#: hit; HTML around libxml2's 255 levels and the extractor's 2,048.
DEPTHS = st.sampled_from([1, 20, 999, 1000, 100_000])
DIGITS = st.sampled_from([19, 20, 4300, 4301, 6000])
HTML_DEPTHS = st.sampled_from([1, 255, 256, 2047, 2048, 20_000])


@st.composite
def mutated(draw: st.DrawFn, base: st.SearchStrategy[str] | None = None) -> str:
    """A story with a few odd characters inserted or repeated."""
    value = draw(base if base is not None else st.sampled_from(STORIES))
    for _ in range(draw(st.integers(0, 4))):
        pos = draw(st.integers(0, len(value)))
        piece = draw(st.one_of(st.sampled_from(INSERTS), st.text(max_size=4)))
        value = value[:pos] + piece * draw(st.sampled_from([1, 1, 3, 100])) + value[pos:]
    return value


@st.composite
def json_record(draw: st.DrawFn) -> dict[str, object]:
    """A JSON record whose fields may be missing, odd, or of the wrong type."""
    story = mutated(st.one_of(st.sampled_from(STORIES), odd_text))
    return draw(
        st.fixed_dictionaries(
            {},
            optional={
                "text": st.one_of(story, odd_value),
                "html": st.one_of(
                    story.map(lambda s: f"<html><body><p>{s}</p></body></html>"), odd_value
                ),
                "id": odd_value,
                "title": odd_value,
                "url": odd_value,
                "source": odd_value,
                "language": odd_value,
                "published": odd_date,
            },
        )
    )


def serialise(record: object, ascii_only: bool) -> bytes:
    """Encode like a feed would: \\u escapes, or raw UTF-8 with surrogates passed through."""
    return json.dumps(record, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


@st.composite
def json_line(draw: st.DrawFn) -> bytes:
    """One JSON line: a record, or its bytes broken (tokens, truncation, deep nesting)."""
    line = serialise(draw(json_record()), draw(st.booleans()))
    kind = draw(st.sampled_from(["record", "record", "bytes", "shape"]))
    if kind == "bytes":
        tokens = st.sampled_from([b"\\ud800", b"\\u0000", b"\x00", b"\xff", b"\xed\xa0\x80",
                                  b"\\", b'"', b",", b"}", b"{", b"[", b"NaN", b"1e999"])  # fmt: skip
        data = bytearray(line)
        for _ in range(draw(st.integers(1, 4))):
            pos = draw(st.integers(0, len(data)))
            if draw(st.booleans()):
                data[pos:pos] = draw(tokens)
            else:
                del data[pos:]
        line = bytes(data)
    elif kind == "shape":
        depth, digits = draw(DEPTHS), draw(DIGITS)
        line = draw(
            st.sampled_from(
                [
                    b"[" + line + b"]",
                    b"42",
                    b"null",
                    b'"text"',
                    b"\xef\xbb\xbf" + line,
                    b'{"text": ' + b"[" * depth + b"]" * depth + b"}",
                    b"{" * depth,
                    b'{"id": ' + b"9" * digits + b', "text": "Rebels attacked Goma."}',
                ]
            )
        )
    # One input, one line; a blank line is skipped without a word, by design.
    line = line.replace(b"\n", b" ")
    return line if line.strip() else b"{}"


@st.composite
def text_file(draw: st.DrawFn) -> bytes:
    """A .txt file: random Unicode, binary, mixed encodings, empty, whitespace, odd lines."""
    encodings = st.sampled_from(["utf-8", "latin-1", "cp1251", "utf-16", "utf-16-le", "shift_jis"])
    pieces = st.one_of(
        mutated(), st.text(max_size=200), st.sampled_from(["Министр сказал.", "東京で。"])
    )
    return draw(
        st.one_of(
            st.just(b""),
            st.text(" \t\r\n\x0b\x0c", min_size=1, max_size=50).map(str.encode),
            st.binary(max_size=2000),
            st.text(max_size=1000).map(lambda s: s.encode("utf-8")),
            mutated().map(lambda s: s.encode("utf-8", "surrogatepass")),
            st.lists(st.tuples(pieces, encodings), min_size=2, max_size=5).map(
                lambda parts: b" ".join(p.encode(e, "replace") for p, e in parts)
            ),
            st.lists(
                st.sampled_from(["rebels", "attacked", "Goma", "five", "said"]), max_size=3000
            ).map(lambda words: " ".join(words).encode()),
            st.text(st.one_of(st.characters(), surrogates), max_size=200).map(
                lambda s: s.encode("utf-8", "surrogatepass")
            ),
        )
    )


@st.composite
def html_page(draw: st.DrawFn) -> bytes:
    """An HTML page: deeply nested, malformed, scripts only, or with odd metadata."""
    story = draw(mutated())
    depth = draw(st.one_of(HTML_DEPTHS, st.integers(1, 3000)))
    tag = draw(st.sampled_from(["div", "b", "table", "p", "span"]))
    meta = (
        f'<meta property="article:published_time" content="{draw(odd_date)}">'
        f'<meta property="og:site_name" content="{draw(odd_text)}">'
        f"<title>{draw(odd_text)}</title>"
    )
    page = draw(
        st.one_of(
            st.just(f"<html><body>{f'<{tag}>' * depth}{story}{f'</{tag}>' * depth}</body></html>"),
            st.just(f"<html><body>{f'<{tag}>' * depth}{story}"),
            st.lists(st.sampled_from([*HTML_TOKENS, story, " "]), max_size=200).map("".join),
            st.just(
                f"<html><head><script>var s='<p>{story}</p>';</script></head>"
                f"<body><script>document.write(s)</script><style>p{{}}</style></body></html>"
            ),
            st.just(
                f"<html><head>{meta}</head><body><article><p>{story} Yesterday too.</p>"
                "</article></body></html>"
            ),
            st.just("<html><body></body></html>"),
        )
    )
    return page.encode("utf-8", "surrogatepass")


@st.composite
def json_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """A .json or .ndjson file: a list of records, one record, lines, broken or deep JSON."""
    suffix = draw(st.sampled_from([".json", ".ndjson"]))
    records = [serialise(r, draw(st.booleans())) for r in draw(st.lists(json_record(), max_size=3))]
    depth, digits = draw(DEPTHS), draw(DIGITS)
    data = draw(
        st.sampled_from(
            [
                b"[" + b",".join(records) + b"]",
                records[0] if records else b"{}",
                b"\n".join(records) or b"[]",
                b"[" * depth + b"]" * depth,
                b"[" + b"9" * digits + b"]",
            ]
        )
    )
    if draw(st.booleans()):
        data = draw(json_line()) + b"\n" + data  # a broken line first
    return suffix, data


# --- running and checking ------------------------------------------------------------

_NONCE = itertools.count(1)
_OUTCOME = re.compile(r"^(stored|skipped|error): (.*)$")
_SUMMARY = re.compile(r"^(\d+) stored, (\d+) skipped \(already stored\), (\d+) failed; ")


def good_story() -> str:
    """Return a known-good article, unique across the session (the database is shared)."""
    n = next(_NONCE)
    return f"{STORIES[n % len(STORIES)]} Report number {n} of the fuzz run."


@dataclass
class Item:
    """One input of a batch: where its outcome comes from and whether it must be stored."""

    origin: str
    good: bool = False
    external_id: str | None = None
    many: bool = False  # a file that may hold several records (path[i], path:N)


def run_ingest(db: str, args: list[str], input: bytes | None = None) -> Result:
    """Invoke ``events --db DB ingest ARGS`` with the stack room of a fresh process."""
    from events.cli.main import cli

    # Hypothesis raises the recursion limit while a test runs; give the command
    # the ~1,000 frames it has as a program, so that recursion bugs show here too.
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1  # type: ignore[assignment]
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 1000)
    try:
        return CliRunner().invoke(cli, ["--db", db, "ingest", *args], input=input)
    finally:
        sys.setrecursionlimit(limit)


def outcomes(result: Result, items: list[Item], caplog) -> dict[str, list[tuple[str, str]]]:  # type: ignore[no-untyped-def]
    """Assert the run ended cleanly; return each item's (status, line) outcomes."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        tb = "".join(traceback.format_exception(*result.exc_info))  # type: ignore[misc]
        raise AssertionError(f"ingest crashed:\n{tb}\nstderr:\n{result.stderr[-2000:]}")
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr, result.stderr
    logged = [r for r in caplog.records if r.exc_info]
    assert not logged, f"a traceback was logged: {logged[0].getMessage()}"
    by_origin: dict[str, list[tuple[str, str]]] = {it.origin: [] for it in items}
    ranked = sorted(items, key=lambda it: -len(it.origin))
    summary = None
    for line in result.stderr.splitlines():
        m = _OUTCOME.match(line)
        if m:
            status, rest = m.groups()
            owner = next((it for it in ranked if _names(rest, it)), None)
            assert owner is not None, f"outcome for no input: {line!r}"
            by_origin[owner.origin].append((status, line))
        elif _SUMMARY.match(line):
            summary = _SUMMARY.match(line)
        else:
            assert line.startswith(("  warning: ", "WARNING ", "ERROR ")), (
                f"stray stderr line (a message over several lines?): {line!r}"
            )
    for it in items:
        got = by_origin[it.origin]
        assert it.many or len(got) == 1, f"{it.origin}: outcomes {got}"  # "[]" holds no record
        if it.good:
            assert [s for s, _ in got] == ["stored"], f"good item not stored: {got}"
    statuses = [s for got in by_origin.values() for s, _ in got]
    assert summary is not None, result.stderr
    assert [int(n) for n in summary.groups()] == [
        statuses.count("stored"),
        statuses.count("skipped"),
        statuses.count("error"),
    ], result.stderr
    assert result.exit_code == (1 if "error" in statuses else 0), result.stderr
    return by_origin


def _names(rest: str, it: Item) -> bool:
    o = it.origin
    if rest.startswith((f"{o} (", f"{o}: ")) or rest == o:
        return True
    return it.many and rest.startswith((f"{o}[", f"{o}:"))


INTEGRITY = {
    "claims without their article": "select count(*) from claims c left join articles a "
    "on a.id = c.article_id where a.id is null",
    "claims linked to a missing event": "select count(*) from claims c left join events e "
    "on e.id = c.event_id where c.event_id is not null and e.id is null",
    "claim actors without their claim": "select count(*) from claim_actors x left join claims c "
    "on c.id = x.claim_id where c.id is null",
    "event actors without their event": "select count(*) from event_actors x left join events e "
    "on e.id = x.event_id where e.id is null",
}


def articles(db: str) -> tuple[int, int]:
    """Return the number of articles and the highest article id."""
    engine = dblib.make_engine(dblib.resolve_url(db))
    try:
        with engine.connect() as conn:
            sql = "select count(*), coalesce(max(id), 0) from articles"
            count, top = conn.execute(text(sql)).one()
            return int(count), int(top)
    finally:
        engine.dispose()


def check_database(
    db: str, by_origin: dict[str, list[tuple[str, str]]], items: list[Item], since: int
) -> None:
    """Assert the database is intact and holds each stored article whole."""
    engine = dblib.make_engine(dblib.resolve_url(db))
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            for what, sql in INTEGRITY.items():
                assert conn.execute(text(sql)).scalar() == 0, what
            claims_of = text(
                "select count(c.id) from articles a left join claims c "
                "on c.article_id = a.id where a.origin = :o and a.id > :since"
            )
            for got in by_origin.values():
                for status, line in got:
                    if status == "stored":  # stored: ORIGIN (N claims)
                        origin, n = re.match(r"stored: (.*) \((\d+) claims\)$", line).groups()  # type: ignore[union-attr]
                        n_claims = conn.execute(claims_of, {"o": origin, "since": since}).scalar()
                        assert n_claims == int(n), line
            for it in items:
                if it.external_id:
                    found = conn.execute(
                        text("select count(*) from articles where external_id = :e"),
                        {"e": it.external_id},
                    ).scalar()
                    assert found == 1, it.external_id
    finally:
        engine.dispose()


def fuzz_batch(
    db: str, args: list[str], items: list[Item], caplog, input: bytes | None = None
) -> None:  # type: ignore[no-untyped-def]
    """Ingest a batch twice and check everything the module docstring promises."""
    before, top = articles(db)
    caplog.clear()
    first = outcomes(run_ingest(db, args, input), items, caplog)
    stored = sum(1 for got in first.values() for s, _ in got if s == "stored")
    assert articles(db)[0] == before + stored
    check_database(db, first, items, since=top)

    caplog.clear()
    again = outcomes(
        run_ingest(db, args, input), [Item(i.origin, many=i.many) for i in items], caplog
    )
    assert articles(db)[0] == before + stored, "the same batch stored something new"
    was, now = by_record(first), by_record(again)
    for record, (status, line) in was.items():
        if status == "stored":
            assert now.get(record, ("",))[0] == "skipped", (line, now.get(record))
        elif status == "error":  # a failed article left nothing behind that counts as stored
            assert now.get(record) == (status, line)


def by_record(found: dict[str, list[tuple[str, str]]]) -> dict[str, tuple[str, str]]:
    """Key each outcome by the record it names (``path``, ``path:N``, ``path[i]``, ``stdin``)."""
    keyed = {}
    for got in found.values():
        for status, line in got:
            record = re.match(r"^\w+: (\S+?)(?: \(|: |$)", line).group(1)  # type: ignore[union-attr]
            keyed[record] = (status, line)
    return keyed


@pytest.fixture
def fuzz_db(engine_name: str, tmp_path: Path, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Return a function giving each example its database (given the example's directory).

    SQLite: a fresh copy of the migrated template per example, so that a failing
    example replays alike while Hypothesis shrinks it. PostgreSQL: the test's one
    database (a new one per example would cost ~0.5 s each); the checks count
    what each example adds, so they hold on a shared database too.
    """
    if engine_name == "sqlite":
        template = request.getfixturevalue("sqlite_template")

        def fresh(work: Path) -> str:
            (work / ".db").mkdir()  # hidden: ingesting the directory passes it by
            shutil.copy(template, work / ".db" / "events.db")
            return str(work / ".db" / "events.db")

        return fresh
    shared = request.getfixturevalue("db")
    return lambda work: shared


def workdir(tmp_path: Path) -> Path:
    """A fresh directory per example (the test's tmp_path is shared by its examples)."""
    return Path(tempfile.mkdtemp(dir=tmp_path))


# --- the fuzz tests ----------------------------------------------------------------------


@FUZZ
@given(lines=st.lists(json_line(), min_size=1, max_size=6), at=st.integers(0, 6))
@example(lines=[b"[" * 1000], at=0)  # RecursionError in json.loads
@example(lines=[b"1" * 4301], at=0)  # int() digit limit in json.loads
@example(
    lines=[b'{"text": "Rebels attacked Goma.", "title": "\\ud800", "source": "\\udfff"}'], at=0
)
@example(
    lines=[b'{"text": "Rebels attacked Goma, killing 99999999999999999999999999 soldiers."}'], at=1
)
def test_mutated_json_lines(fuzz_db, tmp_path: Path, caplog, lines: list[bytes], at: int) -> None:  # type: ignore[no-untyped-def]
    work = workdir(tmp_path)
    goods = [
        json.dumps(
            {
                "id": f"good-{next(_NONCE)}",
                "text": good_story(),
                "published": "2021-05-06",
                "source": "Wire",
            }
        ).encode()
        for _ in range(2)
    ]
    at = min(at, len(lines))
    batch = [goods[0], *lines[:at], goods[1], *lines[at:]]
    path = work / "feed.jsonl"
    path.write_bytes(b"\n".join(batch) + b"\n")
    items = [Item(f"{path}:{n}") for n in range(1, len(batch) + 1)]
    for n, line in ((1, goods[0]), (at + 2, goods[1])):
        items[n - 1].good, items[n - 1].external_id = True, json.loads(line)["id"]
    fuzz_batch(fuzz_db(work), [str(path)], items, caplog)
    shutil.rmtree(work)


@FUZZ
@given(files=st.lists(json_file(), min_size=1, max_size=4))
@example(files=[(".json", b"[" * 1000)])  # RecursionError in json.loads
@example(files=[(".json", b"[" + b"9" * 4301 + b"]")])  # int() digit limit in json.loads
@example(files=[(".ndjson", b"[" * 1000)])  # the same, in the format sniffer
def test_json_files(fuzz_db, tmp_path: Path, caplog, files: list[tuple[str, bytes]]) -> None:  # type: ignore[no-untyped-def]
    work = workdir(tmp_path)
    good_id = f"good-{next(_NONCE)}"
    good = work / "00-good.json"
    good.write_text(json.dumps([{"id": good_id, "text": good_story()}]), encoding="utf-8")
    items = [Item(f"{good}[1]", good=True, external_id=good_id)]
    for i, (suffix, data) in enumerate(files, 1):
        path = work / f"{i:02d}-fuzz{suffix}"
        path.write_bytes(data)
        items.append(Item(str(path), many=True))  # one outcome per record (path[i], path:N)
    fuzz_batch(fuzz_db(work), [str(work)], items, caplog)
    shutil.rmtree(work)


@FUZZ
@given(files=st.lists(text_file(), min_size=1, max_size=5))
def test_plain_texts(fuzz_db, tmp_path: Path, caplog, files: list[bytes]) -> None:  # type: ignore[no-untyped-def]
    work = workdir(tmp_path)
    items = [Item(str(work / "00-good.txt"), good=True)]
    (work / "00-good.txt").write_text(good_story(), encoding="utf-8")
    for i, data in enumerate(files, 1):
        (work / f"{i:02d}-fuzz.txt").write_bytes(data)
        items.append(Item(str(work / f"{i:02d}-fuzz.txt")))
    fuzz_batch(fuzz_db(work), [str(work)], items, caplog)
    shutil.rmtree(work)


@FUZZ
@given(pages=st.lists(html_page(), min_size=1, max_size=4))
def test_html_pages(fuzz_db, tmp_path: Path, caplog, pages: list[bytes]) -> None:  # type: ignore[no-untyped-def]
    work = workdir(tmp_path)
    good = work / "00-good.html"
    good.write_text(f"<html><body><article><p>{good_story()}</p></article></body></html>")
    items = [Item(str(good), good=True)]
    for i, page in enumerate(pages, 1):
        (work / f"{i:02d}-fuzz.html").write_bytes(page)
        items.append(Item(str(work / f"{i:02d}-fuzz.html")))
    fuzz_batch(fuzz_db(work), [str(work)], items, caplog)
    shutil.rmtree(work)


@FUZZ
@given(
    published=st.lists(odd_date, min_size=1, max_size=4),
    phrases=st.lists(st.sampled_from(RELATIVE), min_size=1, max_size=4),
    flag=st.one_of(st.none(), st.dates()),
)
@example(published=["0001-01-01"], phrases=["yesterday"], flag=None)
@example(published=["9999-12-31"], phrases=["tomorrow"], flag=None)
@example(published=["2024", "2024-05"], phrases=["last week"], flag=None)
@example(published=[""], phrases=["on 0001-01-01", "yesterday"], flag=dt.date(1, 1, 1))
@example(published=["2024-05-06"], phrases=["on 9999-12-31"], flag=None)  # a date in the text
def test_odd_dates(
    fuzz_db, tmp_path: Path, caplog, published: list[object], phrases: list[str], flag
) -> None:  # type: ignore[no-untyped-def]
    """Relative and edge-of-calendar dates against odd publication dates (record or --published)."""
    work = workdir(tmp_path)
    lines = [
        json.dumps({"id": f"good-{next(_NONCE)}", "text": good_story(), "published": "2021-05-06"})
    ]
    for i, value in enumerate(published):
        story = f"Rebels shelled Goma {phrases[i % len(phrases)]}, killing five, officials said."
        lines.append(json.dumps({"text": story, "published": value}))
    path = work / "dates.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    items = [Item(f"{path}:{n}") for n in range(1, len(lines) + 1)]
    items[0].good, items[0].external_id = True, json.loads(lines[0])["id"]
    args = [str(path)] + (["--published", flag.isoformat()] if flag else [])
    fuzz_batch(fuzz_db(work), args, items, caplog)
    shutil.rmtree(work)


@FUZZ
@given(
    data=st.one_of(
        text_file(), html_page(), st.lists(json_line(), min_size=1, max_size=3).map(b"\n".join)
    )
)
@example(data=b"[" * 1000)  # RecursionError in the format sniffer
def test_standard_input(fuzz_db, tmp_path: Path, caplog, data: bytes) -> None:  # type: ignore[no-untyped-def]
    work = workdir(tmp_path)
    good = work / "good.txt"
    good.write_text(good_story(), encoding="utf-8")
    items = [Item(str(good), good=True), Item("stdin", many=True)]
    fuzz_batch(fuzz_db(work), [str(good), "-"], items, caplog, input=data)
    shutil.rmtree(work)
