"""Which claims describe one incident: the pairwise comparison and the edges it gives.

Event resolution treats links as edges between two claims and an event as a
connected component of those edges (see :mod:`events.linking.incremental` and
:mod:`events.linking.relink`). An edge depends only on the two claims compared
(and, within one article, on that article's claims), never on which was stored
first, so every ingest order, and ``events relink``, gives the same grouping.

:func:`compare` decides for two claims, with a rule name, a score and the
evidence compared (stored in ``claim_links`` so that ``events show`` can explain
the link):

- **type family** (``seeds/type_families.tsv``): claims of different families never link;
- **modality**: a prediction or a condition never links with a report of what
  happened (the event it predicts is another event); a denial links with the
  event it denies (so the contradictions view shows it), but a claim that is
  only denied never makes an event by itself;
- **actors**: same or unknown. Sides swapped (one's attacker is the other's
  target and back) keep claims apart, and so does one side's role exchanged
  across articles (within one article, where the extraction of a headline's
  roles is the usual cause, it is only no evidence), except for the reciprocal
  types of
  ``seeds/reciprocal_types.tsv`` (a meeting of A and B is the meeting of B and A):
  an attack and the retaliation for it are two events. Otherwise different
  actors are no evidence, but for an attack, a protest or a deployment (a
  "material" family) they do not keep claims apart: outlets name the sides
  variously (militants, jihadists, the group; soldiers, the army) and blame
  different groups for one attack (the contradictions view shows it). For verbal
  events (a statement, an accusation) different speakers are different events;
- **place**: the same place, two places within :data:`NEAR_KM`, or one inside the
  other (a district and a town in it, a province, the country); a place inside a
  province or country is weak evidence (the report says less), an unknown place
  weaker still;
- **date**: the claims' date intervals overlap, widened by the family's
  ``window_days`` for dates given to the day or week; a month or a year is vague;
- **fatalities** are weak evidence only (they are what sources disagree on): the
  same figure adds a little to the score, a different one takes nothing away.

Across articles a link needs a firm match: known, compatible places (same, near,
or inside with both sides named), dates to the day or week overlapping within the
window, and actors compatible. Within one article (a headline, its lead, the
quotes, a repeated paragraph, "the attack" in a follow-up sentence) claims link
readily: same family and no conflicting field. A vague claim there (no town or
day of its own) joins only its best match, so it cannot join two incidents of
one article into one (see :func:`article_edges`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from events.dates import shift
from events.lexicon import TypeFamily, reciprocal_types
from events.linking.direct import run
from events.linking.summary import connection_of, family_of
from events.models import Article, Claim, Location

#: Two points this close (km) are one place for an incident (a town and its outskirts,
#: a village and the market next to it; the same place under two gazetteer entries).
NEAR_KM = 25.0
#: Score a cross-article edge needs (see :func:`compare`; a firm place and date match
#: with unknown actors scores 0.7).
CROSS_ARTICLE_MIN = 0.6
#: Modalities of what happened; the others are predictions, conditions or denials.
_FIRM = frozenset({"asserted", "alleged"})
_FUTURE = frozenset({"predicted", "conditional"})
_FINE_DATES = frozenset({"day", "week"})
_GEO_RANK = {"point": 0, "admin2": 1, "admin1": 2, "country": 3}


def is_reciprocal(event_type: str, mode: str | None) -> bool:
    pairs = reciprocal_types()
    return (event_type, "*") in pairs or (event_type, mode or "") in pairs


@dataclass
class LinkFacts:
    """What linking compares about one claim."""

    id: int
    article_id: int
    event_id: int | None
    event_type: str
    event_mode: str | None
    date_start: dt.date | None
    date_end: dt.date | None
    date_precision: str
    location_id: int | None
    location_name: str | None
    country: str | None
    admin1: str | None
    admin2: str | None
    latitude: float | None
    longitude: float | None
    geo_precision: str | None
    actor1_id: int | None
    actor2_id: int | None
    modality: str
    negated: bool
    fatalities_best: int | None
    event_pinned: bool
    status: str
    sentence_index: int

    @property
    def family(self) -> TypeFamily:
        return family_of(self.event_type)

    @property
    def denial(self) -> bool:
        return self.modality == "denied" or bool(self.negated)

    @property
    def future(self) -> bool:
        return self.modality in _FUTURE

    @property
    def makes_event(self) -> bool:
        """Whether the claim can found an event (a denial alone cannot)."""
        return not self.denial and self.status != "rejected"

    @property
    def placed(self) -> bool:
        """Whether the claim names a place inside one country (a block for linking)."""
        return self.location_id is not None and self.country is not None

    @property
    def dated(self) -> bool:
        return self.date_start is not None and self.date_precision in _FINE_DATES

    @property
    def end(self) -> dt.date | None:
        return self.date_end or self.date_start


FACTS_QUERY = select(
    Claim.id, Claim.article_id, Claim.event_id, Claim.event_type, Claim.event_mode,
    Claim.date_start, Claim.date_end, Claim.date_precision, Claim.location_id,
    Location.name.label("location_name"), Location.country, Location.admin1, Location.admin2,
    Location.latitude, Location.longitude, Location.precision.label("geo_precision"),
    Claim.actor1_id, Claim.actor2_id, Claim.modality, Claim.negated, Claim.fatalities_best,
    Claim.event_pinned, Claim.status, Claim.sentence_index,
).outerjoin(Location, Location.id == Claim.location_id)  # fmt: skip


assert tuple(FACTS_QUERY.selected_columns.keys()) == tuple(LinkFacts.__dataclass_fields__)

# Built once: building a statement per call cost more than running it.
_FACTS_BY_ID = FACTS_QUERY.where(Claim.id.in_(bindparam("ids", expanding=True))).order_by(Claim.id)


def facts_of(rows: Iterable[Any]) -> list[LinkFacts]:
    """Make the facts of rows of FACTS_QUERY (its columns are LinkFacts' fields, in order)."""
    return [LinkFacts(*row) for row in rows]


def load_facts(session: Session | Connection, claim_ids: Iterable[int]) -> list[LinkFacts]:
    """Load the facts of ``claim_ids`` (any status), in id order."""
    conn = connection_of(session)
    wanted = sorted(set(claim_ids))
    out: list[LinkFacts] = []
    for start in range(0, len(wanted), 500):
        out.extend(facts_of(run(conn, _FACTS_BY_ID, {"ids": wanted[start : start + 500]})))
    return out


def article_source(session: Session, article_ids: Iterable[int]) -> dict[int, int | None]:
    ids = sorted(set(article_ids))
    out: dict[int, int | None] = {}
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(Article.id, Article.source_id).where(Article.id.in_(ids[start : start + 500]))
        )
        out.update({a: s for a, s in rows})
    return out


