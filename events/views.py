"""The column contract of the views researchers query (DESIGN.md).

The SQL lives in the migrations (views change only through a migration); this
module names the columns so tests, export and docs share one list.
"""

CLAIMS_FLAT_COLUMNS: tuple[str, ...] = (
    "claim_id", "event_id", "article_id", "article_external_id", "source", "article_url",
    "article_published", "section", "sentence_index", "char_start", "char_end", "sentence",
    "trigger", "event_type", "event_mode", "acled_event_type", "acled_sub_event_type",
    "cameo_root", "date_start", "date_end", "date_precision", "date_text",
    "actor1", "actor1_country", "actor1_sector", "actor2", "actor2_country", "actor2_sector",
    "assoc_actors", "location", "admin1", "country", "latitude", "longitude", "geo_precision",
    "fatalities_low", "fatalities_best", "fatalities_high",
    "claimant", "claimant_country", "relayed_by", "modality", "confidence", "rule",
    "extractor_version",
    # beyond the contract: when the claimant spoke, denial flag, headline, and the
    # ids behind actor1/actor2/location (indexed: filters on them are fast)
    "claim_date", "negated", "article_title", "actor1_id", "actor2_id", "location_id",
    # added by migration 0004, at the end so every older column keeps its position:
    # the place's second-order division and GeoNames id, and why the place was chosen
    "admin2", "geonames_id", "location_evidence",
    # added by migration 0005, at the end: the claim is the report's main event (0/1)
    "is_main",
    # added by migration 0006, at the end: a person corrected the claim (0/1), and the
    # article the claim's article is a syndicated copy of (NULL for an original).
    # Rejected claims are hidden (kept in the claims table, listed by `events edits`).
    "curated", "copy_of",
)  # fmt: skip

EVENTS_FLAT_COLUMNS: tuple[str, ...] = (
    "event_id", "event_type", "event_mode", "acled_event_type", "acled_sub_event_type",
    "cameo_root", "date_start", "date_end", "date_precision",
    "actor1", "actor1_country", "actor1_sector", "actor2", "actor2_country", "actor2_sector",
    "assoc_actors", "location", "admin1", "country", "latitude", "longitude", "geo_precision",
    "fatalities_low", "fatalities_best", "fatalities_high",
    "num_claims", "num_articles", "num_sources", "first_reported", "status",
    # beyond the contract: the ids behind actor1/actor2/location
    "actor1_id", "actor2_id", "location_id",
    # added by migration 0004, at the end (older columns keep their positions)
    "admin2", "geonames_id",
    # added by migration 0006, at the end: independent reports (syndicated copies count
    # once), whether the claims disagree and on which fields, the claims' date range and
    # places, and why the claims were linked. Rejected and empty events are hidden.
    "num_reports", "contested", "contested_fields", "date_first", "date_last", "places",
    "link_reason",
)  # fmt: skip

#: One row per event, disputed field and distinct claimed value (migration 0006).
CONTRADICTIONS_COLUMNS: tuple[str, ...] = (
    "event_id", "field", "value", "claimants", "sources", "modalities", "claim_ids",
    "num_claims",
)  # fmt: skip

VIEWS = {
    "claims_flat": CLAIMS_FLAT_COLUMNS,
    "events_flat": EVENTS_FLAT_COLUMNS,
    "contradictions": CONTRADICTIONS_COLUMNS,
}

