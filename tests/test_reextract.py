"""``events reextract``: new claims from stored texts, with people's decisions applied again.

A merge, a split, a field correction and a rejection made before must hold after
``events reextract --all``; an edit whose claim is gone (here: the rules no longer
find it because the stored text changed under them) is reported and marked stale.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from events import EXTRACTOR_VERSION
from events import db as dblib
from tests.conftest import invoke
from tests.test_concurrency import write_corpus
from tests.test_curation import BOMB_1, BOMB_2, PROTEST, claim_id, cli, ingest, rows

_VIEW = (
    "SELECT article_id, section, char_start, char_end, trigger, event_type, location,"
    " fatalities_low, fatalities_best, fatalities_high, modality, actor1, actor2, claimant,"
    " curated FROM claims_flat ORDER BY article_id, section, char_start, trigger"
)


def _store(runner, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ingest(runner, db, tmp_path, "bomb1", BOMB_1, "Sahel Wire")
    ingest(runner, db, tmp_path, "bomb2", BOMB_2, "Niger Post")
    ingest(runner, db, tmp_path, "protest", PROTEST, "Sahel Wire", "2024-06-12")


def _execute(db: str, sql: str) -> None:
    engine = dblib.make_engine(dblib.resolve_url(db))
    try:
        with engine.begin() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


def _groups(db: str) -> list[list[tuple[Any, ...]]]:
    """The claims grouped by event, each claim named by its place in the text (not its id)."""
    found = rows(db, "SELECT event_id, article_id, char_start, trigger FROM claims_flat")
    by_event: dict[int, list[tuple[Any, ...]]] = {}
    for r in found:
        by_event.setdefault(r["event_id"], []).append((r["article_id"], r["char_start"],
                                                        r["trigger"]))  # fmt: skip
    return sorted(sorted(g) for g in by_event.values())


def _events(db: str) -> list[dict[str, Any]]:
    found = rows(db, "SELECT event_type, num_claims, num_articles, num_sources, fatalities_low,"
                     " fatalities_best, fatalities_high, location, status FROM events_flat")  # fmt: skip
    return sorted(found, key=lambda r: tuple(str(v) for v in r.values()))


def test_reextract_without_edits_gives_the_same_claims(runner, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _store(runner, db, tmp_path)
    before = rows(db, _VIEW)
    ids = {r["id"] for r in rows(db, "SELECT id FROM claims")}
    result = cli(runner, db, "reextract", "--all")
    assert result.exit_code == 0, result.stderr
    assert f"3 articles re-extracted; claims {len(before)} -> {len(before)}" in result.stderr
    assert rows(db, _VIEW) == before  # the document is rebuilt faithfully from what is stored
    assert not ids & {r["id"] for r in rows(db, "SELECT id FROM claims")}  # new claims
    versions = rows(db, "SELECT DISTINCT extractor_version FROM claims")
    assert versions == [{"extractor_version": EXTRACTOR_VERSION}]


def test_merge_split_set_and_reject_survive_reextract_all(runner, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _store(runner, db, tmp_path)
    bombing = sorted({r["event_id"] for r in rows(db, "SELECT event_id FROM claims "
                                                      "WHERE article_id IN (1, 2)")})  # fmt: skip
    assert cli(runner, db, "merge", *map(str, bombing), "--by", "amina").exit_code == 0
    split = cli(runner, db, "split", str(claim_id(db, "protested")), "--by", "amina")
    assert split.exit_code == 0
    ambush = claim_id(db, "ambush")
    fixed = cli(runner, db, "set", str(ambush), "location=Gao", "modality=asserted",
                "fatalities_best=14", "--by", "amina")  # fmt: skip
    assert fixed.exit_code == 0, fixed.stderr
    gas = claim_id(db, "tear gas")
    assert cli(runner, db, "reject", str(gas), "--by", "amina").exit_code == 0
    view, groups = rows(db, _VIEW), _groups(db)
    events = _events(db)
    curated = rows(db, "SELECT event_id FROM events_flat WHERE status = 'curated' ORDER BY 1")
    assert len(curated) == 2  # the merged bombing and the split-off march
    trail = json.loads(cli(runner, db, "edits", "--json").stdout)

    result = cli(runner, db, "reextract", "--all")
    assert result.exit_code == 0, result.stderr
    assert f"{len(trail)} edits re-applied, 0 stale" in result.stderr
    assert "no longer applies" not in result.stderr
    assert rows(db, _VIEW) == view  # corrected values, curated flags, the rejection
    assert _groups(db) == groups  # the merge and the split
    assert _events(db) == events
    # the people's events keep their ids (machine-made ones are made anew)
    assert rows(db, "SELECT event_id FROM events_flat WHERE status = 'curated' ORDER BY 1") == (
        curated
    )
    assert not rows(db, "SELECT * FROM claims_flat WHERE trigger = 'tear gas'")
    after = json.loads(cli(runner, db, "edits", "--json").stdout)
    assert [e["id"] for e in after] == [e["id"] for e in trail]
    assert {e["status"] for e in after} == {"applied"}
    # each edit follows its claim: it names the new claim, found by its evidence span
    (new_ambush,) = {e["row_id"] for e in after if e["action"] == "set"}
    assert new_ambush != ambush
    assert rows(db, "SELECT curated FROM claims_flat WHERE claim_id = :c", c=new_ambush) == [
        {"curated": 1}
    ]
    assert json.loads(cli(runner, db, "edits", "--claim", str(new_ambush), "--json").stdout)
    assert rows(db, "SELECT count(*) AS n FROM claim_links WHERE rule = 'curated'")[0]["n"] > 0


def test_an_edit_whose_claim_is_gone_is_reported_stale(runner, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _store(runner, db, tmp_path)
    gas = claim_id(db, "tear gas")
    assert (
        cli(runner, db, "set", str(gas), "fatalities_best=0", "--note", "no one hurt").exit_code
        == 0
    )
    ambush = claim_id(db, "ambush")
    assert cli(runner, db, "reject", str(ambush)).exit_code == 0
    # The rules no longer find a coercion in the protest report (its text changed under them).
    _execute(db, "UPDATE articles SET body = replace(body, 'fired tear gas to disperse',"
                 " 'stood beside') WHERE id = 3")  # fmt: skip
    result = cli(runner, db, "reextract", "--all")
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "no longer applies" in line]
    assert len(warnings) == 1 and "article 3" in warnings[0] and "fatalities_best=0" in warnings[0]
    assert "1 edits re-applied, 1 stale" in result.stderr
    (edit,) = json.loads(cli(runner, db, "edits", "--action", "set", "--json").stdout)
    assert (edit["status"], edit["note"], edit["new_value"]) == ("stale", "no one hurt", "0")
    (kept,) = json.loads(cli(runner, db, "edits", "--action", "reject", "--json").stdout)
    assert kept["status"] == "applied"
    assert not rows(db, "SELECT * FROM claims_flat WHERE trigger = 'ambush'")
    # a stale edit is tried again, and stays stale while its claim is missing
    again = cli(runner, db, "reextract", "--article", "3")
    assert "1 stale" in again.stderr


def test_reextract_bad_input_is_one_line(runner, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for args in (("--article", "999"), (), ("--article", "1", "--all"), ("--article", "x")):
        result = invoke(runner, "--db", db, "reextract", *args)
        assert result.exit_code == 1, args
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.slow
def test_killed_reextract_leaves_whole_articles_and_every_edit(  # type: ignore[no-untyped-def]
    runner, db: str, tmp_path: Path
) -> None:
    paths = write_corpus(tmp_path / "in", 40)
    result = invoke(runner, "--db", db, "ingest", "-q", "--published", "2023-07-01",
                    str(tmp_path / "in"))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    per_article = {r["article_id"]: r["n"] for r in rows(
        db, "SELECT article_id, count(*) AS n FROM claims GROUP BY article_id")}  # fmt: skip
    assert len(per_article) == len(paths)
    for first in rows(db, "SELECT min(id) AS id FROM claims GROUP BY article_id"):
        assert cli(runner, db, "reject", str(first["id"])).exit_code == 0
    last = rows(db, "SELECT max(id) AS id FROM claims")[0]["id"]

    args = [sys.executable, "-m", "events", "--db", db, "reextract", "--all"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if rows(db, "SELECT count(*) AS n FROM claims WHERE id > :i", i=last)[0]["n"] >= 5:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "reextract finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    def check() -> None:
        counts = rows(db, "SELECT article_id, count(*) AS n, min(id) AS lo, max(id) AS hi"
                          " FROM claims GROUP BY article_id")  # fmt: skip
        assert {r["article_id"]: r["n"] for r in counts} == per_article
        # an article has all its old claims or all its new ones, never a mixture
        assert all((r["lo"] > last) == (r["hi"] > last) for r in counts)
        rejected = rows(db, "SELECT count(DISTINCT article_id) AS n FROM claims"
                            " WHERE status = 'rejected'")  # fmt: skip
        assert rejected[0]["n"] == len(paths)
        edits = rows(db, "SELECT e.status, c.status AS claim FROM edits e"
                         " LEFT JOIN claims c ON c.id = e.row_id")  # fmt: skip
        assert {(e["status"], e["claim"]) for e in edits} == {("applied", "rejected")}

    check()
    partial = rows(db, "SELECT count(DISTINCT article_id) AS n FROM claims WHERE id > :i", i=last)
    assert 0 < partial[0]["n"] < len(paths)
    rerun = invoke(runner, "--db", db, "reextract", "--all")
    assert rerun.exit_code == 0, rerun.stderr
    assert f"{len(paths)} edits re-applied, 0 stale" in rerun.stderr
    check()
