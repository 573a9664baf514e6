"""Curation through the CLI: merge, split, set, reject, the audit trail, actors and aliases.

Our own short reports (written for these tests): a roadside bomb near Gao told by
two outlets, a teachers' protest in Bamako, two raids by a group the dictionaries
do not know. Every change must show in ``events edits`` and in the views as a
researcher reads them; bad input must change nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from events import db as dblib
from tests.conftest import invoke

BOMB_1 = """Roadside bomb kills eight soldiers near Gao

A roadside bomb struck an army convoy near Gao on Monday, killing eight soldiers, \
the defence ministry said.

Jihadist militants claimed the ambush and said fourteen soldiers died.
"""
# The second outlet names no place: event resolution does not link reports across
# articles without one, so the bombing stays in two events until a person merges them.
BOMB_2 = """Eight troops die in convoy blast

An explosive device hit a military convoy on Monday and eight soldiers \
were killed, officials said.
"""
PROTEST = """Teachers rally in Bamako over unpaid wages

Hundreds of teachers protested in Bamako on Tuesday to demand months of unpaid wages, \
union leaders said.

Police fired tear gas to disperse the crowd outside the ministry.
"""
RAID_1 = """Gunmen raid police post in Kismayo

The Kestrel Front attacked a police station in Kismayo on Monday, killing four officers, \
a local official said.
"""
RAID_2 = """Second raid on Kismayo checkpoint

