"""Link the claims of one new article during ingest, with candidate blocking.

The claims of the article are compared with each other (:func:`article_edges`)
and with the stored claims of the same block: the same type family and country
(``ix_events_block`` on events: ``type_family``, ``country``, ``date_start``) and
dates within the family's window (plus a margin: an event's coded date is one of
its claims' dates). Only that block is read, so the cost per article stays flat
as the database grows.

Events are the connected components of the claim-claim edges: a new claim that
matches claims of two events merges them (the lower id stays; the other, made by
the machine and now empty, is deleted, as relink and reextract delete the machine's
empty events). An event holding a
claim pinned there by a person (``events merge``/``split``) is fixed: its claims
never move, and new claims join it only when they match no other event (then the
fixed event they match best). As edges depend only
on the two claims (and their article), any ingest order gives the grouping
``events relink`` computes.

Concurrent writers: on PostgreSQL, :func:`link_article` takes a transaction-level
advisory lock per blocking key (sorted, so two writers cannot deadlock) before it
reads the candidates; the lock is held until the article's transaction commits,
so a writer linking into the same block waits and then sees the other's claims.
SQLite write transactions are ``BEGIN IMMEDIATE`` (one writer at a time).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, insert, select, text, union_all, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from events import EXTRACTOR_VERSION
from events.dates import shift
from events.lexicon import type_families
from events.linking.direct import run
from events.linking.resolve import (
    FACTS_QUERY,
    Decision,
    Edge,
    LinkFacts,
    article_edges,
    best_links,
    cross_edges,
    facts_of,
    link_reason,
    load_facts,
)
from events.linking.summary import ClaimFacts, connection_of, family_of, refresh_events
from events.models import Claim, ClaimLink, Event, Location

#: Days added around the new claims' dates when looking up events by their coded date.
BLOCK_MARGIN_DAYS = 14

_EVENTS = cast(Table, Event.__table__)
_CLAIMS = cast(Table, Claim.__table__)
_LINKS = cast(Table, ClaimLink.__table__)


def lock_key(family: str, country: str) -> int:
    """Return the advisory lock id of a blocking key (a signed 64-bit integer)."""
    digest = hashlib.sha1(f"events-link|{family}|{country}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def family_types(family: str) -> list[str]:
    types = [t for t, f in type_families().items() if f.family == family]
    return types or [family.upper()]


def _window(claims: Sequence[LinkFacts], days: int) -> tuple[dt.date, dt.date]:
    lo = min(cast(dt.date, c.date_start) for c in claims)
    hi = max(cast(dt.date, c.end) for c in claims)
    return shift(lo, -days), shift(hi, days)


def block_candidates(
    session: Session | Connection, family: str, country: str, claims: Sequence[LinkFacts]
) -> list[LinkFacts]:
    """Return the stored claims that may match ``claims`` (all of one blocking key)."""
    window = family_of(claims[0].event_type).window_days
    wide_lo, wide_hi = _window(claims, window + BLOCK_MARGIN_DAYS)
    lo, hi = _window(claims, window)
    params = {"family": family, "country": country, "wide_lo": wide_lo, "wide_hi": wide_hi,
              "lo": lo, "hi": hi, "types": family_types(family)}  # fmt: skip
    out = {f.id: f for f in facts_of(run(connection_of(session), _BLOCK, params))}
    return [out[k] for k in sorted(out)]


# The statements of the hot path are built once (building one per call cost more than
# running it); the values are bound at each call.
_IN_EVENTS = FACTS_QUERY.join(Event, Event.id == Claim.event_id).where(
    Event.type_family == bindparam("family"),
    Event.country == bindparam("country"),
    Event.date_start.between(bindparam("wide_lo"), bindparam("wide_hi")),  # ix_events_block
    Event.date_last >= bindparam("lo"),  # the event's claims' dates reach the window
    Event.date_first <= bindparam("hi"),
)
# Claims without an event (denials nobody confirmed): found by their own date.
# coalesce() keeps the planner on the date index rather than event_id.
_LOOSE = FACTS_QUERY.where(
    func.coalesce(Claim.event_id, 0) == 0,
    Claim.date_start.between(bindparam("lo"), bindparam("hi")),
    Claim.event_type.in_(bindparam("types", expanding=True)),
    Location.country == bindparam("country"),
)
# Both in one statement (a claim is in one or the other).
_BLOCK = union_all(_IN_EVENTS, _LOOSE)
_IDS: Any = bindparam("ids", expanding=True)
_STORED_LINKS = select(
    ClaimLink.claim_id, ClaimLink.other_claim_id, ClaimLink.rule, ClaimLink.score
).where(ClaimLink.claim_id.in_(_IDS))
_EVENT_RULES = (
    select(Claim.event_id, ClaimLink.rule)
    .outerjoin(ClaimLink, ClaimLink.claim_id == Claim.id)
    .where(Claim.event_id.in_(_IDS), Claim.status != "rejected")
)
_SET_REASON = (
    update(_EVENTS).where(_EVENTS.c.id == bindparam("row_id"))
    .values(link_reason=bindparam("reason"))
)  # fmt: skip
_SET_EVENT = (
    update(_CLAIMS).where(_CLAIMS.c.id == bindparam("row_id"))
    .values(event_id=bindparam("new_event"))
)  # fmt: skip
_NEW_EVENT = insert(_EVENTS).returning(_EVENTS.c.id)
_INSERT_LINKS = insert(_LINKS)
_LOCK = text("SELECT pg_advisory_xact_lock(:k)")


def document_blocks(claims: Iterable[Any]) -> set[tuple[str, str]]:
    """Return the blocking keys the claims of an extracted document will lock.

    A superset of what :func:`link_article` locks for them (it locks only placed and
    dated claims): ingest takes these for a whole batch of articles at the start of
    its transaction, in one sorted order, so that two writers of overlapping
    batches queue instead of deadlocking on each other's earlier articles.
    """
    from events.linking.summary import family_of

    return {
        (family_of(c.event_type).family, c.place.country)
        for c in claims
        if c.place is not None and c.place.country
    }


def lock_blocks(session: Session, keys: Iterable[tuple[str, str]]) -> None:
    """Take the advisory locks of ``keys`` (PostgreSQL; sorted; held until commit)."""
    _lock(session, keys)


def _lock(session: Session | Connection, keys: Iterable[tuple[str, str]]) -> None:
    if connection_of(session).dialect.name != "postgresql":
        return  # SQLite: the write transaction already excludes other writers
    conn = connection_of(session)
    for key in sorted({lock_key(f, c) for f, c in keys}):
        conn.execute(_LOCK, {"k": key})


class _Groups:
    """Union-find over nodes: ('c', claim id) or ('e', event id)."""

    def __init__(self) -> None:
        self.parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(self, x: tuple[str, int]) -> tuple[str, int]:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, x: tuple[str, int], y: tuple[str, int]) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            self.parent[max(rx, ry)] = min(rx, ry)

    def members(self) -> dict[tuple[str, int], list[tuple[str, int]]]:
        out: dict[tuple[str, int], list[tuple[str, int]]] = {}
        for x in list(self.parent):
            out.setdefault(self.find(x), []).append(x)
        return out


def link_article(session: Session, claim_ids: Sequence[int]) -> tuple[int, int]:
    """Link the just-inserted claims ``claim_ids`` of one article; set their events.

    Returns (new events, claims linked to another claim).
    """
    conn = connection_of(session)  # the statements below run on it (see connection_of)
    new = load_facts(conn, claim_ids)
    if not new:
        return 0, 0
    edges = article_edges(new)
    blocks: dict[tuple[str, str], list[LinkFacts]] = {}
    for c in new:
        if c.status != "rejected" and c.placed and c.dated:
            blocks.setdefault((c.family.family, cast(str, c.country)), []).append(c)
    _lock(conn, blocks)
    known: dict[int, LinkFacts] = {c.id: c for c in new}
    new_ids = set(known)
    for (family, country), members in sorted(blocks.items()):
        candidates = [
            f for f in block_candidates(conn, family, country, members) if f.id not in new_ids
        ]
        found = cross_edges(members, candidates)
        for f in candidates:
            known.setdefault(f.id, f)
        edges.extend(found)
    return _apply(conn, new, known, edges)


def _node(f: LinkFacts, new_ids: set[int], fixed: set[int]) -> tuple[str, int] | None:
    """Return the union-find node of a claim, None for a claim fixed in a curated event."""
    if f.id in new_ids or f.event_id is None:
        return ("c", f.id)
    if f.event_id in fixed:
        return None
    return ("e", f.event_id)


def _apply(
    session: Connection, new: list[LinkFacts], known: dict[int, LinkFacts], edges: list[Edge]
) -> tuple[int, int]:
    new_ids = {c.id for c in new}
    # Events holding a claim a person pinned are fixed: their claims do not move, and
    # new claims that match them join them only if they match no other event.
    fixed = {f.event_id for f in known.values() if f.event_pinned and f.event_id is not None}
    groups = _Groups()
    for c in new:
        groups.find(("c", c.id))
    attract: dict[tuple[str, int], list[tuple[float, int]]] = {}
    for e in edges:
        fa, fb = known[e.a], known[e.b]
        na, nb = _node(fa, new_ids, fixed), _node(fb, new_ids, fixed)
        if na is not None and nb is not None:
            groups.union(na, nb)
        elif na is not None:
            attract.setdefault(na, []).append((e.decision.score, -cast(int, fb.event_id)))
        elif nb is not None:
            attract.setdefault(nb, []).append((e.decision.score, -cast(int, fa.event_id)))
    assign: dict[int, int] = {}  # claim id -> event id
    merged: dict[int, int] = {}  # event merged away -> target
    touched: set[int] = set()
    new_events = 0
    for nodes in groups.members().values():
        claims = [known[i] for kind, i in nodes if kind == "c"]
        if not any(c.id in new_ids for c in claims):
            continue
        events = sorted(i for kind, i in nodes if kind == "e")
        pulls = [p for n in nodes for p in attract.get(n, [])]
        target: int | None
        if events:
            target = events[0]
            for ev in events[1:]:
                merged[ev] = target
        elif pulls:
            target = -max(pulls)[1]
        elif any(c.makes_event for c in claims):
            lead = min((c for c in claims if c.makes_event), key=lambda c: c.id)
            target = run(
                session,
                _NEW_EVENT,
                {"event_type": lead.event_type, "date_precision": "unknown", "status": "auto",
                 "extractor_version": EXTRACTOR_VERSION, "link_reason": "first claim"},
            )[0][0]  # fmt: skip
            new_events += 1
        else:
            target = None  # only denials: no event of their own
        if target is not None:
            touched.add(target)
            for c in claims:
                assign[c.id] = target
    if merged:
        for old, target in sorted(merged.items()):
            session.execute(
                update(_CLAIMS).where(_CLAIMS.c.event_id == old).values(event_id=target)
            )
            session.execute(delete(_EVENTS).where(_EVENTS.c.id == old))
    if assign:
        run(
            session,
            _SET_EVENT,
            [{"row_id": c, "new_event": e} for c, e in sorted(assign.items())],
        )  # fmt: skip
    write_links(
        session, edges, keep={f.id for f in known.values() if f.event_id in fixed}, fresh=new_ids
    )
    refresh_events(session, touched, reason=_reason)
    linked = len({i for e in edges for i in (e.a, e.b)} & new_ids)
    return new_events, linked


def write_links(
    session: Session | Connection,
    edges: Iterable[Edge],
    keep: set[int] | None = None,
    fresh: set[int] | None = None,
) -> None:
    """Store each claim's best link among ``edges`` unless it has a better or a curated one
    (or is in ``keep``: a claim of a curated event). Claims in ``fresh`` (inserted in
    this transaction) have no stored link: it is not looked up."""
    best = {k: v for k, v in best_links(edges).items() if k not in (keep or set())}
    if not best:
        return
    conn = connection_of(session)
    stored: dict[int, tuple[int | None, str, float | None]] = {}
    ids = sorted(k for k in best if k not in (fresh or set()))
    for start in range(0, len(ids), 500):
        rows = run(conn, _STORED_LINKS, {"ids": ids[start : start + 500]})
        stored.update({c: (o, r, s) for c, o, r, s in rows})
    replace: list[int] = []
    rows_out: list[dict[str, Any]] = []
    for claim_id, (other, decision) in sorted(best.items()):
        old = stored.get(claim_id)
        if old is not None:
            old_other, old_rule, old_score = old
            if old_rule == "curated" or (-(old_score or 0.0), old_other or 0) <= (
                -decision.score,
                other,
            ):
                continue
            replace.append(claim_id)
        rows_out.append(link_row(claim_id, other, decision))
    if replace:
        conn.execute(delete(_LINKS).where(_LINKS.c.claim_id.in_(replace)))
    if rows_out:
        run(conn, _INSERT_LINKS, rows_out)


def link_row(claim_id: int, other: int, decision: Decision) -> dict[str, Any]:
    return {"claim_id": claim_id, "other_claim_id": other, "rule": decision.rule[:64],
            "score": decision.score, "evidence": decision.evidence}  # fmt: skip


def _reason(claims: Sequence[ClaimFacts]) -> str:
    """Return the ``link_reason`` of an event from its live claims' link rules (as
    :func:`update_reasons` reads them)."""
    return link_reason([c.link_rule for c in claims if c.link_rule is not None], len(claims))


def update_reasons(session: Session | Connection, event_ids: Iterable[int]) -> None:
    """Set ``events.link_reason`` of ``event_ids`` from their claims' link rules."""
    ids = sorted(set(event_ids))
    if not ids:
        return
    conn = connection_of(session)
    rules: dict[int, list[str]] = {i: [] for i in ids}
    sizes: dict[int, int] = dict.fromkeys(ids, 0)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        # event_id is never NULL here
        for event_id, rule in run(conn, _EVENT_RULES, {"ids": chunk}):
            sizes[cast(int, event_id)] += 1
            if rule is not None:
                rules[cast(int, event_id)].append(rule)
    run(
        conn,
        _SET_REASON,
        [{"row_id": i, "reason": link_reason(rules[i], sizes[i])} for i in ids],
    )  # fmt: skip