@dataclass(frozen=True)
class Decision:
    """The outcome of comparing two claims."""

    link: bool
    rule: str  # the rule that linked them, or why they stay apart
    score: float
    evidence: str


def _apart(why: str) -> Decision:
    return Decision(False, "apart", 0.0, why)


def _km(a: LinkFacts, b: LinkFacts) -> float | None:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    lat1, lon1, lat2, lon2 = map(
        math.radians,
        (cast(float, a.latitude), cast(float, a.longitude),
         cast(float, b.latitude), cast(float, b.longitude)),
    )  # fmt: skip
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def place_relation(a: LinkFacts, b: LinkFacts) -> tuple[str, str]:
    """Return (relation, evidence): same, near, inside, wide (inside a province or
    country), unknown (a side has no place of a country) or apart."""
    if a.location_id is None or b.location_id is None or not a.country or not b.country:
        return "unknown", "place unknown"
    if a.location_id == b.location_id:
        return "same", f"same place ({a.location_name})"
    if a.country != b.country:
        return "apart", f"places in two countries ({a.location_name}, {b.location_name})"
    km = _km(a, b)
    fine = {a.geo_precision, b.geo_precision} <= {"point"}
    if km is not None and km <= NEAR_KM and fine:
        return "near", f"{a.location_name} and {b.location_name} {km:.0f} km apart"
    wide, narrow = sorted((a, b), key=lambda f: -_GEO_RANK.get(f.geo_precision or "", 9))
    if wide.geo_precision == "country":
        return "wide", f"{narrow.location_name} is in {wide.location_name}"
    if wide.geo_precision == "admin1" and wide.admin1 and wide.admin1 == narrow.admin1:
        return "wide", f"{narrow.location_name} is in {wide.location_name}"
    if (wide.geo_precision == "admin2" and wide.admin2 and wide.admin2 == narrow.admin2
            and wide.admin1 == narrow.admin1):  # fmt: skip
        return "inside", f"{narrow.location_name} is in {wide.location_name}"
    if km is not None and km <= NEAR_KM:
        return "near", f"{a.location_name} and {b.location_name} {km:.0f} km apart"
    where = f"{km:.0f} km apart" if km is not None else "not one inside the other"
    return "apart", f"different places ({a.location_name}, {b.location_name}: {where})"