#: One line per column of the views, in our own words: what a researcher reads in the
#: column. The web interface (`events serve`) and the docs take the descriptions from
#: here. A key "view.column" describes a column whose meaning differs in that view.
COLUMN_DESCRIPTIONS: dict[str, str] = {
    "claim_id": "Id of the claim: one assertion found in one article.",
    "event_id": "Id of the event the claim belongs to (claims of one happening share it).",
    "article_id": "Id of the article the claim was read in.",
    "article_external_id": "The article's own id as given at ingest (file name or 'id' field).",
    "source": "The outlet that published the article.",
    "article_url": "Where the article was published, when known.",
    "article_published": "Publication date of the article (ISO).",
    "section": "Part of the article holding the evidence: title, body, caption or comment.",
    "sentence_index": "Position of the evidence sentence in its section (0 = first).",
    "char_start": "Offset of the evidence sentence's first character in the section.",
    "char_end": "Offset just past the evidence sentence's last character.",
    "sentence": "The evidence: the sentence the claim was read from, verbatim.",
    "trigger": "The word or phrase that signals the event in the sentence.",
    "event_type": "PLOVER event type (ASSAULT, PROTEST, COERCE ...).",
    "event_mode": "PLOVER mode refining the type (e.g. firearms, air strike), when known.",
    "acled_event_type": "The matching ACLED event type (Battles, Explosions/Remote violence ...).",
    "acled_sub_event_type": "The matching ACLED sub-event type (Armed clash, Shelling ...).",
    "cameo_root": "The matching CAMEO root code (two digits).",
    "date_start": "First day the event may have happened (ISO date).",
    "date_end": "Last day the event may have happened (ISO date; equals date_start for a day).",
    "date_precision": "How exactly the date is known: day, week, month, year or unknown.",
    "date_text": "The words the date was read from ('on Monday', 'last week').",
    "actor1": "The side that acted (attacker, protester, speaker of a threat).",
    "actor1_country": "Country of actor1 (ISO 3166 alpha-3).",
    "actor1_sector": "Sector of actor1 (MIL military, GOV government, REB rebels, CVL civilians).",
    "actor2": "The side acted upon (target, victim, addressee).",
    "actor2_country": "Country of actor2 (ISO 3166 alpha-3).",
    "actor2_sector": "Sector of actor2 (MIL, GOV, REB, CVL ...).",
    "assoc_actors": "Other actors taking part, '; '-separated.",
    "location": "Name of the place where it happened.",
    "admin1": "First-order administrative division of the place (region, province, oblast).",
    "country": "Country where it happened (ISO 3166 alpha-3).",
    "latitude": "Latitude of the place (WGS 84), at the precision in geo_precision.",
    "longitude": "Longitude of the place (WGS 84), at the precision in geo_precision.",
    "geo_precision": "What the coordinates stand for: point, admin2, admin1, country, region.",
    "fatalities_low": "Lowest death toll claimed.",
    "fatalities_best": "Best single estimate of the death toll.",
    "fatalities_high": "Highest death toll claimed.",
    "claimant": "Who makes the claim (a ministry, a spokesman, a witness); empty = the outlet.",
    "claimant_country": "Country of the claimant (ISO 3166 alpha-3).",
    "relayed_by": "Who passed the claim on (a news agency quoting the claimant).",
    "modality": "How firmly it is said: asserted, alleged, denied, predicted or conditional.",
    "confidence": "The extractor's confidence in the claim, 0 to 1.",
    "rule": "The extraction rule that produced the claim.",
    "extractor_version": "Version of the extractor that read the claim.",
    "claim_date": "When the claimant spoke, when the article says so (ISO date).",
    "negated": "1 when the sentence says the event did not happen.",
    "article_title": "Headline of the article.",
    "actor1_id": "Id of actor1 in the actors table.",
    "actor2_id": "Id of actor2 in the actors table.",
    "location_id": "Id of the place in the locations table.",
    "admin2": "Second-order administrative division of the place (district, raion, LGA).",
    "geonames_id": "GeoNames id of the place, for places taken from GeoNames.",
    "location_evidence": "Why this place was chosen among places of the same name.",
    "is_main": "1 for the report's main event (one claim per article).",
    "curated": "1 when a person corrected the claim.",
    "copy_of": "Id of the article this one is a syndicated copy of (empty for an original).",
    "num_claims": "Number of claims behind the event.",
    "num_articles": "Number of articles reporting the event.",
    "num_sources": "Number of outlets reporting the event (an outlet that only republished "
    "another's story, a syndicated copy, does not count).",
    "first_reported": "Earliest publication date among the event's articles (ISO).",
    "status": "auto (linked by the program) or curated (checked by a person).",
    "num_reports": "Independent reports of the event (syndicated copies count once).",
    "contested": "1 when the event's claims disagree on a field.",
    "contested_fields": "The fields the claims disagree on, '; '-separated.",
    "date_first": "Earliest start date among the event's claims (ISO).",
    "date_last": "Latest end date among the event's claims (ISO).",
    "places": "The distinct places named by the event's claims, '; '-separated.",
    "link_reason": "Why the claims were taken for one event.",
    "field": "The field the claims disagree on (fatalities, date, location, actor1 ...).",
    "value": "One value claimed for the field (a toll range reads low-high).",
    "claimants": "Who claims this value, '; '-separated (the outlet when nobody is named).",
    "sources": "Outlets that carry this value, '; '-separated.",
    "modalities": "How firmly this value is said, '; '-separated.",
    "claim_ids": "Ids of the claims giving this value, comma-separated.",
    "contradictions.num_claims": "Number of claims giving this value.",
    "events_flat.event_id": "Id of the event.",
    "contradictions.event_id": "Id of the event whose claims disagree.",
}


def describe_column(view: str, column: str) -> str | None:
    """Return the one-line description of ``column`` as it reads in ``view``."""
    return COLUMN_DESCRIPTIONS.get(f"{view}.{column}", COLUMN_DESCRIPTIONS.get(column))
