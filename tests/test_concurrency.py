"""Crash safety and concurrent ingest on both engines, with real processes.

A killed ingest (SIGKILL, mid-batch) leaves only whole articles; running it
again stores every article exactly once. Several ingests fed overlapping
inputs at once finish without errors, duplicates or losses.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from events.ingest import extract
from events.pipeline.load import Overrides, load_bytes
from events.store import content_hash
from tests.conftest import scalar

PLACES = [
    "Aleppo",
    "Idlib",
    "Mosul",
    "Kherson",
    "Gao",
    "Goma",
    "Sanaa",
    "Marib",
    "Tripoli",
    "Kandahar",
]
ACTORS = ["Syrian", "Iraqi", "Russian", "Ukrainian", "Malian", "Congolese", "Yemeni", "Libyan"]
MONTHS = ["January", "February", "March", "April", "May", "June"]


def write_corpus(folder: Path, n: int) -> list[Path]:
    """Write ``n`` distinct short reports (our own template text)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        place, actor = PLACES[i % len(PLACES)], ACTORS[(i // 3) % len(ACTORS)]
        month, day = MONTHS[i % len(MONTHS)], 1 + i % 27
        text = (
            f"{actor} forces shelled positions near {place} on {day} {month} 2023, killing "
            f"at least {i + 2} fighters, the defence ministry said in a statement.\n\n"
            f"Rebels accused the army of hitting a school in {place} on {day + 1} {month} 2023. "
            f"The army denied the accusation.\n\n"
            f"Report number {i} was filed by a correspondent in {place}."
        )
        path = folder / f"report-{i:03d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


TOWNS = ["Gao", "Kidal", "Mopti", "Menaka", "Timbuktu", "Segou"]
WORDINGS = [
    "A bomb exploded at the market in {town} on {day} {month} 2023, killing {toll} people, "
    "officials said.",
    "Gunmen attacked civilians in {town} on {day} {month} 2023; {toll} were killed, according to "
    "a monitoring group.",
    "At least {toll} people died when militants struck {town} on {day} {month} 2023, residents "
    "told our correspondent.",
]


def write_incidents(folder: Path, incidents: int, per_incident: int) -> list[list[Path]]:
    """Write reports of a few incidents, ``per_incident`` outlets each (our own text).

    Returns the reports by outlet: ``out[k][j]`` is outlet k's report of incident j (a
    town, a day; its own wording and toll). Towns are hit again days or weeks apart.
    """
    folder.mkdir(parents=True, exist_ok=True)
    out: list[list[Path]] = [[] for _ in range(per_incident)]
    for j in range(incidents):
        town, day, month = TOWNS[j % len(TOWNS)], 1 + (5 * j) % 27, MONTHS[j // 12]
        for k in range(per_incident):
            body = WORDINGS[k % 3].format(town=town, day=day, month=month, toll=3 + k + j)
            path = folder / f"incident-{j:02d}-{k}.txt"
            path.write_text(f"Attack in {town}\n\n{body}\n\nOutlet {k}, report {j}.",
                            encoding="utf-8")  # fmt: skip
            out[k].append(path)
    return out


def grouping(db: str) -> set[frozenset[tuple[object, ...]]]:
    """The claims of each event (and each claim without one), named by article and span."""
    from sqlalchemy import text

    from events import db as dblib

    engine = dblib.make_engine(dblib.resolve_url(db))
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT c.event_id, a.content_hash, c.char_start, c.trigger_start, c.id "
                "FROM claims c JOIN articles a ON a.id = c.article_id"
            )).all()  # fmt: skip
    finally:
        engine.dispose()
    groups: dict[object, set[tuple[object, ...]]] = {}
    for event, digest, start, trigger, claim in rows:
        groups.setdefault(event if event is not None else ("alone", claim), set()).add(
            (digest, start, trigger)
        )
    return {frozenset(g) for g in groups.values()}


def expected_claims(paths: list[Path]) -> dict[str, int]:
    """Claims per article (by content hash) from an in-process, uninterrupted extraction."""
    out = {}
    for path in paths:
        doc = load_bytes(path.read_bytes(), origin=path.name,
                         overrides=Overrides(published=dt.date(2023, 7, 1)))  # fmt: skip
        out[content_hash(doc.raw)] = len(extract(doc).claims)
    return out


def ingest_process(db: str, *paths: Path | str, workers: int = 1) -> subprocess.Popen[str]:
    args = [sys.executable, "-m", "events", "--db", db, "ingest", "-q",
            "--published", "2023-07-01", "--workers", str(workers), *map(str, paths)]  # fmt: skip
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stored_claims(db: str) -> dict[str, int]:
    from sqlalchemy import text

    from events import db as dblib

    engine = dblib.make_engine(dblib.resolve_url(db))
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT a.content_hash, count(c.id) FROM articles a "
                "LEFT JOIN claims c ON c.article_id = a.id GROUP BY a.id, a.content_hash"
            )).all()  # fmt: skip
    finally:
        engine.dispose()
    return {h: n for h, n in rows}