def date_relation(a: LinkFacts, b: LinkFacts, window: int) -> tuple[str, str]:
    """Return (relation, evidence): same, overlap, vague (coarse dates that overlap),
    unknown or apart."""
    if a.date_start is None or b.date_start is None:
        return "unknown", "date unknown"
    a_end, b_end = cast(dt.date, a.end), cast(dt.date, b.end)
    if a.dated and b.dated:
        if a.date_start == b.date_start and a_end == b_end:
            return "same", f"same date ({a.date_start})"
        # shift() stays inside the calendar (9999-12-31 plus a day is itself).
        if a.date_start <= shift(b_end, window) and b.date_start <= shift(a_end, window):
            return "overlap", f"dates {a.date_start} and {b.date_start} within {window} day(s)"
        return "apart", f"different dates ({a.date_start}, {b.date_start})"
    if a.date_start <= b_end and b.date_start <= a_end:
        return "vague", f"dates overlap ({a.date_precision}, {b.date_precision})"
    return "apart", f"different dates ({a.date_start}, {b.date_start})"


def actor_relation(a: LinkFacts, b: LinkFacts) -> tuple[str, str]:
    """Return (relation, evidence): same, partial, unknown, swapped (both sides
    exchanged), crossed (one side's role exchanged) or different."""
    a1, a2, b1, b2 = a.actor1_id, a.actor2_id, b.actor1_id, b.actor2_id
    reciprocal = is_reciprocal(a.event_type, a.event_mode) and is_reciprocal(
        b.event_type, b.event_mode
    )
    if reciprocal and {a1, a2} == {b1, b2} and a1 is not None:
        return "same", "same sides"
    if not reciprocal and a1 is not None and a2 is not None and (a1, a2) == (b2, b1):
        return "swapped", "sides swapped (one's actor1 is the other's actor2 and back)"
    crossed = (a1 is not None and a1 == b2 and a1 != b1) or (
        a2 is not None and a2 == b1 and a2 != b2
    )
    if crossed and not reciprocal:
        return "crossed", "one's actor1 is the other's actor2"
    if a1 is not None and b1 is not None and a1 != b1:
        return "different", "different actor1"
    if a2 is not None and b2 is not None and a2 != b2:
        if a1 is not None and a1 == b1:
            return "partial", "same actor1, different actor2 (targets are described variously)"
        return "different", "different actor2"
    if a1 is None and a2 is None or b1 is None and b2 is None:
        return "unknown", "actors unknown"
    if (a1, a2) == (b1, b2):
        return "same", "same actors"
    return "partial", "actors agree where both named"


_PLACE_SCORE = {"same": 0.35, "near": 0.3, "inside": 0.25, "wide": 0.1, "unknown": 0.05}
_DATE_SCORE = {"same": 0.3, "overlap": 0.2, "vague": 0.1, "unknown": 0.05}
_ACTOR_SCORE = {"same": 0.25, "partial": 0.15, "unknown": 0.05, "different": 0.0, "crossed": 0.0}


def compare(a: LinkFacts, b: LinkFacts) -> Decision:
    """Decide whether two claims describe one incident (symmetric in ``a`` and ``b``)."""
    fam_a, fam_b = a.family, b.family
    if fam_a.family != fam_b.family:
        return _apart(f"type families differ ({fam_a.family}, {fam_b.family})")
    if a.future != b.future:
        return _apart("a prediction or condition and a report of what happened")
    same_article = a.article_id == b.article_id
    if not same_article and (a.status == "rejected" or b.status == "rejected"):
        return _apart("rejected claim")
    actors, actor_text = actor_relation(a, b)
    material = fam_a.material and fam_b.material
    if actors == "swapped" or (actors == "crossed" and not same_article):
        return _apart(actor_text)
    if actors in ("different", "crossed") and not material:
        return _apart(actor_text)
    place, place_text = place_relation(a, b)
    if place == "apart":
        return _apart(place_text)
    date, date_text = date_relation(a, b, min(fam_a.window_days, fam_b.window_days))
    if date == "apart":
        return _apart(date_text)
    score = _PLACE_SCORE[place] + _DATE_SCORE[date] + _ACTOR_SCORE[actors]
    score += 0.05 if a.event_type == b.event_type else 0.0
    parts = [f"{fam_a.family}", place_text, date_text, actor_text]
    if a.fatalities_best is not None and a.fatalities_best == b.fatalities_best:
        score += 0.05
        parts.append(f"same toll ({a.fatalities_best})")
    elif a.fatalities_best is not None and b.fatalities_best is not None:
        parts.append(f"tolls differ ({a.fatalities_best}, {b.fatalities_best}: not counted)")
    evidence = "; ".join(parts)
    score = round(score, 3)
    if same_article:
        return Decision(True, "same article", score, evidence)
    if not material and (a.event_type != b.event_type or actors != "same" or date != "same"):
        return _apart(f"verbal events ({a.event_type}) link across articles only when "
                      "type, actors and date all agree")  # fmt: skip
    firm_place = place in ("same", "near", "inside") or (place == "wide" and actors == "same")
    if not firm_place or date not in ("same", "overlap") or score < CROSS_ARTICLE_MIN:
        return _apart(f"too little in common across articles ({place_text}; {date_text})")
    return Decision(True, "same incident", score, evidence)


