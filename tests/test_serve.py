"""``events serve``: the Datasette pages a researcher opens, on a database built by ingest.

The two reports below (our own words, invented) describe one attack and disagree on its
toll: 12 dead says the army, 31 say local officials. Served pages are requested through
Datasette's own test client; when Chromium is on PATH one test loads the event page in a
headless browser through a real ``events serve``.
"""

from __future__ import annotations

import asyncio
import html
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from events.views import VIEWS, describe_column
from tests.conftest import PG_SKIP, PG_URL, invoke

REPORTS = [
    {
        "id": "sahel-monitor-0312",
        "title": "Gunmen kill villagers near Mopti",
        "published": "2024-03-12",
        "source": "Sahel Monitor",
        "url": "https://sahel-monitor.example/mopti-attack",
        "text": "MOPTI, March 12 (Sahel Monitor) - Gunmen attacked the village of Ogossagou "
        "near Mopti on Monday, killing 12 civilians, the Malian army said in a statement. "
        "The army said soldiers were sent to the area.",
    },
    {
        "id": "bamako-daily-0313",
        "title": "Dozens dead in Mopti village attack, local officials say",
        "published": "2024-03-13",
        "source": "Bamako Daily",
        "text": "MOPTI, March 13 (Bamako Daily) - Local officials said 31 civilians were "
        "killed when gunmen attacked the village of Ogossagou near Mopti on Monday. "
        "A regional official said the toll could rise.",
    },
]

NEEDS_WEB = "the web extra is not installed (pip install -e '.[web]'); .ci/run installs it"


def ingest_reports(db_arg: str, tmp_path: Path, reports: list[dict[str, str]] = REPORTS) -> None:
    """Store ``reports`` through the real ingest command."""
    from click.testing import CliRunner

    path = tmp_path / f"reports-{len(reports)}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in reports), encoding="utf-8")
    result = invoke(CliRunner(), "--db", db_arg, "ingest", str(path))
    assert result.exit_code == 0, result.output


