"""`events show --event ID`: who says what about one incident, and why its claims are one event."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import text

from events.db import make_engine, resolve_url
from tests.conftest import invoke

#: Two outlets report one raid with rival tolls: the army's eight, the militants' fourteen.
REPORTS = [
    {"id": "army-side", "source": "Sahel Daily", "published": "2024-03-04",
     "title": "Militants storm army base near Gao",
     "text": "Militants attacked an army base in Gao on 3 March 2024, killing eight soldiers, "
             "the Malian army said in a statement.\n\nThe army said reinforcements had been "
             "sent to the area and that the attackers had fled towards the border."},
    {"id": "rebel-side", "source": "Desert Wire", "published": "2024-03-05",
     "title": "Group claims deadly raid in Gao",
     "text": "The militants said they attacked an army base in Gao on 3 March 2024, killing "
             "fourteen soldiers.\n\nA spokesman for the group said its fighters had seized "
             "weapons and vehicles during the raid. The army has not commented on the claim."},
]  # fmt: skip


def _rows(db: str, sql: str, **params: Any) -> list[dict[str, Any]]:
    engine = make_engine(resolve_url(db))
    try:
        with engine.begin() as conn:
            result = conn.execute(text(sql), params)
            return [dict(r._mapping) for r in result] if result.returns_rows else []
    finally:
        engine.dispose()


def _contested_event(runner, db: str, tmp_path: Path) -> int:  # type: ignore[no-untyped-def]
    feed = tmp_path / "raid.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in REPORTS), encoding="utf-8")
    result = invoke(runner, "--db", db, "ingest", str(feed))
    assert result.exit_code == 0, result.output
    tolls = _rows(
        db,
        "SELECT event_id, fatalities_best FROM claims_flat WHERE fatalities_best IN (8, 14)",
    )
    events = {r["event_id"] for r in tolls}
    assert len(tolls) == 2 and len(events) == 1, tolls  # the rival tolls are one incident's
    event_id = int(events.pop())
    # Give the event a recorded link reason if the linker wrote none (the display is
    # what is tested here, not the linker).
    links = _rows(
        db,
        "SELECT l.claim_id FROM claim_links l JOIN claims c ON c.id = l.claim_id "
        "WHERE c.event_id = :e",
        e=event_id,
    )
    if not links:
        claims = _rows(db, "SELECT id FROM claims WHERE event_id = :e ORDER BY id", e=event_id)
        _rows(
            db,
            "INSERT INTO claim_links (claim_id, other_claim_id, rule, score, evidence) "
            "VALUES (:c, :o, 'same incident', 0.8, 'same place (Gao); same day')",
            c=claims[-1]["id"],
            o=claims[0]["id"],
        )
    return event_id


def test_event_shows_who_says_what(runner, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    event_id = _contested_event(runner, db, tmp_path)
    result = invoke(runner, "--db", db, "show", "--event", str(event_id))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(f"Event {event_id}: ASSAULT")
    assert "low 8, best 8, high 14" in out  # the neutral best is not the militants' boast
    assert "rule: " in out and "not a side of the event" in out
    assert "2 articles, 2 sources" in out
    assert "contested" in out and "fatalities" in out
    # The contradictions table puts the rival tolls side by side with their claimants.
    table = out.split("Who says what", 1)[1].split("Claims (", 1)[0]
    tolls = {line.split()[1]: line for line in table.splitlines() if line.startswith("fatalities")}
    assert set(tolls) == {"8", "14"}
    assert "Sahel Daily" in tolls["8"] and "Desert Wire" not in tolls["8"]
    assert "Desert Wire" in tolls["14"] and "Sahel Daily" not in tolls["14"]
    # Every claim: source and article, claimant and modality, evidence with the trigger
    # marked, and its link reason.
    claims = out.split("Claims (", 1)[1]
    num_claims = _rows(db, "SELECT num_claims FROM events_flat WHERE event_id = :e", e=event_id)
    assert claims.count("\n#") == num_claims[0]["num_claims"]
    assert "'army-side'" in claims and "'rebel-side'" in claims
    assert "(asserted)" in claims
    assert "[attacked]" in claims
    assert "killing eight soldiers" in claims and "killing fourteen soldiers" in claims
    for link in _rows(
        db,
        "SELECT l.rule, l.other_claim_id FROM claim_links l JOIN claims c ON c.id = l.claim_id "
        "WHERE c.event_id = :e",
        e=event_id,
    ):
        assert f"linked:   {link['rule']}" in claims
        if link["other_claim_id"] is not None:
            assert f"matched claim #{link['other_claim_id']}" in claims


def test_event_as_json(runner, db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    event_id = _contested_event(runner, db, tmp_path)
    result = invoke(runner, "--db", db, "show", "--event", str(event_id), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    event = data["event"]
    assert event["event_id"] == event_id
    assert (event["fatalities_low"], event["fatalities_best"], event["fatalities_high"]) == (
        8, 8, 14,
    )  # fmt: skip
    assert event["num_sources"] == 2 and event["num_reports"] == 2
    assert "fatalities" in event["contested_fields"]
    assert "best" in data["fatality_rule"]
    fatalities = {c["value"]: c for c in data["contradictions"] if c["field"] == "fatalities"}
    assert set(fatalities) == {"8", "14"}
    assert fatalities["14"]["sources"] == "Desert Wire"
    assert len(data["claims"]) == event["num_claims"]
    assert {c["article_external_id"] for c in data["claims"]} == {"army-side", "rebel-side"}
    for claim in data["claims"]:
        assert {"link_rule", "link_score", "link_evidence", "link_claim_id"} <= set(claim)
        start, end = claim["trigger_span"]
        assert claim["sentence"][start:end] == claim["trigger"]
    assert any(c["link_rule"] for c in data["claims"])


def test_unknown_event_is_one_line(runner, sqlite_db: str) -> None:  # type: ignore[no-untyped-def]
    for ref in ("999", "abc", "99999999999"):
        result = invoke(runner, "--db", sqlite_db, "show", "--event", ref)
        assert result.exit_code == 1
        assert result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr


def test_article_or_event_not_both(runner, sqlite_db: str) -> None:  # type: ignore[no-untyped-def]
    for args in ((), ("1", "--event", "1")):
        result = invoke(runner, "--db", sqlite_db, "show", *args)
        assert result.exit_code == 2
        assert "ARTICLE or --event" in result.stderr