The Kestrel Front attacked a checkpoint near Kismayo on Thursday, killing two guards, \
residents said.
"""


def rows(db: str, sql: str, **params: Any) -> list[dict[str, Any]]:
    """Return the rows of a query as dicts."""
    engine = dblib.make_engine(dblib.resolve_url(db))
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def ingest(runner, db: str, tmp_path: Path, name: str, body: str, source: str,
           published: str = "2024-06-11") -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    path = tmp_path / f"{name}.txt"
    path.write_text(body, encoding="utf-8")
    result = invoke(runner, "--db", db, "ingest", "-q", str(path), "--published", published,
                    "--source", source)  # fmt: skip
    assert result.exit_code == 0, result.stderr


def claim_id(db: str, trigger: str) -> int:
    found = rows(db, "SELECT id FROM claims WHERE trigger = :t ORDER BY id", t=trigger)
    assert found, f"no claim with trigger {trigger!r}"
    return int(found[0]["id"])


def cli(runner, db: str, *args: str):  # type: ignore[no-untyped-def]
    return invoke(runner, "--db", db, *args)


@pytest.fixture
def reports(runner, db: str, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    """The database with the bombing (two outlets) and the protest stored."""
    ingest(runner, db, tmp_path, "bomb1", BOMB_1, "Sahel Wire")
    ingest(runner, db, tmp_path, "bomb2", BOMB_2, "Niger Post")
    ingest(runner, db, tmp_path, "protest", PROTEST, "Sahel Wire", "2024-06-12")
    return db


@pytest.fixture(autouse=True)
def _no_aliases_left() -> Iterator[None]:
    yield
    from events.gazetteer import use_manual_aliases

    use_manual_aliases(())  # the next test's extraction must not see this test's aliases


def bomb_events(db: str) -> set[int]:
    found = rows(db, "SELECT DISTINCT event_id FROM claims WHERE article_id IN (1, 2)")
    return {r["event_id"] for r in found if r["event_id"] is not None}


def test_merge_puts_both_outlets_in_one_event_and_is_recorded(runner, reports: str) -> None:  # type: ignore[no-untyped-def]
    db = reports
    events = sorted(bomb_events(db))
    assert len(events) >= 2, "the test needs the bombing in several events"
    result = cli(runner, db, "merge", *map(str, reversed(events)), "--note", "one convoy",
                 "--by", "amina")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(events[0])  # the lowest id survives
    assert bomb_events(db) == {events[0]}
    (event,) = rows(db, "SELECT * FROM events_flat WHERE event_id = :e", e=events[0])
    assert (event["num_articles"], event["num_sources"]) == (2, 2)
    assert event["num_claims"] == len(rows(db, "SELECT id FROM claims WHERE article_id IN (1, 2)"))
    assert event["status"] == "curated"
    # the emptied events keep their rows, hidden from events_flat
    others = ", ".join(map(str, events[1:]))
    emptied = rows(db, f"SELECT id, num_claims FROM events WHERE id IN ({others})")
    assert [r["num_claims"] for r in emptied] == [0] * (len(events) - 1)
    assert not rows(
        db,
        "SELECT * FROM events_flat WHERE event_id <> :e AND event_id IN "
        "(SELECT event_id FROM claims WHERE article_id IN (1, 2))",
        e=events[0],
    )
    pinned = rows(db, "SELECT event_pinned FROM claims WHERE article_id IN (1, 2)")
    assert all(r["event_pinned"] for r in pinned)
    links = rows(db, "SELECT rule, evidence FROM claim_links WHERE rule = 'curated'")
    assert links and all("amina" in r["evidence"] for r in links)
    listed = json.loads(cli(runner, db, "edits", "--action", "merge", "--json").stdout)
    assert {r["author"] for r in listed} == {"amina"}
    assert {r["note"] for r in listed} == {"one convoy"}
    assert {r["new_value"] for r in listed} == {str(events[0])}
    assert len(listed) == len(pinned)
    assert json.loads(cli(runner, db, "edits", "--event", str(events[-1]), "--json").stdout)


def test_split_moves_claims_to_a_new_event(runner, reports: str) -> None:  # type: ignore[no-untyped-def]
    db = reports
    protested = claim_id(db, "protested")
    before = {r["event_id"] for r in rows(db, "SELECT event_id FROM events_flat")}
    result = cli(runner, db, "split", str(protested), "--note", "the march, not the rally")
    assert result.exit_code == 0, result.stderr
    new = int(result.stdout.strip())
    assert new not in before
    (event,) = rows(db, "SELECT * FROM events_flat WHERE event_id = :e", e=new)
    assert (event["num_claims"], event["event_type"], event["status"]) == (1, "PROTEST", "curated")
    (claim,) = rows(db, "SELECT event_id, event_pinned FROM claims WHERE id = :c", c=protested)
    assert claim["event_id"] == new and claim["event_pinned"]
    (edit,) = json.loads(cli(runner, db, "edits", "--claim", str(protested), "--json").stdout)
    assert (edit["action"], edit["field"], edit["new_value"]) == ("split", "event_id", str(new))
    assert edit["note"] == "the march, not the rally"
    assert edit["author"]  # the OS user by default


def test_set_corrects_fields_and_marks_the_claim_curated(runner, reports: str) -> None:  # type: ignore[no-untyped-def]
    db = reports
    ambush = claim_id(db, "ambush")
    result = cli(runner, db, "set", str(ambush), "location=Gao", "fatalities_low=14",
                 "fatalities_best=14", "fatalities_high=14", "modality=asserted",
                 "actor2=Military", "--by", "amina", "--note", "group statement")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    (row,) = rows(db, "SELECT * FROM claims_flat WHERE claim_id = :c", c=ambush)
    assert (row["location"], row["fatalities_best"], row["modality"], row["actor2"]) == (
        "Gao", 14, "asserted", "Military")  # fmt: skip
    assert row["curated"] == 1
    untouched = rows(db, "SELECT curated FROM claims_flat WHERE claim_id <> :c", c=ambush)
    assert {r["curated"] for r in untouched} == {0}
    listed = json.loads(cli(runner, db, "edits", "--claim", str(ambush), "--json").stdout)
    assert [r["field"] for r in listed] == ["location", "fatalities_low", "fatalities_best",
                                            "fatalities_high", "modality", "actor2"]  # fmt: skip
    by_field = {r["field"]: r for r in listed}
    assert by_field["fatalities_best"]["old_value"] == "14"
    assert by_field["location"]["new_value"].startswith("Gao [")
    assert by_field["modality"]["old_value"] == "alleged"
    assert {r["claim_span"].count(":") for r in listed} == {2}
    # the event reads the corrected claim: its place and its rival tolls
    (event,) = rows(db, "SELECT e.* FROM events_flat e JOIN claims c ON c.event_id = e.event_id "
                    "WHERE c.id = :c", c=ambush)  # fmt: skip
    assert event["fatalities_high"] == 14
    since = lambda day: json.loads(cli(runner, db, "edits", "--since", day, "--json").stdout)  # noqa: E731
    assert len(since("2000-01-01")) == len(listed) and since("2999-01-01") == []
    assert json.loads(cli(runner, db, "edits", "--by", "nobody", "--json").stdout) == []
    table = cli(runner, db, "edits", "--by", "amina").stdout
    assert "fatalities_best" in table.splitlines()[0] + table  # a table by default
    assert table.splitlines()[0].split()[:3] == ["id", "created", "author"]


def test_reject_hides_the_claim_but_keeps_it(runner, reports: str) -> None:  # type: ignore[no-untyped-def]
    db = reports
    gas = claim_id(db, "tear gas")
    (before,) = rows(db, "SELECT event_id FROM claims WHERE id = :c", c=gas)
    result = cli(runner, db, "reject", str(gas), "--note", "dispersal, coded with the protest")
    assert result.exit_code == 0, result.stderr
    assert not rows(db, "SELECT * FROM claims_flat WHERE claim_id = :c", c=gas)
    assert rows(db, "SELECT status FROM claims WHERE id = :c", c=gas) == [{"status": "rejected"}]
    # its event had no other claim: it leaves events_flat too
    assert not rows(db, "SELECT * FROM events_flat WHERE event_id = :e", e=before["event_id"])
    (edit,) = json.loads(cli(runner, db, "edits", "--action", "reject", "--json").stdout)
    assert (edit["row_id"], edit["old_value"], edit["new_value"]) == (gas, "auto", "rejected")
    again = cli(runner, db, "reject", str(gas))
    assert again.exit_code == 1 and "rejected" in again.stderr


def _state(db: str) -> list[list[dict[str, Any]]]:
    return [
        rows(db, f"SELECT * FROM {table} ORDER BY 1")
        for table in ("claims", "events", "edits", "claim_links", "actor_aliases", "locations")
    ]


@pytest.mark.parametrize(
    "args",
    [
        ("merge", "1", "999"),
        ("merge", "1"),
        ("merge", "one", "2"),
        ("split", "999"),
        ("split", "{ambush}", "999"),
        ("set", "{ambush}", "colour=red"),
        ("set", "{ambush}", "fatalities_best"),
        ("set", "{ambush}", "fatalities_best=-3"),
        ("set", "{ambush}", "fatalities_best=12", "event_type=BOMBING"),
        ("set", "{ambush}", "date_start=2024-13-40"),
        ("set", "{ambush}", "date_start=2024-06-10", "date_end=2024-06-01"),
        ("set", "{ambush}", "fatalities_low=90"),
        ("set", "{ambush}", "modality=surely"),
        ("set", "{ambush}", "date_precision=hour"),
        ("set", "{ambush}", "location=Qqxzzyvv"),
        ("set", "{ambush}", "actor1=Nobody Atall Qqx"),
        ("set", "999", "modality=asserted"),
        ("reject", "999"),
        ("reject", "x"),
        ("edits", "--since", "last week"),
        ("actors", "alias", "Kestrel Front", "org:nobody-qqx"),
    ],
)
def test_bad_input_is_one_line_exit_1_and_changes_nothing(runner, reports: str, args) -> None:  # type: ignore[no-untyped-def]
    db = reports
    ambush = str(claim_id(db, "ambush"))
    before = _state(db)
    result = cli(runner, db, *(a.format(ambush=ambush) for a in args))
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert _state(db) == before


def test_an_alias_is_used_by_the_next_ingest(runner, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ingest(runner, db, tmp_path, "raid1", RAID_1, "Sahel Wire")
    actors = lambda: {r["actor1"] for r in rows(db, "SELECT actor1 FROM claims_flat")}  # noqa: E731
    assert "al-Shabaab" not in actors()  # the dictionaries do not know the group
    assert "Kestrel" not in cli(runner, db, "actors", "kestrel").stdout
    result = cli(runner, db, "actors", "alias", "Kestrel Front", "al-Shabaab", "--by", "amina",
                 "--note", "a front name of the group")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    listed = cli(runner, db, "actors", "kestrel", "--json")
    (actor,) = json.loads(listed.stdout)
    assert (actor["key"], actor["name"]) == ("org:al-shabaab", "al-Shabaab")
    assert "Kestrel Front*" in actor["aliases"]
    (edit,) = json.loads(cli(runner, db, "edits", "--action", "alias", "--json").stdout)
    assert (edit["author"], edit["table_name"]) == ("amina", "actor_aliases")
    assert "Kestrel Front" in edit["new_value"] and "org:al-shabaab" in edit["new_value"]

    ingest(runner, db, tmp_path, "raid2", RAID_2, "Sahel Wire", "2024-06-14")
    (raid2,) = rows(db, "SELECT id FROM articles WHERE title LIKE 'Second raid%'")
    second = rows(db, "SELECT actor1 FROM claims_flat WHERE article_id = :a", a=raid2["id"])
    assert "al-Shabaab" in {r["actor1"] for r in second}
    # and a re-extraction of the first report reads the group's name too
    assert cli(runner, db, "reextract", "--article", "1").exit_code == 0
    first = rows(db, "SELECT actor1 FROM claims_flat WHERE article_id = 1")
    assert "al-Shabaab" in {r["actor1"] for r in first}
    again = cli(runner, db, "actors", "alias", "Kestrel Front", "org:al-shabaab")
    assert again.exit_code == 1 and "already" in again.stderr


def test_actors_lists_the_most_cited_first(runner, reports: str) -> None:  # type: ignore[no-untyped-def]
    listed = json.loads(cli(runner, reports, "actors", "--limit", "3", "--json").stdout)
    assert len(listed) == 3
    assert [r["claims"] for r in listed] == sorted((r["claims"] for r in listed), reverse=True)
    assert listed[0]["claims"] > 0
    assert {"name", "key", "kind", "country", "sector", "claims", "aliases"} <= set(listed[0])
    assert cli(runner, reports, "actors", "qqzzxx-nothing").stderr.startswith("no actor")


def test_export_manifest_counts_curation(runner, reports: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = reports
    assert cli(runner, db, "reject", str(claim_id(db, "tear gas"))).exit_code == 0
    assert cli(runner, db, "set", str(claim_id(db, "ambush")), "modality=asserted").exit_code == 0
    out = tmp_path / "claims.csv"
    assert cli(runner, db, "export", str(out)).exit_code == 0
    manifest = json.loads((tmp_path / "claims.csv.manifest.json").read_text(encoding="utf-8"))
    assert manifest["curation_in_database"] == {
        "curated_claims": 1, "rejected_claims_hidden": 1, "edits": 2,
    }  # fmt: skip