@dataclass(frozen=True)
class Edge:
    """A link between two claims (``a`` < ``b``)."""

    a: int
    b: int
    decision: Decision


def _edge(x: LinkFacts, y: LinkFacts, decision: Decision) -> Edge:
    return Edge(min(x.id, y.id), max(x.id, y.id), decision)


def is_anchor(c: LinkFacts) -> bool:
    """Whether a claim pins an incident down: a town or district, and a day or week."""
    return c.dated and c.geo_precision in ("point", "admin2") and c.country is not None


def article_edges(claims: Sequence[LinkFacts]) -> list[Edge]:
    """Return the edges among the claims of one article (rejected claims take no part).

    Anchors (claims with a town or district and a day or week, :func:`is_anchor`)
    link with every compatible anchor. Every other claim (a headline without a date,
    "the attack", a quote that names only the country) joins one claim: its best
    compatible anchor, else its best compatible claim (highest score, then the
    nearest sentence, then the lower id). With one edge each, a vague claim cannot
    join two incidents of the article (two attacks in two towns) into one.
    """
    live = sorted((c for c in claims if c.status != "rejected"), key=lambda c: c.id)
    edges: dict[tuple[int, int], Edge] = {}
    options: dict[int, list[tuple[tuple[Any, ...], Edge]]] = {c.id: [] for c in live}
    for i, x in enumerate(live):
        for y in live[i + 1 :]:
            decision = compare(x, y)
            if not decision.link:
                continue
            edge = _edge(x, y, decision)
            if is_anchor(x) and is_anchor(y):
                edges[(edge.a, edge.b)] = edge
                continue
            distance = abs(x.sentence_index - y.sentence_index)
            for me, other in ((x, y), (y, x)):
                if not is_anchor(me):
                    key = (not is_anchor(other), -decision.score, distance, other.id)
                    options[me.id].append((key, edge))
    for choices in options.values():
        if choices:
            best = min(choices, key=lambda o: o[0])[1]
            edges.setdefault((best.a, best.b), best)
    return [edges[k] for k in sorted(edges)]


def cross_edges(new: Sequence[LinkFacts], others: Sequence[LinkFacts]) -> list[Edge]:
    """Return the edges between claims of ``new`` and claims of other articles in ``others``."""
    out: list[Edge] = []
    for x in new:
        if x.status == "rejected" or not (x.placed and x.dated):
            continue
        for y in others:
            if y.article_id == x.article_id or y.status == "rejected":
                continue
            decision = compare(x, y)
            if decision.link:
                out.append(_edge(x, y, decision))
    return out


def best_links(edges: Iterable[Edge]) -> dict[int, tuple[int, Decision]]:
    """Return, per claim, its best edge (highest score, then lower other id): its link row."""
    best: dict[int, tuple[tuple[float, int], int, Decision]] = {}
    for e in edges:
        for me, other in ((e.a, e.b), (e.b, e.a)):
            key = (-e.decision.score, other)
            if me not in best or key < best[me][0]:
                best[me] = (key, other, e.decision)
    return {me: (other, d) for me, (_, other, d) in best.items()}


def link_reason(rules: Iterable[str], num_claims: int) -> str:
    """Return the short ``events.link_reason`` for an event whose claims' links have ``rules``."""
    counts: dict[str, int] = {}
    for rule in rules:
        counts[rule] = counts.get(rule, 0) + 1
    if not counts:
        return "first claim" if num_claims <= 1 else "claims of one event"
    return "; ".join(f"{n} {rule}" for rule, n in sorted(counts.items()))
