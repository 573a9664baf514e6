"""Event resolution during ingest: one incident is one event, different incidents stay apart.

The reports are our own, written in the styles the tool meets: a wire story, a
monitoring group's note, a partisan outlet's communiqué.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from events import db as dblib
from events.linking.resolve import LinkFacts, compare
from tests.conftest import invoke, scalar

ROOT = Path(__file__).resolve().parent.parent

REPORTS = {
    "wire": {
        "id": "wire-gao", "source": "Sahel Wire", "published": "2024-03-12",
        "title": "Roadside bomb kills eight soldiers near Gao",
        "text": "A roadside bomb struck a Malian army convoy near Gao on Tuesday, killing eight "
                "soldiers, the defence ministry said in a statement.\n\nThe explosion destroyed "
                "the lead vehicle of the convoy east of the town, the ministry said.",
    },
    "monitor": {
        "id": "monitor-gao", "source": "Conflict Monitor Weekly", "published": "2024-03-13",
        "title": "Fourteen soldiers dead in bomb blast near Gao, monitors say",
        "text": "Suspected jihadists detonated a bomb against a military convoy near Gao on "
                "12 March 2024, killing 14 soldiers, according to a local monitoring group.\n\n"
                "The group said the toll was higher than the figure given by the authorities.",
    },
    "monday": {
        "id": "menaka-1", "source": "Sahel Wire", "published": "2024-04-02",
        "title": "Gunmen attack market in Menaka",
        "text": "Gunmen attacked the weekly market in Menaka on Monday, killing five traders, "
                "residents said.",
    },
    "thursday": {
        "id": "menaka-2", "source": "Desert Courier", "published": "2024-04-05",
        "title": "New assault on Menaka market",
        "text": "Gunmen attacked the market in Menaka on Thursday, killing three people, a local "
                "official said.",
    },
    "prediction": {
        "id": "kidal-1", "source": "Desert Courier", "published": "2024-05-02",
        "title": "Army vows offensive on Kidal",
        "text": "The Malian army will launch an offensive against rebels in Kidal next week, a "
                "military spokesman said on Thursday.",
    },
    "offensive": {
        "id": "kidal-2", "source": "Sahel Wire", "published": "2024-05-10",
        "title": "Army attacks rebels in Kidal",
        "text": "Malian troops attacked rebel positions in Kidal on Friday, killing at least ten "
                "fighters, the army said.",
    },
    "single": {
        "id": "mopti-1", "source": "Sahel Wire", "published": "2024-06-04",
        "title": "Suicide bomber kills 11 at checkpoint in Mopti",
        "text": "A suicide bomber blew himself up at a police checkpoint in Mopti on Monday, "
                "killing 11 people, the regional governor said.\n\n\"The attacker drove a "
                "motorbike loaded with explosives into the checkpoint,\" the governor told "
                "reporters.\n\nThe attack was the deadliest in the town this year. Police said "
                "the bombing wounded 20 others.",
    },
    "retaliation": {
        "id": "timbuktu-1", "source": "Front Bulletin", "published": "2024-07-03",
        "title": "Army strikes back after Timbuktu raid",
        "text": "Jihadist fighters attacked an army base in Timbuktu on Monday, killing six "
                "soldiers, the army said.\n\nOn Tuesday the army bombed jihadist positions near "
                "Timbuktu in retaliation, killing 15 fighters.",
    },
}  # fmt: skip


def write(folder: Path, *names: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        path = folder / f"{name}.jsonl"
        path.write_text(json.dumps(REPORTS[name]) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def ingest(runner: CliRunner, db: str, *paths: Path) -> None:
    for path in paths:  # one call per file: the given order is the ingest order
        result = invoke(runner, "--db", db, "ingest", "-q", str(path))
        assert result.exit_code == 0, result.output


def rows(db: str, sql: str) -> list[tuple]:
    engine = dblib.make_engine(dblib.resolve_url(db))
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def events_of(db: str, external_id: str) -> set[int | None]:
    return {e for (e,) in rows(db, "SELECT c.event_id FROM claims c JOIN articles a ON "
                                   f"a.id = c.article_id WHERE a.external_id = '{external_id}'")}  # fmt: skip


def grouping(db: str) -> set[frozenset[tuple]]:
    """The partition of claims into events, by article and evidence span (not by ids)."""
    groups: dict[object, set[tuple]] = {}
    for event, article, start, trigger in rows(
        db, "SELECT c.event_id, a.external_id, c.char_start, c.trigger_start FROM claims c "
            "JOIN articles a ON a.id = c.article_id"
    ):  # fmt: skip
        key = event if event is not None else ("alone", article, start, trigger)
        groups.setdefault(key, set()).add((article, start, trigger))
    return {frozenset(g) for g in groups.values()}


def test_two_outlets_on_one_bombing_share_one_event_and_their_tolls_disagree(
    db: str, runner: CliRunner, tmp_path: Path
) -> None:
    ingest(runner, db, *write(tmp_path, "wire", "monitor"))
    lead = rows(db, "SELECT c.event_id FROM claims c JOIN articles a ON a.id = c.article_id "
                    "WHERE a.external_id = 'wire-gao' AND c.fatalities_best = 8 "
                    "AND c.date_start IS NOT NULL")  # fmt: skip
    event = lead[0][0]
    row = rows(db, f"SELECT num_articles, num_sources FROM events_flat WHERE event_id = {event}")
    assert row == [(2, 2)]
    sources = {s for (s,) in rows(db, f"SELECT source FROM claims_flat WHERE event_id = {event}")}
    assert sources == {"Sahel Wire", "Conflict Monitor Weekly"}
    tolls = {v for (v,) in rows(db, "SELECT value FROM contradictions WHERE event_id = "
                                    f"{event} AND field = 'fatalities'")}  # fmt: skip
    assert {"8", "14"} <= tolls
    # Every link says why: the rule, a score and the evidence compared.
    links = rows(db, "SELECT l.rule, l.score, l.evidence FROM claim_links l JOIN claims c "
                     f"ON c.id = l.claim_id WHERE c.event_id = {event}")  # fmt: skip
    assert {"same incident", "same article"} <= {r for r, _, _ in links}
    assert all(score > 0 and "Gao" in evidence for _, score, evidence in links)
    reason = scalar(db, f"SELECT link_reason FROM events_flat WHERE event_id = {event}")
    assert "same incident" in str(reason)


def test_two_attacks_on_one_town_on_different_days_stay_two_events(
    db: str, runner: CliRunner, tmp_path: Path
) -> None:
    ingest(runner, db, *write(tmp_path, "monday", "thursday"))
    monday, thursday = events_of(db, "menaka-1"), events_of(db, "menaka-2")
    assert len(monday) == 1 and len(thursday) == 1
    assert monday != thursday


def test_a_prediction_and_the_event_it_predicts_stay_apart(
    db: str, runner: CliRunner, tmp_path: Path
) -> None:
    ingest(runner, db, *write(tmp_path, "prediction", "offensive"))
    predicted = {e for (e,) in rows(db, "SELECT event_id FROM claims WHERE modality = 'predicted'")}
    happened = events_of(db, "kidal-2")
    assert predicted and None not in predicted
    assert not predicted & happened


def test_an_attack_and_the_retaliation_for_it_stay_apart(
    db: str, runner: CliRunner, tmp_path: Path
) -> None:
    ingest(runner, db, *write(tmp_path, "retaliation"))
    attack = rows(db, "SELECT event_id FROM claims WHERE fatalities_best = 6")
    reprisal = rows(db, "SELECT event_id FROM claims WHERE fatalities_best = 15")
    assert attack and reprisal and attack[0][0] != reprisal[0][0]


def test_a_single_incident_report_makes_at_most_two_events(
    db: str, runner: CliRunner, tmp_path: Path
) -> None:
    ingest(runner, db, *write(tmp_path, "single"))
    claims = scalar(db, "SELECT count(*) FROM claims")
    assert isinstance(claims, int) and claims >= 3  # headline, lead, quote, follow-up
    assert len(events_of(db, "mopti-1") - {None}) <= 2


def test_the_sample_articles_make_far_fewer_events_than_claims(
    sqlite_db: str, runner: CliRunner
) -> None:
    result = invoke(runner, "--db", sqlite_db, "ingest", "-q", str(ROOT / "seeds" / "samples"))
    assert result.exit_code == 0, result.output
    claims = scalar(sqlite_db, "SELECT count(*) FROM claims")
    events = scalar(sqlite_db, "SELECT count(*) FROM events_flat")
    assert isinstance(claims, int) and isinstance(events, int)
    print(f"samples: {claims} claims -> {events} events")
    assert events <= 0.7 * claims  # the old linker: 56 claims -> 53 events


def test_ingest_order_does_not_change_the_grouping(runner: CliRunner, tmp_path: Path) -> None:
    names = ("wire", "monday", "monitor", "thursday", "retaliation")
    paths = write(tmp_path / "in", *names)
    results = []
    for n, order in enumerate((paths, paths[::-1], paths[2:] + paths[:2])):
        db = str(tmp_path / f"order{n}.db")
        assert invoke(runner, "--db", db, "init").exit_code == 0
        ingest(runner, db, *order)
        results.append(grouping(db))
    assert results[0] == results[1] == results[2]
    assert len(results[0]) < sum(len(g) for g in results[0])  # some claims were linked


def test_a_denial_joins_the_event_it_denies_and_never_makes_one(
    db: str, runner: CliRunner, tmp_path: Path
) -> None:
    REPORTS["denial"] = {
        "id": "deny-1", "source": "State Radio", "published": "2024-03-14",
        "title": "Ministry rejects toll",
        "text": "The defence ministry denied that jihadists killed soldiers near Gao on "
                "Tuesday.",
    }  # fmt: skip
    REPORTS["lone-denial"] = {
        "id": "deny-2", "source": "State Radio", "published": "2024-08-20",
        "title": "Governor speaks",
        "text": "The governor denied that soldiers attacked villagers in Menaka on Monday.",
    }  # fmt: skip
    ingest(runner, db, *write(tmp_path, "denial", "wire", "lone-denial"))
    denied = rows(db, "SELECT c.event_id, a.external_id FROM claims c JOIN articles a "
                      "ON a.id = c.article_id WHERE c.modality = 'denied'")  # fmt: skip
    by_article = {article: event for event, article in denied}
    if "deny-2" in by_article:
        assert by_article["deny-2"] is None  # nothing to deny: no event of its own
    if "deny-1" in by_article:
        assert by_article["deny-1"] in events_of(db, "wire-gao")
        modalities = rows(db, "SELECT value FROM contradictions WHERE field = 'modality' "
                              f"AND event_id = {by_article['deny-1']}")  # fmt: skip
        assert ("denied",) in modalities
    assert by_article, "no denial was extracted from the test texts"


def facts(**kw: object) -> LinkFacts:
    base: dict[str, object] = dict(
        id=1, article_id=1, event_id=None, event_type="ASSAULT", event_mode=None,
        date_start=dt.date(2024, 7, 1), date_end=dt.date(2024, 7, 1), date_precision="day",
        location_id=7, location_name="Timbuktu", country="MLI", admin1="Tombouctou",
        admin2=None, latitude=16.77, longitude=-3.0, geo_precision="point", actor1_id=10,
        actor2_id=20, modality="asserted", negated=False, fatalities_best=None,
        event_pinned=False, status="auto", sentence_index=0,
    )  # fmt: skip
    base.update(kw)
    return LinkFacts(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("other", "linked"),
    [
        ({}, True),
        ({"actor1_id": 20, "actor2_id": 10}, False),  # sides swapped: the retaliation
        ({"date_start": dt.date(2024, 7, 4), "date_end": dt.date(2024, 7, 4)}, False),
        ({"modality": "predicted"}, False),
        ({"event_type": "PROTEST"}, False),
        ({"location_id": 8, "location_name": "Gao", "latitude": 16.27, "longitude": -0.04}, False),
        (
            {"location_id": 9, "location_name": "Kabara", "latitude": 16.70, "longitude": -3.02},
            True,
        ),  # 8 km away
        ({"fatalities_best": 40}, True),  # a different toll does not keep them apart
        ({"location_id": None, "location_name": None, "country": None}, False),  # across articles
    ],
)
def test_compare_across_articles(other: dict[str, object], linked: bool) -> None:
    a = facts()
    b = facts(id=2, article_id=2, **other)
    assert compare(a, b).link is linked
    assert compare(b, a).link is linked  # symmetric


def test_a_meeting_is_the_same_whichever_side_is_named_first() -> None:
    a = facts(event_type="CONSULT")
    b = facts(id=2, article_id=2, event_type="CONSULT", actor1_id=20, actor2_id=10)
    assert compare(a, b).link
