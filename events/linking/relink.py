"""Recompute the grouping of claims into events (``events relink``).

The same edges as ingest (:mod:`events.linking.resolve`), over the whole database
or the claims a filter selects, so the result does not depend on the order in
which articles were ingested:

- the claims selected (by country of their place, by date) are completed with
  every claim of their articles and of their events, so no event or article is
  cut in two by the filter;
- the edges are those within each article (:func:`article_edges`) and between
  claims of other articles in one block (type family, country) whose dates are
  within the family's window (a sweep over the block sorted by date);
- an event holding a claim pinned by a person (``event_pinned``: ``events merge``,
  ``events split``) is fixed: its claims stay where they are;
- each connected component of the other claims is one event: the event most of
  its claims were in (fixed events and events another component took excepted),
  else the fixed event it matches best, else a new event; a component of denials
  only has none. Events left without claims keep their rows, emptied
  (``num_claims`` 0, hidden by ``events_flat``);
- ``claim_links`` is rewritten for the claims concerned (a curated link is kept),
  ``link_reason`` and the summary of every event touched are recomputed.

The caller runs it in one transaction: killed midway, the old grouping stays.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from events import EXTRACTOR_VERSION
from events.dates import shift
from events.linking.incremental import update_reasons
from events.linking.resolve import (
    Edge,
    LinkFacts,
    article_edges,
    best_links,
    compare,
    load_facts,
)
from events.linking.summary import refresh_events
from events.models import Claim, ClaimLink, Event, Location

_EVENTS = cast(Table, Event.__table__)
_CLAIMS = cast(Table, Claim.__table__)
_LINKS = cast(Table, ClaimLink.__table__)


@dataclass
class RelinkResult:
    claims: int
    events_before: int
    events_after: int
    links: int


def select_claims(
    session: Session,
    country: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> set[int]:
    """Return the ids of the claims the filter selects, completed by article and event."""
    stmt = select(Claim.id)
    if country is not None:
        stmt = stmt.join(Location, Location.id == Claim.location_id).where(
            Location.country == country
        )
    if since is not None:
        stmt = stmt.where(or_(Claim.date_end >= since, Claim.date_start >= since))
    if until is not None:
        stmt = stmt.where(Claim.date_start <= until)
    ids = set(session.execute(stmt).scalars())
    if country is None and since is None and until is None:
        return ids
    frontier = set(ids)
    while frontier:
        chunk_ids = sorted(frontier)
        found: set[int] = set()
        for start in range(0, len(chunk_ids), 500):
            chunk = chunk_ids[start : start + 500]
            articles = select(Claim.article_id).where(Claim.id.in_(chunk))
            events = select(Claim.event_id).where(Claim.id.in_(chunk), Claim.event_id.is_not(None))
            found |= set(
                session.execute(
                    select(Claim.id).where(
                        or_(Claim.article_id.in_(articles), Claim.event_id.in_(events))
                    )
                ).scalars()
            )
        frontier = found - ids
        ids |= found
    return ids


def graph_edges(claims: Sequence[LinkFacts]) -> list[Edge]:
    """Return every edge among ``claims``: within articles, then within blocks."""
    by_article: dict[int, list[LinkFacts]] = {}
    blocks: dict[tuple[str, str], list[LinkFacts]] = {}
    for c in claims:
        by_article.setdefault(c.article_id, []).append(c)
        if c.status != "rejected" and c.placed and c.dated:
            blocks.setdefault((c.family.family, cast(str, c.country)), []).append(c)
    edges: list[Edge] = []
    for article in sorted(by_article):
        edges.extend(article_edges(by_article[article]))
    for key in sorted(blocks):
        block = sorted(blocks[key], key=lambda c: (c.date_start, c.id))
        window = max(c.family.window_days for c in block)
        for i, x in enumerate(block):
            reach = shift(cast(dt.date, x.end), window)
            for y in block[i + 1 :]:
                if cast(dt.date, y.date_start) > reach:
                    break
                if y.article_id == x.article_id:
                    continue
                decision = compare(x, y)
                if decision.link:
                    edges.append(Edge(min(x.id, y.id), max(x.id, y.id), decision))
    return edges


def _components(ids: Sequence[int], edges: Sequence[Edge]) -> list[list[int]]:
    parent = {i: i for i in ids}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for e in edges:
        ra, rb = find(e.a), find(e.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for i in ids:
        groups.setdefault(find(i), []).append(i)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def relink(
    session: Session,
    country: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> RelinkResult:
    """Regroup the claims the filter selects into events (see the module doc)."""
    ids = select_claims(session, country, since, until)
    all_facts = load_facts(session, ids)
    facts = {f.id: f for f in all_facts}
    live = [f for f in all_facts if f.status != "rejected"]
    before = {f.event_id for f in live if f.event_id is not None}
    edges = graph_edges(live)
    # Claims of an event holding a pinned claim are fixed (see the module doc).
    pinned_events = {f.event_id for f in live if f.event_pinned and f.event_id is not None}
    fixed = {f.id for f in live if f.event_id in pinned_events}
    free = [f.id for f in live if f.id not in fixed]
    pulls: dict[int, list[tuple[float, int]]] = {}
    for e in edges:
        if e.a in fixed and e.b not in fixed:
            pulls.setdefault(e.b, []).append((e.decision.score, -cast(int, facts[e.a].event_id)))
        elif e.b in fixed and e.a not in fixed:
            pulls.setdefault(e.a, []).append((e.decision.score, -cast(int, facts[e.b].event_id)))
    free_edges = [e for e in edges if e.a not in fixed and e.b not in fixed]
    assign: dict[int, int | None] = {}
    taken = set(pinned_events)
    planned: list[list[int]] = []  # components that need a new event
    for part in _components(free, free_edges):
        votes = Counter(facts[i].event_id for i in part if facts[i].event_id is not None)
        ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
        event = next((e for e, _ in ranked if e not in taken), None)
        part_pulls = [p for i in part for p in pulls.get(i, [])]
        if event is None and part_pulls:
            event = -max(part_pulls)[1]
        elif event is None and any(facts[i].makes_event for i in part):
            planned.append(part)
            continue
        if event is not None:
            taken.add(event)
        assign.update(dict.fromkeys(part, event))
    for part in planned:
        lead = facts[min(i for i in part if facts[i].makes_event)]
        event = session.execute(
            insert(_EVENTS).returning(_EVENTS.c.id),
            {"event_type": lead.event_type, "date_precision": "unknown", "status": "auto",
             "extractor_version": EXTRACTOR_VERSION},
        ).scalar_one()  # fmt: skip
        assign.update(dict.fromkeys(part, event))
    changes = [{"row_id": i, "new_event": e} for i, e in sorted(assign.items())
               if facts[i].event_id != e]  # fmt: skip
    for start in range(0, len(changes), 1000):
        session.execute(
            update(_CLAIMS).where(_CLAIMS.c.id == bindparam("row_id"))
            .values(event_id=bindparam("new_event")),
            changes[start : start + 1000],
        )  # fmt: skip
    links = _rewrite_links(session, sorted(set(ids) - fixed), edges)
    after = {e for e in assign.values() if e is not None}
    touched = before | after
    if country is None and since is None and until is None:
        # Over the whole database, also empty the events no claim points to any more.
        touched |= set(session.execute(select(Event.id).where(Event.num_claims > 0)).scalars())
        before_all = touched - after
    else:
        before_all = before - after
    update_reasons(session, after)
    emptied = sorted(before_all)
    if emptied:
        session.execute(
            update(_EVENTS).where(_EVENTS.c.id.in_(emptied)).values(link_reason="relinked away")
        )
    refresh_events(session, touched)
    return RelinkResult(len(live), len(before), len(after), links)


def _rewrite_links(session: Session, ids: list[int], edges: Sequence[Edge]) -> int:
    """Replace the automatic ``claim_links`` rows of ``ids`` by each claim's best edge."""
    curated: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        curated |= set(
            session.execute(
                select(ClaimLink.claim_id).where(
                    ClaimLink.claim_id.in_(chunk), ClaimLink.rule == "curated"
                )
            ).scalars()
        )
        session.execute(
            delete(_LINKS).where(and_(_LINKS.c.claim_id.in_(chunk), _LINKS.c.rule != "curated"))
        )
    rows: list[dict[str, Any]] = []
    wanted = set(ids)
    for claim_id, (other, decision) in sorted(best_links(edges).items()):
        if claim_id in wanted and claim_id not in curated:
            rows.append({"claim_id": claim_id, "other_claim_id": other,
                         "rule": decision.rule[:64], "score": decision.score,
                         "evidence": decision.evidence})  # fmt: skip
    for start in range(0, len(rows), 1000):
        session.execute(insert(_LINKS), rows[start : start + 1000])
    return len(rows)
