"""Benchmark: researchers' filtered queries on the views at scale, with their plans.

Runs each query through the program's own read-only query path
(``events.query.run_query``, what ``events query`` uses), fetching every row, and
prints the best of ``--repeat`` wall times, the row count and the engine's plan
(SQLite ``EXPLAIN QUERY PLAN``, PostgreSQL ``EXPLAIN``). Target: under 100 ms each
at 1,000,000 claims with the indexes in place.

    python bench/generate.py --db /tmp/c1m.db --articles 100000
    python bench/queries.py --db /tmp/c1m.db
    python bench/queries.py --db postgresql://postgres@127.0.0.1/bench_1m

The filter values are picked from the data before timing (untimed): the country
with the most claims and its busiest month (the worst case for that filter),
the person named in the most claims, the outlet with the most articles and the
event with the most claims. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from events.db import Database, open_database
from events.query import run_query

TARGET_MS = 100.0


@dataclass(frozen=True)
class Case:
    """One query a researcher would type."""

    name: str
    sql: str


CASES = (
    Case("claims: country + month",
         "select * from claims_flat where country = :country "
         "and date_start >= :month_start and date_start < :month_end"),
    Case("claims: actor (actor1 or actor2)",
         "select * from claims_flat where actor1 = :actor or actor2 = :actor"),
    Case("claims: type, first 1000",
         "select * from claims_flat where event_type = 'ASSAULT' limit 1000"),
    Case("claims: count by type",
         "select event_type, count(*) as n from claims_flat group by event_type"),
    Case("events: country + month",
         "select * from events_flat where country = :country "
         "and date_start >= :month_start and date_start < :month_end"),
    Case("events: actor (actor1 or actor2)",
         "select * from events_flat where actor1 = :actor or actor2 = :actor"),
    Case("events: type, first 1000",
         "select * from events_flat where event_type = 'ASSAULT' limit 1000"),
    Case("events: count by type",
         "select event_type, count(*) as n from events_flat group by event_type"),
    # The views also carry the actor ids: the indexed way to filter by actor
    # (what `events export --actor` does), and the first page of a big result.
    Case("claims: actor by id (actor1_id or actor2_id)",
         "select * from claims_flat where actor1_id = :actor_id or actor2_id = :actor_id"),
    Case("events: actor by id (actor1_id or actor2_id)",
         "select * from events_flat where actor1_id = :actor_id or actor2_id = :actor_id"),
    Case("claims: country + month, first 100",
         "select * from claims_flat where country = :country "
         "and date_start >= :month_start and date_start < :month_end limit 100"),
    Case("claims: source + type",
         "select * from claims_flat where source = :source and event_type = 'PROTEST'"),
    Case("contradictions: one event (its most-reported)",
         "select * from contradictions where event_id = :event_id"),
    # Not what researchers type: what an index can do on the base table.
    Case("rewrite: claims count by type (table)",
         "select event_type, count(*) as n from claims group by event_type"),
)  # fmt: skip


def pick_params(database: Database) -> dict[str, Any]:
    """Return the filter values: busiest country, its busiest month, top person."""
    month = "to_char(c.date_start, 'YYYY-MM')" if database.dialect == "postgresql" else (
        "substr(c.date_start, 1, 7)")  # fmt: skip
    with database.engine.connect() as conn:
        country, ym = conn.execute(text(
            f"select l.country, {month} from claims c join locations l on l.id = c.location_id "
            "where c.date_start is not null group by 1, 2 order by count(*) desc limit 1"
        )).one()  # fmt: skip
        actor = conn.execute(text(
            "select a.name from claims c join actors a on a.id = c.actor1_id "
            "where a.kind = 'person' group by a.name order by count(*) desc limit 1"
        )).scalar_one()  # fmt: skip
        actor_id = conn.execute(
            text("select min(id) from actors where name = :n"), {"n": actor}
        ).scalar_one()
        event_id = conn.execute(text(
            "select event_id from claims where event_id is not null "
            "group by event_id order by count(*) desc limit 1"
        )).scalar_one()  # fmt: skip
        source = conn.execute(text(
            "select s.name from articles a join sources s on s.id = a.source_id "
            "group by s.name order by count(*) desc limit 1"
        )).scalar_one()  # fmt: skip
    start = dt.date.fromisoformat(f"{ym}-01")
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return {"country": country, "month_start": start.isoformat(),
            "month_end": end.isoformat(), "actor": actor, "actor_id": actor_id,
            "event_id": event_id, "source": source}  # fmt: skip


def timed(database: Database, sql: str, params: dict[str, Any], repeat: int) -> tuple[float, int]:
    """Return (best wall time in ms over ``repeat`` runs, rows) fetching every row."""
    best = float("inf")
    rows = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        with run_query(database, sql, params) as result:
            rows = sum(1 for _ in result.rows)
        best = min(best, (time.perf_counter() - t0) * 1000)
    return best, rows


def plan(database: Database, sql: str, params: dict[str, Any]) -> list[str]:
    """Return the engine's plan for ``sql``, one line per step."""
    used = {k: v for k, v in params.items() if f":{k}" in sql}
    with database.engine.connect() as conn:
        if database.dialect == "sqlite":
            steps = conn.execute(text(f"EXPLAIN QUERY PLAN {sql}"), used).all()
            # (id, parent, notused, detail): indent by depth in the plan tree.
            depth: dict[int, int] = {0: -1}
            lines = []
            for id_, parent, _unused, detail in steps:
                depth[id_] = depth.get(parent, -1) + 1
                lines.append("  " * depth[id_] + detail)
            return lines
        return [row[0] for row in conn.execute(text(f"EXPLAIN {sql}"), used)]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", required=True, help="a database made by bench/generate.py")
    parser.add_argument("--repeat", type=int, default=5, help="runs per query (best is shown)")
    parser.add_argument("--no-plans", action="store_true", help="print timings only")
    args = parser.parse_args()
    database = open_database(args.db, readonly=True)
    try:
        params = pick_params(database)
        with database.engine.connect() as conn:
            claims = conn.execute(text("select count(*) from claims")).scalar_one()
        print(f"{database.dialect}: {claims:,} claims; country {params['country']}, month "
              f"{params['month_start'][:7]}, actor {params['actor']!r}")  # fmt: skip
        summary = []
        for case in CASES:
            ms, rows = timed(database, case.sql, params, args.repeat)
            flag = "" if ms <= TARGET_MS else f"  OVER {TARGET_MS:.0f} ms"
            summary.append(f"  {case.name:<36} {ms:9.1f} ms  {rows:>8,} rows{flag}")
            if not args.no_plans:
                print(f"\n{case.name}: {ms:.1f} ms, {rows:,} rows\n  {case.sql}")
                for line in plan(database, case.sql, params):
                    print(f"    {line}")
        print(f"\nbest of {args.repeat} (every row fetched):")
        print("\n".join(summary))
    finally:
        database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
