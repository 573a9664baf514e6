"""PLOVER types and the lexicons of event coding (triggers, cues, tolls), as typed records.

The stages that code events (:mod:`events.pipeline.triggers`, ``claims``, ``tolls``) build
their matchers from these records, never from the raw rows. Flags are yes/no columns of their
own (triggers.tsv ``generic``, cues.tsv ``estimate`` and ``observation``); a ``notes`` column is
prose for the reader and no program reads it.
"""

from __future__ import annotations

from dataclasses import dataclass

from events import seeds
from events.errors import SeedError
from events.lexicon._load import seed_loader
from events.lexicon.actors import ACLED_EVENT_TYPES, _sector


@dataclass(frozen=True)
class PloverType:
    """A (PLOVER type, mode) pair of ``seeds/plover_types.tsv`` and its ACLED/CAMEO crosswalk."""

    plover_type: str
    mode: str
    acled_event_type: str | None
    acled_sub_event_type: str | None
    cameo_root: str | None
    description: str | None


@seed_loader("plover_types.tsv")
def plover_types() -> tuple[PloverType, ...]:
    """Return the PLOVER types and modes with their crosswalk, as the database stores them."""
    out = []
    for r in seeds.table("plover_types.tsv"):
        plover = r["plover_type"]
        if not plover.isalpha() or not plover.isupper():
            raise r.error(f"plover_type {plover!r} must be an upper-case PLOVER type")
        cameo = r["cameo_root"]
        if cameo and not (cameo.isdigit() and len(cameo) == 2):
            raise r.error(f"cameo_root {cameo!r} must be a two-digit CAMEO root code")
        out.append(
            PloverType(
                plover_type=plover,
                mode=r["mode"],
                acled_event_type=r.choice("acled_event_type", ("", *ACLED_EVENT_TYPES)) or None,
                acled_sub_event_type=r.optional("acled_sub_event_type"),
                cameo_root=cameo or None,
                description=r.optional("description"),
            )
        )
    return tuple(out)


def plover_type_names() -> tuple[str, ...]:
    """Return the PLOVER event types, in the order of ``seeds/plover_types.tsv``."""
    return tuple(dict.fromkeys(t.plover_type for t in plover_types()))


def _plover_type(row: seeds.SeedRow, column: str) -> str:
    value = row[column]
    if value not in plover_type_names():
        raise row.error(f"{column} {value!r} is not a PLOVER type of seeds/plover_types.tsv")
    return value


#: Voice hints of triggers.tsv (see its header).
TRIGGER_VOICES = ("", "reciprocal", "theme", "undergoer", "control", "deontic", "allege")


@dataclass(frozen=True)
class TriggerRow:
    """A row of ``seeds/triggers.tsv``: patterns reporting one PLOVER type and mode."""

    patterns: tuple[str, ...]
    event_type: str
    mode: str
    voice: str
    generic: bool  # a low-specificity word ("incident"): weaker evidence of the event


@seed_loader("triggers.tsv", "plover_types.tsv")
def trigger_rows() -> tuple[TriggerRow, ...]:
    """Return the trigger rows of ``seeds/triggers.tsv``."""
    return tuple(
        TriggerRow(
            patterns=r.multi("pattern"),
            event_type=_plover_type(r, "event_type"),
            mode=r["mode"],
            voice=r.choice("voice_hint", TRIGGER_VOICES),
            generic=r.flag("generic", default=False),
        )
        for r in seeds.table("triggers.tsv")
    )


@dataclass(frozen=True)
class TargetMode:
    """A row of ``seeds/target_modes.tsv``: the mode an event takes from its target's class."""

    plover_type: str
    mode: str
    target_sector: str  # "CVL", or sector/kind ("OPP/population")
    new_mode: str


@seed_loader("target_modes.tsv", "plover_types.tsv", "sectors.tsv")
def target_modes() -> tuple[TargetMode, ...]:
    """Return the target-mode rules of ``seeds/target_modes.tsv``."""
    return tuple(
        TargetMode(
            _plover_type(r, "plover_type"), r["mode"], _sector(r, "target_sector"), r["new_mode"]
        )
        for r in seeds.table("target_modes.tsv")
    )


#: Cue kinds, modalities and speaker positions of cues.tsv (see its header).
CUE_KINDS = ("report", "relay", "modality", "condition", "negation", "speech", "agentive")
MODALITIES = ("asserted", "alleged", "denied", "predicted", "conditional")
SPEAKER_POSITIONS = ("before", "after", "inside", "object", "none")


