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