def fold_wal(path: str | Path) -> None:
    """Move the write-ahead log into the file (as a finished ingest leaves it, eventually)."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def rows(path: str | Path, sql: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def contested_db(sqlite_db: str, tmp_path: Path) -> str:
    ingest_reports(sqlite_db, tmp_path)
    fold_wal(sqlite_db)
    return sqlite_db


def contested_event(path: str | Path) -> int:
    found = rows(path, "SELECT event_id FROM events_flat WHERE contested = 1")
    assert found, "the two reports should make one contested event"
    return int(found[0][0])


def get(path: str | Path, *urls: str) -> list[Any]:
    """Request ``urls`` from a Datasette built as ``events serve`` builds it."""
    pytest.importorskip("datasette", reason=NEEDS_WEB)
    pytest.importorskip("datasette_cluster_map", reason=NEEDS_WEB)
    from events.web.app import make_datasette

    ds = make_datasette(Path(path))

    async def fetch() -> list[Any]:
        return [await ds.client.get(url) for url in urls]

    return asyncio.run(fetch())


# --- the column contract's descriptions (no Datasette needed) ------------------------


def test_every_view_column_has_a_description() -> None:
    missing = [f"{v}.{c}" for v, cols in VIEWS.items() for c in cols if not describe_column(v, c)]
    assert missing == []


def test_metadata_describes_every_view_column_from_the_contract() -> None:
    from events.web.metadata import build_metadata

    tables = build_metadata("x.db")["databases"]["events"]["tables"]
    for view, columns in VIEWS.items():
        assert list(tables[view]["columns"]) == list(columns)
        assert tables[view]["columns"]["event_id"] == describe_column(view, "event_id")
    assert "country" in tables["events_flat"]["facets"]
    assert {"modality", "source", "claimant"} <= set(tables["claims_flat"]["facets"])


def test_serve_without_the_extra_says_how_to_install(runner, sqlite_db, monkeypatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "datasette" else real(name, *a),
    )
    result = invoke(runner, "--db", sqlite_db, "serve")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        'Error: the web interface needs Datasette: pip install "conflict-events[web]"'
    )


@pytest.mark.skipif(not PG_URL, reason=PG_SKIP)
def test_serve_a_postgresql_url_points_to_snapshot(runner) -> None:
    pytest.importorskip("datasette", reason=NEEDS_WEB)
    result = invoke(runner, "--db", PG_URL or "", "serve")
    assert result.exit_code == 1
    assert "events snapshot OUT.db" in result.stderr
    assert "Traceback" not in result.output


def test_serve_a_missing_file_is_one_line(runner, tmp_path) -> None:
    pytest.importorskip("datasette", reason=NEEDS_WEB)
    result = invoke(runner, "--db", str(tmp_path / "none.db"), "serve")
    assert result.exit_code == 1
    assert "does not exist" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_serve_an_older_schema_says_how_to_upgrade(runner, sqlite_db) -> None:
    pytest.importorskip("datasette", reason=NEEDS_WEB)
    assert invoke(runner, "--db", sqlite_db, "db", "downgrade", "--yes", "--", "-1").exit_code == 0
    result = invoke(runner, "--db", sqlite_db, "serve")
    assert result.exit_code == 1
    assert "run `events db upgrade`" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_serve_a_busy_port_is_one_line(runner, contested_db) -> None:
    pytest.importorskip("datasette", reason=NEEDS_WEB)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = invoke(runner, "--db", contested_db, "serve", "--port", str(port))
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr


def test_a_database_with_rows_in_its_log_is_not_served_immutable(sqlite_db, tmp_path) -> None:
    pytest.importorskip("datasette", reason=NEEDS_WEB)
    from events.web.app import choose_mode

    con = sqlite3.connect(sqlite_db)  # a writer that has not checkpointed
    con.execute("PRAGMA wal_autocheckpoint = 0")
    con.execute("INSERT INTO sources (name) VALUES ('Late Wire')")
    con.commit()
    try:
        assert not choose_mode(Path(sqlite_db)).immutable
        fold_wal(sqlite_db)
    finally:
        con.close()
    assert choose_mode(Path(sqlite_db)).immutable
    assert not choose_mode(Path(sqlite_db), live=True).immutable


# --- served pages ---------------------------------------------------------------------


def test_views_and_canned_queries_return_their_rows(contested_db) -> None:
    event = contested_event(contested_db)
    claims = rows(contested_db, f"SELECT claim_id FROM claims_flat WHERE event_id = {event}")
    pages = get(
        contested_db,
        "/events/events_flat.json?_shape=objects&contested=1",
        f"/events/claims_flat.json?_shape=objects&event_id={event}",
        "/events/contradictions.json?_shape=objects&field=fatalities",
        "/events/events_by_country_month.json?_shape=objects&country=MLI",
        "/events/contested_events.json?_shape=objects&field=fatalities",
        "/events/claims_by_claimant.json?_shape=objects&claimant=Sahel",
        "/events/actor_events.json?_shape=objects&actor=civilian",
        "/events/map.json?_shape=objects&country=mli",
    )
    assert all(p.status_code == 200 for p in pages), [p.status_code for p in pages]
    data = [p.json()["rows"] for p in pages]
    assert [r["event_id"] for r in data[0]] == [event]
    assert sorted(r["claim_id"] for r in data[1]) == sorted(c[0] for c in claims)
    values = {r["value"] for r in data[2]}
    assert {"12", "31"} <= {v.split("-")[0] for v in values} | values
    assert data[3] and data[3][0]["country"] == "MLI" and data[3][0]["month"] == "2024-03"
    assert {r["event_id"] for r in data[4]} == {event}
    assert data[5] and all(r["source"] == "Sahel Monitor" for r in data[5])
    assert event in {r["event_id"] for r in data[6]}
    assert data[7] and all(r["latitude"] is not None for r in data[7])
    popup = json.loads(next(r for r in data[7] if r["event_id"] == event)["popup"])
    assert popup["link"] == f"/events/event?event_id={event}"


def test_event_page_shows_every_claim_side_by_side(contested_db) -> None:
    event = contested_event(contested_db)
    claims = rows(
        contested_db,
        "SELECT claim_id, sentence, trigger, fatalities_best, article_id, modality "
        f"FROM claims_flat WHERE event_id = {event}",
    )
    (page,) = get(contested_db, f"/events/event?event_id={event}")
    assert page.status_code == 200
    text = page.text
    assert f"Event {event}:" in text and "Contested: the claims disagree on" in text
    assert text.count('<section class="claim"') == len(claims) >= 2
    for claim_id, sentence, trigger, _best, article_id, modality in claims:
        section = text.split(f'id="claim-{claim_id}"', 1)[1].split("</section>", 1)[0]
        assert f'<mark class="trigger">{html.escape(trigger)}</mark>' in section
        evidence = section.split('<blockquote class="evidence">', 1)[1].split("</blockquote>")[0]
        unmarked = evidence.replace('<mark class="trigger">', "").replace("</mark>", "")
        assert html.unescape(unmarked) == sentence
        assert f"/events/article?article_id={article_id}#claim-{claim_id}" in section
        assert modality in section
    shown = re.findall(r'<dd class="figures[^"]*">([^<]*)</dd>', text)
    assert sorted(shown) == sorted(figures_of(contested_db, event))
    assert any("12" in f for f in shown) and any("31" in f for f in shown)


def test_event_ids_link_to_the_event_page_everywhere(contested_db) -> None:
    event = contested_event(contested_db)
    pages = get(
        contested_db,
        "/events/events_flat",
        "/events/claims_flat",
        "/events/contradictions",
        "/events/contested_events",
    )
    link = f'<a href="/events/event?event_id={event}">{event}</a>'
    for page in pages:
        assert page.status_code == 200
        assert link in page.text


def test_tables_carry_descriptions_facets_and_licence(contested_db) -> None:
    (page, front) = get(contested_db, "/events/events_flat", "/events")
    described = describe_column("events_flat", "num_reports")
    assert f'data-column-description="{described}"' in page.text
    for facet in ("country", "event_type", "acled_event_type"):  # facets shown by default
        assert f'id="facet-{facet}"' in page.text
    assert "MLI" in page.text
    assert "Data license:" in front.text
    for query in ("events_by_country_month", "contested_events", "claims_by_claimant",
                  "actor_events", "map", "event"):  # fmt: skip
        assert f'href="/events/{query}"' in front.text


def test_article_page_marks_the_evidence(contested_db) -> None:
    article, claim = rows(
        contested_db, "SELECT article_id, claim_id FROM claims_flat WHERE section = 'body' LIMIT 1"
    )[0]
    (page,) = get(contested_db, f"/events/article?article_id={article}")
    assert page.status_code == 200
    assert f'<mark class="evidence" id="claim-{claim}">' in page.text


def test_the_map_plugin_is_on_the_event_table(contested_db) -> None:
    (page,) = get(contested_db, "/events/events_flat")
    assert "datasette-cluster-map" in page.text


# --- a real server and a headless browser --------------------------------------------


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_event_page_in_a_headless_browser(contested_db) -> None:
    pytest.importorskip("datasette", reason=NEEDS_WEB)
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not on PATH (apt-get install chromium; .ci/run tries to)")
    event = contested_event(contested_db)
    sentences = [
        r[0]
        for r in rows(contested_db, f"SELECT sentence FROM claims_flat WHERE event_id = {event}")
    ]
    port = _free_port()
    events_cmd = [
        sys.executable,
        "-m",
        "events",
        "--db",
        contested_db,
        "serve",
        "--port",
        str(port),
    ]
    server = subprocess.Popen(events_cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/events/event?event_id={event}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"events serve stopped: {server.stderr.read().decode()}")
                time.sleep(0.1)
        args = [browser, "--headless", "--disable-gpu", "--dump-dom", url]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")
        dom = subprocess.run(args, capture_output=True, text=True, timeout=90).stdout
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert 'class="trigger"' in dom
    plain = html.unescape(dom).replace('<mark class="trigger">', "").replace("</mark>", "")
    for sentence in sentences:
        assert sentence in plain
    shown = re.findall(r'<dd class="figures[^"]*">([^<]*)</dd>', dom)
    assert sorted(shown) == sorted(figures_of(contested_db, event))
    assert any("12" in f for f in shown) and any("31" in f for f in shown)


def figures_of(path: str | Path, event: int) -> list[str]:
    """The toll each claim of the event gives, as the event page writes it."""
    from events.web.plugin import figures

    return [
        figures(*r)
        for r in rows(
            path,
            "SELECT fatalities_low, fatalities_best, fatalities_high FROM claims_flat "
            f"WHERE event_id = {event}",
        )
    ]
