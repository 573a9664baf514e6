"""The lexicons: every ``seeds/*.tsv`` read once into typed, validated records.

One layer between the seed files and their users: the database seeding (:mod:`events.catalog`)
and the pipeline stages read the same records, so a country, a sector, a month name or a PLOVER
type is defined once, in its seed. A bad cell raises :class:`events.errors.SeedError` naming the
file and the row. Records are cached per process and per version of their files
(:func:`events.lexicon._load.seed_loader`); ``EVENTS_SEEDS_DIR`` points at another seed set.

The layer also owns the matchers built from the lexicons: the phrase compiler and index of the
trigger and cue lexicons (:mod:`events.lexicon.phrases`) and the alias automaton of the actor
dictionary (:mod:`events.lexicon.automaton`).
"""

from events.lexicon._load import also_clear, clear, seed_loader
from events.lexicon.actors import (
    ACTOR_KINDS,
    Agent,
    InterRule,
    NamedActor,
    Sector,
    Title,
    agents,
    inter_rules,
    named_actors,
    sectors,
    state_sectors,
    titles,
    transnational_sectors,
)
from events.lexicon.automaton import Entry, Match, Matcher, capitals_agree, fold_case
from events.lexicon.coding import (
    CueRow,
    NumberWord,
    PloverType,
    TargetMode,
    TollWord,
    TriggerRow,
    TypeFamily,
    cue_rows,
    number_words,
    plover_type_names,
    plover_types,
    reciprocal_types,
    target_modes,
    toll_words,
    trigger_rows,
    type_families,
)
from events.lexicon.geography import (
    PLACE_PRECISIONS,
    UCDP_REGIONS,
    Admin1,
    Country,
    CountryCodes,
    Place,
    PlaceWord,
    Region,
    Transliteration,
    UcdpCountry,
    countries,
    country_regions,
    geonames_admin1,
    geonames_admin2,
    locative_cues,
    place_words,
    places,
    placeword_stoplist,
    regions,
    transliterations,
    ucdp_countries,
)
from events.lexicon.phrases import (
    PhraseIndex,
    alternation_pattern,
    finditer_at_words,
    first_words,
    inflections,
    phrase_regex,
)
from events.lexicon.text import (
    Abbreviation,
    BoilerplateRule,
    DateWords,
    abbreviations,
    boilerplate,
    date_words,
    month_names,
)

__all__ = [
    "also_clear",
    "ACTOR_KINDS", "PLACE_PRECISIONS", "UCDP_REGIONS", "Abbreviation", "Admin1", "Agent",
    "BoilerplateRule", "Country", "CountryCodes", "CueRow", "DateWords", "Entry", "InterRule",
    "Match", "Matcher", "NamedActor", "NumberWord", "PhraseIndex", "Place", "PlaceWord",
    "PloverType", "Region", "Sector", "TargetMode", "Title", "TollWord", "Transliteration",
    "TriggerRow", "UcdpCountry", "abbreviations", "agents", "alternation_pattern", "boilerplate",
    "capitals_agree", "clear", "countries", "country_regions", "cue_rows", "date_words",
    "finditer_at_words", "first_words", "fold_case", "geonames_admin1", "geonames_admin2",
    "inflections", "inter_rules",
    "locative_cues", "month_names", "named_actors", "number_words", "phrase_regex", "place_words",
    "places", "placeword_stoplist", "plover_type_names", "plover_types", "regions", "sectors",
    "seed_loader", "state_sectors", "target_modes", "titles", "toll_words", "transliterations",
    "transnational_sectors", "trigger_rows",
    "type_families",
    "reciprocal_types",
    "TypeFamily", "ucdp_countries",
]  # fmt: skip
