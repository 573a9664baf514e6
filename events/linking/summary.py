"""Keep each event's coded fields and summary columns true to its claims.

An event is what its claims say. After any change of membership (ingest, relink,
merge, split, reject, a corrected field) :func:`refresh_events` recomputes, for the
events touched, in one pass over their claims:

- the coded fields (type, date, place, actors) from the claims that describe the
  event most firmly: asserted before alleged, the report's main event first, then
  the finer date and the more precise place, then the most frequent value;
- the fatalities (see :func:`fatality_range`);
- the counts ``num_claims``, ``num_articles``, ``num_sources`` and ``num_reports``
  (independent reports: a syndicated copy counts as the article it copies, and
  the outlet that republished it adds no source, see :func:`report_sources`),
  ``first_reported``, the claims' date range and places;
- ``contested`` and ``contested_fields``: the fields on which the claims disagree,
  exactly as the ``contradictions`` view lists them;
- the blocking key (``type_family``, ``country``) and the event's actors.

Rejected claims do not count. An event left without claims keeps its row (its id
may be cited in notes or edits) with ``num_claims = 0``; ``events_flat`` hides it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, aliased

from events.lexicon import TypeFamily, type_families
from events.linking.direct import run
from events.models import (
    Actor,
    Article,
    Claim,
    ClaimActor,
    ClaimLink,
    Event,
    EventActor,
    Location,
)

_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3, "unknown": 4}
_GEO_RANK = {"point": 0, "admin2": 1, "admin1": 2, "country": 3, "region": 4, "unknown": 5}
_MODALITY_RANK = {"asserted": 0, "alleged": 1, "conditional": 2, "predicted": 3, "denied": 4}
#: Modalities whose figures and fields describe what happened (a denial or a
#: prediction does not set the toll).
FIRM = frozenset({"asserted", "alleged"})

#: Fields compared for ``contested``, as the ``contradictions`` view names them.
CONTESTED_FIELDS = ("event_type", "date", "location", "actor1", "actor2", "fatalities", "modality")


def family_of(event_type: str | None) -> TypeFamily:
    """Return the family of a PLOVER type (``seeds/type_families.tsv``; a type not listed
    is a family of its own)."""
    families = type_families()
    if event_type and event_type in families:
        return families[event_type]
    name = (event_type or "unknown").lower()
    return TypeFamily(event_type or "", name, 0, False)


@dataclass
class ClaimFacts:
    """What the summary needs to know about one claim."""

    id: int
    event_id: int | None
    article_id: int
    source_id: int | None
    copy_of_id: int | None
    published: dt.date | None
    event_type: str
    event_mode: str | None
    date_start: dt.date | None
    date_end: dt.date | None
    date_precision: str
    location_id: int | None
    location_name: str | None
    location_country: str | None
    geo_precision: str | None
    actor1_id: int | None
    actor2_id: int | None
    claimant_id: int | None
    modality: str
    negated: bool
    is_main: bool
    confidence: float
    fatalities_low: int | None
    fatalities_best: int | None
    fatalities_high: int | None
    status: str
    actor1_name: str | None = None
    actor2_name: str | None = None
    link_rule: str | None = None  # the rule of the claim's stored link (claim_links), if any

    @property
    def firm(self) -> bool:
        return self.modality in FIRM and not self.negated

    @property
    def party(self) -> bool:
        """Whether the claimant is one of the claim's own sides (its figures are a party's)."""
        return self.claimant_id is not None and self.claimant_id in (self.actor1_id, self.actor2_id)

    @property
    def fatality_value(self) -> str | None:
        """The claimed toll as the ``contradictions`` view renders it."""
        low, high = self.fatalities_low, self.fatalities_high
        if low is not None and high is not None and low != high:
            return f"{low}-{high}"
        value = self.fatalities_best if self.fatalities_best is not None else low
        return None if value is None else str(value)


_LOC = aliased(Location)
_ACTOR1 = aliased(Actor)
_ACTOR2 = aliased(Actor)
_FACTS = (
    select(
        Claim.id, Claim.event_id, Claim.article_id, Article.source_id, Article.copy_of_id,
        Article.published, Claim.event_type, Claim.event_mode, Claim.date_start, Claim.date_end,
        Claim.date_precision, Claim.location_id, _LOC.name.label("location_name"),
        _LOC.country.label("location_country"), _LOC.precision.label("geo_precision"),
        Claim.actor1_id, Claim.actor2_id, Claim.claimant_id, Claim.modality, Claim.negated,
        Claim.is_main, Claim.confidence, Claim.fatalities_low, Claim.fatalities_best,
        Claim.fatalities_high, Claim.status, _ACTOR1.name.label("actor1_name"),
        _ACTOR2.name.label("actor2_name"), ClaimLink.rule.label("link_rule"),
    )
    .join(Article, Article.id == Claim.article_id)
    .outerjoin(_LOC, _LOC.id == Claim.location_id)
    .outerjoin(_ACTOR1, _ACTOR1.id == Claim.actor1_id)
    .outerjoin(_ACTOR2, _ACTOR2.id == Claim.actor2_id)
    .outerjoin(ClaimLink, ClaimLink.claim_id == Claim.id)  # at most one row a claim
)  # fmt: skip


assert tuple(_FACTS.selected_columns.keys()) == tuple(ClaimFacts.__dataclass_fields__)


def connection_of(db: Session | Connection) -> Connection:
    """Return the connection of ``db``'s transaction, pending ORM changes flushed first.

    The hot paths run their Core statements on it: through the session each one paid
    the ORM's per-statement set-up, most of the cost of the small queries of an article.
    """
    if isinstance(db, Connection):
        return db
    db.flush()
    return db.connection()


def claim_facts(session: Session | Connection, *, event_ids: Iterable[int] | None = None,
                claim_ids: Iterable[int] | None = None) -> list[ClaimFacts]:  # fmt: skip
    """Load the facts of the claims of ``event_ids`` (or of ``claim_ids``), rejected ones too."""
    conn = connection_of(session)
    out: list[ClaimFacts] = []
    for stmt, ids in ((_FACTS_BY_EVENT, event_ids), (_FACTS_BY_CLAIM, claim_ids)):
        if ids is None:
            continue
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), 500):
            rows = run(conn, stmt, {"ids": wanted[start : start + 500]})
            out.extend(ClaimFacts(*row) for row in rows)
    return out


# Statements of the hot path, built once (building one per call cost more than running it).
_IDS: Any = bindparam("ids", expanding=True)
_FACTS_BY_EVENT = _FACTS.where(Claim.event_id.in_(_IDS)).order_by(Claim.id)
_FACTS_BY_CLAIM = _FACTS.where(Claim.id.in_(_IDS)).order_by(Claim.id)


def fatality_range(claims: Sequence[ClaimFacts]) -> tuple[int | None, int | None, int | None]:
    """Return the event's (low, best, high) fatalities across its claims.

    Only asserted or alleged figures count (a denial, a prediction do not). ``low``
    is the smallest figure any of them gives and ``high`` the largest. ``best`` is
    the median (the lower of the two middle values) of the figures given by
    claimants who are not a side of the event (the outlet itself, a monitor, a
    hospital); only when every figure comes from a side is it the median of those:
    a party's boast never sets the best figure when someone else gave one.
    """
    figures = [c for c in claims if c.firm and c.fatality_value is not None]
    if not figures:
        return None, None, None
    lows = [c.fatalities_low if c.fatalities_low is not None else c.fatalities_best
            for c in figures]  # fmt: skip
    highs = [c.fatalities_high if c.fatalities_high is not None else c.fatalities_best
             for c in figures]  # fmt: skip
    neutral = [c for c in figures if not c.party] or figures
    bests = sorted(
        c.fatalities_best if c.fatalities_best is not None else cast(int, c.fatalities_low)
        for c in neutral
        if c.fatalities_best is not None or c.fatalities_low is not None
    )
    best = bests[(len(bests) - 1) // 2] if bests else None
    low = min((v for v in lows if v is not None), default=None)
    high = max((v for v in highs if v is not None), default=None)
    return low, best, high


def _rank(c: ClaimFacts) -> tuple[Any, ...]:
    """Order claims from the firmest description of the event to the weakest."""
    return (
        _MODALITY_RANK.get(c.modality, 9) + (5 if c.negated else 0),
        0 if c.is_main else 1,
        -c.confidence,
        c.id,
    )


def _vote(values: Iterable[Any]) -> Any:
    """Return the most frequent non-null value (the first seen among equals), or None."""
    counts = Counter(v for v in values if v is not None)
    if not counts:
        return None
    top = max(counts.values())
    return next(v for v in counts if counts[v] == top)


def disputed_fields(claims: Sequence[ClaimFacts], names: dict[int, str]) -> list[str]:
    """Return the fields on which ``claims`` give more than one value (view order)."""
    values: dict[str, set[str]] = {f: set() for f in CONTESTED_FIELDS}
    for c in claims:
        values["event_type"].add(c.event_type)
        if c.date_start is not None:
            values["date"].add(c.date_start.isoformat())
        if c.location_name is not None:
            values["location"].add(c.location_name)
        for field, actor in (("actor1", c.actor1_id), ("actor2", c.actor2_id)):
            if actor is not None:
                values[field].add(names.get(actor, str(actor)))
        if c.fatality_value is not None:
            values["fatalities"].add(c.fatality_value)
        values["modality"].add(c.modality)
    return [f for f in CONTESTED_FIELDS if len(values[f]) > 1]


def report_sources(claims: Sequence[ClaimFacts]) -> set[tuple[str, int]]:
    """Return the distinct sources of the independent reports among ``claims``.

    A syndicated copy and the article it copies are one report (its root is the
    original), and one report has one source: the outlet of the original when the
    original's claims are among ``claims``, else of the earliest stored copy. So the
    outlets that republish a wire story do not add to ``num_sources``; an outlet
    that also reported the event on its own does. An article without a source is
    a source of its own.
    """
    by_root: dict[int, ClaimFacts] = {}
    for c in sorted(claims, key=lambda c: (c.copy_of_id is not None, c.article_id)):
        by_root.setdefault(c.copy_of_id or c.article_id, c)
    return {
        ("source", c.source_id) if c.source_id is not None else ("article", c.article_id)
        for c in by_root.values()
    }


def summarise(claims: Sequence[ClaimFacts], names: dict[int, str]) -> dict[str, Any]:
    """Return the event columns implied by its (non-rejected) ``claims``."""
    live = [c for c in claims if c.status != "rejected"]
    if not live:
        return {"num_claims": 0, "num_articles": 0, "num_sources": 0, "num_reports": 0,
                "contested": False, "contested_fields": None, "places": None}  # fmt: skip
    ranked = sorted(live, key=_rank)
    lead = ranked[0]
    firm = [c for c in ranked if c.firm] or ranked
    event_type = _vote(c.event_type for c in firm)
    typed = [c for c in firm if c.event_type == event_type]
    dated = sorted(
        (c for c in typed if c.date_start is not None),
        key=lambda c: (_PRECISION_RANK.get(c.date_precision, 9), _rank(c)),
    )
    placed = sorted(
        (c for c in typed if c.location_id is not None),
        key=lambda c: (_GEO_RANK.get(c.geo_precision or "unknown", 9), _rank(c)),
    )
    paired = [(c.actor1_id, c.actor2_id) for c in typed if c.actor1_id or c.actor2_id]
    actor1, actor2 = _vote(paired) or (None, None)
    date_claim = dated[0] if dated else None
    place_claim = placed[0] if placed else None
    low, best, high = fatality_range(live)
    roots = {c.copy_of_id or c.article_id for c in live}
    sources = report_sources(live)
    starts = [c.date_start for c in live if c.date_start is not None]
    ends = [c.date_end or c.date_start for c in live if c.date_start is not None]
    published = [c.published for c in live if c.published is not None]
    disputed = disputed_fields(live, names)
    country = place_claim.location_country if place_claim else None
    if country is None:  # the blocking key: any claim's country will do (linking needs one)
        country = next((c.location_country for c in live if c.location_country), None)
    return {
        "event_type": event_type,
        "event_mode": _vote(c.event_mode for c in typed),
        "date_start": date_claim.date_start if date_claim else None,
        "date_end": (date_claim.date_end or date_claim.date_start) if date_claim else None,
        "date_precision": date_claim.date_precision if date_claim else "unknown",
        "location_id": place_claim.location_id if place_claim else None,
        "actor1_id": actor1,
        "actor2_id": actor2,
        "fatalities_low": low,
        "fatalities_best": best,
        "fatalities_high": high,
        "type_family": family_of(event_type).family,
        "country": country,
        "num_claims": len(live),
        "num_articles": len({c.article_id for c in live}),
        "num_sources": len(sources),
        "num_reports": len(roots),
        "first_reported": min(published) if published else None,
        "date_first": min(starts) if starts else None,
        "date_last": max(d for d in ends if d is not None) if starts else None,
        "places": "; ".join(sorted({c.location_name for c in live if c.location_name})) or None,
        "contested": bool(disputed),
        "contested_fields": "; ".join(disputed) or None,
        "_lead": lead.id,
    }


def refresh_events(
    db: Session | Connection,
    event_ids: Iterable[int],
    *,
    reason: Callable[[Sequence[ClaimFacts]], str] | None = None,
) -> None:
    """Recompute the coded fields, summary and actors of ``event_ids`` from their claims.

    With ``reason``, ``link_reason`` too: ``reason(claims)`` of each event's live claims
    is written by the same update.
    """
    ids = sorted({i for i in event_ids if i is not None})
    if not ids:
        return
    session = connection_of(db)
    facts = claim_facts(session, event_ids=ids)
    by_event: dict[int, list[ClaimFacts]] = {i: [] for i in ids}
    for fact in facts:
        by_event[cast(int, fact.event_id)].append(fact)
    names = _actor_names(facts)
    rows = []
    for event_id in ids:
        values = summarise(by_event[event_id], names)
        values.pop("_lead", None)
        if reason is not None:
            values["link_reason"] = reason(
                [c for c in by_event[event_id] if c.status != "rejected"]
            )
        rows.append({"row_id": event_id, **values})
    for keys, group in _by_keys(rows).items():
        stmt = _UPDATES.get(keys)
        if stmt is None:
            stmt = _UPDATES[keys] = (
                update(_EVENTS)
                .where(_EVENTS.c.id == bindparam("row_id"))
                .values({k: bindparam(k) for k in keys})
            )
        run(session, stmt, group)
    _refresh_actors(session, ids, by_event)


_EVENTS = cast(Table, Event.__table__)
_EVENT_ACTORS = cast(Table, EventActor.__table__)
_UPDATES: dict[tuple[str, ...], Any] = {}  # the events update of each set of columns
_DELETE_EVENT_ACTORS = delete(_EVENT_ACTORS).where(_EVENT_ACTORS.c.event_id.in_(_IDS))
_EVENT_ACTORS_FROM_CLAIMS = insert(_EVENT_ACTORS).from_select(
    ["event_id", "actor_id", "role", "position"],
    select(Claim.event_id, ClaimActor.actor_id, ClaimActor.role, func.min(ClaimActor.position))
    .join(Claim, Claim.id == ClaimActor.claim_id)
    .where(Claim.event_id.in_(_IDS), Claim.status != "rejected")
    .group_by(Claim.event_id, ClaimActor.actor_id, ClaimActor.role)
    .order_by(Claim.event_id, ClaimActor.actor_id, ClaimActor.role),
)


def _by_keys(rows: list[dict[str, Any]]) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        keys = tuple(k for k in row if k != "row_id")
        groups.setdefault(keys, []).append(row)
    return groups


def _actor_names(facts: Sequence[ClaimFacts]) -> dict[int, str]:
    names: dict[int, str] = {}
    for c in facts:
        for actor, name in ((c.actor1_id, c.actor1_name), (c.actor2_id, c.actor2_name)):
            if actor is not None and name is not None:
                names[actor] = name
    return names


def _refresh_actors(
    session: Connection, ids: list[int], by_event: dict[int, list[ClaimFacts]]
) -> None:
    """Rebuild ``event_actors`` of ``ids`` from their live claims' actors: each actor in
    each role once, at its first position among the claims."""
    run(session, _DELETE_EVENT_ACTORS, {"ids": ids})
    live = sorted({e for e, cs in by_event.items() for c in cs if c.status != "rejected"})
    for start in range(0, len(live), 500):
        run(session, _EVENT_ACTORS_FROM_CLAIMS, {"ids": live[start : start + 500]})