def assert_no_duplicates(db: str) -> None:
    for table, key in (("articles", "content_hash"), ("actors", "key"), ("sources", "name"),
                       ("locations", "key")):  # fmt: skip
        total = scalar(db, f"SELECT count(*) FROM {table}")
        distinct = scalar(db, f"SELECT count(DISTINCT {key}) FROM {table}")
        assert total == distinct, f"duplicate {table}"
    orphans = scalar(db, "SELECT count(*) FROM claims c LEFT JOIN events e ON e.id = c.event_id "
                         "WHERE c.event_id IS NOT NULL AND e.id IS NULL")  # fmt: skip
    assert orphans == 0


@pytest.mark.slow
def test_killed_ingest_leaves_whole_articles_and_rerun_completes(db: str, tmp_path: Path) -> None:
    # Articles are committed in batches (events.ingest.BATCH_ARTICLES): enough of them that
    # the kill lands while later batches are still being written.
    paths = write_corpus(tmp_path / "in", 120)
    expected = expected_claims(paths)
    proc = ingest_process(db, tmp_path / "in")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if (scalar(db, "SELECT count(*) FROM articles") or 0) >= 5:  # type: ignore[operator]
            break
        time.sleep(0.02)
    assert proc.poll() is None, "ingest finished before it could be killed: corpus too small"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    partial = stored_claims(db)
    assert 0 < len(partial) < len(paths)
    for digest, n in partial.items():  # every stored article is whole
        assert n == expected[digest]

    rerun = ingest_process(db, tmp_path / "in")
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert f"{len(partial)} skipped" in err
    assert stored_claims(db) == expected
    assert_no_duplicates(db)


@pytest.mark.slow
def test_concurrent_ingests_with_overlapping_inputs(
    db: str, engine_name: str, tmp_path: Path
) -> None:
    paths = write_corpus(tmp_path / "in", 36)
    expected = expected_claims(paths)
    n_proc = 2 if engine_name == "sqlite" else 4
    # Each process gets half of the corpus, shifted: every file is fed to two processes.
    half = len(paths) // 2
    step = len(paths) // n_proc
    shares = [[paths[(k * step + j) % len(paths)] for j in range(half)] for k in range(n_proc)]
    if n_proc == 2:
        shares = [paths, paths[::-1]]  # two writers on one file: full overlap, opposite order
    procs = [ingest_process(db, *share) for share in shares]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "0 failed" in err
    assert stored_claims(db) == expected
    assert_no_duplicates(db)
    assert scalar(db, "SELECT count(*) FROM sources") == 0


def test_workers_give_the_same_result_as_one_process(sqlite_db: str, tmp_path: Path) -> None:
    # 20 texts: three batches of PARALLEL_BATCH_ARTICLES, two of them in flight at once.
    paths = write_corpus(tmp_path / "in", 20)
    proc = ingest_process(sqlite_db, tmp_path / "in", workers=2)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert stored_claims(sqlite_db) == expected_claims(paths)


@pytest.mark.slow
def test_concurrent_ingests_group_claims_as_one_process_and_relink_do(
    db: str, engine_name: str, tmp_path: Path, sqlite_template: Path
) -> None:
    import shutil

    n_proc = 2 if engine_name == "sqlite" else 4
    outlets = write_incidents(tmp_path / "in", 24, 2)
    paths = sorted(p for reports in outlets for p in reports)
    reference = str(tmp_path / "one.db")
    shutil.copy(sqlite_template, reference)
    one = ingest_process(reference, *paths)
    _, err = one.communicate(timeout=300)
    assert one.returncode == 0, err
    expected = grouping(reference)
    assert len(expected) == 24  # the two reports of one incident share its event

    # Two outlets' reports of each incident, stored in the same order by different
    # processes: the two reports of an incident are stored at the same moment, and
    # neither sees the other unless linking is serialised (every file is fed twice
    # with four processes).
    shares = [outlets[k % 2] for k in range(n_proc)]
    procs = [ingest_process(db, *share) for share in shares]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "0 failed" in err
    assert grouping(db) == expected
    relink = subprocess.run([sys.executable, "-m", "events", "--db", db, "relink"],
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert relink.returncode == 0, relink.stderr
    assert grouping(db) == expected
