"""Sectors, named actors, agent nouns, titles and ACLED inter codes, as typed records."""

from __future__ import annotations

import re
from dataclasses import dataclass

from events import seeds
from events.errors import SeedError
from events.lexicon._load import seed_loader

#: Kinds an actor may have (actors.tsv, agents.tsv, titles.tsv, acled_inter.tsv).
ACTOR_KINDS = frozenset(
    "state government military police intelligence legislature judiciary armed_group party "
    "opposition igo ngo organisation media person population religious criminal business "
    # ACLED's political militias (gunmen, vigilantes) and identity militias (clan, ethnic,
    # communal): armed men who are neither a state's forces nor rebels.
    "militia identity_militia".split()
)
#: ACLED's actor types (inter codes) 1-8.
ACLED_INTER = range(1, 9)
#: ACLED event types an inter rule may be restricted to.
ACLED_EVENT_TYPES = (
    "Battles",
    "Violence against civilians",
    "Explosions/Remote violence",
    "Riots",
    "Protests",
    "Strategic developments",
)


@dataclass(frozen=True)
class Sector:
    """A sector code of ``seeds/sectors.tsv`` ("MIL": military)."""

    code: str
    name: str
    state: bool  # an organ of a state: its actors act for a country
    transnational: bool  # its actors belong to no country (IGO, NGO, MNC)


@seed_loader("sectors.tsv")
def sectors() -> dict[str, Sector]:
    """Return the sectors by code."""
    out: dict[str, Sector] = {}
    for r in seeds.table("sectors.tsv"):
        code = r["sector"]
        if not re.fullmatch(r"[A-Z]{3}", code) or code in out:
            raise r.error(f"sector {code!r} must be a new three-letter upper-case code")
        out[code] = Sector(
            code, r["name"], r.flag("state", default=False), r.flag("transnational", default=False)
        )
    return out


def state_sectors() -> frozenset[str]:
    """Return the sectors whose actors are organs of a state (GOV, MIL, COP ...)."""
    return frozenset(code for code, s in sectors().items() if s.state)


def transnational_sectors() -> frozenset[str]:
    """Return the sectors whose actors belong to no country (IGO, NGO, MNC)."""
    return frozenset(code for code, s in sectors().items() if s.transnational)


def _sector(row: seeds.SeedRow, column: str) -> str:
    """Return a sector cell ("MIL", or "OPP/population" with a kind) known to sectors.tsv."""
    value = row[column]
    code, _, kind = value.partition("/")
    if code and code not in sectors():
        raise row.error(f"{column} {code!r} is not a sector of seeds/sectors.tsv")
    if kind and kind not in ACTOR_KINDS:
        raise row.error(f"{column} kind {kind!r} is not one of {', '.join(sorted(ACTOR_KINDS))}")
    return value


def _kind(row: seeds.SeedRow, column: str) -> str:
    value = row[column]
    if value and value not in ACTOR_KINDS:
        raise row.error(f"{column} {value!r} is not one of {', '.join(sorted(ACTOR_KINDS))}")
    return value


@dataclass(frozen=True)
class NamedActor:
    """An organisation, armed group, outlet or person of ``seeds/actors.tsv``."""

    key: str
    name: str
    kind: str
    country: str | None
    sector: str | None
    aliases: tuple[str, ...]
    wikidata: str | None


@seed_loader("actors.tsv", "sectors.tsv")
def named_actors() -> tuple[NamedActor, ...]:
    """Return the named actors of ``seeds/actors.tsv``."""
    out = []
    for r in seeds.table("actors.tsv"):
        country = r["country"]
        if country and not re.fullmatch(r"[A-Z]{3}", country):
            raise r.error(f"country {country!r} is not an ISO 3166-1 alpha-3 code")
        wikidata = r["wikidata"]
        if wikidata and not re.fullmatch(r"Q\d+", wikidata):
            raise r.error(f"wikidata {wikidata!r} is not a Wikidata id (Q123)")
        out.append(
            NamedActor(
                key=r["key"],
                name=r["name"],
                kind=_kind(r, "kind"),
                country=country or None,
                sector=_sector(r, "sector") or None,
                aliases=r.multi("aliases"),
                wikidata=wikidata or None,
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class Agent:
    """An agent noun ("forces", "militants") and the sector it gives an actor."""

    words: tuple[str, ...]
    sector: str
    kind: str
    label: str


@seed_loader("agents.tsv", "sectors.tsv")
def agents() -> tuple[Agent, ...]:
    """Return the agent nouns of ``seeds/agents.tsv``."""
    return tuple(
        Agent(r.multi("word"), _sector(r, "sector"), _kind(r, "kind"), r["label"] or r["sector"])
        for r in seeds.table("agents.tsv")
    )


@dataclass(frozen=True)
class Title:
    """A title written before a person's name ("foreign minister")."""

    canonical: str
    variants: tuple[str, ...]
    sector: str
    kind: str


@seed_loader("titles.tsv", "sectors.tsv")
def titles() -> tuple[Title, ...]:
    """Return the person titles of ``seeds/titles.tsv``."""
    out = []
    for r in seeds.table("titles.tsv"):
        variants = r.multi("title")
        if variants:
            out.append(Title(variants[0].lower(), variants, _sector(r, "sector"), _kind(r, "kind")))
    return tuple(out)


@dataclass(frozen=True)
class InterRule:
    """A rule of ``seeds/acled_inter.tsv``: the ACLED inter code of the actors it matches.

    Empty fields match anything; the first matching rule wins.
    """

    sector: str
    kind: str
    acled_event_type: str
    abroad: bool
    inter: int
    label: str


@seed_loader("acled_inter.tsv", "sectors.tsv")
def inter_rules() -> tuple[InterRule, ...]:
    """Return the ACLED inter-code rules in order."""
    rules = []
    for r in seeds.table("acled_inter.tsv"):
        inter = r.integer("inter", low=1, high=8)
        if inter is None:
            raise r.error("inter must be an ACLED code 1-8")
        rules.append(
            InterRule(
                sector=_sector(r, "sector"),
                kind=_kind(r, "kind"),
                acled_event_type=r.choice("acled_event_type", ("", *ACLED_EVENT_TYPES)),
                abroad=r.flag("abroad", default=False),
                inter=inter,
                label=r["label"],
            )
        )
    if not rules:
        raise SeedError("acled_inter.tsv has no rules: ACLED inter codes cannot be assigned")
    return tuple(rules)