@dataclass(frozen=True)
class CueRow:
    """A row of ``seeds/cues.tsv``: an attribution cue."""

    phrase: str
    kind: str
    modality: str
    speaker: str  # before, after, inside, object, none
    demand: str  # "", yes, negated
    estimate: bool  # a prediction by someone other than the agent ("is expected to")
    observation: bool  # a monitor's verb of observing ("documented"): dates what was observed


@seed_loader("cues.tsv")
def cue_rows() -> tuple[CueRow, ...]:
    """Return the attribution cues of ``seeds/cues.tsv``."""
    return tuple(
        CueRow(
            phrase=r["cue"],
            kind=r.choice("kind", CUE_KINDS),
            modality=r.choice("modality", ("", *MODALITIES)),
            speaker=r.choice("speaker", ("", *SPEAKER_POSITIONS)) or "none",
            demand=r.choice("demand", ("", "yes", "negated")),
            estimate=r.flag("estimate", default=False),
            observation=r.flag("observation", default=False),
        )
        for r in seeds.table("cues.tsv")
    )


#: Kinds of toll_words.tsv: nouns that count people (civilian: unarmed people, "villagers"),
#: outcomes other than death ("injured"), units of things or time ("days"), death words.
TOLL_WORD_KINDS = ("person", "civilian", "outcome", "unit", "death", "site")


@dataclass(frozen=True)
class TollWord:
    """A row of ``seeds/toll_words.tsv``."""

    word: str
    kind: str  # one of TOLL_WORD_KINDS
    plural: str


@seed_loader("toll_words.tsv")
def toll_words() -> tuple[TollWord, ...]:
    """Return the toll words of ``seeds/toll_words.tsv`` (lower-cased), every kind present."""
    out = tuple(
        TollWord(r["word"].lower(), r.choice("kind", TOLL_WORD_KINDS), r["plural"].lower())
        for r in seeds.table("toll_words.tsv")
    )
    missing = [k for k in TOLL_WORD_KINDS if not any(w.kind == k for w in out)]
    if missing:
        raise SeedError(
            f"toll_words.tsv has no {', '.join(missing)} words: the toll extractor needs them"
        )
    return out


#: Kinds of numbers.tsv.
NUMBER_KINDS = ("number", "scale", "vague", "modifier")


@dataclass(frozen=True)
class NumberWord:
    """A row of ``seeds/numbers.tsv``: a number word, scale, vague quantity or modifier."""

    phrase: str
    kind: str
    value: int | None  # number and scale
    modifier: str  # modifier: at_least, about ...
    low: int | None  # vague: the lowest, best and highest reading
    best: int | None
    high: int | None


@seed_loader("numbers.tsv")
def number_words() -> tuple[NumberWord, ...]:
    """Return the rows of ``seeds/numbers.tsv``."""
    out = []
    for r in seeds.table("numbers.tsv"):
        kind = r.choice("kind", NUMBER_KINDS)
        numeric = kind in ("number", "scale")
        value = r.integer("value", low=0) if numeric else None
        if numeric and value is None:
            raise r.error(f"a {kind} needs a value")
        out.append(
            NumberWord(
                phrase=r["phrase"].lower(),
                kind=kind,
                value=value,
                modifier=r["value"] if kind == "modifier" else "",
                low=r.integer("low", low=0),
                best=r.integer("best", low=0),
                high=r.integer("high", low=0),
            )
        )
    if not out:
        raise SeedError("numbers.tsv has no rows: no figure will be read")
    return tuple(out)


@dataclass(frozen=True)
class TypeFamily:
    """A row of ``seeds/type_families.tsv``: which PLOVER types may describe one incident."""

    plover_type: str
    family: str
    window_days: int
    material: bool


@seed_loader("type_families.tsv", "plover_types.tsv")
def type_families() -> dict[str, TypeFamily]:
    """Return the type family of each PLOVER type listed (event resolution's blocking key)."""
    out: dict[str, TypeFamily] = {}
    for r in seeds.table("type_families.tsv"):
        plover = _plover_type(r, "plover_type")
        family = r["family"]
        if not family or not family.replace("_", "").isalpha() or not family.islower():
            raise r.error(f"family {family!r} must be a lower-case word")
        window = r.integer("window_days", low=0, high=31) or 0
        out[plover] = TypeFamily(plover, family, window, r.flag("material", default=False))
    return out


@seed_loader("reciprocal_types.tsv", "plover_types.tsv")
def reciprocal_types() -> frozenset[tuple[str, str]]:
    """Return the (type, mode) pairs whose sides may be named in either order ('*': all)."""
    out = set()
    for r in seeds.table("reciprocal_types.tsv"):
        out.add((_plover_type(r, "plover_type"), r["mode"] or "*"))
    return frozenset(out)
