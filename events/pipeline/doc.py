"""The document object that flows through the extraction pipeline.

Every stage takes a :class:`Document` and enriches it in place. Offsets are
character offsets into the text of the mention's *section container*:

* ``title``   -> ``Document.title``
* ``body`` and ``caption`` -> ``Document.body`` (captions are lines of the body
  whose sentences carry ``section="caption"``)
* ``comment`` -> ``Document.comments``

Use :meth:`Document.section_text` to get the container string for a section.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Section = Literal["title", "body", "caption", "comment"]
DatePrecision = Literal["day", "week", "month", "year", "unknown"]
GeoPrecision = Literal["point", "admin2", "admin1", "country", "region", "unknown"]
Modality = Literal["asserted", "alleged", "denied", "predicted", "conditional"]
Role = Literal["source", "target", "assoc"]


@dataclass
class Sentence:
    """One sentence with offsets into its section container."""

    index: int  # position in the document, counting all sections in order
    section: Section
    start: int
    end: int
    text: str
    paragraph: int = 0


@dataclass
class ActorMention:
    """An actor found in the text, resolved to a canonical actor."""

    start: int
    end: int
    text: str  # as written: "Ankara", "Turkish presidential spokesman Ibrahim Kalin"
    sentence_index: int
    key: str  # canonical key, unique per actor: "TUR", "TUR:MIL", "person:ibrahim-kalin"
    name: str  # canonical name: "Turkey", "Ibrahim Kalin"
    kind: str  # state, government, military, armed_group, person, organisation, population, media
    country: str | None = None  # ISO 3166-1 alpha-3
    sector: str | None = None  # GOV, MIL, COP, REB, PTY, IGO, NGO, MED, CVL, OPP, BUS, ...
    parent_key: str | None = None  # a minister's government, an army's state
    title: str | None = None  # "presidential spokesman", "Defense Minister"
    wikidata: str | None = None
    rule: str = "alias"  # alias, agent, person, coref, demonym ...
    aliases: list[str] = field(default_factory=list)  # surface forms worth remembering


@dataclass
class DateMention:
    """A date expression normalised to an interval."""

    start: int
    end: int
    text: str
    sentence_index: int
    date_start: dt.date | None
    date_end: dt.date | None
    precision: DatePrecision
    resolved: bool = True  # False when a relative date had no anchor
    relative: bool = False  # "yesterday", "last week", weekday names ...


@dataclass
class PlaceMention:
    """A place resolved against the gazetteer."""

    start: int
    end: int
    text: str
    sentence_index: int
    key: str  # canonical key: "geonames:524901", "region:nagorno-karabakh", "country:AZE"
    name: str
    country: str | None  # ISO alpha-3
    admin1: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    precision: GeoPrecision = "unknown"
    admin2: str | None = None  # second-order division (district, raion, LGA)
    geonames_id: int | None = None  # GeoNames id when the place came from GeoNames
    evidence: str = ""  # why this reading won ("article country SOM", "admin1 named next to it")


@dataclass
class Attribution:
    """Who says a sentence (or clause) is true, and how firmly."""

    claimant: ActorMention | None = None  # None: the outlet itself
    claimant_text: str | None = None
    relayed_by: ActorMention | None = None
    relayed_by_text: str | None = None
    modality: Modality = "asserted"
    cue: str | None = None  # "said", "according to", "in a statement", "appears"
    claim_date: DateMention | None = None  # when the claimant said it


@dataclass
class RoleFiller:
    """An actor in an event role, with the mention that fills it."""

    role: Role
    actor: ActorMention


@dataclass
class Claim:
    """One event mention as asserted by somebody in one sentence."""

    sentence_index: int
    section: Section
    char_start: int  # offsets of the evidence (the sentence) in the section container
    char_end: int
    sentence: str
    trigger: str
    trigger_start: int
    trigger_end: int
    event_type: str  # PLOVER: ASSAULT, CONSULT, ...
    event_mode: str | None = None
    roles: list[RoleFiller] = field(default_factory=list)
    date: DateMention | None = None
    place: PlaceMention | None = None
    fatalities_low: int | None = None
    fatalities_best: int | None = None
    fatalities_high: int | None = None
    attribution: Attribution = field(default_factory=Attribution)
    confidence: float = 0.5
    rule: str = ""
    negated: bool = False
    #: The report's main event (exactly one claim per article with claims): set by
    #: ``eventcoding.mark_main`` at the end of the events stage.
    is_main: bool = False

    def actors(self, role: Role) -> list[ActorMention]:
        """Return the actors filling ``role``, in text order."""
        return [r.actor for r in self.roles if r.role == role]


@dataclass
class Document:
    """An article on its way through the pipeline."""

    # --- given by the loader (or the user) ---
    raw: str = ""  # decoded input text (HTML source for HTML)
    format: Literal["text", "html"] = "text"
    origin: str = "<string>"  # file name, "stdin", "file.jsonl:12"
    external_id: str | None = None
    url: str | None = None
    source: str | None = None  # outlet name
    language: str | None = None
    given_title: str | None = None
    given_published: dt.date | None = None
    given_published_precision: DatePrecision = "day"  # "2024-05" is a month
    include_comments: bool = False

    # --- set by clean ---
    title: str = ""
    body: str = ""
    comments: str = ""
    caption_spans: list[tuple[int, int]] = field(default_factory=list)  # in body
    source_detected: bool = False

    # --- set by anchor ---
    published: dt.date | None = None
    published_precision: DatePrecision = "unknown"
    published_inferred: bool = False

    # --- set by segment ---
    sentences: list[Sentence] = field(default_factory=list)

    # --- set by actors / dates / places ---
    actors: list[ActorMention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)

    # --- set by claims (attribution per sentence index) / events ---
    attributions: dict[int, Attribution] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)

    # --- anything a stage wants the user to know ---
    warnings: list[str] = field(default_factory=list)

    def section_text(self, section: Section) -> str:
        """Return the string that offsets in ``section`` refer to."""
        if section == "title":
            return self.title
        if section == "comment":
            return self.comments
        return self.body

    def sentence_items(self, index: int, items: list) -> list:  # type: ignore[type-arg]
        """Return the mentions in ``items`` that belong to sentence ``index``."""
        return [m for m in items if m.sentence_index == index]
