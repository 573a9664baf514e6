"""Conflict-event database: actors, dates and claimed events from news articles."""

__version__ = "0.1.0"

#: Stamped on every article, claim and event this code extracts. Bump the
#: suffix whenever extraction rules or lexicons change behaviour, so records
#: made by different extractor versions can be told apart and re-extracted.
EXTRACTOR_VERSION = f"events-{__version__}+x3"
